// End-to-end runs of `lauter batch` on the Kaiserslautern city-centre OSM extract at 50 m: the
// layout of the assembled file (contract section 3), whole-result reuse, a no-op member with
// zero differences, indicators recomputed from the layers, resume after SIGKILL giving the same
// content as an uninterrupted run, a broken member that does not stop the others, and bad batch
// files answered with exit code 2, file:line and key, and nothing written.
#include <catch2/catch.hpp>

#include <lauter/sim/batch.hpp>
#include <lauter/sim/results.hpp>

#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace lauter::test;
using lauter::sim::read_attribute;
using lauter::sim::read_raster_layer;
using lauter::sim::read_table;
using lauter::sim::Table;
namespace fs = std::filesystem;

namespace {

/// Every model, sized to run in about a second each at 50 m on the city-centre extract.
std::string base_scenario() {
    return "name: base\n"
           "description: tiny city centre\n"
           "study_area:\n"
           "  crs: EPSG:25832\n"
           "  extent_from: osm\n"
           "  resolution_m: 50\n"
           + city_centre_inputs_yaml() +
           "models:\n"
           "  runoff:\n"
           "    enabled: true\n"
           "    storm: {type: constant, intensity_mm_per_h: 100, duration_min: 10}\n"
           "    drainage_time_min: 5\n"
           "  thermal:\n"
           "    enabled: true\n"
           "  mobility:\n"
           "    enabled: true\n"
           "    zones: {size_m: 500}\n"
           "    demand: {mean_trip_km: 0.45}\n";
}

const char* const tiny_batch = R"(batch: tiny
description: "test batch"
base: base.yaml
districts: {grid_m: 500}
scenarios:
  - name: noop
    description: "no change at all"
  - name: heavier_rain
    set: ["models.runoff.storm.intensity_mm_per_h=150"]
  - name: buses
    set: ["models.mobility.travel.bus_headway_min=5"]
sweeps:
  - name: rain
    from: heavier_rain
    vary: models.runoff.storm.intensity_mm_per_h
    values: [60, 150]
)";

struct BatchProject {
    TempDir dir{"batch-e2e"};
    BatchProject(const std::string& batch_text, const std::string& base_text) {
        dir.write("base.yaml", base_text);
        dir.write("batch.yaml", batch_text);
    }
    CommandResult run(const std::string& output, const std::string& options = "") const {
        return run_command(lauter_command() + " batch " + shell_quote((dir / "batch.yaml").string()) +
                           " -o " + shell_quote((dir / output).string()) + " --threads 2 " +
                           options);
    }
};

/// Terrain and land cover only; the member bad_dem names not_a_raster.tif as its DEM, the
/// member fine and `extra_members` are sound.
std::string broken_member_batch(const std::string& extra_members) {
    return "batch: broken\n"
           "base: base.yaml\n"
           "set: [\"models.runoff.enabled=false\", \"models.thermal.enabled=false\", "
           "\"models.mobility.enabled=false\"]\n"
           "scenarios:\n"
           "  - name: bad_dem\n"
           "    set: [\"inputs.dem=not_a_raster.tif\"]\n"
           "  - name: fine\n" +
           extra_members;
}

/// The tiny batch run once without interruption, shared by the test cases.
struct TinyRun {
    BatchProject project{tiny_batch, base_scenario()};
    CommandResult result = project.run("full.h5");
    [[nodiscard]] fs::path file() const { return project.dir / "full.h5"; }
};

const TinyRun& tiny() {
    static const TinyRun run;
    return run;
}

std::string attribute(const fs::path& file, const std::string& object, const std::string& key) {
    return read_attribute(file, object, key).value_or("<absent>");
}

template <typename T> const std::vector<T>& column(const Table& t, const std::string& name) {
    return std::get<std::vector<T>>(t.column(name).values);
}

/// value of one indicator row (NaN if absent).
double indicator(const Table& t, const std::string& scenario, const std::string& district,
                 const std::string& name, const std::string& field = "value") {
    const auto& s = column<std::string>(t, "scenario");
    const auto& d = column<std::string>(t, "district");
    const auto& n = column<std::string>(t, "indicator");
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (s[k] == scenario && d[k] == district && n[k] == name) {
            return column<double>(t, field)[k];
        }
    }
    return std::nan("");
}

CommandResult digest(const fs::path& file, const std::vector<std::string>& groups = {}) {
    std::vector<std::string> args{file.string()};
    if (!groups.empty()) {
        args.emplace_back("--open-group");
        args.insert(args.end(), groups.begin(), groups.end());
    }
    return run_python(source_dir() / "tests" / "python" / "h5_content_digest.py", args);
}

} // namespace

TEST_CASE("lauter batch: layout, reuse of equal results, differences and districts", "[batch]") {
    const TinyRun& run = tiny();
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    const fs::path file = run.file();
    CHECK(attribute(file, "/", "batch_name") == "tiny");
    CHECK(attribute(file, "/", "batch_description") == "test batch");
    CHECK(attribute(file, "/", "baseline_scenario") == "baseline");
    CHECK(attribute(file, "/", "scenario_names") ==
          "baseline,noop,heavier_rain,buses,rain_60,rain_150");
    CHECK(attribute(file, "/", "resolved_batch").find("grid_m: 500") != std::string::npos);
    CHECK(attribute(file, "/noop", "description") == "no change at all");
    CHECK(attribute(file, "/noop", "resolved_scenario").find("name: noop") != std::string::npos);
    CHECK(attribute(file, "/noop", "input_sha256").find("inputs.osm") != std::string::npos);
    // The parts directory is removed after a complete batch without --keep-parts.
    CHECK_FALSE(fs::exists(run.project.dir / "full.h5.parts"));
    CHECK(fs::exists(run.project.dir / "full.h5.indicators.csv"));

    const std::vector<std::string> models{"terrain", "landcover", "runoff", "mobility",
                                          "thermal"};
    for (const std::string& model : models) {
        INFO(model);
        CHECK(attribute(file, "/baseline", "reused_" + model) == "<absent>");
        // The no-op member reuses every result of the baseline.
        CHECK(attribute(file, "/noop", "reused_" + model) == "baseline");
    }
    // A mobility key changes only the mobility result; a storm key only the runoff result.
    for (const char* model : {"terrain", "landcover", "runoff", "thermal"}) {
        CHECK(attribute(file, "/buses", std::string("reused_") + model) == "baseline");
    }
    CHECK(attribute(file, "/buses", "reused_mobility") == "<absent>");
    CHECK(attribute(file, "/heavier_rain", "reused_runoff") == "<absent>");
    CHECK(attribute(file, "/heavier_rain", "reused_mobility") == "baseline");
    CHECK(attribute(file, "/rain_150", "reused_runoff") == "heavier_rain");
    CHECK(attribute(file, "/rain_60", "reused_runoff") == "<absent>");
    CHECK(run.result.err.find("rain_150 / runoff: reused from heavier_rain") != std::string::npos);
    CHECK(run.result.err.find("street network reused") != std::string::npos);
    CHECK(run.result.err.find("batch summary") != std::string::npos);

    // Differences: every float layer of every model, NaN where either side has no data; the
    // no-op member's are exactly zero, the heavier rain's maximum depth grows somewhere.
    const auto layers = lauter::sim::list_layers(file);
    std::size_t noop_layers = 0;
    for (const auto& info : layers) {
        if (info.path.rfind("/noop/difference/", 0) == 0) {
            ++noop_layers;
            INFO(info.path);
            CHECK(info.valid_cells > 0);
            CHECK(info.min == 0.0);
            CHECK(info.max == 0.0);
        }
        CHECK(info.path.rfind("/baseline/difference", 0) != 0);
    }
    CHECK(noop_layers >= 20);
    const auto depth_change =
        read_raster_layer(file, "/heavier_rain/difference/runoff/max_depth_m");
    CHECK(depth_change.meta.units == "m");
    CHECK(depth_change.meta.long_name.rfind("change of ", 0) == 0);
    float largest = 0.0F;
    for (std::size_t i = 0; i < depth_change.values.size(); ++i) {
        largest = std::isfinite(depth_change.values[i]) ? std::max(largest, depth_change.values[i])
                                                        : largest;
    }
    CHECK(largest > 0.0F);

    // Districts: 500 m squares on the study grid.
    const auto ids = read_raster_layer(file, "/comparison/districts/district_id");
    const Table districts = read_table(file, "/comparison/districts/districts");
    CHECK(districts.row_count() >= 4);
    double area_sum = 0.0;
    for (const double a : column<double>(districts, "area_m2")) {
        area_sum += a;
    }
    CHECK(area_sum == Approx(static_cast<double>(ids.values.spec().cell_count()) * 2500.0));

    // Copied and hard-linked groups open in xarray with their dimensions.
    const CommandResult d = digest(file, {"noop/thermal", "heavier_rain/runoff",
                                          "buses/difference/thermal"});
    INFO(d.err);
    CHECK(d.exit_code == 0);
    CHECK(d.out.find("xarray noop/thermal dims {'x': 26, 'y': 24") != std::string::npos);
    CHECK(d.out.find("xarray heavier_rain/runoff dims {'x': 26, 'y': 24") != std::string::npos);
    CHECK(d.out.find("xarray buses/difference/thermal dims {'x': 26, 'y': 24}") !=
          std::string::npos);
}

TEST_CASE("lauter batch: indicators match the layers and tables", "[batch]") {
    const TinyRun& run = tiny();
    REQUIRE(run.result.exit_code == 0);
    const fs::path file = run.file();
    const Table t = read_table(file, "/comparison/indicators");

    // Sealed area: impervious fraction times cell area, whole area.
    const auto imp = read_raster_layer(file, "/baseline/landcover/impervious_fraction");
    double sealed = 0.0;
    for (std::size_t i = 0; i < imp.values.size(); ++i) {
        sealed += std::isfinite(imp.values[i]) ? static_cast<double>(imp.values[i]) * 2500.0 : 0.0;
    }
    CHECK(indicator(t, "baseline", "all", "sealed_area_m2") == Approx(sealed).epsilon(1e-9));
    CHECK(sealed > 0.0);

    // High thermal load: cells of class 4 times cell area; the districts add up to the whole.
    const auto cls = read_raster_layer(file, "/baseline/thermal/thermal_load_class");
    double high = 0.0;
    for (std::size_t i = 0; i < cls.values.size(); ++i) {
        high += cls.values[i] == 4.0F ? 2500.0 : 0.0;
    }
    CHECK(indicator(t, "baseline", "all", "thermal_load_area_m2_high") == Approx(high));
    const Table districts = read_table(file, "/comparison/districts/districts");
    double by_district = 0.0;
    for (const auto& name : column<std::string>(districts, "name")) {
        by_district += indicator(t, "baseline", name, "sealed_area_m2");
    }
    CHECK(by_district == Approx(sealed).epsilon(1e-9));

    // Buildings with water above 0.1 m at their walls, from the runoff buildings table.
    const Table buildings = read_table(file, "/heavier_rain/runoff/buildings_affected");
    double wet = 0.0;
    for (const double depth : column<double>(buildings, "max_edge_depth_m")) {
        wet += depth > 0.1 ? 1.0 : 0.0;
    }
    CHECK(indicator(t, "heavier_rain", "all", "buildings_depth_above_0_1m") == wet);

    // Mode shares from the modal split, in percent; the bus headway member moves them.
    const Table split = read_table(file, "/buses/mobility/modal_split");
    const auto& modes = column<std::string>(split, "mode");
    for (std::size_t k = 0; k < modes.size(); ++k) {
        CHECK(indicator(t, "buses", "all", "mode_share_percent_" + modes[k]) ==
              Approx(100.0 * column<double>(split, "share")[k]));
    }
    CHECK(indicator(t, "buses", "all", "mode_share_percent_bus", "difference") != 0.0);

    // The no-op member differs from the baseline in nothing.
    const auto& s = column<std::string>(t, "scenario");
    const auto& diff = column<double>(t, "difference");
    std::size_t noop_rows = 0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (s[k] == "noop" && std::isfinite(diff[k])) {
            ++noop_rows;
            CHECK(diff[k] == 0.0);
        }
    }
    CHECK(noop_rows > 50);
    for (const char* name :
         {"residents_utci_above_32c", "mean_uhi_night_k_settlement", "car_km_per_day",
          "co2_t_per_day", "bike_km_per_day", "thermal_load_residents_very_high"}) {
        INFO(name);
        CHECK(std::isfinite(indicator(t, "baseline", "all", name)));
    }

    // The CSV holds the same rows.
    const std::string csv = read_text_file(run.project.dir / "full.h5.indicators.csv");
    CHECK(csv.rfind("scenario,district,indicator,unit,value,baseline,difference\n", 0) == 0);
    std::size_t lines = 0;
    for (const char c : csv) {
        lines += c == '\n' ? 1U : 0U;
    }
    CHECK(lines == t.row_count() + 1);
}

TEST_CASE("lauter batch --no-reuse: a no-op member has zero differences everywhere", "[batch]") {
    BatchProject project(
        "batch: noreuse\nbase: base.yaml\nscenarios:\n  - name: same\n", base_scenario());
    const CommandResult r = project.run("out.h5", "--no-reuse");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const fs::path file = project.dir / "out.h5";
    for (const char* model : {"terrain", "landcover", "runoff", "mobility", "thermal"}) {
        CHECK(attribute(file, "/same", std::string("reused_") + model) == "<absent>");
    }
    CHECK(r.err.find("same / thermal: computed") != std::string::npos);
    std::size_t zero_layers = 0;
    for (const auto& info : lauter::sim::list_layers(file)) {
        if (info.path.rfind("/same/difference/", 0) == 0) {
            INFO(info.path);
            CHECK(info.min == 0.0);
            CHECK(info.max == 0.0);
            ++zero_layers;
        }
    }
    CHECK(zero_layers >= 20);
    const Table t = read_table(file, "/comparison/indicators");
    const auto& s = column<std::string>(t, "scenario");
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (s[k] == "same" && std::isfinite(column<double>(t, "difference")[k])) {
            CHECK(column<double>(t, "difference")[k] == 0.0);
        }
    }
}

TEST_CASE("lauter batch: killed and started again gives the same file as an uninterrupted run",
          "[batch]") {
    const TinyRun& run = tiny();
    REQUIRE(run.result.exit_code == 0);
    const fs::path dir = run.project.dir.path();
    const std::string batch = shell_quote((dir / "batch.yaml").string());
    const std::string out = shell_quote((dir / "resumed.h5").string());
    const std::string parts = shell_quote((dir / "resumed.h5.parts").string());
    // Start, wait for the first finished part file, SIGKILL.
    const CommandResult killed = run_command(
        lauter_command() + " batch " + batch + " -o " + out + " --threads 2 2>/dev/null & pid=$!; " +
        "for i in $(seq 1 3000); do ls " + parts + "/*.h5 >/dev/null 2>&1 && break; " +
        "sleep 0.01; done; kill -9 $pid; wait $pid; echo status=$?; ls " + parts);
    INFO(killed.out);
    CHECK(killed.out.find("status=137") != std::string::npos);
    REQUIRE_FALSE(fs::exists(dir / "resumed.h5"));

    const CommandResult again = run_command(lauter_command() + " batch " + batch + " -o " + out +
                                            " --threads 1");
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    CHECK(again.err.find(": resumed") != std::string::npos);
    CHECK(again.err.find("computed") != std::string::npos);

    const CommandResult a = digest(run.file());
    const CommandResult b = digest(dir / "resumed.h5");
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK(a.out.size() > 1000);
    CHECK(a.out == b.out);
}

TEST_CASE("lauter batch: a broken member is reported, the others complete", "[batch]") {
    const BatchProject project(broken_member_batch(""), base_scenario());
    project.dir.write("not_a_raster.tif", "this is not a GeoTIFF");
    const CommandResult r = run_command("cd " + shell_quote(project.dir.path().string()) + " && " +
                                        lauter_command() + " batch batch.yaml -o out.h5");
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("member 'bad_dem' failed") != std::string::npos);
    const fs::path file = project.dir / "out.h5";
    REQUIRE(fs::exists(file));
    CHECK(attribute(file, "/", "scenario_names") == "baseline,fine");
    CHECK(attribute(file, "/fine", "reused_landcover") == "baseline");
    // The parts stay for the rerun after the fix.
    CHECK(fs::exists(project.dir / "out.h5.parts"));
}

TEST_CASE("lauter batch: bad batch files name file, line and key; nothing is written",
          "[batch]") {
    TempDir dir("batch-bad");
    dir.write("base.yaml", base_scenario());
    const auto error_of = [&](const std::string& text) {
        const fs::path file = dir.write("b.yaml", text);
        return config_error_of([&] { (void)lauter::sim::load_batch(file); });
    };
    const std::string head = "batch: bad\nbase: base.yaml\n";
    CHECK_THAT(error_of(head + "scenaros: []\n"),
               Catch::Contains("b.yaml:3:1: scenaros: unknown key; did you mean 'scenarios'?"));
    CHECK_THAT(error_of("batch: bad\nbase: missing.yaml\n"),
               Catch::Contains("b.yaml:2:7: base: the scenario file"));
    CHECK_THAT(error_of("batch: bad\n"), Catch::Contains("base: missing; it is required"));
    CHECK_THAT(error_of(head + "scenarios:\n  - name: a\n  - name: a\n"),
               Catch::Contains("b.yaml:5:5: scenarios.1.name: duplicate member name 'a'"));
    CHECK_THAT(error_of(head + "sweeps:\n  - {name: s, from: nobody, "
                               "vary: study_area.resolution_m, values: [1]}\n"),
               Catch::Contains("sweeps.0.from: 'nobody' is not a member defined above"));
    CHECK_THAT(error_of(head + "sweeps:\n  - {name: s, from: baseline, vary: models.nothing.x, "
                               "values: [1]}\n"),
               Catch::Contains("sweeps.0.vary: 'models.nothing.x' is not a key of member"));
    const std::string wrong = error_of(
        head + "sweeps:\n  - name: s\n    from: baseline\n    vary: study_area.resolution_m\n"
               "    values: [10, ten]\n");
    CHECK_THAT(wrong, Catch::Contains("b.yaml:7:18: sweeps.0: the member's scenario is invalid"));
    CHECK_THAT(wrong, Catch::Contains("resolution_m"));
    CHECK_THAT(error_of(head +
                        "scenarios:\n  - name: a\n    set: [\"models.runoff.enabled=maybe\"]\n"),
               Catch::Contains("scenarios.0: the member's scenario is invalid"));

    // On the command line: exit code 2, the message, no results and no parts.
    dir.write("b.yaml", head + "scenarios:\n  - name: a\n  - name: a\n");
    const CommandResult r = run_command(lauter_command() + " batch " +
                                        shell_quote((dir / "b.yaml").string()) + " -o " +
                                        shell_quote((dir / "out.h5").string()));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("duplicate member name 'a'"));
    CHECK_FALSE(fs::exists(dir / "out.h5"));
    CHECK_FALSE(fs::exists(dir / "out.h5.parts"));
}

TEST_CASE("mpiexec -np 2 lauter batch: the same content as the serial run", "[batch][mpi]") {
    const std::string mpiexec = mpiexec_prefix(2);
    if (mpiexec.empty()) {
        WARN("lauter was built without MPI (libopenmpi-dev not found): MPI batch test skipped");
        return;
    }
    const TinyRun& run = tiny();
    REQUIRE(run.result.exit_code == 0);
    const fs::path dir = run.project.dir.path();
    const CommandResult mpi =
        run_command(mpiexec + lauter_command() + " batch " + shell_quote((dir / "batch.yaml").string()) +
                    " -o " + shell_quote((dir / "mpi.h5").string()) + " --threads 1");
    INFO(mpi.err);
    REQUIRE(mpi.exit_code == 0);
    CHECK(mpi.err.find("rank 1 of 2 MPI ranks") != std::string::npos);
    const CommandResult a = digest(run.file());
    const CommandResult b = digest(dir / "mpi.h5");
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK(a.out.size() > 1000);
    CHECK(a.out == b.out);
    CHECK_FALSE(fs::exists(dir / "mpi.h5.parts"));
}

TEST_CASE("mpiexec -np 2 lauter batch: a broken member is named, the others complete",
          "[batch][mpi]") {
    const std::string mpiexec = mpiexec_prefix(2);
    if (mpiexec.empty()) {
        WARN("lauter was built without MPI (libopenmpi-dev not found): MPI batch test skipped");
        return;
    }
    const BatchProject project(broken_member_batch("  - name: also_fine\n"
                                                   "    set: [\"models.terrain.hillshade_altitude_deg"
                                                   "=30\"]\n"),
                               base_scenario());
    project.dir.write("not_a_raster.tif", "this is not a GeoTIFF");
    const CommandResult r = run_command("cd " + shell_quote(project.dir.path().string()) + " && " +
                                        mpiexec + lauter_command() + " batch batch.yaml -o out.h5");
    INFO(r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("member 'bad_dem' failed") != std::string::npos);
    const fs::path file = project.dir / "out.h5";
    REQUIRE(fs::exists(file));
    CHECK(attribute(file, "/", "scenario_names") == "baseline,fine,also_fine");
    CHECK(fs::exists(project.dir / "out.h5.parts"));
}
