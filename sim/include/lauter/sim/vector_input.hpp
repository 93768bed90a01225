#pragma once
/// @file vector_input.hpp
/// Polygons from any OGR vector source (GeoPackage, Shapefile, GeoJSON, ...) or from an Osmosis
/// .poly boundary file (which GDAL cannot read), reprojected into the study grid's CRS; the study
/// mask and the study extent derived from them.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/rasterize.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim {

/// Polygons in map coordinates (x = easting or longitude, y = northing or latitude).
/// Each Polygon is filled by the even-odd rule of its rings; the set is their union.
struct PolygonLayer {
    std::vector<kernels::Polygon> polygons;
    std::string crs_wkt; ///< WKT2 of the coordinates
};

/// Reads an Osmosis polygon filter file (.poly): a name line, then sections of "lon lat" lines
/// (WGS84) each closed by END, hole sections named with a leading '!', and a final END.
/// The whole file is one Polygon (outer rings and holes, even-odd), in EPSG:4326 lon/lat.
/// InputError with the line number on malformed content.
[[nodiscard]] PolygonLayer read_osmosis_poly(const std::filesystem::path& path);

/// Reads every polygon of a vector file and reprojects it to `target_crs` (WKT or any
/// normalize_crs input). `.poly` files go to read_osmosis_poly. `layer`: layer name (default: the
/// first layer). `assumed_crs` is used when the layer has no CRS; without it such a layer is an
/// InputError that names `crs_key`. Non-polygon geometries are skipped; no polygon at all is an
/// InputError.
[[nodiscard]] PolygonLayer read_polygons(const std::filesystem::path& path,
                                         const std::string& target_crs,
                                         const std::optional<std::string>& layer = {},
                                         const std::optional<std::string>& assumed_crs = {},
                                         std::string_view crs_key = "study_area.boundary_crs");

/// Reprojects a polygon layer (e.g. from read_osmosis_poly) to `target_crs`.
[[nodiscard]] PolygonLayer reproject(const PolygonLayer& layer, const std::string& target_crs);

/// Cells whose centre lies inside the union of `polygons` (in the grid's CRS) are active, all
/// others no_data.
[[nodiscard]] kernels::CellMask mask_from_boundary(const std::vector<kernels::Polygon>& polygons,
                                                   const kernels::GridSpec& grid);

/// Converts map coordinates of the grid's CRS to continuous grid coordinates (x = column,
/// y = row), as the rasterization kernels expect.
[[nodiscard]] kernels::Polygon to_grid_coordinates(const kernels::Polygon& polygon,
                                                   const kernels::GridSpec& grid);

/// A study grid with square cells of `cell_size_m` covering the bounding box of `layer`, its
/// edges snapped outward to multiples of the cell size. The layer must be in the wanted CRS.
[[nodiscard]] kernels::GridSpec extent_of(const PolygonLayer& layer, double cell_size_m);

/// The same for a vector file, reprojected to `target_crs` first.
[[nodiscard]] kernels::GridSpec extent_of(const std::filesystem::path& path,
                                          const std::string& target_crs, double cell_size_m,
                                          const std::optional<std::string>& layer = {});

/// Polygons, lines and points in map coordinates of one CRS (e.g. a scenario modification's
/// geometry: an area, tree rows, a bike-lane axis).
struct VectorGeometries {
    std::vector<kernels::Polygon> polygons;
    std::vector<std::vector<kernels::Point2>> lines; ///< polylines, vertices in order
    std::vector<kernels::Point2> points;
    std::string crs_wkt;

    [[nodiscard]] bool empty() const noexcept {
        return polygons.empty() && lines.empty() && points.empty();
    }
};

/// The kind of a WKT text's geometry without reading it further: "polygon" (Polygon,
/// MultiPolygon), "line" (LineString, MultiLineString), "point" (Point, MultiPoint), "mixed"
/// (a GeometryCollection) or "" when GDAL cannot parse the text; `problem` then holds why.
[[nodiscard]] std::string wkt_geometry_kind(std::string_view wkt, std::string& problem);

/// Parses `wkt` (coordinates in `wkt_crs`, any CRS input GDAL understands; for EPSG:4326 x is
/// the longitude) and reprojects it to `target_crs`. InputError naming `what` if it cannot be
/// parsed or transformed.
[[nodiscard]] VectorGeometries geometries_from_wkt(std::string_view wkt, const std::string& wkt_crs,
                                                   const std::string& target_crs,
                                                   const std::string& what);

/// Every geometry of a layer of a vector file (any OGR format; default: the first layer),
/// optionally only the features matching the OGR SQL attribute filter `where`, reprojected to
/// `target_crs`. InputError naming `what` for an unreadable file, a missing layer, a bad filter,
/// a layer without CRS, or no geometry at all.
[[nodiscard]] VectorGeometries read_geometries(const std::filesystem::path& path,
                                               const std::string& target_crs,
                                               const std::optional<std::string>& layer,
                                               const std::optional<std::string>& where,
                                               const std::string& what);

} // namespace lauter::sim
