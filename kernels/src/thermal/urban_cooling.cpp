// InVEST Urban Cooling: cooling capacity, green area and park cooling; see urban_cooling.hpp.
#include <lauter/kernels/thermal/urban_cooling.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lauter::kernels::thermal {

void compute_evapotranspiration_index(RasterView<const float> crop_coefficient,
                                      RasterView<const float> reference_et_mm,
                                      const CellMask& mask, RasterView<float> eti) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, crop_coefficient.spec(), "compute_evapotranspiration_index (K_c)");
    require_same_shape(g, reference_et_mm.spec(), "compute_evapotranspiration_index (ET0)");
    require_same_shape(g, eti.spec(), "compute_evapotranspiration_index (output)");
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
    float et_max = 0.0F;
#pragma omp parallel for schedule(static) reduction(max : et_max)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            if (mask.has_data(r, c) && reference_et_mm(r, c) > et_max) {
                et_max = reference_et_mm(r, c);
            }
        }
    }
    const double scale = et_max > 0.0F ? 1.0 / static_cast<double>(et_max) : 0.0;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            eti(r, c) = mask.has_data(r, c)
                            ? static_cast<float>(static_cast<double>(crop_coefficient(r, c)) *
                                                 static_cast<double>(reference_et_mm(r, c)) *
                                                 scale)
                            : no_data_value<float>;
        }
    }
}

double cooling_capacity(double shade, double albedo, double eti,
                        const CoolingCapacityWeights& w) {
    const double sum = w.shade + w.albedo + w.evapotranspiration;
    if (w.shade < 0.0 || w.albedo < 0.0 || w.evapotranspiration < 0.0 || !(sum > 0.0)) {
        throw std::invalid_argument("cooling_capacity: weights must be >= 0 and not all zero");
    }
    return (w.shade * std::clamp(shade, 0.0, 1.0) + w.albedo * std::clamp(albedo, 0.0, 1.0) +
            w.evapotranspiration * std::clamp(eti, 0.0, 1.0)) /
           sum;
}

void compute_cooling_capacity(RasterView<const float> shade, RasterView<const float> albedo,
                              RasterView<const float> eti, const CellMask& mask,
                              RasterView<float> out, const CoolingCapacityWeights& weights) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, shade.spec(), "compute_cooling_capacity (shade)");
    require_same_shape(g, albedo.spec(), "compute_cooling_capacity (albedo)");
    require_same_shape(g, eti.spec(), "compute_cooling_capacity (eti)");
    require_same_shape(g, out.spec(), "compute_cooling_capacity (output)");
    static_cast<void>(cooling_capacity(0.0, 0.0, 0.0, weights)); // validates the weights
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            out(r, c) = mask.has_data(r, c)
                            ? static_cast<float>(cooling_capacity(
                                  static_cast<double>(shade(r, c)),
                                  static_cast<double>(albedo(r, c)),
                                  static_cast<double>(eti(r, c)), weights))
                            : no_data_value<float>;
        }
    }
}

void compute_heat_mitigation(RasterView<const float> cc, RasterView<const std::uint8_t> green,
                             const CellMask& mask, const ParkCoolingParams& params,
                             RasterView<float> green_area_m2, RasterView<float> hm,
                             ParkCoolingWorkspace& ws) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, cc.spec(), "compute_heat_mitigation (cooling capacity)");
    require_same_shape(g, green.spec(), "compute_heat_mitigation (green)");
    require_same_shape(g, green_area_m2.spec(), "compute_heat_mitigation (green area)");
    require_same_shape(g, hm.spec(), "compute_heat_mitigation (output)");
    if (!(params.cooling_distance_m > 0.0) || !(params.kernel_cutoff > 0.0)) {
        throw std::invalid_argument("compute_heat_mitigation: d_cool and cutoff must be > 0");
    }
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
    const double cell_m = 0.5 * (g.cell_size_x_m + g.cell_size_y_m);
    const double cell_area_m2 = g.cell_area_m2();
    const auto is_green = [&](std::size_t r, std::size_t c) {
        return mask.has_data(r, c) && green(r, c) != 0;
    };

    // Row prefix counts of green cells: prefix[r * (cols + 1) + c] = green cells in [0, c); and
    // the convolution source g_j CC_j (0 off green and on no-data), so that the inner loop of the
    // park convolution is a plain dot product.
    ws.green_prefix.assign(rows * (cols + 1), 0U);
    ws.source.assign(rows * cols, 0.0F);
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        std::uint32_t* p = ws.green_prefix.data() + r * (cols + 1);
        float* src = ws.source.data() + r * cols;
        for (std::size_t c = 0; c < cols; ++c) {
            const bool g_on = is_green(r, c);
            p[c + 1] = p[c] + (g_on ? 1U : 0U);
            src[c] = g_on ? cc(r, c) : 0.0F;
        }
    }
    // Half widths of the d_cool disk per row offset (cells whose centres lie within d_cool).
    const auto disk_r = static_cast<std::ptrdiff_t>(std::floor(params.cooling_distance_m / cell_m));
    std::vector<std::ptrdiff_t> half_width(static_cast<std::size_t>(disk_r) + 1);
    for (std::ptrdiff_t dy = 0; dy <= disk_r; ++dy) {
        const double rest = params.cooling_distance_m * params.cooling_distance_m -
                            static_cast<double>(dy * dy) * cell_m * cell_m;
        half_width[static_cast<std::size_t>(dy)] =
            static_cast<std::ptrdiff_t>(std::floor(std::sqrt(std::max(0.0, rest)) / cell_m));
    }
    // Exponential-decay kernel truncated at cutoff·d_cool, normalised to sum 1.
    const auto kr = static_cast<std::ptrdiff_t>(
        std::floor(params.kernel_cutoff * params.cooling_distance_m / cell_m));
    const auto kw = static_cast<std::size_t>(2 * kr + 1);
    ws.kernel.assign(kw * kw, 0.0F);
    double kernel_sum = 0.0;
    for (std::ptrdiff_t dy = -kr; dy <= kr; ++dy) {
        for (std::ptrdiff_t dx = -kr; dx <= kr; ++dx) {
            const double d = cell_m * std::sqrt(static_cast<double>(dx * dx + dy * dy));
            if (d <= params.kernel_cutoff * params.cooling_distance_m) {
                kernel_sum += std::exp(-d / params.cooling_distance_m);
            }
        }
    }
    // Half width of the kernel's disk per row offset: the loops skip the zero corners.
    std::vector<std::ptrdiff_t> kernel_half_width(static_cast<std::size_t>(kr) + 1, 0);
    for (std::ptrdiff_t dy = -kr; dy <= kr; ++dy) {
        for (std::ptrdiff_t dx = -kr; dx <= kr; ++dx) {
            const double d = cell_m * std::sqrt(static_cast<double>(dx * dx + dy * dy));
            if (d <= params.kernel_cutoff * params.cooling_distance_m) {
                auto& hw = kernel_half_width[static_cast<std::size_t>(std::abs(dy))];
                hw = std::max(hw, std::abs(dx));
                const std::size_t k =
                    static_cast<std::size_t>(dy + kr) * kw + static_cast<std::size_t>(dx + kr);
                ws.kernel[k] =
                    static_cast<float>(std::exp(-d / params.cooling_distance_m) / kernel_sum);
            }
        }
    }
    const auto n_rows = static_cast<std::ptrdiff_t>(rows);
    const auto n_cols = static_cast<std::ptrdiff_t>(cols);
#pragma omp parallel for schedule(dynamic, 8)
    for (std::ptrdiff_t r = 0; r < n_rows; ++r) {
        for (std::ptrdiff_t c = 0; c < n_cols; ++c) {
            const auto ur = static_cast<std::size_t>(r);
            const auto uc = static_cast<std::size_t>(c);
            if (!mask.has_data(ur, uc)) {
                green_area_m2(ur, uc) = no_data_value<float>;
                hm(ur, uc) = no_data_value<float>;
                continue;
            }
            std::uint64_t count = 0;
            for (std::ptrdiff_t dy = -disk_r; dy <= disk_r; ++dy) {
                const std::ptrdiff_t rr = r + dy;
                if (rr < 0 || rr >= n_rows) {
                    continue;
                }
                const std::ptrdiff_t w = half_width[static_cast<std::size_t>(std::abs(dy))];
                const std::ptrdiff_t c0 = std::max<std::ptrdiff_t>(0, c - w);
                const std::ptrdiff_t c1 = std::min<std::ptrdiff_t>(n_cols - 1, c + w);
                const std::uint32_t* p =
                    ws.green_prefix.data() + static_cast<std::size_t>(rr) * (cols + 1);
                count += p[c1 + 1] - p[c0];
            }
            const double area = static_cast<double>(count) * cell_area_m2;
            green_area_m2(ur, uc) = static_cast<float>(area);
            const double own = static_cast<double>(cc(ur, uc));
            double value = own;
            if (area >= params.min_green_area_m2) {
                // Direct convolution, one dot product per kernel row (float within a row, the
                // rows summed in double). The summation order depends only on the cell, so the
                // result does not depend on the thread count.
                double park = 0.0;
                for (std::ptrdiff_t dy = -kr; dy <= kr; ++dy) {
                    const std::ptrdiff_t rr = r + dy;
                    if (rr < 0 || rr >= n_rows) {
                        continue;
                    }
                    const std::ptrdiff_t hw =
                        kernel_half_width[static_cast<std::size_t>(std::abs(dy))];
                    const std::ptrdiff_t c0 = std::max<std::ptrdiff_t>(0, c - hw);
                    const std::ptrdiff_t c1 = std::min<std::ptrdiff_t>(n_cols - 1, c + hw);
                    const float* krow = ws.kernel.data() +
                                        static_cast<std::size_t>(dy + kr) * kw +
                                        static_cast<std::size_t>(c0 - c + kr);
                    const float* src = ws.source.data() + static_cast<std::size_t>(rr) * cols +
                                       static_cast<std::size_t>(c0);
                    const auto n = static_cast<std::size_t>(c1 - c0 + 1);
                    float row_sum = 0.0F;
#pragma omp simd reduction(+ : row_sum)
                    for (std::size_t k = 0; k < n; ++k) {
                        row_sum += krow[k] * src[k];
                    }
                    park += static_cast<double>(row_sum);
                }
                value = std::max(own, park);
            }
            hm(ur, uc) = static_cast<float>(value);
        }
    }
}

} // namespace lauter::kernels::thermal
