#pragma once
/// @file utci.hpp
/// Universal Thermal Climate Index (UTCI) by the operational polynomial of Bröde et al. (2012,
/// "Deriving the operational procedure for the Universal Thermal Climate Index (UTCI)",
/// International Journal of Biometeorology 56, 481-494): UTCI_approx, version a 0.002 (October
/// 2009), a sixth-order polynomial in air temperature T_a (°C), 10 m wind speed v (m/s),
/// ΔT_mrt = T_mrt - T_a (K) and water-vapour pressure p_a (kPa) with 210 terms:
///
///     UTCI = T_a + Σ_{a+b+c+d <= 6} c_abcd · T_a^a · v^b · ΔT_mrt^c · p_a^d
///
/// evaluated here as a nested Horner scheme (innermost in T_a, then v, ΔT_mrt, p_a), which needs
/// 209 multiplications and 209 additions per cell and no powers.
///
/// Vapour pressure: p_a = RH/100 · e_s(T_a) / 10 with the saturation vapour pressure of the UTCI
/// operational procedure (Bröde et al. 2012; the formula of the UTCI_approx Fortran code):
///     e_s [hPa] = 0.01 · exp(2.7150305 ln T_K + Σ_{i=0..6} g_i T_K^(i-2)),
///     g = (-2836.5744, -6028.076559, 19.54263612, -0.02737830188, 1.6261698e-5,
///          7.0229056e-10, -1.8680009e-13).
///
/// Valid range of the polynomial (Bröde et al. 2012): T_a -50..+50 °C, ΔT_mrt -30..+70 K,
/// v 0.5..17 m/s; we also require 0 <= RH <= 100 %. Outside it the result is NaN and the cell is
/// counted (UtciStats::invalid_cells); the polynomial is never extrapolated and inputs are never
/// clamped.
///
/// Stress classes (Bröde et al. 2012, Table 1; Błażejczyk et al. 2013): the ten categories of
/// the UTCI assessment scale, class k when its lower break < UTCI <= its upper break.

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lauter::kernels::thermal {

/// The valid range of the operational polynomial (Bröde et al. 2012), inclusive.
struct UtciValidRange {
    static constexpr double air_temperature_min_c = -50.0;
    static constexpr double air_temperature_max_c = 50.0;
    static constexpr double delta_tmrt_min_k = -30.0;
    static constexpr double delta_tmrt_max_k = 70.0;
    static constexpr double wind_min_m_per_s = 0.5;
    static constexpr double wind_max_m_per_s = 17.0;
    static constexpr double relative_humidity_min_pct = 0.0;
    static constexpr double relative_humidity_max_pct = 100.0;
};

/// Saturation vapour pressure over water (hPa) by the UTCI-specific formula (file comment).
[[nodiscard]] double utci_saturation_vapour_pressure_hpa(double air_temperature_c) noexcept;

/// The polynomial itself, UTCI = T_a + offset, without any range check (for tests against
/// published polynomial values; use utci_c for results).
[[nodiscard]] double utci_polynomial_c(double air_temperature_c, double wind_10m_m_per_s,
                                       double delta_tmrt_k, double vapour_pressure_kpa) noexcept;

/// True when all inputs lie in the valid range (NaN inputs are not valid).
[[nodiscard]] bool utci_inputs_valid(double air_temperature_c, double mean_radiant_temperature_c,
                                     double relative_humidity_pct,
                                     double wind_10m_m_per_s) noexcept;

/// UTCI (°C) of one set of inputs; NaN outside the valid range.
[[nodiscard]] double utci_c(double air_temperature_c, double mean_radiant_temperature_c,
                            double relative_humidity_pct, double wind_10m_m_per_s) noexcept;

/// The ten UTCI stress categories; values are stable (written to results files), 0 = no data.
enum class UtciStress : std::uint8_t {
    no_data = 0,
    extreme_cold = 1,     ///< UTCI <= -40
    very_strong_cold = 2, ///< -40 < UTCI <= -27
    strong_cold = 3,      ///< -27 < UTCI <= -13
    moderate_cold = 4,    ///< -13 < UTCI <= 0
    slight_cold = 5,      ///< 0 < UTCI <= 9
    no_stress = 6,        ///< 9 < UTCI <= 26
    moderate_heat = 7,    ///< 26 < UTCI <= 32
    strong_heat = 8,      ///< 32 < UTCI <= 38
    very_strong_heat = 9, ///< 38 < UTCI <= 46
    extreme_heat = 10,    ///< UTCI > 46
};

/// Class of one UTCI value (NaN -> no_data).
[[nodiscard]] UtciStress utci_stress(double utci_c) noexcept;

/// Stable English name, e.g. "strong heat stress".
[[nodiscard]] std::string_view utci_stress_name(UtciStress stress) noexcept;

/// One input of the raster function: a raster of the grid's shape, or (raster.data() == nullptr)
/// one value for every cell, so that weather given as single values costs nothing per cell.
struct UtciInput {
    RasterView<const float> raster;
    float uniform = 0.0F;

    [[nodiscard]] static UtciInput of(RasterView<const float> r) { return {r, 0.0F}; }
    [[nodiscard]] static UtciInput of(float value) { return {{}, value}; }
    [[nodiscard]] bool is_uniform() const noexcept { return raster.data() == nullptr; }
};

struct UtciInputs {
    UtciInput air_temperature_c;
    UtciInput mean_radiant_temperature_c;
    UtciInput relative_humidity_pct;
    UtciInput wind_10m_m_per_s;
};

struct UtciStats {
    std::size_t valid_cells = 0;   ///< active cells with a UTCI value
    std::size_t invalid_cells = 0; ///< active cells outside the valid range (NaN written)
};

/// Caller-owned scratch: per-thread row buffers (grows to the largest grid and thread count).
struct UtciWorkspace {
    std::vector<float> rows;
    std::vector<std::uint8_t> active;
};

/// UTCI (°C) of every active cell of `mask` into `utci_c` (NaN for no-data and invalid cells).
/// Evaluated in single precision: the largest deviation from the double-precision polynomial over
/// a sweep of the whole valid range is 0.008 K (tests check it and the published values). OpenMP over rows; the result does not depend on
/// the thread count. Throws std::invalid_argument when a raster input or the output differs in
/// shape from the mask.
UtciStats compute_utci(const UtciInputs& inputs, const CellMask& mask, RasterView<float> utci_c,
                       UtciWorkspace& workspace);

/// Stress class raster of a UTCI raster (no_data where the mask has none or UTCI is NaN).
void classify_utci_stress(RasterView<const float> utci_c, const CellMask& mask,
                          RasterView<std::uint8_t> stress);

} // namespace lauter::kernels::thermal
