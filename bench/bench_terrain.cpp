// Horn slope and hillshade on synthetic DEMs (gaussian hills), 512^2 to 2048^2 cells, 1 or 2
// threads. Bytes processed count one pass over the inputs and the output per cell (elevation
// float 4 B + mask 1 B read, result float 4 B written), so the figure is directly comparable with
// the STREAM triad of bench_memory_bandwidth.cpp: a memory-bound kernel would reach it, a
// compute-bound one (atan, hypot, cos per cell) stays below.
#include <lauter/kernels/terrain/slope.hpp>

#include "bench_fixtures.hpp"

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace {

using namespace lauter::kernels;


constexpr std::int64_t bytes_per_cell = sizeof(float) + sizeof(CellStatus) + sizeof(float);

template <typename Kernel>
void run(benchmark::State& state, Kernel&& kernel) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = lauter::bench::square_grid(n);
    const Raster<float> z = lauter::bench::rough_hills(g, 0.0);
    const CellMask mask(g);
    Raster<float> out(g);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    kernel(z, mask, out); // warm-up: pages touched, caches primed
    for (auto _ : state) {
        kernel(z, mask, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    const auto cells = static_cast<std::int64_t>(g.cell_count());
    state.SetItemsProcessed(state.iterations() * cells);
    state.SetBytesProcessed(state.iterations() * cells * bytes_per_cell);
    state.counters["threads"] = threads;
}

void BM_slope(benchmark::State& state) {
    run(state, [](const Raster<float>& z, const CellMask& m, Raster<float>& out) {
        terrain::compute_slope_deg(z.view(), m, out.view());
    });
}

void BM_hillshade(benchmark::State& state) {
    run(state, [](const Raster<float>& z, const CellMask& m, Raster<float>& out) {
        terrain::compute_hillshade(z.view(), m, out.view());
    });
}

void sizes_and_threads(benchmark::internal::Benchmark* b) {
    for (std::int64_t n : {512, 1024, 2048}) {
        for (std::int64_t t : {1, 2}) {
            b->Args({n, t});
        }
    }
    b->ArgNames({"n", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
}

} // namespace

BENCHMARK(BM_slope)->Apply(sizes_and_threads);
BENCHMARK(BM_hillshade)->Apply(sizes_and_threads);
