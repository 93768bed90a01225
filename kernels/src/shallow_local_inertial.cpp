#include <lauter/kernels/shallow/local_inertial.hpp>
#include <lauter/kernels/shallow/inverse_cube_root.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lauter::kernels::shallow {

namespace {

/// Indices of the per-row reductions in ShallowLayerWorkspace::row_partials.
enum Partial : std::size_t {
    outflow = 0,
    froude = 1, ///< the squared Froude number
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
    const CellField* gravity = nullptr;
    const CellField* friction = nullptr;
    FrictionLaw law = FrictionLaw::manning;
    double theta = 1.0;
    double depth_threshold_m = 0.0;
    double dt_s = 0.0;
    const BoundaryParams* boundary = nullptr;
};

/// The per-face products of gravity, friction coefficient and dt that the flux update needs,
/// grouped as the update multiplies them (left to right), so that precomputing them for uniform
/// coefficients gives bitwise the same flux as forming them per face.
struct FaceCoefficients {
    double inv_g = 0.0;          ///< 1 / g_f
    double g_dt = 0.0;           ///< g_f dt
    double friction_scale = 0.0; ///< dt g_f c_f^2 (Manning) or dt c_f (quadratic drag)
};

FaceCoefficients face_coefficients(const FaceContext& ctx, double g_f, double c_f) noexcept {
    const double scale =
        ctx.law == FrictionLaw::manning ? ctx.dt_s * g_f * c_f * c_f : ctx.dt_s * c_f;
    return {1.0 / g_f, g_f * ctx.dt_s, scale};
}

/// h_f^(-1/3) of a face that will flow (h_f above the threshold), else 0 (not used then).
double wet_inverse_cube_root(double h_f, double depth_threshold_m) noexcept {
    return h_f > depth_threshold_m ? inverse_cube_root(h_f) : 0.0;
}

/// Flow depth h_f at a face between cells with beds z_m, z_p and depths h_m, h_p.
double face_depth(double z_m, double h_m, double z_p, double h_p) noexcept {
    return std::max(z_m + h_m, z_p + h_p) - std::max(z_m, z_p);
}

/// 1 + dt F of the file comment, with inv_h = 1 / h_f and inv_cbrt_h = h_f^(-1/3). Manning's
/// h_f^(7/3) enters as h_f^-2 h_f^(-1/3), so the update needs no division besides inv_h.
double friction_denominator(FrictionLaw law, double friction_scale, double q_abs, double inv_h,
                            double inv_cbrt_h) noexcept {
    const double numerator = friction_scale * q_abs;
    if (numerator == 0.0) {
        return 1.0;
    }
    if (law == FrictionLaw::manning) {
        return 1.0 + numerator * inv_h * inv_h * inv_cbrt_h;
    }
    return 1.0 + numerator * inv_h * inv_h;
}

/// What a face update reports besides the flux.
struct FaceDiagnostics {
    double froude_sq = 0.0;        ///< q^2 / (g_f h_f^3), the square saves a root per face
    double velocity_m_per_s = 0.0; ///< |q| / h_f
};

/// One cell as seen from a face.
struct CellRef {
    std::size_t row = 0;
    std::size_t col = 0;
    double z = 0.0;
    double h = 0.0;
};

/// Flux through the face between cells with beds z_m, z_p and depths h_m, h_p (minus and plus
/// side, both with data). `q_neighbours_sum` is q_up + q_down, `q_t` the mean of the adjacent
/// orthogonal fluxes, `inv_spacing` one over the distance between the two cell centres,
/// `inv_cbrt_h` the face's wet_inverse_cube_root (read by Manning friction only).
inline double interior_flux(const FaceContext& ctx, const FaceCoefficients& k, double z_m,
                            double h_m, double z_p, double h_p, double q_old,
                            double q_neighbours_sum, double q_t, double inv_spacing,
                            double inv_cbrt_h, FaceDiagnostics& diag) noexcept {
    const double eta_m = z_m + h_m;
    const double eta_p = z_p + h_p;
    const double h_f = face_depth(z_m, h_m, z_p, h_p);
    if (!(h_f > ctx.depth_threshold_m)) {
        return 0.0;
    }
    const double inv_h = 1.0 / h_f;
    const double slope = (eta_p - eta_m) * inv_spacing;
    const double denominator = friction_denominator(
        ctx.law, k.friction_scale, std::sqrt(q_old * q_old + q_t * q_t), inv_h, inv_cbrt_h);
    const double drive = k.g_dt * h_f * slope;
    // One division for both candidates, so that the fallback below costs no second one.
    const double inv_denominator = 1.0 / denominator;
    double q_new =
        (ctx.theta * q_old + 0.5 * (1.0 - ctx.theta) * q_neighbours_sum - drive) * inv_denominator;
    if (ctx.theta < 1.0 && q_new * slope > 0.0) {
        q_new = (q_old - drive) * inv_denominator;
    }
    diag.velocity_m_per_s = std::abs(q_new) * inv_h;
    diag.froude_sq = diag.velocity_m_per_s * diag.velocity_m_per_s * inv_h * k.inv_g;
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
    const FaceCoefficients k = face_coefficients(ctx, ctx.gravity->at(c.row, c.col),
                                                 ctx.friction->at(c.row, c.col));
    const double inv_h = 1.0 / c.h;
    const double denominator = friction_denominator(
        ctx.law, k.friction_scale, std::sqrt(q_out_old * q_out_old + q_t * q_t), inv_h,
        ctx.law == FrictionLaw::manning ? inverse_cube_root(c.h) : 0.0);
    const double q_out = std::max(0.0, (q_out_old + k.g_dt * c.h * slope) / denominator);
    diag.velocity_m_per_s = q_out * inv_h;
    diag.froude_sq = diag.velocity_m_per_s * diag.velocity_m_per_s * inv_h * k.inv_g;
    return q_out;
}

/// Face coefficients when gravity and friction are uniform: formed once per step.
struct UniformCoefficients {
    FaceCoefficients k;
    [[nodiscard]] FaceCoefficients operator()(std::size_t /*row_m*/, std::size_t /*col_m*/,
                                              std::size_t /*row_p*/,
                                              std::size_t /*col_p*/) const noexcept {
        return k;
    }
};

/// Face coefficients from per-cell fields: arithmetic means of the two cells.
struct PerCellCoefficients {
    const FaceContext* ctx = nullptr;
    [[nodiscard]] FaceCoefficients operator()(std::size_t row_m, std::size_t col_m,
                                              std::size_t row_p,
                                              std::size_t col_p) const noexcept {
        const double g_f =
            0.5 * (ctx->gravity->at(row_m, col_m) + ctx->gravity->at(row_p, col_p));
        const double c_f =
            0.5 * (ctx->friction->at(row_m, col_m) + ctx->friction->at(row_p, col_p));
        return face_coefficients(*ctx, g_f, c_f);
    }
};

/// Running maxima of the face diagnostics of one face row.
struct RowMaxima {
    double froude_sq = 0.0;
    double velocity_m_per_s = 0.0;
    void add(const FaceDiagnostics& d) noexcept {
        froude_sq = std::max(froude_sq, d.froude_sq);
        velocity_m_per_s = std::max(velocity_m_per_s, d.velocity_m_per_s);
    }
};

/// The fast paths take h_f^(-1/3) of this many faces in a loop of its own before their fluxes:
/// a short loop without branches lets the processor overlap the Newton steps of many faces,
/// which inside the flux update form one long chain of dependent multiplications per face.
constexpr std::size_t face_block = 256;

/// Mean of the four orthogonal fluxes around an interior face, summed in pairs in the order of
/// x_face_tangential / y_face_tangential so that both paths give the same bits.
template <typename Real>
double mean_of_four(Real a, Real b, Real c, Real d) noexcept {
    return ((static_cast<double>(a) + static_cast<double>(b)) +
            (static_cast<double>(c) + static_cast<double>(d))) /
           4.0;
}

/// Fast path: the x-faces 1 .. cols - 1 of cell row r, a row whose cells all have data (every
/// such face is interior and has four orthogonal neighbours).
template <typename Real, typename Coefficients>
void interior_x_faces(const FaceContext& ctx, const Coefficients& coefficients,
                      RasterView<const float> bed, const ShallowLayerState<Real>& state,
                      FaceField<Real>& q_new, std::size_t r, double dx, RowMaxima& maxima) {
    const std::size_t cols = bed.cols();
    const FaceField<Real>& q_old = state.q_m2_per_s;
    const float* z = bed.row(r).data();
    const Real* h = state.depth_m.data() + r * cols;
    const Real* qx = q_old.x_row(r).data();
    const Real* y_north = q_old.y_row(r).data();
    const Real* y_south = q_old.y_row(r + 1).data();
    Real* out = q_new.x_row(r).data();
    const double inv_dx = 1.0 / dx;
    const bool manning = ctx.law == FrictionLaw::manning;
    std::array<double, face_block> inv_cbrt_h{};
    RowMaxima local = maxima; // a local copy stays in registers (no aliasing with the outputs)
    for (std::size_t first = 1; first < cols; first += face_block) {
        const std::size_t end = std::min(cols, first + face_block);
        if (manning) {
            for (std::size_t fc = first; fc < end; ++fc) {
                inv_cbrt_h[fc - first] = wet_inverse_cube_root(
                    face_depth(static_cast<double>(z[fc - 1]), static_cast<double>(h[fc - 1]),
                               static_cast<double>(z[fc]), static_cast<double>(h[fc])),
                    ctx.depth_threshold_m);
            }
        }
        for (std::size_t fc = first; fc < end; ++fc) {
            const double q_t =
                mean_of_four(y_north[fc - 1], y_south[fc - 1], y_north[fc], y_south[fc]);
            const double q_sum =
                static_cast<double>(qx[fc - 1]) + static_cast<double>(qx[fc + 1]);
            FaceDiagnostics diag;
            const double q_face = interior_flux(
                ctx, coefficients(r, fc - 1, r, fc), static_cast<double>(z[fc - 1]),
                static_cast<double>(h[fc - 1]), static_cast<double>(z[fc]),
                static_cast<double>(h[fc]), static_cast<double>(qx[fc]), q_sum, q_t, inv_dx,
                inv_cbrt_h[fc - first], diag);
            out[fc] = static_cast<Real>(q_face);
            local.add(diag);
        }
    }
    maxima = local;
}

/// Fast path: the y-faces of face row r (0 < r < rows) between two cell rows that have data in
/// every cell.
template <typename Real, typename Coefficients>
void interior_y_faces(const FaceContext& ctx, const Coefficients& coefficients,
                      RasterView<const float> bed, const ShallowLayerState<Real>& state,
                      FaceField<Real>& q_new, std::size_t r, double dy, RowMaxima& maxima) {
    const std::size_t cols = bed.cols();
    const FaceField<Real>& q_old = state.q_m2_per_s;
    const float* z_m = bed.row(r - 1).data();
    const float* z_p = bed.row(r).data();
    const Real* h_m = state.depth_m.data() + (r - 1) * cols;
    const Real* h_p = state.depth_m.data() + r * cols;
    const Real* y_up = q_old.y_row(r - 1).data();
    const Real* y_here = q_old.y_row(r).data();
    const Real* y_down = q_old.y_row(r + 1).data();
    const Real* x_north = q_old.x_row(r - 1).data();
    const Real* x_south = q_old.x_row(r).data();
    Real* out = q_new.y_row(r).data();
    const double inv_dy = 1.0 / dy;
    const bool manning = ctx.law == FrictionLaw::manning;
    std::array<double, face_block> inv_cbrt_h{};
    RowMaxima local = maxima; // a local copy stays in registers (no aliasing with the outputs)
    for (std::size_t first = 0; first < cols; first += face_block) {
        const std::size_t end = std::min(cols, first + face_block);
        if (manning) {
            for (std::size_t c = first; c < end; ++c) {
                inv_cbrt_h[c - first] = wet_inverse_cube_root(
                    face_depth(static_cast<double>(z_m[c]), static_cast<double>(h_m[c]),
                               static_cast<double>(z_p[c]), static_cast<double>(h_p[c])),
                    ctx.depth_threshold_m);
            }
        }
        for (std::size_t c = first; c < end; ++c) {
            const double q_t =
                mean_of_four(x_north[c], x_north[c + 1], x_south[c], x_south[c + 1]);
            const double q_sum = static_cast<double>(y_up[c]) + static_cast<double>(y_down[c]);
            FaceDiagnostics diag;
            const double q_face = interior_flux(
                ctx, coefficients(r - 1, c, r, c), static_cast<double>(z_m[c]),
                static_cast<double>(h_m[c]), static_cast<double>(z_p[c]),
                static_cast<double>(h_p[c]), static_cast<double>(y_here[c]), q_sum, q_t, inv_dy,
                inv_cbrt_h[c - first], diag);
            out[c] = static_cast<Real>(q_face);
            local.add(diag);
        }
    }
    maxima = local;
}

template <typename Real>
CellRef cell_ref(RasterView<const float> bed, const ShallowLayerState<Real>& state,
                 std::size_t row, std::size_t col) noexcept {
    return {row, col, static_cast<double>(bed(row, col)),
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
    double spacing_m = 1.0; ///< centre-to-centre distance across the face
};

/// New flux of one face in the general case (grid edge, next to no-data): 0 for closed faces
/// and faces without data on either side.
double update_face(const FaceContext& ctx, const FaceGeometry& f, double q_old,
                   double q_neighbours_sum, double q_t, FaceDiagnostics& diag) noexcept {
    if (f.has_m && f.has_p) {
        const PerCellCoefficients coefficients{&ctx};
        const double inv_cbrt_h =
            ctx.law == FrictionLaw::manning
                ? wet_inverse_cube_root(face_depth(f.m.z, f.m.h, f.p.z, f.p.h),
                                        ctx.depth_threshold_m)
                : 0.0;
        return interior_flux(ctx, coefficients(f.m.row, f.m.col, f.p.row, f.p.col), f.m.z,
                             f.m.h, f.p.z, f.p.h, q_old, q_neighbours_sum, q_t,
                             1.0 / f.spacing_m, inv_cbrt_h, diag);
    }
    if (f.has_m && f.outer_of_m == OuterFace::free_outflow) {
        return outflow_flux(ctx, f.m, q_old, q_t, f.z_behind_m, f.spacing_m, diag);
    }
    if (f.has_p && f.outer_of_p == OuterFace::free_outflow) {
        return -outflow_flux(ctx, f.p, -q_old, q_t, f.z_behind_p, f.spacing_m, diag);
    }
    return 0.0;
}

/// General path for x-face (r, fc): any position, any mask.
template <typename Real>
double general_x_face(const FaceContext& ctx, RasterView<const float> bed, const CellMask& mask,
                      const ShallowLayerState<Real>& state, std::size_t r, std::size_t fc,
                      double dx, FaceDiagnostics& diag) {
    const std::size_t cols = bed.cols();
    const BoundaryParams& bc = *ctx.boundary;
    const FaceField<Real>& q_old = state.q_m2_per_s;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    FaceGeometry f;
    f.has_m = fc > 0 && mask.has_data(r, fc - 1);
    f.has_p = fc < cols && mask.has_data(r, fc);
    if (!f.has_m && !f.has_p) {
        return 0.0;
    }
    f.spacing_m = dx;
    double q_sum = 0.0;
    if (f.has_m) {
        f.m = cell_ref(bed, state, r, fc - 1);
        f.outer_of_m = fc == cols ? bc.east : bc.next_to_no_data;
        f.z_behind_m =
            fc >= 2 && mask.has_data(r, fc - 2) ? static_cast<double>(bed(r, fc - 2)) : nan;
    }
    if (f.has_p) {
        f.p = cell_ref(bed, state, r, fc);
        f.outer_of_p = fc == 0 ? bc.west : bc.next_to_no_data;
        f.z_behind_p =
            fc + 1 < cols && mask.has_data(r, fc + 1) ? static_cast<double>(bed(r, fc + 1)) : nan;
    }
    if (f.has_m && f.has_p) {
        q_sum = static_cast<double>(q_old.x(r, fc - 1)) + static_cast<double>(q_old.x(r, fc + 1));
    }
    return update_face(ctx, f, static_cast<double>(q_old.x(r, fc)), q_sum,
                       x_face_tangential(q_old, r, fc), diag);
}

/// General path for y-face (r, col): any position, any mask.
template <typename Real>
double general_y_face(const FaceContext& ctx, RasterView<const float> bed, const CellMask& mask,
                      const ShallowLayerState<Real>& state, std::size_t r, std::size_t col,
                      double dy, FaceDiagnostics& diag) {
    const std::size_t rows = bed.rows();
    const BoundaryParams& bc = *ctx.boundary;
    const FaceField<Real>& q_old = state.q_m2_per_s;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    FaceGeometry f;
    f.has_m = r > 0 && mask.has_data(r - 1, col);
    f.has_p = r < rows && mask.has_data(r, col);
    if (!f.has_m && !f.has_p) {
        return 0.0;
    }
    f.spacing_m = dy;
    double q_sum = 0.0;
    if (f.has_m) {
        f.m = cell_ref(bed, state, r - 1, col);
        f.outer_of_m = r == rows ? bc.south : bc.next_to_no_data;
        f.z_behind_m =
            r >= 2 && mask.has_data(r - 2, col) ? static_cast<double>(bed(r - 2, col)) : nan;
    }
    if (f.has_p) {
        f.p = cell_ref(bed, state, r, col);
        f.outer_of_p = r == 0 ? bc.north : bc.next_to_no_data;
        f.z_behind_p =
            r + 1 < rows && mask.has_data(r + 1, col) ? static_cast<double>(bed(r + 1, col)) : nan;
    }
    if (f.has_m && f.has_p) {
        q_sum = static_cast<double>(q_old.y(r - 1, col)) + static_cast<double>(q_old.y(r + 1, col));
    }
    return update_face(ctx, f, static_cast<double>(q_old.y(r, col)), q_sum,
                       y_face_tangential(q_old, r, col), diag);
}

/// All new fluxes of face row r (the x-faces of cell row r if r < rows, and the y-faces north of
/// cell row r) into q_new; interior stretches of rows without no-data take the fast path.
template <typename Real, typename Coefficients>
RowMaxima face_row_fluxes(const FaceContext& ctx, const Coefficients& coefficients,
                          RasterView<const float> bed, const CellMask& mask,
                          const std::vector<std::uint8_t>& row_full,
                          const ShallowLayerState<Real>& state, FaceField<Real>& q_new,
                          std::size_t r, double dx, double dy) {
    const std::size_t rows = bed.rows();
    const std::size_t cols = bed.cols();
    RowMaxima maxima;
    FaceDiagnostics diag;
    if (r < rows) {
        if (row_full[r] != 0) {
            q_new.x(r, 0) =
                static_cast<Real>(general_x_face(ctx, bed, mask, state, r, 0, dx, diag));
            maxima.add(diag);
            interior_x_faces(ctx, coefficients, bed, state, q_new, r, dx, maxima);
            diag = {};
            q_new.x(r, cols) =
                static_cast<Real>(general_x_face(ctx, bed, mask, state, r, cols, dx, diag));
            maxima.add(diag);
        } else {
            for (std::size_t fc = 0; fc <= cols; ++fc) {
                diag = {};
                q_new.x(r, fc) =
                    static_cast<Real>(general_x_face(ctx, bed, mask, state, r, fc, dx, diag));
                maxima.add(diag);
            }
        }
    }
    if (r > 0 && r < rows && row_full[r - 1] != 0 && row_full[r] != 0) {
        interior_y_faces(ctx, coefficients, bed, state, q_new, r, dy, maxima);
    } else {
        for (std::size_t c = 0; c < cols; ++c) {
            diag = {};
            q_new.y(r, c) =
                static_cast<Real>(general_y_face(ctx, bed, mask, state, r, c, dy, diag));
            maxima.add(diag);
        }
    }
    return maxima;
}

/// Keeps flux divergence from draining a cell below zero: where the outgoing fluxes of a cell
/// would remove more than its depth at the start of the step in one dt, all of them are scaled by
/// h / outgoing (inflows of the same step are not counted, so the bound holds whatever the
/// neighbours do). Each face has one donor cell (upwind), so the scaling is order-independent.
/// Conserves mass exactly; inactive as long as the time step resolves the flow. This pass writes
/// the factors; continuity_with_limiter applies them.
template <typename Real>
void outflow_factors(const CellMask& mask, const ShallowLayerState<Real>& state,
                     ShallowLayerWorkspace<Real>& ws, double dt_s) {
    const GridSpec& spec = state.depth_m.spec();
    const std::size_t cols = spec.cols;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;
    const FaceField<Real>& q = state.q_m2_per_s;
    double* factor = ws.outflow_factor.data();
    const auto cell_rows = static_cast<std::ptrdiff_t>(spec.rows);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < cell_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        const bool full = ws.row_has_all_data[r] != 0;
        const Real* qx = q.x_row(r).data();
        const Real* y_north = q.y_row(r).data();
        const Real* y_south = q.y_row(r + 1).data();
        const Real* h = state.depth_m.data() + r * cols;
        for (std::size_t c = 0; c < cols; ++c) {
            double f = 1.0;
            if (full || mask.has_data(r, c)) {
                const double out_m =
                    dt_s * ((std::max(0.0, -static_cast<double>(qx[c])) +
                             std::max(0.0, static_cast<double>(qx[c + 1]))) / dx +
                            (std::max(0.0, -static_cast<double>(y_north[c])) +
                             std::max(0.0, static_cast<double>(y_south[c]))) / dy);
                const double depth = static_cast<double>(h[c]);
                if (out_m > depth) {
                    f = depth / out_m;
                }
            }
            factor[r * cols + c] = f;
        }
    }
}

/// A flux after the limiter, rounded to the storage type as it will be stored: scaled by the
/// factor of its donor cell, the minus-side cell (row and index into its factor row) for a
/// positive flux, the plus-side cell for a negative one. Only the donor's factor is read.
template <typename Real>
Real limited(Real v, const double* factors_minus, std::size_t minus, const double* factors_plus,
             std::size_t plus) noexcept {
    const double value = static_cast<double>(v);
    if (value == 0.0) {
        return v;
    }
    return static_cast<Real>(value * (value > 0.0 ? factors_minus[minus] : factors_plus[plus]));
}

/// Sums of one cell row of the continuity pass.
struct ContinuityRow {
    double outflow_m3 = 0.0;       ///< through outer faces of face row r (x-faces of row r, y r)
    double last_outflow_m3 = 0.0;  ///< through the southern grid edge (last row only)
    double change_m3 = 0.0;
    double source_m3 = 0.0;
    double clipped_m3 = 0.0;
    double h_max_m = 0.0;
};

/// The limiter applied and continuity for cell row r in one pass. Reads the unlimited fluxes
/// `q` (never written here, so rows on other threads can read them too) and writes the limited
/// fluxes of the faces row r owns (its x-faces, the y-faces north of it, and for the last row
/// the southern edge) into `limited_q`. The southern y-faces of row r are limited again here
/// (the same product), so that no row reads what another writes.
template <typename Real>
ContinuityRow continuity_with_limiter(const CellMask& mask, const CellField& source,
                                      const std::vector<std::uint8_t>& row_full,
                                      const std::vector<double>& factor,
                                      const FaceField<Real>& q, FaceField<Real>& limited_q,
                                      Raster<Real>& depth, std::size_t r, double dt) {
    const GridSpec& spec = depth.spec();
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;
    const double area_m2 = spec.cell_area_m2();
    const double* f_here = factor.data() + r * cols;
    const double* f_north = r > 0 ? f_here - cols : nullptr;
    const double* f_south = r + 1 < rows ? f_here + cols : nullptr;
    const bool full = row_full[r] != 0;
    const auto outer = [&](std::ptrdiff_t row, std::ptrdiff_t col) {
        return !spec.contains(row, col) ||
               !mask.has_data(static_cast<std::size_t>(row), static_cast<std::size_t>(col));
    };
    const auto rr = static_cast<std::ptrdiff_t>(r);
    ContinuityRow sums;

    const Real* qx = q.x_row(r).data();
    Real* lx = limited_q.x_row(r).data();
    for (std::size_t fc = 0; fc <= cols; ++fc) {
        lx[fc] = limited(qx[fc], f_here, fc - 1, f_here, fc);
        if (lx[fc] == Real{0}) {
            continue;
        }
        const auto c = static_cast<std::ptrdiff_t>(fc);
        const bool is_outer = full ? (fc == 0 || fc == cols) : (outer(rr, c - 1) || outer(rr, c));
        if (is_outer) {
            sums.outflow_m3 += std::abs(static_cast<double>(lx[fc])) * dy * dt;
        }
    }
    const Real* qn = q.y_row(r).data();
    Real* ln = limited_q.y_row(r).data();
    const bool north_full = r > 0 && full && row_full[r - 1] != 0;
    for (std::size_t c = 0; c < cols; ++c) {
        ln[c] = limited(qn[c], f_north, c, f_here, c);
        if (ln[c] == Real{0}) {
            continue;
        }
        const auto cc = static_cast<std::ptrdiff_t>(c);
        if (!north_full && (outer(rr - 1, cc) || outer(rr, cc))) {
            sums.outflow_m3 += std::abs(static_cast<double>(ln[c])) * dx * dt;
        }
    }
    const Real* qs = q.y_row(r + 1).data();
    Real* ls = limited_q.y_row(r + 1).data();
    const bool last = r + 1 == rows;
    Real* h_row = depth.data() + r * cols;
    const bool uniform_source = !source.is_raster();
    for (std::size_t col = 0; col < cols; ++col) {
        const Real south = limited(qs[col], f_here, col, f_south, col);
        if (last) {
            ls[col] = south;
            if (south != Real{0}) {
                sums.last_outflow_m3 += std::abs(static_cast<double>(south)) * dx * dt;
            }
        }
        if (!full && !mask.has_data(r, col)) {
            continue;
        }
        const double h_old = static_cast<double>(h_row[col]);
        const double divergence =
            (static_cast<double>(lx[col]) - static_cast<double>(lx[col + 1])) / dx +
            (static_cast<double>(ln[col]) - static_cast<double>(south)) / dy;
        const double s = uniform_source ? source.constant : source.at(r, col);
        double h = h_old + dt * (divergence + s);
        if (h < 0.0) {
            sums.clipped_m3 -= h * area_m2;
            h = 0.0;
        }
        const Real stored = static_cast<Real>(h);
        h_row[col] = stored;
        sums.change_m3 += (static_cast<double>(stored) - h_old) * area_m2;
        sums.source_m3 += s * dt * area_m2;
        sums.h_max_m = std::max(sums.h_max_m, static_cast<double>(stored));
    }
    return sums;
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
        ws.outflow_factor.size() != spec.cell_count() ||
        ws.row_has_all_data.size() != spec.rows) {
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

/// max over cells with data of g h (m^2/s^2), per-row partials in `partials`. If `row_full` is
/// given, also marks the rows whose cells all have data (this pass reads the mask anyway).
template <typename Real>
double max_wave_speed_sq(const CellMask& mask, const ShallowLayerState<Real>& state,
                         const CellField& gravity, double* partials, std::uint8_t* row_full) {
    const GridSpec& spec = state.depth_m.spec();
    const auto rows = static_cast<std::ptrdiff_t>(spec.rows);
    const bool uniform = !gravity.is_raster();
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        const Real* h = state.depth_m.data() + row * spec.cols;
        double m = 0.0;
        bool full = true;
        for (std::size_t col = 0; col < spec.cols; ++col) {
            if (mask.has_data(row, col)) {
                const double g = uniform ? gravity.constant : gravity.at(row, col);
                m = std::max(m, g * static_cast<double>(h[col]));
            } else {
                full = false;
            }
        }
        partials[row] = m;
        if (row_full != nullptr) {
            row_full[row] = full ? 1 : 0;
        }
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
        max_wave_speed_sq(mask, state, params.gravity_m_per_s2, partials.data(), nullptr),
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
    const std::size_t n_partials = rows + 1;
    double* partials = workspace.row_partials.data();
    const auto partial = [&](Partial which, std::size_t row) -> double& {
        return partials[static_cast<std::size_t>(which) * n_partials + row];
    };

    ShallowStepStats stats;
    stats.dt_s = std::min(
        dt_limit_s,
        time_step_from(max_wave_speed_sq(mask, state, params.gravity_m_per_s2,
                                         &partial(Partial::wave_speed_sq, 0),
                                         workspace.row_has_all_data.data()),
                       workspace.max_face_velocity_m_per_s, spec, params));

    FaceContext ctx;
    ctx.gravity = &params.gravity_m_per_s2;
    ctx.friction = &params.friction_coefficient;
    ctx.law = params.friction_law;
    ctx.theta = params.theta;
    ctx.depth_threshold_m = params.depth_threshold_m;
    ctx.dt_s = stats.dt_s;
    ctx.boundary = &params.boundary;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;
    const bool uniform_coefficients =
        !params.gravity_m_per_s2.is_raster() && !params.friction_coefficient.is_raster();
    // With uniform coefficients the face means are the constants themselves (0.5 (a + a) = a
    // exactly), so they are formed once here instead of per face.
    const UniformCoefficients uniform{
        face_coefficients(ctx, params.gravity_m_per_s2.constant,
                          params.friction_coefficient.constant)};
    const PerCellCoefficients per_cell{&ctx};

    // Fluxes: face row r holds the y-faces north of cell row r and, for r < rows, the x-faces of
    // cell row r. Every face reads only the old state.
    const auto face_rows = static_cast<std::ptrdiff_t>(n_partials);
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < face_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        const RowMaxima maxima =
            uniform_coefficients
                ? face_row_fluxes(ctx, uniform, bed_elevation_m, mask,
                                  workspace.row_has_all_data, state, workspace.q_next, r, dx, dy)
                : face_row_fluxes(ctx, per_cell, bed_elevation_m, mask,
                                  workspace.row_has_all_data, state, workspace.q_next, r, dx,
                                  dy);
        partial(Partial::froude, r) = maxima.froude_sq;
        partial(Partial::face_velocity, r) = maxima.velocity_m_per_s;
    }
    state.q_m2_per_s.swap(workspace.q_next);
    outflow_factors(mask, state, workspace, stats.dt_s);

    // Limiter and continuity; the limited fluxes go to the spare buffer, which then becomes the
    // state's.
    const auto cell_rows = static_cast<std::ptrdiff_t>(rows);
    partial(Partial::outflow, rows) = 0.0; // the last row sets it (none on an empty grid)
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < cell_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        const ContinuityRow sums = continuity_with_limiter(
            mask, source_m_per_s, workspace.row_has_all_data, workspace.outflow_factor,
            state.q_m2_per_s, workspace.q_next, state.depth_m, r, stats.dt_s);
        partial(Partial::outflow, r) = sums.outflow_m3;
        if (r + 1 == rows) {
            partial(Partial::outflow, rows) = sums.last_outflow_m3;
        }
        partial(Partial::volume_change, r) = sums.change_m3;
        partial(Partial::source, r) = sums.source_m3;
        partial(Partial::clipped, r) = sums.clipped_m3;
        partial(Partial::depth_max, r) = sums.h_max_m;
    }
    state.q_m2_per_s.swap(workspace.q_next);

    const auto& all = workspace.row_partials;
    stats.outflow_volume_m3 = sum_in_order(all, Partial::outflow, n_partials, n_partials);
    stats.max_froude = std::sqrt(max_in_order(all, Partial::froude, n_partials, n_partials));
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
