#include <catch2/catch.hpp>

#include <lauter/sim/scenario.hpp>

#include "../support/test_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace lauter::sim;
using lauter::test::config_error_of;
using lauter::test::read_text_file;
using lauter::test::source_dir;
using lauter::test::TempDir;
using lauter::test::write_text_file;
namespace fs = std::filesystem;

namespace {

/// A temporary project: fake input files in inputs/, scenarios in scen/.
class Project {
public:
    Project() : dir_("scenario") {
        dir_.write("inputs/city.osm.gz", "fake osm");
        dir_.write("inputs/dem.tif", "fake dem");
        dir_.write("inputs/outline.poly", "fake boundary");
    }
    [[nodiscard]] fs::path root() const { return dir_.path(); }
    [[nodiscard]] fs::path scenario_path() const { return dir_.path() / "scen" / "x.yaml"; }
    [[nodiscard]] fs::path input(const std::string& name) const {
        return dir_.path() / "inputs" / name;
    }
    fs::path write_scenario(const std::string& text) const {
        return dir_.write("scen/x.yaml", text);
    }
    /// Writes the scenario and returns the ConfigError message of loading it ("" if valid).
    std::string error_for(const std::string& text,
                          const std::vector<std::string>& overrides = {}) const {
        const fs::path file = write_scenario(text);
        return config_error_of([&] { (void)load_scenario(file, overrides); });
    }
    /// "<scenario file>:line:column: "
    [[nodiscard]] std::string at(int line, int column) const {
        return scenario_path().string() + ":" + std::to_string(line) + ":" +
               std::to_string(column) + ": ";
    }

private:
    TempDir dir_;
};

const std::string valid_text = "name: test\n"                   // 1
                               "study_area:\n"                  // 2
                               "  crs: EPSG:25832\n"            // 3
                               "  extent_from: osm\n"           // 4
                               "inputs:\n"                      // 5
                               "  osm: ../inputs/city.osm.gz\n" // 6
                               "  dem: ../inputs/dem.tif\n";    // 7

/// valid_text with `line` (1-based) replaced by `replacement` (which may hold several lines).
std::string with_line(int line, const std::string& replacement) {
    std::istringstream in(valid_text);
    std::string out;
    std::string current;
    int n = 0;
    while (std::getline(in, current)) {
        ++n;
        out += (n == line ? replacement : current) + "\n";
    }
    return out;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST_CASE("a minimal scenario resolves every default", "[scenario]") {
    const Project p;
    const Scenario s = load_scenario(p.write_scenario(valid_text));
    CHECK(s.name == "test");
    CHECK(s.description.empty());
    CHECK(s.study_area.crs == "EPSG:25832");
    CHECK(s.study_area.crs_wkt.find("UTM zone 32N") != std::string::npos);
    CHECK_FALSE(s.study_area.extent.has_value());
    REQUIRE(s.study_area.extent_from.has_value());
    CHECK(*s.study_area.extent_from == ExtentSource::osm);
    CHECK_FALSE(s.study_area.boundary.has_value());
    CHECK(s.study_area.resolution_m == 10.0);
    // Relative paths resolve against the scenario file's directory and become absolute.
    REQUIRE(s.inputs.osm.has_value());
    CHECK(*s.inputs.osm == p.input("city.osm.gz").lexically_normal());
    CHECK(s.inputs.osm->is_absolute());
    CHECK(*s.inputs.dem == p.input("dem.tif").lexically_normal());
    CHECK(s.inputs.dem_crs.empty());
    CHECK(s.inputs.dem_resampling == Resampling::bilinear);
    CHECK(s.inputs.dem_kind == DemKind::measured);
    CHECK(s.landcover.subcell_samples == 5);
    CHECK(s.landcover.storey_height_m == 3.0);
    CHECK(s.landcover.default_building_height_m == 9.0);
    CHECK(s.landcover.tree_crown_radius_m == 3.0);
    CHECK(s.landcover.unmapped_class == lauter::kernels::LandCover::open_land);
    CHECK(s.models.terrain.enabled);
    CHECK(s.models.terrain.hillshade_azimuth_deg == 315.0);
    CHECK(s.models.terrain.hillshade_altitude_deg == 45.0);
    CHECK(s.models.landcover.enabled);
    CHECK(s.output.deflate_level == 4);
    CHECK(s.output.chunk_size == 256);
    CHECK(s.source_file == p.scenario_path());

    // The resolved YAML lists every key in schema order, defaults filled.
    const std::string& y = s.resolved_yaml;
    for (const char* expected :
         {"name: test", "description: \"\"", "resolution_m: 10", "extent: ~", "boundary: ~",
          "dem_crs: \"\"", "dem_resampling: bilinear", "dem_kind: measured", "subcell_samples: 5",
          "unmapped_class: open_land", "hillshade_azimuth_deg: 315", "deflate_level: 4",
          "chunk_size: 256"}) {
        INFO(expected);
        CHECK(y.find(expected) != std::string::npos);
    }
    CHECK(y.find(p.input("dem.tif").lexically_normal().string()) != std::string::npos);
    CHECK(y.find("name:") < y.find("study_area:"));
    CHECK(y.find("study_area:") < y.find("inputs:"));
    CHECK(y.find("inputs:") < y.find("landcover:"));
    CHECK(y.find("models:") < y.find("output:"));
}

TEST_CASE("every key of the file is read into the typed scenario", "[scenario]") {
    const Project p;
    const Scenario s = load_scenario(p.write_scenario(
        "output:\n  chunk_size: 64\n  deflate_level: 9\n"
        "name: full-1\n"
        "description: all keys\n"
        "study_area:\n"
        "  resolution_m: 2.5\n"
        "  extent: [410000, 5470000, 420000.5, 5480000]\n"
        "  boundary: ../inputs/outline.poly\n"
        "  crs: EPSG:25832\n"
        "inputs:\n"
        "  dem: " +
        p.input("dem.tif").string() +
        "\n"
        "  osm: ../inputs/city.osm.gz\n"
        "  dem_crs: EPSG:31467\n"
        "  dem_resampling: cubic_spline\n"
        "  dem_kind: illustrative\n"
        "landcover:\n"
        "  subcell_samples: 16\n"
        "  storey_height_m: 2\n"
        "  default_building_height_m: 300\n"
        "  tree_crown_radius_m: 0.5\n"
        "  unmapped_class: agriculture\n"
        "models:\n"
        "  terrain: {enabled: false, hillshade_azimuth_deg: 0, hillshade_altitude_deg: 90}\n"
        "  landcover:\n"
        "    enabled: False\n"));
    CHECK(s.name == "full-1");
    CHECK(s.description == "all keys");
    REQUIRE(s.study_area.extent.has_value());
    CHECK(*s.study_area.extent == Extent{410000.0, 5470000.0, 420000.5, 5480000.0});
    CHECK_FALSE(s.study_area.extent_from.has_value());
    CHECK(*s.study_area.boundary == p.input("outline.poly").lexically_normal());
    CHECK(s.study_area.resolution_m == 2.5);
    CHECK(s.inputs.dem_crs == "EPSG:31467");
    CHECK(s.inputs.dem_resampling == Resampling::cubic_spline);
    CHECK(s.inputs.dem_kind == DemKind::illustrative);
    CHECK(s.landcover.subcell_samples == 16);
    CHECK(s.landcover.storey_height_m == 2.0);
    CHECK(s.landcover.default_building_height_m == 300.0);
    CHECK(s.landcover.tree_crown_radius_m == 0.5);
    CHECK(s.landcover.unmapped_class == lauter::kernels::LandCover::agriculture);
    CHECK_FALSE(s.models.terrain.enabled);
    CHECK(s.models.terrain.hillshade_azimuth_deg == 0.0);
    CHECK(s.models.terrain.hillshade_altitude_deg == 90.0);
    CHECK_FALSE(s.models.landcover.enabled);
    CHECK(s.output.deflate_level == 9);
    CHECK(s.output.chunk_size == 64);
    // Schema order, not file order.
    CHECK(s.resolved_yaml.find("name: full-1") < s.resolved_yaml.find("output:"));
    CHECK(s.resolved_yaml.find("extent: [410000, 5470000, 420000.5, 5480000]") !=
          std::string::npos);
}

TEST_CASE("the resolved YAML loads again to an equal scenario", "[scenario]") {
    const Project p;
    const std::string text = with_line(4, "  extent: [0, 0, 1000, 2000]\n"
                                          "  boundary: ../inputs/outline.poly\n"
                                          "  resolution_m: 1e1") +
                             "description: 'yes'\nlandcover: {storey_height_m: 3.25}\n";
    const Scenario first = load_scenario(p.write_scenario(text));
    // Elsewhere, so that relative paths could not resolve the same way by accident.
    TempDir other("scenario_roundtrip");
    const fs::path resolved_file = other.write("deep/er/resolved.yaml", first.resolved_yaml);
    const Scenario second = load_scenario(resolved_file);
    CHECK(second.same_settings(first));
    CHECK(second.resolved_yaml == first.resolved_yaml);
    CHECK(second.description == "yes");
    CHECK(first.resolved_yaml.find("description: \"yes\"") != std::string::npos);
    CHECK(second.landcover.storey_height_m == 3.25);
    CHECK(second.study_area.resolution_m == 10.0);
}

TEST_CASE("unknown keys are reported with line, column and a suggestion", "[scenario]") {
    const Project p;
    SECTION("nested") {
        CHECK(p.error_for(with_line(4, "  extent_from: osm\n  resolutoin_m: 25")) ==
              p.at(5, 3) + "unknown key 'resolutoin_m' in 'study_area'; did you mean "
                           "'resolution_m'?");
    }
    SECTION("deeper") {
        CHECK(p.error_for(valid_text + "models:\n  terrain:\n    hillshade_azimut_deg: 300\n") ==
              p.at(10, 5) + "unknown key 'hillshade_azimut_deg' in 'models.terrain'; did you "
                            "mean 'hillshade_azimuth_deg'?");
    }
    SECTION("top level: the suggestion stands in for the missing required key") {
        CHECK(p.error_for(with_line(1, "nmae: test")) ==
              p.at(1, 1) + "unknown key 'nmae' at the top level; did you mean 'name'?");
    }
    SECTION("without a close match the allowed keys are listed") {
        CHECK(p.error_for(valid_text + "weather: sunny\n") ==
              p.at(8, 1) + "unknown key 'weather' at the top level; allowed keys: name, "
                           "description, study_area, inputs, landcover, models, "
                           "modifications, output");
    }
}

TEST_CASE("misspelt enumeration values get a suggestion", "[scenario]") {
    const Project p;
    CHECK(p.error_for(valid_text + "  dem_resampling: bilinaer\n") ==
          p.at(8, 19) + "inputs.dem_resampling: unknown value 'bilinaer'; did you mean "
                        "'bilinear'? (allowed: nearest, bilinear, cubic, cubic_spline, average)");
    const std::string msg = p.error_for(valid_text + "landcover:\n  unmapped_class: building\n");
    CHECK(msg.rfind(p.at(9, 19) + "landcover.unmapped_class: unknown value 'building'", 0) == 0);
    CHECK(msg.find("allowed: road, sealed_other, railway, open_land, trees, water, "
                   "agriculture") != std::string::npos);
    CHECK(p.error_for(with_line(4, "  extent_from: boundery")).find("did you mean 'boundary'?") !=
          std::string::npos);
}

TEST_CASE("wrong value types name the expected type", "[scenario]") {
    const Project p;
    CHECK(p.error_for(with_line(4, "  extent_from: osm\n  resolution_m: ten")) ==
          p.at(5, 17) + "study_area.resolution_m: expected a number (m), got 'ten'");
    CHECK(p.error_for("name: test\nstudy_area: [1, 2]\ninputs: {osm: ../inputs/city.osm.gz, "
                      "dem: ../inputs/dem.tif}\n") ==
          p.at(2, 13) + "study_area: expected a mapping of keys, got a list");
    CHECK(p.error_for(valid_text + "landcover:\n  subcell_samples: 2.5\n") ==
          p.at(9, 20) + "landcover.subcell_samples: expected a whole number, got '2.5'");
    CHECK(p.error_for(valid_text + "models:\n  landcover:\n    enabled: maybe\n") ==
          p.at(10, 14) + "models.landcover.enabled: expected true or false, got 'maybe'");
    CHECK(p.error_for(with_line(1, "name: {first: a}")) ==
          p.at(1, 7) + "name: expected text, got a mapping");
    CHECK(p.error_for(with_line(4, "  extent: [1, 2, 3]")) ==
          p.at(4, 11) + "study_area.extent: expected a list of 4 numbers [xmin, ymin, xmax, "
                        "ymax] (m), got a list of 3");
    CHECK(p.error_for(with_line(4, "  extent: [0, 0, abc, 10]")) ==
          p.at(4, 18) + "study_area.extent[2]: expected a number (m), got 'abc'");
    CHECK(p.error_for(with_line(1, "name: [a]")) == p.at(1, 7) + "name: expected text, got a list");
}

TEST_CASE("out-of-range numbers give the allowed range and unit", "[scenario]") {
    const Project p;
    const auto resolution = [&](const std::string& value) {
        return p.error_for(with_line(4, "  extent_from: osm\n  resolution_m: " + value));
    };
    CHECK(resolution("0") ==
          p.at(5, 17) + "study_area.resolution_m: 0 is out of range; expected 0.5 to 1000 (m)");
    CHECK(resolution("-5") ==
          p.at(5, 17) + "study_area.resolution_m: -5 is out of range; expected 0.5 to 1000 (m)");
    CHECK(resolution("1000.5") ==
          p.at(5, 17) +
              "study_area.resolution_m: 1000.5 is out of range; expected 0.5 to 1000 (m)");
    CHECK(resolution("0.5").empty());
    CHECK(resolution("1000").empty());
    CHECK(resolution(".nan") ==
          p.at(5, 17) + "study_area.resolution_m: expected a number (m), got '.nan'");
    CHECK(p.error_for(valid_text + "landcover:\n  subcell_samples: 17\n") ==
          p.at(9, 20) + "landcover.subcell_samples: 17 is out of range; expected 1 to 16");
    CHECK(p.error_for(valid_text + "models:\n  terrain:\n    hillshade_altitude_deg: 91\n") ==
          p.at(10, 29) + "models.terrain.hillshade_altitude_deg: 91 is out of range; expected "
                         "0 to 90 (deg)");
    CHECK(p.error_for(valid_text + "output:\n  chunk_size: 8\n") ==
          p.at(9, 15) + "output.chunk_size: 8 is out of range; expected 16 to 4096");
}

TEST_CASE("an extent must have xmin < xmax and ymin < ymax", "[scenario]") {
    const Project p;
    CHECK(p.error_for(with_line(4, "  extent: [500, 0, 100, 10]")) ==
          p.at(4, 11) + "study_area.extent: xmin (500) must be less than xmax (100); the "
                        "extent is [xmin, ymin, xmax, ymax]");
    CHECK(p.error_for(with_line(4, "  extent: [0, 10, 100, 10]")) ==
          p.at(4, 11) + "study_area.extent: ymin (10) must be less than ymax (10); the "
                        "extent is [xmin, ymin, xmax, ymax]");
}

TEST_CASE("missing required keys are named with where to add them", "[scenario]") {
    const Project p;
    const std::string msg = p.error_for(with_line(3, "  resolution_m: 10"));
    CHECK(msg.rfind(p.at(2, 1) + "study_area.crs: required key is missing; add it to "
                                 "'study_area' (coordinate reference system",
                    0) == 0);
    CHECK(split_lines(msg).size() == 1);
    CHECK(p.error_for(with_line(1, "name:")).rfind(p.at(1, 1) + "name: a value is required", 0) ==
          0);
    // Without inputs, the models enabled by default report what they miss as well.
    const auto lines = split_lines(p.error_for("description: nothing else\n"));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].rfind(p.at(1, 1) + "name: required key is missing", 0) == 0);
    CHECK(lines[1].rfind(p.at(1, 1) + "study_area: required key is missing", 0) == 0);
    CHECK(lines[2].rfind(p.at(1, 1) + "models.terrain.enabled: the terrain model", 0) == 0);
    CHECK(lines[3].rfind(p.at(1, 1) + "models.landcover.enabled: the land-cover model", 0) == 0);
}

TEST_CASE("missing, unreadable and wrong-kind input files", "[scenario]") {
    const Project p;
    SECTION("missing file: the key that wants it and the absolute path tried") {
        const std::string msg = p.error_for(with_line(7, "  dem: ../inputs/nope.tif"));
        CHECK(msg.rfind(p.at(7, 8) + "inputs.dem: file not found: " +
                            (p.root() / "inputs" / "nope.tif").string() +
                            " (wanted for: digital elevation model",
                        0) == 0);
        CHECK(split_lines(msg).size() == 1);
    }
    SECTION("directory instead of a file") {
        CHECK(p.error_for(with_line(7, "  dem: ../inputs")) ==
              p.at(7, 8) + "inputs.dem: " + (p.root() / "inputs").string() +
                  " is a directory, not a file (wanted for: digital elevation model, any GDAL "
                  "raster; required when the terrain model runs)");
    }
    SECTION("unreadable file") {
        if (::geteuid() == 0) {
            WARN("running as root, which can read any file: unreadable-file check skipped");
            return;
        }
        REQUIRE(::chmod(p.input("dem.tif").c_str(), 0) == 0);
        CHECK(p.error_for(valid_text)
                  .rfind(p.at(7, 8) + "inputs.dem: cannot read " + p.input("dem.tif").string(),
                         0) == 0);
        // The scenario file itself.
        const fs::path file = p.write_scenario(valid_text);
        REQUIRE(::chmod(file.c_str(), 0) == 0);
        CHECK(config_error_of([&] { (void)load_scenario(file); }) ==
              file.string() + ": cannot read the file (permission denied?); make it readable");
    }
    SECTION("wrong file type for the OSM extract") {
        CHECK(p.error_for(with_line(6, "  osm: ../inputs/dem.tif"))
                  .rfind(p.at(6, 8) +
                             "inputs.osm: dem.tif has an unexpected file type; expected a name "
                             "ending in .osm, .osm.gz, .osm.bz2, .pbf",
                         0) == 0);
    }
    SECTION("the scenario file itself") {
        const fs::path missing = p.root() / "scen" / "none.yaml";
        const std::string msg = config_error_of([&] { (void)load_scenario(missing); });
        CHECK(msg.rfind(missing.string() + ": file not found", 0) == 0);
        const std::string dir_msg = config_error_of([&] { (void)load_scenario(p.root()); });
        CHECK(dir_msg == p.root().string() + ": is a directory; expected a YAML file");
    }
}

TEST_CASE("YAML syntax errors and duplicate keys", "[scenario]") {
    const Project p;
    CHECK(p.error_for(with_line(4, "  extent: [0, 0, 10, 10\n  resolution_m: 5")) ==
          p.at(5, 15) + "YAML syntax error: end of sequence flow not found; check indentation, "
                        "':' after keys and closing brackets");
    CHECK(p.error_for("name: a\n  study_area: 1\n").rfind(p.at(2, 13) + "YAML syntax error", 0) ==
          0);
    CHECK(p.error_for(with_line(4, "  extent_from: osm\n  crs: EPSG:3035")) ==
          p.at(5, 3) + "duplicate key 'crs' in 'study_area' (first given at line 3); keep only "
                       "one");
    CHECK(p.error_for(with_line(3, "\tcrs: EPSG:25832")) ==
          p.at(3, 5) + "YAML syntax error: illegal map value; YAML does not allow tabs for "
                       "indentation, use spaces");
    CHECK(p.error_for(valid_text + "---\nname: two\n")
              .rfind(p.at(9, 1) + "a second YAML document", 0) == 0);
}

TEST_CASE("the study CRS must be valid, projected and in metres", "[scenario]") {
    const Project p;
    CHECK(p.error_for(with_line(3, "  crs: EPSG:99999999"))
              .rfind(p.at(3, 8) + "study_area.crs: 'EPSG:99999999' is not a CRS that GDAL "
                                  "understands",
                     0) == 0);
    CHECK(
        p.error_for(with_line(3, "  crs: not a crs")).find("is not a CRS that GDAL understands") !=
        std::string::npos);
    CHECK(p.error_for(with_line(3, "  crs: EPSG:4326")) ==
          p.at(3, 8) + "study_area.crs: 'EPSG:4326' (WGS 84) is a geographic CRS with "
                       "coordinates in degrees; use a projected CRS in metres, e.g. EPSG:25832 "
                       "(ETRS89 / UTM zone 32N, the official CRS in Germany)");
    CHECK(p.error_for(with_line(3, "  crs: EPSG:2263")).find("has the linear unit") !=
          std::string::npos);
    // dem_crs may be any CRS (a DEM may come in degrees) but must be valid.
    CHECK(p.error_for(valid_text + "  dem_crs: EPSG:4326\n").empty());
    CHECK(p.error_for(valid_text + "  dem_crs: EPSG:0\n").find("inputs.dem_crs:") !=
          std::string::npos);
}

TEST_CASE("exactly one of extent and extent_from", "[scenario]") {
    const Project p;
    CHECK(p.error_for(with_line(4, "  extent_from: osm\n  extent: [0, 0, 10, 10]")) ==
          p.at(5, 3) + "study_area: 'extent_from' and 'extent' exclude each other; give exactly "
                       "one of 'extent' or 'extent_from'");
    CHECK(p.error_for(with_line(4, "  resolution_m: 10")) ==
          p.at(2, 1) + "study_area: give exactly one of 'extent' or 'extent_from' in "
                       "'study_area'");
}

TEST_CASE("cross-key rules: extent sources and models need their inputs", "[scenario]") {
    const Project p;
    CHECK(p.error_for(with_line(4, "  extent_from: boundary")) ==
          p.at(4, 3) + "study_area.extent_from: 'boundary' takes the study area from "
                       "study_area.boundary, which is not set; set study_area.boundary or give "
                       "study_area.extent instead");
    // Without inputs.dem the terrain model, enabled by default, cannot run.
    const auto lines = split_lines(p.error_for(with_line(7, "  dem_kind: measured")));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == p.at(1, 1) + "models.terrain.enabled: the terrain model is enabled (the "
                                   "default) but needs inputs.dem, which is not set; set "
                                   "inputs.dem or models.terrain.enabled: false");
    CHECK(p.error_for(with_line(7, "  dem: ~") + "models:\n  terrain:\n    enabled: false\n")
              .empty());
    // extent_from: dem without a DEM, and the land-cover model without OSM data.
    const auto both = split_lines(
        p.error_for("name: t\nstudy_area:\n  crs: EPSG:25832\n  extent_from: dem\n"
                    "models:\n  terrain: {enabled: false}\n  landcover:\n    enabled: true\n"));
    REQUIRE(both.size() == 2);
    CHECK(both[0].rfind(p.at(4, 3) + "study_area.extent_from: 'dem' takes the study area from "
                                     "inputs.dem",
                        0) == 0);
    CHECK(both[1].rfind(p.at(8, 5) + "models.landcover.enabled: the land-cover model is enabled "
                                     "but needs inputs.osm",
                        0) == 0);
}

TEST_CASE("all problems are reported at once, one line each, sorted by line", "[scenario]") {
    const Project p;
    const std::string text = "name: bad name\n"
                             "study_area:\n"
                             "  crs: EPSG:25832\n"
                             "  extent_from: osm\n"
                             "  resolution_m: 0\n"
                             "inputs:\n"
                             "  osm: ../inputs/city.osm.gz\n"
                             "  dem: ../inputs/missing.tif\n"
                             "output: {deflate_level: 10}\n"
                             "colour: red\n";
    const auto lines = split_lines(p.error_for(text));
    REQUIRE(lines.size() == 5);
    CHECK(lines[0].rfind(p.at(1, 7) + "name: 'bad name' is not a valid scenario name", 0) == 0);
    CHECK(lines[1].rfind(p.at(5, 17) + "study_area.resolution_m: 0 is out of range", 0) == 0);
    CHECK(lines[2].rfind(p.at(8, 8) + "inputs.dem: file not found", 0) == 0);
    CHECK(lines[3].rfind(p.at(9, 25) + "output.deflate_level: 10 is out of range", 0) == 0);
    CHECK(lines[4].rfind(p.at(10, 1) + "unknown key 'colour'", 0) == 0);
}

TEST_CASE("overrides given with --set are validated like the file and name the option",
          "[scenario]") {
    const Project p;
    const fs::path file = p.write_scenario(valid_text);
    SECTION("a valid override changes the value and the resolved YAML") {
        const Scenario s =
            load_scenario(file, {"study_area.resolution_m=25", "models.terrain.enabled=false",
                                 "landcover.unmapped_class=trees"});
        CHECK(s.study_area.resolution_m == 25.0);
        CHECK_FALSE(s.models.terrain.enabled);
        CHECK(s.landcover.unmapped_class == lauter::kernels::LandCover::trees);
        CHECK(s.resolved_yaml.find("resolution_m: 25") != std::string::npos);
    }
    SECTION("a list value") {
        const Scenario s =
            load_scenario(file, {"study_area.extent_from=", "study_area.extent=[0, 0, 50, 60]"});
        REQUIRE(s.study_area.extent.has_value());
        CHECK(s.study_area.extent->y_max_m == 60.0);
    }
    SECTION("bad value") {
        CHECK(config_error_of([&] { (void)load_scenario(file, {"study_area.resolution_m=0"}); }) ==
              "option --set study_area.resolution_m=0: study_area.resolution_m: 0 is out of "
              "range; expected 0.5 to 1000 (m)");
        CHECK(config_error_of([&] {
                  (void)load_scenario(file, {"inputs.dem_resampling=cubik"});
              }).find("did you mean 'cubic'?") != std::string::npos);
    }
    SECTION("bad key") {
        CHECK(config_error_of([&] { (void)load_scenario(file, {"study_area.resolutoin_m=25"}); }) ==
              "option --set study_area.resolutoin_m=25: unknown key 'resolutoin_m' in "
              "'study_area'; did you mean 'resolution_m'?");
        CHECK(
            config_error_of([&] { (void)load_scenario(file, {"modles.terrain.enabled=true"}); }) ==
            "option --set modles.terrain.enabled=true: unknown key 'modles' at the top level; "
            "did you mean 'models'?");
    }
    SECTION("malformed assignments") {
        CHECK(config_error_of([&] { (void)load_scenario(file, {"study_area.resolution_m"}); }) ==
              "option --set study_area.resolution_m: expected KEY=VALUE, e.g. --set "
              "study_area.resolution_m=25");
        CHECK(config_error_of([&] {
                  (void)load_scenario(file, {"study_area..x=1"});
              }).find("is not a key path") != std::string::npos);
        CHECK(config_error_of([&] { (void)load_scenario(file, {"name.first=a"}); }) ==
              "option --set name.first=a: 'name' holds 'test' in " + file.string() +
                  ", not a mapping, so it cannot contain 'first'");
    }
    SECTION("file problems come first, then options in order") {
        const std::string bad = with_line(4, "  extent_from: osm\n  resolution_m: -1");
        const auto lines = split_lines(
            p.error_for(bad, {"output.chunk_size=1", "models.terrain.hillshade_azimuth_deg=x"}));
        REQUIRE(lines.size() == 3);
        CHECK(lines[0].rfind(p.at(5, 17), 0) == 0);
        CHECK(lines[1].rfind("option --set output.chunk_size=1: output.chunk_size: 1 is out", 0) ==
              0);
        CHECK(lines[2].rfind("option --set models.terrain.hillshade_azimuth_deg=x:", 0) == 0);
    }
}

TEST_CASE("the shipped Kaiserslautern baseline validates", "[scenario]") {
    // The real inputs are large and added separately; fake files at the same relative paths
    // check the scenario file itself.
    TempDir dir("baseline");
    const std::string text =
        read_text_file(source_dir() / "scenarios" / "kaiserslautern" / "baseline.yaml");
    const fs::path file = dir.write("scenarios/kaiserslautern/baseline.yaml", text);
    dir.write("inputs/kaiserslautern/kaiserslautern.osm.gz", "fake");
    dir.write("inputs/kaiserslautern/kaiserslautern_boundary.poly", "fake");
    dir.write("inputs/kaiserslautern/terrain_illustrative.tif", "fake");
    const Scenario s = load_scenario(file);
    CHECK(s.name == "baseline");
    CHECK(s.study_area.crs == "EPSG:25832");
    CHECK(s.study_area.extent_from == ExtentSource::osm);
    CHECK(s.study_area.resolution_m == 10.0);
    CHECK(*s.study_area.boundary ==
          dir.path() / "inputs" / "kaiserslautern" / "kaiserslautern_boundary.poly");
    CHECK(s.inputs.dem_kind == DemKind::illustrative);
    CHECK(s.models.terrain.enabled);
    CHECK(s.models.landcover.enabled);
}

TEST_CASE("schema_markdown documents every key and the committed reference is current",
          "[scenario]") {
    const std::string md = schema_markdown();
    std::vector<std::string> paths;
    const std::function<void(const schema::KeySpec&, const std::string&)> collect =
        [&](const schema::KeySpec& spec, const std::string& prefix) {
            for (const schema::KeySpec& child : spec.children) {
                const std::string path = prefix.empty() ? child.name : prefix + "." + child.name;
                paths.push_back(path);
                // Entries of a sequence are documented as `<sequence>[].<key>`.
                collect(child, child.type == schema::ValueType::sequence ? path + "[]" : path);
            }
        };
    collect(scenario_schema(), "");
    // 84 + 51 models.mobility + 39 models.thermal + 39 models.coldair + modifications (variant
    // keys are documented in their own tables, checked by the modification tests)
    CHECK(paths.size() == 220);
    for (const std::string& path : paths) {
        INFO(path);
        CHECK(md.find("| `" + path + "` |") != std::string::npos);
    }
    CHECK(md.find("0.5 to 1000 m") != std::string::npos);
    CHECK(md.find("Give exactly one of `study_area.extent`, `study_area.extent_from`.") !=
          std::string::npos);

    const fs::path reference = source_dir() / "docs" / "scenario-reference.md";
    if (const char* update = std::getenv("LAUTER_UPDATE_DOCS"); update != nullptr) {
        write_text_file(reference, md);
    }
    INFO("docs/scenario-reference.md is out of date; regenerate it with "
         "LAUTER_UPDATE_DOCS=1 ./build/tests/lauter_tests \"[scenario]\"");
    CHECK(read_text_file(reference) == md);
}
