#pragma once
/// @file corridors.hpp
/// What the cold-air layer does for settlements (issue 4, item 3): the volume flux across the
/// edges of settlement areas and the corridor map, the cells whose flow reaches a settlement.
///
/// Settlement inflow. For each settlement cell, the gross volume flux (m^3/s) entering it across
/// the faces it shares with non-settlement cells that have data: sum over such faces of the
/// inflowing part max(q_n, 0) of the unit-width discharge normal to the face (m^2/s, positive
/// into the settlement cell) times the face length (dy for x-faces, dx for y-faces). Faces
/// between two settlement cells move air within the settlement and faces to no-data cells or
/// the grid edge are not shared with a non-settlement cell; neither counts. Air leaving the
/// settlement is not subtracted: a settlement on a slope that cold air crosses is ventilated
/// by what enters it even when as much leaves downhill (the net balance would show 0 there,
/// and below 0 while the settlement's own layer drains). The sum over a settlement area is the
/// cold-air volume flux into it across its edge
/// (Q = q B, physics.md A1). Face fluxes use the staggered convention of
/// shallow/local_inertial.hpp (x-faces positive east, y-faces positive south).
///
/// Corridor map. Each cell with flow (velocity not 0, i.e. a layer deeper than the velocity
/// threshold of the model) points to the one of its eight neighbours that lies closest to the
/// direction of its velocity (sectors of 45 degrees centred on the eight directions). A cell is
/// a corridor cell if following these pointers from it reaches a settlement cell; the path ends
/// without reaching one at a cell without flow, at a no-data cell, at the grid edge or on a
/// closed loop. Corridor cells are classed by their volume flux density |q| (m^3/(m s)) with
/// three breaks b1 < b2 < b3: (0, b1] low, (b1, b2] moderate, (b2, b3] high, above b3 very high.
/// The breaks are configurable (docs/coldair.md: no published absolute breaks of the volume
/// flux density were found; the defaults there are lauter's).

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <array>
#include <cstdint>

namespace lauter::kernels::coldair {

/// Values of the corridor map (uint8; 0 is no data).
enum class CorridorClass : std::uint8_t {
    no_corridor = 1, ///< flow (if any) does not reach a settlement
    settlement = 2,  ///< a settlement cell itself
    low = 3,         ///< corridor, |q| <= b1
    moderate = 4,    ///< corridor, b1 < |q| <= b2
    high = 5,        ///< corridor, b2 < |q| <= b3
    very_high = 6,   ///< corridor, |q| > b3
};

/// Class breaks of the corridor map: volume flux densities b1 < b2 < b3 (m^3/(m s)).
struct CorridorParams {
    /// lauter's choice (docs/coldair.md): 1 ~ a 2 m layer at 0.5 m/s, 5 ~ 5 m at 1 m/s,
    /// 15 ~ 10 m at 1.5 m/s, within the typical 1-50 m and 1-3 m/s of physics.md A1.
    std::array<double, 3> flux_breaks_m2_per_s = {1.0, 5.0, 15.0};
};

/// Throws std::invalid_argument unless the breaks are finite, positive and increasing.
void validate(const CorridorParams& params);

/// Gross settlement inflow per settlement cell (m^3/s) into `inflow_m3_per_s` (see the file
/// comment): 0 at cells with data that are not settlement cells, NaN at no-data cells.
/// `settlement` is 1 for settlement cells, 0 otherwise. Returns the total over all cells (double,
/// summed in row order). Throws std::invalid_argument on differing shapes.
template <typename Real>
double settlement_inflow(const shallow::FaceField<Real>& q_m2_per_s, const CellMask& mask,
                         RasterView<const std::uint8_t> settlement,
                         RasterView<float> inflow_m3_per_s);

/// Face fluxes from cell-centred unit discharges (east and north components, m^2/s): the mean of
/// the normal components of the two cells of each face with data on both sides, 0 elsewhere.
/// For flow fields without face fluxes (the kinematic screening).
void face_flux_from_cells(RasterView<const float> discharge_east_m2_per_s,
                          RasterView<const float> discharge_north_m2_per_s, const CellMask& mask,
                          shallow::FaceField<double>& q_m2_per_s);

/// The corridor map (CorridorClass values; 0 at no-data cells). Throws std::invalid_argument on
/// differing shapes or invalid breaks. Sequential, so trivially independent of the thread count.
void classify_corridors(RasterView<const float> velocity_east_m_per_s,
                        RasterView<const float> velocity_north_m_per_s,
                        RasterView<const float> volume_flux_density_m2_per_s,
                        const CellMask& mask, RasterView<const std::uint8_t> settlement,
                        const CorridorParams& params, RasterView<std::uint8_t> corridor_class);

/// The grid of cells of `cell_size_m` covering `fine` from its upper-left corner (same CRS); the
/// last row and column may reach beyond it.
[[nodiscard]] GridSpec coarsened_grid(const GridSpec& fine, double cell_size_m);

/// Area-weighted mean of `fine` (cells with data only) over each cell of `coarse`, which must be
/// aligned with `fine` at the upper-left corner (coarsened_grid). `coverage` receives the share
/// of each coarse cell's area covered by fine cells with data (0..1); `coarse` is NaN where it is
/// 0. Throws std::invalid_argument on differing shapes of `fine` and `fine_mask` or of `coarse`
/// and `coverage`.
void aggregate_mean(RasterView<const float> fine, const CellMask& fine_mask,
                    RasterView<float> coarse, RasterView<float> coverage);

} // namespace lauter::kernels::coldair
