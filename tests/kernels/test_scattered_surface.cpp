// Smoothing thin-plate spline: interpolation, affine reproduction, smoothing, invariances,
// grid evaluation, cross-validation and the geometric helpers.
#include <catch2/catch.hpp>

#include <lauter/kernels/terrain/scattered_surface.hpp>

#include "../support/test_support.hpp"

#include <Eigen/Dense>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::terrain;

namespace {

/// n points scattered over a 2 km x 1.5 km box with a bumpy, UTM-like located surface.
std::vector<ControlPoint> bumpy_points(std::size_t n, unsigned seed, double x_offset = 0.0,
                                       double y_offset = 0.0) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> ux(0.0, 2000.0);
    std::uniform_real_distribution<double> uy(0.0, 1500.0);
    std::normal_distribution<double> noise(0.0, 3.0);
    std::vector<ControlPoint> pts;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = ux(rng);
        const double y = uy(rng);
        const double z = 250.0 + 0.02 * x + 40.0 * std::sin(x / 400.0) * std::cos(y / 300.0) +
                         noise(rng);
        pts.push_back({x + x_offset, y + y_offset, z, 1.0});
    }
    return pts;
}

GridSpec small_grid(std::size_t rows, std::size_t cols, double cell) {
    return lauter::test::make_grid(rows, cols, cell, cell, 0.0, static_cast<double>(rows) * cell);
}

double rms_residual(const ThinPlateSpline& s, const std::vector<ControlPoint>& pts) {
    double sum = 0.0;
    for (const ControlPoint& p : pts) {
        const double e = s.evaluate(p.x_m, p.y_m) - p.z_m;
        sum += e * e;
    }
    return std::sqrt(sum / static_cast<double>(pts.size()));
}

} // namespace

TEST_CASE("Thin-plate spline with lambda 0 interpolates the control points exactly",
          "[terrain][tps]") {
    const std::vector<ControlPoint> pts = bumpy_points(60, 1);
    const ThinPlateSpline s = ThinPlateSpline::fit(pts, {0.0});
    CHECK(s.size() == 60);
    for (const ControlPoint& p : pts) {
        CHECK(s.evaluate(p.x_m, p.y_m) == Approx(p.z_m).margin(1e-6));
    }
    CHECK(s.bending_energy() > 0.0);
}

TEST_CASE("Thin-plate spline reproduces a plane exactly, with and without smoothing",
          "[terrain][tps]") {
    std::vector<ControlPoint> pts = bumpy_points(25, 2);
    auto plane = [](double x, double y) { return 231.5 + 0.03 * x - 0.07 * y; };
    for (ControlPoint& p : pts) {
        p.z_m = plane(p.x_m, p.y_m);
    }
    for (double lambda : {0.0, 1.0e3, 1.0e8}) {
        const ThinPlateSpline s = ThinPlateSpline::fit(pts, {lambda});
        for (double x = -500.0; x <= 2500.0; x += 250.0) {
            for (double y = -500.0; y <= 2000.0; y += 250.0) {
                CHECK(s.evaluate(x, y) == Approx(plane(x, y)).margin(1e-6));
            }
        }
        CHECK(s.bending_energy() == Approx(0.0).margin(1e-9));
    }
}

TEST_CASE("Smoothing lowers the bending energy, raises residuals, and tends to the LS plane",
          "[terrain][tps]") {
    const std::vector<ControlPoint> pts = bumpy_points(80, 3);
    double previous_energy = std::numeric_limits<double>::infinity();
    double previous_residual = -1.0;
    for (double lambda : {0.0, 1.0e2, 1.0e4, 1.0e6}) {
        const ThinPlateSpline s = ThinPlateSpline::fit(pts, {lambda});
        const double residual = rms_residual(s, pts);
        CHECK(s.bending_energy() < previous_energy);
        CHECK(residual > previous_residual);
        previous_energy = s.bending_energy();
        previous_residual = residual;
    }
    // lambda -> infinity: the least-squares plane.
    Eigen::MatrixXd t(static_cast<Eigen::Index>(pts.size()), 3);
    Eigen::VectorXd z(static_cast<Eigen::Index>(pts.size()));
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const auto k = static_cast<Eigen::Index>(i);
        t(k, 0) = 1.0;
        t(k, 1) = pts[i].x_m;
        t(k, 2) = pts[i].y_m;
        z(k) = pts[i].z_m;
    }
    const Eigen::Vector3d ls = t.colPivHouseholderQr().solve(z);
    const ThinPlateSpline stiff = ThinPlateSpline::fit(pts, {1.0e14});
    for (double x : {0.0, 1000.0, 2000.0}) {
        for (double y : {0.0, 750.0, 1500.0}) {
            CHECK(stiff.evaluate(x, y) == Approx(ls(0) + ls(1) * x + ls(2) * y).margin(1e-3));
        }
    }
}

TEST_CASE("Weights pull the smoothing spline towards the confident points", "[terrain][tps]") {
    std::vector<ControlPoint> pts = bumpy_points(40, 4);
    const ThinPlateSpline even = ThinPlateSpline::fit(pts, {1.0e5});
    const double before = std::abs(even.evaluate(pts[7].x_m, pts[7].y_m) - pts[7].z_m);
    pts[7].weight = 100.0;
    const ThinPlateSpline weighted = ThinPlateSpline::fit(pts, {1.0e5});
    const double after = std::abs(weighted.evaluate(pts[7].x_m, pts[7].y_m) - pts[7].z_m);
    CHECK(after < 0.2 * before);
}

TEST_CASE("Thin-plate spline is translation invariant and its energy scales as 1/length^2",
          "[terrain][tps]") {
    const std::vector<ControlPoint> local = bumpy_points(50, 5);
    const std::vector<ControlPoint> utm = bumpy_points(50, 5, 409000.0, 5476000.0);
    const ThinPlateSpline a = ThinPlateSpline::fit(local, {500.0});
    const ThinPlateSpline b = ThinPlateSpline::fit(utm, {500.0});
    for (double x = 0.0; x <= 2000.0; x += 400.0) {
        for (double y = 0.0; y <= 1500.0; y += 300.0) {
            CHECK(b.evaluate(x + 409000.0, y + 5476000.0) == Approx(a.evaluate(x, y)).margin(1e-6));
        }
    }
    // Stretching x and y by 10 with lambda scaled by 10^2 gives the same surface, J / 100.
    std::vector<ControlPoint> stretched = local;
    for (ControlPoint& p : stretched) {
        p.x_m *= 10.0;
        p.y_m *= 10.0;
    }
    const ThinPlateSpline c = ThinPlateSpline::fit(stretched, {500.0 * 100.0});
    CHECK(c.evaluate(7000.0, 4000.0) == Approx(a.evaluate(700.0, 400.0)).margin(1e-6));
    CHECK(c.bending_energy() == Approx(a.bending_energy() / 100.0).epsilon(1e-6));
}

TEST_CASE("Thin-plate spline rejects degenerate input", "[terrain][tps]") {
    const std::vector<ControlPoint> two = {{0, 0, 1, 1}, {1, 0, 2, 1}};
    CHECK_THROWS_AS(ThinPlateSpline::fit(two, {0.0}), std::invalid_argument);
    const std::vector<ControlPoint> collinear = {{0, 0, 1, 1}, {1, 1, 2, 1}, {2, 2, 3, 1},
                                                 {3, 3, 5, 1}};
    CHECK_THROWS_AS(ThinPlateSpline::fit(collinear, {0.0}), std::runtime_error);
    const std::vector<ControlPoint> duplicate = {{0, 0, 1, 1}, {1, 0, 2, 1}, {0, 1, 3, 1},
                                                 {0, 1, 4, 1}};
    CHECK_THROWS_AS(ThinPlateSpline::fit(duplicate, {0.0}), std::runtime_error);
    // With smoothing, coincident points are fine: the surface passes between them.
    const ThinPlateSpline s = ThinPlateSpline::fit(duplicate, {10.0});
    CHECK(s.evaluate(0.0, 1.0) > 3.0);
    CHECK(s.evaluate(0.0, 1.0) < 4.0);
    std::vector<ControlPoint> bad = bumpy_points(5, 6);
    bad[2].weight = 0.0;
    CHECK_THROWS_AS(ThinPlateSpline::fit(bad, {1.0}), std::invalid_argument);
    CHECK_THROWS_AS(ThinPlateSpline::fit(bumpy_points(5, 6), {-1.0}), std::invalid_argument);
}

TEST_CASE("evaluate_on_grid: exact at cell centres, NaN off the mask, bilinear in between",
          "[terrain][tps]") {
    const std::vector<ControlPoint> pts = bumpy_points(40, 7);
    const ThinPlateSpline s = ThinPlateSpline::fit(pts, {1.0e3});
    const GridSpec g = small_grid(75, 101, 20.0);
    CellMask m(g);
    m.set(3, 4, CellStatus::no_data);
    Raster<float> exact(g);
    const SurfaceGridStats st = evaluate_on_grid(s, m, exact.view(), {});
    CHECK(st.cells_evaluated == g.cell_count() - 1);
    CHECK(std::isnan(exact(3, 4)));
    CHECK(exact(10, 20) == Approx(s.evaluate(g.cell_centre_x(20), g.cell_centre_y(10))).margin(1e-4));

    // Coarse evaluation: exact at nodes, error bounded by h^2/8 max|f''| (h = 4 cells = 80 m);
    // f'' of this surface stays below 40/300^2 + 40/400^2 per metre, with room for the spline.
    SurfaceGridParams coarse;
    coarse.coarse_step_cells = 4;
    Raster<float> approx(g);
    evaluate_on_grid(s, m, approx.view(), coarse);
    CHECK(approx(8, 12) == Approx(exact(8, 12)).margin(1e-4));
    CHECK(approx(74, 100) == Approx(exact(74, 100)).margin(1e-4));
    double max_err = 0.0;
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        if (m.has_data(i)) {
            max_err = std::max(max_err, std::abs(static_cast<double>(approx[i] - exact[i])));
        }
    }
    const double bound = 80.0 * 80.0 / 8.0 * 2.0 * (40.0 / 9.0e4 + 40.0 / 1.6e5);
    CHECK(max_err > 0.0);
    CHECK(max_err < bound);

    // Clamping.
    SurfaceGridParams clamp;
    clamp.min_z_m = 250.0;
    clamp.max_z_m = 280.0;
    Raster<float> clamped(g);
    const SurfaceGridStats cs = evaluate_on_grid(s, m, clamped.view(), clamp);
    CHECK(cs.cells_clamped_low > 0);
    CHECK(cs.cells_clamped_high > 0);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        if (m.has_data(i)) {
            CHECK(clamped[i] >= 250.0F);
            CHECK(clamped[i] <= 280.0F);
        }
    }
}

TEST_CASE("Bilinear coarse evaluation reproduces a plane", "[terrain][tps]") {
    std::vector<ControlPoint> pts = bumpy_points(10, 8);
    for (ControlPoint& p : pts) {
        p.z_m = 240.0 + 0.01 * p.x_m + 0.05 * p.y_m;
    }
    const ThinPlateSpline s = ThinPlateSpline::fit(pts, {0.0});
    const GridSpec g = small_grid(33, 47, 30.0);
    const CellMask m(g);
    Raster<float> out(g);
    evaluate_on_grid(s, m, out.view(), {.coarse_step_cells = 5});
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            CHECK(out(r, c) == Approx(240.0 + 0.01 * g.cell_centre_x(c) +
                                      0.05 * g.cell_centre_y(r)).margin(1e-3));
        }
    }
}

TEST_CASE("evaluate_on_grid is bitwise independent of the thread count", "[terrain][tps][threads]") {
    const ThinPlateSpline s = ThinPlateSpline::fit(bumpy_points(30, 9), {100.0});
    const GridSpec g = small_grid(64, 80, 25.0);
    const CellMask m(g);
    const int saved = omp_get_max_threads();
    for (std::size_t step : {std::size_t{1}, std::size_t{3}}) {
        Raster<float> one(g);
        Raster<float> two(g);
        omp_set_num_threads(1);
        evaluate_on_grid(s, m, one.view(), {.coarse_step_cells = step});
        omp_set_num_threads(2);
        evaluate_on_grid(s, m, two.view(), {.coarse_step_cells = step});
        CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
    }
    omp_set_num_threads(saved);
}

TEST_CASE("Cross-validation: held-out points of a plane are predicted exactly",
          "[terrain][tps]") {
    std::vector<ControlPoint> pts = bumpy_points(20, 10);
    for (ControlPoint& p : pts) {
        p.z_m = 300.0 - 0.02 * p.x_m + 0.01 * p.y_m;
    }
    std::vector<int> fold(pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) {
        fold[i] = i < 15 ? static_cast<int>(i % 5) : -1;
    }
    const std::vector<double> e = cross_validation_errors(pts, fold, {0.0});
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (i < 15) {
            CHECK(e[i] == Approx(0.0).margin(1e-6));
        } else {
            CHECK(std::isnan(e[i]));
        }
    }
    // On a bumpy surface the held-out errors are non-zero, and they equal a manual refit.
    const std::vector<ControlPoint> bumpy = bumpy_points(30, 11);
    std::vector<int> loo(bumpy.size(), -1);
    loo[4] = 0;
    const std::vector<double> e4 = cross_validation_errors(bumpy, loo, {100.0});
    std::vector<ControlPoint> without = bumpy;
    without.erase(without.begin() + 4);
    const ThinPlateSpline refit = ThinPlateSpline::fit(without, {100.0});
    CHECK(e4[4] == Approx(refit.evaluate(bumpy[4].x_m, bumpy[4].y_m) - bumpy[4].z_m).margin(1e-9));
    CHECK(std::abs(e4[4]) > 1e-3);
}

TEST_CASE("Polyline sampling, point in polygon, polygon lattice, hill profile", "[terrain][geometry]") {
    const std::vector<PlanePoint> line = {{0, 0}, {100, 0}, {100, 30}};
    const std::vector<PolylineSample> s = sample_polyline(line, 40.0);
    REQUIRE(s.size() == 5); // 0, 33.3, 66.7, 100 on the first leg; 130 at the end
    CHECK(s[1].x_m == Approx(100.0 / 3.0));
    CHECK(s[3].distance_along_m == Approx(100.0));
    CHECK(s[4].y_m == Approx(30.0));
    CHECK(s[4].distance_along_m == Approx(130.0));
    CHECK_THROWS_AS(sample_polyline(line, 0.0), std::invalid_argument);

    const std::vector<PlanePoint> square = {{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}};
    CHECK(point_in_ring(square, {50, 50}));
    CHECK_FALSE(point_in_ring(square, {150, 50}));
    const std::vector<std::vector<PlanePoint>> holes = {{{40, 40}, {60, 40}, {60, 60}, {40, 60}}};
    const std::vector<PlanePoint> lattice = sample_polygon_interior(square, holes, 25.0);
    // Lattice 25..75 (3 x 3 interior nodes, the boundary nodes may fall either way) minus (50, 50).
    bool has_centre = false;
    for (const PlanePoint& p : lattice) {
        has_centre = has_centre || (p.x_m == 50.0 && p.y_m == 50.0);
        CHECK(point_in_ring(square, p));
    }
    CHECK_FALSE(has_centre);
    CHECK(lattice.size() >= 8);
    const std::vector<PlanePoint> tiny = {{1, 1}, {3, 1}, {3, 3}, {1, 3}};
    const std::vector<PlanePoint> centroid = sample_polygon_interior(tiny, {}, 25.0);
    REQUIRE(centroid.size() == 1);
    CHECK(centroid[0].x_m == Approx(2.0));

    const HillProfile hp{230.0, 170.0, 1500.0};
    CHECK(hp.elevation_m(0.0) == Approx(230.0));
    CHECK(hp.elevation_m(1500.0) == Approx(230.0 + 170.0 * (1.0 - std::exp(-1.0))));
    CHECK(hp.elevation_m(1.0e6) == Approx(400.0));
    CHECK(distance_to_nearest(square, {103, 104}) == Approx(5.0));
    CHECK(std::isinf(distance_to_nearest({}, {0, 0})));
}
