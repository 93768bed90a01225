// Demand-side mobility kernels on a synthetic 300-zone city (the size of the zone
// matrix): gravity balancing (Furness), the 5-mode logit, ASC calibration to the Kaiserslautern
// 2023 shares, the pivot-point scenario, and the multi-source Dijkstra of the accessibility
// indicators on a street-like grid graph of Kaiserslautern's size (about 18,000 nodes).
// References in the same run: BM_exp_reference evaluates as many exp() as the logit (its
// floor), and BM_stream_triad (bench_memory_bandwidth.cpp) the memory bandwidth.
#include <benchmark/benchmark.h>

#include "bench_fixtures.hpp"

#include <lauter/kernels/mobility/accessibility.hpp>
#include <lauter/kernels/mobility/demand.hpp>
#include <lauter/kernels/mobility/mode_choice.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using namespace lauter::kernels::mobility;
using lauter::bench::hash_unit;

/// n zones in a 10 km square around a valley centre, districts up to 150 m higher; skims from
/// simple speeds; trips from a doubly-constrained gravity model (beta 0.3 per km).
struct City {
    std::size_t n = 0;
    std::vector<double> productions, attractions, cost_km;
    std::vector<double> walk, bike, climb, ebike, bus_ivt, headway, access, car, parking, share;
    std::vector<double> trips;

    ModeSkims skims() const {
        ModeSkims s;
        s.zone_count = n;
        s.walk_time_min = walk;
        s.bike_time_min = bike;
        s.bike_climb_m = climb;
        s.ebike_time_min = ebike;
        s.ebike_climb_m = climb;
        s.bus_in_vehicle_min = bus_ivt;
        s.bus_headway_min = headway;
        s.bus_access_min = access;
        s.car_time_min = car;
        s.car_distance_km = cost_km;
        s.parking_search_min = parking;
        s.ebike_share = share;
        return s;
    }
};

const City& city(std::size_t n) {
    static City c;
    if (c.n == n) {
        return c;
    }
    c = City{};
    c.n = n;
    std::vector<double> x(n), y(n), z(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = 10.0 * hash_unit(3 * i);
        y[i] = 10.0 * hash_unit(3 * i + 1);
        z[i] = 30.0 * std::hypot(x[i] - 5.0, y[i] - 5.0);
        c.productions.push_back(3.2 * (100.0 + 2000.0 * hash_unit(3 * i + 2)));
        c.attractions.push_back(100.0 + 3000.0 * hash_unit(7 * i + 5));
    }
    const std::size_t nn = n * n;
    for (auto* v : {&c.cost_km, &c.walk, &c.bike, &c.climb, &c.ebike, &c.bus_ivt, &c.headway,
                    &c.access, &c.car}) {
        v->resize(nn);
    }
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t od = i * n + j;
            const double d = 1.3 * std::hypot(x[i] - x[j], y[i] - y[j]) + 0.3;
            c.cost_km[od] = d;
            c.walk[od] = d / 4.8 * 60.0;
            c.bike[od] = d / 15.0 * 60.0;
            c.climb[od] = std::max(0.0, z[j] - z[i]) + 5.0 * d;
            c.ebike[od] = d / 20.0 * 60.0;
            c.bus_ivt[od] = d / 18.0 * 60.0;
            c.headway[od] = (i + j) % 4 == 0 ? 7.5 : 15.0;
            c.access[od] = 6.0;
            c.car[od] = d / 25.0 * 60.0 + 3.0;
        }
    }
    c.parking.assign(n, 2.0);
    c.share.assign(n, 0.15);
    DeterrenceParams p;
    p.beta_per_cost = 0.3;
    c.trips = distribute_gravity(c.productions, c.attractions, c.cost_km, p).trips;
    return c;
}

void set_pairs_per_second(benchmark::State& state, std::size_t n) {
    state.counters["od_pairs_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * static_cast<double>(n * n),
        benchmark::Counter::kIsRate);
}

void BM_gravity_doubly_constrained(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const City& c = city(n);
    DeterrenceParams p;
    p.beta_per_cost = 0.3;
    int iterations = 0;
    for (auto _ : state) {
        const DistributionResult r = distribute_gravity(c.productions, c.attractions, c.cost_km, p);
        iterations = r.iterations;
        benchmark::DoNotOptimize(r.trips.data());
    }
    state.counters["furness_iterations"] = iterations;
    set_pairs_per_second(state, n);
}

void BM_hyman_beta_calibration(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const City& c = city(n);
    int evaluations = 0;
    for (auto _ : state) {
        const BetaCalibration r =
            calibrate_exponential_beta(c.productions, c.attractions, c.cost_km, 3.0);
        evaluations = r.iterations;
        benchmark::DoNotOptimize(r.beta_per_cost);
    }
    state.counters["gravity_runs"] = evaluations;
}

void BM_logit_split(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const City& c = city(n);
    const ModeChoiceParams params;
    for (auto _ : state) {
        const std::vector<double> v = mode_utilities(c.skims(), params);
        const ModeSplit s = split_by_logit(v, c.trips, n, c.cost_km);
        benchmark::DoNotOptimize(s.probability.data());
    }
    set_pairs_per_second(state, n);
}

/// The floor of the logit: one exp() per OD pair and mode, nothing else.
void BM_exp_reference(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const std::size_t count = n * n * choice_mode_count;
    std::vector<double> in(count);
    std::vector<double> out(count);
    for (std::size_t k = 0; k < count; ++k) {
        in[k] = -5.0 * hash_unit(k);
    }
    for (auto _ : state) {
        const auto m = static_cast<std::ptrdiff_t>(count);
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t k = 0; k < m; ++k) {
            out[static_cast<std::size_t>(k)] = std::exp(in[static_cast<std::size_t>(k)]);
        }
        benchmark::DoNotOptimize(out.data());
    }
    set_pairs_per_second(state, n);
}

void BM_asc_calibration(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const City& c = city(n);
    int iterations = 0;
    double error = 0.0;
    for (auto _ : state) {
        const CalibrationResult r = calibrate_asc(c.skims(), ModeChoiceParams{}, c.trips,
                                                  kaiserslautern_2023_shares(), {}, c.cost_km);
        iterations = r.iterations;
        error = r.max_abs_error;
        benchmark::DoNotOptimize(r.asc.data());
    }
    state.counters["logit_iterations"] = iterations;
    state.counters["max_error_pp"] = error * 100.0;
}

void BM_pivot_scenario(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const City& c = city(n);
    const ModeChoiceParams params;
    const std::vector<double> v0 = mode_utilities(c.skims(), params);
    const ModeSplit base = split_by_logit(v0, c.trips, n, c.cost_km);
    City faster = c;
    for (double& t : faster.bike) {
        t *= 0.8;
    }
    for (auto _ : state) {
        const std::vector<double> v1 = mode_utilities(faster.skims(), params);
        const ModeSplit s = pivot_split(base, utility_change(v0, v1), c.trips, c.cost_km);
        benchmark::DoNotOptimize(s.probability.data());
    }
    set_pairs_per_second(state, n);
}

/// A side x side street grid with 80 m blocks (both directions), a few blocks missing.
struct GridGraph {
    std::vector<std::uint32_t> offsets, targets;
    std::vector<double> weights;
};

const GridGraph& grid_graph(std::size_t side) {
    static GridGraph g;
    static std::size_t built = 0;
    if (built == side) {
        return g;
    }
    g = GridGraph{};
    g.offsets.push_back(0);
    for (std::size_t r = 0; r < side; ++r) {
        for (std::size_t c = 0; c < side; ++c) {
            const std::size_t u = r * side + c;
            auto arc = [&](std::size_t v) {
                if (hash_unit(u * 7 + v) < 0.1) {
                    return; // missing link: no perfect grid
                }
                g.targets.push_back(static_cast<std::uint32_t>(v));
                g.weights.push_back(80.0 * (0.8 + 0.4 * hash_unit(std::min(u, v) * 131 +
                                                                  std::max(u, v))));
            };
            if (c > 0) {
                arc(u - 1);
            }
            if (c + 1 < side) {
                arc(u + 1);
            }
            if (r > 0) {
                arc(u - side);
            }
            if (r + 1 < side) {
                arc(u + side);
            }
            g.offsets.push_back(static_cast<std::uint32_t>(g.targets.size()));
        }
    }
    built = side;
    return g;
}

/// One multi-source search from 60 stops; range(1) = bound in metres (0: unbounded).
void BM_nearest_destination(benchmark::State& state) {
    const auto side = static_cast<std::size_t>(state.range(0));
    const double bound = state.range(1) > 0 ? static_cast<double>(state.range(1)) : HUGE_VAL;
    const GridGraph& g = grid_graph(side);
    const CsrGraph view{g.offsets, g.targets, g.weights};
    std::vector<std::uint32_t> sources;
    for (std::size_t s = 0; s < 60; ++s) {
        sources.push_back(static_cast<std::uint32_t>(hash_unit(s + 1000) *
                                                     static_cast<double>(side * side)));
    }
    NearestDestinationQuery query;
    query.run(view, sources, {}, bound); // validates the graph once, outside the timing
    std::size_t settled = 0;
    for (auto _ : state) {
        query.run(view, sources, {}, bound);
        settled = query.settled_count();
        benchmark::DoNotOptimize(query.costs().data());
    }
    state.counters["nodes"] = static_cast<double>(side * side);
    state.counters["settled_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * static_cast<double>(settled),
        benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(BM_gravity_doubly_constrained)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_hyman_beta_calibration)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_exp_reference)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_logit_split)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_asc_calibration)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_pivot_scenario)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_nearest_destination)
    ->Args({134, 0})
    ->Args({134, 400})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
