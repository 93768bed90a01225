#pragma once
/// @file skims.hpp
/// Zone-to-zone level-of-service matrices along cost-shortest paths with any number of summed
/// edge attributes (time, length, climb, ...), and all-or-nothing assignment of an OD trip
/// matrix to the edges (bike volumes per edge, issue 6 item 5).
///
/// Both run one Dijkstra tree per origin (ShortestPathQuery::to_targets, routing.hpp). Sums
/// along a tree are taken in settle order (ShortestPathQuery::tree_sums), so each matrix entry is
/// computed by one thread in a fixed order. Assignment pushes the trips of one origin up its tree
/// in reverse settle order (each node hands its accumulated flow to its parent edge), which is
/// O(settled nodes) per origin instead of one path walk per OD pair (the usual all-or-nothing
/// loading of Ortuzar & Willumsen 2011, "Modelling Transport", 4th ed., section 10.2).
/// Origins run in parallel in blocks; each block's per-origin edge lists are added to the volume
/// array in origin order afterwards, so volumes are bitwise independent of the thread count.
///
/// With turn costs (turns.hpp, `turns` not null) the same code runs on the label tree of
/// TurnAwareQuery instead: the tree's items are edge labels instead of nodes, a destination's
/// item is the label that reached it, and each item loads its own edge. Without them (nullptr)
/// the node-based results are exactly those of ShortestPathQuery.

#include <lauter/kernels/mobility/graph.hpp>
#include <lauter/kernels/mobility/turns.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

struct PathSums {
    std::size_t origins = 0;
    std::size_t destinations = 0;
    std::vector<double> cost; ///< origins x destinations, row-major; +infinity where unreachable
    /// One origins x destinations matrix per array of `edge_values`: the sum along the
    /// cost-shortest path (+infinity where unreachable; 0 where origin and destination coincide).
    std::vector<std::vector<double>> sums;
};

/// Cost-shortest paths from every origin node to every destination node under `cost` (one
/// weight per edge, +infinity: not usable) and the sums of each `edge_values` array along them.
/// OpenMP over origins. `turns`: turn-aware paths (see file comment). Throws
/// std::invalid_argument on arrays of the wrong size or nodes out of range.
[[nodiscard]] PathSums path_sums(const Graph& graph, std::span<const NodeId> origins,
                                 std::span<const NodeId> destinations,
                                 std::span<const float> cost,
                                 std::span<const std::span<const float>> edge_values,
                                 const TurnCosts* turns = nullptr);

/// All-or-nothing assignment: trips[o * destinations.size() + d] (>= 0, finite) are loaded onto
/// the cost-shortest path from origins[o] to destinations[d]. Returns the volume per edge.
/// Trips of unreachable pairs are not loaded; their sum is added to `unassigned` (if given).
/// `turns`: turn-aware paths (see file comment).
/// Throws std::invalid_argument on sizes, node ids or negative / non-finite trips.
[[nodiscard]] std::vector<double> assign_all_or_nothing(const Graph& graph,
                                                        std::span<const NodeId> origins,
                                                        std::span<const NodeId> destinations,
                                                        std::span<const float> cost,
                                                        std::span<const double> trips,
                                                        double* unassigned = nullptr,
                                                        const TurnCosts* turns = nullptr);

} // namespace lauter::kernels::mobility
