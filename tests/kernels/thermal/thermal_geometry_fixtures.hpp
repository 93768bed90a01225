#pragma once
// Small surfaces for the thermal geometry tests: flat ground, an infinite street canyon, a block
// on flat ground, seeded random DSMs with no-data holes, and an independent brute-force horizon
// along the digital lines documented in sky_view_factor.hpp.

#include <lauter/kernels/grid.hpp>

#include "../../support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>

namespace lauter::test::thermal {

using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::Raster;

struct TestSurface {
    GridSpec spec;
    Raster<float> z;
    CellMask mask;
};

inline TestSurface flat_surface(std::size_t rows, std::size_t cols, double cell_size_m,
                                float height_m = 250.0F) {
    TestSurface s;
    s.spec = make_grid(rows, cols, cell_size_m, cell_size_m);
    s.z = Raster<float>(s.spec, height_m);
    s.mask = CellMask(s.spec);
    return s;
}

/// A north-south street canyon of `floor_cells` (odd) 1 m cells between two blocks of height
/// `height_m` that fill the rest of each row: the floor centre is column cols / 2.
inline TestSurface canyon_surface(std::size_t rows, std::size_t floor_cells, double height_m) {
    const std::size_t side = 60;
    TestSurface s = flat_surface(rows, floor_cells + 2 * side, 1.0, 0.0F);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < s.spec.cols; ++c) {
            if (c < side || c >= side + floor_cells) {
                s.z(r, c) = static_cast<float>(height_m);
            }
        }
    }
    return s;
}

/// Random heights: a rough base (0..20 m) plus random "buildings" up to 40 m, with about
/// `hole_fraction` no-data cells.
inline TestSurface random_surface(std::size_t rows, std::size_t cols, std::uint32_t seed,
                                  double hole_fraction = 0.03) {
    TestSurface s = flat_surface(rows, cols, 2.0, 0.0F);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            double z = 20.0 * unit(rng);
            if (unit(rng) < 0.1) {
                z += 40.0 * unit(rng);
            }
            s.z(r, c) = static_cast<float>(z);
            if (unit(rng) < hole_fraction) {
                s.mask.set(r, c, CellStatus::no_data);
                s.z(r, c) = kernels::no_data_value<float>;
            }
        }
    }
    return s;
}

/// Brute force: tangent of the horizon of cell (row, col) in `azimuth_deg` within the radius,
/// scanning every cell of its digital line ahead one by one (O(radius) per cell), following the
/// line definition of sky_view_factor.hpp / shadow.hpp independently of the kernel's code.
inline double brute_force_tan_horizon(const TestSurface& s, std::size_t row, std::size_t col,
                                      double azimuth_deg, double radius_m) {
    const GridSpec& g = s.spec;
    const double a = azimuth_deg * std::numbers::pi / 180.0;
    const double col_rate = std::sin(a) / g.cell_size_x_m;
    const double row_rate = -std::cos(a) / g.cell_size_y_m;
    const bool x_major = std::abs(col_rate) >= std::abs(row_rate);
    const double major = x_major ? col_rate : row_rate;
    const double k = (x_major ? row_rate : col_rate) / std::abs(major);
    const double step_m = 1.0 / std::abs(major);
    const auto major_len = static_cast<std::int64_t>(x_major ? g.cols : g.rows);
    const auto minor_len = static_cast<std::int64_t>(x_major ? g.rows : g.cols);
    const auto p_major = static_cast<std::int64_t>(x_major ? col : row);
    const auto p_minor = static_cast<std::int64_t>(x_major ? row : col);
    const std::int64_t s_p = major >= 0.0 ? p_major : major_len - 1 - p_major;
    auto offset = [k](std::int64_t step) {
        return static_cast<std::int64_t>(std::floor(k * static_cast<double>(step) + 0.5));
    };
    const std::int64_t j = p_minor - offset(s_p);
    const auto reach =
        static_cast<std::int64_t>(std::max(1.0, std::floor(radius_m / step_m)));
    const double z_p = s.z(row, col);
    double best = 0.0;
    for (std::int64_t d = 1; d <= reach && s_p + d < major_len; ++d) {
        const std::int64_t step = s_p + d;
        const std::int64_t minor = j + offset(step);
        if (minor < 0 || minor >= minor_len) {
            continue;
        }
        const std::int64_t maj = major >= 0.0 ? step : major_len - 1 - step;
        const auto r = static_cast<std::size_t>(x_major ? minor : maj);
        const auto c = static_cast<std::size_t>(x_major ? maj : minor);
        if (!s.mask.has_data(r, c)) {
            continue;
        }
        const double rise_m = static_cast<double>(s.z(r, c)) - z_p;
        best = std::max(best, rise_m / (static_cast<double>(d) * step_m));
    }
    return best;
}

} // namespace lauter::test::thermal
