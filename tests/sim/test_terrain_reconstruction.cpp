// Illustrative terrain from a tiny hand-written OSM file: parsing of ele tags, control points,
// report, study grid, and the COG written by the driver.
#include <catch2/catch.hpp>

#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/terrain_reconstruction.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <string>

using namespace lauter;
using lauter::test::TempDir;
namespace fs = std::filesystem;

namespace {

/// Seven usable ele tags in four spellings, two unusable ones, a river drawn west to east along
/// the valley and a forest on the southern slope.
constexpr const char* test_osm = R"(<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="lauter test">
  <bounds minlat="49.4300" minlon="7.7400" maxlat="49.4500" maxlon="7.7700"/>
  <node id="1" lat="49.4450" lon="7.7450"><tag k="ele" v="235"/></node>
  <node id="2" lat="49.4440" lon="7.7550"><tag k="ele" v="233 m"/></node>
  <node id="3" lat="49.4445" lon="7.7650"><tag k="ele" v="231.5"/></node>
  <node id="4" lat="49.4380" lon="7.7500"><tag k="ele" v="262m"/></node>
  <node id="5" lat="49.4360" lon="7.7620"><tag k="ele" v=" 270 "/></node>
  <node id="6" lat="49.4490" lon="7.7500"><tag k="ele" v="250"/></node>
  <node id="7" lat="49.4320" lon="7.7560"><tag k="ele" v="290.25"/><tag k="name" v="Hill"/></node>
  <node id="8" lat="49.4400" lon="7.7450"><tag k="ele" v="unknown"/></node>
  <node id="9" lat="49.4410" lon="7.7460"><tag k="ele" v="240;250"/></node>
  <node id="101" lat="49.4448" lon="7.7420"/>
  <node id="102" lat="49.4443" lon="7.7520"/>
  <node id="103" lat="49.4446" lon="7.7680"/>
  <node id="201" lat="49.4310" lon="7.7450"/>
  <node id="202" lat="49.4310" lon="7.7650"/>
  <node id="203" lat="49.4345" lon="7.7650"/>
  <node id="204" lat="49.4345" lon="7.7450"/>
  <way id="1001"><nd ref="101"/><nd ref="102"/><nd ref="103"/><tag k="waterway" v="river"/></way>
  <way id="1002"><nd ref="201"/><nd ref="202"/><nd ref="203"/><nd ref="204"/><nd ref="201"/><tag k="landuse" v="forest"/></way>
</osm>
)";

fs::path write_test_osm(const TempDir& dir) { return dir.write("test.osm", test_osm); }

} // namespace

TEST_CASE("Illustrative terrain from a small OSM file", "[terrain][osm]") {
    sim::set_quiet(true);
    TempDir dir;
    const fs::path osm = write_test_osm(dir);
    const kernels::GridSpec grid = sim::utm32_grid_for_osm_extent(osm, 20.0, 100.0);
    CHECK(std::fmod(grid.x0, 20.0) == 0.0);
    CHECK(std::fmod(grid.y0, 20.0) == 0.0);
    // The bbox is about 2.2 km x 2.2 km; plus 2 x 100 m margin and the outward snap.
    CHECK(static_cast<double>(grid.cols) * 20.0 > 2170.0 + 200.0);
    CHECK(static_cast<double>(grid.rows) * 20.0 > 2220.0 + 200.0);
    CHECK(static_cast<double>(grid.rows) * 20.0 < 2230.0 + 200.0 + 100.0);

    sim::TerrainReconstructionParams p;
    p.smoothing_m2 = 100.0;
    const sim::ReconstructedTerrain t = sim::reconstruct_illustrative_terrain(osm, grid, p);
    const sim::TerrainReconstructionReport& r = t.report;
    CHECK(r.ele_tags_used == 7);
    CHECK(r.ele_tags_skipped == 2);
    CHECK(r.waterway_lines == 1);
    CHECK(r.forest_polygons == 1);
    CHECK(r.river_points >= 40); // about 2 km of river every 50 m
    CHECK(r.hill_points >= 10);  // 1.4 km x 0.4 km forest on a 200 m lattice
    CHECK(r.ele_residual_rms_m < 3.0);
    CHECK(r.loo_rms_m > r.ele_residual_rms_m);
    CHECK(r.block_cv_folds >= 2);
    CHECK(r.min_elevation_m >= p.min_elevation_m);
    CHECK(r.max_elevation_m <= p.max_elevation_m);
    CHECK(r.min_elevation_m < 235.0);
    CHECK(r.max_elevation_m > 280.0);
    REQUIRE(t.control_points.size() == r.ele_tags_used + r.river_points + r.hill_points);
    const sim::TerrainControlPoint& first_valley = t.control_points[r.ele_tags_used];
    CHECK(first_valley.kind == sim::TerrainControlKind::valley_floor);
    CHECK(first_valley.z_m == Approx(p.valley_floor_m));
    const sim::TerrainControlPoint& last_valley =
        t.control_points[r.ele_tags_used + r.river_points - 1];
    CHECK(last_valley.z_m < first_valley.z_m); // the floor falls downstream
    for (std::size_t i = r.ele_tags_used + r.river_points; i < t.control_points.size(); ++i) {
        CHECK(t.control_points[i].kind == sim::TerrainControlKind::hill);
        CHECK(t.control_points[i].z_m > p.valley_floor_m);
        CHECK(t.control_points[i].z_m < p.valley_floor_m + p.hill_relief_m);
    }
    // The raster agrees with the fitted spline at the tag of node 7 (nearest cell centre).
    const sim::TerrainControlPoint& hill_tag = t.control_points[6];
    CHECK(hill_tag.z_m == 290.25);
    const auto col = static_cast<std::size_t>(grid.col_coordinate(hill_tag.x_m));
    const auto row = static_cast<std::size_t>(grid.row_coordinate(hill_tag.y_m));
    CHECK(t.elevation_m(row, col) == Approx(hill_tag.fitted_m).margin(1.0));
}

TEST_CASE("Illustrative terrain: driver writes a COG with provenance", "[terrain][osm]") {
    sim::set_quiet(true);
    TempDir dir;
    const fs::path osm = write_test_osm(dir);
    const fs::path out = dir / "terrain.tif";
    const sim::TerrainReconstructionReport r =
        sim::write_illustrative_terrain(osm, out, 50.0, 0.0, {});
    CHECK(r.ele_tags_used == 7);
    const auto ds = test::open_raster(out);
    REQUIRE(ds != nullptr);
    CHECK(std::string(ds->GetMetadataItem("LAUTER_PRODUCT")) == "illustrative_terrain");
    CHECK(std::string(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE")) == "COG");
    CHECK(test::is_epsg(ds->GetSpatialRef(), 25832));
}

TEST_CASE("Illustrative terrain: clear errors for bad input", "[terrain][osm]") {
    sim::set_quiet(true);
    TempDir dir;
    const fs::path osm = write_test_osm(dir);
    kernels::GridSpec grid = sim::utm32_grid_for_osm_extent(osm, 50.0, 0.0);
    CHECK_THROWS_AS(sim::reconstruct_illustrative_terrain(dir / "missing.osm", grid),
                    sim::InputError);
    dir.write("garbage.osm", "this is not OSM");
    CHECK_THROWS_AS(sim::reconstruct_illustrative_terrain(dir / "garbage.osm", grid),
                    sim::InputError);
    dir.write("empty.osm", "<?xml version='1.0'?><osm version=\"0.6\"><node id=\"1\" "
                           "lat=\"49.44\" lon=\"7.75\"><tag k=\"ele\" v=\"230\"/></node></osm>");
    CHECK_THROWS_AS(sim::reconstruct_illustrative_terrain(dir / "empty.osm", grid),
                    sim::InputError);
    sim::TerrainReconstructionParams bad;
    bad.hill_length_scale_m = 0.0;
    CHECK_THROWS_AS(sim::reconstruct_illustrative_terrain(osm, grid, bad), sim::ConfigError);
    grid.crs_wkt.clear();
    CHECK_THROWS_AS(sim::reconstruct_illustrative_terrain(osm, grid), sim::ConfigError);
}
