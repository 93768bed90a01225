// Zone skims along cost-shortest paths and all-or-nothing assignment: an oracle on a line, the
// agreement with many_to_many, flow conservation on a grid and thread-count independence.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/kernels/mobility/skims.hpp>
#include <lauter/kernels/mobility/speed_models.hpp>

#include "mobility_fixtures.hpp"

#include <omp.h>

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels::mobility;

namespace {

/// Four nodes on a line, 100 m apart, one two-way street per piece.
Graph line_graph() {
    lauter::test::NetworkBuilder b;
    for (int i = 0; i < 4; ++i) {
        b.node(100.0 * i, 0.0);
    }
    const std::map<std::string, std::string> tags{{"highway", "residential"}};
    b.way({0, 1}, tags);
    b.way({1, 2}, tags);
    b.way({2, 3}, tags);
    return build_graph(b.input());
}

NodeId node_at(const Graph& g, double x, double y) {
    return nearest_node(g, x, y, Mode::walk, 1.0);
}

} // namespace

TEST_CASE("Skims: path sums on a line (oracle)", "[mobility][skims]") {
    const Graph g = line_graph();
    const std::vector<float> length(g.length_m().begin(), g.length_m().end());
    std::vector<float> twice(length);
    for (float& v : twice) {
        v *= 2.0F;
    }
    const std::vector<NodeId> nodes = {node_at(g, 0, 0), node_at(g, 300, 0), node_at(g, 100, 0)};
    const std::array<std::span<const float>, 2> values = {length, twice};
    const PathSums s = path_sums(g, nodes, nodes, length, values);
    REQUIRE(s.origins == 3);
    REQUIRE(s.sums.size() == 2);
    // 0 -> 300 m, 0 -> 100 m, 300 -> 100: 200 m; the diagonal is 0.
    CHECK(s.cost[0 * 3 + 1] == Approx(300.0));
    CHECK(s.sums[0][0 * 3 + 1] == Approx(300.0));
    CHECK(s.sums[1][0 * 3 + 1] == Approx(600.0));
    CHECK(s.sums[0][1 * 3 + 2] == Approx(200.0));
    CHECK(s.sums[0][2 * 3 + 0] == Approx(100.0));
    CHECK(s.sums[0][1 * 3 + 1] == 0.0);
}

TEST_CASE("Skims: all-or-nothing volumes on a line (oracle)", "[mobility][skims]") {
    const Graph g = line_graph();
    const std::vector<float> length(g.length_m().begin(), g.length_m().end());
    const std::vector<NodeId> origins = {node_at(g, 0, 0), node_at(g, 300, 0)};
    const std::vector<NodeId> destinations = {node_at(g, 200, 0), node_at(g, 300, 0)};
    // 0 -> 200: 5 trips, 0 -> 300: 2 trips, 300 -> 200: 7 trips, 300 -> 300: 4 trips (no edge).
    const std::vector<double> trips = {5.0, 2.0, 7.0, 4.0};
    double unassigned = -1.0;
    const std::vector<double> v = assign_all_or_nothing(g, origins, destinations, length, trips,
                                                        &unassigned);
    CHECK(unassigned == 0.0);
    const auto volume_between = [&](double xa, double xb) {
        const NodeId a = node_at(g, xa, 0);
        const NodeId b = node_at(g, xb, 0);
        for (EdgeId e = 0; e < g.edge_count(); ++e) {
            if (g.tail()[e] == a && g.head()[e] == b) {
                return v[e];
            }
        }
        FAIL("no edge");
        return 0.0;
    };
    CHECK(volume_between(0, 100) == 7.0);
    CHECK(volume_between(100, 200) == 7.0);
    CHECK(volume_between(200, 300) == 2.0);
    CHECK(volume_between(300, 200) == 7.0);
    CHECK(volume_between(200, 100) == 0.0);
}

TEST_CASE("Skims agree with many_to_many; assignment conserves vehicle-metres",
          "[mobility][skims]") {
    const Graph g = build_graph(lauter::test::grid_network(12, 15, 80.0));
    TravelProfile walk;
    walk.mode = Mode::walk;
    const std::vector<float> time_s = edge_travel_times_s(g, walk);
    const std::vector<float> length(g.length_m().begin(), g.length_m().end());
    std::vector<NodeId> nodes;
    for (NodeId v = 0; v < g.node_count(); v += 7) {
        nodes.push_back(v);
    }
    const std::array<std::span<const float>, 2> values = {time_s, length};
    const PathSums s = path_sums(g, nodes, nodes, time_s, values);
    const OdMatrix m = many_to_many(g, nodes, nodes, time_s, time_s);
    const std::size_t n = nodes.size();
    std::vector<double> trips(n * n);
    double expected_trip_m = 0.0;
    for (std::size_t k = 0; k < n * n; ++k) {
        CHECK(s.cost[k] == m.cost[k]);
        CHECK(s.sums[0][k] == m.time_s[k]);
        CHECK(s.sums[1][k] == m.length_m[k]);
        trips[k] = static_cast<double>((k * 37) % 11);
        expected_trip_m += trips[k] * s.sums[1][k];
    }
    // Sum over edges of volume x length = sum over pairs of trips x path length.
    const std::vector<double> v = assign_all_or_nothing(g, nodes, nodes, time_s, trips);
    double loaded_m = 0.0;
    for (std::size_t e = 0; e < v.size(); ++e) {
        loaded_m += v[e] * static_cast<double>(length[e]);
    }
    CHECK(loaded_m == Approx(expected_trip_m).epsilon(1e-9));
}

TEST_CASE("Skims and assignment are independent of the thread count", "[mobility][skims]") {
    const Graph g = build_graph(lauter::test::grid_network(20, 20, 60.0));
    TravelProfile bike;
    const std::vector<float> time_s = edge_travel_times_s(g, bike);
    std::vector<NodeId> nodes;
    for (NodeId v = 0; v < g.node_count(); v += 5) {
        nodes.push_back(v);
    }
    std::vector<double> trips(nodes.size() * nodes.size());
    for (std::size_t k = 0; k < trips.size(); ++k) {
        trips[k] = 0.1 * static_cast<double>(k % 13);
    }
    const std::array<std::span<const float>, 1> values = {time_s};
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const PathSums s1 = path_sums(g, nodes, nodes, time_s, values);
    const std::vector<double> v1 = assign_all_or_nothing(g, nodes, nodes, time_s, trips);
    omp_set_num_threads(2);
    const PathSums s2 = path_sums(g, nodes, nodes, time_s, values);
    const std::vector<double> v2 = assign_all_or_nothing(g, nodes, nodes, time_s, trips);
    omp_set_num_threads(saved);
    CHECK(std::memcmp(s1.sums[0].data(), s2.sums[0].data(), s1.sums[0].size() * 8) == 0);
    CHECK(std::memcmp(v1.data(), v2.data(), v1.size() * sizeof(double)) == 0);
}

TEST_CASE("Skims: bad input", "[mobility][skims]") {
    const Graph g = line_graph();
    const std::vector<float> length(g.length_m().begin(), g.length_m().end());
    const std::vector<NodeId> bad = {99};
    const std::vector<NodeId> ok = {0};
    CHECK_THROWS_AS(path_sums(g, bad, ok, length, {}), std::invalid_argument);
    const std::vector<float> short_cost(1, 1.0F);
    CHECK_THROWS_AS(path_sums(g, ok, ok, short_cost, {}), std::invalid_argument);
    const std::vector<double> negative = {-1.0};
    CHECK_THROWS_AS(assign_all_or_nothing(g, ok, ok, length, negative), std::invalid_argument);
    const std::vector<double> two = {1.0, 1.0};
    CHECK_THROWS_AS(assign_all_or_nothing(g, ok, ok, length, two), std::invalid_argument);
}
