// One local-inertial step (kernels/shallow/local_inertial.hpp) on a fully wet domain: a tilted
// plane with gentle waves under 0.1-0.3 m of water, Manning n 0.03, free outflow on every side,
// uniform rain. 512^2, 1024^2 and 2048^2 cells in float (issue 3 sets its target on 2048^2
// float32) and in double, 1 or 2 threads. Items are cell updates (cells x steps), directly
// comparable with issue 3's target in M cell updates/s; the STREAM triad of
// bench_memory_bandwidth.cpp gives the machine's roofline in the same run.
// BM_local_inertial_step_disc: the same problem on a disc-shaped study area (the cells inside the
// circle inscribed in the grid have data, 78.5 % of them), so that almost every row contains
// no-data cells, as a city boundary does; items are the cells with data x steps.
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace {

using namespace lauter::kernels;
using namespace lauter::kernels::shallow;

/// The cells outside the circle inscribed in an n x n grid marked no-data.
void disc_mask(CellMask& mask, std::size_t n) {
    const double centre = 0.5 * static_cast<double>(n);
    for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t c = 0; c < n; ++c) {
            const double dx = static_cast<double>(c) + 0.5 - centre;
            const double dy = static_cast<double>(r) + 0.5 - centre;
            if (dx * dx + dy * dy > centre * centre) {
                mask.set(r, c, CellStatus::no_data);
            }
        }
    }
}

template <typename Real, bool Disc>
void local_inertial_step_bench(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    GridSpec g;
    g.rows = n;
    g.cols = n;
    g.cell_size_x_m = 5.0;
    g.cell_size_y_m = 5.0;
    Raster<float> bed(g);
    CellMask mask(g);
    if constexpr (Disc) {
        disc_mask(mask, n);
    }
    ShallowLayerState<Real> layer(g);
    ShallowLayerWorkspace<Real> workspace(g);
    for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t c = 0; c < n; ++c) {
            const double x = static_cast<double>(c) * g.cell_size_x_m;
            const double y = static_cast<double>(r) * g.cell_size_y_m;
            bed(r, c) = static_cast<float>(0.002 * x + 0.05 * std::sin(0.05 * x) *
                                                           std::cos(0.07 * y));
            layer.depth_m(r, c) = static_cast<Real>(0.2 + 0.1 * std::sin(0.01 * (x + y)));
        }
    }
    LocalInertialParams params;
    params.theta = 0.8;
    const CellField rain = CellField::uniform(40e-3 / 3600.0);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    for (int i = 0; i < 3; ++i) { // warm-up: pages touched, flow established
        local_inertial_step<Real>(bed.view(), mask, rain, layer, workspace, params);
    }
    for (auto _ : state) {
        const ShallowStepStats s =
            local_inertial_step<Real>(bed.view(), mask, rain, layer, workspace, params);
        benchmark::DoNotOptimize(s);
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(mask.count_with_data()));
    state.counters["threads"] = threads;
}

template <typename Real>
void BM_local_inertial_step(benchmark::State& state) {
    local_inertial_step_bench<Real, false>(state);
}

template <typename Real>
void BM_local_inertial_step_disc(benchmark::State& state) {
    local_inertial_step_bench<Real, true>(state);
}

} // namespace

BENCHMARK(BM_local_inertial_step<float>)
    ->ArgsProduct({{512, 1024, 2048}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_local_inertial_step<double>)
    ->ArgsProduct({{512, 1024, 2048}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_local_inertial_step_disc<float>)
    ->ArgsProduct({{2048}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
