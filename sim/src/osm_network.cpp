#include <lauter/sim/osm_network.hpp>

#include "gdal_support.hpp"

#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>

#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace lauter::sim {

namespace mob = kernels::mobility;

namespace {

constexpr std::string_view embedded_network_osmconf = R"ini(# lauter's configuration of GDAL's OSM driver for street networks (embedded in
# sim/src/osm_network.cpp, network_osm_config()). Only the tags below become fields.

# Closed ways with these keys are areas; closed highway ways (roundabouts) stay lines.
closed_ways_are_polygons=amenity,building,landuse,leisure,shop,natural,area:highway,public_transport=platform,highway=platform

[points]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=highway,public_transport,bus,shop,amenity,leisure,name
other_tags=no
all_tags=no

[lines]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=highway,oneway,oneway:bicycle,oneway:foot,junction,maxspeed,lanes,surface,access,vehicle,motor_vehicle,motorcar,bicycle,foot,cycleway,cycleway:left,cycleway:right,cycleway:both,bicycle_road,cyclestreet,motorroad,area,construction
other_tags=no
all_tags=no

[multipolygons]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=shop,amenity,leisure,name
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

/// Named in errors about a DEM without CRS.
constexpr std::string_view dem_crs_key = "--input-crs";

struct FeatureDeleter {
    void operator()(OGRFeature* f) const noexcept { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

/// Field lookup by OSM key (':' laundered to '_'), with indices cached per layer.
class FieldTags {
public:
    explicit FieldTags(OGRFeatureDefn* defn) : defn_(defn) {}
    void bind(const OGRFeature* f) noexcept { feature_ = f; }
    [[nodiscard]] std::string_view get(std::string_view key) {
        auto it = index_.find(std::string(key));
        if (it == index_.end()) {
            std::string field(key);
            std::replace(field.begin(), field.end(), ':', '_');
            it = index_.emplace(std::string(key), defn_->GetFieldIndex(field.c_str())).first;
        }
        const int idx = it->second;
        if (idx < 0 || !feature_->IsFieldSetAndNotNull(idx)) {
            return {};
        }
        return feature_->GetFieldAsString(idx);
    }

private:
    OGRFeatureDefn* defn_;
    const OGRFeature* feature_ = nullptr;
    std::unordered_map<std::string, int> index_;
};

std::int64_t parse_id(std::string_view text) noexcept {
    std::int64_t id = 0;
    std::from_chars(text.data(), text.data() + text.size(), id);
    return id;
}

/// OSM position key: lon and lat in 1e-7 degrees (the driver's storage precision).
std::uint64_t position_key(double lon, double lat) noexcept {
    const auto ilon = static_cast<std::int64_t>(std::llround(lon * 1e7));
    const auto ilat = static_cast<std::int64_t>(std::llround(lat * 1e7));
    return (static_cast<std::uint64_t>(ilon) << 32U) ^
           (static_cast<std::uint64_t>(ilat) & 0xFFFFFFFFULL);
}

std::optional<std::pair<PoiKind, std::string>> classify_poi(FieldTags& t) {
    const std::string_view shop = t.get("shop");
    const std::string_view amenity = t.get("amenity");
    const std::string_view leisure = t.get("leisure");
    if (shop == "supermarket" || shop == "convenience" || shop == "greengrocer" ||
        shop == "bakery" || shop == "butcher" || shop == "deli") {
        return std::pair{PoiKind::grocery, "shop=" + std::string(shop)};
    }
    if (amenity == "school") {
        return std::pair{PoiKind::school, std::string("amenity=school")};
    }
    if (amenity == "kindergarten" || amenity == "childcare") {
        return std::pair{PoiKind::kindergarten, "amenity=" + std::string(amenity)};
    }
    if (amenity == "pharmacy" || amenity == "doctors" || amenity == "hospital" ||
        amenity == "clinic" || amenity == "dentist") {
        return std::pair{PoiKind::health, "amenity=" + std::string(amenity)};
    }
    if (leisure == "park" || leisure == "garden" || leisure == "nature_reserve") {
        return std::pair{PoiKind::park, "leisure=" + std::string(leisure)};
    }
    if (leisure == "playground") {
        return std::pair{PoiKind::playground, std::string("leisure=playground")};
    }
    if (!shop.empty()) {
        return std::pair{PoiKind::other, "shop=" + std::string(shop)};
    }
    return std::nullopt;
}

std::unique_ptr<OGRCoordinateTransformation> wgs84_transform(const std::string& crs_wkt,
                                                             bool to_crs) {
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference target = detail::srs_from_wkt(crs_wkt, "network CRS");
    std::unique_ptr<OGRCoordinateTransformation> ct(
        to_crs ? OGRCreateCoordinateTransformation(&wgs84, &target)
               : OGRCreateCoordinateTransformation(&target, &wgs84));
    if (!ct) {
        throw InputError("no transformation between WGS84 and the network CRS; check the CRS");
    }
    return ct;
}

void transform_all(OGRCoordinateTransformation& ct, std::vector<double>& x,
                   std::vector<double>& y) {
    if (x.empty()) {
        return;
    }
    std::vector<int> ok(x.size(), 0);
    if (!ct.Transform(static_cast<int>(x.size()), x.data(), y.data(), nullptr, ok.data()) ||
        std::find(ok.begin(), ok.end(), 0) != ok.end()) {
        throw InputError("coordinates cannot be transformed between WGS84 and the network CRS "
                         "(outside its area of use?)");
    }
}

std::string fixed(double v, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << v;
    return out.str();
}

} // namespace

std::string_view network_osm_config() noexcept { return embedded_network_osmconf; }

OsmNetworkData read_osm_network(const std::filesystem::path& osm_path, const std::string& crs) {
    const std::string name = osm_path.string();
    OsmNetworkData out;
    out.crs_wkt = normalize_crs(crs, "network CRS");
    detail::DatasetPtr ds =
        detail::open_osm_dataset(osm_path, "osmconf_network", embedded_network_osmconf);
    OGRLayer* points = ds->GetLayerByName("points");
    OGRLayer* lines = ds->GetLayerByName("lines");
    OGRLayer* polygons = ds->GetLayerByName("multipolygons");
    if (points == nullptr || lines == nullptr || polygons == nullptr) {
        throw InputError("OpenStreetMap file '" + name + "' lacks the points, lines and "
                         "multipolygons layers of GDAL's OSM driver; is it an OSM file?");
    }
    FieldTags point_tags(points->GetLayerDefn());
    FieldTags line_tags(lines->GetLayerDefn());
    FieldTags polygon_tags(polygons->GetLayerDefn());

    mob::NetworkInput& input = out.input;
    std::unordered_map<std::uint64_t, std::uint32_t> node_index;
    std::unordered_set<std::uint64_t> signals;
    std::vector<double> stop_lon;
    std::vector<double> stop_lat;
    std::vector<double> poi_lon;
    std::vector<double> poi_lat;
    std::size_t highway_lines = 0;
    const mob::TagLookup lookup = [&line_tags](std::string_view key) {
        return line_tags.get(key);
    };
    {
        detail::QuietGdalErrors quiet;
        ds->ResetReading();
        while (true) {
            OGRLayer* layer = nullptr;
            FeaturePtr f(ds->GetNextFeature(&layer, nullptr, nullptr, nullptr));
            if (!f) {
                break;
            }
            const OGRGeometry* geom = f->GetGeometryRef();
            if (geom == nullptr) {
                continue;
            }
            if (layer == lines) {
                line_tags.bind(f.get());
                if (line_tags.get("highway").empty()) {
                    continue;
                }
                ++highway_lines;
                mob::WayTags tags;
                if (!mob::decode_way_tags(lookup, tags) ||
                    wkbFlatten(geom->getGeometryType()) != wkbLineString) {
                    continue;
                }
                const auto* line = geom->toLineString();
                mob::WayRecord way;
                way.osm_id = parse_id(line_tags.get("osm_id"));
                way.first_node = static_cast<std::uint32_t>(input.way_nodes.size());
                way.node_count = static_cast<std::uint32_t>(line->getNumPoints());
                way.tags = tags;
                for (int i = 0; i < line->getNumPoints(); ++i) {
                    const double lon = line->getX(i);
                    const double lat = line->getY(i);
                    const auto [it, inserted] = node_index.emplace(
                        position_key(lon, lat), static_cast<std::uint32_t>(input.node_x_m.size()));
                    if (inserted) {
                        input.node_x_m.push_back(lon);
                        input.node_y_m.push_back(lat);
                    }
                    input.way_nodes.push_back(it->second);
                }
                input.ways.push_back(way);
            } else if (layer == points) {
                point_tags.bind(f.get());
                const auto* p = geom->toPoint();
                const std::string_view highway = point_tags.get("highway");
                if (highway == "traffic_signals") {
                    signals.insert(position_key(p->getX(), p->getY()));
                }
                const std::string_view pt = point_tags.get("public_transport");
                const bool bus_platform = (pt == "platform" || pt == "stop_position") &&
                                          point_tags.get("bus") == "yes";
                if (highway == "bus_stop" || bus_platform) {
                    BusStop stop;
                    stop.name = std::string(point_tags.get("name"));
                    stop.osm_id = parse_id(point_tags.get("osm_id"));
                    out.bus_stops.push_back(std::move(stop));
                    stop_lon.push_back(p->getX());
                    stop_lat.push_back(p->getY());
                }
                if (auto poi = classify_poi(point_tags)) {
                    PointOfInterest item;
                    item.kind = poi->first;
                    item.category = std::move(poi->second);
                    item.name = std::string(point_tags.get("name"));
                    item.osm_id = parse_id(point_tags.get("osm_id"));
                    out.pois.push_back(std::move(item));
                    poi_lon.push_back(p->getX());
                    poi_lat.push_back(p->getY());
                }
            } else if (layer == polygons) {
                polygon_tags.bind(f.get());
                if (auto poi = classify_poi(polygon_tags)) {
                    OGRPoint centroid;
                    if (geom->Centroid(&centroid) != OGRERR_NONE) {
                        continue;
                    }
                    PointOfInterest item;
                    item.kind = poi->first;
                    item.category = std::move(poi->second);
                    item.name = std::string(polygon_tags.get("name"));
                    const std::string_view way_id = polygon_tags.get("osm_way_id");
                    item.osm_id = parse_id(way_id.empty() ? polygon_tags.get("osm_id") : way_id);
                    out.pois.push_back(std::move(item));
                    poi_lon.push_back(centroid.getX());
                    poi_lat.push_back(centroid.getY());
                }
            }
        }
    }
    if (input.ways.empty()) {
        throw InputError("OpenStreetMap file '" + name + "' has no routable ways (" +
                         std::to_string(highway_lines) +
                         " highway lines, none usable by walk, bike or car); give an extract "
                         "that contains the street network");
    }
    input.node_signal.assign(input.node_x_m.size(), 0);
    for (const auto& [key, index] : node_index) {
        if (signals.contains(key)) {
            input.node_signal[index] = 1;
        }
    }
    auto ct = wgs84_transform(out.crs_wkt, true);
    transform_all(*ct, input.node_x_m, input.node_y_m);
    transform_all(*ct, stop_lon, stop_lat);
    transform_all(*ct, poi_lon, poi_lat);
    for (std::size_t i = 0; i < out.bus_stops.size(); ++i) {
        out.bus_stops[i].x_m = stop_lon[i];
        out.bus_stops[i].y_m = stop_lat[i];
    }
    for (std::size_t i = 0; i < out.pois.size(); ++i) {
        out.pois[i].x_m = poi_lon[i];
        out.pois[i].y_m = poi_lat[i];
    }
    return out;
}

MobilityNetwork build_mobility_network(const std::filesystem::path& osm_path,
                                       const std::filesystem::path& dem_path,
                                       const std::string& crs,
                                       const mob::ElevationParams& elevation,
                                       const std::optional<std::string>& dem_crs) {
    MobilityNetwork net;
    StepTimer timer;
    OsmNetworkData data = read_osm_network(osm_path, crs);
    net.bus = read_osm_bus_routes(osm_path, data.crs_wkt);
    net.read_seconds = timer.seconds();
    net.crs_wkt = data.crs_wkt;
    net.bus_stops = std::move(data.bus_stops);
    net.pois = std::move(data.pois);

    const StepTimer build_timer;
    mob::Graph graph = mob::build_graph(data.input);
    net.build_seconds = build_timer.seconds();
    if (graph.edge_count() == 0) {
        throw InputError("OpenStreetMap file '" + osm_path.string() +
                         "' gives no connected street network; give a larger extract");
    }

    const StepTimer dem_timer;
    double x_min = std::numeric_limits<double>::infinity();
    double y_min = x_min;
    double x_max = -x_min;
    double y_max = -x_min;
    for (const double x : graph.point_x_m()) {
        x_min = std::min(x_min, x);
        x_max = std::max(x_max, x);
    }
    for (const double y : graph.point_y_m()) {
        y_min = std::min(y_min, y);
        y_max = std::max(y_max, y);
    }
    const kernels::GridSpec dem_grid = raster_grid_of(dem_path, dem_crs, dem_crs_key);
    RasterLayer dem;
    if (same_crs(dem_grid.crs_wkt, net.crs_wkt)) {
        dem = read_raster(dem_path, 1, dem_crs, dem_crs_key);
    } else {
        // Reproject onto the network's CRS at about the DEM's resolution (at least 1 m).
        // A geographic DEM's cell size is in degrees: about 111 km per degree of latitude.
        const double metres_per_unit = crs_is_projected_metres(dem_grid.crs_wkt) ? 1.0 : 111000.0;
        const double cell = std::max(
            1.0, std::min(dem_grid.cell_size_x_m, dem_grid.cell_size_y_m) * metres_per_unit);
        const kernels::GridSpec target =
            kernels::grid_covering(x_min - 2.0 * cell, y_min - 2.0 * cell, x_max + 2.0 * cell,
                                   y_max + 2.0 * cell, cell, net.crs_wkt);
        dem = warp_raster_to_grid(dem_path, target, Resampling::bilinear, dem_crs, 1, dem_crs_key);
    }
    mob::ElevationResult sampled =
        mob::sample_elevation(graph, dem.values.view(), dem.mask, elevation);
    if (!sampled.uncovered_segments.empty()) {
        double ux0 = std::numeric_limits<double>::infinity();
        double uy0 = ux0;
        double ux1 = -ux0;
        double uy1 = -ux0;
        for (const std::uint32_t s : sampled.uncovered_segments) {
            for (std::uint32_t p = graph.segment_first_point()[s];
                 p < graph.segment_first_point()[s + 1]; ++p) {
                ux0 = std::min(ux0, graph.point_x_m()[p]);
                ux1 = std::max(ux1, graph.point_x_m()[p]);
                uy0 = std::min(uy0, graph.point_y_m()[p]);
                uy1 = std::max(uy1, graph.point_y_m()[p]);
            }
        }
        std::vector<double> lon{ux0, ux1};
        std::vector<double> lat{uy0, uy1};
        crs_to_lonlat(net.crs_wkt, lon, lat);
        const kernels::GridSpec& g = dem.values.spec();
        throw InputError(
            "DEM '" + dem_path.string() + "' does not cover the street network of '" +
            osm_path.string() + "': " + std::to_string(sampled.uncovered_segments.size()) +
            " street segments lie outside its data, within x " + fixed(ux0, 0) + ".." +
            fixed(ux1, 0) + ", y " + fixed(uy0, 0) + ".." + fixed(uy1, 0) +
            " m (lon " + fixed(lon[0], 5) + ".." + fixed(lon[1], 5) + ", lat " + fixed(lat[0], 5) +
            ".." + fixed(lat[1], 5) + "); the DEM spans x " + fixed(g.x0, 0) + ".." +
            fixed(g.x_max(), 0) + ", y " + fixed(g.y_min(), 0) + ".." + fixed(g.y0, 0) +
            "; give a DEM covering the whole extract");
    }
    net.graph = mob::attach_elevation(std::move(graph), std::move(sampled.elevation));
    net.elevation_seconds = dem_timer.seconds();
    return net;
}

void lonlat_to_crs(const std::string& crs_wkt, std::vector<double>& x, std::vector<double>& y) {
    detail::ensure_gdal_registered();
    auto ct = wgs84_transform(crs_wkt, true);
    transform_all(*ct, x, y);
}

void crs_to_lonlat(const std::string& crs_wkt, std::vector<double>& x, std::vector<double>& y) {
    detail::ensure_gdal_registered();
    auto ct = wgs84_transform(crs_wkt, false);
    transform_all(*ct, x, y);
}

} // namespace lauter::sim
