#include <lauter/kernels/mobility/speed_models.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lauter::kernels::mobility {

namespace {
constexpr double kmh_per_mps = 3.6;
}

double tobler_speed_kmh(double grade, const WalkParams& params) noexcept {
    return params.tobler_max_speed_kmh * std::exp(-3.5 * std::abs(grade + 0.05));
}

BikeParams pedelec_params() noexcept {
    BikeParams p;
    p.rider_power_w = 100.0;
    p.assist_power_w = 250.0;
    p.assist_cutoff_kmh = 25.0;
    p.system_mass_kg = 110.0;
    p.cda_m2 = 0.55;
    p.crr = 0.008;
    return p;
}

double solve_power_balance_mps(double power_w, double grade, double mass_kg, double cda_m2,
                               double crr, double air_density_kg_m3) noexcept {
    const double a = 0.5 * air_density_kg_m3 * cda_m2;
    const double b = mass_kg * gravity_mps2 * (crr + grade);
    auto f = [&](double v) { return (a * v * v + b) * v - power_w; };
    // f < 0 on [0, v*] (v* = argmin for b < 0, else 0) and increasing beyond: bracket the root.
    double lo = b < 0.0 ? std::sqrt(-b / (3.0 * a)) : 0.0;
    double hi = std::max(1.0, lo);
    while (f(hi) < 0.0) {
        hi *= 2.0;
    }
    // Start from the larger of the two one-term solutions (drag-only and resistance-only).
    double v = std::clamp(b > 0.0 ? std::min(power_w / b, std::cbrt(power_w / a))
                                  : std::cbrt(power_w / a) + std::sqrt(std::max(0.0, -b / a)),
                          lo, hi);
    for (int iter = 0; iter < 100; ++iter) {
        const double fv = f(v);
        if (fv == 0.0) {
            return v;
        }
        if (fv < 0.0) {
            lo = v;
        } else {
            hi = v;
        }
        const double slope = 3.0 * a * v * v + b;
        double next = slope > 0.0 ? v - fv / slope : 0.5 * (lo + hi);
        if (!(next > lo && next < hi)) {
            next = 0.5 * (lo + hi);
        }
        if (std::abs(next - v) <= 1e-12 * std::max(1.0, v)) {
            return next;
        }
        v = next;
    }
    return v;
}

double bike_riding_speed_kmh(double grade, const BikeParams& p) noexcept {
    const double unassisted =
        kmh_per_mps * solve_power_balance_mps(p.rider_power_w, grade, p.system_mass_kg, p.cda_m2,
                                              p.crr, p.air_density_kg_m3);
    double v = unassisted;
    if (p.assist_power_w > 0.0) {
        const double assisted =
            kmh_per_mps * solve_power_balance_mps(p.rider_power_w + p.assist_power_w, grade,
                                                  p.system_mass_kg, p.cda_m2, p.crr,
                                                  p.air_density_kg_m3);
        v = assisted <= p.assist_cutoff_kmh ? assisted
                                            : std::max(p.assist_cutoff_kmh, unassisted);
    }
    return std::min(v, p.max_speed_kmh);
}

double bike_speed_kmh(double grade, const BikeParams& p) noexcept {
    const double ride = bike_riding_speed_kmh(grade, p);
    if (ride < p.push_below_kmh) {
        return p.push_factor * tobler_speed_kmh(grade);
    }
    return ride;
}

double car_speed_kmh(HighwayClass highway, double maxspeed_kmh, const CarParams& p) noexcept {
    const double limit = maxspeed_kmh > 0.0
                             ? maxspeed_kmh
                             : p.class_speed_kmh[static_cast<std::size_t>(highway)];
    return limit * p.urban_factor;
}

namespace {

double surface_cap_kmh(SurfaceClass s, const SurfaceSpeedCaps& caps) noexcept {
    switch (s) {
    case SurfaceClass::sett:
        return caps.sett_kmh;
    case SurfaceClass::cobblestone:
        return caps.cobblestone_kmh;
    case SurfaceClass::compacted:
        return caps.compacted_kmh;
    case SurfaceClass::unpaved:
        return caps.unpaved_kmh;
    case SurfaceClass::unknown:
    case SurfaceClass::paved:
        break;
    }
    return 0.0;
}

} // namespace

std::vector<float> edge_travel_times_s(const Graph& graph, const TravelProfile& profile) {
    const std::uint32_t m = graph.edge_count();
    std::vector<float> time_s(m, std::numeric_limits<float>::infinity());
    const auto modes = graph.modes();
    const auto signed_m = static_cast<std::ptrdiff_t>(m);
#pragma omp parallel
    {
        std::vector<GradePiece> pieces;
#pragma omp for schedule(static)
        for (std::ptrdiff_t ei = 0; ei < signed_m; ++ei) {
            const auto e = static_cast<EdgeId>(ei);
            const std::uint8_t bits = modes[e];
            double t = 0.0;
            switch (profile.mode) {
            case Mode::walk: {
                if ((bits & mode_bits::walk) == 0) {
                    continue;
                }
                graph.grade_profile(e, pieces);
                for (const GradePiece& p : pieces) {
                    t += static_cast<double>(p.length_m) * 3.6 /
                         tobler_speed_kmh(static_cast<double>(p.grade), profile.walk);
                }
                break;
            }
            case Mode::bike: {
                if ((bits & (mode_bits::bike | mode_bits::bike_push)) == 0) {
                    continue;
                }
                const bool push = (bits & mode_bits::bike) == 0;
                const double cap = surface_cap_kmh(graph.surface()[e], profile.surface);
                graph.grade_profile(e, pieces);
                for (const GradePiece& p : pieces) {
                    const double g = static_cast<double>(p.grade);
                    double v = push ? profile.bike.push_factor * tobler_speed_kmh(g, profile.walk)
                                    : bike_speed_kmh(g, profile.bike);
                    if (!push && cap > 0.0) {
                        v = std::min(v, std::max(cap, profile.bike.push_factor *
                                                          tobler_speed_kmh(g, profile.walk)));
                    }
                    t += static_cast<double>(p.length_m) * 3.6 / v;
                }
                break;
            }
            case Mode::car: {
                if ((bits & mode_bits::car) == 0) {
                    continue;
                }
                const double v = car_speed_kmh(graph.highway()[e],
                                               static_cast<double>(graph.maxspeed_kmh()[e]),
                                               profile.car);
                if (!(v > 0.0)) {
                    continue;
                }
                t = static_cast<double>(graph.length_m()[e]) * 3.6 / v;
                break;
            }
            }
            time_s[e] = static_cast<float>(t);
        }
    }
    return time_s;
}

} // namespace lauter::kernels::mobility
