#pragma once
/// @file cold_air_coupling.hpp
/// The share f_cold of the night heat island removed by cold-air inflow (the f_cold of
/// heat_island.hpp), from the cold-air layer's speed and depth.
///
/// Published relation: Theeuwes et al. (2017, Int. J. Climatol. 37, 443-454) find the daily
/// maximum heat island proportional to U^(-1/4), U the 10 m wind speed (heat_island.hpp).
///
/// lauter's coupling assumption built on that exponent (not a published coupling): cold air
/// draining through the street canopy at speed u_c ventilates it like wind, so the heat island
/// of a cell under the cold-air layer is the Theeuwes heat island at an effective ventilation
/// speed U_eff instead of U:
///     UHI_coupled / UHI = (U / U_eff)^(1/4),   f_cold = 1 - (U / U_eff)^(1/4)
///     U_eff = sqrt(U² + u_c²)
/// The regional wind and the drainage flow have unrelated directions: sqrt(U² + u_c²) is the
/// root-mean-square magnitude of their vector sum over all relative directions (the mean of
/// |U + u_c|² over a uniform angle is U² + u_c²), whereas U + u_c is the bound for aligned flows
/// and would overstate the ventilation. f_cold is 0 for u_c = 0, grows with u_c and stays below 1;
/// u_c = U·sqrt(15) gives U_eff = 4 U and f_cold = 1 - 4^(-1/4) = 0.293, u_c = U·sqrt(255)
/// gives U_eff = 16 U and f_cold = 0.5.
///
/// The layer must reach the street canopy: cells where the cold-air layer is not deeper than
/// min_depth_m get f_cold = 0 (docs/thermal-comfort.md).

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/thermal/heat_island.hpp>

namespace lauter::kernels::thermal {

struct ColdAirCouplingParams {
    /// U (m/s): the 10 m wind of the Theeuwes meteorology (TheeuwesMeteorology).
    double regional_wind_m_per_s = TheeuwesMeteorology{}.wind_10m_m_per_s;
    /// Layer depth (m) the cold air must exceed to ventilate the canopy: 2 m, the screen height
    /// of the air-temperature observations from which heat islands are measured (WMO-No. 8
    /// prescribes 1.25-2 m); lauter's choice.
    double min_depth_m = 2.0;
};

/// f_cold = 1 - (U / sqrt(U² + u_c²))^(1/4) for one cell; 0 for u_c <= 0 or NaN. Needs U > 0.
[[nodiscard]] double cold_air_uhi_share(double regional_wind_m_per_s,
                                        double cold_air_speed_m_per_s) noexcept;

/// f_cold per active cell of `mask` (NaN elsewhere): cold_air_uhi_share where the layer depth
/// exceeds min_depth_m, 0 where it does not or where speed or depth are NaN (no cold-air data:
/// no reduction). Throws std::invalid_argument on differing shapes or U <= 0 or a negative
/// min_depth_m. OpenMP over rows; each cell depends only on its own inputs.
void compute_cold_air_uhi_share(RasterView<const float> cold_air_speed_m_per_s,
                                RasterView<const float> cold_air_depth_m, const CellMask& mask,
                                const ColdAirCouplingParams& params,
                                RasterView<float> cold_air_share);

/// Values of `coarse` (cells with data in `coarse_mask`) at the active cells of `fine_mask`: each
/// fine cell takes the coarse cell containing its centre (nearest-cell sampling on cell
/// centres); NaN where that cell has no data or lies outside the coarse grid, and at inactive
/// fine cells. Both grids share one CRS; the coarse grid may be equal to the fine one. Throws
/// std::invalid_argument on differing shapes of a view and its mask. OpenMP over rows.
void sample_containing_cell(RasterView<const float> coarse, const CellMask& coarse_mask,
                            const CellMask& fine_mask, RasterView<float> fine);

} // namespace lauter::kernels::thermal
