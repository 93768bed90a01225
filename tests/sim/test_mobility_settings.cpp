// The `models.mobility` scenario keys: defaults taken from the kernels, overrides, and the
// cross-key errors (missing inputs or mean trip length, shares not adding up, unknown modes).
#include <catch2/catch.hpp>

#include <lauter/sim/error.hpp>
#include <lauter/sim/scenario.hpp>

#include "../support/test_support.hpp"

#include <filesystem>
#include <string>

using namespace lauter::sim;
using lauter::test::config_error_of;
using lauter::test::ModelScenarioProject;
using lauter::test::TempDir;
namespace fs = std::filesystem;
namespace mob = lauter::kernels::mobility;

namespace {

} // namespace

TEST_CASE("mobility settings: defaults come from the kernel parameter structs",
          "[mobility_settings][scenario]") {
    const ModelScenarioProject p("mobility");
    const Scenario s = load_scenario(p.write("    enabled: false\n"));
    const MobilityModelSettings& m = s.models.mobility;
    CHECK_FALSE(m.enabled);
    CHECK(m == MobilityModelSettings{});
    CHECK(m.bike_power_w == mob::BikeParams{}.rider_power_w);
    CHECK(m.ebike_assist_w == mob::pedelec_params().assist_power_w);
    CHECK(m.trips_per_resident == mob::TripProductionParams{}.trips_per_resident_per_day);
    CHECK(m.grocery_m == mob::AccessibilityThresholds{}.grocery_m);
    CHECK(m.time_util_per_min == mob::ModeChoiceParams{}.time_util_per_min);
    // The observed defaults are the Kaiserslautern 2023 shares of the kernel, normalised.
    const mob::ModeArray kl = mob::kaiserslautern_2023_shares(m.ebike_share_of_bike);
    double sum = 0.0;
    for (const double v : m.observed_percent) {
        sum += v;
    }
    CHECK(m.observed_percent[0] / sum == Approx(kl[0]).epsilon(1e-12));
    CHECK(m.observed_percent[1] / sum == Approx(kl[1] + kl[2]).epsilon(1e-12));
    CHECK(m.observed_percent[3] / sum == Approx(kl[4]).epsilon(1e-12));
}

TEST_CASE("mobility settings: given values and bike-lane measures",
          "[mobility_settings][scenario]") {
    const ModelScenarioProject p("mobility");
    const Scenario s = load_scenario(p.write("    enabled: true\n"
                                             "    zones: {size_m: 250}\n"
                                             "    demand: {mean_trip_km: 2.5}\n"
                                             "    travel: {bus_headway_min: 10}\n"
                                             "    observed_shares_percent: {walk: 40, bike: 10, "
                                             "bus: 0, car: 50}\n"
                                             "    measures:\n"
                                             "      bike_lanes:\n"
                                             "        - {way_id: 123456789, facility: track}\n"
                                             "        - {way_id: 42}\n"));
    const MobilityModelSettings& m = s.models.mobility;
    CHECK(m.enabled);
    CHECK(m.zone_size_m == 250.0);
    CHECK(m.mean_trip_km == 2.5);
    CHECK(m.bus_headway_min == 10.0);
    CHECK(m.observed_percent == std::array<double, 4>{40.0, 10.0, 0.0, 50.0});
    REQUIRE(m.bike_lanes.size() == 2);
    CHECK(m.bike_lanes[0].way_id == 123456789);
    CHECK(m.bike_lanes[0].facility == mob::CycleFacility::track);
    CHECK(m.bike_lanes[1].facility == mob::CycleFacility::lane);
    // The resolved scenario loads to the same settings.
    const fs::path again = p.dir().write("again.yaml", s.resolved_yaml);
    CHECK(load_scenario(again).models.mobility == m);
}

TEST_CASE("mobility settings: errors", "[mobility_settings][scenario]") {
    const ModelScenarioProject p("mobility");
    SECTION("mean trip length missing") {
        const std::string e = p.error_for("    enabled: true\n");
        CHECK(e.find("models.mobility.demand.mean_trip_km") != std::string::npos);
    }
    SECTION("no DEM") {
        const std::string e =
            p.error_for("    enabled: true\n    demand: {mean_trip_km: 3}\n", false);
        CHECK(e.find("needs inputs.dem") != std::string::npos);
    }
    SECTION("unknown mode name") {
        const std::string e = p.error_for("    enabled: true\n    demand: {mean_trip_km: 3}\n"
                                          "    observed_shares_percent: {tram: 5}\n");
        CHECK(e.find("tram") != std::string::npos);
    }
    SECTION("shares do not add up") {
        const std::string e = p.error_for("    enabled: true\n    demand: {mean_trip_km: 3}\n"
                                          "    observed_shares_percent: {walk: 50}\n");
        CHECK(e.find("add up to 116.") != std::string::npos);
    }
    SECTION("unknown facility") {
        const std::string e = p.error_for("    measures:\n      bike_lanes:\n"
                                          "        - {way_id: 1, facility: tunnel}\n");
        CHECK(e.find("tunnel") != std::string::npos);
    }
    SECTION("e-bike ownership 0") {
        const std::string e = p.error_for("    choice: {ebike_ownership_share: 0}\n");
        CHECK(e.find("ebike_ownership_share") != std::string::npos);
    }
}
