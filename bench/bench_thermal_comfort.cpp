// UTCI and mean radiant temperature throughput (cells/s) on 1000^2 and 2048^2 grids, 1 or 2
// threads. UTCI is compute-bound (209 multiply-adds per cell): run it in the same invocation as
// BM_stream_triad (bench_memory_bandwidth.cpp) and compare with the memory roofline, e.g.
//   lauter_bench --benchmark_filter='utci|tmrt|triad' --benchmark_repetitions=3
// Two input cases: the hot-day case (T_mrt a raster; T_a, RH and wind single values, so the
// saturation vapour pressure is computed once) and all four inputs as rasters (e_s per cell).
#include <lauter/kernels/thermal/mean_radiant_temperature.hpp>
#include <lauter/kernels/thermal/urban_cooling.hpp>
#include <lauter/kernels/thermal/utci.hpp>

#include "bench_fixtures.hpp"

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstddef>
#include <cstdint>

namespace {

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;

/// A T_mrt field between 30 and 75 °C (hash noise over the grid: no two neighbours alike).
Raster<float> tmrt_field(const GridSpec& g) {
    Raster<float> t(g);
    for (std::size_t i = 0; i < t.size(); ++i) {
        t[i] = static_cast<float>(30.0 + 45.0 * lauter::bench::hash_unit(i));
    }
    return t;
}

void set_cells_per_second(benchmark::State& state, std::size_t cells) {
    state.counters["cells_per_s"] = benchmark::Counter(
        static_cast<double>(cells) * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate);
    state.SetItemsProcessed(static_cast<std::int64_t>(cells) * state.iterations());
}

void BM_utci_hot_day(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const GridSpec g = lauter::bench::square_grid(n, 5.0);
    const Raster<float> tmrt = tmrt_field(g);
    const CellMask mask(g);
    Raster<float> out(g);
    UtciWorkspace ws;
    const UtciInputs in{UtciInput::of(32.0F), UtciInput::of(tmrt.view()), UtciInput::of(40.0F),
                        UtciInput::of(1.0F)};
    const int saved = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(state.range(1)));
    static_cast<void>(compute_utci(in, mask, out.view(), ws));
    for (auto _ : state) {
        benchmark::DoNotOptimize(compute_utci(in, mask, out.view(), ws));
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    set_cells_per_second(state, g.cell_count());
}

void BM_utci_all_rasters(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const GridSpec g = lauter::bench::square_grid(n, 5.0);
    const Raster<float> tmrt = tmrt_field(g);
    Raster<float> ta(g);
    Raster<float> rh(g);
    Raster<float> wind(g);
    for (std::size_t i = 0; i < ta.size(); ++i) {
        ta[i] = static_cast<float>(28.0 + 6.0 * lauter::bench::hash_unit(i + 17));
        rh[i] = static_cast<float>(30.0 + 20.0 * lauter::bench::hash_unit(i + 31));
        wind[i] = static_cast<float>(0.5 + 3.0 * lauter::bench::hash_unit(i + 47));
    }
    const CellMask mask(g);
    Raster<float> out(g);
    UtciWorkspace ws;
    const UtciInputs in{UtciInput::of(ta.view()), UtciInput::of(tmrt.view()),
                        UtciInput::of(rh.view()), UtciInput::of(wind.view())};
    const int saved = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(state.range(1)));
    static_cast<void>(compute_utci(in, mask, out.view(), ws));
    for (auto _ : state) {
        benchmark::DoNotOptimize(compute_utci(in, mask, out.view(), ws));
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    set_cells_per_second(state, g.cell_count());
}

void BM_tmrt(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const GridSpec g = lauter::bench::square_grid(n, 5.0);
    Raster<float> svf(g);
    Raster<float> sun(g);
    Raster<std::uint8_t> lc(g);
    for (std::size_t i = 0; i < svf.size(); ++i) {
        svf[i] = static_cast<float>(0.2 + 0.8 * lauter::bench::hash_unit(i));
        sun[i] = lauter::bench::hash_unit(i + 5) < 0.6 ? 1.0F : 0.0F;
        lc[i] = static_cast<std::uint8_t>(1 + i % 8);
    }
    const CellMask mask(g);
    RadiationMoment m;
    const ClearSkyShortwave sky = clear_sky_shortwave(m.sun_elevation_deg);
    m.direct_normal_w_m2 = sky.direct_normal_w_m2;
    m.diffuse_horizontal_w_m2 = sky.diffuse_horizontal_w_m2;
    Raster<float> out(g);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(state.range(1)));
    compute_mean_radiant_temperature(svf.view(), sun.view(), lc.view(), mask, m, out.view());
    for (auto _ : state) {
        compute_mean_radiant_temperature(svf.view(), sun.view(), lc.view(), mask, m, out.view());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    set_cells_per_second(state, g.cell_count());
}

/// InVEST park cooling at 5 m with d_cool 100 m (kernel radius 100 cells): a 1 km² park in the
/// middle of an n x n grid; cells/s over the whole grid (only cells with >= 2 ha of green within
/// d_cool are convolved; their count is reported as `convolved`).
void BM_heat_mitigation(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const GridSpec g = lauter::bench::square_grid(n, 5.0);
    Raster<float> cc(g, 0.1F);
    Raster<std::uint8_t> green(g, 0);
    for (std::size_t r = n / 4; r < n / 4 + 200 && r < n; ++r) {
        for (std::size_t c = n / 4; c < n / 4 + 200 && c < n; ++c) {
            green(r, c) = 1;
            cc(r, c) = 0.8F;
        }
    }
    const CellMask mask(g);
    Raster<float> ga(g);
    Raster<float> hm(g);
    ParkCoolingWorkspace ws;
    const ParkCoolingParams p;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(state.range(1)));
    compute_heat_mitigation(cc.view(), green.view(), mask, p, ga.view(), hm.view(), ws);
    for (auto _ : state) {
        compute_heat_mitigation(cc.view(), green.view(), mask, p, ga.view(), hm.view(), ws);
        benchmark::DoNotOptimize(hm.data());
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    std::size_t convolved = 0;
    for (std::size_t i = 0; i < ga.size(); ++i) {
        convolved += ga[i] >= 2.0e4F ? 1U : 0U;
    }
    state.counters["convolved"] = static_cast<double>(convolved);
    set_cells_per_second(state, g.cell_count());
}

} // namespace

BENCHMARK(BM_heat_mitigation)
    ->ArgsProduct({{600}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_utci_hot_day)
    ->ArgsProduct({{1000, 2048}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_utci_all_rasters)
    ->ArgsProduct({{1000}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_tmrt)->ArgsProduct({{1000}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();
