#pragma once
/// @file osm_landcover.hpp
/// Land cover, imperviousness, building heights and tree canopy on the study grid, derived from an
/// OpenStreetMap extract (.osm, .osm.gz, .osm.bz2, .pbf) read with GDAL's OSM driver.
///
/// Tags: GDAL's default osmconf.ini drops tags we need (building:levels, height, surface,
/// area:highway, parking, water, width, tunnel, ...). lauter therefore embeds its own OSM driver
/// configuration (osm_driver_config() below) and hands it to the
/// driver through an in-memory file (/vsimem/) and the CONFIG_FILE open option: no file has to be
/// found at run time, and the tags read are versioned with the code.
///
/// Method: every feature is mapped to one land-cover class (table in osm_landcover.cpp, documented
/// in docs of OsmLandCoverParams) and painted into a sub-sample canvas (S x S samples per cell,
/// kernels/rasterize.hpp) in increasing priority, so that higher priority overwrites lower:
///
///     open_land < agriculture < trees < sealed_other < water < railway < road < building
///
/// Why this order: building footprints are the most precise OSM geometries; roads are buffered
/// centre lines drawn across whatever lies beneath (a street through a park is sealed there);
/// railway beds and water bodies are explicit areas that enclosing parking or landuse polygons
/// should not hide; sealed_other areas (parking, fuel stations) usually lie inside broader
/// vegetated landuse; woods inside parks or farmland are more specific than the enclosing polygon.
/// Ground inside landuse=commercial/industrial/retail is painted first as `commercial_ground_class`
/// (default sealed_other), so any mapped feature there overwrites it. Sub-samples no feature
/// covers take `unmapped_class` and are reported as `unmapped_fraction`.
/// Cell outputs: per-class fractions (count / S^2), the dominant class (largest fraction; ties go
/// to the higher priority), impervious fraction (building + road + sealed_other + a documented
/// share of railway), the area-weighted mean building height over the building sub-samples, and a
/// tree-canopy fraction painted on its own canvas (a crown over a road is canopy and road).
/// Cells outside the extract's bounds (the <bound>/<bounds> element) are no_data in `mask`.
///
/// © OpenStreetMap contributors (ODbL 1.0) applies to any data derived from OSM input.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/landcover.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim {

/// Buffer width (full paved width, m) of one highway class.
struct HighwayWidth {
    std::string highway; ///< value of the highway tag
    double width_m = 0.0;
    bool operator==(const HighwayWidth&) const = default;
};

/// Parameters of the OSM land-cover derivation (scenario keys: the member names).
struct OsmLandCoverParams {
    /// Sub-samples per cell along each axis; fractions are exact to about one sub-sample width
    /// (cell / S) along feature edges. 5 gives 4 % area steps at a cost of 25 bytes per cell.
    std::size_t subcell_samples = 5;
    /// Storey height for building:levels (m): 3.0 m, a common gross storey height (about 2.5 m
    /// clear height plus floor slab) and the factor OSM 3D renderers apply to building:levels.
    double storey_height_m = 3.0;
    /// Height of buildings without height or levels tags (m): lauter's assumption of three
    /// storeys of 3 m; set it from local knowledge (e.g. a cadastre's mean building height).
    double default_building_height_m = 9.0;
    /// Crown radius of a natural=tree point and half width of a natural=tree_row (m): 3 m, i.e. a
    /// 6 m crown, a mid-sized urban street tree.
    double tree_crown_radius_m = 3.0;
    /// Class of sub-samples no feature covers: in a city, unmapped ground is mostly gardens and
    /// verges (open land), but users with better local knowledge may choose otherwise.
    kernels::LandCover unmapped_class = kernels::LandCover::open_land;
    /// Class of ground inside landuse=commercial|industrial|retail that no feature maps: such sites
    /// are mostly sealed yards, loading and parking areas (CORINE/Urban Atlas class 1.2.1
    /// "industrial, commercial units" is defined by predominantly sealed ground), while unmapped
    /// ground in residential areas is mostly gardens (unmapped_class).
    kernels::LandCover commercial_ground_class = kernels::LandCover::sealed_other;
    /// Share of a railway track bed counted as impervious (0..1). Ballast beds infiltrate most
    /// rain; we count none of them as sealed, as no cited value for the share is at hand.
    double railway_impervious_share = 0.0;
    /// Sealed widths (m) per highway class, used when a line has no `width` tag: lauter's own
    /// rounded choices for a whole street between kerbs (carriageway plus parking lanes), guided by
    /// the orders of magnitude of the German design guidelines RASt 06 (FGSV 2006) for urban
    /// streets, RAA 2008 (FGSV 2008) for motorways and EFA 2002 / ERA 2010 for footways and
    /// cycleways. Sidewalks mapped only as street attributes are not included. track and path
    /// lines are painted only when their `surface` tag is paved (they are mostly unpaved).
    std::vector<HighwayWidth> highway_widths = {
        {"motorway", 28.0},    {"motorway_link", 8.0},  {"trunk", 20.0},
        {"trunk_link", 8.0},   {"primary", 14.0},       {"primary_link", 7.0},
        {"secondary", 12.0},   {"secondary_link", 7.0}, {"tertiary", 10.0},
        {"tertiary_link", 6.0}, {"unclassified", 6.0},  {"residential", 8.0},
        {"living_street", 6.0}, {"road", 6.0},          {"service", 4.5},
        {"pedestrian", 6.0},   {"busway", 7.0},         {"bus_guideway", 7.0},
        {"footway", 2.5},      {"cycleway", 2.0},       {"steps", 2.5},
        {"path", 1.5},         {"bridleway", 2.0},      {"track", 3.0},
    };
    /// Track-bed width (m) per railway class, one track: lauter's rounded choice for a ballast
    /// bed with shoulders (standard gauge about 4-5 m); tram tracks in street space 3.0 m.
    std::vector<HighwayWidth> railway_widths = {
        {"rail", 5.0},  {"light_rail", 4.5}, {"narrow_gauge", 4.0},
        {"tram", 3.0},  {"preserved", 4.0},  {"funicular", 3.0},
    };
    /// Widths (m) of waterway lines (streams, ditches, rivers) painted as water.
    std::vector<HighwayWidth> waterway_widths = {
        {"river", 12.0}, {"canal", 10.0}, {"stream", 2.0}, {"ditch", 1.0}, {"drain", 1.0},
    };
    bool operator==(const OsmLandCoverParams&) const = default;
};

/// Feature counts of one derivation (features read from the file, before clipping to the grid).
struct OsmFeatureCounts {
    std::size_t buildings = 0;             ///< building polygons (incl. multipolygon relations)
    std::size_t buildings_with_height = 0; ///< of which with a usable height tag
    std::size_t buildings_with_levels = 0; ///< of which with building:levels but no height
    std::size_t highway_lines = 0;         ///< highway centre lines painted as road
    std::size_t highway_areas = 0;         ///< area:highway and highway polygons
    std::size_t railway_lines = 0;
    std::size_t waterway_lines = 0;
    std::size_t water_areas = 0;
    std::size_t sealed_areas = 0;          ///< parking, garages, fuel, sealed pitches ...
    std::size_t tree_areas = 0;            ///< forest, wood
    std::size_t tree_rows = 0;
    std::size_t tree_points = 0;
    std::size_t agriculture_areas = 0;
    std::size_t open_land_areas = 0;
    std::size_t railway_areas = 0;
    std::size_t commercial_ground_areas = 0; ///< landuse=commercial|industrial|retail
    std::size_t skipped_underground = 0;   ///< tunnels, culverts, underground parking
};

/// Summary for checks against vector statistics.
struct OsmLandCoverSummary {
    OsmFeatureCounts counts;
    /// Total building footprint area (m^2) of the OSM polygons in the grid CRS, clipped to the grid
    /// extent (OGR/GEOS intersection and area, overlaps between buildings counted twice).
    double building_footprint_area_m2 = 0.0;
    /// Sum of building fractions x cell area (m^2) over the whole grid (inside and outside the
    /// extract's bounds): the raster's building area, to compare with the vector area.
    double building_class_area_m2 = 0.0;
    double seconds = 0.0; ///< wall-clock time of the derivation
};

/// One OSM building of the study grid: entry i of OsmLandCover::buildings has building id i + 1.
struct OsmBuilding {
    std::int64_t osm_id = 0;     ///< way id (positive) or relation id (negative); 0 if unknown
    std::string name;            ///< name tag ("" if untagged)
    std::string address;         ///< "addr:street addr:housenumber" ("" if untagged)
    std::string building_type;   ///< value of the building tag ("yes", "house", ...)
    /// The site the building stands on: "landuse=<value>" or "amenity=<value>" of the smallest
    /// OSM area with a landuse (else amenity) tag that covers the centre of the cell holding
    /// most of the building's sub-samples; "" where no such area is mapped. Read in the same
    /// pass as the land cover; the residents estimate (residents.hpp) uses it to tell homes
    /// tagged only building=yes from halls, shops and offices on commercial or industrial land.
    std::string site;
    double footprint_area_m2 = 0.0; ///< area of its sub-samples on the grid (m^2)
    float height_m = 0.0F;       ///< height as used for building_height_m
    std::int32_t cells = 0;      ///< cells whose building_id is this building
    /// Share of the roof's rain that runs off during an event (1: a conventional roof). Green
    /// roofs (a green_roofs modification) lower it; the runoff model multiplies the rain of the
    /// building's cells by it.
    float roof_runoff_coefficient = 1.0F;
};

/// Outputs on the study grid; every raster has the grid's spec.
struct OsmLandCover {
    kernels::CellMask mask;                        ///< active inside the extract's bounds
    kernels::Raster<kernels::LandCover> dominant;  ///< dominant class (unmapped_class outside mask)
    /// Per-class area fractions 0..1, indexed by land_cover_index(); they sum to 1 on active cells.
    std::array<kernels::Raster<float>, kernels::land_cover_class_count> fractions;
    kernels::Raster<float> impervious_fraction;    ///< 0..1
    kernels::Raster<float> building_height_m;      ///< mean over building sub-samples, 0 elsewhere
    kernels::Raster<float> tree_canopy_fraction;   ///< 0..1, independent of the class canvas
    /// 0..1: share of the cell that no OSM feature (nor commercial ground) maps, so that its class
    /// is the assumed unmapped_class: where the map says little, the land cover is a guess.
    kernels::Raster<float> unmapped_fraction;
    /// Buildings painted on the grid (at least one sub-sample), in file order.
    std::vector<OsmBuilding> buildings;
    /// Per cell: id (1-based index into `buildings`) of the building covering the largest share
    /// of the cell's building sub-samples, in cells whose building fraction is >= 0.5 (the
    /// cells the runoff model treats as building); ties go to the building painted last (the
    /// one visible there). A building that owns no cell this way (smaller than about half a
    /// cell) gets the cell holding most of its sub-samples, if no other building owns it, so
    /// that small buildings still appear in the buildings-affected table. 0: no building.
    kernels::Raster<std::int32_t> building_id;
    OsmLandCoverSummary summary;
};

/// Derives land cover from `osm_path` on `grid` (which must have a CRS). Throws InputError if the
/// file cannot be read as OSM, ConfigError for invalid parameters. Float outputs are NaN and the
/// class is unmapped_class in cells outside the extract's bounds.
[[nodiscard]] OsmLandCover derive_osm_landcover(const std::filesystem::path& osm_path,
                                                const kernels::GridSpec& grid,
                                                const OsmLandCoverParams& params = {});

/// Recomputes the dominant class (largest fraction, ties to the higher painting priority) and
/// the impervious fraction of active cell `i` from its class fractions, as the derivation does;
/// scenario modifications call it after editing the fractions of a cell.
void update_cell_classes(OsmLandCover& land_cover, std::size_t i,
                         const OsmLandCoverParams& params);

/// The bounds of an OSM extract (its <bounds> element, else the extent of its nodes) in `crs_wkt`,
/// snapped outward to `cell_size_m`: the study grid of `extent_from: osm`.
[[nodiscard]] kernels::GridSpec osm_extract_grid(const std::filesystem::path& osm_path,
                                                 const std::string& crs_wkt, double cell_size_m);

/// Parses an OSM height value: "12", "12 m", "12.5m", "40 ft", "40'", "12'6\"" (feet/inches
/// converted to metres). Returns a negative value if the text is not a height.
[[nodiscard]] double parse_osm_height_m(std::string_view text) noexcept;

/// Throws ConfigError naming the parameter if a value is out of range.
void validate(const OsmLandCoverParams& params);

/// The embedded OSM driver configuration (text of an osmconf.ini).
[[nodiscard]] std::string_view osm_driver_config() noexcept;

} // namespace lauter::sim
