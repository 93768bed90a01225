#pragma once
/// @file fill.hpp
/// Depression filling by Priority-Flood (Barnes, Lehman & Mulla 2014, "Priority-Flood: An optimal
/// depression-filling and watershed-labeling algorithm", Computers & Geosciences 62, 117-127),
/// the improved variant (their Algorithm 2): cells found inside a depression are raised to the
/// spill level and processed through a plain FIFO "pit" queue instead of the priority queue,
/// which gives the same surface as the original algorithm with fewer heap operations.
///
/// Outlets (seeds): every cell with data that lies on the grid edge, that has a no-data cell
/// among its eight neighbours, or whose CellMask status is `outlet`. Water leaves the domain
/// there, so a no-data hole drains its surroundings like the grid edge. Seeds keep their
/// elevation. No-data cells are never read and get NaN in the output.
///
/// Flats: without epsilon the result is the minimal depression-free surface: every cell can
/// reach an outlet along a path that never rises, but filled depressions are exactly flat.
/// With `FillParams::epsilon` (Barnes et al. 2014, Algorithm 3, "Priority-Flood+epsilon") a cell
/// raised from the pit queue is set to the next representable float above the cell it was
/// reached from (std::nextafter towards +infinity), so every non-seed cell has a strictly lower
/// neighbour and flats drain towards their outlet. The increment is one unit in the last place
/// per cell step: 3.05e-5 m for elevations between 256 and 512 m, so a flat crossed in 1000
/// steps rises by at most about 3 cm there.
///
/// Complexity O(n log n) time (the priority queue holds the cells of the current boundary only),
/// O(n) memory in the caller-owned FillWorkspace (8 bytes per queued cell, 1 byte per cell of
/// flags). Serial: Priority-Flood is inherently sequential; the output does not depend on the
/// OpenMP thread count.

#include <lauter/kernels/grid.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lauter::kernels::hydrology {

struct FillParams {
    /// Raise filled flats by one float ULP per cell step so that they drain (Barnes et al. 2014,
    /// Priority-Flood+epsilon). Off by default: the filled volume is then the exact one that
    /// GRASS r.terraflow and SAGA "Fill Sinks (Wang & Liu)" with MINSLOPE = 0 report.
    bool epsilon = false;
};

/// Caller-owned scratch, reused across calls (grows to the largest grid seen).
struct FillWorkspace {
    struct QueuedCell {
        float elevation_m;
        std::uint32_t index; ///< row * cols + col
    };
    std::vector<QueuedCell> open;      ///< binary min-heap on (elevation, index)
    std::vector<std::uint32_t> pit;    ///< FIFO of cells inside a depression
    std::vector<std::uint8_t> closed;  ///< 1 once a cell has been queued or has no data
    /// fill_depressions only: the buckets of its monotone radix heap (bucket b holds the cells
    /// whose key first differs from the last popped key in bit b - 1; bucket 0 equals it).
    struct KeyedCell {
        std::uint32_t key;   ///< order-preserving integer image of the elevation
        std::uint32_t index; ///< row * cols + col
    };
    std::array<std::vector<KeyedCell>, 33> buckets;
    std::vector<KeyedCell> spare;      ///< fill_depressions only: bucket being redistributed
    std::vector<std::uint32_t> trace;  ///< fill_depressions only: FIFO of slope cells
    std::vector<float> surface;        ///< fill_depressions only: contiguous copy if strided
    std::vector<double> row_sums;      ///< per-row partial sums of the statistics pass
};

/// What the fill changed, summed in double precision.
struct FillStats {
    std::size_t seed_cells = 0;     ///< outlets the flood started from
    std::size_t raised_cells = 0;   ///< cells with filled > original
    double max_raise_m = 0.0;       ///< largest filled - original
    double volume_m3 = 0.0;         ///< sum of (filled - original) * cell area
};

/// Fills every depression of `elevation_m` and writes the result to `filled_m` (same shape; may
/// not alias the input). Cells without data get NaN. Throws std::invalid_argument on a shape
/// mismatch or a grid with 2^32 cells or more.
FillStats fill_depressions_barnes2014(RasterView<const float> elevation_m, const CellMask& mask,
                                      RasterView<float> filled_m, FillWorkspace& workspace,
                                      const FillParams& params = {});

/// The same surfaces as fill_depressions_barnes2014, computed faster; the function to call.
///
/// Without epsilon the result is bit-identical to fill_depressions_barnes2014: both compute the
/// unique minimal depression-free surface, and a filled cell only ever receives a copy of an
/// input elevation (its spill level), never the result of arithmetic. (The one exception is the
/// sign of a zero: a level of -0.0 and +0.0 compare equal, and which of the two a raised cell
/// copies depends on the visiting order.) The heap is replaced by a monotone radix heap (Ahuja,
/// Mehlhorn, Orlin & Tarjan 1990, "Faster algorithms for the shortest path problem", J. ACM
/// 37(2), 213-223) on the order-preserving integer image of the float elevation: Priority-Flood
/// only ever pushes keys at or above the last popped one, so every push is O(1) and every cell
/// moves down at most 32 buckets in total, typically one or two. Cells inside depressions skip
/// the heap through a LIFO pit stack (Barnes et al. 2014, Algorithm 2; any order of the pit
/// cells gives the same levels).
///
/// With epsilon every visited cell goes through the radix heap with its raised elevation, so
/// cells are expanded in exact order of their filled elevation: a cell reached first from
/// neighbour p gets max(z, nextafter(filled(p))), and p is its lowest filled neighbour processed
/// before it. Ties in the heap are then harmless (equal levels give equal raises), so the result
/// does not depend on the tie order. It differs from fill_depressions_barnes2014 with epsilon,
/// whose FIFO pit queue processes a flat in flood order: flats here rise by one ULP per cell
/// step along the shortest path to their spill point, never more than there.
///
/// Serial like the original; the statistics pass runs over rows with OpenMP and adds the row
/// sums in row order, so the output and the FillStats are identical for any thread count.
FillStats fill_depressions(RasterView<const float> elevation_m, const CellMask& mask,
                           RasterView<float> filled_m, FillWorkspace& workspace,
                           const FillParams& params = {});

/// True if (row, col) is an outlet in the sense above: it has data and lies on the grid edge,
/// next to a no-data cell (8-neighbourhood), or carries CellStatus::outlet.
[[nodiscard]] bool is_outlet_cell(const CellMask& mask, std::size_t row, std::size_t col) noexcept;

} // namespace lauter::kernels::hydrology
