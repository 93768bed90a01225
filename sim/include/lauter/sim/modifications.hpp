#pragma once
/// @file modifications.hpp
/// Measures as data (issue 7 item 1): the scenario key `modifications:`, a list whose elements
/// edit the prepared study area (land cover, buildings, tree canopy) and the model settings
/// (bike lanes, traffic calming, bus headway, e-bike ownership, storm, weather) in list order, right after
/// prepare_study_area. Each element has a `type` (a schema variant) and is validated like every
/// other key. docs/measures.md describes every measure, its parameters, sources and limits.
///
/// Areal measures take their polygon from `area:` with exactly one of `wkt:` (inline WKT,
/// coordinates in `crs:`, default EPSG:4326 lon/lat) or `file:` (any OGR vector file; `layer:`,
/// `where:` an OGR SQL attribute filter). The share of each cell inside the polygon comes from
/// the land-cover rasteriser's sub-cell sampling (kernels/rasterize.hpp, landcover.
/// subcell_samples per cell edge). Edits assume that what a cell holds is spread evenly over
/// it: the part of the cell inside the polygon holds the cell's fractions times its coverage.

#include <lauter/kernels/landcover.hpp>
#include <lauter/kernels/mobility/graph.hpp>
#include <lauter/sim/runoff_settings.hpp>
#include <lauter/sim/schema.hpp>
#include <lauter/sim/thermal_settings.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim {

struct Scenario;
struct StudyArea;

enum class ModificationType : std::uint8_t {
    unseal,          ///< sealed non-building ground becomes an unsealed class
    green_roofs,     ///< roofs get an extensive green roof (lower roof runoff)
    plant_trees,     ///< tree crowns at points or along lines (tree canopy)
    new_development, ///< land cover replaced, new buildings added
    keep_free,       ///< buildings removed (e.g. a cold-air corridor)
    bike_lanes,      ///< cycle facilities on OSM ways or along a line (mobility)
    traffic_calming, ///< car speed cap inside an area (mobility)
    bus_headway,     ///< bus headway of some or all lines (mobility)
    ebike_ownership, ///< share of travellers who can use an e-bike (mobility)
    heavy_rain,      ///< the runoff model's storm
    hot_day,         ///< the thermal model's weather
};

inline constexpr std::size_t modification_type_count = 11;

[[nodiscard]] std::string_view modification_type_name(ModificationType type) noexcept;

/// Where the geometry of a measure comes from: inline WKT or a vector file.
struct GeometrySource {
    std::string wkt;                         ///< inline WKT; empty when `file` is set
    std::string crs = "EPSG:4326";           ///< CRS of the WKT coordinates
    std::optional<std::filesystem::path> file; ///< absolute path of a vector file
    std::optional<std::string> layer;        ///< layer name (default: the first layer)
    std::optional<std::string> where;        ///< OGR SQL attribute filter

    bool operator==(const GeometrySource&) const = default;
};

/// One validated element of `modifications:`. Only the members of its type are meaningful;
/// their units are in the names, their defaults and sources in modifications.cpp and
/// docs/measures.md.
struct Modification {
    ModificationType type = ModificationType::unseal;
    std::size_t index = 0; ///< position in the list (messages name "modifications[index]")

    std::optional<GeometrySource> area;     ///< areal measures; green_roofs: unset = all roofs
    std::optional<GeometrySource> geometry; ///< plant_trees points/lines, bike_lanes `along`

    kernels::LandCover to_class = kernels::LandCover::open_land; ///< unseal, keep_free, ground
    double share = 1.0;        ///< unseal: of the sealed ground; green_roofs: of the roof area
    bool include_roads = false; ///< unseal: roads too

    double roof_runoff_coefficient = 0.4; ///< green_roofs

    double spacing_m = 10.0;       ///< plant_trees along lines
    double crown_diameter_m = 6.0; ///< plant_trees

    double building_share = 0.0;  ///< new_development: footprint share of the area
    double height_m = 0.0;        ///< new_development: building height (if storeys is 0)
    int storeys = 0;              ///< new_development: storeys x landcover.storey_height_m
    double sealed_share = 0.0;    ///< new_development: sealed share of the ground between
    double building_size_m = 20.0; ///< new_development: side of the square footprints
    std::string building_type = "apartments"; ///< new_development: OSM building value

    std::vector<std::int64_t> way_ids; ///< bike_lanes
    kernels::mobility::CycleFacility facility = kernels::mobility::CycleFacility::lane;
    double buffer_m = 10.0; ///< bike_lanes along a line

    double car_max_speed_kmh = 30.0; ///< traffic_calming
    double headway_min = 0.0;        ///< bus_headway
    std::vector<std::string> bus_lines; ///< bus_headway: line refs (empty: every line)
    // ebike_ownership uses `share`: the scenario's e-bike ownership share (0-1), in `area` or
    // in the zones named here (neither: city-wide).
    std::vector<std::string> ebike_zones; ///< ebike_ownership: zone names
    StormSettings storm;             ///< heavy_rain
    ThermalWeather weather;          ///< hot_day

    bool operator==(const Modification&) const = default;
};

/// The KeySpec of the `modifications:` list (sequence with variant key `type`).
[[nodiscard]] schema::KeySpec modifications_schema();

/// Cross-key checks of the modifications in a resolved scenario: the models a measure edits
/// must run (land cover for areal measures, mobility, runoff, thermal), storm and weather
/// rules, bike lanes need way_ids or along.
void check_modification_keys(const schema::ValidationResult& result,
                             schema::Diagnostics& diagnostics);

/// Typed modifications from the resolved `modifications` list of a scenario without errors.
[[nodiscard]] std::vector<Modification> modifications_from(const YAML::Node& resolved_list);

/// One human-readable line describing a modification (logs, results attributes).
[[nodiscard]] std::string describe(const Modification& modification);

/// Applies the modifications in order: edits the land cover, buildings and canopy of `area` and
/// the model settings of `scenario` (bike lanes, traffic calming, bus headway, storm, weather).
/// Logs one info line per modification with what it changed. An empty list changes nothing.
/// Throws InputError naming the scenario file and the element for unreadable geometries.
void apply_modifications(const std::vector<Modification>& mods, Scenario& scenario,
                         StudyArea& area);

} // namespace lauter::sim
