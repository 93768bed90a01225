#pragma once
/// @file infiltration.hpp
/// Losses of the runoff model: infiltration on the pervious share of each cell (Green-Ampt or the
/// incremental SCS curve number) and an optional sewer inlet capacity on its sealed share. Each
/// step turns the rain of the step and the water on the cells into the net source rate (m/s) the
/// local-inertial solver takes (shallow::CellField::raster), and reports the volumes in double.
///
/// Area weighting. A cell of area A has an impervious (sealed) fraction phi in [0, 1]. Rain falls
/// on the whole cell; the water on the cell, depth h (the solver's cell mean), is taken to cover
/// the pervious and the sealed share alike. With r the rain intensity of the step and dt its
/// length, the water available per unit area in the step is W = h + r dt, and
///
///     pervious share (1 - phi) A:  infiltration L_p per unit pervious area, L_p <= W
///     sealed share        phi  A:  nothing infiltrates; sewer inflow L_s = min(c dt, W)
///     net source rate (cell mean)  s = r - [(1 - phi) L_p + phi L_s] / dt
///
/// with c the sewer capacity per unit sealed area (m/s). With a per-cell rain multiplier m (the
/// roof redirection of buildings.hpp), r is m times the rain of the step on that cell. Since (1 - phi) L_p + phi L_s <= W, a
/// step never removes more water than the cell holds plus the rain of the step. The losses use the
/// depth at the start of the step; if the solver's fluxes empty the cell in the same step, the
/// solver clips the depth at zero and reports the clipped volume, which keeps its balance exact.
/// Infiltration state (F, cumulative rain) is per unit pervious area.
///
/// Green-Ampt (Green & Ampt 1911; Mein & Larson 1973 for rain before ponding). The infiltration
/// capacity after a cumulative infiltration F is
///
///     f = K [1 + (psi + h) dtheta / F]                       (physics.md B2)
///
/// K saturated conductivity, psi wetting-front suction head, dtheta = theta_e - theta_i the
/// moisture deficit (Rawls et al. 1983: effective porosity minus initial moisture content), h the
/// ponding depth (set include_ponding_head = false for the classical f = K (1 + psi dtheta / F)).
/// Per step, the potential infiltration dF_p is the exact integral of dF/dt = f over dt with the
/// surface ponded (a = (psi + h) dtheta held over the step):
///
///     F1 - F0 - a ln((F1 + a) / (F0 + a)) = K dt,    dF_p = F1 - F0,
///
/// solved by Newton's method (green_ampt_ponded_increment_m). The actual infiltration is
/// min(dF_p, W): while the rain supplies less than the capacity, all of it infiltrates and F
/// grows by the rain (Mein & Larson's pre-ponding phase, with capacity as a function of F, the
/// time-compression approximation); once it supplies more, the cell ponds and infiltrates at
/// capacity. Integrating f over the step, rather than evaluating it at F0, keeps the step stable
/// for any dt and finite at F = 0 (where f is unbounded); under constant ponding the steps
/// compose to the exact solution of Green-Ampt from t = 0 whatever their length.
///
/// Incremental SCS curve number (USDA SCS 1986, TR-55). For cumulative rain P on the pervious
/// share, the cumulative direct runoff is
///
///     Q(P) = (P - Ia)^2 / (P - Ia + S)   for P > Ia, else 0;   S = 0.254 (100 / CN - 1) m,
///     Ia = lambda S                                            (physics.md B2)
///
/// and a step of rain dP = r dt yields runoff Q(P + dP) - Q(P); its loss is dP minus that
/// (physics.md B2: cumulative P -> cumulative Q, differenced per step). The method only partitions
/// rain: run-on water from other cells is not infiltrated.
///
/// Threading: OpenMP over rows (schedule(static)); every cell depends only on its own data and
/// the volumes are per-row partials summed in row order, so results are bitwise identical for any
/// thread count. Grids under 16384 cells run on one thread.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace lauter::kernels::runoff {

/// Soil texture classes of Rawls, Brakensiek & Miller (1983).
enum class SoilTexture : std::uint8_t {
    sand = 0,
    loamy_sand = 1,
    sandy_loam = 2,
    loam = 3,
    silt_loam = 4,
    sandy_clay_loam = 5,
    clay_loam = 6,
    silty_clay_loam = 7,
    sandy_clay = 8,
    silty_clay = 9,
    clay = 10,
};

/// Every texture, in the order of the enum.
[[nodiscard]] std::span<const SoilTexture> all_soil_textures() noexcept;
/// Stable name of a texture ("silt_loam", ...).
[[nodiscard]] std::string_view soil_texture_name(SoilTexture texture) noexcept;

/// Green-Ampt properties of a soil texture.
struct SoilHydraulics {
    double total_porosity = 0.0;                 ///< eta (-)
    double effective_porosity = 0.0;             ///< theta_e = eta - residual content (-)
    double suction_head_m = 0.0;                 ///< wetting-front suction head psi (m)
    double saturated_conductivity_m_per_s = 0.0; ///< K (m/s)
};

/// Mean Green-Ampt parameters of a texture class from Rawls, Brakensiek & Miller (1983, J.
/// Hydraul. Eng. 109(1):62-70), as tabulated in Chow, Maidment & Mays (1988, Applied Hydrology,
/// table 4.3.1). The silt-loam row (0.501, 0.486, 16.68 cm, 0.65 cm/h) is the one physics.md B2
/// quotes and B5 case 6 validates; the other rows are the same table's and not cross-checked
/// against a second source here.
[[nodiscard]] SoilHydraulics rawls_1983_soil(SoilTexture texture) noexcept;

/// Green-Ampt parameters of one soil class in one initial state.
struct GreenAmptSoil {
    double saturated_conductivity_m_per_s = 0.0; ///< K (m/s), >= 0
    double suction_head_m = 0.0;                 ///< psi (m), >= 0
    double moisture_deficit = 0.0;               ///< dtheta = theta_e - theta_i (-), in [0, 1]
};

/// Parameters of `soil` with initial volumetric moisture `initial_moisture` (theta_i, counted
/// above the residual content as in Rawls et al. 1983): dtheta = theta_e - theta_i. Throws
/// std::invalid_argument unless 0 <= theta_i <= theta_e.
[[nodiscard]] GreenAmptSoil green_ampt_soil(const SoilHydraulics& soil, double initial_moisture);

/// Cumulative infiltration F1 (m) after a ponded interval dt_s that starts at F0 =
/// `infiltrated_m`, with a = `suction_term_m` = (psi + h) dtheta: the root of
/// F1 - F0 - a ln((F1 + a)/(F0 + a)) = K dt by Newton's method. The iteration starts above the
/// root, at the smaller of two upper bounds of the increment d = F1 - F0 (b = F0 + a):
/// K dt + sqrt((K dt)^2 + 2 b K dt), where the left side is >= K dt since
/// u - ln(1 + u) >= u^2 / (2 (1 + u)); and, for F0 > 0, the explicit step K dt b / F0 = f(F0) dt
/// (the capacity only falls as F grows; there the left side exceeds K dt by a (x - ln(1 + x))
/// >= 0 with x = d / b). The left side being convex and increasing, Newton descends
/// monotonically to the root; it stops once a step falls below sqrt(2 eps) of the increment,
/// after which the quadratic convergence leaves an error below eps. For the short steps of an
/// event the explicit bound is close, and one or two log1p evaluations are needed. Returns F0
/// if K dt <= 0 and F0 + K dt if a <= 0.
[[nodiscard]] double green_ampt_ponded_increment_m(double infiltrated_m, double suction_term_m,
                                                   double conductivity_m_per_s,
                                                   double dt_s) noexcept;

/// Exact cumulative infiltration (m) after t_s under constant ponding depth `ponding_depth_m`
/// from t = 0: F - a ln(1 + F/a) = K t with a = (psi + h0) dtheta (physics.md B2 and B5 case 6).
[[nodiscard]] double green_ampt_ponded_infiltration_m(const GreenAmptSoil& soil,
                                                      double ponding_depth_m, double t_s) noexcept;

/// Silt loam (Rawls et al. 1983) at theta_i = 0.30: the soil of physics.md B5 case 6.
inline constexpr GreenAmptSoil silt_loam_030{0.65e-2 / 3600.0, 0.1668, 0.486 - 0.30};

/// Green-Ampt parameters of a run.
struct GreenAmptParams {
    /// Soil classes, indexed by the per-cell soil index (class 0 everywhere without one). Default:
    /// one class, silt_loam_030; sim/ sets the classes of the study area.
    std::vector<GreenAmptSoil> soils = std::vector<GreenAmptSoil>(1, silt_loam_030);
    /// Add the ponding depth to the suction head, f = K [1 + (psi + h) dtheta / F] (physics.md
    /// B2); false gives the classical f = K (1 + psi dtheta / F).
    bool include_ponding_head = true;
};

/// Throws std::invalid_argument listing every invalid parameter.
void validate(const GreenAmptParams& params);

/// Incremental SCS curve-number parameters.
struct CurveNumberParams {
    /// Curve number CN in (0, 100] of the pervious share, uniform or per cell (raster values are
    /// clamped to [1, 100]; values that are not numbers count as 1). Default 74: TR-55 table
    /// 2-2a, open space in good condition on hydrologic soil group C (physics.md B2); sim/ sets
    /// it per land cover and soil group.
    shallow::CellField curve_number = shallow::CellField::uniform(74.0);
    /// Initial abstraction ratio lambda in [0, 1]: 0.2 classically (TR-55); about 0.05 suggested
    /// for urban catchments (physics.md B2).
    double initial_abstraction_ratio = 0.2;
};

/// Throws std::invalid_argument listing every invalid parameter.
void validate(const CurveNumberParams& params);

/// Sealing and sewer inlets of the cells.
struct SurfaceCover {
    /// Impervious fraction phi of each cell, uniform or per cell. Raster values are clamped to
    /// [0, 1]; values that are not numbers count as 0 (sim/ validates its inputs).
    shallow::CellField impervious_fraction = shallow::CellField::uniform(0.0);
    /// Sewer inlet capacity per unit sealed area (m/s, >= 0; 0: no sewer). Capacities are
    /// usually quoted in mm/h: use mm_per_h_to_m_per_s from design_storm.hpp.
    double sewer_capacity_m_per_s = 0.0;
};

/// Throws std::invalid_argument listing every invalid parameter.
void validate(const SurfaceCover& cover);

/// Caller-owned Green-Ampt state.
struct GreenAmptState {
    GreenAmptState() = default;
    explicit GreenAmptState(const GridSpec& spec)
        : infiltrated_m(spec, 0.0), row_partials(3 * spec.rows, 0.0) {}

    Raster<double> infiltrated_m;     ///< cumulative infiltration F per unit pervious area (m)
    std::vector<double> row_partials; ///< scratch: per-row volumes, summed in row order
};

/// Caller-owned curve-number state.
struct CurveNumberState {
    CurveNumberState() = default;
    explicit CurveNumberState(const GridSpec& spec)
        : rain_m(spec, 0.0), row_partials(3 * spec.rows, 0.0) {}

    Raster<double> rain_m;            ///< cumulative rain P on the pervious share (m)
    std::vector<double> row_partials; ///< scratch: per-row volumes, summed in row order
};

/// Volumes of one loss step (m^3, summed over cells with data, double).
struct LossStepStats {
    double rain_volume_m3 = 0.0;         ///< r dt A
    double infiltration_volume_m3 = 0.0; ///< sum of (1 - phi) L_p A
    double sewer_volume_m3 = 0.0;        ///< sum of phi L_s A
};

/// Caller-owned scratch of no_infiltration_step.
struct NoInfiltrationState {
    NoInfiltrationState() = default;
    explicit NoInfiltrationState(const GridSpec& spec) : row_partials(3 * spec.rows, 0.0) {}

    std::vector<double> row_partials; ///< scratch: per-row volumes, summed in row order
};

/// One Green-Ampt step of length dt_s with rain `rain_m_per_s` (the mean over the step, e.g.
/// Hyetograph::mean_intensity_m_per_s). Reads the depth of the cells with data, updates
/// state.infiltrated_m and writes the net source rate (m/s) to `source_m_per_s` (NaN at no-data
/// cells). `soil_index` selects the class of each cell (an empty view: class 0).
/// `rain_multiplier` (empty: 1) scales the rain of each cell: the cell receives
/// m rain_m_per_s (values that are not numbers or negative count as 0), as the roof redirection
/// of buildings.hpp needs. Throws std::invalid_argument if shapes differ, dt_s or the rain is
/// not finite and positive / non-negative, a parameter is invalid or a soil index is out of
/// range. Does not allocate.
template <typename Real>
LossStepStats green_ampt_step(RasterView<const Real> depth_m, const CellMask& mask,
                              const SurfaceCover& cover, RasterView<const std::uint8_t> soil_index,
                              const GreenAmptParams& params, double rain_m_per_s, double dt_s,
                              GreenAmptState& state, RasterView<float> source_m_per_s,
                              RasterView<const float> rain_multiplier = {});

/// One incremental curve-number step (see green_ampt_step for the arguments); updates
/// state.rain_m (with the multiplier: the cumulative rain the cell received).
template <typename Real>
LossStepStats curve_number_step(RasterView<const Real> depth_m, const CellMask& mask,
                                const SurfaceCover& cover, const CurveNumberParams& params,
                                double rain_m_per_s, double dt_s, CurveNumberState& state,
                                RasterView<float> source_m_per_s,
                                RasterView<const float> rain_multiplier = {});

/// A step without infiltration: rain (with the multiplier) minus the sewer inflow of the sealed
/// shares (see green_ampt_step for the arguments). With L_p = 0 the area weighting of the file
/// comment gives s = r - phi min(c dt, W) / dt.
template <typename Real>
LossStepStats no_infiltration_step(RasterView<const Real> depth_m, const CellMask& mask,
                                   const SurfaceCover& cover, double rain_m_per_s, double dt_s,
                                   NoInfiltrationState& state, RasterView<float> source_m_per_s,
                                   RasterView<const float> rain_multiplier = {});

/// Cumulative SCS direct runoff Q (m) for cumulative rain P (m), curve number CN and initial
/// abstraction ratio lambda (the event form of the file comment).
[[nodiscard]] double curve_number_runoff_m(double rain_m, double curve_number,
                                           double initial_abstraction_ratio) noexcept;

} // namespace lauter::kernels::runoff
