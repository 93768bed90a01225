// End to end (issue 6 items 5 and 7) on the Kaiserslautern city-centre extract: the PCT
// cross-check tables of a mobility run (pairs filtered as documented, uptake recomputed from the
// table's own km and hilliness, zone and city shares recomputed from the pair table), the
// per-zone e-bike ownership measure (zones outside its area keep the baseline split bit for
// bit, zones inside gain e-bike trips; an area without a zone centre is a warning naming the
// measure; an unknown zone name is exit code 2), and 1 vs 2 threads bitwise.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/pct.hpp>
#include <lauter/sim/results.hpp>

#include "../support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace lauter::test;
using lauter::sim::read_attribute;
using lauter::sim::read_table;
using lauter::sim::Table;
namespace fs = std::filesystem;
namespace mob = lauter::kernels::mobility;

namespace {

// The measure's area: the western part of the extract (x below 410724 m, about lon 7.7685),
// in the study CRS; the second area lies far outside the extract.
constexpr double area_east_edge_m = 410724.0;

std::string pct_scenario(const std::string& modifications) {
    return city_centre_mobility_scenario("pct", modifications);
}

const std::string area_measures =
    "  - type: ebike_ownership\n"
    "    share: 0.4\n"
    "    area: {crs: \"EPSG:25832\", wkt: \"POLYGON((409000 5476000, 410724 5476000, "
    "410724 5478500, 409000 5478500, 409000 5476000))\"}\n"
    "  - type: ebike_ownership\n"
    "    share: 0.5\n"
    "    area: {crs: \"EPSG:25832\", wkt: \"POLYGON((400000 5470000, 400100 5470000, "
    "400100 5470100, 400000 5470100, 400000 5470000))\"}\n";

struct Run {
    TempDir dir{"pct-e2e"};
    CommandResult result;
    Run(const std::string& scenario, int threads) {
        dir.write("scenario.yaml", scenario);
        result = run_lauter_scenario(dir / "scenario.yaml", dir / "out.h5",
                                     "--threads " + std::to_string(threads));
    }
    [[nodiscard]] Table table(const std::string& name) const {
        return read_table(dir / "out.h5", "/pct/mobility/" + name);
    }
    [[nodiscard]] double number(const std::string& key) const {
        return std::stod(read_attribute(dir / "out.h5", "/pct/mobility", key).value());
    }
};

const Run& area_run() {
    static const Run run(pct_scenario(area_measures), 2);
    return run;
}

template <class T>
const std::vector<T>& column(const Table& t, const std::string& name) {
    return std::get<std::vector<T>>(t.column(name).values);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("PCT cross-check tables of a mobility run", "[pct][e2e]") {
    const Run& r = area_run();
    INFO(r.result.err);
    REQUIRE(r.result.exit_code == 0);
    const Table od = r.table("pct_od");
    const Table zones = r.table("zones");
    REQUIRE(od.row_count() > 10);
    const auto& origin = column<std::string>(od, "origin_zone");
    const auto& destination = column<std::string>(od, "destination_zone");
    const auto& trips = column<double>(od, "trips");
    const auto& km = column<double>(od, "bike_route_km");
    const auto& g = column<double>(od, "hilliness_pct");
    const auto& model = column<double>(od, "model_cycle_share");
    const auto& scenario = column<double>(od, "scenario_cycle_share");
    const auto& godutch = column<double>(od, "pct_godutch");
    const auto& ebike = column<double>(od, "pct_ebike");
    const auto& names = column<std::string>(zones, "zone");
    // Every pair at most once, no intrazonal pair, and only pairs of the zone table.
    std::map<std::pair<std::string, std::string>, int> seen;
    std::map<std::string, double> zone_trips, zone_godutch, zone_ebike;
    double city_trips = 0.0;
    double city_godutch = 0.0;
    double city_model = 0.0;
    for (std::size_t k = 0; k < od.row_count(); ++k) {
        INFO(origin[k] << " -> " << destination[k]);
        CHECK(origin[k] != destination[k]);
        CHECK(++seen[{origin[k], destination[k]}] == 1);
        CHECK(std::find(names.begin(), names.end(), origin[k]) != names.end());
        CHECK(trips[k] > 0.0);
        CHECK(km[k] > 0.0);
        CHECK(km[k] < 30.0);
        CHECK(g[k] >= 0.0);
        CHECK(g[k] < 30.0);
        for (const double share : {model[k], scenario[k], godutch[k], ebike[k]}) {
            CHECK(share >= 0.0);
            CHECK(share <= 1.0);
        }
        // The uptake from the table's own route columns (2020 models).
        CHECK(godutch[k] == mob::pct_uptake(mob::pct_godutch_2020(), km[k], g[k]));
        CHECK(ebike[k] == mob::pct_uptake(mob::pct_ebike_2020(), km[k], g[k]));
        zone_trips[origin[k]] += trips[k];
        zone_godutch[origin[k]] += trips[k] * mob::pct_scenario_share(godutch[k], model[k]);
        zone_ebike[origin[k]] += trips[k] * mob::pct_scenario_share(ebike[k], model[k]);
        city_trips += trips[k];
        city_godutch += trips[k] * mob::pct_scenario_share(godutch[k], model[k]);
        city_model += trips[k] * model[k];
    }
    // The city centre is short trips on gentle slopes: the PCT potential exceeds the model's
    // 8.3 % cycling (bike + e-bike) on these pairs.
    CHECK(r.number("pct_godutch_share") == Approx(city_godutch / city_trips).epsilon(1e-12));
    CHECK(r.number("pct_model_cycle_share") == Approx(city_model / city_trips).epsilon(1e-12));
    CHECK(r.number("pct_trips_per_day") == Approx(city_trips).epsilon(1e-12));
    CHECK(r.number("pct_godutch_share") > r.number("pct_model_cycle_share"));
    CHECK(r.number("pct_ebike_share") >= r.number("pct_godutch_share"));

    const Table pz = r.table("pct_zones");
    REQUIRE(pz.row_count() == zones.row_count());
    const auto& pz_names = column<std::string>(pz, "zone");
    for (std::size_t i = 0; i < pz.row_count(); ++i) {
        INFO(pz_names[i]);
        CHECK(pz_names[i] == names[i]);
        const double t = zone_trips[pz_names[i]];
        CHECK(column<double>(pz, "pct_trips")[i] == Approx(t).epsilon(1e-12));
        if (t > 0.0) {
            CHECK(column<double>(pz, "pct_godutch_share")[i] ==
                  Approx(zone_godutch[pz_names[i]] / t).epsilon(1e-12));
            CHECK(column<double>(pz, "pct_ebike_share")[i] ==
                  Approx(zone_ebike[pz_names[i]] / t).epsilon(1e-12));
        }
    }
}

TEST_CASE("ebike_ownership per zone: outside unchanged bitwise, inside more e-bike, a warning "
          "for an empty area",
          "[ebike][e2e]") {
    const Run& r = area_run();
    INFO(r.result.err);
    REQUIRE(r.result.exit_code == 0);
    CHECK(r.result.err.find("modifications[1] (ebike_ownership)") != std::string::npos);
    CHECK(r.result.err.find("changes nothing") != std::string::npos);

    const Table zones = r.table("zones");
    const auto& x = column<double>(zones, "x");
    std::size_t inside = 0;
    std::size_t outside = 0;
    for (std::size_t i = 0; i < zones.row_count(); ++i) {
        const bool in = x[i] < area_east_edge_m;
        inside += in ? 1U : 0U;
        outside += in ? 0U : 1U;
        for (const char* mode : {"walk", "bike", "ebike", "bus", "car"}) {
            INFO("zone " << i << ", " << mode);
            const double base = column<double>(zones, std::string("baseline_share_") + mode)[i];
            const double share = column<double>(zones, std::string("share_") + mode)[i];
            if (!in) {
                CHECK(std::memcmp(&base, &share, sizeof(double)) == 0);
            } else if (std::string(mode) == "ebike") {
                CHECK(share > base);
            } else {
                CHECK(share <= base);
            }
        }
    }
    CHECK(inside > 0);
    CHECK(outside > 0);
    // The pair table agrees: the scenario cycling share rises on pairs from inside zones only.
    const Table od = r.table("pct_od");
    const auto& origin = column<std::string>(od, "origin_zone");
    const auto& names = column<std::string>(zones, "zone");
    const auto& model = column<double>(od, "model_cycle_share");
    const auto& scenario = column<double>(od, "scenario_cycle_share");
    for (std::size_t k = 0; k < od.row_count(); ++k) {
        const auto i = static_cast<std::size_t>(
            std::find(names.begin(), names.end(), origin[k]) - names.begin());
        REQUIRE(i < names.size());
        if (x[i] < area_east_edge_m) {
            CHECK(scenario[k] > model[k]);
        } else {
            CHECK(std::memcmp(&scenario[k], &model[k], sizeof(double)) == 0);
        }
    }
}

TEST_CASE("PCT and per-zone e-bike ownership: 1 and 2 threads bitwise", "[pct][ebike][e2e]") {
    const Run& two = area_run();
    REQUIRE(two.result.exit_code == 0);
    const Run one(pct_scenario(area_measures), 1);
    INFO(one.result.err);
    REQUIRE(one.result.exit_code == 0);
    const Table od_one = one.table("pct_od");
    const Table od_two = two.table("pct_od");
    CHECK(column<std::string>(od_one, "origin_zone") == column<std::string>(od_two, "origin_zone"));
    for (const char* c : {"trips", "bike_route_km", "hilliness_pct", "model_cycle_share",
                          "scenario_cycle_share", "pct_godutch", "pct_ebike"}) {
        INFO(c);
        CHECK(same_bits(column<double>(od_one, c), column<double>(od_two, c)));
    }
    const Table zones_one = one.table("zones");
    const Table zones_two = two.table("zones");
    for (const char* c : {"share_bike", "share_ebike", "share_car"}) {
        INFO(c);
        CHECK(same_bits(column<double>(zones_one, c), column<double>(zones_two, c)));
    }
}

TEST_CASE("ebike_ownership zones: named zones get the share, an unknown name is exit code 2",
          "[ebike][e2e]") {
    const Run& base = area_run();
    REQUIRE(base.result.exit_code == 0);
    const Table zones = base.table("zones");
    const auto& names = column<std::string>(zones, "zone");
    REQUIRE(names.size() >= 3);
    // Lower ownership in two zones: their e-bike share falls, every other zone is unchanged.
    const Run r(pct_scenario("  - {type: ebike_ownership, share: 0.05, zones: \"" + names[0] +
                             ", " + names[2] + "\"}\n"),
                2);
    INFO(r.result.err);
    REQUIRE(r.result.exit_code == 0);
    const Table z = r.table("zones");
    const auto& base_ebike = column<double>(z, "baseline_share_ebike");
    const auto& ebike = column<double>(z, "share_ebike");
    for (std::size_t i = 0; i < z.row_count(); ++i) {
        INFO(names[i]);
        if (i == 0 || i == 2) {
            CHECK(ebike[i] < base_ebike[i]);
        } else {
            CHECK(std::memcmp(&ebike[i], &base_ebike[i], sizeof(double)) == 0);
        }
    }

    const Run bad(pct_scenario("  - {type: ebike_ownership, share: 0.3, zones: \"nowhere\"}\n"),
                  2);
    CHECK(bad.result.exit_code == 2);
    CHECK(bad.result.err.find("modifications[0] (ebike_ownership): zone 'nowhere'") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(bad.dir / "out.h5"));

    const Run both(pct_scenario("  - type: ebike_ownership\n    share: 0.3\n    zones: \"" +
                                names[0] + "\"\n    area: {wkt: \"POLYGON((7.76 49.436, 7.77 "
                                           "49.436, 7.77 49.44, 7.76 49.436))\"}\n"),
                   2);
    CHECK(both.result.exit_code == 2);
    CHECK(both.result.err.find("area or zones, not both") != std::string::npos);
}
