#pragma once
/// @file slope.hpp
/// Slope, aspect and hillshade from a DEM with Horn's (1981) third-order finite difference.
///
/// Horn, B. K. P. (1981): Hill shading and the reflectance map. Proc. IEEE 69(1), 14-47.
/// The 3x3 window     a b c
///                    d e f      dz/dx = ((c + 2f + i) - (a + 2d + g)) / (8 dx)
///                    g h i      dz/dy = ((g + 2h + i) - (a + 2b + c)) / (8 dy)   (y grows north)
/// with row 0 at the northern edge. A neighbour outside the grid or without data is replaced by
/// linear extrapolation through the centre from the opposite neighbour (2e - opposite); a
/// diagonal neighbour whose opposite is missing too (at a corner of the data) by the sum of the
/// two axis increments (e.g. c = b + f - e, each extrapolated the same way if missing); an axis
/// neighbour whose opposite is missing by the centre value (zero gradient along that axis, e.g. in
/// a one-cell-wide strip). A plane therefore keeps its exact slope up to the edges and corners of
/// the data. Cells without data get NaN.
///
/// Cost: O(cells). Cells whose eight neighbours are inside the grid and have data (all interior
/// cells of a DEM without holes) read their window directly from three rows; only cells at the
/// grid edge or next to no-data go through the checks and extrapolation above. Both paths end in
/// the same arithmetic, so a window gives the same result whichever path read it.
///
/// Threading: OpenMP over rows; each output cell depends only on the input, so results are
/// bitwise identical for any thread count.

#include <lauter/kernels/grid.hpp>

namespace lauter::kernels::terrain {

/// Parameters of the hillshade (defaults are those of gdaldem and ArcGIS).
struct HillshadeParams {
    double sun_azimuth_deg = 315.0;  ///< direction the light comes from, clockwise from north
    double sun_altitude_deg = 45.0;  ///< sun elevation above the horizon
    double z_factor = 1.0;           ///< vertical exaggeration (elevation units per CRS unit)
};

/// Slope angle in degrees (0 = flat, 90 = vertical).
void compute_slope_deg(RasterView<const float> elevation_m, const CellMask& mask,
                       RasterView<float> slope_deg);

/// Aspect in degrees clockwise from north of the downslope direction (0 = faces north,
/// 90 = faces east); NaN on flat cells, where it is undefined.
void compute_aspect_deg(RasterView<const float> elevation_m, const CellMask& mask,
                        RasterView<float> aspect_deg);

/// Hillshade, 0 (in shadow of its own slope) to 1 (facing the sun); no cast shadows.
/// shade = cos(zenith) cos(slope) + sin(zenith) sin(slope) cos(azimuth - aspect).
void compute_hillshade(RasterView<const float> elevation_m, const CellMask& mask,
                       RasterView<float> hillshade, const HillshadeParams& params = {});

/// Horn gradient at one cell: dz/dx (east) and dz/dy (north), in elevation units per CRS unit.
struct Gradient {
    double dz_dx = 0.0;
    double dz_dy = 0.0;
};
[[nodiscard]] Gradient horn_gradient(RasterView<const float> elevation_m, const CellMask& mask,
                                     std::size_t row, std::size_t col) noexcept;

} // namespace lauter::kernels::terrain
