// End-to-end runs of the runoff model: a scenario on a tiny synthetic DEM with one OSM building
// (results read back from the HDF5 file), `lauter tool runoff` (GeoTIFFs opened with GDAL), and
// bad input answered with exit code 2, one clear message and nothing written.
#include <catch2/catch.hpp>

#include <lauter/sim/results.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace lauter::test;
namespace fs = std::filesystem;

namespace {

constexpr double x_west = 410000.0;
constexpr double y_north = 5475100.0;
constexpr int cols = 24;
constexpr int rows = 16;
constexpr double cell_m = 5.0;

/// A DEM falling 2 % to the east with a 0.5 m deep bowl in the west half; `hole` puts a 2 x 2
/// no-data hole in it, `flat` makes it level.
TestRaster synthetic_dem(bool hole, bool flat) {
    TestRaster r;
    r.cols = cols;
    r.rows = rows;
    r.geotransform = {x_west, cell_m, 0.0, y_north, 0.0, -cell_m};
    r.crs = "EPSG:25832";
    r.no_data = -9999.0;
    for (int row = 0; row < rows; ++row) {
        for (int col = 0; col < cols; ++col) {
            const double x = (col + 0.5) * cell_m;
            const double y = (row + 0.5) * cell_m;
            const double d2 = (x - 30.0) * (x - 30.0) + (y - 40.0) * (y - 40.0);
            const double bowl = d2 < 225.0 ? 0.5 * (1.0 - d2 / 225.0) : 0.0;
            double z = flat ? 240.0 : 250.0 - 0.02 * x - bowl;
            if (hole && row >= 6 && row < 8 && col >= 14 && col < 16) {
                z = -9999.0;
            }
            r.values.push_back(static_cast<float>(z));
        }
    }
    return r;
}

/// A one-building OSM file (a 15 m x 10 m house with name and address in the middle).
std::string osm_with_one_building() {
    auto ct = epsg_transform(25832, 4326);
    std::ostringstream nodes;
    const double xs[4] = {x_west + 50.0, x_west + 65.0, x_west + 65.0, x_west + 50.0};
    const double ys[4] = {y_north - 30.0, y_north - 30.0, y_north - 40.0, y_north - 40.0};
    for (int i = 0; i < 4; ++i) {
        double lon = xs[i];
        double lat = ys[i];
        ct->Transform(1, &lon, &lat);
        nodes << "  <node id=\"" << (i + 1) << "\" version=\"1\" lat=\"" << std::setprecision(12)
              << lat << "\" lon=\"" << lon << "\"/>\n";
    }
    return "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n" + nodes.str() +
           "  <way id=\"4711\" version=\"1\"><nd ref=\"1\"/><nd ref=\"2\"/><nd ref=\"3\"/>"
           "<nd ref=\"4\"/><nd ref=\"1\"/><tag k=\"building\" v=\"house\"/>"
           "<tag k=\"name\" v=\"Testhaus\"/><tag k=\"addr:street\" v=\"Marktstrasse\"/>"
           "<tag k=\"addr:housenumber\" v=\"3\"/></way>\n</osm>\n";
}

std::string scenario_text(const std::string& runoff_block, bool with_dem = true) {
    std::ostringstream s;
    s << std::setprecision(12);
    s << "name: rs\n"
         "study_area:\n"
         "  crs: EPSG:25832\n"
         "  extent: ["
      << x_west << ", " << (y_north - rows * cell_m) << ", " << (x_west + cols * cell_m) << ", "
      << y_north
      << "]\n"
         "  resolution_m: 5\n"
         "inputs:\n"
         "  osm: city.osm\n";
    if (with_dem) {
        s << "  dem: dem.tif\n";
    }
    s << "models:\n"
         "  terrain:\n"
         "    enabled: "
      << (with_dem ? "true" : "false")
      << "\n"
         "  runoff:\n"
      << runoff_block;
    return s.str();
}

const std::string good_runoff = "    enabled: true\n"
                                "    storm: {type: constant, intensity_mm_per_h: 100, "
                                "duration_min: 10}\n"
                                "    drainage_time_min: 5\n";

/// A project directory with the DEM, the OSM file and a scenario.
struct Project {
    TempDir dir{"runoff-e2e"};
    explicit Project(const std::string& scenario, bool hole = false) {
        write_test_raster(dir / "dem.tif", "GTiff", synthetic_dem(hole, false));
        dir.write("city.osm", osm_with_one_building());
        dir.write("scenario.yaml", scenario);
    }
    [[nodiscard]] CommandResult run() const {
        return run_lauter_scenario(dir / "scenario.yaml", dir / "out.h5", "--threads 2");
    }
};

/// Checks a failed run: exit code 2, one message naming `needle`, no results file.
void check_bad_input(const Project& p, const std::string& needle) {
    const CommandResult r = p.run();
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK_FALSE(fs::exists(p.dir / "out.h5"));
    for (const std::string& entry : p.dir.entries()) {
        CHECK(entry.find(".h5") == std::string::npos);
    }
}

} // namespace

TEST_CASE("runoff scenario: results, units, hazard legend, buildings and a closed balance",
          "[runoff][e2e]") {
    const Project p(scenario_text(good_runoff));
    const CommandResult r = p.run();
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const fs::path out = p.dir / "out.h5";
    using lauter::sim::read_attribute;
    const std::string group = "/rs/runoff";
    struct Expected {
        const char* name;
        const char* units;
    };
    for (const Expected e : {Expected{"max_depth_m", "m"}, Expected{"max_velocity_m_per_s", "m s-1"},
                             Expected{"time_of_max_depth_s", "s"},
                             Expected{"max_depth_velocity_m2_per_s", "m2 s-1"},
                             Expected{"hazard_class", "1"}, Expected{"depth_end_m", "m"},
                             Expected{"building_id", "1"}}) {
        INFO(e.name);
        const lauter::sim::ReadLayer layer =
            lauter::sim::read_raster_layer(out, group + "/" + e.name);
        CHECK(layer.meta.units == e.units);
        CHECK(layer.values.spec().rows == static_cast<std::size_t>(rows));
        CHECK(layer.values.spec().cols == static_cast<std::size_t>(cols));
    }
    const lauter::sim::ReadLayer hazard = lauter::sim::read_raster_layer(out, group + "/hazard_class");
    CHECK(hazard.meta.flag_values.size() == 7);
    REQUIRE(hazard.meta.flag_meanings.size() == 7);
    CHECK(hazard.meta.flag_meanings[1] == "H1");
    CHECK(hazard.meta.comment.find("Smith, Davey & Cox (2014)") != std::string::npos);

    // The bowl holds water: its maximum depth exceeds the end depth nowhere below it.
    const lauter::sim::ReadLayer max_depth = lauter::sim::read_raster_layer(out, group + "/max_depth_m");
    const lauter::sim::ReadLayer end_depth = lauter::sim::read_raster_layer(out, group + "/depth_end_m");
    float deepest = 0.0F;
    for (std::size_t i = 0; i < max_depth.values.size(); ++i) {
        CHECK(max_depth.values[i] >= end_depth.values[i] - 1e-6F);
        deepest = std::max(deepest, max_depth.values[i]);
    }
    CHECK(deepest > 0.05F);

    // The balance read back from the file: rain of 100 mm/h for 10 min on the active cells.
    const auto residual = read_attribute(out, group, "relative_residual");
    REQUIRE(residual.has_value());
    CHECK(std::abs(std::stod(*residual)) < 1e-6);
    const auto rain = read_attribute(out, group, "rain_m3");
    REQUIRE(rain.has_value());
    CHECK(std::stod(*rain) == Approx(0.1 / 6.0 * cols * rows * cell_m * cell_m).epsilon(1e-9));
    const lauter::sim::Table balance = lauter::sim::read_table(out, group + "/volume_balance");
    CHECK(balance.row_count() >= 15);
    const auto& relative =
        std::get<std::vector<double>>(balance.column("relative_residual").values);
    for (const double v : relative) {
        CHECK(std::abs(v) < 1e-6);
    }
    CHECK(balance.column("storage_m3").units == "m3");

    // The one building, with its OSM id, name and address.
    const lauter::sim::Table buildings = lauter::sim::read_table(out, group + "/buildings_affected");
    REQUIRE(buildings.row_count() == 1);
    CHECK(std::get<std::vector<std::int64_t>>(buildings.column("osm_id").values)[0] == 4711);
    CHECK(std::get<std::vector<std::string>>(buildings.column("name").values)[0] == "Testhaus");
    CHECK(std::get<std::vector<std::string>>(buildings.column("address").values)[0] ==
          "Marktstrasse 3");
    CHECK(std::get<std::vector<double>>(buildings.column("footprint_area_m2").values)[0] ==
          Approx(150.0).epsilon(0.1));
    CHECK(read_attribute(out, group, "buildings_total") == std::optional<std::string>("1"));
    CHECK(read_attribute(out, group, "wall_time_s").has_value());
}

TEST_CASE("runoff bad input: one message, exit code 2, no results file", "[runoff][e2e]") {
    SECTION("negative storm intensity") {
        const Project p(scenario_text("    enabled: true\n    storm: {type: constant, "
                                      "intensity_mm_per_h: -5, duration_min: 10}\n"));
        check_bad_input(p, "models.runoff.storm.intensity_mm_per_h: -5 is out of range");
    }
    SECTION("NaN storm intensity in the scenario") {
        const Project p(scenario_text("    enabled: true\n    storm: {type: constant, "
                                      "intensity_mm_per_h: .nan, duration_min: 10}\n"));
        check_bad_input(p, "models.runoff.storm.intensity_mm_per_h");
    }
    SECTION("NaN intensity in a CSV time series") {
        Project p(scenario_text("    enabled: true\n    storm: {type: csv, csv: rain.csv}\n"));
        p.dir.write("rain.csv", "time_min,intensity_mm_per_h\n0,20\n10,nan\n20,0\n");
        check_bad_input(p, "rain.csv:3: intensity 'nan' must be a finite number >= 0");
    }
    SECTION("a time series that is not monotonic in time") {
        Project p(scenario_text("    enabled: true\n    storm: {type: csv, csv: rain.csv}\n"));
        p.dir.write("rain.csv", "time_min,intensity_mm_per_h\n0,20\n15,40\n10,5\n30,0\n");
        check_bad_input(p, "rain.csv:4: time 10 min does not follow the previous time (15 min)");
    }
    SECTION("a Manning table missing a class") {
        const Project p(scenario_text(
            "    enabled: true\n    manning_n: {building: 0.02, road: 0.02, sealed_other: 0.02, "
            "railway: 0.05, open_land: 0.05, trees: 0.1, water: 0.03}\n"));
        check_bad_input(p, "models.runoff.manning_n: the table lacks the land-cover class "
                           "agriculture");
    }
    SECTION("runoff enabled without a DEM") {
        const Project p(scenario_text(good_runoff, false));
        check_bad_input(p, "inputs.dem is not set");
    }
}

TEST_CASE("lauter tool runoff: GeoTIFFs that GDAL opens, a balance CSV, holes and flat DEMs",
          "[runoff][e2e]") {
    TempDir dir("runoff-tool");
    const auto tool = [&](const std::string& dem, const std::string& outdir,
                          const std::string& extra) {
        return run_command(lauter_command() + " tool runoff " + shell_quote((dir / dem).string()) +
                           " " + shell_quote((dir / outdir).string()) +
                           " --storm constant:60:5 --drainage-min 5 --threads 2 " + extra);
    };
    SECTION("a DEM with a no-data hole runs; the hole stays no-data") {
        write_test_raster(dir / "dem.tif", "GTiff", synthetic_dem(true, false));
        const CommandResult r = tool("dem.tif", "out", "--infiltration curve_number");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        for (const char* name : {"max_depth", "max_velocity", "time_of_max_depth",
                                 "max_depth_velocity", "hazard_class", "end_depth"}) {
            INFO(name);
            GdalDatasetPtr ds = open_raster(dir / "out" / (std::string(name) + ".tif"));
            REQUIRE(ds);
            CHECK(ds->GetRasterXSize() == cols);
            CHECK(ds->GetRasterYSize() == rows);
            CHECK(is_epsg(ds->GetSpatialRef(), 25832));
        }
        GdalDatasetPtr depth = open_raster(dir / "out" / "max_depth.tif");
        const std::vector<float> values = read_band<float>(*depth);
        CHECK(std::isnan(values[6 * cols + 14]));
        CHECK(std::isfinite(values[0]));
        const std::string csv = read_text_file(dir / "out" / "volume_balance.csv");
        CHECK(csv.rfind("time_s,rain_m3,infiltration_m3", 0) == 0);
    }
    SECTION("a completely flat DEM runs: water ponds") {
        write_test_raster(dir / "flat.tif", "GTiff", synthetic_dem(false, true));
        const CommandResult r = tool("flat.tif", "flat_out", "--infiltration none");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(r.err.find("completely flat") != std::string::npos);
        GdalDatasetPtr depth = open_raster(dir / "flat_out" / "max_depth.tif");
        REQUIRE(depth);
        const std::vector<float> values = read_band<float>(*depth);
        // 60 mm/h for 5 min = 5 mm; the centre of the plain keeps nearly all of it.
        CHECK(values[8 * cols + 12] == Approx(0.005).epsilon(0.05));
    }
    SECTION("a DEM without any data is refused, nothing written") {
        TestRaster empty = synthetic_dem(false, false);
        std::fill(empty.values.begin(), empty.values.end(), -9999.0F);
        write_test_raster(dir / "empty.tif", "GTiff", empty);
        const CommandResult r = tool("empty.tif", "empty_out", "");
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("no cell with data") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "empty_out"));
    }
    SECTION("a storm CSV with negative intensity is refused, nothing written") {
        write_test_raster(dir / "dem.tif", "GTiff", synthetic_dem(false, false));
        dir.write("rain.csv", "time_min,intensity_mm_per_h\n0,-3\n10,0\n");
        const CommandResult r =
            run_command(lauter_command() + " tool runoff " + shell_quote((dir / "dem.tif").string()) +
                        " " + shell_quote((dir / "csv_out").string()) + " --storm csv:" +
                        shell_quote((dir / "rain.csv").string()));
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("rain.csv:2: intensity '-3'") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "csv_out"));
    }
}
