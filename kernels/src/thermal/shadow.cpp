// One-pass shadow-height propagation along the sun's azimuth; see shadow.hpp.
#include <lauter/kernels/thermal/shadow.hpp>

#include "direction_lines.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace lauter::kernels::thermal {

void validate(const ShadowParams& params) {
    if (!std::isfinite(params.sun_azimuth_deg) || !std::isfinite(params.sun_elevation_deg)) {
        throw std::invalid_argument("ShadowParams: sun azimuth and elevation must be finite");
    }
    if (!(params.transmissivity >= 0.0 && params.transmissivity <= 1.0)) {
        throw std::invalid_argument("ShadowParams.transmissivity must lie in [0, 1], got " +
                                    std::to_string(params.transmissivity));
    }
}

void compute_sunlit_fraction(RasterView<const float> dsm_m, RasterView<const float> canopy_top_m,
                             RasterView<const float> canopy_base_m, const CellMask& mask,
                             RasterView<float> sunlit, ShadowWorkspace& workspace,
                             const ShadowParams& params) {
    const GridSpec& g = dsm_m.spec();
    require_same_shape(g, mask.spec(), "compute_sunlit_fraction");
    require_same_shape(g, sunlit.spec(), "compute_sunlit_fraction");
    const bool has_canopy = canopy_top_m.data() != nullptr || canopy_base_m.data() != nullptr;
    if (has_canopy) {
        if (canopy_top_m.data() == nullptr || canopy_base_m.data() == nullptr) {
            throw std::invalid_argument(
                "compute_sunlit_fraction: give both canopy top and base, or neither");
        }
        require_same_shape(g, canopy_top_m.spec(), "compute_sunlit_fraction");
        require_same_shape(g, canopy_base_m.spec(), "compute_sunlit_fraction");
    }
    validate(params);
    if (params.sun_elevation_deg <= 0.0) {
#pragma omp parallel for schedule(static)
        for (std::size_t r = 0; r < g.rows; ++r) {
            for (std::size_t c = 0; c < g.cols; ++c) {
                sunlit(r, c) = mask.has_data(r, c) ? 0.0F : no_data_value<float>;
            }
        }
        return;
    }
    const detail::DirectionLines lines(g, params.sun_azimuth_deg);
    const double elevation = std::min(params.sun_elevation_deg, 90.0) * std::numbers::pi / 180.0;
    const double drop_m = lines.step_m() * std::tan(elevation);
    const auto tau = static_cast<float>(params.transmissivity);
    constexpr double none = -std::numeric_limits<double>::infinity();
    const auto line_count = static_cast<std::ptrdiff_t>(lines.line_count());
    workspace.threads.resize(static_cast<std::size_t>(omp_get_max_threads()));
#pragma omp parallel
    {
        ShadowWorkspace::ThreadScratch& t =
            workspace.threads[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
        for (std::ptrdiff_t line = 0; line < line_count; ++line) {
            lines.cells_of(static_cast<std::size_t>(line), t.rows, t.cols);
            // Cells are ordered along the azimuth, i.e. toward the sun: sweep from the far end.
            double shadow_m = none;     // S: lowest clear ray height (buildings, terrain)
            double crown_top_m = none;  // shadow height of the dominant crown's top ...
            double crown_base_m = none; // ... and of its base (trunk zone below)
            for (std::size_t s = t.rows.size(); s-- > 0;) {
                const std::size_t r = t.rows[s];
                const std::size_t c = t.cols[s];
                shadow_m -= drop_m;
                crown_top_m -= drop_m;
                crown_base_m -= drop_m;
                if (!mask.has_data(r, c)) {
                    sunlit(r, c) = no_data_value<float>;
                    continue;
                }
                const double z = dsm_m(r, c);
                float lit = 1.0F;
                if (shadow_m > z) {
                    lit = 0.0F;
                }
                shadow_m = std::max(shadow_m, z);
                if (has_canopy) {
                    const double top = canopy_top_m(r, c);
                    const double base = canopy_base_m(r, c);
                    const bool own_crown = top > base && top > z;
                    const bool through_crown = z < crown_top_m && z >= crown_base_m;
                    if (lit > 0.0F && (own_crown || through_crown)) {
                        lit = tau;
                    }
                    if (own_crown && top >= crown_top_m) {
                        crown_top_m = top;
                        crown_base_m = base;
                    }
                }
                sunlit(r, c) = lit;
            }
        }
    }
}

} // namespace lauter::kernels::thermal
