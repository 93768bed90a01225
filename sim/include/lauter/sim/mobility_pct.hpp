#pragma once
/// @file mobility_pct.hpp
/// The Propensity to Cycle Tool cross-check of the mobility model (issue 6 item 5): per OD pair
/// of the zone system, the bike route's length and hilliness, the PCT Go Dutch 2020 and E-bike
/// 2020 uptake (kernels/mobility/pct.hpp) next to the model's own cycling share; per origin zone
/// and city-wide, the trip-weighted cycling share against the PCT scenario shares.
///
/// Pairs: origin != destination, trips > 0, and a bike route of finite length in (0, 30) km.
/// The 30 km bound keeps the uptake functions where they were fitted: their d^2 term makes p
/// rise again beyond about 31 km (pct.hpp). Intrazonal trips have no route and are left out, as
/// in the PCT's own OD data (the PCT routes between zone centroids).
/// Hilliness is the route-average gradient 100 (climb + descent) / length (%): the distance-
/// weighted mean of |gradient| along the route, the same for a path and its reverse
/// (mobility.md 1.3; CycleStreets av_incline). The route of each direction is its own
/// cost-shortest bike path, so the two directions of a pair may differ where one-ways or the
/// upslope penalties send them different ways.
/// The 2020 models are used: 2017 has no E-bike model (mobility.md 1.1).

#include <lauter/sim/results.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace lauter::sim {

/// Inputs of the cross-check: n x n row-major matrices (origin i, destination j at i * n + j).
struct PctInputs {
    std::size_t zone_count = 0;
    std::span<const std::string> zone_names;  ///< n
    std::span<const double> trips;            ///< all modes, trips/day
    std::span<const double> route_m;          ///< bike route length (m); +inf: no route
    std::span<const double> climb_m;          ///< ascent along the route (m)
    std::span<const double> descent_m;        ///< descent along the route (m)
    std::span<const double> baseline_cycle_trips; ///< bike + e-bike trips of the baseline split
    std::span<const double> scenario_cycle_trips; ///< bike + e-bike trips of the scenario split
};

/// Trip-weighted shares over a set of pairs (fractions; NaN where there are no trips).
struct PctShares {
    double trips = 0.0;            ///< trips/day of the pairs
    double baseline_cycle = 0.0;   ///< the model's baseline bike + e-bike share
    double scenario_cycle = 0.0;   ///< the model's scenario bike + e-bike share
    /// PCT scenario shares: per pair the uptake, never below the baseline share (pct-scripts
    /// part 3B/3C, pct_scenario_share).
    double godutch = 0.0;
    double ebike = 0.0;
};

struct PctCrossCheck {
    /// origin_zone, destination_zone, trips, bike_route_km, hilliness_pct,
    /// model_cycle_share (baseline), scenario_cycle_share, pct_godutch, pct_ebike (the uptake p).
    Table od;
    /// zone, then the PctShares of the pairs leaving each zone.
    Table zones;
    PctShares city;
};

/// The cross-check of one run. Throws std::invalid_argument on matrices of the wrong size.
[[nodiscard]] PctCrossCheck pct_cross_check(const PctInputs& in);

/// Longest route (km) a pair may have to be compared (see the file comment).
inline constexpr double pct_max_route_km = 30.0;

} // namespace lauter::sim
