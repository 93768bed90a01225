// End-to-end runs of the mobility model on the Kaiserslautern city-centre extract: calibration
// within 0.1 pp, shares summing to 1 city-wide and per zone, a no-op scenario equal to the
// baseline, thread-count independence, a bike-lane measure shifting trips to the bike, and bad
// input answered with exit code 2, one clear message and nothing written.
#include <catch2/catch.hpp>

#include <lauter/sim/results.hpp>

#include "../support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace lauter::test;
using lauter::sim::read_attribute;
using lauter::sim::read_raster_layer;
using lauter::sim::read_table;
using lauter::sim::Table;
namespace fs = std::filesystem;

namespace {

std::string mobility_scenario(const std::string& extra_mobility_keys,
                              const std::string& zones = "{size_m: 250}",
                              const std::string& demand = "{mean_trip_km: 0.45}") {
    const fs::path inputs = source_dir() / "inputs" / "kaiserslautern";
    return "name: mob\n"
           "study_area:\n"
           "  crs: EPSG:25832\n"
           "  extent_from: osm\n"
           "  resolution_m: 10\n"
           "inputs:\n"
           "  osm: " +
           (inputs / "kaiserslautern_cc.osm.gz").string() +
           "\n"
           "  dem: " +
           (inputs / "terrain_illustrative.tif").string() +
           "\n"
           "  dem_kind: illustrative\n"
           "models:\n"
           "  terrain: {enabled: false}\n"
           "  mobility:\n"
           "    enabled: true\n"
           "    zones: " +
           zones + "\n    demand: " + demand + "\n" + extra_mobility_keys;
}

struct Run {
    TempDir dir{"mobility-e2e"};
    CommandResult result;
    Run(const std::string& scenario, int threads = 2) {
        dir.write("scenario.yaml", scenario);
        result = run_lauter_scenario(dir / "scenario.yaml", dir / "out.h5",
                                     "--threads " + std::to_string(threads));
    }
    [[nodiscard]] Table table(const std::string& name) const {
        return read_table(dir / "out.h5", "/mob/mobility/" + name);
    }
    [[nodiscard]] double number(const std::string& key) const {
        return std::stod(read_attribute(dir / "out.h5", "/mob/mobility", key).value());
    }
};

const std::vector<double>& doubles(const Table& t, const std::string& column) {
    return std::get<std::vector<double>>(t.column(column).values);
}

const std::vector<std::string> modes = {"walk", "bike", "ebike", "bus", "car"};

/// The baseline run, shared by the test cases (about a second of work).
const Run& baseline() {
    static const Run run(mobility_scenario(""));
    return run;
}

void check_bad_input(const Run& r, const std::string& needle) {
    INFO(r.result.err);
    CHECK(r.result.exit_code == 2);
    CHECK(r.result.err.find(needle) != std::string::npos);
    CHECK_FALSE(fs::exists(r.dir / "out.h5"));
    for (const std::string& entry : r.dir.entries()) {
        CHECK(entry.find(".h5") == std::string::npos);
    }
}

} // namespace

TEST_CASE("mobility scenario: calibrated shares, zones, accessibility and edges",
          "[mobility_model][e2e]") {
    const Run& r = baseline();
    INFO(r.result.err);
    REQUIRE(r.result.exit_code == 0);

    const Table split = r.table("modal_split");
    const auto& observed = doubles(split, "observed_share");
    const auto& base = doubles(split, "baseline_share");
    const auto& share = doubles(split, "share");
    double sum = 0.0;
    for (std::size_t k = 0; k < modes.size(); ++k) {
        INFO(modes[k]);
        CHECK(std::abs(base[k] - observed[k]) < 0.001); // within 0.1 percentage point
        sum += base[k];
    }
    CHECK(sum == Approx(1.0).epsilon(1e-12));
    // No measures: the scenario is the baseline, bit for bit.
    CHECK(std::memcmp(base.data(), share.data(), base.size() * sizeof(double)) == 0);
    CHECK(r.number("calibration_max_error_pp") < 0.1);

    const Table zones = r.table("zones");
    REQUIRE(zones.row_count() >= 4);
    const auto& residents = doubles(zones, "residents");
    for (std::size_t i = 0; i < zones.row_count(); ++i) {
        CHECK(residents[i] > 0.0);
        double s = 0.0;
        for (const std::string& m : modes) {
            s += doubles(zones, "share_" + m)[i];
        }
        CHECK(s == Approx(1.0).epsilon(1e-12));
        for (const char* a : {"access_grocery", "access_centre_walk",
                                     "access_stop_400m_headway_le_60min"}) {
            const double v = doubles(zones, a)[i];
            CHECK(v >= 0.0);
            CHECK(v <= 1.0);
        }
    }

    const Table access = r.table("accessibility");
    CHECK(access.row_count() == 12);
    const auto& access_share = doubles(access, "share");
    // Stop classes are cumulative (a stop of headway <= 10 min counts in every looser class),
    // and 400 m covers at least what 300 m covers.
    for (std::size_t k = 0; k < access_share.size(); ++k) {
        CHECK(access_share[k] >= 0.0);
        CHECK(access_share[k] <= 1.0);
    }
    CHECK(access_share[1] >= access_share[0]);
    CHECK(access_share[7] >= access_share[6]);

    const Table edges = r.table("edges");
    const auto& bike_volume = doubles(edges, "bike_volume");
    CHECK(std::all_of(bike_volume.begin(), bike_volume.end(), [](double v) { return v >= 0.0; }));
    CHECK(*std::max_element(bike_volume.begin(), bike_volume.end()) > 0.0);
}

TEST_CASE("mobility scenario: results independent of the thread count", "[mobility_model][e2e]") {
    const Run& two = baseline();
    REQUIRE(two.result.exit_code == 0);
    const Run one(mobility_scenario(""), 1);
    REQUIRE(one.result.exit_code == 0);
    const Table zones_one = one.table("zones");
    const Table zones_two = two.table("zones");
    for (const char* column : {"share_bike", "share_car", "access_grocery"}) {
        const auto& a = doubles(zones_one, column);
        const auto& b = doubles(zones_two, column);
        REQUIRE(a.size() == b.size());
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
    }
    const Table edges_one = one.table("edges");
    const Table edges_two = two.table("edges");
    const auto& va = doubles(edges_one, "bike_volume");
    const auto& vb = doubles(edges_two, "bike_volume");
    CHECK(std::memcmp(va.data(), vb.data(), va.size() * sizeof(double)) == 0);
    for (const char* layer : {"walk_m_to_bus_stop", "walk_min_to_centre", "stop_class_400m"}) {
        INFO(layer);
        const auto a = read_raster_layer(one.dir / "out.h5", std::string("/mob/mobility/") + layer);
        const auto b = read_raster_layer(two.dir / "out.h5", std::string("/mob/mobility/") + layer);
        REQUIRE(a.values.size() == b.values.size());
        std::size_t differing = 0;
        for (std::size_t i = 0; i < a.values.size(); ++i) {
            differing += std::memcmp(&a.values[i], &b.values[i], sizeof(float)) != 0 ? 1U : 0U;
        }
        CHECK(differing == 0);
    }
}

TEST_CASE("mobility scenario: a bike lane shifts trips to the bike", "[mobility_model][e2e]") {
    const Run& base = baseline();
    REQUIRE(base.result.exit_code == 0);
    // The busiest bike way on a main road without a facility.
    const Table edges = base.table("edges");
    const auto& volume = doubles(edges, "bike_volume");
    const auto& way = std::get<std::vector<std::int64_t>>(edges.column("osm_way_id").values);
    const auto& highway = std::get<std::vector<std::string>>(edges.column("highway").values);
    const auto& facility = std::get<std::vector<std::string>>(edges.column("facility").values);
    std::int64_t best_way = 0;
    double best = 0.0;
    for (std::size_t e = 0; e < volume.size(); ++e) {
        const bool main_road = highway[e] == "primary" || highway[e] == "secondary" ||
                               highway[e] == "tertiary";
        if (main_road && facility[e] == "none" && volume[e] > best) {
            best = volume[e];
            best_way = way[e];
        }
    }
    REQUIRE(best_way != 0);
    const Run lane(mobility_scenario("    measures:\n      bike_lanes:\n        - {way_id: " +
                                     std::to_string(best_way) + ", facility: track}\n"));
    INFO(lane.result.err);
    REQUIRE(lane.result.exit_code == 0);
    const Table split = lane.table("modal_split");
    const auto& before = doubles(split, "baseline_share");
    const auto& after = doubles(split, "share");
    CHECK(after[1] > before[1]); // bike
    CHECK(after[4] < before[4]); // car
    double sum = 0.0;
    for (const double v : after) {
        sum += v;
    }
    CHECK(sum == Approx(1.0).epsilon(1e-12));
    CHECK(lane.number("bike_lane_edges") > 0.0);
    CHECK(lane.number("car_person_km_change") < 0.0);
    // The baseline of the measure's run is the same calibration as the baseline run.
    const Table base_split = base.table("modal_split");
    const auto& reference = doubles(base_split, "baseline_share");
    CHECK(std::memcmp(before.data(), reference.data(), before.size() * sizeof(double)) == 0);
}

TEST_CASE("mobility scenario: bad input", "[mobility_model][e2e]") {
    SECTION("unknown mode name") {
        const Run r(mobility_scenario("    observed_shares_percent: {walk: 33.3, bike: 8.3, "
                                      "tram: 8.5, car: 50}\n"));
        check_bad_input(r, "tram");
    }
    SECTION("a district without residents") {
        TempDir files("mobility-districts");
        const fs::path districts = files.write(
            "districts.geojson",
            R"({"type":"FeatureCollection","features":[)"
            R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":)"
            R"([[[7.75,49.43],[7.79,49.43],[7.79,49.45],[7.75,49.45],[7.75,49.43]]]}},)"
            R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":)"
            R"([[[7.60,49.30],[7.61,49.30],[7.61,49.31],[7.60,49.31],[7.60,49.30]]]}}]})");
        const Run r(mobility_scenario("", "{districts: " + districts.string() + "}"));
        check_bad_input(r, "district_2");
    }
    SECTION("a bike lane on a way that is not in the network") {
        const Run r(mobility_scenario("    measures:\n      bike_lanes:\n"
                                      "        - {way_id: 1}\n"));
        check_bad_input(r, "way 1 has no cyclable edge");
    }
    SECTION("a mean trip length the zones cannot produce") {
        const Run r(mobility_scenario("", "{size_m: 250}", "{mean_trip_km: 40}"));
        check_bad_input(r, "mean_trip_km = 40 km cannot be reached");
    }
}
