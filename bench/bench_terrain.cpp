// Horn slope and hillshade on synthetic DEMs (gaussian hills), 512^2 to 2048^2 cells, 1 or 2
// threads. Bytes processed count one pass over the inputs and the output per cell (elevation
// float 4 B + mask 1 B read, result float 4 B written), so the figure is directly comparable with
// the STREAM triad of bench_memory_bandwidth.cpp: a memory-bound kernel would reach it, a
// compute-bound one (atan, hypot, cos per cell) stays below.
#include <lauter/kernels/terrain/slope.hpp>

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace {

using namespace lauter::kernels;

GridSpec square_grid(std::size_t n) {
    GridSpec g;
    g.rows = n;
    g.cols = n;
    g.cell_size_x_m = 10.0;
    g.cell_size_y_m = 10.0;
    return g;
}

/// Three gaussian hills on a tilted plane: every aspect and a range of slopes.
Raster<float> gaussian_hills(const GridSpec& g) {
    Raster<float> z(g);
    const double n = static_cast<double>(g.rows);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double x = static_cast<double>(c) / n;
            const double y = static_cast<double>(r) / n;
            auto hill = [&](double cx, double cy, double h, double w) {
                return h * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / w);
            };
            z(r, c) = static_cast<float>(230.0 + 30.0 * x + hill(0.3, 0.3, 150.0, 0.02) +
                                         hill(0.7, 0.4, 100.0, 0.01) + hill(0.5, 0.8, 120.0, 0.03));
        }
    }
    return z;
}

constexpr std::int64_t bytes_per_cell = sizeof(float) + sizeof(CellStatus) + sizeof(float);

template <typename Kernel>
void run(benchmark::State& state, Kernel&& kernel) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = square_grid(n);
    const Raster<float> z = gaussian_hills(g);
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
