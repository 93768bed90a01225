// Cold-air share of the night heat island (cold_air_coupling.hpp) and its sampling onto the
// study grid.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/cold_air_coupling.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;

namespace {

GridSpec grid(std::size_t rows, std::size_t cols, double cell_m, double x0, double y0) {
    GridSpec g;
    g.rows = rows;
    g.cols = cols;
    g.cell_size_x_m = cell_m;
    g.cell_size_y_m = cell_m;
    g.x0 = x0;
    g.y0 = y0;
    return g;
}

} // namespace

TEST_CASE("cold-air coupling: the share follows U^(-1/4) at U_eff = sqrt(U^2 + u_c^2)",
          "[thermal][coupling]") {
    for (const double u : {0.5, 1.0, 3.0}) {
        // No drainage flow, no reduction: exactly 0.
        CHECK(cold_air_uhi_share(u, 0.0) == 0.0);
        CHECK(cold_air_uhi_share(u, std::nan("")) == 0.0);
        // U_eff = 4 U: UHI scales by 4^(-1/4) = 1/sqrt(2).
        CHECK(cold_air_uhi_share(u, u * std::sqrt(15.0)) ==
              Approx(1.0 - 1.0 / std::sqrt(2.0)).epsilon(1e-12));
        // U_eff = 16 U: UHI scales by 16^(-1/4) = 1/2.
        CHECK(cold_air_uhi_share(u, u * std::sqrt(255.0)) == Approx(0.5).epsilon(1e-12));
    }
    // Monotone in u_c and bounded by 1.
    double previous = 0.0;
    for (double uc = 0.05; uc < 1000.0; uc *= 1.5) {
        const double f = cold_air_uhi_share(1.0, uc);
        CHECK(f > previous);
        CHECK(f < 1.0);
        previous = f;
    }
}

TEST_CASE("cold-air coupling: raster share with depth threshold and no data",
          "[thermal][coupling]") {
    const GridSpec g = grid(1, 5, 10.0, 0.0, 0.0);
    Raster<float> speed(g, 1.0F);
    Raster<float> depth(g, 5.0F);
    depth[1] = 2.0F; // not deeper than the threshold
    speed[2] = std::nanf("");
    depth[3] = std::nanf("");
    CellMask mask(g);
    mask.set(4, CellStatus::no_data);
    Raster<float> share(g);
    ColdAirCouplingParams p;
    p.regional_wind_m_per_s = 1.0;
    p.min_depth_m = 2.0;
    compute_cold_air_uhi_share(speed.view(), depth.view(), mask, p, share.view());
    CHECK(share[0] == Approx(cold_air_uhi_share(1.0, 1.0)).epsilon(1e-6));
    CHECK(share[0] == Approx(1.0 - std::pow(0.5, 0.125)).epsilon(1e-6));
    CHECK(share[1] == 0.0F);
    CHECK(share[2] == 0.0F);
    CHECK(share[3] == 0.0F);
    CHECK(std::isnan(share[4]));
    p.regional_wind_m_per_s = 0.0;
    CHECK_THROWS_AS(
        compute_cold_air_uhi_share(speed.view(), depth.view(), mask, p, share.view()),
        std::invalid_argument);
}

TEST_CASE("cold-air coupling: nearest-cell sampling from a coarser aligned grid",
          "[thermal][coupling]") {
    // Coarse 25 m cells over a fine 10 m grid from the same corner: fine column 2 (centre 25 m)
    // lies in coarse column 1, fine column 5 (centre 55 m) in coarse column 2, which is beyond
    // the 2-column coarse grid.
    const GridSpec coarse_g = grid(2, 2, 25.0, 100.0, 500.0);
    const GridSpec fine_g = grid(5, 6, 10.0, 100.0, 500.0);
    Raster<float> coarse(coarse_g);
    coarse[0] = 1.0F;
    coarse[1] = 2.0F;
    coarse[2] = 3.0F;
    coarse[3] = 4.0F;
    CellMask coarse_mask(coarse_g);
    coarse_mask.set(3, CellStatus::no_data);
    CellMask fine_mask(fine_g);
    fine_mask.set(0, 1, CellStatus::no_data);
    Raster<float> fine(fine_g);
    sample_containing_cell(coarse.view(), coarse_mask, fine_mask, fine.view());
    CHECK(fine(0, 0) == 1.0F);
    CHECK(std::isnan(fine(0, 1))); // inactive fine cell
    CHECK(fine(0, 2) == 2.0F);     // centre x 125 m: coarse column 1
    CHECK(fine(1, 4) == 2.0F);
    CHECK(std::isnan(fine(0, 5))); // centre x 155 m: outside the coarse grid
    CHECK(fine(2, 0) == 1.0F);     // centre y 475 m: coarse row 0
    CHECK(fine(3, 0) == 3.0F);     // centre y 465 m: coarse row 1
    CHECK(std::isnan(fine(3, 3))); // coarse cell without data
    CHECK(std::isnan(fine(4, 5)));
    // Equal grids: a copy on the active cells.
    Raster<float> same(coarse_g);
    sample_containing_cell(coarse.view(), coarse_mask, coarse_mask, same.view());
    CHECK(same[0] == 1.0F);
    CHECK(same[2] == 3.0F);
    CHECK(std::isnan(same[3]));
}

TEST_CASE("cold-air coupling: share independent of the thread count", "[thermal][coupling]") {
    const GridSpec g = grid(64, 48, 10.0, 0.0, 0.0);
    Raster<float> speed(g);
    Raster<float> depth(g);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        speed[i] = static_cast<float>(i % 17) * 0.13F;
        depth[i] = static_cast<float>(i % 11) * 0.7F;
    }
    const CellMask mask(g);
    const ColdAirCouplingParams p;
    Raster<float> one(g);
    Raster<float> two(g);
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    compute_cold_air_uhi_share(speed.view(), depth.view(), mask, p, one.view());
    omp_set_num_threads(2);
    compute_cold_air_uhi_share(speed.view(), depth.view(), mask, p, two.view());
    omp_set_num_threads(threads);
    CHECK(std::memcmp(one.view().data(), two.view().data(), g.cell_count() * sizeof(float)) == 0);
}
