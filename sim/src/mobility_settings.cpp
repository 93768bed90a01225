#include <lauter/sim/mobility_settings.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace lauter::sim {

namespace {

using schema::at_path;
using schema::child;
using schema::format_number;
using schema::KeySpec;
using schema::scalar_or_empty;
namespace mob = kernels::mobility;

/// Facilities a bike-lane measure may build (CycleFacility order from `lane` on).
constexpr std::array<std::string_view, 4> facility_names = {"lane", "boulevard", "track", "path"};
constexpr std::array<mob::CycleFacility, 4> facility_values = {
    mob::CycleFacility::lane, mob::CycleFacility::boulevard, mob::CycleFacility::track,
    mob::CycleFacility::path};
constexpr std::array<std::string_view, 4> observed_mode_names = {"walk", "bike", "bus", "car"};

KeySpec number(const char* name, double default_value, double min, double max, const char* unit,
               std::string help) {
    KeySpec k = schema::number_key(name, std::move(help));
    k.with_range(min, max).with_default(format_number(default_value));
    if (unit[0] != '\0') {
        k.with_unit(unit);
    }
    return k;
}

std::string check_positive(const YAML::Node& value) {
    return schema::to_number(value) > 0.0 ? std::string() : std::string("must be > 0");
}

} // namespace

schema::KeySpec mobility_model_schema() {
    using namespace schema;
    const MobilityModelSettings d;
    KeySpec zones = mapping_key(
        "zones",
        {
            path_key("districts", "district polygons (any OGR vector file or .poly); one zone per "
                                  "polygon, named district_<n> in file order. Without it the "
                                  "zones are a regular grid of squares of size_m"),
            number("size_m", d.zone_size_m, 50.0, 10000.0, "m",
                   "edge of the grid zones (squares without residents are dropped)"),
        },
        "traffic analysis zones");
    KeySpec residents = mapping_key(
        "residents", residents_schema_keys(),
        "residents per zone, estimated from residential building volume (OSM land cover; the "
        "estimate shared with models.thermal.residents)");
    KeySpec demand = mapping_key(
        "demand",
        {
            number("trips_per_resident", d.trips_per_resident, 0.0, 20.0, "",
                   "trips per resident and day (SrV 2023 Kaiserslautern: 3.2)"),
            number_key("mean_trip_km",
                       "mean trip length on the walk network the gravity model is calibrated to "
                       "(Hyman 1969); required: no published Kaiserslautern value is known")
                .with_unit("km")
                .with_range(0.0, 1000.0)
                .with_check("> 0", check_positive),
            number("home_attraction_share", d.home_attraction_share, 0.0, 1.0, "",
                   "share of the attraction given to residents (trips home); the rest goes to "
                   "OSM destinations (shops, schools, health, parks, playgrounds)"),
        },
        "trip production and gravity distribution (doubly constrained, exponential deterrence)");
    KeySpec travel = mapping_key(
        "travel",
        {
            number("bike_power_w", d.bike_power_w, 10.0, 1000.0, "W",
                   "rider power at the wheel (GraphHopper bike_elevation: 120 W)"),
            number("bike_mass_kg", d.bike_mass_kg, 30.0, 300.0, "kg", "rider + bike mass"),
            number("bike_turn_penalty_m", d.bike_turn_penalty_m, 0.0, 1000.0, "m",
                   "perceived cost of a left or right turn on bike and e-bike routes, metres "
                   "of riding at the speed of the street turned from (R5 LaDotBikeCostSupplier: "
                   "54); 0: no turn costs (node-based routes)"),
            number("ebike_power_w", d.ebike_power_w, 10.0, 1000.0, "W",
                   "pedelec rider power (mobility.md 3)"),
            number("ebike_assist_w", d.ebike_assist_w, 0.0, 1000.0, "W",
                   "pedelec motor assistance up to 25 km/h (EU Reg. 168/2013: 250 W)"),
            number("ebike_mass_kg", d.ebike_mass_kg, 30.0, 300.0, "kg", "rider + pedelec mass"),
            number("car_urban_factor", d.car_urban_factor, 0.05, 1.0, "",
                   "share of the speed limit driven on average (OSRM car.lua: 0.8)"),
            number("parking_search_min", d.parking_search_min, 0.0, 120.0, "min",
                   "parking search time at every destination"),
            number("bus_headway_min", d.bus_headway_min, 1.0, 240.0, "min",
                   "headway of every bus line the line file gives none for (lauter's "
                   "assumption: OSM has no interval tags here); wait = headway / 2"),
            number("max_snap_m", d.max_snap_m, 1.0, 10000.0, "m",
                   "bus stops, POIs and the centre farther than this from the network are ignored"),
        },
        "travel time models (speed_models.hpp); the bus: see `bus`");
    KeySpec bus = mapping_key(
        "bus",
        {
            path_key("lines_file", "bus line file (YAML): headway and speed factor per line "
                                   "ref, new lines from OSM stop ids or lon/lat "
                                   "(docs/mobility-demand.md); lines are also read from the "
                                   "OSM route relations")
                .with_extensions({".yaml", ".yml"}),
            number("speed_factor", d.bus_speed_factor, 0.1, 2.0, "",
                   "bus speed / car free-flow speed between stops (assumption)"),
            number("dwell_s", d.bus_dwell_s, 0.0, 300.0, "s",
                   "dwell time per stop (TCQSM 3rd ed.: 15 s typical, 30 s major outlying stop)"),
            number("transfer_penalty_min", d.bus_transfer_penalty_min, 0.0, 60.0, "min",
                   "penalty per transfer (Eltved et al. 2021: 5.4 min for the best transfer)"),
            number("max_access_walk_min", d.bus_max_access_walk_min, 1.0, 60.0, "min",
                   "longest walk to or from a stop (about 800 m)"),
            number("max_transfer_walk_min", d.bus_max_transfer_walk_min, 0.0, 30.0, "min",
                   "longest walk between stops when transferring"),
        },
        "bus lines from OSM route relations and the line file; frequency-based skim: walk, "
        "half the headway of each line boarded, in-vehicle time along the car network, "
        "transfers (transit.hpp)");
    KeySpec choice = mapping_key(
        "choice",
        {
            number("time_util_per_min", d.time_util_per_min, -10.0, 0.0, "",
                   "utility per minute of travel (MATSim Berlin v6.4: -6.88/60)"),
            number("car_cost_eur_per_km", d.car_cost_eur_per_km, 0.0, 10.0, "EUR/km",
                   "car running cost (MATSim Berlin v6.4: 0.149)"),
            number("ebike_share_of_bike", d.ebike_share_of_bike, 0.0, 1.0, "",
                   "share of the observed bike trips made by e-bike (PCT Dutch scenario: 0.07)"),
            number("ebike_ownership_share", d.ebike_ownership_share, 0.0, 1.0, "",
                   "share of travellers who can use an e-bike, in (0, 1]; the calibrated "
                   "constant absorbs the baseline level (0.13: German households with an "
                   "e-bike, Destatis LWR 2021; an assumption for Kaiserslautern)")
                .with_check("> 0", check_positive),
            number("calibration_tolerance", d.calibration_tolerance, 1e-9, 1e-3, "",
                   "largest share error of the calibrated logit (fraction; 1e-4 = 0.01 pp)"),
        },
        "multinomial logit over walk, bike, e-bike, bus and car (mode_choice.hpp); bike and "
        "e-bike times are the perceived minutes of the route cost (stress, facilities, "
        "upslope penalties: cycling_stress.hpp)");
    std::vector<KeySpec> observed;
    for (std::size_t k = 0; k < observed_mode_names.size(); ++k) {
        observed.push_back(number(observed_mode_names[k].data(), d.observed_percent[k], 0.0,
                                  100.0, "%",
                                  "observed share (Kaiserslautern 2023, SrV; mobility.md 5)"));
    }
    KeySpec shares = mapping_key("observed_shares_percent", std::move(observed),
                                 "observed city-wide modal split the logit is calibrated to "
                                 "(walk, bike incl. e-bike, bus, car; normalised to 100 %)");
    KeySpec accessibility = mapping_key(
        "accessibility",
        {
            number("grocery_m", d.grocery_m, 1.0, 100000.0, "m", "grocery within (mobility.md 6)"),
            number("green_near_m", d.green_near_m, 1.0, 100000.0, "m",
                   "public green space within (near)"),
            number("green_far_m", d.green_far_m, 1.0, 100000.0, "m",
                   "public green space within (far)"),
            number("centre_walk_min", d.centre_walk_min, 1.0, 1000.0, "min",
                   "walking time to the centre"),
            number_list_key("centre_lonlat", {"lon", "lat"},
                            "the city centre, WGS84 (default: Kaiserslautern, Stiftsplatz)")
                .with_range(-180.0, 180.0)
                .with_default("[7.7689, 49.4447]"),
        },
        "accessibility indicators (stops within 300/400 m by headway class, grocery, green "
        "space, centre)");
    KeySpec bike_lane = sequence_key(
        "bike_lanes",
        {
            integer_key("way_id", "OSM way id whose edges get the facility")
                .with_range(1.0, 1e15)
                .make_required(),
            enum_key("facility", to_strings(facility_names),
                     "lane (painted), boulevard (bicycle street), track or path")
                .with_default("lane"),
        },
        "new cycle facilities (both directions) on OSM ways; the scenario split is the "
        "pivot-point logit against the calibrated baseline without them");
    KeySpec measures = mapping_key("measures", {std::move(bike_lane)}, "scenario measures");
    return mapping_key(
        "mobility",
        {
            boolean_key("enabled", "run the mobility model (needs inputs.osm and inputs.dem)")
                .with_default("false"),
            std::move(zones),
            std::move(residents),
            std::move(demand),
            std::move(travel),
            std::move(bus),
            std::move(choice),
            std::move(shares),
            std::move(accessibility),
            std::move(measures),
        },
        "mobility: street network, zones, gravity demand, calibrated modal split, "
        "accessibility (issue 6)");
}

void check_mobility_keys(const schema::ValidationResult& result,
                         schema::Diagnostics& diagnostics) {
    const YAML::Node m = at_path(result.resolved, {"models", "mobility"});
    const YAML::Node enabled = child(m, "enabled");
    if (!enabled.IsScalar() || enabled.Scalar() != "true") {
        return;
    }
    const std::string where = "models.mobility.enabled";
    for (const char* input : {"inputs.osm", "inputs.dem"}) {
        if (!result.is_given(input)) {
            diagnostics.add(result.location_of(where),
                            where + ": the mobility model needs " + input +
                                ", which is not set; set it or models.mobility.enabled: false");
        }
    }
    const YAML::Node landcover = at_path(result.resolved, {"models", "landcover", "enabled"});
    if (landcover.IsScalar() && landcover.Scalar() != "true") {
        diagnostics.add(result.location_of(where),
                        where + ": the mobility model estimates residents from OSM buildings "
                                "and needs models.landcover.enabled: true");
    }
    if (!result.is_given("models.mobility.demand.mean_trip_km")) {
        diagnostics.add(result.location_of(where),
                        where + ": the mobility model needs models.mobility.demand.mean_trip_km "
                                "(the mean trip length the gravity model is calibrated to); "
                                "add it from a travel survey");
    }
    const YAML::Node shares = child(m, "observed_shares_percent");
    double sum = 0.0;
    for (const std::string_view name : observed_mode_names) {
        const YAML::Node v = child(shares, std::string(name));
        if (v.IsScalar()) {
            sum += schema::to_number(v);
        }
    }
    // Published shares are rounded to 0.1 pp (Kaiserslautern 2023 sums to 100.1).
    if (std::abs(sum - 100.0) > 0.5) {
        diagnostics.add(result.location_of("models.mobility.observed_shares_percent"),
                        "models.mobility.observed_shares_percent: the shares add up to " +
                            format_number(sum) + " %; they must add up to 100 % (+- 0.5)");
    }
}

kernels::mobility::CycleFacility bike_lane_facility_from_name(const std::string& name) {
    return facility_values[schema::index_of(facility_names, name)];
}

MobilityModelSettings mobility_settings_from(const YAML::Node& m) {
    MobilityModelSettings s;
    const auto number = [&m](std::initializer_list<const char*> path) {
        return schema::to_number(at_path(m, path));
    };
    s.enabled = schema::to_boolean(child(m, "enabled"));
    if (const YAML::Node v = at_path(m, {"zones", "districts"}); v.IsScalar()) {
        s.districts = std::filesystem::path(v.Scalar());
    }
    s.zone_size_m = number({"zones", "size_m"});
    s.residents = residents_params_from(child(m, "residents"));
    s.trips_per_resident = number({"demand", "trips_per_resident"});
    if (const YAML::Node v = at_path(m, {"demand", "mean_trip_km"}); v.IsScalar()) {
        s.mean_trip_km = schema::to_number(v);
    }
    s.home_attraction_share = number({"demand", "home_attraction_share"});
    s.bike_power_w = number({"travel", "bike_power_w"});
    s.bike_mass_kg = number({"travel", "bike_mass_kg"});
    s.bike_turn_penalty_m = number({"travel", "bike_turn_penalty_m"});
    s.ebike_power_w = number({"travel", "ebike_power_w"});
    s.ebike_assist_w = number({"travel", "ebike_assist_w"});
    s.ebike_mass_kg = number({"travel", "ebike_mass_kg"});
    s.car_urban_factor = number({"travel", "car_urban_factor"});
    s.parking_search_min = number({"travel", "parking_search_min"});
    s.bus_headway_min = number({"travel", "bus_headway_min"});
    s.max_snap_m = number({"travel", "max_snap_m"});
    if (const YAML::Node v = at_path(m, {"bus", "lines_file"}); v.IsScalar()) {
        s.bus_lines_file = std::filesystem::path(v.Scalar());
    }
    s.bus_speed_factor = number({"bus", "speed_factor"});
    s.bus_dwell_s = number({"bus", "dwell_s"});
    s.bus_transfer_penalty_min = number({"bus", "transfer_penalty_min"});
    s.bus_max_access_walk_min = number({"bus", "max_access_walk_min"});
    s.bus_max_transfer_walk_min = number({"bus", "max_transfer_walk_min"});
    s.time_util_per_min = number({"choice", "time_util_per_min"});
    s.car_cost_eur_per_km = number({"choice", "car_cost_eur_per_km"});
    s.ebike_share_of_bike = number({"choice", "ebike_share_of_bike"});
    s.ebike_ownership_share = number({"choice", "ebike_ownership_share"});
    s.calibration_tolerance = number({"choice", "calibration_tolerance"});
    const YAML::Node shares = child(m, "observed_shares_percent");
    for (std::size_t k = 0; k < observed_mode_names.size(); ++k) {
        s.observed_percent[k] =
            schema::to_number(child(shares, std::string(observed_mode_names[k])));
    }
    s.grocery_m = number({"accessibility", "grocery_m"});
    s.green_near_m = number({"accessibility", "green_near_m"});
    s.green_far_m = number({"accessibility", "green_far_m"});
    s.centre_walk_min = number({"accessibility", "centre_walk_min"});
    const YAML::Node centre = at_path(m, {"accessibility", "centre_lonlat"});
    s.centre_lonlat = {schema::to_number(centre[0]), schema::to_number(centre[1])};
    const YAML::Node lanes = at_path(m, {"measures", "bike_lanes"});
    if (lanes.IsSequence()) {
        for (const auto& lane : lanes) {
            BikeLaneMeasure b;
            b.way_id = static_cast<std::int64_t>(schema::to_number(child(lane, "way_id")));
            b.facility = facility_values[schema::index_of(
                facility_names, child(lane, "facility").Scalar())];
            s.bike_lanes.push_back(b);
        }
    }
    return s;
}

} // namespace lauter::sim
