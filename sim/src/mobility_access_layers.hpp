#pragma once
// Accessibility rasters of the mobility model (issue 6 item 6): the cell layers of
// kernels/mobility/accessibility_cells.hpp on the study grid, with their no-data masks and
// attributes, ready for ResultsWriter::write_raster in the mobility group.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/mobility/accessibility_cells.hpp>
#include <lauter/sim/mobility_model.hpp>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace lauter::sim {

/// Nearest walk node of a point (x, y in the study CRS) and its straight-line distance (m);
/// kernels::mobility::invalid_index when the network has no walk node. Called concurrently.
using WalkSnap = std::function<std::pair<std::uint32_t, double>(double, double)>;

/// The accessibility layers of every cell of `mask` (all active cells of the study area, not
/// only those with residents: the layers show what a new building would reach). The cell centre
/// is snapped with `snap`; a cell farther than `max_snap_m` from the walk network has no data.
/// Graphs run destination -> node (reversed walk arcs), in metres and walking minutes.
[[nodiscard]] std::vector<MobilityLayer> accessibility_layers(
    const kernels::GridSpec& grid, const kernels::CellMask& mask, const WalkSnap& snap,
    double max_snap_m, const kernels::mobility::CsrGraph& distance_graph_m,
    const kernels::mobility::CsrGraph& walk_graph_min,
    const kernels::mobility::CellDestinations& destinations,
    const kernels::mobility::StopCatchmentParams& stops);

} // namespace lauter::sim
