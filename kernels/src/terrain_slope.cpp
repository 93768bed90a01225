#include <lauter/kernels/terrain/slope.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <stdexcept>
#include <vector>

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

/// 1 / (8 dx) and 1 / (8 dy) of Horn's differences, computed once per call.
struct HornScale {
    double inv_8dx = 0.0;
    double inv_8dy = 0.0;
};

HornScale horn_scale(const GridSpec& spec) noexcept {
    return {1.0 / (8.0 * spec.cell_size_x_m), 1.0 / (8.0 * spec.cell_size_y_m)};
}

/// Horn's weighted differences on the eight neighbours (a b c / d . f / g h i, row 0 north).
/// Both the direct and the careful path end here, so that the same window gives bitwise the
/// same gradient whichever path produced it.
inline Gradient horn_from_window(double a, double b, double c, double d, double f, double g,
                                 double h, double i, HornScale scale) noexcept {
    Gradient grad;
    grad.dz_dx = ((c + 2.0 * f + i) - (a + 2.0 * d + g)) * scale.inv_8dx;
    grad.dz_dy = ((a + 2.0 * b + c) - (g + 2.0 * h + i)) * scale.inv_8dy;
    return grad;
}

/// The careful path: every neighbour through bounds and mask checks, with extrapolation.
Gradient careful_gradient(RasterView<const float> z, const CellMask& mask, std::size_t row,
                          std::size_t col, HornScale scale) noexcept {
    const double e = static_cast<double>(z(row, col));
    auto at = [&](int dr, int dc) {
        return neighbour_or_extrapolated(z, mask, row, col, dr, dc, e);
    };
    return horn_from_window(at(-1, -1), at(-1, 0), at(-1, 1), at(0, -1), at(0, 1), at(1, -1),
                            at(1, 0), at(1, 1), scale);
}

/// The direct path: the window read from three row pointers, for a cell whose eight
/// neighbours are inside the grid and have data (no checks, no extrapolation).
inline Gradient direct_gradient(const float* above, const float* centre, const float* below,
                                std::size_t col, HornScale scale) noexcept {
    auto v = [](const float* row, std::size_t k) { return static_cast<double>(row[k]); };
    return horn_from_window(v(above, col - 1), v(above, col), v(above, col + 1),
                            v(centre, col - 1), v(centre, col + 1), v(below, col - 1),
                            v(below, col), v(below, col + 1), scale);
}

static_assert(static_cast<int>(CellStatus::no_data) == 0 && sizeof(CellStatus) == 1,
              "row_has_all_data scans the mask bytes for the value 0");

bool row_has_all_data(const CellStatus* mask_row, std::size_t cols) noexcept {
    return std::memchr(mask_row, 0, cols) == nullptr;
}

/// Applies f to the Horn gradient of every cell with data and writes NaN elsewhere.
/// Rows whose own mask row and both neighbouring mask rows are complete (the usual case: a DEM
/// without holes) take the direct path for all but their first and last cell, in a loop without
/// branches; other rows decide per cell from the nine mask bytes of its window. Grid edges and
/// cells next to no-data always take the careful path. Each output cell depends only on the
/// input, so the result does not depend on the number of threads.
template <typename CellFunction>
void for_each_cell(RasterView<const float> elevation_m, const CellMask& mask, RasterView<float> out,
                   const char* what, CellFunction&& f) {
    require_same_shape(elevation_m.spec(), mask.spec(), what);
    require_same_shape(elevation_m.spec(), out.spec(), what);
    const std::size_t rows = elevation_m.rows();
    const std::size_t cols = elevation_m.cols();
    const HornScale scale = horn_scale(elevation_m.spec());
    const CellStatus* mask_data = mask.raster().data(); // contiguous, row stride = cols
    const auto rows_signed = static_cast<std::ptrdiff_t>(rows);

    std::vector<unsigned char> complete(rows, 0);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows_signed; ++r) {
        const auto row = static_cast<std::size_t>(r);
        complete[row] = row_has_all_data(mask_data + row * cols, cols) ? 1 : 0;
    }

    auto careful = [&](std::size_t row, std::size_t col) {
        return static_cast<float>(f(careful_gradient(elevation_m, mask, row, col, scale)));
    };
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows_signed; ++r) {
        const auto row = static_cast<std::size_t>(r);
        float* out_row = out.row(row).data();
        const bool interior_row = row > 0 && row + 1 < rows && cols >= 3;
        if (!interior_row) {
            for (std::size_t col = 0; col < cols; ++col) {
                out_row[col] = mask_data[row * cols + col] != CellStatus::no_data
                                   ? careful(row, col)
                                   : no_data_value<float>;
            }
            continue;
        }
        const float* above = elevation_m.row(row - 1).data();
        const float* centre = elevation_m.row(row).data();
        const float* below = elevation_m.row(row + 1).data();
        if (complete[row - 1] != 0 && complete[row] != 0 && complete[row + 1] != 0) {
            out_row[0] = careful(row, 0);
            for (std::size_t col = 1; col + 1 < cols; ++col) {
                out_row[col] = static_cast<float>(f(direct_gradient(above, centre, below, col,
                                                                    scale)));
            }
            out_row[cols - 1] = careful(row, cols - 1);
            continue;
        }
        const CellStatus* m_above = mask_data + (row - 1) * cols;
        const CellStatus* m_centre = mask_data + row * cols;
        const CellStatus* m_below = mask_data + (row + 1) * cols;
        auto has = [](const CellStatus* m, std::size_t k) { return m[k] != CellStatus::no_data; };
        for (std::size_t col = 0; col < cols; ++col) {
            if (!has(m_centre, col)) {
                out_row[col] = no_data_value<float>;
                continue;
            }
            const bool direct = col > 0 && col + 1 < cols && has(m_above, col - 1) &&
                                has(m_above, col) && has(m_above, col + 1) &&
                                has(m_centre, col - 1) && has(m_centre, col + 1) &&
                                has(m_below, col - 1) && has(m_below, col) &&
                                has(m_below, col + 1);
            out_row[col] =
                direct ? static_cast<float>(f(direct_gradient(above, centre, below, col, scale)))
                       : careful(row, col);
        }
    }
}

/// Length of the gradient. The components come from differences of finite floats divided by
/// the cell size, so their squares cannot overflow a double and std::hypot's rescaling (several
/// times slower) buys nothing here.
inline double gradient_norm(double gx, double gy) noexcept {
    return std::sqrt(gx * gx + gy * gy);
}

} // namespace

Gradient horn_gradient(RasterView<const float> z, const CellMask& mask, std::size_t row,
                       std::size_t col) noexcept {
    return careful_gradient(z, mask, row, col, horn_scale(z.spec()));
}

void compute_slope_deg(RasterView<const float> elevation_m, const CellMask& mask,
                       RasterView<float> slope_deg) {
    for_each_cell(elevation_m, mask, slope_deg, "compute_slope_deg", [](const Gradient& g) {
        return std::atan(gradient_norm(g.dz_dx, g.dz_dy)) * rad_to_deg;
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
    // shade = cos(zenith) cos(slope) + sin(zenith) sin(slope) cos(azimuth - aspect) is the
    // cosine of the angle between the surface normal and the direction to the sun (Horn 1981,
    // reflectance map of a Lambertian surface). With the gradient (gx, gy) (east, north) and
    // G = |(gx, gy)|: tan(slope) = G, so cos(slope) = 1 / sqrt(1 + G^2) and
    // sin(slope) = G / sqrt(1 + G^2); the downslope bearing has sin(aspect) = -gx / G and
    // cos(aspect) = -gy / G, so
    //     G cos(azimuth - aspect) = G (cos az cos aspect + sin az sin aspect)
    //                             = -(gx sin az + gy cos az).
    // Hence shade = (cos(zenith) - sin(zenith) (gx sin az + gy cos az)) / sqrt(1 + G^2):
    // one square root per cell instead of atan, atan2 and three cosines, and no special case
    // for flat cells (G = 0, where the aspect is undefined but its term vanishes).
    const double zenith = (90.0 - params.sun_altitude_deg) / rad_to_deg;
    const double azimuth = params.sun_azimuth_deg / rad_to_deg;
    const double cos_zenith = std::cos(zenith);
    const double sun_east = std::sin(zenith) * std::sin(azimuth);
    const double sun_north = std::sin(zenith) * std::cos(azimuth);
    const double z_factor = params.z_factor;
    for_each_cell(elevation_m, mask, hillshade, "compute_hillshade", [=](const Gradient& g) {
        const double gx = g.dz_dx * z_factor;
        const double gy = g.dz_dy * z_factor;
        const double shade =
            (cos_zenith - (gx * sun_east + gy * sun_north)) / std::sqrt(1.0 + gx * gx + gy * gy);
        return std::max(0.0, shade);
    });
}

} // namespace lauter::kernels::terrain
