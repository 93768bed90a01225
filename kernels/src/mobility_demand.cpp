#include <lauter/kernels/mobility/demand.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::kernels::mobility {

namespace {

/// Column block width of the column sums (one OpenMP work item).
constexpr std::size_t column_block = 32;

/// Below this many OD pairs the passes run on one thread. A pass over 300 x 300 pairs takes
/// about 0.1 ms; on a loaded machine the barrier of an OpenMP region can wait a whole time slice
/// for a descheduled thread, and 16 Furness iterations x 3 regions made a 300-zone balancing
/// 10 to 100 times slower (measured: 1008 ms and 93 ms wall in two runs, against 9-10 ms on one
/// thread, at load 8 on 2 cores).
constexpr std::size_t min_pairs_for_threads = std::size_t{1} << 20;

void require_size(std::size_t actual, std::size_t expected, const char* what) {
    if (actual != expected) {
        throw std::invalid_argument(std::string(what) + ": expected " + std::to_string(expected) +
                                    " entries, got " + std::to_string(actual));
    }
}

void require_non_negative(std::span<const double> values, const char* what) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i]) || values[i] < 0.0) {
            throw std::invalid_argument(std::string(what) + ": entry " + std::to_string(i) +
                                        " is negative or not finite (" +
                                        std::to_string(values[i]) + ")");
        }
    }
}

void validate(const DeterrenceParams& p) {
    const bool uses_beta = p.kind != DeterrenceKind::power;
    const bool uses_alpha = p.kind != DeterrenceKind::exponential;
    if (uses_beta && !(std::isfinite(p.beta_per_cost) && p.beta_per_cost >= 0.0)) {
        throw std::invalid_argument("deterrence: beta_per_cost must be finite and >= 0");
    }
    if (uses_alpha && !(std::isfinite(p.alpha) && p.alpha >= 0.0)) {
        throw std::invalid_argument("deterrence: alpha must be finite and >= 0");
    }
    if (!(p.min_cost > 0.0) || !std::isfinite(p.min_cost)) {
        throw std::invalid_argument("deterrence: min_cost must be finite and > 0");
    }
}

/// f(c) with the exponential part taken relative to `shift` (the smallest finite cost of the
/// row): exp(-beta (c - shift)) differs from exp(-beta c) by a factor constant along the row,
/// which the row balancing factor A_i absorbs, and it cannot underflow to 0 for the nearest
/// destination however large beta is.
double shifted_deterrence(const DeterrenceParams& p, double cost, double shift) noexcept {
    if (!std::isfinite(cost)) {
        return 0.0;
    }
    double f = 1.0;
    if (p.kind != DeterrenceKind::power) {
        f *= std::exp(-p.beta_per_cost * (cost - shift));
    }
    if (p.kind != DeterrenceKind::exponential) {
        f *= std::pow(std::max(cost, p.min_cost), -p.alpha);
    }
    return f;
}

/// Column sums of an n x n matrix, each column summed over the rows in row order.
void column_sums(const std::vector<double>& m, std::size_t n, std::vector<double>& sums) {
    const auto blocks = static_cast<std::ptrdiff_t>((n + column_block - 1) / column_block);
#pragma omp parallel for schedule(static) if (n * n >= min_pairs_for_threads)
    for (std::ptrdiff_t b = 0; b < blocks; ++b) {
        const std::size_t j0 = static_cast<std::size_t>(b) * column_block;
        const std::size_t j1 = std::min(n, j0 + column_block);
        for (std::size_t j = j0; j < j1; ++j) {
            sums[j] = 0.0;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double* row = m.data() + i * n;
            for (std::size_t j = j0; j < j1; ++j) {
                sums[j] += row[j];
            }
        }
    }
}

/// Scales every row of `m` so that it sums to `targets[i]`; rows with target 0 become 0.
void scale_rows(std::vector<double>& m, std::size_t n, std::span<const double> targets) {
    const auto rows = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for schedule(static) if (n * n >= min_pairs_for_threads)
    for (std::ptrdiff_t si = 0; si < rows; ++si) {
        const auto i = static_cast<std::size_t>(si);
        double* row = m.data() + i * n;
        double sum = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            sum += row[j];
        }
        const double factor = sum > 0.0 ? targets[i] / sum : 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            row[j] *= factor;
        }
    }
}

} // namespace

std::vector<double> trip_productions(std::span<const double> residents,
                                     const TripProductionParams& params) {
    if (!std::isfinite(params.trips_per_resident_per_day) ||
        params.trips_per_resident_per_day < 0.0) {
        throw std::invalid_argument("trip_productions: trips_per_resident_per_day must be >= 0");
    }
    require_non_negative(residents, "trip_productions: residents");
    std::vector<double> out(residents.size());
    for (std::size_t i = 0; i < residents.size(); ++i) {
        out[i] = residents[i] * params.trips_per_resident_per_day;
    }
    return out;
}

std::vector<double> destination_attractions(std::size_t zone_count,
                                            const DestinationCounts& counts,
                                            const AttractionWeights& weights) {
    const std::span<const double> kinds[] = {counts.jobs, counts.shops, counts.schools,
                                             counts.leisure};
    const double w[] = {weights.per_job, weights.per_shop, weights.per_school,
                        weights.per_leisure};
    const char* names[] = {"destination_attractions: jobs", "destination_attractions: shops",
                           "destination_attractions: schools", "destination_attractions: leisure"};
    std::vector<double> out(zone_count, 0.0);
    for (std::size_t k = 0; k < 4; ++k) {
        if (!std::isfinite(w[k]) || w[k] < 0.0) {
            throw std::invalid_argument(std::string(names[k]) + ": weight must be >= 0");
        }
        if (kinds[k].empty()) {
            continue;
        }
        require_size(kinds[k].size(), zone_count, names[k]);
        require_non_negative(kinds[k], names[k]);
        for (std::size_t z = 0; z < zone_count; ++z) {
            out[z] += w[k] * kinds[k][z];
        }
    }
    return out;
}

double deterrence(const DeterrenceParams& params, double cost) noexcept {
    return shifted_deterrence(params, cost, 0.0);
}

DistributionResult distribute_gravity(std::span<const double> productions,
                                      std::span<const double> attractions,
                                      std::span<const double> cost,
                                      const DeterrenceParams& deterrence_params,
                                      const BalancingParams& balancing) {
    const std::size_t n = productions.size();
    require_size(attractions.size(), n, "distribute_gravity: attractions");
    require_size(cost.size(), n * n, "distribute_gravity: cost matrix");
    require_non_negative(productions, "distribute_gravity: productions");
    require_non_negative(attractions, "distribute_gravity: attractions");
    validate(deterrence_params);
    if (!(balancing.tolerance_rel > 0.0) || balancing.max_iterations < 1) {
        throw std::invalid_argument(
            "distribute_gravity: tolerance_rel must be > 0 and max_iterations >= 1");
    }
    for (std::size_t k = 0; k < cost.size(); ++k) {
        if (cost[k] < 0.0) {
            throw std::invalid_argument("distribute_gravity: negative cost at pair " +
                                        std::to_string(k / n) + " -> " + std::to_string(k % n));
        }
    }

    double total_o = 0.0;
    double total_d = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        total_o += productions[i];
        total_d += attractions[i];
    }
    DistributionResult result;
    result.trips.assign(n * n, 0.0);
    if (total_o == 0.0) {
        result.converged = true;
        return result;
    }
    if (total_d == 0.0) {
        throw std::invalid_argument("distribute_gravity: productions but no attraction anywhere");
    }
    std::vector<double> dest(n);
    for (std::size_t j = 0; j < n; ++j) {
        dest[j] = attractions[j] * (total_o / total_d);
    }

    // Seed T_ij = O_i D_j f(c_ij) (row-shifted exponential, see shifted_deterrence).
    std::vector<double>& t = result.trips;
    const auto rows = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for schedule(static) if (n * n >= min_pairs_for_threads)
    for (std::ptrdiff_t si = 0; si < rows; ++si) {
        const auto i = static_cast<std::size_t>(si);
        const double* c = cost.data() + i * n;
        double shift = std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < n; ++j) {
            if (std::isfinite(c[j]) && dest[j] > 0.0) {
                shift = std::min(shift, c[j]);
            }
        }
        if (!std::isfinite(shift)) {
            shift = 0.0;
        }
        for (std::size_t j = 0; j < n; ++j) {
            t[i * n + j] = productions[i] * dest[j] * shifted_deterrence(deterrence_params, c[j],
                                                                         shift);
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (productions[i] <= 0.0) {
            continue;
        }
        double sum = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            sum += t[i * n + j];
        }
        if (!(sum > 0.0)) {
            throw std::invalid_argument("distribute_gravity: zone " + std::to_string(i) +
                                        " produces trips but reaches no attracting zone");
        }
    }

    scale_rows(t, n, productions);
    std::vector<double> sums(n);
    if (balancing.kind == BalancingKind::production_constrained) {
        result.converged = true;
        column_sums(t, n, sums);
        for (std::size_t j = 0; j < n; ++j) {
            if (dest[j] > 0.0) {
                result.max_column_error_rel =
                    std::max(result.max_column_error_rel, std::abs(sums[j] - dest[j]) / dest[j]);
            }
        }
        return result;
    }

    column_sums(t, n, sums);
    for (std::size_t j = 0; j < n; ++j) {
        if (dest[j] > 0.0 && !(sums[j] > 0.0)) {
            throw std::invalid_argument("distribute_gravity: zone " + std::to_string(j) +
                                        " attracts trips but no producing zone reaches it");
        }
    }
    std::vector<double> factors(n);
    for (int it = 1; it <= balancing.max_iterations; ++it) {
        // Column step: scale each column to its attraction.
        for (std::size_t j = 0; j < n; ++j) {
            factors[j] = sums[j] > 0.0 ? dest[j] / sums[j] : 0.0;
        }
#pragma omp parallel for schedule(static) if (n * n >= min_pairs_for_threads)
        for (std::ptrdiff_t si = 0; si < rows; ++si) {
            double* row = t.data() + static_cast<std::size_t>(si) * n;
            for (std::size_t j = 0; j < n; ++j) {
                row[j] *= factors[j];
            }
        }
        // Row step: rows back to the productions (exact up to rounding).
        scale_rows(t, n, productions);
        column_sums(t, n, sums);
        double err = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            if (dest[j] > 0.0) {
                err = std::max(err, std::abs(sums[j] - dest[j]) / dest[j]);
            }
        }
        result.iterations = it;
        result.max_column_error_rel = err;
        if (err <= balancing.tolerance_rel) {
            result.converged = true;
            break;
        }
    }
    return result;
}

double mean_trip_cost(std::span<const double> trips, std::span<const double> cost) {
    require_size(cost.size(), trips.size(), "mean_trip_cost: cost matrix");
    double num = 0.0;
    double den = 0.0;
    for (std::size_t k = 0; k < trips.size(); ++k) {
        if (std::isfinite(cost[k]) && trips[k] > 0.0) {
            num += trips[k] * cost[k];
            den += trips[k];
        }
    }
    return den > 0.0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

BetaCalibration calibrate_exponential_beta(std::span<const double> productions,
                                           std::span<const double> attractions,
                                           std::span<const double> cost, double target_mean_cost,
                                           const BalancingParams& balancing, double tolerance_rel,
                                           int max_iterations) {
    if (!(target_mean_cost > 0.0) || !std::isfinite(target_mean_cost) ||
        !(tolerance_rel > 0.0) || max_iterations < 1) {
        throw std::invalid_argument(
            "calibrate_exponential_beta: needs a positive finite target, tolerance and iterations");
    }
    DeterrenceParams p;
    p.kind = DeterrenceKind::exponential;
    int evaluations = 0;
    auto mean_at = [&](double beta) {
        p.beta_per_cost = beta;
        ++evaluations;
        const DistributionResult r =
            distribute_gravity(productions, attractions, cost, p, balancing);
        return mean_trip_cost(r.trips, cost);
    };
    // g(beta) = mean(beta) - target falls with beta; bracket the root in [lo, hi].
    double lo = 0.0;
    double g_lo = mean_at(lo) - target_mean_cost;
    if (g_lo < 0.0) {
        throw std::invalid_argument(
            "calibrate_exponential_beta: the target mean cost exceeds the mean at beta = 0 (" +
            std::to_string(g_lo + target_mean_cost) + "); no beta >= 0 reaches it");
    }
    double hi = 1.0 / target_mean_cost; // Hyman's (1969) first estimate
    double g_hi = mean_at(hi) - target_mean_cost;
    int expansions = 0;
    while (g_hi > 0.0) {
        if (++expansions > 60) {
            throw std::invalid_argument(
                "calibrate_exponential_beta: the target mean cost is below what the cost matrix "
                "allows (no beta reaches it)");
        }
        lo = hi;
        g_lo = g_hi;
        hi *= 4.0;
        g_hi = mean_at(hi) - target_mean_cost;
    }
    BetaCalibration out;
    int side = 0;
    for (int it = 0; it < max_iterations; ++it) {
        const double beta = (lo * g_hi - hi * g_lo) / (g_hi - g_lo);
        const double g = mean_at(beta) - target_mean_cost;
        out.beta_per_cost = beta;
        out.mean_cost = g + target_mean_cost;
        if (std::abs(g) <= tolerance_rel * target_mean_cost) {
            out.converged = true;
            break;
        }
        // Illinois modification: halve the weight of an end point kept twice in a row.
        if (g > 0.0) {
            lo = beta;
            g_lo = g;
            if (side == -1) {
                g_hi *= 0.5;
            }
            side = -1;
        } else {
            hi = beta;
            g_hi = g;
            if (side == 1) {
                g_lo *= 0.5;
            }
            side = 1;
        }
    }
    out.iterations = evaluations;
    return out;
}

} // namespace lauter::kernels::mobility
