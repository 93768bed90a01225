#pragma once
/// @file accessibility_cells.hpp
/// Accessibility per grid cell (issue 6 item 6, "as rasters"): the walking distance from each
/// cell to the nearest bus stop, grocery store and public green space, the walking time to the
/// centre, and the headway class of the best stop within the stop catchment radii.
///
/// The searches are those of accessibility.hpp: one multi-source Dijkstra per destination kind
/// (NearestDestinationQuery, destinations at cost 0) on the graph the caller passes, which must
/// run destination -> node (the reversed walk arcs give node -> destination). A cell is snapped
/// by the caller to a node with a straight-line access distance in metres, as the building
/// origins of the tables are; its cost is access + network cost, the same sum coverage_within
/// compares with a threshold, so a cell and a building at the same point agree.
///
/// Headway class of a radius r (mobility.md 6, GOAT / ARE 2022 bins, the classes of
/// stop_catchments): the smallest class c (1 = headway <= 10 min, 2 = <= 20, 3 = <= 40,
/// 4 = <= 60) for which a stop of headway <= class c lies within r of network distance (access
/// included); 5 when no stop of headway <= 60 min lies within r. One search per class, bounded
/// at the largest radius.
///
/// No data: a cell without a node (invalid_index: not snapped, e.g. farther than the caller's
/// snap limit from the walk network) has no value in any layer (NaN, class 0). A snapped cell
/// whose node no destination of a kind reaches (another network component, no destination of
/// that kind at all) is NaN in that kind's layer; its class layers still say 5.
///
/// Threading: OpenMP over the searches (one NearestDestinationQuery per thread, reused for all
/// its searches) and over the cells; every value depends only on its cell, so the result is
/// bitwise independent of the thread count.

#include <lauter/kernels/mobility/accessibility.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

/// Cells snapped to the network: one entry per cell in node and access_m.
struct SnappedCells {
    std::span<const std::uint32_t> node; ///< graph node of each cell; invalid_index: no data
    std::span<const double> access_m;    ///< straight-line metres cell centre -> node (>= 0)
};

/// Destinations of the cell layers (graph nodes; duplicates allowed).
struct CellDestinations {
    std::span<const std::uint32_t> stop_nodes;
    std::span<const double> stop_headway_min; ///< one per stop; non-finite or <= 0: no class
    std::span<const std::uint32_t> grocery_nodes;
    std::span<const std::uint32_t> green_nodes;
    std::span<const std::uint32_t> centre_nodes;
};

inline constexpr std::uint8_t no_stop_class = 5; ///< no stop of any class within the radius

/// Per-cell layers (one entry per cell). Distances in m, time in min; NaN = no data.
struct CellAccessibility {
    std::vector<float> stop_m;
    std::vector<float> grocery_m;
    std::vector<float> green_m;
    std::vector<float> centre_min;
    /// stop_class[r]: class 1..4 of the best stop within StopCatchmentParams::radius_m[r],
    /// no_stop_class when none, 0 = no data.
    std::array<std::vector<std::uint8_t>, 2> stop_class;
};

/// The layers above. `distance_graph_m` weighs the arcs in metres, `walk_graph_min` in walking
/// minutes (same nodes); the access metres count as metres for the distances and are divided
/// by `access_speed_m_per_min` for the centre time (default 73.8 m/min = 1.23 m/s, MATSim
/// Berlin v6.4 walk speed, mobility.md 5, as accessibility_tables does). Throws
/// std::invalid_argument for graphs of different node counts, size mismatches, nodes out of
/// range, negative or non-finite access distances.
[[nodiscard]] CellAccessibility cell_accessibility(const CsrGraph& distance_graph_m,
                                                   const CsrGraph& walk_graph_min,
                                                   const CellDestinations& destinations,
                                                   const SnappedCells& cells,
                                                   const StopCatchmentParams& stops = {},
                                                   double access_speed_m_per_min = 73.8);

} // namespace lauter::kernels::mobility
