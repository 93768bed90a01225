#pragma once
/// @file accessibility.hpp
/// Resident-weighted accessibility indicators (issue 6 item 6; mobility.md section 6): the share
/// of residents within a network distance or time of the nearest destination of a kind, city-wide
/// and per zone, and the multi-source Dijkstra that gives every node its nearest destination.
///
/// Graph: a generic adjacency in CSR form (RoutingKit's first_out / head layout, mobility.md 6
/// and style.md A4): the arcs of node u are offsets[u] .. offsets[u + 1] - 1, arc a leads to
/// targets[a] with non-negative weight weights[a] (metres, minutes: whatever the indicator
/// measures). The search runs from the destinations outwards along the arcs, so it yields the
/// cost destination -> node; for a directed graph pass the reversed arcs to get node ->
/// destination. Walking networks are usually symmetric.
///
/// Origins (buildings, grid cells, address points) are snapped by the caller to a node with an
/// access cost (e.g. the straight-line metres from the building to the node, 0 if unknown).
/// An origin is covered by an indicator when access cost + network cost <= threshold.
///
/// Indicators and thresholds (mobility.md 6, "Indicator definitions for the project"):
///   - stop within 300 m and 400 m network distance, by headway class <= 10 / <= 20 / <= 40 /
///     <= 60 min (GOAT / ARE 2022 headway bins; a stop counts for its class and every looser
///     one);
///   - grocery within 1000 m; public green space within 250 m and 1 km;
///   - within 20 min walk of the centre (walking time on the network, e.g. Tobler speeds).
///
/// Multi-source Dijkstra (Dijkstra 1959, all sources at their start cost in the initial queue),
/// binary heap with lazy deletion, ordered by (cost, node id) so ties settle in a fixed order.
/// A search may be bounded by max_cost: nodes beyond it keep infinite cost. Complexity
/// O((V + E) log V) for the nodes reached.
///
/// Threading: NearestDestinationQuery holds its scratch and is used by one thread at a time
/// (one per thread, reused across searches). stop_catchments runs its headway classes in an
/// OpenMP loop, one query per class; all results are independent of the thread count.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace lauter::kernels::mobility {

inline constexpr std::uint32_t invalid_index = std::numeric_limits<std::uint32_t>::max();

/// Non-owning CSR adjacency.
struct CsrGraph {
    std::span<const std::uint32_t> offsets; ///< node_count + 1 entries, offsets[0] = 0
    std::span<const std::uint32_t> targets; ///< one per arc, < node_count
    std::span<const double> weights;        ///< one per arc, finite and >= 0

    [[nodiscard]] std::size_t node_count() const noexcept {
        return offsets.empty() ? 0 : offsets.size() - 1;
    }
};

/// Throws std::invalid_argument naming the first violated CSR invariant.
void validate_csr(const CsrGraph& graph);

/// Reusable multi-source Dijkstra: cost from the nearest source to every node.
class NearestDestinationQuery {
public:
    NearestDestinationQuery() = default;

    /// Runs the search. `source_costs` (same size as `source_nodes`, or empty for 0) is the
    /// start cost of each source; `max_cost` bounds the search (infinity: unbounded). The graph
    /// is validated on its first use (validate_csr); later runs on the same arrays skip it.
    /// Throws std::invalid_argument for an invalid graph, a source node out of range or a
    /// negative / non-finite start cost.
    void run(const CsrGraph& graph, std::span<const std::uint32_t> source_nodes,
             std::span<const double> source_costs = {},
             double max_cost = std::numeric_limits<double>::infinity());

    /// Cost of each node (infinity where not reached within max_cost), node_count entries.
    [[nodiscard]] std::span<const double> costs() const noexcept { return cost_; }
    /// Index into source_nodes of the nearest source of each node (invalid_index if none).
    [[nodiscard]] std::span<const std::uint32_t> nearest_source() const noexcept {
        return source_;
    }
    /// Nodes settled by the last run.
    [[nodiscard]] std::size_t settled_count() const noexcept { return settled_; }

private:
    std::vector<double> cost_;
    std::vector<std::uint32_t> source_;
    std::vector<std::uint32_t> touched_; ///< nodes whose entries the last run changed
    std::vector<std::pair<double, std::uint32_t>> heap_;
    std::size_t settled_ = 0;
    const std::uint32_t* validated_offsets_ = nullptr;
    const std::uint32_t* validated_targets_ = nullptr;
    const double* validated_weights_ = nullptr;
    std::size_t validated_nodes_ = 0;
    std::size_t validated_arcs_ = 0;
};

/// The origins of an accessibility table: one entry per origin in node, residents and (if not
/// empty) access_cost and zone.
struct OriginSet {
    std::span<const std::uint32_t> node;    ///< graph node each origin is snapped to
    std::span<const double> access_cost;    ///< origin -> node cost (empty: 0)
    std::span<const double> residents;      ///< residents of each origin (>= 0)
    std::span<const std::uint32_t> zone;    ///< zone of each origin (< zone_count; empty: none)
    std::size_t zone_count = 0;
};

/// Residents of an area and those covered by an indicator.
struct ResidentCoverage {
    double residents = 0.0;
    double covered = 0.0;
    /// covered / residents; NaN for an area without residents.
    [[nodiscard]] double share() const noexcept {
        return residents > 0.0 ? covered / residents : std::numeric_limits<double>::quiet_NaN();
    }
};

struct CoverageTable {
    ResidentCoverage city;
    std::vector<ResidentCoverage> zones; ///< zone_count entries (empty without zones)
};

/// Cost of each origin to its nearest source: access cost + node cost (infinity if the node was
/// not reached). Throws std::invalid_argument on size mismatches or nodes out of range.
[[nodiscard]] std::vector<double> origin_costs(std::span<const double> node_costs,
                                               const OriginSet& origins);

/// Residents whose `origin_cost` is <= `threshold`, city-wide and per zone. Sums run in origin
/// order. Throws std::invalid_argument on size mismatches, zones out of range or negative /
/// non-finite residents.
[[nodiscard]] CoverageTable coverage_within(std::span<const double> origin_cost,
                                            const OriginSet& origins, double threshold);

/// One search from `destination_nodes` bounded at the largest threshold, then one table per
/// threshold (in the order given).
[[nodiscard]] std::vector<CoverageTable> residents_within(
    const CsrGraph& graph, std::span<const std::uint32_t> destination_nodes,
    const OriginSet& origins, std::span<const double> thresholds);

/// Stop catchments by headway class (mobility.md 6; GOAT / ARE 2022 headway bins).
struct StopCatchmentParams {
    std::array<double, 4> headway_class_max_min = {10.0, 20.0, 40.0, 60.0};
    std::array<double, 2> radius_m = {300.0, 400.0}; ///< network distance to the stop
};

struct StopCatchmentTable {
    /// tables[c][r]: residents within radius_m[r] of a stop with headway <= class c.
    std::array<std::array<CoverageTable, 2>, 4> tables;
};

/// `graph` weights in metres. `stop_headway_min` has one entry per stop (peak-hour headway;
/// non-finite or <= 0: the stop is in no class).
[[nodiscard]] StopCatchmentTable stop_catchments(const CsrGraph& graph,
                                                 std::span<const std::uint32_t> stop_nodes,
                                                 std::span<const double> stop_headway_min,
                                                 const OriginSet& origins,
                                                 const StopCatchmentParams& params = {});

/// Thresholds of the non-transit indicators (mobility.md 6).
struct AccessibilityThresholds {
    double grocery_m = 1000.0;
    double green_near_m = 250.0;
    double green_far_m = 1000.0;
    double centre_walk_min = 20.0;
};

struct AccessibilityTables {
    CoverageTable grocery;    ///< within grocery_m of a grocery store
    CoverageTable green_near; ///< within green_near_m of public green space
    CoverageTable green_far;  ///< within green_far_m of public green space
    CoverageTable centre;     ///< within centre_walk_min walk of the centre
};

/// The grocery, green-space and centre indicators. `distance_graph_m` has weights in metres,
/// `walk_graph_min` the same topology (or any other) with walking times in minutes; the
/// origins' access_cost is taken as metres for the distance indicators and divided by
/// `access_speed_m_per_min` for the centre (default 1.23 m/s = 73.8 m/min, MATSim Berlin v6.4
/// walk speed, mobility.md 5).
[[nodiscard]] AccessibilityTables accessibility_tables(
    const CsrGraph& distance_graph_m, const CsrGraph& walk_graph_min,
    std::span<const std::uint32_t> grocery_nodes, std::span<const std::uint32_t> green_nodes,
    std::span<const std::uint32_t> centre_nodes, const OriginSet& origins,
    const AccessibilityThresholds& thresholds = {}, double access_speed_m_per_min = 73.8);

} // namespace lauter::kernels::mobility
