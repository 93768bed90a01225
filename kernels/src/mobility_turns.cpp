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
    : graph_(&graph), labels_(graph.edge_count()), heap_pos_(graph.edge_count(), 0),
      nodes_(graph.node_count()),
      label_sum_(graph.edge_count(), 0.0) {
    heap_.reserve(1024);
    settled_.reserve(graph.edge_count());
    reached_nodes_.reserve(graph.node_count());
}

void TurnAwareQuery::relax(EdgeId f, double nd, EdgeId parent) {
    const auto set_pos = [this](std::uint32_t e, std::uint32_t pos) { heap_pos_[e] = pos; };
    LabelState& s = labels_[f];
    if (s.stamp != current_) {
        s.stamp = current_;
        s.dist = nd;
        s.parent = parent;
        detail::heap_push(heap_, nd, f, set_pos);
    } else if (nd < s.dist) {
        // Only a queued label can improve (non-negative costs).
        s.dist = nd;
        s.parent = parent;
        const std::uint32_t pos = heap_pos_[f];
        heap_[pos].key = nd;
        detail::heap_sift_up(heap_, pos, set_pos);
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
    if (++current_ == 0) {
        // Timestamp wrap-around (after 2^32 queries): clear once.
        std::fill(labels_.begin(), labels_.end(), LabelState{});
        std::fill(nodes_.begin(), nodes_.end(), NodeState{});
        current_ = 1;
    }
    heap_.clear();
    settled_.clear();
    reached_nodes_.clear();
    source_ = source;
    nodes_[source].stamp = current_;
    nodes_[source].label = invalid_id;
    reached_nodes_.push_back(source);
    const auto first_out = graph_->first_out();
    for (std::uint32_t f = first_out[source]; f < first_out[source + 1]; ++f) {
        const float w = weights[f];
        if (w < std::numeric_limits<float>::infinity()) {
            relax(f, static_cast<double>(w), invalid_id);
        }
    }
}

NodeId TurnAwareQuery::settle_next(std::span<const float> weights, const TurnCosts& turns) {
    const auto set_pos = [this](std::uint32_t e, std::uint32_t pos) { heap_pos_[e] = pos; };
    const detail::HeapItem top = detail::heap_pop(heap_, set_pos);
    const EdgeId e = top.id;
    const double de = top.key;
    settled_.push_back(e);
    const NodeId v = graph_->head()[e];
    NodeId first_reached = invalid_id;
    if (nodes_[v].stamp != current_) {
        nodes_[v].stamp = current_;
        nodes_[v].label = e;
        reached_nodes_.push_back(v);
        first_reached = v;
    }
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
        double nd = de + static_cast<double>(w);
        if (penalty > 0.0 && geometry.is_turn(e, f)) {
            nd += penalty;
        }
        relax(f, nd, e);
    }
    // The U-turn is allowed only where the street ends for this mode, at no extra cost.
    if (!other_exit && twin != invalid_id &&
        weights[twin] < std::numeric_limits<float>::infinity()) {
        relax(twin, de + static_cast<double>(weights[twin]), e);
    }
    return first_reached;
}

void TurnAwareQuery::one_to_all(NodeId source, std::span<const float> weights,
                                const TurnCosts& turns) {
    start(source, weights, turns);
    while (!heap_.empty()) {
        settle_next(weights, turns);
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
    while (!heap_.empty()) {
        if (settle_next(weights, turns) == target) {
            return distance(target);
        }
    }
    return unreachable;
}

void TurnAwareQuery::to_targets(NodeId source, std::span<const NodeId> targets,
                                std::span<const float> weights, const TurnCosts& turns) {
    start(source, weights, turns);
    std::size_t remaining = 0;
    for (const NodeId t : targets) {
        if (t >= graph_->node_count()) {
            throw std::invalid_argument("TurnAwareQuery: target node out of range");
        }
        if (nodes_[t].target_stamp != current_) {
            nodes_[t].target_stamp = current_;
            remaining += t == source ? 0U : 1U;
        }
    }
    while (!heap_.empty() && remaining > 0) {
        const NodeId v = settle_next(weights, turns);
        if (v != invalid_id && nodes_[v].target_stamp == current_) {
            --remaining;
        }
    }
}

double TurnAwareQuery::distance(NodeId v) const noexcept {
    if (nodes_[v].stamp != current_) {
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
