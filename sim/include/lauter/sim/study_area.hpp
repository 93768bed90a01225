#pragma once
/// @file study_area.hpp
/// The prepared study area: one grid, its mask, and every input layer warped or rasterized onto it.
/// Models read from a StudyArea; scenario modifications (later issues) edit a copy of it.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/landcover.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lauter::sim {

/// One input file and its checksum, for provenance in the results.
struct InputRecord {
    std::string role; ///< scenario key that named it, e.g. "inputs.osm"
    std::filesystem::path path;
    std::string sha256_hex;
};

/// Land-cover layers derived from OpenStreetMap (see osm_landcover.hpp for how).
struct LandCoverLayers {
    kernels::Raster<std::uint8_t> land_cover_class; ///< LandCover value, 0 where no data
    std::array<kernels::Raster<float>, kernels::land_cover_class_count> class_fraction; ///< 0..1
    kernels::Raster<float> impervious_fraction; ///< 0..1, sealed share of the cell area
    kernels::Raster<float> building_height_m;   ///< area-weighted mean over the building part; 0 none
    kernels::Raster<float> tree_canopy_fraction; ///< 0..1, crown cover (overlies other classes)
    double building_footprint_area_m2 = 0.0; ///< from the OSM polygons, for comparison
    std::size_t osm_buildings = 0;           ///< building polygons read from OSM
};

struct StudyArea {
    kernels::GridSpec grid;
    kernels::CellMask mask; ///< active inside the boundary (and where the DEM has data)
    std::optional<kernels::Raster<float>> elevation_m;
    std::optional<LandCoverLayers> land_cover;
    std::vector<InputRecord> inputs;
    /// Human-readable provenance of the terrain ("illustrative terrain ..." or "measured DEM ...").
    std::string terrain_note;
};

} // namespace lauter::sim
