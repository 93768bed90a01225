// Buildings in the runoff model: building cells from fractions and ids, labels, raised terrain,
// roof rain redirection (oracle and conservation on random buildings) and buildings affected.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/runoff/buildings.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::runoff;

using lauter::test::make_grid;

TEST_CASE("Building cells from fractions and ids", "[runoff][buildings]") {
    const GridSpec g = make_grid(1, 5);
    CellMask mask(g);
    mask.set(0, 4, CellStatus::no_data);
    Raster<float> fraction(g, 0.0F);
    fraction(0, 0) = 0.49F;
    fraction(0, 1) = 0.5F;
    fraction(0, 2) = std::nanf("");
    fraction(0, 3) = 1.0F;
    fraction(0, 4) = 1.0F;
    const Raster<std::uint8_t> cells = building_cells_from_fraction(fraction.view(), mask);
    CHECK(cells.values() == std::vector<std::uint8_t>{0, 1, 0, 1, 0});
    CHECK_THROWS_AS(building_cells_from_fraction(fraction.view(), mask, 0.0),
                    std::invalid_argument);
    Raster<std::int32_t> ids(g, 0);
    ids(0, 1) = 5;
    ids(0, 2) = -3;
    ids(0, 4) = 8;
    CHECK(building_cells_from_ids(ids.view(), mask).values() ==
          std::vector<std::uint8_t>{0, 1, 1, 0, 0});
}

TEST_CASE("Buildings are labelled as 8-connected components in row-major order",
          "[runoff][buildings]") {
    // 1 1 . . 1
    // . . 1 . 1
    // 1 . . . .
    const GridSpec g = make_grid(3, 5);
    const CellMask mask(g);
    Raster<std::uint8_t> cells(g, 0);
    for (const auto& [r, c] : std::vector<std::pair<std::size_t, std::size_t>>{
             {0, 0}, {0, 1}, {0, 4}, {1, 2}, {1, 4}, {2, 0}}) {
        cells(r, c) = 1;
    }
    const Raster<std::int32_t> labels = label_buildings(cells.view(), mask);
    CHECK(labels.values() ==
          std::vector<std::int32_t>{1, 1, 0, 0, 2, 0, 0, 1, 0, 2, 3, 0, 0, 0, 0});
}

TEST_CASE("Raised terrain: per-cell heights with the fixed height as fallback",
          "[runoff][buildings]") {
    const GridSpec g = make_grid(1, 4);
    CellMask mask(g);
    mask.set(0, 3, CellStatus::no_data);
    Raster<float> bed(g, 100.0F);
    Raster<std::uint8_t> cells(g, 1);
    cells(0, 0) = 0;
    Raster<float> height(g, 0.0F);
    height(0, 1) = 6.5F;
    height(0, 2) = std::nanf("");
    BuildingObstacleParams p;
    p.fixed_height_m = 12.0;
    raise_buildings(bed.view(), cells.view(), mask, height.view(), p, bed.view());
    CHECK(bed(0, 0) == 100.0F);
    CHECK(bed(0, 1) == 106.5F);
    CHECK(bed(0, 2) == 112.0F);
    CHECK(std::isnan(bed(0, 3)));
    p.fixed_height_m = 0.0;
    CHECK_THROWS_AS(validate(p), std::invalid_argument);
}

TEST_CASE("Roof rain goes to the nearest edge cell, ties to the smallest index",
          "[runoff][buildings]") {
    // Building 7 on row 1, columns 1-3, of a 4 x 5 grid.
    const auto roof_grid = [](double dx, double dy) {
        const GridSpec g = make_grid(4, 5, dx, dy);
        Raster<std::int32_t> ids(g, 0);
        ids(1, 1) = 7;
        ids(1, 2) = 7;
        ids(1, 3) = 7;
        return ids;
    };
    SECTION("square cells: north, south and the ends tie; the northern cells win") {
        const Raster<std::int32_t> ids = roof_grid(1.0, 1.0);
        const CellMask mask(ids.spec());
        const Raster<float> m = roof_rain_multiplier(ids.view(), mask);
        const std::vector<float> expected{1, 2, 2, 2, 1, //
                                          1, 0, 0, 0, 1, //
                                          1, 1, 1, 1, 1, //
                                          1, 1, 1, 1, 1};
        CHECK(m.values() == expected);
    }
    SECTION("tall cells: the western and eastern neighbours are nearer for the end cells") {
        const Raster<std::int32_t> ids = roof_grid(1.0, 2.0);
        const CellMask mask(ids.spec());
        const Raster<float> m = roof_rain_multiplier(ids.view(), mask);
        const std::vector<float> expected{1, 1, 2, 1, 1, //
                                          2, 0, 0, 0, 2, //
                                          1, 1, 1, 1, 1, //
                                          1, 1, 1, 1, 1};
        CHECK(m.values() == expected);
    }
    SECTION("a building enclosed by no-data keeps its rain") {
        Raster<std::int32_t> ids = roof_grid(1.0, 1.0);
        CellMask mask(ids.spec());
        for (std::size_t r = 0; r < 3; ++r) {
            for (std::size_t c = 0; c < 5; ++c) {
                if (ids(r, c) == 0) {
                    mask.set(r, c, CellStatus::no_data);
                }
            }
        }
        const Raster<float> m = roof_rain_multiplier(ids.view(), mask);
        CHECK(m(1, 2) == 1.0F);
        CHECK(std::isnan(m(0, 0)));
        CHECK(m(3, 0) == 1.0F);
    }
}

TEST_CASE("Roof rain redirection preserves the total rain exactly on random buildings",
          "[runoff][buildings]") {
    std::mt19937 rng(20240603U);
    std::uniform_int_distribution<int> coin(0, 99);
    const GridSpec g = make_grid(40, 50, 2.0, 3.0);
    CellMask mask(g);
    Raster<std::uint8_t> cells(g, 0);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        const int draw = coin(rng);
        if (draw < 5) {
            mask.set(i, CellStatus::no_data);
        } else if (draw < 45) {
            cells[i] = 1;
        }
    }
    const Raster<std::int32_t> ids = label_buildings(cells.view(), mask);
    const Raster<float> m = roof_rain_multiplier(ids.view(), mask);
    double sum = 0.0;
    std::size_t with_data = 0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                CHECK(std::isnan(m(r, c)));
                continue;
            }
            ++with_data;
            const float v = m(r, c);
            sum += static_cast<double>(v);
            CHECK(v == std::floor(v));
            if (v > 1.0F) {
                // Only non-building cells next to a building receive roof rain.
                CHECK(ids(r, c) == 0);
                bool next_to_building = false;
                for (int dr = -1; dr <= 1; ++dr) {
                    for (int dc = -1; dc <= 1; ++dc) {
                        const auto nr = static_cast<std::ptrdiff_t>(r) + dr;
                        const auto nc = static_cast<std::ptrdiff_t>(c) + dc;
                        if (g.contains(nr, nc) &&
                            mask.has_data(static_cast<std::size_t>(nr),
                                          static_cast<std::size_t>(nc)) &&
                            ids(static_cast<std::size_t>(nr), static_cast<std::size_t>(nc)) != 0) {
                            next_to_building = true;
                        }
                    }
                }
                CHECK(next_to_building);
            }
        }
    }
    CHECK(sum == static_cast<double>(with_data));
}

TEST_CASE("Buildings affected: edge maxima and counts above the thresholds",
          "[runoff][buildings]") {
    // Building 4 at (1,1); building 9 at (1,3)-(1,4); (1,2) is on the edge of both.
    // Column 5 is no-data.
    const GridSpec g = make_grid(3, 6);
    CellMask mask(g);
    for (std::size_t r = 0; r < 3; ++r) {
        mask.set(r, 5, CellStatus::no_data);
    }
    Raster<std::int32_t> ids(g, 0);
    ids(1, 1) = 4;
    ids(1, 3) = 9;
    ids(1, 4) = 9;
    Raster<float> depth(g, 0.05F);
    depth(0, 0) = 0.2F;  // edge of 4
    depth(1, 2) = 0.35F; // edge of 4 and 9
    depth(2, 4) = 0.6F;  // edge of 9
    depth(1, 1) = 5.0F;  // a roof: not an edge cell
    depth(0, 5) = 9.0F;  // no-data
    const BuildingsAffected a = buildings_affected(ids.view(), depth.view(), mask);
    REQUIRE(a.buildings.size() == 2);
    CHECK(a.buildings[0].id == 4);
    CHECK(a.buildings[0].cell_count == 1);
    CHECK(a.buildings[0].edge_cell_count == 8);
    CHECK(a.buildings[0].max_edge_depth_m == Approx(0.35));
    CHECK(a.buildings[1].id == 9);
    CHECK(a.buildings[1].cell_count == 2);
    CHECK(a.buildings[1].edge_cell_count == 7);
    CHECK(a.buildings[1].max_edge_depth_m == Approx(0.6));
    CHECK(a.count_above == std::vector<std::size_t>{2, 2, 1});

    // Depths and thresholds compare in float: 0.35F is not above 0.35, 0.6F not above 0.6.
    BuildingsAffectedParams p;
    p.depth_thresholds_m = {0.35, 0.6};
    CHECK(buildings_affected(ids.view(), depth.view(), mask, p).count_above ==
          std::vector<std::size_t>{1, 0});

    // A building without edge cells has no edge depth and counts nowhere.
    CellMask closed(g, CellStatus::no_data);
    closed.set(1, 1, CellStatus::active);
    const BuildingsAffected lone = buildings_affected(ids.view(), depth.view(), closed);
    REQUIRE(lone.buildings.size() == 1);
    CHECK(lone.buildings[0].edge_cell_count == 0);
    CHECK(std::isnan(lone.buildings[0].max_edge_depth_m));
    CHECK(lone.count_above == std::vector<std::size_t>{0, 0, 0});
}
