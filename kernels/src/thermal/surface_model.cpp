// Surface model for the thermal kernels; see surface_model.hpp for the rules and their sources.
#include <lauter/kernels/thermal/surface_model.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lauter::kernels::thermal {

namespace {

void require_share(double value, const char* name) {
    if (!(value >= 0.0 && value <= 1.0)) {
        throw std::invalid_argument(std::string("SurfaceModelParams.") + name +
                                    " must lie in [0, 1], got " + std::to_string(value));
    }
}

float finite_or_zero(float v) { return std::isfinite(v) ? v : 0.0F; }

} // namespace

void validate(const SurfaceModelParams& params) {
    require_share(params.building_fraction_threshold, "building_fraction_threshold");
    require_share(params.canopy_fraction_threshold, "canopy_fraction_threshold");
    require_share(params.trunk_zone_fraction, "trunk_zone_fraction");
}

void build_surface_model(RasterView<const float> terrain_m,
                         RasterView<const float> building_fraction,
                         RasterView<const float> building_height_m,
                         RasterView<const float> canopy_fraction,
                         RasterView<const float> tree_height_m, const CellMask& mask,
                         RasterView<float> dsm_m, RasterView<float> canopy_top_m,
                         RasterView<float> canopy_base_m, const SurfaceModelParams& params) {
    const GridSpec& g = mask.spec();
    for (const GridSpec* other :
         {&terrain_m.spec(), &building_fraction.spec(), &building_height_m.spec(),
          &canopy_fraction.spec(), &tree_height_m.spec(), &dsm_m.spec(), &canopy_top_m.spec(),
          &canopy_base_m.spec()}) {
        require_same_shape(g, *other, "build_surface_model");
    }
    validate(params);
    const auto building_min = static_cast<float>(params.building_fraction_threshold);
    const auto canopy_min = static_cast<float>(params.canopy_fraction_threshold);
    const auto trunk = static_cast<float>(params.trunk_zone_fraction);
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                dsm_m(r, c) = no_data_value<float>;
                canopy_top_m(r, c) = no_data_value<float>;
                canopy_base_m(r, c) = no_data_value<float>;
                continue;
            }
            const float ground = terrain_m(r, c);
            const float building_h = std::max(0.0F, finite_or_zero(building_height_m(r, c)));
            const float tree_h = std::max(0.0F, finite_or_zero(tree_height_m(r, c)));
            const bool building =
                finite_or_zero(building_fraction(r, c)) >= building_min && building_h > 0.0F;
            const bool crown =
                !building && finite_or_zero(canopy_fraction(r, c)) >= canopy_min && tree_h > 0.0F;
            dsm_m(r, c) = building ? ground + building_h : ground;
            canopy_top_m(r, c) = crown ? ground + tree_h : ground;
            canopy_base_m(r, c) = crown ? ground + trunk * tree_h : ground;
        }
    }
}

} // namespace lauter::kernels::thermal
