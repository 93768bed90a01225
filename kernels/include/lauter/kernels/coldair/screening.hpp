#pragma once
/// @file screening.hpp
/// Kinematic cold-air screening (issue 4, item 4): the scheme of SAGA's "Cold Air Flow"
/// (sim_air_flow tool 0, O. Conrad & H. Dietrich 2020; physics.md A2 and table E row 17), for
/// fast first looks and a like-for-like comparison with that tool. Our own implementation of
/// the published scheme:
///
///  1. g' = g (T - T_cold) / T, T in kelvin; 15 / 5 degC -> 0.3403 m/s^2.
///  2. On the cold-air surface S = z + h, the slope s = atan(sqrt(G^2 + H^2)) from central
///     differences of the four edge neighbours (G east-west, H north-south); where a neighbour
///     is missing (grid edge or no-data) the difference on the other side is used for both, and
///     0 where both are missing.
///  3. Velocity, only where h > 0 and S has a lower 8-neighbour (or drains over an open edge):
///     v = sqrt(g' (h/f) sin s), the balance of buoyancy g' h sin s and quadratic friction f v^2
///     (SAGA works in m/h, v = 3600 sqrt(...)); h 10 m, 2 degrees, f 1 -> 0.345 m/s.
///  4. Step dt = DELAY dx / v_max (DELAY 0.5); if no cell moves, the previous step doubled
///     (initially 10 s). Steps are shortened to end exactly on output times and the end.
///  5. Transfer: a cell sends dh = min(h, h v dt / dx) to its lower 8-neighbours n in proportion
///     to w_n = (S - S_n) / L_n (L_n = dx or dx sqrt 2): multiple flow directions on the air
///     surface. Open edges: a neighbour outside the grid (or a no-data cell) whose opposite
///     neighbour n' has data is taken at S' = 2S - S_n' (the surface continued linearly); if that
///     is lower, its share w = (S_n' - S) / L leaves the grid. Closed edges: no such share.
///  6. Production: h += P dt, P in m/h = m^3/(m^2 h).
///
/// All cells move from the same old state (outflows from h^n, inflows gathered from the
/// neighbours' outflows), so the update conserves volume exactly up to round-off: with closed
/// edges storage = initial + production. The gather formulation makes it race-free and bitwise
/// independent of the thread count (SAGA adds to neighbours from parallel threads).
///
/// Differences from SAGA 8.5 (docs/coldair.md): the layer starts empty at t = 0 (SAGA's RESET
/// starts with one initial step of production, 10 s); steps end exactly on output times (SAGA's
/// loop may overshoot its stop time by one step); a per-cell friction field is honoured (SAGA
/// reads its friction grid but uses the scalar default in the velocity, physics.md A2 quirk);
/// no-data cells are closed or open edges, never flow targets; cells must be square (SAGA's
/// cell size enters dt, the transfer and the slope).
///
/// Implementation: sin(atan t) = t / sqrt(1 + t^2) replaces the trigonometric calls; a per-cell
/// byte of neighbour flags, built once, replaces bounds and mask checks in the three passes
/// (velocity and weights; outflow per unit weight; gather).
///
/// What it is not: no momentum memory, no pressure-driven spreading on flat ground, no building
/// drag (physics.md A2) - the shallow layer (layer.hpp) has those.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <cstdint>
#include <limits>
#include <vector>

namespace lauter::kernels::coldair {

/// Parameters of the screening; defaults are SAGA 8.5's tool defaults (physics.md A2).
struct ScreeningParams {
    double ambient_temperature_c = 15.0;   ///< T_AIR
    double cold_air_temperature_c = 5.0;   ///< T_AIR_COLD, below T_AIR
    /// Friction f (> 0 where cold air moves; SAGA FRICTION_DEFAULT 1).
    shallow::CellField friction = shallow::CellField::uniform(1.0);
    double delay = 0.5;                    ///< DELAY, in [0.01, 1]
    double initial_time_step_s = 10.0;     ///< SAGA's initial 1/360 h
    bool open_edges = true;                ///< EDGE = 1
    double duration_s = 6.0 * 3600.0;      ///< TIME_STOP 6 h
    /// Output times (s), ascending, in (0, duration_s]; run() returns a snapshot at each.
    std::vector<double> output_times_s = {3600.0, 6.0 * 3600.0};
};

/// Throws std::invalid_argument listing every invalid parameter.
void validate(const ScreeningParams& params);

/// g' = 9.80665 (T - T_cold) / (T + 273.15) (m/s^2), temperatures in degC.
[[nodiscard]] double screening_reduced_gravity_m_per_s2(double ambient_temperature_c,
                                                        double cold_air_temperature_c) noexcept;

/// v = sqrt(g' (h / f) sin(slope)) (m/s); 0 unless h, f, slope > 0.
[[nodiscard]] double screening_velocity_m_per_s(double reduced_gravity_m_per_s2, double height_m,
                                                double slope_rad, double friction) noexcept;

/// The screening state at one time. Height and velocity (m/s, the step's kinematic speed) as
/// float rasters, NaN at no-data cells.
struct ScreeningSnapshot {
    double time_s = 0.0;
    Raster<float> height_m;
    Raster<float> velocity_m_per_s;
};

/// Cumulative volumes since t = 0 (m^3, double).
struct ScreeningBalance {
    double time_s = 0.0;
    double production_m3 = 0.0;
    double outflow_m3 = 0.0; ///< left over open edges
    double storage_m3 = 0.0;
    double initial_storage_m3 = 0.0;
    double residual_m3 = 0.0; ///< production - outflow - (storage - initial storage)
    std::uint64_t step_count = 0;
    double last_dt_s = 0.0;
};

/// A screening run; owns its state and scratch (double heights), allocated once.
/// Views (terrain, production and friction rasters, mask) must outlive it.
class ColdAirScreening {
public:
    /// Throws std::invalid_argument on differing shapes, non-square cells, invalid parameters,
    /// or non-finite terrain, negative or non-finite production or friction at a cell with data.
    /// The layer starts empty (sunset) unless initial_height_m is given (m, >= 0 per cell).
    ColdAirScreening(RasterView<const float> terrain_m, const CellMask& mask,
                     shallow::CellField production_m3_per_m2_h, ScreeningParams params,
                     RasterView<const float> initial_height_m = {});

    /// Advances to min(until_s, duration_s), ending the last step exactly there.
    void advance_to(double until_s);
    /// Runs to duration_s, with a snapshot at each output time not yet passed.
    [[nodiscard]] std::vector<ScreeningSnapshot> run();
    [[nodiscard]] ScreeningSnapshot snapshot() const;
    /// One step (steps 2-6 of the file comment), shortened to at most dt_limit_s; returns its
    /// length (s). advance_to() is the usual entry; this one lets tests see single steps.
    double step(double dt_limit_s = std::numeric_limits<double>::infinity());

    [[nodiscard]] const ScreeningBalance& balance() const noexcept { return balance_; }
    [[nodiscard]] const std::vector<double>& height_m() const noexcept { return h_; }
    [[nodiscard]] double reduced_gravity() const noexcept { return g_reduced_; }

private:
    [[nodiscard]] double stored_volume() const;

    RasterView<const float> terrain_;
    const CellMask& mask_;
    shallow::CellField production_;
    ScreeningParams params_;
    double g_reduced_ = 0.0;
    double dt_s_ = 0.0;                ///< the previous step (for doubling)
    std::vector<double> h_;            ///< height per cell (0 at no-data cells)
    std::vector<double> h_next_;
    std::vector<double> share_;        ///< outflow per unit weight w (m) of the step, per cell
    std::vector<double> surface_;      ///< S = z + h of the step's old state
    /// Per cell: bit k set if neighbour k (N, NE, E, SE, S, SW, W, NW) has data.
    std::vector<std::uint8_t> neighbours_;
    std::vector<double> velocity_;     ///< kinematic speed of the last step (m/s)
    std::vector<double> row_partials_; ///< per-row outflow and v_max
    ScreeningBalance balance_;
};

} // namespace lauter::kernels::coldair
