#pragma once
/// @file roughness.hpp
/// The braking of a cold-air layer by the surface (issue 4, item 2): a drag coefficient c_D per
/// cell for the momentum equation dq/dt = ... - c_D |u| u (physics.md A1, the -(c_D/H)|v|v term;
/// shallow/local_inertial.hpp, FrictionLaw::quadratic_drag), and a displacement height d that
/// lifts the effective bed of the layer above buildings ([KALM]: "a land-use-dependent
/// displacement height added to terrain").
///
/// Drag from roughness. Over a surface of roughness length z0 the wind follows the neutral
/// logarithmic profile u(z) = (u_*/kappa) ln(z/z0) (z above the displacement height). Its mean
/// over a layer of depth H (from z0 to H, H >> z0) is (u_*/kappa)(ln(H/z0) - 1), and the bottom
/// stress u_*^2 = c_D u_mean^2 gives
///     c_D = (kappa / (ln(H_ref/z0) - 1))^2
/// evaluated at a reference layer depth H_ref (the solver takes a drag coefficient fixed in
/// time). ln(H_ref/z0) - 1 is bounded below by 1, i.e. c_D <= kappa^2 = 0.16, where H_ref would
/// lie inside the roughness sublayer and the log law does not hold. With H_ref = 10 m: open land
/// (z0 0.03 m) 0.0069, farmland (0.1 m) 0.012, forest (1 m) 0.094, water (0.0002 m) 0.0017
/// (computed); physics.md A3 uses c_D = 0.01 for its slope case.
///
/// Roughness lengths per class: the Davenport classification as revised by Wieringa (1992,
/// J. Wind Eng. Ind. Aerodyn. 41:357-368; reproduced in WMO-No. 8, Guide to Instruments and
/// Methods of Observation, ch. 5 annex): sea 0.0002, smooth (featureless land, paved) 0.005,
/// open (grass) 0.03, roughly open (low crops) 0.1, closed (forest, suburbs) 1.0 m.
///
/// Buildings. Where a building plan-area fraction lambda_p > 0 and a mean building height h_b > 0
/// are given, the morphometric method of Macdonald, Griffiths & Hall (1998, Atmos. Environ.
/// 32:1857-1864; staggered arrays, A = 4.43, beta = 1, C_D = 1.2) gives
///     d  = h_b [1 + A^(-lambda_p) (lambda_p - 1)]
///     z0 = h_b (1 - d/h_b) exp(-[0.5 beta (C_D/kappa^2) (1 - d/h_b) lambda_f]^(-1/2))
/// with the frontal-area density lambda_f taken equal to lambda_p (cube-like buildings, whose
/// frontal and plan areas are equal; a modelling choice where building widths are not known).
/// The cell's roughness length is the larger of its class value and the building value, and its
/// displacement height is d (0 without buildings). Example (computed): lambda_p 0.3, h_b 10 m ->
/// d = 5.52 m, z0 = 1.09 m.

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/landcover.hpp>

#include <array>
#include <cstdint>

namespace lauter::kernels::coldair {

/// Parameters of the drag and displacement height (defaults and sources in the file comment).
struct RoughnessParams {
    /// z0 (m, > 0) per land-cover class, indexed by land_cover_index. Building cells without a
    /// building fraction take "closed" (1 m).
    std::array<double, land_cover_class_count> roughness_length_m = {
        1.0,    // building
        0.005,  // road: smooth
        0.005,  // sealed_other: smooth
        0.03,   // railway: open (ballast, low vegetation)
        0.03,   // open_land: open
        1.0,    // trees: closed
        0.0002, // water: sea
        0.1,    // agriculture: roughly open
    };
    /// Layer depth H_ref (m, > 0) at which c_D is evaluated: 10 m lies inside the typical range
    /// of 1-50 m (physics.md A1, table E row 16); a modelling choice.
    double reference_depth_m = 10.0;
    double von_karman = 0.4;
    /// Macdonald et al. (1998), staggered arrays.
    double macdonald_a = 4.43;
    double building_drag_coefficient = 1.2;
    double macdonald_beta = 1.0;
};

/// Throws std::invalid_argument listing every invalid parameter.
void validate(const RoughnessParams& params);

/// c_D = (kappa / max(1, ln(depth/z0) - 1))^2.
[[nodiscard]] double log_law_drag_coefficient(double roughness_length_m, double depth_m,
                                              double von_karman = 0.4) noexcept;

/// Macdonald et al. (1998) displacement height and roughness length of buildings (m).
struct BuildingRoughness {
    double displacement_height_m = 0.0;
    double roughness_length_m = 0.0;
};
[[nodiscard]] BuildingRoughness macdonald_roughness(double plan_area_fraction,
                                                    double building_height_m,
                                                    const RoughnessParams& params) noexcept;

/// Optional building morphology per cell (empty views: no buildings beyond the class).
struct BuildingMorphology {
    RasterView<const float> plan_area_fraction{}; ///< lambda_p in [0, 1]
    RasterView<const float> mean_height_m{};      ///< h_b >= 0
};

/// c_D (dimensionless) and d (m) per cell with data (NaN elsewhere). Both morphology views must
/// be given together. Throws std::invalid_argument on differing shapes, invalid parameters, an
/// unknown class, or a fraction/height out of range (naming row and column). OpenMP over rows.
void compute_surface_drag(RasterView<const std::uint8_t> land_cover, const CellMask& mask,
                          const RoughnessParams& params, const BuildingMorphology& buildings,
                          RasterView<float> drag_coefficient,
                          RasterView<float> displacement_height_m);

} // namespace lauter::kernels::coldair
