#include <lauter/kernels/mobility/routing.hpp>

#include <algorithm>
#include <stdexcept>

namespace lauter::kernels::mobility {

ShortestPathQuery::ShortestPathQuery(const Graph& graph)
    : graph_(&graph), state_(graph.node_count()) {
    heap_.reserve(1024);
    settled_.reserve(graph.node_count());
}

void ShortestPathQuery::start(NodeId source, std::span<const float> weights) {
    if (weights.size() != graph_->edge_count()) {
        throw std::invalid_argument("ShortestPathQuery: weights do not match the graph");
    }
    if (source >= graph_->node_count()) {
        throw std::invalid_argument("ShortestPathQuery: source node out of range");
    }
    if (++current_ == 0) {
        // Timestamp wrap-around (after 2^32 queries): clear once.
        std::fill(state_.begin(), state_.end(), NodeState{});
        current_ = 1;
    }
    heap_.clear();
    settled_.clear();
    NodeState& s = state_[source];
    s.stamp = current_;
    s.dist = 0.0;
    s.parent = invalid_id;
    s.heap_pos = 0;
    heap_.push_back({0.0, source});
}

NodeId ShortestPathQuery::settle_next(std::span<const float> weights) {
    const auto set_pos = [this](std::uint32_t v, std::uint32_t pos) { state_[v].heap_pos = pos; };
    const detail::HeapItem top = detail::heap_pop(heap_, set_pos);
    const NodeId u = top.id;
    settled_.push_back(u);
    const double du = top.key;
    const auto first_out = graph_->first_out();
    const auto head = graph_->head();
    const std::uint32_t end = first_out[u + 1];
    for (std::uint32_t e = first_out[u]; e < end; ++e) {
        const float w = weights[e];
        if (!(w < std::numeric_limits<float>::infinity())) {
            continue;
        }
        const NodeId v = head[e];
        const double nd = du + static_cast<double>(w);
        NodeState& sv = state_[v];
        if (sv.stamp != current_) {
            sv.stamp = current_;
            sv.dist = nd;
            sv.parent = e;
            detail::heap_push(heap_, nd, v, set_pos);
        } else if (nd < sv.dist) {
            // nd < dist is impossible for a settled node (non-negative weights), so v is queued.
            sv.dist = nd;
            sv.parent = e;
            const std::uint32_t pos = sv.heap_pos;
            heap_[pos].key = nd;
            detail::heap_sift_up(heap_, pos, set_pos);
        }
    }
    return u;
}

void ShortestPathQuery::one_to_all(NodeId source, std::span<const float> weights) {
    start(source, weights);
    while (!heap_.empty()) {
        settle_next(weights);
    }
}

double ShortestPathQuery::to_target(NodeId source, NodeId target, std::span<const float> weights) {
    if (target >= graph_->node_count()) {
        throw std::invalid_argument("ShortestPathQuery: target node out of range");
    }
    start(source, weights);
    while (!heap_.empty()) {
        if (settle_next(weights) == target) {
            return state_[target].dist;
        }
    }
    return unreachable;
}

void ShortestPathQuery::to_targets(NodeId source, std::span<const NodeId> targets,
                                   std::span<const float> weights) {
    start(source, weights);
    std::size_t remaining = 0;
    for (const NodeId t : targets) {
        if (t >= graph_->node_count()) {
            throw std::invalid_argument("ShortestPathQuery: target node out of range");
        }
        if (state_[t].target_stamp != current_) {
            state_[t].target_stamp = current_;
            ++remaining;
        }
    }
    while (!heap_.empty() && remaining > 0) {
        const NodeId u = settle_next(weights);
        if (state_[u].target_stamp == current_) {
            --remaining;
        }
    }
}

std::vector<EdgeId> ShortestPathQuery::path_to(NodeId target) const {
    std::vector<EdgeId> edges;
    if (distance(target) == unreachable) {
        return edges;
    }
    const auto tail = graph_->tail();
    for (EdgeId e = state_[target].parent; e != invalid_id; e = state_[tail[e]].parent) {
        edges.push_back(e);
    }
    std::reverse(edges.begin(), edges.end());
    return edges;
}

void ShortestPathQuery::tree_sums(std::span<const float> edge_values,
                                  std::span<double> per_node) const {
    const auto tail = graph_->tail();
    for (const NodeId v : settled_) {
        const EdgeId e = state_[v].parent;
        per_node[v] = e == invalid_id
                          ? 0.0
                          : per_node[tail[e]] + static_cast<double>(edge_values[e]);
    }
}

namespace {

/// Fills the route's sums, stress shares and polyline from r.edges (the path from `from`).
void describe_route(const Graph& graph, NodeId from, std::span<const float> time_s,
                    std::span<const std::uint8_t> lts, Route& r) {
    std::array<double, 4> lts_length{};
    std::vector<double> xs;
    std::vector<double> ys;
    for (const EdgeId e : r.edges) {
        const double len = static_cast<double>(graph.length_m()[e]);
        r.length_m += len;
        r.time_s += static_cast<double>(time_s[e]);
        r.climb_m += static_cast<double>(graph.climb_m()[e]);
        r.descent_m += static_cast<double>(graph.descent_m()[e]);
        if (!lts.empty()) {
            lts_length[static_cast<std::size_t>(lts[e] - 1)] += len;
        }
        xs.clear();
        ys.clear();
        graph.append_geometry(e, xs, ys);
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (!r.x_m.empty() && r.x_m.back() == xs[i] && r.y_m.back() == ys[i]) {
                continue;
            }
            r.x_m.push_back(xs[i]);
            r.y_m.push_back(ys[i]);
        }
    }
    if (r.edges.empty()) {
        r.x_m.push_back(graph.node_x_m()[from]);
        r.y_m.push_back(graph.node_y_m()[from]);
    }
    if (!lts.empty() && r.length_m > 0.0) {
        for (std::size_t i = 0; i < 4; ++i) {
            r.lts_share[i] = lts_length[i] / r.length_m;
        }
    }
}

} // namespace

namespace {

/// The route to `to` from the tree of a query that has just computed `cost` for it (either
/// query type: both give path_to in travel order).
template <typename Query>
Route route_from_query(const Graph& graph, const Query& query, NodeId from, NodeId to,
                       double cost, std::span<const float> time_s,
                       std::span<const std::uint8_t> lts) {
    Route r;
    r.cost = cost;
    if (r.cost == unreachable) {
        return r;
    }
    r.found = true;
    r.edges = query.path_to(to);
    describe_route(graph, from, time_s, lts, r);
    return r;
}

} // namespace

Route find_route(const Graph& graph, ShortestPathQuery& query, NodeId from, NodeId to,
                 std::span<const float> cost, std::span<const float> time_s,
                 std::span<const std::uint8_t> lts) {
    return route_from_query(graph, query, from, to, query.to_target(from, to, cost), time_s,
                            lts);
}

Route find_route(const Graph& graph, TurnAwareQuery& query, NodeId from, NodeId to,
                 std::span<const float> cost, std::span<const float> time_s,
                 std::span<const std::uint8_t> lts, const TurnCosts& turns) {
    return route_from_query(graph, query, from, to, query.to_target(from, to, cost, turns),
                            time_s, lts);
}

OdMatrix many_to_many(const Graph& graph, std::span<const NodeId> origins,
                      std::span<const NodeId> destinations, std::span<const float> cost,
                      std::span<const float> time_s) {
    if (cost.size() != graph.edge_count() || time_s.size() != graph.edge_count()) {
        throw std::invalid_argument("many_to_many: weights do not match the graph");
    }
    OdMatrix m;
    m.origins = origins.size();
    m.destinations = destinations.size();
    const std::size_t cells = m.origins * m.destinations;
    m.cost.assign(cells, unreachable);
    m.time_s.assign(cells, unreachable);
    m.length_m.assign(cells, unreachable);
    const auto rows = static_cast<std::ptrdiff_t>(m.origins);
    std::vector<float> length(graph.length_m().begin(), graph.length_m().end());
    bool bad_input = false;
#pragma omp parallel
    {
        ShortestPathQuery query(graph);
        std::vector<double> time_per_node(graph.node_count(), 0.0);
        std::vector<double> length_per_node(graph.node_count(), 0.0);
#pragma omp for schedule(dynamic, 1)
        for (std::ptrdiff_t oi = 0; oi < rows; ++oi) {
            const auto o = static_cast<std::size_t>(oi);
            if (origins[o] >= graph.node_count()) {
#pragma omp atomic write
                bad_input = true;
                continue;
            }
            try {
                query.to_targets(origins[o], destinations, cost);
            } catch (const std::invalid_argument&) {
#pragma omp atomic write
                bad_input = true;
                continue;
            }
            query.tree_sums(time_s, time_per_node);
            query.tree_sums(length, length_per_node);
            for (std::size_t d = 0; d < m.destinations; ++d) {
                const NodeId t = destinations[d];
                const double dist = query.distance(t);
                if (dist == unreachable) {
                    continue;
                }
                const std::size_t cell = o * m.destinations + d;
                m.cost[cell] = dist;
                m.time_s[cell] = time_per_node[t];
                m.length_m[cell] = length_per_node[t];
            }
        }
    }
    if (bad_input) {
        throw std::invalid_argument("many_to_many: origin or destination node out of range");
    }
    return m;
}

} // namespace lauter::kernels::mobility
