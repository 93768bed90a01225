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
/// smallest of its processed incoming labels. Labels are processed ("settled") in the order of
/// a radix heap with lazy deletion (radix_heap.hpp), with two exact shortcuts that keep about a third
/// of the labels out of the heap (measured on Kaiserslautern: 18,273 labels, about 11,700 pops):
/// - straight on without a heap: when a label popped with key K continues straight on (no turn
///   cost) into f, f's cost K + weight[f] is final, because every unprocessed label costs at
///   least K; f is processed at once, before the next pop;
/// - dominated labels are dropped: a label f into node v is not needed once v has a processed
///   label e1 and cost(f) >= cost(e1) + penalty[e1], because e1 reaches every exit of v (except
///   its own U-turn, checked separately) at least as cheaply as f could; f would give v neither
///   its distance nor any exit a cheaper cost. Labels into the source are dropped likewise.
/// Both keep every node distance, node label and parent exactly as plain edge-based Dijkstra
/// computes them up to ties (tested against networkx on the explicit line graph). Timestamped
/// state makes the query object reusable without O(edge_count) clearing; one per thread. Ties:
/// first relaxation wins in CSR edge order, so results are deterministic and independent of the
/// thread count.

#include <lauter/kernels/mobility/radix_heap.hpp>
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
    /// Stops as soon as the distance of `target` is final; returns it.
    double to_target(NodeId source, NodeId target, std::span<const float> weights,
                     const TurnCosts& turns);
    /// Stops as soon as the distances of all `targets` are final (or the reachable set is
    /// exhausted).
    void to_targets(NodeId source, std::span<const NodeId> targets,
                    std::span<const float> weights, const TurnCosts& turns);

    /// Distance of node `v` from the last query's source (0 at the source; unreachable if no
    /// incoming label of v was settled). Final for every node after one_to_all, for the target(s)
    /// after to_target(s).
    [[nodiscard]] double distance(NodeId v) const noexcept;
    /// The settled label (edge) that gave `v` its distance; invalid_id for the source and for
    /// unreached nodes.
    [[nodiscard]] EdgeId node_label(NodeId v) const noexcept {
        return nodes_[v].stamp == reached_stamp() ? nodes_[v].label : invalid_id;
    }
    /// The label preceding edge label `e` on its path (invalid_id if e leaves the source or was
    /// not reached).
    [[nodiscard]] EdgeId parent_label(EdgeId e) const noexcept {
        return labels_[e].stamp >= reached_stamp() ? labels_[e].parent : invalid_id;
    }
    /// Edge labels in the order they were settled by the last query (every label after its
    /// parent; dominated labels are not listed).
    [[nodiscard]] std::span<const EdgeId> settled() const noexcept { return settled_; }
    /// Edges from the source to `target` in travel order (empty if unreachable or the source).
    [[nodiscard]] std::vector<EdgeId> path_to(NodeId target) const;
    /// Sums `edge_values` along the label tree of the last query into `per_node` (node_count
    /// entries; only reached nodes are written; the source gets 0). One pass over settled(),
    /// using the query's own per-label scratch.
    void tree_sums(std::span<const float> edge_values, std::span<double> per_node);

private:
    void start(NodeId source, std::span<const float> weights, const TurnCosts& turns);
    /// Pops the next label and processes it together with its straight-on continuations.
    /// Returns false if the heap held only stale entries and is now empty.
    bool process_next(std::span<const float> weights, const TurnCosts& turns);
    /// Settles label e (its cost is final) and relaxes its exits; labels whose cost is final at
    /// once (straight on from a cost <= key_bound) go onto chain_.
    void settle(EdgeId e, double key_bound, std::span<const float> weights,
                const TurnCosts& turns);
    /// Offers cost `nd` to label f via `parent`; `chain` marks f's cost as final.
    void relax(EdgeId f, double nd, EdgeId parent, bool chain, std::span<const float> weights,
               const TurnCosts& turns);
    /// True if label f at cost `nd` cannot improve anything (see the class comment).
    [[nodiscard]] bool dominated(EdgeId f, double nd, std::span<const float> weights,
                                 const TurnCosts& turns) const noexcept;
    /// A lower bound of every unsettled cost (infinity once the heap is empty).
    [[nodiscard]] double unsettled_bound() const noexcept;

    /// 16 bytes. stamp == reached_stamp(): dist and parent are a tentative cost of this query;
    /// stamp == settled_stamp(): final (or dropped as dominated).
    struct LabelState {
        double dist = std::numeric_limits<double>::infinity();
        EdgeId parent = invalid_id;
        std::uint32_t stamp = 0;
    };
    struct NodeState {
        std::uint32_t stamp = 0;   ///< == reached_stamp(): reached (label or source)
        EdgeId label = invalid_id; ///< the cheapest processed label into the node
    };
    [[nodiscard]] std::uint32_t reached_stamp() const noexcept { return current_; }
    [[nodiscard]] std::uint32_t settled_stamp() const noexcept { return current_ + 1; }
    /// Records processed label e at its head (the node's label is its cheapest processed one).
    void reach_head(EdgeId e);

    const Graph* graph_;
    std::vector<LabelState> labels_;
    std::vector<NodeState> nodes_;
    detail::RadixHeap heap_; ///< lazy deletion: stale entries are skipped on pop
    std::vector<EdgeId> chain_; ///< labels with a final cost awaiting settle()
    std::vector<EdgeId> settled_;
    std::vector<NodeId> reached_nodes_; ///< nodes in the order they got their first label
    std::vector<double> label_sum_;     ///< tree_sums scratch, per edge
    NodeId source_ = invalid_id;
    std::uint32_t current_ = 0; ///< even; this query's stamps are current_ and current_ + 1
};

} // namespace lauter::kernels::mobility
