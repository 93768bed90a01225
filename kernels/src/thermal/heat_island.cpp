// Night heat island: Theeuwes et al. (2017) and its reduction by parks and cold air; see
// heat_island.hpp.
#include <lauter/kernels/thermal/heat_island.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lauter::kernels::thermal {

double theeuwes_meteorology_factor_k(const TheeuwesMeteorology& met) {
    if (!(met.wind_10m_m_per_s > 0.0) || !(met.air_density_kg_m3 > 0.0) ||
        !(met.specific_heat_j_per_kg_k > 0.0) || !(met.mean_global_radiation_w_m2 >= 0.0) ||
        !(met.diurnal_temperature_range_k >= 0.0)) {
        throw std::invalid_argument("theeuwes_meteorology_factor_k: needs U, rho, c_p > 0 and "
                                    "K_down, DTR >= 0");
    }
    const double s = met.mean_global_radiation_w_m2 /
                     (met.air_density_kg_m3 * met.specific_heat_j_per_kg_k);
    const double dtr = met.diurnal_temperature_range_k;
    return std::sqrt(std::sqrt(s * dtr * dtr * dtr / met.wind_10m_m_per_s));
}

double theeuwes_uhi_max_k(double sky_view_factor, double vegetation_fraction,
                          double meteorology_factor_k) noexcept {
    const double svf = std::clamp(sky_view_factor, 0.0, 1.0);
    const double veg = std::clamp(vegetation_fraction, 0.0, 1.0);
    return (2.0 - svf - veg) * meteorology_factor_k;
}

void compute_uhi_max_theeuwes(RasterView<const float> sky_view_factor,
                              RasterView<const float> vegetation_fraction, const CellMask& mask,
                              const TheeuwesMeteorology& met, RasterView<float> uhi_k) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, sky_view_factor.spec(), "compute_uhi_max_theeuwes (svf)");
    require_same_shape(g, vegetation_fraction.spec(), "compute_uhi_max_theeuwes (vegetation)");
    require_same_shape(g, uhi_k.spec(), "compute_uhi_max_theeuwes (output)");
    const double factor = theeuwes_meteorology_factor_k(met);
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            uhi_k(r, c) = mask.has_data(r, c)
                              ? static_cast<float>(theeuwes_uhi_max_k(
                                    static_cast<double>(sky_view_factor(r, c)),
                                    static_cast<double>(vegetation_fraction(r, c)), factor))
                              : no_data_value<float>;
        }
    }
}

double park_reduction_factor(double cooling_capacity, double heat_mitigation) noexcept {
    if (!(heat_mitigation > cooling_capacity) || !(cooling_capacity < 1.0)) {
        return 1.0;
    }
    return std::clamp((1.0 - heat_mitigation) / (1.0 - cooling_capacity), 0.0, 1.0);
}

void reduce_heat_island(RasterView<const float> uhi_max_k, RasterView<const float> cooling_capacity,
                        RasterView<const float> heat_mitigation,
                        RasterView<const float> cold_air_share, const CellMask& mask,
                        RasterView<float> uhi_night_k) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, uhi_max_k.spec(), "reduce_heat_island (uhi)");
    require_same_shape(g, cooling_capacity.spec(), "reduce_heat_island (cooling capacity)");
    require_same_shape(g, heat_mitigation.spec(), "reduce_heat_island (heat mitigation)");
    require_same_shape(g, uhi_night_k.spec(), "reduce_heat_island (output)");
    const bool with_cold_air = cold_air_share.data() != nullptr;
    if (with_cold_air) {
        require_same_shape(g, cold_air_share.spec(), "reduce_heat_island (cold air)");
    }
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            if (!mask.has_data(r, c)) {
                uhi_night_k(r, c) = no_data_value<float>;
                continue;
            }
            const double park = park_reduction_factor(static_cast<double>(cooling_capacity(r, c)),
                                                      static_cast<double>(heat_mitigation(r, c)));
            const double cold =
                with_cold_air ? std::clamp(static_cast<double>(cold_air_share(r, c)), 0.0, 1.0)
                              : 0.0;
            uhi_night_k(r, c) =
                static_cast<float>(static_cast<double>(uhi_max_k(r, c)) * park * (1.0 - cold));
        }
    }
}

} // namespace lauter::kernels::thermal
