#pragma once
/// @file thermal_coupling.hpp
/// The night heat island of the thermal model coupled to the cold-air model (issue 5, item 4;
/// scenario key models.thermal.night.cold_air_coupling: on).
///
/// The cold-air model may take its settlements from the thermal-load classes (settlement.cells:
/// thermal_load), and the coupled classes need the cold air: the cycle is cut by running
///   1. the thermal model uncoupled (run_thermal),
///   2. the cold-air model with settlements from those uncoupled classes (as the cold-air model of
///      the scenario does), on its own grid,
///   3. f_cold per study cell from the cold-air layer at the last output time of models.coldair
///      (by default 8 h after sunset, the end of the night run; closest to the early-morning
///      minimum temperature when the nocturnal heat island is strongest): speed and height of the
///      model cell containing the cell centre, kernels::thermal::compute_cold_air_uhi_share with
///      U the Theeuwes 10 m wind of models.thermal.weather,
///   4. uhi_night_coupled_k = UHI_max · r_park · (1 - f_cold) (reduce_heat_island), and the
///      thermal-load classes and residents per class from it.
/// uhi_night_k stays the heat island after park cooling alone, so both can be compared.
/// Steps 1 and 2 are the runs of the scenario's own thermal and cold-air tasks: a ModelCache hands
/// them to both tasks, so each is computed once per scenario (run.hpp).

#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/run.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>
#include <lauter/sim/thermal_model.hpp>

namespace lauter::sim {

/// Steps 3 and 4 on an uncoupled thermal run of `area`, from a cold-air run on `surface`.
/// Throws ConfigError if the cold-air run has no output time or parameters are rejected.
void couple_thermal_to_cold_air(ThermalRun& run, const StudyArea& area,
                                const ThermalModelSettings& settings, const ColdAirRun& cold_air,
                                const ColdAirSurface& surface);

/// Steps 1 to 4 for a scenario with models.thermal and models.coldair; steps 1 and 2 are taken
/// from `cache` (shared with the scenario's cold-air task) or computed there.
[[nodiscard]] ThermalRun run_thermal_coupled(const Scenario& scenario, const StudyArea& area,
                                             ModelCache& cache);

/// run_thermal_coupled with a cache of its own.
[[nodiscard]] ThermalRun run_thermal_coupled(const Scenario& scenario, const StudyArea& area);

} // namespace lauter::sim
