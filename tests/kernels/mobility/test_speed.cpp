// Speed models against published and documented reference values (mobility.md sections 2.3, 3, 9),
// the power-balance solver's robustness, per-edge travel times and cycling stress.
#include <catch2/catch.hpp>

#include "mobility_fixtures.hpp"

#include <lauter/kernels/mobility/cycling_stress.hpp>
#include <lauter/kernels/mobility/speed_models.hpp>

#include <omp.h>

#include <cmath>

namespace mob = lauter::kernels::mobility;

namespace {
mob::BikeParams graphhopper_test_rider() {
    // GraphHopper BikeClimbSpeedTableTest: 120 W, 95 kg, CdA 0.6, Crr 0.006.
    mob::BikeParams p;
    p.rider_power_w = 120.0;
    p.system_mass_kg = 95.0;
    p.cda_m2 = 0.6;
    p.crr = 0.006;
    p.max_speed_kmh = 45.0;
    return p;
}
} // namespace

TEST_CASE("bike speed reproduces GraphHopper's climb table (issue 6 verification)",
          "[mobility][speed]") {
    const mob::BikeParams p = graphhopper_test_rider();
    // Source: graphhopper core/src/test/.../BikeClimbSpeedTableTest.java via mobility.md 2.3.
    CHECK(mob::bike_speed_kmh(0.00, p) == Approx(22.14).margin(0.05));
    CHECK(mob::bike_speed_kmh(0.02, p) == Approx(14.36).margin(0.05));
    CHECK(mob::bike_speed_kmh(0.05, p) == Approx(8.0).margin(0.05));
    CHECK(mob::bike_speed_kmh(0.12, p) == Approx(3.67).margin(0.05));
    // Pushing at 0.8 x Tobler below 3.5 km/h: 15 / 20 / 31.5 %.
    CHECK(mob::bike_speed_kmh(0.15, p) == Approx(2.38).margin(0.05));
    CHECK(mob::bike_speed_kmh(0.20, p) == Approx(2.0).margin(0.05));
    CHECK(mob::bike_speed_kmh(0.315, p) == Approx(1.34).margin(0.05));
}

TEST_CASE("bike speed matches the computed tables of mobility.md section 3", "[mobility][speed]") {
    SECTION("BRouter defaults: 100 W, 90 kg, S_C_x 0.225 (CdA 0.3673 at rho 1.225), Crr 0.01") {
        mob::BikeParams p;
        p.rider_power_w = 100.0;
        p.system_mass_kg = 90.0;
        p.cda_m2 = 2.0 * 0.225 / 1.225;
        p.crr = 0.01;
        p.max_speed_kmh = 45.0;
        CHECK(mob::bike_speed_kmh(0.00, p) == Approx(21.4).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.03, p) == Approx(9.7).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.06, p) == Approx(5.8).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.10, p) == Approx(3.7).margin(0.1));
    }
    SECTION("lauter's default rider (GraphHopper json: 120 W, 95 kg, CdA 0.6, Crr 0.01)") {
        const mob::BikeParams p;
        CHECK(mob::bike_speed_kmh(0.00, p) == Approx(20.5).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.03, p) == Approx(10.7).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.06, p) == Approx(6.5).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.10, p) == Approx(4.2).margin(0.1));
    }
    SECTION("pedelec: 100 W + 250 W cut at 25 km/h, 110 kg, CdA 0.55, Crr 0.008") {
        const mob::BikeParams p = mob::pedelec_params();
        CHECK(mob::bike_speed_kmh(0.00, p) == Approx(25.0).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.03, p) == Approx(23.1).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.06, p) == Approx(15.8).margin(0.1));
        CHECK(mob::bike_speed_kmh(0.10, p) == Approx(10.6).margin(0.1));
    }
}

TEST_CASE("power-balance solver: residual, monotonicity and descent cap", "[mobility][speed]") {
    double previous = std::numeric_limits<double>::infinity();
    for (double grade = -0.30; grade <= 0.40; grade += 0.005) {
        const double v = mob::solve_power_balance_mps(120.0, grade, 95.0, 0.6, 0.006, 1.225);
        const double residual =
            v * (95.0 * mob::gravity_mps2 * (0.006 + grade) + 0.5 * 1.225 * 0.6 * v * v) - 120.0;
        INFO("grade " << grade << " v " << v);
        CHECK(std::abs(residual) < 1e-6);
        CHECK(v > 0.0);
        CHECK(v < previous);
        previous = v;
    }
    const mob::BikeParams p;
    CHECK(mob::bike_speed_kmh(-0.08, p) == p.max_speed_kmh);
    // Pedelec above the cut-off on a descent: unassisted physics, capped.
    mob::BikeParams e = mob::pedelec_params();
    e.max_speed_kmh = 60.0;
    const double unassisted = mob::solve_power_balance_mps(100.0, -0.03, 110.0, 0.55, 0.008, 1.225);
    CHECK(mob::bike_speed_kmh(-0.03, e) == Approx(unassisted * 3.6));
}

TEST_CASE("walking speed follows Tobler's hiking function", "[mobility][speed]") {
    // Tobler (1993): 6 exp(-3.5 |s + 0.05|) km/h; 5.04 km/h on the flat, 6 km/h at -5 %.
    CHECK(mob::tobler_speed_kmh(0.0) == Approx(5.0367).margin(1e-4));
    CHECK(mob::tobler_speed_kmh(-0.05) == Approx(6.0));
    CHECK(mob::tobler_speed_kmh(0.10) == Approx(6.0 * std::exp(-0.525)));
    // GH pushing anchor: 0.8 x Tobler at 15 % = 2.38 km/h (mobility.md section 9).
    CHECK(0.8 * mob::tobler_speed_kmh(0.15) == Approx(2.38).margin(0.005));
}

TEST_CASE("car speed: maxspeed or class default times the urban factor", "[mobility][speed]") {
    const mob::CarParams p;
    CHECK(mob::car_speed_kmh(mob::HighwayClass::residential, 0.0, p) == Approx(25.0 * 0.8));
    CHECK(mob::car_speed_kmh(mob::HighwayClass::primary, 50.0, p) == Approx(40.0));
    CHECK(mob::car_speed_kmh(mob::HighwayClass::footway, 0.0, p) == 0.0);
}

TEST_CASE("edge travel times per mode on a flat network", "[mobility][speed]") {
    lauter::test::NetworkBuilder b;
    b.node(0, 0);
    b.node(1000, 0);
    b.node(1000, 500);
    b.way({0, 1}, {{"highway", "residential"}, {"maxspeed", "30"}});
    b.way({1, 2}, {{"highway", "footway"}});
    const mob::Graph g = mob::build_graph(b.input());
    mob::TravelProfile walk;
    walk.mode = mob::Mode::walk;
    mob::TravelProfile bike;
    bike.mode = mob::Mode::bike;
    mob::TravelProfile car;
    car.mode = mob::Mode::car;
    const auto tw = mob::edge_travel_times_s(g, walk);
    const auto tb = mob::edge_travel_times_s(g, bike);
    const auto tc = mob::edge_travel_times_s(g, car);
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        const double len = static_cast<double>(g.length_m()[e]);
        CHECK(static_cast<double>(tw[e]) == Approx(len * 3.6 / mob::tobler_speed_kmh(0.0)));
        if (g.highway()[e] == mob::HighwayClass::footway) {
            // Bikes are pushed along footways; cars may not use them.
            CHECK(static_cast<double>(tb[e]) ==
                  Approx(len * 3.6 / (0.8 * mob::tobler_speed_kmh(0.0))));
            CHECK(std::isinf(tc[e]));
        } else {
            CHECK(static_cast<double>(tb[e]) ==
                  Approx(len * 3.6 / mob::bike_speed_kmh(0.0, bike.bike)));
            CHECK(static_cast<double>(tc[e]) == Approx(len * 3.6 / (30.0 * 0.8)));
        }
    }
}

TEST_CASE("level of traffic stress and perceived cycling cost", "[mobility][stress]") {
    using mob::CycleFacility;
    using mob::HighwayClass;
    constexpr std::uint8_t all = mob::mode_bits::walk | mob::mode_bits::bike | mob::mode_bits::car;
    CHECK(mob::edge_lts(HighwayClass::residential, all, CycleFacility::none, 50, 2) == 1);
    CHECK(mob::edge_lts(HighwayClass::cycleway, mob::mode_bits::bike, CycleFacility::path, 0, 0) ==
          1);
    CHECK(mob::edge_lts(HighwayClass::primary, all, CycleFacility::track, 50, 4) == 1);
    CHECK(mob::edge_lts(HighwayClass::primary, all, CycleFacility::none, 30, 2) == 2);
    CHECK(mob::edge_lts(HighwayClass::tertiary, all, CycleFacility::none, 50, 2) == 2);
    CHECK(mob::edge_lts(HighwayClass::primary, all, CycleFacility::lane, 50, 2) == 3);
    CHECK(mob::edge_lts(HighwayClass::primary, all, CycleFacility::none, 50, 4) == 4);
    CHECK(mob::edge_lts(HighwayClass::secondary, all, CycleFacility::none, 0, 0) == 4);

    lauter::test::NetworkBuilder b;
    b.node(0, 0);
    b.node(100, 0);
    b.node(200, 0);
    b.way({0, 1}, {{"highway", "primary"}, {"maxspeed", "50"}});
    b.way({1, 2}, {{"highway", "cycleway"}});
    const mob::Graph g = mob::build_graph(b.input());
    mob::TravelProfile bike;
    const auto t = mob::edge_travel_times_s(g, bike);
    const auto lts = mob::level_of_traffic_stress(g);
    const mob::CyclingStressParams params;
    const auto cost = mob::cycling_perceived_cost_s(g, t, lts, params);
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        const double expected = g.highway()[e] == HighwayClass::primary ? 1.0 + 7.0 : 1.0 - 0.16;
        CHECK(static_cast<double>(cost[e]) == Approx(static_cast<double>(t[e]) * expected));
    }
}

TEST_CASE("edge times and perceived costs do not depend on the thread count",
          "[mobility][speed][stress]") {
    // A hilly toy network: a 6 x 6 grid whose edges carry synthetic grade profiles.
    const mob::Graph flat = mob::build_graph(lauter::test::grid_network(6, 6, 80.0));
    mob::SegmentElevation el;
    el.node_z_m.assign(flat.node_count(), 0.0F);
    el.profile_first.push_back(0);
    for (std::uint32_t s = 0; s < flat.segment_count(); ++s) {
        const auto g1 = 0.01F * static_cast<float>(s % 13) - 0.05F;
        const auto g2 = 0.02F * static_cast<float>(s % 7);
        el.piece_length_m.insert(el.piece_length_m.end(), {40.0F, 40.0F});
        el.piece_grade.insert(el.piece_grade.end(), {g1, g2});
        el.profile_first.push_back(static_cast<std::uint32_t>(el.piece_grade.size()));
        el.climb_m.push_back(40.0F * (std::max(g1, 0.0F) + g2));
        el.descent_m.push_back(40.0F * std::max(-g1, 0.0F));
        el.max_grade.push_back(std::max(g1, g2));
        el.min_grade.push_back(std::min(g1, g2));
    }
    const mob::Graph g = mob::attach_elevation(flat, std::move(el));
    const mob::TravelProfile bike;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const auto t1 = mob::edge_travel_times_s(g, bike);
    const auto c1 = mob::cycling_perceived_cost_s(g, t1, mob::level_of_traffic_stress(g));
    omp_set_num_threads(2);
    const auto t2 = mob::edge_travel_times_s(g, bike);
    const auto c2 = mob::cycling_perceived_cost_s(g, t2, mob::level_of_traffic_stress(g));
    omp_set_num_threads(saved);
    CHECK(t1 == t2);
    CHECK(c1 == c2);
    // Uphill pieces make the perceived cost exceed the time on LTS-1 streets.
    std::size_t penalised = 0;
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        penalised += c1[e] > t1[e] ? 1U : 0U;
    }
    CHECK(penalised > 0);
}
