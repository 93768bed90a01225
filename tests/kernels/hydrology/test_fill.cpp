// Priority-Flood depression filling: hand-computed pits, a nested basin, a flat, a no-data hole
// as outlet, and properties on seeded random DEMs (against an independent fixed-point fill).
#include <catch2/catch.hpp>

#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include "hydrology_fixtures.hpp"

#include <cmath>
#include <limits>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::hydrology;
using namespace lauter::test::hydrology;

namespace {

constexpr double no_data = std::numeric_limits<double>::quiet_NaN();

Raster<float> fill(const TestDem& d, bool epsilon, FillStats* stats = nullptr) {
    Raster<float> filled(d.spec);
    FillWorkspace ws;
    FillParams p;
    p.epsilon = epsilon;
    const FillStats s = fill_depressions_barnes2014(d.z.view(), d.mask, filled.view(), ws, p);
    if (stats != nullptr) {
        *stats = s;
    }
    return filled;
}

/// Calls f(nr, nc) for every neighbour with data of (r, c).
template <typename F>
void for_data_neighbours(const TestDem& d, std::size_t r, std::size_t c, F f) {
    for (int k = 0; k < 8; ++k) {
        if (!d8_inside(r, c, k, d.spec.rows, d.spec.cols)) {
            continue;
        }
        const std::size_t nr = d8_neighbour_row(r, k);
        const std::size_t nc = d8_neighbour_col(c, k);
        if (d.mask.has_data(nr, nc)) {
            f(nr, nc);
        }
    }
}

} // namespace

TEST_CASE("fill: a single pit fills to the lowest edge cell", "[hydrology][fill]") {
    const TestDem d = dem_from_rows({{9, 9, 9, 9, 9},
                                     {9, 5, 5, 5, 9},
                                     {9, 5, 1, 5, 9},
                                     {9, 5, 5, 5, 7},
                                     {9, 9, 9, 9, 9}});
    FillStats stats;
    const Raster<float> f = fill(d, false, &stats);
    for (std::size_t r = 1; r < 4; ++r) {
        for (std::size_t c = 1; c < 4; ++c) {
            CHECK(f(r, c) == 7.0F);
        }
    }
    CHECK(f(3, 4) == 7.0F);
    CHECK(f(0, 0) == 9.0F);
    CHECK(stats.seed_cells == 16);
    CHECK(stats.raised_cells == 9);
    CHECK(stats.max_raise_m == 6.0);
    // 8 cells raised by 2 m and one by 6 m, 100 m^2 each.
    CHECK(stats.volume_m3 == Approx(2200.0));
}

TEST_CASE("fill: two pits behind a saddle inside a larger basin fill as one", "[hydrology][fill]") {
    const TestDem d = dem_from_rows({{9, 9, 9, 9, 9, 9, 9},
                                     {9, 5, 5, 5, 5, 5, 9},
                                     {9, 5, 1, 3, 2, 5, 9},
                                     {9, 5, 5, 5, 5, 5, 9},
                                     {9, 9, 9, 9, 9, 9, 8}});
    FillStats stats;
    const Raster<float> f = fill(d, false, &stats);
    for (std::size_t r = 1; r < 4; ++r) {
        for (std::size_t c = 1; c < 6; ++c) {
            CHECK(f(r, c) == 8.0F);
        }
    }
    // 12 cells at 5 m raised by 3 m; the pits and the saddle by 7, 5 and 6 m.
    CHECK(stats.volume_m3 == Approx((12 * 3 + 7 + 5 + 6) * 100.0));
    CHECK(stats.max_raise_m == 7.0);
}

TEST_CASE("fill: a flat stays flat without epsilon and drains with epsilon", "[hydrology][fill]") {
    std::vector<std::vector<double>> rows(5, std::vector<double>(5, 300.0));
    const TestDem d = dem_from_rows(rows);
    FillStats stats;
    const Raster<float> plain = fill(d, false, &stats);
    CHECK(stats.raised_cells == 0);
    for (std::size_t i = 0; i < plain.size(); ++i) {
        CHECK(plain[i] == 300.0F);
    }
    const Raster<float> eps = fill(d, true, &stats);
    const float one_up = std::nextafter(300.0F, 1000.0F);
    const float two_up = std::nextafter(one_up, 1000.0F);
    CHECK(eps(0, 2) == 300.0F); // the edge is the outlet
    CHECK(eps(1, 1) == one_up);
    CHECK(eps(1, 2) == one_up);
    CHECK(eps(2, 2) == two_up);
    CHECK(stats.raised_cells == 9);
}

TEST_CASE("fill: a no-data hole acts as an outlet", "[hydrology][fill]") {
    const TestDem with_hole = dem_from_rows({{9, 9, 9, 9, 9, 9},
                                             {9, 9, 9, 9, 9, 9},
                                             {9, 9, 1, 3, no_data, 9},
                                             {9, 9, 9, 9, 9, 9},
                                             {9, 9, 9, 9, 9, 9}});
    const Raster<float> f = fill(with_hole, false);
    CHECK(f(2, 2) == 3.0F); // spills into the cell next to the hole, which drains into it
    CHECK(f(2, 3) == 3.0F);
    CHECK(std::isnan(f(2, 4)));
    CHECK(is_outlet_cell(with_hole.mask, 2, 3));
    CHECK_FALSE(is_outlet_cell(with_hole.mask, 2, 2));
    CHECK_FALSE(is_outlet_cell(with_hole.mask, 2, 4));

    const TestDem closed = dem_from_rows({{9, 9, 9, 9, 9, 9},
                                          {9, 9, 9, 9, 9, 9},
                                          {9, 9, 1, 3, 9, 9},
                                          {9, 9, 9, 9, 9, 9},
                                          {9, 9, 9, 9, 9, 9}});
    const Raster<float> g = fill(closed, false);
    CHECK(g(2, 2) == 9.0F);
    CHECK(g(2, 3) == 9.0F);
}

TEST_CASE("fill: a cell marked as outlet is a seed", "[hydrology][fill]") {
    TestDem d = dem_from_rows({{9, 9, 9, 9, 9},
                               {9, 5, 5, 5, 9},
                               {9, 5, 1, 5, 9},
                               {9, 5, 5, 5, 9},
                               {9, 9, 9, 9, 9}});
    d.mask.set(2, 2, CellStatus::outlet);
    FillStats stats;
    const Raster<float> f = fill(d, false, &stats);
    CHECK(stats.raised_cells == 0);
    CHECK(f(2, 2) == 1.0F);
}

TEST_CASE("fill: properties on seeded random DEMs", "[hydrology][fill][property]") {
    for (std::uint32_t seed : {1U, 2U, 3U, 42U}) {
        INFO("seed " << seed);
        const TestDem d = random_dem(23, 31, seed, seed == 42U ? 0.0 : 0.08);
        const Raster<float> plain = fill(d, false);
        const Raster<float> eps = fill(d, true);
        const Raster<float> reference = reference_fill(d);
        std::size_t mismatches = 0;
        std::size_t not_above = 0;
        std::size_t eps_without_lower = 0;
        for (std::size_t r = 0; r < d.spec.rows; ++r) {
            for (std::size_t c = 0; c < d.spec.cols; ++c) {
                if (!d.mask.has_data(r, c)) {
                    CHECK(std::isnan(plain(r, c)));
                    CHECK(std::isnan(eps(r, c)));
                    continue;
                }
                mismatches += plain(r, c) == reference(r, c) ? 0U : 1U;
                not_above += (plain(r, c) >= d.z(r, c) && eps(r, c) >= plain(r, c)) ? 0U : 1U;
                if (is_outlet_cell(d.mask, r, c)) {
                    continue;
                }
                bool has_lower = false;
                for_data_neighbours(d, r, c, [&](std::size_t nr, std::size_t nc) {
                    has_lower = has_lower || eps(nr, nc) < eps(r, c);
                });
                eps_without_lower += has_lower ? 0U : 1U;
            }
        }
        // The Priority-Flood result is the minimal depression-free surface, which the
        // fixed-point iteration reaches from above: equal cell by cell.
        CHECK(mismatches == 0);
        CHECK(not_above == 0);
        CHECK(eps_without_lower == 0);

        // Without epsilon every cell reaches an outlet along a path that never rises: grow the
        // set of draining cells from the outlets until it stops growing.
        std::vector<std::uint8_t> drains(d.spec.cell_count(), 0);
        for (std::size_t r = 0; r < d.spec.rows; ++r) {
            for (std::size_t c = 0; c < d.spec.cols; ++c) {
                drains[d.spec.index(r, c)] = is_outlet_cell(d.mask, r, c) ? 1 : 0;
            }
        }
        for (bool grew = true; grew;) {
            grew = false;
            for (std::size_t r = 0; r < d.spec.rows; ++r) {
                for (std::size_t c = 0; c < d.spec.cols; ++c) {
                    if (!d.mask.has_data(r, c) || drains[d.spec.index(r, c)] != 0) {
                        continue;
                    }
                    for_data_neighbours(d, r, c, [&](std::size_t nr, std::size_t nc) {
                        if (drains[d.spec.index(nr, nc)] != 0 && plain(nr, nc) <= plain(r, c) &&
                            drains[d.spec.index(r, c)] == 0) {
                            drains[d.spec.index(r, c)] = 1;
                            grew = true;
                        }
                    });
                }
            }
        }
        std::size_t stuck = 0;
        for (std::size_t i = 0; i < d.spec.cell_count(); ++i) {
            stuck += (d.mask.has_data(i) && drains[i] == 0) ? 1U : 0U;
        }
        CHECK(stuck == 0);

        // Filling a filled DEM changes nothing.
        TestDem again{d.spec, plain.clone(), d.mask.clone()};
        FillStats stats;
        const Raster<float> twice = fill(again, false, &stats);
        CHECK(stats.raised_cells == 0);
    }
}

TEST_CASE("fill: rejects mismatched shapes", "[hydrology][fill]") {
    const TestDem d = random_dem(4, 5, 7);
    const GridSpec other = lauter::test::make_grid(5, 4, 10.0, 10.0, 0.0, 0.0);
    Raster<float> out(other);
    FillWorkspace ws;
    CHECK_THROWS_AS(fill_depressions_barnes2014(d.z.view(), d.mask, out.view(), ws),
                    std::invalid_argument);
}
