#pragma once
/// @file thermal_settings.hpp
/// Settings of the thermal-load model (scenario key `models.thermal`, issue 5): the weather of
/// the day and moment (preset `hot_day` or user-set values), sky view factor, trees, night heat
/// island, thermal-load class breaks and residents. Defaults come from the kernel parameter
/// structs (kernels/thermal/*.hpp) or, for the weather, from the hot-day preset of issue 5. The
/// schema entries and the conversion of a resolved scenario tree live in thermal_settings.cpp,
/// the model itself in thermal_model.hpp.

#include <lauter/kernels/thermal/cold_air_coupling.hpp>
#include <lauter/kernels/thermal/heat_island.hpp>
#include <lauter/kernels/thermal/mean_radiant_temperature.hpp>
#include <lauter/kernels/thermal/shadow.hpp>
#include <lauter/kernels/thermal/sky_view_factor.hpp>
#include <lauter/kernels/thermal/sun_position.hpp>
#include <lauter/kernels/thermal/surface_model.hpp>
#include <lauter/kernels/thermal/thermal_load_classes.hpp>
#include <lauter/kernels/thermal/urban_cooling.hpp>
#include <lauter/sim/residents.hpp>
#include <lauter/sim/schema.hpp>

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lauter::sim {

/// The hot-day preset of issue 5: "clear July day, 32 °C, 40 % RH, 1 m/s, 15:00 local time".
/// The date (15 July) and the offset (CEST, UTC+2, the summer time of Germany) make the moment
/// concrete; the air temperature and humidity are those of kernels::thermal::RadiationMoment.
struct HotDayPreset {
    static constexpr int year = 2026;
    static constexpr int month = 7;
    static constexpr int day = 15;
    static constexpr int hour = 15;
    static constexpr int minute = 0;
    static constexpr double utc_offset_h = 2.0;
    static constexpr double wind_10m_m_per_s = 1.0;
};

/// A local calendar date and clock time (validated when the scenario is loaded).
struct LocalMoment {
    int year = HotDayPreset::year;
    int month = HotDayPreset::month;
    int day = HotDayPreset::day;
    int hour = HotDayPreset::hour;
    int minute = HotDayPreset::minute;
    double utc_offset_h = HotDayPreset::utc_offset_h; ///< local time = UTC + offset

    bool operator==(const LocalMoment&) const = default;
};

/// The weather of the day and of the moment mapped by day.
struct ThermalWeather {
    LocalMoment moment;
    double air_temperature_c = kernels::thermal::RadiationMoment{}.air_temperature_c;
    double relative_humidity_pct = kernels::thermal::RadiationMoment{}.relative_humidity_pct;
    double wind_10m_m_per_s = HotDayPreset::wind_10m_m_per_s;
    /// Daily maximum and minimum of the rural reference, for the diurnal temperature range of
    /// Theeuwes et al. (2017): the preset's 32 °C and a DTR of 14 K, the physics.md C5 example
    /// (kernels::thermal::TheeuwesMeteorology).
    double daily_max_temperature_c = kernels::thermal::RadiationMoment{}.air_temperature_c;
    double daily_min_temperature_c =
        kernels::thermal::RadiationMoment{}.air_temperature_c -
        kernels::thermal::TheeuwesMeteorology{}.diurnal_temperature_range_k;
    /// Daily mean global radiation K↓ (W/m²) of Theeuwes et al. (2017).
    double mean_global_radiation_w_m2 =
        kernels::thermal::TheeuwesMeteorology{}.mean_global_radiation_w_m2;

    bool operator==(const ThermalWeather&) const = default;
};

struct ThermalModelSettings {
    bool enabled = false;
    ThermalWeather weather;
    std::size_t svf_directions = kernels::thermal::SkyViewFactorParams{}.directions;
    double svf_search_radius_m = kernels::thermal::SkyViewFactorParams{}.search_radius_m;
    std::size_t svf_vegetation_altitudes = kernels::thermal::VegetationSkyParams{}.altitudes;
    /// Tree height (m) of every OSM canopy cell: OSM has no tree heights. 10 m is lauter's
    /// choice for a mature mid-sized urban tree, of the scale of the 6 m crowns
    /// (OsmLandCoverParams::tree_crown_radius_m) that OSM tree points are given.
    double tree_height_m = 10.0;
    double tree_transmissivity = kernels::thermal::ShadowParams{}.transmissivity;
    double trunk_zone_fraction = kernels::thermal::SurfaceModelParams{}.trunk_zone_fraction;
    double park_cooling_distance_m = kernels::thermal::ParkCoolingParams{}.cooling_distance_m;
    double park_min_green_area_m2 = kernels::thermal::ParkCoolingParams{}.min_green_area_m2;
    /// night.cold_air_coupling: reduce the night heat island where cold air of models.coldair
    /// flows in (thermal_coupling.hpp); needs models.coldair enabled.
    bool cold_air_coupling = false;
    /// Depth (m) the cold-air layer must exceed to reduce the heat island.
    double cold_air_min_depth_m = kernels::thermal::ColdAirCouplingParams{}.min_depth_m;
    std::array<double, 4> day_utci_breaks_c = kernels::thermal::ThermalLoadBreaks{}.day_utci_c;
    std::array<double, 4> night_uhi_breaks_k = kernels::thermal::ThermalLoadBreaks{}.night_uhi_k;
    /// Cells with at least this impervious fraction (or any building share) are settlement
    /// cells (classed): 0.5, the majority rule of the surface model's building cells
    /// (surface_model.hpp).
    double settlement_min_impervious_fraction =
        kernels::thermal::SurfaceModelParams{}.building_fraction_threshold;
    /// Half width (m) of the square around a building cell whose street-level (non-building)
    /// cells give the building's day UTCI and night heat island: lauter's choice, about one
    /// street width, so that residents get the conditions outside their house.
    double ambient_radius_m = 15.0;
    /// Residents raster (residents per hectare, e.g. a census grid); absolute path.
    std::optional<std::filesystem::path> residents;
    std::string residents_crs; ///< CRS assumed when the residents raster has none
    /// Without a residents raster: the estimate from OSM buildings (residents.hpp), the one
    /// shared with the mobility model. Its `total` rescales the raster's residents as well.
    ResidentsParams resident_estimate;
    /// District polygons (any OGR vector file or .poly); each polygon is one district, numbered
    /// in file order. Absolute path; without it the study area is one district.
    std::optional<std::filesystem::path> districts;
    std::string districts_crs; ///< CRS assumed when the district file has none

    bool operator==(const ThermalModelSettings&) const = default;
};

/// Parses "YYYY-MM-DD" into year, month and day of `moment`; false if it is not a valid date.
[[nodiscard]] bool parse_local_date(std::string_view text, LocalMoment& moment);
/// Parses "HH:MM" (00:00 .. 23:59) into hour and minute of `moment`; false otherwise.
[[nodiscard]] bool parse_local_time(std::string_view text, LocalMoment& moment);

/// The UTC instant of a local moment as a Julian day.
[[nodiscard]] double julian_day_utc(const LocalMoment& moment);

/// The `models.thermal` mapping of the scenario schema.
[[nodiscard]] schema::KeySpec thermal_model_schema();

/// Cross-key checks (daily minimum <= air temperature <= daily maximum, inputs the model needs);
/// one diagnostic per problem.
void check_thermal_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics);

/// Weather cross-key check (air temperature between the daily minimum and maximum) of the
/// resolved `weather` mapping at key path `weather_path`.
void check_weather_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics,
                        const YAML::Node& weather, const std::string& weather_path);

/// Typed weather from a resolved `weather` mapping (models.thermal.weather or a hot_day
/// modification) without errors.
[[nodiscard]] ThermalWeather thermal_weather_from(const YAML::Node& weather);

/// Typed settings from the resolved `models.thermal` node of a scenario without errors.
[[nodiscard]] ThermalModelSettings thermal_settings_from(const YAML::Node& thermal);

} // namespace lauter::sim
