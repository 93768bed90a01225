#pragma once
/// @file coldair_model.hpp
/// The cold-air model of a scenario (`models.coldair`) and of `lauter tool coldair` (issue 4):
/// builds the surface on the model grid, runs the shallow layer or the kinematic screening
/// (kernels/coldair) and derives the settlement inflow and the corridor map at each output time.
///
/// Model grid. The DEM and the land cover of the study area are aggregated onto cells of
/// resolution_m (area-weighted means of the cells with data, kernels::coldair::aggregate_mean);
/// a model cell has data where cells with elevation cover at least half of it. The class of a
/// model cell is the class with the largest aggregated fraction (the first in LandCover order on
/// ties); the mean building height is the building-fraction-weighted mean. With resolution_m equal
/// to the study resolution the study grid is used as it is.
///
/// Surface per model cell (kernels/coldair): production from the class, the sealed share and the
/// tree canopy (production.hpp); drag coefficient and displacement height from the class and the
/// building fraction and height (roughness.hpp).
///
/// Settlement cells (settlement_cells): `thermal_load` - the thermally loaded settlements, cells
/// whose thermal-load class (models.thermal, run_thermal on the study area) is at least
/// settlement_min_load_class; on a coarser model grid a cell has class k when the study cells of
/// class k or above cover at least half of its area with data (so each class threshold is a
/// majority rule, as the sealed one); `sealed` - cells whose building + road + other sealed
/// fraction is at least settlement_min_sealed_fraction; `auto` - thermal_load when the surface
/// carries load classes (models.thermal enabled), else sealed.
///
/// Outputs per output time T (hours): height_m, u_m_per_s (east), v_m_per_s (north),
/// speed_m_per_s, volume_flux_m2_per_s (height x speed, m^3/(m s)), settlement_inflow_m3_per_s
/// (kernels::coldair::settlement_inflow), corridor_class (classify_corridors), flow_speed_class
/// (classify_flow_speed) and settlement_supply (classify_cold_air_supply). The screening
/// mode has a speed but no direction: its velocity points down the steepest slope of the air
/// surface z + h (central differences, the slope the scheme uses), and its face fluxes for the
/// settlement inflow are the means of the two cells' unit discharges (face_flux_from_cells), an
/// approximation of the volume its multiple-flow-direction transfer moves.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/landcover.hpp>
#include <lauter/sim/coldair_settings.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lauter::sim {

struct ThermalRun;

/// Inputs of a cold-air run on the model grid.
struct ColdAirSurface {
    kernels::CellMask mask;
    kernels::Raster<float> elevation_m;
    kernels::Raster<std::uint8_t> land_cover; ///< LandCover values (0 at no-data cells)
    kernels::Raster<float> sealed_fraction;   ///< building + road + sealed_other, 0..1
    kernels::Raster<float> canopy_fraction;   ///< tree canopy, 0..1
    kernels::Raster<float> building_fraction; ///< 0..1
    kernels::Raster<float> building_height_m; ///< mean over the building part, 0 without
    /// Thermal-load class 0..5 (0: not a classed settlement) on the model grid; empty without
    /// models.thermal (load_class_on_model_grid).
    kernels::Raster<std::uint8_t> load_class;
    [[nodiscard]] const kernels::GridSpec& grid() const noexcept { return mask.spec(); }
};

/// The surface of a study area on the model grid of `resolution_m` (see the file comment).
/// Throws ConfigError if the study area has no DEM or no land cover.
[[nodiscard]] ColdAirSurface coldair_surface_from_study_area(const StudyArea& area,
                                                             double resolution_m);

/// The thermal-load classes `fine_class` (study grid, 0 = not classed) on `model_grid` (aligned
/// at the upper-left corner, coarsened_grid): class k where the cells of class >= k cover at
/// least half of the model cell's area with data; a copy when the grids are equal.
[[nodiscard]] kernels::Raster<std::uint8_t> load_class_on_model_grid(
    const kernels::Raster<std::uint8_t>& fine_class, const kernels::CellMask& fine_mask,
    const kernels::GridSpec& model_grid);

/// The surface of a scenario's cold-air model: coldair_surface_from_study_area, plus the
/// thermal-load classes (run_thermal on the study area, aggregated) when the effective settlement
/// definition is thermal_load. `thermal`, if given, is the scenario's uncoupled thermal run on
/// `area`, whose classes are taken instead of running the thermal model again.
[[nodiscard]] ColdAirSurface coldair_surface_for_scenario(const Scenario& scenario,
                                                          const StudyArea& area,
                                                          const ThermalRun* thermal = nullptr);

/// A surface on the grid of `elevation_m` from a class raster (LandCover codes): sealed classes
/// (building, road, sealed_other) are fully sealed, building cells are fully built with
/// `building_height_m`, trees are full canopy. Throws InputError naming `source` on a code that
/// is not a class at a cell with data.
[[nodiscard]] ColdAirSurface coldair_surface_from_classes(
    const kernels::Raster<float>& elevation_m, const kernels::CellMask& mask,
    const kernels::Raster<std::uint8_t>& classes, double building_height_m,
    const std::string& source);

/// The layers of one output time.
struct ColdAirTimeSlice {
    double time_h = 0.0;
    kernels::Raster<float> height_m;
    kernels::Raster<float> u_m_per_s;
    kernels::Raster<float> v_m_per_s;
    kernels::Raster<float> speed_m_per_s;
    kernels::Raster<float> volume_flux_m2_per_s;
    kernels::Raster<float> settlement_inflow_m3_per_s;
    kernels::Raster<std::uint8_t> corridor_class;
    kernels::Raster<std::uint8_t> flow_speed_class; ///< kernels::coldair::FlowSpeedClass
    kernels::Raster<std::uint8_t> supply_class;     ///< kernels::coldair::SupplyClass
    double total_inflow_m3_per_s = 0.0; ///< over all settlement cells
    std::size_t supplied_cells = 0;     ///< settlement cells with cold-air supply
};

/// Everything a cold-air run produced.
struct ColdAirRun {
    ColdAirMode mode = ColdAirMode::layer;
    kernels::Raster<float> production_m3_per_m2_h;
    kernels::Raster<float> drag_coefficient;      ///< layer mode
    kernels::Raster<float> displacement_height_m; ///< layer mode
    kernels::Raster<std::uint8_t> settlement;     ///< 1 settlement, 0 other
    std::size_t settlement_cell_count = 0;
    /// The definition in effect (sealed or thermal_load).
    ColdAirSettlementCells settlement_cells = ColdAirSettlementCells::sealed;
    std::vector<ColdAirTimeSlice> slices;
    double production_m3 = 0.0;
    double outflow_m3 = 0.0;
    double storage_m3 = 0.0;
    double residual_m3 = 0.0; ///< production (+ clipped) - outflow - storage
    std::uint64_t step_count = 0;
    double wall_time_s = 0.0;
};

/// Runs the model. Throws ConfigError for parameters the kernels reject and for settlement
/// cells `thermal_load` on a surface without load classes.
[[nodiscard]] ColdAirRun run_coldair(const ColdAirSurface& surface,
                                     const ColdAirModelSettings& settings);

/// The settlement inflow over time as a table (time_h, inflow_m3_per_s).
[[nodiscard]] Table settlement_inflow_table(const ColdAirRun& run);

/// Writes the layers, the settlement_inflow table and the run's attributes under `group`
/// ("/<scenario>/coldair"), on the model grid.
void write_coldair_results(ResultsWriter& out, const std::string& group, const ColdAirRun& run,
                           const ColdAirSurface& surface, const ColdAirModelSettings& settings);

/// Meanings of the corridor_class values (flag_meanings), in CorridorClass order from 1.
[[nodiscard]] std::vector<std::string> corridor_class_meanings();

/// Meanings of the flow_speed_class values, in FlowSpeedClass order from 1.
[[nodiscard]] std::vector<std::string> flow_speed_class_meanings();

/// Meanings of the settlement_supply values, in SupplyClass order from 1.
[[nodiscard]] std::vector<std::string> supply_class_meanings();

} // namespace lauter::sim
