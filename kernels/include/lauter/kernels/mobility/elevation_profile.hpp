#pragma once
/// @file elevation_profile.hpp
/// Elevation along the street network: the DEM is sampled along every segment's polyline at a
/// spacing of at most `max_spacing_m` (bilinear between cell centres), the profile is filtered
/// against fake climbs, and climb, descent and a grade profile are derived per segment; per edge
/// and direction they follow from the segment (attach_elevation in graph.hpp).
///
/// Why a filter: DEM noise, bridges over valleys and embankments produce small up-and-down
/// wiggles that add up to climbs nobody rides (graphhopper#553; mobility.md section 2.1). BRouter
/// counts elevation through a hysteresis buffer (abrensch/brouter StdPath.java, "elevation
/// buffer", default 5 m in RoutingContext.java): a change only counts once it exceeds the buffer.
/// lauter applies the same idea to the profile itself:
///   1. Turning points: walking along the samples, a maximum (minimum) is kept only if the
///      profile afterwards falls (rises) by more than `hysteresis_m` below (above) it.
///      The segment's end points are always kept, so per-edge climbs add up along a route
///      and climb - descent = z(end) - z(start) exactly.
///   2. Between consecutive kept points the profile is made monotone (running maximum on a
///      rise, running minimum on a fall, clamped to the two kept values), which removes the
///      counter-wiggles smaller than the threshold but keeps steep pitches inside a long rise
///      (a mean over the rise would hide them from the speed model).
/// The filter runs once per segment in OSM node order; the backward edge uses the same profile
/// reversed, so a road has one shape whichever way it is travelled.
///
/// Coverage: a sample is covered if the DEM cell containing it has data; bilinear weights are
/// renormalised over the neighbouring cells that have data. Segments with an uncovered sample
/// are reported (SegmentElevation is then unusable; sim/ turns this into an InputError naming
/// the uncovered extent).
///
/// Threads: segments are independent; OpenMP over segments, results independent of the thread
/// count (each segment is computed by exactly one thread, with no reductions).

#include <lauter/kernels/grid.hpp>
#include <lauter/kernels/mobility/graph.hpp>

#include <cstdint>
#include <vector>

namespace lauter::kernels::mobility {

struct ElevationParams {
    /// Largest distance between two DEM samples along an edge (m): 10 m, the requirement
    /// (Valhalla resamples every 60 m, which misses short pitches; a 10 m DEM resolves 10 m).
    double max_spacing_m = 10.0;
    /// Smallest reversal (m) that counts as a turning point of the profile: 5 m, BRouter's
    /// default elevation buffer (RoutingContext.java, elevationpenaltybuffer).
    double hysteresis_m = 5.0;
};

struct ElevationResult {
    SegmentElevation elevation;
    /// Segments with at least one sample outside the DEM's data (sorted, empty on success).
    std::vector<std::uint32_t> uncovered_segments;
};

/// Samples and filters the elevation of every segment of `graph` (see file comment).
/// `dem` and `mask` share one grid in the graph's CRS.
[[nodiscard]] ElevationResult sample_elevation(const Graph& graph, RasterView<const float> dem,
                                               const CellMask& mask,
                                               const ElevationParams& params = {});

/// The hysteresis filter on one profile (distances `s_m` increasing, elevations `z_m`), in place.
/// Exposed for tests.
void filter_profile(std::vector<double>& z_m, double hysteresis_m);

/// Bilinear elevation at (x, y); false if the cell containing the point has no data or lies
/// outside the grid.
[[nodiscard]] bool sample_bilinear(RasterView<const float> dem, const CellMask& mask, double x_m,
                                   double y_m, double& z_m) noexcept;

} // namespace lauter::kernels::mobility
