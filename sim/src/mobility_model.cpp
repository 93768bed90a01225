#include "mobility_access_layers.hpp"

#include <lauter/kernels/mobility/accessibility.hpp>
#include <lauter/kernels/mobility/cycling_stress.hpp>
#include <lauter/kernels/mobility/demand.hpp>
#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/kernels/mobility/skims.hpp>
#include <lauter/kernels/mobility/speed_models.hpp>
#include <lauter/kernels/rasterize.hpp>
#include <lauter/sim/bus_lines.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/mobility_model.hpp>
#include <lauter/sim/osm_network.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/residents.hpp>
#include <lauter/sim/vector_input.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace lauter::sim {

namespace {

namespace mob = kernels::mobility;
using mob::ChoiceMode;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr std::size_t k_walk = static_cast<std::size_t>(ChoiceMode::walk);
constexpr std::size_t k_bike = static_cast<std::size_t>(ChoiceMode::bike);
constexpr std::size_t k_ebike = static_cast<std::size_t>(ChoiceMode::ebike);
constexpr std::size_t k_bus = static_cast<std::size_t>(ChoiceMode::bus);
constexpr std::size_t k_car = static_cast<std::size_t>(ChoiceMode::car);

constexpr std::array<std::string_view, 16> highway_names = {
    "motorway", "trunk",   "primary",   "secondary", "tertiary", "unclassified",
    "residential", "living_street", "service", "pedestrian", "footway", "cycleway",
    "path",     "track",   "steps",     "other"};
constexpr std::array<std::string_view, 6> facility_names = {"none",      "shared_lane", "lane",
                                                            "boulevard", "track",       "path"};

/// Nearest node of a node subset: a uniform bucket grid over the nodes (cell_m buckets), searched
/// ring by ring until no closer node can exist. One-off index per run; queries are const.
class NodeLocator {
public:
    NodeLocator(const mob::Graph& g, mob::Mode mode, double cell_m) : graph_(&g), cell_m_(cell_m) {
        const auto first = g.first_out();
        const auto heads = g.head();
        const auto modes = g.modes();
        const std::uint8_t bits = mob::usable_bits(mode);
        std::vector<std::uint8_t> has_out(g.node_count(), 0);
        std::vector<std::uint8_t> has_in(g.node_count(), 0);
        for (mob::NodeId v = 0; v < g.node_count(); ++v) {
            for (std::uint32_t e = first[v]; e < first[v + 1]; ++e) {
                if ((modes[e] & bits) != 0) {
                    has_out[v] = 1;
                    has_in[heads[e]] = 1;
                }
            }
        }
        const auto xs = g.node_x_m();
        const auto ys = g.node_y_m();
        for (mob::NodeId v = 0; v < g.node_count(); ++v) {
            if (has_out[v] != 0 && has_in[v] != 0) {
                buckets_[key(bucket(xs[v]), bucket(ys[v]))].push_back(v);
                ++count_;
            }
        }
    }

    /// Nearest usable node and its distance; invalid_id if the subset is empty. The search may
    /// stop once no node within `max_m` can remain (the answer is then farther than max_m or
    /// invalid_id); a node within max_m is found exactly as without the bound.
    [[nodiscard]] std::pair<mob::NodeId, double> nearest(double x, double y,
                                                         double max_m = inf) const {
        mob::NodeId best = mob::invalid_id;
        double best_d2 = inf;
        if (count_ == 0) {
            return {best, inf};
        }
        const std::int64_t bx = bucket(x);
        const std::int64_t by = bucket(y);
        const auto xs = graph_->node_x_m();
        const auto ys = graph_->node_y_m();
        for (std::int64_t ring = 0;; ++ring) {
            // Every node outside the rings searched so far is at least ring * cell away.
            const double reach = static_cast<double>(std::max<std::int64_t>(ring - 1, 0)) * cell_m_;
            if ((best != mob::invalid_id && reach * reach > best_d2) || reach > max_m) {
                break;
            }
            for (std::int64_t dy = -ring; dy <= ring; ++dy) {
                for (std::int64_t dx = -ring; dx <= ring; ++dx) {
                    if (std::max(std::abs(dx), std::abs(dy)) != ring) {
                        continue;
                    }
                    const auto it = buckets_.find(key(bx + dx, by + dy));
                    if (it == buckets_.end()) {
                        continue;
                    }
                    for (const mob::NodeId v : it->second) {
                        const double ddx = xs[v] - x;
                        const double ddy = ys[v] - y;
                        const double d2 = ddx * ddx + ddy * ddy;
                        if (d2 < best_d2 || (d2 == best_d2 && v < best)) {
                            best_d2 = d2;
                            best = v;
                        }
                    }
                }
            }
        }
        return {best, std::sqrt(best_d2)};
    }

private:
    [[nodiscard]] std::int64_t bucket(double v) const {
        return static_cast<std::int64_t>(std::floor(v / cell_m_));
    }
    [[nodiscard]] static std::int64_t key(std::int64_t bx, std::int64_t by) {
        return bx * 100000007LL + by;
    }

    const mob::Graph* graph_;
    double cell_m_;
    std::size_t count_ = 0;
    std::unordered_map<std::int64_t, std::vector<mob::NodeId>> buckets_;
};

/// A CSR adjacency of the walkable edges, forward (tail -> head) or reversed, with two weights.
struct WalkCsr {
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint32_t> targets;
    std::vector<double> metres;
    std::vector<double> minutes;
    [[nodiscard]] mob::CsrGraph by_metres() const { return {offsets, targets, metres}; }
    [[nodiscard]] mob::CsrGraph by_minutes() const { return {offsets, targets, minutes}; }
};

WalkCsr walk_csr(const mob::Graph& g, std::span<const float> walk_time_s, bool reversed) {
    WalkCsr c;
    const std::size_t n = g.node_count();
    const auto tails = g.tail();
    const auto heads = g.head();
    const auto length = g.length_m();
    std::vector<std::uint32_t> count(n + 1, 0);
    const auto usable = [&](std::size_t e) { return std::isfinite(walk_time_s[e]); };
    for (std::size_t e = 0; e < g.edge_count(); ++e) {
        if (usable(e)) {
            ++count[(reversed ? heads[e] : tails[e]) + 1];
        }
    }
    for (std::size_t v = 0; v < n; ++v) {
        count[v + 1] += count[v];
    }
    c.offsets = count;
    c.targets.resize(count[n]);
    c.metres.resize(count[n]);
    c.minutes.resize(count[n]);
    std::vector<std::uint32_t> fill(count.begin(), count.end() - 1);
    for (std::size_t e = 0; e < g.edge_count(); ++e) {
        if (!usable(e)) {
            continue;
        }
        const std::uint32_t from = reversed ? heads[e] : tails[e];
        const std::uint32_t slot = fill[from]++;
        c.targets[slot] = reversed ? tails[e] : heads[e];
        c.metres[slot] = static_cast<double>(length[e]);
        c.minutes[slot] = static_cast<double>(walk_time_s[e]) / 60.0;
    }
    return c;
}

/// Intrazonal entries: half the smallest finite value to another zone (0 if there is none).
void set_intrazonal(std::vector<double>& m, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        double smallest = inf;
        for (std::size_t j = 0; j < n; ++j) {
            if (j != i && std::isfinite(m[i * n + j])) {
                smallest = std::min(smallest, m[i * n + j]);
            }
        }
        m[i * n + i] = std::isfinite(smallest) ? 0.5 * smallest : 0.0;
    }
}

std::vector<double> scaled(std::vector<double> m, double factor) {
    for (double& v : m) {
        v *= factor;
    }
    return m;
}

struct Origins {
    std::vector<double> x_m;
    std::vector<double> y_m;
    std::vector<double> residents;
    std::vector<std::uint32_t> zone;
};

/// The origins that lie in a zone, as the results table `origins` (the batch comparison gives
/// each zone's values to its districts by these residents and locations).
Table origins_table(const Origins& origins) {
    std::vector<double> x, y, residents;
    std::vector<std::int64_t> zone;
    for (std::size_t o = 0; o < origins.x_m.size(); ++o) {
        if (origins.zone[o] == mob::invalid_index) {
            continue;
        }
        x.push_back(origins.x_m[o]);
        y.push_back(origins.y_m[o]);
        residents.push_back(origins.residents[o]);
        zone.push_back(static_cast<std::int64_t>(origins.zone[o]));
    }
    Table t;
    t.add_column("x", std::move(x), "m")
        .add_column("y", std::move(y), "m")
        .add_column("residents", std::move(residents), "1")
        .add_column("zone", std::move(zone), "1");
    return t;
}

/// The bike (or e-bike) level of service of one network state.
struct BikeSkim {
    std::vector<float> cost_s;     ///< perceived cost per edge
    std::vector<double> cost_min;  ///< perceived minutes along the path (the utility's time)
    std::vector<double> time_min;  ///< physical riding time along the path
    std::vector<double> climb_m;   ///< ascent along the path
    /// Only with route_shape (the PCT cross-check): length and descent along the path, 0 from
    /// a zone to itself.
    std::vector<double> length_m;
    std::vector<double> descent_m;
};

/// `turns`: turn costs of this profile (null: node-based routes, turn penalty 0).
BikeSkim bike_skim(const mob::Graph& g, std::span<const float> time_s,
                   std::span<const std::uint8_t> lts,
                   std::span<const mob::CycleFacility> facility_override,
                   std::span<const mob::NodeId> nodes, std::size_t n,
                   const mob::TurnCosts* turns, bool route_shape = false) {
    BikeSkim b;
    const mob::CyclingStressParams stress;
    b.cost_s = mob::cycling_perceived_cost_s(g, time_s, lts, stress);
    if (!facility_override.empty()) {
        // The cost kernel reads the facility from the graph; a measure's facility replaces that
        // term on its edges: cost += time * (beta_new - beta_old) (cycling_stress.hpp).
        const auto facility = g.facility();
        for (std::size_t e = 0; e < g.edge_count(); ++e) {
            if (facility_override[e] != facility[e] && std::isfinite(b.cost_s[e])) {
                const double delta =
                    stress.facility_term[static_cast<std::size_t>(facility_override[e])] -
                    stress.facility_term[static_cast<std::size_t>(facility[e])];
                b.cost_s[e] += static_cast<float>(static_cast<double>(time_s[e]) * delta);
            }
        }
    }
    std::vector<float> climb(g.climb_m().begin(), g.climb_m().end());
    std::vector<std::span<const float>> values = {time_s, climb};
    if (route_shape) {
        values.push_back(g.length_m());
        values.push_back(g.descent_m());
    }
    mob::PathSums sums = mob::path_sums(g, nodes, nodes, b.cost_s, values, turns);
    b.cost_min = scaled(std::move(sums.cost), 1.0 / 60.0);
    set_intrazonal(b.cost_min, n);
    b.time_min = scaled(std::move(sums.sums[0]), 1.0 / 60.0);
    b.climb_m = std::move(sums.sums[1]);
    set_intrazonal(b.time_min, n);
    for (std::size_t i = 0; i < n; ++i) {
        b.climb_m[i * n + i] = 0.0;
    }
    if (route_shape) {
        b.length_m = std::move(sums.sums[2]);
        b.descent_m = std::move(sums.sums[3]);
    }
    return b;
}

/// LTS of every edge with the scenario's facilities and speed limits (maxspeed_kmh: the
/// graph's tags, capped by traffic calming; 0 = untagged).
std::vector<std::uint8_t> lts_with(const mob::Graph& g,
                                   std::span<const mob::CycleFacility> facility,
                                   std::span<const float> maxspeed_kmh) {
    std::vector<std::uint8_t> lts(g.edge_count());
    for (std::size_t e = 0; e < g.edge_count(); ++e) {
        lts[e] = mob::edge_lts(g.highway()[e], g.modes()[e], facility[e],
                               static_cast<double>(maxspeed_kmh[e]), g.lanes()[e]);
    }
    return lts;
}

/// Distance (m) from p to the polyline `line` (study CRS).
double distance_to_line_m(double px, double py, const std::vector<MapPoint>& line) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
        const double ax = line[k][0];
        const double ay = line[k][1];
        const double dx = line[k + 1][0] - ax;
        const double dy = line[k + 1][1] - ay;
        const double length2 = dx * dx + dy * dy;
        const double t =
            length2 > 0.0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / length2, 0.0, 1.0) : 0.0;
        best = std::min(best, std::hypot(px - (ax + t * dx), py - (ay + t * dy)));
    }
    if (line.size() == 1) {
        best = std::hypot(px - line[0][0], py - line[0][1]);
    }
    return best;
}

/// Even-odd point-in-polygon test over every ring of a calming area.
bool inside_rings(double px, double py, const std::vector<std::vector<MapPoint>>& rings) {
    bool inside = false;
    for (const std::vector<MapPoint>& ring : rings) {
        for (std::size_t k = 0, j = ring.size() - 1; k < ring.size(); j = k++) {
            const bool crosses = (ring[k][1] > py) != (ring[j][1] > py);
            if (crosses && px < (ring[j][0] - ring[k][0]) * (py - ring[k][1]) /
                                         (ring[j][1] - ring[k][1]) +
                                     ring[k][0]) {
                inside = !inside;
            }
        }
    }
    return inside;
}

std::string number_text(double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

/// E-bike ownership share per origin zone after the ebike_ownership measures in list order: a
/// measure sets every zone, the zones whose residents-weighted centre lies in one of its areas,
/// or its named zones. An area that selects no zone is a warning naming the measure (it changes
/// nothing); an unknown zone name is an InputError.
std::vector<double> scenario_ebike_shares(const Scenario& s, const MobilityZones& z,
                                          const std::string& osm_file) {
    const MobilityModelSettings& ms = s.models.mobility;
    const std::size_t n = z.name.size();
    std::vector<double> share(n, ms.ebike_ownership_share);
    for (const EbikeOwnershipMeasure& measure : ms.ebike_ownership) {
        if (measure.areas.empty() && measure.zones.empty()) {
            std::fill(share.begin(), share.end(), measure.share);
            continue;
        }
        std::size_t selected = 0;
        for (std::size_t i = 0; i < n; ++i) {
            bool in = false;
            for (const MapRings& rings : measure.areas) {
                in = in || inside_rings(z.x_m[i], z.y_m[i], rings);
            }
            in = in || std::find(measure.zones.begin(), measure.zones.end(), z.name[i]) !=
                           measure.zones.end();
            if (in) {
                share[i] = measure.share;
                ++selected;
            }
        }
        for (const std::string& name : measure.zones) {
            if (std::find(z.name.begin(), z.name.end(), name) == z.name.end()) {
                std::string known;
                for (std::size_t i = 0; i < n && i < 8; ++i) {
                    known += (i > 0 ? ", " : "") + z.name[i];
                }
                throw InputError(s.source_file.string() + ": " + measure.label + ": zone '" +
                                 name + "' is not a zone of the mobility model on " + osm_file +
                                 " (zones: " + known +
                                 (n > 8 ? ", ..." : "") + "; see the results table `zones`); "
                                 "correct the name in `zones`");
            }
        }
        if (selected == 0) {
            log_warning("mobility: " + measure.label + ": the area contains the residents-"
                        "weighted centre of no zone; the e-bike ownership share " +
                        number_text(measure.share) + " changes nothing");
        } else {
            log_info("mobility: " + measure.label + ": e-bike ownership share " +
                     number_text(measure.share) + " in " + std::to_string(selected) + " of " +
                     std::to_string(n) + " zones");
        }
    }
    return share;
}

/// The bus part of a run: line tables (baseline and with the headway measures), skims and the
/// stop headways of the accessibility classes.
struct BusNetworkRun {
    BusLineTable baseline;
    BusSkim skim;
    BusSkim scenario_skim; ///< only with bus_headway measures
    std::vector<double> stop_headway_min; ///< combined, scenario headways (one per stop)
};

BusNetworkRun bus_network_run(const Scenario& s, const MobilityModelSettings& ms,
                              const MobilityNetwork& net, const mob::Graph& g,
                              std::span<const float> car_s, const mob::CsrGraph& walk_forward_min,
                              const mob::CsrGraph& walk_reversed_min,
                              std::span<const mob::NodeId> walk_node,
                              const NodeLocator& walk_locator, const NodeLocator& car_locator,
                              MobilityRun& run) {
    BusNetworkRun out;
    std::vector<BusLineSpec> file_lines;
    if (ms.bus_lines_file) {
        file_lines = read_bus_line_file(*ms.bus_lines_file);
    }
    BusTableSettings table_settings;
    table_settings.default_headway_min = ms.bus_headway_min;
    table_settings.speed_factor = ms.bus_speed_factor;
    table_settings.dwell_s = ms.bus_dwell_s;
    table_settings.max_snap_m = ms.max_snap_m;
    out.baseline = build_bus_line_table(
        g, car_s, net.bus, file_lines, ms.bus_lines_file.value_or(std::filesystem::path()),
        net.crs_wkt, [&](double x, double y) { return walk_locator.nearest(x, y); },
        [&](double x, double y) { return car_locator.nearest(x, y); }, table_settings);
    BusLineTable scenario = out.baseline;
    for (const BusHeadwayMeasure& change : ms.bus_headway_changes) {
        apply_bus_headway(scenario, change.headway_min, change.lines,
                          s.source_file.string() + ": a bus_headway modification");
    }
    BusWalkSettings walk_settings;
    walk_settings.max_access_walk_min = ms.bus_max_access_walk_min;
    walk_settings.max_transfer_walk_min = ms.bus_max_transfer_walk_min;
    const BusWalkLinks links = bus_walk_links(walk_forward_min, walk_reversed_min, walk_node,
                                              out.baseline.stop_walk_node, walk_settings);
    const std::size_t n = walk_node.size();
    out.skim = bus_skim(out.baseline, links, n, ms.bus_transfer_penalty_min);
    if (!ms.bus_headway_changes.empty()) {
        out.scenario_skim = bus_skim(scenario, links, n, ms.bus_transfer_penalty_min);
    }
    out.stop_headway_min = mob::stop_headways_min(out.baseline.stop_walk_node.size(),
                                                  scenario.lines, scenario.service);
    run.bus_stops_used = out.baseline.stop_walk_node.size();

    const std::size_t lines = out.baseline.lines.size();
    std::vector<std::int64_t> stops(lines);
    std::vector<double> ivt(lines);
    std::vector<double> base_headway(lines);
    std::vector<double> headway(lines);
    for (std::size_t l = 0; l < lines; ++l) {
        const mob::TransitLine& line = out.baseline.lines[l];
        stops[l] = static_cast<std::int64_t>(line.stops.size());
        ivt[l] = 0.0;
        for (const double r : line.ride_min) {
            ivt[l] += r;
        }
        base_headway[l] = line.headway_min;
        headway[l] = scenario.lines[l].headway_min;
    }
    run.bus_lines.add_column("ref", out.baseline.ref)
        .add_column("name", out.baseline.name)
        .add_column("stops", std::move(stops))
        .add_column("length", out.baseline.length_km, "km")
        .add_column("in_vehicle_time", std::move(ivt), "min")
        .add_column("baseline_headway", std::move(base_headway), "min")
        .add_column("headway", std::move(headway), "min");
    log_info("mobility: " + std::to_string(lines) + " bus lines (" +
             std::to_string(out.baseline.osm_routes) + " OSM routes, " +
             std::to_string(out.baseline.file_routes) + " from the line file), " +
             std::to_string(run.bus_stops_used) + " stops, " +
             std::to_string(links.transfers.size()) + " transfer walks");
    return out;
}

} // namespace

MobilityNetwork build_scenario_network(const Scenario& s) {
    const std::optional<std::string> dem_crs =
        s.inputs.dem_crs.empty() ? std::nullopt : std::optional<std::string>(s.inputs.dem_crs);
    return build_mobility_network(*s.inputs.osm, *s.inputs.dem, s.study_area.crs_wkt, {}, dem_crs);
}

MobilityRun run_mobility(const Scenario& s, const StudyArea& area) {
    const StepTimer network_timer;
    const MobilityNetwork net = build_scenario_network(s);
    return run_mobility(s, area, net, network_timer.seconds());
}

MobilityRun run_mobility(const Scenario& s, const StudyArea& area, const MobilityNetwork& net,
                         double network_seconds) {
    const MobilityModelSettings& ms = s.models.mobility;
    const StepTimer total_timer;
    MobilityRun run;
    if (!area.land_cover) {
        throw ConfigError(s.source_file.string() + ": models.mobility.enabled: the mobility model "
                          "estimates residents from OSM buildings and needs the land-cover model; "
                          "set models.landcover.enabled: true");
    }
    const std::string osm_file = s.inputs.osm->string();

    // 1. Network (built by the caller, possibly shared by several scenarios).
    const mob::Graph& g = net.graph;
    run.network_seconds = network_seconds;
    run.node_count = g.node_count();
    log_info("mobility: street network " + std::to_string(g.node_count()) + " nodes, " +
             std::to_string(g.edge_count()) + " edges in " + number_text(run.network_seconds) +
             " s");

    // 2. Origins: residential buildings at the centre of their cells.
    const OsmLandCover& lc = *area.land_cover;
    const kernels::GridSpec& grid = area.grid;
    std::vector<double> sx(lc.buildings.size(), 0.0);
    std::vector<double> sy(lc.buildings.size(), 0.0);
    std::vector<double> cells(lc.buildings.size(), 0.0);
    for (std::size_t row = 0; row < grid.rows; ++row) {
        for (std::size_t col = 0; col < grid.cols; ++col) {
            const std::int32_t id = lc.building_id[row * grid.cols + col];
            if (id > 0) {
                const auto b = static_cast<std::size_t>(id - 1);
                sx[b] += grid.cell_centre_x(col);
                sy[b] += grid.cell_centre_y(row);
                cells[b] += 1.0;
            }
        }
    }
    Origins origins;
    const BuildingResidents estimate = estimate_building_residents(lc, ms.residents);
    run.residents_note = residents_estimate_note(ms.residents);
    for (std::size_t b = 0; b < lc.buildings.size(); ++b) {
        if (cells[b] == 0.0 || !(estimate.residents[b] > 0.0)) {
            continue;
        }
        origins.x_m.push_back(sx[b] / cells[b]);
        origins.y_m.push_back(sy[b] / cells[b]);
        origins.residents.push_back(estimate.residents[b]);
    }

    // 3. Zones.
    std::vector<std::uint32_t> zone_of(origins.x_m.size(), mob::invalid_index);
    std::vector<std::string> zone_names;
    std::vector<kernels::Polygon> districts;
    std::map<std::pair<std::int64_t, std::int64_t>, std::uint32_t> grid_zone;
    const auto district_of = [&](double x, double y) -> std::uint32_t {
        for (std::size_t d = 0; d < districts.size(); ++d) {
            if (kernels::polygon_contains(districts[d], {x, y})) {
                return static_cast<std::uint32_t>(d);
            }
        }
        return mob::invalid_index;
    };
    const auto grid_key = [&](double x, double y) {
        return std::pair<std::int64_t, std::int64_t>{
            static_cast<std::int64_t>(std::floor((grid.y0 - y) / ms.zone_size_m)),
            static_cast<std::int64_t>(std::floor((x - grid.x0) / ms.zone_size_m))};
    };
    if (ms.districts) {
        districts = read_polygons(*ms.districts, s.study_area.crs_wkt, std::nullopt, std::nullopt,
                                  "models.mobility.zones.districts")
                        .polygons;
        for (std::size_t d = 0; d < districts.size(); ++d) {
            zone_names.push_back("district_" + std::to_string(d + 1));
        }
        for (std::size_t o = 0; o < zone_of.size(); ++o) {
            zone_of[o] = district_of(origins.x_m[o], origins.y_m[o]);
        }
    } else {
        for (std::size_t o = 0; o < zone_of.size(); ++o) {
            const auto k = grid_key(origins.x_m[o], origins.y_m[o]);
            auto [it, inserted] = grid_zone.try_emplace(k, 0);
            if (inserted) {
                it->second = static_cast<std::uint32_t>(zone_names.size());
                zone_names.push_back("r" + std::to_string(k.first) + "_c" +
                                     std::to_string(k.second));
            }
            zone_of[o] = it->second;
        }
    }
    const std::size_t n = zone_names.size();
    MobilityZones& z = run.zones;
    z.name = zone_names;
    z.x_m.assign(n, 0.0);
    z.y_m.assign(n, 0.0);
    z.residents.assign(n, 0.0);
    z.pois.assign(n, 0.0);
    double residents_total = 0.0;
    for (std::size_t o = 0; o < zone_of.size(); ++o) {
        if (zone_of[o] == mob::invalid_index) {
            continue;
        }
        const std::size_t i = zone_of[o];
        z.residents[i] += origins.residents[o];
        z.x_m[i] += origins.residents[o] * origins.x_m[o];
        z.y_m[i] += origins.residents[o] * origins.y_m[o];
        residents_total += origins.residents[o];
        ++run.buildings_used;
    }
    if (!(residents_total > 0.0)) {
        throw InputError(osm_file + ": no residential building (house, apartments, ..., or "
                         "building=yes on residential or unmapped land, of at least " +
                         schema::format_number(ms.residents.min_footprint_m2) +
                         " m2) lies in the study area" +
                         (ms.districts ? " and inside the districts of " + ms.districts->string()
                                       : std::string()) +
                         ", so the mobility model has no residents; use an extract with "
                         "buildings or check the study area");
    }
    std::vector<std::string> empty;
    for (std::size_t i = 0; i < n; ++i) {
        if (z.residents[i] > 0.0) {
            z.x_m[i] /= z.residents[i];
            z.y_m[i] /= z.residents[i];
        } else {
            empty.push_back(z.name[i]);
        }
    }
    if (!empty.empty()) {
        std::string list;
        for (std::size_t k = 0; k < empty.size() && k < 10; ++k) {
            list += (k > 0 ? ", " : "") + empty[k];
        }
        throw InputError(ms.districts->string() + ": " + std::to_string(empty.size()) +
                         " district(s) contain no residential building and hence no residents (" +
                         list + "; districts are numbered in file order); remove them from the "
                         "file or merge them with a neighbour (models.mobility.zones.districts)");
    }
    if (n < 2) {
        throw InputError(osm_file + ": the residents fall into " + std::to_string(n) +
                         " zone; the mobility model needs at least 2 zones: give smaller "
                         "models.mobility.zones.size_m or a district file");
    }
    if (ms.residents.total > 0.0) {
        const double f = residents_scale_factor(ms.residents, residents_total);
        for (double& r : z.residents) {
            r *= f;
        }
        for (double& r : origins.residents) {
            r *= f;
        }
        residents_total = ms.residents.total;
    }
    origins.zone = zone_of;
    // The measures' zones are known now: a wrong zone name fails before the expensive steps.
    const std::vector<double> scenario_ebike_share =
        ms.ebike_ownership.empty() ? std::vector<double>()
                                   : scenario_ebike_shares(s, z, osm_file);

    // POIs per zone.
    for (const PointOfInterest& poi : net.pois) {
        std::uint32_t i = mob::invalid_index;
        if (ms.districts) {
            i = district_of(poi.x_m, poi.y_m);
        } else if (const auto it = grid_zone.find(grid_key(poi.x_m, poi.y_m));
                   it != grid_zone.end()) {
            i = it->second;
        }
        if (i != mob::invalid_index) {
            z.pois[i] += 1.0;
        }
    }

    // Snap zone centres per network mode.
    const NodeLocator walk_locator(g, mob::Mode::walk, 200.0);
    const NodeLocator bike_locator(g, mob::Mode::bike, 200.0);
    const NodeLocator car_locator(g, mob::Mode::car, 200.0);
    std::vector<mob::NodeId> walk_node(n);
    std::vector<mob::NodeId> bike_node(n);
    std::vector<mob::NodeId> car_node(n);
    for (std::size_t i = 0; i < n; ++i) {
        walk_node[i] = walk_locator.nearest(z.x_m[i], z.y_m[i]).first;
        bike_node[i] = bike_locator.nearest(z.x_m[i], z.y_m[i]).first;
        car_node[i] = car_locator.nearest(z.x_m[i], z.y_m[i]).first;
        if (walk_node[i] == mob::invalid_id || bike_node[i] == mob::invalid_id ||
            car_node[i] == mob::invalid_id) {
            throw InputError(osm_file + ": the street network lacks a walk, bike or car "
                             "network; the mobility model needs all three");
        }
    }

    // 4. Skims.
    mob::TravelProfile walk_profile;
    walk_profile.mode = mob::Mode::walk;
    mob::TravelProfile bike_profile;
    bike_profile.mode = mob::Mode::bike;
    bike_profile.bike.rider_power_w = ms.bike_power_w;
    bike_profile.bike.system_mass_kg = ms.bike_mass_kg;
    mob::TravelProfile ebike_profile;
    ebike_profile.mode = mob::Mode::bike;
    ebike_profile.bike = mob::pedelec_params();
    ebike_profile.bike.rider_power_w = ms.ebike_power_w;
    ebike_profile.bike.assist_power_w = ms.ebike_assist_w;
    ebike_profile.bike.system_mass_kg = ms.ebike_mass_kg;
    mob::TravelProfile car_profile;
    car_profile.mode = mob::Mode::car;
    car_profile.car.urban_factor = ms.car_urban_factor;
    const std::vector<float> walk_s = mob::edge_travel_times_s(g, walk_profile);
    const std::vector<float> bike_s = mob::edge_travel_times_s(g, bike_profile);
    const std::vector<float> ebike_s = mob::edge_travel_times_s(g, ebike_profile);
    const std::vector<float> car_s = mob::edge_travel_times_s(g, car_profile);
    const std::vector<float> length(g.length_m().begin(), g.length_m().end());

    const std::array<std::span<const float>, 1> length_values = {length};
    mob::PathSums walk = mob::path_sums(g, walk_node, walk_node, walk_s, length_values);
    std::vector<double> walk_min = scaled(walk.cost, 1.0 / 60.0);
    std::vector<double> walk_km = scaled(walk.sums[0], 1e-3);
    set_intrazonal(walk_min, n);
    set_intrazonal(walk_km, n);
    mob::PathSums car = mob::path_sums(g, car_node, car_node, car_s, length_values);
    std::vector<double> car_min = scaled(car.cost, 1.0 / 60.0);
    std::vector<double> car_km = scaled(car.sums[0], 1e-3);
    set_intrazonal(car_min, n);
    set_intrazonal(car_km, n);

    const std::vector<mob::CycleFacility> base_facility(g.facility().begin(), g.facility().end());
    const std::vector<std::uint8_t> base_lts = mob::level_of_traffic_stress(g);
    // Turn penalties (issue 6 item 3) make the bike and e-bike routes turn-aware; with a
    // penalty of 0 the routes stay node-based and reproduce the results without turn costs.
    std::optional<mob::TurnGeometry> turn_geometry;
    std::vector<float> bike_turn_s;
    std::vector<float> ebike_turn_s;
    if (ms.bike_turn_penalty_m > 0.0) {
        mob::CyclingStressParams turn_params;
        turn_params.turn_penalty_m = ms.bike_turn_penalty_m;
        turn_geometry.emplace(g);
        bike_turn_s = mob::cycling_turn_penalty_s(g, bike_s, turn_params);
        ebike_turn_s = mob::cycling_turn_penalty_s(g, ebike_s, turn_params);
    }
    const mob::TurnCosts bike_turns{turn_geometry ? &*turn_geometry : nullptr, bike_turn_s};
    const mob::TurnCosts ebike_turns{turn_geometry ? &*turn_geometry : nullptr, ebike_turn_s};
    const mob::TurnCosts* bike_tc = turn_geometry ? &bike_turns : nullptr;
    const mob::TurnCosts* ebike_tc = turn_geometry ? &ebike_turns : nullptr;
    const BikeSkim bike = bike_skim(g, bike_s, base_lts, {}, bike_node, n, bike_tc, true);
    const BikeSkim ebike = bike_skim(g, ebike_s, base_lts, {}, bike_node, n, ebike_tc);

    // Bus: lines from OSM route relations and the line file, frequency-based skim.
    const WalkCsr walk_forward = walk_csr(g, walk_s, false);
    const WalkCsr walk_reversed = walk_csr(g, walk_s, true);
    const BusNetworkRun bus_run = bus_network_run(s, ms, net, g, car_s, walk_forward.by_minutes(),
                                                  walk_reversed.by_minutes(), walk_node,
                                                  walk_locator, car_locator, run);
    const std::vector<std::uint32_t>& stop_walk = bus_run.baseline.stop_walk_node;
    const std::vector<double>& bus_ivt = bus_run.skim.skim.in_vehicle_min;
    const std::vector<double>& bus_access = bus_run.skim.skim.walk_min;
    const std::vector<double>& bus_headway = bus_run.skim.headway_min;

    // 5. Demand.
    mob::TripProductionParams production;
    production.trips_per_resident_per_day = ms.trips_per_resident;
    z.productions = mob::trip_productions(z.residents, production);
    double trips_total = 0.0;
    for (const double p : z.productions) {
        trips_total += p;
    }
    double poi_total = 0.0;
    for (const double p : z.pois) {
        poi_total += p;
    }
    const double home_share = poi_total > 0.0 ? ms.home_attraction_share : 1.0;
    z.attractions.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        z.attractions[i] = home_share * trips_total * z.residents[i] / residents_total;
        if (poi_total > 0.0) {
            z.attractions[i] += (1.0 - home_share) * trips_total * z.pois[i] / poi_total;
        }
    }
    mob::BetaCalibration beta;
    try {
        beta = mob::calibrate_exponential_beta(z.productions, z.attractions, walk_km,
                                               ms.mean_trip_km);
    } catch (const std::invalid_argument& e) {
        throw InputError(s.source_file.string() + ": models.mobility.demand.mean_trip_km = " +
                         number_text(ms.mean_trip_km) + " km cannot be reached on this zone "
                         "system (" + e.what() + "); give a shorter mean trip length");
    }
    if (!beta.converged) {
        throw RuntimeFailure("mobility: the gravity model's beta did not converge");
    }
    run.gravity_beta_per_km = beta.beta_per_cost;
    run.model_mean_trip_km = beta.mean_cost;
    mob::DeterrenceParams deterrence;
    deterrence.beta_per_cost = beta.beta_per_cost;
    const mob::DistributionResult trips =
        mob::distribute_gravity(z.productions, z.attractions, walk_km, deterrence);
    // The balancing normalises attractions to the productions; report what was distributed.
    for (std::size_t j = 0; j < n; ++j) {
        double column = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            column += trips.trips[i * n + j];
        }
        z.attractions[j] = column;
    }

    // 6. Mode choice.
    const std::vector<double> parking(n, ms.parking_search_min);
    const std::vector<double> ebike_share(n, ms.ebike_ownership_share);
    const auto skims_for = [&](const BikeSkim& b, const BikeSkim& e) {
        mob::ModeSkims k;
        k.zone_count = n;
        k.walk_time_min = walk_min;
        k.bike_time_min = b.cost_min;
        k.bike_climb_m = b.climb_m;
        k.ebike_time_min = e.cost_min;
        k.ebike_climb_m = e.climb_m;
        k.bus_in_vehicle_min = bus_ivt;
        k.bus_headway_min = bus_headway;
        k.bus_access_min = bus_access;
        k.car_time_min = car_min;
        k.car_distance_km = car_km;
        k.parking_search_min = parking;
        k.ebike_share = ebike_share;
        return k;
    };
    mob::ModeChoiceParams choice;
    choice.time_util_per_min = ms.time_util_per_min;
    choice.car_cost_eur_per_km = ms.car_cost_eur_per_km;
    // The bike utilities take the perceived minutes of cycling_perceived_cost_s, whose upslope
    // terms already price the climbs (R5 / Broach et al. 2012), so k_climb is 0 as
    // mode_choice.hpp asks for such times. Facility measures act through the same minutes.
    choice.climb_min_per_m = 0.0;
    double observed_sum = 0.0;
    for (const double p : ms.observed_percent) {
        observed_sum += p;
    }
    run.target_shares = {ms.observed_percent[0] / observed_sum,
                         ms.observed_percent[1] * (1.0 - ms.ebike_share_of_bike) / observed_sum,
                         ms.observed_percent[1] * ms.ebike_share_of_bike / observed_sum,
                         ms.observed_percent[2] / observed_sum,
                         ms.observed_percent[3] / observed_sum};
    if (stop_walk.empty() && run.target_shares[k_bus] > 0.0) {
        throw InputError(osm_file + ": no bus line has 2 stops on the network (no OSM route "
                         "relation, no line in models.mobility.bus.lines_file), but "
                         "models.mobility.observed_shares_percent.bus is " +
                         number_text(ms.observed_percent[2]) + " %; set it to 0 (and the other "
                         "shares to add up to 100) or use an extract with bus stops");
    }
    const mob::ModeSkims base_skims = skims_for(bike, ebike);
    mob::CalibrationParams calibration;
    calibration.tolerance = ms.calibration_tolerance;
    try {
        run.baseline = mob::calibrate_asc(base_skims, choice, trips.trips, run.target_shares,
                                          calibration, car_km);
    } catch (const std::invalid_argument& e) {
        throw InputError(s.source_file.string() + ": models.mobility.observed_shares_percent: "
                         "the logit cannot be calibrated to these shares on this network (" +
                         std::string(e.what()) + ")");
    }
    if (!run.baseline.converged) {
        throw RuntimeFailure("mobility: the mode-choice calibration did not reach " +
                             number_text(ms.calibration_tolerance) + " (largest error " +
                             number_text(run.baseline.max_abs_error) + ")");
    }
    choice.asc = run.baseline.asc;

    // Measures: bike lanes as a facility change on the edges of the named ways.
    std::vector<mob::CycleFacility> scenario_facility = base_facility;
    const auto node_x = g.node_x_m();
    const auto node_y = g.node_y_m();
    for (const BikeLaneMeasure& lane : ms.bike_lanes) {
        std::size_t matched = 0;
        for (std::size_t e = 0; e < g.edge_count(); ++e) {
            if ((g.modes()[e] & mob::usable_bits(mob::Mode::bike)) == 0) {
                continue;
            }
            const mob::NodeId a = g.tail()[e];
            const mob::NodeId b = g.head()[e];
            const bool on_lane =
                lane.way_id != 0
                    ? g.osm_way_id(static_cast<mob::EdgeId>(e)) == lane.way_id
                    : distance_to_line_m(node_x[a], node_y[a], lane.along) <= lane.buffer_m &&
                          distance_to_line_m(node_x[b], node_y[b], lane.along) <= lane.buffer_m;
            if (on_lane) {
                scenario_facility[e] = std::max(scenario_facility[e], lane.facility);
                ++matched;
            }
        }
        if (matched == 0) {
            throw InputError(s.source_file.string() + ": bike lane " +
                             (lane.way_id != 0
                                  ? "on way " + std::to_string(lane.way_id)
                                  : "along a line within " + number_text(lane.buffer_m) + " m") +
                             " has no cyclable edge in the street network of " + osm_file +
                             "; check the way id or the line and its buffer_m");
        }
        run.bike_lane_edges += matched;
    }
    // Traffic calming: the speed limit of car edges whose midpoint lies in an area is capped;
    // the car time follows car_speed_kmh with the capped limit (never faster than before), and
    // the cycling stress uses the capped limit as well (LTS depends on the speed limit).
    std::vector<float> scenario_maxspeed(g.maxspeed_kmh().begin(), g.maxspeed_kmh().end());
    std::vector<float> scenario_car_s = car_s;
    for (const TrafficCalmingMeasure& calming : ms.traffic_calming) {
        std::size_t matched = 0;
        for (std::size_t e = 0; e < g.edge_count(); ++e) {
            const mob::NodeId a = g.tail()[e];
            const mob::NodeId b = g.head()[e];
            if (!inside_rings(0.5 * (node_x[a] + node_x[b]), 0.5 * (node_y[a] + node_y[b]),
                              calming.rings)) {
                continue;
            }
            const auto cap = static_cast<float>(calming.car_max_speed_kmh);
            if (scenario_maxspeed[e] == 0.0F || scenario_maxspeed[e] > cap) {
                scenario_maxspeed[e] = cap;
            }
            if (std::isfinite(car_s[e])) {
                const double v_kmh = mob::car_speed_kmh(
                    g.highway()[e], static_cast<double>(scenario_maxspeed[e]), car_profile.car);
                if (v_kmh > 0.0) {
                    scenario_car_s[e] = std::max(
                        car_s[e], static_cast<float>(static_cast<double>(g.length_m()[e]) * 3.6 /
                                                     v_kmh));
                }
                ++matched;
            }
        }
        if (matched == 0) {
            log_warning("mobility: a traffic-calming area (" +
                        number_text(calming.car_max_speed_kmh) +
                        " km/h) contains no car edge of the street network; it changes nothing");
        }
        run.calmed_edges += matched;
    }
    const bool calming = !ms.traffic_calming.empty();
    const bool new_headway = !ms.bus_headway_changes.empty();
    const bool new_ebike_ownership = !ms.ebike_ownership.empty();
    run.has_measures = !ms.bike_lanes.empty() || calming || new_headway || new_ebike_ownership;
    std::vector<float> bike_cost = bike.cost_s;
    std::vector<float> ebike_cost = ebike.cost_s;
    if (run.has_measures) {
        const std::vector<std::uint8_t> lts = lts_with(g, scenario_facility, scenario_maxspeed);
        const BikeSkim bike2 =
            bike_skim(g, bike_s, lts, scenario_facility, bike_node, n, bike_tc);
        const BikeSkim ebike2 =
            bike_skim(g, ebike_s, lts, scenario_facility, bike_node, n, ebike_tc);
        mob::ModeSkims scenario_skims = skims_for(bike2, ebike2);
        std::vector<double> car_min2;
        std::vector<double> car_km2;
        if (calming) {
            mob::PathSums car2 = mob::path_sums(g, car_node, car_node, scenario_car_s,
                                                length_values);
            car_min2 = scaled(std::move(car2.cost), 1.0 / 60.0);
            car_km2 = scaled(std::move(car2.sums[0]), 1e-3);
            set_intrazonal(car_min2, n);
            set_intrazonal(car_km2, n);
            scenario_skims.car_time_min = car_min2;
            scenario_skims.car_distance_km = car_km2;
        }
        if (new_headway) {
            scenario_skims.bus_in_vehicle_min = bus_run.scenario_skim.skim.in_vehicle_min;
            scenario_skims.bus_access_min = bus_run.scenario_skim.skim.walk_min;
            scenario_skims.bus_headway_min = bus_run.scenario_skim.headway_min;
        }
        // E-bike ownership enters V_ebike as ln(share) (mode_choice.hpp), so the pivot sees
        // Delta V_ebike = ln(s' / s); the same share gives Delta V = 0 and the baseline bitwise.
        // Per origin zone: zones a measure does not select keep the baseline share, so their
        // pairs see Delta V = 0 and keep the baseline split bit for bit.
        if (new_ebike_ownership) {
            scenario_skims.ebike_share = scenario_ebike_share;
        }
        const std::vector<double> v0 = mob::mode_utilities(base_skims, choice);
        const std::vector<double> v1 = mob::mode_utilities(scenario_skims, choice);
        run.scenario = mob::pivot_split(run.baseline.split, mob::utility_change(v0, v1),
                                        trips.trips, scenario_skims.car_distance_km);
        run.car_change = mob::car_change(run.baseline.split, run.scenario);
        bike_cost = bike2.cost_s;
        ebike_cost = ebike2.cost_s;
    } else {
        run.scenario = run.baseline.split;
    }

    // PCT cross-check on the baseline bike routes (mobility_pct.hpp).
    {
        std::vector<double> base_cycle(n * n);
        std::vector<double> scenario_cycle(n * n);
        for (std::size_t od = 0; od < n * n; ++od) {
            base_cycle[od] = run.baseline.split.mode_trips[k_bike * n * n + od] +
                             run.baseline.split.mode_trips[k_ebike * n * n + od];
            scenario_cycle[od] = run.scenario.mode_trips[k_bike * n * n + od] +
                                 run.scenario.mode_trips[k_ebike * n * n + od];
        }
        run.pct = pct_cross_check({n, z.name, trips.trips, bike.length_m, bike.climb_m,
                                   bike.descent_m, base_cycle, scenario_cycle});
    }

    // Level-of-service summaries of the scenario split.
    const std::array<const std::vector<double>*, 5> times = {&walk_min, &bike.time_min,
                                                             &ebike.time_min, &bus_ivt, &car_min};
    const std::array<const std::vector<double>*, 5> dists = {&walk_km, &walk_km, &walk_km,
                                                             &car_km, &car_km};
    for (std::size_t k = 0; k < 5; ++k) {
        double t_sum = 0.0;
        double d_sum = 0.0;
        double w_sum = 0.0;
        for (std::size_t od = 0; od < n * n; ++od) {
            double time = (*times[k])[od];
            if (k == k_bus) {
                time += bus_access[od] + bus_run.skim.skim.wait_min[od];
            }
            if (!std::isfinite(time)) {
                continue;
            }
            ++run.served_pairs[k];
            const double w = run.scenario.mode_trips[k * n * n + od];
            t_sum += w * time;
            d_sum += w * (*dists[k])[od];
            w_sum += w;
        }
        run.mean_time_min[k] = w_sum > 0.0 ? t_sum / w_sum : std::nan("");
        run.mean_distance_km[k] = w_sum > 0.0 ? d_sum / w_sum : std::nan("");
    }

    // Bike volumes per edge (all-or-nothing on the perceived-cost paths).
    const auto mode_matrix = [&](std::size_t k) {
        return std::span<const double>(run.scenario.mode_trips).subspan(k * n * n, n * n);
    };
    const std::vector<double> bike_volume =
        mob::assign_all_or_nothing(g, bike_node, bike_node, bike_cost, mode_matrix(k_bike),
                                   nullptr, bike_tc);
    const std::vector<double> ebike_volume = mob::assign_all_or_nothing(
        g, bike_node, bike_node, ebike_cost, mode_matrix(k_ebike), nullptr, ebike_tc);

    // 7. Accessibility over the residential buildings of the zones.
    std::vector<std::uint32_t> o_node;
    std::vector<double> o_access;
    std::vector<double> o_res;
    std::vector<std::uint32_t> o_zone;
    for (std::size_t o = 0; o < origins.x_m.size(); ++o) {
        if (origins.zone[o] == mob::invalid_index) {
            continue;
        }
        const auto [v, d] = walk_locator.nearest(origins.x_m[o], origins.y_m[o]);
        o_node.push_back(v);
        o_access.push_back(d);
        o_res.push_back(origins.residents[o]);
        o_zone.push_back(origins.zone[o]);
    }
    mob::OriginSet set{o_node, o_access, o_res, o_zone, n};
    const auto snapped = [&](auto kinds) {
        std::vector<std::uint32_t> nodes;
        for (const PointOfInterest& poi : net.pois) {
            if (std::find(kinds.begin(), kinds.end(), poi.kind) == kinds.end()) {
                continue;
            }
            const auto [v, d] = walk_locator.nearest(poi.x_m, poi.y_m);
            if (v != mob::invalid_id && d <= ms.max_snap_m) {
                nodes.push_back(v);
            }
        }
        return nodes;
    };
    const std::vector<std::uint32_t> grocery = snapped(std::array{PoiKind::grocery});
    const std::vector<std::uint32_t> green = snapped(std::array{PoiKind::park,
                                                                PoiKind::playground});
    std::vector<double> cx{ms.centre_lonlat[0]};
    std::vector<double> cy{ms.centre_lonlat[1]};
    lonlat_to_crs(net.crs_wkt, cx, cy);
    const auto [centre_node, centre_d] = walk_locator.nearest(cx[0], cy[0]);
    if (!(centre_d <= ms.max_snap_m)) {
        throw InputError(s.source_file.string() + ": models.mobility.accessibility.centre_lonlat "
                         "[" + number_text(ms.centre_lonlat[0]) + ", " +
                         number_text(ms.centre_lonlat[1]) + "] is " + number_text(centre_d) +
                         " m from the walk network of " + osm_file + " (more than "
                         "travel.max_snap_m); give a centre inside the extract");
    }
    const std::vector<std::uint32_t> centre{centre_node};
    mob::AccessibilityThresholds thresholds;
    thresholds.grocery_m = ms.grocery_m;
    thresholds.green_near_m = ms.green_near_m;
    thresholds.green_far_m = ms.green_far_m;
    thresholds.centre_walk_min = ms.centre_walk_min;
    // Searches run from the destinations along reversed arcs: origin -> destination costs.
    const mob::AccessibilityTables tables =
        mob::accessibility_tables(walk_reversed.by_metres(), walk_reversed.by_minutes(), grocery,
                                  green, centre, set, thresholds);
    const mob::StopCatchmentParams stop_params;
    const mob::StopCatchmentTable stops = mob::stop_catchments(
        walk_reversed.by_metres(), stop_walk, bus_run.stop_headway_min, set, stop_params);
    run.access_layers = accessibility_layers(
        grid, area.mask,
        [&](double x, double y) { return walk_locator.nearest(x, y, ms.max_snap_m); },
        ms.max_snap_m, walk_reversed.by_metres(), walk_reversed.by_minutes(),
        {stop_walk, bus_run.stop_headway_min, grocery, green, centre}, stop_params);
    run.origins = origins_table(origins);
    const auto add_indicator = [&](std::string name, double threshold, std::string units,
                                   const mob::CoverageTable& t) {
        run.access_names.push_back(std::move(name));
        run.access_threshold.push_back(threshold);
        run.access_units.push_back(std::move(units));
        run.access_city_covered.push_back(t.city.covered);
        run.access_city_residents.push_back(t.city.residents);
        std::vector<double> share(n);
        for (std::size_t i = 0; i < n; ++i) {
            share[i] = t.zones[i].share();
        }
        run.access_zone_share.push_back(std::move(share));
    };
    for (std::size_t c = 0; c < 4; ++c) {
        for (std::size_t r = 0; r < 2; ++r) {
            add_indicator("stop_" + number_text(stop_params.radius_m[r]) + "m_headway_le_" +
                              number_text(stop_params.headway_class_max_min[c]) + "min",
                          stop_params.radius_m[r], "m", stops.tables[c][r]);
        }
    }
    add_indicator("grocery", ms.grocery_m, "m", tables.grocery);
    add_indicator("green_near", ms.green_near_m, "m", tables.green_near);
    add_indicator("green_far", ms.green_far_m, "m", tables.green_far);
    add_indicator("centre_walk", ms.centre_walk_min, "min", tables.centre);

    // Edge table.
    const std::size_t m = g.edge_count();
    std::vector<std::int64_t> id(m), way(m), from(m), to(m), lts_col(m);
    std::vector<std::string> highway(m), facility(m), scenario_fac(m);
    std::vector<double> len(m), climb(m), descent(m), t_walk(m), t_bike(m), t_car(m), bv(m),
        ev(m);
    const auto finite_or_nan = [](float v) {
        return std::isfinite(v) ? static_cast<double>(v) : std::nan("");
    };
    for (std::size_t e = 0; e < m; ++e) {
        id[e] = static_cast<std::int64_t>(e);
        way[e] = g.osm_way_id(static_cast<mob::EdgeId>(e));
        from[e] = g.tail()[e];
        to[e] = g.head()[e];
        highway[e] = highway_names[static_cast<std::size_t>(g.highway()[e])];
        facility[e] = facility_names[static_cast<std::size_t>(g.facility()[e])];
        scenario_fac[e] = facility_names[static_cast<std::size_t>(scenario_facility[e])];
        lts_col[e] = base_lts[e];
        len[e] = static_cast<double>(g.length_m()[e]);
        climb[e] = static_cast<double>(g.climb_m()[e]);
        descent[e] = static_cast<double>(g.descent_m()[e]);
        t_walk[e] = finite_or_nan(walk_s[e]);
        t_bike[e] = finite_or_nan(bike_s[e]);
        t_car[e] = finite_or_nan(car_s[e]);
        bv[e] = bike_volume[e];
        ev[e] = ebike_volume[e];
    }
    run.edges.add_column("edge", std::move(id))
        .add_column("osm_way_id", std::move(way))
        .add_column("from_node", std::move(from))
        .add_column("to_node", std::move(to))
        .add_column("highway", std::move(highway))
        .add_column("facility", std::move(facility))
        .add_column("scenario_facility", std::move(scenario_fac))
        .add_column("lts", std::move(lts_col))
        .add_column("length", std::move(len), "m")
        .add_column("climb", std::move(climb), "m")
        .add_column("descent", std::move(descent), "m")
        .add_column("walk_time", std::move(t_walk), "s")
        .add_column("bike_time", std::move(t_bike), "s")
        .add_column("car_time", std::move(t_car), "s")
        .add_column("bike_volume", std::move(bv), "trips/day")
        .add_column("ebike_volume", std::move(ev), "trips/day");
    run.total_seconds = total_timer.seconds();
    log_info("mobility: " + std::to_string(n) + " zones, " + number_text(trips_total) +
             " trips/day, calibrated in " + std::to_string(run.baseline.iterations) +
             " iterations (largest share error " +
             number_text(100.0 * run.baseline.max_abs_error) + " pp), " +
             number_text(run.total_seconds) + " s");
    return run;
}

void write_mobility_results(ResultsWriter& out, const std::string& group, const MobilityRun& run) {
    const MobilityZones& z = run.zones;
    const std::size_t n = z.size();
    Table zones;
    zones.add_column("zone", z.name)
        .add_column("x", z.x_m, "m")
        .add_column("y", z.y_m, "m")
        .add_column("residents", z.residents)
        .add_column("pois", z.pois)
        .add_column("trips_produced", z.productions, "trips/day")
        .add_column("trips_attracted", z.attractions, "trips/day");
    for (std::size_t k = 0; k < mob::choice_mode_count; ++k) {
        std::vector<double> base(n);
        std::vector<double> scen(n);
        for (std::size_t i = 0; i < n; ++i) {
            base[i] = run.baseline.split.zone_shares[i * mob::choice_mode_count + k];
            scen[i] = run.scenario.zone_shares[i * mob::choice_mode_count + k];
        }
        const std::string name(mob::mode_name(static_cast<ChoiceMode>(k)));
        zones.add_column("baseline_share_" + name, std::move(base), "1");
        zones.add_column("share_" + name, std::move(scen), "1");
    }
    for (std::size_t a = 0; a < run.access_names.size(); ++a) {
        zones.add_column("access_" + run.access_names[a], run.access_zone_share[a], "1");
    }
    out.write_table(group, "zones", zones);

    Table shares;
    std::vector<std::string> mode;
    std::vector<double> observed, baseline, scenario, asc, trips, person_km, mean_time, mean_km;
    std::vector<std::int64_t> pairs;
    for (std::size_t k = 0; k < mob::choice_mode_count; ++k) {
        mode.emplace_back(mob::mode_name(static_cast<ChoiceMode>(k)));
        observed.push_back(run.target_shares[k]);
        baseline.push_back(run.baseline.split.city_shares[k]);
        scenario.push_back(run.scenario.city_shares[k]);
        asc.push_back(run.baseline.asc[k]);
        trips.push_back(run.scenario.city_shares[k] * run.scenario.total_trips);
        person_km.push_back(run.scenario.person_km[k]);
        mean_time.push_back(run.mean_time_min[k]);
        mean_km.push_back(run.mean_distance_km[k]);
        pairs.push_back(static_cast<std::int64_t>(run.served_pairs[k]));
    }
    shares.add_column("mode", mode)
        .add_column("observed_share", observed, "1")
        .add_column("baseline_share", baseline, "1")
        .add_column("share", scenario, "1")
        .add_column("asc", asc, "1")
        .add_column("trips", trips, "trips/day");
    out.write_table(group, "modal_split", shares);

    Table od;
    od.add_column("mode", mode)
        .add_column("served_zone_pairs", pairs)
        .add_column("trips", trips, "trips/day")
        .add_column("mean_time", mean_time, "min")
        .add_column("mean_distance", mean_km, "km")
        .add_column("person_km", person_km, "km/day");
    out.write_table(group, "od_summary", od);

    Table access;
    std::vector<double> share(run.access_names.size());
    for (std::size_t a = 0; a < share.size(); ++a) {
        share[a] = run.access_city_residents[a] > 0.0
                       ? run.access_city_covered[a] / run.access_city_residents[a]
                       : std::nan("");
    }
    access.add_column("indicator", run.access_names)
        .add_column("threshold", run.access_threshold)
        .add_column("threshold_units", run.access_units)
        .add_column("residents", run.access_city_residents)
        .add_column("residents_covered", run.access_city_covered)
        .add_column("share", share, "1");
    out.write_table(group, "accessibility", access);
    out.write_table(group, "edges", run.edges);
    out.write_table(group, "origins", run.origins);
    for (const MobilityLayer& layer : run.access_layers) {
        out.write_raster(group, layer.meta, layer.values, layer.mask);
    }

    out.set_group_number(group, "zones", static_cast<double>(n));
    double residents = 0.0;
    for (const double r : z.residents) {
        residents += r;
    }
    out.set_group_number(group, "residents", residents);
    out.set_group_number(group, "residential_buildings", static_cast<double>(run.buildings_used));
    out.set_group_number(group, "trips_per_day", run.scenario.total_trips);
    out.set_group_number(group, "gravity_beta_per_km", run.gravity_beta_per_km);
    out.set_group_number(group, "mean_trip_km", run.model_mean_trip_km);
    out.set_group_number(group, "calibration_iterations", run.baseline.iterations);
    out.set_group_number(group, "calibration_max_error_pp", 100.0 * run.baseline.max_abs_error);
    out.set_group_number(group, "network_nodes", static_cast<double>(run.node_count));
    out.set_group_number(group, "bus_stops", static_cast<double>(run.bus_stops_used));
    out.set_group_number(group, "bike_lane_edges", static_cast<double>(run.bike_lane_edges));
    out.set_group_number(group, "calmed_car_edges", static_cast<double>(run.calmed_edges));
    out.set_group_number(group, "car_person_km_change", run.car_change.car_person_km);
    out.set_group_number(group, "car_vehicle_km_change", run.car_change.car_vehicle_km);
    out.set_group_number(group, "co2_change_kg", run.car_change.co2_kg);
    out.set_group_number(group, "network_seconds", run.network_seconds);
    out.set_group_number(group, "model_seconds", run.total_seconds);
    out.write_table(group, "bus_lines", run.bus_lines);
    out.write_table(group, "pct_od", run.pct.od);
    out.write_table(group, "pct_zones", run.pct.zones);
    out.set_group_number(group, "pct_trips_per_day", run.pct.city.trips);
    out.set_group_number(group, "pct_model_cycle_share", run.pct.city.baseline_cycle);
    out.set_group_number(group, "pct_scenario_cycle_share", run.pct.city.scenario_cycle);
    out.set_group_number(group, "pct_godutch_share", run.pct.city.godutch);
    out.set_group_number(group, "pct_ebike_share", run.pct.city.ebike);
    out.set_group_attribute(group, "pct_model",
                            "PCT cross-check (tables pct_od, pct_zones): Go Dutch 2020 and "
                            "E-bike 2020 uptake (Lovelace et al. 2017; pct-scripts) of each zone "
                            "pair with trips and a baseline bike route under 30 km; hilliness = "
                            "100 (climb + descent) / route length; zone and city shares are "
                            "trip-weighted, the PCT ones never below the model's baseline share");
    out.set_group_attribute(group, "bus_model",
                            "lines from OSM route relations and models.mobility.bus.lines_file; "
                            "frequency-based skim: walk to and from stops, half the headway of "
                            "each line boarded, car free-flow time / speed factor + dwell "
                            "between stops, a penalty per transfer; no timetables");
    out.set_group_attribute(group, "residents_model", run.residents_note);
}

} // namespace lauter::sim
