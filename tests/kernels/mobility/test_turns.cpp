// Turn-aware routing (turns.hpp): turn classification from the edge geometry, hand-made
// networks with known answers (a straight detour against two turns, U-turns mid-street and at a
// dead end, left and right turns of equal cost), the skims and the assignment on the label tree,
// penalty 0 against the node-based query, and thread-count independence.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/cycling_stress.hpp>
#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/kernels/mobility/skims.hpp>
#include <lauter/kernels/mobility/speed_models.hpp>
#include <lauter/kernels/mobility/turns.hpp>

#include "mobility_fixtures.hpp"

#include <omp.h>

#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace lauter::kernels::mobility;

namespace {

const std::map<std::string, std::string> street{{"highway", "residential"}};

NodeId node_at(const Graph& g, double x, double y) {
    const NodeId v = nearest_node(g, x, y, Mode::walk, 0.5);
    REQUIRE(v != invalid_id);
    return v;
}

EdgeId edge_between(const Graph& g, NodeId from, NodeId to) {
    for (std::uint32_t e = g.first_out()[from]; e < g.first_out()[from + 1]; ++e) {
        if (g.head()[e] == to) {
            return e;
        }
    }
    FAIL("no edge");
    return invalid_id;
}

/// Two routes from S (0, 0) to T (200, 100): S-P-Q-T, 300 m with a left turn at P and a right
/// turn at Q; and S-X-Y-T, 471 m of curved streets that meet straight at X and Y (the bends
/// lie inside the ways, between non-junction OSM nodes).
Graph detour_graph() {
    lauter::test::NetworkBuilder b;
    const auto s = b.node(0, 0);
    const auto p = b.node(100, 0);
    const auto q = b.node(100, 100);
    const auto t = b.node(200, 100);
    const auto a1 = b.node(0, -50);
    const auto a2 = b.node(50, -60);
    const auto x = b.node(100, -60);
    const auto y = b.node(200, -60);
    const auto c1 = b.node(230, -60);
    const auto c2 = b.node(230, 100);
    b.way({s, p}, street);
    b.way({p, q}, street);
    b.way({q, t}, street);
    b.way({s, a1, a2, x}, street);
    b.way({x, y}, street);
    b.way({y, c1, c2, t}, street);
    return build_graph(b.input());
}

std::vector<float> lengths(const Graph& g) {
    return {g.length_m().begin(), g.length_m().end()};
}

/// A plus-shaped crossing at (0, 0) with 100 m arms to the four compass points.
Graph plus_graph() {
    lauter::test::NetworkBuilder b;
    const auto c = b.node(0, 0);
    for (const auto& [x, y] : {std::pair{0.0, -100.0}, std::pair{-100.0, 0.0},
                               std::pair{100.0, 0.0}, std::pair{0.0, 100.0}}) {
        b.way({b.node(x, y), c}, street);
    }
    return build_graph(b.input());
}

/// S (0, -100) north to B (0, 0), on north to N (0, 100); W (10, -100) hangs off B to the south,
/// almost back where S came from. With `through` N continues north to a dead end M (0, 200).
Graph u_turn_graph(bool through) {
    lauter::test::NetworkBuilder b;
    const auto s = b.node(0, -100);
    const auto bb = b.node(0, 0);
    const auto n = b.node(0, 100);
    const auto w = b.node(10, -100);
    b.way({s, bb}, street);
    b.way({bb, n}, street);
    b.way({bb, w}, street);
    if (through) {
        b.way({n, b.node(0, 200)}, street);
    }
    return build_graph(b.input());
}

/// Node distances by Bellman-Ford relaxation of the explicit line graph (every transition e -> f
/// at e's head, with the turn rules of turns.hpp written out again): an independent oracle for
/// the query's shortcuts (straight-on continuations without the heap, dominated labels dropped).
std::vector<double> line_graph_distances(const Graph& g, NodeId source,
                                         std::span<const float> w, const TurnGeometry& geometry,
                                         std::span<const float> penalty) {
    std::vector<double> label(g.edge_count(), unreachable);
    for (std::uint32_t f = g.first_out()[source]; f < g.first_out()[source + 1]; ++f) {
        if (std::isfinite(w[f])) {
            label[f] = w[f];
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (EdgeId e = 0; e < g.edge_count(); ++e) {
            if (label[e] == unreachable) {
                continue;
            }
            const NodeId v = g.head()[e];
            std::vector<EdgeId> exits;
            for (std::uint32_t f = g.first_out()[v]; f < g.first_out()[v + 1]; ++f) {
                if (std::isfinite(w[f]) && f != geometry.twin()[e]) {
                    exits.push_back(f);
                }
            }
            const bool dead_end = exits.empty();
            if (dead_end && geometry.twin()[e] != invalid_id &&
                std::isfinite(w[geometry.twin()[e]])) {
                exits.push_back(geometry.twin()[e]);
            }
            for (const EdgeId f : exits) {
                const double turn =
                    !dead_end && geometry.is_turn(e, f) ? static_cast<double>(penalty[e]) : 0.0;
                const double nd = label[e] + turn + static_cast<double>(w[f]);
                if (nd < label[f] - 1e-9) {
                    label[f] = nd;
                    changed = true;
                }
            }
        }
    }
    std::vector<double> dist(g.node_count(), unreachable);
    dist[source] = 0.0;
    for (EdgeId e = 0; e < g.edge_count(); ++e) {
        dist[g.head()[e]] = std::min(dist[g.head()[e]], label[e]);
    }
    return dist;
}

} // namespace

TEST_CASE("Turns: bearings, twins and the kind of each turn", "[mobility][turns]") {
    const Graph g = detour_graph();
    const TurnGeometry geometry(g);
    const NodeId s = node_at(g, 0, 0);
    const NodeId p = node_at(g, 100, 0);
    const NodeId q = node_at(g, 100, 100);
    const NodeId t = node_at(g, 200, 100);
    const NodeId x = node_at(g, 100, -60);
    const NodeId y = node_at(g, 200, -60);
    const EdgeId sp = edge_between(g, s, p);
    const EdgeId pq = edge_between(g, p, q);
    const EdgeId qt = edge_between(g, q, t);
    // Compass bearings: east = +90 degrees, north = 0.
    CHECK(geometry.exit_bearing_rad()[sp] == Approx(std::acos(0.0)));
    CHECK(geometry.entry_bearing_rad()[pq] == Approx(0.0).margin(1e-7));
    CHECK(geometry.twin()[sp] == edge_between(g, p, s));
    CHECK(geometry.twin()[edge_between(g, p, s)] == sp);
    CHECK(geometry.classify(sp, pq) == TurnKind::left);
    CHECK(geometry.classify(pq, qt) == TurnKind::right);
    CHECK(geometry.classify(sp, edge_between(g, p, s)) == TurnKind::u_turn);
    // The curved ways meet straight at X and Y although their end nodes are not aligned.
    const EdgeId sx = edge_between(g, s, x);
    const EdgeId xy = edge_between(g, x, y);
    const EdgeId yt = edge_between(g, y, t);
    CHECK(geometry.entry_bearing_rad()[sx] == Approx(std::acos(-1.0))); // leaves S southwards
    CHECK(geometry.classify(sx, xy) == TurnKind::straight);
    CHECK(geometry.classify(xy, yt) == TurnKind::straight);
    CHECK(geometry.deflection_rad(sx, xy) == Approx(0.0).margin(1e-7));
}

TEST_CASE("Turns: 27 degrees is the first deflection that counts as a turn",
          "[mobility][turns]") {
    // Two-edge paths bending by 26.9 and 27.1 degrees (conveyal/r5 TurnCostCalculator: < 27
    // is straight on).
    for (const auto& [degrees, kind] :
         {std::pair{26.9, TurnKind::straight}, std::pair{-26.9, TurnKind::straight},
          std::pair{27.1, TurnKind::right}, std::pair{-27.1, TurnKind::left}}) {
        lauter::test::NetworkBuilder b;
        const auto a = b.node(0, -100);
        const auto c = b.node(0, 0);
        const double r = degrees * std::acos(-1.0) / 180.0;
        const double dx = 100.0 * std::sin(r);
        const double dy = 100.0 * std::cos(r);
        b.way({a, c, b.node(dx, dy)}, street);
        // The way bends at C; a spur to the west makes C a junction (ways split only there).
        b.way({c, b.node(-100.0, 0.0)}, street);
        const Graph g = build_graph(b.input());
        const TurnGeometry geometry(g);
        const NodeId na = node_at(g, 0, -100);
        const NodeId nc = node_at(g, 0, 0);
        const NodeId nd = node_at(g, dx, dy);
        INFO(degrees);
        CHECK(geometry.classify(edge_between(g, na, nc), edge_between(g, nc, nd)) == kind);
    }
}

TEST_CASE("Turns: a straight detour beats two turns when the penalties exceed it",
          "[mobility][turns]") {
    const Graph g = detour_graph();
    const TurnGeometry geometry(g);
    const std::vector<float> w = lengths(g);
    const NodeId s = node_at(g, 0, 0);
    const NodeId t = node_at(g, 200, 100);
    const double turned = 300.0;
    const double detour = 50.0 + std::hypot(50.0, 10.0) + 50.0 + 100.0 + 30.0 + 160.0 + 30.0;
    TurnAwareQuery query(g);
    ShortestPathQuery plain(g);
    CHECK(plain.to_target(s, t, w) == Approx(turned));
    // 2 x 50 = 100 < 171 m of detour: the two turns; 2 x 100 = 200 > 171: the detour.
    for (const auto& [penalty, expected, expected_length] :
         {std::tuple{0.0F, turned, turned}, std::tuple{50.0F, turned + 100.0, turned},
          std::tuple{100.0F, detour, detour}}) {
        const std::vector<float> pen(g.edge_count(), penalty);
        const TurnCosts turns{&geometry, pen};
        INFO("penalty " << penalty);
        CHECK(query.to_target(s, t, w, turns) == Approx(expected));
        const std::vector<EdgeId> path = query.path_to(t);
        REQUIRE(path.size() == 3);
        double length = 0.0;
        for (const EdgeId e : path) {
            length += static_cast<double>(g.length_m()[e]);
        }
        CHECK(length == Approx(expected_length).epsilon(1e-6));
        // The route and the one-to-all tree agree with the point-to-point query.
        const Route r = find_route(g, query, s, t, w, w, {}, turns);
        CHECK(r.cost == Approx(expected));
        CHECK(r.length_m == Approx(length));
        query.one_to_all(s, w, turns);
        CHECK(query.distance(t) == Approx(expected));
        CHECK(query.distance(s) == 0.0);
    }
}

TEST_CASE("Turns: U-turns are forbidden mid-street and free at a dead end",
          "[mobility][turns]") {
    // From S to W: straight through B to N, U-turn at N and straight back through B to W (no
    // turn), or the sharp right turn at B (174 degrees, a turn but not a U-turn: W is another
    // street). Penalty 300 s per turn, weights = lengths.
    const double to_w = std::hypot(10.0, 100.0);
    for (const bool through : {false, true}) {
        const Graph g = u_turn_graph(through);
        const TurnGeometry geometry(g);
        const std::vector<float> w = lengths(g);
        const std::vector<float> pen(g.edge_count(), 300.0F);
        const TurnCosts turns{&geometry, pen};
        const NodeId s = node_at(g, 0, -100);
        const NodeId b = node_at(g, 0, 0);
        const NodeId n = node_at(g, 0, 100);
        const NodeId wn = node_at(g, 10, -100);
        CHECK(geometry.classify(edge_between(g, s, b), edge_between(g, b, wn)) ==
              TurnKind::right);
        CHECK(geometry.classify(edge_between(g, b, n), edge_between(g, n, b)) ==
              TurnKind::u_turn);
        TurnAwareQuery query(g);
        const double d = query.to_target(s, wn, w, turns);
        INFO((through ? "N continues north" : "N is a dead end"));
        if (through) {
            // Mid-street the U-turn at N is forbidden; the one at the dead end M costs
            // 200 m more than the turn at B.
            CHECK(d == Approx(100.0 + to_w + 300.0));
            CHECK(query.path_to(wn).size() == 2);
        } else {
            CHECK(d == Approx(100.0 + 100.0 + 100.0 + to_w));
            CHECK(query.path_to(wn).size() == 4);
        }
    }
}

TEST_CASE("Turns: left and right turns cost the same", "[mobility][turns]") {
    const Graph g = plus_graph();
    const TurnGeometry geometry(g);
    const std::vector<float> w = lengths(g);
    const std::vector<float> pen(g.edge_count(), 54.0F);
    const NodeId south = node_at(g, 0, -100);
    const NodeId centre = node_at(g, 0, 0);
    const EdgeId in = edge_between(g, south, centre);
    CHECK(geometry.classify(in, edge_between(g, centre, node_at(g, -100, 0))) == TurnKind::left);
    CHECK(geometry.classify(in, edge_between(g, centre, node_at(g, 100, 0))) == TurnKind::right);
    CHECK(geometry.classify(in, edge_between(g, centre, node_at(g, 0, 100))) ==
          TurnKind::straight);
    TurnAwareQuery query(g);
    query.one_to_all(south, w, TurnCosts{&geometry, pen});
    CHECK(query.distance(node_at(g, -100, 0)) == Approx(254.0));
    CHECK(query.distance(node_at(g, 100, 0)) == Approx(254.0));
    CHECK(query.distance(node_at(g, 0, 100)) == Approx(200.0));
    CHECK(query.distance(centre) == Approx(100.0));
}

TEST_CASE("Turns: skims and assignment follow the turn-aware paths", "[mobility][turns]") {
    const Graph g = detour_graph();
    const TurnGeometry geometry(g);
    const std::vector<float> w = lengths(g);
    const std::vector<float> pen(g.edge_count(), 100.0F);
    const TurnCosts turns{&geometry, pen};
    const std::vector<NodeId> nodes = {node_at(g, 0, 0), node_at(g, 200, 100)};
    const std::array<std::span<const float>, 1> values = {w};
    const double detour = 50.0 + std::hypot(50.0, 10.0) + 50.0 + 100.0 + 30.0 + 160.0 + 30.0;
    const PathSums s = path_sums(g, nodes, nodes, w, values, &turns);
    CHECK(s.cost[1] == Approx(detour));
    CHECK(s.sums[0][1] == Approx(detour));
    CHECK(s.cost[0] == 0.0);
    CHECK(s.sums[0][0] == 0.0);
    // Back from T: the mirror image, also the detour.
    CHECK(s.cost[2] == Approx(detour));
    const std::vector<double> trips = {5.0, 2.0, 1.0, 7.0};
    double unassigned = -1.0;
    const std::vector<double> v =
        assign_all_or_nothing(g, nodes, nodes, w, trips, &unassigned, &turns);
    CHECK(unassigned == 0.0);
    const NodeId x = node_at(g, 100, -60);
    const NodeId y = node_at(g, 200, -60);
    CHECK(v[edge_between(g, x, y)] == 2.0);
    CHECK(v[edge_between(g, y, x)] == 1.0);
    CHECK(v[edge_between(g, node_at(g, 0, 0), node_at(g, 100, 0))] == 0.0);
    // Without turn costs the short route carries them.
    const std::vector<double> plain = assign_all_or_nothing(g, nodes, nodes, w, trips);
    CHECK(plain[edge_between(g, node_at(g, 0, 0), node_at(g, 100, 0))] == 2.0);
    CHECK(plain[edge_between(g, x, y)] == 0.0);
    // Turn costs that do not fit the graph are rejected.
    const std::vector<float> short_pen(3, 0.0F);
    const TurnCosts bad{&geometry, short_pen};
    CHECK_THROWS_AS(path_sums(g, nodes, nodes, w, values, &bad), std::invalid_argument);
    TurnAwareQuery query(g);
    CHECK_THROWS_AS(query.one_to_all(nodes[0], w, bad), std::invalid_argument);
}

TEST_CASE("Turns: penalty 0 gives the node-based distances; threads do not matter",
          "[mobility][turns]") {
    const Graph g = build_graph(lauter::test::grid_network(12, 15, 80.0));
    TravelProfile bike;
    const std::vector<float> time = edge_travel_times_s(g, bike);
    const std::vector<float> cost = cycling_perceived_cost_s(g, time, level_of_traffic_stress(g));
    const TurnGeometry geometry(g);
    const std::vector<float> zero(g.edge_count(), 0.0F);
    std::vector<NodeId> nodes;
    for (NodeId v = 0; v < g.node_count(); v += 7) {
        nodes.push_back(v);
    }
    const std::array<std::span<const float>, 1> values = {time};
    const TurnCosts no_turn_cost{&geometry, zero};
    const PathSums plain = path_sums(g, nodes, nodes, cost, values);
    const PathSums aware = path_sums(g, nodes, nodes, cost, values, &no_turn_cost);
    REQUIRE(aware.cost.size() == plain.cost.size());
    for (std::size_t i = 0; i < plain.cost.size(); ++i) {
        CHECK(aware.cost[i] == Approx(plain.cost[i]).epsilon(1e-12));
    }

    const std::vector<float> penalty = cycling_turn_penalty_s(g, time);
    const TurnCosts turns{&geometry, penalty};
    std::vector<double> trips(nodes.size() * nodes.size(), 1.5);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const PathSums s1 = path_sums(g, nodes, nodes, cost, values, &turns);
    const std::vector<double> v1 = assign_all_or_nothing(g, nodes, nodes, cost, trips, nullptr,
                                                         &turns);
    omp_set_num_threads(2);
    const PathSums s2 = path_sums(g, nodes, nodes, cost, values, &turns);
    const std::vector<double> v2 = assign_all_or_nothing(g, nodes, nodes, cost, trips, nullptr,
                                                         &turns);
    omp_set_num_threads(saved);
    CHECK(std::memcmp(s1.cost.data(), s2.cost.data(), s1.cost.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(s1.sums[0].data(), s2.sums[0].data(), s1.sums[0].size() * sizeof(double)) ==
          0);
    CHECK(std::memcmp(v1.data(), v2.data(), v1.size() * sizeof(double)) == 0);
    // On a grid every turn is a right angle: turn costs make some paths dearer, none cheaper.
    std::size_t dearer = 0;
    for (std::size_t i = 0; i < s1.cost.size(); ++i) {
        CHECK(s1.cost[i] >= plain.cost[i] * (1.0 - 1e-12));
        dearer += s1.cost[i] > plain.cost[i] + 1e-9 ? 1U : 0U;
    }
    CHECK(dearer > s1.cost.size() / 2);
}

TEST_CASE("Turns: the query's shortcuts match plain edge-based relaxation; targets stop early "
          "with final distances and consistent paths",
          "[mobility][turns]") {
    // A 9 x 11 grid with uneven weights, so that straight-on chains, dominated labels and turn
    // detours all occur; penalties large enough to change many paths.
    const Graph g = build_graph(lauter::test::grid_network(9, 11, 60.0));
    std::vector<float> w(g.edge_count());
    std::vector<float> penalty(g.edge_count());
    for (EdgeId e = 0; e < g.edge_count(); ++e) {
        w[e] = 5.0F + static_cast<float>((e * 37U) % 23U);
        penalty[e] = static_cast<float>((e * 11U) % 3U) * 9.0F;
    }
    const TurnGeometry geometry(g);
    const TurnCosts turns{&geometry, penalty};
    TurnAwareQuery query(g);
    for (NodeId source = 0; source < g.node_count(); source += 13) {
        const std::vector<double> oracle = line_graph_distances(g, source, w, geometry, penalty);
        query.one_to_all(source, w, turns);
        std::vector<double> all(g.node_count());
        for (NodeId v = 0; v < g.node_count(); ++v) {
            all[v] = query.distance(v);
            CHECK(all[v] == Approx(oracle[v]).epsilon(1e-12));
        }
        // Parents come before their children in settle order.
        std::vector<int> position(g.edge_count(), -1);
        for (std::size_t i = 0; i < query.settled().size(); ++i) {
            position[query.settled()[i]] = static_cast<int>(i);
        }
        for (const EdgeId e : query.settled()) {
            const EdgeId p = query.parent_label(e);
            CHECK((p == invalid_id || position[p] < position[e]));
        }
        for (NodeId target = 0; target < g.node_count(); target += 7) {
            CHECK(query.to_target(source, target, w, turns) == all[target]);
            // The path's own cost: weights plus the penalty of each turn along it.
            const std::vector<EdgeId> path = query.path_to(target);
            double cost = 0.0;
            for (std::size_t i = 0; i < path.size(); ++i) {
                cost += static_cast<double>(w[path[i]]);
                if (i > 0 && geometry.is_turn(path[i - 1], path[i]) &&
                    geometry.twin()[path[i - 1]] != path[i]) {
                    cost += static_cast<double>(penalty[path[i - 1]]);
                }
            }
            CHECK(cost == Approx(all[target]).epsilon(1e-12));
        }
        const std::vector<NodeId> targets = {static_cast<NodeId>(g.node_count() - 1), 3, 40};
        query.to_targets(source, targets, w, turns);
        for (const NodeId t : targets) {
            CHECK(query.distance(t) == all[t]);
        }
    }
}

TEST_CASE("Turns: the cycling turn penalty is 54 m at the edge's speed", "[mobility][turns]") {
    const Graph g = plus_graph();
    std::vector<float> time(g.edge_count(), 20.0F); // 100 m in 20 s: 5 m/s
    time[0] = std::numeric_limits<float>::infinity();
    const std::vector<float> pen = cycling_turn_penalty_s(g, time);
    // R5 LaDotBikeCostSupplier: 54 m; at 5 m/s that is 10.8 s.
    CHECK(pen[1] == Approx(10.8));
    CHECK(pen[0] == 0.0F);
    CyclingStressParams off;
    off.turn_penalty_m = 0.0;
    CHECK(cycling_turn_penalty_s(g, time, off)[1] == 0.0F);
    CyclingStressParams negative;
    negative.turn_penalty_m = -1.0;
    CHECK_THROWS_AS(cycling_turn_penalty_s(g, time, negative), std::invalid_argument);
}
