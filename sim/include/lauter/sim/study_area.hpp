#pragma once
/// @file study_area.hpp
/// The prepared study area: one grid, its mask, and every input layer warped or rasterized onto it.
/// Models read from a StudyArea; scenario modifications edit a copy of it (clone_study_area).

#include <lauter/kernels/grid.hpp>
#include <lauter/sim/osm_landcover.hpp>

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

struct StudyArea {
    kernels::GridSpec grid;
    /// Active inside the boundary, where the DEM has data and inside the OSM extract's bounds.
    kernels::CellMask mask;
    std::optional<kernels::Raster<float>> elevation_m;
    std::optional<OsmLandCover> land_cover;
    std::vector<InputRecord> inputs;
    /// Human-readable provenance of the terrain ("illustrative terrain ..." or "measured ...").
    std::string terrain_note;
};

/// A deep copy of a land cover (its rasters are move-only, so copies are explicit).
[[nodiscard]] OsmLandCover clone_land_cover(const OsmLandCover& land_cover);
/// A deep copy of a study area, for measures that edit one member's inputs in a batch whose
/// members share one prepared study area.
[[nodiscard]] StudyArea clone_study_area(const StudyArea& area);

} // namespace lauter::sim
