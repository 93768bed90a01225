#include <lauter/kernels/mobility/transit.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace lauter::kernels::mobility {

namespace {

constexpr double infinite_min = std::numeric_limits<double>::infinity();

bool usable_minutes(double v) noexcept { return std::isfinite(v) && v >= 0.0; }

void check_links(const ZoneStopLinks& links, std::size_t zone_count, std::size_t stop_count,
                 const char* what) {
    const std::string name(what);
    if (links.offsets.size() != zone_count + 1 || links.offsets.front() != 0 ||
        links.offsets.back() != links.stops.size() || links.stops.size() != links.walk_min.size()) {
        throw std::invalid_argument("transit_skim: " + name + " links are not a CSR over " +
                                    std::to_string(zone_count) + " zones");
    }
    for (std::size_t z = 0; z < zone_count; ++z) {
        if (links.offsets[z] > links.offsets[z + 1]) {
            throw std::invalid_argument("transit_skim: " + name + " offsets decrease");
        }
    }
    for (std::size_t k = 0; k < links.stops.size(); ++k) {
        if (links.stops[k] >= stop_count || !usable_minutes(links.walk_min[k])) {
            throw std::invalid_argument("transit_skim: " + name + " link " + std::to_string(k) +
                                        " has a stop out of range or a negative walk");
        }
    }
}

} // namespace

TransitGraph::TransitGraph(std::size_t stop_count, std::span<const TransitLine> lines,
                           std::span<const StopTransfer> transfers, const TransitParams& params)
    : stop_count_(stop_count) {
    if (!usable_minutes(params.transfer_penalty_min)) {
        throw std::invalid_argument("TransitGraph: transfer_penalty_min must be finite and >= 0");
    }
    std::size_t positions = 0;
    for (std::size_t l = 0; l < lines.size(); ++l) {
        const TransitLine& line = lines[l];
        const std::string which = "TransitGraph: line " + std::to_string(l);
        if (line.stops.size() < 2 || line.ride_min.size() + 1 != line.stops.size()) {
            throw std::invalid_argument(which + " needs >= 2 stops and one ride time between "
                                                "consecutive stops");
        }
        if (!(std::isfinite(line.headway_min) && line.headway_min > 0.0)) {
            throw std::invalid_argument(which + ": headway must be finite and > 0");
        }
        for (const std::uint32_t s : line.stops) {
            if (s >= stop_count) {
                throw std::invalid_argument(which + ": stop index out of range");
            }
        }
        for (const double r : line.ride_min) {
            if (!usable_minutes(r)) {
                throw std::invalid_argument(which + ": ride time must be finite and >= 0");
            }
        }
        positions += line.stops.size();
    }
    for (const StopTransfer& t : transfers) {
        if (t.from_stop >= stop_count || t.to_stop >= stop_count || !usable_minutes(t.walk_min)) {
            throw std::invalid_argument("TransitGraph: transfer with a stop out of range or a "
                                        "negative walk");
        }
    }
    const std::size_t nodes = 2 * stop_count + positions;
    if (nodes >= std::numeric_limits<std::uint32_t>::max()) {
        throw std::invalid_argument("TransitGraph: too many stops and line positions");
    }
    // Arcs by tail node: collect (tail, arc) and sort stably by tail (arcs of one tail keep the
    // order in which they were made: lines in input order, then transfers).
    std::vector<std::pair<std::uint32_t, Arc>> all;
    const auto s_before = [](std::uint32_t s) { return s; };
    const auto s_after = [stop_count](std::uint32_t s) {
        return static_cast<std::uint32_t>(stop_count + s);
    };
    auto vehicle = static_cast<std::uint32_t>(2 * stop_count);
    for (const TransitLine& line : lines) {
        const double wait = 0.5 * line.headway_min;
        for (std::size_t p = 0; p < line.stops.size(); ++p) {
            const std::uint32_t v = vehicle + static_cast<std::uint32_t>(p);
            const std::uint32_t s = line.stops[p];
            if (p + 1 < line.stops.size()) {
                Arc first;
                first.target = v;
                first.boardings = 1;
                first.wait_min = wait;
                all.emplace_back(s_before(s), first);
                Arc later = first;
                later.penalty_min = params.transfer_penalty_min;
                all.emplace_back(s_after(s), later);
                Arc ride;
                ride.target = v + 1;
                ride.in_vehicle_min = line.ride_min[p];
                all.emplace_back(v, ride);
            }
            if (p > 0) {
                Arc alight;
                alight.target = s_after(s);
                all.emplace_back(v, alight);
            }
        }
        vehicle += static_cast<std::uint32_t>(line.stops.size());
    }
    for (const StopTransfer& t : transfers) {
        if (t.from_stop == t.to_stop) {
            continue;
        }
        Arc walk;
        walk.target = s_after(t.to_stop);
        walk.walk_min = t.walk_min;
        all.emplace_back(s_after(t.from_stop), walk);
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    offsets_.assign(nodes + 1, 0);
    arcs_.reserve(all.size());
    for (const auto& [tail, arc] : all) {
        ++offsets_[tail + 1];
        arcs_.push_back(arc);
    }
    for (std::size_t v = 0; v < nodes; ++v) {
        offsets_[v + 1] += offsets_[v];
    }
}

void TransitQuery::run(const TransitGraph& graph, std::span<const std::uint32_t> access_stops,
                       std::span<const double> access_walk_min) {
    const std::size_t n = graph.node_count();
    Label unreached;
    unreached.cost = infinite_min;
    labels_.assign(n, unreached);
    done_.assign(n, 0);
    heap_.clear();
    using Item = std::pair<double, std::uint32_t>;
    const auto later = std::greater<Item>();
    for (std::size_t k = 0; k < access_stops.size(); ++k) {
        Label& l = labels_[access_stops[k]];
        if (access_walk_min[k] < l.cost) {
            l = Label{};
            l.cost = access_walk_min[k];
            l.walk_min = access_walk_min[k];
            heap_.emplace_back(l.cost, access_stops[k]);
            std::push_heap(heap_.begin(), heap_.end(), later);
        }
    }
    while (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        const auto [cost, u] = heap_.back();
        heap_.pop_back();
        if (done_[u] != 0 || cost > labels_[u].cost) {
            continue;
        }
        done_[u] = 1;
        const Label from = labels_[u];
        for (std::uint32_t a = graph.offsets_[u]; a < graph.offsets_[u + 1]; ++a) {
            const TransitGraph::Arc& arc = graph.arcs_[a];
            const double c = from.cost + arc.walk_min + arc.wait_min + arc.in_vehicle_min +
                             arc.penalty_min;
            Label& to = labels_[arc.target];
            if (done_[arc.target] == 0 && c < to.cost) {
                to.cost = c;
                to.walk_min = from.walk_min + arc.walk_min;
                to.wait_min = from.wait_min + arc.wait_min;
                to.in_vehicle_min = from.in_vehicle_min + arc.in_vehicle_min;
                to.penalty_min = from.penalty_min + arc.penalty_min;
                to.boardings = from.boardings + arc.boardings;
                heap_.emplace_back(c, arc.target);
                std::push_heap(heap_.begin(), heap_.end(), later);
            }
        }
    }
}

TransitSkim transit_skim(const TransitGraph& graph, const ZoneStopLinks& access,
                         const ZoneStopLinks& egress, std::size_t zone_count) {
    check_links(access, zone_count, graph.stop_count(), "access");
    check_links(egress, zone_count, graph.stop_count(), "egress");
    TransitSkim out;
    out.zone_count = zone_count;
    const std::size_t cells = zone_count * zone_count;
    out.walk_min.assign(cells, infinite_min);
    out.wait_min.assign(cells, infinite_min);
    out.in_vehicle_min.assign(cells, infinite_min);
    out.penalty_min.assign(cells, infinite_min);
    out.transfers.assign(cells, infinite_min);
    const auto rows = static_cast<std::ptrdiff_t>(zone_count);
#pragma omp parallel
    {
        TransitQuery query;
#pragma omp for schedule(dynamic, 1)
        for (std::ptrdiff_t oi = 0; oi < rows; ++oi) {
            const auto i = static_cast<std::size_t>(oi);
            const std::size_t a0 = access.offsets[i];
            const std::size_t a1 = access.offsets[i + 1];
            if (a0 == a1) {
                continue;
            }
            query.run(graph, access.stops.subspan(a0, a1 - a0),
                      access.walk_min.subspan(a0, a1 - a0));
            for (std::size_t j = 0; j < zone_count; ++j) {
                if (j == i) {
                    continue;
                }
                double best = infinite_min;
                const TransitQuery::Label* best_label = nullptr;
                double best_walk = 0.0;
                for (std::size_t k = egress.offsets[j]; k < egress.offsets[j + 1]; ++k) {
                    const TransitQuery::Label& l = query.alighted(graph, egress.stops[k]);
                    const double c = l.cost + egress.walk_min[k];
                    if (c < best) {
                        best = c;
                        best_label = &l;
                        best_walk = egress.walk_min[k];
                    }
                }
                if (best_label == nullptr) {
                    continue;
                }
                const std::size_t od = i * zone_count + j;
                out.walk_min[od] = best_label->walk_min + best_walk;
                out.wait_min[od] = best_label->wait_min;
                out.in_vehicle_min[od] = best_label->in_vehicle_min;
                out.penalty_min[od] = best_label->penalty_min;
                out.transfers[od] = static_cast<double>(best_label->boardings) - 1.0;
            }
        }
    }
    return out;
}

double combined_headway_min(std::span<const double> headways_min) {
    double frequency = 0.0;
    for (const double h : headways_min) {
        if (std::isfinite(h) && h > 0.0) {
            frequency += 1.0 / h;
        }
    }
    return frequency > 0.0 ? 1.0 / frequency : infinite_min;
}

std::vector<double> stop_headways_min(std::size_t stop_count, std::span<const TransitLine> lines,
                                      std::span<const std::uint32_t> service) {
    if (service.size() != lines.size()) {
        throw std::invalid_argument("stop_headways_min: one service id per line is needed");
    }
    // Per stop: the smallest headway of each service serving it (ordered map: fixed sum order).
    std::vector<std::map<std::uint32_t, double>> per_stop(stop_count);
    for (std::size_t l = 0; l < lines.size(); ++l) {
        for (const std::uint32_t s : lines[l].stops) {
            if (s >= stop_count) {
                throw std::invalid_argument("stop_headways_min: stop index out of range");
            }
            auto [it, inserted] = per_stop[s].emplace(service[l], lines[l].headway_min);
            if (!inserted) {
                it->second = std::min(it->second, lines[l].headway_min);
            }
        }
    }
    std::vector<double> out(stop_count, infinite_min);
    std::vector<double> h;
    for (std::size_t s = 0; s < stop_count; ++s) {
        h.clear();
        for (const auto& [id, headway] : per_stop[s]) {
            h.push_back(headway);
        }
        out[s] = combined_headway_min(h);
    }
    return out;
}

} // namespace lauter::kernels::mobility
