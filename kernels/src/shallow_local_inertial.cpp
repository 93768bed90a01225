#include <lauter/kernels/shallow/local_inertial.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lauter::kernels::shallow {

namespace {

/// Indices of the per-row reductions in ShallowLayerWorkspace::row_partials.
enum Partial : std::size_t {
    outflow = 0,
    froude = 1,
    volume_change = 2,
    source = 3,
    clipped = 4,
    depth_max = 5,
    wave_speed_sq = 6,
    face_velocity = 7,
};

/// Below this many cells a step runs on one thread: starting a parallel region costs more than
/// the work (measured on the tests' small grids), and the result is the same either way.
constexpr std::size_t min_cells_for_threads = 16384;

bool use_threads(const GridSpec& spec) noexcept {
    return spec.cell_count() >= min_cells_for_threads;
}

/// Everything a face update needs besides the face's own data; built once per step.
struct FaceContext {
    RasterView<const float> bed;
    const CellMask* mask = nullptr;
    const CellField* gravity = nullptr;
    const CellField* friction = nullptr;
    FrictionLaw law = FrictionLaw::manning;
    double theta = 1.0;
    double depth_threshold_m = 0.0;
    double dt_s = 0.0;
    const BoundaryParams* boundary = nullptr;
};

/// dt times the friction factor F of the file comment (face coefficient c_f, face gravity g_f).
double friction_term(const FaceContext& ctx, double g_f, double c_f, double q_abs,
                     double h_f) noexcept {
    if (ctx.law == FrictionLaw::manning) {
        // h_f^(7/3) = h_f^2 cbrt(h_f), cheaper than pow.
        return ctx.dt_s * g_f * c_f * c_f * q_abs / (h_f * h_f * std::cbrt(h_f));
    }
    return ctx.dt_s * c_f * q_abs / (h_f * h_f);
}

/// What a face update reports besides the flux.
struct FaceDiagnostics {
    double froude = 0.0;           ///< |q| / (h_f sqrt(g_f h_f))
    double velocity_m_per_s = 0.0; ///< |q| / h_f
};

/// One cell as seen from a face.
struct CellRef {
    std::size_t row = 0;
    std::size_t col = 0;
    double z = 0.0;
    double h = 0.0;
};

/// Flux through the face between cells m (minus side) and p (plus side), both with data.
/// `q_neighbours_sum` is q_up + q_down, `q_t` the mean of the adjacent orthogonal fluxes,
/// `spacing_m` the distance between the two cell centres. Writes the Froude number of the face.
double interior_flux(const FaceContext& ctx, const CellRef& m, const CellRef& p, double q_old,
                     double q_neighbours_sum, double q_t, double spacing_m,
                     FaceDiagnostics& diag) noexcept {
    const double eta_m = m.z + m.h;
    const double eta_p = p.z + p.h;
    const double h_f = std::max(eta_m, eta_p) - std::max(m.z, p.z);
    if (!(h_f > ctx.depth_threshold_m)) {
        return 0.0;
    }
    const double g_f = 0.5 * (ctx.gravity->at(m.row, m.col) + ctx.gravity->at(p.row, p.col));
    const double c_f = 0.5 * (ctx.friction->at(m.row, m.col) + ctx.friction->at(p.row, p.col));
    const double slope = (eta_p - eta_m) / spacing_m;
    const double denominator =
        1.0 + friction_term(ctx, g_f, c_f, std::sqrt(q_old * q_old + q_t * q_t), h_f);
    const double drive = g_f * ctx.dt_s * h_f * slope;
    double q_new =
        (ctx.theta * q_old + 0.5 * (1.0 - ctx.theta) * q_neighbours_sum - drive) / denominator;
    if (ctx.theta < 1.0 && q_new * slope > 0.0) {
        q_new = (q_old - drive) / denominator;
    }
    diag.velocity_m_per_s = std::abs(q_new) / h_f;
    diag.froude = diag.velocity_m_per_s / std::sqrt(g_f * h_f);
    return q_new;
}

/// Outward flux (>= 0) through a free-outflow face of cell c. `z_behind` is the bed of the cell
/// on the other side of c (NaN if it has no data or is off the grid).
double outflow_flux(const FaceContext& ctx, const CellRef& c, double q_out_old, double q_t,
                    double z_behind, double spacing_m, FaceDiagnostics& diag) noexcept {
    if (!(c.h > ctx.depth_threshold_m)) {
        return 0.0;
    }
    double slope = ctx.boundary->boundary_slope;
    if (ctx.boundary->slope_source == OutflowSlope::local_bed && !std::isnan(z_behind)) {
        slope = std::max(slope, (z_behind - c.z) / spacing_m);
    }
    const double g_c = ctx.gravity->at(c.row, c.col);
    const double c_c = ctx.friction->at(c.row, c.col);
    const double denominator =
        1.0 + friction_term(ctx, g_c, c_c, std::sqrt(q_out_old * q_out_old + q_t * q_t), c.h);
    const double q_out = std::max(0.0, (q_out_old + g_c * ctx.dt_s * c.h * slope) / denominator);
    diag.velocity_m_per_s = q_out / c.h;
    diag.froude = diag.velocity_m_per_s / std::sqrt(g_c * c.h);
    return q_out;
}

template <typename Real>
CellRef cell_ref(const FaceContext& ctx, const ShallowLayerState<Real>& state, std::size_t row,
                 std::size_t col) noexcept {
    return {row, col, static_cast<double>(ctx.bed(row, col)),
            static_cast<double>(state.depth_m(row, col))};
}

/// Mean of the old orthogonal fluxes adjacent to x-face (row, fc): y-faces of the cells
/// (row, fc - 1) and (row, fc) that exist on the grid.
template <typename Real>
double x_face_tangential(const FaceField<Real>& q, std::size_t row, std::size_t fc) noexcept {
    double sum = 0.0;
    int n = 0;
    if (fc > 0) {
        sum += static_cast<double>(q.y(row, fc - 1)) + static_cast<double>(q.y(row + 1, fc - 1));
        n += 2;
    }
    if (fc < q.cols()) {
        sum += static_cast<double>(q.y(row, fc)) + static_cast<double>(q.y(row + 1, fc));
        n += 2;
    }
    return sum / static_cast<double>(n);
}

/// Mean of the old orthogonal fluxes adjacent to y-face (fr, col): x-faces of the cells
/// (fr - 1, col) and (fr, col) that exist on the grid.
template <typename Real>
double y_face_tangential(const FaceField<Real>& q, std::size_t fr, std::size_t col) noexcept {
    double sum = 0.0;
    int n = 0;
    if (fr > 0) {
        sum += static_cast<double>(q.x(fr - 1, col)) + static_cast<double>(q.x(fr - 1, col + 1));
        n += 2;
    }
    if (fr < q.rows()) {
        sum += static_cast<double>(q.x(fr, col)) + static_cast<double>(q.x(fr, col + 1));
        n += 2;
    }
    return sum / static_cast<double>(n);
}

/// One face as seen by update_face: the cells on its minus and plus side (if they exist on the
/// grid and have data), what the face is when only one of them does, and its geometry.
struct FaceGeometry {
    bool has_m = false;
    bool has_p = false;
    CellRef m{};
    CellRef p{};
    OuterFace outer_of_m = OuterFace::closed; ///< when only m has data (face on m's plus side)
    OuterFace outer_of_p = OuterFace::closed; ///< when only p has data (face on p's minus side)
    double z_behind_m = std::numeric_limits<double>::quiet_NaN(); ///< bed on m's minus side
    double z_behind_p = std::numeric_limits<double>::quiet_NaN(); ///< bed on p's plus side
    double spacing_m = 1.0;     ///< centre-to-centre distance across the face
    double face_length_m = 1.0; ///< length of the face
};

/// New flux of one face (0 for closed faces and faces without data on either side).
double update_face(const FaceContext& ctx, const FaceGeometry& f, double q_old,
                   double q_neighbours_sum, double q_t, FaceDiagnostics& diag) noexcept {
    if (f.has_m && f.has_p) {
        return interior_flux(ctx, f.m, f.p, q_old, q_neighbours_sum, q_t, f.spacing_m, diag);
    }
    if (f.has_m && f.outer_of_m == OuterFace::free_outflow) {
        return outflow_flux(ctx, f.m, q_old, q_t, f.z_behind_m, f.spacing_m, diag);
    }
    if (f.has_p && f.outer_of_p == OuterFace::free_outflow) {
        return -outflow_flux(ctx, f.p, -q_old, q_t, f.z_behind_p, f.spacing_m, diag);
    }
    return 0.0;
}

/// Keeps flux divergence from draining a cell below zero: where the outgoing fluxes of a cell
/// would remove more than its depth at the start of the step in one dt, all of them are scaled by
/// h / outgoing (inflows of the same step are not counted, so the bound holds whatever the
/// neighbours do). Each face has one donor cell (upwind), so the scaling is order-independent.
/// Conserves mass exactly; inactive as long as the time step resolves the flow. Afterwards sums,
/// per face row, the volume leaving through outer faces into `outflow_partials`.
template <typename Real>
void limit_outflow_to_storage(const CellMask& mask, ShallowLayerState<Real>& state,
                              ShallowLayerWorkspace<Real>& ws, double dt_s,
                              double* outflow_partials) {
    const GridSpec& spec = state.depth_m.spec();
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;
    FaceField<Real>& q = state.q_m2_per_s;
    std::vector<double>& factor = ws.outflow_factor;
    const auto cell_rows = static_cast<std::ptrdiff_t>(rows);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < cell_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        for (std::size_t c = 0; c < cols; ++c) {
            double f = 1.0;
            if (mask.has_data(r, c)) {
                const double out_m =
                    dt_s * ((std::max(0.0, -static_cast<double>(q.x(r, c))) +
                             std::max(0.0, static_cast<double>(q.x(r, c + 1)))) / dx +
                            (std::max(0.0, -static_cast<double>(q.y(r, c))) +
                             std::max(0.0, static_cast<double>(q.y(r + 1, c)))) / dy);
                const double h = static_cast<double>(state.depth_m(r, c));
                if (out_m > h) {
                    f = h / out_m;
                }
            }
            factor[r * cols + c] = f;
        }
    }
    const auto outer = [&](std::ptrdiff_t r, std::ptrdiff_t c) {
        return !spec.contains(r, c) ||
               !mask.has_data(static_cast<std::size_t>(r), static_cast<std::size_t>(c));
    };
    const auto face_rows = static_cast<std::ptrdiff_t>(rows + 1);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < face_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        double outflow_m3 = 0.0;
        if (r < rows) {
            for (std::size_t fc = 0; fc <= cols; ++fc) {
                const double v = static_cast<double>(q.x(r, fc));
                if (v == 0.0) {
                    continue;
                }
                // A positive flux leaves the western cell, a negative one the eastern cell.
                const std::size_t donor = v > 0.0 ? fc - 1 : fc;
                const double scaled = v * factor[r * cols + donor];
                q.x(r, fc) = static_cast<Real>(scaled);
                const auto c = static_cast<std::ptrdiff_t>(fc);
                if (outer(rr, c - 1) || outer(rr, c)) {
                    outflow_m3 += std::abs(static_cast<double>(q.x(r, fc))) * dy * dt_s;
                }
            }
        }
        for (std::size_t c = 0; c < cols; ++c) {
            const double v = static_cast<double>(q.y(r, c));
            if (v == 0.0) {
                continue;
            }
            const std::size_t donor = v > 0.0 ? r - 1 : r;
            const double scaled = v * factor[donor * cols + c];
            q.y(r, c) = static_cast<Real>(scaled);
            const auto cc = static_cast<std::ptrdiff_t>(c);
            if (outer(rr - 1, cc) || outer(rr, cc)) {
                outflow_m3 += std::abs(static_cast<double>(q.y(r, c))) * dx * dt_s;
            }
        }
        outflow_partials[r] = outflow_m3;
    }
}

template <typename Real>
void check_shapes(RasterView<const float> bed, const CellMask& mask,
                  const CellField& source, const ShallowLayerState<Real>& state,
                  const ShallowLayerWorkspace<Real>& ws, const LocalInertialParams& params) {
    const char* what = "local_inertial_step";
    const GridSpec& spec = bed.spec();
    require_same_shape(spec, mask.spec(), what);
    require_same_shape(spec, state.depth_m.spec(), what);
    for (const CellField* field : {&source, &params.gravity_m_per_s2,
                                   &params.friction_coefficient}) {
        if (field->is_raster()) {
            require_same_shape(spec, field->per_cell.spec(), what);
        }
    }
    const auto face_shape_ok = [&](const FaceField<Real>& q) {
        return q.rows() == spec.rows && q.cols() == spec.cols;
    };
    if (!face_shape_ok(state.q_m2_per_s) || !face_shape_ok(ws.q_next) ||
        ws.row_partials.size() <
            ShallowLayerWorkspace<Real>::partial_count * (spec.rows + 1) ||
        ws.outflow_factor.size() != spec.cell_count()) {
        throw std::invalid_argument(
            "local_inertial_step: state fluxes or workspace were made for another grid");
    }
}

/// Sum of the first `count` partials of reduction `which` (stride `stride`), in row order.
double sum_in_order(const std::vector<double>& partials, Partial which, std::size_t stride,
                    std::size_t count) {
    double total = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
        total += partials[static_cast<std::size_t>(which) * stride + i];
    }
    return total;
}

/// Maximum of the first `count` partials of reduction `which` (all are >= 0).
double max_in_order(const std::vector<double>& partials, Partial which, std::size_t stride,
                    std::size_t count) {
    double m = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
        m = std::max(m, partials[static_cast<std::size_t>(which) * stride + i]);
    }
    return m;
}

/// max over cells with data of g h (m^2/s^2), per-row partials in `partials`.
template <typename Real>
double max_wave_speed_sq(const CellMask& mask, const ShallowLayerState<Real>& state,
                         const CellField& gravity, double* partials) {
    const GridSpec& spec = state.depth_m.spec();
    const auto rows = static_cast<std::ptrdiff_t>(spec.rows);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        double m = 0.0;
        for (std::size_t col = 0; col < spec.cols; ++col) {
            if (mask.has_data(row, col)) {
                m = std::max(m, gravity.at(row, col) *
                                    static_cast<double>(state.depth_m(row, col)));
            }
        }
        partials[row] = m;
    }
    double m = 0.0;
    for (std::size_t row = 0; row < spec.rows; ++row) {
        m = std::max(m, partials[row]);
    }
    return m;
}

/// The adaptive step from max(g h) and the largest face velocity of the previous step.
double time_step_from(double wave_speed_sq, double face_velocity_m_per_s, const GridSpec& spec,
                      const LocalInertialParams& params) noexcept {
    double speed = std::sqrt(wave_speed_sq);
    if (params.time_step_rule == TimeStepRule::depth_and_velocity) {
        speed += face_velocity_m_per_s;
    }
    double dt = params.dt_max_s;
    if (speed > 0.0) {
        const double spacing = std::min(spec.cell_size_x_m, spec.cell_size_y_m);
        dt = std::min(dt, params.cfl * spacing / speed);
    }
    return dt;
}

} // namespace

void validate(const LocalInertialParams& p) {
    std::string problems;
    const auto require = [&](bool ok, const char* message) {
        if (!ok) {
            problems += problems.empty() ? "" : "; ";
            problems += message;
        }
    };
    require(!p.gravity_m_per_s2.is_raster() ? p.gravity_m_per_s2.constant > 0.0 &&
                                                  std::isfinite(p.gravity_m_per_s2.constant)
                                            : true,
            "gravity_m_per_s2 must be positive");
    require(!p.friction_coefficient.is_raster()
                ? p.friction_coefficient.constant >= 0.0 &&
                      std::isfinite(p.friction_coefficient.constant)
                : true,
            "friction_coefficient must be >= 0");
    require(p.theta > 0.0 && p.theta <= 1.0, "theta must be in (0, 1]");
    require(p.depth_threshold_m >= 0.0 && std::isfinite(p.depth_threshold_m),
            "depth_threshold_m must be >= 0");
    require(p.cfl > 0.0 && p.cfl <= 1.0, "cfl must be in (0, 1]");
    require(p.dt_max_s > 0.0 && std::isfinite(p.dt_max_s), "dt_max_s must be positive");
    require(p.boundary.boundary_slope >= 0.0 && std::isfinite(p.boundary.boundary_slope),
            "boundary.boundary_slope must be >= 0");
    if (!problems.empty()) {
        throw std::invalid_argument("LocalInertialParams: " + problems);
    }
}

template <typename Real>
double local_inertial_time_step_s(const CellMask& mask, const ShallowLayerState<Real>& state,
                                  const ShallowLayerWorkspace<Real>& workspace,
                                  const LocalInertialParams& params) {
    validate(params);
    require_same_shape(mask.spec(), state.depth_m.spec(), "local_inertial_time_step_s");
    std::vector<double> partials(state.depth_m.spec().rows);
    return time_step_from(
        max_wave_speed_sq(mask, state, params.gravity_m_per_s2, partials.data()),
        workspace.max_face_velocity_m_per_s, state.depth_m.spec(), params);
}

template <typename Real>
ShallowStepStats local_inertial_step(RasterView<const float> bed_elevation_m,
                                     const CellMask& mask, const CellField& source_m_per_s,
                                     ShallowLayerState<Real>& state,
                                     ShallowLayerWorkspace<Real>& workspace,
                                     const LocalInertialParams& params, double dt_limit_s) {
    validate(params);
    check_shapes(bed_elevation_m, mask, source_m_per_s, state, workspace, params);
    if (!(dt_limit_s > 0.0)) {
        throw std::invalid_argument("local_inertial_step: dt_limit_s must be positive");
    }
    const GridSpec& spec = bed_elevation_m.spec();
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    const std::size_t n_partials = rows + 1;
    double* partials = workspace.row_partials.data();
    const auto partial = [&](Partial which, std::size_t row) -> double& {
        return partials[static_cast<std::size_t>(which) * n_partials + row];
    };

    ShallowStepStats stats;
    stats.dt_s = std::min(
        dt_limit_s,
        time_step_from(max_wave_speed_sq(mask, state, params.gravity_m_per_s2,
                                         &partial(Partial::wave_speed_sq, 0)),
                       workspace.max_face_velocity_m_per_s, spec, params));

    FaceContext ctx;
    ctx.bed = bed_elevation_m;
    ctx.mask = &mask;
    ctx.gravity = &params.gravity_m_per_s2;
    ctx.friction = &params.friction_coefficient;
    ctx.law = params.friction_law;
    ctx.theta = params.theta;
    ctx.depth_threshold_m = params.depth_threshold_m;
    ctx.dt_s = stats.dt_s;
    ctx.boundary = &params.boundary;
    const BoundaryParams& bc = params.boundary;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;
    const FaceField<Real>& q_old = state.q_m2_per_s;
    FaceField<Real>& q_new = workspace.q_next;
    const auto has = [&](std::size_t row, std::size_t col) { return mask.has_data(row, col); };
    const double nan = std::numeric_limits<double>::quiet_NaN();

    // Fluxes: face row r holds the y-faces north of cell row r and, for r < rows, the x-faces of
    // cell row r. Every face reads only the old state.
    const auto face_rows = static_cast<std::ptrdiff_t>(n_partials);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < face_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        double froude_max = 0.0;
        double velocity_max = 0.0;
        if (r < rows) {
            for (std::size_t fc = 0; fc <= cols; ++fc) {
                FaceGeometry f;
                f.has_m = fc > 0 && has(r, fc - 1);
                f.has_p = fc < cols && has(r, fc);
                f.spacing_m = dx;
                f.face_length_m = dy;
                double q_sum = 0.0;
                if (f.has_m) {
                    f.m = cell_ref(ctx, state, r, fc - 1);
                    f.outer_of_m = fc == cols ? bc.east : bc.next_to_no_data;
                    f.z_behind_m = fc >= 2 && has(r, fc - 2)
                                       ? static_cast<double>(bed_elevation_m(r, fc - 2))
                                       : nan;
                }
                if (f.has_p) {
                    f.p = cell_ref(ctx, state, r, fc);
                    f.outer_of_p = fc == 0 ? bc.west : bc.next_to_no_data;
                    f.z_behind_p = fc + 1 < cols && has(r, fc + 1)
                                       ? static_cast<double>(bed_elevation_m(r, fc + 1))
                                       : nan;
                }
                if (f.has_m && f.has_p) {
                    q_sum = static_cast<double>(q_old.x(r, fc - 1)) +
                            static_cast<double>(q_old.x(r, fc + 1));
                }
                FaceDiagnostics diag;
                const double q_face =
                    (f.has_m || f.has_p)
                        ? update_face(ctx, f, static_cast<double>(q_old.x(r, fc)), q_sum,
                                      x_face_tangential(q_old, r, fc), diag)
                        : 0.0;
                q_new.x(r, fc) = static_cast<Real>(q_face);
                froude_max = std::max(froude_max, diag.froude);
                velocity_max = std::max(velocity_max, diag.velocity_m_per_s);
            }
        }
        for (std::size_t col = 0; col < cols; ++col) {
            FaceGeometry f;
            f.has_m = r > 0 && has(r - 1, col);
            f.has_p = r < rows && has(r, col);
            f.spacing_m = dy;
            f.face_length_m = dx;
            double q_sum = 0.0;
            if (f.has_m) {
                f.m = cell_ref(ctx, state, r - 1, col);
                f.outer_of_m = r == rows ? bc.south : bc.next_to_no_data;
                f.z_behind_m = r >= 2 && has(r - 2, col)
                                   ? static_cast<double>(bed_elevation_m(r - 2, col))
                                   : nan;
            }
            if (f.has_p) {
                f.p = cell_ref(ctx, state, r, col);
                f.outer_of_p = r == 0 ? bc.north : bc.next_to_no_data;
                f.z_behind_p = r + 1 < rows && has(r + 1, col)
                                   ? static_cast<double>(bed_elevation_m(r + 1, col))
                                   : nan;
            }
            if (f.has_m && f.has_p) {
                q_sum = static_cast<double>(q_old.y(r - 1, col)) +
                        static_cast<double>(q_old.y(r + 1, col));
            }
            FaceDiagnostics diag;
            const double q_face =
                (f.has_m || f.has_p)
                    ? update_face(ctx, f, static_cast<double>(q_old.y(r, col)), q_sum,
                                  y_face_tangential(q_old, r, col), diag)
                    : 0.0;
            q_new.y(r, col) = static_cast<Real>(q_face);
            froude_max = std::max(froude_max, diag.froude);
            velocity_max = std::max(velocity_max, diag.velocity_m_per_s);
        }
        partial(Partial::froude, r) = froude_max;
        partial(Partial::face_velocity, r) = velocity_max;
    }
    state.q_m2_per_s.swap(q_new);
    limit_outflow_to_storage(mask, state, workspace, stats.dt_s, &partial(Partial::outflow, 0));

    // Continuity with the new fluxes.
    const FaceField<Real>& q = state.q_m2_per_s;
    const double area_m2 = spec.cell_area_m2();
    const double dt = stats.dt_s;
    const auto cell_rows = static_cast<std::ptrdiff_t>(rows);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < cell_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        double change = 0.0;
        double source_volume = 0.0;
        double clipped_volume = 0.0;
        double h_max = 0.0;
        for (std::size_t col = 0; col < cols; ++col) {
            if (!has(r, col)) {
                continue;
            }
            const double h_old = static_cast<double>(state.depth_m(r, col));
            const double divergence =
                (static_cast<double>(q.x(r, col)) - static_cast<double>(q.x(r, col + 1))) / dx +
                (static_cast<double>(q.y(r, col)) - static_cast<double>(q.y(r + 1, col))) / dy;
            const double s = source_m_per_s.at(r, col);
            double h = h_old + dt * (divergence + s);
            if (h < 0.0) {
                clipped_volume -= h * area_m2;
                h = 0.0;
            }
            const Real stored = static_cast<Real>(h);
            state.depth_m(r, col) = stored;
            change += (static_cast<double>(stored) - h_old) * area_m2;
            source_volume += s * dt * area_m2;
            h_max = std::max(h_max, static_cast<double>(stored));
        }
        partial(Partial::volume_change, r) = change;
        partial(Partial::source, r) = source_volume;
        partial(Partial::clipped, r) = clipped_volume;
        partial(Partial::depth_max, r) = h_max;
    }

    const auto& all = workspace.row_partials;
    stats.outflow_volume_m3 = sum_in_order(all, Partial::outflow, n_partials, n_partials);
    stats.max_froude = max_in_order(all, Partial::froude, n_partials, n_partials);
    workspace.max_face_velocity_m_per_s =
        max_in_order(all, Partial::face_velocity, n_partials, n_partials);
    stats.volume_change_m3 = sum_in_order(all, Partial::volume_change, n_partials, rows);
    stats.source_volume_m3 = sum_in_order(all, Partial::source, n_partials, rows);
    stats.clipped_volume_m3 = sum_in_order(all, Partial::clipped, n_partials, rows);
    stats.h_max_m = max_in_order(all, Partial::depth_max, n_partials, rows);
    return stats;
}

template <typename Real>
double stored_volume_m3(const CellMask& mask, const ShallowLayerState<Real>& state) {
    const GridSpec& spec = state.depth_m.spec();
    require_same_shape(spec, mask.spec(), "stored_volume_m3");
    std::vector<double> partials(spec.rows, 0.0);
    const auto rows = static_cast<std::ptrdiff_t>(spec.rows);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        double sum = 0.0;
        for (std::size_t col = 0; col < spec.cols; ++col) {
            if (mask.has_data(r, col)) {
                sum += static_cast<double>(state.depth_m(r, col));
            }
        }
        partials[r] = sum;
    }
    double total = 0.0;
    for (double p : partials) {
        total += p;
    }
    return total * spec.cell_area_m2();
}

template double local_inertial_time_step_s<float>(const CellMask&,
                                                  const ShallowLayerState<float>&,
                                                  const ShallowLayerWorkspace<float>&,
                                                  const LocalInertialParams&);
template double local_inertial_time_step_s<double>(const CellMask&,
                                                   const ShallowLayerState<double>&,
                                                   const ShallowLayerWorkspace<double>&,
                                                   const LocalInertialParams&);
template ShallowStepStats local_inertial_step<float>(RasterView<const float>, const CellMask&,
                                                     const CellField&, ShallowLayerState<float>&,
                                                     ShallowLayerWorkspace<float>&,
                                                     const LocalInertialParams&, double);
template ShallowStepStats local_inertial_step<double>(RasterView<const float>, const CellMask&,
                                                      const CellField&,
                                                      ShallowLayerState<double>&,
                                                      ShallowLayerWorkspace<double>&,
                                                      const LocalInertialParams&, double);
template double stored_volume_m3<float>(const CellMask&, const ShallowLayerState<float>&);
template double stored_volume_m3<double>(const CellMask&, const ShallowLayerState<double>&);

} // namespace lauter::kernels::shallow
