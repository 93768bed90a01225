#include <lauter/kernels/shallow/local_inertial.hpp>
#include <lauter/kernels/shallow/inverse_cube_root.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <omp.h>
#include <string>
#include <utility>

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

/// Threads whose block boundaries the flux pass records (more threads are handled, slower).
constexpr std::size_t max_blocks = 256;

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
    /// Faces count towards the time step's velocity only where h_f exceeds this (m).
    double velocity_depth_m = 0.0;
    /// |q| <= froude_limit h_f sqrt(g_f h_f) (infinity: no limit).
    double froude_limit = std::numeric_limits<double>::infinity();
    /// TimeStepRule::face_signal_speed: a face reports |u| + sqrt(g_f h_f) instead of |u|.
    bool signal_speed = false;
    double dt_s = 0.0;
    const BoundaryParams* boundary = nullptr;
};

/// The per-face products of gravity, friction coefficient and dt that the flux update needs,
/// grouped as the update multiplies them (left to right), so that precomputing them for uniform
/// coefficients gives bitwise the same flux as forming them per face.
struct FaceCoefficients {
    double g = 0.0;              ///< g_f
    double inv_g = 0.0;          ///< 1 / g_f
    double g_dt = 0.0;           ///< g_f dt
    double friction_scale = 0.0; ///< dt g_f c_f^2 (Manning) or dt c_f (quadratic drag)
};

FaceCoefficients face_coefficients(const FaceContext& ctx, double g_f, double c_f) noexcept {
    const double scale =
        ctx.law == FrictionLaw::manning ? ctx.dt_s * g_f * c_f * c_f : ctx.dt_s * c_f;
    return {g_f, 1.0 / g_f, g_f * ctx.dt_s, scale};
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
    const double q_cap = ctx.froude_limit * h_f * std::sqrt(k.g * h_f);
    q_new = std::min(std::max(q_new, -q_cap), q_cap);
    const double velocity = std::abs(q_new) * inv_h;
    const double step_speed = ctx.signal_speed ? velocity + std::sqrt(k.g * h_f) : velocity;
    diag.velocity_m_per_s = h_f > ctx.velocity_depth_m ? step_speed : 0.0;
    diag.froude_sq = velocity * velocity * inv_h * k.inv_g;
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
    const double q_cap = ctx.froude_limit * c.h * std::sqrt(k.g * c.h);
    const double q_out =
        std::min(std::max(0.0, (q_out_old + k.g_dt * c.h * slope) / denominator), q_cap);
    const double velocity = q_out * inv_h;
    const double step_speed = ctx.signal_speed ? velocity + std::sqrt(k.g * c.h) : velocity;
    diag.velocity_m_per_s = c.h > ctx.velocity_depth_m ? step_speed : 0.0;
    diag.froude_sq = velocity * velocity * inv_h * k.inv_g;
    return q_out;
}

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

/// Vector clones of the interior face kernels: SSE2 (the x86-64 baseline) and AVX2, chosen at
/// load time (GCC function multi-versioning). The AVX2 clone may not use FMA (none is enabled),
/// so both clones perform the same IEEE operations in the same order and give identical bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LAUTER_SHALLOW_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define LAUTER_SHALLOW_CLONES
#endif

/// The arrays of a run of interior faces, in the order of the face update: for face i, cell i
/// of the minus-side arrays and cell i of the plus-side arrays (the caller offsets the pointers).
template <typename Real>
struct FaceRun {
    const float* z_m = nullptr;
    const float* z_p = nullptr;
    const Real* h_m = nullptr;
    const Real* h_p = nullptr;
    const Real* q_old = nullptr;    ///< the face's own old flux
    const Real* q_before = nullptr; ///< the old flux of the parallel face upstream (q_up)
    const Real* q_after = nullptr;  ///< ... and downstream (q_down)
    /// The four orthogonal old fluxes, summed as (t0 + t1) + (t2 + t3), the pairing of
    /// x_face_tangential / y_face_tangential.
    const Real* t0 = nullptr;
    const Real* t1 = nullptr;
    const Real* t2 = nullptr;
    const Real* t3 = nullptr;
    const float* g_m = nullptr; ///< per-cell gravity of the minus / plus cells (PerCellG only)
    const float* g_p = nullptr;
    const float* c_m = nullptr; ///< per-cell friction coefficients (PerCellC only)
    const float* c_p = nullptr;
    Real* out = nullptr;
    std::size_t count = 0;
};

/// Step constants of the interior face update in the compute type T (the storage type Real:
/// float state, float arithmetic).
template <typename T>
struct FaceConstants {
    T theta = 1;
    T half_one_minus_theta = 0; ///< 0.5 (1 - theta), grouped as interior_flux multiplies it
    bool fallback = false;      ///< theta < 1: recompute up-slope fluxes with theta = 1
    T depth_threshold_m = 0;
    T velocity_depth_m = 0; ///< faces count towards the step's velocity only above this h_f
    T froude_limit = std::numeric_limits<T>::infinity(); ///< |q| <= limit h_f sqrt(g_f h_f)
    T signal_speed = 0; ///< 1: faces report |u| + sqrt(g_f h_f) for the step, 0: |u|
    T inv_spacing = 0;
    T dt_s = 0;
    T gravity = 0;  ///< uniform g (when not PerCellG)
    T friction = 0; ///< uniform coefficient (when not PerCellC)
};

/// One interior face in the compute type T without branches: both theta candidates are formed
/// and selected, and a dry face divides by 1 instead of by h_f and is multiplied by 0, so that
/// the loop around it vectorises. The same formulas as interior_flux (file comment of
/// local_inertial.hpp), with h_f^(-1/3) from inverse_cube_root_simd.
template <typename T, bool Manning, bool PerCellG, bool PerCellC, bool WaveTerms, typename Real>
[[gnu::always_inline]] inline void face_run_body(const FaceRun<Real>& run,
                                                 const FaceConstants<T>& k, T& max_velocity,
                                                 T& max_froude_sq) noexcept {
    const float* __restrict z_m = run.z_m;
    const float* __restrict z_p = run.z_p;
    const Real* __restrict h_m = run.h_m;
    const Real* __restrict h_p = run.h_p;
    const Real* __restrict q_old = run.q_old;
    const Real* __restrict q_before = run.q_before;
    const Real* __restrict q_after = run.q_after;
    const Real* __restrict t0 = run.t0;
    const Real* __restrict t1 = run.t1;
    const Real* __restrict t2 = run.t2;
    const Real* __restrict t3 = run.t3;
    const float* __restrict g_m = run.g_m;
    const float* __restrict g_p = run.g_p;
    const float* __restrict c_m = run.c_m;
    const float* __restrict c_p = run.c_p;
    Real* __restrict out = run.out;
    T velocity_max = max_velocity;
    T froude_sq_max = max_froude_sq;
    const T one = 1;
    const T half = static_cast<T>(0.5);
    // Every constant in a local: loads through `k` inside the loop would keep it scalar.
    const std::size_t count = run.count;
    const T theta = k.theta;
    const T half_one_minus_theta = k.half_one_minus_theta;
    // The theta = 1 fallback applies where q slope > bound: 0, or never (infinity) for theta 1.
    const T fallback_bound = k.fallback ? T{0} : std::numeric_limits<T>::infinity();
    const T depth_threshold_m = k.depth_threshold_m;
    const T velocity_depth_m = k.velocity_depth_m;
    const T froude_limit = k.froude_limit;
    const T signal_speed = k.signal_speed;
    const T inv_spacing = k.inv_spacing;
    const T dt_s = k.dt_s;
    const T gravity = k.gravity;
    const T friction_coefficient = k.friction;
#pragma omp simd reduction(max : velocity_max, froude_sq_max)
    for (std::size_t i = 0; i < count; ++i) {
        T g_f = gravity;
        T c_f = friction_coefficient;
        if constexpr (PerCellG) {
            g_f = half * (static_cast<T>(g_m[i]) + static_cast<T>(g_p[i]));
        }
        if constexpr (PerCellC) {
            c_f = half * (static_cast<T>(c_m[i]) + static_cast<T>(c_p[i]));
        }
        const T inv_g = one / g_f;
        const T g_dt = g_f * dt_s;
        T friction_scale = dt_s * c_f;
        if constexpr (Manning) {
            friction_scale = dt_s * g_f * c_f * c_f;
        }
        const T zm = static_cast<T>(z_m[i]);
        const T zp = static_cast<T>(z_p[i]);
        const T eta_m = zm + static_cast<T>(h_m[i]);
        const T eta_p = zp + static_cast<T>(h_p[i]);
        const T h_f = (eta_m > eta_p ? eta_m : eta_p) - (zm > zp ? zm : zp);
        const bool wet = h_f > depth_threshold_m;
        const T h_safe = wet ? h_f : one;
        const T inv_h = one / h_safe;
        const T slope = (eta_p - eta_m) * inv_spacing;
        const T q = static_cast<T>(q_old[i]);
        const T q_t = ((static_cast<T>(t0[i]) + static_cast<T>(t1[i])) +
                       (static_cast<T>(t2[i]) + static_cast<T>(t3[i]))) *
                      static_cast<T>(0.25);
        const T q_sum = static_cast<T>(q_before[i]) + static_cast<T>(q_after[i]);
        T friction = friction_scale * std::sqrt(q * q + q_t * q_t) * inv_h * inv_h;
        if constexpr (Manning) {
            friction = friction * inverse_cube_root_simd(h_safe);
        }
        const T inv_denominator = one / (one + friction);
        const T drive = g_dt * h_f * slope;
        const T q_weighted = (theta * q + half_one_minus_theta * q_sum - drive) * inv_denominator;
        const T q_bates = (q - drive) * inv_denominator;
        const bool up_slope = q_weighted * slope > fallback_bound;
        // Dry faces: times 0 rather than a select of 0, so that every load above is needed on
        // every path (a select lets the compiler move them into a branch, which SSE2 cannot
        // vectorise); + 0 turns the -0 of a negative flux into +0. Every operand is finite
        // (a dry face divides by 1), so the product is an exact zero.
        const T wet_factor = wet ? one : T{0};
        T q_chosen = up_slope ? q_bates : q_weighted;
        T step_wave_speed = 0;
        if constexpr (WaveTerms) {
            const T wave_speed = std::sqrt(g_f * h_safe);
            const T q_cap = froude_limit * h_safe * wave_speed;
            q_chosen = q_chosen > q_cap ? q_cap : (q_chosen < -q_cap ? -q_cap : q_chosen);
            // A dry face's wave_speed is that of h_safe = 1: times wet_factor, not counted.
            step_wave_speed = signal_speed * wave_speed * wet_factor;
        }
        const T q_new = q_chosen * wet_factor + T{0};
        out[i] = static_cast<Real>(q_new);
        const T velocity = (q_new < T{0} ? -q_new : q_new) * inv_h;
        const T froude_sq = velocity * velocity * inv_h * inv_g;
        const T step_velocity = h_f > velocity_depth_m ? velocity + step_wave_speed : T{0};
        velocity_max = step_velocity > velocity_max ? step_velocity : velocity_max;
        froude_sq_max = froude_sq > froude_sq_max ? froude_sq : froude_sq_max;
    }
    max_velocity = velocity_max;
    max_froude_sq = froude_sq_max;
}

template <typename T, bool Manning, bool PerCellG, bool PerCellC, bool WaveTerms, typename Real>
LAUTER_SHALLOW_CLONES void face_run(const FaceRun<Real>& run, const FaceConstants<T>& k,
                                    T& max_velocity, T& max_froude_sq) noexcept {
    face_run_body<T, Manning, PerCellG, PerCellC, WaveTerms>(run, k, max_velocity,
                                                              max_froude_sq);
}

/// Calls f.template operator()<b...>() with the run-time flags as template arguments.
template <bool... Chosen, typename F>
void with_flags(F&& f) {
    f.template operator()<Chosen...>();
}
template <bool... Chosen, typename F, typename... Rest>
void with_flags(F&& f, bool flag, Rest... rest) {
    if (flag) {
        with_flags<Chosen..., true>(std::forward<F>(f), rest...);
    } else {
        with_flags<Chosen..., false>(std::forward<F>(f), rest...);
    }
}

/// Interior faces of one run with the kernel instance for the friction law and the coefficient
/// fields; the maxima are folded into `maxima`.
template <typename Real>
void interior_faces(const FaceContext& ctx, const FaceRun<Real>& run, double spacing_m,
                    RowMaxima& maxima) {
    using T = Real;
    FaceConstants<T> k;
    k.theta = static_cast<T>(ctx.theta);
    k.half_one_minus_theta = static_cast<T>(0.5 * (1.0 - ctx.theta));
    k.fallback = ctx.theta < 1.0;
    k.depth_threshold_m = static_cast<T>(ctx.depth_threshold_m);
    k.velocity_depth_m = static_cast<T>(ctx.velocity_depth_m);
    k.froude_limit = static_cast<T>(ctx.froude_limit);
    k.signal_speed = ctx.signal_speed ? T{1} : T{0};
    k.inv_spacing = static_cast<T>(1.0 / spacing_m);
    k.dt_s = static_cast<T>(ctx.dt_s);
    k.gravity = static_cast<T>(ctx.gravity->constant);
    k.friction = static_cast<T>(ctx.friction->constant);
    const bool manning = ctx.law == FrictionLaw::manning;
    const bool per_g = ctx.gravity->is_raster();
    const bool per_c = ctx.friction->is_raster();
    T velocity = 0;
    T froude_sq = 0;
    // The Froude limiter and the signal-speed step need sqrt(g h_f) per face; without them
    // (runoff) the kernel does not compute it.
    const bool wave_terms =
        ctx.signal_speed || ctx.froude_limit < std::numeric_limits<double>::infinity();
    with_flags(
        [&]<bool M, bool G, bool C, bool W>() {
            face_run<T, M, G, C, W>(run, k, velocity, froude_sq);
        },
        manning, per_g, per_c, wave_terms);
    maxima.add({static_cast<double>(froude_sq), static_cast<double>(velocity)});
}

/// Fast path: the `count` x-faces first_fc .. first_fc + count - 1 of cell row r, all interior
/// (0 < fc < cols) with data in both cells; every such face has four orthogonal neighbours.
/// A row without no-data is the single run 1 .. cols - 1.
template <typename Real>
void interior_x_faces(const FaceContext& ctx, RasterView<const float> bed,
                      const ShallowLayerState<Real>& state, FaceField<Real>& q_new,
                      std::size_t r, std::size_t first_fc, std::size_t count, double dx,
                      RowMaxima& maxima) {
    const std::size_t cols = bed.cols();
    const FaceField<Real>& q_old = state.q_m2_per_s;
    // Cell first_fc - 1 is the minus side of the first face, cell first_fc its plus side.
    const std::size_t m = first_fc - 1;
    const float* z = bed.row(r).data() + m;
    const Real* h = state.depth_m.data() + r * cols + m;
    const Real* qx = q_old.x_row(r).data() + m;
    const Real* y_north = q_old.y_row(r).data() + m;
    const Real* y_south = q_old.y_row(r + 1).data() + m;
    FaceRun<Real> run;
    run.z_m = z;
    run.z_p = z + 1;
    run.h_m = h;
    run.h_p = h + 1;
    run.q_old = qx + 1;
    run.q_before = qx;
    run.q_after = qx + 2;
    run.t0 = y_north;
    run.t1 = y_south;
    run.t2 = y_north + 1;
    run.t3 = y_south + 1;
    if (ctx.gravity->is_raster()) {
        run.g_m = ctx.gravity->per_cell.row(r).data() + m;
        run.g_p = run.g_m + 1;
    }
    if (ctx.friction->is_raster()) {
        run.c_m = ctx.friction->per_cell.row(r).data() + m;
        run.c_p = run.c_m + 1;
    }
    run.out = q_new.x_row(r).data() + first_fc;
    run.count = count;
    interior_faces(ctx, run, dx, maxima);
}

/// Fast path: the `count` y-faces first_col .. first_col + count - 1 of face row r
/// (0 < r < rows), each between two cells with data. Two cell rows without no-data are the
/// single run 0 .. cols - 1.
template <typename Real>
void interior_y_faces(const FaceContext& ctx, RasterView<const float> bed,
                      const ShallowLayerState<Real>& state, FaceField<Real>& q_new,
                      std::size_t r, std::size_t first_col, std::size_t count, double dy,
                      RowMaxima& maxima) {
    const std::size_t cols = bed.cols();
    const std::size_t c0 = first_col;
    const FaceField<Real>& q_old = state.q_m2_per_s;
    FaceRun<Real> run;
    run.z_m = bed.row(r - 1).data() + c0;
    run.z_p = bed.row(r).data() + c0;
    run.h_m = state.depth_m.data() + (r - 1) * cols + c0;
    run.h_p = state.depth_m.data() + r * cols + c0;
    run.q_old = q_old.y_row(r).data() + c0;
    run.q_before = q_old.y_row(r - 1).data() + c0;
    run.q_after = q_old.y_row(r + 1).data() + c0;
    run.t0 = q_old.x_row(r - 1).data() + c0;
    run.t1 = run.t0 + 1;
    run.t2 = q_old.x_row(r).data() + c0;
    run.t3 = run.t2 + 1;
    if (ctx.gravity->is_raster()) {
        run.g_m = ctx.gravity->per_cell.row(r - 1).data() + c0;
        run.g_p = ctx.gravity->per_cell.row(r).data() + c0;
    }
    if (ctx.friction->is_raster()) {
        run.c_m = ctx.friction->per_cell.row(r - 1).data() + c0;
        run.c_p = ctx.friction->per_cell.row(r).data() + c0;
    }
    run.out = q_new.y_row(r).data() + c0;
    run.count = count;
    interior_faces(ctx, run, dy, maxima);
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
/// cell row r) into q_new. Interior faces (both cells on the grid and with data) take the
/// vectorised path in runs of consecutive such faces, whether or not the row has no-data cells
/// elsewhere, so an interior face is computed the same way wherever the study-area boundary
/// lies; only outer faces (grid edge, next to no-data) take the scalar general path.
template <typename Real>
RowMaxima face_row_fluxes(const FaceContext& ctx, RasterView<const float> bed, const CellMask& mask,
                          const std::vector<std::uint8_t>& row_full,
                          const ShallowLayerState<Real>& state, FaceField<Real>& q_new,
                          std::size_t r, double dx, double dy) {
    const std::size_t rows = bed.rows();
    const std::size_t cols = bed.cols();
    const CellStatus* status = mask.raster().data();
    const auto has_data = [status](std::size_t i) { return status[i] != CellStatus::no_data; };
    RowMaxima maxima;
    FaceDiagnostics diag;
    const auto general_x = [&](std::size_t fc) {
        diag = {};
        q_new.x(r, fc) = static_cast<Real>(general_x_face(ctx, bed, mask, state, r, fc, dx, diag));
        maxima.add(diag);
    };
    const auto general_y = [&](std::size_t c) {
        diag = {};
        q_new.y(r, c) = static_cast<Real>(general_y_face(ctx, bed, mask, state, r, c, dy, diag));
        maxima.add(diag);
    };
    if (r < rows) {
        general_x(0);
        if (row_full[r] != 0) {
            if (cols >= 2) {
                interior_x_faces(ctx, bed, state, q_new, r, 1, cols - 1, dx, maxima);
            }
        } else {
            // x-face fc (0 < fc < cols) is interior where cells fc - 1 and fc both have data.
            const std::size_t row_start = r * cols;
            std::size_t fc = 1;
            while (fc < cols) {
                const bool data_m = has_data(row_start + fc - 1);
                const bool data_p = has_data(row_start + fc);
                if (!data_m && !data_p) {
                    q_new.x(r, fc) = Real{0}; // outside the study area: what general_x gives
                    ++fc;
                    continue;
                }
                if (!data_m || !data_p) {
                    general_x(fc);
                    ++fc;
                    continue;
                }
                std::size_t end = fc + 1;
                while (end < cols && has_data(row_start + end)) {
                    ++end;
                }
                interior_x_faces(ctx, bed, state, q_new, r, fc, end - fc, dx, maxima);
                fc = end;
            }
        }
        if (cols > 0) {
            general_x(cols);
        }
    }
    if (r == 0 || r == rows) {
        for (std::size_t c = 0; c < cols; ++c) {
            general_y(c);
        }
    } else if (row_full[r - 1] != 0 && row_full[r] != 0) {
        interior_y_faces(ctx, bed, state, q_new, r, 0, cols, dy, maxima);
    } else {
        // y-face (r, c) is interior where cells (r - 1, c) and (r, c) both have data.
        const std::size_t north = (r - 1) * cols;
        const std::size_t south = r * cols;
        const auto interior = [&](std::size_t c) {
            return has_data(north + c) && has_data(south + c);
        };
        std::size_t c = 0;
        while (c < cols) {
            if (!has_data(north + c) && !has_data(south + c)) {
                q_new.y(r, c) = Real{0}; // outside the study area: what general_y gives
                ++c;
                continue;
            }
            if (!interior(c)) {
                general_y(c);
                ++c;
                continue;
            }
            std::size_t end = c + 1;
            while (end < cols && interior(end)) {
                ++end;
            }
            interior_y_faces(ctx, bed, state, q_new, r, c, end - c, dy, maxima);
            c = end;
        }
    }
    return maxima;
}

/// Keeps flux divergence from draining a cell below zero: where the outgoing fluxes of a cell
/// would remove more than its depth at the start of the step in one dt, all of them are scaled by
/// h / outgoing (inflows of the same step are not counted, so the bound holds whatever the
/// neighbours do). Each face has one donor cell (upwind), so the scaling is order-independent.
/// Conserves mass exactly; inactive as long as the time step resolves the flow.
///
/// The flux pass decides per cell row whether any factor might be below 1 (row_needs_limiter);
/// only then are the row's factors computed exactly and written (1 for cells that keep their
/// fluxes and for no-data cells) and the row flagged if one is below 1, so a step that resolves
/// the flow writes nothing here.
template <typename Real>
LAUTER_SHALLOW_CLONES bool row_needs_limiter(const Real* __restrict qx,
                                             const Real* __restrict y_north,
                                             const Real* __restrict y_south,
                                             const Real* __restrict h, std::size_t cols,
                                             double dt_s, double dx, double dy) noexcept {
    // The largest out_m - h of the row (> 0 exactly where out_m > h: the difference of two
    // distinct finite doubles is never 0). out_m is formed with multiplications instead of the
    // exact loop's divisions and enlarged by 1e-12 relative, far more than their rounding
    // differences, so that the test never misses a cell the exact loop would limit.
    const double inv_dx = 1.0 / dx;
    const double inv_dy = 1.0 / dy;
    const double margin = 1.0 + 1e-12;
    double excess = 0.0;
#pragma omp simd reduction(max : excess)
    for (std::size_t c = 0; c < cols; ++c) {
        const double west = -static_cast<double>(qx[c]);
        const double east = static_cast<double>(qx[c + 1]);
        const double north = -static_cast<double>(y_north[c]);
        const double south = static_cast<double>(y_south[c]);
        const double out_m =
            dt_s * (((west > 0.0 ? west : 0.0) + (east > 0.0 ? east : 0.0)) * inv_dx +
                    ((north > 0.0 ? north : 0.0) + (south > 0.0 ? south : 0.0)) * inv_dy) *
            margin;
        const double cell_excess = out_m - static_cast<double>(h[c]);
        excess = cell_excess > excess ? cell_excess : excess;
    }
    return excess > 0.0;
}

/// Depth (m) the outgoing fluxes of a cell would remove in dt_s, from its four face fluxes (signs
/// as in local_inertial.hpp), as the limiter's exact loops compute it.
template <typename Real>
[[gnu::always_inline]] inline double outgoing_depth_m(Real west, Real east, Real north,
                                                      Real south, double dt_s, double dx,
                                                      double dy) noexcept {
    return dt_s * ((std::max(0.0, -static_cast<double>(west)) +
                    std::max(0.0, static_cast<double>(east))) / dx +
                   (std::max(0.0, -static_cast<double>(north)) +
                    std::max(0.0, static_cast<double>(south))) / dy);
}

/// The exact factors of a row whose cells all have data (the loop of limiter_row without mask
/// look-ups, vectorised: the same operations per cell, so the same bits); returns whether one
/// is below 1.
template <typename Real>
LAUTER_SHALLOW_CLONES bool full_row_factors(const Real* __restrict qx,
                                            const Real* __restrict y_north,
                                            const Real* __restrict y_south,
                                            const Real* __restrict h, std::size_t cols,
                                            double dt_s, double dx, double dy,
                                            double* __restrict factor) noexcept {
    int any = 0;
#pragma omp simd reduction(max : any)
    for (std::size_t c = 0; c < cols; ++c) {
        const double out_m =
            outgoing_depth_m(qx[c], qx[c + 1], y_north[c], y_south[c], dt_s, dx, dy);
        const double depth_m = static_cast<double>(h[c]);
        const bool limit = out_m > depth_m;
        // Every lane divides (a cell without outflow by 0, to inf or NaN, never selected).
        const double ratio = depth_m / out_m;
        factor[c] = limit ? ratio : 1.0;
        any = limit ? 1 : any;
    }
    return any != 0;
}

/// The limiter decision and factors of cell row r from the new fluxes `q` (see above).
template <typename Real>
void limiter_row(const CellMask& mask, const Raster<Real>& depth, const FaceField<Real>& q,
                 ShallowLayerWorkspace<Real>& ws, std::size_t r, double dt_s) {
    const GridSpec& spec = depth.spec();
    const std::size_t cols = spec.cols;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;
    const bool full = ws.row_has_all_data[r] != 0;
    const Real* qx = q.x_row(r).data();
    const Real* y_north = q.y_row(r).data();
    const Real* y_south = q.y_row(r + 1).data();
    const Real* h = depth.data() + r * cols;
    // A no-data cell has NaN or anything as depth and zero fluxes: the test may flag its row
    // spuriously, which only costs the exact loop below.
    if (!row_needs_limiter(qx, y_north, y_south, h, cols, dt_s, dx, dy)) {
        ws.row_limited[r] = 0;
        return;
    }
    double* factor = ws.outflow_factor.data() + r * cols;
    if (full) {
        ws.row_limited[r] = full_row_factors(qx, y_north, y_south, h, cols, dt_s, dx, dy, factor)
                                ? 1
                                : 0;
        return;
    }
    bool any = false;
    for (std::size_t c = 0; c < cols; ++c) {
        double f = 1.0;
        if (mask.has_data(r, c)) {
            const double out_m =
                outgoing_depth_m(qx[c], qx[c + 1], y_north[c], y_south[c], dt_s, dx, dy);
            const double depth_m = static_cast<double>(h[c]);
            if (out_m > depth_m) {
                f = depth_m / out_m;
                any = true;
            }
        }
        factor[c] = f;
    }
    ws.row_limited[r] = any ? 1 : 0;
}

/// A flux after the limiter, rounded to the storage type: scaled by the factor of its donor
/// cell, `minus` (factors of the minus-side cell, nullptr if it is off the grid or its row needs
/// no limiting) for a positive flux, `plus` for a negative one.
template <typename Real>
Real limited(Real v, const double* minus, const double* plus) noexcept {
    const double value = static_cast<double>(v);
    const double* donor = value > 0.0 ? minus : (value < 0.0 ? plus : nullptr);
    return donor == nullptr ? v : static_cast<Real>(value * *donor);
}

/// limited() over `count` faces whose donors all have factors: q[i] scaled by minus[i] where it
/// is positive and by plus[i] where it is negative (vectorised; the same operations, the same
/// bits).
template <typename Real>
LAUTER_SHALLOW_CLONES void scale_by_donor(Real* __restrict q, const double* __restrict minus,
                                          const double* __restrict plus,
                                          std::size_t count) noexcept {
#pragma omp simd
    for (std::size_t i = 0; i < count; ++i) {
        const double value = static_cast<double>(q[i]);
        const double factor = value > 0.0 ? minus[i] : plus[i];
        const Real scaled = static_cast<Real>(value * factor);
        q[i] = value != 0.0 ? scaled : q[i];
    }
}

/// Applies the limiter in place to the faces of face row r (the x-faces of cell row r, the
/// y-faces north of it). Each face belongs to one face row and its new value depends only on
/// the factors, so rows can be processed in parallel; rows next to no flagged cell row are left
/// as they are (their factors are all 1).
template <typename Real>
void limit_face_row(ShallowLayerWorkspace<Real>& ws, FaceField<Real>& q, std::size_t r) {
    const std::size_t rows = q.rows();
    const std::size_t cols = q.cols();
    const double* here =
        r < rows && ws.row_limited[r] != 0 ? ws.outflow_factor.data() + r * cols : nullptr;
    const double* north =
        r > 0 && ws.row_limited[r - 1] != 0 ? ws.outflow_factor.data() + (r - 1) * cols : nullptr;
    if (here != nullptr) {
        Real* qx = q.x_row(r).data();
        qx[0] = limited(qx[0], nullptr, here);
        if (cols > 1) {
            scale_by_donor(qx + 1, here, here + 1, cols - 1);
        }
        qx[cols] = limited(qx[cols], here + cols - 1, nullptr);
    }
    Real* qy = q.y_row(r).data();
    if (here != nullptr && north != nullptr) {
        scale_by_donor(qy, north, here, cols);
    } else if (here != nullptr || north != nullptr) {
        for (std::size_t c = 0; c < cols; ++c) {
            qy[c] = limited(qy[c], north != nullptr ? north + c : nullptr,
                            here != nullptr ? here + c : nullptr);
        }
    }
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

/// Lanes of the per-row sums of the continuity pass: cell c adds to lane c % 8, and the lanes
/// are combined in a fixed order, so the sums do not depend on the vector width of the clone
/// (8 doubles fill two AVX2 or four SSE2 registers) or on the thread count.
constexpr std::size_t sum_lanes = 8;

/// Per-lane sums of a row.
struct LaneSums {
    std::array<double, sum_lanes> change{};
    std::array<double, sum_lanes> source{};
    std::array<double, sum_lanes> clipped{};
    std::array<double, sum_lanes> h_max{};
};

/// Continuity of a row whose cells all have data: new depth h + dt (flux divergence + source)
/// in double, clipped at zero, stored, and the row's sums (vectorised over the lanes).
template <typename Real, bool UniformSource>
LAUTER_SHALLOW_CLONES void full_row_continuity(Real* __restrict h, const Real* __restrict qx,
                                               const Real* __restrict y_north,
                                               const Real* __restrict y_south,
                                               const float* __restrict source_row,
                                               double source_constant, std::size_t cols,
                                               double dt, double dx, double dy, double area_m2,
                                               LaneSums& sums) noexcept {
    LaneSums lanes;
    const auto cell = [&](std::size_t c, std::size_t j) {
        double s = source_constant;
        if constexpr (!UniformSource) {
            s = static_cast<double>(source_row[c]);
        }
        const double divergence =
            (static_cast<double>(qx[c]) - static_cast<double>(qx[c + 1])) / dx +
            (static_cast<double>(y_north[c]) - static_cast<double>(y_south[c])) / dy;
        const double h_old = static_cast<double>(h[c]);
        const double h_new = h_old + dt * (divergence + s);
        const bool negative = h_new < 0.0;
        lanes.clipped[j] += (negative ? -h_new : 0.0) * area_m2;
        const Real stored = static_cast<Real>(negative ? 0.0 : h_new);
        h[c] = stored;
        lanes.change[j] += (static_cast<double>(stored) - h_old) * area_m2;
        lanes.source[j] += s * dt * area_m2;
        const auto stored_d = static_cast<double>(stored);
        lanes.h_max[j] = stored_d > lanes.h_max[j] ? stored_d : lanes.h_max[j];
    };
    std::size_t c = 0;
    for (; c + sum_lanes <= cols; c += sum_lanes) {
#pragma omp simd
        for (std::size_t j = 0; j < sum_lanes; ++j) {
            cell(c + j, j);
        }
    }
    for (std::size_t j = 0; c + j < cols; ++j) {
        cell(c + j, j);
    }
    sums = lanes;
}

/// Lanes combined in pairs, in a fixed order.
double combine_lanes(const std::array<double, sum_lanes>& lanes) noexcept {
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
           ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

/// Continuity for cell row r from the final (limited) fluxes `q`: new depths, clipping and the
/// row's sums, including the outflow through the outer faces of face row r. Rows with no-data
/// cells skip those cells (never read or written).
template <typename Real>
ContinuityRow continuity_row(const CellMask& mask, const CellField& source,
                             const std::vector<std::uint8_t>& row_full, const FaceField<Real>& q,
                             Raster<Real>& depth, std::size_t r, double dt) {
    const GridSpec& spec = depth.spec();
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;
    const double area_m2 = spec.cell_area_m2();
    const bool full = row_full[r] != 0;
    const auto outer = [&](std::ptrdiff_t row, std::ptrdiff_t col) {
        return !spec.contains(row, col) ||
               !mask.has_data(static_cast<std::size_t>(row), static_cast<std::size_t>(col));
    };
    const auto rr = static_cast<std::ptrdiff_t>(r);
    ContinuityRow sums;

    const Real* qx = q.x_row(r).data();
    if (full) {
        for (const std::size_t fc : {std::size_t{0}, cols}) {
            sums.outflow_m3 += std::abs(static_cast<double>(qx[fc])) * dy * dt;
        }
    } else {
        for (std::size_t fc = 0; fc <= cols; ++fc) {
            const auto c = static_cast<std::ptrdiff_t>(fc);
            if (qx[fc] != Real{0} && (outer(rr, c - 1) || outer(rr, c))) {
                sums.outflow_m3 += std::abs(static_cast<double>(qx[fc])) * dy * dt;
            }
        }
    }
    const Real* qn = q.y_row(r).data();
    const bool north_full = r > 0 && full && row_full[r - 1] != 0;
    if (!north_full) {
        for (std::size_t c = 0; c < cols; ++c) {
            const auto cc = static_cast<std::ptrdiff_t>(c);
            if (qn[c] != Real{0} && (outer(rr - 1, cc) || outer(rr, cc))) {
                sums.outflow_m3 += std::abs(static_cast<double>(qn[c])) * dx * dt;
            }
        }
    }
    const Real* qs = q.y_row(r + 1).data();
    if (r + 1 == rows) {
        for (std::size_t c = 0; c < cols; ++c) {
            if (qs[c] != Real{0}) {
                sums.last_outflow_m3 += std::abs(static_cast<double>(qs[c])) * dx * dt;
            }
        }
    }

    Real* h_row = depth.data() + r * cols;
    const bool uniform_source = !source.is_raster();
    const float* source_row = uniform_source ? nullptr : source.per_cell.row(r).data();
    if (full) {
        LaneSums lanes;
        if (uniform_source) {
            full_row_continuity<Real, true>(h_row, qx, qn, qs, nullptr, source.constant, cols,
                                            dt, dx, dy, area_m2, lanes);
        } else {
            full_row_continuity<Real, false>(h_row, qx, qn, qs, source_row, 0.0, cols, dt, dx,
                                             dy, area_m2, lanes);
        }
        sums.change_m3 = combine_lanes(lanes.change);
        sums.source_m3 = combine_lanes(lanes.source);
        sums.clipped_m3 = combine_lanes(lanes.clipped);
        sums.h_max_m = *std::max_element(lanes.h_max.begin(), lanes.h_max.end());
        return sums;
    }
    for (std::size_t c = 0; c < cols; ++c) {
        if (!mask.has_data(r, c)) {
            continue;
        }
        const double s = uniform_source ? source.constant : static_cast<double>(source_row[c]);
        const double divergence =
            (static_cast<double>(qx[c]) - static_cast<double>(qx[c + 1])) / dx +
            (static_cast<double>(qn[c]) - static_cast<double>(qs[c])) / dy;
        const double h_old = static_cast<double>(h_row[c]);
        double h = h_old + dt * (divergence + s);
        if (h < 0.0) {
            sums.clipped_m3 -= h * area_m2;
            h = 0.0;
        }
        const Real stored = static_cast<Real>(h);
        h_row[c] = stored;
        sums.change_m3 += (static_cast<double>(stored) - h_old) * area_m2;
        sums.source_m3 += s * dt * area_m2;
        sums.h_max_m = std::max(sums.h_max_m, static_cast<double>(stored));
    }
    return sums;
}

} // namespace

void require_non_negative(const CellField& field, const CellMask& mask, const std::string& owner,
                          const std::string& what) {
    if (!field.is_raster()) {
        if (!std::isfinite(field.constant) || field.constant < 0.0) {
            throw std::invalid_argument(owner + ": " + what + " must be finite and >= 0");
        }
        return;
    }
    require_same_shape(mask.spec(), field.per_cell.spec(), owner.c_str());
    for (std::size_t r = 0; r < mask.spec().rows; ++r) {
        for (std::size_t c = 0; c < mask.spec().cols; ++c) {
            const float v = field.per_cell(r, c);
            if (mask.has_data(r, c) && (!std::isfinite(v) || v < 0.0F)) {
                throw std::invalid_argument(owner + ": " + what + " at row " + std::to_string(r) +
                                            ", column " + std::to_string(c) +
                                            " is negative or not finite");
            }
        }
    }
}

namespace {

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
        ws.row_has_all_data.size() != spec.rows || ws.row_limited.size() != spec.rows) {
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

/// Largest value of a row (0 if all are smaller), vectorised.
template <typename Real>
LAUTER_SHALLOW_CLONES Real row_max(const Real* __restrict values, std::size_t count) noexcept {
    Real m = 0;
#pragma omp simd reduction(max : m)
    for (std::size_t i = 0; i < count; ++i) {
        m = values[i] > m ? values[i] : m;
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
        const CellStatus* status = mask.raster().data() + row * spec.cols;
        bool full = std::find(status, status + spec.cols, CellStatus::no_data) ==
                    status + spec.cols;
        if (full && uniform) {
            // g h rounded is monotonic in h, so g max(h) is max(g h) exactly.
            partials[row] = gravity.constant * static_cast<double>(row_max(h, spec.cols));
            if (row_full != nullptr) {
                row_full[row] = 1;
            }
            continue;
        }
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

} // namespace

double time_step_from_speeds_s(double wave_speed_sq, double face_velocity_m_per_s,
                               const GridSpec& spec, const LocalInertialParams& params) noexcept {
    double speed = std::sqrt(wave_speed_sq);
    if (params.time_step_rule == TimeStepRule::depth_and_velocity) {
        speed += face_velocity_m_per_s;
    } else if (params.time_step_rule == TimeStepRule::face_signal_speed) {
        speed = std::max(speed, face_velocity_m_per_s);
    }
    double dt = params.dt_max_s;
    if (speed > 0.0) {
        const double spacing = std::min(spec.cell_size_x_m, spec.cell_size_y_m);
        dt = std::min(dt, params.cfl * spacing / speed);
    }
    return dt;
}

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
    require(p.time_step_velocity_depth_m >= 0.0 && std::isfinite(p.time_step_velocity_depth_m),
            "time_step_velocity_depth_m must be >= 0");
    require(p.dt_max_s > 0.0 && std::isfinite(p.dt_max_s), "dt_max_s must be positive");
    require(p.froude_limit > 0.0, "froude_limit must be positive (infinity: no limit)");
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
    return time_step_from_speeds_s(
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
        time_step_from_speeds_s(max_wave_speed_sq(mask, state, params.gravity_m_per_s2,
                                                  &partial(Partial::wave_speed_sq, 0),
                                                  workspace.row_has_all_data.data()),
                                workspace.max_face_velocity_m_per_s, spec, params));

    FaceContext ctx;
    ctx.gravity = &params.gravity_m_per_s2;
    ctx.friction = &params.friction_coefficient;
    ctx.law = params.friction_law;
    ctx.theta = params.theta;
    ctx.depth_threshold_m = params.depth_threshold_m;
    ctx.velocity_depth_m = params.time_step_velocity_depth_m;
    ctx.froude_limit = params.froude_limit;
    ctx.signal_speed = params.time_step_rule == TimeStepRule::face_signal_speed;
    ctx.dt_s = stats.dt_s;
    ctx.boundary = &params.boundary;
    const double dx = spec.cell_size_x_m;
    const double dy = spec.cell_size_y_m;

    // Fluxes: face row r holds the y-faces north of cell row r and, for r < rows, the x-faces of
    // cell row r. Every face reads only the old state. Each thread takes a contiguous block of
    // face rows and, after face row r, decides the limiter of cell row r - 1 while its fluxes
    // are still in cache (all four faces of its cells are then known); the last cell row before
    // each block is decided after the parallel region. Every value is a function of the old
    // state only, so the partition does not change any result.
    const auto face_rows = static_cast<std::ptrdiff_t>(n_partials);
    std::array<std::size_t, max_blocks> block_first{};
    std::size_t blocks = 1;
#pragma omp parallel if (use_threads(spec))
    {
        const auto count = static_cast<std::size_t>(omp_get_num_threads());
        const auto t = static_cast<std::size_t>(omp_get_thread_num());
        const std::size_t first = n_partials * t / count;
        const std::size_t last = n_partials * (t + 1) / count;
        if (t < max_blocks) {
            block_first[t] = first;
        }
        if (t == 0) {
            blocks = count;
        }
        for (std::size_t r = first; r < last; ++r) {
            const RowMaxima maxima = face_row_fluxes(ctx, bed_elevation_m, mask,
                                                     workspace.row_has_all_data, state,
                                                     workspace.q_next, r, dx, dy);
            partial(Partial::froude, r) = maxima.froude_sq;
            partial(Partial::face_velocity, r) = maxima.velocity_m_per_s;
            if (r > first) {
                limiter_row(mask, state.depth_m, workspace.q_next, workspace, r - 1,
                            stats.dt_s);
            }
        }
    }
    if (blocks > max_blocks) {
        // More threads than block records: decide every cell row again here (same values).
        for (std::size_t r = 0; r < rows; ++r) {
            limiter_row(mask, state.depth_m, workspace.q_next, workspace, r, stats.dt_s);
        }
    } else {
        for (std::size_t b = 0; b < blocks; ++b) {
            if (block_first[b] > 0 && block_first[b] - 1 < rows) {
                limiter_row(mask, state.depth_m, workspace.q_next, workspace,
                            block_first[b] - 1, stats.dt_s);
            }
        }
    }
    state.q_m2_per_s.swap(workspace.q_next);
    const bool any_limited =
        std::any_of(workspace.row_limited.begin(), workspace.row_limited.end(),
                    [](std::uint8_t flag) { return flag != 0; });
    if (any_limited) {
#pragma omp parallel for schedule(static) if (use_threads(spec))
        for (std::ptrdiff_t rr = 0; rr < face_rows; ++rr) {
            limit_face_row(workspace, state.q_m2_per_s, static_cast<std::size_t>(rr));
        }
    }

    // Continuity from the limited fluxes.
    const auto cell_rows = static_cast<std::ptrdiff_t>(rows);
    partial(Partial::outflow, rows) = 0.0; // the last row sets it (none on an empty grid)
#pragma omp parallel for schedule(static) if (use_threads(spec))
    for (std::ptrdiff_t rr = 0; rr < cell_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        const ContinuityRow sums =
            continuity_row(mask, source_m_per_s, workspace.row_has_all_data, state.q_m2_per_s,
                           state.depth_m, r, stats.dt_s);
        partial(Partial::outflow, r) = sums.outflow_m3;
        if (r + 1 == rows) {
            partial(Partial::outflow, rows) = sums.last_outflow_m3;
        }
        partial(Partial::volume_change, r) = sums.change_m3;
        partial(Partial::source, r) = sums.source_m3;
        partial(Partial::clipped, r) = sums.clipped_m3;
        partial(Partial::depth_max, r) = sums.h_max_m;
    }

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
