#pragma once
/// @file scenario.hpp
/// lauter scenario files (schema v1): the key schema, strict validation with file:line:column
/// messages, defaults, cross-key checks, and the typed Scenario that the rest of sim/ uses.
///
/// A scenario file is YAML:
///
///     name: baseline
///     study_area:
///       crs: EPSG:25832
///       extent_from: osm
///       resolution_m: 10
///     inputs:
///       osm: ../../inputs/kaiserslautern/kaiserslautern.osm.gz
///       dem: ../../inputs/kaiserslautern/terrain_illustrative.tif
///
/// Every key, its default and its range are listed in docs/scenario-reference.md, which is
/// generated from the schema by schema_markdown(). Later models (runoff, cold air, thermal,
/// mobility) and the `modifications:` list (modifications.hpp) are KeySpec entries of scenario.cpp.

#include <lauter/kernels/landcover.hpp>
#include <lauter/sim/coldair_settings.hpp>
#include <lauter/sim/mobility_settings.hpp>
#include <lauter/sim/modifications.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/runoff_settings.hpp>
#include <lauter/sim/schema.hpp>
#include <lauter/sim/thermal_settings.hpp>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim {

/// Version of the scenario schema implemented here.
inline constexpr int scenario_schema_version = 1;

/// Where the study area's extent comes from when it is not given explicitly.
enum class ExtentSource { osm, dem, boundary };

/// Resampling of the DEM onto the study grid (GDAL's resampling algorithms of the same names).

/// Whether the DEM is a measured terrain model or an illustrative stand-in; results are labelled
/// with it so that maps made from illustrative terrain are never mistaken for measurements.
enum class DemKind { measured, illustrative };

[[nodiscard]] std::string_view extent_source_name(ExtentSource source) noexcept;
[[nodiscard]] std::string_view dem_kind_name(DemKind kind) noexcept;

/// Rectangle in the study CRS, metres.
struct Extent {
    double x_min_m = 0.0;
    double y_min_m = 0.0;
    double x_max_m = 0.0;
    double y_max_m = 0.0;

    bool operator==(const Extent&) const = default;
};

struct StudyAreaSettings {
    std::string crs;              ///< as written in the scenario ("EPSG:25832")
    std::string crs_wkt;          ///< the same CRS as WKT2 (2019), as GDAL normalised it
    std::optional<Extent> extent; ///< exactly one of extent / extent_from is set
    std::optional<ExtentSource> extent_from;
    std::optional<std::filesystem::path> boundary; ///< absolute; cells outside get no data
    std::string boundary_crs; ///< CRS assumed when the boundary file has none; empty: none
    double resolution_m = 10.0;                    ///< cell size of the study grid

    bool operator==(const StudyAreaSettings&) const = default;
};

struct InputSettings {
    std::optional<std::filesystem::path> osm; ///< absolute path of the OSM extract
    std::optional<std::filesystem::path> dem; ///< absolute path of the DEM raster
    std::string dem_crs; ///< CRS assumed when the DEM file has none; empty: none assumed
    Resampling dem_resampling = Resampling::bilinear;
    DemKind dem_kind = DemKind::measured;

    bool operator==(const InputSettings&) const = default;
};

struct TerrainModelSettings {
    bool enabled = true;
    double hillshade_azimuth_deg = 315.0; ///< light from the north-west (gdaldem default)
    double hillshade_altitude_deg = 45.0; ///< sun elevation (gdaldem default)

    bool operator==(const TerrainModelSettings&) const = default;
};

struct LandcoverModelSettings {
    bool enabled = true;

    bool operator==(const LandcoverModelSettings&) const = default;
};

struct ModelSettings {
    TerrainModelSettings terrain;
    LandcoverModelSettings landcover;
    RunoffModelSettings runoff;
    MobilityModelSettings mobility;
    ThermalModelSettings thermal;
    ColdAirModelSettings coldair;

    bool operator==(const ModelSettings&) const = default;
};

/// HDF5 output settings.
struct OutputSettings {
    /// gzip level 0..9; 4 is close to the best size for raster data at a fraction of the time
    /// of level 9.
    int deflate_level = 4;
    /// Chunk edge in cells; 256 x 256 float chunks are 256 KiB, within HDF5's 1 MiB default
    /// chunk cache.
    int chunk_size = 256;

    bool operator==(const OutputSettings&) const = default;
};

/// A validated scenario with every default filled in.
struct Scenario {
    std::string name; ///< [A-Za-z0-9_-]{1,64}; names the results group
    std::string description;
    StudyAreaSettings study_area;
    InputSettings inputs;
    OsmLandCoverParams landcover; ///< how land cover is derived from OSM (scenario key landcover)
    ModelSettings models;
    /// Measures applied in order after the study area is prepared (scenario key modifications).
    std::vector<Modification> modifications;
    OutputSettings output;

    /// The resolved scenario as YAML: every key in schema order, defaults filled, paths absolute.
    /// Stored with the results; loading it again gives an equal Scenario.
    std::string resolved_yaml;
    /// The scenario file as the user named it (empty for text parsed without a file).
    std::filesystem::path source_file;

    /// Compares every setting and resolved_yaml, but not source_file.
    [[nodiscard]] bool same_settings(const Scenario& other) const;
};

/// The scenario schema v1 (built once).
[[nodiscard]] const schema::KeySpec& scenario_schema();

/// Markdown reference of every scenario key (docs/scenario-reference.md and --help).
[[nodiscard]] std::string schema_markdown();

/// Reads, validates and resolves a scenario file, applying `overrides` ("KEY=VALUE", as given to
/// --set) in order. Throws ConfigError listing every problem, one per line, sorted by line.
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& file,
                                     const std::vector<std::string>& overrides = {});

/// Validates and resolves an already parsed document, e.g. after
/// schema::apply_override(doc, "study_area.resolution_m=25") calls for --set options.
[[nodiscard]] Scenario load_scenario(const schema::Document& doc);

} // namespace lauter::sim
