#pragma once
/// @file thermal_model.hpp
/// The thermal-load model of a scenario (issue 5): day and night maps on the study grid from the
/// kernels in kernels/thermal/ (docs/thermal.md, docs/thermal-comfort.md).
///
/// Steps:
/// 1. Surface model: terrain + OSM building heights (building fraction >= 0.5), OSM tree canopy
///    with one tree height for every canopy cell (ThermalModelSettings::tree_height_m).
/// 2. Sky view factor of the DSM (horizon sweep), with progress per direction.
/// 3. Sun at the moment (NOAA, study-area centre in WGS84); the day's sunrise and highest sun
///    from a one-minute scan of the local day; sunlit fraction (buildings, terrain, crowns).
/// 4. Street-level cells (active, not building) get T_mrt (SOLWEIG-style, clear-sky shortwave),
///    UTCI and its stress class; cells outside UTCI's valid range are NaN and counted.
/// 5. Night: Theeuwes et al. (2017) UHI_max from SVF and the vegetation fraction (open land,
///    agriculture and tree fractions, at least the canopy fraction), reduced by InVEST park
///    cooling (cooling capacity from canopy shade, ground albedo of the SOLWEIG table and a crop
///    coefficient per class with uniform reference ET).
/// 6. Thermal-load classes of settlement cells (impervious fraction >= threshold, or any
///    building share); building
///    cells take the mean UTCI and heat island of the street-level cells within
///    ambient_radius_m, so that their residents get the conditions outside their house.
///    With night.cold_air_coupling on, the classes use the night heat island reduced by cold-air
///    inflow (thermal_coupling.hpp) instead.
/// 7. Residents per cell (a residents-per-hectare raster, or building volume / m³ per
///    resident), summed per district and class.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/thermal/mean_radiant_temperature.hpp>
#include <lauter/kernels/thermal/sun_position.hpp>
#include <lauter/kernels/thermal/thermal_load_classes.hpp>
#include <lauter/kernels/thermal/utci.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/study_area.hpp>
#include <lauter/sim/thermal_settings.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lauter::sim {

/// The sun and the radiation of the mapped moment.
struct ThermalMoment {
    double longitude_deg = 0.0; ///< study-area centre, WGS84
    double latitude_deg = 0.0;
    kernels::thermal::SunPosition sun;
    double sunrise_local_h = 0.0;      ///< local clock hours; NaN if the sun does not rise
    double max_sun_elevation_deg = 0.0; ///< highest geometric elevation of the local day
    kernels::thermal::ClearSkyShortwave shortwave;
    double ground_wave_phase = 0.0;
};

/// Everything a thermal run produced, on the study grid.
struct ThermalRun {
    ThermalMoment moment;
    kernels::Raster<float> dsm_m;
    kernels::Raster<float> sky_view_factor; ///< with tree crowns (SOLWEIG combination)
    kernels::Raster<float> sky_view_factor_buildings; ///< terrain and buildings only
    kernels::Raster<float> sunlit_fraction;
    kernels::Raster<float> tmrt_c;
    kernels::Raster<float> utci_c;
    kernels::Raster<std::uint8_t> utci_stress;
    kernels::thermal::UtciStats utci_stats;
    kernels::Raster<float> uhi_max_k;
    kernels::Raster<float> heat_mitigation;
    kernels::Raster<float> cooling_capacity; ///< InVEST cooling capacity CC
    kernels::Raster<float> uhi_night_k;      ///< after park cooling, without cold air
    /// Cold-air coupling (thermal_coupling.hpp); empty rasters when it is off.
    kernels::Raster<float> cold_air_speed_m_per_s; ///< u_c on the study grid
    kernels::Raster<float> cold_air_height_m;      ///< layer height on the study grid
    kernels::Raster<float> cold_air_share;         ///< f_cold
    kernels::Raster<float> uhi_night_coupled_k;    ///< uhi_night_k · (1 - f_cold)
    double cold_air_time_h = 0.0;                  ///< cold-air output time used
    double theeuwes_factor_k = 0.0;
    kernels::Raster<std::uint8_t> load_class;
    kernels::Raster<float> residents;
    /// District index per cell (-1: outside every district).
    kernels::Raster<std::int32_t> district;
    /// Active cells that are not building cells (pedestrian layers).
    kernels::CellMask street_mask;
    /// Settlement cells (classed).
    kernels::CellMask settlement_mask;
    std::size_t building_cells = 0;
    kernels::thermal::ResidentsByClass residents_by_class;
    std::vector<std::string> district_names;
    /// Settlement area (m²) per district and class: [district * 5 + class - 1].
    std::vector<double> class_area_m2;
    std::string residents_source;
    double wall_time_s = 0.0;
};

/// The sun and clear-sky radiation at the settings' moment seen from the grid centre.
/// Throws InputError if the grid's CRS cannot be transformed to WGS84.
[[nodiscard]] ThermalMoment thermal_moment(const kernels::GridSpec& grid,
                                           const ThermalWeather& weather);

/// Runs the thermal model on the study area (which must have elevation and land cover; else
/// ConfigError). Reads the optional residents raster and district file (InputError on bad files).
[[nodiscard]] ThermalRun run_thermal(const StudyArea& area, const ThermalModelSettings& settings);

/// Steps 6 and 7 on a run whose day layers, residents and districts are set: thermal-load classes
/// from the day UTCI and `night_uhi_k` (the run's uhi_night_k, or the cold-air coupled one),
/// residents and settlement area per district and class. Throws std::invalid_argument on bad
/// breaks.
void classify_thermal_run(ThermalRun& run, const StudyArea& area,
                          const ThermalModelSettings& settings,
                          const kernels::Raster<float>& night_uhi_k);

/// Writes the rasters, tables and summary numbers under `group` ("/<scenario>/thermal").
void write_thermal_results(ResultsWriter& out, const std::string& group, const ThermalRun& run,
                           const ThermalModelSettings& settings, const kernels::CellMask& mask);

} // namespace lauter::sim
