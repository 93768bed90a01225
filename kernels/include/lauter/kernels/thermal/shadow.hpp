#pragma once
/// @file shadow.hpp
/// Shadows for one sun position: which cells the direct beam reaches, through buildings and
/// terrain (opaque) and tree crowns (transmissivity).
///
/// Method: the grid is split into parallel digital lines along the sun's azimuth (every cell on
/// exactly one line, heights at cell centres). Each line is swept from the sun's side, carrying
/// the shadow-height surface S: the height of the lowest ray toward the sun that clears every
/// obstacle passed so far, which drops by step * tan(elevation) per step,
///     S(p) = max(z(p), S(p_prev) - step_m * tan(alpha)),
/// and a cell p is in the shadow of buildings or terrain when S(p_prev) - step * tan(alpha) > z(p).
/// This is the shadow-casting rule of UMEP/SOLWEIG (a point is lit when no DSM cell toward the sun
/// rises above the ray; shadow length L = h / tan(alpha); Ratti & Richens 2004; Lindberg &
/// Grimmond 2011, Theor. Appl. Climatol. 105, physics.md C2) computed in one pass, O(cells)
/// instead of one shifted DSM per step.
///
/// Vegetation: a crown occupies [canopy_base_m, canopy_top_m] above its cell (surface_model.hpp;
/// trunk zone below). The sweep carries, like S, the shadow heights of the top and the base of
/// the crown whose top casts the highest shadow; a cell whose ray toward the sun passes between
/// them, or that lies under its own crown, gets the crown transmissivity. Simplification
/// (documented in docs/thermal.md): only that one crown is tested per cell, so a ray passing
/// under a tall crown's trunk zone and through a lower crown nearer the sun is counted as lit.
///
/// Sunlit fraction of a cell: 0 in building/terrain shadow, `transmissivity` under vegetation
/// shade, 1 otherwise; all 0 with the sun at or below the horizon.
///
/// Threads: OpenMP over the lines; each cell is written once, results are bitwise identical for
/// any thread count.

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <vector>

namespace lauter::kernels::thermal {

struct ShadowParams {
    double sun_azimuth_deg = 180.0;  ///< direction the light comes from, clockwise from north
    double sun_elevation_deg = 45.0; ///< above the horizon (apparent, i.e. with refraction)
    /// Share of direct shortwave passing a tree crown: 0.03, the SOLWEIG default (Lindberg &
    /// Grimmond 2011, Theor. Appl. Climatol. 105; UMEP shadow specification, physics.md C2).
    double transmissivity = 0.03;
};

/// Throws std::invalid_argument naming the parameter for non-finite angles or a transmissivity
/// outside [0, 1].
void validate(const ShadowParams& params);

/// Caller-owned per-thread scratch (the rows and columns of one line's cells).
class ShadowWorkspace {
public:
    struct ThreadScratch {
        std::vector<std::size_t> rows;
        std::vector<std::size_t> cols;
    };
    std::vector<ThreadScratch> threads;
};

/// Sunlit fraction (0..1) of every cell with data, NaN elsewhere. `dsm_m` is terrain plus
/// buildings; `canopy_top_m` / `canopy_base_m` are absolute crown heights (surface_model.hpp),
/// equal (or not above dsm_m) where there is no crown; pass empty views (data() == nullptr) for a
/// surface without vegetation. No-data cells neither cast nor receive shadow.
void compute_sunlit_fraction(RasterView<const float> dsm_m, RasterView<const float> canopy_top_m,
                             RasterView<const float> canopy_base_m, const CellMask& mask,
                             RasterView<float> sunlit, ShadowWorkspace& workspace,
                             const ShadowParams& params);

} // namespace lauter::kernels::thermal
