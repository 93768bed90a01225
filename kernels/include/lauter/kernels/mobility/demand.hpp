#pragma once
/// @file demand.hpp
/// Travel demand on a zone system: trip production per resident, destination weights from
/// counts of jobs, shops, schools and leisure places, and gravity trip distribution with
/// singly- or doubly-constrained balancing (Furness / iterative proportional fitting).
///
/// Matrices are dense, row-major, n x n (origin i, destination j: index i * n + j), in double.
/// A cost entry that is not finite (infinity, NaN) means "not connected": its deterrence is 0,
/// so no trips are distributed to that pair. Zones are plain indices 0..n-1.
///
/// Gravity model (Wilson 1967, 1970; Ortuzar & Willumsen 2011, "Modelling Transport", 4th ed.,
/// ch. 5.5):
///
///     T_ij = A_i O_i B_j D_j f(c_ij)
///
/// with O_i the productions, D_j the attractions (scaled to the same total as O), f the
/// deterrence function of the generalised cost c (any unit: minutes, km), and the balancing
/// factors A_i, B_j chosen so that
///     production-constrained (singly):  sum_j T_ij = O_i            (B_j = 1)
///     doubly constrained:               sum_j T_ij = O_i, sum_i T_ij = D_j.
/// Deterrence functions (Ortuzar & Willumsen 2011, eq. 5.27-5.29):
///     exponential  f = exp(-beta c)
///     power        f = c^(-alpha)
///     combined     f = c^(-alpha) exp(-beta c)   (Tanner's function)
///
/// Furness balancing (Furness 1965; convergence proved by Evans 1970, Transp. Res. 4:21-33 when
/// a solution exists): alternately scale every row to its production and every column to its
/// attraction. Each iteration ends with the row scaling, so row sums equal the productions to
/// rounding; convergence is declared when every column sum is within `tolerance_rel` of its
/// attraction, relative to that attraction (max_j |sum_i T_ij - D_j| / D_j).
///
/// Threading (from 2^20 OD pairs, about 1000 zones; smaller matrices run on one thread): rows
/// are scaled in an OpenMP loop over rows, column sums in an OpenMP loop over
/// blocks of columns, each summing its columns over the rows in row order; every value is thus
/// computed in one fixed order, and results are bitwise identical for any thread count.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

/// Trip production per resident.
struct TripProductionParams {
    /// Trips per resident and average day. Default 3.2: Kaiserslautern, SrV 2023 ("Mobilitaet in
    /// Staedten", TU Dresden; mobility.md section 5). It averages over all residents, including
    /// the about 13 % who make no trip on a given day.
    double trips_per_resident_per_day = 3.2;
};

/// Trips produced per day by each zone: residents_i * trips_per_resident_per_day.
/// Throws std::invalid_argument for a negative or non-finite resident count or rate.
[[nodiscard]] std::vector<double> trip_productions(std::span<const double> residents,
                                                   const TripProductionParams& params = {});

/// Destination counts of one zone table (one entry per zone in every vector).
struct DestinationCounts {
    std::span<const double> jobs;
    std::span<const double> shops;
    std::span<const double> schools; ///< school places (pupils) or schools, as the caller counts
    std::span<const double> leisure;
};

/// Weight of one unit of each destination kind in the attraction of a zone. The defaults weigh
/// every unit alike: no survey of Kaiserslautern's trip purposes per destination unit was
/// available (see docs/mobility-demand.md); set them from a local purpose split.
struct AttractionWeights {
    double per_job = 1.0;
    double per_shop = 1.0;
    double per_school = 1.0;
    double per_leisure = 1.0;
};

/// Attraction of each zone: the weighted sum of its destination counts. Empty spans count as 0;
/// non-empty spans must have one entry per zone (`zone_count`). Throws std::invalid_argument on
/// a size mismatch or a negative / non-finite count or weight.
[[nodiscard]] std::vector<double> destination_attractions(std::size_t zone_count,
                                                          const DestinationCounts& counts,
                                                          const AttractionWeights& weights = {});

enum class DeterrenceKind : std::uint8_t { exponential = 0, power = 1, combined = 2 };

/// Deterrence function f(c). There is no default for the decay parameters: they depend on the
/// cost unit and the city and are set by the caller or calibrated to an observed mean trip cost
/// with calibrate_exponential_beta (Hyman 1969).
struct DeterrenceParams {
    DeterrenceKind kind = DeterrenceKind::exponential;
    double beta_per_cost = 0.0; ///< exponential decay per cost unit (exponential, combined), >= 0
    double alpha = 0.0;         ///< power exponent (power, combined), >= 0
    /// Costs below this are raised to it in the power term, so that zero intrazonal costs give a
    /// finite deterrence (cost units, > 0).
    double min_cost = 1e-3;
};

/// f(c); 0 for a cost that is not finite. Negative costs are not allowed (the caller checks).
[[nodiscard]] double deterrence(const DeterrenceParams& params, double cost) noexcept;

enum class BalancingKind : std::uint8_t { production_constrained = 0, doubly_constrained = 1 };

struct BalancingParams {
    BalancingKind kind = BalancingKind::doubly_constrained;
    /// Largest relative column error max_j |sum_i T_ij - D_j| / D_j accepted (doubly
    /// constrained). 1e-9 is far below any survey precision and reached in a few dozen
    /// iterations on city-sized matrices (docs/mobility-demand.md).
    double tolerance_rel = 1e-9;
    int max_iterations = 1000;
};

struct DistributionResult {
    std::vector<double> trips;       ///< n x n row-major trips per day
    int iterations = 0;              ///< Furness iterations (0 for production-constrained)
    double max_column_error_rel = 0; ///< max_j |sum_i T_ij - D_j| / D_j at the end
    bool converged = false;          ///< true if max_column_error_rel <= tolerance_rel
};

/// Gravity distribution of `productions` (n) to `attractions` (n) over `cost` (n x n).
/// Attractions are rescaled to the total of the productions. Throws std::invalid_argument on
/// size mismatches, negative / non-finite productions or attractions, negative costs, invalid
/// deterrence parameters, or a zone with positive production (attraction) that reaches no
/// destination (origin) with positive attraction (production) and finite cost.
[[nodiscard]] DistributionResult distribute_gravity(std::span<const double> productions,
                                                    std::span<const double> attractions,
                                                    std::span<const double> cost,
                                                    const DeterrenceParams& deterrence_params,
                                                    const BalancingParams& balancing = {});

/// Mean cost of a trip matrix: sum T_ij c_ij / sum T_ij over pairs with finite cost.
[[nodiscard]] double mean_trip_cost(std::span<const double> trips, std::span<const double> cost);

struct BetaCalibration {
    double beta_per_cost = 0.0;
    double mean_cost = 0.0; ///< model mean trip cost at beta_per_cost
    int iterations = 0;
    bool converged = false;
};

/// Hyman's (1969) calibration of the exponential deterrence: the beta at which the gravity
/// model's mean trip cost equals `target_mean_cost` (e.g. a survey's mean trip length, with
/// costs in km). The mean cost falls monotonically with beta, so the root is bracketed from
/// Hyman's start beta_0 = 1 / target and refined by the secant step on a bracket (Illinois
/// variant of regula falsi) until |mean - target| <= tolerance_rel * target. Throws
/// std::invalid_argument if the target lies outside the range the cost matrix allows.
[[nodiscard]] BetaCalibration calibrate_exponential_beta(std::span<const double> productions,
                                                         std::span<const double> attractions,
                                                         std::span<const double> cost,
                                                         double target_mean_cost,
                                                         const BalancingParams& balancing = {},
                                                         double tolerance_rel = 1e-6,
                                                         int max_iterations = 100);

} // namespace lauter::kernels::mobility
