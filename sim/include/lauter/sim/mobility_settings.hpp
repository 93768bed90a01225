#pragma once
/// @file mobility_settings.hpp
/// Settings of the mobility model (scenario key `models.mobility`, issue 6 items 5-7): zones,
/// residents, trip production and distribution, travel parameters per mode, the observed modal
/// split the logit is calibrated to, accessibility thresholds, and the bike-lane measure. Every
/// default is taken from the kernel parameter struct that owns it; the schema
/// (mobility_model_schema) and the conversion from a resolved scenario live in
/// mobility_settings.cpp, the model in mobility_model.hpp.

#include <lauter/kernels/mobility/accessibility.hpp>
#include <lauter/kernels/mobility/cycling_stress.hpp>
#include <lauter/kernels/mobility/demand.hpp>
#include <lauter/kernels/mobility/graph.hpp>
#include <lauter/kernels/mobility/mode_choice.hpp>
#include <lauter/kernels/mobility/speed_models.hpp>
#include <lauter/kernels/mobility/transit.hpp>
#include <lauter/sim/residents.hpp>
#include <lauter/sim/schema.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lauter::sim {

/// A point of the study CRS (m), in a form that compares with ==.
using MapPoint = std::array<double, 2>;

/// A new or upgraded cycle facility (both directions) on every edge of one OSM way, or, when
/// way_id is 0, on every cyclable edge whose two end nodes lie within buffer_m of the polyline
/// `along` (study CRS), e.g. a bike_lanes modification's `along:` line.
struct BikeLaneMeasure {
    std::int64_t way_id = 0;
    kernels::mobility::CycleFacility facility = kernels::mobility::CycleFacility::lane;
    std::vector<MapPoint> along;
    double buffer_m = 0.0;

    bool operator==(const BikeLaneMeasure&) const = default;
};

/// The rings of one polygon (study CRS), filled by the even-odd rule.
using MapRings = std::vector<std::vector<MapPoint>>;

/// A car speed cap inside a polygon (rings in the study CRS, even-odd rule).
struct TrafficCalmingMeasure {
    MapRings rings;
    double car_max_speed_kmh = 30.0;

    bool operator==(const TrafficCalmingMeasure&) const = default;
};

/// A scenario headway for the lines with the given refs (all lines if `lines` is empty).
struct BusHeadwayMeasure {
    double headway_min = 20.0;
    std::vector<std::string> lines;

    bool operator==(const BusHeadwayMeasure&) const = default;
};

/// A scenario e-bike ownership share: for every zone (no `areas`, no `zones`), for the zones
/// whose residents-weighted centre lies in one of `areas`, or for the zones named in `zones`
/// (names of the results table `zones`, e.g. r3_c5 or district_2).
struct EbikeOwnershipMeasure {
    double share = 0.13;
    std::vector<MapRings> areas;
    std::vector<std::string> zones;
    /// The measure in messages, e.g. "modifications[2] (ebike_ownership)".
    std::string label;

    bool operator==(const EbikeOwnershipMeasure&) const = default;
};

struct MobilityModelSettings {
    bool enabled = false;

    /// Zones: polygons of a district file (one zone per polygon), else a regular grid of
    /// squares of zone_size_m over the study area (squares without residents are dropped).
    std::optional<std::filesystem::path> districts;
    /// 500 m squares: about the size of Kaiserslautern's statistical districts in the core
    /// (a choice; the issue leaves the grid size to the user).
    double zone_size_m = 500.0;

    /// Residents from OSM buildings (residents.hpp, shared with the thermal model); `total`
    /// rescales the residents inside the zones.
    ResidentsParams residents;

    /// Trips per resident and day (TripProductionParams: SrV 2023 Kaiserslautern, 3.2).
    double trips_per_resident =
        kernels::mobility::TripProductionParams{}.trips_per_resident_per_day;
    /// Target mean trip length (km, network distance on the walk network) the gravity model's
    /// exponential deterrence is calibrated to (Hyman 1969). No published Kaiserslautern value
    /// is known (docs/mobility-demand.md), so there is no default: the scenario must set it.
    double mean_trip_km = 0.0;
    /// Share of the attraction that goes to the zones' residents (trips home), the rest to the
    /// destinations from OSM POIs: 0.5, every home-based tour has an outbound and a return trip
    /// (lauter's closed-tour assumption).
    double home_attraction_share = 0.5;

    /// Travel parameters (defaults: the kernel parameter structs, speed_models.hpp).
    double bike_power_w = kernels::mobility::BikeParams{}.rider_power_w;
    double bike_mass_kg = kernels::mobility::BikeParams{}.system_mass_kg;
    /// Perceived cost of a left or right turn on bike and e-bike routes, metres of riding
    /// (cycling_stress.hpp: R5's 54 m); 0 = node-based routes without turn costs.
    double bike_turn_penalty_m = kernels::mobility::CyclingStressParams{}.turn_penalty_m;
    double ebike_power_w = kernels::mobility::pedelec_params().rider_power_w;
    double ebike_assist_w = kernels::mobility::pedelec_params().assist_power_w;
    double ebike_mass_kg = kernels::mobility::pedelec_params().system_mass_kg;
    double car_urban_factor = kernels::mobility::CarParams{}.urban_factor;
    /// Parking search per destination zone (min): 0 by default, a constant cost is absorbed by
    /// the calibrated car constant (docs/mobility-demand.md section 2).
    double parking_search_min = 0.0;
    /// Headway of every bus line the line file gives none for (min); waiting is half of it.
    /// OSM has no `interval` tags in Kaiserslautern: 20 min is lauter's assumption for the
    /// daytime city buses.
    double bus_headway_min = 20.0;
    /// Points (bus stops, POIs, the centre) farther than this from the network are ignored (m).
    double max_snap_m = 500.0;

    /// Mode-choice coefficients (ModeChoiceParams, MATSim Berlin v6.4 and AMBAG).
    double time_util_per_min = kernels::mobility::ModeChoiceParams{}.time_util_per_min;
    double car_cost_eur_per_km = kernels::mobility::ModeChoiceParams{}.car_cost_eur_per_km;
    /// Observed shares (percent) walk, bike incl. e-bike, bus, car: Kaiserslautern 2023 (SrV;
    /// mobility.md 5, the values of kaiserslautern_2023_shares). Normalised to 1.
    std::array<double, 4> observed_percent = {33.3, 8.3, 8.5, 50.0};
    /// Share of the bike trips made by e-bike (the default of kaiserslautern_2023_shares).
    double ebike_share_of_bike = 0.07;
    /// Share of travellers who own or can use an e-bike, in (0, 1]. Calibration absorbs the
    /// baseline level into ASC_ebike; an ebike_ownership measure acts through ln(s'/s).
    /// 0.13: the share of German households with at least one e-bike on 1 January 2021
    /// (Destatis, Laufende Wirtschaftsrechnungen 2021, press release of September 2021). Taking
    /// the household share as the share of travellers, and Germany for Kaiserslautern, is an
    /// assumption: no local or person-level value is known.
    double ebike_ownership_share = 0.13;
    /// Calibration tolerance (fraction): CalibrationParams, 1e-4 = 0.01 pp.
    double calibration_tolerance = kernels::mobility::CalibrationParams{}.tolerance;

    /// Accessibility thresholds (AccessibilityThresholds, StopCatchmentParams; mobility.md 6).
    double grocery_m = kernels::mobility::AccessibilityThresholds{}.grocery_m;
    double green_near_m = kernels::mobility::AccessibilityThresholds{}.green_near_m;
    double green_far_m = kernels::mobility::AccessibilityThresholds{}.green_far_m;
    double centre_walk_min = kernels::mobility::AccessibilityThresholds{}.centre_walk_min;
    /// The city centre (WGS84 lon, lat): Kaiserslautern, Stiftsplatz (approximate).
    std::array<double, 2> centre_lonlat = {7.7689, 49.4447};

    std::vector<BikeLaneMeasure> bike_lanes;
    /// Traffic-calming areas (traffic_calming modifications): car speeds are capped on edges
    /// whose midpoint lies inside one; the scenario split pivots against the baseline.
    std::vector<TrafficCalmingMeasure> traffic_calming;
    /// Bus lines (bus_lines.hpp): the editable line file (headways, speed factors, new lines).
    std::optional<std::filesystem::path> bus_lines_file;
    /// Bus speed relative to the car's free-flow speed between stops (1: the car time; the
    /// line file may set it per line). lauter's assumption, no Kaiserslautern data.
    double bus_speed_factor = 1.0;
    /// Dwell time per stop (s): between the TCQSM 3rd ed. (TCRP Report 165, 2013, chapter 6)
    /// planning defaults of 15 s at a typical outlying stop and 30 s at a major outlying stop.
    double bus_dwell_s = 20.0;
    /// Penalty per transfer (equivalent in-vehicle min): TransitParams (Eltved et al. 2021).
    double bus_transfer_penalty_min = kernels::mobility::TransitParams{}.transfer_penalty_min;
    /// Longest walk to and from a stop (min): 10 min, about the 800 m walking catchment of bus
    /// stops used in transit planning at Tobler's 5 km/h on the flat.
    double bus_max_access_walk_min = 10.0;
    /// Longest walk between two stops for a transfer (min): about 400 m (lauter's choice).
    double bus_max_transfer_walk_min = 5.0;
    /// Headway changes of bus_headway modifications in list order (a later one wins), pivoting
    /// against the calibrated baseline; empty: unchanged.
    std::vector<BusHeadwayMeasure> bus_headway_changes;
    /// E-bike ownership shares of the scenario (ebike_ownership modifications in list order, a
    /// later one wins per zone), pivoting against the calibrated baseline with
    /// ebike_ownership_share; empty: unchanged.
    std::vector<EbikeOwnershipMeasure> ebike_ownership;

    bool operator==(const MobilityModelSettings&) const = default;
};

/// The `models.mobility` mapping of the scenario schema.
[[nodiscard]] schema::KeySpec mobility_model_schema();

/// Cross-key checks: mobility needs inputs.osm and inputs.dem and a mean trip length.
void check_mobility_keys(const schema::ValidationResult& result,
                         schema::Diagnostics& diagnostics);

/// The facility a bike-lane measure's `facility:` value names (lane, boulevard, track, path).
[[nodiscard]] kernels::mobility::CycleFacility bike_lane_facility_from_name(const std::string& name);

/// Typed settings from the resolved `models.mobility` node of a scenario without errors.
[[nodiscard]] MobilityModelSettings mobility_settings_from(const YAML::Node& mobility);

} // namespace lauter::sim
