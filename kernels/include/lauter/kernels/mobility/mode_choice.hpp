#pragma once
/// @file mode_choice.hpp
/// Modal split over walk, bike, e-bike, bus and car: a multinomial logit (MNL) per OD pair,
/// calibration of the alternative-specific constants (ASCs) to observed city-wide shares, and
/// the pivot-point (incremental) logit for scenarios.
///
/// Utilities per OD pair (mobility.md section 5; times in minutes, money in euro):
///
///     V_walk  = ASC_w + b_t t_walk
///     V_bike  = ASC_b + b_t (t_bike  + k_climb climb_bike)
///     V_ebike = ASC_e + b_t (t_ebike + k_e k_climb climb_ebike) + ln(s_e)
///     V_bus   = ASC_p + b_t (t_ivt + headway / 2 + t_access) + b_m fare
///     V_car   = ASC_c + b_t (t_car + t_parking_search) + b_m (c_km d_car)
///
/// b_t = -6.88 / 60 per minute: MATSim Berlin v6.4 marginal utility of performing 6.88 util/h,
/// which every minute of travel forgoes (matsim-berlin input/v6.4/berlin-v6.4.config.xml;
/// mobility.md 5). b_m = 1 util per euro and c_km = 0.149 EUR/km from the same file. Waiting is
/// half the headway (mobility.md 2, issue 6; UDST/urbanaccess#76).
/// Climbing effort: k_climb converts metres climbed into the minutes of flat riding a cyclist
/// trades for them. Default: the AMBAG bicycle generalised cost (RSGInc/micromobility_toolset
/// AMBAG config; mobility.md 4) prices 1 ft of climb at 0.005 and 1 mile of ordinary street at
/// 0.858, so 1 m of climb = 30.8 m of street (computed), ridden at r5r's default 12 km/h
/// (mobility.md 6): k_climb = 0.154 min/m. Pass the physical (power-balance) bike time, not a
/// time that already contains upslope penalties, or set k_climb to 0.
/// k_e = 0.291: the e-bike scenario of the PCT lowers the hilliness coefficient from -0.2555 to
/// -0.2555 + 0.1812 = -0.0743 (ITSLeeds/pct R/uptake.R; mobility.md 1), 29.1 % (computed).
/// s_e is the share of travellers of the origin zone who own (or can use) an e-bike: ln(s_e) is
/// the log of the size of the sub-population that has the e-bike in its choice set, the
/// aggregate-availability (size variable) term of Ben-Akiva & Lerman (1985, "Discrete Choice
/// Analysis", section 9.3). An OD pair with a non-finite time for a mode, or s_e = 0, does not
/// offer that mode (probability 0).
///
/// MNL (McFadden 1974): P_k = exp(V_k) / sum_j exp(V_j), evaluated with the maximum utility
/// subtracted (no overflow). Constant terms (daily car or ticket costs, a per-trip fare that is
/// the same everywhere) are absorbed by the ASCs at calibration.
///
/// Calibration (Train 2009, "Discrete Choice Methods with Simulation", 2nd ed., section 2.8;
/// Ortuzar & Willumsen 2011, section 7.6.2): ASC_k += ln(S_k / M_k) with S the target and M
/// the trip-weighted model shares, repeated until max_k |M_k - S_k| <= tolerance; ASC_walk is
/// held at 0 (the utilities are identified up to a constant).
///
/// Pivot-point logit (Koppelman 1983; RSGInc/micromobility_toolset incremental_demand;
/// mobility.md 5): with baseline probabilities p and the utility change dV of a scenario,
///     p'_k = p_k exp(dV_k) / sum_j p_j exp(dV_j).
/// An OD pair whose dV is 0 for every mode keeps its baseline probabilities unchanged (bitwise:
/// they are copied, since p / sum p need not round to p). A mode unavailable in the baseline
/// stays at 0: the pivot cannot create a mode on a pair (a known limit of incremental logit).
///
/// Threading: OpenMP over origin rows; city-wide sums are per-row partials added in row order,
/// so every output is bitwise identical for any thread count.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace lauter::kernels::mobility {

/// The choice alternatives (graph.hpp's Mode is the narrower set of network access modes).
enum class ChoiceMode : std::uint8_t { walk = 0, bike = 1, ebike = 2, bus = 3, car = 4 };
inline constexpr std::size_t choice_mode_count = 5;
using ModeArray = std::array<double, choice_mode_count>;

[[nodiscard]] std::string_view mode_name(ChoiceMode mode) noexcept;

/// Level-of-service matrices (n x n, row-major) per mode and per-zone inputs. A non-finite time
/// means the mode is not available on that pair.
struct ModeSkims {
    std::size_t zone_count = 0;
    std::span<const double> walk_time_min;
    std::span<const double> bike_time_min;  ///< physical riding time (incl. pushing)
    std::span<const double> bike_climb_m;   ///< total ascent along the bike route
    std::span<const double> ebike_time_min;
    std::span<const double> ebike_climb_m;
    std::span<const double> bus_in_vehicle_min;
    std::span<const double> bus_headway_min; ///< headway of the service used; wait = headway / 2
    std::span<const double> bus_access_min;  ///< walk to and from the stops
    std::span<const double> car_time_min;
    std::span<const double> car_distance_km;
    /// Per destination zone (n): minutes of parking search; empty = 0 everywhere.
    std::span<const double> parking_search_min;
    /// Per origin zone (n): share of travellers with an e-bike, in (0, 1]; empty = 1.
    std::span<const double> ebike_share;
};

/// Utility coefficients (see the file comment for their sources).
struct ModeChoiceParams {
    double time_util_per_min = -6.88 / 60.0; ///< MATSim Berlin v6.4, performing 6.88 util/h
    double money_util_per_eur = 1.0;         ///< MATSim Berlin v6.4
    double car_cost_eur_per_km = 0.149;      ///< MATSim Berlin v6.4 car monetary distance rate
    double bus_fare_eur = 0.0;               ///< per trip; 0: constant fares live in ASC_bus
    double climb_min_per_m = 0.154;          ///< AMBAG climb vs distance at 12 km/h (computed)
    double ebike_climb_factor = 0.291;       ///< PCT e-bike hilliness ratio (computed)
    /// Initial ASCs walk, bike, e-bike, bus, car: MATSim Berlin v6.4 (walk 0, bike -1.354, PT
    /// +0.397, car -0.534); e-bike starts at the bike value. Calibration replaces them.
    ModeArray asc = {0.0, -1.354, -1.354, 0.397, -0.534};
};

/// Observed city-wide shares walk, bike, e-bike, bus, car (fractions summing to 1).
/// Kaiserslautern 2023 (SrV, mobility.md 5): car 50.0, walk 33.3, bike 8.3, bus/rail 8.5 %.
/// E-bikes are part of the 8.3 % bike share; the default splits it 7 % e-bike / 93 % bike, the
/// PCT's Dutch-scenario e-bike share of cycling for trips under 5 km (pct-scripts, mobility.md
/// 1.2), the distance band of most trips inside the city. The SrV does not publish the split.
[[nodiscard]] ModeArray kaiserslautern_2023_shares(double ebike_share_of_bike = 0.07);

/// Utilities V (n x n x 5, index (i * n + j) * 5 + k). Unavailable: -infinity.
/// Throws std::invalid_argument if a span has the wrong size.
[[nodiscard]] std::vector<double> mode_utilities(const ModeSkims& skims,
                                                 const ModeChoiceParams& params);

struct ModeSplit {
    std::size_t zone_count = 0;
    std::vector<double> probability; ///< n x n x 5: P_k per OD pair (0 where no mode offered)
    std::vector<double> mode_trips;  ///< 5 x n x n: k * n * n + i * n + j, trips per day
    std::vector<double> zone_shares; ///< n x 5: trip-weighted shares of origin zone i; NaN if
                                     ///< the zone produces no trips
    ModeArray city_shares{};         ///< trip-weighted city-wide shares
    ModeArray person_km{};           ///< sum T P_k d over pairs (d: the mode's distance)
    double total_trips = 0.0;
};

/// Splits `trips` (n x n) by the logit of `utilities`. `distance_km` (n x n) is the distance
/// used for person-km of every mode (e.g. car_distance_km, or a per-mode average); it may be
/// empty (person_km = 0). An OD pair with trips but no mode offered throws
/// std::invalid_argument.
[[nodiscard]] ModeSplit split_by_logit(std::span<const double> utilities,
                                       std::span<const double> trips, std::size_t zone_count,
                                       std::span<const double> distance_km = {});

struct CalibrationResult {
    ModeArray asc{};
    ModeSplit split;
    int iterations = 0;
    double max_abs_error = 0.0; ///< max_k |model share - target| (fraction, not pp)
    bool converged = false;
};

struct CalibrationParams {
    double tolerance = 1e-4; ///< 0.01 pp, ten times tighter than the 0.1 pp the issue asks for
    int max_iterations = 200;
};

/// Calibrates params.asc so that the trip-weighted city-wide shares match `target_shares`.
/// Throws std::invalid_argument if the targets are not fractions summing to 1 (within 1e-9),
/// or a mode with a positive target is offered on no pair with trips.
[[nodiscard]] CalibrationResult calibrate_asc(const ModeSkims& skims, ModeChoiceParams params,
                                              std::span<const double> trips,
                                              const ModeArray& target_shares,
                                              const CalibrationParams& calibration = {},
                                              std::span<const double> distance_km = {});

/// dV = V_scenario - V_baseline per OD pair and mode (n x n x 5). Where a mode is unavailable in
/// both, dV = 0; where it becomes unavailable, -infinity; where it becomes available, 0 (the
/// pivot cannot create it; see the file comment).
[[nodiscard]] std::vector<double> utility_change(std::span<const double> baseline_utilities,
                                                 std::span<const double> scenario_utilities);

/// Pivot-point logit: the scenario split from the baseline probabilities and dV.
[[nodiscard]] ModeSplit pivot_split(const ModeSplit& baseline, std::span<const double> delta_v,
                                    std::span<const double> trips,
                                    std::span<const double> distance_km = {});

/// Emission factor of car travel.
struct CarEmissionParams {
    /// g CO2-equivalent per person-km by car: UBA, "Vergleich der durchschnittlichen Emissionen
    /// einzelner Verkehrsmittel im Personenverkehr", reference year 2019 (TREMOD), 154 g/Pkm
    /// including the fuel supply chain. Not re-checked against the primary table (see
    /// docs/mobility-demand.md).
    double co2_g_per_person_km = 154.0;
    double occupancy_persons = 1.4; ///< persons per car, the occupancy of the same UBA table
};

struct CarChange {
    double car_person_km = 0.0;  ///< scenario - baseline, per day
    double car_vehicle_km = 0.0; ///< person-km / occupancy
    double co2_kg = 0.0;         ///< person-km * factor
};

/// Change of car travel and its CO2 between two splits (scenario - baseline).
[[nodiscard]] CarChange car_change(const ModeSplit& baseline, const ModeSplit& scenario,
                                   const CarEmissionParams& params = {});

} // namespace lauter::kernels::mobility
