#pragma once
/// @file cycling_stress.hpp
/// Level of traffic stress (LTS 1..4) per edge from OSM tags, and the perceived cost of cycling:
///
///     cost_s = time_s * (1 + beta_lts[LTS] + beta_facility[facility] + beta_slope * shares)
///              + signal penalty (at the edge's head node)
///
/// the route model recommended in mobility.md sections 0 and 4 (Broach, Dill & Gliebe 2012
/// revealed-preference terms as distance multipliers, as implemented in conveyal/r5
/// LaDotBikeCostSupplier.java). Costs are "perceived seconds"; travel time stays separate.
///
/// LTS surrogate (Conveyal analysis-ui docs/learn-more/lts.md, mobility.md section 4), first rule
/// that applies:
///   1. no cars allowed, a separated facility (track, path), residential or living street -> 1
///   2. maxspeed < 40.25 km/h (25 mph) and fewer than 4 lanes                            -> 2
///   3. unclassified or tertiary with fewer than 4 lanes, or any road with a cycle
///      facility (lane, bicycle street, shared lane) on tertiary or lower                -> 2
///   4. any other road with a cycle facility                                             -> 3
///   5. otherwise                                                                        -> 4
/// Untagged maxspeed counts as 50 km/h (German urban default), untagged lanes as 2.
///
/// Turn penalty (R5 LaDotBikeCostSupplier: +54 m for any turn, mobility.md section 4):
/// cycling_turn_penalty_s gives it per incoming edge in seconds, for the turn-aware routines
/// (turns.hpp), which add it to every left or right turn. Not modelled: R5's traffic-dependent
/// turn and crossing terms (left turn or straight across AADT 5-10 k / 10-20 k / > 20 k:
/// +78 / +81 / +424 m; right turn across > 10 k: +50 m; left turn with parallel traffic:
/// +117 / +297 m), since there are no traffic counts; intersection LTS (the maximum over
/// crossing streets).

#include <lauter/kernels/mobility/graph.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

struct CyclingStressParams {
    /// Multiplier terms by LTS 1..4: 0 / +0.4 / +1.4 / +7, by analogy with R5's AADT bins
    /// (10-20 k: +0.368, 20-30 k: +1.4, > 30 k: +7.157); mobility.md section 4 marks them as not
    /// estimated.
    std::array<double, 4> lts_term = {0.0, 0.4, 1.4, 7.0};
    /// Facility terms by CycleFacility (none, shared_lane, lane, boulevard, track, path): the
    /// bicycle-boulevard (-0.108) and off-street-path (-0.16) terms of R5 LaDotBikeCostSupplier;
    /// tracks count as off-street paths; lanes and shared lanes act through their LTS only.
    std::array<double, 6> facility_term = {0.0, 0.0, 0.0, -0.108, -0.16, -0.16};
    /// Upslope terms times the share of the edge's length in the grade bins [2, 4) %, [4, 6) %
    /// and >= 6 % (R5 LaDotBikeCostSupplier: 0.371, 1.23, 3.239).
    std::array<double, 3> upslope_term = {0.371, 1.23, 3.239};
    /// Traffic-signal penalty, metres of equivalent riding (R5: 27 m), converted to seconds at
    /// the edge's mean speed.
    double signal_penalty_m = 27.0;
    /// Penalty per left or right turn, metres of equivalent riding (R5: 54 m), converted to
    /// seconds at the incoming edge's mean speed; 0 switches turn costs off.
    double turn_penalty_m = 54.0;
};

/// A penalty in metres of equivalent riding as seconds on an edge ridden in `time_s` over
/// `length_m` (at the edge's mean speed, as R5 converts its metre penalties); 0 on edges with
/// no riding time.
[[nodiscard]] inline double penalty_seconds(double penalty_m, double time_s,
                                            double length_m) noexcept {
    return time_s > 0.0 ? penalty_m * time_s / length_m : 0.0;
}

/// LTS 1..4 of every edge (rules in the file comment).
[[nodiscard]] std::vector<std::uint8_t> level_of_traffic_stress(const Graph& graph);

/// LTS of one edge from its attributes.
[[nodiscard]] std::uint8_t edge_lts(HighwayClass highway, std::uint8_t modes,
                                    CycleFacility facility, double maxspeed_kmh,
                                    std::uint8_t lanes) noexcept;

/// Perceived cycling cost (s) per edge from travel times (edge_travel_times_s, bike profile) and
/// LTS; +infinity where the time is infinite. OpenMP over edges; thread-count independent.
[[nodiscard]] std::vector<float> cycling_perceived_cost_s(const Graph& graph,
                                                          std::span<const float> time_s,
                                                          std::span<const std::uint8_t> lts,
                                                          const CyclingStressParams& params = {});

/// Turn penalty (s) per edge for the turn-aware routines (turns.hpp TurnCosts::penalty_s):
/// params.turn_penalty_m at the edge's mean speed (penalty_seconds); 0 where the time is not
/// finite (the edge is not usable anyway). OpenMP over edges; thread-count independent.
[[nodiscard]] std::vector<float> cycling_turn_penalty_s(const Graph& graph,
                                                        std::span<const float> time_s,
                                                        const CyclingStressParams& params = {});

} // namespace lauter::kernels::mobility
