#pragma once
/// @file local_inertial.hpp
/// The shallow-layer solver core shared by the heavy-rain runoff model (water) and the cold-air
/// model (a layer of air colder than its surroundings): the local-inertial scheme on a staggered
/// grid, one well-tested solver with two parameterisations of gravity and friction.
///
/// Scheme (Bates, Horritt & Fewtrell 2010, J. Hydrol. 387:33-45; de Almeida, Bates, Freer &
/// Souvignet 2012, Water Resour. Res. 48:W05528; as coded in LISFLOOD-FP). For the face between
/// cell i (the "minus" side: west or north) and cell j (the "plus" side: east or south):
///
///     eta = z + h                                   water (or cold-air) surface elevation
///     h_f = max(eta_i, eta_j) - max(z_i, z_j)       flow depth at the face
///     S   = (eta_j - eta_i) / d                     surface slope, d = cell spacing across the face
///     q*  = theta q_f + (1 - theta)/2 (q_up + q_down)                 (de Almeida et al. 2012)
///     q_f^{n+1} = (q* - g_f dt h_f S) / (1 + dt F)
///
/// with q_up, q_down the old fluxes of the neighbouring parallel faces in the flow direction;
/// theta = 1 gives the semi-implicit form of Bates et al. (2010). When theta < 1 yields a flux
/// that flows up the surface slope (q S > 0), the face is recomputed with theta = 1, as
/// LISFLOOD-FP does. No flow unless h_f > depth_threshold_m (wet/dry). The friction factor F is
///
///     Manning (water):         F = g_f n_f^2 |q_vec| / h_f^(7/3)      n in s m^-1/3
///     quadratic drag (air):    F = c_f |q_vec| / h_f^2                 c_d dimensionless
///
/// the first from Manning's law u = h^(2/3) S^(1/2) / n, the second from a bottom stress
/// c_d |u| u (the drag term -(c_D/H)|v|v of the KLAM_21/KALM momentum equation; physics.md A1).
/// |q_vec| = sqrt(q_f^2 + q_t^2) uses the old normal flux and q_t, the mean of the four adjacent
/// orthogonal old face fluxes (LISFLOOD-FP's 2D friction; the available ones at the grid edge).
/// Face values of per-cell coefficients (g, n, c_d) are the arithmetic means of the two cells.
///
/// Froude limiter (optional; off for water, froude_limit = infinity). The new flux is clamped to
///     |q_f| <= Fr_max h_f sqrt(g_f h_f)
/// (at a free-outflow face with the depth h of its cell). The scheme carries q, not u, and has no
/// advection term: when h_f shrinks under a flux (a pool upstream drains, air spills over a bed
/// step), q stays and q / h_f can exceed the friction-limited speed 10-100 fold for several
/// steps, and such transients set the velocity-aware step of the whole grid (docs/coldair.md).
/// Capping the Froude number is established practice in local-inertial codes: CAESAR-Lisflood
/// limits the flow between cells to a Froude number (its froude_limit parameter, 0.8 for water;
/// Coulthard et al. 2013, Earth Surf. Process. Landforms 38:1897-1906), FLO-2D raises Manning's n
/// where a limiting Froude number is exceeded. The limit must lie above the Froude number of
/// the balanced flows the model is meant to carry (see the cold-air layer, coldair/layer.hpp).
///
/// Gravity g is 9.80665 m/s^2 for water and the reduced gravity g' = g (theta_env - theta_air) /
/// theta_env for a cold-air layer; it may vary per cell (a deficit field). The momentum equation
/// of both layers is then dq/dt = -g h d(eta)/dx - friction: the cold-air model supplies the
/// effective bed (terrain plus displacement height) as `bed_elevation_m`.
///
/// Where the outgoing fluxes of a cell would remove more than its depth in one step, they are all
/// scaled down to remove exactly its depth (a conservative positivity limiter; inactive while the
/// time step resolves the flow), so flux divergence never makes a depth negative.
///
/// Continuity, cell of size dx x dy:
///     h^{n+1} = h^n + dt [ (q_west - q_east)/dx + (q_north - q_south)/dy + s ]
/// with s the per-cell source rate in m/s (rain minus losses, or cold-air production). A depth
/// that would still fall below zero (losses larger than the water present) is set to zero and the volume this adds is reported, so a caller
/// can keep the balance  sources + clipped - outflow - change of storage = 0  in double precision.
///
/// Time step (Bates et al. 2010, eq. 12; dt_max 10 s as LISFLOOD-FP, cfl 0.5, see the parameter):
///     dt = min(dt_max, dt_limit, cfl * min(dx, dy) / sqrt(max_i(g_i h_i)))
/// or, by default (TimeStepRule), with the largest face velocity of the previous step added to
/// the wave speed, taken over faces deeper than time_step_velocity_depth_m (thin films excluded);
/// or, with TimeStepRule::face_signal_speed, dt = cfl d / max(sqrt(max_i g h_i), max_f(|u_f| +
/// sqrt(g_f h_f))), the signal speed |u| + c of the shallow-water equations taken face by face.
///
/// Boundaries. The faces of a cell on the grid edge and the faces between a cell with data and a
/// no-data cell are "outer faces". Each grid side and the no-data edge is either closed (q = 0) or
/// free outflow: the outward flux follows the same friction-limited update with the surface
/// slope set to the outflow slope S_b and h_f = h of the cell, and never flows inwards (a
/// normal-flow condition, as LISFLOOD-FP's FREE boundary). S_b is the given `boundary_slope`, or
/// the local bed slope towards the edge (from the cell behind the edge cell) but at least
/// `boundary_slope`. Cells with CellStatus::no_data are never read or written; every other status
/// is an ordinary computational cell here.
///
/// Sign convention: x-face fluxes are positive towards the east (increasing column), y-face
/// fluxes positive towards the south (increasing row, the direction of storage).
///
/// Precision. ShallowLayerState<Real> exists for Real = double and float. The face fluxes are
/// computed in Real: in double for a double state (the default for verification and where the
/// mass balance must close to round-off, closed basins to 1e-12), in float for a float state,
/// which halves the memory traffic and doubles the vector width of the step that bounds the
/// speed of large domains. Continuity is computed in double for both (each face flux enters the
/// two cells it connects with the same stored value, so the scheme stays conservative), and a
/// float state's balance closes to about 1e-7 relative per step because each stored depth is
/// rounded. Faces on the grid edge and next to no-data cells are computed in double for both.
/// Volume sums (stats) are always double.
///
/// Implementation (for speed; docs/benchmarks.md, "Shallow-water core"). Three passes over the
/// grid per step: (1) max g h for the time step, which also flags the rows without no-data;
/// (2) all face fluxes, and, right behind them while they are in cache, the decision per cell
/// row whether the positivity limiter acts (its factors are written only for such rows, and
/// only then are those fluxes scaled, in place, before continuity; both in vector loops where
/// the row has no no-data cell); (3) continuity. Interior
/// faces (both cells with data, not on the grid edge) run in branch-free loops over runs of
/// consecutive such faces, in every row, that the compiler vectorises (SSE2, the
/// x86-64 baseline, and an AVX2 clone chosen at load time; no FMA, so both give the same bits):
/// a dry face is computed with h_f = 1 and multiplied by 0, both theta candidates are formed and
/// selected, and Manning's h_f^(7/3) is h_f^2 h_f^(1/3) with h_f^(-1/3) from a division-free
/// Newton iteration (inverse_cube_root_simd). The per-row sums of continuity use eight fixed
/// lanes, so they too are the same for every vector width.
///
/// Threading: OpenMP over rows; every face and cell value depends only on the old state, and
/// reductions use per-row partials summed in row order, so results are bitwise identical for
/// any thread count. Grids under 16384 cells run on one thread (thread start-up would cost more
/// than the step).
///
/// Known limitation: the scheme has no advection term; it is accurate for gradually varied,
/// subcritical flow and only approximate near supercritical fronts (Neal et al. 2012).

#include <lauter/kernels/grid.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace lauter::kernels::shallow {

/// Standard gravity (m/s^2, CGPM 1901). LISFLOOD-FP's source uses 9.80655, a typo.
inline constexpr double standard_gravity_m_per_s2 = 9.80665;

/// Discharge per unit width (m^2/s) on the faces of a staggered grid.
/// x-faces: rows x (cols + 1); x(r, c) is the western face of cell (r, c), x(r, cols) the eastern
/// face of the last column. y-faces: (rows + 1) x cols; y(r, c) is the northern face of cell
/// (r, c), y(rows, c) the southern face of the last row.
template <typename Real>
class FaceField {
public:
    FaceField() = default;
    explicit FaceField(const GridSpec& cells, Real fill_value = Real{0})
        : rows_(cells.rows), cols_(cells.cols),
          x_((cells.rows) * (cells.cols + 1), fill_value),
          y_((cells.rows + 1) * cells.cols, fill_value) {}

    [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
    [[nodiscard]] std::size_t cols() const noexcept { return cols_; }

    [[nodiscard]] Real& x(std::size_t row, std::size_t face_col) noexcept {
        return x_[row * (cols_ + 1) + face_col];
    }
    [[nodiscard]] Real x(std::size_t row, std::size_t face_col) const noexcept {
        return x_[row * (cols_ + 1) + face_col];
    }
    [[nodiscard]] Real& y(std::size_t face_row, std::size_t col) noexcept {
        return y_[face_row * cols_ + col];
    }
    [[nodiscard]] Real y(std::size_t face_row, std::size_t col) const noexcept {
        return y_[face_row * cols_ + col];
    }
    /// The cols + 1 x-faces of cell row `row`.
    [[nodiscard]] std::span<Real> x_row(std::size_t row) noexcept {
        return {x_.data() + row * (cols_ + 1), cols_ + 1};
    }
    [[nodiscard]] std::span<const Real> x_row(std::size_t row) const noexcept {
        return {x_.data() + row * (cols_ + 1), cols_ + 1};
    }
    /// The cols y-faces of face row `face_row` (0 .. rows).
    [[nodiscard]] std::span<Real> y_row(std::size_t face_row) noexcept {
        return {y_.data() + face_row * cols_, cols_};
    }
    [[nodiscard]] std::span<const Real> y_row(std::size_t face_row) const noexcept {
        return {y_.data() + face_row * cols_, cols_};
    }
    void fill(Real value) {
        std::fill(x_.begin(), x_.end(), value);
        std::fill(y_.begin(), y_.end(), value);
    }
    /// O(1) exchange of the buffers (double buffering in the step).
    void swap(FaceField& other) noexcept {
        std::swap(rows_, other.rows_);
        std::swap(cols_, other.cols_);
        x_.swap(other.x_);
        y_.swap(other.y_);
    }

private:
    std::size_t rows_ = 0;
    std::size_t cols_ = 0;
    std::vector<Real> x_;
    std::vector<Real> y_;
};

/// A per-cell coefficient: one constant for the whole grid, or a raster (read when set).
struct CellField {
    double constant = 0.0;
    RasterView<const float> per_cell{};

    [[nodiscard]] static CellField uniform(double value) noexcept { return {value, {}}; }
    [[nodiscard]] static CellField raster(RasterView<const float> values) noexcept {
        return {0.0, values};
    }
    [[nodiscard]] bool is_raster() const noexcept { return per_cell.data() != nullptr; }
    [[nodiscard]] double at(std::size_t row, std::size_t col) const noexcept {
        return is_raster() ? static_cast<double>(per_cell(row, col)) : constant;
    }
};

/// Throws std::invalid_argument ("<owner>: <what> ...") unless `field` is finite and >= 0 on
/// every cell with data of `mask` and, if it is a raster, has the mask's shape. For the
/// non-negative inputs of the models built on the layer (production, drag, friction).
void require_non_negative(const CellField& field, const CellMask& mask, const std::string& owner,
                          const std::string& what);

/// Friction law of the layer (see the file comment for the equations).
enum class FrictionLaw : std::uint8_t {
    manning = 0,        ///< coefficient: Manning's n (s m^-1/3), water over terrain
    quadratic_drag = 1, ///< coefficient: drag coefficient c_d (-), a cold-air layer
};

/// What happens at an outer face.
enum class OuterFace : std::uint8_t {
    closed = 0,       ///< no flux
    free_outflow = 1, ///< friction-limited outflow down the outflow slope; never inflow
};

/// Where the outflow slope S_b of free-outflow faces comes from.
enum class OutflowSlope : std::uint8_t {
    given = 0,     ///< S_b = boundary_slope
    local_bed = 1, ///< S_b = max(bed slope towards the edge, boundary_slope)
};

/// Boundary conditions per grid side and at the edge of the no-data area.
struct BoundaryParams {
    OuterFace north = OuterFace::free_outflow;
    OuterFace south = OuterFace::free_outflow;
    OuterFace west = OuterFace::free_outflow;
    OuterFace east = OuterFace::free_outflow;
    OuterFace next_to_no_data = OuterFace::free_outflow;
    OutflowSlope slope_source = OutflowSlope::local_bed;
    /// Outflow slope (m/m, >= 0) or its lower bound with local_bed. 0.001 is a modelling choice
    /// (a gentle grade, so that water reaching a flat study-area edge still leaves); sim/ should
    /// set it from the terrain around the study area when known.
    double boundary_slope = 0.001;
};

/// How the adaptive time step bounds the signal speed.
enum class TimeStepRule : std::uint8_t {
    /// dt = cfl d / sqrt(max g h): Bates et al. (2010) eq. 12, LISFLOOD-FP. Ignores the flow
    /// velocity, which on steep terrain lets fluxes empty cells within a step.
    depth_only = 0,
    /// dt = cfl d / (sqrt(max g h) + max |q| / h_f), the flow velocity taken from the faces of the
    /// previous step (an upper bound of the largest |u| + sqrt(g h), the usual CFL condition of
    /// the shallow-water equations).
    depth_and_velocity = 1,
    /// dt = cfl d / max(sqrt(max g h), max_f(|q_f| / h_f + sqrt(g_f h_f))): the CFL condition
    /// of the shallow-water equations, max(|u| + c), with |u| and c of the same face (over faces
    /// deeper than time_step_velocity_depth_m), where depth_and_velocity adds the largest |u|
    /// of one place (a fast jet) to the largest c of another (a deep, still pool). Never longer
    /// than depth_only's step, never shorter than depth_and_velocity's. The cold-air layer uses
    /// it; runoff keeps depth_and_velocity, with which its validation was run.
    face_signal_speed = 2,
};

/// Parameters of the local-inertial step. Defaults: LISFLOOD-FP (physics.md B1 and E1).
struct LocalInertialParams {
    /// Driving gravity (m/s^2): g for water, reduced gravity g' for cold air (uniform or per cell).
    CellField gravity_m_per_s2 = CellField::uniform(standard_gravity_m_per_s2);
    FrictionLaw friction_law = FrictionLaw::manning;
    /// Manning's n (s m^-1/3) or drag coefficient c_d (-) per FrictionLaw; >= 0 (0: frictionless).
    /// 0.03 is Manning's n for short grass (Chow 1959, table 5-6); callers set it per land cover.
    CellField friction_coefficient = CellField::uniform(0.03);
    /// de Almeida et al. (2012) weighting, in (0, 1]; 1 = Bates et al. (2010), LISFLOOD-FP default.
    double theta = 1.0;
    /// No flow through a face unless h_f exceeds this (m); LISFLOOD-FP DepthThresh.
    double depth_threshold_m = 1e-3;
    /// Courant number alpha of the time step (Bates et al. 2010: 0.2-0.7; LISFLOOD-FP uses 0.7).
    /// 0.5 here, itzi's EA 8A setting (physics.md E2): the flux-then-continuity update is the
    /// forward-backward scheme for gravity waves, whose von Neumann bound on square cells in 2D is
    /// sqrt(g h) dt / dx <= 1/sqrt(2) = 0.707 (the checkerboard mode). At 0.7 a step that changes
    /// from step to step (velocity-aware rule, steps ending on output times) pumped energy into
    /// still water until it sloshed out of a closed pond (docs/hydrology.md, "Hydraulic
    /// validation cases"); 0.5 leaves a 30 % margin and keeps it at rest.
    double cfl = 0.5;
    /// Largest time step (s); LISFLOOD-FP InitTstep.
    double dt_max_s = 10.0;
    /// Velocity-aware by default: issue 3 found LISFLOOD-FP's depth-only step creating water on
    /// steep terrain (a 6.5 degree DEM) unless dt was capped by hand.
    TimeStepRule time_step_rule = TimeStepRule::depth_and_velocity;
    /// With depth_and_velocity, only faces whose flow depth h_f exceeds this (m, >= 0) count
    /// towards the largest face velocity; thinner films are left to the wave-speed step of Bates
    /// et al. (2010, eq. 12) and the positivity limiter. |q| / h_f of a film is not a resolved
    /// velocity: a flux carried over from a deeper step divided by a shrunken h_f (9 mm films at
    /// 8 m/s in the cold-air layer, docs/coldair.md), and it set the step of the whole grid.
    /// Bates et al. (2010) and de Almeida et al. (2012) bound the step by sqrt(g h_max) alone and
    /// let flow happen only above a depth threshold (LISFLOOD-FP's DepthThresh); this keeps the
    /// velocity term for resolved flow. 0 (every flowing face, the rule of issue 3) keeps the
    /// runoff results; the cold-air layer uses 0.05 m (coldair/layer.hpp).
    double time_step_velocity_depth_m = 0.0;
    /// Froude limiter (file comment): |q| <= froude_limit h_f sqrt(g_f h_f) on every face; > 0.
    /// Infinity (no limit) by default and for runoff; the cold-air layer uses 10.
    double froude_limit = std::numeric_limits<double>::infinity();
    BoundaryParams boundary{};
};

/// Throws std::invalid_argument listing every invalid parameter (range checks; per-cell fields are
/// checked for shape in the step, their values are the caller's responsibility).
void validate(const LocalInertialParams& params);

/// Prognostic state: depth per cell and unit-width discharge on the faces.
template <typename Real>
struct ShallowLayerState {
    ShallowLayerState() = default;
    explicit ShallowLayerState(const GridSpec& spec) : depth_m(spec, Real{0}), q_m2_per_s(spec) {}

    Raster<Real> depth_m;             ///< layer depth h (m) of cells with data
    FaceField<Real> q_m2_per_s;       ///< discharge per unit width (m^2/s), signs as in the file
};

/// Caller-owned scratch memory of the step, allocated once per grid.
template <typename Real>
struct ShallowLayerWorkspace {
    ShallowLayerWorkspace() = default;
    explicit ShallowLayerWorkspace(const GridSpec& spec)
        : q_next(spec), row_partials(partial_count * (spec.rows + 1), 0.0),
          outflow_factor(spec.cell_count(), 1.0), row_has_all_data(spec.rows, 0),
          row_limited(spec.rows, 0) {}

    /// Number of per-row reductions the step keeps (sizes row_partials).
    static constexpr std::size_t partial_count = 8;

    FaceField<Real> q_next;           ///< new fluxes, swapped into the state
    std::vector<double> row_partials; ///< per-row partial sums and maxima, summed in row order
    /// Per cell: scaling of its outgoing fluxes (<= 1); valid in the rows flagged in row_limited.
    std::vector<double> outflow_factor;
    /// Per cell row: 1 if every cell of the row has data (rebuilt from the mask every step), so
    /// that such rows take a path without mask look-ups.
    std::vector<std::uint8_t> row_has_all_data;
    /// Per cell row: 1 if the positivity limiter scales a flux of the row in this step (only
    /// then is the row's part of outflow_factor written and read).
    std::vector<std::uint8_t> row_limited;
    /// Largest |q| / h_f of the last step (m/s), for the next time step; with
    /// TimeStepRule::face_signal_speed the largest |q| / h_f + sqrt(g_f h_f). 0 for a fresh
    /// workspace.
    double max_face_velocity_m_per_s = 0.0;
};

/// What one step did. Volumes in m^3 (double), summed over cells with data.
struct ShallowStepStats {
    double dt_s = 0.0;              ///< time step used
    double h_max_m = 0.0;           ///< largest depth after the step
    double volume_change_m3 = 0.0;  ///< storage after minus storage before
    double source_volume_m3 = 0.0;  ///< sum of s dt A as requested (negative for net losses)
    double outflow_volume_m3 = 0.0; ///< volume that left through free-outflow faces (>= 0)
    double clipped_volume_m3 = 0.0; ///< volume added where a depth would have become negative
    double max_froude = 0.0;        ///< max |q| / (h_f sqrt(g_f h_f)) over flowing faces
};

/// The adaptive time step (s) from the largest g h of the cells (m^2/s^2) and the largest face
/// velocity of the previous step (m/s), by the rule and limits of `params` (see "Time step" in
/// the file comment): the one formula the step uses, for callers that must know it in advance.
[[nodiscard]] double time_step_from_speeds_s(double wave_speed_sq, double face_velocity_m_per_s,
                                             const GridSpec& spec,
                                             const LocalInertialParams& params) noexcept;

/// The time step the next call of local_inertial_step would take (without dt_limit_s).
template <typename Real>
[[nodiscard]] double local_inertial_time_step_s(const CellMask& mask,
                                                const ShallowLayerState<Real>& state,
                                                const ShallowLayerWorkspace<Real>& workspace,
                                                const LocalInertialParams& params);

/// Advances the layer by one adaptive time step: fluxes on every face from the old state, then
/// continuity with the source. `bed_elevation_m` is the terrain (or, for cold air, terrain plus
/// displacement height); `source_m_per_s` the net source rate per cell (may be negative);
/// `dt_limit_s` lets the caller end the step on an output time or a change of forcing.
/// Throws std::invalid_argument if shapes differ or the parameters are invalid (checked at entry).
/// Does not allocate.
template <typename Real>
ShallowStepStats local_inertial_step(RasterView<const float> bed_elevation_m,
                                     const CellMask& mask, const CellField& source_m_per_s,
                                     ShallowLayerState<Real>& state,
                                     ShallowLayerWorkspace<Real>& workspace,
                                     const LocalInertialParams& params,
                                     double dt_limit_s = std::numeric_limits<double>::infinity());

/// Volume (m^3) stored in the cells with data: sum of h A, per-row partials summed in row order.
template <typename Real>
[[nodiscard]] double stored_volume_m3(const CellMask& mask, const ShallowLayerState<Real>& state);

} // namespace lauter::kernels::shallow
