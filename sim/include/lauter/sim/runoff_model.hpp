#pragma once
/// @file runoff_model.hpp
/// The heavy-rain runoff model of a scenario and of `lauter tool runoff` (issue 3): builds the
/// per-cell inputs (Manning's n, sealing, curve numbers, buildings) on the study grid, runs the
/// event (kernels/runoff/event.hpp) with progress output and writes the hazard-map products.
///
/// Per-cell inputs from the land cover (OsmLandCover):
///   - Manning's n: the value of the cell's dominant class (RunoffModelSettings::manning_n);
///   - impervious fraction: OsmLandCover::impervious_fraction (sealed shares infiltrate nothing);
///   - curve number of the pervious share: the area-weighted mean over the cell's unsealed
///     classes (railway, open_land, trees, water, agriculture), the dominant class's value
///     where the cell has no unsealed share;
///   - buildings: building cells are the cells with a building id (OsmLandCover::building_id,
///     building fraction >= 0.5 or the cell of a small building). obstacle raises them by
///     obstacle_height_m; roof also sends their rain to the nearest ground next to the building
///     (kernels::runoff::roof_rain_multiplier); none leaves them as sealed ground.
/// Without land cover, every cell is unsealed ground of one class (a uniform surface).
///
/// Boundaries and no-data: the study-area edges and the cells next to no-data cells (holes of
/// the DEM, cells outside the boundary) are free outflow by default (solver.boundary): water
/// reaching a hole leaves the domain there and counts as outflow. No-data cells themselves are
/// never computed. A DEM without any data is an error; a flat DEM runs (water ponds and leaves
/// only through the outflow edges).

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/runoff/buildings.hpp>
#include <lauter/kernels/runoff/design_storm.hpp>
#include <lauter/kernels/runoff/event.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/runoff_settings.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lauter::sim {

/// Per-cell surface inputs of a runoff run, on the study grid.
struct RunoffSurface {
    kernels::Raster<float> manning_n;           ///< s m^-1/3
    kernels::Raster<float> impervious_fraction; ///< 0..1
    kernels::Raster<float> curve_number;        ///< pervious share, 1..100
    /// Building id per cell (0: none); an empty raster (no cells) when there are no buildings.
    kernels::Raster<std::int32_t> building_id;
    /// Share of the rain on each building cell that runs off (OsmBuilding::
    /// roof_runoff_coefficient of its building, 1 elsewhere); an empty raster when every roof is
    /// conventional. The retained rain never enters the event (nor its volume balance).
    kernels::Raster<float> roof_runoff_coefficient;
};

/// The surface of a study area from its land cover (see the file comment).
[[nodiscard]] RunoffSurface surface_from_land_cover(const OsmLandCover& land_cover,
                                                    const kernels::CellMask& mask,
                                                    const RunoffModelSettings& settings);

/// A uniform surface: one Manning's n, curve number and sealing everywhere, no buildings.
[[nodiscard]] RunoffSurface uniform_surface(const kernels::GridSpec& grid, double manning_n,
                                            double curve_number, double impervious_fraction);

/// Everything a runoff run produced.
struct RunoffRun {
    kernels::runoff::RunoffEventResults event;
    kernels::Raster<std::uint8_t> hazard_class; ///< kernels::runoff::HazardClass values
    std::array<std::size_t, 7> hazard_cell_counts{};
    /// Present when the surface has buildings.
    std::optional<kernels::runoff::BuildingsAffected> buildings_affected;
    std::string storm_description;
    double duration_s = 0.0;
    double wall_time_s = 0.0;
};

/// Runs the event on `elevation_m` (the DEM on the grid of `mask`) with `surface` and `storm`.
/// Throws ConfigError for parameters the kernels reject, InputError if the DEM has no data.
[[nodiscard]] RunoffRun run_runoff(const kernels::Raster<float>& elevation_m,
                                   const kernels::CellMask& mask, const RunoffSurface& surface,
                                   const RunoffModelSettings& settings,
                                   const kernels::runoff::Hyetograph& storm,
                                   const std::string& storm_description);

/// The volume balance as a table (time_s, cumulative volumes in m3, residuals, max depth, steps).
[[nodiscard]] Table volume_balance_table(const kernels::runoff::RunoffEventResults& event);

/// The volume balance as CSV text (same columns as the table).
[[nodiscard]] std::string volume_balance_csv(const kernels::runoff::RunoffEventResults& event);

/// Writes the runoff rasters, tables and summary attributes under `group`
/// ("/<scenario>/runoff"). `buildings` lists the buildings of surface.building_id (may be empty).
void write_runoff_results(ResultsWriter& out, const std::string& group, const RunoffRun& run,
                          const RunoffSurface& surface, const kernels::CellMask& mask,
                          const RunoffModelSettings& settings,
                          const std::vector<OsmBuilding>& buildings);

/// The hazard classification's citation (written with the class raster).
[[nodiscard]] std::string hazard_citation();

} // namespace lauter::sim
