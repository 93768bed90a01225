// The PCT cross-check table of the mobility model (sim/mobility_pct.hpp) on a hand-made zone
// system of three zones: which pairs enter the table, hilliness from climb and descent, the
// uptake against the 2020 anchors of mobility.md 1.3, and the trip-weighted zone and city shares
// computed by hand.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/pct.hpp>
#include <lauter/sim/mobility_pct.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace lauter::sim;
namespace mob = lauter::kernels::mobility;

namespace {

const std::vector<double>& doubles(const Table& t, const std::string& name) {
    return std::get<std::vector<double>>(t.column(name).values);
}
const std::vector<std::string>& strings(const Table& t, const std::string& name) {
    return std::get<std::vector<std::string>>(t.column(name).values);
}

} // namespace

TEST_CASE("PCT cross-check: pairs, hilliness, uptake and trip-weighted shares", "[pct]") {
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<std::string> names = {"a", "b", "c"};
    // Row-major 3 x 3. a -> b: 4 km, 100 m up and nothing down (2.5 %, the mobility.md 1.3
    // row); b -> a: the same route backwards (2.5 % as well); a -> c: 4 km flat; c -> a: no
    // trips; b -> c: no route; c -> b: 35 km (beyond the fitted range); diagonal: intrazonal.
    const std::vector<double> trips = {50, 100, 200, 300, 50, 40, 0, 10, 50};
    const std::vector<double> route_m = {0, 4000, 4000, 4000, 0, inf, 4000, 35000, 0};
    const std::vector<double> climb_m = {0, 100, 0, 0, 0, inf, 0, 0, 0};
    const std::vector<double> descent_m = {0, 0, 0, 100, 0, inf, 0, 0, 0};
    const std::vector<double> base = {5, 10, 120, 30, 5, 4, 0, 1, 5};
    const std::vector<double> scen = {5, 20, 120, 60, 5, 4, 0, 1, 5};
    const PctCrossCheck pct =
        pct_cross_check({3, names, trips, route_m, climb_m, descent_m, base, scen});

    const Table& od = pct.od;
    REQUIRE(od.row_count() == 3);
    CHECK(strings(od, "origin_zone") == std::vector<std::string>{"a", "a", "b"});
    CHECK(strings(od, "destination_zone") == std::vector<std::string>{"b", "c", "a"});
    CHECK(doubles(od, "trips") == std::vector<double>{100, 200, 300});
    CHECK(doubles(od, "bike_route_km") == std::vector<double>{4, 4, 4});
    const auto& g = doubles(od, "hilliness_pct");
    CHECK(g[0] == Approx(2.5).epsilon(1e-12));
    CHECK(g[1] == 0.0);
    CHECK(g[2] == g[0]); // direction-symmetric
    CHECK(doubles(od, "model_cycle_share") == std::vector<double>{0.1, 0.6, 0.1});
    CHECK(doubles(od, "scenario_cycle_share") == std::vector<double>{0.2, 0.6, 0.2});
    // Go Dutch / E-bike 2020 at 4 km: 0.280 / 0.397 at 2.5 %, 0.527 / 0.546 flat (mobility.md
    // 1.3, 3 decimals).
    const auto& godutch = doubles(od, "pct_godutch");
    const auto& ebike = doubles(od, "pct_ebike");
    CHECK(std::abs(godutch[0] - 0.280) <= 5e-4);
    CHECK(std::abs(ebike[0] - 0.397) <= 5e-4);
    CHECK(std::abs(godutch[1] - 0.527) <= 5e-4);
    CHECK(std::abs(ebike[1] - 0.546) <= 5e-4);
    CHECK(godutch[2] == godutch[0]);

    // Zone a: pairs a->b (100 trips) and a->c (200); the PCT share never falls below the
    // baseline: a->c keeps 0.6 > 0.527 under Go Dutch and 0.6 > 0.546 under E-bike.
    const Table& zones = pct.zones;
    REQUIRE(zones.row_count() == 3);
    CHECK(doubles(zones, "pct_trips") == std::vector<double>{300, 300, 0});
    const double a_godutch = (100 * godutch[0] + 200 * 0.6) / 300;
    const double a_ebike = (100 * ebike[0] + 200 * 0.6) / 300;
    CHECK(doubles(zones, "pct_godutch_share")[0] == Approx(a_godutch).epsilon(1e-14));
    CHECK(doubles(zones, "pct_ebike_share")[0] == Approx(a_ebike).epsilon(1e-14));
    CHECK(doubles(zones, "model_cycle_share")[0] == Approx(130.0 / 300).epsilon(1e-14));
    CHECK(doubles(zones, "scenario_cycle_share")[1] == Approx(0.2).epsilon(1e-14));
    CHECK(std::isnan(doubles(zones, "pct_godutch_share")[2])); // c has no pair in the table

    CHECK(pct.city.trips == 600.0);
    CHECK(pct.city.baseline_cycle == Approx(160.0 / 600).epsilon(1e-14));
    CHECK(pct.city.scenario_cycle == Approx(200.0 / 600).epsilon(1e-14));
    CHECK(pct.city.godutch ==
          Approx((100 * godutch[0] + 200 * 0.6 + 300 * godutch[2]) / 600).epsilon(1e-14));
    CHECK(pct.city.ebike >= pct.city.godutch); // E-bike >= Go Dutch on any hill (pct tests)
    CHECK(pct.city.godutch >= pct.city.baseline_cycle);

    CHECK_THROWS_AS(pct_cross_check({2, names, trips, route_m, climb_m, descent_m, base, scen}),
                    std::invalid_argument);
}
