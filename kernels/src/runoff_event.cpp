#include <lauter/kernels/runoff/event.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace lauter::kernels::runoff {

namespace {

/// Below this many cells the maxima pass runs on one thread (as the solver and the loss steps).
constexpr std::size_t min_cells_for_threads = 16384;

constexpr std::array<std::pair<LossModel, std::string_view>, 3> loss_model_names = {{
    {LossModel::none, "none"},
    {LossModel::green_ampt, "green_ampt"},
    {LossModel::curve_number, "curve_number"},
}};

void check_field_shape(const shallow::CellField& field, const GridSpec& spec, const char* what) {
    if (field.is_raster()) {
        require_same_shape(spec, field.per_cell.spec(), what);
    }
}

/// Throws unless every cell with data of `values` is finite and >= 0.
void check_non_negative(RasterView<const float> values, const CellMask& mask, const char* what) {
    require_same_shape(mask.spec(), values.spec(), what);
    for (std::size_t r = 0; r < values.rows(); ++r) {
        for (std::size_t c = 0; c < values.cols(); ++c) {
            const float v = values(r, c);
            if (mask.has_data(r, c) && !(std::isfinite(v) && v >= 0.0F)) {
                throw std::invalid_argument(std::string("RunoffEvent: ") + what + " at cell (" +
                                            std::to_string(r) + ", " + std::to_string(c) +
                                            ") is " + std::to_string(v) +
                                            "; it must be finite and >= 0");
            }
        }
    }
}

/// Per-row maxima of the maxima pass, summed (maxed) in row order.
enum RowMax : std::size_t { row_depth = 0, row_wave_speed_sq = 1, row_max_count = 2 };

/// Vector clones (SSE2 baseline and AVX2 without FMA) of the interior-row maxima kernel, as in
/// the solver: both perform the same IEEE operations in the same order, so the maxima do not
/// depend on the machine.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LAUTER_RUNOFF_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define LAUTER_RUNOFF_CLONES
#endif

/// Flow depth at a face between cells (z_m, h_m) and (z_p, h_p): the water-surface difference
/// above the higher bed, as the solver's face update (Bates et al. 2010).
inline double face_flow_depth(double z_m, double h_m, double z_p, double h_p) noexcept {
    const double surface_m = z_m + h_m;
    const double surface_p = z_p + h_p;
    return (surface_m > surface_p ? surface_m : surface_p) - (z_m > z_p ? z_m : z_p);
}

/// The arrays of one cell row and its neighbours that the maxima pass reads and writes.
template <typename Real>
struct MaximaRow {
    const Real* depth_north;
    const Real* depth;
    const Real* depth_south;
    const float* bed_north;
    const float* bed;
    const float* bed_south;
    const Real* qx;       ///< x-faces of the row: face c is west of cell c
    const Real* q_north;  ///< y-faces north of the row
    const Real* q_south;  ///< y-faces south of the row
    float* max_depth;
    float* time_of_max;
    float* max_speed;
    float* max_depth_speed;
};

/// Maxima of the cells [first, last) of a row whose four neighbours all have data, none on the
/// grid edge (every face is an inner face): the same
/// arithmetic as the general path of update_maxima, selected instead of branched, so that it
/// vectorises. Returns the row's largest depth.
template <typename Real>
LAUTER_RUNOFF_CLONES double interior_row_maxima(const MaximaRow<Real>& a, std::size_t first,
                                                std::size_t last, float time_s,
                                                double velocity_depth_threshold_m,
                                                double flow_depth_threshold_m) noexcept {
    // Local restrict pointers: the stores may not alias the inputs (or the struct itself).
    const Real* __restrict depth = a.depth;
    const Real* __restrict depth_n = a.depth_north;
    const Real* __restrict depth_s = a.depth_south;
    const float* __restrict bed = a.bed;
    const float* __restrict bed_n = a.bed_north;
    const float* __restrict bed_s = a.bed_south;
    const Real* __restrict qx = a.qx;
    const Real* __restrict q_n = a.q_north;
    const Real* __restrict q_s = a.q_south;
    float* __restrict max_depth = a.max_depth;
    float* __restrict time_of_max = a.time_of_max;
    float* __restrict max_speed = a.max_speed;
    float* __restrict max_depth_speed = a.max_depth_speed;
    const auto velocity = [flow_depth_threshold_m](double q_face, double h_face) {
        return h_face > flow_depth_threshold_m ? q_face / h_face : 0.0;
    };
    double depth_max = 0.0;
#pragma omp simd reduction(max : depth_max)
    for (std::size_t c = first; c < last; ++c) {
        const double h = static_cast<double>(depth[c]);
        depth_max = h > depth_max ? h : depth_max;
        const auto h_f = static_cast<float>(h);
        const bool deeper = h_f > max_depth[c];
        time_of_max[c] = deeper ? time_s : time_of_max[c];
        max_depth[c] = deeper ? h_f : max_depth[c];

        const double z = static_cast<double>(bed[c]);
        const double u_w = velocity(
            static_cast<double>(qx[c]),
            face_flow_depth(static_cast<double>(bed[c - 1]), static_cast<double>(depth[c - 1]),
                            z, h));
        const double u_e = velocity(
            static_cast<double>(qx[c + 1]),
            face_flow_depth(z, h, static_cast<double>(bed[c + 1]),
                            static_cast<double>(depth[c + 1])));
        const double v_n = velocity(
            static_cast<double>(q_n[c]),
            face_flow_depth(static_cast<double>(bed_n[c]), static_cast<double>(depth_n[c]), z,
                            h));
        const double v_s = velocity(
            static_cast<double>(q_s[c]),
            face_flow_depth(z, h, static_cast<double>(bed_s[c]),
                            static_cast<double>(depth_s[c])));
        const double u = 0.5 * (u_w + u_e);
        const double v = 0.5 * (v_n + v_s);
        const double speed = std::sqrt(u * u + v * v);
        const bool moving = h > velocity_depth_threshold_m;
        const auto speed_f = static_cast<float>(speed);
        const auto product_f = static_cast<float>(h * speed);
        max_speed[c] = moving && speed_f > max_speed[c] ? speed_f : max_speed[c];
        max_depth_speed[c] =
            moving && product_f > max_depth_speed[c] ? product_f : max_depth_speed[c];
    }
    return depth_max;
}

} // namespace

std::string_view loss_model_name(LossModel model) noexcept {
    for (const auto& [m, name] : loss_model_names) {
        if (m == model) {
            return name;
        }
    }
    return "unknown";
}

std::optional<LossModel> loss_model_from_name(std::string_view name) noexcept {
    for (const auto& [m, n] : loss_model_names) {
        if (n == name) {
            return m;
        }
    }
    return std::nullopt;
}

void validate(const RunoffEventParams& params) {
    std::string problems;
    const auto collect = [&](auto&& check) {
        try {
            check();
        } catch (const std::invalid_argument& e) {
            problems += std::string(" ") + e.what() + ";";
        }
    };
    collect([&] { shallow::validate(params.solver); });
    collect([&] { validate(params.cover); });
    if (params.loss_model == LossModel::green_ampt) {
        collect([&] { validate(params.green_ampt); });
    } else if (params.loss_model == LossModel::curve_number) {
        collect([&] { validate(params.curve_number); });
    } else if (params.loss_model != LossModel::none) {
        problems += " loss_model is not a LossModel;";
    }
    if (!(params.duration_s > 0.0) || !std::isfinite(params.duration_s)) {
        problems += " duration_s must be finite and > 0, got " +
                    std::to_string(params.duration_s) + ";";
    }
    if (!(params.balance_interval_s > 0.0) || !std::isfinite(params.balance_interval_s)) {
        problems += " balance_interval_s must be finite and > 0, got " +
                    std::to_string(params.balance_interval_s) + ";";
    }
    if (!(params.loss_interval_s >= 0.0) || !std::isfinite(params.loss_interval_s)) {
        problems += " loss_interval_s must be finite and >= 0, got " +
                    std::to_string(params.loss_interval_s) + ";";
    }
    if (!(params.velocity_depth_threshold_m >= 0.0) ||
        !std::isfinite(params.velocity_depth_threshold_m)) {
        problems += " velocity_depth_threshold_m must be finite and >= 0, got " +
                    std::to_string(params.velocity_depth_threshold_m) + ";";
    }
    if (!problems.empty()) {
        throw std::invalid_argument("RunoffEventParams:" + problems);
    }
}

template <typename Real>
RunoffEvent<Real>::RunoffEvent(RasterView<const float> bed_elevation_m, const CellMask& mask,
                               Hyetograph hyetograph, RunoffEventParams params,
                               RunoffCellInputs cells)
    : bed_(bed_elevation_m), mask_(&mask), hyetograph_(std::move(hyetograph)),
      params_(std::move(params)), cells_(cells) {
    validate(params_);
    const GridSpec& spec = mask.spec();
    constexpr const char* what = "RunoffEvent";
    require_same_shape(spec, bed_.spec(), what);
    check_field_shape(params_.solver.gravity_m_per_s2, spec, what);
    check_field_shape(params_.solver.friction_coefficient, spec, what);
    check_field_shape(params_.cover.impervious_fraction, spec, what);
    if (params_.loss_model == LossModel::curve_number) {
        check_field_shape(params_.curve_number.curve_number, spec, what);
    }
    if (cells_.soil_index.data() != nullptr) {
        require_same_shape(spec, cells_.soil_index.spec(), what);
        if (params_.loss_model == LossModel::green_ampt) {
            for (std::size_t i = 0; i < spec.cell_count(); ++i) {
                const std::uint8_t k = cells_.soil_index(i / spec.cols, i % spec.cols);
                if (mask.has_data(i) && k >= params_.green_ampt.soils.size()) {
                    throw std::invalid_argument(
                        "RunoffEvent: soil index " + std::to_string(k) + " at cell (" +
                        std::to_string(i / spec.cols) + ", " + std::to_string(i % spec.cols) +
                        ") has no class; " + std::to_string(params_.green_ampt.soils.size()) +
                        " classes are defined");
                }
            }
        }
    }
    if (cells_.rain_multiplier.data() != nullptr) {
        check_non_negative(cells_.rain_multiplier, mask, "rain multiplier");
    }
    if (cells_.initial_depth_m.data() != nullptr) {
        check_non_negative(cells_.initial_depth_m, mask, "initial depth");
    }

    state_ = shallow::ShallowLayerState<Real>(spec);
    workspace_ = shallow::ShallowLayerWorkspace<Real>(spec);
    switch (params_.loss_model) {
    case LossModel::none: no_infiltration_state_ = NoInfiltrationState(spec); break;
    case LossModel::green_ampt: green_ampt_state_ = GreenAmptState(spec); break;
    case LossModel::curve_number: curve_number_state_ = CurveNumberState(spec); break;
    }
    const bool sewer_acts = params_.cover.sewer_capacity_m_per_s > 0.0 &&
                            (params_.cover.impervious_fraction.is_raster() ||
                             params_.cover.impervious_fraction.constant > 0.0);
    uniform_source_ = params_.loss_model == LossModel::none &&
                      cells_.rain_multiplier.data() == nullptr && !sewer_acts;
    if (!uniform_source_) {
        source_m_per_s_ = Raster<float>(spec, 0.0F);
    }
    row_max_.assign(row_max_count * spec.rows, 0.0);
    run_offsets_.assign(spec.rows + 1, 0);
    for (std::size_t r = 0; r < spec.rows; ++r) {
        run_offsets_[r] = interior_runs_.size();
        const auto interior = [&](std::size_t c) {
            return r > 0 && r + 1 < spec.rows && c > 0 && c + 1 < spec.cols &&
                   mask.has_data(r, c) && mask.has_data(r, c - 1) && mask.has_data(r, c + 1) &&
                   mask.has_data(r - 1, c) && mask.has_data(r + 1, c);
        };
        for (std::size_t c = 0; c < spec.cols;) {
            if (!interior(c)) {
                ++c;
                continue;
            }
            const std::size_t first = c;
            while (c < spec.cols && interior(c)) {
                ++c;
            }
            interior_runs_.emplace_back(first, c);
        }
    }
    run_offsets_[spec.rows] = interior_runs_.size();
    results_.balance.reserve(
        static_cast<std::size_t>(std::ceil(params_.duration_s / params_.balance_interval_s)) + 2);
    cells_with_data_ = mask.count_with_data();

    const float nan = no_data_value<float>;
    for (Raster<float>* r : {&results_.max_depth_m, &results_.time_of_max_depth_s,
                             &results_.max_velocity_m_per_s,
                             &results_.max_depth_velocity_m2_per_s, &results_.end_depth_m}) {
        *r = Raster<float>(spec, nan);
    }
    for (std::size_t i = 0; i < spec.cell_count(); ++i) {
        const bool data = mask.has_data(i);
        const std::size_t r = i / spec.cols;
        const std::size_t c = i % spec.cols;
        const Real h0 = data && cells_.initial_depth_m.data() != nullptr
                            ? static_cast<Real>(cells_.initial_depth_m(r, c))
                            : Real{0};
        state_.depth_m[i] = h0;
        if (data) {
            results_.max_depth_m[i] = 0.0F;
            results_.time_of_max_depth_s[i] = 0.0F;
            results_.max_velocity_m_per_s[i] = 0.0F;
            results_.max_depth_velocity_m2_per_s[i] = 0.0F;
        }
    }
    storage0_m3_ = shallow::stored_volume_m3(mask, state_);
    update_maxima();
    take_sample();
    write_end_depth();
}

template <typename Real>
const RunoffEventResults& RunoffEvent<Real>::run(const RunoffProgressCallback& progress) {
    advance_to(params_.duration_s, progress);
    return results_;
}

template <typename Real>
void RunoffEvent<Real>::advance_to(double until_s, const RunoffProgressCallback& progress) {
    const double end_s = std::min(until_s, params_.duration_s);
    bool sampled_at_end = false;
    while (time_s_ < end_s) {
        const double next_sample_s =
            static_cast<double>(sample_index_ + 1) * params_.balance_interval_s;
        const double target_s =
            std::min({end_s, next_sample_s, hyetograph_.next_change_after(time_s_)});
        const bool reached = take_step(target_s);
        sampled_at_end = false;
        if (reached && target_s == next_sample_s) {
            ++sample_index_;
            take_sample();
            sampled_at_end = time_s_ == end_s;
            if (progress) {
                progress(results_.balance.back());
            }
        }
    }
    if (!sampled_at_end && results_.balance.back().time_s != time_s_) {
        take_sample();
        if (progress) {
            progress(results_.balance.back());
        }
    }
    write_end_depth();
}

template <typename Real>
bool RunoffEvent<Real>::take_step(double target_s) {
    const GridSpec& spec = mask_->spec();
    // The solver's own formula on the same maxima, so that the losses are computed for exactly
    // the step the solver takes.
    const double dt_solver = shallow::time_step_from_speeds_s(
        wave_speed_sq_, workspace_.max_face_velocity_m_per_s, spec, params_.solver);
    // A new loss interval starts where the previous one ended. It is longer than this step only
    // if loss_interval_s exceeds the solver's step; otherwise it is this step (losses every
    // step). Intervals never pass target_s, so an open interval always ends at or before it.
    const bool new_interval = time_s_ >= loss_end_s_;
    const bool held = new_interval && !uniform_source_ && params_.loss_interval_s > dt_solver;
    double step_end_s = target_s;
    if (held) {
        step_end_s = std::min(target_s, time_s_ + params_.loss_interval_s);
    } else if (!new_interval) {
        step_end_s = loss_end_s_;
    }
    const double dt_target = step_end_s - time_s_;
    const bool reaches = dt_solver >= dt_target || time_s_ + dt_solver >= step_end_s;
    const double dt = reaches ? dt_target : dt_solver;
    if (!reaches && (results_.min_dt_s == 0.0 || dt_solver < results_.min_dt_s)) {
        results_.min_dt_s = dt_solver;
    }
    const double t1 = reaches ? step_end_s : time_s_ + dt;

    shallow::CellField source = shallow::CellField::uniform(0.0);
    if (uniform_source_) {
        const double rain_m_per_s = hyetograph_.mean_intensity_m_per_s(time_s_, time_s_ + dt);
        source = shallow::CellField::uniform(rain_m_per_s);
        rain_m3_ += rain_m_per_s * dt * spec.cell_area_m2() * static_cast<double>(cells_with_data_);
        loss_end_s_ = t1;
    } else {
        if (new_interval) {
            // The interval is [time_s_, loss_end_s_]; per step its length is exactly dt.
            loss_end_s_ = held ? step_end_s : t1;
            const double interval_s = held ? dt_target : dt;
            const double rain_m_per_s =
                hyetograph_.mean_intensity_m_per_s(time_s_, time_s_ + interval_s);
            const RasterView<const Real> depth = std::as_const(state_.depth_m).view();
            LossStepStats losses;
            switch (params_.loss_model) {
            case LossModel::none:
                losses = no_infiltration_step(depth, *mask_, params_.cover, rain_m_per_s,
                                              interval_s, no_infiltration_state_,
                                              source_m_per_s_.view(), cells_.rain_multiplier);
                break;
            case LossModel::green_ampt:
                losses = green_ampt_step(depth, *mask_, params_.cover, cells_.soil_index,
                                         params_.green_ampt, rain_m_per_s, interval_s,
                                         green_ampt_state_, source_m_per_s_.view(),
                                         cells_.rain_multiplier);
                break;
            case LossModel::curve_number:
                losses = curve_number_step(depth, *mask_, params_.cover, params_.curve_number,
                                           rain_m_per_s, interval_s, curve_number_state_,
                                           source_m_per_s_.view(), cells_.rain_multiplier);
                break;
            }
            rain_m3_ += losses.rain_volume_m3;
            infiltration_m3_ += losses.infiltration_volume_m3;
            sewer_m3_ += losses.sewer_volume_m3;
        }
        source = shallow::CellField::raster(std::as_const(source_m_per_s_).view());
    }
    const shallow::ShallowStepStats stats = shallow::local_inertial_step<Real>(
        bed_, *mask_, source, state_, workspace_, params_.solver, dt);
    if (stats.dt_s != dt) {
        throw std::logic_error("RunoffEvent: the solver took a step of " +
                               std::to_string(stats.dt_s) + " s instead of " +
                               std::to_string(dt) + " s");
    }
    outflow_m3_ += stats.outflow_volume_m3;
    clipped_m3_ += stats.clipped_volume_m3;
    results_.max_froude = std::max(results_.max_froude, stats.max_froude);
    ++results_.step_count;
    time_s_ = t1;
    update_maxima();
    return reaches && step_end_s == target_s;
}

template <typename Real>
void RunoffEvent<Real>::update_maxima() {
    const CellMask& mask = *mask_;
    const GridSpec& spec = mask.spec();
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    const auto row_count = static_cast<std::ptrdiff_t>(rows);
    const bool threads = spec.cell_count() >= min_cells_for_threads;
    const double v_threshold_m = params_.velocity_depth_threshold_m;
    const double flow_threshold_m = params_.solver.depth_threshold_m;
    const shallow::CellField& gravity = params_.solver.gravity_m_per_s2;
    const auto time_f = static_cast<float>(time_s_);
    const RasterView<const float> bed = bed_;
    const Raster<Real>& depth = state_.depth_m;
    const shallow::FaceField<Real>& q = state_.q_m2_per_s;
    RunoffEventResults& out = results_;
    double* row_max = row_max_.data();

    // Velocity of one face from its discharge and the flow depth of the solver (inner face:
    // max(eta) - max(z); outer face: the cell depth); 0 unless that depth exceeds the flow
    // threshold.
    const auto face_velocity = [&](double q_face, double h, double z, bool inner,
                                   std::size_t rn, std::size_t cn) {
        double h_f = h;
        if (inner) {
            const double zn = static_cast<double>(bed(rn, cn));
            const double hn = static_cast<double>(depth(rn, cn));
            h_f = std::max(z + h, zn + hn) - std::max(z, zn);
        }
        return h_f > flow_threshold_m ? q_face / h_f : 0.0;
    };

    // Runs of interior cells (all four neighbours with data) take the vectorised kernel
    // (identical arithmetic, see interior_row_maxima) when gravity is uniform; all other cells
    // take the general path.
    const bool uniform_gravity = !gravity.is_raster();
    const auto general_cell = [&](std::size_t r, std::size_t c, double& depth_max,
                                  double& wave_max) {
        if (!mask.has_data(r, c)) {
            return;
        }
        const double h = static_cast<double>(depth(r, c));
        depth_max = std::max(depth_max, h);
        wave_max = std::max(wave_max, gravity.at(r, c) * h);
        const std::size_t i = spec.index(r, c);
        const auto h_f = static_cast<float>(h);
        if (h_f > out.max_depth_m[i]) {
            out.max_depth_m[i] = h_f;
            out.time_of_max_depth_s[i] = time_f;
        }
        if (!(h > v_threshold_m)) {
            return;
        }
        const double z = static_cast<double>(bed(r, c));
        const bool west = c > 0 && mask.has_data(r, c - 1);
        const bool east = c + 1 < cols && mask.has_data(r, c + 1);
        const bool north = r > 0 && mask.has_data(r - 1, c);
        const bool south = r + 1 < rows && mask.has_data(r + 1, c);
        const double u_w =
            face_velocity(static_cast<double>(q.x(r, c)), h, z, west, r, west ? c - 1 : c);
        const double u_e = face_velocity(static_cast<double>(q.x(r, c + 1)), h, z, east, r,
                                         east ? c + 1 : c);
        const double v_n = face_velocity(static_cast<double>(q.y(r, c)), h, z, north,
                                         north ? r - 1 : r, c);
        const double v_s = face_velocity(static_cast<double>(q.y(r + 1, c)), h, z, south,
                                         south ? r + 1 : r, c);
        // sqrt rather than hypot: the components are far from overflow, and hypot costs
        // several times more in this pass.
        const double u = 0.5 * (u_w + u_e);
        const double v = 0.5 * (v_n + v_s);
        const double speed = std::sqrt(u * u + v * v);
        const auto speed_f = static_cast<float>(speed);
        const auto product_f = static_cast<float>(h * speed);
        if (speed_f > out.max_velocity_m_per_s[i]) {
            out.max_velocity_m_per_s[i] = speed_f;
        }
        if (product_f > out.max_depth_velocity_m2_per_s[i]) {
            out.max_depth_velocity_m2_per_s[i] = product_f;
        }
    };

#pragma omp parallel for schedule(static) if (threads)
    for (std::ptrdiff_t ri = 0; ri < row_count; ++ri) {
        const auto r = static_cast<std::size_t>(ri);
        double depth_max = 0.0;
        double wave_max = 0.0;
        if (!uniform_gravity) {
            for (std::size_t c = 0; c < cols; ++c) {
                general_cell(r, c, depth_max, wave_max);
            }
        } else {
            std::size_t c = 0;
            for (std::size_t k = run_offsets_[r]; k < run_offsets_[r + 1]; ++k) {
                const auto [first, last] = interior_runs_[k];
                for (; c < first; ++c) {
                    general_cell(r, c, depth_max, wave_max);
                }
                const std::size_t row_start = spec.index(r, 0);
                const MaximaRow<Real> arrays{
                    depth.data() + row_start - cols, depth.data() + row_start,
                    depth.data() + row_start + cols, &bed(r - 1, 0),
                    &bed(r, 0),                      &bed(r + 1, 0),
                    q.x_row(r).data(),               q.y_row(r).data(),
                    q.y_row(r + 1).data(),           out.max_depth_m.data() + row_start,
                    out.time_of_max_depth_s.data() + row_start,
                    out.max_velocity_m_per_s.data() + row_start,
                    out.max_depth_velocity_m2_per_s.data() + row_start};
                const double run_max = interior_row_maxima(arrays, first, last, time_f,
                                                           v_threshold_m, flow_threshold_m);
                depth_max = std::max(depth_max, run_max);
                wave_max = std::max(wave_max, gravity.constant * run_max);
                c = last;
            }
            for (; c < cols; ++c) {
                general_cell(r, c, depth_max, wave_max);
            }
        }
        row_max[row_max_count * r + row_depth] = depth_max;
        row_max[row_max_count * r + row_wave_speed_sq] = wave_max;
    }
    double depth_max = 0.0;
    double wave_max = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
        depth_max = std::max(depth_max, row_max[row_max_count * r + row_depth]);
        wave_max = std::max(wave_max, row_max[row_max_count * r + row_wave_speed_sq]);
    }
    max_depth_m_ = depth_max;
    wave_speed_sq_ = wave_max;
}

template <typename Real>
void RunoffEvent<Real>::take_sample() {
    VolumeBalanceSample s;
    s.time_s = time_s_;
    s.rain_m3 = rain_m3_;
    s.infiltration_m3 = infiltration_m3_;
    s.sewer_m3 = sewer_m3_;
    s.outflow_m3 = outflow_m3_;
    s.clipped_m3 = clipped_m3_;
    s.storage_m3 = shallow::stored_volume_m3(*mask_, state_);
    s.residual_m3 = s.rain_m3 - s.infiltration_m3 - s.sewer_m3 - s.outflow_m3 + s.clipped_m3 -
                    (s.storage_m3 - storage0_m3_);
    const double scale = s.rain_m3 + storage0_m3_;
    s.relative_residual = scale > 0.0 ? s.residual_m3 / scale : 0.0;
    s.max_depth_m = max_depth_m_;
    s.step_count = results_.step_count;
    results_.balance.push_back(s);
}

template <typename Real>
void RunoffEvent<Real>::write_end_depth() {
    const CellMask& mask = *mask_;
    for (std::size_t i = 0; i < mask.spec().cell_count(); ++i) {
        results_.end_depth_m[i] =
            mask.has_data(i) ? static_cast<float>(state_.depth_m[i]) : no_data_value<float>;
    }
}

template class RunoffEvent<float>;
template class RunoffEvent<double>;

} // namespace lauter::kernels::runoff
