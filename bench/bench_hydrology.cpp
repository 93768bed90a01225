// Depression filling (Priority-Flood: Barnes et al. 2014 with a binary heap, and
// fill_depressions with a radix heap), D8 and MFD flow accumulation on synthetic rough DEMs
// (bench_fixtures.hpp) of 1000^2 and 4000^2 cells, the sizes of the peer comparison in
// docs/hydrology.md. Items processed = cells, so the report reads in cells/s. Fill is serial;
// accumulation runs its per-cell passes with OpenMP (threads arg).
#include "bench_fixtures.hpp"

#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/flow_direction.hpp>

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdint>

namespace {

using namespace lauter::kernels;
using namespace lauter::kernels::hydrology;

enum class FillAlgorithm { barnes2014, radix };

FillStats run_fill(FillAlgorithm algorithm, const Raster<float>& z, const CellMask& mask,
                   Raster<float>& filled, FillWorkspace& ws, const FillParams& p) {
    return algorithm == FillAlgorithm::barnes2014
               ? fill_depressions_barnes2014(z.view(), mask, filled.view(), ws, p)
               : fill_depressions(z.view(), mask, filled.view(), ws, p);
}

void BM_fill(benchmark::State& state, FillAlgorithm algorithm, bool epsilon) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const GridSpec g = lauter::bench::square_grid(n);
    const Raster<float> z = lauter::bench::rough_hills(g);
    const CellMask mask(g);
    Raster<float> filled(g);
    FillWorkspace ws;
    FillParams p;
    p.epsilon = epsilon;
    FillStats stats = run_fill(algorithm, z, mask, filled, ws, p);
    for (auto _ : state) {
        stats = run_fill(algorithm, z, mask, filled, ws, p);
        benchmark::DoNotOptimize(filled.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(g.cell_count()));
    state.counters["raised_cells"] = static_cast<double>(stats.raised_cells);
}

void BM_fill_barnes2014(benchmark::State& state) {
    BM_fill(state, FillAlgorithm::barnes2014, false);
}
void BM_fill_barnes2014_epsilon(benchmark::State& state) {
    BM_fill(state, FillAlgorithm::barnes2014, true);
}
void BM_fill_radix(benchmark::State& state) { BM_fill(state, FillAlgorithm::radix, false); }
void BM_fill_radix_epsilon(benchmark::State& state) {
    BM_fill(state, FillAlgorithm::radix, true);
}

void BM_flowacc(benchmark::State& state, FlowMethod method) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = lauter::bench::square_grid(n);
    const CellMask mask(g);
    Raster<float> filled(g);
    {
        const Raster<float> z = lauter::bench::rough_hills(g);
        FillWorkspace fw;
        FillParams fp;
        fp.epsilon = true;
        fill_depressions(z.view(), mask, filled.view(), fw, fp);
    }
    Raster<double> acc(g);
    FlowWorkspace ws;
    FlowParams p;
    p.method = method;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    flow_accumulation(filled.view(), mask, acc.view(), ws, p);
    for (auto _ : state) {
        flow_accumulation(filled.view(), mask, acc.view(), ws, p);
        benchmark::DoNotOptimize(acc.data());
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(g.cell_count()));
    state.counters["threads"] = threads;
}

void BM_flowacc_d8(benchmark::State& state) { BM_flowacc(state, FlowMethod::d8); }
void BM_flowacc_mfd(benchmark::State& state) { BM_flowacc(state, FlowMethod::mfd); }

void fill_sizes(benchmark::internal::Benchmark* b) {
    for (std::int64_t n : {1000, 4000}) {
        b->Args({n});
    }
    b->ArgNames({"n"})->Unit(benchmark::kMillisecond)->UseRealTime();
}

void flow_sizes(benchmark::internal::Benchmark* b) {
    for (std::int64_t n : {1000, 4000}) {
        for (std::int64_t t : {1, 2}) {
            b->Args({n, t});
        }
    }
    b->ArgNames({"n", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
}

} // namespace

BENCHMARK(BM_fill_barnes2014)->Apply(fill_sizes);
BENCHMARK(BM_fill_barnes2014_epsilon)->Apply(fill_sizes);
BENCHMARK(BM_fill_radix)->Apply(fill_sizes);
BENCHMARK(BM_fill_radix_epsilon)->Apply(fill_sizes);
BENCHMARK(BM_flowacc_d8)->Apply(flow_sizes);
BENCHMARK(BM_flowacc_mfd)->Apply(flow_sizes);
