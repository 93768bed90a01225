// Cold-air kernels (issue 4): the shallow cold-air layer (coldair/layer.hpp, on the shared
// local-inertial solver) and the SAGA-style kinematic screening (coldair/screening.hpp).
//
// BM_coldair_layer / BM_coldair_screening: the synthetic 1000^2, 10 m DEM of bench_fixtures.hpp
// (rough hills, with closed depressions) under a 2 m cold-air layer at t = 0 (so that every
// cell takes part from the start), production 10 m^3/(m^2 h), c_D 0.01 (layer) or SAGA's
// friction 1 (screening). One iteration advances 60 simulated seconds; items are cell updates
// (cells x steps), and the wall time per iteration x 60 is the wall time per simulated hour.
// Compare with BM_stream_triad (bench_memory_bandwidth.cpp) run in the same invocation.
//
// BM_coldair_peer_dem/<layer|screening>: registered only when LAUTER_COLDAIR_PEER_DIR names a
// directory holding dem_N.tif and coldair_prod_N.tif from shared/peers/make_test_dem.py N
// (N from LAUTER_COLDAIR_PEER_SIZE, default 1000):
// one hour from sunset (empty layer) with that production grid (m/h), the run that
// shared/peers/peer_coldair.sh times for SAGA's Cold Air Flow (COLDAIR_HOURS=1). The layer runs
// with c_D = 1, the same friction coefficient as SAGA's default f = 1 (both brake as
// f |u| u), and with c_D = 0.01 (physics.md A3), with the double state of the coldair model.
// With LAUTER_COLDAIR_EXPORT set to a directory,
// the 1 h heights are written there as GeoTIFF (lauter_<mode>_height_1h.tif) for
// bench/peers/compare_coldair.py.
#include "bench_fixtures.hpp"

#include <lauter/kernels/coldair/layer.hpp>
#include <lauter/kernels/coldair/screening.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/raster_input.hpp>

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

namespace {

using namespace lauter::kernels;
using namespace lauter::kernels::coldair;

constexpr double advance_per_iteration_s = 60.0;

void BM_coldair_layer(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = lauter::bench::square_grid(n);
    const Raster<float> z = lauter::bench::rough_hills(g);
    const CellMask mask(g);
    const Raster<float> h0(g, 2.0F);
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.production_m3_per_m2_h = shallow::CellField::uniform(10.0);
    in.drag_coefficient = shallow::CellField::uniform(0.01);
    ColdAirLayerParams p;
    p.duration_s = 1e9;
    p.output_times_s = {};
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    ColdAirLayer<float> layer(in, mask, p, h0.view());
    layer.advance_to(advance_per_iteration_s); // warm-up: pages touched, flow established
    const std::uint64_t steps_before = layer.balance().step_count;
    for (auto _ : state) {
        layer.advance_to(layer.time_s() + advance_per_iteration_s);
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    const auto steps = static_cast<std::int64_t>(layer.balance().step_count - steps_before);
    state.SetItemsProcessed(steps * static_cast<std::int64_t>(g.cell_count()));
    state.counters["threads"] = threads;
    state.counters["steps_per_sim_min"] =
        static_cast<double>(steps) / static_cast<double>(state.iterations());
}

void BM_coldair_screening(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    const GridSpec g = lauter::bench::square_grid(n);
    const Raster<float> z = lauter::bench::rough_hills(g);
    const CellMask mask(g);
    ScreeningParams p;
    p.duration_s = 1e9;
    p.output_times_s = {};
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    const Raster<float> h0(g, 2.0F);
    ColdAirScreening screening(z.view(), mask, shallow::CellField::uniform(10.0), p, h0.view());
    screening.advance_to(advance_per_iteration_s);
    const std::uint64_t steps_before = screening.balance().step_count;
    for (auto _ : state) {
        screening.advance_to(screening.balance().time_s + advance_per_iteration_s);
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(saved);
    const auto steps = static_cast<std::int64_t>(screening.balance().step_count - steps_before);
    state.SetItemsProcessed(steps * static_cast<std::int64_t>(g.cell_count()));
    state.counters["threads"] = threads;
    state.counters["steps_per_sim_min"] =
        static_cast<double>(steps) / static_cast<double>(state.iterations());
}

/// One hour from sunset on the peer DEM with the peer's production grid (see the file comment);
/// `drag_coefficient` <= 0 selects the screening; `run_name` names the exported GeoTIFF.
void BM_coldair_peer_dem(benchmark::State& state, double drag_coefficient, const char* run_name) {
    const bool layer_mode = drag_coefficient > 0.0;
    namespace fs = std::filesystem;
    const fs::path dir = std::getenv("LAUTER_COLDAIR_PEER_DIR");
    const char* size_env = std::getenv("LAUTER_COLDAIR_PEER_SIZE");
    const std::string size = size_env != nullptr ? size_env : "1000";
    const lauter::sim::RasterLayer dem = lauter::sim::read_raster(dir / ("dem_" + size + ".tif"));
    const lauter::sim::RasterLayer prod =
        lauter::sim::read_raster(dir / ("coldair_prod_" + size + ".tif"));
    const GridSpec& g = dem.values.spec();
    Raster<float> height(g);
    std::uint64_t steps = 0;
    for (auto _ : state) {
        if (layer_mode) {
            ColdAirInputs in;
            in.terrain_m = dem.values.view();
            in.production_m3_per_m2_h = shallow::CellField::raster(prod.values.view());
            in.drag_coefficient = shallow::CellField::uniform(drag_coefficient);
            ColdAirLayerParams p;
            p.duration_s = 3600.0;
            p.output_times_s = {3600.0};
            // Double, as the coldair model runs it: a float state changes the dynamics on
            // Kaiserslautern (55,828 instead of 35,029 steps over 8 h, heights up to 35 m apart).
            ColdAirLayer<double> run(in, dem.mask, p);
            height = std::move(run.run().back().height_m);
            steps = run.balance().step_count;
        } else {
            ScreeningParams p;
            p.duration_s = 3600.0;
            p.output_times_s = {3600.0};
            ColdAirScreening run(dem.values.view(), dem.mask,
                                 shallow::CellField::raster(prod.values.view()), p);
            height = std::move(run.run().back().height_m);
            steps = run.balance().step_count;
        }
    }
    state.counters["steps"] = static_cast<double>(steps);
    state.SetItemsProcessed(static_cast<std::int64_t>(steps * g.cell_count()) *
                            static_cast<std::int64_t>(state.iterations()));
    if (const char* out = std::getenv("LAUTER_COLDAIR_EXPORT")) {
        const std::string name = "lauter_" + std::string(run_name) + "_height_1h.tif";
        lauter::sim::write_geotiff(fs::path(out) / name, height, dem.mask);
    }
}

/// Registers the peer-DEM runs only when their input directory is named.
const bool peer_dem_registered = [] {
    if (std::getenv("LAUTER_COLDAIR_PEER_DIR") == nullptr) {
        return false;
    }
    // c_D 1: SAGA's friction f = 1 (same drag law); c_D 0.01: physics.md A3's value.
    benchmark::RegisterBenchmark("BM_coldair_peer_dem/layer_cd1", BM_coldair_peer_dem, 1.0,
                                 "layer_cd1")
        ->Iterations(1)
        ->Unit(benchmark::kSecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_coldair_peer_dem/layer_cd0.01", BM_coldair_peer_dem, 0.01,
                                 "layer_cd0.01")
        ->Iterations(1)
        ->Unit(benchmark::kSecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_coldair_peer_dem/screening", BM_coldair_peer_dem, 0.0,
                                 "screening")
        ->Iterations(1)
        ->Unit(benchmark::kSecond)
        ->UseRealTime();
    return true;
}();

} // namespace

BENCHMARK(BM_coldair_layer)
    ->ArgsProduct({{1000}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_coldair_screening)
    ->ArgsProduct({{1000}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
