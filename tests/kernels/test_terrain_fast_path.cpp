// The direct (fast) path of the Horn kernels against the careful per-neighbour path, and the
// algebraic hillshade against its trigonometric definition, on DEMs with holes and edges.
#include <catch2/catch.hpp>

#include <lauter/kernels/terrain/slope.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

using namespace lauter::kernels;
using namespace lauter::kernels::terrain;

namespace {

constexpr double deg = 180.0 / std::numbers::pi;

/// Rough terrain: ridges in several directions plus noise, so that every aspect and slopes
/// from flat to steep (> 60 degrees) occur.
Raster<float> rough_dem(const GridSpec& g, unsigned seed) {
    Raster<float> z(g);
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 2.0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double x = static_cast<double>(c);
            const double y = static_cast<double>(r);
            z(r, c) = static_cast<float>(300.0 + 40.0 * std::sin(0.21 * x + 0.13 * y) +
                                         25.0 * std::cos(0.17 * y - 0.05 * x) + noise(rng));
        }
    }
    return z;
}

/// Holes in the lower half only (scattered cells, a block, a missing row and a partial missing
/// column), so that complete rows (rows 0..27), rows with holes and edge cells all occur.
CellMask holey_mask(const GridSpec& g, unsigned seed) {
    CellMask m(g);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> row(g.rows / 2, g.rows - 1);
    std::uniform_int_distribution<std::size_t> col(0, g.cols - 1);
    for (int k = 0; k < 40; ++k) {
        m.set(row(rng), col(rng), CellStatus::no_data);
    }
    for (std::size_t r = 29; r < 33; ++r) {
        for (std::size_t c = 30; c < 37; ++c) {
            m.set(r, c, CellStatus::no_data);
        }
    }
    for (std::size_t c = 0; c < g.cols; ++c) {
        m.set(40, c, CellStatus::no_data);
    }
    for (std::size_t r = 48; r < g.rows; ++r) {
        m.set(r, 50, CellStatus::no_data);
    }
    return m;
}

GridSpec grid(std::size_t rows, std::size_t cols) {
    GridSpec g;
    g.rows = rows;
    g.cols = cols;
    g.cell_size_x_m = 10.0;
    g.cell_size_y_m = 7.5;
    return g;
}

} // namespace

TEST_CASE("Slope and aspect of every cell equal those of the careful per-cell gradient",
          "[terrain][slope][fast]") {
    const GridSpec g = grid(64, 80);
    const Raster<float> z = rough_dem(g, 7);
    const CellMask m = holey_mask(g, 11);
    Raster<float> slope(g);
    Raster<float> aspect(g);
    compute_slope_deg(z.view(), m, slope.view());
    compute_aspect_deg(z.view(), m, aspect.view());
    double max_slope_deg = 0.0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!m.has_data(r, c)) {
                CHECK(std::isnan(slope(r, c)));
                CHECK(std::isnan(aspect(r, c)));
                continue;
            }
            const Gradient grad = horn_gradient(z.view(), m, r, c);
            const double expected = std::atan(std::hypot(grad.dz_dx, grad.dz_dy)) * deg;
            CHECK(static_cast<double>(slope(r, c)) == Approx(expected).margin(1e-5));
            double bearing = std::atan2(-grad.dz_dx, -grad.dz_dy) * deg;
            bearing += bearing < 0.0 ? 360.0 : 0.0;
            CHECK(static_cast<double>(aspect(r, c)) == Approx(bearing).margin(1e-4));
            max_slope_deg = std::max(max_slope_deg, expected);
        }
    }
    CHECK(max_slope_deg > 60.0); // the DEM is steep enough to test the whole range
}

TEST_CASE("Algebraic hillshade equals cos(zenith) cos(slope) + sin(zenith) sin(slope) "
          "cos(azimuth - aspect)",
          "[terrain][hillshade][fast]") {
    const GridSpec g = grid(64, 80);
    const Raster<float> z = rough_dem(g, 3);
    const CellMask m = holey_mask(g, 5);
    struct Sun {
        double azimuth_deg, altitude_deg, z_factor;
    };
    const Sun suns[] = {{315.0, 45.0, 1.0}, {0.0, 30.0, 1.0},  {90.0, 10.0, 2.5},
                        {200.0, 70.0, 0.5}, {135.0, 0.0, 1.0}, {45.0, 90.0, 1.0}};
    for (const Sun& sun : suns) {
        HillshadeParams p;
        p.sun_azimuth_deg = sun.azimuth_deg;
        p.sun_altitude_deg = sun.altitude_deg;
        p.z_factor = sun.z_factor;
        Raster<float> shade(g);
        compute_hillshade(z.view(), m, shade.view(), p);
        const double zenith = (90.0 - sun.altitude_deg) / deg;
        const double azimuth = sun.azimuth_deg / deg;
        std::size_t lit = 0;
        std::size_t dark = 0;
        for (std::size_t r = 0; r < g.rows; ++r) {
            for (std::size_t c = 0; c < g.cols; ++c) {
                if (!m.has_data(r, c)) {
                    CHECK(std::isnan(shade(r, c)));
                    continue;
                }
                const Gradient grad = horn_gradient(z.view(), m, r, c);
                const double gx = grad.dz_dx * sun.z_factor;
                const double gy = grad.dz_dy * sun.z_factor;
                const double slope = std::atan(std::hypot(gx, gy));
                const double aspect = std::atan2(-gx, -gy);
                const double expected = std::max(
                    0.0, std::cos(zenith) * std::cos(slope) +
                             std::sin(zenith) * std::sin(slope) * std::cos(azimuth - aspect));
                CHECK(static_cast<double>(shade(r, c)) == Approx(expected).margin(1e-6));
                lit += expected > 0.5 ? 1U : 0U;
                dark += expected == 0.0 ? 1U : 0U;
            }
        }
        CHECK(lit > 0);
        if (sun.altitude_deg < 20.0) {
            CHECK(dark > 0); // a low sun leaves slopes facing away from it unlit
        }
    }
}

TEST_CASE("Grids thinner than the 3x3 window have no direct path and stay exact on planes",
          "[terrain][slope][fast]") {
    for (const auto& [rows, cols] : {std::pair<std::size_t, std::size_t>{1, 9}, {2, 9}, {9, 1},
                                     {9, 2}, {3, 3}}) {
        const GridSpec g = grid(rows, cols);
        const CellMask m(g);
        Raster<float> z(g);
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < cols; ++c) {
                // gx = 0.2 (rising east), gy = 0.1 (rising north, i.e. falling with the row)
                z(r, c) = static_cast<float>(100.0 + 0.2 * g.cell_centre_x(c) +
                                             0.1 * g.cell_centre_y(r));
            }
        }
        Raster<float> slope(g);
        compute_slope_deg(z.view(), m, slope.view());
        // A one-cell-wide strip has no gradient across it (zero along that axis).
        const double gx = cols > 1 ? 0.2 : 0.0;
        const double gy = rows > 1 ? 0.1 : 0.0;
        const double expected = std::atan(std::hypot(gx, gy)) * deg;
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            CHECK(static_cast<double>(slope[i]) == Approx(expected).margin(1e-4));
        }
    }
}
