// Routing: Dijkstra query objects against a Bellman-Ford oracle on random weights, path
// reconstruction, early stopping, route statistics and many-to-many thread-count independence.
#include <catch2/catch.hpp>

#include "mobility_fixtures.hpp"

#include <lauter/kernels/mobility/routing.hpp>

#include <omp.h>

#include <cmath>
#include <random>

namespace mob = lauter::kernels::mobility;

namespace {

/// Bellman-Ford (all edges relaxed until nothing changes): the oracle.
std::vector<double> bellman_ford(const mob::Graph& g, mob::NodeId source,
                                 const std::vector<float>& w) {
    std::vector<double> d(g.node_count(), mob::unreachable);
    d[source] = 0.0;
    bool changed = true;
    while (changed) {
        changed = false;
        for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
            if (std::isinf(w[e]) || d[g.tail()[e]] == mob::unreachable) {
                continue;
            }
            const double nd = d[g.tail()[e]] + static_cast<double>(w[e]);
            if (nd < d[g.head()[e]]) {
                d[g.head()[e]] = nd;
                changed = true;
            }
        }
    }
    return d;
}

std::vector<float> random_weights(const mob::Graph& g, unsigned seed, double blocked_share) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> w(1.0F, 100.0F);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<float> out(g.edge_count());
    for (float& x : out) {
        x = u(rng) < blocked_share ? std::numeric_limits<float>::infinity() : w(rng);
    }
    return out;
}

} // namespace

TEST_CASE("Dijkstra on a hand-made graph: distances and path", "[mobility][routing]") {
    // A 3 x 3 grid (100 m spacing); weights = lengths: the distance from a corner to the
    // opposite corner is 400 m, to the centre 200 m.
    const mob::Graph g = mob::build_graph(lauter::test::grid_network(3, 3, 100.0));
    const std::vector<float> w(g.length_m().begin(), g.length_m().end());
    const mob::NodeId a = mob::nearest_node(g, 0, 0, mob::Mode::walk, 1);
    const mob::NodeId b = mob::nearest_node(g, 200, 200, mob::Mode::walk, 1);
    const mob::NodeId c = mob::nearest_node(g, 100, 100, mob::Mode::walk, 1);
    mob::ShortestPathQuery q(g);
    q.one_to_all(a, w);
    CHECK(q.distance(a) == 0.0);
    CHECK(q.distance(b) == Approx(400.0));
    CHECK(q.distance(c) == Approx(200.0));
    CHECK(q.settled().size() == 9);
    const auto path = q.path_to(b);
    REQUIRE(path.size() == 4);
    CHECK(g.tail()[path.front()] == a);
    CHECK(g.head()[path.back()] == b);
    for (std::size_t i = 1; i < path.size(); ++i) {
        CHECK(g.tail()[path[i]] == g.head()[path[i - 1]]);
    }
    CHECK(q.path_to(a).empty());
    // A second query on the same object starts clean (timestamps).
    CHECK(q.to_target(c, a, w) == Approx(200.0));
    CHECK(q.distance(c) == 0.0);
    CHECK(q.distance(a) == Approx(200.0));
}

TEST_CASE("Dijkstra agrees with Bellman-Ford on random weights, blocked edges included",
          "[mobility][routing]") {
    const mob::Graph g = mob::build_graph(lauter::test::grid_network(9, 11, 50.0));
    mob::ShortestPathQuery q(g);
    for (unsigned seed = 1; seed <= 5; ++seed) {
        const std::vector<float> w = random_weights(g, seed, 0.15);
        for (const mob::NodeId s : {0U, 17U, g.node_count() - 1}) {
            const std::vector<double> oracle = bellman_ford(g, s, w);
            q.one_to_all(s, w);
            for (mob::NodeId v = 0; v < g.node_count(); ++v) {
                INFO("seed " << seed << " source " << s << " node " << v);
                if (oracle[v] == mob::unreachable) {
                    CHECK(q.distance(v) == mob::unreachable);
                } else {
                    CHECK(q.distance(v) == Approx(oracle[v]).epsilon(1e-12));
                    double along = 0.0;
                    for (const mob::EdgeId e : q.path_to(v)) {
                        along += static_cast<double>(w[e]);
                    }
                    CHECK(along == Approx(oracle[v]).epsilon(1e-12));
                }
            }
            // Point-to-point with early stop gives the same distances.
            const mob::NodeId t = g.node_count() / 2;
            if (oracle[t] == mob::unreachable) {
                CHECK(q.to_target(s, t, w) == mob::unreachable);
            } else {
                CHECK(q.to_target(s, t, w) == Approx(oracle[t]).epsilon(1e-12));
            }
        }
    }
}

TEST_CASE("find_route reports length, time, climb and LTS shares", "[mobility][routing]") {
    const mob::Graph g = mob::build_graph(lauter::test::grid_network(2, 3, 100.0));
    const std::vector<float> cost(g.edge_count(), 1.0F);
    std::vector<float> time(g.edge_count(), 20.0F);
    std::vector<std::uint8_t> lts(g.edge_count(), 1);
    // Mark the southern row (y = 0) as LTS 3.
    for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
        if (g.node_y_m()[g.tail()[e]] == 0.0 && g.node_y_m()[g.head()[e]] == 0.0) {
            lts[e] = 3;
        }
    }
    const mob::NodeId from = mob::nearest_node(g, 0, 0, mob::Mode::bike, 1);
    const mob::NodeId to = mob::nearest_node(g, 200, 100, mob::Mode::bike, 1);
    mob::ShortestPathQuery q(g);
    const mob::Route r = mob::find_route(g, q, from, to, cost, time, lts);
    REQUIRE(r.found);
    CHECK(r.cost == 3.0);
    CHECK(r.time_s == 60.0);
    CHECK(r.length_m == Approx(300.0));
    CHECK(r.climb_m == 0.0);
    CHECK(r.lts_share[0] + r.lts_share[2] == Approx(1.0));
    CHECK(r.x_m.size() == r.y_m.size());
    CHECK(r.x_m.front() == 0.0);
    CHECK(r.x_m.back() == 200.0);
    CHECK(r.y_m.back() == 100.0);
}

TEST_CASE("many_to_many equals single queries and does not depend on the thread count",
          "[mobility][routing]") {
    const mob::Graph g = mob::build_graph(lauter::test::grid_network(15, 15, 40.0));
    const std::vector<float> cost = random_weights(g, 42, 0.05);
    const std::vector<float> time = random_weights(g, 43, 0.0);
    std::vector<mob::NodeId> origins;
    std::vector<mob::NodeId> destinations;
    for (mob::NodeId v = 0; v < g.node_count(); v += 7) {
        origins.push_back(v);
    }
    for (mob::NodeId v = 3; v < g.node_count(); v += 11) {
        destinations.push_back(v);
    }
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const mob::OdMatrix one = mob::many_to_many(g, origins, destinations, cost, time);
    omp_set_num_threads(2);
    const mob::OdMatrix two = mob::many_to_many(g, origins, destinations, cost, time);
    omp_set_num_threads(saved);
    CHECK(one.cost == two.cost);
    CHECK(one.time_s == two.time_s);
    CHECK(one.length_m == two.length_m);

    mob::ShortestPathQuery q(g);
    for (std::size_t o = 0; o < origins.size(); ++o) {
        q.one_to_all(origins[o], cost);
        for (std::size_t d = 0; d < destinations.size(); ++d) {
            const std::size_t cell = o * destinations.size() + d;
            CHECK(one.cost[cell] == q.distance(destinations[d]));
            double t = 0.0;
            double len = 0.0;
            for (const mob::EdgeId e : q.path_to(destinations[d])) {
                t += static_cast<double>(time[e]);
                len += static_cast<double>(g.length_m()[e]);
            }
            if (one.cost[cell] != mob::unreachable) {
                CHECK(one.time_s[cell] == Approx(t).epsilon(1e-12));
                CHECK(one.length_m[cell] == Approx(len).epsilon(1e-12));
            }
        }
    }
}
