// A heavy-rain event on a 256 x 256, 2 m grid (rough hills, Green-Ampt on silt loam, 100 mm/h
// for 5 min): the cost of the loss update interval. Argument: loss_interval_s (0 = losses every
// solver step, the behaviour before intervals; 15 = the default). 2 m cells keep the solver step
// well below 15 s, as in a city-scale run.
#include "bench_fixtures.hpp"

#include <lauter/kernels/runoff/event.hpp>

#include <benchmark/benchmark.h>

namespace {

using namespace lauter::kernels;
using namespace lauter::kernels::runoff;

void BM_runoff_event_green_ampt(benchmark::State& bench_state) {
    const GridSpec spec = lauter::bench::square_grid(256, 2.0);
    const Raster<float> bed = lauter::bench::rough_hills(spec, 0.5);
    const CellMask mask(spec);
    RunoffEventParams params;
    params.loss_model = LossModel::green_ampt;
    params.loss_interval_s = static_cast<double>(bench_state.range(0));
    params.duration_s = 300.0;
    params.balance_interval_s = 60.0;
    std::uint64_t steps = 0;
    for (auto _ : bench_state) {
        RunoffEvent<float> event(bed.view(), mask,
                                 Hyetograph::block(mm_per_h_to_m_per_s(100.0), 300.0), params);
        const RunoffEventResults& r = event.run();
        steps = r.step_count;
        benchmark::DoNotOptimize(r.balance.back().infiltration_m3);
    }
    bench_state.counters["steps"] = static_cast<double>(steps);
    bench_state.counters["cell_updates_per_s"] = benchmark::Counter(
        static_cast<double>(steps) * static_cast<double>(spec.cell_count()) *
            static_cast<double>(bench_state.iterations()),
        benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(BM_runoff_event_green_ampt)->Arg(0)->Arg(15)->Unit(benchmark::kMillisecond);
