// Street-network routing on the Kaiserslautern extract (inputs/kaiserslautern, with the
// illustrative DEM): graph build including elevation, one-to-all bike queries with lauter's
// 4-ary-heap Dijkstra against a plain binary-heap Dijkstra (std::priority_queue with lazy
// deletion) measured in the same run, the turn-aware (edge-based) bike query with R5's turn
// penalty (turns.hpp) beside a textbook edge-based binary-heap Dijkstra with the same turn rules,
// and a 300 x 300 zone matrix for four modes (turns on for bike and e-bike, as in the product) and
// for the bike with and without turn costs.
//
// LAUTER_MOBILITY_EXPORT=DIR additionally writes the bike graph (edges.csv) and the query sources
// (sources.csv) to DIR for bench/peers/networkx_routing.py, which times networkx on the same
// graph and queries.
#include <lauter/kernels/mobility/cycling_stress.hpp>
#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/kernels/mobility/skims.hpp>
#include <lauter/kernels/mobility/turns.hpp>
#include <lauter/kernels/mobility/speed_models.hpp>
#include <lauter/sim/osm_network.hpp>

#include <benchmark/benchmark.h>
#include <omp.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <optional>
#include <queue>
#include <random>

namespace mob = lauter::kernels::mobility;
namespace sim = lauter::sim;

namespace {

const std::filesystem::path osm_path =
    std::filesystem::path(LAUTER_SOURCE_DIR) / "inputs/kaiserslautern/kaiserslautern.osm.gz";
const std::filesystem::path dem_path =
    std::filesystem::path(LAUTER_SOURCE_DIR) / "inputs/kaiserslautern/terrain_illustrative.tif";

struct Fixture {
    sim::MobilityNetwork net;
    std::vector<float> bike_time;
    std::vector<float> bike_cost;
    std::vector<float> bike_turn_penalty; ///< R5's 54 m per turn, in seconds
    std::optional<mob::TurnGeometry> turn_geometry;
    std::vector<mob::NodeId> sources; ///< 200 random nodes with bike edges (fixed seed)
};

const Fixture& fixture() {
    static const Fixture f = [] {
        Fixture out;
        out.net = sim::build_mobility_network(osm_path, dem_path);
        const mob::Graph& g = out.net.graph;
        mob::TravelProfile bike;
        out.bike_time = mob::edge_travel_times_s(g, bike);
        out.bike_cost =
            mob::cycling_perceived_cost_s(g, out.bike_time, mob::level_of_traffic_stress(g));
        out.bike_turn_penalty = mob::cycling_turn_penalty_s(g, out.bike_time);
        out.turn_geometry.emplace(g);
        std::vector<mob::NodeId> bike_nodes;
        for (mob::NodeId v = 0; v < g.node_count(); ++v) {
            for (std::uint32_t e = g.first_out()[v]; e < g.first_out()[v + 1]; ++e) {
                if (std::isfinite(out.bike_cost[e])) {
                    bike_nodes.push_back(v);
                    break;
                }
            }
        }
        std::mt19937 rng(4242);
        std::uniform_int_distribution<std::size_t> pick(0, bike_nodes.size() - 1);
        for (int i = 0; i < 200; ++i) {
            out.sources.push_back(bike_nodes[pick(rng)]);
        }
        if (const char* dir = std::getenv("LAUTER_MOBILITY_EXPORT")) {
            std::filesystem::create_directories(dir);
            std::ofstream edges(std::filesystem::path(dir) / "edges.csv");
            edges << "tail,head,weight\n" << std::setprecision(9);
            for (mob::EdgeId e = 0; e < g.edge_count(); ++e) {
                if (std::isfinite(out.bike_cost[e])) {
                    edges << g.tail()[e] << ',' << g.head()[e] << ',' << out.bike_cost[e] << '\n';
                }
            }
            std::ofstream sources(std::filesystem::path(dir) / "sources.csv");
            sources << "source\n";
            for (const mob::NodeId s : out.sources) {
                sources << s << '\n';
            }
        }
        return out;
    }();
    return f;
}

void BM_MobilityGraphBuild(benchmark::State& state) {
    omp_set_num_threads(static_cast<int>(state.range(0)));
    double read_s = 0.0;
    double build_s = 0.0;
    double elevation_s = 0.0;
    std::uint32_t nodes = 0;
    for (auto _ : state) {
        sim::MobilityNetwork net = sim::build_mobility_network(osm_path, dem_path);
        read_s += net.read_seconds;
        build_s += net.build_seconds;
        elevation_s += net.elevation_seconds;
        nodes = net.graph.node_count();
        benchmark::DoNotOptimize(net.graph.edge_count());
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["read_s"] = read_s / n;
    state.counters["build_s"] = build_s / n;
    state.counters["elevation_s"] = elevation_s / n;
    state.counters["nodes"] = nodes;
}
BENCHMARK(BM_MobilityGraphBuild)->Arg(1)->Arg(2)->Iterations(3)->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_BikeOneToAll(benchmark::State& state) {
    const Fixture& f = fixture();
    mob::ShortestPathQuery query(f.net.graph);
    std::size_t i = 0;
    for (auto _ : state) {
        query.one_to_all(f.sources[i++ % f.sources.size()], f.bike_cost);
        benchmark::DoNotOptimize(query.settled().size());
    }
    state.counters["queries_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["nodes"] = f.net.graph.node_count();
}
BENCHMARK(BM_BikeOneToAll)->Unit(benchmark::kMicrosecond);

/// The same queries on the edge-based graph with turn penalties (one label per edge).
void BM_BikeOneToAllTurnAware(benchmark::State& state) {
    const Fixture& f = fixture();
    mob::TurnAwareQuery query(f.net.graph);
    const mob::TurnCosts turns{&*f.turn_geometry, f.bike_turn_penalty};
    std::size_t i = 0;
    for (auto _ : state) {
        query.one_to_all(f.sources[i++ % f.sources.size()], f.bike_cost, turns);
        benchmark::DoNotOptimize(query.settled().size());
    }
    state.counters["queries_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["labels"] = static_cast<double>(query.settled().size());
}
BENCHMARK(BM_BikeOneToAllTurnAware)->Unit(benchmark::kMicrosecond);

/// The reference: a plain binary-heap Dijkstra with lazy deletion (std::priority_queue), fresh
/// distance array per query, as a textbook implementation would do it.
void BM_BikeOneToAllBinaryHeapReference(benchmark::State& state) {
    const Fixture& f = fixture();
    const mob::Graph& g = f.net.graph;
    std::size_t i = 0;
    for (auto _ : state) {
        std::vector<double> dist(g.node_count(), mob::unreachable);
        using Item = std::pair<double, mob::NodeId>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
        const mob::NodeId s = f.sources[i++ % f.sources.size()];
        dist[s] = 0.0;
        heap.emplace(0.0, s);
        while (!heap.empty()) {
            const auto [d, u] = heap.top();
            heap.pop();
            if (d > dist[u]) {
                continue;
            }
            for (std::uint32_t e = g.first_out()[u]; e < g.first_out()[u + 1]; ++e) {
                const float w = f.bike_cost[e];
                if (!std::isfinite(w)) {
                    continue;
                }
                const double nd = d + static_cast<double>(w);
                const mob::NodeId v = g.head()[e];
                if (nd < dist[v]) {
                    dist[v] = nd;
                    heap.emplace(nd, v);
                }
            }
        }
        benchmark::DoNotOptimize(dist.data());
    }
    state.counters["queries_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BikeOneToAllBinaryHeapReference)->Unit(benchmark::kMicrosecond);

/// The turn-aware reference: textbook edge-based Dijkstra (labels on edges, std::priority_queue
/// with lazy deletion, fresh arrays per query) with the same turn rules as TurnAwareQuery (R5's
/// penalty on turns of 27 degrees or more, U-turns only at dead ends).
void BM_BikeOneToAllTurnAwareBinaryHeapReference(benchmark::State& state) {
    const Fixture& f = fixture();
    const mob::Graph& g = f.net.graph;
    const mob::TurnGeometry& geometry = *f.turn_geometry;
    std::size_t i = 0;
    for (auto _ : state) {
        std::vector<double> label(g.edge_count(), mob::unreachable);
        std::vector<double> dist(g.node_count(), mob::unreachable);
        using Item = std::pair<double, mob::EdgeId>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
        const mob::NodeId s = f.sources[i++ % f.sources.size()];
        dist[s] = 0.0;
        for (std::uint32_t e = g.first_out()[s]; e < g.first_out()[s + 1]; ++e) {
            if (std::isfinite(f.bike_cost[e])) {
                label[e] = f.bike_cost[e];
                heap.emplace(label[e], e);
            }
        }
        while (!heap.empty()) {
            const auto [d, e] = heap.top();
            heap.pop();
            if (d > label[e]) {
                continue;
            }
            const mob::NodeId v = g.head()[e];
            dist[v] = std::min(dist[v], d);
            const mob::EdgeId twin = geometry.twin()[e];
            bool other_exit = false;
            const auto offer = [&](mob::EdgeId out, double nd) {
                if (nd < label[out]) {
                    label[out] = nd;
                    heap.emplace(nd, out);
                }
            };
            for (std::uint32_t out = g.first_out()[v]; out < g.first_out()[v + 1]; ++out) {
                if (!std::isfinite(f.bike_cost[out]) || out == twin) {
                    continue;
                }
                other_exit = true;
                const double turn =
                    geometry.is_turn(e, out) ? static_cast<double>(f.bike_turn_penalty[e]) : 0.0;
                offer(out, d + turn + static_cast<double>(f.bike_cost[out]));
            }
            if (!other_exit && twin != mob::invalid_id && std::isfinite(f.bike_cost[twin])) {
                offer(twin, d + static_cast<double>(f.bike_cost[twin]));
            }
        }
        benchmark::DoNotOptimize(dist.data());
    }
    state.counters["queries_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BikeOneToAllTurnAwareBinaryHeapReference)->Unit(benchmark::kMicrosecond);

/// 300 x 300 zone matrix (zones = 300 random network nodes) for walk, bike, e-bike and car, as
/// the mobility model computes it: cost, time and length per pair; bike and e-bike with R5's
/// turn penalty (turn-aware path_sums), walk and car node-based (many_to_many).
void BM_ZoneMatrix300FourModes(benchmark::State& state) {
    const Fixture& f = fixture();
    const mob::Graph& g = f.net.graph;
    std::vector<std::vector<float>> cost;
    std::vector<std::vector<float>> time;
    std::vector<std::vector<float>> turn_penalty;
    std::vector<std::vector<mob::NodeId>> zones;
    for (const int m : {0, 1, 2, 3}) {
        mob::TravelProfile p;
        p.mode = m == 0 ? mob::Mode::walk : (m == 3 ? mob::Mode::car : mob::Mode::bike);
        if (m == 2) {
            p.bike = mob::pedelec_params();
        }
        time.push_back(mob::edge_travel_times_s(g, p));
        cost.push_back(p.mode == mob::Mode::bike
                           ? mob::cycling_perceived_cost_s(g, time.back(),
                                                           mob::level_of_traffic_stress(g))
                           : time.back());
        turn_penalty.push_back(p.mode == mob::Mode::bike
                                   ? mob::cycling_turn_penalty_s(g, time.back())
                                   : std::vector<float>{});
        // Zone centroids snapped to nodes of the mode's network (fixed seed).
        std::vector<mob::NodeId> usable;
        for (mob::NodeId v = 0; v < g.node_count(); ++v) {
            for (std::uint32_t e = g.first_out()[v]; e < g.first_out()[v + 1]; ++e) {
                if (std::isfinite(cost.back()[e])) {
                    usable.push_back(v);
                    break;
                }
            }
        }
        std::mt19937 rng(300);
        std::uniform_int_distribution<std::size_t> pick(0, usable.size() - 1);
        zones.emplace_back();
        for (int i = 0; i < 300; ++i) {
            zones.back().push_back(usable[pick(rng)]);
        }
    }
    const std::vector<float> length(g.length_m().begin(), g.length_m().end());
    omp_set_num_threads(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        for (std::size_t m = 0; m < 4; ++m) {
            if (turn_penalty[m].empty()) {
                const mob::OdMatrix od =
                    mob::many_to_many(g, zones[m], zones[m], cost[m], time[m]);
                benchmark::DoNotOptimize(od.cost.data());
            } else {
                const mob::TurnCosts turns{&*f.turn_geometry, turn_penalty[m]};
                const std::array<std::span<const float>, 2> values = {time[m], length};
                const mob::PathSums s =
                    mob::path_sums(g, zones[m], zones[m], cost[m], values, &turns);
                benchmark::DoNotOptimize(s.cost.data());
            }
        }
    }
    state.counters["queries_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * 1200.0, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ZoneMatrix300FourModes)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// 300 x 300 bike skim (perceived cost plus riding time, path_sums) without (arg 0) and with
/// (arg 1) turn costs; second argument: threads.
void BM_ZoneMatrix300Bike(benchmark::State& state) {
    const Fixture& f = fixture();
    const mob::Graph& g = f.net.graph;
    std::vector<mob::NodeId> zones(f.sources.begin(), f.sources.end());
    std::mt19937 rng(300);
    std::uniform_int_distribution<std::size_t> pick(0, f.sources.size() - 1);
    while (zones.size() < 300) {
        // Sources are bike nodes; 100 more drawn from them (repeats cost the same work).
        zones.push_back(f.sources[pick(rng)]);
    }
    const mob::TurnCosts turns{&*f.turn_geometry, f.bike_turn_penalty};
    const bool with_turns = state.range(0) != 0;
    const std::array<std::span<const float>, 1> values = {f.bike_time};
    omp_set_num_threads(static_cast<int>(state.range(1)));
    for (auto _ : state) {
        const mob::PathSums s =
            mob::path_sums(g, zones, zones, f.bike_cost, values, with_turns ? &turns : nullptr);
        benchmark::DoNotOptimize(s.cost.data());
    }
}
BENCHMARK(BM_ZoneMatrix300Bike)->Args({0, 2})->Args({1, 2})->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace
