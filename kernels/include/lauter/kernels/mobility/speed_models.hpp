#pragma once
/// @file speed_models.hpp
/// Travel speed per mode as a function of grade, and per-edge travel times on the graph.
///
/// Walking: Tobler's hiking function (Tobler 1993, "Three presentations on geographical analysis
/// and modeling", NCGIA Technical Report 93-1): v = 6 exp(-3.5 |s + 0.05|) km/h, s = rise/run.
///
/// Cycling: steady-state power balance on grade s with the small-angle form (mobility.md
/// section 3; GraphHopper's bike_climb_factor and BRouter's kinematic model use the same balance):
///     P = v * (m g (Crr + s) + 0.5 rho CdA v^2)
/// P rider power at the wheel (W), m system mass (kg), g = 9.81 m/s^2, Crr rolling resistance,
/// rho air density (kg/m^3), CdA drag area (m^2). The cubic a v^3 + b v - P = 0 (a > 0) has exactly
/// one positive root for P > 0 whatever the sign of b: for b >= 0 the left side increases, for
/// b < 0 (descents) it falls from -P at v = 0 to a minimum at v* = sqrt(-b / 3a) and then rises.
/// solve_power_balance_mps brackets that root in [v*, v_hi] and uses safeguarded Newton steps
/// (bisection whenever a Newton step leaves the bracket), so it cannot diverge or pick the
/// wrong root. Descents are capped at `max_speed_kmh` (braking and comfort). If the riding speed
/// falls below `push_below_kmh` the rider pushes at `push_factor` x Tobler (GraphHopper
/// bike_elevation.json: 0.8 x Tobler below a dismount speed of 3.5 km/h, which reproduces their
/// BikeClimbSpeedTableTest values at 15, 20 and 31.5 %).
///
/// Pedelec (EU Reg. 168/2013, EN 15194: 250 W rated assistance, cut off at 25 km/h): the rider's
/// power plus `assist_power_w` while the speed stays below `assist_cutoff_kmh`; where the assisted
/// speed would exceed the cutoff, the speed is max(cutoff, unassisted speed) (mobility.md
/// section 3). The progressive fade-out of real motors below 25 km/h is not modelled.
///
/// Car: maxspeed tag, else a default speed per highway class, times an urban delay factor for
/// junctions, signals and traffic.

#include <lauter/kernels/mobility/graph.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

inline constexpr double gravity_mps2 = 9.81;

struct WalkParams {
    /// Tobler's maximum walking speed (at 5 % downhill), km/h (Tobler 1993).
    double tobler_max_speed_kmh = 6.0;
};

/// Tobler's hiking function in km/h for grade `grade` (rise over run, m/m).
[[nodiscard]] double tobler_speed_kmh(double grade, const WalkParams& params = {}) noexcept;

struct BikeParams {
    /// Rider power at the wheel (W). Default 120 W with 95 kg, CdA 0.6 m^2, Crr 0.01: the
    /// parameters of GraphHopper's current bike_elevation.json custom model (mobility.md 2.3).
    double rider_power_w = 120.0;
    double system_mass_kg = 95.0;   ///< rider + bike
    double cda_m2 = 0.6;            ///< drag area
    double crr = 0.01;              ///< rolling resistance coefficient
    /// Air density at 15 degrees C, sea level (ISA): 1.225 kg/m^3; with it the power balance
    /// reproduces GraphHopper's BikeClimbSpeedTableTest to 0.01 km/h (mobility.md 2.3).
    double air_density_kg_m3 = 1.225;
    /// Highest speed (descents), km/h: 30 km/h in town, mobility.md section 3 (an assumption,
    /// marked there; GraphHopper caps at 45 km/h).
    double max_speed_kmh = 30.0;
    /// Riders dismount below this riding speed (km/h): GraphHopper's 3.5 km/h.
    double push_below_kmh = 3.5;
    /// Pushing speed as a share of Tobler's walking speed: GraphHopper's 0.8.
    double push_factor = 0.8;
    /// Motor assistance (W) below `assist_cutoff_kmh`; 0 for a conventional bike.
    double assist_power_w = 0.0;
    /// Assistance cut-off speed, km/h (EU Reg. 168/2013: 25 km/h).
    double assist_cutoff_kmh = 25.0;
};

/// Pedelec defaults of mobility.md section 3: 100 W rider + 250 W rated motor (EU Reg. 168/2013),
/// cut off at 25 km/h, 110 kg system mass, CdA 0.55 m^2, Crr 0.008.
[[nodiscard]] BikeParams pedelec_params() noexcept;

/// The positive root v (m/s) of P = v (m g (crr + grade) + 0.5 rho CdA v^2) (see file comment).
/// power_w > 0.
[[nodiscard]] double solve_power_balance_mps(double power_w, double grade, double mass_kg,
                                             double cda_m2, double crr,
                                             double air_density_kg_m3) noexcept;

/// Riding (or pushing) speed in km/h on grade `grade` (m/m), with the descent cap, pushing and
/// pedelec assistance of the file comment.
[[nodiscard]] double bike_speed_kmh(double grade, const BikeParams& params) noexcept;

/// Riding speed ignoring pushing (for reporting), km/h.
[[nodiscard]] double bike_riding_speed_kmh(double grade, const BikeParams& params) noexcept;

/// Highest bike speed on a surface (km/h; 0 = no limit). Defaults from OSRM's bicycle.lua surface
/// speeds (mobility.md 2.4): sett 9, cobblestone 7, gravel and other unpaved 6 km/h.
struct SurfaceSpeedCaps {
    double sett_kmh = 9.0;
    double cobblestone_kmh = 7.0;
    double compacted_kmh = 0.0;
    double unpaved_kmh = 6.0;
};

struct CarParams {
    /// Free-flow speed per HighwayClass (km/h) where maxspeed is not tagged: OSRM car.lua
    /// defaults (motorway 90, trunk 85, primary 65, secondary 55, tertiary 40, unclassified 25,
    /// residential 25, living_street 10, service 15); non-car classes 0.
    std::array<double, 16> class_speed_kmh = {90.0, 85.0, 65.0, 55.0, 40.0, 25.0, 25.0, 10.0,
                                              15.0, 0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0};
    /// Share of the tagged limit driven on average in town (junctions, signals, traffic):
    /// 0.8, OSRM car.lua's speed_reduction for maxspeed tags (an analogy, not measured for
    /// Kaiserslautern).
    double urban_factor = 0.8;
};

/// Car speed in km/h on an edge of class `highway` with tagged `maxspeed_kmh` (0: untagged).
[[nodiscard]] double car_speed_kmh(HighwayClass highway, double maxspeed_kmh,
                                   const CarParams& params) noexcept;

/// Travel profile of a mode for per-edge times.
struct TravelProfile {
    Mode mode = Mode::bike;
    WalkParams walk;
    BikeParams bike;
    SurfaceSpeedCaps surface;
    CarParams car;
};

/// Per-edge travel time (s) for `profile`: the sum over the edge's grade pieces of length /
/// speed(grade) for walking and cycling (edges a bike may only be pushed along: push_factor x
/// Tobler), length / car speed for cars. Edges the mode may not use get +infinity.
/// OpenMP over edges; independent of the thread count.
[[nodiscard]] std::vector<float> edge_travel_times_s(const Graph& graph,
                                                     const TravelProfile& profile);

} // namespace lauter::kernels::mobility
