#pragma once
/// @file runoff_settings.hpp
/// Settings of the heavy-rain runoff model (scenario key `models.runoff`, issue 3): the design
/// storm, losses, Manning's n per land-cover class, buildings, solver options and outputs, with
/// their defaults and sources. The schema entries (runoff_model_schema) and the conversion of a
/// resolved scenario tree into RunoffModelSettings live in runoff_settings.cpp; the model itself
/// in runoff_model.hpp.

#include <lauter/kernels/landcover.hpp>
#include <lauter/kernels/runoff/design_storm.hpp>
#include <lauter/kernels/runoff/event.hpp>
#include <lauter/kernels/runoff/infiltration.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>
#include <lauter/sim/schema.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lauter::sim {

/// How the storm of a run is given.
enum class StormKind : std::uint8_t {
    preset = 0,   ///< a named design storm (kernels::runoff::StormPreset)
    constant = 1, ///< intensity_mm_per_h from t = 0 for duration_min
    block = 2,    ///< intensity_mm_per_h from start_min for duration_min, dry before and after
    csv = 3,      ///< a time series file (read_storm_csv)
};

[[nodiscard]] std::string_view storm_kind_name(StormKind kind) noexcept;

struct StormSettings {
    StormKind kind = StormKind::preset;
    /// Issue 3 names "1 h 40 mm" as the default Kaiserslautern storm.
    kernels::runoff::StormPreset preset = kernels::runoff::StormPreset::one_hour_40_mm;
    double intensity_mm_per_h = 0.0; ///< constant and block storms
    double start_min = 0.0;          ///< block storms
    double duration_min = 0.0;       ///< constant and block storms
    std::optional<std::filesystem::path> csv; ///< csv storms: absolute path

    bool operator==(const StormSettings&) const = default;
};

/// Loss model of the pervious share of the cells.
enum class LossMethod : std::uint8_t { none = 0, green_ampt = 1, curve_number = 2 };

[[nodiscard]] std::string_view loss_method_name(LossMethod method) noexcept;

/// Per land-cover class values, indexed by kernels::land_cover_index().
using PerClass = std::array<double, kernels::land_cover_class_count>;

struct LossSettings {
    LossMethod method = LossMethod::green_ampt;
    /// Rawls et al. (1983) texture of the whole study area. Silt loam is the texture whose
    /// parameters physics.md B2 quotes and validates; set the local soil (for Kaiserslautern's
    /// sandstone soils a sandier texture is likely).
    kernels::runoff::SoilTexture soil_texture = kernels::runoff::SoilTexture::silt_loam;
    /// Initial volumetric moisture theta_i (-), above the residual content: 0.30 is the state
    /// of physics.md B5 case 6 (silt loam); must not exceed the texture's effective porosity.
    double initial_moisture = 0.30;
    /// Green-Ampt with the ponding depth in the suction term (physics.md B2).
    bool include_ponding_head = true;
    /// Curve numbers of the pervious share per class, TR-55 (USDA SCS 1986) hydrologic soil
    /// group C (physics.md B2 and runoff_settings.cpp for each value).
    PerClass curve_numbers{};
    /// Initial abstraction ratio lambda: 0.2 classically (TR-55), ~0.05 urban (physics.md B2).
    double initial_abstraction_ratio = 0.2;
    /// Loss update interval (s, > 0): kernels::runoff::RunoffEventParams::loss_interval_s;
    /// 15 s is itzi's infiltration step for EA test 8A (physics.md B1).
    double update_interval_s = kernels::runoff::RunoffEventParams{}.loss_interval_s;

    bool operator==(const LossSettings&) const = default;
};

/// How buildings enter the hydraulic model.
enum class BuildingMode : std::uint8_t {
    obstacle = 0, ///< building cells raised by obstacle_height_m: water flows around them
    roof = 1,     ///< obstacles whose rain drains to the ground next to the building
    none = 2,     ///< buildings are ordinary (sealed) terrain
};

[[nodiscard]] std::string_view building_mode_name(BuildingMode mode) noexcept;

/// Precision of the water-depth and flux state (fluxes are computed in double either way).
enum class StatePrecision : std::uint8_t { float32 = 0, float64 = 1 };

struct RunoffModelSettings {
    bool enabled = false;
    StormSettings storm;
    /// Issue 3: "1 h 40 mm storm plus 1 h of drainage".
    double drainage_time_min = 60.0;
    LossSettings losses;
    /// Sewer inlet capacity per unit sealed area (mm/h). 0: no sewer; heavy-rain hazard maps
    /// commonly assume sewers full in events beyond their design storm.
    double sewer_capacity_mm_per_h = 0.0;
    /// Manning's n (s m^-1/3) per class; see runoff_settings.cpp for each value's source.
    PerClass manning_n{};
    /// roof: obstacles whose roof rain reaches the ground next to the building, as gutters and
    /// downpipes put it there. Rain left on a block raised by obstacle_height_m would instead pour
    /// off a 10 m wall, and those waterfalls' face velocities, not the flood, would set the
    /// time step (Kaiserslautern 5 m, first 10 min: 1,502 steps with obstacle, 626 with roof).
    BuildingMode buildings = BuildingMode::roof;
    /// Height added to building cells in the hydraulic terrain (m): far above any flood depth.
    double obstacle_height_m = 10.0;
    /// Solver options: the defaults of kernels::shallow::LocalInertialParams, taken from there so
    /// the scenario, the tool and the kernel cannot disagree.
    double cfl = kernels::shallow::LocalInertialParams{}.cfl;
    double theta = kernels::shallow::LocalInertialParams{}.theta;
    double dt_max_s = kernels::shallow::LocalInertialParams{}.dt_max_s;
    double depth_threshold_m = kernels::shallow::LocalInertialParams{}.depth_threshold_m;
    kernels::shallow::TimeStepRule time_step_rule =
        kernels::shallow::LocalInertialParams{}.time_step_rule;
    kernels::shallow::OuterFace boundary = kernels::shallow::BoundaryParams{}.north;
    StatePrecision precision = StatePrecision::float64;
    /// Interval of the volume-balance samples (s).
    double balance_interval_s = 60.0;
    /// Depth thresholds of the buildings-affected counts (m): 0.1 / 0.3 / 0.5 as issue 3 asks.
    std::array<double, 3> building_depth_thresholds_m{0.1, 0.3, 0.5};
    bool write_end_depth = true;
    bool write_buildings_affected = true;

    bool operator==(const RunoffModelSettings&) const = default;
};

/// Default Manning's n per class (see runoff_settings.cpp for the sources).
[[nodiscard]] PerClass default_manning_n();
/// Default TR-55 curve numbers per class, hydrologic soil group C.
[[nodiscard]] PerClass default_curve_numbers();

/// The `models.runoff` mapping of the scenario schema.
[[nodiscard]] schema::KeySpec runoff_model_schema();

/// Checks that involve several runoff keys or inputs (storm fields of its kind, a complete
/// Manning table, moisture within the porosity, runoff needing inputs.dem); adds one
/// diagnostic per problem.
void check_runoff_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics);

/// Storm cross-key checks (fields of the storm's type given, others absent) of the resolved
/// `storm` mapping at key path `storm_path` ("models.runoff.storm", or a heavy_rain
/// modification's "modifications[2].storm").
void check_storm_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics,
                      const YAML::Node& storm, const std::string& storm_path);

/// Typed storm from a resolved `storm` mapping without errors.
[[nodiscard]] StormSettings storm_settings_from(const YAML::Node& storm);

/// Typed settings from the resolved `models.runoff` node of a scenario without errors.
[[nodiscard]] RunoffModelSettings runoff_settings_from(const YAML::Node& runoff);

} // namespace lauter::sim
