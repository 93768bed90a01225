#include <lauter/sim/osm_landcover.hpp>

#include "gdal_support.hpp"

#include <lauter/kernels/rasterize.hpp>
#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/vector_input.hpp>

#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <unordered_set>

namespace lauter::sim {

using kernels::GridSpec;
using kernels::LandCover;
using kernels::Point2;
using kernels::Polygon;
using kernels::Raster;
using kernels::Ring;

namespace {

// lauter's OSM driver configuration, handed to GDAL through /vsimem/ (osm_driver_config()).
constexpr std::string_view embedded_osmconf = R"ini(# lauter's configuration of GDAL's OSM driver (embedded in sim/src/osm_landcover.cpp,
# osm_driver_config()). It replaces GDAL's default osmconf.ini,
# which drops tags the land-cover derivation needs. Only the tags below become fields; all others
# are discarded (other_tags=no), which also keeps reading fast.

# Closed ways with one of these keys (or key=value) are areas (multipolygons layer); other closed
# ways are lines. area=yes/no on a way overrides this in the driver.
closed_ways_are_polygons=aeroway,amenity,boundary,building,building:part,craft,geological,historic,landuse,leisure,military,natural,office,place,shop,sport,tourism,area:highway,parking,water,waterway=riverbank,waterway=dock,highway=platform,public_transport=platform,railway=platform

# Nodes are indexed in a temporary database; the default settings suit city extracts.

[points]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=natural,highway,ele
other_tags=no
all_tags=no

[lines]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=highway,railway,waterway,natural,width,surface,tunnel,covered,area,layer
other_tags=no
all_tags=no

[multipolygons]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=type,building,building:levels,height,building:height,landuse,natural,leisure,amenity,waterway,water,railway,surface,area:highway,highway,parking,area,location,layer,name,addr:street,addr:housenumber
other_tags=no
all_tags=no

[multilinestrings]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=type
other_tags=no
all_tags=no

[other_relations]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=type
other_tags=no
all_tags=no
)ini";

/// Paint order = priority, lowest first (documented in the header).
constexpr std::array<LandCover, kernels::land_cover_class_count> paint_order = {
    LandCover::open_land, LandCover::agriculture, LandCover::trees, LandCover::sealed_other,
    LandCover::water,     LandCover::railway,     LandCover::road,  LandCover::building};

std::size_t priority_of(LandCover c) noexcept {
    for (std::size_t i = 0; i < paint_order.size(); ++i) {
        if (paint_order[i] == c) {
            return i;
        }
    }
    return 0;
}

bool is_one_of(std::string_view v, std::initializer_list<std::string_view> values) noexcept {
    return std::find(values.begin(), values.end(), v) != values.end();
}

bool paved_surface(std::string_view s) noexcept {
    return is_one_of(s, {"paved", "asphalt", "concrete", "concrete:plates", "concrete:lanes",
                         "paving_stones", "sett", "cobblestone", "unhewn_cobblestone", "metal",
                         "tartan", "chipseal", "bricks"});
}

bool unpaved_surface(std::string_view s) noexcept {
    return is_one_of(s, {"unpaved", "gravel", "fine_gravel", "compacted", "ground", "dirt", "earth",
                         "grass", "grass_paver", "sand", "mud", "woodchips", "pebblestone", "rock",
                         "wood"});
}

double width_from_table(const std::vector<HighwayWidth>& table, std::string_view key) noexcept {
    for (const HighwayWidth& w : table) {
        if (w.highway == key) {
            return w.width_m;
        }
    }
    return 0.0;
}

/// Tag values of one feature, looked up by pre-computed field indices.
class Tags {
public:
    Tags(OGRFeatureDefn* defn, std::initializer_list<const char*> keys) {
        for (const char* k : keys) {
            indices_.push_back(defn->GetFieldIndex(k));
        }
    }
    void bind(const OGRFeature* f) noexcept { feature_ = f; }
    /// Value of the i-th key of the constructor list ("" if absent).
    [[nodiscard]] std::string_view operator[](std::size_t i) const noexcept {
        const int idx = indices_[i];
        if (idx < 0 || !feature_->IsFieldSetAndNotNull(idx)) {
            return {};
        }
        return feature_->GetFieldAsString(idx);
    }

private:
    std::vector<int> indices_;
    const OGRFeature* feature_ = nullptr;
};

// Field order of the Tags objects below.
enum PolygonKey : std::size_t {
    p_building, p_levels, p_height, p_building_height, p_landuse, p_natural, p_leisure, p_amenity,
    p_waterway, p_water, p_railway, p_surface, p_area_highway, p_highway, p_parking, p_area,
    p_location, p_layer, p_name, p_addr_street, p_addr_housenumber, p_osm_id, p_osm_way_id
};
enum LineKey : std::size_t {
    l_highway, l_railway, l_waterway, l_natural, l_width, l_surface, l_tunnel, l_covered, l_area
};

/// Class of an OSM area, or nullopt if it is not a surface we map (e.g. landuse=residential).
std::optional<LandCover> classify_area(const Tags& t, bool& underground) {
    underground = false;
    const std::string_view building = t[p_building];
    if (!building.empty() && building != "no") {
        if (t[p_location] == "underground") {
            underground = true;
            return std::nullopt;
        }
        return LandCover::building;
    }
    const std::string_view area_highway = t[p_area_highway];
    if (!area_highway.empty() && area_highway != "no") {
        return LandCover::road;
    }
    const std::string_view highway = t[p_highway];
    if (!highway.empty() && t[p_area] != "no") {
        return highway == "platform" ? LandCover::sealed_other : LandCover::road;
    }
    const std::string_view railway = t[p_railway];
    if (railway == "platform") {
        return LandCover::sealed_other;
    }
    const std::string_view amenity = t[p_amenity];
    const std::string_view landuse = t[p_landuse];
    const std::string_view parking = t[p_parking];
    if (is_one_of(amenity, {"parking", "bicycle_parking", "motorcycle_parking", "fuel"}) ||
        !parking.empty()) {
        if (parking == "underground") {
            underground = true;
            return std::nullopt;
        }
        return LandCover::sealed_other;
    }
    if (landuse == "garages") {
        return LandCover::sealed_other;
    }
    if (landuse == "railway") {
        return LandCover::railway;
    }
    const std::string_view natural = t[p_natural];
    const std::string_view leisure = t[p_leisure];
    const std::string_view waterway = t[p_waterway];
    if (natural == "water" || !t[p_water].empty() || is_one_of(waterway, {"riverbank", "dock"}) ||
        is_one_of(landuse, {"reservoir", "basin"}) || leisure == "swimming_pool" ||
        amenity == "fountain") {
        return LandCover::water;
    }
    if (natural == "wood" || landuse == "forest") {
        return LandCover::trees;
    }
    if (is_one_of(landuse, {"farmland", "allotments", "orchard", "vineyard", "farmyard",
                            "greenhouse_horticulture", "plant_nursery"})) {
        return LandCover::agriculture;
    }
    const bool sport_ground = is_one_of(leisure, {"pitch", "playground", "track"});
    if (sport_ground && paved_surface(t[p_surface])) {
        return LandCover::sealed_other;
    }
    if (sport_ground ||
        is_one_of(landuse, {"grass", "meadow", "village_green", "cemetery", "recreation_ground",
                            "greenfield", "flowerbed"}) ||
        is_one_of(leisure, {"park", "garden", "common", "golf_course", "dog_park",
                            "nature_reserve", "recreation_ground"}) ||
        is_one_of(natural, {"grassland", "heath", "scrub", "wetland"}) || amenity == "grave_yard") {
        return LandCover::open_land;
    }
    return std::nullopt;
}

/// What a line feature is painted as, how wide, and which count it adds to.
struct LineClass {
    LandCover cls;
    double width_m;
    std::size_t OsmFeatureCounts::*counter;
};

/// Class and full width of an OSM line, or nullopt if it is not painted. A `width` tag overrides
/// the class width of highways and waterways (railway widths are per track, not tagged).
std::optional<LineClass> classify_line(const Tags& t, const OsmLandCoverParams& params) {
    const double tagged_width_m = parse_osm_height_m(t[l_width]);
    auto width_or_tagged = [&](double class_width_m) {
        return tagged_width_m > 0.0 ? tagged_width_m : class_width_m;
    };
    if (!t[l_highway].empty()) {
        const std::string_view hw = t[l_highway];
        const bool needs_paved = is_one_of(hw, {"track", "path", "bridleway"});
        const bool paved = needs_paved ? paved_surface(t[l_surface]) : !unpaved_surface(t[l_surface]);
        const double w = width_from_table(params.highway_widths, hw);
        if (w > 0.0 && paved && t[l_area] != "yes") {
            return LineClass{LandCover::road, width_or_tagged(w), &OsmFeatureCounts::highway_lines};
        }
        return std::nullopt;
    }
    if (!t[l_railway].empty()) {
        const double w = width_from_table(params.railway_widths, t[l_railway]);
        if (w > 0.0) {
            return LineClass{LandCover::railway, w, &OsmFeatureCounts::railway_lines};
        }
        return std::nullopt;
    }
    if (!t[l_waterway].empty()) {
        const double w = width_from_table(params.waterway_widths, t[l_waterway]);
        if (w > 0.0) {
            return LineClass{LandCover::water, width_or_tagged(w), &OsmFeatureCounts::waterway_lines};
        }
        return std::nullopt;
    }
    if (t[l_natural] == "tree_row") {
        return LineClass{LandCover::trees, 2.0 * params.tree_crown_radius_m,
                         &OsmFeatureCounts::tree_rows};
    }
    return std::nullopt;
}

struct BufferedLine {
    std::vector<Point2> points; ///< grid coordinates
    double half_width_m = 0.0;
};

struct Building {
    Polygon polygon; ///< grid coordinates
    float height_m = 0.0F;
    std::size_t record = 0; ///< index into `Features::records`
};

struct SiteArea {
    Polygon polygon; ///< grid coordinates
    double area_m2 = 0.0;
    std::size_t code = 0; ///< 1-based index into Features::site_names
};

/// Everything read from the file, in grid coordinates, grouped for painting.
struct Features {
    std::array<std::vector<Polygon>, kernels::land_cover_class_count> areas;
    std::array<std::vector<BufferedLine>, kernels::land_cover_class_count> lines;
    std::vector<Building> buildings;
    /// One record per OSM building (a multipolygon building has several Building parts).
    std::vector<OsmBuilding> records;
    std::vector<Point2> tree_points;
    std::vector<Polygon> canopy_areas;
    std::vector<BufferedLine> canopy_lines;
    /// landuse=commercial|industrial|retail: ground there that no feature maps is painted as
    /// commercial_ground_class before everything else.
    std::vector<Polygon> commercial_ground;
    /// Areas tagged landuse=* or amenity=* (not buildings): the sites of OsmBuilding::site,
    /// with their area (m^2, for painting the largest first) and 1-based index into site_names.
    std::vector<SiteArea> sites;
    std::vector<std::string> site_names;
};

/// OSM id of a building area: the way id (positive) or, for a multipolygon relation, minus the
/// relation id (GDAL's OSM driver reports closed ways in osm_way_id and relations in osm_id).
std::int64_t building_osm_id(const Tags& t) {
    const auto parse = [](std::string_view text) -> std::int64_t {
        std::int64_t value = 0;
        const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
        return result.ec == std::errc() ? value : 0;
    };
    if (const std::string_view way = t[p_osm_way_id]; !way.empty()) {
        return parse(way);
    }
    return -parse(t[p_osm_id]);
}

/// Fills out.buildings and out.building_id from the canvas of building numbers (record index + 1
/// in the sub-samples each building painted last; see OsmLandCover::building_id for the rule),
/// and each building's site from `site_of_cell` (1-based index into site_names, 0: none) at the
/// cell holding most of its sub-samples.
void assign_building_ids(const kernels::SubcellCanvas<float>& numbers,
                         const kernels::SubcellCanvas<std::uint8_t>& classes,
                         const Raster<std::uint32_t>& site_of_cell,
                         const std::vector<std::string>& site_names,
                         std::vector<OsmBuilding> records, OsmLandCover& out) {
    const GridSpec& grid = numbers.spec();
    if (records.size() >= (std::size_t{1} << 24U)) {
        throw InputError("the OpenStreetMap extract has " + std::to_string(records.size()) +
                         " buildings on the study grid; at most 16777215 are supported, use a "
                         "smaller study area");
    }
    const std::size_t s = numbers.samples_per_cell();
    const auto building_code = static_cast<std::uint8_t>(LandCover::building);
    std::vector<std::size_t> samples(records.size() + 1, 0);
    std::vector<std::size_t> best_cell(records.size() + 1, 0);
    std::vector<std::size_t> best_count(records.size() + 1, 0);
    Raster<std::int32_t> owner(grid, 0);
    std::vector<std::pair<std::size_t, std::size_t>> tally; // (number, samples) of one cell
    for (std::size_t r = 0; r < grid.rows; ++r) {
        for (std::size_t c = 0; c < grid.cols; ++c) {
            tally.clear();
            std::size_t in_buildings = 0;
            for (std::size_t sr = r * s; sr < (r + 1) * s; ++sr) {
                for (std::size_t sc = c * s; sc < (c + 1) * s; ++sc) {
                    if (classes.at(sr, sc) != building_code) {
                        continue;
                    }
                    const auto number = static_cast<std::size_t>(numbers.at(sr, sc));
                    if (number == 0 || number > records.size()) {
                        continue;
                    }
                    ++in_buildings;
                    auto it = std::find_if(tally.begin(), tally.end(),
                                           [number](const auto& e) { return e.first == number; });
                    if (it == tally.end()) {
                        tally.emplace_back(number, 1);
                    } else {
                        ++it->second;
                    }
                }
            }
            std::size_t best = 0;
            std::size_t best_samples = 0;
            const std::size_t cell = grid.index(r, c);
            for (const auto& [number, count] : tally) {
                samples[number] += count;
                if (count > best_count[number]) {
                    best_count[number] = count;
                    best_cell[number] = cell;
                }
                if (count > best_samples || (count == best_samples && number > best)) {
                    best = number;
                    best_samples = count;
                }
            }
            if (2 * in_buildings >= s * s && best != 0) {
                owner[cell] = static_cast<std::int32_t>(best);
            }
        }
    }
    // Small buildings: the cell holding most of their sub-samples, if still free.
    std::vector<std::uint8_t> owns_a_cell(records.size() + 1, 0);
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        owns_a_cell[static_cast<std::size_t>(owner[i])] = 1;
    }
    for (std::size_t number = 1; number <= records.size(); ++number) {
        if (samples[number] > 0 && owns_a_cell[number] == 0 && owner[best_cell[number]] == 0) {
            owner[best_cell[number]] = static_cast<std::int32_t>(number);
        }
    }
    // Keep the buildings painted on the grid, numbered 1.. in file order.
    std::vector<std::int32_t> renumbered(records.size() + 1, 0);
    const double sample_area_m2 = grid.cell_area_m2() / static_cast<double>(s * s);
    out.buildings.clear();
    for (std::size_t number = 1; number <= records.size(); ++number) {
        if (samples[number] == 0) {
            continue;
        }
        OsmBuilding b = std::move(records[number - 1]);
        b.footprint_area_m2 = static_cast<double>(samples[number]) * sample_area_m2;
        if (const std::uint32_t site = site_of_cell[best_cell[number]]; site > 0) {
            b.site = site_names[site - 1];
        }
        out.buildings.push_back(std::move(b));
        renumbered[number] = static_cast<std::int32_t>(out.buildings.size());
    }
    out.building_id = Raster<std::int32_t>(grid, 0);
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        const std::int32_t id = renumbered[static_cast<std::size_t>(owner[i])];
        if (id != 0 && out.mask.has_data(i)) {
            out.building_id[i] = id;
            ++out.buildings[static_cast<std::size_t>(id) - 1].cells;
        }
    }
}

Ring ring_in_grid(const OGRLinearRing& r, const GridSpec& g) {
    Ring ring;
    ring.reserve(static_cast<std::size_t>(r.getNumPoints()));
    for (int i = 0; i < r.getNumPoints(); ++i) {
        ring.push_back({g.col_coordinate(r.getX(i)), g.row_coordinate(r.getY(i))});
    }
    return ring;
}

void polygons_in_grid(const OGRGeometry* geom, const GridSpec& g, std::vector<Polygon>& out) {
    if (geom == nullptr) {
        return;
    }
    const auto type = wkbFlatten(geom->getGeometryType());
    if (type == wkbPolygon) {
        const OGRPolygon* p = geom->toPolygon();
        if (p->getExteriorRing() == nullptr) {
            return;
        }
        Polygon poly;
        poly.rings.push_back(ring_in_grid(*p->getExteriorRing(), g));
        for (int i = 0; i < p->getNumInteriorRings(); ++i) {
            poly.rings.push_back(ring_in_grid(*p->getInteriorRing(i), g));
        }
        out.push_back(std::move(poly));
    } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
        const OGRGeometryCollection* c = geom->toGeometryCollection();
        for (int i = 0; i < c->getNumGeometries(); ++i) {
            polygons_in_grid(c->getGeometryRef(i), g, out);
        }
    }
}

/// Records an area tagged landuse=* (else amenity=*) as a building site (Features::sites).
void add_site(const Tags& t, const OGRGeometry& geom, const GridSpec& grid, Features& features) {
    const std::string name = !t[p_landuse].empty()
                                 ? "landuse=" + std::string(t[p_landuse])
                                 : "amenity=" + std::string(t[p_amenity]);
    auto it = std::find(features.site_names.begin(), features.site_names.end(), name);
    if (it == features.site_names.end()) {
        features.site_names.push_back(name);
        it = features.site_names.end() - 1;
    }
    const auto code =
        static_cast<std::size_t>(it - features.site_names.begin()) + 1;
    const double area_m2 = OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&geom)));
    std::vector<Polygon> polys;
    polygons_in_grid(&geom, grid, polys);
    for (Polygon& p : polys) {
        features.sites.push_back({std::move(p), area_m2, code});
    }
}

/// Site index (1-based into site_names, 0: none) at each cell centre: site areas painted from
/// the largest to the smallest, so that the smallest (most specific) area containing a cell wins
/// (e.g. an industrial estate inside a large residential landuse polygon). The index is painted
/// as float, exact up to 2^24 distinct sites.
Raster<std::uint32_t> site_raster(const GridSpec& grid, std::vector<SiteArea>& sites) {
    std::stable_sort(sites.begin(), sites.end(), [](const SiteArea& a, const SiteArea& b) {
        return a.area_m2 > b.area_m2;
    });
    kernels::SubcellCanvas<float> canvas(grid, 1, 0.0F);
    for (const SiteArea& site : sites) {
        kernels::paint_polygon(canvas, site.polygon, static_cast<float>(site.code));
    }
    Raster<std::uint32_t> out(grid, 0U);
    for (std::size_t r = 0; r < grid.rows; ++r) {
        for (std::size_t c = 0; c < grid.cols; ++c) {
            out(r, c) = static_cast<std::uint32_t>(canvas.at(r, c));
        }
    }
    return out;
}

std::vector<Point2> line_in_grid(const OGRGeometry* geom, const GridSpec& g) {
    std::vector<Point2> pts;
    if (geom == nullptr || wkbFlatten(geom->getGeometryType()) != wkbLineString) {
        return pts;
    }
    const OGRLineString* l = geom->toLineString();
    pts.reserve(static_cast<std::size_t>(l->getNumPoints()));
    for (int i = 0; i < l->getNumPoints(); ++i) {
        pts.push_back({g.col_coordinate(l->getX(i)), g.row_coordinate(l->getY(i))});
    }
    return pts;
}

/// Whether an envelope (grid CRS) touches the grid; features far outside are skipped early.
bool touches_grid(const OGREnvelope& e, const GridSpec& g, double margin_m) noexcept {
    return e.MaxX >= g.x0 - margin_m && e.MinX <= g.x_max() + margin_m &&
           e.MaxY >= g.y_min() - margin_m && e.MinY <= g.y0 + margin_m;
}

/// Building footprint area (m^2) clipped to the grid rectangle (GEOS intersection).
double clipped_area_m2(const OGRGeometry& geom, const OGRPolygon& grid_rect,
                       const OGREnvelope& env, const GridSpec& g) {
    const bool inside = env.MinX >= g.x0 && env.MaxX <= g.x_max() && env.MinY >= g.y_min() &&
                        env.MaxY <= g.y0;
    if (inside) {
        return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&geom)));
    }
    std::unique_ptr<OGRGeometry> clipped(geom.Intersection(&grid_rect));
    if (!clipped) {
        std::unique_ptr<OGRGeometry> valid(geom.MakeValid());
        if (valid) {
            clipped.reset(valid->Intersection(&grid_rect));
        }
    }
    return clipped ? OGR_G_Area(OGRGeometry::ToHandle(clipped.get())) : 0.0;
}

/// The extract's bounds (<bound>/<bounds>) as a densified polygon in the grid CRS, if known.
std::optional<Polygon> extract_bounds(GDALDataset& ds, OGRCoordinateTransformation& ct) {
    OGRLayer* points = ds.GetLayerByName("points");
    OGREnvelope env;
    if (points == nullptr || points->GetExtent(&env, FALSE) != OGRERR_NONE) {
        return std::nullopt;
    }
    constexpr int steps = 32; // the bbox edges are curves in a projected CRS
    std::vector<double> xs;
    std::vector<double> ys;
    auto edge = [&](double x0, double y0, double x1, double y1) {
        for (int i = 0; i < steps; ++i) {
            const double t = static_cast<double>(i) / steps;
            xs.push_back(x0 + t * (x1 - x0));
            ys.push_back(y0 + t * (y1 - y0));
        }
    };
    edge(env.MinX, env.MinY, env.MaxX, env.MinY);
    edge(env.MaxX, env.MinY, env.MaxX, env.MaxY);
    edge(env.MaxX, env.MaxY, env.MinX, env.MaxY);
    edge(env.MinX, env.MaxY, env.MinX, env.MinY);
    if (!ct.Transform(static_cast<int>(xs.size()), xs.data(), ys.data())) {
        return std::nullopt;
    }
    Ring ring(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
        ring[i] = {xs[i], ys[i]};
    }
    return Polygon{{std::move(ring)}};
}

} // namespace

std::string_view osm_driver_config() noexcept { return embedded_osmconf; }


GridSpec osm_extract_grid(const std::filesystem::path& osm_path, const std::string& crs_wkt,
                          double cell_size_m) {
    detail::DatasetPtr ds =
        detail::open_osm_dataset(osm_path, "osmconf_landcover", osm_driver_config());
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference target = detail::srs_from_wkt(crs_wkt, "study_area.crs");
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&wgs84, &target));
    std::optional<Polygon> bounds = ct ? extract_bounds(*ds, *ct) : std::nullopt;
    if (!bounds) {
        throw InputError("OpenStreetMap file '" + osm_path.string() +
                         "' states no bounds and has no nodes; give study_area.extent instead "
                         "of extent_from: osm");
    }
    PolygonLayer layer;
    layer.polygons.push_back(std::move(*bounds));
    layer.crs_wkt = crs_wkt;
    return extent_of(layer, cell_size_m);
}

double parse_osm_height_m(std::string_view text) noexcept {
    std::string s(text);
    std::replace(s.begin(), s.end(), ',', '.');
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return -1.0;
    }
    const char* begin = s.data() + first;
    const char* end = s.data() + s.size();
    double value = 0.0;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || !std::isfinite(value) || value < 0.0) {
        return -1.0;
    }
    std::string_view rest(ptr, static_cast<std::size_t>(end - ptr));
    while (!rest.empty() && rest.front() == ' ') {
        rest.remove_prefix(1);
    }
    while (!rest.empty() && rest.back() == ' ') {
        rest.remove_suffix(1);
    }
    constexpr double foot_m = 0.3048;
    constexpr double inch_m = 0.0254;
    if (rest.empty() || rest == "m" || rest == "meter" || rest == "meters" || rest == "metres") {
        return value;
    }
    if (rest == "ft" || rest == "feet") {
        return value * foot_m;
    }
    if (rest.front() == '\'') {
        // 12' or 12'6"
        rest.remove_prefix(1);
        double inches = 0.0;
        if (!rest.empty()) {
            auto [p2, ec2] = std::from_chars(rest.data(), rest.data() + rest.size(), inches);
            if (ec2 != std::errc() || std::string_view(p2, static_cast<std::size_t>(
                                          rest.data() + rest.size() - p2)) != "\"") {
                return -1.0;
            }
        }
        return value * foot_m + inches * inch_m;
    }
    return -1.0;
}

void validate(const OsmLandCoverParams& p) {
    auto fail = [](const std::string& key, const std::string& what) {
        return ConfigError("landcover." + key + ": " + what);
    };
    if (p.subcell_samples < 1 || p.subcell_samples > 16) {
        throw fail("subcell_samples", "must be between 1 and 16 (got " +
                                          std::to_string(p.subcell_samples) + ")");
    }
    if (!(p.storey_height_m > 0.0 && p.storey_height_m <= 20.0)) {
        throw fail("storey_height_m", "must be in (0, 20] m");
    }
    if (!(p.default_building_height_m > 0.0 && p.default_building_height_m <= 1000.0)) {
        throw fail("default_building_height_m", "must be in (0, 1000] m");
    }
    if (!(p.tree_crown_radius_m > 0.0 && p.tree_crown_radius_m <= 50.0)) {
        throw fail("tree_crown_radius_m", "must be in (0, 50] m");
    }
    if (!(p.railway_impervious_share >= 0.0 && p.railway_impervious_share <= 1.0)) {
        throw fail("railway_impervious_share", "must be within 0..1");
    }
    if (land_cover_name(p.commercial_ground_class) == "unknown" ||
        p.commercial_ground_class == LandCover::building) {
        throw fail("commercial_ground_class", "must be a land-cover class other than building");
    }
    if (land_cover_name(p.unmapped_class) == "unknown") {
        throw fail("unmapped_class", "is not a land-cover class");
    }
    for (const auto* table : {&p.highway_widths, &p.railway_widths, &p.waterway_widths}) {
        for (const HighwayWidth& w : *table) {
            if (!(w.width_m > 0.0 && w.width_m <= 200.0)) {
                throw fail("widths." + w.highway, "must be in (0, 200] m");
            }
        }
    }
}

void update_cell_classes(OsmLandCover& lc, std::size_t i, const OsmLandCoverParams& params) {
    const auto& f = lc.fractions;
    LandCover best = params.unmapped_class;
    float best_fraction = -1.0F;
    for (const LandCover c : kernels::all_land_cover_classes) {
        const float v = f[kernels::land_cover_index(c)][i];
        if (v > best_fraction || (v == best_fraction && priority_of(c) > priority_of(best))) {
            best = c;
            best_fraction = v;
        }
    }
    lc.dominant[i] = best;
    const auto railway_share = static_cast<float>(params.railway_impervious_share);
    const float impervious = f[kernels::land_cover_index(LandCover::building)][i] +
                             f[kernels::land_cover_index(LandCover::road)][i] +
                             f[kernels::land_cover_index(LandCover::sealed_other)][i] +
                             railway_share * f[kernels::land_cover_index(LandCover::railway)][i];
    lc.impervious_fraction[i] = std::clamp(impervious, 0.0F, 1.0F);
}

OsmLandCover derive_osm_landcover(const std::filesystem::path& osm_path, const GridSpec& grid,
                                  const OsmLandCoverParams& params) {
    validate(params);
    if (grid.crs_wkt.empty() || grid.rows == 0 || grid.cols == 0) {
        throw ConfigError("study grid has no coordinate reference system or no cells; set the "
                          "grid before deriving land cover from '" + osm_path.string() + "'");
    }
    const StepTimer timer;
    const std::string name = osm_path.string();

    detail::DatasetPtr ds =
        detail::open_osm_dataset(osm_path, "osmconf_landcover", osm_driver_config());

    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference target = detail::srs_from_wkt(grid.crs_wkt, "study grid");
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&wgs84, &target));
    if (!ct) {
        throw InputError("no transformation from WGS84 to the study grid's coordinate reference "
                         "system; check grid.crs");
    }

    OsmLandCover out;
    const std::optional<Polygon> bounds = extract_bounds(*ds, *ct);
    out.mask = bounds ? mask_from_boundary({*bounds}, grid)
                      : kernels::CellMask(grid, kernels::CellStatus::active);
    if (out.mask.count_with_data() == 0) {
        throw InputError("OpenStreetMap file '" + name + "' does not overlap the study area; "
                         "check the extract and the grid extent");
    }

    OGRLayer* points = ds->GetLayerByName("points");
    OGRLayer* lines = ds->GetLayerByName("lines");
    OGRLayer* multipolygons = ds->GetLayerByName("multipolygons");
    if (points == nullptr || lines == nullptr || multipolygons == nullptr) {
        throw InputError("OpenStreetMap file '" + name + "' lacks the points, lines and "
                         "multipolygons layers of GDAL's OSM driver; is it an OSM file?");
    }
    Tags point_tags(points->GetLayerDefn(), {"natural"});
    Tags line_tags(lines->GetLayerDefn(), {"highway", "railway", "waterway", "natural", "width",
                                           "surface", "tunnel", "covered", "area"});
    Tags area_tags(multipolygons->GetLayerDefn(),
                   {"building", "building_levels", "height", "building_height", "landuse",
                    "natural", "leisure", "amenity", "waterway", "water", "railway", "surface",
                    "area_highway", "highway", "parking", "area", "location", "layer", "name",
                    "addr_street", "addr_housenumber", "osm_id", "osm_way_id"});

    OGRPolygon grid_rect;
    {
        OGRLinearRing r;
        r.addPoint(grid.x0, grid.y0);
        r.addPoint(grid.x_max(), grid.y0);
        r.addPoint(grid.x_max(), grid.y_min());
        r.addPoint(grid.x0, grid.y_min());
        r.addPoint(grid.x0, grid.y0);
        grid_rect.addRing(&r);
    }

    OsmFeatureCounts& counts = out.summary.counts;
    Features features;
    const double max_buffer_m = 100.0; // larger than every half width of the tables
    std::size_t features_read = 0;
    {
        detail::QuietGdalErrors quiet;
        ds->ResetReading();
        OGRLayer* layer = nullptr;
        while (true) {
            std::unique_ptr<OGRFeature> f(ds->GetNextFeature(&layer, nullptr, nullptr, nullptr));
            if (!f) {
                break;
            }
            ++features_read;
            OGRGeometry* geom = f->GetGeometryRef();
            if (geom == nullptr || (layer != points && layer != lines && layer != multipolygons)) {
                continue;
            }
            if (layer == points) {
                point_tags.bind(f.get());
                if (point_tags[0] != "tree") {
                    continue;
                }
            } else if (layer == lines) {
                line_tags.bind(f.get());
                if (line_tags[l_highway].empty() && line_tags[l_railway].empty() &&
                    line_tags[l_waterway].empty() && line_tags[l_natural] != "tree_row") {
                    continue;
                }
            } else {
                area_tags.bind(f.get());
            }
            if (geom->transform(ct.get()) != OGRERR_NONE) {
                continue;
            }
            OGREnvelope env;
            geom->getEnvelope(&env);
            if (!touches_grid(env, grid, max_buffer_m)) {
                if (layer == multipolygons) {
                    bool underground = false;
                    if (classify_area(area_tags, underground) == LandCover::building) {
                        ++counts.buildings; // counted like the file's buildings, not painted
                    }
                }
                continue;
            }

            if (layer == points) {
                const auto* p = geom->toPoint();
                features.tree_points.push_back(
                    {grid.col_coordinate(p->getX()), grid.row_coordinate(p->getY())});
                ++counts.tree_points;
                continue;
            }

            if (layer == lines) {
                const Tags& t = line_tags;
                const std::optional<LineClass> line_class = classify_line(t, params);
                if (!line_class) {
                    continue;
                }
                const bool underground =
                    is_one_of(t[l_tunnel], {"yes", "culvert", "building_passage"}) ||
                    t[l_covered] == "yes";
                if (underground && line_class->cls != LandCover::trees) {
                    ++counts.skipped_underground;
                    continue;
                }
                ++(counts.*(line_class->counter));
                const std::optional<LandCover> cls = line_class->cls;
                BufferedLine bl;
                bl.half_width_m = 0.5 * line_class->width_m;
                if (!cls) {
                    continue;
                }
                bl.points = line_in_grid(geom, grid);
                if (*cls == LandCover::trees) {
                    features.canopy_lines.push_back(bl);
                }
                features.lines[kernels::land_cover_index(*cls)].push_back(std::move(bl));
                continue;
            }

            // multipolygons
            const Tags& t = area_tags;
            bool underground = false;
            const std::optional<LandCover> cls = classify_area(t, underground);
            if (underground) {
                ++counts.skipped_underground;
                continue;
            }
            if (cls != LandCover::building &&
                (!t[p_landuse].empty() || !t[p_amenity].empty())) {
                add_site(t, *geom, grid, features);
            }
            if (!cls) {
                if (is_one_of(t[p_landuse], {"commercial", "industrial", "retail"})) {
                    ++counts.commercial_ground_areas;
                    polygons_in_grid(geom, grid, features.commercial_ground);
                }
                continue;
            }
            std::vector<Polygon> polys;
            polygons_in_grid(geom, grid, polys);
            switch (*cls) {
            case LandCover::building: {
                ++counts.buildings;
                double h = parse_osm_height_m(t[p_height]);
                if (!(h > 0.0)) {
                    h = parse_osm_height_m(t[p_building_height]);
                }
                if (h > 0.0) {
                    ++counts.buildings_with_height;
                } else {
                    const double levels = parse_osm_height_m(t[p_levels]);
                    if (levels > 0.0 && t[p_levels].find_first_of("mf'") == std::string_view::npos) {
                        h = levels * params.storey_height_m;
                        ++counts.buildings_with_levels;
                    } else {
                        h = params.default_building_height_m;
                    }
                }
                out.summary.building_footprint_area_m2 += clipped_area_m2(*geom, grid_rect, env, grid);
                OsmBuilding record;
                record.osm_id = building_osm_id(t);
                record.name = std::string(t[p_name]);
                record.building_type = std::string(t[p_building]);
                const std::string_view street = t[p_addr_street];
                const std::string_view number = t[p_addr_housenumber];
                record.address = std::string(street) +
                                 (!street.empty() && !number.empty() ? " " : "") +
                                 std::string(number);
                record.height_m = static_cast<float>(h);
                for (Polygon& p : polys) {
                    features.buildings.push_back(
                        {std::move(p), static_cast<float>(h), features.records.size()});
                }
                features.records.push_back(std::move(record));
                continue;
            }
            case LandCover::road: ++counts.highway_areas; break;
            case LandCover::sealed_other: ++counts.sealed_areas; break;
            case LandCover::railway: ++counts.railway_areas; break;
            case LandCover::water: ++counts.water_areas; break;
            case LandCover::trees: ++counts.tree_areas; break;
            case LandCover::agriculture: ++counts.agriculture_areas; break;
            case LandCover::open_land: ++counts.open_land_areas; break;
            }
            auto& dst = features.areas[kernels::land_cover_index(*cls)];
            if (*cls == LandCover::trees) {
                features.canopy_areas.insert(features.canopy_areas.end(), polys.begin(), polys.end());
            }
            for (Polygon& p : polys) {
                dst.push_back(std::move(p));
            }
        }
    }
    log_info("read " + std::to_string(features_read) + " OSM features from " + name + ": " +
             std::to_string(counts.buildings) + " buildings, " +
             std::to_string(counts.highway_lines) + " highway lines, " +
             std::to_string(counts.tree_points) + " trees");

    // Painting: class canvas in priority order, then heights and canopy on their own canvases.
    const std::size_t s = params.subcell_samples;
    std::size_t total_units = features.commercial_ground.size() + features.buildings.size() * 3 +
                              features.tree_points.size() * 2 +
                              features.canopy_areas.size() + features.canopy_lines.size();
    for (std::size_t i = 0; i < kernels::land_cover_class_count; ++i) {
        total_units += features.areas[i].size() + features.lines[i].size();
    }
    Progress progress("rasterizing land cover", total_units);
    // Sub-samples start as 0 ("no feature"), so that the unmapped share can be reported.
    constexpr std::uint8_t no_feature = 0;
    kernels::SubcellCanvas<std::uint8_t> classes(grid, s, no_feature);
    const auto commercial_code = static_cast<std::uint8_t>(params.commercial_ground_class);
    for (const Polygon& p : features.commercial_ground) {
        kernels::paint_polygon(classes, p, commercial_code);
    }
    progress.advance(features.commercial_ground.size());
    for (const LandCover cls : paint_order) {
        const auto code = static_cast<std::uint8_t>(cls);
        const std::size_t idx = kernels::land_cover_index(cls);
        for (const Polygon& p : features.areas[idx]) {
            kernels::paint_polygon(classes, p, code);
        }
        for (const BufferedLine& l : features.lines[idx]) {
            kernels::paint_buffered_line(classes, std::span<const Point2>(l.points), l.half_width_m,
                                         code);
        }
        progress.advance(features.areas[idx].size() + features.lines[idx].size());
        if (cls == LandCover::trees) {
            for (const Point2& p : features.tree_points) {
                kernels::paint_disc(classes, p, params.tree_crown_radius_m, code);
            }
            progress.advance(features.tree_points.size());
        }
        if (cls == LandCover::building) {
            for (const Building& b : features.buildings) {
                kernels::paint_polygon(classes, b.polygon, code);
            }
            progress.advance(features.buildings.size());
        }
    }

    {
        kernels::SubcellCanvas<float> heights(grid, s, 0.0F);
        for (const Building& b : features.buildings) {
            kernels::paint_polygon(heights, b.polygon, b.height_m);
        }
        progress.advance(features.buildings.size());
        out.building_height_m = kernels::mean_where(
            heights, classes, static_cast<std::uint8_t>(LandCover::building), 0.0F);
        // The same canvas, reused, takes the building records' numbers (exact in float up to
        // 2^24 buildings, checked in assign_building_ids).
        heights = kernels::SubcellCanvas<float>();
        kernels::SubcellCanvas<float> numbers(grid, s, 0.0F);
        for (const Building& b : features.buildings) {
            kernels::paint_polygon(numbers, b.polygon, static_cast<float>(b.record + 1));
        }
        progress.advance(features.buildings.size());
        const Raster<std::uint32_t> sites = site_raster(grid, features.sites);
        assign_building_ids(numbers, classes, sites, features.site_names,
                            std::move(features.records), out);
    }
    {
        kernels::SubcellCanvas<std::uint8_t> canopy(grid, s, 0);
        for (const Polygon& p : features.canopy_areas) {
            kernels::paint_polygon(canopy, p, std::uint8_t{1});
        }
        for (const BufferedLine& l : features.canopy_lines) {
            kernels::paint_buffered_line(canopy, std::span<const Point2>(l.points), l.half_width_m,
                                         std::uint8_t{1});
        }
        for (const Point2& p : features.tree_points) {
            kernels::paint_disc(canopy, p, params.tree_crown_radius_m, std::uint8_t{1});
        }
        progress.advance(features.canopy_areas.size() + features.canopy_lines.size() +
                         features.tree_points.size());
        out.tree_canopy_fraction = kernels::coverage_fraction(canopy, 1);
    }

    std::vector<Raster<float>> fractions =
        kernels::coverage_fractions(classes, kernels::land_cover_class_count);
    out.unmapped_fraction = kernels::coverage_fraction(classes, no_feature);
    progress.finish();
    for (std::size_t i = 0; i < kernels::land_cover_class_count; ++i) {
        out.fractions[i] = std::move(fractions[i]);
    }
    // Ground that no feature maps takes unmapped_class.
    Raster<float>& unmapped_class_fraction = out.fractions[kernels::land_cover_index(params.unmapped_class)];
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        unmapped_class_fraction[i] += out.unmapped_fraction[i];
    }

    out.dominant = Raster<LandCover>(grid, params.unmapped_class);
    out.impervious_fraction = Raster<float>(grid, 0.0F);
    const auto& f = out.fractions;
    double building_fraction_sum = 0.0;
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        building_fraction_sum +=
            static_cast<double>(f[kernels::land_cover_index(LandCover::building)][i]);
        if (!out.mask.has_data(i)) {
            for (auto& r : out.fractions) {
                r[i] = kernels::no_data_value<float>;
            }
            out.impervious_fraction[i] = kernels::no_data_value<float>;
            out.building_height_m[i] = kernels::no_data_value<float>;
            out.tree_canopy_fraction[i] = kernels::no_data_value<float>;
            out.unmapped_fraction[i] = kernels::no_data_value<float>;
            continue;
        }
        update_cell_classes(out, i, params);
    }
    out.summary.building_class_area_m2 = building_fraction_sum * grid.cell_area_m2();
    out.summary.seconds = timer.seconds();
    log_info("land cover from OSM: " + std::to_string(grid.rows) + " x " +
             std::to_string(grid.cols) + " cells, S = " + std::to_string(s) + ", took " +
             std::to_string(out.summary.seconds) + " s");
    return out;
}

} // namespace lauter::sim
