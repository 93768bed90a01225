#include <lauter/kernels/terrain/slope.hpp>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace lauter::kernels::terrain {

namespace {

constexpr double rad_to_deg = 180.0 / std::numbers::pi;

bool usable(RasterView<const float> z, const CellMask& mask, std::ptrdiff_t r,
            std::ptrdiff_t c) noexcept {
    return z.spec().contains(r, c) &&
           mask.has_data(static_cast<std::size_t>(r), static_cast<std::size_t>(c));
}

/// Value of neighbour (row+dr, col+dc) or, when it has no data, its linear extrapolation:
/// 2e - opposite when the opposite neighbour has data; for a diagonal neighbour whose opposite
/// is missing too (a corner of the data), the sum of the two axis increments, each itself taken
/// from the axis neighbour or its extrapolation; the centre value when nothing is available
/// along an axis (zero gradient there). Every fallback is exact on a plane.
double neighbour_or_extrapolated(RasterView<const float> z, const CellMask& mask, std::size_t row,
                                 std::size_t col, int dr, int dc, double centre) noexcept {
    const auto r = static_cast<std::ptrdiff_t>(row) + dr;
    const auto c = static_cast<std::ptrdiff_t>(col) + dc;
    if (usable(z, mask, r, c)) {
        return z(static_cast<std::size_t>(r), static_cast<std::size_t>(c));
    }
    const auto ro = static_cast<std::ptrdiff_t>(row) - dr;
    const auto co = static_cast<std::ptrdiff_t>(col) - dc;
    if (usable(z, mask, ro, co)) {
        return 2.0 * centre -
               static_cast<double>(z(static_cast<std::size_t>(ro), static_cast<std::size_t>(co)));
    }
    if (dr != 0 && dc != 0) {
        const double along_col = neighbour_or_extrapolated(z, mask, row, col, 0, dc, centre);
        const double along_row = neighbour_or_extrapolated(z, mask, row, col, dr, 0, centre);
        return along_col + along_row - centre;
    }
    return centre;
}

template <typename CellFunction>
void for_each_cell(RasterView<const float> elevation_m, const CellMask& mask, RasterView<float> out,
                   const char* what, CellFunction&& f) {
    require_same_shape(elevation_m.spec(), mask.spec(), what);
    require_same_shape(elevation_m.spec(), out.spec(), what);
    const auto rows = static_cast<std::ptrdiff_t>(elevation_m.rows());
    const std::size_t cols = elevation_m.cols();
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        for (std::size_t col = 0; col < cols; ++col) {
            out(row, col) = mask.has_data(row, col)
                                ? static_cast<float>(f(horn_gradient(elevation_m, mask, row, col)))
                                : no_data_value<float>;
        }
    }
}

} // namespace

Gradient horn_gradient(RasterView<const float> z, const CellMask& mask, std::size_t row,
                       std::size_t col) noexcept {
    const double e = static_cast<double>(z(row, col));
    auto at = [&](int dr, int dc) { return neighbour_or_extrapolated(z, mask, row, col, dr, dc, e); };
    const double a = at(-1, -1);
    const double b = at(-1, 0);
    const double c = at(-1, 1);
    const double d = at(0, -1);
    const double f = at(0, 1);
    const double g = at(1, -1);
    const double h = at(1, 0);
    const double i = at(1, 1);
    const GridSpec& spec = z.spec();
    Gradient grad;
    grad.dz_dx = ((c + 2.0 * f + i) - (a + 2.0 * d + g)) / (8.0 * spec.cell_size_x_m);
    grad.dz_dy = ((a + 2.0 * b + c) - (g + 2.0 * h + i)) / (8.0 * spec.cell_size_y_m);
    return grad;
}

void compute_slope_deg(RasterView<const float> elevation_m, const CellMask& mask,
                       RasterView<float> slope_deg) {
    for_each_cell(elevation_m, mask, slope_deg, "compute_slope_deg", [](const Gradient& g) {
        return std::atan(std::hypot(g.dz_dx, g.dz_dy)) * rad_to_deg;
    });
}

void compute_aspect_deg(RasterView<const float> elevation_m, const CellMask& mask,
                        RasterView<float> aspect_deg) {
    for_each_cell(elevation_m, mask, aspect_deg, "compute_aspect_deg", [](const Gradient& g) {
        if (g.dz_dx == 0.0 && g.dz_dy == 0.0) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        // The downslope direction is -grad z; its compass bearing is atan2(east, north).
        double bearing = std::atan2(-g.dz_dx, -g.dz_dy) * rad_to_deg;
        if (bearing < 0.0) {
            bearing += 360.0;
        }
        return bearing;
    });
}

void compute_hillshade(RasterView<const float> elevation_m, const CellMask& mask,
                       RasterView<float> hillshade, const HillshadeParams& params) {
    if (!(params.sun_altitude_deg >= 0.0 && params.sun_altitude_deg <= 90.0)) {
        throw std::invalid_argument("compute_hillshade: sun altitude must be within 0..90 degrees");
    }
    const double zenith = (90.0 - params.sun_altitude_deg) / rad_to_deg;
    const double azimuth = params.sun_azimuth_deg / rad_to_deg;
    const double z_factor = params.z_factor;
    for_each_cell(elevation_m, mask, hillshade, "compute_hillshade", [&](const Gradient& g) {
        const double gx = g.dz_dx * z_factor;
        const double gy = g.dz_dy * z_factor;
        const double slope = std::atan(std::hypot(gx, gy));
        const double aspect = std::atan2(-gx, -gy); // bearing of the downslope direction
        const double shade = std::cos(zenith) * std::cos(slope) +
                             std::sin(zenith) * std::sin(slope) * std::cos(azimuth - aspect);
        return std::max(0.0, shade);
    });
}

} // namespace lauter::kernels::terrain
