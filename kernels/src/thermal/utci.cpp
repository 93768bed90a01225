// UTCI by the operational polynomial of Bröde et al. (2012); see utci.hpp for the equations.
#include <lauter/kernels/thermal/utci.hpp>

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace lauter::kernels::thermal {

namespace {

/// Coefficients c_abcd of UTCI_approx version a 0.002 (Bröde et al. 2012; the published
/// operational Fortran code of October 2009), one group per (p_a^d, ΔT_mrt^c, v^b), groups in
/// the order d = 0..6, c = 0..6-d, b = 0..6-d-c, and within a group the powers T_a^0..6-d-c-b.
/// 210 values; the constant term of UTCI = T_a + offset is not among them.
constexpr std::array<double, 210> utci_coefficients = {
    // p_a^0 dT_mrt^0 v^0, T_a^0..6
    6.07562052e-01, -2.27712343e-02, 8.06470249e-04, -1.54271372e-04, -3.24651735e-06,
    7.32602852e-08, 1.35959073e-09,
    // p_a^0 dT_mrt^0 v^1, T_a^0..5
    -2.25836520e+00, 8.80326035e-02, 2.16844454e-03, -1.53347087e-05, -5.72983704e-07,
    -2.55090145e-09,
    // p_a^0 dT_mrt^0 v^2, T_a^0..4
    -7.51269505e-01, -4.08350271e-03, -5.21670675e-05, 1.94544667e-06, 1.14099531e-08,
    // p_a^0 dT_mrt^0 v^3, T_a^0..3
    1.58137256e-01, -6.57263143e-05, 2.22697524e-07, -4.16117031e-08,
    // p_a^0 dT_mrt^0 v^4, T_a^0..2
    -1.27762753e-02, 9.66891875e-06, 2.52785852e-09,
    // p_a^0 dT_mrt^0 v^5, T_a^0..1
    4.56306672e-04, -1.74202546e-07,
    // p_a^0 dT_mrt^0 v^6, T_a^0..0
    -5.91491269e-06,
    // p_a^0 dT_mrt^1 v^0, T_a^0..5
    3.98374029e-01, 1.83945314e-04, -1.73754510e-04, -7.60781159e-07, 3.77830287e-08,
    5.43079673e-10,
    // p_a^0 dT_mrt^1 v^1, T_a^0..4
    -2.00518269e-02, 8.92859837e-04, 3.45433048e-06, -3.77925774e-07, -1.69699377e-09,
    // p_a^0 dT_mrt^1 v^2, T_a^0..3
    1.69992415e-04, -4.99204314e-05, 2.47417178e-07, 1.07596466e-08,
    // p_a^0 dT_mrt^1 v^3, T_a^0..2
    8.49242932e-05, 1.35191328e-06, -6.21531254e-09,
    // p_a^0 dT_mrt^1 v^4, T_a^0..1
    -4.99410301e-06, -1.89489258e-08,
    // p_a^0 dT_mrt^1 v^5, T_a^0..0
    8.15300114e-08,
    // p_a^0 dT_mrt^2 v^0, T_a^0..4
    7.55043090e-04, -5.65095215e-05, -4.52166564e-07, 2.46688878e-08, 2.42674348e-10,
    // p_a^0 dT_mrt^2 v^1, T_a^0..3
    1.54547250e-04, 5.24110970e-06, -8.75874982e-08, -1.50743064e-09,
    // p_a^0 dT_mrt^2 v^2, T_a^0..2
    -1.56236307e-05, -1.33895614e-07, 2.49709824e-09,
    // p_a^0 dT_mrt^2 v^3, T_a^0..1
    6.51711721e-07, 1.94960053e-09,
    // p_a^0 dT_mrt^2 v^4, T_a^0..0
    -1.00361113e-08,
    // p_a^0 dT_mrt^3 v^0, T_a^0..3
    -1.21206673e-05, -2.18203660e-07, 7.51269482e-09, 9.79063848e-11,
    // p_a^0 dT_mrt^3 v^1, T_a^0..2
    1.25006734e-06, -1.81584736e-09, -3.52197671e-10,
    // p_a^0 dT_mrt^3 v^2, T_a^0..1
    -3.36514630e-08, 1.35908359e-10,
    // p_a^0 dT_mrt^3 v^3, T_a^0..0
    4.17032620e-10,
    // p_a^0 dT_mrt^4 v^0, T_a^0..2
    -1.30369025e-09, 4.13908461e-10, 9.22652254e-12,
    // p_a^0 dT_mrt^4 v^1, T_a^0..1
    -5.08220384e-09, -2.24730961e-11,
    // p_a^0 dT_mrt^4 v^2, T_a^0..0
    1.17139133e-10,
    // p_a^0 dT_mrt^5 v^0, T_a^0..1
    6.62154879e-10, 4.03863260e-13,
    // p_a^0 dT_mrt^5 v^1, T_a^0..0
    1.95087203e-12,
    // p_a^0 dT_mrt^6 v^0, T_a^0..0
    -4.73602469e-12,
    // p_a^1 dT_mrt^0 v^0, T_a^0..5
    5.12733497e+00, -3.12788561e-01, -1.96701861e-02, 9.99690870e-04, 9.51738512e-06,
    -4.66426341e-07,
    // p_a^1 dT_mrt^0 v^1, T_a^0..4
    5.48050612e-01, -3.30552823e-03, -1.64119440e-03, -5.16670694e-06, 9.52692432e-07,
    // p_a^1 dT_mrt^0 v^2, T_a^0..3
    -4.29223622e-02, 5.00845667e-03, 1.00601257e-06, -1.81748644e-06,
    // p_a^1 dT_mrt^0 v^3, T_a^0..2
    -1.25813502e-03, -1.79330391e-04, 2.34994441e-06,
    // p_a^1 dT_mrt^0 v^4, T_a^0..1
    1.29735808e-04, 1.29064870e-06,
    // p_a^1 dT_mrt^0 v^5, T_a^0..0
    -2.28558686e-06,
    // p_a^1 dT_mrt^1 v^0, T_a^0..4
    -3.69476348e-02, 1.62325322e-03, -3.14279680e-05, 2.59835559e-06, -4.77136523e-08,
    // p_a^1 dT_mrt^1 v^1, T_a^0..3
    8.64203390e-03, -6.87405181e-04, -9.13863872e-06, 5.15916806e-07,
    // p_a^1 dT_mrt^1 v^2, T_a^0..2
    -3.59217476e-05, 3.28696511e-05, -7.10542454e-07,
    // p_a^1 dT_mrt^1 v^3, T_a^0..1
    -1.24382300e-05, -7.38584400e-09,
    // p_a^1 dT_mrt^1 v^4, T_a^0..0
    2.20609296e-07,
    // p_a^1 dT_mrt^2 v^0, T_a^0..3
    -7.32469180e-04, -1.87381964e-05, 4.80925239e-06, -8.75492040e-08,
    // p_a^1 dT_mrt^2 v^1, T_a^0..2
    2.77862930e-05, -5.06004592e-06, 1.14325367e-07,
    // p_a^1 dT_mrt^2 v^2, T_a^0..1
    2.53016723e-06, -1.72857035e-08,
    // p_a^1 dT_mrt^2 v^3, T_a^0..0
    -3.95079398e-08,
    // p_a^1 dT_mrt^3 v^0, T_a^0..2
    -3.59413173e-07, 7.04388046e-07, -1.89309167e-08,
    // p_a^1 dT_mrt^3 v^1, T_a^0..1
    -4.79768731e-07, 7.96079978e-09,
    // p_a^1 dT_mrt^3 v^2, T_a^0..0
    1.62897058e-09,
    // p_a^1 dT_mrt^4 v^0, T_a^0..1
    3.94367674e-08, -1.18566247e-09,
    // p_a^1 dT_mrt^4 v^1, T_a^0..0
    3.34678041e-10,
    // p_a^1 dT_mrt^5 v^0, T_a^0..0
    -1.15606447e-10,
    // p_a^2 dT_mrt^0 v^0, T_a^0..4
    -2.80626406e+00, 5.48712484e-01, -3.99428410e-03, -9.54009191e-04, 1.93090978e-05,
    // p_a^2 dT_mrt^0 v^1, T_a^0..3
    -3.08806365e-01, 1.16952364e-02, 4.95271903e-04, -1.90710882e-05,
    // p_a^2 dT_mrt^0 v^2, T_a^0..2
    2.10787756e-03, -6.98445738e-04, 2.30109073e-05,
    // p_a^2 dT_mrt^0 v^3, T_a^0..1
    4.17856590e-04, -1.27043871e-05,
    // p_a^2 dT_mrt^0 v^4, T_a^0..0
    -3.04620472e-06,
    // p_a^2 dT_mrt^1 v^0, T_a^0..3
    5.14507424e-02, -4.32510997e-03, 8.99281156e-05, -7.14663943e-07,
    // p_a^2 dT_mrt^1 v^1, T_a^0..2
    -2.66016305e-04, 2.63789586e-04, -7.01199003e-06,
    // p_a^2 dT_mrt^1 v^2, T_a^0..1
    -1.06823306e-04, 3.61341136e-06,
    // p_a^2 dT_mrt^1 v^3, T_a^0..0
    2.29748967e-07,
    // p_a^2 dT_mrt^2 v^0, T_a^0..2
    3.04788893e-04, -6.42070836e-05, 1.16257971e-06,
    // p_a^2 dT_mrt^2 v^1, T_a^0..1
    7.68023384e-06, -5.47446896e-07,
    // p_a^2 dT_mrt^2 v^2, T_a^0..0
    -3.59937910e-08,
    // p_a^2 dT_mrt^3 v^0, T_a^0..1
    -4.36497725e-06, 1.68737969e-07,
    // p_a^2 dT_mrt^3 v^1, T_a^0..0
    2.67489271e-08,
    // p_a^2 dT_mrt^4 v^0, T_a^0..0
    3.23926897e-09,
    // p_a^3 dT_mrt^0 v^0, T_a^0..3
    -3.53874123e-02, -2.21201190e-01, 1.55126038e-02, -2.63917279e-04,
    // p_a^3 dT_mrt^0 v^1, T_a^0..2
    4.53433455e-02, -4.32943862e-03, 1.45389826e-04,
    // p_a^3 dT_mrt^0 v^2, T_a^0..1
    2.17508610e-04, -6.66724702e-05,
    // p_a^3 dT_mrt^0 v^3, T_a^0..0
    3.33217140e-05,
    // p_a^3 dT_mrt^1 v^0, T_a^0..2
    -2.26921615e-03, 3.80261982e-04, -5.45314314e-09,
    // p_a^3 dT_mrt^1 v^1, T_a^0..1
    -7.96355448e-04, 2.53458034e-05,
    // p_a^3 dT_mrt^1 v^2, T_a^0..0
    -6.31223658e-06,
    // p_a^3 dT_mrt^2 v^0, T_a^0..1
    3.02122035e-04, -4.77403547e-06,
    // p_a^3 dT_mrt^2 v^1, T_a^0..0
    1.73825715e-06,
    // p_a^3 dT_mrt^3 v^0, T_a^0..0
    -4.09087898e-07,
    // p_a^4 dT_mrt^0 v^0, T_a^0..2
    6.14155345e-01, -6.16755931e-02, 1.33374846e-03,
    // p_a^4 dT_mrt^0 v^1, T_a^0..1
    3.55375387e-03, -5.13027851e-04,
    // p_a^4 dT_mrt^0 v^2, T_a^0..0
    1.02449757e-04,
    // p_a^4 dT_mrt^1 v^0, T_a^0..1
    -1.48526421e-03, -4.11469183e-05,
    // p_a^4 dT_mrt^1 v^1, T_a^0..0
    -6.80434415e-06,
    // p_a^4 dT_mrt^2 v^0, T_a^0..0
    -9.77675906e-06,
    // p_a^5 dT_mrt^0 v^0, T_a^0..1
    8.82773108e-02, -3.01859306e-03,
    // p_a^5 dT_mrt^0 v^1, T_a^0..0
    1.04452989e-03,
    // p_a^5 dT_mrt^1 v^0, T_a^0..0
    2.47090539e-04,
    // p_a^6 dT_mrt^0 v^0, T_a^0..0
    1.48348065e-03,
};

constexpr int polynomial_degree = 6;

/// Index of the first coefficient of group (d, c, b) in utci_coefficients.
constexpr std::array<std::array<std::array<int, 7>, 7>, 7> group_starts() {
    std::array<std::array<std::array<int, 7>, 7>, 7> starts{};
    int next = 0;
    for (int d = 0; d <= polynomial_degree; ++d) {
        for (int c = 0; c <= polynomial_degree - d; ++c) {
            for (int b = 0; b <= polynomial_degree - d - c; ++b) {
                starts[static_cast<std::size_t>(d)][static_cast<std::size_t>(c)]
                      [static_cast<std::size_t>(b)] = next;
                next += polynomial_degree - d - c - b + 1;
            }
        }
    }
    return starts;
}

constexpr auto utci_group_starts = group_starts();
static_assert(utci_group_starts[6][0][0] == 209, "the table must hold 210 coefficients");

template <typename T>
constexpr std::array<T, 210> coefficients_as() {
    std::array<T, 210> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<T>(utci_coefficients[i]);
    }
    return out;
}

template <typename T>
constexpr std::array<T, 210> utci_coefficients_t = coefficients_as<T>();

/// Σ_{a=A..top} k[start + a] T_a^(a-A), Horner in T_a. The nested Horner scheme is written as
/// compile-time recursion so that every coefficient index is a constant: the evaluation inlines
/// into the cell loop as straight-line code, which the compiler vectorises across cells.
template <typename T, int Start, int A, int Top>
[[gnu::always_inline]] inline T horner_ta(T ta) noexcept {
    constexpr T k = utci_coefficients_t<T>[static_cast<std::size_t>(Start + A)];
    if constexpr (A == Top) {
        return k;
    } else {
        return horner_ta<T, Start, A + 1, Top>(ta) * ta + k;
    }
}

/// Group (d, c, b) and the higher powers of v, Horner in v.
template <typename T, int D, int C, int B>
[[gnu::always_inline]] inline T horner_v(T ta, T v) noexcept {
    constexpr int start = utci_group_starts[static_cast<std::size_t>(D)]
                                           [static_cast<std::size_t>(C)]
                                           [static_cast<std::size_t>(B)];
    const T own = horner_ta<T, start, 0, polynomial_degree - D - C - B>(ta);
    if constexpr (B == polynomial_degree - D - C) {
        return own;
    } else {
        return horner_v<T, D, C, B + 1>(ta, v) * v + own;
    }
}

/// Horner in ΔT_mrt.
template <typename T, int D, int C>
[[gnu::always_inline]] inline T horner_dt(T ta, T v, T dt) noexcept {
    const T own = horner_v<T, D, C, 0>(ta, v);
    if constexpr (C == polynomial_degree - D) {
        return own;
    } else {
        return horner_dt<T, D, C + 1>(ta, v, dt) * dt + own;
    }
}

/// Horner in p_a.
template <typename T, int D>
[[gnu::always_inline]] inline T horner_pa(T ta, T v, T dt, T pa) noexcept {
    const T own = horner_dt<T, D, 0>(ta, v, dt);
    if constexpr (D == polynomial_degree) {
        return own;
    } else {
        return horner_pa<T, D + 1>(ta, v, dt, pa) * pa + own;
    }
}

/// offset(T_a, v, ΔT_mrt, p_a) = UTCI - T_a: nested Horner, innermost in T_a, then v, ΔT_mrt,
/// p_a (209 multiplications and 209 additions).
template <typename T>
[[gnu::always_inline]] inline T utci_offset(T ta, T v, T dt, T pa) noexcept {
    return horner_pa<T, 0>(ta, v, dt, pa);
}

template <typename T>
[[gnu::always_inline]] inline bool in_range(T ta, T dt, T rh, T v) noexcept {
    using R = UtciValidRange;
    // Ordered comparisons (false for NaN), combined with & rather than && so that the cell loop
    // has no branches and vectorises.
    const bool t_ok = (ta >= static_cast<T>(R::air_temperature_min_c)) &
                      (ta <= static_cast<T>(R::air_temperature_max_c));
    const bool dt_ok = (dt >= static_cast<T>(R::delta_tmrt_min_k)) &
                       (dt <= static_cast<T>(R::delta_tmrt_max_k));
    const bool v_ok = (v >= static_cast<T>(R::wind_min_m_per_s)) &
                      (v <= static_cast<T>(R::wind_max_m_per_s));
    const bool rh_ok = (rh >= static_cast<T>(R::relative_humidity_min_pct)) &
                       (rh <= static_cast<T>(R::relative_humidity_max_pct));
    return t_ok & dt_ok & v_ok & rh_ok;
}

/// Vector clones: SSE2 (x86-64 baseline) and AVX2 chosen at load time (GCC function
/// multi-versioning, as in shallow_local_inertial.cpp). No FMA is enabled in either clone, so
/// both perform the same IEEE operations in the same order and give identical bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LAUTER_UTCI_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define LAUTER_UTCI_CLONES
#endif

/// The cell loop of one row: every input as an array (uniform inputs expanded by the caller).
/// Returns the number of invalid cells among those whose `active` byte is 1. Branch-free (the
/// polynomial is evaluated for every cell and selected), so that it vectorises; the file is
/// compiled with -fno-trapping-math (kernels/CMakeLists.txt) for the selects to be if-converted.
LAUTER_UTCI_CLONES
std::size_t utci_row(const float* __restrict ta, const float* __restrict tmrt,
                     const float* __restrict rh, const float* __restrict v,
                     const float* __restrict pa, const std::uint8_t* __restrict active,
                     float* __restrict out, std::size_t count) noexcept {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // 32-bit lanes throughout (a row has fewer than 2^32 cells), so that AVX2 holds 8 cells.
    std::uint32_t invalid = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const float t = ta[i];
        const float dt = tmrt[i] - t;
        const bool ok = in_range(t, dt, rh[i], v[i]);
        const float value = t + utci_offset(t, v[i], dt, pa[i]);
        const bool on = active[i] != 0;
        out[i] = (ok & on) ? value : nan;
        invalid += static_cast<std::uint32_t>(on & !ok);
    }
    return invalid;
}

} // namespace

double utci_saturation_vapour_pressure_hpa(double air_temperature_c) noexcept {
    constexpr std::array<double, 7> g = {-2836.5744,      -6028.076559,   19.54263612,
                                         -0.02737830188,  1.6261698e-5,   7.0229056e-10,
                                         -1.8680009e-13};
    const double t_k = air_temperature_c + 273.15;
    // Σ g_i T^(i-2) by Horner in T, divided by T^2.
    double sum = g[6];
    for (std::size_t i = 6; i-- > 0;) {
        sum = sum * t_k + g[i];
    }
    return 0.01 * std::exp(2.7150305 * std::log(t_k) + sum / (t_k * t_k));
}

double utci_polynomial_c(double air_temperature_c, double wind_10m_m_per_s, double delta_tmrt_k,
                         double vapour_pressure_kpa) noexcept {
    return air_temperature_c + utci_offset(air_temperature_c, wind_10m_m_per_s, delta_tmrt_k,
                                           vapour_pressure_kpa);
}

bool utci_inputs_valid(double air_temperature_c, double mean_radiant_temperature_c,
                       double relative_humidity_pct, double wind_10m_m_per_s) noexcept {
    return in_range(air_temperature_c, mean_radiant_temperature_c - air_temperature_c,
                    relative_humidity_pct, wind_10m_m_per_s);
}

double utci_c(double air_temperature_c, double mean_radiant_temperature_c,
              double relative_humidity_pct, double wind_10m_m_per_s) noexcept {
    if (!utci_inputs_valid(air_temperature_c, mean_radiant_temperature_c, relative_humidity_pct,
                           wind_10m_m_per_s)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const double pa_kpa =
        relative_humidity_pct / 1000.0 * utci_saturation_vapour_pressure_hpa(air_temperature_c);
    return utci_polynomial_c(air_temperature_c, wind_10m_m_per_s,
                             mean_radiant_temperature_c - air_temperature_c, pa_kpa);
}

UtciStress utci_stress(double utci) noexcept {
    if (std::isnan(utci)) {
        return UtciStress::no_data;
    }
    // Upper breaks of classes 1..9 (Bröde et al. 2012, Table 1).
    constexpr std::array<double, 9> upper = {-40.0, -27.0, -13.0, 0.0, 9.0, 26.0, 32.0, 38.0, 46.0};
    std::uint8_t k = 1;
    for (const double u : upper) {
        if (utci <= u) {
            return static_cast<UtciStress>(k);
        }
        ++k;
    }
    return UtciStress::extreme_heat;
}

std::string_view utci_stress_name(UtciStress stress) noexcept {
    switch (stress) {
    case UtciStress::no_data: return "no data";
    case UtciStress::extreme_cold: return "extreme cold stress";
    case UtciStress::very_strong_cold: return "very strong cold stress";
    case UtciStress::strong_cold: return "strong cold stress";
    case UtciStress::moderate_cold: return "moderate cold stress";
    case UtciStress::slight_cold: return "slight cold stress";
    case UtciStress::no_stress: return "no thermal stress";
    case UtciStress::moderate_heat: return "moderate heat stress";
    case UtciStress::strong_heat: return "strong heat stress";
    case UtciStress::very_strong_heat: return "very strong heat stress";
    case UtciStress::extreme_heat: return "extreme heat stress";
    }
    return "unknown";
}

UtciStats compute_utci(const UtciInputs& inputs, const CellMask& mask, RasterView<float> utci_out,
                       UtciWorkspace& workspace) {
    const GridSpec& spec = mask.spec();
    require_same_shape(spec, utci_out.spec(), "compute_utci (output)");
    const std::array<const UtciInput*, 4> all = {
        &inputs.air_temperature_c, &inputs.mean_radiant_temperature_c,
        &inputs.relative_humidity_pct, &inputs.wind_10m_m_per_s};
    for (const UtciInput* in : all) {
        if (!in->is_uniform()) {
            require_same_shape(spec, in->raster.spec(), "compute_utci (input)");
        }
    }
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    // Per thread: four uniform rows and the vapour pressure row, plus an activity row.
    constexpr std::size_t buffers = 5;
    const auto threads = static_cast<std::size_t>(omp_get_max_threads());
    workspace.rows.resize(threads * buffers * cols);
    workspace.active.resize(threads * cols);

    const bool ta_uniform = inputs.air_temperature_c.is_uniform();
    const bool rh_uniform = inputs.relative_humidity_pct.is_uniform();
    // With uniform T_a, e_s is computed once; p_a is then e_s * RH / 1000 per cell.
    const double es_uniform_hpa =
        ta_uniform ? utci_saturation_vapour_pressure_hpa(inputs.air_temperature_c.uniform) : 0.0;
    const auto rh_uniform_pct = static_cast<double>(inputs.relative_humidity_pct.uniform);

    std::size_t invalid = 0;
    std::size_t active_count = 0;
#pragma omp parallel reduction(+ : invalid, active_count)
    {
        const auto thread = static_cast<std::size_t>(omp_get_thread_num());
        float* base = workspace.rows.data() + thread * buffers * cols;
        std::array<float*, 4> uniform_rows{};
        for (std::size_t k = 0; k < 4; ++k) {
            uniform_rows[k] = base + k * cols;
            if (all[k]->is_uniform()) {
                std::fill(uniform_rows[k], uniform_rows[k] + cols, all[k]->uniform);
            }
        }
        float* pa_row = base + 4 * cols;
        std::uint8_t* active_row = workspace.active.data() + thread * cols;
        if (ta_uniform && rh_uniform) {
            std::fill(pa_row, pa_row + cols,
                      static_cast<float>(es_uniform_hpa * rh_uniform_pct / 1000.0));
        }
#pragma omp for schedule(static)
        for (std::size_t r = 0; r < rows; ++r) {
            std::array<const float*, 4> row{};
            for (std::size_t k = 0; k < 4; ++k) {
                row[k] = all[k]->is_uniform() ? uniform_rows[k] : all[k]->raster.row(r).data();
            }
            if (!(ta_uniform && rh_uniform)) {
                for (std::size_t c = 0; c < cols; ++c) {
                    const double es_hpa = ta_uniform
                                              ? es_uniform_hpa
                                              : utci_saturation_vapour_pressure_hpa(row[0][c]);
                    pa_row[c] = static_cast<float>(es_hpa * static_cast<double>(row[2][c]) /
                                                   1000.0);
                }
            }
            for (std::size_t c = 0; c < cols; ++c) {
                const bool on = mask.has_data(r, c);
                active_row[c] = on ? 1U : 0U;
                active_count += on ? 1U : 0U;
            }
            invalid += utci_row(row[0], row[1], row[2], row[3], pa_row, active_row,
                                utci_out.row(r).data(), cols);
        }
    }
    UtciStats stats;
    stats.invalid_cells = invalid;
    stats.valid_cells = active_count - invalid;
    return stats;
}

void classify_utci_stress(RasterView<const float> utci, const CellMask& mask,
                          RasterView<std::uint8_t> stress) {
    require_same_shape(mask.spec(), utci.spec(), "classify_utci_stress (input)");
    require_same_shape(mask.spec(), stress.spec(), "classify_utci_stress (output)");
    const std::size_t rows = mask.spec().rows;
    const std::size_t cols = mask.spec().cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            const UtciStress s = mask.has_data(r, c)
                                     ? utci_stress(static_cast<double>(utci(r, c)))
                                     : UtciStress::no_data;
            stress(r, c) = static_cast<std::uint8_t>(s);
        }
    }
}

} // namespace lauter::kernels::thermal
