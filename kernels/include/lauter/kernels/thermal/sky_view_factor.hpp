#pragma once
/// @file sky_view_factor.hpp
/// Sky view factor (SVF) of a digital surface model by horizon scanning.
///
/// Definition (cosine-weighted, radiative SVF of a horizontal surface element): the share of the
/// diffuse radiation from an isotropic sky that reaches the element,
///     SVF = (1/pi) * integral over the visible sky of cos(zenith) dOmega
///         = (1/2pi) * integral_0^2pi cos^2(h(phi)) dphi,
/// with h(phi) the horizon elevation angle in azimuth phi (e.g. Oke 1987, Boundary Layer
/// Climates, eq. for the canyon floor; Johnson & Watson 1984, J. Clim. Appl. Meteorol. 23; the
/// same quantity UMEP/SOLWEIG accumulates by shadow casting, physics.md C2). It is estimated by
/// the mean of cos^2(h) over N equally spaced azimuths starting at north. For an infinite street
/// canyon floor centre it equals cos(atan(2H/W)) exactly in the limit of many directions.
///
/// Horizon angles below 0 count as 0: for a horizontal surface the sky below the local horizontal
/// plane is not seen, so a cell on a summit has SVF 1 (as SAGA's "Sky View Factor" and GRASS
/// r.horizon with max(h, 0)). Points beyond the search radius and outside the grid are ignored
/// (the grid edge sees a flat horizon outward), so do give a margin of about the radius.
///
/// Algorithm: for each direction the grid is split into parallel digital lines (every cell on
/// exactly one line, heights at cell centres, distances along the direction). Each line is swept
/// against the direction while keeping the upper convex hull of the (distance, height) profile
/// ahead of the current cell; the horizon of a cell is the tangent from it to that hull (Stewart
/// 1998, "Fast horizon computation at all points of a terrain with visibility and shading
/// applications", IEEE TVCG 4(1), whose sweep keeps such hulls; the stack update is Andrew's 1979
/// monotone chain). The search radius R is honoured by cutting each line into blocks of
/// m = floor(R / step) cells: the window (s, s + m] of a cell s is the rest of its own block
/// (suffix hull, amortised O(1) per cell) plus a prefix of the next block, whose hull is built
/// once forward and rolled back one point per cell (undo log), queried by binary search
/// (O(log m)). Cost O(N * cells * log m), independent of R up to the logarithm.
///
/// Vegetation (the SOLWEIG way, physics.md C2; Lindberg & Grimmond 2011, "The influence of
/// vegetation and building morphology on shadow patterns and mean radiant temperatures in urban
/// areas", Theor. Appl. Climatol. 105:311-323): tree crowns are a second surface, the
/// absolute heights of crown top and crown base (surface_model.hpp) with an open trunk zone
/// below the base, and they pass a share tau (transmissivity) of the radiation. SOLWEIG combines
/// the building and the vegetation sky view factors as
///     SVF = SVF_buildings - (1 - SVF_veg) (1 - tau).
/// Here the vegetation term counts only the sky above the building horizon of each direction
/// (crowns hidden behind buildings or terrain block nothing more; SOLWEIG's svfaveg plays that
/// role), so without overlap the formula holds as written, tau = 1 gives SVF_buildings exactly
/// and tau = 0 makes crowns opaque. A crown at step q blocks the ray of elevation alpha from a
/// cell s of height z (q > s along the direction, d = (q - s) step) when
///     base_q <= z + d tan(alpha) <= top_q,
/// i.e. the ray passes through the crown and not under it (trunk zone) or above it. The blocked
/// part of each direction's sky is sampled at `altitudes` elevations: bands of equal weight in
/// the cosine-weighted integral (equal steps of sin^2 h, the measure of SVF), each sampled at its
/// midpoint; the part of a band below the building horizon is left out and a band cut by the
/// horizon takes the sample of the band above it. The sweep carries, per sampled elevation, the
/// union of the crowns' blocking intervals in the coordinate w = z - s d tan(alpha) (fixed for a
/// crown), kept as at most 4 disjoint intervals (the lowest is dropped: along a sweep the
/// receivers' w rises, so it is the first to pass out of reach). The receiver's own crown covers
/// its cell: it blocks where the ray reaches the crown base within half a step. Crowns are not
/// limited by the search radius (a 40 m tree subtends under 1.2 degrees at 2 km).
///
/// Threads: OpenMP over the lines of a direction; directions are accumulated in a fixed order, so
/// results are bitwise identical for any thread count.

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <functional>
#include <vector>

namespace lauter::kernels::thermal {

struct SkyViewFactorParams {
    /// Number of azimuths (equally spaced from north). 16 is the SAGA-comparable setting; the
    /// discrete mean converges quickly for smooth horizons, but for a deep canyon the 16-azimuth
    /// mean is off by 0.009 (H/W 2) and 0.025 (H/W 3), the 32-azimuth mean by < 0.002
    /// (docs/thermal.md).
    std::size_t directions = 16;
    /// Horizon search radius (m). The cost hardly depends on it (log m per cell), so it is chosen
    /// by physics: beyond 2 km a 100 m terrain rise subtends under 3 degrees (cos^2 > 0.997), so
    /// farther terrain changes the SVF by less than 0.3 %, while a 100 m valley side at 1 km
    /// (5.7 degrees) still lowers it by about 1 % in its directions; buildings matter within a
    /// few hundred metres. At 1-5 m cells 2 km is 400-2000 steps per line, which the sweep
    /// handles at nearly the same cost. 2000 m is also the SAGA setting used for comparison.
    double search_radius_m = 2000.0;
};

/// Throws std::invalid_argument naming the parameter unless directions >= 1 and the radius is
/// positive and finite.
void validate(const SkyViewFactorParams& params);

/// Tree crowns in the sky view factor (see the file comment).
struct VegetationSkyParams {
    /// Share of the radiation passing a crown: 0.03, the SOLWEIG shortwave default (Lindberg &
    /// Grimmond 2011; physics.md C2), the value ShadowParams uses for the direct beam.
    double transmissivity = 0.03;
    /// Sampled elevations per direction (bands of equal sin^2 h). 8, the number of altitude bands
    /// of SOLWEIG's 153-patch sky (physics.md C2); the sampling error of the blocked share is at
    /// most half a band, 1/16 of a direction's sky, where a crown edge falls mid-band.
    std::size_t altitudes = 8;
};

/// Throws std::invalid_argument naming the parameter unless altitudes >= 1 and the
/// transmissivity lies in [0, 1].
void validate(const VegetationSkyParams& params);

/// Caller-owned scratch: per-thread line buffers and the per-cell accumulator. Reusable across
/// calls and grids; it grows to the largest grid seen.
class HorizonWorkspace {
public:
    struct ThreadScratch {
        std::vector<std::size_t> line_rows; ///< cells of the current line
        std::vector<std::size_t> line_cols;
        std::vector<double> height_m;
        std::vector<unsigned char> valid;
        std::vector<double> tan_horizon;
        std::vector<std::size_t> hull;        ///< suffix hull (step indices)
        std::vector<std::size_t> prefix_hull; ///< prefix hull of the next block
        std::vector<std::size_t> undo_slot;
        std::vector<std::size_t> undo_value;
        std::vector<std::size_t> undo_size;
        std::vector<unsigned char> pushed;
        std::vector<double> crown_top_m;  ///< crown top of each step (NaN: no crown)
        std::vector<double> crown_base_m;
        std::vector<double> veg_blocked;  ///< blocked share of the direction's sky per step
        std::vector<double> intervals;    ///< per altitude: up to 4 (low, high) pairs
        std::vector<std::size_t> interval_count;
    };
    std::vector<ThreadScratch> threads;
    std::vector<double> sum;
    std::vector<double> sum_buildings;
};

/// Tangent of the horizon elevation angle (>= 0) in azimuth `azimuth_deg` (clockwise from north)
/// within `search_radius_m`, for every cell with data; NaN where the mask has no data. No-data
/// cells do not block the view. `tan_horizon` must have the grid's shape.
void compute_horizon_tangent(RasterView<const float> dsm_m, const CellMask& mask,
                             double azimuth_deg, double search_radius_m,
                             RasterView<float> tan_horizon, HorizonWorkspace& workspace);

/// Sky view factor (0..1) of every cell with data (NaN elsewhere) of the surface `dsm_m`
/// (terrain plus buildings, metres). `direction_done`, if set, is called once after each
/// direction (from the calling thread, outside any parallel region), e.g. to report progress.
/// Throws std::invalid_argument if shapes differ or the parameters are invalid.
void compute_sky_view_factor(RasterView<const float> dsm_m, const CellMask& mask,
                             RasterView<float> svf, HorizonWorkspace& workspace,
                             const SkyViewFactorParams& params = {},
                             const std::function<void()>& direction_done = {});

/// Sky view factor with tree crowns (see the file comment): `svf` (0..1) of every cell with
/// data, NaN elsewhere, from the opaque surface `dsm_m` (terrain plus buildings) and the crowns
/// `canopy_top_m` / `canopy_base_m` (absolute heights; a cell has a crown where top > base and
/// top > dsm). `svf_buildings`, if not empty (data() != nullptr), receives the sky view factor
/// of the opaque surface alone, from the same sweep. Throws std::invalid_argument if shapes
/// differ or the parameters are invalid.
void compute_sky_view_factor(RasterView<const float> dsm_m, RasterView<const float> canopy_top_m,
                             RasterView<const float> canopy_base_m, const CellMask& mask,
                             RasterView<float> svf, RasterView<float> svf_buildings,
                             HorizonWorkspace& workspace, const SkyViewFactorParams& params,
                             const VegetationSkyParams& vegetation,
                             const std::function<void()>& direction_done = {});

} // namespace lauter::kernels::thermal
