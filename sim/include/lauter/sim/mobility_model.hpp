#pragma once
/// @file mobility_model.hpp
/// The `mobility` scenario model (issue 6 items 5-7): the OSM street network with elevation
/// from the study DEM, zones with residents estimated from residential building volume, OSM
/// destinations, zone-to-zone skims per mode, gravity distribution, a multinomial logit
/// calibrated to the observed modal split, accessibility indicators per zone, bike volumes per
/// edge, and the bike-lane measure as a pivot-point scenario against the calibrated baseline.
///
/// Steps and their sources (equations in the kernel headers, choices in the settings):
///   1. Network: build_mobility_network (osm_network.hpp), elevation from inputs.dem.
///   2. Origins: the buildings with residents (estimate_building_residents, residents.hpp: the
///      estimate shared with the thermal model) at the centre of their cells.
///   3. Zones: district polygons (each must contain residents) or grid squares with residents.
///      Zone centre: resident-weighted mean of its buildings, snapped per network mode.
///   4. Skims (skims.hpp): walk (Tobler time), bike and e-bike (perceived-cost paths, physical
///      time and climb), car (time; distance for running cost), bus (walk to and from the stop
///      nearest each zone centre, half the headway, car time between the stops). Intrazonal
///      values: half the smallest value to another zone (Ortuzar & Willumsen 2011, 5.2).
///   5. Demand: productions = residents x trips per resident; attractions split between
///      residents and OSM POIs; doubly constrained gravity on walk-network km, beta calibrated
///      to the mean trip length (Hyman 1969).
///   6. Mode choice: calibrate_asc to the observed shares; with measures, the scenario split is
///      the pivot-point logit of the changed skims against that baseline (a scenario without
///      measures reproduces the baseline bitwise).
///   7. Accessibility: residents of each building against stops (300/400 m, headway classes),
///      grocery (1000 m), green space (parks and playgrounds, 250 m / 1 km) and the centre
///      (20 min walk), city-wide and per zone; the same searches per grid cell as rasters
///      (accessibility_cells.hpp; every active cell within travel.max_snap_m of the walk
///      network) and the residential origins with their zone (table `origins`, which the batch
///      comparison uses to give zone values to its districts).
///   8. PCT cross-check (mobility_pct.hpp): per zone pair the baseline bike route's length and
///      hilliness, the Go Dutch and E-bike 2020 uptake and the model's cycling share (tables
///      pct_od, pct_zones; city-wide values as group numbers pct_*).

#include <lauter/kernels/mobility/mode_choice.hpp>
#include <lauter/sim/mobility_pct.hpp>
#include <lauter/sim/osm_network.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lauter::sim {

/// A raster of the mobility group with its attributes and no-data mask.
struct MobilityLayer {
    LayerMeta meta;
    kernels::Raster<float> values;
    kernels::CellMask mask;
};

/// Zone table of a run.
struct MobilityZones {
    std::vector<std::string> name;
    std::vector<double> x_m; ///< resident-weighted centre
    std::vector<double> y_m;
    std::vector<double> residents;
    std::vector<double> pois;        ///< OSM destinations in the zone
    std::vector<double> productions; ///< trips per day
    std::vector<double> attractions; ///< trips per day
    [[nodiscard]] std::size_t size() const noexcept { return name.size(); }
};

/// Everything the mobility model computed (the results writer's input; tests read it too).
struct MobilityRun {
    MobilityZones zones;
    std::size_t buildings_used = 0;
    double gravity_beta_per_km = 0.0;
    double model_mean_trip_km = 0.0;
    kernels::mobility::ModeArray target_shares{};
    kernels::mobility::CalibrationResult baseline;
    /// The scenario split: the baseline itself without measures, else the pivot-point split.
    kernels::mobility::ModeSplit scenario;
    bool has_measures = false;
    kernels::mobility::CarChange car_change;
    std::size_t bike_lane_edges = 0;
    std::size_t calmed_edges = 0; ///< car edges inside traffic-calming areas
    /// Per mode (walk, bike, e-bike, bus, car): trip-weighted mean time (min) and distance
    /// (km) over the pairs the mode serves, and the number of zone pairs it serves.
    kernels::mobility::ModeArray mean_time_min{};
    kernels::mobility::ModeArray mean_distance_km{};
    std::array<std::size_t, 5> served_pairs{};
    /// Accessibility (columns of the zone table and rows of the city table).
    std::vector<std::string> access_names;
    std::vector<double> access_threshold;
    std::vector<std::string> access_units;
    std::vector<double> access_city_covered;
    std::vector<double> access_city_residents;
    std::vector<std::vector<double>> access_zone_share; ///< per indicator, per zone
    /// Accessibility rasters on the study grid (distances, centre time, stop classes).
    std::vector<MobilityLayer> access_layers;
    /// The residential origins of the zones: x, y (m), residents, zone (row of the zone table).
    Table origins;
    /// The edge table (all edges of the graph).
    Table edges;
    std::size_t node_count = 0;
    std::size_t bus_stops_used = 0;
    Table bus_lines; ///< ref, name, stops, length, in-vehicle time, headways (bus_lines.hpp)
    double network_seconds = 0.0;
    double total_seconds = 0.0;
    std::string residents_note; ///< how the residents were estimated (residents.hpp)
    /// The PCT cross-check per zone pair, per zone and city-wide (mobility_pct.hpp).
    PctCrossCheck pct;
};

/// Runs the mobility model of scenario `s` on `area` (which must hold the OSM land cover).
/// InputError / ConfigError naming the file or key on bad input (see the file comment).
[[nodiscard]] MobilityRun run_mobility(const Scenario& s, const StudyArea& area);
/// The same on a street network built before (build_scenario_network), which depends only on
/// inputs.osm, inputs.dem and the study CRS: a batch builds it once for every member that shares
/// these. `network_seconds` is the time its building took (reported with the run).
[[nodiscard]] MobilityRun run_mobility(const Scenario& s, const StudyArea& area,
                                       const MobilityNetwork& network, double network_seconds);
/// The street network of scenario `s`: inputs.osm with elevation from inputs.dem, in the study CRS.
[[nodiscard]] MobilityNetwork build_scenario_network(const Scenario& s);

/// Writes a run's tables and numbers under `group` (e.g. "/baseline/mobility").
void write_mobility_results(ResultsWriter& out, const std::string& group, const MobilityRun& run);

} // namespace lauter::sim
