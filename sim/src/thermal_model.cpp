// The thermal-load model of a scenario; see thermal_model.hpp for the steps.
#include <lauter/kernels/rasterize.hpp>
#include <lauter/kernels/thermal/heat_island.hpp>
#include <lauter/kernels/thermal/shadow.hpp>
#include <lauter/kernels/thermal/sky_view_factor.hpp>
#include <lauter/kernels/thermal/surface_model.hpp>
#include <lauter/kernels/thermal/urban_cooling.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/residents.hpp>
#include <lauter/sim/thermal_model.hpp>
#include <lauter/sim/vector_input.hpp>

#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace lauter::sim {

namespace {

namespace kt = kernels::thermal;
using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::LandCover;
using kernels::Raster;

constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << value;
    return out.str();
}

const Raster<float>& fraction_of(const OsmLandCover& lc, LandCover c) {
    return lc.fractions[kernels::land_cover_index(c)];
}

/// Crop coefficient K_c per land-cover class for the InVEST evapotranspiration index (uniform
/// reference ET, so ETI = K_c / max K_c). Sealed classes evaporate nothing (0). FAO-56 (Allen
/// et al. 1998, Table 12, mid-season K_c): cool-season turf grass 0.95 (open land), conifer
/// trees 1.00 (trees), open water < 2 m deep 1.05 (water). Agriculture 1.0 and railway track
/// beds 0.3 (sparse weeds on ballast) are lauter's choices.
constexpr std::array<double, kernels::land_cover_class_count> crop_coefficient = {
    0.0,  // building
    0.0,  // road
    0.0,  // sealed_other
    0.3,  // railway
    0.95, // open_land
    1.0,  // trees
    1.05, // water
    1.0,  // agriculture
};

/// WGS84 longitude and latitude (degrees) of the grid's centre.
std::pair<double, double> centre_lon_lat(const GridSpec& g) {
    OGRSpatialReference source;
    if (g.crs_wkt.empty() || source.importFromWkt(g.crs_wkt.c_str()) != OGRERR_NONE) {
        throw InputError("models.thermal: the study grid has no usable CRS, so its latitude and "
                         "longitude (needed for the sun position) are unknown; set "
                         "study_area.crs");
    }
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&source, &wgs84));
    double x = 0.5 * (g.x0 + g.x_max());
    double y = 0.5 * (g.y0 + g.y_min());
    if (!ct || !ct->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y) ||
        std::abs(y) > 90.0) {
        throw InputError("models.thermal: the centre of the study grid cannot be transformed to "
                         "WGS84 longitude and latitude; check study_area.crs");
    }
    return {x, y};
}

/// Mean of `values` over the cells of `source` (finite values only) in the (2k+1)² square
/// around each cell of `target`, by summed-area tables (serial, fixed order: independent of the
/// thread count). NaN where the square holds no such value.
void ambient_mean(const Raster<float>& values, const CellMask& source, const CellMask& target,
                  std::size_t k, Raster<float>& out) {
    const GridSpec& g = values.spec();
    const std::size_t w = g.cols + 1;
    std::vector<double> sum((g.rows + 1) * w, 0.0);
    std::vector<std::uint32_t> count((g.rows + 1) * w, 0U);
    for (std::size_t r = 0; r < g.rows; ++r) {
        double row_sum = 0.0;
        std::uint32_t row_count = 0;
        for (std::size_t c = 0; c < g.cols; ++c) {
            const float v = values(r, c);
            if (source.has_data(r, c) && std::isfinite(v)) {
                row_sum += static_cast<double>(v);
                ++row_count;
            }
            sum[(r + 1) * w + c + 1] = sum[r * w + c + 1] + row_sum;
            count[(r + 1) * w + c + 1] = count[r * w + c + 1] + row_count;
        }
    }
    for (std::size_t r = 0; r < g.rows; ++r) {
        const std::size_t r0 = r >= k ? r - k : 0;
        const std::size_t r1 = std::min(g.rows, r + k + 1);
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!target.has_data(r, c)) {
                continue;
            }
            const std::size_t c0 = c >= k ? c - k : 0;
            const std::size_t c1 = std::min(g.cols, c + k + 1);
            const double s = sum[r1 * w + c1] - sum[r0 * w + c1] - sum[r1 * w + c0] +
                             sum[r0 * w + c0];
            const std::uint32_t n = count[r1 * w + c1] - count[r0 * w + c1] -
                                    count[r1 * w + c0] + count[r0 * w + c0];
            out(r, c) = n > 0 ? static_cast<float>(s / static_cast<double>(n)) : nan_f;
        }
    }
}

/// District index per cell (-1: none) from the district file, or 0 everywhere without one.
Raster<std::int32_t> district_raster(const ThermalModelSettings& s, const GridSpec& grid,
                                     std::vector<std::string>& names) {
    Raster<std::int32_t> district(grid, 0);
    if (!s.districts) {
        names = {"study area"};
        return district;
    }
    const PolygonLayer layer =
        read_polygons(*s.districts, grid.crs_wkt, std::nullopt,
                      s.districts_crs.empty() ? std::nullopt
                                              : std::optional<std::string>(s.districts_crs),
                      "models.thermal.residents.districts_crs");
    // One sub-sample per cell at the centre: a cell belongs to the polygon containing its
    // centre; where polygons overlap, the later one in the file wins. The canvas holds the
    // 1-based index as float (exact up to 2^24 districts).
    kernels::SubcellCanvas<float> canvas(grid, 1, 0.0F);
    names.clear();
    for (std::size_t i = 0; i < layer.polygons.size(); ++i) {
        kernels::paint_polygon(canvas, to_grid_coordinates(layer.polygons[i], grid),
                               static_cast<float>(i + 1));
        names.push_back("district " + std::to_string(i + 1));
    }
    for (std::size_t r = 0; r < grid.rows; ++r) {
        for (std::size_t c = 0; c < grid.cols; ++c) {
            district(r, c) = static_cast<std::int32_t>(canvas.at(r, c)) - 1;
        }
    }
    return district;
}

/// Residents per cell on the active cells (0 elsewhere): from the residents raster or the
/// building estimate shared with the mobility model (residents.hpp), then scaled to
/// residents.total if that is set.
Raster<float> residents_raster(const ThermalModelSettings& s, const StudyArea& area,
                               std::string& source) {
    const GridSpec& g = area.grid;
    Raster<float> residents(g, 0.0F);
    if (s.residents) {
        const RasterLayer layer = warp_raster_to_grid(
            *s.residents, g, Resampling::average,
            s.residents_crs.empty() ? std::nullopt : std::optional<std::string>(s.residents_crs),
            1, "models.thermal.residents.raster_crs");
        const double cell_area_m2 = g.cell_area_m2();
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            const float v = layer.values[i];
            if (area.mask.has_data(i) && layer.mask.has_data(i) && std::isfinite(v) && v > 0.0F) {
                // Residents per hectare times the cell's share of a hectare.
                residents[i] = static_cast<float>(static_cast<double>(v) * cell_area_m2 / 1.0e4);
            }
        }
        source = "residents raster " + s.residents->filename().string() +
                 " (residents per hectare, averaged onto the grid)";
    } else {
        const OsmLandCover& lc = *area.land_cover;
        const BuildingResidents estimate = estimate_building_residents(lc, s.resident_estimate);
        residents = residents_per_cell(lc, estimate, area.mask);
        source = residents_estimate_note(s.resident_estimate);
        log_info("thermal: " + fixed(estimate.total, 0) + " residents in " +
                 std::to_string(estimate.buildings_counted) + " of " +
                 std::to_string(lc.buildings.size()) + " OSM buildings (" + source + ")");
    }
    if (s.resident_estimate.total > 0.0) {
        double sum = 0.0;
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            sum += static_cast<double>(residents[i]);
        }
        const double f = residents_scale_factor(s.resident_estimate, sum);
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            residents[i] = static_cast<float>(static_cast<double>(residents[i]) * f);
        }
        if (s.residents) {
            source += "; scaled to " + fixed(s.resident_estimate.total, 0) + " residents";
        }
    }
    return residents;
}

} // namespace

ThermalMoment thermal_moment(const GridSpec& grid, const ThermalWeather& weather) {
    ThermalMoment m;
    const auto [lon, lat] = centre_lon_lat(grid);
    m.longitude_deg = lon;
    m.latitude_deg = lat;
    const double jd = julian_day_utc(weather.moment);
    m.sun = kt::sun_position(jd, lat, lon);
    // Sunrise (first minute with the apparent sun above the horizon) and the highest sun of the
    // local day, by a one-minute scan: exact to a minute and valid at any latitude.
    LocalMoment midnight = weather.moment;
    midnight.hour = 0;
    midnight.minute = 0;
    const double jd0 = julian_day_utc(midnight);
    m.sunrise_local_h = std::numeric_limits<double>::quiet_NaN();
    m.max_sun_elevation_deg = -90.0;
    for (int minute = 0; minute < 24 * 60; ++minute) {
        const kt::SunPosition p = kt::sun_position(jd0 + minute / 1440.0, lat, lon);
        if (std::isnan(m.sunrise_local_h) && p.apparent_elevation_deg > 0.0) {
            m.sunrise_local_h = minute / 60.0;
        }
        m.max_sun_elevation_deg = std::max(m.max_sun_elevation_deg, p.elevation_deg);
    }
    m.shortwave = kt::clear_sky_shortwave(m.sun.apparent_elevation_deg);
    const double hour = weather.moment.hour + weather.moment.minute / 60.0;
    m.ground_wave_phase =
        std::isnan(m.sunrise_local_h) ? 0.0 : kt::ground_wave_phase(hour, m.sunrise_local_h);
    return m;
}

void classify_thermal_run(ThermalRun& run, const StudyArea& area, const ThermalModelSettings& s,
                          const Raster<float>& night_uhi_k) {
    const GridSpec& g = area.grid;
    const CellMask& mask = area.mask;
    const OsmLandCover& lc = *area.land_cover;
    const std::size_t n = g.cell_count();
    const Raster<float>& building = fraction_of(lc, LandCover::building);
    // 6. Thermal-load classes: building cells take the street-level conditions around them.
    Raster<float> utci_for_class = run.utci_c.clone();
    Raster<float> uhi_for_class = night_uhi_k.clone();
    CellMask building_mask(g, CellStatus::no_data);
    for (std::size_t i = 0; i < n; ++i) {
        if (mask.has_data(i) && !run.street_mask.has_data(i)) {
            building_mask.set(i, CellStatus::active);
        }
    }
    const std::size_t k = static_cast<std::size_t>(
        std::llround(s.ambient_radius_m / (0.5 * (g.cell_size_x_m + g.cell_size_y_m))));
    ambient_mean(run.utci_c, run.street_mask, building_mask, k, utci_for_class);
    ambient_mean(night_uhi_k, run.street_mask, building_mask, k, uhi_for_class);
    Raster<std::uint8_t> settlement(g, 0);
    run.settlement_mask = CellMask(g, CellStatus::no_data);
    for (std::size_t i = 0; i < n; ++i) {
        // People live in any cell with a building share, so such cells are settlement even
        // where gardens make them mostly unsealed.
        if (mask.has_data(i) &&
            (static_cast<double>(lc.impervious_fraction[i]) >=
                 s.settlement_min_impervious_fraction ||
             building[i] > 0.0F)) {
            settlement[i] = 1;
        }
    }
    kt::ThermalLoadBreaks breaks;
    breaks.day_utci_c = s.day_utci_breaks_c;
    breaks.night_uhi_k = s.night_uhi_breaks_k;
    run.load_class = Raster<std::uint8_t>(g, 0);
    kt::classify_thermal_load(utci_for_class.view(), uhi_for_class.view(), settlement.view(),
                              mask, run.load_class.view(), breaks);
    for (std::size_t i = 0; i < n; ++i) {
        if (run.load_class[i] > 0) {
            run.settlement_mask.set(i, CellStatus::active);
        }
    }

    // 7. Residents per district and class.
    const Raster<std::int32_t>& district = run.district;
    run.residents_by_class =
        kt::residents_by_class(run.load_class.view(), run.residents.view(), district.view(),
                               mask, run.district_names.size());
    run.class_area_m2.assign(run.district_names.size() * 5, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        if (run.load_class[i] > 0 && district[i] >= 0) {
            run.class_area_m2[static_cast<std::size_t>(district[i]) * 5 + run.load_class[i] -
                              1U] += g.cell_area_m2();
        }
    }
}

ThermalRun run_thermal(const StudyArea& area, const ThermalModelSettings& s) {
    if (!area.elevation_m || !area.land_cover) {
        throw ConfigError("models.thermal: the thermal model needs the terrain (inputs.dem) and "
                          "the land-cover model (models.landcover.enabled: true)");
    }
    const StepTimer timer;
    const GridSpec& g = area.grid;
    const CellMask& mask = area.mask;
    const OsmLandCover& lc = *area.land_cover;
    const std::size_t n = g.cell_count();
    ThermalRun run;
    try {
        // 1. Surface model.
        kt::SurfaceModelParams surface;
        surface.trunk_zone_fraction = s.trunk_zone_fraction;
        const Raster<float> tree_height(g, static_cast<float>(s.tree_height_m));
        run.dsm_m = Raster<float>(g);
        Raster<float> crown_top(g);
        Raster<float> crown_base(g);
        const Raster<float>& building = fraction_of(lc, LandCover::building);
        kt::build_surface_model(area.elevation_m->view(), building.view(),
                                lc.building_height_m.view(), lc.tree_canopy_fraction.view(),
                                tree_height.view(), mask, run.dsm_m.view(), crown_top.view(),
                                crown_base.view(), surface);
        run.street_mask = mask.clone();
        for (std::size_t i = 0; i < n; ++i) {
            if (mask.has_data(i) &&
                static_cast<double>(building[i]) >= surface.building_fraction_threshold) {
                run.street_mask.set(i, CellStatus::no_data);
                ++run.building_cells;
            }
        }
        if (run.building_cells == 0) {
            log_warning("thermal: the surface model has no building cells (no OSM building "
                        "covers half a cell); the sky view factor and shade come from terrain "
                        "and trees only");
        }

        // 2. Sky view factor.
        kt::SkyViewFactorParams svf_params;
        svf_params.directions = s.svf_directions;
        svf_params.search_radius_m = s.svf_search_radius_m;
        kt::VegetationSkyParams svf_vegetation;
        svf_vegetation.transmissivity = s.tree_transmissivity;
        svf_vegetation.altitudes = s.svf_vegetation_altitudes;
        run.sky_view_factor = Raster<float>(g);
        run.sky_view_factor_buildings = Raster<float>(g);
        {
            kt::HorizonWorkspace workspace;
            Progress progress("thermal: sky view factor (" + std::to_string(s.svf_directions) +
                                  " directions, " + fixed(s.svf_search_radius_m, 0) +
                                  " m, tree crowns)",
                              s.svf_directions);
            kt::compute_sky_view_factor(run.dsm_m.view(), crown_top.view(), crown_base.view(),
                                        mask, run.sky_view_factor.view(),
                                        run.sky_view_factor_buildings.view(), workspace,
                                        svf_params, svf_vegetation, [&] { progress.advance(); });
            progress.finish();
        }

        // 3. Sun and shadows.
        run.moment = thermal_moment(g, s.weather);
        const ThermalMoment& m = run.moment;
        log_info("thermal: sun at " + fixed(m.latitude_deg, 4) + " N, " +
                 fixed(m.longitude_deg, 4) + " E (study-area centre): azimuth " +
                 fixed(m.sun.azimuth_deg, 1) + " deg, elevation " +
                 fixed(m.sun.apparent_elevation_deg, 1) + " deg; clear sky direct " +
                 fixed(m.shortwave.direct_normal_w_m2, 0) + " W/m2, diffuse " +
                 fixed(m.shortwave.diffuse_horizontal_w_m2, 0) + " W/m2");
        kt::ShadowParams shadow;
        shadow.sun_azimuth_deg = m.sun.azimuth_deg;
        shadow.sun_elevation_deg = m.sun.apparent_elevation_deg;
        shadow.transmissivity = s.tree_transmissivity;
        run.sunlit_fraction = Raster<float>(g);
        kt::ShadowWorkspace shadow_ws;
        kt::compute_sunlit_fraction(run.dsm_m.view(), crown_top.view(), crown_base.view(), mask,
                                    run.sunlit_fraction.view(), shadow_ws, shadow);

        // 4. T_mrt, UTCI and stress classes at street level.
        Raster<std::uint8_t> land_cover(g, 0);
        for (std::size_t i = 0; i < n; ++i) {
            land_cover[i] = static_cast<std::uint8_t>(lc.dominant[i]);
        }
        kt::RadiationMoment rad;
        rad.air_temperature_c = s.weather.air_temperature_c;
        rad.relative_humidity_pct = s.weather.relative_humidity_pct;
        rad.sun_elevation_deg = m.sun.apparent_elevation_deg;
        rad.max_sun_elevation_deg = m.max_sun_elevation_deg;
        rad.ground_wave_phase = m.ground_wave_phase;
        rad.direct_normal_w_m2 = m.shortwave.direct_normal_w_m2;
        rad.diffuse_horizontal_w_m2 = m.shortwave.diffuse_horizontal_w_m2;
        run.tmrt_c = Raster<float>(g);
        kt::compute_mean_radiant_temperature(run.sky_view_factor.view(),
                                             run.sunlit_fraction.view(), land_cover.view(),
                                             run.street_mask, rad, run.tmrt_c.view());
        run.utci_c = Raster<float>(g);
        kt::UtciInputs utci_in;
        utci_in.air_temperature_c =
            kt::UtciInput::of(static_cast<float>(s.weather.air_temperature_c));
        utci_in.mean_radiant_temperature_c = kt::UtciInput::of(run.tmrt_c.view());
        utci_in.relative_humidity_pct =
            kt::UtciInput::of(static_cast<float>(s.weather.relative_humidity_pct));
        utci_in.wind_10m_m_per_s =
            kt::UtciInput::of(static_cast<float>(s.weather.wind_10m_m_per_s));
        kt::UtciWorkspace utci_ws;
        run.utci_stats = kt::compute_utci(utci_in, run.street_mask, run.utci_c.view(), utci_ws);
        if (run.utci_stats.invalid_cells > 0) {
            log_warning("thermal: " + std::to_string(run.utci_stats.invalid_cells) + " of " +
                        std::to_string(run.utci_stats.invalid_cells + run.utci_stats.valid_cells) +
                        " street-level cells lie outside the valid range of UTCI (T_mrt - T_a "
                        "from -30 to 70 K, Bröde et al. 2012); they are no-data in utci_c");
        }
        run.utci_stress = Raster<std::uint8_t>(g, 0);
        kt::classify_utci_stress(run.utci_c.view(), run.street_mask, run.utci_stress.view());

        // 5. Night heat island.
        Raster<float> vegetation(g, nan_f);
        Raster<float> shade(g, nan_f);
        Raster<float> albedo(g, nan_f);
        Raster<float> kc(g, nan_f);
        Raster<std::uint8_t> green(g, 0);
        const kt::SurfaceTable table;
        const bool canopy_shades = s.tree_height_m > 2.0; // InVEST: canopy taller than 2 m
        for (std::size_t i = 0; i < n; ++i) {
            if (!mask.has_data(i)) {
                continue;
            }
            const double canopy = static_cast<double>(lc.tree_canopy_fraction[i]);
            const double green_share =
                static_cast<double>(fraction_of(lc, LandCover::open_land)[i]) +
                static_cast<double>(fraction_of(lc, LandCover::agriculture)[i]) +
                std::max(static_cast<double>(fraction_of(lc, LandCover::trees)[i]), canopy);
            const double f_veg = std::clamp(green_share, 0.0, 1.0);
            vegetation[i] = static_cast<float>(f_veg);
            green[i] = f_veg >= 0.5 ? 1 : 0;
            shade[i] = static_cast<float>(canopy_shades ? canopy : 0.0);
            double a = 0.0;
            double k = 0.0;
            for (const LandCover c : kernels::all_land_cover_classes) {
                const std::size_t ci = kernels::land_cover_index(c);
                const double f = static_cast<double>(lc.fractions[ci][i]);
                a += f * table.ground[ci].albedo;
                k += f * crop_coefficient[ci];
            }
            albedo[i] = static_cast<float>(a);
            kc[i] = static_cast<float>(k);
        }
        kt::TheeuwesMeteorology met;
        met.mean_global_radiation_w_m2 = s.weather.mean_global_radiation_w_m2;
        met.diurnal_temperature_range_k =
            s.weather.daily_max_temperature_c - s.weather.daily_min_temperature_c;
        met.wind_10m_m_per_s = s.weather.wind_10m_m_per_s;
        run.theeuwes_factor_k = kt::theeuwes_meteorology_factor_k(met);
        run.uhi_max_k = Raster<float>(g);
        // Theeuwes et al. (2017) relate the heat island to the SVF of the built geometry and,
        // separately, the vegetation fraction: the building SVF avoids counting trees twice.
        kt::compute_uhi_max_theeuwes(run.sky_view_factor_buildings.view(), vegetation.view(),
                                     run.street_mask, met, run.uhi_max_k.view());
        const Raster<float> reference_et(g, 1.0F);
        Raster<float> eti(g);
        kt::compute_evapotranspiration_index(kc.view(), reference_et.view(), mask, eti.view());
        Raster<float> capacity(g);
        kt::compute_cooling_capacity(shade.view(), albedo.view(), eti.view(), mask,
                                     capacity.view());
        kt::ParkCoolingParams park;
        park.cooling_distance_m = s.park_cooling_distance_m;
        park.min_green_area_m2 = s.park_min_green_area_m2;
        Raster<float> green_area(g);
        run.heat_mitigation = Raster<float>(g);
        {
            const StepTimer park_timer;
            log_info("thermal: park cooling (InVEST, d_cool " + fixed(park.cooling_distance_m, 0) +
                     " m) ...");
            kt::ParkCoolingWorkspace park_ws;
            kt::compute_heat_mitigation(capacity.view(), green.view(), mask, park,
                                        green_area.view(), run.heat_mitigation.view(), park_ws);
            log_info("thermal: park cooling done in " + fixed(park_timer.seconds(), 1) + " s");
        }
        run.uhi_night_k = Raster<float>(g);
        kt::reduce_heat_island(run.uhi_max_k.view(), capacity.view(), run.heat_mitigation.view(),
                               {}, run.street_mask, run.uhi_night_k.view());

        run.cooling_capacity = std::move(capacity);

        // 6. and 7. Thermal-load classes and residents per district and class.
        run.residents = residents_raster(s, area, run.residents_source);
        run.district = district_raster(s, g, run.district_names);
        classify_thermal_run(run, area, s, run.uhi_night_k);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("models.thermal: ") + e.what());
    }
    run.wall_time_s = timer.seconds();
    log_info("thermal: day and night maps in " + fixed(run.wall_time_s, 1) + " s");
    return run;
}

void write_thermal_results(ResultsWriter& out, const std::string& group, const ThermalRun& run,
                           const ThermalModelSettings& s, const CellMask& mask) {
    const std::string sw_note =
        "SOLWEIG-style (Lindberg et al. 2008) with clear-sky shortwave (Meinel & Meinel 1976, "
        "Haurwitz 1945), isotropic sky; sky hidden by crowns counts like walls "
        "(docs/thermal-comfort.md)";
    out.write_raster(group,
                     {"dsm_m", "m", "surface model: terrain plus building heights", "",
                      "trees are not part of it (crowns shade and hide sky through their "
                      "transmissivity)",
                      {}, {}},
                     run.dsm_m, mask);
    out.write_raster(group,
                     {"sky_view_factor", "1",
                      "sky view factor, cosine-weighted (horizon sweep), with tree crowns", "",
                      std::to_string(s.svf_directions) + " directions, " +
                          fixed(s.svf_search_radius_m, 0) + " m radius; crowns pass " +
                          fixed(s.tree_transmissivity, 2) + " (SOLWEIG: SVF_b - (1 - SVF_veg)(1 "
                          "- tau), Lindberg & Grimmond 2011)",
                      {}, {}},
                     run.sky_view_factor, mask);
    out.write_raster(group,
                     {"sky_view_factor_buildings", "1",
                      "sky view factor of terrain and buildings alone", "",
                      "the SVF of the night heat island (Theeuwes et al. 2017)", {}, {}},
                     run.sky_view_factor_buildings, mask);
    out.write_raster(group,
                     {"sunlit_fraction", "1", "share of direct sunlight reaching the cell", "",
                      "0 in building or terrain shadow, the crown transmissivity under trees", {},
                      {}},
                     run.sunlit_fraction, mask);
    out.write_raster(group,
                     {"tmrt_c", "degC", "mean radiant temperature of a standing person", "",
                      sw_note + "; street-level cells only", {}, {}},
                     run.tmrt_c, run.street_mask);
    out.write_raster(group,
                     {"utci_c", "degC", "Universal Thermal Climate Index", "",
                      "operational polynomial (Broede et al. 2012); no-data outside its valid "
                      "range and on building cells",
                      {}, {}},
                     run.utci_c, run.street_mask);
    CellMask stress_mask = run.street_mask.clone();
    for (std::size_t i = 0; i < mask.spec().cell_count(); ++i) {
        if (run.utci_stress[i] == 0) {
            stress_mask.set(i, CellStatus::no_data);
        }
    }
    LayerMeta stress_meta{"utci_stress_class", "1", "UTCI stress category", "",
                          "Broede et al. 2012, Table 1", {}, {}};
    for (int c = 1; c <= 10; ++c) {
        std::string name(kt::utci_stress_name(static_cast<kt::UtciStress>(c)));
        std::replace(name.begin(), name.end(), ' ', '_');
        stress_meta.flag_values.push_back(c);
        stress_meta.flag_meanings.push_back(name);
    }
    out.write_raster(group, stress_meta, run.utci_stress, stress_mask);
    out.write_raster(group,
                     {"uhi_max_k", "K", "daily maximum urban heat island (Theeuwes et al. 2017)",
                      "", "street-level cells", {}, {}},
                     run.uhi_max_k, run.street_mask);
    out.write_raster(group,
                     {"heat_mitigation_index", "1", "InVEST heat mitigation index HM", "",
                      "cooling capacity, or park cooling where parks of >= " +
                          fixed(s.park_min_green_area_m2, 0) + " m2 lie within d_cool",
                      {}, {}},
                     run.heat_mitigation, mask);
    out.write_raster(group,
                     {"uhi_night_k", "K", "night heat island after park cooling", "",
                      "UHI_max * (1 - HM)/(1 - CC) where parks cool more (heat_island.hpp)", {},
                      {}},
                     run.uhi_night_k, run.street_mask);
    const bool coupled = run.cold_air_share.size() > 0;
    if (coupled) {
        const std::string when = " " + fixed(run.cold_air_time_h, 1) + " h after sunset";
        out.write_raster(group,
                         {"cold_air_speed_m_per_s", "m s-1",
                          "cold-air layer speed u_c" + when + " (models.coldair)", "",
                          "the cold-air model cell containing the cell centre", {}, {}},
                         run.cold_air_speed_m_per_s, mask);
        out.write_raster(group,
                         {"cold_air_height_m", "m", "cold-air layer height" + when +
                                                       " (models.coldair)", "",
                          "the cold-air model cell containing the cell centre", {}, {}},
                         run.cold_air_height_m, mask);
        out.write_raster(group,
                         {"cold_air_uhi_reduction_share", "1",
                          "share f_cold of the night heat island removed by cold-air inflow", "",
                          "1 - (U / sqrt(U^2 + u_c^2))^(1/4), U = " +
                              fixed(s.weather.wind_10m_m_per_s, 2) +
                              " m/s, where the layer is deeper than " +
                              fixed(s.cold_air_min_depth_m, 2) +
                              " m: lauter's coupling assumption on the U^(-1/4) law of Theeuwes "
                              "et al. 2017 (cold_air_coupling.hpp)",
                          {}, {}},
                         run.cold_air_share, mask);
        out.write_raster(group,
                         {"uhi_night_coupled_k", "K",
                          "night heat island after park cooling and cold-air inflow", "",
                          "uhi_night_k * (1 - cold_air_uhi_reduction_share); the thermal-load "
                          "classes use this layer",
                          {}, {}},
                         run.uhi_night_coupled_k, run.street_mask);
    }
    LayerMeta class_meta{"thermal_load_class", "1", "thermal-load class of settlement cells", "",
                         "1 + ceil((day index + night index) / 2); building cells take the "
                         "street-level conditions within " + fixed(s.ambient_radius_m, 0) + " m" +
                             (coupled ? "; night index from uhi_night_coupled_k" : ""),
                         {1, 2, 3, 4, 5},
                         {"very_low", "low", "moderate", "high", "very_high"}};
    out.write_raster(group, class_meta, run.load_class, run.settlement_mask);
    out.write_raster(group,
                     {"residents", "1", "residents per cell", "", run.residents_source, {}, {}},
                     run.residents, mask);

    // Per district and class.
    const kt::ResidentsByClass& rc = run.residents_by_class;
    Table districts;
    std::vector<std::int64_t> ids;
    for (std::size_t d = 0; d < rc.district_count; ++d) {
        ids.push_back(static_cast<std::int64_t>(d + 1));
    }
    districts.add_column("district_id", std::move(ids), "1");
    districts.add_column("district", run.district_names);
    std::vector<double> totals(rc.district_count, 0.0);
    for (std::uint8_t c = 1; c <= 5; ++c) {
        std::vector<double> people;
        std::vector<double> area;
        for (std::size_t d = 0; d < rc.district_count; ++d) {
            people.push_back(rc.at(d, c));
            area.push_back(run.class_area_m2[d * 5 + c - 1U]);
            totals[d] += rc.at(d, c);
        }
        districts.add_column("residents_class_" + std::to_string(c), std::move(people), "1");
        districts.add_column("area_class_" + std::to_string(c) + "_m2", std::move(area), "m2");
    }
    districts.add_column("residents_classed", std::move(totals), "1");
    out.write_table(group, "districts", districts);

    // Summary numbers.
    const ThermalMoment& m = run.moment;
    const auto number = [&](const std::string& key, double value) {
        out.set_group_number(group, key, value);
    };
    number("latitude_deg", m.latitude_deg);
    number("longitude_deg", m.longitude_deg);
    number("sun_azimuth_deg", m.sun.azimuth_deg);
    number("sun_elevation_deg", m.sun.apparent_elevation_deg);
    number("sunrise_local_h", m.sunrise_local_h);
    number("max_sun_elevation_deg", m.max_sun_elevation_deg);
    number("direct_normal_w_m2", m.shortwave.direct_normal_w_m2);
    number("diffuse_horizontal_w_m2", m.shortwave.diffuse_horizontal_w_m2);
    number("theeuwes_meteorology_factor_k", run.theeuwes_factor_k);
    number("utci_valid_cells", static_cast<double>(run.utci_stats.valid_cells));
    number("utci_invalid_cells", static_cast<double>(run.utci_stats.invalid_cells));
    number("building_cells", static_cast<double>(run.building_cells));
    const auto mean_max = [&](const Raster<float>& r, const CellMask& on, const std::string& key) {
        double sum = 0.0;
        double count = 0.0;
        double max = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < r.spec().cell_count(); ++i) {
            if (on.has_data(i) && std::isfinite(r[i])) {
                sum += static_cast<double>(r[i]);
                count += 1.0;
                max = std::max(max, static_cast<double>(r[i]));
            }
        }
        if (count > 0.0) {
            number(key + "_mean", sum / count);
            number(key + "_max", max);
        }
    };
    mean_max(run.sky_view_factor, mask, "sky_view_factor");
    mean_max(run.tmrt_c, run.street_mask, "tmrt_c");
    mean_max(run.utci_c, run.street_mask, "utci_c");
    mean_max(run.uhi_night_k, run.street_mask, "uhi_night_k");
    if (coupled) {
        mean_max(run.uhi_night_coupled_k, run.street_mask, "uhi_night_coupled_k");
        number("cold_air_time_h", run.cold_air_time_h);
        out.set_group_attribute(group, "cold_air_coupling",
                                "on: night heat island reduced by the cold air of models.coldair "
                                "at " + fixed(run.cold_air_time_h, 1) + " h after sunset "
                                "(docs/thermal-comfort.md)");
    }
    for (std::uint8_t c = 1; c <= 5; ++c) {
        number("residents_class_" + std::to_string(c), rc.total[c - 1U]);
    }
    number("residents_unclassed", rc.unassigned);
    number("wall_time_s", run.wall_time_s);
    const LocalMoment& t = s.weather.moment;
    char when[64];
    std::snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d UTC%+.2f h", t.year, t.month, t.day,
                  t.hour, t.minute, t.utc_offset_h);
    out.set_group_attribute(group, "moment_local", when);
    out.set_group_attribute(group, "residents_source", run.residents_source);
}

} // namespace lauter::sim
