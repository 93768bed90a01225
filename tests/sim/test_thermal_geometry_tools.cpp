// `lauter tool svf` and `lauter tool shadow` on a small GeoTIFF near Kaiserslautern: exit codes,
// georeferenced outputs with plausible values, time zones, and bad input answered with exit
// code 2 and no output.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/sun_position.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace lauter::test;
namespace fs = std::filesystem;

namespace {

/// 40 x 40 cells of 2 m in EPSG:25832 (about 49.45 N, 7.77 E), flat at 240 m with a 20 m
/// block on rows 16-23, columns 16-23; `crs` empty writes a file without CRS. With `trees`:
/// instead a tree-height raster, 0 except one 12 m tree at row 30, column 30; `x0` shifts it.
fs::path write_block_dsm(const TempDir& dir, const std::string& name, const std::string& crs,
                         bool trees = false, double x0 = 410000.0) {
    TestRaster r;
    r.cols = 40;
    r.rows = 40;
    r.geotransform = {x0, 2.0, 0.0, 5478000.0, 0.0, -2.0};
    r.crs = crs;
    r.values.assign(1600, trees ? 0.0F : 240.0F);
    for (int row = 16; row < 24 && !trees; ++row) {
        for (int col = 16; col < 24; ++col) {
            r.values[static_cast<std::size_t>(row * 40 + col)] = 260.0F;
        }
    }
    if (trees) {
        r.values[30 * 40 + 30] = 12.0F;
    }
    const fs::path path = dir / name;
    write_test_raster(path, "GTiff", r);
    return path;
}

std::vector<float> band_of(const fs::path& path) {
    GdalDatasetPtr ds = open_raster(path);
    REQUIRE(ds);
    return read_band<float>(*ds);
}

CommandResult run_tool(const std::string& args) { return run_command(lauter_command() + " " + args); }

} // namespace

TEST_CASE("lauter tool svf writes the sky view factor of a DSM", "[e2e][thermal-geometry]") {
    TempDir dir("tgeo-svf");
    const fs::path dsm = write_block_dsm(dir, "dsm.tif", "EPSG:25832");
    const fs::path out = dir / "svf.tif";
    const CommandResult r = run_tool("tool svf " + shell_quote(dsm.string()) + " " +
                                     shell_quote(out.string()) + " --directions 32 --radius-m 100");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    GdalDatasetPtr ds = open_raster(out);
    REQUIRE(ds);
    CHECK(is_epsg(ds->GetSpatialRef(), 25832));
    const std::vector<float> svf = band_of(out);
    CHECK(svf[20 * 40 + 20] == 1.0F); // the roof sees the whole sky
    CHECK(svf[0] < 1.0F);             // the block rises above the corner's horizon
    // At the foot of the block's west wall half the sky is a 20 m wall 1 m away.
    CHECK(svf[20 * 40 + 15] < 0.6F);
    for (float v : svf) {
        CHECK(v >= 0.0F);
        CHECK(v <= 1.0F);
    }
}

TEST_CASE("lauter tool shadow computes the sun from the raster's place and the time zone",
          "[e2e][thermal-geometry]") {
    TempDir dir("tgeo-shadow");
    const fs::path dsm = write_block_dsm(dir, "dsm.tif", "EPSG:25832");
    const fs::path local = dir / "local.tif";
    const fs::path utc = dir / "utc.tif";
    CommandResult r = run_tool("tool shadow " + shell_quote(dsm.string()) + " " +
                               shell_quote(local.string()) +
                               " --datetime 2026-07-15T15:00 --utc-offset-h 2");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("azimuth") != std::string::npos);
    r = run_tool("tool shadow " + shell_quote(dsm.string()) + " " + shell_quote(utc.string()) +
                 " --datetime 2026-07-15T13:00Z");
    REQUIRE(r.exit_code == 0);
    const std::vector<float> a = band_of(local);
    const std::vector<float> b = band_of(utc);
    CHECK(a == b);
    // 13:00 UT on 15 July at about 49.45 N, 7.77 E: the sun stands in the south-south-west at
    // about 57 deg elevation (NOAA), so the 20 m block shades cells to its north-north-east
    // within about 13 m, and nothing south of it.
    const lauter::kernels::thermal::SunPosition sun =
        lauter::kernels::thermal::sun_position({2026, 7, 15, 13, 0, 0.0}, 49.45, 7.77);
    CHECK(sun.azimuth_deg > 190.0);
    CHECK(sun.azimuth_deg < 230.0);
    CHECK(a[14 * 40 + 21] == 0.0F); // 2 rows north of the block
    CHECK(a[30 * 40 + 20] == 1.0F); // south of the block
    CHECK(a[2 * 40 + 2] == 1.0F);

    // A 12 m tree at (30, 30): its own cell gets the crown transmissivity.
    const fs::path trees = write_block_dsm(dir, "trees.tif", "EPSG:25832", true);
    const fs::path with_trees = dir / "trees_out.tif";
    r = run_tool("tool shadow " + shell_quote(dsm.string()) + " " +
                 shell_quote(with_trees.string()) + " --datetime 2026-07-15T13:00Z --tree-height " +
                 shell_quote(trees.string()));
    REQUIRE(r.exit_code == 0);
    const std::vector<float> t = band_of(with_trees);
    CHECK(t[30 * 40 + 30] == Approx(0.03F));
    CHECK(t[30 * 40 + 20] == 1.0F);

    const fs::path night = dir / "night.tif";
    r = run_tool("tool shadow " + shell_quote(dsm.string()) + " " + shell_quote(night.string()) +
                 " --datetime 2026-07-15T23:30 --utc-offset-h 2");
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("below the horizon") != std::string::npos);
    for (float v : band_of(night)) {
        CHECK(v == 0.0F);
    }
}

TEST_CASE("lauter tool svf/shadow: bad input exits with code 2 and writes nothing",
          "[e2e][thermal-geometry]") {
    TempDir dir("tgeo-bad");
    const fs::path dsm = write_block_dsm(dir, "dsm.tif", "EPSG:25832");
    const fs::path no_crs = write_block_dsm(dir, "nocrs.tif", "");
    const fs::path shifted_trees =
        write_block_dsm(dir, "shifted_trees.tif", "EPSG:25832", true, 410010.0);
    const fs::path out = dir / "out.tif";
    struct Case {
        std::string args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"tool shadow " + shell_quote(dsm.string()) + " " + shell_quote(out.string()) +
             " --datetime 15.07.2026-15:00",
         "--datetime"},
        {"tool shadow " + shell_quote(dsm.string()) + " " + shell_quote(out.string()) +
             " --datetime 2026-02-30T12:00",
         "not a valid calendar date"},
        {"tool shadow " + shell_quote(dsm.string()) + " " + shell_quote(out.string()) +
             " --datetime 2026-07-15T15:00+02:00 --utc-offset-h 1",
         "give the offset once"},
        {"tool shadow " + shell_quote(no_crs.string()) + " " + shell_quote(out.string()) +
             " --datetime 2026-07-15T15:00",
         "nocrs.tif"},
        {"tool svf " + shell_quote(no_crs.string()) + " " + shell_quote(out.string()),
         "nocrs.tif"},
        {"tool shadow " + shell_quote(dsm.string()) + " " + shell_quote(out.string()) +
             " --datetime 2026-07-15T15:00 --tree-height " + shell_quote(shifted_trees.string()),
         "not on the grid"},
        {"tool svf " + shell_quote(dsm.string()) + " " + shell_quote(out.string()) +
             " --radius-m -5",
         "radius"},
    };
    for (const Case& c : cases) {
        INFO(c.args);
        const CommandResult r = run_tool(c.args);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK_FALSE(fs::exists(out));
    }
}
