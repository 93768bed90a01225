// The residents estimate shared by the thermal and mobility models (sim/residents.hpp): the
// building rule on hand-made records, and on a synthetic OSM extract whose landuse and amenity
// areas give each building its site (read in the land-cover pass), against hand-computed
// volumes.
#include <catch2/catch.hpp>

#include <lauter/sim/crs.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/residents.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <vector>
#include <string>

using namespace lauter;
using lauter::test::TempDir;

namespace {

sim::OsmBuilding building(const std::string& type, const std::string& site, double area_m2) {
    sim::OsmBuilding b;
    b.building_type = type;
    b.site = site;
    b.footprint_area_m2 = area_m2;
    b.height_m = 9.0F;
    b.cells = 1;
    return b;
}

std::string tag(const std::string& k, const std::string& v) { return test::osm_tag(k, v); }

} // namespace

TEST_CASE("residents rule: residential types, building=yes on residential or unmapped land, "
          "no small footprints",
          "[thermal5][residents]") {
    const sim::ResidentsParams p;
    CHECK(sim::counts_as_residential(building("house", "landuse=industrial", 100.0), p));
    CHECK(sim::counts_as_residential(building("apartments", "", 100.0), p));
    CHECK(sim::counts_as_residential(building("yes", "", 100.0), p));
    CHECK(sim::counts_as_residential(building("yes", "landuse=residential", 100.0), p));
    CHECK_FALSE(sim::counts_as_residential(building("yes", "landuse=industrial", 100.0), p));
    CHECK_FALSE(sim::counts_as_residential(building("yes", "landuse=commercial", 100.0), p));
    CHECK_FALSE(sim::counts_as_residential(building("yes", "landuse=military", 100.0), p));
    CHECK_FALSE(sim::counts_as_residential(building("yes", "amenity=university", 100.0), p));
    for (const char* type : {"garage", "garages", "shed", "commercial", "industrial", "retail",
                             "office", "school", "church", "university", "hut", "roof"}) {
        INFO(type);
        CHECK_FALSE(sim::counts_as_residential(building(type, "landuse=residential", 500.0), p));
    }
    // The footprint threshold is inclusive.
    CHECK(sim::counts_as_residential(building("yes", "", 30.0), p));
    CHECK_FALSE(sim::counts_as_residential(building("yes", "", 29.9), p));
    CHECK_FALSE(sim::counts_as_residential(building("house", "", 29.9), p));
    sim::ResidentsParams all = p;
    all.min_footprint_m2 = 0.0;
    CHECK(sim::counts_as_residential(building("yes", "", 10.0), all));

    CHECK(sim::residents_scale_factor(p, 500.0) == 1.0);
    sim::ResidentsParams scaled = p;
    scaled.total = 1000.0;
    CHECK(sim::residents_scale_factor(scaled, 500.0) == 2.0);
}

TEST_CASE("residents from a synthetic OSM extract: sites from landuse and amenity areas, "
          "volumes, cells",
          "[thermal5][residents]") {
    TempDir tmp;
    // A 200 m x 200 m grid at 2 m in UTM 32N (sub-samples of 0.5 m: the 20 m squares below
    // are painted to within millimetres).
    const kernels::GridSpec g = test::make_grid(100, 100, 2.0, 2.0, 410000.0, 5475200.0,
                                                sim::normalize_crs("EPSG:25832", "test"));
    test::OsmXmlWriter w;
    // West half residential, east half industrial with a small residential pocket inside it
    // (the smaller area wins), a school site in the south-west, nothing mapped in the
    // north-west corner.
    w.rectangle(410000.0, 5475000.0, 410100.0, 5475150.0, tag("landuse", "residential"));
    w.rectangle(410100.0, 5475000.0, 410200.0, 5475200.0, tag("landuse", "industrial"));
    w.rectangle(410140.0, 5475020.0, 410190.0, 5475070.0, tag("landuse", "residential"));
    w.rectangle(410000.0, 5475000.0, 410050.0, 5475040.0, tag("amenity", "school"));
    // Buildings of 20 m x 20 m (9 m: the default height) unless said otherwise.
    const auto square = [&](double x, double y, const std::string& tags) {
        w.rectangle(x, y, x + 20.0, y + 20.0, tags);
    };
    square(410060.0, 5475100.0, tag("building", "yes"));        // residential land: counts
    square(410110.0, 5475150.0, tag("building", "yes"));        // industrial: no
    square(410150.0, 5475030.0, tag("building", "yes"));        // residential pocket: counts
    square(410110.0, 5475100.0, tag("building", "apartments") + tag("height", "18")); // counts
    square(410060.0, 5475050.0, tag("building", "garage"));     // no
    w.rectangle(410070.0, 5475010.0, 410074.0, 5475015.0, tag("building", "yes")); // 20 m2: no
    square(410010.0, 5475170.0, tag("building", "yes"));        // unmapped land: counts
    square(410010.0, 5475010.0, tag("building", "yes"));        // school site: no
    const auto osm = tmp.write("sites.osm", w.text());

    sim::OsmLandCoverParams lp;
    lp.subcell_samples = 4;
    const sim::OsmLandCover lc = sim::derive_osm_landcover(osm, g, lp);
    REQUIRE(lc.buildings.size() == 8);
    const std::vector<std::string> expected_sites = {
        "landuse=residential", "landuse=industrial", "landuse=residential", "landuse=industrial",
        "landuse=residential", "landuse=residential", "", "amenity=school"};
    for (std::size_t b = 0; b < lc.buildings.size(); ++b) {
        INFO("building " << b << " " << lc.buildings[b].building_type);
        CHECK(lc.buildings[b].site == expected_sites[b]);
    }

    const sim::ResidentsParams p;
    const sim::BuildingResidents r = sim::estimate_building_residents(lc, p);
    REQUIRE(r.residents.size() == 8);
    const std::vector<bool> counted = {true, false, true, true, false, false, true, false};
    double expected_total = 0.0;
    for (std::size_t b = 0; b < 8; ++b) {
        INFO("building " << b);
        const double height_m = b == 3 ? 18.0 : 9.0;
        const double expected = counted[b] ? 400.0 * height_m / 177.75 : 0.0;
        CHECK(r.residents[b] == Approx(expected).margin(1e-3 * 400.0 * 18.0 / 177.75));
        expected_total += expected;
    }
    CHECK(r.buildings_counted == 4);
    CHECK(r.total == Approx(expected_total).epsilon(1e-3));

    // Per cell: every counted building's residents over its cells; the sum is the total.
    const kernels::Raster<float> cells = sim::residents_per_cell(lc, r, lc.mask);
    double sum = 0.0;
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        sum += static_cast<double>(cells[i]);
        if (cells[i] > 0.0F) {
            CHECK(lc.building_id[i] > 0);
        }
    }
    CHECK(sum == Approx(r.total).epsilon(1e-5));
    // A building measures 10 x 10 cells of 2 m: each holds a hundredth of its residents.
    const std::size_t centre = g.index(45, 35); // x 410070, y 5475110: building 0
    REQUIRE(lc.building_id[centre] == 1);
    CHECK(static_cast<double>(cells[centre]) ==
          Approx(r.residents[0] / lc.buildings[0].cells).epsilon(1e-6));
}
