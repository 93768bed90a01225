// End-to-end runs of the mobility model's bus lines on the Kaiserslautern city-centre extract:
// the bus_lines table from the OSM route relations, calibration within 0.1 pp, a line file that
// repeats the default headway reproducing the baseline bitwise, a bus_headway measure on one
// line raising the bus share, and a bad line file answered with exit code 2.
#include <catch2/catch.hpp>

#include <lauter/sim/results.hpp>

#include "../support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace lauter::test;
using lauter::sim::read_table;
using lauter::sim::Table;
namespace fs = std::filesystem;

namespace {

/// The city-centre extract with 250 m zones (as test_mobility_end_to_end.cpp) plus `extra`
/// (YAML lines below models.mobility, or a modifications list after it).
std::string bus_scenario(const std::string& mobility_extra, const std::string& after = "") {
    return "name: bus\n"
           "study_area: {crs: EPSG:25832, extent_from: osm, resolution_m: 10}\n"
           + city_centre_inputs_yaml() +
           "models:\n"
           "  terrain: {enabled: false}\n"
           "  mobility:\n"
           "    enabled: true\n"
           "    zones: {size_m: 250}\n"
           "    demand: {mean_trip_km: 0.45}\n" +
           mobility_extra + after;
}

struct BusRun {
    TempDir dir{"bus-e2e"};
    CommandResult result;
    explicit BusRun(const std::string& scenario, const std::string& line_file = "") {
        if (!line_file.empty()) {
            dir.write("lines.yaml", line_file);
        }
        dir.write("scenario.yaml", scenario);
        result = run_lauter_scenario(dir / "scenario.yaml", dir / "out.h5", "--threads 2");
    }
    [[nodiscard]] Table table(const std::string& name) const {
        return read_table(dir / "out.h5", "/bus/mobility/" + name);
    }
};

const std::vector<double>& doubles(const Table& t, const std::string& column) {
    return std::get<std::vector<double>>(t.column(column).values);
}

const BusRun& baseline() {
    static const BusRun run(bus_scenario(""));
    return run;
}

} // namespace

TEST_CASE("bus lines: OSM routes, calibration, the line table", "[bus][e2e]") {
    const BusRun& run = baseline();
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    const Table lines = run.table("bus_lines");
    const auto& refs = std::get<std::vector<std::string>>(lines.column("ref").values);
    CHECK(refs.size() >= 20);
    CHECK(std::find(refs.begin(), refs.end(), "105") != refs.end());
    for (const double h : doubles(lines, "headway")) {
        CHECK(h == 20.0);
    }
    for (const double t : doubles(lines, "in_vehicle_time")) {
        CHECK(t > 0.0);
    }
    const Table split = run.table("modal_split");
    const auto& observed = doubles(split, "observed_share");
    const auto& base = doubles(split, "baseline_share");
    const auto& share = doubles(split, "share");
    for (std::size_t k = 0; k < base.size(); ++k) {
        CHECK(std::abs(base[k] - observed[k]) < 0.001);
        CHECK(share[k] == base[k]); // no measure: the scenario is the baseline
    }
}

TEST_CASE("bus lines: a line file with the default headway reproduces the baseline",
          "[bus][e2e]") {
    const BusRun run(bus_scenario("    bus: {lines_file: lines.yaml}\n"),
                     "lines:\n  - ref: \"105\"\n    headway_min: 20\n");
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    for (const std::string column : {"baseline_share", "share", "asc"}) {
        CHECK(doubles(run.table("modal_split"), column) ==
              doubles(baseline().table("modal_split"), column));
    }
    CHECK(doubles(run.table("bus_lines"), "in_vehicle_time") ==
          doubles(baseline().table("bus_lines"), "in_vehicle_time"));
}

TEST_CASE("bus lines: a faster line 105 raises the bus share", "[bus][e2e]") {
    const BusRun run(bus_scenario("", "modifications:\n"
                                      "  - {type: bus_headway, headway_min: 5, lines: \"105\"}\n"));
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    const Table split = run.table("modal_split");
    const std::size_t bus = 3;
    CHECK(doubles(split, "share")[bus] > doubles(split, "baseline_share")[bus] + 1e-4);
    const Table lines = run.table("bus_lines");
    const auto& refs = std::get<std::vector<std::string>>(lines.column("ref").values);
    for (std::size_t l = 0; l < refs.size(); ++l) {
        CHECK(doubles(lines, "headway")[l] == (refs[l] == "105" ? 5.0 : 20.0));
        CHECK(doubles(lines, "baseline_headway")[l] == 20.0);
    }
}

TEST_CASE("bus lines: bad line file and unknown line ref", "[bus][e2e]") {
    const BusRun bad(bus_scenario("    bus: {lines_file: lines.yaml}\n"),
                     "lines:\n  - ref: \"105\"\n    headway: 10\n");
    INFO(bad.result.err);
    CHECK(bad.result.exit_code == 2);
    CHECK(bad.result.err.find("lines.yaml:3:") != std::string::npos);
    CHECK(bad.result.err.find("unknown key 'headway'") != std::string::npos);
    CHECK_FALSE(fs::exists(bad.dir / "out.h5"));

    const BusRun unknown(bus_scenario("", "modifications:\n"
                                          "  - {type: bus_headway, headway_min: 5, lines: \"999\"}\n"));
    INFO(unknown.result.err);
    CHECK(unknown.result.exit_code == 2);
    CHECK(unknown.result.err.find("bus line '999'") != std::string::npos);
    CHECK_FALSE(fs::exists(unknown.dir / "out.h5"));
}
