#pragma once
/// @file bus_lines.hpp
/// Bus lines for the mobility model (issue 6 item 2 "bus"): OSM route relations, the editable
/// line file (`models.mobility.bus.lines_file`) and the line table on the street graph (stops
/// snapped to the network, in-vehicle time between consecutive stops, headways).
///
/// OSM route relations (type=route, route=bus; tags ref, name, from, to) are read from OSM XML
/// (.osm, .osm.gz) with a streaming scanner: GDAL's OSM driver turns route relations into
/// multilinestrings and drops their ordered node members and roles, which give the stops. The
/// stops of a relation are its node members with a role starting with "stop" (stop positions on
/// the road, PTv2); relations without such members use the nodes with a "platform" role, and
/// old-style relations without roles use every node member. Members whose node is not in the
/// extract are left out, so lines crossing the extract's edge are clipped to the part inside.
/// A .pbf extract has no relations read (the OSM driver gives no members); define lines in the
/// line file there.
///
/// Line file (YAML, docs/mobility-demand.md): a `lines:` list; each entry has `ref` and any of
/// `headway_min`, `speed_factor`, `name`, and, to define a new line, `stops_osm` (OSM node ids)
/// or `stops_lonlat` ([[lon, lat], ...]) plus `both_directions` (default true). Entries for a
/// ref that OSM has set the headway and speed factor of every route (direction, variant) of
/// that ref.

#include <lauter/kernels/mobility/accessibility.hpp>
#include <lauter/kernels/mobility/graph.hpp>
#include <lauter/kernels/mobility/transit.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace lauter::sim {

/// One stop of a route: an OSM node (id 0 for a stop given by lon/lat) in the study CRS.
struct BusRouteStop {
    std::int64_t osm_id = 0;
    double x_m = 0.0;
    double y_m = 0.0;
    std::string name;
};

/// One route: one direction / variant of a line, stops in travel order.
struct BusRoute {
    std::string ref;
    std::string name;
    std::string from;
    std::string to;
    std::int64_t relation_id = 0; ///< 0 for a line from the line file
    std::vector<BusRouteStop> stops;
};

/// What the OSM extract says about bus lines.
struct OsmBusData {
    std::vector<BusRoute> routes;
    /// Every stop-like node (highway=bus_stop, public_transport=*, a route's node member), for
    /// the line file's `stops_osm`.
    std::map<std::int64_t, BusRouteStop> stop_nodes;
};

/// Route relations of an OSM XML extract projected to `crs_wkt`; routes with fewer than 2 stops
/// inside the extract are dropped. Empty for a .pbf file. InputError naming the file if it
/// cannot be read.
[[nodiscard]] OsmBusData read_osm_bus_routes(const std::filesystem::path& osm_path,
                                             const std::string& crs_wkt);

/// One entry of the line file.
struct BusLineSpec {
    std::string ref;
    std::string name;
    std::optional<double> headway_min;
    std::optional<double> speed_factor;
    std::vector<std::int64_t> stops_osm;
    std::vector<std::array<double, 2>> stops_lonlat;
    bool both_directions = true;
    int line = 0; ///< line of the entry in the file (for messages)
};

/// Parses the line file. InputError "file:line: ..." naming the entry and what to do for an
/// unreadable file, an unknown key, a missing ref, a duplicate ref, a bad value.
[[nodiscard]] std::vector<BusLineSpec> read_bus_line_file(const std::filesystem::path& path);

/// Settings of the line table (MobilityModelSettings.bus_*).
struct BusTableSettings {
    double default_headway_min = 20.0;
    double speed_factor = 1.0;
    double dwell_s = 20.0;
    double max_snap_m = 500.0;
};

/// The line table on the street graph.
struct BusLineTable {
    /// Transit stops: distinct walk-network nodes of the routes' stops.
    std::vector<std::uint32_t> stop_walk_node;
    /// Lines (routes, split where the car network has no path between two stops) with the
    /// baseline headways; service[l] numbers the distinct refs.
    std::vector<kernels::mobility::TransitLine> lines;
    std::vector<std::uint32_t> service;
    std::vector<std::string> ref;  ///< per line
    std::vector<std::string> name; ///< per line ("from -> to" when the relation has them)
    std::vector<double> length_km; ///< per line, along the car paths
    std::size_t osm_routes = 0;    ///< OSM routes with >= 2 stops on the network
    std::size_t file_routes = 0;   ///< routes defined by the line file
};

/// Snapping of a point to a network: node and distance (m); invalid_id if none.
using NodeSnap = std::function<std::pair<kernels::mobility::NodeId, double>(double, double)>;

/// Builds the line table: OSM routes plus the file's lines (stops_lonlat projected with
/// `crs_wkt`, stops_osm looked up in `osm.stop_nodes`), stops snapped with `snap_walk` / `snap_car`
/// (farther than max_snap_m: left out), in-vehicle time per hop = car free-flow time along the
/// shortest car path (`car_time_s`) / speed factor + dwell. InputError naming `line_file` and
/// the entry for a new line whose stops do not reach the network.
[[nodiscard]] BusLineTable build_bus_line_table(
    const kernels::mobility::Graph& graph, std::span<const float> car_time_s,
    const OsmBusData& osm, const std::vector<BusLineSpec>& file_lines,
    const std::filesystem::path& line_file, const std::string& crs_wkt,
    const NodeSnap& snap_walk, const NodeSnap& snap_car, const BusTableSettings& settings);

/// Headways with a measure applied: every line whose ref is in `refs` (all lines if `refs` is
/// empty) gets `headway_min`. InputError naming `where` for a ref no line has.
void apply_bus_headway(BusLineTable& table, double headway_min,
                       const std::vector<std::string>& refs, const std::string& where);

/// Walking limits of the bus skim (MobilityModelSettings.bus_*).
struct BusWalkSettings {
    double max_access_walk_min = 10.0;
    double max_transfer_walk_min = 5.0;
};

/// Walks between zones and stops and between stops (they depend on the walk network only).
struct BusWalkLinks {
    std::vector<std::uint32_t> access_offsets; ///< zone -> stop, CSR per zone
    std::vector<std::uint32_t> access_stops;
    std::vector<double> access_min;
    std::vector<std::uint32_t> egress_offsets; ///< stop -> zone, CSR per zone
    std::vector<std::uint32_t> egress_stops;
    std::vector<double> egress_min;
    std::vector<kernels::mobility::StopTransfer> transfers;
};

/// Bounded walking searches (minutes) from every zone node and every stop node. `walk_forward_min`
/// / `walk_reversed_min`: the walk network's arcs and their reversal, weights in minutes.
[[nodiscard]] BusWalkLinks bus_walk_links(const kernels::mobility::CsrGraph& walk_forward_min,
                                          const kernels::mobility::CsrGraph& walk_reversed_min,
                                          std::span<const std::uint32_t> zone_walk_node,
                                          std::span<const std::uint32_t> stop_walk_node,
                                          const BusWalkSettings& settings);

/// The transit skim and the headway matrix the logit takes: 2 x (wait + transfer penalties).
struct BusSkim {
    kernels::mobility::TransitSkim skim;
    std::vector<double> headway_min;
};

[[nodiscard]] BusSkim bus_skim(const BusLineTable& table, const BusWalkLinks& links,
                               std::size_t zone_count, double transfer_penalty_min);

} // namespace lauter::sim
