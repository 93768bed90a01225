#include <lauter/kernels/mobility/accessibility_cells.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::kernels::mobility {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr float no_data = std::numeric_limits<float>::quiet_NaN();

float finite_or_no_data(double value) {
    return std::isfinite(value) ? static_cast<float>(value) : no_data;
}

void require_nodes(std::span<const std::uint32_t> nodes, std::size_t node_count,
                   const char* what) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i] >= node_count) {
            throw std::invalid_argument(std::string("cell_accessibility: ") + what + " " +
                                        std::to_string(i) + " is node " +
                                        std::to_string(nodes[i]) + ", outside the graph of " +
                                        std::to_string(node_count) + " nodes");
        }
    }
}

/// One search: its graph, its destinations and its bound.
struct Search {
    const CsrGraph* graph = nullptr;
    std::vector<std::uint32_t> sources;
    double max_cost = infinity;
};

} // namespace

CellAccessibility cell_accessibility(const CsrGraph& distance_graph_m,
                                     const CsrGraph& walk_graph_min,
                                     const CellDestinations& destinations,
                                     const SnappedCells& cells, const StopCatchmentParams& stops,
                                     double access_speed_m_per_min) {
    validate_csr(distance_graph_m);
    validate_csr(walk_graph_min);
    const std::size_t n = distance_graph_m.node_count();
    if (walk_graph_min.node_count() != n) {
        throw std::invalid_argument("cell_accessibility: the distance and walk-time graphs have "
                                    "different node counts");
    }
    if (destinations.stop_headway_min.size() != destinations.stop_nodes.size()) {
        throw std::invalid_argument("cell_accessibility: one headway per stop is needed");
    }
    if (!(access_speed_m_per_min > 0.0) || !std::isfinite(access_speed_m_per_min)) {
        throw std::invalid_argument("cell_accessibility: the access speed must be positive");
    }
    require_nodes(destinations.stop_nodes, n, "stop");
    require_nodes(destinations.grocery_nodes, n, "grocery");
    require_nodes(destinations.green_nodes, n, "green space");
    require_nodes(destinations.centre_nodes, n, "centre");
    const std::size_t cell_count = cells.node.size();
    if (cells.access_m.size() != cell_count) {
        throw std::invalid_argument("cell_accessibility: node and access_m differ in size");
    }
    for (std::size_t i = 0; i < cell_count; ++i) {
        if (cells.node[i] == invalid_index) {
            continue;
        }
        if (cells.node[i] >= n) {
            throw std::invalid_argument("cell_accessibility: cell " + std::to_string(i) +
                                        " is snapped to node " + std::to_string(cells.node[i]) +
                                        ", outside the graph");
        }
        if (!std::isfinite(cells.access_m[i]) || cells.access_m[i] < 0.0) {
            throw std::invalid_argument("cell_accessibility: cell " + std::to_string(i) +
                                        " has a negative or non-finite access distance");
        }
    }

    // Searches 0-3: nearest stop, grocery, green space (metres), centre (minutes); 4-7: stops
    // of headway class 1-4, bounded at the largest catchment radius.
    const double max_radius_m = std::max(stops.radius_m[0], stops.radius_m[1]);
    std::vector<Search> searches(8);
    const auto all = [](std::span<const std::uint32_t> nodes) {
        return std::vector<std::uint32_t>(nodes.begin(), nodes.end());
    };
    searches[0] = {&distance_graph_m, all(destinations.stop_nodes), infinity};
    searches[1] = {&distance_graph_m, all(destinations.grocery_nodes), infinity};
    searches[2] = {&distance_graph_m, all(destinations.green_nodes), infinity};
    searches[3] = {&walk_graph_min, all(destinations.centre_nodes), infinity};
    for (std::size_t c = 0; c < 4; ++c) {
        Search& s = searches[4 + c];
        s.graph = &distance_graph_m;
        s.max_cost = max_radius_m;
        for (std::size_t k = 0; k < destinations.stop_nodes.size(); ++k) {
            const double h = destinations.stop_headway_min[k];
            if (std::isfinite(h) && h > 0.0 && h <= stops.headway_class_max_min[c]) {
                s.sources.push_back(destinations.stop_nodes[k]);
            }
        }
    }
    std::vector<std::vector<double>> node_cost(searches.size());
    const auto search_count = static_cast<std::ptrdiff_t>(searches.size());
#pragma omp parallel
    {
        NearestDestinationQuery query; // one per thread, reused for its searches
#pragma omp for schedule(static, 1)
        for (std::ptrdiff_t t = 0; t < search_count; ++t) {
            const Search& s = searches[static_cast<std::size_t>(t)];
            std::vector<double>& cost = node_cost[static_cast<std::size_t>(t)];
            if (s.sources.empty()) {
                cost.assign(n, infinity);
                continue;
            }
            query.run(*s.graph, s.sources, {}, s.max_cost);
            cost.assign(query.costs().begin(), query.costs().end());
        }
    }

    CellAccessibility out;
    out.stop_m.assign(cell_count, no_data);
    out.grocery_m.assign(cell_count, no_data);
    out.green_m.assign(cell_count, no_data);
    out.centre_min.assign(cell_count, no_data);
    for (auto& layer : out.stop_class) {
        layer.assign(cell_count, 0);
    }
    const auto count = static_cast<std::ptrdiff_t>(cell_count);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t si = 0; si < count; ++si) {
        const auto i = static_cast<std::size_t>(si);
        const std::uint32_t v = cells.node[i];
        if (v == invalid_index) {
            continue;
        }
        const double access_m = cells.access_m[i];
        out.stop_m[i] = finite_or_no_data(access_m + node_cost[0][v]);
        out.grocery_m[i] = finite_or_no_data(access_m + node_cost[1][v]);
        out.green_m[i] = finite_or_no_data(access_m + node_cost[2][v]);
        out.centre_min[i] =
            finite_or_no_data(access_m / access_speed_m_per_min + node_cost[3][v]);
        for (std::size_t r = 0; r < 2; ++r) {
            std::uint8_t best = no_stop_class;
            for (std::size_t c = 0; c < 4; ++c) {
                // Inclusive, as coverage_within: a stop exactly at the radius counts.
                if (access_m + node_cost[4 + c][v] <= stops.radius_m[r]) {
                    best = static_cast<std::uint8_t>(c + 1);
                    break;
                }
            }
            out.stop_class[r][i] = best;
        }
    }
    return out;
}

} // namespace lauter::kernels::mobility
