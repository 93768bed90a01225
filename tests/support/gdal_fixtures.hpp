#pragma once
// Test helpers that need GDAL/OGR: CRS texts, coordinate transformations, writing small rasters
// as test input and reading rasters back. Kept apart from test_support.hpp so that tests without
// GDAL do not include its headers.

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lauter::test {

/// The WKT2 (2018) text of an EPSG code.
std::string wkt_of_epsg(int epsg);

/// True if `srs` is set and describes the same CRS as `epsg` (OGR's IsSame).
bool is_epsg(const OGRSpatialReference* srs, int epsg);

/// A transformation between two EPSG codes with x = easting or longitude and y = northing or
/// latitude (traditional GIS order, whatever the axis order of the EPSG definition).
std::unique_ptr<OGRCoordinateTransformation> epsg_transform(int from_epsg, int to_epsg);

/// Closes a GDAL dataset held by a std::unique_ptr.
struct GdalDatasetCloser {
    void operator()(GDALDataset* dataset) const noexcept;
};
using GdalDatasetPtr = std::unique_ptr<GDALDataset, GdalDatasetCloser>;

/// Opens a raster read-only; null if GDAL cannot open it.
GdalDatasetPtr open_raster(const std::filesystem::path& path);

/// The whole band `band` (1-based) of `dataset`, row-major as stored, converted to T
/// (float or std::uint8_t).
template <typename T> std::vector<T> read_band(GDALDataset& dataset, int band = 1);

/// A one-band Float32 raster to write as test input.
struct TestRaster {
    int cols = 0;
    int rows = 0;
    std::array<double, 6> geotransform{}; ///< GDAL order: x0, dx, 0, y0, 0, dy
    std::string crs;                      ///< any text GDAL understands; empty: no CRS
    std::vector<float> values;            ///< rows * cols, row-major
    std::optional<double> no_data;        ///< the band's no-data value, if any
};

/// Writes `raster` to `path` with the GDAL driver `driver` ("GTiff", "AAIGrid", ...) through an
/// in-memory copy, so that drivers without Create() work as well.
void write_test_raster(const std::filesystem::path& path, const std::string& driver,
                       const TestRaster& raster);

} // namespace lauter::test
