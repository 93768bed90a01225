#pragma once
/// @file flow_direction.hpp
/// Flow directions and flow accumulation on a depression-free DEM (see fill.hpp).
///
/// D8 (O'Callaghan & Mark 1984, "The extraction of drainage networks from digital elevation
/// data", CVGIP 28, 323-344): each cell drains to the one neighbour with the steepest descent
/// (z_c - z_n) / d_n, where d_n is the centre distance (dx, dy or the diagonal); ties go to the
/// lower direction code of neighbours.hpp.
///
/// MFD (Freeman 1991, "Calculating catchment area with divergent flow based on a regular grid",
/// Computers & Geosciences 17(3), 413-422): each cell passes its accumulated flow to all lower
/// neighbours in proportion to w_n = (tan beta_n)^p, tan beta_n = (z_c - z_n) / d_n, with the
/// exponent p = 1.1 recommended by Freeman (the power is evaluated in single precision, the
/// normalised shares in double precision: shares are exact to about 1e-7 and sum to 1). No
/// contour-length factor, as in Freeman's paper (and SAGA's "Multiple Flow Direction" and
/// Whitebox's FD8). Optionally the contour-length weighting
/// of Quinn et al. (1991, "The prediction of hillslope flow paths for distributed hydrological
/// modelling using digital terrain models", Hydrol. Process. 5, 59-79): w_n = (tan beta_n)^p L_n
/// with L_n = 0.5 of the cell size for cardinal and 0.354 (= sqrt(2)/4) for diagonal neighbours.
///
/// Outlets and flats: a cell without a strictly lower neighbour with data has no direction
/// (d8_no_direction) and keeps its accumulated flow: it is where water leaves the domain. On a
/// DEM filled with FillParams::epsilon only the outlets of fill.hpp (grid edge, next to no-data)
/// are such cells. On a DEM filled without epsilon every cell of a filled flat is one as well,
/// so accumulation stops on flats; fill with epsilon for connected flow paths.
///
/// Accumulation counts the cell itself: a cell without donors has 1 (cells) or its own area
/// (m^2). It follows a topological order built from the number of donors of every cell (as in
/// Kahn's algorithm, 1962): a cell passes its flow on once all cells draining to it have. There
/// is no queue: a row-major scan starts at every cell without donors and follows the flow
/// downstream (D8: along the one receiver; MFD: depth first through a stack), descending into a
/// receiver as soon as its last donor is done. Consecutive cells are neighbours, which keeps the
/// sweep in cache; every cell is processed once, O(n) time. Conservation: the sum of the
/// accumulation over the cells without a direction equals the sum of the weights of all cells
/// with data (exactly for D8 in cells, to round-off for MFD).
///
/// Threading: directions, receivers and donor counts are computed per cell with OpenMP over
/// rows (schedule(static)); the accumulation sweep is serial and its order fixed by the grid,
/// so results are bitwise identical for any thread count.

#include <lauter/kernels/grid.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lauter::kernels::hydrology {

enum class FlowMethod { d8, mfd };
enum class MfdWeighting {
    freeman1991, ///< w = (tan beta)^p
    quinn1991,   ///< w = (tan beta)^p * contour length
};
enum class AccumulationUnit {
    cells,   ///< number of cells draining through a cell (itself included)
    area_m2, ///< contributing area in m^2 (cells x cell area)
};

struct FlowParams {
    FlowMethod method = FlowMethod::d8;
    /// MFD exponent p; 1.1 is Freeman's (1991) recommended value.
    double mfd_exponent = 1.1;
    MfdWeighting mfd_weighting = MfdWeighting::freeman1991;
    AccumulationUnit unit = AccumulationUnit::cells;
};

/// Caller-owned scratch for flow_accumulation (reused across calls).
struct FlowWorkspace {
    std::vector<std::uint8_t> direction;  ///< D8 code, or MFD bit set of the lower neighbours
    std::vector<std::uint8_t> donors;     ///< remaining donors per cell (at most 8)
    std::vector<std::uint32_t> ready;     ///< MFD: stack of cells whose donors are all done
    std::vector<float> surface;           ///< contiguous copy of a strided elevation view
    std::vector<double> accumulation;     ///< contiguous buffer for a strided output view
};

struct FlowStats {
    std::size_t active_cells = 0;   ///< cells with data
    std::size_t outlet_cells = 0;   ///< cells with data and no lower neighbour
    double total_weight = 0.0;      ///< sum of the per-cell weights (cells or m^2)
    double outflow = 0.0;           ///< sum of the accumulation over outlet_cells
};

/// D8 direction code (neighbours.hpp) of every cell; d8_no_direction where no neighbour with
/// data is strictly lower, and at cells without data. Same shape for all arguments.
void compute_d8_directions(RasterView<const float> elevation_m, const CellMask& mask,
                           RasterView<std::uint8_t> direction);

/// MFD proportions of cell (row, col): fraction[k] for direction code k, summing to 1 when at
/// least one neighbour with data is strictly lower (returns their number), all 0 otherwise.
int mfd_fractions(RasterView<const float> elevation_m, const CellMask& mask, std::size_t row,
                  std::size_t col, const FlowParams& params, std::array<double, 8>& fraction);

/// Flow accumulation by `params.method` on a depression-free DEM (fill first; see the notes on
/// flats above). Writes NaN at cells without data. Throws std::invalid_argument on a shape
/// mismatch, a non-positive MFD exponent or a grid of 2^32 cells or more.
FlowStats flow_accumulation(RasterView<const float> filled_m, const CellMask& mask,
                            RasterView<double> accumulation, FlowWorkspace& workspace,
                            const FlowParams& params = {});

} // namespace lauter::kernels::hydrology
