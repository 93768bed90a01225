#include <lauter/sim/vector_input.hpp>

#include "gdal_support.hpp"

#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>

namespace lauter::sim {

using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::Point2;
using kernels::Polygon;
using kernels::Ring;

namespace {

std::string quoted(const std::filesystem::path& p) {
    std::string q(1, '\'');
    q += p.string();
    q += '\'';
    return q;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool has_extension(const std::filesystem::path& p, std::string_view ext) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e == ext;
}

Ring ring_of(const OGRLinearRing& r) {
    Ring ring;
    ring.reserve(static_cast<std::size_t>(r.getNumPoints()));
    for (int i = 0; i < r.getNumPoints(); ++i) {
        ring.push_back({r.getX(i), r.getY(i)});
    }
    return ring;
}

void append_polygons(const OGRGeometry* g, std::vector<Polygon>& out) {
    if (g == nullptr) {
        return;
    }
    switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon: {
        const auto* p = g->toPolygon();
        if (p->getExteriorRing() == nullptr) {
            return;
        }
        Polygon poly;
        poly.rings.push_back(ring_of(*p->getExteriorRing()));
        for (int i = 0; i < p->getNumInteriorRings(); ++i) {
            poly.rings.push_back(ring_of(*p->getInteriorRing(i)));
        }
        out.push_back(std::move(poly));
        return;
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
        const auto* c = g->toGeometryCollection();
        for (int i = 0; i < c->getNumGeometries(); ++i) {
            append_polygons(c->getGeometryRef(i), out);
        }
        return;
    }
    default:
        return;
    }
}

/// Appends the polygons, lines and points of `g` (collections recursively).
void append_geometries(const OGRGeometry* g, VectorGeometries& out) {
    if (g == nullptr) {
        return;
    }
    switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon:
        append_polygons(g, out.polygons);
        return;
    case wkbLineString: {
        const auto* l = g->toLineString();
        std::vector<Point2> line;
        line.reserve(static_cast<std::size_t>(l->getNumPoints()));
        for (int i = 0; i < l->getNumPoints(); ++i) {
            line.push_back({l->getX(i), l->getY(i)});
        }
        if (line.size() >= 2) {
            out.lines.push_back(std::move(line));
        }
        return;
    }
    case wkbPoint: {
        const auto* p = g->toPoint();
        if (!p->IsEmpty()) {
            out.points.push_back({p->getX(), p->getY()});
        }
        return;
    }
    case wkbMultiPolygon:
    case wkbMultiLineString:
    case wkbMultiPoint:
    case wkbGeometryCollection: {
        const auto* c = g->toGeometryCollection();
        for (int i = 0; i < c->getNumGeometries(); ++i) {
            append_geometries(c->getGeometryRef(i), out);
        }
        return;
    }
    default:
        return;
    }
}

/// Transforms `g` in place from `source` to `target` (both with x = easting/longitude).
void transform_geometry(OGRGeometry& g, const OGRSpatialReference& source,
                        const OGRSpatialReference& target, const std::string& what) {
    if (source.IsSame(&target)) {
        return;
    }
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&source, &target));
    if (!ct || g.transform(ct.get()) != OGRERR_NONE) {
        throw InputError(what + ": the geometry cannot be transformed into the study CRS" +
                         detail::last_gdal_error());
    }
}

} // namespace

PolygonLayer read_osmosis_poly(const std::filesystem::path& path) {
    detail::require_file(path, "boundary file");
    std::ifstream in(path);
    if (!in) {
        throw InputError("boundary file " + quoted(path) + " cannot be opened; check permissions");
    }
    auto fail = [&](std::size_t line_no, const std::string& what) {
        return InputError("boundary file " + quoted(path) + ", line " + std::to_string(line_no) +
                          ": " + what + "; an Osmosis .poly file has a name line, sections of "
                          "'lon lat' lines each ending with END, and a final END");
    };
    Polygon polygon;
    std::string line;
    std::size_t line_no = 0;
    bool have_name = false;
    bool in_section = false;
    bool finished = false;
    Ring ring;
    while (std::getline(in, line)) {
        ++line_no;
        const std::string t = trim(line);
        if (t.empty()) {
            continue;
        }
        if (finished) {
            throw fail(line_no, "content after the final END");
        }
        if (!have_name) {
            have_name = true;
            continue;
        }
        if (!in_section) {
            if (t == "END") {
                finished = true;
                continue;
            }
            in_section = true; // a section name; '!' marks a hole, which even-odd needs no flag for
            ring.clear();
            continue;
        }
        if (t == "END") {
            if (ring.size() < 3) {
                throw fail(line_no, "a section has fewer than 3 points");
            }
            polygon.rings.push_back(std::move(ring));
            ring = Ring();
            in_section = false;
            continue;
        }
        std::istringstream coords(t);
        double lon = 0.0;
        double lat = 0.0;
        if (!(coords >> lon >> lat) || !std::isfinite(lon) || !std::isfinite(lat) ||
            std::abs(lon) > 180.0 || std::abs(lat) > 90.0) {
            throw fail(line_no, "'" + t + "' is not a 'longitude latitude' pair in degrees");
        }
        ring.push_back({lon, lat});
    }
    if (!finished) {
        throw fail(line_no, in_section ? "the last section has no END" : "the final END is missing");
    }
    if (polygon.rings.empty()) {
        throw fail(line_no, "the file has no section");
    }
    PolygonLayer layer;
    layer.polygons.push_back(std::move(polygon));
    layer.crs_wkt = normalize_crs("EPSG:4326", "boundary file " + quoted(path));
    return layer;
}

PolygonLayer reproject(const PolygonLayer& layer, const std::string& target_crs) {
    const std::string target_wkt = normalize_crs(target_crs, "target coordinate reference system");
    if (same_crs(layer.crs_wkt, target_wkt)) {
        PolygonLayer copy = layer;
        copy.crs_wkt = target_wkt;
        return copy;
    }
    OGRSpatialReference src = detail::srs_from_wkt(layer.crs_wkt, "polygon layer");
    OGRSpatialReference dst = detail::srs_from_wkt(target_wkt, "target coordinate reference system");
    detail::QuietGdalErrors quiet;
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
    if (!ct) {
        throw InputError("no transformation from the polygons' coordinate reference system to the "
                         "study grid's" + detail::last_gdal_error());
    }
    PolygonLayer out;
    out.crs_wkt = target_wkt;
    out.polygons.reserve(layer.polygons.size());
    std::vector<double> xs;
    std::vector<double> ys;
    for (const Polygon& p : layer.polygons) {
        Polygon q;
        for (const Ring& r : p.rings) {
            xs.resize(r.size());
            ys.resize(r.size());
            for (std::size_t i = 0; i < r.size(); ++i) {
                xs[i] = r[i].x;
                ys[i] = r[i].y;
            }
            if (!ct->Transform(static_cast<int>(r.size()), xs.data(), ys.data())) {
                throw InputError("polygon coordinates cannot be transformed to the study grid's "
                                 "coordinate reference system" + detail::last_gdal_error());
            }
            Ring t(r.size());
            for (std::size_t i = 0; i < r.size(); ++i) {
                t[i] = {xs[i], ys[i]};
            }
            q.rings.push_back(std::move(t));
        }
        out.polygons.push_back(std::move(q));
    }
    return out;
}

PolygonLayer read_polygons(const std::filesystem::path& path, const std::string& target_crs,
                           const std::optional<std::string>& layer,
                           const std::optional<std::string>& assumed_crs,
                           std::string_view crs_key) {
    if (has_extension(path, ".poly")) {
        return reproject(read_osmosis_poly(path), target_crs);
    }
    detail::ensure_gdal_registered();
    detail::require_file(path, "vector file");
    detail::QuietGdalErrors quiet;
    const std::string name = detail::gdal_path(path);
    detail::DatasetPtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds || ds->GetLayerCount() == 0) {
        throw InputError("vector file " + quoted(path) + " is not a vector file GDAL can read" +
                         detail::last_gdal_error() +
                         "; give a GeoPackage, Shapefile, GeoJSON or Osmosis .poly file");
    }
    OGRLayer* l = layer ? ds->GetLayerByName(layer->c_str()) : ds->GetLayer(0);
    if (l == nullptr) {
        throw InputError("vector file " + quoted(path) + " has no layer named '" + *layer +
                         "'; its first layer is '" + ds->GetLayer(0)->GetName() + "'");
    }
    PolygonLayer raw;
    if (assumed_crs) {
        raw.crs_wkt = normalize_crs(*assumed_crs, std::string(crs_key));
    } else if (const OGRSpatialReference* srs = l->GetSpatialRef()) {
        raw.crs_wkt = detail::wkt2_of(*srs);
    } else {
        throw InputError("vector file " + quoted(path) + " (layer '" + l->GetName() +
                         "') has no coordinate reference system; state it with " +
                         std::string(crs_key) + " (e.g. EPSG:25832)");
    }
    // OGR hands out coordinates in the layer's data axis order, which for GeoPackage, Shapefile
    // and GeoJSON is x = easting/longitude, matching OAMS_TRADITIONAL_GIS_ORDER used by reproject.
    l->ResetReading();
    for (auto& feature : *l) {
        append_polygons(feature->GetGeometryRef(), raw.polygons);
    }
    if (raw.polygons.empty()) {
        throw InputError("vector file " + quoted(path) + " (layer '" + l->GetName() +
                         "') contains no polygon; give a layer of (multi)polygons");
    }
    return reproject(raw, target_crs);
}

Polygon to_grid_coordinates(const Polygon& polygon, const GridSpec& grid) {
    Polygon out;
    out.rings.reserve(polygon.rings.size());
    for (const Ring& r : polygon.rings) {
        Ring t;
        t.reserve(r.size());
        for (const Point2& p : r) {
            t.push_back({grid.col_coordinate(p.x), grid.row_coordinate(p.y)});
        }
        out.rings.push_back(std::move(t));
    }
    return out;
}

CellMask mask_from_boundary(const std::vector<Polygon>& polygons, const GridSpec& grid) {
    // One sub-sample per cell at the cell centre: the kernels' centre-inside rule.
    kernels::SubcellCanvas<std::uint8_t> canvas(grid, 1, 0);
    for (const Polygon& p : polygons) {
        kernels::paint_polygon(canvas, to_grid_coordinates(p, grid), std::uint8_t{1});
    }
    CellMask mask(grid, CellStatus::no_data);
    for (std::size_t r = 0; r < grid.rows; ++r) {
        for (std::size_t c = 0; c < grid.cols; ++c) {
            if (canvas.at(r, c) == 1) {
                mask.set(r, c, CellStatus::active);
            }
        }
    }
    return mask;
}

GridSpec extent_of(const PolygonLayer& layer, double cell_size_m) {
    if (!(cell_size_m > 0.0)) {
        throw ConfigError("grid.cell_size_m must be positive (got " + std::to_string(cell_size_m) +
                          ")");
    }
    double xmin = std::numeric_limits<double>::infinity();
    double ymin = xmin;
    double xmax = -xmin;
    double ymax = -xmin;
    for (const Polygon& p : layer.polygons) {
        for (const Ring& r : p.rings) {
            for (const Point2& q : r) {
                xmin = std::min(xmin, q.x);
                xmax = std::max(xmax, q.x);
                ymin = std::min(ymin, q.y);
                ymax = std::max(ymax, q.y);
            }
        }
    }
    if (!(xmin <= xmax && ymin <= ymax)) {
        throw InputError("the boundary has no coordinates; cannot derive a study extent from it");
    }
    return kernels::grid_covering(xmin, ymin, xmax, ymax, cell_size_m, layer.crs_wkt);
}

GridSpec extent_of(const std::filesystem::path& path, const std::string& target_crs,
                   double cell_size_m, const std::optional<std::string>& layer) {
    return extent_of(read_polygons(path, target_crs, layer), cell_size_m);
}

} // namespace lauter::sim

namespace lauter::sim {

std::string wkt_geometry_kind(std::string_view wkt, std::string& problem) {
    detail::ensure_gdal_registered();
    detail::QuietGdalErrors quiet;
    OGRGeometry* raw = nullptr;
    const std::string text(wkt);
    if (OGRGeometryFactory::createFromWkt(text.c_str(), nullptr, &raw) != OGRERR_NONE ||
        raw == nullptr) {
        problem = "GDAL cannot parse it as WKT" + detail::last_gdal_error();
        return {};
    }
    const std::unique_ptr<OGRGeometry> g(raw);
    switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon:
    case wkbMultiPolygon: return "polygon";
    case wkbLineString:
    case wkbMultiLineString: return "line";
    case wkbPoint:
    case wkbMultiPoint: return "point";
    default: return "mixed";
    }
}

VectorGeometries geometries_from_wkt(std::string_view wkt, const std::string& wkt_crs,
                                     const std::string& target_crs, const std::string& what) {
    detail::ensure_gdal_registered();
    const std::string target_wkt = normalize_crs(target_crs, what);
    const OGRSpatialReference source = detail::srs_from_wkt(normalize_crs(wkt_crs, what), what);
    const OGRSpatialReference target = detail::srs_from_wkt(target_wkt, what);
    detail::QuietGdalErrors quiet;
    OGRGeometry* raw = nullptr;
    const std::string text(wkt);
    if (OGRGeometryFactory::createFromWkt(text.c_str(), nullptr, &raw) != OGRERR_NONE ||
        raw == nullptr) {
        throw InputError(what + ": '" + text.substr(0, 60) + "' is not WKT GDAL can parse" +
                         detail::last_gdal_error());
    }
    const std::unique_ptr<OGRGeometry> g(raw);
    transform_geometry(*g, source, target, what);
    VectorGeometries out;
    out.crs_wkt = target_wkt;
    append_geometries(g.get(), out);
    return out;
}

VectorGeometries read_geometries(const std::filesystem::path& path, const std::string& target_crs,
                                 const std::optional<std::string>& layer,
                                 const std::optional<std::string>& where,
                                 const std::string& what) {
    detail::ensure_gdal_registered();
    detail::require_file(path, what + " file");
    const std::string target_wkt = normalize_crs(target_crs, what);
    const OGRSpatialReference target = detail::srs_from_wkt(target_wkt, what);
    detail::QuietGdalErrors quiet;
    const std::string name = detail::gdal_path(path);
    detail::DatasetPtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds || ds->GetLayerCount() == 0) {
        throw InputError(what + ": " + quoted(path) + " is not a vector file GDAL can read" +
                         detail::last_gdal_error() + "; give a GeoPackage, GeoJSON or Shapefile");
    }
    OGRLayer* l = layer ? ds->GetLayerByName(layer->c_str()) : ds->GetLayer(0);
    if (l == nullptr) {
        throw InputError(what + ": " + quoted(path) + " has no layer named '" + *layer +
                         "'; its first layer is '" + ds->GetLayer(0)->GetName() + "'");
    }
    const OGRSpatialReference* srs = l->GetSpatialRef();
    if (srs == nullptr) {
        throw InputError(what + ": " + quoted(path) + " (layer '" + l->GetName() +
                         "') has no coordinate reference system; save it with one");
    }
    OGRSpatialReference source(*srs);
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (where && l->SetAttributeFilter(where->c_str()) != OGRERR_NONE) {
        throw InputError(what + ": the filter where: \"" + *where + "\" is not valid for " +
                         quoted(path) + detail::last_gdal_error() +
                         "; use OGR SQL, e.g. name = 'Pfaff'");
    }
    VectorGeometries out;
    out.crs_wkt = target_wkt;
    l->ResetReading();
    for (auto& feature : *l) {
        const OGRGeometry* g = feature->GetGeometryRef();
        if (g == nullptr) {
            continue;
        }
        const std::unique_ptr<OGRGeometry> copy(g->clone());
        transform_geometry(*copy, source, target, what);
        append_geometries(copy.get(), out);
    }
    if (out.empty()) {
        throw InputError(what + ": " + quoted(path) + " (layer '" + l->GetName() + "'" +
                         (where ? ", where: \"" + *where + "\"" : std::string()) +
                         ") has no geometry; check the file and the filter");
    }
    return out;
}

} // namespace lauter::sim
