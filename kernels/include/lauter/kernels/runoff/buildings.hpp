#pragma once
/// @file buildings.hpp
/// Buildings in the runoff model (issue 3): (a) as obstacles raised in the hydraulic terrain,
/// (b) optionally as "ponding-free roofs draining to their edge", a rain multiplier that moves
/// the rain of every roof cell to the ground next to its building, and (c) the buildings
/// affected by an event, from the maximum depth along each building's edge.
///
/// Building cells. A cell is a building cell when its building fraction (the share of its area
/// covered by footprints, e.g. from the rasterised OSM buildings) is >= 0.5: the cell then
/// belongs to the building by the majority rule that assigns one dominant land-cover class per
/// cell (landcover.hpp), and a half-covered cell counts as building so that gaps between
/// adjoining footprints drawn on the cell boundary stay closed. A building-id raster (int32,
/// 0 = no building) marks building cells by a non-zero id.
///
/// Buildings. One building is the set of cells with one id; label_buildings numbers the
/// 8-connected components of a building mask when no ids exist.
///
/// Edge of a building: the cells with data that are not building cells (id 0) and are
/// 8-adjacent to at least one cell of the building (a cell can be on the edge of several
/// buildings). These are where water stands against the walls, and where the roofs drain.

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lauter::kernels::runoff {

/// Building cells from a building fraction per cell (0 .. 1): 1 where the cell has data and
/// fraction >= `fraction_threshold` (default 0.5, see the file comment), else 0. NaN counts as 0.
/// Throws std::invalid_argument if shapes differ or the threshold is not in (0, 1].
[[nodiscard]] Raster<std::uint8_t> building_cells_from_fraction(
    RasterView<const float> building_fraction, const CellMask& mask,
    double fraction_threshold = 0.5);

/// Building cells from building ids: 1 where the cell has data and id != 0, else 0.
[[nodiscard]] Raster<std::uint8_t> building_cells_from_ids(
    RasterView<const std::int32_t> building_id, const CellMask& mask);

/// Ids 1, 2, ... of the 8-connected components of the building cells (non-zero values), in the
/// order of their first cell in row-major order; 0 elsewhere and at no-data cells.
/// Deterministic (serial flood fill).
[[nodiscard]] Raster<std::int32_t> label_buildings(RasterView<const std::uint8_t> building_cells,
                                                   const CellMask& mask);

/// How far building cells are raised.
struct BuildingObstacleParams {
    /// Height (m, > 0) added to the bed of building cells without a usable per-cell height.
    /// 10 m: more than any depth of the hazard classes (H6 starts at 4 m), so that water never
    /// overtops a building; the actual height of a building does not matter once it is not
    /// overtopped (the face depth h_f = max(eta) - max(z) of the solver is then 0).
    double fixed_height_m = 10.0;
};

/// Throws std::invalid_argument unless fixed_height_m is finite and > 0.
void validate(const BuildingObstacleParams& params);

/// The hydraulic terrain: `hydraulic_bed_m` = `bed_elevation_m` plus, on building cells, the
/// per-cell building height `building_height_m` where it is finite and > 0 (an empty view: none),
/// else params.fixed_height_m. NaN at no-data cells. May be called with the output aliasing the
/// bed (in place). Throws std::invalid_argument if shapes differ or parameters are invalid.
void raise_buildings(RasterView<const float> bed_elevation_m,
                     RasterView<const std::uint8_t> building_cells, const CellMask& mask,
                     RasterView<const float> building_height_m,
                     const BuildingObstacleParams& params, RasterView<float> hydraulic_bed_m);

/// Ponding-free roofs: the rain multiplier m of every cell (event.hpp, RunoffCellInputs) such
/// that the rain of each roof cell falls on the edge cell of its building nearest to it instead.
///   - Roof cells (id != 0) of a building with at least one edge cell: m = 0.
///   - Each such roof cell sends its rain to the edge cell of its building with the smallest
///     Euclidean distance between cell centres (cell sizes of the grid), ties broken by the
///     smallest row-major index: that cell's m grows by 1 per roof cell (all cells have one area).
///   - Every other cell with data: m = 1 (also roofs of a building without edge cells, e.g. one
///     enclosed by no-data, which keep their rain). No-data cells: NaN.
/// Every m is an integer below 2^24, exact in float, so sum(m) over the cells with data equals
/// their count exactly and the total rain is preserved. Throws std::invalid_argument if shapes
/// differ. Cost: for each building, (its cells) x (its edge cells).
[[nodiscard]] Raster<float> roof_rain_multiplier(RasterView<const std::int32_t> building_id,
                                                 const CellMask& mask);

/// Parameters of buildings_affected.
struct BuildingsAffectedParams {
    /// A building counts as affected above threshold d when its edge maximum depth exceeds d
    /// (strictly, compared in float, the precision of the depth raster, so that a stored 0.5F
    /// is not above 0.5). 0.1 / 0.3 / 0.5 m: the thresholds issue 3 asks for.
    std::vector<double> depth_thresholds_m{0.1, 0.3, 0.5};
};

/// Exposure of one building.
struct BuildingExposure {
    std::int32_t id = 0;
    std::size_t cell_count = 0;      ///< building cells with data
    std::size_t edge_cell_count = 0; ///< edge cells (see the file comment)
    /// Max over the edge cells of the maximum depth (m); NaN without edge cells with a finite
    /// depth.
    double max_edge_depth_m = 0.0;
};

/// All buildings and the counts above each threshold.
struct BuildingsAffected {
    std::vector<BuildingExposure> buildings; ///< one per id, in increasing id order
    /// count_above[k]: buildings with max_edge_depth_m > depth_thresholds_m[k]
    std::vector<std::size_t> count_above;
};

/// For every building id of `building_id` (cells with data, id != 0) the maximum of
/// `max_depth_m` over its edge cells, and the counts above the thresholds. Throws
/// std::invalid_argument if shapes differ or a threshold is not finite. Serial, deterministic.
[[nodiscard]] BuildingsAffected buildings_affected(RasterView<const std::int32_t> building_id,
                                                   RasterView<const float> max_depth_m,
                                                   const CellMask& mask,
                                                   const BuildingsAffectedParams& params = {});

} // namespace lauter::kernels::runoff
