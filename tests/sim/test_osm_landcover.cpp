#include <catch2/catch.hpp>

#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/vector_input.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

using namespace lauter;
using kernels::LandCover;
using kernels::land_cover_index;
using lauter::test::source_dir;
using lauter::test::TempDir;

namespace {

/// Grid of `cell_m` cells around the bounding box of an OSM extract given in lon/lat, in UTM 32N.
kernels::GridSpec utm_grid_around(double lon0, double lat0, double lon1, double lat1, double cell_m,
                                  double margin_m) {
    sim::PolygonLayer bbox;
    bbox.crs_wkt = sim::normalize_crs("EPSG:4326", "test");
    bbox.polygons.push_back(
        kernels::Polygon{{kernels::Ring{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}}}});
    kernels::GridSpec g = sim::extent_of(sim::reproject(bbox, "EPSG:25832"), cell_m);
    const auto margin_cells = static_cast<std::size_t>(margin_m / cell_m);
    g.x0 -= static_cast<double>(margin_cells) * cell_m;
    g.y0 += static_cast<double>(margin_cells) * cell_m;
    g.cols += 2 * margin_cells;
    g.rows += 2 * margin_cells;
    return g;
}

double read_json_number(const std::string& json, const std::string& key) {
    const auto pos = json.find("\"" + key + "\":");
    REQUIRE(pos != std::string::npos);
    return std::stod(json.substr(pos + key.size() + 3));
}

using OsmWriter = test::OsmXmlWriter;

std::string tag(const std::string& k, const std::string& v) { return test::osm_tag(k, v); }

double class_area_m2(const sim::OsmLandCover& lc, LandCover c) {
    double sum = 0.0;
    for (float v : lc.fractions[land_cover_index(c)].values()) {
        sum += std::isnan(v) ? 0.0 : static_cast<double>(v);
    }
    return sum * lc.fractions[0].spec().cell_area_m2();
}

} // namespace

TEST_CASE("OSM height tags are parsed with units", "[osm_landcover]") {
    CHECK(sim::parse_osm_height_m("12") == Approx(12.0));
    CHECK(sim::parse_osm_height_m("12 m") == Approx(12.0));
    CHECK(sim::parse_osm_height_m("12.5m") == Approx(12.5));
    CHECK(sim::parse_osm_height_m("7,5") == Approx(7.5));
    CHECK(sim::parse_osm_height_m("40 ft") == Approx(12.192));
    CHECK(sim::parse_osm_height_m("40'") == Approx(12.192));
    CHECK(sim::parse_osm_height_m("12'6\"") == Approx(12.0 * 0.3048 + 6.0 * 0.0254));
    CHECK(sim::parse_osm_height_m("") < 0.0);
    CHECK(sim::parse_osm_height_m("tall") < 0.0);
    CHECK(sim::parse_osm_height_m("12 storeys") < 0.0);
    CHECK(sim::parse_osm_height_m("-3") < 0.0);
}

TEST_CASE("Invalid land-cover parameters are ConfigErrors", "[osm_landcover]") {
    sim::OsmLandCoverParams p;
    CHECK_NOTHROW(sim::validate(p));
    p.subcell_samples = 0;
    CHECK_THROWS_AS(sim::validate(p), sim::ConfigError);
    p = {};
    p.storey_height_m = -1.0;
    CHECK_THROWS_WITH(sim::validate(p), Catch::Contains("storey_height_m"));
    p = {};
    p.highway_widths.push_back({"residential", 0.0});
    CHECK_THROWS_AS(sim::validate(p), sim::ConfigError);
}

TEST_CASE("Synthetic OSM: classes, priorities, heights and canopy match the drawn geometry",
          "[osm_landcover]") {
    TempDir tmp;
    // A 200 m x 200 m study grid at 2 m in UTM 32N near Kaiserslautern.
    const kernels::GridSpec g = test::make_grid(100, 100, 2.0, 2.0, 410000.0, 5475200.0,
                                                sim::normalize_crs("EPSG:25832", "test"));

    OsmWriter w;
    // A park covering the southern half; a road crosses it west-east at y = 5475050.
    w.rectangle(410000.0, 5475000.0, 410200.0, 5475100.0, tag("leisure", "park"));
    const long r0 = w.node(409950.0, 5475050.0);
    const long r1 = w.node(410250.0, 5475050.0);
    w.way({r0, r1}, tag("highway", "residential") + tag("width", "6"));
    // Three 20 m x 20 m buildings: height tag, levels, nothing.
    w.rectangle(410010.0, 5475150.0, 410030.0, 5475170.0, tag("building", "yes") + tag("height", "12 m"));
    w.rectangle(410060.0, 5475150.0, 410080.0, 5475170.0,
                tag("building", "yes") + tag("building:levels", "4"));
    w.rectangle(410110.0, 5475150.0, 410130.0, 5475170.0, tag("building", "house"));
    // A tree in the park, a parking lot with a building on part of it.
    w.node(410150.0, 5475020.0, tag("natural", "tree"));
    w.rectangle(410150.0, 5475130.0, 410190.0, 5475190.0, tag("amenity", "parking"));
    w.rectangle(410150.0, 5475170.0, 410190.0, 5475190.0, tag("building", "garage"));
    // An underground car park is skipped.
    w.rectangle(410000.0, 5475110.0, 410040.0, 5475130.0,
                tag("amenity", "parking") + tag("parking", "underground"));
    const auto osm = tmp.write("synthetic.osm", w.text());

    sim::OsmLandCoverParams params;
    params.subcell_samples = 4;
    const sim::OsmLandCover lc = sim::derive_osm_landcover(osm, g, params);
    const auto& c = lc.summary.counts;
    CHECK(c.buildings == 4);
    CHECK(c.buildings_with_height == 1);
    CHECK(c.buildings_with_levels == 1);
    CHECK(c.highway_lines == 1);
    CHECK(c.tree_points == 1);
    CHECK(c.sealed_areas == 1);
    CHECK(c.open_land_areas == 1);
    CHECK(c.skipped_underground == 1);
    CHECK(lc.mask.count_with_data() == g.cell_count()); // no <bounds>: everything active

    // Areas: three buildings 3 x 400 + garage 800; road 6 m x 200 m; parking 40 x 60 - garage.
    // Node coordinates pass through lon/lat with 12 digits: the polygons move by millimetres.
    CHECK(lc.summary.building_footprint_area_m2 == Approx(2000.0).epsilon(1e-3));
    CHECK(class_area_m2(lc, LandCover::building) == Approx(2000.0).epsilon(0.01));
    CHECK(lc.summary.building_class_area_m2 == Approx(2000.0).epsilon(0.01));
    CHECK(class_area_m2(lc, LandCover::road) == Approx(1200.0).epsilon(0.02));
    CHECK(class_area_m2(lc, LandCover::sealed_other) == Approx(1600.0).epsilon(0.01));
    // The park loses the road and the tree crown to higher priorities.
    const double crown_m2 = std::numbers::pi * 9.0;
    CHECK(class_area_m2(lc, LandCover::trees) == Approx(crown_m2).epsilon(0.1));
    CHECK(class_area_m2(lc, LandCover::open_land) ==
          Approx(200.0 * 200.0 - 2000.0 - 1200.0 - 1600.0 - crown_m2).epsilon(0.01));

    auto cell_of = [&](double x, double y) {
        return g.index(static_cast<std::size_t>((g.y0 - y) / 2.0),
                       static_cast<std::size_t>((x - g.x0) / 2.0));
    };
    CHECK(lc.building_height_m[cell_of(410020.0, 5475160.0)] == Approx(12.0));
    CHECK(lc.building_height_m[cell_of(410070.0, 5475160.0)] == Approx(4.0 * 3.0));
    CHECK(lc.building_height_m[cell_of(410120.0, 5475160.0)] == Approx(9.0));
    CHECK(lc.building_height_m[cell_of(410100.0, 5475080.0)] == 0.0F);
    CHECK(lc.dominant[cell_of(410100.0, 5475050.0)] == LandCover::road);
    CHECK(lc.dominant[cell_of(410100.0, 5475080.0)] == LandCover::open_land);
    CHECK(lc.dominant[cell_of(410170.0, 5475140.0)] == LandCover::sealed_other);
    CHECK(lc.dominant[cell_of(410170.0, 5475180.0)] == LandCover::building);
    CHECK(lc.impervious_fraction[cell_of(410170.0, 5475140.0)] == Approx(1.0));
    CHECK(lc.impervious_fraction[cell_of(410100.0, 5475080.0)] == 0.0F);
    // Canopy of the crown, independent of the class canvas.
    double canopy_m2 = 0.0;
    for (float v : lc.tree_canopy_fraction.values()) {
        canopy_m2 += static_cast<double>(v) * 4.0;
    }
    CHECK(canopy_m2 == Approx(crown_m2).epsilon(0.1));
}

TEST_CASE("OSM land cover of the campus agrees with independent counts and areas",
          "[osm_landcover][real]") {
    const auto osm = source_dir() / "inputs/kaiserslautern/kaiserslautern_uni.osm.gz";
    REQUIRE(std::filesystem::exists(osm));
    // Independent statistics from tests/python/osm_building_stats.py (xml.etree + osr).
    const test::CommandResult stats =
        test::run_python(source_dir() / "tests/python/osm_building_stats.py", {osm.string()});
    INFO(stats.err);
    REQUIRE(stats.exit_code == 0);
    const std::string& json = stats.out;
    const double py_count = read_json_number(json, "buildings");
    const double py_area_m2 = read_json_number(json, "footprint_area_m2");
    REQUIRE(py_count > 400);

    // 2 m grid over the whole extract (bounds 49.419-49.430 N, 7.735-7.749 E) plus 100 m, so
    // that no building is clipped.
    const kernels::GridSpec g = utm_grid_around(7.735, 49.419, 7.749, 49.430, 2.0, 100.0);
    const sim::OsmLandCover lc = sim::derive_osm_landcover(osm, g);
    const auto& s = lc.summary;
    INFO("python: " << py_count << " buildings, " << py_area_m2 << " m2; lauter: "
                    << s.counts.buildings << " buildings, vector " << s.building_footprint_area_m2
                    << " m2, raster " << s.building_class_area_m2 << " m2");
    // Same buildings and the same footprints (both sum the polygons of the same projection).
    CHECK(static_cast<double>(s.counts.buildings) == py_count);
    CHECK(s.building_footprint_area_m2 == Approx(py_area_m2).epsilon(0.001));
    // Raster vs vector: sampling at 2 m / 5 = 0.4 m errs by up to perimeter x 0.2 m per building
    // (about 5 % of a 10 m x 10 m house) but with random sign, so the 528 errors mostly cancel
    // (observed: 0.003 %); overlapping buildings would count once in the raster. 0.5 % leaves room
    // for such overlaps without hiding a systematic bias (a 0.1 m shift of all edges is ~2 %).
    CHECK(s.building_class_area_m2 == Approx(py_area_m2).epsilon(0.005));

    // Invariants on active cells (violations counted, so that one CHECK reports them all).
    std::size_t active = 0;
    std::size_t building_cells = 0;
    std::size_t default_height_cells = 0;
    std::size_t bad_fraction = 0;
    std::size_t bad_sum = 0;
    std::size_t bad_impervious = 0;
    std::size_t bad_canopy = 0;
    std::size_t bad_height = 0;
    std::size_t bad_outside = 0;
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        if (!lc.mask.has_data(i)) {
            bad_outside += std::isnan(lc.impervious_fraction[i]) ? 0U : 1U;
            continue;
        }
        ++active;
        double sum = 0.0;
        for (const auto& f : lc.fractions) {
            bad_fraction += (f[i] >= 0.0F && f[i] <= 1.0F) ? 0U : 1U;
            sum += static_cast<double>(f[i]);
        }
        bad_sum += std::abs(sum - 1.0) < 1e-5 ? 0U : 1U;
        const float imp = lc.impervious_fraction[i];
        bad_impervious += (imp >= 0.0F && imp <= 1.0F) ? 0U : 1U;
        const float canopy = lc.tree_canopy_fraction[i];
        bad_canopy += (canopy >= 0.0F && canopy <= 1.0F) ? 0U : 1U;
        const float fb = lc.fractions[land_cover_index(LandCover::building)][i];
        const float h = lc.building_height_m[i];
        bad_height += (h >= 0.0F && (fb > 0.0F) == (h > 0.0F)) ? 0U : 1U;
        if (fb > 0.0F) {
            ++building_cells;
            default_height_cells += h == 9.0F ? 1U : 0U;
        }
    }
    CHECK(bad_fraction == 0);
    CHECK(bad_sum == 0);
    CHECK(bad_impervious == 0);
    CHECK(bad_canopy == 0);
    CHECK(bad_height == 0);
    CHECK(bad_outside == 0);
    CHECK(active > g.cell_count() / 2);
    // Only one campus building carries building:levels and none a height: nearly every building
    // cell has the default height.
    CHECK(s.counts.buildings_with_height == 0);
    CHECK(s.counts.buildings_with_levels == 1);
    CHECK(static_cast<double>(default_height_cells) >= 0.99 * static_cast<double>(building_cells));
    CHECK(s.counts.highway_lines > 100);
    CHECK(s.counts.tree_points == 6);
}

TEST_CASE("OSM land cover rejects unreadable files and grids without CRS", "[osm_landcover]") {
    TempDir tmp;
    kernels::GridSpec g;
    g.rows = 10;
    g.cols = 10;
    g.crs_wkt = sim::normalize_crs("EPSG:25832", "test");
    CHECK_THROWS_AS(sim::derive_osm_landcover(tmp / "missing.osm", g), sim::InputError);
    const auto bogus = tmp.write("bogus.osm", "this is not OSM");
    CHECK_THROWS_AS(sim::derive_osm_landcover(bogus, g), sim::InputError);
    tmp.write("x.osm.bz2", "BZh");
    CHECK_THROWS_WITH(sim::derive_osm_landcover(tmp / "x.osm.bz2", g),
                      Catch::Contains("x.osm.bz2") && Catch::Contains("bzip2"));
    kernels::GridSpec no_crs = g;
    no_crs.crs_wkt.clear();
    CHECK_THROWS_AS(sim::derive_osm_landcover(bogus, no_crs), sim::ConfigError);
}

TEST_CASE("Full Kaiserslautern extract at 5 m (timing)", "[.][osm_full]") {
    const auto osm = source_dir() / "inputs/kaiserslautern/kaiserslautern.osm.gz";
    const kernels::GridSpec g = utm_grid_around(7.717, 49.418, 7.821, 49.457, 5.0, 0.0);
    const sim::OsmLandCover lc = sim::derive_osm_landcover(osm, g);
    WARN("grid " << g.rows << " x " << g.cols << ", " << lc.summary.seconds << " s, "
                 << lc.summary.counts.buildings << " buildings, vector "
                 << lc.summary.building_footprint_area_m2 << " m2, raster "
                 << lc.summary.building_class_area_m2 << " m2");
    CHECK(lc.summary.seconds < 20.0);
}
