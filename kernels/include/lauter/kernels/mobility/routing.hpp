#pragma once
/// @file routing.hpp
/// Shortest paths on the mobility Graph with per-edge weights (travel time or perceived cost,
/// one float per edge; +infinity = edge not usable).
///
/// ShortestPathQuery is Dijkstra's algorithm (Dijkstra 1959) with a 4-ary heap supporting
/// decrease-key (dary_heap.hpp), and timestamped per-node state so that a new query does not
/// clear O(n) arrays (the pattern of RoutingKit's query objects). A query object owns
/// O(node_count) scratch and is reused across queries; it is not thread-safe: use one per
/// thread. Each query is sequential; parallelism comes from independent queries (many_to_many:
/// OpenMP over origins, every row computed by exactly one thread, so results do not depend on
/// the thread count). TurnAwareQuery (turns.hpp) is the edge-based variant with turn costs.
///
/// Determinism and ties: for equal tentative distances the first relaxation wins (CSR edge order),
/// the heap breaks key ties by its own deterministic sift order; the same inputs always give the
/// same tree.

#include <lauter/kernels/mobility/dary_heap.hpp>
#include <lauter/kernels/mobility/graph.hpp>
#include <lauter/kernels/mobility/turns.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

inline constexpr double unreachable = std::numeric_limits<double>::infinity();

class ShortestPathQuery {
public:
    explicit ShortestPathQuery(const Graph& graph);

    /// Settles every node reachable from `source` under `weights` (edge_count entries).
    void one_to_all(NodeId source, std::span<const float> weights);
    /// Stops as soon as `target` is settled; returns its distance (unreachable if none).
    double to_target(NodeId source, NodeId target, std::span<const float> weights);
    /// Stops as soon as every node of `targets` is settled (or the reachable set is exhausted).
    void to_targets(NodeId source, std::span<const NodeId> targets,
                    std::span<const float> weights);

    /// Distance of `v` from the last query's source (unreachable if not settled or reached).
    [[nodiscard]] double distance(NodeId v) const noexcept {
        return state_[v].stamp == current_ ? state_[v].dist : unreachable;
    }
    /// The edge through which `v` was reached (invalid_id for the source and unreached nodes).
    [[nodiscard]] EdgeId parent_edge(NodeId v) const noexcept {
        return state_[v].stamp == current_ ? state_[v].parent : invalid_id;
    }
    /// Nodes in the order they were settled by the last query.
    [[nodiscard]] std::span<const NodeId> settled() const noexcept { return settled_; }
    /// Edges from the source to `target` in travel order (empty if unreachable or the source).
    [[nodiscard]] std::vector<EdgeId> path_to(NodeId target) const;
    /// Sums `edge_values` along the tree of the last query into `per_node` (node_count entries;
    /// only settled nodes are written; the source gets 0). One linear pass over settled().
    void tree_sums(std::span<const float> edge_values, std::span<double> per_node) const;

private:
    void start(NodeId source, std::span<const float> weights);
    /// Settles one node; returns it.
    NodeId settle_next(std::span<const float> weights);

    /// Everything a relaxation touches for one node, in one 24-byte record (one cache line
    /// access per relaxation instead of one per array).
    struct NodeState {
        double dist = unreachable;
        EdgeId parent = invalid_id;
        std::uint32_t stamp = 0;        ///< == current_: dist and parent belong to this query
        std::uint32_t heap_pos = 0;     ///< position in heap_ while queued
        std::uint32_t target_stamp = 0; ///< == current_: a target of to_targets
    };

    const Graph* graph_;
    std::vector<NodeState> state_;
    std::vector<detail::HeapItem> heap_;
    std::vector<NodeId> settled_;
    std::uint32_t current_ = 0;
};

/// A route from one node to another.
struct Route {
    bool found = false;
    std::vector<EdgeId> edges;
    std::vector<double> x_m; ///< polyline in the graph's CRS, consecutive duplicates removed
    std::vector<double> y_m;
    double cost = unreachable; ///< sum of the routing weights
    double time_s = 0.0;
    double length_m = 0.0;
    double climb_m = 0.0;
    double descent_m = 0.0;
    /// Length share of LTS 1..4 (sums to 1 for a non-empty route; empty if no LTS was given).
    std::array<double, 4> lts_share{};
};

/// Point-to-point route minimising `cost` (edge weights); `time_s` gives the reported time;
/// `lts` (may be empty) gives the stress shares.
[[nodiscard]] Route find_route(const Graph& graph, ShortestPathQuery& query, NodeId from,
                               NodeId to, std::span<const float> cost,
                               std::span<const float> time_s, std::span<const std::uint8_t> lts);
/// The same with turn costs (turns.hpp): `cost` of the route includes the turn penalties.
[[nodiscard]] Route find_route(const Graph& graph, TurnAwareQuery& query, NodeId from, NodeId to,
                               std::span<const float> cost, std::span<const float> time_s,
                               std::span<const std::uint8_t> lts, const TurnCosts& turns);

/// Origin x destination matrices along the cost-shortest paths (row-major, origins by rows).
struct OdMatrix {
    std::size_t origins = 0;
    std::size_t destinations = 0;
    std::vector<double> cost;     ///< unreachable where no path
    std::vector<double> time_s;   ///< along the cost-shortest path
    std::vector<double> length_m; ///< along the cost-shortest path
};

/// Many-to-many shortest paths, OpenMP over origins (see file comment).
[[nodiscard]] OdMatrix many_to_many(const Graph& graph, std::span<const NodeId> origins,
                                    std::span<const NodeId> destinations,
                                    std::span<const float> cost, std::span<const float> time_s);

} // namespace lauter::kernels::mobility
