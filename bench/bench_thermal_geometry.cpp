// Sky view factor (horizon sweep, 16 directions, 2 km radius) and the sunlit fraction for one
// sun position on the synthetic 1000^2 DEM of bench_fixtures (10 m cells, 3 m hash noise), 1 or
// 2 threads; cells/s counts output cells per second. The SAGA reference for SVF at these settings
// is 28.6 s for 1000^2 on 2 threads (issue 5), i.e. 35,000 cells/s; bench/peers/svf_peers.sh
// measures it in the same run.
#include <lauter/kernels/thermal/shadow.hpp>
#include <lauter/kernels/thermal/sky_view_factor.hpp>

#include "bench_fixtures.hpp"

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstddef>
#include <cstdint>

namespace {

using namespace lauter::kernels;

void BM_sky_view_factor(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = lauter::bench::square_grid(n);
    const Raster<float> z = lauter::bench::rough_hills(g);
    const CellMask mask(g);
    Raster<float> svf(g);
    thermal::HorizonWorkspace ws;
    thermal::SkyViewFactorParams p;
    p.directions = 16;
    p.search_radius_m = 2000.0;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    for (auto _ : state) {
        thermal::compute_sky_view_factor(z.view(), mask, svf.view(), ws, p);
        benchmark::DoNotOptimize(svf.data());
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    const auto cells = static_cast<std::int64_t>(g.cell_count());
    state.SetItemsProcessed(state.iterations() * cells);
    state.counters["cells/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * cells), benchmark::Counter::kIsRate);
    state.counters["threads"] = threads;
}

/// The same sky view factor with tree crowns (8 sampled elevations, SOLWEIG combination):
/// crowns 10 m tall with a 2.5 m trunk zone on a third of the cells, in clumps of 5 x 7 cells.
void BM_sky_view_factor_vegetation(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = lauter::bench::square_grid(n);
    const Raster<float> z = lauter::bench::rough_hills(g);
    const CellMask mask(g);
    Raster<float> top(g);
    Raster<float> base(g);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const bool crown = (r / 5 + c / 7) % 3 == 0;
            top(r, c) = z(r, c) + (crown ? 10.0F : 0.0F);
            base(r, c) = z(r, c) + (crown ? 2.5F : 0.0F);
        }
    }
    Raster<float> svf(g);
    Raster<float> svf_buildings(g);
    thermal::HorizonWorkspace ws;
    thermal::SkyViewFactorParams p;
    p.directions = 16;
    p.search_radius_m = 2000.0;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    for (auto _ : state) {
        thermal::compute_sky_view_factor(z.view(), top.view(), base.view(), mask, svf.view(),
                                         svf_buildings.view(), ws, p, {});
        benchmark::DoNotOptimize(svf.data());
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    const auto cells = static_cast<std::int64_t>(g.cell_count());
    state.SetItemsProcessed(state.iterations() * cells);
    state.counters["cells/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * cells), benchmark::Counter::kIsRate);
    state.counters["threads"] = threads;
}

void BM_sunlit_fraction(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = lauter::bench::square_grid(n);
    const Raster<float> z = lauter::bench::rough_hills(g);
    const CellMask mask(g);
    Raster<float> lit(g);
    thermal::ShadowWorkspace ws;
    // 21 June, 18:00 CEST in Kaiserslautern: azimuth about 275 deg, elevation about 22 deg
    // (a low sun: long shadows, an oblique azimuth).
    const thermal::ShadowParams p{275.0, 22.0, 0.03};
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    thermal::compute_sunlit_fraction(z.view(), {}, {}, mask, lit.view(), ws, p);
    for (auto _ : state) {
        thermal::compute_sunlit_fraction(z.view(), {}, {}, mask, lit.view(), ws, p);
        benchmark::DoNotOptimize(lit.data());
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    const auto cells = static_cast<std::int64_t>(g.cell_count());
    state.SetItemsProcessed(state.iterations() * cells);
    state.counters["cells/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * cells), benchmark::Counter::kIsRate);
    state.counters["threads"] = threads;
}

} // namespace

BENCHMARK(BM_sky_view_factor)
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_sky_view_factor_vegetation)
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_sunlit_fraction)
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
