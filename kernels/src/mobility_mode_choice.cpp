#include <lauter/kernels/mobility/mode_choice.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::kernels::mobility {

namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();
constexpr std::size_t walk = static_cast<std::size_t>(ChoiceMode::walk);
constexpr std::size_t bike = static_cast<std::size_t>(ChoiceMode::bike);
constexpr std::size_t ebike = static_cast<std::size_t>(ChoiceMode::ebike);
constexpr std::size_t bus = static_cast<std::size_t>(ChoiceMode::bus);
constexpr std::size_t car = static_cast<std::size_t>(ChoiceMode::car);

void require_size(std::span<const double> s, std::size_t expected, const char* what,
                  bool may_be_empty) {
    if ((may_be_empty && s.empty()) || s.size() == expected) {
        return;
    }
    throw std::invalid_argument(std::string(what) + ": expected " + std::to_string(expected) +
                                " entries, got " + std::to_string(s.size()));
}

bool all_finite(std::initializer_list<double> values) noexcept {
    for (double v : values) {
        if (!std::isfinite(v)) {
            return false;
        }
    }
    return true;
}

/// Per-row partial sums: trips by mode and person-km by mode of one origin row.
struct RowSums {
    ModeArray trips{};
    ModeArray person_km{};
    double total = 0.0;
};

/// Fills the split's per-pair outputs of row i from the probabilities already in split.probability
/// and returns the row's partial sums.
RowSums finish_row(ModeSplit& split, std::size_t i, std::span<const double> trips,
                   std::span<const double> distance_km) {
    const std::size_t n = split.zone_count;
    RowSums r;
    for (std::size_t j = 0; j < n; ++j) {
        const std::size_t od = i * n + j;
        const double t = trips[od];
        const double d = distance_km.empty() ? 0.0 : distance_km[od];
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            const double tk = t * split.probability[od * choice_mode_count + k];
            split.mode_trips[k * n * n + od] = tk;
            r.trips[k] += tk;
            if (tk > 0.0 && std::isfinite(d)) {
                r.person_km[k] += tk * d;
            }
        }
        r.total += t;
    }
    for (std::size_t k = 0; k < choice_mode_count; ++k) {
        split.zone_shares[i * choice_mode_count + k] =
            r.total > 0.0 ? r.trips[k] / r.total : std::numeric_limits<double>::quiet_NaN();
    }
    return r;
}

/// City-wide totals from the per-row partials, added in row order.
void reduce_rows(ModeSplit& split, const std::vector<RowSums>& rows) {
    ModeArray mode_trips{};
    split.person_km = {};
    split.total_trips = 0.0;
    for (const RowSums& r : rows) {
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            mode_trips[k] += r.trips[k];
            split.person_km[k] += r.person_km[k];
        }
        split.total_trips += r.total;
    }
    for (std::size_t k = 0; k < choice_mode_count; ++k) {
        split.city_shares[k] = split.total_trips > 0.0 ? mode_trips[k] / split.total_trips
                                                       : std::numeric_limits<double>::quiet_NaN();
    }
}

ModeSplit make_split(std::size_t n) {
    ModeSplit s;
    s.zone_count = n;
    s.probability.assign(n * n * choice_mode_count, 0.0);
    s.mode_trips.assign(choice_mode_count * n * n, 0.0);
    s.zone_shares.assign(n * choice_mode_count, 0.0);
    return s;
}

/// Trip-weighted city-wide shares of the logit over v0 + asc, per-row partials added in row
/// order. Pairs without any mode are skipped (the full split of calibrate_asc reports them).
ModeArray shares_with_asc(const std::vector<double>& v0, const ModeArray& asc,
                          std::span<const double> trips, std::size_t n) {
    std::vector<ModeArray> row_trips(n);
    const auto nrows = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t si = 0; si < nrows; ++si) {
        const auto i = static_cast<std::size_t>(si);
        ModeArray acc{};
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t od = i * n + j;
            const double t = trips[od];
            if (!(t > 0.0)) {
                continue;
            }
            ModeArray u{};
            double vmax = neg_inf;
            for (std::size_t k = 0; k < choice_mode_count; ++k) {
                u[k] = v0[od * choice_mode_count + k] + asc[k];
                vmax = std::max(vmax, u[k]);
            }
            if (vmax == neg_inf || std::isnan(vmax)) {
                continue;
            }
            double sum = 0.0;
            for (std::size_t k = 0; k < choice_mode_count; ++k) {
                u[k] = u[k] == neg_inf ? 0.0 : std::exp(u[k] - vmax);
                sum += u[k];
            }
            for (std::size_t k = 0; k < choice_mode_count; ++k) {
                acc[k] += t * (u[k] / sum);
            }
        }
        row_trips[i] = acc;
    }
    ModeArray total{};
    double all = 0.0;
    for (const ModeArray& r : row_trips) {
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            total[k] += r[k];
            all += r[k];
        }
    }
    for (double& s : total) {
        s = all > 0.0 ? s / all : std::numeric_limits<double>::quiet_NaN();
    }
    return total;
}

[[noreturn]] void throw_no_mode(std::size_t i, std::size_t j) {
    throw std::invalid_argument("mode choice: OD pair " + std::to_string(i) + " -> " +
                                std::to_string(j) + " has trips but no mode is offered");
}

} // namespace

std::string_view mode_name(ChoiceMode mode) noexcept {
    switch (mode) {
    case ChoiceMode::walk:
        return "walk";
    case ChoiceMode::bike:
        return "bike";
    case ChoiceMode::ebike:
        return "ebike";
    case ChoiceMode::bus:
        return "bus";
    case ChoiceMode::car:
        return "car";
    }
    return "unknown";
}

ModeArray kaiserslautern_2023_shares(double ebike_share_of_bike) {
    if (!(ebike_share_of_bike >= 0.0 && ebike_share_of_bike <= 1.0)) {
        throw std::invalid_argument("kaiserslautern_2023_shares: e-bike share must be in [0, 1]");
    }
    // SrV 2023 percentages (mobility.md 5); they add up to 100.1 from rounding, so normalise.
    const double walk_pct = 33.3;
    const double bike_pct = 8.3;
    const double bus_pct = 8.5;
    const double car_pct = 50.0;
    const double sum = walk_pct + bike_pct + bus_pct + car_pct;
    ModeArray s{};
    s[walk] = walk_pct / sum;
    s[bike] = bike_pct * (1.0 - ebike_share_of_bike) / sum;
    s[ebike] = bike_pct * ebike_share_of_bike / sum;
    s[bus] = bus_pct / sum;
    s[car] = car_pct / sum;
    return s;
}

std::vector<double> mode_utilities(const ModeSkims& skims, const ModeChoiceParams& p) {
    const std::size_t n = skims.zone_count;
    const std::size_t nn = n * n;
    require_size(skims.walk_time_min, nn, "mode_utilities: walk_time_min", false);
    require_size(skims.bike_time_min, nn, "mode_utilities: bike_time_min", false);
    require_size(skims.bike_climb_m, nn, "mode_utilities: bike_climb_m", false);
    require_size(skims.ebike_time_min, nn, "mode_utilities: ebike_time_min", false);
    require_size(skims.ebike_climb_m, nn, "mode_utilities: ebike_climb_m", false);
    require_size(skims.bus_in_vehicle_min, nn, "mode_utilities: bus_in_vehicle_min", false);
    require_size(skims.bus_headway_min, nn, "mode_utilities: bus_headway_min", false);
    require_size(skims.bus_access_min, nn, "mode_utilities: bus_access_min", false);
    require_size(skims.car_time_min, nn, "mode_utilities: car_time_min", false);
    require_size(skims.car_distance_km, nn, "mode_utilities: car_distance_km", false);
    require_size(skims.parking_search_min, n, "mode_utilities: parking_search_min", true);
    require_size(skims.ebike_share, n, "mode_utilities: ebike_share", true);

    std::vector<double> v(nn * choice_mode_count);
    const auto rows = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t si = 0; si < rows; ++si) {
        const auto i = static_cast<std::size_t>(si);
        const double share_e = skims.ebike_share.empty() ? 1.0 : skims.ebike_share[i];
        const double ln_share_e = share_e > 0.0 ? std::log(std::min(share_e, 1.0)) : neg_inf;
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t od = i * n + j;
            double* u = v.data() + od * choice_mode_count;
            const double tw = skims.walk_time_min[od];
            u[walk] = std::isfinite(tw) ? p.asc[walk] + p.time_util_per_min * tw : neg_inf;

            const double tb = skims.bike_time_min[od];
            const double hb = skims.bike_climb_m[od];
            u[bike] = all_finite({tb, hb})
                          ? p.asc[bike] + p.time_util_per_min * (tb + p.climb_min_per_m * hb)
                          : neg_inf;

            const double te = skims.ebike_time_min[od];
            const double he = skims.ebike_climb_m[od];
            u[ebike] = all_finite({te, he}) && share_e > 0.0
                           ? p.asc[ebike] +
                                 p.time_util_per_min *
                                     (te + p.ebike_climb_factor * p.climb_min_per_m * he) +
                                 ln_share_e
                           : neg_inf;

            const double ivt = skims.bus_in_vehicle_min[od];
            const double hw = skims.bus_headway_min[od];
            const double acc = skims.bus_access_min[od];
            u[bus] = all_finite({ivt, hw, acc})
                         ? p.asc[bus] + p.time_util_per_min * (ivt + 0.5 * hw + acc) +
                               p.money_util_per_eur * (-p.bus_fare_eur)
                         : neg_inf;

            const double tc = skims.car_time_min[od];
            const double dc = skims.car_distance_km[od];
            const double park = skims.parking_search_min.empty() ? 0.0
                                                                 : skims.parking_search_min[j];
            u[car] = all_finite({tc, dc, park})
                         ? p.asc[car] + p.time_util_per_min * (tc + park) +
                               p.money_util_per_eur * (-p.car_cost_eur_per_km * dc)
                         : neg_inf;
        }
    }
    return v;
}

namespace {

/// Fills the mode probabilities of every OD pair in parallel with `probabilities(od, p)`, which
/// returns false when no mode is available for the pair (p is then left at 0), and sums the rows.
/// A pair with trips but no available mode is an error (the first such pair is named), so the
/// result does not depend on the thread count.
template <typename PairProbabilities>
ModeSplit split_pairs(std::size_t n, std::span<const double> trips,
                      std::span<const double> distance_km, PairProbabilities&& probabilities) {
    ModeSplit split = make_split(n);
    std::vector<RowSums> rows(n);
    bool failed = false;
    std::size_t failed_od = 0;
    const auto nrows = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t si = 0; si < nrows; ++si) {
        const auto i = static_cast<std::size_t>(si);
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t od = i * n + j;
            double* p = split.probability.data() + od * choice_mode_count;
            if (!probabilities(od, p)) {
                std::fill(p, p + choice_mode_count, 0.0);
                if (trips[od] > 0.0) {
#pragma omp critical(lauter_mode_choice_failure)
                    {
                        if (!failed || od < failed_od) {
                            failed = true;
                            failed_od = od;
                        }
                    }
                }
            }
        }
        rows[i] = finish_row(split, i, trips, distance_km);
    }
    if (failed) {
        throw_no_mode(failed_od / n, failed_od % n);
    }
    reduce_rows(split, rows);
    return split;
}

} // namespace

ModeSplit split_by_logit(std::span<const double> utilities, std::span<const double> trips,
                         std::size_t n, std::span<const double> distance_km) {
    require_size(utilities, n * n * choice_mode_count, "split_by_logit: utilities", false);
    require_size(trips, n * n, "split_by_logit: trips", false);
    require_size(distance_km, n * n, "split_by_logit: distance_km", true);
    return split_pairs(n, trips, distance_km, [&](std::size_t od, double* p) {
        const double* u = utilities.data() + od * choice_mode_count;
        double vmax = neg_inf;
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            vmax = std::max(vmax, u[k]);
        }
        if (vmax == neg_inf || std::isnan(vmax)) {
            return false;
        }
        double sum = 0.0;
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            p[k] = u[k] == neg_inf ? 0.0 : std::exp(u[k] - vmax);
            sum += p[k];
        }
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            p[k] /= sum;
        }
        return true;
    });
}

CalibrationResult calibrate_asc(const ModeSkims& skims, ModeChoiceParams params,
                                std::span<const double> trips, const ModeArray& target_shares,
                                const CalibrationParams& calibration,
                                std::span<const double> distance_km) {
    double sum = 0.0;
    for (double s : target_shares) {
        if (!(s >= 0.0 && s <= 1.0)) {
            throw std::invalid_argument("calibrate_asc: target shares must lie in [0, 1]");
        }
        sum += s;
    }
    if (std::abs(sum - 1.0) > 1e-9) {
        throw std::invalid_argument("calibrate_asc: target shares must sum to 1 (they sum to " +
                                    std::to_string(sum) + ")");
    }
    if (!(calibration.tolerance > 0.0) || calibration.max_iterations < 1) {
        throw std::invalid_argument("calibrate_asc: tolerance must be > 0, iterations >= 1");
    }
    // The iterations only need the city-wide shares: utilities without ASCs are computed once,
    // and each iteration adds the ASCs and sums the shares (no per-pair outputs). The result
    // is then split once in full with mode_utilities at the final ASCs, so that it equals what
    // a caller gets from mode_utilities + split_by_logit with CalibrationResult::asc.
    const std::size_t n = skims.zone_count;
    require_size(trips, n * n, "calibrate_asc: trips", false);
    ModeChoiceParams no_asc = params;
    no_asc.asc = {};
    const std::vector<double> v0 = mode_utilities(skims, no_asc);
    CalibrationResult result;
    int it = 0;
    for (;; ++it) {
        const ModeArray model = shares_with_asc(v0, params.asc, trips, n);
        double err = 0.0;
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            err = std::max(err, std::abs(model[k] - target_shares[k]));
        }
        if (err <= calibration.tolerance || it >= calibration.max_iterations) {
            break;
        }
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            if (target_shares[k] > 0.0 && !(model[k] > 0.0)) {
                throw std::invalid_argument("calibrate_asc: mode " +
                                            std::string(mode_name(static_cast<ChoiceMode>(k))) +
                                            " has a target share but is offered on no pair");
            }
            if (target_shares[k] == 0.0) {
                params.asc[k] = neg_inf;
            } else {
                params.asc[k] += std::log(target_shares[k] / model[k]);
            }
        }
        // Hold ASC_walk at 0: only differences of utilities matter.
        const double ref = std::isfinite(params.asc[walk]) ? params.asc[walk] : 0.0;
        for (double& a : params.asc) {
            a -= ref;
        }
    }
    result.split = split_by_logit(mode_utilities(skims, params), trips, n, distance_km);
    result.asc = params.asc;
    result.iterations = it;
    result.max_abs_error = 0.0;
    for (std::size_t k = 0; k < choice_mode_count; ++k) {
        result.max_abs_error = std::max(
            result.max_abs_error, std::abs(result.split.city_shares[k] - target_shares[k]));
    }
    result.converged = result.max_abs_error <= calibration.tolerance;
    return result;
}

std::vector<double> utility_change(std::span<const double> baseline_utilities,
                                   std::span<const double> scenario_utilities) {
    require_size(scenario_utilities, baseline_utilities.size(),
                 "utility_change: scenario utilities", false);
    std::vector<double> dv(baseline_utilities.size());
    for (std::size_t k = 0; k < dv.size(); ++k) {
        const double b = baseline_utilities[k];
        const double s = scenario_utilities[k];
        if (s == neg_inf) {
            dv[k] = b == neg_inf ? 0.0 : neg_inf;
        } else if (b == neg_inf) {
            dv[k] = 0.0;
        } else {
            dv[k] = s - b;
        }
    }
    return dv;
}

ModeSplit pivot_split(const ModeSplit& baseline, std::span<const double> delta_v,
                      std::span<const double> trips, std::span<const double> distance_km) {
    const std::size_t n = baseline.zone_count;
    require_size(delta_v, n * n * choice_mode_count, "pivot_split: delta_v", false);
    require_size(trips, n * n, "pivot_split: trips", false);
    require_size(distance_km, n * n, "pivot_split: distance_km", true);
    return split_pairs(n, trips, distance_km, [&](std::size_t od, double* p) {
        const double* p0 = baseline.probability.data() + od * choice_mode_count;
        const double* dv = delta_v.data() + od * choice_mode_count;
        bool unchanged = true;
        double dmax = neg_inf;
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            unchanged = unchanged && dv[k] == 0.0;
            if (p0[k] > 0.0) {
                dmax = std::max(dmax, dv[k]);
            }
        }
        if (unchanged) {
            std::copy(p0, p0 + choice_mode_count, p);
            return true;
        }
        if (dmax == neg_inf || std::isnan(dmax)) {
            return false;
        }
        // exp(dV - max dV) keeps the weights in (0, 1]; the common factor cancels.
        double sum = 0.0;
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            p[k] = p0[k] > 0.0 && dv[k] != neg_inf ? p0[k] * std::exp(dv[k] - dmax) : 0.0;
            sum += p[k];
        }
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            p[k] /= sum;
        }
        return true;
    });
}

CarChange car_change(const ModeSplit& baseline, const ModeSplit& scenario,
                     const CarEmissionParams& params) {
    if (!(params.occupancy_persons > 0.0) || !(params.co2_g_per_person_km >= 0.0)) {
        throw std::invalid_argument("car_change: occupancy must be > 0, emission factor >= 0");
    }
    CarChange c;
    c.car_person_km = scenario.person_km[car] - baseline.person_km[car];
    c.car_vehicle_km = c.car_person_km / params.occupancy_persons;
    c.co2_kg = c.car_person_km * params.co2_g_per_person_km * 1e-3;
    return c;
}

} // namespace lauter::kernels::mobility
