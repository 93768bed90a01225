#include <catch2/catch.hpp>

#include "../support/test_support.hpp"

#include <lauter/kernels/rasterize.hpp>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

using namespace lauter::kernels;

using lauter::test::make_grid;

namespace {


/// Covered area in grid units (cells) = sum of the fractions.
double covered_cells(const Raster<float>& f) {
    double sum = 0.0;
    for (float v : f.values()) {
        sum += static_cast<double>(v);
    }
    return sum;
}

Polygon rectangle(double x0, double y0, double x1, double y1) {
    return Polygon{{Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}}};
}

double perimeter(const Polygon& p) {
    double len = 0.0;
    for (const Ring& r : p.rings) {
        for (std::size_t i = 0; i < r.size(); ++i) {
            const Point2& a = r[i];
            const Point2& b = r[(i + 1) % r.size()];
            len += std::hypot(b.x - a.x, b.y - a.y);
        }
    }
    return len;
}

} // namespace

TEST_CASE("A square aligned to sub-samples covers exactly its area", "[rasterize]") {
    const std::size_t s = 4;
    SubcellCanvas<std::uint8_t> canvas(make_grid(6, 7), s);
    // 1.25 .. 4.5 x 0.75 .. 3.0: every edge on a sub-sample boundary (multiples of 1/4).
    paint_polygon(canvas, rectangle(1.25, 0.75, 4.5, 3.0), std::uint8_t{1});
    const Raster<float> f = coverage_fraction(canvas, 1);
    CHECK(covered_cells(f) == Approx(3.25 * 2.25).margin(1e-9));
    // Oracle cells: fully inside, partly covered, outside.
    CHECK(f(1, 2) == 1.0F);
    CHECK(f(0, 1) == Approx(0.75 * 0.25)); // x 1.25..2 (0.75), y 0.75..1 (0.25)
    CHECK(f(2, 4) == Approx(0.5));         // x 4..4.5, y 2..3
    CHECK(f(3, 2) == 0.0F);
    CHECK(f(0, 5) == 0.0F);
}

TEST_CASE("Random polygons: covered area matches the shoelace area within the edge bound",
          "[rasterize]") {
    std::mt19937 rng(20240611U);
    std::uniform_real_distribution<double> radius(1.0, 6.0);
    for (const std::size_t s : {1U, 3U, 5U, 8U}) {
        for (int trial = 0; trial < 20; ++trial) {
            // Star-shaped simple polygon around (10, 9) with 7..15 vertices.
            const int n = 7 + trial % 9;
            Ring ring;
            for (int k = 0; k < n; ++k) {
                const double angle = 2.0 * std::numbers::pi * k / n;
                const double r = radius(rng);
                ring.push_back({10.0 + r * std::cos(angle), 9.0 + r * std::sin(angle)});
            }
            const Polygon poly{{ring}};
            SubcellCanvas<std::uint8_t> canvas(make_grid(20, 20), s);
            paint_polygon(canvas, poly, std::uint8_t{3});
            const double covered = covered_cells(coverage_fraction(canvas, 3));
            const double exact = polygon_area(poly);
            const double bound = perimeter(poly) / static_cast<double>(s) / 2.0;
            INFO("S = " << s << ", trial " << trial << ": covered " << covered << ", exact "
                        << exact << ", bound " << bound);
            CHECK(std::abs(covered - exact) <= bound);
        }
    }
}

TEST_CASE("Holes are rings: even-odd fill leaves them empty", "[rasterize]") {
    SubcellCanvas<std::uint8_t> canvas(make_grid(10, 10), 2);
    Polygon p = rectangle(1.0, 1.0, 9.0, 9.0);
    p.rings.push_back(Ring{{3.0, 3.0}, {3.0, 7.0}, {7.0, 7.0}, {7.0, 3.0}}); // opposite orientation
    paint_polygon(canvas, p, std::uint8_t{1});
    const Raster<float> f = coverage_fraction(canvas, 1);
    CHECK(covered_cells(f) == Approx(64.0 - 16.0));
    CHECK(polygon_area(p) == Approx(48.0));
    CHECK(f(5, 5) == 0.0F);
    CHECK(f(2, 2) == 1.0F);
    CHECK(polygon_contains(p, {2.0, 2.0}));
    CHECK_FALSE(polygon_contains(p, {5.0, 5.0}));
    CHECK_FALSE(polygon_contains(p, {9.5, 5.0}));
}

TEST_CASE("Polygons partly or wholly outside the grid paint only the inside", "[rasterize]") {
    SubcellCanvas<std::uint8_t> canvas(make_grid(4, 4), 4);
    paint_polygon(canvas, rectangle(-3.0, -2.0, 2.0, 1.5), std::uint8_t{1});
    paint_polygon(canvas, rectangle(10.0, 10.0, 12.0, 12.0), std::uint8_t{1});
    paint_polygon(canvas, rectangle(-1e12, 3.0, 1e12, 1e12), std::uint8_t{2});
    const Raster<float> f1 = coverage_fraction(canvas, 1);
    const Raster<float> f2 = coverage_fraction(canvas, 2);
    CHECK(covered_cells(f1) == Approx(2.0 * 1.5));
    CHECK(covered_cells(f2) == Approx(4.0 * 1.0));
}

TEST_CASE("Later paints overwrite earlier ones and fractions sum to at most 1", "[rasterize]") {
    SubcellCanvas<std::uint8_t> canvas(make_grid(8, 8, 5.0, 5.0), 5);
    paint_polygon(canvas, rectangle(0.3, 0.1, 6.7, 7.2), std::uint8_t{1});
    paint_disc(canvas, {4.0, 4.0}, 9.0, std::uint8_t{2});
    const std::vector<Point2> line{{0.0, 7.5}, {8.0, 0.5}};
    paint_buffered_line(canvas, std::span<const Point2>(line), 2.0, std::uint8_t{3});
    const auto fractions = coverage_fractions(canvas, 3);
    REQUIRE(fractions.size() == 3);
    for (std::size_t i = 0; i < 64; ++i) {
        const double sum = static_cast<double>(fractions[0][i]) +
                           static_cast<double>(fractions[1][i]) + static_cast<double>(fractions[2][i]);
        CHECK(sum <= 1.0 + 1e-6);
        CHECK(fractions[0][i] >= 0.0F);
    }
    // coverage_fractions agrees with the single-value version.
    const Raster<float> f2 = coverage_fraction(canvas, 2);
    for (std::size_t i = 0; i < 64; ++i) {
        CHECK(f2[i] == fractions[1][i]);
    }
    // The disc centre cell was overwritten by the disc, then partly by the line.
    CHECK(fractions[0](4, 4) == 0.0F);
}

TEST_CASE("A disc covers pi r^2 within the edge bound, on square and non-square cells",
          "[rasterize]") {
    for (const double cell_y_m : {2.0, 3.0}) {
        SubcellCanvas<std::uint8_t> canvas(make_grid(30, 30, 2.0, cell_y_m), 5);
        const double radius_m = 13.0;
        paint_disc(canvas, {15.0, 12.0}, radius_m, std::uint8_t{1});
        const double area_m2 = covered_cells(coverage_fraction(canvas, 1)) * 2.0 * cell_y_m;
        const double exact_m2 = std::numbers::pi * radius_m * radius_m;
        const double bound_m2 = 2.0 * std::numbers::pi * radius_m * (cell_y_m / 5.0) / 2.0;
        CHECK(std::abs(area_m2 - exact_m2) <= bound_m2);
    }
}

TEST_CASE("A buffered straight line covers length x width plus round caps", "[rasterize]") {
    SubcellCanvas<std::uint8_t> canvas(make_grid(40, 40, 1.0, 1.0), 8);
    const std::vector<Point2> line{{5.0, 5.0}, {20.0, 25.0}, {35.0, 25.0}};
    const double half_width_m = 1.5;
    paint_buffered_line(canvas, std::span<const Point2>(line), half_width_m, std::uint8_t{1});
    const double covered = covered_cells(coverage_fraction(canvas, 1));
    // Buffer area of a polyline with a round join turning by theta: 2 h L + pi h^2 (the caps)
    // + h^2 theta / 2 (outer wedge) - h^2 tan(theta / 2) (overlap of the inner half-strips).
    const double length = 25.0 + 15.0;
    const double theta = std::atan2(20.0, 15.0); // turn from the first direction to east
    const double h = half_width_m;
    const double exact = 2.0 * h * length + std::numbers::pi * h * h +
                         h * h * (theta / 2.0 - std::tan(theta / 2.0));
    const double bound = (2.0 * length + 2.0 * std::numbers::pi * half_width_m) / 8.0 / 2.0;
    CHECK(std::abs(covered - exact) <= bound);
}

TEST_CASE("Attribute canvases average over the key's sub-samples", "[rasterize]") {
    const GridSpec g = make_grid(2, 2);
    SubcellCanvas<std::uint8_t> key(g, 2);
    SubcellCanvas<float> height(g, 2);
    paint_polygon(key, rectangle(0.0, 0.0, 1.0, 1.0), std::uint8_t{1});
    paint_polygon(height, rectangle(0.0, 0.0, 1.0, 0.5), 10.0F);
    paint_polygon(height, rectangle(0.0, 0.5, 1.0, 1.0), 20.0F);
    const Raster<float> mean = mean_where(height, key, 1, 0.0F);
    CHECK(mean(0, 0) == Approx(15.0));
    CHECK(mean(1, 1) == 0.0F);
    SubcellCanvas<std::uint8_t> other(make_grid(3, 2), 2);
    CHECK_THROWS_AS(mean_where(height, other, 1, 0.0F), std::invalid_argument);
    CHECK_THROWS_AS(SubcellCanvas<std::uint8_t>(g, 0), std::invalid_argument);
}
