#pragma once
/// @file coldair_settings.hpp
/// Settings of the cold-air model (scenario key `models.coldair`, issue 4): mode (shallow layer
/// or kinematic screening), run time and output times, the model grid, production and roughness
/// per land-cover class, buildings, the settlement definition and the corridor class breaks.
/// Defaults come from the kernel parameter structs (kernels/coldair/*.hpp), where each is cited.
/// The schema entries and the conversion of a resolved scenario tree live in
/// coldair_settings.cpp, the model itself in coldair_model.hpp.

#include <lauter/kernels/coldair/corridors.hpp>
#include <lauter/kernels/coldair/layer.hpp>
#include <lauter/kernels/coldair/production.hpp>
#include <lauter/kernels/coldair/roughness.hpp>
#include <lauter/kernels/coldair/screening.hpp>
#include <lauter/kernels/coldair/supply.hpp>
#include <lauter/kernels/landcover.hpp>
#include <lauter/sim/schema.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim {

/// Which cold-air model runs.
enum class ColdAirMode : std::uint8_t {
    layer = 0,     ///< the shallow cold-air layer (kernels/coldair/layer.hpp)
    screening = 1, ///< the kinematic scheme of SAGA's Cold Air Flow (kernels/coldair/screening.hpp)
};

[[nodiscard]] std::string_view coldair_mode_name(ColdAirMode mode) noexcept;

/// Which model cells are the settlements of the inflow, corridor and supply maps.
enum class ColdAirSettlementCells : std::uint8_t {
    automatic = 0,    ///< thermal_load when models.thermal is enabled, else sealed
    sealed = 1,       ///< sealed fraction >= settlement_min_sealed_fraction
    thermal_load = 2, ///< thermal-load class of models.thermal >= settlement_min_load_class
};

[[nodiscard]] std::string_view coldair_settlement_cells_name(ColdAirSettlementCells c) noexcept;

/// The definition in effect: `automatic` resolved by whether models.thermal is enabled.
[[nodiscard]] ColdAirSettlementCells effective_settlement_cells(ColdAirSettlementCells cells,
                                                                bool thermal_enabled) noexcept;

using ColdAirPerClass = std::array<double, kernels::land_cover_class_count>;

struct ColdAirModelSettings {
    bool enabled = false;
    ColdAirMode mode = ColdAirMode::layer;
    /// Run length from sunset (h): consultants report the flow after 8 h (physics.md A1, [WP]).
    double duration_h = 8.0;
    /// Output times (h), ascending, each in (0, duration_h]: 1, 4 and 8 h (issue 4).
    std::vector<double> output_times_h = {1.0, 4.0, 8.0};
    /// Cell size of the model grid (m): KLAM_21 studies run at 10-50 m (issue 4; Rhineland-
    /// Palatinate 100 m, physics.md A1); 25 m is in the middle. The DEM and the land cover are
    /// aggregated (area-weighted means) from the study grid; equal to the study resolution: none.
    double resolution_m = 25.0;
    /// Production (m^3/(m^2 h)) per class: kernels::coldair::default_production_table().
    ColdAirPerClass production_m3_per_m2_h = kernels::coldair::default_production_table().rate_m3_per_m2_h;
    /// Layer-mean deficit and ambient temperature of the layer (kernels::coldair::ColdAirLayerParams).
    double deficit_k = kernels::coldair::ColdAirLayerParams{}.deficit_k;
    double ambient_temperature_c = kernels::coldair::ColdAirLayerParams{}.ambient_temperature_k - 273.15;
    double velocity_depth_threshold_m =
        kernels::coldair::ColdAirLayerParams{}.velocity_depth_threshold_m;
    /// Largest Froude number of a face flux (kernels::coldair::default_cold_air_solver()).
    double froude_limit = kernels::coldair::default_cold_air_solver().froude_limit;
    /// Roughness lengths per class and the layer depth of the drag law (roughness.hpp).
    ColdAirPerClass roughness_length_m = kernels::coldair::RoughnessParams{}.roughness_length_m;
    double drag_reference_depth_m = kernels::coldair::RoughnessParams{}.reference_depth_m;
    /// Buildings as displacement height and roughness (Macdonald et al. 1998, roughness.hpp).
    bool building_displacement = true;
    double building_drag_coefficient = kernels::coldair::RoughnessParams{}.building_drag_coefficient;
    /// Friction f of the screening mode (SAGA's default 1; screening.hpp).
    double screening_friction = 1.0;
    /// Settlement cells: building + road + other sealed fraction at least this. 0.5, the
    /// majority rule the thermal model uses for its settlement cells
    /// (ThermalModelSettings::settlement_min_impervious_fraction).
    double settlement_min_sealed_fraction = 0.5;
    /// Settlements from the sealed fraction or from the thermal-load classes (docs/coldair.md).
    ColdAirSettlementCells settlement_cells = ColdAirSettlementCells::automatic;
    /// Thermally loaded: class 3 "moderate" or above of the five thermal-load classes
    /// (kernels/thermal/thermal_load_classes.hpp); lauter's choice.
    int settlement_min_load_class = 3;
    kernels::coldair::CorridorParams corridors{};
    /// Flow-speed classes (Leipzig's flow-field breaks, supply.hpp).
    kernels::coldair::FlowSpeedClassParams flow_speed{};
    /// Cold-air supply of settlement cells (supply.hpp).
    kernels::coldair::SupplyParams supply{};

    bool operator==(const ColdAirModelSettings& o) const {
        return enabled == o.enabled && mode == o.mode && duration_h == o.duration_h &&
               output_times_h == o.output_times_h && resolution_m == o.resolution_m &&
               production_m3_per_m2_h == o.production_m3_per_m2_h &&
               deficit_k == o.deficit_k && ambient_temperature_c == o.ambient_temperature_c &&
               velocity_depth_threshold_m == o.velocity_depth_threshold_m &&
               froude_limit == o.froude_limit &&
               roughness_length_m == o.roughness_length_m &&
               drag_reference_depth_m == o.drag_reference_depth_m &&
               building_displacement == o.building_displacement &&
               building_drag_coefficient == o.building_drag_coefficient &&
               screening_friction == o.screening_friction &&
               settlement_min_sealed_fraction == o.settlement_min_sealed_fraction &&
               settlement_cells == o.settlement_cells &&
               settlement_min_load_class == o.settlement_min_load_class &&
               corridors.flux_breaks_m2_per_s == o.corridors.flux_breaks_m2_per_s &&
               flow_speed.speed_breaks_m_per_s == o.flow_speed.speed_breaks_m_per_s &&
               supply.min_unit_inflow_m2_per_s == o.supply.min_unit_inflow_m2_per_s;
    }
};

/// The `models.coldair` mapping of the scenario schema.
[[nodiscard]] schema::KeySpec coldair_model_schema();

/// Cross-key checks (output times within the run, complete per-class tables, inputs the model
/// needs, model grid not finer than the study grid); one diagnostic per problem.
void check_coldair_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics);

/// Typed settings from the resolved `models.coldair` node of a scenario without errors.
[[nodiscard]] ColdAirModelSettings coldair_settings_from(const YAML::Node& coldair);

/// Output-time label of layer names: "4" for 4 h, "0p5" for 0.5 h ([A-Za-z0-9_] only).
[[nodiscard]] std::string coldair_time_label(double hours);

} // namespace lauter::sim
