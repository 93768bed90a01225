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
    };
    std::vector<ThreadScratch> threads;
    std::vector<double> sum;
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

} // namespace lauter::kernels::thermal
