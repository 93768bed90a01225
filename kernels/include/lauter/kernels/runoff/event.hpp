#pragma once
/// @file event.hpp
/// The rainfall-runoff event driver of issue 3: rain from a Hyetograph (design_storm.hpp), losses
/// (infiltration.hpp: none, Green-Ampt or incremental SCS curve number, with sealed shares and a
/// sewer inlet capacity) and the local-inertial shallow-water solver (shallow/local_inertial.hpp)
/// advanced together over the event, with the hazard-map outputs tracked on the way.
///
/// Step loop. Each step
///   1. takes the solver's adaptive time step (local_inertial_time_step_s), shortened so that it
///      ends on the next hyetograph breakpoint, the next volume-balance sample time, the end of
///      the requested interval or the end of the current loss interval (below); the rain rate
///      is then constant over every step, and samples are taken at exact times;
///   2. at the start of a loss interval, turns its rain, r_i = m_i * mean intensity over the
///      interval (m_i the optional per-cell rain multiplier, 1 without), and the depth at its
///      start into the net source rate with the selected loss model (one step of
///      infiltration.hpp over the whole interval, integrated exactly as for any step length);
///   3. advances the solver with that source (held over the interval) and the step's dt;
///   4. updates the per-cell maxima (below) from the new state; the same pass finds max g h, from
///      which the next step is computed exactly as the solver computes it (so the steps end
///      exactly on the loss interval's end).
///
/// Loss intervals. The loss step (Green-Ampt's Newton solve above all) costs more per cell than
/// the solver, and the solver's step (0.1-0.3 s on a 10 m grid in a heavy storm) is set by the
/// wave speed, not by how fast infiltration changes. So losses are updated every
/// loss_interval_s (itzi's EA 8A configuration uses an infiltration step of 15 s, physics.md
/// B1; LISFLOOD-FP's Green-Ampt option 300 s wet / 1200 s dry, B2): an interval starts where
/// the previous one ended and lasts loss_interval_s, shortened to end on a hyetograph
/// breakpoint, a sample time or the end of the requested advance (so it never straddles one).
/// Its net source rate is held for every solver step in it, and the last step ends exactly on
/// its end, so the source volume the solver applies is the rain minus the losses booked for the
/// interval (up to the float rounding of the rate). What is lost: water arriving by flow during
/// an interval infiltrates from the next one on, and a cell that the flow empties while its
/// held loss continues is clipped at zero by the solver (reported as clipped volume, so the
/// balance identity below still holds). If loss_interval_s is 0 or not longer than the solver's
/// step at the start of an interval, that interval is the solver's step: losses every step.
///
/// Outputs per cell (float rasters, NaN at no-data cells), updated from the state at t = 0 and
/// after every step (not only at samples), so that short peaks between samples are kept:
///   - max depth h_max (m) over the event, and the time (s) of its first occurrence (the end time
///     of the step that produced it; 0 for cells that never hold water);
///   - max speed |v| (m/s): cell-centred velocity from the face discharges, u = (u_w + u_e) / 2
///     and v = (v_n + v_s) / 2 with u_face = q_face / h_f on faces with h_f above the solver's
///     depth threshold (0 elsewhere), h_f as in the solver (max(eta) - max(z) on inner faces, the
///     cell depth on outer faces); evaluated only where the cell depth exceeds
///     velocity_depth_threshold_m (0 elsewhere);
///   - max depth-velocity product max_t(h |v|) (m^2/s), the maximum over time of the product,
///     not the product of the two maxima (the hazard of ARR 2019 Book 6 Ch. 7 uses D x V);
///   - depth at the end of the event (m).
///
/// Volume balance (double, m^3, cumulative from t = 0), sampled every balance_interval_s and at
/// the end of every advance:
///     residual = rain - infiltration - sewer - outflow + clipped - (storage - storage_0)
/// Rain is r_i A over the cells with data (with the multiplier), infiltration and sewer are the
/// loss volumes of infiltration.hpp, outflow and clipped come from the solver, storage is
/// sum h A. The relative residual divides by rain + storage_0 (0 when both are 0). The source
/// rate handed to the solver is stored in float when a per-cell rate is needed (losses or a
/// multiplier), which bounds the residual to about 1e-7 of the rain; with uniform rain and no
/// loss it is exact in double. A float depth state adds the rounding of each stored depth.
///
/// Determinism: every kernel called runs OpenMP over rows with per-row partials summed in row
/// order, and the maxima are order independent, so all results are bitwise identical for any
/// thread count.
///
/// Memory: a RunoffEvent allocates once (state, workspace, loss state, a float source raster and
/// five float output rasters) and not in its step loop.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/runoff/design_storm.hpp>
#include <lauter/kernels/runoff/infiltration.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace lauter::kernels::runoff {

/// Which infiltration model acts on the pervious share of the cells. The sewer capacity of
/// SurfaceCover acts on the sealed share with every model.
enum class LossModel : std::uint8_t {
    none = 0,         ///< no infiltration (rain, sewer and flow only)
    green_ampt = 1,   ///< Green-Ampt with Mein-Larson ponding (GreenAmptParams)
    curve_number = 2, ///< incremental SCS curve number (CurveNumberParams)
};

/// Stable name of a loss model ("none", "green_ampt", "curve_number"), its scenario key.
[[nodiscard]] std::string_view loss_model_name(LossModel model) noexcept;
/// The loss model of a name, or nothing for an unknown name.
[[nodiscard]] std::optional<LossModel> loss_model_from_name(std::string_view name) noexcept;

/// Parameters of one runoff event.
struct RunoffEventParams {
    /// The hydraulic solver; Manning's n per cell goes into solver.friction_coefficient.
    shallow::LocalInertialParams solver{};
    /// Green-Ampt by default: issue 3 asks for infiltration per land cover with Green-Ampt or the
    /// curve number, and Green-Ampt responds to ponding and rain intensity (physics.md B2).
    LossModel loss_model = LossModel::green_ampt;
    GreenAmptParams green_ampt{};
    CurveNumberParams curve_number{};
    /// Sealed fraction per cell and sewer inlet capacity (used with every loss model).
    SurfaceCover cover{};
    /// Length of the event (s), from t = 0. Default 2 h: the default run of issue 3, a 1 h storm
    /// plus 1 h of drainage.
    double duration_s = 7200.0;
    /// Length of a loss interval (s, >= 0; see the file comment): losses are evaluated once per
    /// interval and held. Default 15 s, itzi's infiltration step in its EA test 8A configuration
    /// (physics.md B1); 0 evaluates them every solver step.
    double loss_interval_s = 15.0;
    /// Time between volume-balance samples (s, > 0); steps end on the sample times. 60 s resolves
    /// the 1 h design storms by 60 samples at negligible cost.
    double balance_interval_s = 60.0;
    /// Velocities (and D x V) are evaluated only where the cell depth exceeds this (m, >= 0).
    /// q / h amplifies the relative error of h without bound as h -> 0, so thin rain films on
    /// steep ground would show velocities that mean nothing for a hazard map; 1 cm is a modelling
    /// choice (ten times LISFLOOD-FP's default flow threshold of 1 mm, below which the scheme
    /// has no flow at all), and every such cell is in the lowest hazard class anyway (hazard.hpp:
    /// H1 needs D <= 0.3 m and D x V <= 0.3 m^2/s, i.e. |v| <= 30 m/s at 1 cm).
    double velocity_depth_threshold_m = 0.01;
};

/// Throws std::invalid_argument listing every invalid parameter (including those of the solver,
/// the selected loss model and the cover).
void validate(const RunoffEventParams& params);

/// Optional per-cell inputs of an event (empty views: not used). Views must outlive the event.
struct RunoffCellInputs {
    /// Green-Ampt soil class per cell, an index into green_ampt.soils (empty: class 0).
    RasterView<const std::uint8_t> soil_index{};
    /// Multiplier of the rain falling on each cell (>= 0; empty: 1 everywhere), e.g. the roof
    /// redirection of buildings.hpp (0 on roofs, > 1 next to buildings).
    RasterView<const float> rain_multiplier{};
    /// Depth at t = 0 (m, >= 0; empty: dry).
    RasterView<const float> initial_depth_m{};
};

/// One sample of the cumulative volume balance (m^3 unless stated, double, from t = 0).
struct VolumeBalanceSample {
    double time_s = 0.0;
    double rain_m3 = 0.0;         ///< rain on the cells with data (with the multiplier)
    double infiltration_m3 = 0.0; ///< infiltrated on the pervious shares
    double sewer_m3 = 0.0;        ///< taken by sewer inlets on the sealed shares
    double outflow_m3 = 0.0;      ///< left through free-outflow faces
    double clipped_m3 = 0.0;      ///< added by the solver where a depth would become negative
    double storage_m3 = 0.0;      ///< water on the cells, sum of h A
    /// rain - infiltration - sewer - outflow + clipped - (storage - storage at t = 0)
    double residual_m3 = 0.0;
    /// residual / (rain + storage at t = 0); 0 when the denominator is 0
    double relative_residual = 0.0;
    double max_depth_m = 0.0;     ///< largest depth on the grid at this time (m)
    std::uint64_t step_count = 0; ///< solver steps taken up to this time
};

/// The outputs of an event (see the file comment). Rasters are on the grid of the mask.
struct RunoffEventResults {
    Raster<float> max_depth_m;
    Raster<float> time_of_max_depth_s;
    Raster<float> max_velocity_m_per_s;
    Raster<float> max_depth_velocity_m2_per_s;
    Raster<float> end_depth_m;                 ///< filled by run() / advance_to() on return
    std::vector<VolumeBalanceSample> balance;  ///< samples in time order, the first at t = 0
    std::uint64_t step_count = 0;              ///< solver steps taken
    double min_dt_s = 0.0;                     ///< smallest step not shortened by a sample,
                                               ///< breakpoint or end time (0 before any step)
    double max_froude = 0.0;                   ///< largest Froude number of any step
};

/// Called after each balance sample with that sample (from the thread that called run()).
using RunoffProgressCallback = std::function<void(const VolumeBalanceSample&)>;

/// A runoff event on one grid: owns the solver state, workspace, loss state and results,
/// allocated once by the constructor. Real (float or double) is the storage type of the depth
/// and discharge state (see local_inertial.hpp: double for verification, float for speed).
template <typename Real>
class RunoffEvent {
public:
    /// Checks shapes and parameters (std::invalid_argument naming the problem: shapes differ, a
    /// soil index without class, a negative or non-finite multiplier or initial depth) and
    /// allocates. `bed_elevation_m` (the hydraulic terrain, e.g. with buildings raised) and the
    /// views of `cells` and of the parameters' CellFields must outlive the event.
    RunoffEvent(RasterView<const float> bed_elevation_m, const CellMask& mask,
                Hyetograph hyetograph, RunoffEventParams params, RunoffCellInputs cells = {});

    /// Runs from the current time to params.duration_s, calling `progress` after each balance
    /// sample. Returns the results (also available from results()).
    const RunoffEventResults& run(const RunoffProgressCallback& progress = {});

    /// Advances to min(until_s, duration_s), ending the last step exactly there, and takes a
    /// balance sample there. Lets a caller write snapshots between calls.
    void advance_to(double until_s, const RunoffProgressCallback& progress = {});

    /// Current model time (s).
    [[nodiscard]] double time_s() const noexcept { return time_s_; }
    [[nodiscard]] const RunoffEventParams& params() const noexcept { return params_; }
    [[nodiscard]] const RunoffEventResults& results() const noexcept { return results_; }
    /// Moves the results out (e.g. to keep them after the event is gone); the event must not
    /// be advanced afterwards.
    [[nodiscard]] RunoffEventResults release_results() noexcept { return std::move(results_); }
    /// The solver state (depth and face discharges) at the current time.
    [[nodiscard]] const shallow::ShallowLayerState<Real>& state() const noexcept {
        return state_;
    }

private:
    /// One step towards `target_s`, shortened to end exactly there or on the end of the loss
    /// interval if the solver's step would pass it; returns whether it got to `target_s`.
    bool take_step(double target_s);
    /// Maxima of the current state; also max depth and max g h for the next time step.
    void update_maxima();
    void take_sample();
    void write_end_depth();

    RasterView<const float> bed_;
    const CellMask* mask_;
    Hyetograph hyetograph_;
    RunoffEventParams params_;
    RunoffCellInputs cells_;
    shallow::ShallowLayerState<Real> state_;
    shallow::ShallowLayerWorkspace<Real> workspace_;
    GreenAmptState green_ampt_state_;
    CurveNumberState curve_number_state_;
    NoInfiltrationState no_infiltration_state_;
    Raster<float> source_m_per_s_;
    RunoffEventResults results_;
    std::vector<double> row_max_;      ///< per-row maxima of the maxima pass
    /// Runs [first, last) of cells whose four neighbours all have data (no grid edge), by row:
    /// row r owns interior_runs_[run_offsets_[r] .. run_offsets_[r + 1]); the maxima pass
    /// vectorises over them.
    std::vector<std::pair<std::size_t, std::size_t>> interior_runs_;
    std::vector<std::size_t> run_offsets_;
    std::size_t cells_with_data_ = 0;
    std::uint64_t sample_index_ = 0;   ///< samples k * balance_interval_s taken so far
    double time_s_ = 0.0;
    double loss_end_s_ = 0.0;          ///< end of the current loss interval (<= time_s_: none)
    double wave_speed_sq_ = 0.0;       ///< max g h of the current state
    double max_depth_m_ = 0.0;         ///< max h of the current state
    double storage0_m3_ = 0.0;
    double rain_m3_ = 0.0;
    double infiltration_m3_ = 0.0;
    double sewer_m3_ = 0.0;
    double outflow_m3_ = 0.0;
    double clipped_m3_ = 0.0;
    bool uniform_source_ = false;      ///< uniform rain, no losses: the source stays in double
};

extern template class RunoffEvent<float>;
extern template class RunoffEvent<double>;

} // namespace lauter::kernels::runoff
