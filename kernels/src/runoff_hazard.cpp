#include <lauter/kernels/runoff/hazard.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace lauter::kernels::runoff {

namespace {

/// Below this many cells the classification runs on one thread.
constexpr std::size_t min_cells_for_threads = 16384;

double zero_if_nan(double v) noexcept { return std::isnan(v) ? 0.0 : v; }

} // namespace

std::string_view hazard_class_name(HazardClass hazard) noexcept {
    switch (hazard) {
    case HazardClass::dry: return "dry";
    case HazardClass::h1: return "H1";
    case HazardClass::h2: return "H2";
    case HazardClass::h3: return "H3";
    case HazardClass::h4: return "H4";
    case HazardClass::h5: return "H5";
    case HazardClass::h6: return "H6";
    }
    return "unknown";
}

void validate(const HazardParams& params) {
    std::string problems;
    const auto& limits = params.thresholds.limits;
    for (std::size_t k = 0; k < limits.size(); ++k) {
        const HazardLimits& l = limits[k];
        const std::string where = " thresholds.limits[" + std::to_string(k) + "] (H" +
                                  std::to_string(k + 1) + ")";
        for (const double v : {l.depth_m, l.speed_m_per_s, l.depth_speed_m2_per_s}) {
            if (!(v > 0.0) || !std::isfinite(v)) {
                problems += where + ": every limit must be finite and > 0;";
                break;
            }
        }
        if (k > 0) {
            const HazardLimits& p = limits[k - 1];
            if (l.depth_m < p.depth_m || l.speed_m_per_s < p.speed_m_per_s ||
                l.depth_speed_m2_per_s < p.depth_speed_m2_per_s) {
                problems += where + ": limits must not be below those of the class before;";
            }
        }
    }
    if (!(params.dry_depth_m >= 0.0) || !std::isfinite(params.dry_depth_m)) {
        problems += " dry_depth_m must be finite and >= 0;";
    }
    if (!problems.empty()) {
        throw std::invalid_argument("HazardParams:" + problems);
    }
}

HazardClass classify_hazard(double depth_m, double speed_m_per_s, double depth_speed_m2_per_s,
                            const HazardParams& params) noexcept {
    const double d = zero_if_nan(depth_m);
    const double v = zero_if_nan(speed_m_per_s);
    const double dv = zero_if_nan(depth_speed_m2_per_s);
    if (!(d > params.dry_depth_m)) {
        return HazardClass::dry;
    }
    const auto& limits = params.thresholds.limits;
    for (std::size_t k = 0; k < limits.size(); ++k) {
        const HazardLimits& l = limits[k];
        if (d <= l.depth_m && v <= l.speed_m_per_s && dv <= l.depth_speed_m2_per_s) {
            return static_cast<HazardClass>(k + 1);
        }
    }
    return HazardClass::h6;
}

void classify_hazard(RasterView<const float> max_depth_m, RasterView<const float> max_speed_m_per_s,
                     RasterView<const float> max_depth_speed_m2_per_s, const CellMask& mask,
                     RasterView<std::uint8_t> hazard_class, const HazardParams& params) {
    constexpr const char* what = "classify_hazard";
    const GridSpec& spec = mask.spec();
    require_same_shape(spec, max_depth_m.spec(), what);
    require_same_shape(spec, max_speed_m_per_s.spec(), what);
    require_same_shape(spec, max_depth_speed_m2_per_s.spec(), what);
    require_same_shape(spec, hazard_class.spec(), what);
    validate(params);
    // The rasters hold float: compare against the limits rounded to float, so that a stored
    // 0.3F (slightly above 0.3) is at the limit 0.3 as written, not above it.
    HazardParams limits_f = params;
    const auto to_float = [](double v) { return static_cast<double>(static_cast<float>(v)); };
    for (HazardLimits& l : limits_f.thresholds.limits) {
        l.depth_m = to_float(l.depth_m);
        l.speed_m_per_s = to_float(l.speed_m_per_s);
        l.depth_speed_m2_per_s = to_float(l.depth_speed_m2_per_s);
    }
    limits_f.dry_depth_m = to_float(params.dry_depth_m);
    const auto rows = static_cast<std::ptrdiff_t>(spec.rows);
    const bool threads = spec.cell_count() >= min_cells_for_threads;
#pragma omp parallel for schedule(static) if (threads)
    for (std::ptrdiff_t ri = 0; ri < rows; ++ri) {
        const auto r = static_cast<std::size_t>(ri);
        for (std::size_t c = 0; c < spec.cols; ++c) {
            hazard_class(r, c) =
                mask.has_data(r, c)
                    ? static_cast<std::uint8_t>(classify_hazard(
                          static_cast<double>(max_depth_m(r, c)),
                          static_cast<double>(max_speed_m_per_s(r, c)),
                          static_cast<double>(max_depth_speed_m2_per_s(r, c)), limits_f))
                    : std::uint8_t{0};
        }
    }
}

std::array<std::size_t, 7> count_hazard_classes(RasterView<const std::uint8_t> hazard_class,
                                                const CellMask& mask) {
    require_same_shape(mask.spec(), hazard_class.spec(), "count_hazard_classes");
    std::array<std::size_t, 7> counts{};
    for (std::size_t r = 0; r < hazard_class.rows(); ++r) {
        for (std::size_t c = 0; c < hazard_class.cols(); ++c) {
            const std::uint8_t k = hazard_class(r, c);
            if (mask.has_data(r, c) && k < counts.size()) {
                ++counts[k];
            }
        }
    }
    return counts;
}

} // namespace lauter::kernels::runoff
