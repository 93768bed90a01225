#pragma once
/// @file run.hpp
/// `lauter run`: one scenario from file to results. Prepares the study area (grid, mask, DEM, land
/// cover), runs the enabled models and writes everything into one HDF5 results file, atomically.

#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace lauter::sim {

/// Builds the study grid (CRS, extent snapped outward to the resolution) of a scenario.
[[nodiscard]] kernels::GridSpec make_study_grid(const Scenario& scenario);

/// Reads, warps and rasterizes every input the enabled models need onto the study grid.
[[nodiscard]] StudyArea prepare_study_area(const Scenario& scenario);

/// Runs the scenario and writes its results to `output` (replaced atomically when complete).
void run_scenario(const Scenario& scenario, const std::filesystem::path& output);

} // namespace lauter::sim
