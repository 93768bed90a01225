// Building ids of the OSM land cover (the buildings-affected table of the runoff model) and the
// runoff surface built from the land cover.
#include <catch2/catch.hpp>

#include <lauter/sim/crs.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/runoff_model.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <set>
#include <string>
#include <vector>

using namespace lauter;
using kernels::LandCover;
using kernels::land_cover_index;
using lauter::test::TempDir;

namespace {

constexpr double origin_x = 410000.0;
constexpr double origin_y = 5475050.0;

/// An OSM file of rectangles given in UTM 32N metres relative to (origin_x, origin_y) (y downwards).
class Rectangles {
public:
    void add(long way_id, double left, double top, double right, double bottom,
             const std::string& tags) {
        osm_.rectangle(origin_x + left, origin_y - top, origin_x + right, origin_y - bottom, tags,
                       way_id);
    }
    [[nodiscard]] std::string text() const { return osm_.text(); }

private:
    test::OsmXmlWriter osm_;
};

std::string tag(const std::string& k, const std::string& v) { return test::osm_tag(k, v); }

} // namespace

TEST_CASE("building ids: the largest share of building cells, small buildings get one cell",
          "[runoff]") {
    TempDir tmp("runoff-buildings");
    // 10 x 10 cells of 5 m.
    const kernels::GridSpec g = test::make_grid(10, 10, 5.0, 5.0, origin_x, origin_y,
                                                sim::normalize_crs("EPSG:25832", "test"));
    Rectangles osm;
    // A: 20 m x 10 m, cells (row 1-2, col 1-4) exactly.
    osm.add(101, 5.0, 5.0, 25.0, 15.0,
            tag("building", "yes") + tag("name", "Rathaus") + tag("addr:street", "Willy-Brandt-Platz") +
                tag("addr:housenumber", "1"));
    // B: adjoins A's east side at x = 25 m: columns 5 and 6 fully, 60 % of column 7, rows 1-2.
    osm.add(102, 25.0, 5.0, 38.0, 15.0, tag("building", "yes"));
    // C: a 2 m x 2 m shed inside cell (row 6, col 6): smaller than half a cell.
    osm.add(103, 31.0, 31.0, 33.0, 33.0, tag("building", "shed"));
    // D: outside the grid: not listed.
    osm.add(104, 500.0, 500.0, 510.0, 510.0, tag("building", "yes"));
    const auto file = tmp.write("b.osm", osm.text());
    const sim::OsmLandCover lc = sim::derive_osm_landcover(file, g);

    REQUIRE(lc.buildings.size() == 3);
    CHECK(lc.buildings[0].osm_id == 101);
    CHECK(lc.buildings[0].name == "Rathaus");
    CHECK(lc.buildings[0].address == "Willy-Brandt-Platz 1");
    CHECK(lc.buildings[0].footprint_area_m2 == Approx(200.0));
    CHECK(lc.buildings[0].cells == 8);
    CHECK(lc.buildings[1].osm_id == 102);
    CHECK(lc.buildings[1].address.empty());
    CHECK(lc.buildings[1].footprint_area_m2 == Approx(130.0).epsilon(0.05));
    // Columns 5, 6 (full) and 7 (60 % >= 50 %) in rows 1 and 2.
    CHECK(lc.buildings[1].cells == 6);
    CHECK(lc.buildings[2].osm_id == 103);
    CHECK(lc.buildings[2].cells == 1);
    CHECK(lc.buildings[2].footprint_area_m2 == Approx(4.0).epsilon(0.5));

    CHECK(lc.building_id(1, 1) == 1);
    CHECK(lc.building_id(2, 4) == 1);
    CHECK(lc.building_id(1, 5) == 2);
    CHECK(lc.building_id(2, 7) == 2);
    CHECK(lc.building_id(1, 8) == 0);
    CHECK(lc.building_id(6, 6) == 3);
    CHECK(lc.building_id(0, 0) == 0);
    std::set<std::int32_t> ids(lc.building_id.values().begin(), lc.building_id.values().end());
    CHECK(ids == std::set<std::int32_t>{0, 1, 2, 3});

    // The runoff surface: sealed building cells, Manning n of the dominant class, curve numbers
    // of the unsealed share, buildings carried over.
    sim::RunoffModelSettings settings;
    const sim::RunoffSurface surface = sim::surface_from_land_cover(lc, lc.mask, settings);
    CHECK(surface.impervious_fraction(1, 1) == Approx(1.0));
    CHECK(surface.manning_n(1, 1) ==
          Approx(settings.manning_n[land_cover_index(LandCover::building)]));
    CHECK(surface.manning_n(8, 8) ==
          Approx(settings.manning_n[land_cover_index(LandCover::open_land)]));
    CHECK(surface.curve_number(8, 8) ==
          Approx(settings.losses.curve_numbers[land_cover_index(LandCover::open_land)]));
    CHECK(surface.building_id(6, 6) == 3);
    settings.buildings = sim::BuildingMode::none;
    CHECK(sim::surface_from_land_cover(lc, lc.mask, settings).building_id.size() == 0);
}
