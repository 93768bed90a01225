#pragma once
/// @file supply.hpp
/// Two planning layers of the cold-air flow (issue 4, item 3; docs/coldair.md):
///
/// Flow-speed classes. German city-climate maps draw the nocturnal flow field in classes of
/// speed. Leipzig's Stadtklimaanalyse legend ("Strömungsfeld") uses up to 0.2, 0.2-0.3, 0.3-0.5
/// and above 0.5 [LEI] (physics.md A1); the legend gives no unit, m/s is presumed (the only unit
/// of a flow field that fits these magnitudes). Classes: 1 <= b1, 2 (b1, b2], 3 (b2, b3],
/// 4 > b3, with b = {0.2, 0.3, 0.5} m/s by default (configurable).
///
/// Cold-air supply of settlement cells. City-climate analyses following VDI 3787 Blatt 1 tell
/// settlement areas that receive cold air from outside from those that do not (Leipzig's
/// "Kaltlufteinwirkbereich innerhalb des Siedlungsgebietes" [LEI]). Here a settlement cell is
/// supplied if cold air from outside the settlement reaches it through the solver's faces:
///   - seeds: settlement cells into which a face shared with a non-settlement cell with data
///     carries a unit discharge of at least q_min (m^2/s, positive into the settlement cell);
///   - spread: a settlement cell is supplied if a face from a supplied settlement cell carries
///     at least q_min into it (reachability along the flow, breadth-first, so the result does
///     not depend on the visiting order).
/// q_min is lauter's choice (no published threshold was found): 0.01 m^2/s, a layer of 0.05 m
/// (the layer's velocity threshold) moving at 0.2 m/s (the first break of Leipzig's flow-field
/// classes), i.e. the thinnest, slowest flow the outputs resolve.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace lauter::kernels::coldair {

/// Values of the flow-speed class map (uint8; 0 is no data).
enum class FlowSpeedClass : std::uint8_t {
    weak = 1,        ///< speed <= b1 (including no flow)
    moderate = 2,    ///< b1 < speed <= b2
    strong = 3,      ///< b2 < speed <= b3
    very_strong = 4, ///< speed > b3
};

struct FlowSpeedClassParams {
    /// Leipzig's flow-field classes [LEI] (physics.md A1), presumably m/s.
    std::array<double, 3> speed_breaks_m_per_s = {0.2, 0.3, 0.5};
};

/// Throws std::invalid_argument unless the breaks are finite, positive and increasing.
void validate(const FlowSpeedClassParams& params);

/// Flow-speed class per cell with data and a finite speed (0 elsewhere). Throws
/// std::invalid_argument on differing shapes or invalid breaks.
void classify_flow_speed(RasterView<const float> speed_m_per_s, const CellMask& mask,
                         const FlowSpeedClassParams& params, RasterView<std::uint8_t> speed_class);

/// Values of the supply map (uint8; 0: not a settlement cell or no data).
enum class SupplyClass : std::uint8_t {
    supplied = 1,     ///< a settlement cell that cold air from outside reaches
    not_supplied = 2, ///< a settlement cell without such inflow
};

struct SupplyParams {
    /// q_min (m^2/s, > 0): lauter's choice, see the file comment.
    double min_unit_inflow_m2_per_s = 0.01;
};

/// Throws std::invalid_argument unless min_unit_inflow_m2_per_s is finite and positive.
void validate(const SupplyParams& params);

/// The supply map (SupplyClass values) from the face fluxes (shallow/local_inertial.hpp signs:
/// x-faces positive east, y-faces positive south); `settlement` is 1 for settlement cells.
/// Returns the number of supplied cells. Sequential; throws std::invalid_argument on differing
/// shapes or an invalid threshold.
template <typename Real>
std::size_t classify_cold_air_supply(const shallow::FaceField<Real>& q_m2_per_s,
                                     const CellMask& mask,
                                     RasterView<const std::uint8_t> settlement,
                                     const SupplyParams& params, RasterView<std::uint8_t> supply);

} // namespace lauter::kernels::coldair
