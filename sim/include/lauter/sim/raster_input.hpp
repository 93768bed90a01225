#pragma once
/// @file raster_input.hpp
/// Reading any GDAL raster (GeoTIFF, ASCII grid, SRTM .hgt, netCDF, VRT, ...) into a Raster<float>
/// plus a CellMask, natively or warped (reprojected and resampled) onto a study grid.
///
/// No-data: the file's no-data value and NaN become CellStatus::no_data in the mask; the value
/// there is NaN (never a sentinel). Target cells outside the source's coverage are no_data too.
/// Every error is an InputError (or ConfigError for a bad CRS text) naming the file.

#include <lauter/kernels/grid.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lauter::sim {

/// Resampling used when warping (GDAL's algorithms of the same names).
enum class Resampling { nearest, bilinear, cubic, cubic_spline, average, mode };

/// Scenario names ("nearest", "bilinear", "cubic", "cubic_spline", "average", "mode").
[[nodiscard]] std::string_view resampling_name(Resampling r) noexcept;
[[nodiscard]] std::optional<Resampling> resampling_from_name(std::string_view name) noexcept;

/// Values and validity of one raster band on one grid.
struct RasterLayer {
    kernels::Raster<float> values; ///< NaN where the mask says no_data
    kernels::CellMask mask;        ///< active where the file has a value, else no_data
};

/// The scenario key that states a raster's CRS when the file lacks one; named in error messages.
inline constexpr std::string_view default_crs_key = "inputs.dem_crs";

/// Reads band `band` (1-based) on the file's own grid. `assumed_crs` (any normalize_crs input)
/// is required when the file has no CRS and overrides the file's CRS otherwise (with a warning
/// when they differ). Rotated or south-up rasters are warped (nearest neighbour) onto their
/// north-up bounding grid.
[[nodiscard]] RasterLayer read_raster(const std::filesystem::path& path, int band = 1,
                                      const std::optional<std::string>& assumed_crs = {},
                                      std::string_view crs_key = default_crs_key);

/// Reprojects and resamples band `band` onto `target` (whose crs_wkt must be set) with the GDAL
/// warper (multithreaded). Throws InputError if the file does not overlap the target grid or has
/// no valid value inside it.
[[nodiscard]] RasterLayer warp_raster_to_grid(const std::filesystem::path& path,
                                              const kernels::GridSpec& target,
                                              Resampling resampling,
                                              const std::optional<std::string>& assumed_crs = {},
                                              int band = 1,
                                              std::string_view crs_key = default_crs_key);

/// The file's grid (shape, cell size, corner, CRS as WKT2) without reading data. For rotated or
/// south-up files: the north-up grid that bounds them at about the same resolution.
[[nodiscard]] kernels::GridSpec raster_grid_of(const std::filesystem::path& path,
                                               const std::optional<std::string>& assumed_crs = {},
                                               std::string_view crs_key = default_crs_key);

} // namespace lauter::sim
