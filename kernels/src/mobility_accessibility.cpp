#include <lauter/kernels/mobility/accessibility.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

namespace lauter::kernels::mobility {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

using HeapEntry = std::pair<double, std::uint32_t>;

void validate_origins(const OriginSet& o) {
    const std::size_t n = o.node.size();
    if (o.residents.size() != n || (!o.access_cost.empty() && o.access_cost.size() != n) ||
        (!o.zone.empty() && o.zone.size() != n)) {
        throw std::invalid_argument(
            "accessibility: origin node, residents, access cost and zone differ in size");
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(o.residents[i]) || o.residents[i] < 0.0) {
            throw std::invalid_argument("accessibility: origin " + std::to_string(i) +
                                        " has negative or non-finite residents");
        }
        if (!o.access_cost.empty() &&
            (!std::isfinite(o.access_cost[i]) || o.access_cost[i] < 0.0)) {
            throw std::invalid_argument("accessibility: origin " + std::to_string(i) +
                                        " has a negative or non-finite access cost");
        }
        if (!o.zone.empty() && o.zone[i] >= o.zone_count) {
            throw std::invalid_argument("accessibility: origin " + std::to_string(i) +
                                        " lies in zone " + std::to_string(o.zone[i]) +
                                        " of only " + std::to_string(o.zone_count));
        }
    }
}

/// origin_costs with the access cost multiplied by `access_scale` (unit conversion).
std::vector<double> scaled_origin_costs(std::span<const double> node_costs,
                                        const OriginSet& origins, double access_scale) {
    validate_origins(origins);
    std::vector<double> out(origins.node.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::uint32_t v = origins.node[i];
        if (v >= node_costs.size()) {
            throw std::invalid_argument("accessibility: origin " + std::to_string(i) +
                                        " is snapped to node " + std::to_string(v) +
                                        ", outside the graph");
        }
        const double access = origins.access_cost.empty() ? 0.0 : origins.access_cost[i];
        out[i] = node_costs[v] + access * access_scale;
    }
    return out;
}

} // namespace

void validate_csr(const CsrGraph& g) {
    if (g.offsets.empty()) {
        throw std::invalid_argument("graph: offsets must have node_count + 1 entries (got 0)");
    }
    if (g.offsets.front() != 0 || g.offsets.back() != g.targets.size()) {
        throw std::invalid_argument("graph: offsets must start at 0 and end at the arc count");
    }
    if (g.weights.size() != g.targets.size()) {
        throw std::invalid_argument("graph: weights and targets differ in size");
    }
    for (std::size_t u = 0; u + 1 < g.offsets.size(); ++u) {
        if (g.offsets[u] > g.offsets[u + 1]) {
            throw std::invalid_argument("graph: offsets decrease at node " + std::to_string(u));
        }
    }
    const std::size_t n = g.node_count();
    for (std::size_t a = 0; a < g.targets.size(); ++a) {
        if (g.targets[a] >= n) {
            throw std::invalid_argument("graph: arc " + std::to_string(a) + " leads to node " +
                                        std::to_string(g.targets[a]) + " of only " +
                                        std::to_string(n));
        }
        if (!std::isfinite(g.weights[a]) || g.weights[a] < 0.0) {
            throw std::invalid_argument("graph: arc " + std::to_string(a) +
                                        " has a negative or non-finite weight");
        }
    }
}

void NearestDestinationQuery::run(const CsrGraph& graph,
                                  std::span<const std::uint32_t> source_nodes,
                                  std::span<const double> source_costs, double max_cost) {
    const std::size_t n = graph.node_count();
    if (graph.offsets.data() != validated_offsets_ || graph.targets.data() != validated_targets_ ||
        graph.weights.data() != validated_weights_ || n != validated_nodes_ ||
        graph.targets.size() != validated_arcs_) {
        validate_csr(graph);
        validated_offsets_ = graph.offsets.data();
        validated_targets_ = graph.targets.data();
        validated_weights_ = graph.weights.data();
        validated_nodes_ = n;
        validated_arcs_ = graph.targets.size();
    }
    if (!source_costs.empty() && source_costs.size() != source_nodes.size()) {
        throw std::invalid_argument("nearest destination: source costs and nodes differ in size");
    }
    if (std::isnan(max_cost) || max_cost < 0.0) {
        throw std::invalid_argument("nearest destination: max_cost must be >= 0");
    }
    for (std::size_t s = 0; s < source_nodes.size(); ++s) {
        if (source_nodes[s] >= n) {
            throw std::invalid_argument("nearest destination: source " + std::to_string(s) +
                                        " is node " + std::to_string(source_nodes[s]) +
                                        ", outside the graph of " + std::to_string(n));
        }
        if (!source_costs.empty() &&
            (!std::isfinite(source_costs[s]) || source_costs[s] < 0.0)) {
            throw std::invalid_argument("nearest destination: source " + std::to_string(s) +
                                        " has a negative or non-finite start cost");
        }
    }

    // Reset only what the previous run touched (amortised over many bounded searches).
    if (cost_.size() != n) {
        cost_.assign(n, infinity);
        source_.assign(n, invalid_index);
        touched_.clear();
    } else {
        for (std::uint32_t v : touched_) {
            cost_[v] = infinity;
            source_[v] = invalid_index;
        }
        touched_.clear();
    }
    heap_.clear();
    settled_ = 0;
    const auto heap_order = std::greater<HeapEntry>();

    for (std::size_t s = 0; s < source_nodes.size(); ++s) {
        const std::uint32_t v = source_nodes[s];
        const double c = source_costs.empty() ? 0.0 : source_costs[s];
        if (c > max_cost || !(c < cost_[v])) {
            continue;
        }
        if (cost_[v] == infinity) {
            touched_.push_back(v);
        }
        cost_[v] = c;
        source_[v] = static_cast<std::uint32_t>(s);
        heap_.emplace_back(c, v);
        std::push_heap(heap_.begin(), heap_.end(), heap_order);
    }
    while (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), heap_order);
        const auto [c, u] = heap_.back();
        heap_.pop_back();
        if (c > cost_[u]) {
            continue; // stale entry
        }
        ++settled_;
        const std::uint32_t src = source_[u];
        for (std::uint32_t a = graph.offsets[u]; a < graph.offsets[u + 1]; ++a) {
            const std::uint32_t v = graph.targets[a];
            const double nc = c + graph.weights[a];
            if (nc < cost_[v] && nc <= max_cost) {
                if (cost_[v] == infinity) {
                    touched_.push_back(v);
                }
                cost_[v] = nc;
                source_[v] = src;
                heap_.emplace_back(nc, v);
                std::push_heap(heap_.begin(), heap_.end(), heap_order);
            }
        }
    }
}

std::vector<double> origin_costs(std::span<const double> node_costs, const OriginSet& origins) {
    return scaled_origin_costs(node_costs, origins, 1.0);
}

CoverageTable coverage_within(std::span<const double> origin_cost, const OriginSet& origins,
                              double threshold) {
    validate_origins(origins);
    if (origin_cost.size() != origins.node.size()) {
        throw std::invalid_argument("coverage_within: one cost per origin expected");
    }
    if (std::isnan(threshold)) {
        throw std::invalid_argument("coverage_within: threshold is not a number");
    }
    CoverageTable t;
    if (!origins.zone.empty()) {
        t.zones.assign(origins.zone_count, ResidentCoverage{});
    }
    for (std::size_t i = 0; i < origin_cost.size(); ++i) {
        const double r = origins.residents[i];
        const double covered = origin_cost[i] <= threshold ? r : 0.0;
        t.city.residents += r;
        t.city.covered += covered;
        if (!origins.zone.empty()) {
            ResidentCoverage& z = t.zones[origins.zone[i]];
            z.residents += r;
            z.covered += covered;
        }
    }
    return t;
}

std::vector<CoverageTable> residents_within(const CsrGraph& graph,
                                            std::span<const std::uint32_t> destination_nodes,
                                            const OriginSet& origins,
                                            std::span<const double> thresholds) {
    double bound = 0.0;
    for (double th : thresholds) {
        if (std::isnan(th) || th < 0.0) {
            throw std::invalid_argument("residents_within: thresholds must be >= 0");
        }
        bound = std::max(bound, th);
    }
    NearestDestinationQuery query;
    query.run(graph, destination_nodes, {}, bound);
    const std::vector<double> cost = origin_costs(query.costs(), origins);
    std::vector<CoverageTable> out;
    out.reserve(thresholds.size());
    for (double th : thresholds) {
        out.push_back(coverage_within(cost, origins, th));
    }
    return out;
}

StopCatchmentTable stop_catchments(const CsrGraph& graph,
                                   std::span<const std::uint32_t> stop_nodes,
                                   std::span<const double> stop_headway_min,
                                   const OriginSet& origins, const StopCatchmentParams& params) {
    if (stop_headway_min.size() != stop_nodes.size()) {
        throw std::invalid_argument("stop_catchments: one headway per stop expected");
    }
    validate_csr(graph);
    validate_origins(origins);
    const double bound = std::max(params.radius_m[0], params.radius_m[1]);
    if (std::isnan(bound) || bound < 0.0) {
        throw std::invalid_argument("stop_catchments: radii must be >= 0");
    }
    StopCatchmentTable table;
    constexpr std::ptrdiff_t classes = 4;
    // Exceptions must not leave an OpenMP region: the checks above cover every throwing path of
    // the searches below (graph, stop nodes, origins), except nodes out of range, checked here.
    for (std::uint32_t v : stop_nodes) {
        if (v >= graph.node_count()) {
            throw std::invalid_argument("stop_catchments: a stop lies on node " +
                                        std::to_string(v) + ", outside the graph");
        }
    }
    for (std::uint32_t v : origins.node) {
        if (v >= graph.node_count()) {
            throw std::invalid_argument("stop_catchments: an origin lies on node " +
                                        std::to_string(v) + ", outside the graph");
        }
    }
#pragma omp parallel for schedule(static, 1)
    for (std::ptrdiff_t c = 0; c < classes; ++c) {
        const auto ci = static_cast<std::size_t>(c);
        std::vector<std::uint32_t> sources;
        for (std::size_t s = 0; s < stop_nodes.size(); ++s) {
            const double h = stop_headway_min[s];
            if (std::isfinite(h) && h > 0.0 && h <= params.headway_class_max_min[ci]) {
                sources.push_back(stop_nodes[s]);
            }
        }
        NearestDestinationQuery query;
        query.run(graph, sources, {}, bound);
        const std::vector<double> cost = origin_costs(query.costs(), origins);
        for (std::size_t r = 0; r < 2; ++r) {
            table.tables[ci][r] = coverage_within(cost, origins, params.radius_m[r]);
        }
    }
    return table;
}

AccessibilityTables accessibility_tables(const CsrGraph& distance_graph_m,
                                         const CsrGraph& walk_graph_min,
                                         std::span<const std::uint32_t> grocery_nodes,
                                         std::span<const std::uint32_t> green_nodes,
                                         std::span<const std::uint32_t> centre_nodes,
                                         const OriginSet& origins,
                                         const AccessibilityThresholds& thresholds,
                                         double access_speed_m_per_min) {
    if (!(access_speed_m_per_min > 0.0) || !std::isfinite(access_speed_m_per_min)) {
        throw std::invalid_argument("accessibility_tables: access speed must be > 0");
    }
    AccessibilityTables t;
    const double grocery[] = {thresholds.grocery_m};
    t.grocery = residents_within(distance_graph_m, grocery_nodes, origins, grocery).front();
    const double green[] = {thresholds.green_near_m, thresholds.green_far_m};
    std::vector<CoverageTable> g = residents_within(distance_graph_m, green_nodes, origins, green);
    t.green_near = std::move(g[0]);
    t.green_far = std::move(g[1]);
    NearestDestinationQuery query;
    query.run(walk_graph_min, centre_nodes, {}, thresholds.centre_walk_min);
    const std::vector<double> cost =
        scaled_origin_costs(query.costs(), origins, 1.0 / access_speed_m_per_min);
    t.centre = coverage_within(cost, origins, thresholds.centre_walk_min);
    return t;
}

} // namespace lauter::kernels::mobility
