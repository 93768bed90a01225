#pragma once
// Small DEMs for the hydrology kernel tests: grids from literal rows, seeded random DEMs with
// no-data holes, and an independent reference fill (iterated to a fixed point) to compare with.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include "../../support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace lauter::test::hydrology {

using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::Raster;

/// A DEM of `cell_size_m` square cells from literal rows; NaN entries become no-data cells.
struct TestDem {
    GridSpec spec;
    Raster<float> z;
    CellMask mask;
};

inline TestDem dem_from_rows(const std::vector<std::vector<double>>& rows,
                             double cell_size_m = 10.0) {
    TestDem d;
    d.spec = make_grid(rows.size(), rows.front().size(), cell_size_m, cell_size_m, 0.0, 0.0);
    d.z = Raster<float>(d.spec);
    d.mask = CellMask(d.spec);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            d.z(r, c) = static_cast<float>(rows[r][c]);
            if (std::isnan(rows[r][c])) {
                d.mask.set(r, c, CellStatus::no_data);
            }
        }
    }
    return d;
}

/// Random elevations in [0, 100) m on a tilted base with about `hole_fraction` no-data cells.
inline TestDem random_dem(std::size_t rows, std::size_t cols, std::uint32_t seed,
                          double hole_fraction = 0.05) {
    TestDem d;
    d.spec = make_grid(rows, cols, 10.0, 10.0, 0.0, 0.0);
    d.z = Raster<float>(d.spec);
    d.mask = CellMask(d.spec);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> height(0.0, 100.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            d.z(r, c) = static_cast<float>(height(rng) + 0.5 * static_cast<double>(r + c));
            if (unit(rng) < hole_fraction) {
                d.z(r, c) = std::numeric_limits<float>::quiet_NaN();
                d.mask.set(r, c, CellStatus::no_data);
            }
        }
    }
    return d;
}

/// Reference fill without epsilon by a fixed-point iteration in the spirit of Planchon & Darboux
/// (2001): W = z at outlets, +inf elsewhere, then W(c) = max(z(c), min over data neighbours of
/// W) until nothing changes. Slow (O(n^2) worst case) but independent of Priority-Flood.
inline Raster<float> reference_fill(const TestDem& d) {
    Raster<float> w(d.spec, std::numeric_limits<float>::infinity());
    for (std::size_t r = 0; r < d.spec.rows; ++r) {
        for (std::size_t c = 0; c < d.spec.cols; ++c) {
            if (!d.mask.has_data(r, c)) {
                w(r, c) = std::numeric_limits<float>::quiet_NaN();
            } else if (kernels::hydrology::is_outlet_cell(d.mask, r, c)) {
                w(r, c) = d.z(r, c);
            }
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t r = 0; r < d.spec.rows; ++r) {
            for (std::size_t c = 0; c < d.spec.cols; ++c) {
                if (!d.mask.has_data(r, c) || kernels::hydrology::is_outlet_cell(d.mask, r, c)) {
                    continue;
                }
                float lowest = std::numeric_limits<float>::infinity();
                for (int k = 0; k < 8; ++k) {
                    const auto ku = static_cast<std::size_t>(k);
                    const auto nr = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(r) +
                                                             kernels::hydrology::d8_row_offset[ku]);
                    const auto nc = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(c) +
                                                             kernels::hydrology::d8_col_offset[ku]);
                    if (d.mask.has_data(nr, nc)) {
                        lowest = std::min(lowest, w(nr, nc));
                    }
                }
                const float updated = std::max(d.z(r, c), lowest);
                if (updated < w(r, c)) {
                    w(r, c) = updated;
                    changed = true;
                }
            }
        }
    }
    return w;
}

} // namespace lauter::test::hydrology
