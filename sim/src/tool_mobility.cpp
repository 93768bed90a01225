// Mobility tools: `lauter tool bike-speed` (the cycling power balance for one grade) and
// `lauter tool route` (a route on the OSM street network with elevation from a DEM).
#include <lauter/kernels/mobility/cycling_stress.hpp>
#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/kernels/mobility/speed_models.hpp>
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/osm_network.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/tool_options.hpp>


#include <charconv>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace lauter::sim {

namespace mob = kernels::mobility;

namespace {

struct BikeSpeedState {
    double grade_percent = 0.0;
    std::optional<double> power_w;
    std::optional<double> mass_kg;
    std::optional<double> cda_m2;
    std::optional<double> crr;
    bool ebike = false;
};

int run_bike_speed(const BikeSpeedState& s) {
    mob::BikeParams p = s.ebike ? mob::pedelec_params() : mob::BikeParams{};
    p.rider_power_w = s.power_w.value_or(p.rider_power_w);
    p.system_mass_kg = s.mass_kg.value_or(p.system_mass_kg);
    p.cda_m2 = s.cda_m2.value_or(p.cda_m2);
    p.crr = s.crr.value_or(p.crr);
    const double grade = s.grade_percent / 100.0;
    const double v = mob::bike_speed_kmh(grade, p);
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << v << " km/h";
    if (mob::bike_riding_speed_kmh(grade, p) < p.push_below_kmh) {
        out << " (pushing)";
    }
    std::cout << out.str() << '\n';
    return exit_ok;
}

void add_bike_speed_tool(CLI::App& tool, CommandAction& action) {
    auto state = std::make_shared<BikeSpeedState>();
    CLI::App* cmd = tool.add_subcommand(
        "bike-speed",
        "Cycling speed on a grade from the power balance (mobility.md section 3); --ebike adds a "
        "250 W pedelec motor cut off at 25 km/h");
    cmd->add_option("--grade", state->grade_percent, "grade in percent (negative downhill)")
        ->required()
        ->check(CLI::Range(-50.0, 50.0));
    cmd->add_option("--power", state->power_w, "rider power at the wheel, W (default 120; "
                                               "--ebike: 100)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--mass", state->mass_kg, "system mass rider + bike, kg (default 95; "
                                              "--ebike: 110)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--cda", state->cda_m2, "drag area CdA, m2 (default 0.6; --ebike: 0.55)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--crr", state->crr, "rolling resistance coefficient (default 0.01; "
                                         "--ebike: 0.008)")
        ->check(CLI::Range(0.0, 0.5));
    cmd->add_flag("--ebike", state->ebike, "pedelec: rider + 250 W assistance up to 25 km/h");
    cmd->callback([&action, state] { action = [state] { return run_bike_speed(*state); }; });
}

struct RouteState {
    CommonToolOptions common;
    std::string osm;
    std::string dem;
    std::string from;
    std::string to;
    std::string mode = "bike";
    std::string output;
    std::string crs = "EPSG:25832";
    double max_snap_m = 500.0;
    double turn_penalty_m = kernels::mobility::CyclingStressParams{}.turn_penalty_m;
};

/// Parses "LON,LAT" (decimal degrees); ConfigError naming the option otherwise.
std::pair<double, double> parse_lonlat(const std::string& text, const std::string& option) {
    const auto comma = text.find(',');
    double lon = 0.0;
    double lat = 0.0;
    bool ok = comma != std::string::npos;
    if (ok) {
        const char* b = text.data();
        const auto r1 = std::from_chars(b, b + comma, lon);
        const auto r2 = std::from_chars(b + comma + 1, b + text.size(), lat);
        ok = r1.ec == std::errc{} && r1.ptr == b + comma && r2.ec == std::errc{} &&
             r2.ptr == b + text.size() && std::abs(lon) <= 180.0 && std::abs(lat) <= 90.0;
    }
    if (!ok) {
        throw ConfigError(option + " '" + text + "' is not LON,LAT in decimal degrees (WGS84), "
                          "e.g. 7.7689,49.4447");
    }
    return {lon, lat};
}

std::string fixed(double v, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << v;
    return out.str();
}

int run_route(const RouteState& s) {
    apply_thread_count(s.common.threads);
    std::optional<mob::Mode> mode;
    mob::TravelProfile profile;
    if (s.mode == "bike") {
        mode = mob::Mode::bike;
    } else if (s.mode == "ebike") {
        mode = mob::Mode::bike;
        profile.bike = mob::pedelec_params();
    } else if (s.mode == "walk") {
        mode = mob::Mode::walk;
    } else if (s.mode == "car") {
        mode = mob::Mode::car;
    }
    if (!mode) {
        throw ConfigError("--mode '" + s.mode + "' is unknown; use bike, ebike, walk or car");
    }
    profile.mode = *mode;
    const auto [from_lon, from_lat] = parse_lonlat(s.from, "--from");
    const auto [to_lon, to_lat] = parse_lonlat(s.to, "--to");

    const StepTimer timer;
    MobilityNetwork net =
        build_mobility_network(s.osm, s.dem, s.crs, {}, assumed_crs(s.common));
    const mob::Graph& g = net.graph;
    log_info("street network: " + std::to_string(g.node_count()) + " nodes, " +
             std::to_string(g.edge_count()) + " edges (read " + fixed(net.read_seconds, 2) +
             " s, build " + fixed(net.build_seconds, 2) + " s, elevation " +
             fixed(net.elevation_seconds, 2) + " s)");

    std::vector<double> xs{from_lon, to_lon};
    std::vector<double> ys{from_lat, to_lat};
    lonlat_to_crs(net.crs_wkt, xs, ys);
    const mob::NodeId from = mob::nearest_node(g, xs[0], ys[0], *mode, s.max_snap_m);
    const mob::NodeId to = mob::nearest_node(g, xs[1], ys[1], *mode, s.max_snap_m);
    for (const auto& [node, option, text] :
         {std::tuple{from, "--from", s.from}, std::tuple{to, "--to", s.to}}) {
        if (node == mob::invalid_id) {
            throw InputError(std::string(option) + " " + text + " is off the " + s.mode +
                             " network of '" + s.osm + "': no usable node within " +
                             fixed(s.max_snap_m, 0) + " m (--max-snap-m)");
        }
    }
    const std::vector<float> time_s = mob::edge_travel_times_s(g, profile);
    const std::vector<std::uint8_t> lts = mob::level_of_traffic_stress(g);
    const std::vector<float> cost = *mode == mob::Mode::bike
                                        ? mob::cycling_perceived_cost_s(g, time_s, lts)
                                        : time_s;
    const bool bike = *mode == mob::Mode::bike;
    const auto route_lts = bike ? std::span<const std::uint8_t>(lts)
                                : std::span<const std::uint8_t>();
    mob::Route route;
    if (bike && s.turn_penalty_m > 0.0) {
        // Bike and e-bike routes pay the turn penalty (cycling_stress.hpp, turns.hpp).
        mob::CyclingStressParams params;
        params.turn_penalty_m = s.turn_penalty_m;
        const mob::TurnGeometry geometry(g);
        const std::vector<float> penalty_s = mob::cycling_turn_penalty_s(g, time_s, params);
        mob::TurnAwareQuery query(g);
        route = mob::find_route(g, query, from, to, cost, time_s, route_lts,
                                mob::TurnCosts{&geometry, penalty_s});
    } else {
        mob::ShortestPathQuery query(g);
        route = mob::find_route(g, query, from, to, cost, time_s, route_lts);
    }
    if (!route.found) {
        // The builder keeps one strongly connected component per mode, so this cannot happen
        // for snapped nodes; report it as a failure of the program, not of the input.
        throw RuntimeFailure("no " + s.mode + " route between the snapped nodes");
    }
    std::ostringstream summary;
    summary << "mode " << s.mode << "\ntime " << fixed(route.time_s / 60.0, 1) << " min ("
            << fixed(route.time_s, 0) << " s)\nlength " << fixed(route.length_m, 0)
            << " m\nclimb " << fixed(route.climb_m, 1) << " m\ndescent "
            << fixed(route.descent_m, 1) << " m\n";
    if (bike) {
        summary << "stress LTS1 " << fixed(100.0 * route.lts_share[0], 1) << " % LTS2 "
                << fixed(100.0 * route.lts_share[1], 1) << " % LTS3 "
                << fixed(100.0 * route.lts_share[2], 1) << " % LTS4 "
                << fixed(100.0 * route.lts_share[3], 1) << " %\n";
    }
    std::cout << summary.str();

    if (!s.output.empty()) {
        std::vector<double> lon = route.x_m;
        std::vector<double> lat = route.y_m;
        crs_to_lonlat(net.crs_wkt, lon, lat);
        std::ostringstream json;
        json << std::setprecision(10);
        json << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{)"
             << R"("mode":")" << s.mode << R"(","time_s":)" << fixed(route.time_s, 1)
             << R"(,"length_m":)" << fixed(route.length_m, 1) << R"(,"climb_m":)"
             << fixed(route.climb_m, 1) << R"(,"descent_m":)" << fixed(route.descent_m, 1);
        if (*mode == mob::Mode::bike) {
            json << R"(,"cost_s":)" << fixed(route.cost, 1) << R"(,"lts_share":[)";
            for (std::size_t i = 0; i < 4; ++i) {
                json << (i > 0 ? "," : "") << fixed(route.lts_share[i], 4);
            }
            json << "]";
        }
        json << R"j(,"attribution":"© OpenStreetMap contributors (ODbL)"},)j"
             << R"("geometry":{"type":"LineString","coordinates":[)";
        for (std::size_t i = 0; i < lon.size(); ++i) {
            json << (i > 0 ? "," : "") << '[' << fixed(lon[i], 7) << ',' << fixed(lat[i], 7)
                 << ']';
        }
        if (lon.size() == 1) {
            json << ",[" << fixed(lon[0], 7) << ',' << fixed(lat[0], 7) << ']';
        }
        json << "]}}]}\n";
        write_text_atomically(s.output, json.str());
        log_info("wrote " + s.output + " (" + std::to_string(lon.size()) + " points) after " +
                 fixed(timer.seconds(), 2) + " s");
    }
    return exit_ok;
}

void add_route_tool(CLI::App& tool, CommandAction& action) {
    auto state = std::make_shared<RouteState>();
    CLI::App* cmd = tool.add_subcommand(
        "route", "Route on the OSM street network with elevation (bike, ebike, walk, car): prints "
                 "time, length, climb; --output writes GeoJSON");
    cmd->add_option("--osm", state->osm, "OpenStreetMap extract (.osm, .osm.gz, .pbf)")
        ->required();
    cmd->add_option("--dem", state->dem, "elevation raster (any GDAL format), metres")->required();
    cmd->add_option("--from", state->from, "start as LON,LAT (WGS84 degrees)")->required();
    cmd->add_option("--to", state->to, "destination as LON,LAT (WGS84 degrees)")->required();
    cmd->add_option("--mode", state->mode, "bike | ebike | walk | car")->capture_default_str();
    cmd->add_option("--output", state->output, "GeoJSON file for the route (WGS84)");
    cmd->add_option("--crs", state->crs, "projected CRS of the network (metres)")
        ->capture_default_str();
    cmd->add_option("--max-snap-m", state->max_snap_m,
                    "largest distance from --from/--to to the network, m")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--turn-penalty-m", state->turn_penalty_m,
                    "bike and ebike: perceived cost of a left or right turn, metres of riding "
                    "(R5: 54); 0: no turn costs")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    add_common_options(*cmd, state->common);
    cmd->callback([&action, state] { action = [state] { return run_route(*state); }; });
}

} // namespace

void add_mobility_tools(CLI::App& tool, CommandAction& action) {
    add_bike_speed_tool(tool, action);
    add_route_tool(tool, action);
}

} // namespace lauter::sim
