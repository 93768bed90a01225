// Mean radiant temperature of a standing person (SOLWEIG-style); equations and sources in
// mean_radiant_temperature.hpp.
#include <lauter/kernels/thermal/mean_radiant_temperature.hpp>
#include <lauter/kernels/thermal/utci.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lauter::kernels::thermal {

namespace {

constexpr double stefan_boltzmann = 5.670374419e-8; // W m-2 K-4 (CODATA 2018)
constexpr double kelvin = 273.15;
constexpr double deg = std::numbers::pi / 180.0;

double black_body_w_m2(double temperature_c) noexcept {
    const double t = temperature_c + kelvin;
    return stefan_boltzmann * (t * t) * (t * t);
}

/// What every cell of one moment shares: the sky, the sun and the walls.
struct MomentTerms {
    double direct_horizontal = 0.0; ///< I sin h
    double direct_on_body = 0.0;    ///< f_cyl I cos h (before f_sun and a_K)
    double diffuse = 0.0;           ///< D
    double global = 0.0;            ///< G = I sin h + D
    double sky_longwave = 0.0;      ///< ε_sky σ T_a⁴
    double wall_longwave = 0.0;     ///< ε_w σ T_w⁴ + (1 - ε_w) ε_sky σ T_a⁴ (mean over the wall)
    double wall_shortwave = 0.0;    ///< α_w (f_ws G + (1 - f_ws) D)
    double ground_amplitude_scale = 0.0; ///< phase factor (with h_max applied per class)
};

MomentTerms moment_terms(const RadiationMoment& m, const SurfaceTable& s,
                         const PersonParams& p) noexcept {
    MomentTerms t;
    const double h = std::max(0.0, m.sun_elevation_deg) * deg;
    const double direct = m.sun_elevation_deg > 0.0 ? std::max(0.0, m.direct_normal_w_m2) : 0.0;
    t.direct_horizontal = direct * std::sin(h);
    t.direct_on_body = p.projected_area_cylinder * direct * std::cos(h);
    t.diffuse = std::max(0.0, m.diffuse_horizontal_w_m2);
    t.global = t.direct_horizontal + t.diffuse;
    const double eps_sky = std::isnan(m.sky_emissivity)
                               ? sky_emissivity_prata(m.air_temperature_c, m.relative_humidity_pct)
                               : m.sky_emissivity;
    const double air = black_body_w_m2(m.air_temperature_c);
    t.sky_longwave = eps_sky * air;
    const double wave = m.ground_wave_phase *
                        (s.walls.wave_k_per_deg * m.max_sun_elevation_deg + s.walls.wave_start_k);
    const double sunlit_wall = black_body_w_m2(m.air_temperature_c + std::max(0.0, wave));
    const double wall_emitted =
        m.sunlit_wall_share * sunlit_wall + (1.0 - m.sunlit_wall_share) * air;
    t.wall_longwave =
        s.walls.emissivity * wall_emitted + (1.0 - s.walls.emissivity) * t.sky_longwave;
    t.wall_shortwave = s.walls.albedo * (m.sunlit_wall_share * t.global +
                                         (1.0 - m.sunlit_wall_share) * t.diffuse);
    t.ground_amplitude_scale = m.ground_wave_phase;
    return t;
}

double cell_tmrt(double svf, double sunlit, const SurfaceProperties& ground,
                 const MomentTerms& t, const RadiationMoment& m, const PersonParams& p) noexcept {
    svf = std::clamp(svf, 0.0, 1.0);
    sunlit = std::clamp(sunlit, 0.0, 1.0);
    const double k_direct = t.direct_horizontal * sunlit;
    const double k_down = k_direct + t.diffuse * svf + (1.0 - svf) * t.wall_shortwave;
    const double k_up = ground.albedo * k_down;
    const double k_side = 0.5 * (k_down - k_direct) + 0.5 * k_up;
    const double l_down = svf * t.sky_longwave + (1.0 - svf) * t.wall_longwave;
    // Sunlit ground follows the wave, shaded ground stays at T_a (SOLWEIG); the amplitude is
    // never negative on a sunlit surface.
    const double wave = std::max(
        0.0, t.ground_amplitude_scale *
                 (ground.wave_k_per_deg * m.max_sun_elevation_deg + ground.wave_start_k));
    const double ground_emitted = sunlit * black_body_w_m2(m.air_temperature_c + wave) +
                                  (1.0 - sunlit) * black_body_w_m2(m.air_temperature_c);
    const double l_up = ground.emissivity * ground_emitted + (1.0 - ground.emissivity) * l_down;
    const double l_side = 0.5 * l_down + 0.5 * l_up;
    const double shortwave = t.direct_on_body * sunlit + p.factor_up_down * (k_down + k_up) +
                             4.0 * p.factor_side * k_side;
    const double longwave = p.factor_up_down * (l_down + l_up) + 4.0 * p.factor_side * l_side;
    const double absorbed = p.shortwave_absorption * shortwave + p.longwave_absorption * longwave;
    return std::sqrt(std::sqrt(absorbed / (p.longwave_absorption * stefan_boltzmann))) - kelvin;
}

const SurfaceProperties& ground_of(const SurfaceTable& s, std::uint8_t code) noexcept {
    if (code >= 1 && code <= land_cover_class_count) {
        return s.ground[static_cast<std::size_t>(code - 1U)];
    }
    return s.ground[land_cover_index(LandCover::sealed_other)];
}

} // namespace

ClearSkyShortwave clear_sky_shortwave(double sun_elevation_deg) noexcept {
    ClearSkyShortwave out;
    if (!(sun_elevation_deg > 0.0)) {
        return out;
    }
    const double zenith_deg = 90.0 - sun_elevation_deg;
    const double cos_z = std::cos(zenith_deg * deg);
    // Kasten & Young (1989) relative optical air mass.
    const double air_mass = 1.0 / (cos_z + 0.50572 * std::pow(96.07995 - zenith_deg, -1.6364));
    // Meinel & Meinel (1976): solar constant 1353 W/m2, 0.7 transmittance.
    out.direct_normal_w_m2 = 1353.0 * std::pow(0.7, std::pow(air_mass, 0.678));
    // Haurwitz (1945) clear-sky global horizontal irradiance.
    const double global = 1098.0 * cos_z * std::exp(-0.057 / cos_z);
    out.diffuse_horizontal_w_m2 =
        std::max(0.0, global - out.direct_normal_w_m2 * std::sin(sun_elevation_deg * deg));
    return out;
}

double sky_emissivity_prata(double air_temperature_c, double relative_humidity_pct) noexcept {
    const double e_hpa =
        relative_humidity_pct / 100.0 * utci_saturation_vapour_pressure_hpa(air_temperature_c);
    const double w_cm = 46.5 * e_hpa / (air_temperature_c + kelvin);
    return 1.0 - (1.0 + w_cm) * std::exp(-std::sqrt(1.2 + 3.0 * w_cm));
}

double ground_wave_phase(double hour, double sunrise_hour, double max_hour) noexcept {
    if (!(hour > sunrise_hour) || !(max_hour > sunrise_hour)) {
        return 0.0;
    }
    const double x = (hour - sunrise_hour) / (max_hour - sunrise_hour);
    return std::max(0.0, std::sin(0.5 * std::numbers::pi * x));
}

double mean_radiant_temperature_c(const TmrtCell& cell, const RadiationMoment& moment,
                                  const SurfaceTable& surfaces,
                                  const PersonParams& person) noexcept {
    const MomentTerms t = moment_terms(moment, surfaces, person);
    return cell_tmrt(cell.sky_view_factor, cell.sunlit_fraction,
                     ground_of(surfaces, static_cast<std::uint8_t>(cell.land_cover)), t, moment,
                     person);
}

void compute_mean_radiant_temperature(RasterView<const float> sky_view_factor,
                                      RasterView<const float> sunlit_fraction,
                                      RasterView<const std::uint8_t> land_cover,
                                      const CellMask& mask, const RadiationMoment& moment,
                                      RasterView<float> tmrt_c, const SurfaceTable& surfaces,
                                      const PersonParams& person) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, sky_view_factor.spec(), "compute_mean_radiant_temperature (svf)");
    require_same_shape(g, sunlit_fraction.spec(), "compute_mean_radiant_temperature (sunlit)");
    require_same_shape(g, land_cover.spec(), "compute_mean_radiant_temperature (land cover)");
    require_same_shape(g, tmrt_c.spec(), "compute_mean_radiant_temperature (output)");
    const MomentTerms t = moment_terms(moment, surfaces, person);
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            if (!mask.has_data(r, c)) {
                tmrt_c(r, c) = no_data_value<float>;
                continue;
            }
            tmrt_c(r, c) = static_cast<float>(cell_tmrt(
                static_cast<double>(sky_view_factor(r, c)),
                static_cast<double>(sunlit_fraction(r, c)), ground_of(surfaces, land_cover(r, c)),
                t, moment, person));
        }
    }
}

} // namespace lauter::kernels::thermal
