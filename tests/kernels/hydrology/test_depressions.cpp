// Depression ("Senken") analysis against hand computations: separate pits, a nested basin, a
// pit draining into a no-data hole, and consistency with the fill on a random DEM.
#include <catch2/catch.hpp>

#include <lauter/kernels/hydrology/depressions.hpp>
#include <lauter/kernels/hydrology/fill.hpp>

#include "hydrology_fixtures.hpp"

#include <limits>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::hydrology;
using namespace lauter::test::hydrology;

namespace {

struct Analysis {
    Raster<std::uint32_t> ids;
    std::vector<Depression> table;
    FillStats fill;
};

Analysis analyse(const TestDem& d) {
    Raster<float> filled(d.spec);
    FillWorkspace fw;
    Analysis a;
    a.fill = fill_depressions_barnes2014(d.z.view(), d.mask, filled.view(), fw);
    a.ids = Raster<std::uint32_t>(d.spec);
    DepressionWorkspace dw;
    a.table = find_depressions(d.z.view(), filled.view(), d.mask, a.ids.view(), dw);
    return a;
}

} // namespace

TEST_CASE("depressions: two separate pits get two ids and hand-computed volumes",
          "[hydrology][depressions]") {
    const TestDem d = dem_from_rows({{9, 9, 9, 9, 9, 9, 9},
                                     {9, 2, 9, 9, 6, 4, 9},
                                     {9, 9, 9, 9, 9, 9, 9}},
                                    5.0);
    const Analysis a = analyse(d);
    REQUIRE(a.table.size() == 2);
    const Depression& first = a.table[0];
    CHECK(first.id == 1);
    CHECK(first.spill_elevation_m == 9.0);
    CHECK(first.max_depth_m == 7.0);
    CHECK(first.cell_count == 1);
    CHECK(first.area_m2 == 25.0);
    CHECK(first.volume_m3 == Approx(7.0 * 25.0));
    CHECK(first.deepest_row == 1);
    CHECK(first.deepest_col == 1);
    const Depression& second = a.table[1];
    CHECK(second.id == 2);
    CHECK(second.cell_count == 2);
    CHECK(second.max_depth_m == 5.0);
    CHECK(second.volume_m3 == Approx((3.0 + 5.0) * 25.0));
    CHECK(second.deepest_col == 5);
    CHECK(a.ids(1, 1) == 1);
    CHECK(a.ids(1, 4) == 2);
    CHECK(a.ids(1, 5) == 2);
    CHECK(a.ids(1, 2) == 0);
    CHECK(a.ids(0, 0) == 0);
}

TEST_CASE("depressions: nested pits are reported as the outermost filled extent",
          "[hydrology][depressions]") {
    const TestDem d = dem_from_rows({{9, 9, 9, 9, 9, 9, 9},
                                     {9, 5, 5, 5, 5, 5, 9},
                                     {9, 5, 1, 3, 2, 5, 9},
                                     {9, 5, 5, 5, 5, 5, 9},
                                     {9, 9, 9, 9, 9, 9, 8}});
    const Analysis a = analyse(d);
    REQUIRE(a.table.size() == 1);
    const Depression& basin = a.table[0];
    CHECK(basin.spill_elevation_m == 8.0);
    CHECK(basin.cell_count == 15);
    CHECK(basin.area_m2 == Approx(1500.0));
    CHECK(basin.max_depth_m == 7.0);
    CHECK(basin.deepest_row == 2);
    CHECK(basin.deepest_col == 2);
    // 12 rim cells 3 m deep, the pits 7 and 6 m, the saddle 5 m (by hand).
    CHECK(basin.volume_m3 == Approx((12 * 3.0 + 7.0 + 5.0 + 6.0) * 100.0));
    CHECK(basin.volume_m3 == Approx(a.fill.volume_m3));
}

TEST_CASE("depressions: a pit next to a no-data hole is no depression",
          "[hydrology][depressions]") {
    const double no_data = std::numeric_limits<double>::quiet_NaN();
    const TestDem d = dem_from_rows({{9, 9, 9, 9, 9, 9},
                                     {9, 1, no_data, 9, 9, 9},
                                     {9, 9, 9, 9, 9, 9},
                                     {9, 9, 9, 9, 4, 9},
                                     {9, 9, 9, 9, 9, 9}});
    const Analysis a = analyse(d);
    // (1, 1) touches the hole, so it is an outlet and keeps its 1 m; (3, 4) is enclosed.
    REQUIRE(a.table.size() == 1);
    CHECK(a.table[0].deepest_row == 3);
    CHECK(a.table[0].deepest_col == 4);
    CHECK(a.table[0].max_depth_m == 5.0);
    CHECK(a.ids(1, 1) == 0);
    CHECK(a.ids(1, 2) == 0);
}

TEST_CASE("depressions: table and raster agree with the fill on a random DEM",
          "[hydrology][depressions][property]") {
    const TestDem d = random_dem(40, 35, 11, 0.03);
    const Analysis a = analyse(d);
    REQUIRE_FALSE(a.table.empty());
    double volume = 0.0;
    std::size_t cells = 0;
    for (std::size_t k = 0; k < a.table.size(); ++k) {
        CHECK(a.table[k].id == k + 1);
        CHECK(a.table[k].max_depth_m > 0.0);
        CHECK(a.ids(a.table[k].deepest_row, a.table[k].deepest_col) == a.table[k].id);
        volume += a.table[k].volume_m3;
        cells += a.table[k].cell_count;
    }
    std::size_t labelled = 0;
    for (std::size_t i = 0; i < a.ids.size(); ++i) {
        labelled += a.ids[i] != 0 ? 1U : 0U;
    }
    CHECK(cells == labelled);
    CHECK(cells == a.fill.raised_cells);
    CHECK(volume == Approx(a.fill.volume_m3).epsilon(1e-12));
}
