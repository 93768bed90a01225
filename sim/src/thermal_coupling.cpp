// The night heat island coupled to the cold-air model; see thermal_coupling.hpp.
#include <lauter/kernels/thermal/cold_air_coupling.hpp>
#include <lauter/kernels/thermal/heat_island.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/thermal_coupling.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace lauter::sim {

namespace kt = kernels::thermal;
using kernels::Raster;

void couple_thermal_to_cold_air(ThermalRun& run, const StudyArea& area,
                                const ThermalModelSettings& settings, const ColdAirRun& cold_air,
                                const ColdAirSurface& surface) {
    if (cold_air.slices.empty()) {
        throw ConfigError("models.thermal.night.cold_air_coupling: the cold-air run has no "
                          "output time; set models.coldair.output_times_h");
    }
    const ColdAirTimeSlice* last = &cold_air.slices.front();
    for (const ColdAirTimeSlice& slice : cold_air.slices) {
        if (slice.time_h > last->time_h) {
            last = &slice;
        }
    }
    const kernels::GridSpec& g = area.grid;
    try {
        run.cold_air_time_h = last->time_h;
        run.cold_air_speed_m_per_s = Raster<float>(g);
        run.cold_air_height_m = Raster<float>(g);
        kt::sample_containing_cell(last->speed_m_per_s.view(), surface.mask, area.mask,
                                   run.cold_air_speed_m_per_s.view());
        kt::sample_containing_cell(last->height_m.view(), surface.mask, area.mask,
                                   run.cold_air_height_m.view());
        kt::ColdAirCouplingParams params;
        params.regional_wind_m_per_s = settings.weather.wind_10m_m_per_s;
        params.min_depth_m = settings.cold_air_min_depth_m;
        run.cold_air_share = Raster<float>(g);
        kt::compute_cold_air_uhi_share(run.cold_air_speed_m_per_s.view(),
                                       run.cold_air_height_m.view(), area.mask, params,
                                       run.cold_air_share.view());
        run.uhi_night_coupled_k = Raster<float>(g);
        kt::reduce_heat_island(run.uhi_max_k.view(), run.cooling_capacity.view(),
                               run.heat_mitigation.view(), run.cold_air_share.view(),
                               run.street_mask, run.uhi_night_coupled_k.view());
        classify_thermal_run(run, area, settings, run.uhi_night_coupled_k);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("models.thermal.night.cold_air_coupling: ") + e.what());
    }
    std::size_t reduced = 0;
    std::size_t street = 0;
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        if (run.street_mask.has_data(i)) {
            ++street;
            reduced += run.cold_air_share[i] > 0.0F ? 1U : 0U;
        }
    }
    char text[200];
    std::snprintf(text, sizeof text,
                  "thermal: cold air of %g h after sunset reduces the night heat island on %zu of "
                  "%zu street-level cells",
                  run.cold_air_time_h, reduced, street);
    log_info(text);
}

ThermalRun run_thermal_coupled(const Scenario& scenario, const StudyArea& area,
                               ModelCache& cache) {
    log_info("thermal: cold-air coupling: the cold-air run with the uncoupled thermal-load "
             "classes");
    ModelCache::CoupledInputs inputs = cache.coupled_inputs(scenario, area);
    couple_thermal_to_cold_air(inputs.thermal, area, scenario.models.thermal,
                               inputs.cold_air.run, inputs.cold_air.surface);
    return std::move(inputs.thermal);
}

ThermalRun run_thermal_coupled(const Scenario& scenario, const StudyArea& area) {
    ModelCache cache;
    return run_thermal_coupled(scenario, area, cache);
}

} // namespace lauter::sim
