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

} // namespace

PathSums path_sums(const Graph& graph, std::span<const NodeId> origins,
                   std::span<const NodeId> destinations, std::span<const float> cost,
                   std::span<const std::span<const float>> edge_values) {
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
    PathSums out;
    out.origins = origins.size();
    out.destinations = destinations.size();
    const std::size_t cells = out.origins * out.destinations;
    out.cost.assign(cells, unreachable);
    out.sums.assign(edge_values.size(), std::vector<double>(cells, unreachable));
    const auto rows = static_cast<std::ptrdiff_t>(out.origins);
#pragma omp parallel
    {
        ShortestPathQuery query(graph);
        std::vector<double> per_node(graph.node_count(), 0.0);
#pragma omp for schedule(dynamic, 1)
        for (std::ptrdiff_t oi = 0; oi < rows; ++oi) {
            const auto o = static_cast<std::size_t>(oi);
            query.to_targets(origins[o], destinations, cost);
            const std::size_t row = o * out.destinations;
            for (std::size_t d = 0; d < out.destinations; ++d) {
                out.cost[row + d] = query.distance(destinations[d]);
            }
            for (std::size_t k = 0; k < edge_values.size(); ++k) {
                query.tree_sums(edge_values[k], per_node);
                for (std::size_t d = 0; d < out.destinations; ++d) {
                    if (out.cost[row + d] != unreachable) {
                        out.sums[k][row + d] = per_node[destinations[d]];
                    }
                }
            }
        }
    }
    return out;
}

std::vector<double> assign_all_or_nothing(const Graph& graph, std::span<const NodeId> origins,
                                          std::span<const NodeId> destinations,
                                          std::span<const float> cost,
                                          std::span<const double> trips, double* unassigned) {
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

    std::vector<double> volume(graph.edge_count(), 0.0);
    double lost = 0.0;
    const std::size_t n_dest = destinations.size();
    // Blocks of origins: each origin's loaded edges are kept until the block is added up in
    // origin order (memory: block x tree size).
    constexpr std::size_t block = 16;
    std::vector<std::vector<std::pair<EdgeId, double>>> loaded(block);
    std::vector<double> lost_of(block, 0.0);
    const auto tails = graph.tail();
    for (std::size_t first = 0; first < origins.size(); first += block) {
        const std::size_t count = std::min(block, origins.size() - first);
#pragma omp parallel
        {
            ShortestPathQuery query(graph);
            std::vector<double> flow(graph.node_count(), 0.0);
#pragma omp for schedule(dynamic, 1)
            for (std::ptrdiff_t bi = 0; bi < static_cast<std::ptrdiff_t>(count); ++bi) {
                const auto b = static_cast<std::size_t>(bi);
                const std::size_t o = first + b;
                auto& edges = loaded[b];
                edges.clear();
                lost_of[b] = 0.0;
                query.to_targets(origins[o], destinations, cost);
                for (std::size_t d = 0; d < n_dest; ++d) {
                    const double t = trips[o * n_dest + d];
                    if (t == 0.0) {
                        continue;
                    }
                    if (query.distance(destinations[d]) == unreachable) {
                        lost_of[b] += t;
                    } else {
                        flow[destinations[d]] += t;
                    }
                }
                const auto settled = query.settled();
                for (auto it = settled.rbegin(); it != settled.rend(); ++it) {
                    const NodeId v = *it;
                    const double f = flow[v];
                    if (f == 0.0) {
                        continue;
                    }
                    flow[v] = 0.0;
                    const EdgeId e = query.parent_edge(v);
                    if (e == invalid_id) {
                        continue; // the origin itself: trips to the origin node travel nowhere
                    }
                    edges.emplace_back(e, f);
                    flow[tails[e]] += f;
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
    if (unassigned != nullptr) {
        *unassigned = lost;
    }
    return volume;
}

} // namespace lauter::kernels::mobility
