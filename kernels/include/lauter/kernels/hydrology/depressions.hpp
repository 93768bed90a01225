#pragma once
/// @file depressions.hpp
/// Depression ("Senken") analysis: every closed depression of a DEM with its spill elevation,
/// depth, area and volume, as a raster of ids and a table.
///
/// A depression is a connected set (8-neighbourhood) of cells whose filled elevation exceeds the
/// original one, with `filled_m` the result of fill_depressions_barnes2014 *without* epsilon.
/// Adjacent raised cells of such a fill always carry the same filled level (a raised interior
/// cell equals the lowest filled level among its neighbours), so each depression has one water
/// level: its spill elevation, the height at which it would overflow towards an outlet.
/// Nested depressions (a pit inside a larger basin) are reported as the outermost filled extent
/// only: one id for the whole basin, whose max depth is that of its deepest pit.
///
/// Per depression: depth = filled - original per cell, max depth, area = cells x cell area,
/// volume = sum of depth x cell area (m^3, the water it holds when full to the spill level),
/// and a representative cell, the deepest one (the first in row-major order on ties).
/// Ids are 1, 2, ... in row-major order of each depression's first cell; 0 = no depression.
///
/// Serial (one breadth-first labelling pass, O(n)); deterministic.

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lauter::kernels::hydrology {

struct Depression {
    std::uint32_t id = 0;
    double spill_elevation_m = 0.0; ///< filled water level
    double max_depth_m = 0.0;       ///< spill elevation - lowest original elevation
    double area_m2 = 0.0;
    double volume_m3 = 0.0;
    std::size_t cell_count = 0;
    std::size_t deepest_row = 0; ///< representative cell: the deepest one
    std::size_t deepest_col = 0;
};

/// Caller-owned scratch (reused across calls).
struct DepressionWorkspace {
    std::vector<std::uint32_t> queue;
};

/// Labels the depressions of `elevation_m` given its fill `filled_m` (no epsilon; see above).
/// Writes the ids to `ids` (0 outside depressions and at cells without data) and returns one
/// row per depression, ordered by id. Throws std::invalid_argument on a shape mismatch or a
/// grid of 2^32 cells or more.
std::vector<Depression> find_depressions(RasterView<const float> elevation_m,
                                         RasterView<const float> filled_m, const CellMask& mask,
                                         RasterView<std::uint32_t> ids,
                                         DepressionWorkspace& workspace);

} // namespace lauter::kernels::hydrology
