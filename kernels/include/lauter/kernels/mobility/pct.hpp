#pragma once
/// @file pct.hpp
/// Propensity to Cycle Tool (PCT) uptake functions: the probability that a trip of a given
/// route distance and hilliness is cycled in the GovTarget, Go Dutch and E-bike scenarios, as a
/// cross-check of the cycling potential per OD pair (mobility.md section 1).
///
/// Functional form (Lovelace et al. 2017, J. Transport and Land Use 10(1); ITSLeeds/pct
/// R/uptake.R; npct/pct-scripts 05.1_commute_scenario_building.do), d in km, g in %:
///
///     logit(p) = a + d1 d + d2 sqrt(d) + d3 d^2 + h1 g' + i1 d g' + i2 sqrt(d) g'
///     p = 1 / (1 + exp(-logit)),   g' = g + gradient_shift_pct
///
/// The 2020 models centre the gradient (g' = g - 0.78): Dutch average hilliness equals the 13th
/// percentile of English areas (pct-scripts .do comment). The Go Dutch and E-bike variants add
/// their increments to the base coefficients; the tables below hold the sums.
/// Units are the PCT's: kilometres and percent. (uptake.R guesses metres when the mean distance
/// exceeds 100 and fractions when the mean gradient is <= 0.1; these functions do not guess.)
/// Hilliness is the route-average gradient (climb and descent over length, direction-symmetric,
/// mobility.md 1.3), best distance-weighted.
/// Range: the d^2 term makes p rise again beyond about 31 km (Go Dutch 2020 at g = 1 %: minimum
/// 0.0138 near 31 km, 0.027 at 40 km; computed). That rise is an artefact of the fit, not
/// potential: callers should restrict the functions to city-scale trips (well under 30 km).

#include <cstddef>
#include <span>

namespace lauter::kernels::mobility {

/// Coefficients of one PCT uptake model.
struct PctCoefficients {
    double alpha = 0.0;
    double d1 = 0.0; ///< per km
    double d2 = 0.0; ///< per sqrt(km)
    double d3 = 0.0; ///< per km^2
    double h1 = 0.0; ///< per % gradient
    double i1 = 0.0; ///< per km * %
    double i2 = 0.0; ///< per sqrt(km) * %
    double gradient_shift_pct = 0.0; ///< added to g before use (-0.78 in the 2020 models)
};

/// Commute models of 2017 and 2020 (coefficients from ITSLeeds/pct R/uptake.R and pct-scripts,
/// as tabulated in mobility.md 1.1).
[[nodiscard]] constexpr PctCoefficients pct_govtarget_2017() noexcept {
    return {-3.959, -0.5963, 1.866, 0.008050, -0.2710, 0.009394, -0.05135, 0.0};
}
[[nodiscard]] constexpr PctCoefficients pct_godutch_2017() noexcept {
    return {-3.959 + 2.523, -0.5963 - 0.07626, 1.866, 0.008050, -0.2710, 0.009394, -0.05135,
            0.0};
}
[[nodiscard]] constexpr PctCoefficients pct_govtarget_2020() noexcept {
    return {-4.018, -0.6369, 1.988, 0.008775, -0.2555, 0.02006, -0.1234, -0.78};
}
[[nodiscard]] constexpr PctCoefficients pct_godutch_2020() noexcept {
    return {-4.018 + 2.550, -0.6369 - 0.08036, 1.988, 0.008775, -0.2555, 0.02006, -0.1234,
            -0.78};
}
/// E-bike 2020: distance terms from the Dutch travel survey, gradient term from the Swiss one
/// (pct-scripts .do comments).
[[nodiscard]] constexpr PctCoefficients pct_ebike_2020() noexcept {
    return {-4.018 + 2.550, -0.6369 - 0.08036 + 0.05509, 1.988, 0.008775 - 0.000295,
            -0.2555 + 0.1812, 0.02006, -0.1234, -0.78};
}

/// logit(p) of the model at distance `distance_km` (>= 0) and gradient `gradient_pct`.
[[nodiscard]] double pct_logit(const PctCoefficients& c, double distance_km,
                               double gradient_pct) noexcept;

/// Cycling probability p in (0, 1); NaN if the distance or gradient is not finite or the
/// distance is negative.
[[nodiscard]] double pct_uptake(const PctCoefficients& c, double distance_km,
                                double gradient_pct) noexcept;

/// p for every OD pair: out[k] = pct_uptake(c, distance_km[k], gradient_pct[k]). All spans of
/// one size (throws std::invalid_argument otherwise). Pairs without a route (non-finite
/// distance) get NaN. OpenMP over pairs; each value is independent of the thread count.
void pct_uptake_matrix(const PctCoefficients& c, std::span<const double> distance_km,
                       std::span<const double> gradient_pct, std::span<double> out);

/// Go Dutch / E-bike scenario share of an OD flow (pct-scripts part 3B/3C): the predicted
/// probability is the target share, never below the observed baseline cycling share.
[[nodiscard]] inline double pct_scenario_share(double uptake, double baseline_share) noexcept {
    return uptake > baseline_share ? uptake : baseline_share;
}

} // namespace lauter::kernels::mobility
