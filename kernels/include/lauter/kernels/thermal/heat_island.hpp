#pragma once
/// @file heat_island.hpp
/// Night heat island per cell.
///
/// 1. Theeuwes et al. (2017, "A diagnostic equation for the daily maximum urban heat island
///    effect for cities in northwestern Europe", Int. J. Climatol. 37, 443-454):
///        UHI_max = (2 - SVF - F_veg) · (S · DTR³ / U)^(1/4)
///    S = K↓/(ρ c_p) the daily mean specific global radiation (K m s⁻¹), DTR = T_max - T_min of
///    the rural reference (K), U the 10 m wind (m/s), SVF the sky view factor, F_veg the
///    vegetation fraction. Example (physics.md C5): K↓ 250 W/m², ρc_p 1.18·1007, DTR 14 K,
///    U 1.5 m/s -> 4.43 K; SVF 0.5, F_veg 0.2 -> 5.76 K; SVF 0.9, F_veg 0.6 -> 2.21 K.
///
/// 2. Reduction by park cooling and cold air (our coupling, documented in docs/thermal-comfort.md):
///        UHI_night = UHI_max · r_park · (1 - f_cold)
///    r_park = (1 - HM)/(1 - CC) where the InVEST heat mitigation index HM exceeds the cell's own
///    cooling capacity CC (urban_cooling.hpp), else 1: InVEST's temperature anomaly is
///    (1 - HM)·UHI, so (1 - HM)/(1 - CC) is the share of the cell's own anomaly (Theeuwes) that
///    remains next to a large park. f_cold (0..1, optional) is the share of the heat island
///    removed by cold-air inflow, for coupling to the cold-air model; without it f_cold = 0.

#include <lauter/kernels/grid.hpp>

namespace lauter::kernels::thermal {

/// The day's meteorology of the Theeuwes et al. (2017) relation (defaults: the physics.md C5
/// example).
struct TheeuwesMeteorology {
    double mean_global_radiation_w_m2 = 250.0; ///< daily mean K↓
    double diurnal_temperature_range_k = 14.0; ///< DTR of the rural reference
    double wind_10m_m_per_s = 1.5;             ///< U
    double air_density_kg_m3 = 1.18;           ///< ρ
    double specific_heat_j_per_kg_k = 1007.0;  ///< c_p
};

/// (S · DTR³ / U)^(1/4) in K. Throws std::invalid_argument unless U, ρ and c_p are positive and
/// K↓ and DTR are non-negative.
[[nodiscard]] double theeuwes_meteorology_factor_k(const TheeuwesMeteorology& met);

/// (2 - SVF - F_veg) · factor for one cell (SVF and F_veg clamped to 0..1).
[[nodiscard]] double theeuwes_uhi_max_k(double sky_view_factor, double vegetation_fraction,
                                        double meteorology_factor_k) noexcept;

/// UHI_max (K) per active cell (NaN elsewhere). OpenMP over rows.
void compute_uhi_max_theeuwes(RasterView<const float> sky_view_factor,
                              RasterView<const float> vegetation_fraction, const CellMask& mask,
                              const TheeuwesMeteorology& met, RasterView<float> uhi_k);

/// r_park = (1 - HM)/(1 - CC) if HM > CC, else 1.
[[nodiscard]] double park_reduction_factor(double cooling_capacity,
                                           double heat_mitigation) noexcept;

/// UHI_night = UHI_max · r_park · (1 - f_cold) per active cell (NaN elsewhere). `cold_air_share`
/// may be an empty view (data() == nullptr): no cold-air reduction. OpenMP over rows.
void reduce_heat_island(RasterView<const float> uhi_max_k, RasterView<const float> cooling_capacity,
                        RasterView<const float> heat_mitigation,
                        RasterView<const float> cold_air_share, const CellMask& mask,
                        RasterView<float> uhi_night_k);

} // namespace lauter::kernels::thermal
