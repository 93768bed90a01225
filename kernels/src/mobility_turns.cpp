#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/kernels/mobility/turns.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace lauter::kernels::mobility {

namespace {

constexpr double straight_max_rad = straight_max_deflection_deg * std::numbers::pi / 180.0;

/// Compass bearing of the vector (dx, dy): clockwise from grid north (+y), in (-pi, pi].
float bearing_rad(double dx, double dy) noexcept {
    return static_cast<float>(std::atan2(dx, dy));
}

} // namespace

TurnGeometry::TurnGeometry(const Graph& graph)
    : entry_bearing_rad_(graph.edge_count(), std::numeric_limits<float>::quiet_NaN()),
      exit_bearing_rad_(graph.edge_count(), std::numeric_limits<float>::quiet_NaN()),
      twin_(graph.edge_count(), invalid_id) {
    std::vector<double> xs;
    std::vector<double> ys;
    std::vector<EdgeId> first_of_segment(graph.segment_count(), invalid_id);
    for (EdgeId e = 0; e < graph.edge_count(); ++e) {
        xs.clear();
        ys.clear();
        graph.append_geometry(e, xs, ys);
        // First and last pieces of non-zero length (OSM ways may repeat a position).
        for (std::size_t i = 1; i < xs.size(); ++i) {
            if (xs[i] != xs[0] || ys[i] != ys[0]) {
                entry_bearing_rad_[e] = bearing_rad(xs[i] - xs[0], ys[i] - ys[0]);
                break;
            }
        }
        const std::size_t last = xs.size() - 1;
        for (std::size_t i = last; i-- > 0;) {
            if (xs[i] != xs[last] || ys[i] != ys[last]) {
                exit_bearing_rad_[e] = bearing_rad(xs[last] - xs[i], ys[last] - ys[i]);
                break;
            }
        }
        // A segment gives at most two edges (forward and backward): they are each other's twin.
        EdgeId& first = first_of_segment[graph.segment()[e]];
        if (first == invalid_id) {
            first = e;
        } else {
            twin_[first] = e;
            twin_[e] = first;
        }
    }
}

double TurnGeometry::deflection_rad(EdgeId in, EdgeId out) const noexcept {
    double d = static_cast<double>(entry_bearing_rad_[out]) -
               static_cast<double>(exit_bearing_rad_[in]);
    if (d > std::numbers::pi) {
        d -= 2.0 * std::numbers::pi;
    } else if (d <= -std::numbers::pi) {
        d += 2.0 * std::numbers::pi;
    }
    return d;
}

bool TurnGeometry::is_turn(EdgeId in, EdgeId out) const noexcept {
    // NaN (no bearing) compares false: straight on.
    return std::abs(deflection_rad(in, out)) >= straight_max_rad;
}

TurnKind TurnGeometry::classify(EdgeId in, EdgeId out) const noexcept {
    if (twin_[in] == out) {
        return TurnKind::u_turn;
    }
    if (!is_turn(in, out)) {
        return TurnKind::straight;
    }
    return deflection_rad(in, out) > 0.0 ? TurnKind::right : TurnKind::left;
}

TurnAwareQuery::TurnAwareQuery(const Graph& graph)
    : graph_(&graph), labels_(graph.edge_count()), nodes_(graph.node_count()),
      label_sum_(graph.edge_count(), 0.0) {
    chain_.reserve(64);
    settled_.reserve(graph.edge_count());
    reached_nodes_.reserve(graph.node_count());
}

inline bool TurnAwareQuery::dominated(EdgeId f, double nd, std::span<const float> weights,
                               const TurnCosts& turns) const noexcept {
    const NodeState& head = nodes_[graph_->head()[f]];
    if (head.stamp != reached_stamp()) {
        return false;
    }
    const EdgeId e1 = head.label;
    if (e1 == invalid_id) {
        // The source: its exits cost their weight alone, f can only add to that.
        return true;
    }
    const LabelState& first = labels_[e1];
    if (nd < first.dist + static_cast<double>(turns.penalty_s[e1])) {
        return false;
    }
    // e1 may not U-turn: f is still needed if it could reach e1's twin more cheaply.
    const EdgeId twin = turns.geometry->twin()[e1];
    if (twin == invalid_id || !(weights[twin] < std::numeric_limits<float>::infinity())) {
        return true;
    }
    const LabelState& t = labels_[twin];
    return t.stamp >= reached_stamp() && t.dist <= nd + static_cast<double>(weights[twin]);
}

inline void TurnAwareQuery::relax(EdgeId f, double nd, EdgeId parent, bool chain,
                           std::span<const float> weights, const TurnCosts& turns) {
    LabelState& s = labels_[f];
    if (s.stamp == settled_stamp() || (s.stamp == reached_stamp() && !(nd < s.dist))) {
        return;
    }
    if (dominated(f, nd, weights, turns)) {
        return;
    }
    s.dist = nd;
    s.parent = parent;
    if (chain) {
        s.stamp = settled_stamp();
        chain_.push_back(f);
    } else {
        s.stamp = reached_stamp();
        heap_.push(nd, f);
    }
}

void TurnAwareQuery::start(NodeId source, std::span<const float> weights,
                           const TurnCosts& turns) {
    if (weights.size() != graph_->edge_count()) {
        throw std::invalid_argument("TurnAwareQuery: weights do not match the graph");
    }
    if (turns.geometry == nullptr || turns.penalty_s.size() != graph_->edge_count() ||
        turns.geometry->twin().size() != graph_->edge_count()) {
        throw std::invalid_argument("TurnAwareQuery: turn costs do not match the graph");
    }
    if (source >= graph_->node_count()) {
        throw std::invalid_argument("TurnAwareQuery: source node out of range");
    }
    current_ += 2;
    if (current_ >= std::numeric_limits<std::uint32_t>::max() - 1) {
        // Timestamp wrap-around (after 2^31 queries): clear once.
        std::fill(labels_.begin(), labels_.end(), LabelState{});
        std::fill(nodes_.begin(), nodes_.end(), NodeState{});
        current_ = 2;
    }
    heap_.clear();
    chain_.clear();
    settled_.clear();
    reached_nodes_.clear();
    source_ = source;
    nodes_[source].stamp = reached_stamp();
    nodes_[source].label = invalid_id;
    reached_nodes_.push_back(source);
    const auto first_out = graph_->first_out();
    for (std::uint32_t f = first_out[source]; f < first_out[source + 1]; ++f) {
        const float w = weights[f];
        if (w < std::numeric_limits<float>::infinity()) {
            relax(f, static_cast<double>(w), invalid_id, false, weights, turns);
        }
    }
}

inline void TurnAwareQuery::reach_head(EdgeId e) {
    const NodeId v = graph_->head()[e];
    NodeState& node = nodes_[v];
    if (node.stamp != reached_stamp()) {
        node.stamp = reached_stamp();
        node.label = e;
        reached_nodes_.push_back(v);
    } else if (node.label != invalid_id && labels_[e].dist < labels_[node.label].dist) {
        // A straight-on label can be processed before a cheaper label into the same node.
        node.label = e;
    }
}

inline void TurnAwareQuery::settle(EdgeId e, double key_bound, std::span<const float> weights,
                            const TurnCosts& turns) {
    settled_.push_back(e);
    reach_head(e);
    const double de = labels_[e].dist;
    const NodeId v = graph_->head()[e];
    const TurnGeometry& geometry = *turns.geometry;
    const EdgeId twin = geometry.twin()[e];
    const double penalty = static_cast<double>(turns.penalty_s[e]);
    const auto first_out = graph_->first_out();
    const std::uint32_t end = first_out[v + 1];
    bool other_exit = false;
    for (std::uint32_t f = first_out[v]; f < end; ++f) {
        const float w = weights[f];
        if (!(w < std::numeric_limits<float>::infinity()) || f == twin) {
            continue;
        }
        other_exit = true;
        double cost_before_f = de;
        if (penalty > 0.0 && geometry.is_turn(e, f)) {
            cost_before_f += penalty;
        }
        relax(f, cost_before_f + static_cast<double>(w), e, cost_before_f <= key_bound, weights,
              turns);
    }
    // The U-turn is allowed only where the street ends for this mode, at no extra cost.
    if (!other_exit && twin != invalid_id &&
        weights[twin] < std::numeric_limits<float>::infinity()) {
        relax(twin, de + static_cast<double>(weights[twin]), e, de <= key_bound, weights, turns);
    }
}

inline bool TurnAwareQuery::process_next(std::span<const float> weights, const TurnCosts& turns) {
    while (!heap_.empty()) {
        const detail::RadixHeap::Item top = heap_.pop();
        LabelState& s = labels_[top.id];
        if (s.stamp != reached_stamp() || top.key > s.dist) {
            continue; // stale: settled, dropped or improved since it was pushed
        }
        s.stamp = settled_stamp();
        if (dominated(top.id, top.key, weights, turns)) {
            continue;
        }
        // Every unsettled label costs at least top.key: a continuation that adds no turn cost
        // to it is final at once (class comment).
        chain_.push_back(top.id);
        while (!chain_.empty()) {
            const EdgeId e = chain_.back();
            chain_.pop_back();
            settle(e, top.key, weights, turns);
        }
        return true;
    }
    return false;
}

double TurnAwareQuery::unsettled_bound() const noexcept {
    return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.lower_bound();
}

void TurnAwareQuery::one_to_all(NodeId source, std::span<const float> weights,
                                const TurnCosts& turns) {
    start(source, weights, turns);
    while (process_next(weights, turns)) {
    }
}

double TurnAwareQuery::to_target(NodeId source, NodeId target, std::span<const float> weights,
                                 const TurnCosts& turns) {
    if (target >= graph_->node_count()) {
        throw std::invalid_argument("TurnAwareQuery: target node out of range");
    }
    start(source, weights, turns);
    if (target == source) {
        return 0.0;
    }
    // The target's distance is final once no unsettled label is cheaper.
    while (!(distance(target) <= unsettled_bound()) && process_next(weights, turns)) {
    }
    return distance(target);
}

void TurnAwareQuery::to_targets(NodeId source, std::span<const NodeId> targets,
                                std::span<const float> weights, const TurnCosts& turns) {
    start(source, weights, turns);
    for (const NodeId t : targets) {
        if (t >= graph_->node_count()) {
            throw std::invalid_argument("TurnAwareQuery: target node out of range");
        }
    }
    // Targets are visited in order; each is final once no unsettled label is cheaper, and stays
    // final while the search goes on for the next.
    for (const NodeId t : targets) {
        while (!(distance(t) <= unsettled_bound()) && process_next(weights, turns)) {
        }
    }
}

double TurnAwareQuery::distance(NodeId v) const noexcept {
    if (nodes_[v].stamp != reached_stamp()) {
        return unreachable;
    }
    const EdgeId e = nodes_[v].label;
    return e == invalid_id ? 0.0 : labels_[e].dist;
}

std::vector<EdgeId> TurnAwareQuery::path_to(NodeId target) const {
    std::vector<EdgeId> edges;
    for (EdgeId e = node_label(target); e != invalid_id; e = labels_[e].parent) {
        edges.push_back(e);
    }
    std::reverse(edges.begin(), edges.end());
    return edges;
}

void TurnAwareQuery::tree_sums(std::span<const float> edge_values, std::span<double> per_node) {
    for (const EdgeId e : settled_) {
        const EdgeId p = labels_[e].parent;
        const double before = p == invalid_id ? 0.0 : label_sum_[p];
        label_sum_[e] = before + static_cast<double>(edge_values[e]);
    }
    for (const NodeId v : reached_nodes_) {
        const EdgeId e = nodes_[v].label;
        per_node[v] = e == invalid_id ? 0.0 : label_sum_[e];
    }
}

} // namespace lauter::kernels::mobility
