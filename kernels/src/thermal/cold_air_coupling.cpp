// Cold-air reduction of the night heat island; see cold_air_coupling.hpp.
#include <lauter/kernels/thermal/cold_air_coupling.hpp>

#include <cmath>
#include <stdexcept>

namespace lauter::kernels::thermal {

double cold_air_uhi_share(double regional_wind_m_per_s, double cold_air_speed_m_per_s) noexcept {
    if (!(cold_air_speed_m_per_s > 0.0) || !(regional_wind_m_per_s > 0.0)) {
        return 0.0;
    }
    // U / U_eff with U_eff = sqrt(U² + u_c²) (file comment); hypot avoids overflow.
    const double ratio =
        regional_wind_m_per_s / std::hypot(regional_wind_m_per_s, cold_air_speed_m_per_s);
    return 1.0 - std::sqrt(std::sqrt(ratio));
}

void compute_cold_air_uhi_share(RasterView<const float> cold_air_speed_m_per_s,
                                RasterView<const float> cold_air_depth_m, const CellMask& mask,
                                const ColdAirCouplingParams& params,
                                RasterView<float> cold_air_share) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, cold_air_speed_m_per_s.spec(), "compute_cold_air_uhi_share (speed)");
    require_same_shape(g, cold_air_depth_m.spec(), "compute_cold_air_uhi_share (depth)");
    require_same_shape(g, cold_air_share.spec(), "compute_cold_air_uhi_share (output)");
    if (!(params.regional_wind_m_per_s > 0.0) || !(params.min_depth_m >= 0.0)) {
        throw std::invalid_argument("compute_cold_air_uhi_share: needs a regional wind > 0 and "
                                    "a minimum depth >= 0");
    }
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            if (!mask.has_data(r, c)) {
                cold_air_share(r, c) = no_data_value<float>;
                continue;
            }
            const double depth = static_cast<double>(cold_air_depth_m(r, c));
            // NaN depth fails the comparison: no cold-air data, no reduction.
            cold_air_share(r, c) =
                depth > params.min_depth_m
                    ? static_cast<float>(cold_air_uhi_share(
                          params.regional_wind_m_per_s,
                          static_cast<double>(cold_air_speed_m_per_s(r, c))))
                    : 0.0F;
        }
    }
}

void sample_containing_cell(RasterView<const float> coarse, const CellMask& coarse_mask,
                            const CellMask& fine_mask, RasterView<float> fine) {
    const GridSpec& cg = coarse_mask.spec();
    const GridSpec& fg = fine_mask.spec();
    require_same_shape(cg, coarse.spec(), "sample_containing_cell (coarse)");
    require_same_shape(fg, fine.spec(), "sample_containing_cell (fine)");
    const std::size_t rows = fg.rows;
    const std::size_t cols = fg.cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        // Rows cover (y0 - (row+1)·dy, y0 - row·dy] and columns [x0 + col·dx, x0 + (col+1)·dx)
        // (grid.hpp), so a centre on a row boundary belongs to the northern row.
        const double cr = std::ceil(cg.row_coordinate(fg.cell_centre_y(r))) - 1.0;
        for (std::size_t c = 0; c < cols; ++c) {
            const double cc = std::floor(cg.col_coordinate(fg.cell_centre_x(c)));
            float value = no_data_value<float>;
            if (fine_mask.has_data(r, c) && cr >= 0.0 && cc >= 0.0 &&
                cr < static_cast<double>(cg.rows) && cc < static_cast<double>(cg.cols)) {
                const auto row = static_cast<std::size_t>(cr);
                const auto col = static_cast<std::size_t>(cc);
                if (coarse_mask.has_data(row, col)) {
                    value = coarse(row, col);
                }
            }
            fine(r, c) = value;
        }
    }
}

} // namespace lauter::kernels::thermal
