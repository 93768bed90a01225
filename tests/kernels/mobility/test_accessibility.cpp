// Accessibility: multi-source Dijkstra on hand-made graphs (costs, nearest source, bounds,
// query reuse, agreement with the minimum over single-source searches) and the resident
// coverage tables (stop catchments by headway class, grocery, green space, centre) on a toy
// network with hand-computed answers.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/accessibility.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <tuple>
#include <vector>

using namespace lauter::kernels::mobility;

namespace {

/// An owning CSR graph built from an arc list.
struct TestGraph {
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint32_t> targets;
    std::vector<double> weights;

    CsrGraph view() const { return {offsets, targets, weights}; }
};

TestGraph build(std::size_t n, std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> arcs,
                bool both_ways) {
    if (both_ways) {
        const std::size_t m = arcs.size();
        for (std::size_t a = 0; a < m; ++a) {
            arcs.emplace_back(std::get<1>(arcs[a]), std::get<0>(arcs[a]), std::get<2>(arcs[a]));
        }
    }
    std::stable_sort(arcs.begin(), arcs.end(), [](const auto& x, const auto& y) {
        return std::get<0>(x) < std::get<0>(y);
    });
    TestGraph g;
    g.offsets.assign(n + 1, 0);
    for (const auto& a : arcs) {
        ++g.offsets[std::get<0>(a) + 1];
        g.targets.push_back(std::get<1>(a));
        g.weights.push_back(std::get<2>(a));
    }
    for (std::size_t u = 0; u < n; ++u) {
        g.offsets[u + 1] += g.offsets[u];
    }
    return g;
}

/// The toy street network (metres): a street 0-1-2-3-4 with 100 m blocks and a side street
/// 2-5 (250 m), 5-6 (100 m). One origin per node, residents 10, 20, ..., 70; the origin at
/// node 3 lies 50 m off the street. Zones: A = {0, 1, 2}, B = {3, 4}, C = {5, 6}.
struct Toy {
    TestGraph metres = build(7,
                             {{0, 1, 100.0},
                              {1, 2, 100.0},
                              {2, 3, 100.0},
                              {3, 4, 100.0},
                              {2, 5, 250.0},
                              {5, 6, 100.0}},
                             true);
    std::vector<std::uint32_t> node = {0, 1, 2, 3, 4, 5, 6};
    std::vector<double> access = {0.0, 0.0, 0.0, 50.0, 0.0, 0.0, 0.0};
    std::vector<double> residents = {10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0};
    std::vector<std::uint32_t> zone = {0, 0, 0, 1, 1, 2, 2};

    OriginSet origins() const { return {node, access, residents, zone, 3}; }
};

} // namespace

TEST_CASE("Nearest destination: costs, sources and bounds on a directed graph",
          "[mobility_demand][accessibility]") {
    // 0 -> 1 (4), 0 -> 2 (1), 2 -> 1 (2), 1 -> 3 (5), 4 -> 3 (1), 3 -> 0 (7); node 5 isolated.
    const TestGraph g =
        build(6, {{0, 1, 4.0}, {0, 2, 1.0}, {2, 1, 2.0}, {1, 3, 5.0}, {4, 3, 1.0}, {3, 0, 7.0}},
              false);
    NearestDestinationQuery q;
    const std::vector<std::uint32_t> sources = {0, 4};
    const std::vector<double> start = {0.0, 6.5};
    q.run(g.view(), sources, start);
    const auto c = q.costs();
    CHECK(c[0] == 0.0);
    CHECK(c[2] == 1.0);
    CHECK(c[1] == 3.0); // via 2, not the direct 4
    CHECK(c[3] == 7.5); // source 4 (6.5 + 1) beats 0 -> 2 -> 1 -> 3 (8)
    CHECK(c[4] == 6.5);
    CHECK(std::isinf(c[5]));
    CHECK(q.nearest_source()[3] == 1);
    CHECK(q.nearest_source()[1] == 0);
    CHECK(q.nearest_source()[5] == invalid_index);
    CHECK(q.settled_count() == 5);

    // Bounded: nothing beyond 2.5; the reused query forgets the previous run.
    q.run(g.view(), std::vector<std::uint32_t>{0}, {}, 2.5);
    CHECK(q.costs()[2] == 1.0);
    CHECK(std::isinf(q.costs()[1]));
    CHECK(std::isinf(q.costs()[3]));
    CHECK(std::isinf(q.costs()[4]));
    CHECK(q.settled_count() == 2);

    CHECK_THROWS_AS(q.run(g.view(), std::vector<std::uint32_t>{9}), std::invalid_argument);
    const std::vector<std::uint32_t> bad_offsets = {0, 2, 1};
    const std::vector<std::uint32_t> t2 = {1};
    const std::vector<double> w2 = {1.0};
    CHECK_THROWS_AS(validate_csr({bad_offsets, t2, w2}), std::invalid_argument);
    const std::vector<std::uint32_t> offsets = {0, 1, 1};
    const std::vector<std::uint32_t> far = {7};
    CHECK_THROWS_AS(validate_csr({offsets, far, w2}), std::invalid_argument);
    const std::vector<double> negative = {-1.0};
    CHECK_THROWS_AS(validate_csr({offsets, t2, negative}), std::invalid_argument);
}

TEST_CASE("Multi-source Dijkstra equals the minimum over single-source searches",
          "[mobility_demand][accessibility]") {
    std::mt19937 rng(4);
    const std::size_t n = 300;
    std::uniform_int_distribution<std::uint32_t> node(0, static_cast<std::uint32_t>(n - 1));
    std::uniform_real_distribution<double> w(1.0, 100.0);
    std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> arcs;
    for (std::size_t a = 0; a < 1200; ++a) {
        arcs.emplace_back(node(rng), node(rng), w(rng));
    }
    const TestGraph g = build(n, arcs, false);
    const std::vector<std::uint32_t> sources = {3, 77, 150, 298};
    NearestDestinationQuery multi;
    multi.run(g.view(), sources);
    std::vector<double> best(n, HUGE_VAL);
    NearestDestinationQuery single;
    for (std::uint32_t s : sources) {
        single.run(g.view(), std::vector<std::uint32_t>{s});
        for (std::size_t v = 0; v < n; ++v) {
            best[v] = std::min(best[v], single.costs()[v]);
        }
    }
    for (std::size_t v = 0; v < n; ++v) {
        REQUIRE(multi.costs()[v] == Approx(best[v]).epsilon(1e-12));
        if (std::isfinite(best[v])) {
            // The reported source really is at that cost.
            single.run(g.view(), std::vector<std::uint32_t>{sources[multi.nearest_source()[v]]});
            REQUIRE(single.costs()[v] == Approx(best[v]).epsilon(1e-12));
        }
    }
}

TEST_CASE("Stop catchments by headway class on the toy network",
          "[mobility_demand][accessibility]") {
    const Toy toy;
    // Stops: node 0 every 7.5 min, node 4 every 30 min, node 6 hourly, node 1 unserved (NaN).
    const std::vector<std::uint32_t> stops = {0, 4, 6, 1};
    const std::vector<double> headway = {7.5, 30.0, 60.0, std::nan("")};
    const int before = omp_get_max_threads();
    omp_set_num_threads(2);
    const StopCatchmentTable t = stop_catchments(toy.metres.view(), stops, headway,
                                                 toy.origins());
    omp_set_num_threads(before);
    // Distances to the stop at 0: nodes 0..6 = 0, 100, 200, 300 + 50 access, 400, 450, 550.
    // <= 10 and <= 20 min (stop 0 only): 300 m -> nodes 0-2 (60 of 280 residents);
    // 400 m -> nodes 0-4 (150; node 4 at exactly 400 m counts).
    for (std::size_t c = 0; c < 2; ++c) {
        CHECK(t.tables[c][0].city.residents == 280.0);
        CHECK(t.tables[c][0].city.covered == 60.0);
        CHECK(t.tables[c][1].city.covered == 150.0);
        CHECK(t.tables[c][1].zones[1].share() == 1.0);  // zone B: 350 m and 400 m
        CHECK(t.tables[c][1].zones[2].share() == 0.0);  // zone C: 450 m and 550 m
        CHECK(t.tables[c][0].zones[0].share() == 1.0);
    }
    // <= 40 min adds the stop at 4: node 3 at 100 + 50 m; still nothing in zone C.
    CHECK(t.tables[2][0].city.covered == 150.0);
    CHECK(t.tables[2][1].city.covered == 150.0);
    CHECK(t.tables[2][0].zones[2].covered == 0.0);
    // <= 60 min adds the stop at 6: node 5 at 100 m -> everyone within 300 m.
    CHECK(t.tables[3][0].city.covered == 280.0);
    CHECK(t.tables[3][0].city.share() == 1.0);
}

TEST_CASE("Grocery, green space and centre indicators on the toy network",
          "[mobility_demand][accessibility]") {
    const Toy toy;
    // Walking minutes: 5 per 100 m block, 12.5 for the 250 m side street.
    const TestGraph minutes = build(7,
                                    {{0, 1, 5.0},
                                     {1, 2, 5.0},
                                     {2, 3, 5.0},
                                     {3, 4, 5.0},
                                     {2, 5, 12.5},
                                     {5, 6, 5.0}},
                                    true);
    const std::vector<std::uint32_t> grocery = {6};
    const std::vector<std::uint32_t> green = {0};
    const std::vector<std::uint32_t> centre = {2};
    AccessibilityThresholds th;
    th.grocery_m = 500.0;
    th.centre_walk_min = 12.0;
    const AccessibilityTables t = accessibility_tables(toy.metres.view(), minutes.view(),
                                                       grocery, green, centre, toy.origins(), th);
    // Grocery at 6: 550, 450, 350, 450 + 50, 550, 100, 0 m -> within 500 m: nodes 1, 2, 3, 5, 6.
    CHECK(t.grocery.city.covered == 20.0 + 30.0 + 40.0 + 60.0 + 70.0);
    // Green at 0: within 250 m nodes 0-2; within 1 km everyone (farthest 550 m).
    CHECK(t.green_near.city.covered == 60.0);
    CHECK(t.green_far.city.share() == 1.0);
    // Centre at 2: 10, 5, 0, 5 + 50 m / 73.8 m/min, 10, 12.5, 17.5 min -> within 12 min: 0-4.
    CHECK(t.centre.city.covered == 150.0);
    CHECK(t.centre.zones[2].share() == 0.0);
    CHECK(t.centre.zones[1].share() == 1.0);

    // A zone without residents has no share (NaN), not a fake 0 or 1.
    Toy empty = toy;
    empty.residents[5] = 0.0;
    empty.residents[6] = 0.0;
    const std::vector<double> thresholds = {250.0};
    const auto r = residents_within(toy.metres.view(), green, empty.origins(), thresholds);
    CHECK(std::isnan(r[0].zones[2].share()));

    Toy bad = toy;
    bad.zone[0] = 3;
    CHECK_THROWS_AS(residents_within(toy.metres.view(), green, bad.origins(), thresholds),
                    std::invalid_argument);
    bad = toy;
    bad.node[0] = 99;
    CHECK_THROWS_AS(residents_within(toy.metres.view(), green, bad.origins(), thresholds),
                    std::invalid_argument);
}
