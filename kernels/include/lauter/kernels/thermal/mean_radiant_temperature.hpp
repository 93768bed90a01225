#pragma once
/// @file mean_radiant_temperature.hpp
/// Mean radiant temperature of a standing person, SOLWEIG-style (Lindberg, Holmer & Thorsson
/// 2008, "SOLWEIG 1.0", Int. J. Biometeorol. 52, 697-713), from per-cell sky view factor and
/// sunlit fraction (inputs: computed elsewhere) and land cover, for one moment of a clear day.
///
///     S_str = a_K [f_cyl I cos(h) f_sun + F_ud (K_down + K_up) + 4 F_side K_side]
///           + a_L [F_ud (L_down + L_up) + 4 F_side L_side]
///     T_mrt = (S_str / (a_L σ))^(1/4) - 273.15
///
/// a_K 0.70, a_L 0.97, F_ud 0.06, F_side 0.22, f_cyl 0.28 (physics.md C2, [UR] tmrt.md). The
/// angular factors sum to 1 (2·0.06 + 4·0.22), so an isothermal enclosure gives T_mrt = T_a.
///
/// Fluxes (ψ = sky view factor, f_sun = sunlit fraction, h = sun elevation, I = direct normal,
/// D = diffuse horizontal, G = I sin h + D):
/// - K_down = I sin(h) f_sun + D ψ + α_w (1 - ψ) (f_ws G + (1 - f_ws) D)   (SOLWEIG's K_down with
///   a fixed sunlit wall share f_ws = 0.5 instead of SOLWEIG's wall-shadow geometry);
/// - K_up = α_g K_down (the ground reflects what reaches it);
/// - K_side = (K_down - I sin(h) f_sun) / 2 + K_up / 2: a vertical surface sees half of the
///   diffuse upper hemisphere and half of the ground; the direct beam on the body is the f_cyl
///   term (SOLWEIG's cylinder option).
/// - L_down = ψ ε_sky σT_a⁴ + (1 - ψ) [ε_w σT_w⁴ + (1 - ε_w) ε_sky σT_a⁴] (Jonsson et al. 2006
///   as used in SOLWEIG, without vegetation view factors: trees act through f_sun and ψ);
/// - L_up = ε_g σT_g⁴ + (1 - ε_g) L_down;   L_side = L_down / 2 + L_up / 2.
/// - ε_sky by Prata (1996, QJRMS 122, 1127-1151): ε = 1 - (1 + w) exp(-(1.2 + 3w)^0.5),
///   w = 46.5 e/T_K (cm of precipitable water, e in hPa).
/// - Ground and wall temperatures: the SOLWEIG diurnal wave (Lindberg et al. 2008; land-cover
///   coefficients of Lindberg, Onomura & Grimmond 2016, Int. J. Biometeorol. 60, 1439-1452):
///   T_s - T_a = (k h_max + T_start) sin(π/2 (t - t_rise)/(t_max - t_rise)) on sunlit surfaces,
///   0 in shade; the caller passes the phase factor (ground_wave_phase) for its time of day.
/// - Clear-sky shortwave when none is measured: DNI of Meinel & Meinel (1976)
///   I = 1353 · 0.7^(AM^0.678), air mass of Kasten & Young (1989), global of Haurwitz (1945)
///   G = 1098 cos z exp(-0.057/cos z), diffuse D = max(0, G - I sin h). (Both clear-sky models
///   as compared in Reno, Hansen & Stein 2012, Sandia report SAND2012-2389.)
///
/// Building cells are treated as ground of the building class (a roof-level person); callers
/// that map pedestrian conditions leave them out of the mask.
///
/// Simplifications against SOLWEIG: no anisotropic sky, no per-direction wall and ground view
/// factors (the four lateral directions are equal), no thermal inertia (TsWaveDelay), no
/// clearness correction of the ground wave, a fixed sunlit wall share, wall temperature from
/// the SOLWEIG "walls" coefficients, and vegetation only through the input f_sun and ψ.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/landcover.hpp>

#include <array>
#include <cstdint>
#include <limits>

namespace lauter::kernels::thermal {

/// Radiative properties and the ground temperature wave of one surface type.
struct SurfaceProperties {
    double albedo = 0.2;
    double emissivity = 0.95;
    double wave_k_per_deg = 0.37;  ///< k: K per degree of maximum sun elevation
    double wave_start_k = -3.41;   ///< T_start (K)
};

/// Per land-cover class ground properties; defaults from the SOLWEIG land-cover table
/// (Lindberg et al. 2016; UMEP landcoverclasses_2016a): road = dark asphalt, sealed_other and
/// building = cobble stone / paved, railway = bare soil (gravel bed), open_land, trees (ground
/// below the canopy) and agriculture = grass, water = water (no wave).
struct SurfaceTable {
    std::array<SurfaceProperties, land_cover_class_count> ground{{
        {0.18, 0.95, 0.58, -9.78}, // building (roof: asphalt-like)
        {0.18, 0.95, 0.58, -9.78}, // road: dark asphalt
        {0.20, 0.95, 0.37, -3.41}, // sealed_other: cobble stone
        {0.25, 0.94, 0.33, -3.01}, // railway: bare soil
        {0.16, 0.94, 0.21, -3.38}, // open_land: grass
        {0.16, 0.94, 0.21, -3.38}, // trees: grass below the canopy
        {0.05, 0.98, 0.00, 0.00},  // water
        {0.16, 0.94, 0.21, -3.38}, // agriculture: grass
    }};
    /// SOLWEIG wall row (one copy of the table gives k = 0.58 for walls; we keep 0.37).
    SurfaceProperties walls{0.20, 0.90, 0.37, -3.41};
};

/// The person (SOLWEIG standing defaults, physics.md C2).
struct PersonParams {
    double shortwave_absorption = 0.70;     ///< a_K
    double longwave_absorption = 0.97;      ///< a_L
    double factor_up_down = 0.06;           ///< F_up = F_down
    double factor_side = 0.22;              ///< F_side (each of four directions)
    double projected_area_cylinder = 0.28;  ///< f_cyl
};

/// The weather and sun of the moment.
struct RadiationMoment {
    double air_temperature_c = 32.0;
    double relative_humidity_pct = 40.0;
    double sun_elevation_deg = 45.0;
    /// Highest sun elevation of the day (ground wave amplitude); 62°: mid-July at 49.4° N
    /// (90° - latitude + declination 21.5°).
    double max_sun_elevation_deg = 62.0;
    double ground_wave_phase = 1.0;         ///< sin(π/2 (t - t_rise)/(t_max - t_rise)), 0..1
    double direct_normal_w_m2 = 0.0;        ///< I
    double diffuse_horizontal_w_m2 = 0.0;   ///< D
    /// Sky emissivity; NaN: Prata (1996) from air temperature and humidity.
    double sky_emissivity = std::numeric_limits<double>::quiet_NaN();
    double sunlit_wall_share = 0.5;         ///< f_ws
};

struct ClearSkyShortwave {
    double direct_normal_w_m2 = 0.0;
    double diffuse_horizontal_w_m2 = 0.0;
};

/// Clear-sky direct normal and diffuse horizontal irradiance (Meinel & Meinel 1976 with
/// Kasten & Young 1989 air mass; Haurwitz 1945 global): zero below the horizon.
[[nodiscard]] ClearSkyShortwave clear_sky_shortwave(double sun_elevation_deg) noexcept;

/// Clear-sky emissivity of Prata (1996).
[[nodiscard]] double sky_emissivity_prata(double air_temperature_c,
                                          double relative_humidity_pct) noexcept;

/// Phase factor of the SOLWEIG ground wave at hour `hour` (same clock as the other two):
/// max(0, sin(π/2 (t - t_rise)/(t_max - t_rise))), 0 before sunrise, 1 at t_max (15 h for
/// sealed surfaces in SOLWEIG), falling again afterwards (Lindberg et al. 2008; the negative part
/// is cut as SOLWEIG does).
[[nodiscard]] double ground_wave_phase(double hour, double sunrise_hour,
                                       double max_hour = 15.0) noexcept;

/// The inputs of one cell.
struct TmrtCell {
    double sky_view_factor = 1.0;
    double sunlit_fraction = 1.0;
    LandCover land_cover = LandCover::sealed_other;
};

/// T_mrt (°C) of one cell.
[[nodiscard]] double mean_radiant_temperature_c(const TmrtCell& cell,
                                                const RadiationMoment& moment,
                                                const SurfaceTable& surfaces = {},
                                                const PersonParams& person = {}) noexcept;

/// T_mrt (°C) of every active cell (NaN elsewhere). `land_cover` holds LandCover values (an
/// unknown value is treated as sealed_other). Sky view factor and sunlit fraction are clamped to
/// 0..1. Throws std::invalid_argument on a shape mismatch. OpenMP over rows; independent of the
/// thread count.
void compute_mean_radiant_temperature(RasterView<const float> sky_view_factor,
                                      RasterView<const float> sunlit_fraction,
                                      RasterView<const std::uint8_t> land_cover,
                                      const CellMask& mask, const RadiationMoment& moment,
                                      RasterView<float> tmrt_c, const SurfaceTable& surfaces = {},
                                      const PersonParams& person = {});

} // namespace lauter::kernels::thermal
