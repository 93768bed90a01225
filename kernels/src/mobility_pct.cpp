#include <lauter/kernels/mobility/pct.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace lauter::kernels::mobility {

double pct_logit(const PctCoefficients& c, double distance_km, double gradient_pct) noexcept {
    const double d = distance_km;
    const double sd = std::sqrt(d);
    const double g = gradient_pct + c.gradient_shift_pct;
    return c.alpha + c.d1 * d + c.d2 * sd + c.d3 * d * d + c.h1 * g + c.i1 * d * g +
           c.i2 * sd * g;
}

double pct_uptake(const PctCoefficients& c, double distance_km, double gradient_pct) noexcept {
    if (!std::isfinite(distance_km) || !std::isfinite(gradient_pct) || distance_km < 0.0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return 1.0 / (1.0 + std::exp(-pct_logit(c, distance_km, gradient_pct)));
}

void pct_uptake_matrix(const PctCoefficients& c, std::span<const double> distance_km,
                       std::span<const double> gradient_pct, std::span<double> out) {
    if (gradient_pct.size() != distance_km.size() || out.size() != distance_km.size()) {
        throw std::invalid_argument("pct_uptake_matrix: distance, gradient and output differ in "
                                    "size");
    }
    const auto count = static_cast<std::ptrdiff_t>(distance_km.size());
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t k = 0; k < count; ++k) {
        const auto i = static_cast<std::size_t>(k);
        out[i] = pct_uptake(c, distance_km[i], gradient_pct[i]);
    }
}

} // namespace lauter::kernels::mobility
