// Drag coefficient and displacement height of the cold-air layer; see roughness.hpp.
#include <lauter/kernels/coldair/roughness.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace lauter::kernels::coldair {

void validate(const RoughnessParams& p) {
    std::string bad;
    auto require = [&bad](bool ok, const std::string& what) {
        if (!ok) {
            bad += (bad.empty() ? "" : "; ") + what;
        }
    };
    for (LandCover c : all_land_cover_classes) {
        const double z0 = p.roughness_length_m[land_cover_index(c)];
        require(std::isfinite(z0) && z0 > 0.0,
                "roughness length of " + std::string(land_cover_name(c)) + " must be > 0 m");
    }
    require(std::isfinite(p.reference_depth_m) && p.reference_depth_m > 0.0,
            "reference_depth_m must be > 0");
    require(p.von_karman > 0.0 && p.von_karman < 1.0, "von_karman must be in (0, 1)");
    require(p.macdonald_a > 1.0, "macdonald_a must be > 1");
    require(p.building_drag_coefficient > 0.0, "building_drag_coefficient must be > 0");
    require(p.macdonald_beta > 0.0, "macdonald_beta must be > 0");
    if (!bad.empty()) {
        throw std::invalid_argument("cold-air roughness parameters: " + bad);
    }
}

double log_law_drag_coefficient(double roughness_length_m, double depth_m,
                                double von_karman) noexcept {
    const double denominator = std::max(1.0, std::log(depth_m / roughness_length_m) - 1.0);
    const double root = von_karman / denominator;
    return root * root;
}

BuildingRoughness macdonald_roughness(double plan_area_fraction, double building_height_m,
                                      const RoughnessParams& p) noexcept {
    const double lambda = std::clamp(plan_area_fraction, 0.0, 1.0);
    if (!(lambda > 0.0) || !(building_height_m > 0.0)) {
        return {};
    }
    const double d_over_h = 1.0 + std::pow(p.macdonald_a, -lambda) * (lambda - 1.0);
    const double open_share = 1.0 - d_over_h;
    BuildingRoughness b;
    b.displacement_height_m = building_height_m * d_over_h;
    if (open_share > 0.0) {
        const double k2 = p.von_karman * p.von_karman;
        const double arg =
            0.5 * p.macdonald_beta * p.building_drag_coefficient / k2 * open_share * lambda;
        b.roughness_length_m = building_height_m * open_share * std::exp(-1.0 / std::sqrt(arg));
    }
    return b;
}

void compute_surface_drag(RasterView<const std::uint8_t> land_cover, const CellMask& mask,
                          const RoughnessParams& params, const BuildingMorphology& buildings,
                          RasterView<float> drag_coefficient,
                          RasterView<float> displacement_height_m) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, land_cover.spec(), "compute_surface_drag (land cover)");
    require_same_shape(g, drag_coefficient.spec(), "compute_surface_drag (drag)");
    require_same_shape(g, displacement_height_m.spec(), "compute_surface_drag (displacement)");
    const bool has_fraction = buildings.plan_area_fraction.data() != nullptr;
    const bool has_height = buildings.mean_height_m.data() != nullptr;
    if (has_fraction != has_height) {
        throw std::invalid_argument("compute_surface_drag: building plan-area fraction and mean "
                                    "height must be given together");
    }
    if (has_fraction) {
        require_same_shape(g, buildings.plan_area_fraction.spec(),
                           "compute_surface_drag (building fraction)");
        require_same_shape(g, buildings.mean_height_m.spec(),
                           "compute_surface_drag (building height)");
    }
    validate(params);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                continue;
            }
            const auto where = " at row " + std::to_string(r) + ", column " + std::to_string(c);
            const std::uint8_t v = land_cover(r, c);
            if (v < 1U || v > static_cast<std::uint8_t>(land_cover_class_count)) {
                throw std::invalid_argument("compute_surface_drag: land-cover value " +
                                            std::to_string(v) + " is not a class" + where);
            }
            if (has_fraction) {
                const float f = buildings.plan_area_fraction(r, c);
                const float h = buildings.mean_height_m(r, c);
                if (!std::isfinite(f) || f < 0.0F || f > 1.0F || !std::isfinite(h) || h < 0.0F) {
                    throw std::invalid_argument("compute_surface_drag: building fraction outside "
                                                "[0, 1] or negative building height" + where);
                }
            }
        }
    }
    const auto rows = static_cast<std::ptrdiff_t>(g.rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t ri = 0; ri < rows; ++ri) {
        const auto r = static_cast<std::size_t>(ri);
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                drag_coefficient(r, c) = no_data_value<float>;
                displacement_height_m(r, c) = no_data_value<float>;
                continue;
            }
            const auto cls = static_cast<LandCover>(land_cover(r, c));
            double z0 = params.roughness_length_m[land_cover_index(cls)];
            double d = 0.0;
            if (has_fraction) {
                const BuildingRoughness b = macdonald_roughness(
                    static_cast<double>(buildings.plan_area_fraction(r, c)),
                    static_cast<double>(buildings.mean_height_m(r, c)), params);
                z0 = std::max(z0, b.roughness_length_m);
                d = b.displacement_height_m;
            }
            drag_coefficient(r, c) = static_cast<float>(
                log_law_drag_coefficient(z0, params.reference_depth_m, params.von_karman));
            displacement_height_m(r, c) = static_cast<float>(d);
        }
    }
}

} // namespace lauter::kernels::coldair
