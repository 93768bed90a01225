#pragma once
// Test helpers that need GDAL/OGR: CRS texts, coordinate transformations, writing small rasters
// as test input and reading rasters back. Kept apart from test_support.hpp so that tests without
// GDAL do not include its headers.

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
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

/// A square-celled EPSG:25832 raster of `rows` x `cols` cells of `cell_m` with its upper-left
/// corner at (x0, y0); cell (r, c) holds value(column-centre offset, row-centre offset) in metres
/// from that corner, i.e. value((c + 0.5) cell_m, (r + 0.5) cell_m).
TestRaster utm_test_raster(int rows, int cols, double cell_m, double x0, double y0,
                           const std::function<double(double, double)>& value);

/// Writes `raster` to `path` with the GDAL driver `driver` ("GTiff", "AAIGrid", ...) through an
/// in-memory copy, so that drivers without Create() work as well.
void write_test_raster(const std::filesystem::path& path, const std::string& driver,
                       const TestRaster& raster);

/// Writes a small OSM XML file whose features are given in UTM 32N (EPSG:25832) metres.
class OsmXmlWriter {
public:
    OsmXmlWriter();
    /// Adds a node; returns its id.
    long node(double x, double y, const std::string& tags = "");
    /// Adds a way through `refs`; its id is `way_id`, or the next free id if 0. Returns the id.
    long way(const std::vector<long>& refs, const std::string& tags, long way_id = 0);
    /// Adds a closed rectangular way with corners (x0, y0) and (x1, y1); returns its id.
    long rectangle(double x0, double y0, double x1, double y1, const std::string& tags,
                   long way_id = 0);
    [[nodiscard]] std::string text() const;

private:
    std::unique_ptr<OGRCoordinateTransformation> ct_;
    std::ostringstream nodes_;
    std::ostringstream ways_;
    long next_id_ = 1;
};

/// An OSM tag element.
std::string osm_tag(const std::string& key, const std::string& value);

/// The inputs of the cold-air settlement tests, written to `dir` as dem.tif and area.osm: a
/// slope of 40 x 40 cells of 10 m from the upper-left corner (410000, 5475400), falling 0.5 m per
/// column (5 %) to the east, with a built quarter on its lower, eastern 120 m (four 80 m x 60 m
/// blocks, `building=<building_value>`, 20 m high, on a parking area); the slope above stays
/// unmapped open land, which produces cold air.
void write_cold_air_slope_inputs(const std::filesystem::path& dir,
                                 const std::string& building_value);

/// The head of a scenario on those inputs, up to and including `models:` with the terrain model
/// off; callers append their models.
std::string cold_air_slope_scenario_head();

} // namespace lauter::test
