#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/kernels/mobility/skims.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace lauter::kernels::mobility {

namespace {

void check_nodes(const Graph& graph, std::span<const NodeId> nodes, const char* what) {
    for (const NodeId v : nodes) {
        if (v >= graph.node_count()) {
            throw std::invalid_argument(std::string(what) + ": node id out of range");
        }
    }
}

/// The shortest-path tree of one origin as the skim and assignment code sees it: `items()` in
/// settle order, each with the edge it loads (`edge_of`, invalid_id at the root) and the item it
/// hangs from (`parent_of`). NodeTree: items are nodes (ShortestPathQuery); LabelTree: items
/// are edge labels (TurnAwareQuery, turns.hpp).
class NodeTree {
public:
    NodeTree(const Graph& graph, std::span<const float> cost,
             [[maybe_unused]] const TurnCosts* turns)
        : query_(graph), cost_(cost), tails_(graph.tail()), item_count_(graph.node_count()) {}
    void run(NodeId origin, std::span<const NodeId> destinations) {
        query_.to_targets(origin, destinations, cost_);
    }
    [[nodiscard]] double distance(NodeId v) const noexcept { return query_.distance(v); }
    void tree_sums(std::span<const float> values, std::span<double> per_node) const {
        query_.tree_sums(values, per_node);
    }
    [[nodiscard]] std::size_t item_count() const noexcept { return item_count_; }
    [[nodiscard]] std::span<const std::uint32_t> items() const noexcept {
        return query_.settled();
    }
    [[nodiscard]] std::uint32_t item_of(NodeId v) const noexcept { return v; }
    [[nodiscard]] EdgeId edge_of(std::uint32_t item) const noexcept {
        return query_.parent_edge(item);
    }
    [[nodiscard]] std::uint32_t parent_of(std::uint32_t item) const noexcept {
        const EdgeId e = query_.parent_edge(item);
        return e == invalid_id ? invalid_id : tails_[e];
    }

private:
    ShortestPathQuery query_;
    std::span<const float> cost_;
    std::span<const NodeId> tails_;
    std::size_t item_count_;
};

class LabelTree {
public:
    LabelTree(const Graph& graph, std::span<const float> cost, const TurnCosts* turns)
        : query_(graph), cost_(cost), turns_(turns), item_count_(graph.edge_count()) {}
    void run(NodeId origin, std::span<const NodeId> destinations) {
        query_.to_targets(origin, destinations, cost_, *turns_);
    }
    [[nodiscard]] double distance(NodeId v) const noexcept { return query_.distance(v); }
    void tree_sums(std::span<const float> values, std::span<double> per_node) {
        query_.tree_sums(values, per_node);
    }
    [[nodiscard]] std::size_t item_count() const noexcept { return item_count_; }
    [[nodiscard]] std::span<const std::uint32_t> items() const noexcept {
        return query_.settled();
    }
    /// invalid_id for the origin itself (reached without a label).
    [[nodiscard]] std::uint32_t item_of(NodeId v) const noexcept { return query_.node_label(v); }
    [[nodiscard]] EdgeId edge_of(std::uint32_t item) const noexcept { return item; }
    [[nodiscard]] std::uint32_t parent_of(std::uint32_t item) const noexcept {
        return query_.parent_label(item);
    }

private:
    TurnAwareQuery query_;
    std::span<const float> cost_;
    const TurnCosts* turns_;
    std::size_t item_count_;
};

void check_turns(const Graph& graph, const TurnCosts* turns, const char* what) {
    if (turns != nullptr && (turns->geometry == nullptr ||
                             turns->geometry->twin().size() != graph.edge_count() ||
                             turns->penalty_s.size() != graph.edge_count())) {
        throw std::invalid_argument(std::string(what) + ": turn costs do not match the graph");
    }
}

template <typename Tree>
void path_sums_rows(const Graph& graph, std::span<const NodeId> origins,
                    std::span<const NodeId> destinations, std::span<const float> cost,
                    std::span<const std::span<const float>> edge_values, const TurnCosts* turns,
                    PathSums& out) {
    const auto rows = static_cast<std::ptrdiff_t>(out.origins);
#pragma omp parallel
    {
        Tree tree(graph, cost, turns);
        std::vector<double> per_node(graph.node_count(), 0.0);
#pragma omp for schedule(dynamic, 1)
        for (std::ptrdiff_t oi = 0; oi < rows; ++oi) {
            const auto o = static_cast<std::size_t>(oi);
            tree.run(origins[o], destinations);
            const std::size_t row = o * out.destinations;
            for (std::size_t d = 0; d < out.destinations; ++d) {
                out.cost[row + d] = tree.distance(destinations[d]);
            }
            for (std::size_t k = 0; k < edge_values.size(); ++k) {
                tree.tree_sums(edge_values[k], per_node);
                for (std::size_t d = 0; d < out.destinations; ++d) {
                    if (out.cost[row + d] != unreachable) {
                        out.sums[k][row + d] = per_node[destinations[d]];
                    }
                }
            }
        }
    }
}

template <typename Tree>
std::vector<double> assign_rows(const Graph& graph, std::span<const NodeId> origins,
                                std::span<const NodeId> destinations, std::span<const float> cost,
                                std::span<const double> trips, const TurnCosts* turns,
                                double& lost) {
    std::vector<double> volume(graph.edge_count(), 0.0);
    const std::size_t n_dest = destinations.size();
    // Blocks of origins: each origin's loaded edges are kept until the block is added up in
    // origin order (memory: block x tree size).
    constexpr std::size_t block = 16;
    std::vector<std::vector<std::pair<EdgeId, double>>> loaded(block);
    std::vector<double> lost_of(block, 0.0);
    for (std::size_t first = 0; first < origins.size(); first += block) {
        const std::size_t count = std::min(block, origins.size() - first);
#pragma omp parallel
        {
            Tree tree(graph, cost, turns);
            std::vector<double> flow(tree.item_count(), 0.0);
#pragma omp for schedule(dynamic, 1)
            for (std::ptrdiff_t bi = 0; bi < static_cast<std::ptrdiff_t>(count); ++bi) {
                const auto b = static_cast<std::size_t>(bi);
                const std::size_t o = first + b;
                auto& edges = loaded[b];
                edges.clear();
                lost_of[b] = 0.0;
                tree.run(origins[o], destinations);
                for (std::size_t d = 0; d < n_dest; ++d) {
                    const double t = trips[o * n_dest + d];
                    if (t == 0.0) {
                        continue;
                    }
                    if (tree.distance(destinations[d]) == unreachable) {
                        lost_of[b] += t;
                    } else if (const std::uint32_t item = tree.item_of(destinations[d]);
                               item != invalid_id) {
                        flow[item] += t;
                    }
                }
                const auto items = tree.items();
                for (auto it = items.rbegin(); it != items.rend(); ++it) {
                    const std::uint32_t item = *it;
                    const double f = flow[item];
                    if (f == 0.0) {
                        continue;
                    }
                    flow[item] = 0.0;
                    const EdgeId e = tree.edge_of(item);
                    if (e == invalid_id) {
                        continue; // the origin itself: trips to the origin node travel nowhere
                    }
                    edges.emplace_back(e, f);
                    if (const std::uint32_t parent = tree.parent_of(item); parent != invalid_id) {
                        flow[parent] += f;
                    }
                }
            }
        }
        for (std::size_t b = 0; b < count; ++b) {
            for (const auto& [e, f] : loaded[b]) {
                volume[e] += f;
            }
            lost += lost_of[b];
        }
    }
    return volume;
}

} // namespace

PathSums path_sums(const Graph& graph, std::span<const NodeId> origins,
                   std::span<const NodeId> destinations, std::span<const float> cost,
                   std::span<const std::span<const float>> edge_values,
                   const TurnCosts* turns) {
    if (cost.size() != graph.edge_count()) {
        throw std::invalid_argument("path_sums: cost does not match the graph's edge count");
    }
    for (const auto& values : edge_values) {
        if (values.size() != graph.edge_count()) {
            throw std::invalid_argument("path_sums: an edge value array does not match the graph");
        }
    }
    check_nodes(graph, origins, "path_sums: origin");
    check_nodes(graph, destinations, "path_sums: destination");
    check_turns(graph, turns, "path_sums");
    PathSums out;
    out.origins = origins.size();
    out.destinations = destinations.size();
    const std::size_t cells = out.origins * out.destinations;
    out.cost.assign(cells, unreachable);
    out.sums.assign(edge_values.size(), std::vector<double>(cells, unreachable));
    if (turns != nullptr) {
        path_sums_rows<LabelTree>(graph, origins, destinations, cost, edge_values, turns, out);
    } else {
        path_sums_rows<NodeTree>(graph, origins, destinations, cost, edge_values, turns, out);
    }
    return out;
}

std::vector<double> assign_all_or_nothing(const Graph& graph, std::span<const NodeId> origins,
                                          std::span<const NodeId> destinations,
                                          std::span<const float> cost,
                                          std::span<const double> trips, double* unassigned,
                                          const TurnCosts* turns) {
    if (cost.size() != graph.edge_count()) {
        throw std::invalid_argument("assign_all_or_nothing: cost does not match the graph");
    }
    if (trips.size() != origins.size() * destinations.size()) {
        throw std::invalid_argument("assign_all_or_nothing: trips is not origins x destinations");
    }
    for (const double t : trips) {
        if (!(t >= 0.0) || !std::isfinite(t)) {
            throw std::invalid_argument("assign_all_or_nothing: negative or non-finite trips");
        }
    }
    check_nodes(graph, origins, "assign_all_or_nothing: origin");
    check_nodes(graph, destinations, "assign_all_or_nothing: destination");
    check_turns(graph, turns, "assign_all_or_nothing");
    double lost = 0.0;
    std::vector<double> volume =
        turns != nullptr
            ? assign_rows<LabelTree>(graph, origins, destinations, cost, trips, turns, lost)
            : assign_rows<NodeTree>(graph, origins, destinations, cost, trips, turns, lost);
    if (unassigned != nullptr) {
        *unassigned = lost;
    }
    return volume;
}

} // namespace lauter::kernels::mobility
