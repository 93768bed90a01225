#pragma once
/// @file turns.hpp
/// Turn-aware (edge-based) shortest paths: turn classification from the edge geometry and a
/// Dijkstra query whose labels sit on edges, so that the cost of a path can depend on each pair
/// (incoming edge e, outgoing edge f) at a junction (issue 6 item 3, turn penalties for cycling).
///
/// Classification (TurnGeometry::classify), right-hand traffic:
/// - the deflection is the change of compass bearing from the last piece of e's polyline to the
///   first piece of f's polyline, wrapped to (-180, 180] degrees, clockwise positive;
/// - |deflection| < 27 degrees is straight on (the threshold of conveyal/r5
///   TurnCostCalculator), otherwise a right (positive) or left (negative) turn;
/// - f being e's twin (the other direction of the same segment) is a U-turn whatever the
///   angle. U-turns are forbidden except at a dead end, i.e. when the twin is the only usable
///   (finite-weight) out-edge at e's head; there the U-turn costs nothing beyond f's weight.
/// An edge whose polyline has zero length has no bearing: turns onto or off it count as straight.
///
/// Costs: a transition e -> f costs weight[f], plus TurnCosts::penalty_s[e] if it is a left or
/// right turn (the penalty of the incoming edge, so it can be converted at that edge's speed the
/// way the signal penalty at its head node is, cycling_stress.hpp).
///
/// TurnAwareQuery is Dijkstra's algorithm on the line graph (edge-based routing: Caldwell 1961,
/// "On finding minimum routes in a network with turn penalties", Comm. ACM 4(2); Winter 2002,
/// "Modeling costs of turns in route planning", GeoInformatica 6(4)) without building it: a
/// label per edge holds the cost of reaching that edge's head by traversing it. The source
/// node has distance 0 and seeds each usable out-edge f with weight[f]; a node's distance is the
/// smallest of its settled incoming labels, i.e. the label that settled first. The same 4-ary
/// heap (dary_heap.hpp) and timestamped state as ShortestPathQuery (routing.hpp) make the query
/// object reusable without O(edge_count) clearing; one per thread. Ties: first relaxation wins
/// in CSR edge order, so results are deterministic and independent of the thread count.

#include <lauter/kernels/mobility/dary_heap.hpp>
#include <lauter/kernels/mobility/graph.hpp>

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

enum class TurnKind : std::uint8_t { straight, right, left, u_turn };

/// Largest deflection still counted as straight on (conveyal/r5 TurnCostCalculator: 27 degrees).
inline constexpr double straight_max_deflection_deg = 27.0;

/// Per edge: compass bearing (radians, clockwise from grid north, in (-pi, pi]) of its first
/// and last polyline piece in the direction of travel, and its twin (the other direction of the
/// same segment, invalid_id if the segment is one-way). Built once per graph; immutable.
class TurnGeometry {
public:
    explicit TurnGeometry(const Graph& graph);

    [[nodiscard]] std::span<const float> entry_bearing_rad() const noexcept {
        return entry_bearing_rad_;
    }
    [[nodiscard]] std::span<const float> exit_bearing_rad() const noexcept {
        return exit_bearing_rad_;
    }
    [[nodiscard]] std::span<const EdgeId> twin() const noexcept { return twin_; }

    /// Deflection (radians, clockwise positive, in (-pi, pi]) from leaving `in` to entering
    /// `out`; NaN if either edge has no bearing.
    [[nodiscard]] double deflection_rad(EdgeId in, EdgeId out) const noexcept;
    /// The kind of the transition in -> out (`out` must leave the head of `in`).
    [[nodiscard]] TurnKind classify(EdgeId in, EdgeId out) const noexcept;
    /// True for a left or right turn (a penalised transition).
    [[nodiscard]] bool is_turn(EdgeId in, EdgeId out) const noexcept;

private:
    std::vector<float> entry_bearing_rad_;
    std::vector<float> exit_bearing_rad_;
    std::vector<EdgeId> twin_;
};

/// Turn costs handed to the turn-aware routines: the graph's geometry and, per incoming edge,
/// the seconds added to every left or right turn at its head (edge_count entries, >= 0).
struct TurnCosts {
    const TurnGeometry* geometry = nullptr;
    std::span<const float> penalty_s;
};

class TurnAwareQuery {
public:
    explicit TurnAwareQuery(const Graph& graph);

    /// Settles every edge label reachable from `source`.
    void one_to_all(NodeId source, std::span<const float> weights, const TurnCosts& turns);
    /// Stops as soon as `target` is reached by a settled label; returns its distance.
    double to_target(NodeId source, NodeId target, std::span<const float> weights,
                     const TurnCosts& turns);
    /// Stops as soon as every node of `targets` is reached (or the reachable set is exhausted).
    void to_targets(NodeId source, std::span<const NodeId> targets,
                    std::span<const float> weights, const TurnCosts& turns);

    /// Distance of node `v` from the last query's source (0 at the source; unreachable if no
    /// incoming label of v was settled).
    [[nodiscard]] double distance(NodeId v) const noexcept;
    /// The settled label (edge) that gave `v` its distance; invalid_id for the source and for
    /// unreached nodes.
    [[nodiscard]] EdgeId node_label(NodeId v) const noexcept {
        return nodes_[v].stamp == current_ ? nodes_[v].label : invalid_id;
    }
    /// The label preceding edge label `e` on its path (invalid_id if e leaves the source or was
    /// not reached).
    [[nodiscard]] EdgeId parent_label(EdgeId e) const noexcept {
        return labels_[e].stamp == current_ ? labels_[e].parent : invalid_id;
    }
    /// Edge labels in the order they were settled by the last query.
    [[nodiscard]] std::span<const EdgeId> settled() const noexcept { return settled_; }
    /// Edges from the source to `target` in travel order (empty if unreachable or the source).
    [[nodiscard]] std::vector<EdgeId> path_to(NodeId target) const;
    /// Sums `edge_values` along the label tree of the last query into `per_node` (node_count
    /// entries; only reached nodes are written; the source gets 0). One pass over settled(),
    /// using the query's own per-label scratch.
    void tree_sums(std::span<const float> edge_values, std::span<double> per_node);

private:
    void start(NodeId source, std::span<const float> weights, const TurnCosts& turns);
    /// Settles one label; returns the node it reached first (invalid_id if that node already
    /// had a distance).
    NodeId settle_next(std::span<const float> weights, const TurnCosts& turns);
    void relax(EdgeId f, double nd, EdgeId parent);

    /// 16 bytes; the heap positions live in their own compact array (heap_pos_), since the
    /// sift loops touch only them (measured on Kaiserslautern: about 10 % faster than one
    /// 24-byte record with the position inside).
    struct LabelState {
        double dist = std::numeric_limits<double>::infinity();
        EdgeId parent = invalid_id;
        std::uint32_t stamp = 0; ///< == current_: dist and parent belong to this query
    };
    struct NodeState {
        std::uint32_t stamp = 0;        ///< == current_: reached (label or source) this query
        EdgeId label = invalid_id;      ///< the settled label that reached it first
        std::uint32_t target_stamp = 0; ///< == current_: a target of to_targets
    };

    const Graph* graph_;
    std::vector<LabelState> labels_;
    std::vector<std::uint32_t> heap_pos_; ///< per label: position in heap_ while queued
    std::vector<NodeState> nodes_;
    std::vector<detail::HeapItem> heap_;
    std::vector<EdgeId> settled_;
    std::vector<NodeId> reached_nodes_; ///< nodes in the order they got their distance
    std::vector<double> label_sum_;     ///< tree_sums scratch, per edge
    NodeId source_ = invalid_id;
    std::uint32_t current_ = 0;
};

} // namespace lauter::kernels::mobility
