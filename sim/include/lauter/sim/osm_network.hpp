#pragma once
/// @file osm_network.hpp
/// The street network, bus stops and points of interest from an OpenStreetMap extract (.osm,
/// .osm.gz, .pbf) read with GDAL's OSM driver, projected to the study CRS (EPSG:25832 by
/// default), and the elevation from a DEM.
///
/// Topology from GDAL: the OSM driver's `lines` layer gives each way's geometry but not its node
/// ids. The driver stores node coordinates as integers of 1e-7 degrees (OSM's own precision), so
/// every way through one OSM node returns bit-identical coordinates for it: lauter identifies
/// nodes by their (lon, lat) quantised to 1e-7 degrees, which recovers the shared-node topology
/// (checked against the XML's node ids over the highway lines: campus extract 442 shared nodes by
/// id and by position; whole extract 7,100 by id, 7,091 by position). The one difference from
/// true node ids: distinct OSM nodes at exactly the same position (the 9 above) become one
/// junction, which is what a router wants anyway.
///
/// lauter embeds its own driver configuration (network_osm_config(), handed to GDAL through
/// /vsimem/ like osm_landcover.cpp) so that the routing tags (oneway, oneway:bicycle, cycleway*,
/// maxspeed, lanes, surface, access tags, ...) become fields; ':' in keys becomes '_' in field
/// names. Closed highway ways stay lines (roundabouts) unless area=yes.
///
/// Traffic signals (highway=traffic_signals nodes on a way) mark graph nodes. Bus stops:
/// highway=bus_stop, or public_transport=platform|stop_position with bus=yes; bus route
/// relations come from the XML itself (bus_lines.hpp). POIs: shops,
/// schools, kindergartens, pharmacies, doctors, parks and playgrounds, from nodes and areas (areas
/// by the centroid of their outer ring).
///
/// © OpenStreetMap contributors (ODbL 1.0) applies to data derived from OSM input.

#include <lauter/kernels/grid.hpp>
#include <lauter/sim/bus_lines.hpp>
#include <lauter/kernels/mobility/elevation_profile.hpp>
#include <lauter/kernels/mobility/graph.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim {

/// Coarse POI classes used by accessibility indicators.
enum class PoiKind : std::uint8_t {
    grocery, school, kindergarten, health, park, playground, other
};

struct PointOfInterest {
    double x_m = 0.0;
    double y_m = 0.0;
    PoiKind kind = PoiKind::other;
    std::string category; ///< OSM key=value, e.g. "shop=supermarket"
    std::string name;
    std::int64_t osm_id = 0;
};

struct BusStop {
    double x_m = 0.0;
    double y_m = 0.0;
    std::string name;
    std::int64_t osm_id = 0;
};

/// The decoded OSM content.
struct OsmNetworkData {
    kernels::mobility::NetworkInput input;
    std::vector<BusStop> bus_stops;
    std::vector<PointOfInterest> pois;
    std::string crs_wkt; ///< CRS of every coordinate above (WKT2)
};

/// The OSM driver configuration lauter uses for networks.
[[nodiscard]] std::string_view network_osm_config() noexcept;

/// Reads ways, bus stops and POIs and projects them to `crs` (any normalize_crs input).
/// InputError naming the file if it cannot be read or has no routable way.
[[nodiscard]] OsmNetworkData read_osm_network(const std::filesystem::path& osm_path,
                                              const std::string& crs = "EPSG:25832");

/// Graph plus everything a mobility model needs.
struct MobilityNetwork {
    kernels::mobility::Graph graph;
    std::vector<BusStop> bus_stops;
    std::vector<PointOfInterest> pois;
    /// Bus route relations and stop nodes (bus_lines.hpp; empty for a .pbf extract).
    OsmBusData bus;
    std::string crs_wkt;
    double read_seconds = 0.0;      ///< OSM reading and projection
    double build_seconds = 0.0;     ///< graph building
    double elevation_seconds = 0.0; ///< DEM reading and sampling
};

/// Reads the OSM extract, builds the graph and attaches elevation from `dem_path` (any GDAL
/// raster; reprojected bilinearly to the network CRS at the DEM's resolution when its CRS
/// differs). InputError naming the DEM and the uncovered extent (in the network CRS and in
/// lon/lat) if the DEM does not cover every edge. `dem_crs` is assumed when the DEM has no CRS
/// (--input-crs).
[[nodiscard]] MobilityNetwork build_mobility_network(
    const std::filesystem::path& osm_path, const std::filesystem::path& dem_path,
    const std::string& crs = "EPSG:25832", const kernels::mobility::ElevationParams& elevation = {},
    const std::optional<std::string>& dem_crs = {});

/// WGS84 lon/lat to the CRS `crs_wkt` (x = easting), in place.
void lonlat_to_crs(const std::string& crs_wkt, std::vector<double>& x, std::vector<double>& y);
/// The CRS `crs_wkt` to WGS84 lon/lat, in place.
void crs_to_lonlat(const std::string& crs_wkt, std::vector<double>& x, std::vector<double>& y);

} // namespace lauter::sim
