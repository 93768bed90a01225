#pragma once
/// @file production.hpp
/// Nocturnal cold-air production per cell (issue 4, item 1): the rate P at which a surface adds
/// cold air to the layer above it, as a volume per ground area and time, m^3/(m^2 h), i.e. the
/// growth rate of the layer height in m/h (the unit SAGA's Cold Air Flow takes; physics.md A2).
///
/// Per-class rates (physics.md A1 "Production and conversions", table E row 15): open land
/// produces most, about 10 m^3/(m^2 h); forest about 1 (the value DWD uses); built-up areas
/// produce none [KALM]; Leipzig's maps flag "very high productivity" from 14 [LEI]. Every rate is
/// configurable (ProductionTable); negative rates are rejected (a sink is a different process,
/// not a negative production; see docs/coldair.md).
///
/// Mixing rule per cell, when the impervious fraction phi and/or the canopy fraction kappa are
/// given (both in [0, 1]):
///     kappa' = min(kappa, 1 - phi)     canopy over sealed ground counts as sealed
///     P = phi P_sealed + kappa' P_trees + (1 - phi - kappa') P_class
/// with P_sealed the rate of LandCover::sealed_other, P_trees that of LandCover::trees and
/// P_class the rate of the cell's own class. Building cells (a roof over the whole cell) always
/// take P_building. Without fractions P = P_class. The area weighting is the one the runoff
/// losses use for the sealed share (runoff/infiltration.hpp).
///
/// Heat-loss equivalent (physics.md A1): Q_L = rho c_p dtheta P with rho c_p = 1206 J/(m^3 K),
/// so P = 10 m^3/(m^2 h) is 3.35 W/m^2 per kelvin of deficit.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/landcover.hpp>

#include <array>
#include <cstdint>

namespace lauter::kernels::coldair {

/// Volumetric heat capacity of air near the ground (J/(m^3 K)); physics.md A1.
inline constexpr double air_heat_capacity_j_per_m3_k = 1206.0;

/// Production rate (m^3/(m^2 h)) per land-cover class, indexed by land_cover_index.
struct ProductionTable {
    std::array<double, land_cover_class_count> rate_m3_per_m2_h{};

    [[nodiscard]] double rate(LandCover c) const noexcept {
        return rate_m3_per_m2_h[land_cover_index(c)];
    }
    void set(LandCover c, double rate) noexcept { rate_m3_per_m2_h[land_cover_index(c)] = rate; }
};

/// Defaults: open land 10 and forest 1 [KALM] (physics.md table E row 15); agriculture 10
/// (unsealed farmland with low vegetation is open land in the sense of [KALM]); building, road,
/// other sealed ground 0 [KALM: built-up produces none]; railway 0 and water 0 (no published
/// rate in physics.md; open water stays warm at night, track beds are treated like sealed
/// ground: a conservative modelling choice, configurable).
[[nodiscard]] ProductionTable default_production_table() noexcept;

/// Throws std::invalid_argument naming every class whose rate is negative or not finite.
void validate(const ProductionTable& table);

/// Optional sub-cell fractions (empty views: not used). Values in [0, 1].
struct ProductionFractions {
    RasterView<const float> impervious_fraction{};
    RasterView<const float> canopy_fraction{};
};

/// The rate of one cell by the mixing rule of the file comment (fractions clamped to [0, 1]).
[[nodiscard]] double cell_production_m3_per_m2_h(const ProductionTable& table, LandCover c,
                                                 double impervious_fraction,
                                                 double canopy_fraction) noexcept;

/// P per cell with data (NaN elsewhere) into `production_m3_per_m2_h`. `land_cover` holds
/// LandCover values. Throws std::invalid_argument on differing shapes, an invalid table, a cell
/// with data whose class is not a LandCover value (naming row and column), or a fraction outside
/// [0, 1] or not finite. OpenMP over rows; the result does not depend on the thread count.
void compute_production(RasterView<const std::uint8_t> land_cover, const CellMask& mask,
                        const ProductionTable& table, const ProductionFractions& fractions,
                        RasterView<float> production_m3_per_m2_h);

/// Heat loss (W/m^2) equivalent to a production rate at a layer-mean deficit (K):
/// Q_L = rho c_p dtheta P / 3600 (physics.md A1).
[[nodiscard]] constexpr double heat_loss_w_per_m2(double production_m3_per_m2_h,
                                                  double deficit_k) noexcept {
    return air_heat_capacity_j_per_m3_k * deficit_k * production_m3_per_m2_h / 3600.0;
}

} // namespace lauter::kernels::coldair
