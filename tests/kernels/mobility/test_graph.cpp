// Street graph: OSM tag decoding (access, one-way rules, facilities), splitting at junctions,
// largest strongly connected component per mode, CSR invariants.
#include <catch2/catch.hpp>

#include "mobility_fixtures.hpp"

#include <lauter/kernels/mobility/graph.hpp>

#include <algorithm>

namespace mob = lauter::kernels::mobility;
using lauter::test::decode;
using lauter::test::NetworkBuilder;
using mob::Direction;

TEST_CASE("decode_way_tags: access defaults and overrides", "[mobility][graph]") {
    bool ok = false;
    auto t = decode({{"highway", "residential"}}, &ok);
    CHECK(ok);
    CHECK(t.modes == (mob::mode_bits::walk | mob::mode_bits::bike | mob::mode_bits::car));
    t = decode({{"highway", "footway"}}, &ok);
    CHECK(t.modes == (mob::mode_bits::walk | mob::mode_bits::bike_push));
    t = decode({{"highway", "footway"}, {"bicycle", "yes"}}, &ok);
    CHECK(t.modes == (mob::mode_bits::walk | mob::mode_bits::bike));
    t = decode({{"highway", "cycleway"}}, &ok);
    CHECK(t.modes == mob::mode_bits::bike);
    CHECK(t.facility_forward == mob::CycleFacility::path);
    t = decode({{"highway", "cycleway"}, {"foot", "designated"}}, &ok);
    CHECK(t.modes == (mob::mode_bits::walk | mob::mode_bits::bike));
    t = decode({{"highway", "motorway"}}, &ok);
    CHECK(t.modes == mob::mode_bits::car);
    CHECK(t.car_direction == Direction::forward);
    t = decode({{"highway", "steps"}}, &ok);
    CHECK(t.modes == mob::mode_bits::walk);
    t = decode({{"highway", "primary"}, {"bicycle", "dismount"}}, &ok);
    CHECK(t.modes == (mob::mode_bits::walk | mob::mode_bits::car | mob::mode_bits::bike_push));
    t = decode({{"highway", "service"}, {"access", "private"}}, &ok);
    CHECK_FALSE(ok);
    t = decode({{"highway", "track"}, {"access", "no"}, {"bicycle", "yes"}}, &ok);
    CHECK(ok);
    CHECK(t.modes == mob::mode_bits::bike);
    decode({{"highway", "pedestrian"}, {"area", "yes"}}, &ok);
    CHECK_FALSE(ok);
    decode({{"highway", "construction"}}, &ok);
    CHECK_FALSE(ok);
    decode({{"building", "yes"}}, &ok);
    CHECK_FALSE(ok);
}

TEST_CASE("decode_way_tags: one-way rules per mode", "[mobility][graph]") {
    auto t = decode({{"highway", "residential"}, {"oneway", "yes"}});
    CHECK(t.car_direction == Direction::forward);
    CHECK(t.bike_direction == Direction::forward);
    CHECK(t.walk_direction == Direction::both);
    t = decode({{"highway", "residential"}, {"oneway", "-1"}});
    CHECK(t.car_direction == Direction::backward);
    CHECK(t.bike_direction == Direction::backward);
    t = decode({{"highway", "residential"}, {"oneway", "yes"}, {"oneway:bicycle", "no"}});
    CHECK(t.car_direction == Direction::forward);
    CHECK(t.bike_direction == Direction::both);
    t = decode({{"highway", "residential"}, {"oneway", "yes"}, {"cycleway", "opposite_lane"}});
    CHECK(t.bike_direction == Direction::both);
    CHECK(t.facility_backward == mob::CycleFacility::lane);
    CHECK(t.facility_forward == mob::CycleFacility::none);
    t = decode({{"highway", "residential"}, {"oneway", "yes"}, {"cycleway:left", "opposite"}});
    CHECK(t.bike_direction == Direction::both);
    t = decode({{"highway", "secondary"}, {"junction", "roundabout"}});
    CHECK(t.car_direction == Direction::forward);
    CHECK(t.bike_direction == Direction::forward);
    t = decode({{"highway", "motorway_link"}, {"oneway", "no"}});
    CHECK(t.car_direction == Direction::both);
    t = decode({{"highway", "cycleway"}, {"oneway:bicycle", "yes"}});
    CHECK(t.bike_direction == Direction::forward);
    t = decode({{"highway", "secondary"}, {"cycleway:right", "lane"}, {"cycleway:left", "track"}});
    CHECK(t.facility_forward == mob::CycleFacility::lane);
    CHECK(t.facility_backward == mob::CycleFacility::track);
    t = decode({{"highway", "residential"}, {"bicycle_road", "yes"}});
    CHECK(t.facility_forward == mob::CycleFacility::boulevard);
}

TEST_CASE("parse_maxspeed_kmh understands numbers, mph and German implicit values",
          "[mobility][graph]") {
    CHECK(mob::parse_maxspeed_kmh("50") == 50.0F);
    CHECK(mob::parse_maxspeed_kmh("30 mph") == Approx(48.28).margin(0.01));
    CHECK(mob::parse_maxspeed_kmh("DE:urban") == 50.0F);
    CHECK(mob::parse_maxspeed_kmh("DE:zone30") == 30.0F);
    CHECK(mob::parse_maxspeed_kmh("DE:rural") == 100.0F);
    CHECK(mob::parse_maxspeed_kmh("walk") == 7.0F);
    CHECK(mob::parse_maxspeed_kmh("signals") == 0.0F);
    CHECK(mob::parse_maxspeed_kmh("50;30") == 0.0F);
}

TEST_CASE("build_graph splits ways at shared nodes and keeps geometry", "[mobility][graph]") {
    // A west-east street through nodes 0..4 (x = 0..400 m), crossed at node 2 by a north-south
    // street 5-2-6, and a bent street 4-7-8 whose interior node 7 is no junction.
    NetworkBuilder b;
    for (int i = 0; i < 5; ++i) {
        b.node(100.0 * i, 0.0);
    }
    b.node(200.0, 100.0);   // 5
    b.node(200.0, -100.0);  // 6
    b.node(400.0, 100.0);   // 7
    b.node(500.0, 100.0);   // 8 (the bent street runs north, then east)
    b.way({0, 1, 2, 3, 4}, {{"highway", "residential"}});
    b.way({5, 2, 6}, {{"highway", "residential"}});
    b.way({4, 7, 8}, {{"highway", "residential"}});
    const mob::Graph g = mob::build_graph(b.input());
    // Junctions: 0, 2, 4 (way ends and the crossing), 5, 6, 8. Node 1, 3, 7 are shape points.
    CHECK(g.node_count() == 6);
    CHECK(g.segment_count() == 5);
    CHECK(g.edge_count() == 10);
    // CSR invariants.
    REQUIRE(g.first_out().size() == g.node_count() + 1U);
    CHECK(g.first_out().front() == 0U);
    CHECK(g.first_out().back() == g.edge_count());
    for (mob::NodeId v = 0; v < g.node_count(); ++v) {
        for (std::uint32_t e = g.first_out()[v]; e < g.first_out()[v + 1]; ++e) {
            CHECK(g.tail()[e] == v);
        }
    }
    double total = 0.0;
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        total += static_cast<double>(g.length_m()[e]);
        std::vector<double> xs;
        std::vector<double> ys;
        g.append_geometry(e, xs, ys);
        CHECK(xs.front() == g.node_x_m()[g.tail()[e]]);
        CHECK(ys.back() == g.node_y_m()[g.head()[e]]);
    }
    // Per direction: 400 m west-east, 200 m north-south, 100 + 100 m bent street.
    CHECK(total == Approx(2.0 * (400.0 + 200.0 + 200.0)).epsilon(1e-6));
}

TEST_CASE("build_graph applies one-way rules per mode and keeps the largest component per mode",
          "[mobility][graph]") {
    // Square 0-1-2-3 of two-way streets, plus a one-way dead end 3 -> 4 (cars cannot come back:
    // the car bit goes, walking keeps it), plus an island 5-6 not connected to anything.
    NetworkBuilder b;
    b.node(0, 0);
    b.node(100, 0);
    b.node(100, 100);
    b.node(0, 100);
    b.node(-100, 100);
    b.node(1000, 1000);
    b.node(1100, 1000);
    const std::map<std::string, std::string> street{{"highway", "residential"}};
    b.way({0, 1}, street);
    b.way({1, 2}, street);
    b.way({2, 3}, street);
    b.way({3, 0}, street);
    b.way({3, 4}, {{"highway", "residential"}, {"oneway", "yes"}});
    b.way({5, 6}, street);

    mob::GraphBuildParams raw;
    raw.keep_largest_component = false;
    const mob::Graph all = mob::build_graph(b.input(), raw);
    CHECK(all.node_count() == 7);
    // 4 two-way squares (8) + one-way for cars and bikes but two-way for walking (2) + island (2).
    CHECK(all.edge_count() == 12);

    const mob::Graph g = mob::build_graph(b.input());
    CHECK(g.node_count() == 5); // island dropped
    std::size_t car_edges = 0;
    std::size_t walk_edges = 0;
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        car_edges += (g.modes()[e] & mob::mode_bits::car) != 0 ? 1U : 0U;
        walk_edges += (g.modes()[e] & mob::mode_bits::walk) != 0 ? 1U : 0U;
    }
    CHECK(car_edges == 8);  // the dead end is not strongly connected for cars
    CHECK(walk_edges == 10); // pedestrians walk it both ways
    CHECK(g.edge_count() == 10);
}

TEST_CASE("attach_elevation derives per-direction climb and reversed grade profiles",
          "[mobility][graph]") {
    NetworkBuilder b;
    b.node(0, 0);
    b.node(100, 0);
    b.way({0, 1}, {{"highway", "residential"}});
    mob::Graph g = mob::build_graph(b.input());
    REQUIRE(g.segment_count() == 1);
    mob::SegmentElevation el;
    el.node_z_m.resize(g.node_count());
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        const bool fwd = g.reversed()[e] == 0;
        el.node_z_m[g.tail()[e]] = fwd ? 200.0F : 206.0F;
    }
    el.climb_m = {8.0F};
    el.descent_m = {2.0F};
    el.max_grade = {0.08F};
    el.min_grade = {-0.04F};
    el.profile_first = {0, 2};
    el.piece_length_m = {50.0F, 50.0F};
    el.piece_grade = {0.08F, -0.04F};
    g = mob::attach_elevation(std::move(g), std::move(el));
    std::vector<mob::GradePiece> pieces;
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        g.grade_profile(e, pieces);
        REQUIRE(pieces.size() == 2);
        if (g.reversed()[e] == 0) {
            CHECK(g.climb_m()[e] == 8.0F);
            CHECK(g.descent_m()[e] == 2.0F);
            CHECK(g.mean_grade()[e] == Approx(0.06));
            CHECK(pieces[0].grade == 0.08F);
        } else {
            CHECK(g.climb_m()[e] == 2.0F);
            CHECK(g.descent_m()[e] == 8.0F);
            CHECK(g.max_grade()[e] == 0.04F);
            CHECK(g.mean_grade()[e] == Approx(-0.06));
            CHECK(pieces[0].grade == 0.04F);
            CHECK(pieces[1].grade == -0.08F);
        }
    }
}

TEST_CASE("nearest_node snaps within the distance limit only", "[mobility][graph]") {
    const mob::Graph g = mob::build_graph(lauter::test::grid_network(3, 3, 100.0));
    const mob::NodeId v = mob::nearest_node(g, 190.0, 110.0, mob::Mode::walk, 50.0);
    REQUIRE(v != mob::invalid_id);
    CHECK(g.node_x_m()[v] == 200.0);
    CHECK(g.node_y_m()[v] == 100.0);
    CHECK(mob::nearest_node(g, 1000.0, 1000.0, mob::Mode::walk, 50.0) == mob::invalid_id);
}
