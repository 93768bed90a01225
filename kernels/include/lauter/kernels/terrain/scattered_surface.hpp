#pragma once
/// @file scattered_surface.hpp
/// A continuous surface through scattered elevation samples: the smoothing thin-plate spline,
/// its evaluation on a grid, cross-validation, and the small geometric helpers used to turn
/// map features (river lines, forest polygons) into control points for an illustrative terrain.
///
/// Thin-plate spline (Duchon 1977; Wahba 1990, "Spline Models for Observational Data", ch. 2):
///     f(x, y) = d0 + d1 x + d2 y + sum_j c_j phi(|p - p_j|),   phi(r) = r^2 log r,
/// minimising   sum_i w_i (z_i - f(p_i))^2 + lambda J(f),
///              J(f) = integral over R^2 of (f_xx^2 + 2 f_xy^2 + f_yy^2)   (bending energy).
/// Because the biharmonic operator maps phi to 8 pi delta, J(f) = 8 pi c^T K c with
/// K_ij = phi(|p_i - p_j|), and the minimiser solves the (n+3) x (n+3) linear system
///     [ K + 8 pi lambda W^-1   T ] [c]   [z]
///     [ T^T                    0 ] [d] = [0],      T = [1 x_i y_i],  W = diag(w_i).
/// lambda = 0 gives the interpolating spline; lambda -> infinity the weighted least-squares plane.
/// Units: z in metres and x, y in metres make J dimensionless, so lambda is in m^2 (a squared
/// residual traded against one unit of bending energy).
///
/// Numerics: coordinates are centred and divided by the half-diagonal of the points' bounding
/// box before K is formed (phi's scale dependence only changes the affine part because
/// T^T c = 0), which keeps K and T of order one; lambda is rescaled accordingly. The dense system
/// is solved with Eigen's partial-pivoting LU: O(n^3) time and O(n^2) memory, about 1 s and
/// 70 MB for n = 3000. Intended for up to a few thousand control points.

#include <lauter/kernels/grid.hpp>

#include <Eigen/Dense>

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace lauter::kernels::terrain {

/// One elevation sample.
struct ControlPoint {
    double x_m = 0.0;      ///< easting in the grid's CRS
    double y_m = 0.0;      ///< northing in the grid's CRS
    double z_m = 0.0;      ///< elevation
    double weight = 1.0;   ///< relative confidence w_i > 0 (inverse variance, relative units)
};

/// Smoothing of the spline.
struct ThinPlateSplineParams {
    /// lambda in m^2 (see the file comment). 0 interpolates exactly; larger values trade
    /// residuals at the control points for a smoother (less bent) surface.
    double smoothing_m2 = 0.0;
};

/// A fitted smoothing thin-plate spline; immutable after fit().
class ThinPlateSpline {
public:
    /// Fits the spline. Throws std::invalid_argument for fewer than 3 points, non-finite
    /// coordinates, non-positive weights or negative smoothing, and std::runtime_error when the
    /// system is singular (all points collinear, or coincident points with smoothing_m2 = 0).
    static ThinPlateSpline fit(std::span<const ControlPoint> points,
                               const ThinPlateSplineParams& params);

    /// f(x, y); thread-safe (const).
    [[nodiscard]] double evaluate(double x_m, double y_m) const noexcept;

    /// J(f) = 8 pi c^T K c, dimensionless for metre coordinates and elevations.
    [[nodiscard]] double bending_energy() const noexcept;

    /// Number of control points.
    [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(u_.size()); }

private:
    ThinPlateSpline() = default;

    double centre_x_m_ = 0.0;
    double centre_y_m_ = 0.0;
    double scale_m_ = 1.0;         ///< length unit of the scaled coordinates
    Eigen::VectorXd u_;            ///< scaled x of the control points
    Eigen::VectorXd v_;            ///< scaled y of the control points
    Eigen::VectorXd c_;            ///< radial coefficients (scaled coordinates)
    Eigen::Vector3d d_ = Eigen::Vector3d::Zero(); ///< affine part in scaled coordinates
    double bending_energy_ = 0.0;
};

/// How a spline is sampled onto a grid.
struct SurfaceGridParams {
    /// The spline is evaluated exactly at every coarse_step_cells-th cell centre (and at the last
    /// row and column) and bilinearly interpolated in between. 1 = exact everywhere. Bilinear
    /// interpolation over a node spacing h errs by at most h^2/8 max|f''| per axis; for the
    /// illustrative terrain (curvature below 1e-3 per metre, h = 40 m) that is below 0.2 m.
    std::size_t coarse_step_cells = 1;
    double min_z_m = -std::numeric_limits<double>::infinity(); ///< values are clamped to
    double max_z_m = std::numeric_limits<double>::infinity();  ///< [min_z_m, max_z_m]
};

/// Diagnostics of evaluate_on_grid().
struct SurfaceGridStats {
    std::size_t cells_evaluated = 0;   ///< cells with data
    std::size_t cells_clamped_low = 0;  ///< cells raised to min_z_m
    std::size_t cells_clamped_high = 0; ///< cells lowered to max_z_m
};

/// Samples the spline at the cell centres of `out` (cells without data get NaN).
/// OpenMP over rows; each cell depends only on the spline, so results are bitwise identical for
/// any thread count.
SurfaceGridStats evaluate_on_grid(const ThinPlateSpline& spline, const CellMask& mask,
                                  RasterView<float> out, const SurfaceGridParams& params = {});

/// Cross-validation: points with fold >= 0 are held out fold by fold (all points of one fold at
/// once), the spline is refitted on the rest, and the held-out points are predicted. Points
/// with fold < 0 are always in the training set. Returns, per point, the prediction error
/// f(p_i) - z_i (NaN for points never held out). Leave-one-out: a distinct fold per point.
/// Cost: one fit per fold.
[[nodiscard]] std::vector<double> cross_validation_errors(std::span<const ControlPoint> points,
                                                          std::span<const int> fold,
                                                          const ThinPlateSplineParams& params);

/// A point of the plane.
struct PlanePoint {
    double x_m = 0.0;
    double y_m = 0.0;
};

/// A point sampled along a polyline, with the distance from the polyline's first vertex.
struct PolylineSample {
    double x_m = 0.0;
    double y_m = 0.0;
    double distance_along_m = 0.0;
};

/// Samples a polyline at both ends and at most spacing_m apart in between (each segment is split
/// into ceil(length / spacing_m) equal parts). Throws std::invalid_argument if spacing_m <= 0.
[[nodiscard]] std::vector<PolylineSample> sample_polyline(std::span<const PlanePoint> line,
                                                          double spacing_m);

/// Even-odd rule point-in-polygon test; `ring` is one closed or open ring (the closing edge is
/// implied). Points exactly on an edge may fall on either side.
[[nodiscard]] bool point_in_ring(std::span<const PlanePoint> ring, PlanePoint p) noexcept;

/// Points of a square lattice with spacing spacing_m (aligned to multiples of spacing_m) inside
/// the polygon given by its outer ring and holes; if none falls inside (a polygon smaller than
/// the lattice), the mean of the outer ring's vertices is returned when it lies inside.
[[nodiscard]] std::vector<PlanePoint> sample_polygon_interior(
    std::span<const PlanePoint> outer, std::span<const std::vector<PlanePoint>> holes,
    double spacing_m);

/// Rise of the ground with distance from the valley floor, used for constraint points on hills:
///     z(d) = floor_m + relief_m (1 - exp(-d / length_scale_m)).
/// An exponential approach to a plateau: the simplest monotone, bounded profile with a finite
/// slope relief_m / length_scale_m at the valley edge. The values are a modelling choice of
/// the caller (sim/terrain_reconstruction.hpp documents the ones used for Kaiserslautern).
struct HillProfile {
    double floor_m = 0.0;          ///< elevation of the valley floor
    double relief_m = 0.0;         ///< height of the plateau above the floor
    double length_scale_m = 1.0;   ///< distance at which 63 % of the relief is reached
    [[nodiscard]] double elevation_m(double distance_from_valley_m) const noexcept;
};

/// Distance from p to the nearest of `targets` (brute force, O(targets)); +infinity when empty.
[[nodiscard]] double distance_to_nearest(std::span<const PlanePoint> targets,
                                         PlanePoint p) noexcept;

} // namespace lauter::kernels::terrain
