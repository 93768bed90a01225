#pragma once
/// @file layer.hpp
/// The shallow cold-air layer of issue 4, item 2, in the spirit of KLAM_21 (Sievers 2005,
/// DWD-Bericht 227) and KALM (Lohmeyer & Schaedler): a single, vertically integrated layer of
/// air colder than its surroundings, flowing over the terrain, driven by its temperature
/// deficit, braked by the surface and fed by cold-air production (physics.md A1). It runs on the
/// shared local-inertial solver (shallow/local_inertial.hpp), the same core as the heavy-rain
/// model, with the cold-air parameterisation:
///
///   - gravity: the reduced gravity g' = g dtheta / theta_0 (physics.md A1), uniform;
///   - friction: FrictionLaw::quadratic_drag with a per-cell c_D (roughness.hpp), the
///     -(c_D/H)|v|v term of the KLAM_21/KALM momentum equation;
///   - bed: terrain plus the displacement height d of buildings (roughness.hpp; [KALM]);
///   - source: the production rate P (production.hpp), m^3/(m^2 h) = m/h, as s = P / 3600 m/s.
///
/// Deficit and height. KLAM_21 carries the cold content E = rho c_p \int_0^H dtheta(z) dz
/// (J/m^2) with dE/dt + div(E v) = Q_L and closes the height by an assumed deficit profile
/// (physics.md A1). Here the layer-mean deficit dtheta_bar is a prescribed constant (default
/// 10 K, the 15 / 5 degC pair of SAGA's Cold Air Flow, physics.md A2), so E = rho c_p dtheta_bar H:
/// the cold-content equation divided by rho c_p dtheta_bar is the volume equation
/// dH/dt + div(H v) = P with P = Q_L / (rho c_p dtheta_bar) (the conversion of physics.md A1),
/// and g' = g dtheta_bar / theta_0 = 0.3403 m/s^2 at theta_0 = 288.15 K (table E row 17).
/// Momentum (depth-averaged, hydrostatic, without the advection term of the local-inertial
/// scheme): dq/dt = -g' H d(z + d + H)/dx - c_D |u| u. What this leaves out: a deficit that grows
/// with the layer (KLAM_21's profile closure, e.g. the linear profile H = sqrt(2E/(rho c_p gamma))
/// of physics.md A1, whose coefficients are not confirmed), mixing with the regional wind
/// (vregio) and the destruction of cold air over warm built-up ground. See docs/coldair.md.
///
/// Outputs (ColdAirSnapshot), float rasters, NaN at no-data cells:
///   - height H (m): the layer depth above the effective bed (terrain plus displacement height);
///   - velocity (m/s), east and north components: the cell-centred unit discharge
///     q = ((q_w + q_e)/2, -(q_n + q_s)/2) divided by H where H > velocity_depth_threshold_m
///     (0 elsewhere; q/H amplifies the error of thin films without bound);
///   - volume flux density |q| (m^3/(m s)): "the product of cold-air height and flow speed"
///     (Kaltluftvolumenstromdichte, physics.md A1 [REK]).
///
/// Volume balance (double, m^3, cumulative from t = 0):
///     residual = production + clipped - outflow - (storage - storage at t = 0)
/// production, outflow (free-outflow faces) and clipped volume from the solver's step
/// statistics, storage = sum H A. With a double state it closes to round-off.
///
/// Determinism: the solver is bitwise independent of the thread count, so are these outputs.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <cstdint>
#include <vector>

namespace lauter::kernels::coldair {

/// g' = g dtheta / theta_0 (m/s^2): physics.md A1 (KLAM_21) and A2 (SAGA, with absolute
/// temperatures T and T - dtheta: g' = 9.80665 (T - T_cold) / T).
[[nodiscard]] double reduced_gravity_m_per_s2(double deficit_k,
                                              double ambient_temperature_k) noexcept;

/// The solver settings of the cold-air layer: LISFLOOD-FP's defaults of the shared solver
/// (physics.md B1) with quadratic drag, free outflow on every side down the local bed slope,
/// films under 5 cm left out of the step's velocity, the Froude limiter at 10 and the
/// face-by-face signal-speed step (local_inertial.hpp; why: layer.cpp and docs/coldair.md).
[[nodiscard]] shallow::LocalInertialParams default_cold_air_solver();

/// Parameters of a cold-air run.
struct ColdAirLayerParams {
    /// theta_0 (K): 15 degC, SAGA's default surrounding air temperature (physics.md A2).
    double ambient_temperature_k = 288.15;
    /// Layer-mean deficit dtheta_bar (K, > 0): 10 K, SAGA's 15 / 5 degC pair (physics.md A2).
    double deficit_k = 10.0;
    /// The shared solver; the layer sets its gravity (g'), friction law (quadratic drag) and
    /// friction coefficient (the input drag), and uses the rest as given.
    shallow::LocalInertialParams solver = default_cold_air_solver();
    /// Run length from sunset (s, > 0). Default 8 h: consultants report the flow after 8 h
    /// (physics.md A1, [WP]).
    double duration_s = 8.0 * 3600.0;
    /// Output times (s), ascending, each in (0, duration_s]. Default 1, 4 and 8 h (issue 4).
    std::vector<double> output_times_s = {3600.0, 4.0 * 3600.0, 8.0 * 3600.0};
    /// Velocities are evaluated only where H exceeds this (m, >= 0). 0.05 m: a modelling choice,
    /// far below the 1-50 m of a cold-air layer (table E row 16).
    double velocity_depth_threshold_m = 0.05;
};

/// Throws std::invalid_argument listing every invalid parameter (including the solver's).
void validate(const ColdAirLayerParams& params);

/// Inputs of a run. Views (and the mask) must outlive the layer; all on the grid of the mask.
struct ColdAirInputs {
    RasterView<const float> terrain_m{};
    /// P (m^3/(m^2 h), >= 0): production.hpp's raster, or uniform.
    shallow::CellField production_m3_per_m2_h = shallow::CellField::uniform(0.0);
    /// c_D (>= 0): roughness.hpp's raster, or uniform.
    shallow::CellField drag_coefficient = shallow::CellField::uniform(0.01);
    /// d (m, >= 0; empty: 0 everywhere).
    RasterView<const float> displacement_height_m{};
};

/// The layer at one time (see the file comment).
struct ColdAirSnapshot {
    double time_s = 0.0;
    Raster<float> height_m;
    Raster<float> velocity_east_m_per_s;
    Raster<float> velocity_north_m_per_s;
    Raster<float> volume_flux_density_m2_per_s; ///< m^3/(m s)
};

/// Cumulative volume balance from t = 0 (m^3, double).
struct ColdAirBalance {
    double time_s = 0.0;
    double production_m3 = 0.0;
    double outflow_m3 = 0.0;
    double clipped_m3 = 0.0;
    double storage_m3 = 0.0;
    double initial_storage_m3 = 0.0;
    double residual_m3 = 0.0;       ///< production + clipped - outflow - (storage - initial)
    double relative_residual = 0.0; ///< residual / (production + initial storage), 0 if that is 0
    std::uint64_t step_count = 0;
    double max_froude = 0.0;
};

/// A cold-air run on one grid; owns the effective bed, source, solver state and workspace,
/// allocated once. Real (double or float) is the state's storage type (local_inertial.hpp).
/// Not copyable or movable: the solver parameters view rasters the layer owns.
template <typename Real>
class ColdAirLayer {
public:
    /// Checks shapes, parameters and inputs (std::invalid_argument naming the first problem:
    /// non-finite terrain, negative or non-finite production, drag or displacement height at a
    /// cell with data) and allocates. The layer starts empty (sunset) unless initial_height_m
    /// is given (m >= 0 per cell, e.g. a cold-air lake).
    ColdAirLayer(const ColdAirInputs& inputs, const CellMask& mask, ColdAirLayerParams params,
                 RasterView<const float> initial_height_m = {});
    ColdAirLayer(const ColdAirLayer&) = delete;
    ColdAirLayer& operator=(const ColdAirLayer&) = delete;
    ColdAirLayer(ColdAirLayer&&) = delete;
    ColdAirLayer& operator=(ColdAirLayer&&) = delete;
    ~ColdAirLayer() = default;

    /// Advances to min(until_s, duration_s), ending the last step exactly there.
    void advance_to(double until_s);
    /// Runs from the current time to duration_s and returns a snapshot at each output time not
    /// yet passed (in order).
    [[nodiscard]] std::vector<ColdAirSnapshot> run();
    /// The outputs of the current state.
    [[nodiscard]] ColdAirSnapshot snapshot() const;

    [[nodiscard]] double time_s() const noexcept { return balance_.time_s; }
    [[nodiscard]] const ColdAirBalance& balance() const noexcept { return balance_; }
    [[nodiscard]] const shallow::ShallowLayerState<Real>& state() const noexcept { return state_; }
    /// Terrain plus displacement height (m), the bed the solver sees.
    [[nodiscard]] const Raster<float>& effective_bed_m() const noexcept { return bed_; }
    [[nodiscard]] const ColdAirLayerParams& params() const noexcept { return params_; }
    [[nodiscard]] double reduced_gravity() const noexcept {
        return params_.solver.gravity_m_per_s2.constant;
    }

private:
    const CellMask& mask_;
    ColdAirLayerParams params_;
    Raster<float> bed_;
    Raster<float> source_m_per_s_;
    shallow::CellField source_;
    shallow::ShallowLayerState<Real> state_;
    shallow::ShallowLayerWorkspace<Real> workspace_;
    ColdAirBalance balance_;
};

extern template class ColdAirLayer<double>;
extern template class ColdAirLayer<float>;

} // namespace lauter::kernels::coldair
