#include <lauter/kernels/terrain/scattered_surface.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>

namespace lauter::kernels::terrain {

namespace {

constexpr double eight_pi = 8.0 * std::numbers::pi;

/// phi(r) = r^2 log r written in r^2 (saves the square root): 0.5 r^2 log(r^2); phi(0) = 0.
double tps_kernel(double r2) noexcept { return r2 > 0.0 ? 0.5 * r2 * std::log(r2) : 0.0; }

void validate_points(std::span<const ControlPoint> points, const ThinPlateSplineParams& params) {
    if (points.size() < 3) {
        throw std::invalid_argument("ThinPlateSpline::fit: needs at least 3 control points, got " +
                                    std::to_string(points.size()));
    }
    if (!(params.smoothing_m2 >= 0.0) || !std::isfinite(params.smoothing_m2)) {
        throw std::invalid_argument("ThinPlateSpline::fit: smoothing_m2 must be finite and >= 0");
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
        const ControlPoint& p = points[i];
        if (!std::isfinite(p.x_m) || !std::isfinite(p.y_m) || !std::isfinite(p.z_m)) {
            throw std::invalid_argument("ThinPlateSpline::fit: control point " + std::to_string(i) +
                                        " has a non-finite coordinate or elevation");
        }
        if (!(p.weight > 0.0) || !std::isfinite(p.weight)) {
            throw std::invalid_argument("ThinPlateSpline::fit: control point " + std::to_string(i) +
                                        " has a weight that is not finite and > 0");
        }
    }
}

/// With smoothing 0 two coincident points make the system singular (two equal rows).
void reject_coincident_points(std::span<const ControlPoint> points) {
    std::vector<std::pair<double, double>> xy;
    xy.reserve(points.size());
    for (const ControlPoint& p : points) {
        xy.emplace_back(p.x_m, p.y_m);
    }
    std::sort(xy.begin(), xy.end());
    if (std::adjacent_find(xy.begin(), xy.end()) != xy.end()) {
        throw std::runtime_error("ThinPlateSpline::fit: two control points coincide; interpolation "
                                 "(smoothing_m2 = 0) needs distinct points");
    }
}

} // namespace

ThinPlateSpline ThinPlateSpline::fit(std::span<const ControlPoint> points,
                                     const ThinPlateSplineParams& params) {
    validate_points(points, params);
    if (params.smoothing_m2 == 0.0) {
        reject_coincident_points(points);
    }
    const std::size_t n = points.size();
    const auto ni = static_cast<Eigen::Index>(n);

    double x_min = points[0].x_m;
    double x_max = x_min;
    double y_min = points[0].y_m;
    double y_max = y_min;
    for (const ControlPoint& p : points) {
        x_min = std::min(x_min, p.x_m);
        x_max = std::max(x_max, p.x_m);
        y_min = std::min(y_min, p.y_m);
        y_max = std::max(y_max, p.y_m);
    }
    ThinPlateSpline s;
    s.centre_x_m_ = 0.5 * (x_min + x_max);
    s.centre_y_m_ = 0.5 * (y_min + y_max);
    s.scale_m_ = 0.5 * std::hypot(x_max - x_min, y_max - y_min);
    if (!(s.scale_m_ > 0.0)) {
        throw std::runtime_error("ThinPlateSpline::fit: all control points coincide");
    }
    s.u_.resize(ni);
    s.v_.resize(ni);
    for (Eigen::Index i = 0; i < ni; ++i) {
        const ControlPoint& p = points[static_cast<std::size_t>(i)];
        s.u_(i) = (p.x_m - s.centre_x_m_) / s.scale_m_;
        s.v_(i) = (p.y_m - s.centre_y_m_) / s.scale_m_;
    }

    // The affine part is determined only if the points span the plane: reject (nearly)
    // collinear sets through the smallest eigenvalue of the covariance of the scaled coordinates.
    {
        const double mu = s.u_.mean();
        const double mv = s.v_.mean();
        const double cuu = (s.u_.array() - mu).square().mean();
        const double cvv = (s.v_.array() - mv).square().mean();
        const double cuv = ((s.u_.array() - mu) * (s.v_.array() - mv)).mean();
        const double half_trace = 0.5 * (cuu + cvv);
        const double smallest =
            half_trace - std::sqrt(0.25 * (cuu - cvv) * (cuu - cvv) + cuv * cuv);
        if (!(smallest > 1e-12 * half_trace)) {
            throw std::runtime_error("ThinPlateSpline::fit: the control points are collinear; a "
                                     "surface needs points spanning the plane");
        }
    }

    // Smoothing in scaled coordinates: J_scaled = scale^2 J_metric, so lambda_scaled = lambda / scale^2.
    const double lambda_scaled = params.smoothing_m2 / (s.scale_m_ * s.scale_m_);
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(ni + 3, ni + 3);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(ni + 3);
#pragma omp parallel for schedule(static)
    for (Eigen::Index j = 0; j < ni; ++j) {
        for (Eigen::Index i = 0; i < ni; ++i) {
            const double du = s.u_(i) - s.u_(j);
            const double dv = s.v_(i) - s.v_(j);
            a(i, j) = tps_kernel(du * du + dv * dv);
        }
    }
    for (Eigen::Index i = 0; i < ni; ++i) {
        const ControlPoint& p = points[static_cast<std::size_t>(i)];
        a(i, i) += eight_pi * lambda_scaled / p.weight;
        a(i, ni) = 1.0;
        a(i, ni + 1) = s.u_(i);
        a(i, ni + 2) = s.v_(i);
        a(ni, i) = 1.0;
        a(ni + 1, i) = s.u_(i);
        a(ni + 2, i) = s.v_(i);
        b(i) = p.z_m;
    }
    const Eigen::PartialPivLU<Eigen::MatrixXd> lu(a);
    const Eigen::VectorXd solution = lu.solve(b);
    const double residual = (a * solution - b).norm();
    if (!solution.allFinite() || !(residual <= 1e-6 * (b.norm() + 1.0))) {
        throw std::runtime_error("ThinPlateSpline::fit: the spline system is numerically singular "
                                 "(relative residual " + std::to_string(residual / (b.norm() + 1.0)) +
                                 "); increase smoothing_m2 or thin out near-duplicate points");
    }
    s.c_ = solution.head(ni);
    s.d_ = solution.tail(3);

    // c^T K c with K = a's top-left block without the smoothing diagonal.
    double ckc = s.c_.dot(a.topLeftCorner(ni, ni) * s.c_);
    for (Eigen::Index i = 0; i < ni; ++i) {
        ckc -= eight_pi * lambda_scaled / points[static_cast<std::size_t>(i)].weight * s.c_(i) *
               s.c_(i);
    }
    s.bending_energy_ = std::max(0.0, eight_pi * ckc) / (s.scale_m_ * s.scale_m_);
    return s;
}

double ThinPlateSpline::evaluate(double x_m, double y_m) const noexcept {
    const double u = (x_m - centre_x_m_) / scale_m_;
    const double v = (y_m - centre_y_m_) / scale_m_;
    double f = d_(0) + d_(1) * u + d_(2) * v;
    const Eigen::Index n = u_.size();
    for (Eigen::Index j = 0; j < n; ++j) {
        const double du = u - u_(j);
        const double dv = v - v_(j);
        f += c_(j) * tps_kernel(du * du + dv * dv);
    }
    return f;
}

double ThinPlateSpline::bending_energy() const noexcept { return bending_energy_; }

SurfaceGridStats evaluate_on_grid(const ThinPlateSpline& spline, const CellMask& mask,
                                  RasterView<float> out, const SurfaceGridParams& params) {
    require_same_shape(out.spec(), mask.spec(), "evaluate_on_grid");
    if (params.coarse_step_cells == 0) {
        throw std::invalid_argument("evaluate_on_grid: coarse_step_cells must be >= 1");
    }
    if (!(params.min_z_m <= params.max_z_m)) {
        throw std::invalid_argument("evaluate_on_grid: min_z_m must not exceed max_z_m");
    }
    const GridSpec& g = out.spec();
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
    SurfaceGridStats stats;
    if (rows == 0 || cols == 0) {
        return stats;
    }
    const std::size_t step = params.coarse_step_cells;

    // Node positions (cell indices) along one axis: 0, step, 2 step, ..., and the last cell.
    auto nodes_along = [step](std::size_t count) {
        std::vector<std::size_t> nodes;
        for (std::size_t i = 0; i < count; i += step) {
            nodes.push_back(i);
        }
        if (nodes.back() != count - 1) {
            nodes.push_back(count - 1);
        }
        return nodes;
    };
    const std::vector<std::size_t> node_rows = nodes_along(rows);
    const std::vector<std::size_t> node_cols = nodes_along(cols);
    const std::size_t nr = node_rows.size();
    const std::size_t nc = node_cols.size();

    // Exact values at the nodes (skipped when every cell is a node: then cells are evaluated
    // directly below and only where they have data).
    std::vector<double> node_values;
    if (step > 1) {
        node_values.resize(nr * nc);
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t ir = 0; ir < static_cast<std::ptrdiff_t>(nr); ++ir) {
            const auto r = static_cast<std::size_t>(ir);
            const double y = g.cell_centre_y(node_rows[r]);
            for (std::size_t ic = 0; ic < nc; ++ic) {
                node_values[r * nc + ic] = spline.evaluate(g.cell_centre_x(node_cols[ic]), y);
            }
        }
    }

    // Bracketing node index and weight of a cell along one axis.
    auto bracket = [step](const std::vector<std::size_t>& nodes, std::size_t i) {
        const std::size_t count = nodes.size();
        if (count == 1) {
            return std::pair<std::size_t, double>{0, 0.0};
        }
        const std::size_t k = std::min(i / step, count - 2);
        const double t = static_cast<double>(i - nodes[k]) /
                         static_cast<double>(nodes[k + 1] - nodes[k]);
        return std::pair<std::size_t, double>{k, t};
    };

    std::size_t evaluated = 0;
    std::size_t clamped_low = 0;
    std::size_t clamped_high = 0;
#pragma omp parallel for schedule(static) reduction(+ : evaluated, clamped_low, clamped_high)
    for (std::ptrdiff_t ir = 0; ir < static_cast<std::ptrdiff_t>(rows); ++ir) {
        const auto row = static_cast<std::size_t>(ir);
        const auto [kr, tr] = bracket(node_rows, row);
        const std::size_t kr1 = std::min(kr + 1, nr - 1);
        for (std::size_t col = 0; col < cols; ++col) {
            if (!mask.has_data(row, col)) {
                out(row, col) = no_data_value<float>;
                continue;
            }
            double z = 0.0;
            if (step == 1) {
                z = spline.evaluate(g.cell_centre_x(col), g.cell_centre_y(row));
            } else {
                const auto [kc, tc] = bracket(node_cols, col);
                const std::size_t kc1 = std::min(kc + 1, nc - 1);
                const double top = (1.0 - tc) * node_values[kr * nc + kc] +
                                   tc * node_values[kr * nc + kc1];
                const double bottom = (1.0 - tc) * node_values[kr1 * nc + kc] +
                                      tc * node_values[kr1 * nc + kc1];
                z = (1.0 - tr) * top + tr * bottom;
            }
            if (z < params.min_z_m) {
                z = params.min_z_m;
                ++clamped_low;
            } else if (z > params.max_z_m) {
                z = params.max_z_m;
                ++clamped_high;
            }
            out(row, col) = static_cast<float>(z);
            ++evaluated;
        }
    }
    stats.cells_evaluated = evaluated;
    stats.cells_clamped_low = clamped_low;
    stats.cells_clamped_high = clamped_high;
    return stats;
}

std::vector<double> cross_validation_errors(std::span<const ControlPoint> points,
                                            std::span<const int> fold,
                                            const ThinPlateSplineParams& params) {
    if (fold.size() != points.size()) {
        throw std::invalid_argument("cross_validation_errors: one fold id per point is needed");
    }
    std::map<int, std::vector<std::size_t>> held_out_by_fold;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (fold[i] >= 0) {
            held_out_by_fold[fold[i]].push_back(i);
        }
    }
    std::vector<double> errors(points.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<ControlPoint> training;
    for (const auto& [id, held_out] : held_out_by_fold) {
        training.clear();
        for (std::size_t i = 0; i < points.size(); ++i) {
            if (fold[i] != id) {
                training.push_back(points[i]);
            }
        }
        const ThinPlateSpline s = ThinPlateSpline::fit(training, params);
        for (std::size_t i : held_out) {
            errors[i] = s.evaluate(points[i].x_m, points[i].y_m) - points[i].z_m;
        }
    }
    return errors;
}

std::vector<PolylineSample> sample_polyline(std::span<const PlanePoint> line, double spacing_m) {
    if (!(spacing_m > 0.0)) {
        throw std::invalid_argument("sample_polyline: spacing_m must be > 0");
    }
    std::vector<PolylineSample> samples;
    if (line.empty()) {
        return samples;
    }
    samples.push_back({line[0].x_m, line[0].y_m, 0.0});
    double along = 0.0;
    for (std::size_t k = 1; k < line.size(); ++k) {
        const PlanePoint a = line[k - 1];
        const PlanePoint b = line[k];
        const double length = std::hypot(b.x_m - a.x_m, b.y_m - a.y_m);
        if (length == 0.0) {
            continue;
        }
        const auto parts = static_cast<std::size_t>(std::ceil(length / spacing_m));
        for (std::size_t p = 1; p <= parts; ++p) {
            const double t = static_cast<double>(p) / static_cast<double>(parts);
            samples.push_back({a.x_m + t * (b.x_m - a.x_m), a.y_m + t * (b.y_m - a.y_m),
                               along + t * length});
        }
        along += length;
    }
    return samples;
}

bool point_in_ring(std::span<const PlanePoint> ring, PlanePoint p) noexcept {
    bool inside = false;
    const std::size_t n = ring.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const PlanePoint a = ring[i];
        const PlanePoint b = ring[j];
        if ((a.y_m > p.y_m) != (b.y_m > p.y_m)) {
            const double x_cross = a.x_m + (p.y_m - a.y_m) * (b.x_m - a.x_m) / (b.y_m - a.y_m);
            if (p.x_m < x_cross) {
                inside = !inside;
            }
        }
    }
    return inside;
}

std::vector<PlanePoint> sample_polygon_interior(std::span<const PlanePoint> outer,
                                                std::span<const std::vector<PlanePoint>> holes,
                                                double spacing_m) {
    if (!(spacing_m > 0.0)) {
        throw std::invalid_argument("sample_polygon_interior: spacing_m must be > 0");
    }
    std::vector<PlanePoint> samples;
    if (outer.size() < 3) {
        return samples;
    }
    auto inside = [&](PlanePoint p) {
        if (!point_in_ring(outer, p)) {
            return false;
        }
        return std::none_of(holes.begin(), holes.end(), [&](const std::vector<PlanePoint>& h) {
            return point_in_ring(h, p);
        });
    };
    double x_min = outer[0].x_m;
    double x_max = x_min;
    double y_min = outer[0].y_m;
    double y_max = y_min;
    double x_sum = 0.0;
    double y_sum = 0.0;
    for (const PlanePoint& q : outer) {
        x_min = std::min(x_min, q.x_m);
        x_max = std::max(x_max, q.x_m);
        y_min = std::min(y_min, q.y_m);
        y_max = std::max(y_max, q.y_m);
        x_sum += q.x_m;
        y_sum += q.y_m;
    }
    for (double y = std::ceil(y_min / spacing_m) * spacing_m; y <= y_max; y += spacing_m) {
        for (double x = std::ceil(x_min / spacing_m) * spacing_m; x <= x_max; x += spacing_m) {
            if (inside({x, y})) {
                samples.push_back({x, y});
            }
        }
    }
    if (samples.empty()) {
        const double count = static_cast<double>(outer.size());
        const PlanePoint mean{x_sum / count, y_sum / count};
        if (inside(mean)) {
            samples.push_back(mean);
        }
    }
    return samples;
}

double HillProfile::elevation_m(double distance_from_valley_m) const noexcept {
    return floor_m + relief_m * (1.0 - std::exp(-distance_from_valley_m / length_scale_m));
}

double distance_to_nearest(std::span<const PlanePoint> targets, PlanePoint p) noexcept {
    double best = std::numeric_limits<double>::infinity();
    for (const PlanePoint& t : targets) {
        best = std::min(best, std::hypot(t.x_m - p.x_m, t.y_m - p.y_m));
    }
    return best;
}

} // namespace lauter::kernels::terrain
