#include <lauter/kernels/runoff/infiltration.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::kernels::runoff {

namespace {

/// Below this many cells a step runs on one thread (as the local-inertial step).
constexpr std::size_t min_cells_for_threads = 16384;

/// Indices of the per-row volumes in the states' row_partials.
enum Partial : std::size_t { rain = 0, infiltration = 1, sewer = 2, partial_count = 3 };

constexpr std::array<SoilTexture, 11> textures = {
    SoilTexture::sand,       SoilTexture::loamy_sand,      SoilTexture::sandy_loam,
    SoilTexture::loam,       SoilTexture::silt_loam,       SoilTexture::sandy_clay_loam,
    SoilTexture::clay_loam,  SoilTexture::silty_clay_loam, SoilTexture::sandy_clay,
    SoilTexture::silty_clay, SoilTexture::clay};

/// A table row in the units of Rawls et al. (1983): suction in cm, conductivity in cm/h.
constexpr SoilHydraulics rawls_row(double total_porosity, double effective_porosity,
                                   double suction_cm, double conductivity_cm_per_h) noexcept {
    return {total_porosity, effective_porosity, suction_cm * 1e-2,
            conductivity_cm_per_h * 1e-2 / 3600.0};
}

/// The cell's impervious fraction, clamped to [0, 1] (not-a-number counts as 0).
double clamped_fraction(double phi) noexcept {
    if (!(phi > 0.0)) {
        return 0.0;
    }
    return phi < 1.0 ? phi : 1.0;
}

/// The rain multiplier of a cell: negative values and not-a-number count as 0.
double clamped_multiplier(float m) noexcept {
    return m > 0.0F ? static_cast<double>(m) : 0.0;
}

/// Common entry checks of the loss steps.
template <typename Real>
void check_step(const char* what, RasterView<const Real> depth_m, const CellMask& mask,
                const SurfaceCover& cover, double rain_m_per_s, double dt_s,
                RasterView<float> source_m_per_s, const std::vector<double>& row_partials,
                const GridSpec& state_spec, RasterView<const float> rain_multiplier) {
    const GridSpec& spec = mask.spec();
    if (rain_multiplier.data() != nullptr) {
        require_same_shape(spec, rain_multiplier.spec(), what);
    }
    require_same_shape(spec, depth_m.spec(), what);
    require_same_shape(spec, source_m_per_s.spec(), what);
    require_same_shape(spec, state_spec, what);
    if (cover.impervious_fraction.is_raster()) {
        require_same_shape(spec, cover.impervious_fraction.per_cell.spec(), what);
    }
    if (row_partials.size() < partial_count * spec.rows) {
        throw std::invalid_argument(std::string(what) +
                                    ": the state was not built for this grid");
    }
    if (!(dt_s > 0.0) || !std::isfinite(dt_s)) {
        throw std::invalid_argument(std::string(what) + ": dt_s must be finite and > 0, got " +
                                    std::to_string(dt_s));
    }
    if (!(rain_m_per_s >= 0.0) || !std::isfinite(rain_m_per_s)) {
        throw std::invalid_argument(std::string(what) +
                                    ": rain_m_per_s must be finite and >= 0, got " +
                                    std::to_string(rain_m_per_s));
    }
    validate(cover);
}

/// The per-cell part shared by both methods: sealed-share sewer inflow, the source rate and the
/// volumes. `pervious_loss_m` is L_p (per unit pervious area, already limited to the water).
struct CellLoss {
    double infiltration_m = 0.0; ///< (1 - phi) L_p, per unit cell area
    double sewer_m = 0.0;        ///< phi L_s, per unit cell area
};

CellLoss cell_loss(double phi, double pervious_loss_m, double available_m,
                   double sewer_capacity_m) noexcept {
    CellLoss loss;
    loss.infiltration_m = (1.0 - phi) * pervious_loss_m;
    loss.sewer_m = phi * std::min(sewer_capacity_m, available_m);
    return loss;
}

/// Sums the per-row volumes in row order and scales them to m^3.
LossStepStats sum_rows(const std::vector<double>& row_partials, std::size_t rows,
                       double cell_area_m2) {
    LossStepStats stats;
    for (std::size_t r = 0; r < rows; ++r) {
        const double* p = &row_partials[partial_count * r];
        stats.rain_volume_m3 += p[rain];
        stats.infiltration_volume_m3 += p[infiltration];
        stats.sewer_volume_m3 += p[sewer];
    }
    stats.rain_volume_m3 *= cell_area_m2;
    stats.infiltration_volume_m3 *= cell_area_m2;
    stats.sewer_volume_m3 *= cell_area_m2;
    return stats;
}

/// Runs `pervious_loss(row, col, available_m, rain_step_m)` -> L_p over every cell with data, in
/// parallel over rows, and writes source rates and per-row volumes.
template <typename Real, typename PerviousLoss>
LossStepStats loss_step(RasterView<const Real> depth_m, const CellMask& mask,
                        const SurfaceCover& cover, double rain_m_per_s, double dt_s,
                        RasterView<const float> rain_multiplier,
                        std::vector<double>& row_partials, RasterView<float> source_m_per_s,
                        PerviousLoss&& pervious_loss) {
    const GridSpec& spec = mask.spec();
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    const bool per_cell_rain = rain_multiplier.data() != nullptr;
    const double sewer_capacity_m = cover.sewer_capacity_m_per_s * dt_s;
    const bool threads = spec.cell_count() >= min_cells_for_threads;
    const auto row_count = static_cast<std::ptrdiff_t>(rows);

#pragma omp parallel for schedule(static) if (threads)
    for (std::ptrdiff_t ri = 0; ri < row_count; ++ri) {
        const auto r = static_cast<std::size_t>(ri);
        double rain_sum = 0.0;
        double infiltration_sum = 0.0;
        double sewer_sum = 0.0;
        for (std::size_t c = 0; c < cols; ++c) {
            if (!mask.has_data(r, c)) {
                source_m_per_s(r, c) = no_data_value<float>;
                continue;
            }
            const double cell_rain_m_per_s =
                per_cell_rain ? rain_m_per_s * clamped_multiplier(rain_multiplier(r, c))
                              : rain_m_per_s;
            const double rain_step_m = cell_rain_m_per_s * dt_s;
            const double h = std::max(static_cast<double>(depth_m(r, c)), 0.0);
            const double available_m = h + rain_step_m;
            const double phi = clamped_fraction(cover.impervious_fraction.at(r, c));
            const double pervious_m =
                phi < 1.0 ? std::min(pervious_loss(r, c, available_m, rain_step_m), available_m)
                          : 0.0;
            const CellLoss loss = cell_loss(phi, pervious_m, available_m, sewer_capacity_m);
            source_m_per_s(r, c) = static_cast<float>(
                cell_rain_m_per_s - (loss.infiltration_m + loss.sewer_m) / dt_s);
            rain_sum += rain_step_m;
            infiltration_sum += loss.infiltration_m;
            sewer_sum += loss.sewer_m;
        }
        double* p = &row_partials[partial_count * r];
        p[rain] = rain_sum;
        p[infiltration] = infiltration_sum;
        p[sewer] = sewer_sum;
    }
    return sum_rows(row_partials, rows, spec.cell_area_m2());
}

} // namespace

std::span<const SoilTexture> all_soil_textures() noexcept { return textures; }

std::string_view soil_texture_name(SoilTexture texture) noexcept {
    switch (texture) {
    case SoilTexture::sand: return "sand";
    case SoilTexture::loamy_sand: return "loamy_sand";
    case SoilTexture::sandy_loam: return "sandy_loam";
    case SoilTexture::loam: return "loam";
    case SoilTexture::silt_loam: return "silt_loam";
    case SoilTexture::sandy_clay_loam: return "sandy_clay_loam";
    case SoilTexture::clay_loam: return "clay_loam";
    case SoilTexture::silty_clay_loam: return "silty_clay_loam";
    case SoilTexture::sandy_clay: return "sandy_clay";
    case SoilTexture::silty_clay: return "silty_clay";
    case SoilTexture::clay: return "clay";
    }
    return "unknown";
}

SoilHydraulics rawls_1983_soil(SoilTexture texture) noexcept {
    // Columns: total porosity, effective porosity, suction head (cm), conductivity (cm/h).
    switch (texture) {
    case SoilTexture::sand: return rawls_row(0.437, 0.417, 4.95, 11.78);
    case SoilTexture::loamy_sand: return rawls_row(0.437, 0.401, 6.13, 2.99);
    case SoilTexture::sandy_loam: return rawls_row(0.453, 0.412, 11.01, 1.09);
    case SoilTexture::loam: return rawls_row(0.463, 0.434, 8.89, 0.34);
    case SoilTexture::silt_loam: return rawls_row(0.501, 0.486, 16.68, 0.65);
    case SoilTexture::sandy_clay_loam: return rawls_row(0.398, 0.330, 21.85, 0.15);
    case SoilTexture::clay_loam: return rawls_row(0.464, 0.309, 20.88, 0.10);
    case SoilTexture::silty_clay_loam: return rawls_row(0.471, 0.432, 27.30, 0.10);
    case SoilTexture::sandy_clay: return rawls_row(0.430, 0.321, 23.90, 0.06);
    case SoilTexture::silty_clay: return rawls_row(0.479, 0.423, 29.22, 0.05);
    case SoilTexture::clay: return rawls_row(0.475, 0.385, 31.63, 0.03);
    }
    return {};
}

GreenAmptSoil green_ampt_soil(const SoilHydraulics& soil, double initial_moisture) {
    if (!(initial_moisture >= 0.0) || !(initial_moisture <= soil.effective_porosity)) {
        throw std::invalid_argument(
            "green_ampt_soil: initial moisture " + std::to_string(initial_moisture) +
            " is outside [0, effective porosity " + std::to_string(soil.effective_porosity) +
            "]");
    }
    return {soil.saturated_conductivity_m_per_s, soil.suction_head_m,
            soil.effective_porosity - initial_moisture};
}

double green_ampt_ponded_increment_m(double infiltrated_m, double suction_term_m,
                                     double conductivity_m_per_s, double dt_s) noexcept {
    const double f0 = std::max(infiltrated_m, 0.0);
    const double k_dt = conductivity_m_per_s * dt_s;
    if (!(k_dt > 0.0)) {
        return f0;
    }
    const double a = suction_term_m;
    if (!(a > 0.0)) {
        return f0 + k_dt;
    }
    // Newton on g(d) = d - a ln(1 + d/b) - K dt for the increment d = F1 - F0, b = F0 + a.
    // g is convex and increasing for d > 0, so from a start above the root the iterates decrease
    // monotonically to it. Two upper bounds (see the header) start it; the smaller is taken.
    // For F0 > 0 the explicit (Euler) increment K dt b / F0 = f(F0) dt is one and, for the
    // short steps of the event, already within a relative (a/F0) (d/b) / 2 of the root, so one
    // or two iterations remain instead of the five to ten from the other bound.
    const double b = f0 + a;
    double d = k_dt + std::sqrt(k_dt * k_dt + 2.0 * b * k_dt);
    if (f0 > 0.0) {
        d = std::min(d, k_dt * (b / f0));
    }
    // Stopping: with e the error before a step and M = g''/(2 g') <= 1/(2 d) on the iterates,
    // Newton leaves an error of about M e^2, i.e. (step/d)^2 / 2 relative to d, so after a step
    // below sqrt(2 eps) d the remaining error is below eps d: stop without the confirming
    // iteration (one log1p saved). Steps that do not move the iterate down also stop it.
    const double converged = std::sqrt(2.0 * std::numeric_limits<double>::epsilon());
    constexpr int max_iterations = 100;
    for (int i = 0; i < max_iterations; ++i) {
        const double g = d - a * std::log1p(d / b) - k_dt;
        const double slope = (f0 + d) / (b + d);
        const double step = g / slope;
        if (!(step > 0.0)) {
            break;
        }
        d -= step;
        if (step <= converged * d) {
            break;
        }
    }
    return f0 + d;
}

double green_ampt_ponded_infiltration_m(const GreenAmptSoil& soil, double ponding_depth_m,
                                        double t_s) noexcept {
    const double a = (soil.suction_head_m + std::max(ponding_depth_m, 0.0)) *
                     soil.moisture_deficit;
    return green_ampt_ponded_increment_m(0.0, a, soil.saturated_conductivity_m_per_s, t_s);
}

void validate(const GreenAmptParams& params) {
    std::string problems;
    if (params.soils.empty()) {
        problems += " soils: needs at least one class;";
    }
    if (params.soils.size() > 256) {
        problems += " soils: at most 256 classes (the soil index is 8-bit);";
    }
    for (std::size_t k = 0; k < params.soils.size(); ++k) {
        const GreenAmptSoil& s = params.soils[k];
        const std::string where = " soils[" + std::to_string(k) + "].";
        if (!(s.saturated_conductivity_m_per_s >= 0.0) ||
            !std::isfinite(s.saturated_conductivity_m_per_s)) {
            problems += where + "saturated_conductivity_m_per_s must be finite and >= 0;";
        }
        if (!(s.suction_head_m >= 0.0) || !std::isfinite(s.suction_head_m)) {
            problems += where + "suction_head_m must be finite and >= 0;";
        }
        if (!(s.moisture_deficit >= 0.0) || !(s.moisture_deficit <= 1.0)) {
            problems += where + "moisture_deficit must be in [0, 1];";
        }
    }
    if (!problems.empty()) {
        throw std::invalid_argument("GreenAmptParams:" + problems);
    }
}

void validate(const CurveNumberParams& params) {
    std::string problems;
    const double cn = params.curve_number.constant;
    if (!params.curve_number.is_raster() && !(cn > 0.0 && cn <= 100.0)) {
        problems += " curve_number must be in (0, 100], got " + std::to_string(cn) + ";";
    }
    const double lambda = params.initial_abstraction_ratio;
    if (!(lambda >= 0.0 && lambda <= 1.0)) {
        problems += " initial_abstraction_ratio must be in [0, 1], got " +
                    std::to_string(lambda) + ";";
    }
    if (!problems.empty()) {
        throw std::invalid_argument("CurveNumberParams:" + problems);
    }
}

void validate(const SurfaceCover& cover) {
    std::string problems;
    const double phi = cover.impervious_fraction.constant;
    if (!cover.impervious_fraction.is_raster() && !(phi >= 0.0 && phi <= 1.0)) {
        problems += " impervious_fraction must be in [0, 1], got " + std::to_string(phi) + ";";
    }
    const double c = cover.sewer_capacity_m_per_s;
    if (!(c >= 0.0) || !std::isfinite(c)) {
        problems += " sewer_capacity_m_per_s must be finite and >= 0, got " +
                    std::to_string(c) + ";";
    }
    if (!problems.empty()) {
        throw std::invalid_argument("SurfaceCover:" + problems);
    }
}

double curve_number_runoff_m(double rain_m, double curve_number,
                             double initial_abstraction_ratio) noexcept {
    const double retention_m = 0.254 * (100.0 / curve_number - 1.0);
    const double excess_m = rain_m - initial_abstraction_ratio * retention_m;
    if (!(excess_m > 0.0)) {
        return 0.0;
    }
    return excess_m * excess_m / (excess_m + retention_m);
}

template <typename Real>
LossStepStats green_ampt_step(RasterView<const Real> depth_m, const CellMask& mask,
                              const SurfaceCover& cover, RasterView<const std::uint8_t> soil_index,
                              const GreenAmptParams& params, double rain_m_per_s, double dt_s,
                              GreenAmptState& state, RasterView<float> source_m_per_s,
                              RasterView<const float> rain_multiplier) {
    constexpr const char* what = "green_ampt_step";
    check_step(what, depth_m, mask, cover, rain_m_per_s, dt_s, source_m_per_s,
               state.row_partials, state.infiltrated_m.spec(), rain_multiplier);
    validate(params);
    const GridSpec& spec = mask.spec();
    const bool per_cell_soil = soil_index.data() != nullptr;
    if (per_cell_soil) {
        require_same_shape(spec, soil_index.spec(), what);
        for (std::size_t r = 0; r < spec.rows; ++r) {
            for (std::size_t c = 0; c < spec.cols; ++c) {
                if (mask.has_data(r, c) && soil_index(r, c) >= params.soils.size()) {
                    throw std::invalid_argument(
                        std::string(what) + ": soil index " + std::to_string(soil_index(r, c)) +
                        " at cell (" + std::to_string(r) + ", " + std::to_string(c) +
                        ") has no class; " + std::to_string(params.soils.size()) +
                        " classes are defined");
                }
            }
        }
    }
    const GreenAmptSoil* soils = params.soils.data();
    const bool ponding_head = params.include_ponding_head;
    Raster<double>& infiltrated = state.infiltrated_m;
    return loss_step(depth_m, mask, cover, rain_m_per_s, dt_s, rain_multiplier,
                     state.row_partials, source_m_per_s,
                     [&](std::size_t r, std::size_t c, double available_m,
                         double rain_step_m) {
                         const GreenAmptSoil& s = soils[per_cell_soil ? soil_index(r, c) : 0U];
                         // The ponding head is the depth at the start of the step.
                         const double head_m = ponding_head ? available_m - rain_step_m : 0.0;
                         const double a = (s.suction_head_m + head_m) * s.moisture_deficit;
                         double& f = infiltrated(r, c);
                         // Shortcut without Newton when the capacity surely takes all the water:
                         // f is decreasing in F, so if f(F0 + W) dt >= W, the ponded solution
                         // passes F0 + W within the step and min(dF_p, W) = W. Written as
                         // K dt (F0 + W + a) >= W (F0 + W); it holds for W = 0 (no water) and for
                         // most unponded cells, where Newton's log1p would dominate the step.
                         const double k_dt = s.saturated_conductivity_m_per_s * dt_s;
                         const double f_end = f + available_m;
                         if (k_dt * (f_end + a) >= available_m * f_end) {
                             f = f_end;
                             return available_m;
                         }
                         const double potential_m =
                             green_ampt_ponded_increment_m(f, a, s.saturated_conductivity_m_per_s,
                                                           dt_s) - f;
                         const double actual_m = std::min(potential_m, available_m);
                         f += actual_m;
                         return actual_m;
                     });
}

template <typename Real>
LossStepStats curve_number_step(RasterView<const Real> depth_m, const CellMask& mask,
                                const SurfaceCover& cover, const CurveNumberParams& params,
                                double rain_m_per_s, double dt_s, CurveNumberState& state,
                                RasterView<float> source_m_per_s,
                                RasterView<const float> rain_multiplier) {
    constexpr const char* what = "curve_number_step";
    check_step(what, depth_m, mask, cover, rain_m_per_s, dt_s, source_m_per_s,
               state.row_partials, state.rain_m.spec(), rain_multiplier);
    validate(params);
    if (params.curve_number.is_raster()) {
        require_same_shape(mask.spec(), params.curve_number.per_cell.spec(), what);
    }
    const double lambda = params.initial_abstraction_ratio;
    Raster<double>& cumulative_rain = state.rain_m;
    return loss_step(depth_m, mask, cover, rain_m_per_s, dt_s, rain_multiplier,
                     state.row_partials, source_m_per_s,
                     [&](std::size_t r, std::size_t c, double, double rain_step_m) {
                         const double cn_raw = params.curve_number.at(r, c);
                         const double cn = cn_raw > 1.0 ? std::min(cn_raw, 100.0) : 1.0;
                         double& p = cumulative_rain(r, c);
                         const double runoff_m =
                             curve_number_runoff_m(p + rain_step_m, cn, lambda) -
                             curve_number_runoff_m(p, cn, lambda);
                         p += rain_step_m;
                         // dQ/dP lies in [0, 1): the loss is in [0, dP] up to round-off.
                         return std::clamp(rain_step_m - runoff_m, 0.0, rain_step_m);
                     });
}

template <typename Real>
LossStepStats no_infiltration_step(RasterView<const Real> depth_m, const CellMask& mask,
                                   const SurfaceCover& cover, double rain_m_per_s, double dt_s,
                                   NoInfiltrationState& state, RasterView<float> source_m_per_s,
                                   RasterView<const float> rain_multiplier) {
    constexpr const char* what = "no_infiltration_step";
    check_step(what, depth_m, mask, cover, rain_m_per_s, dt_s, source_m_per_s,
               state.row_partials, mask.spec(), rain_multiplier);
    return loss_step(depth_m, mask, cover, rain_m_per_s, dt_s, rain_multiplier,
                     state.row_partials, source_m_per_s,
                     [](std::size_t, std::size_t, double, double) { return 0.0; });
}

#define LAUTER_INSTANTIATE_LOSS_STEPS(Real)                                                    \
    template LossStepStats green_ampt_step<Real>(                                             \
        RasterView<const Real>, const CellMask&, const SurfaceCover&,                         \
        RasterView<const std::uint8_t>, const GreenAmptParams&, double, double,               \
        GreenAmptState&, RasterView<float>, RasterView<const float>);                         \
    template LossStepStats curve_number_step<Real>(                                           \
        RasterView<const Real>, const CellMask&, const SurfaceCover&,                         \
        const CurveNumberParams&, double, double, CurveNumberState&, RasterView<float>,       \
        RasterView<const float>);                                                              \
    template LossStepStats no_infiltration_step<Real>(                                        \
        RasterView<const Real>, const CellMask&, const SurfaceCover&, double, double,         \
        NoInfiltrationState&, RasterView<float>, RasterView<const float>);

LAUTER_INSTANTIATE_LOSS_STEPS(float)
LAUTER_INSTANTIATE_LOSS_STEPS(double)

#undef LAUTER_INSTANTIATE_LOSS_STEPS

} // namespace lauter::kernels::runoff
