// Elevation along edges: bilinear sampling, the hysteresis filter against fake climbs, per-segment
// climb and grade profiles, coverage reporting and thread-count independence.
#include <catch2/catch.hpp>

#include "mobility_fixtures.hpp"
#include "../../support/test_support.hpp"

#include <lauter/kernels/mobility/elevation_profile.hpp>

#include <omp.h>

#include <cmath>
#include <numeric>

namespace mob = lauter::kernels::mobility;
using lauter::kernels::CellMask;
using lauter::kernels::CellStatus;
using lauter::kernels::Raster;

namespace {

/// A 10 m DEM of `rows` x `cols` cells with upper-left corner (-50, rows * 10 - 50) and
/// z = f(x, y) at cell centres.
template <typename F> Raster<float> dem_of(std::size_t rows, std::size_t cols, F f) {
    Raster<float> dem(lauter::test::make_grid(rows, cols, 10.0, 10.0, -50.0,
                                              static_cast<double>(rows) * 10.0 - 50.0));
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            dem(r, c) = static_cast<float>(
                f(dem.spec().cell_centre_x(c), dem.spec().cell_centre_y(r)));
        }
    }
    return dem;
}

} // namespace

TEST_CASE("sample_bilinear is exact on a plane and refuses points without data",
          "[mobility][elevation]") {
    const auto plane = [](double x, double y) { return 250.0 + 0.05 * x - 0.02 * y; };
    const Raster<float> dem = dem_of(20, 20, plane);
    CellMask mask(dem.spec());
    double z = 0.0;
    for (const auto& [x, y] : {std::pair{37.3, 41.9}, std::pair{100.0, 100.0},
                               std::pair{15.0, 135.0}, std::pair{-44.5, 100.0}}) {
        REQUIRE(mob::sample_bilinear(dem.view(), mask, x, y, z));
        CHECK(z == Approx(plane(x, y)).epsilon(1e-6));
    }
    CHECK_FALSE(mob::sample_bilinear(dem.view(), mask, -51.0, 50.0, z));
    CHECK_FALSE(mob::sample_bilinear(dem.view(), mask, 50.0, 151.0, z));
    mask.set(10, 8, CellStatus::no_data); // cell with x 30..40, y 40..50
    CHECK_FALSE(mob::sample_bilinear(dem.view(), mask, 35.0, 45.0, z));
}

TEST_CASE("filter_profile removes wiggles below the threshold and keeps real hills",
          "[mobility][elevation]") {
    SECTION("noise of +-1.5 m on a flat road gives no climb") {
        std::vector<double> z;
        for (int i = 0; i <= 40; ++i) {
            z.push_back(300.0 + ((i % 2 == 0) ? 1.5 : -1.5) * ((i % 3 == 0) ? 1.0 : 0.5));
        }
        const double first = z.front();
        const double last = z.back();
        mob::filter_profile(z, 5.0);
        double climb = 0.0;
        double descent = 0.0;
        for (std::size_t i = 1; i < z.size(); ++i) {
            climb += std::max(0.0, z[i] - z[i - 1]);
            descent += std::max(0.0, z[i - 1] - z[i]);
        }
        // Monotone from first to last: climb - descent is the net change, and only one of the
        // two is non-zero.
        CHECK(climb - descent == Approx(last - first));
        CHECK(std::min(climb, descent) == 0.0);
        CHECK(z.front() == first);
        CHECK(z.back() == last);
    }
    SECTION("a 20 m hill with a 2 m dip on the way up keeps its 20 m climb and steep pitch") {
        std::vector<double> z = {200, 201, 203, 202, 206, 212, 220, 220, 215, 208, 200};
        mob::filter_profile(z, 5.0);
        CHECK(z[3] == 203.0); // the 1 m dip is flattened
        CHECK(z[6] == 220.0);
        CHECK(z[5] - z[4] == 6.0); // steep pitch kept, not averaged over the rise
        double climb = 0.0;
        for (std::size_t i = 1; i < z.size(); ++i) {
            climb += std::max(0.0, z[i] - z[i - 1]);
        }
        CHECK(climb == 20.0);
    }
}

TEST_CASE("sample_elevation: climbs on a ramp, ends match the nodes, coverage is reported",
          "[mobility][elevation]") {
    // Ramp rising 4 % eastwards; a west-east street 0 -> 1 (300 m) and a north-south street.
    const Raster<float> dem = dem_of(45, 45, [](double x, double) { return 200.0 + 0.04 * x; });
    const CellMask mask(dem.spec());
    lauter::test::NetworkBuilder b;
    b.node(50.0, 200.0);
    b.node(350.0, 200.0);
    b.node(350.0, 300.0);
    b.way({0, 1}, {{"highway", "residential"}});
    b.way({1, 2}, {{"highway", "residential"}});
    const mob::Graph g = mob::build_graph(b.input());
    mob::ElevationResult r = mob::sample_elevation(g, dem.view(), mask);
    REQUIRE(r.uncovered_segments.empty());
    const mob::Graph ge = mob::attach_elevation(g, std::move(r.elevation));
    for (mob::EdgeId e = 0; e < ge.edge_count(); ++e) {
        const double dx = ge.node_x_m()[ge.head()[e]] - ge.node_x_m()[ge.tail()[e]];
        const double expected = 0.04 * dx;
        CHECK(static_cast<double>(ge.climb_m()[e]) == Approx(std::max(0.0, expected)).margin(1e-3));
        CHECK(static_cast<double>(ge.descent_m()[e]) ==
              Approx(std::max(0.0, -expected)).margin(1e-3));
        std::vector<mob::GradePiece> pieces;
        ge.grade_profile(e, pieces);
        double len = 0.0;
        for (const auto& p : pieces) {
            len += static_cast<double>(p.length_m);
            CHECK(static_cast<double>(p.grade) ==
                  Approx(dx > 0 ? 0.04 : (dx < 0 ? -0.04 : 0.0)).margin(1e-4));
        }
        CHECK(len == Approx(static_cast<double>(ge.length_m()[e])).epsilon(1e-5));
    }

    // A street leaving the DEM (x up to 500 m, DEM ends at 400 m) is reported.
    b.node(500.0, 300.0);
    b.way({2, 3}, {{"highway", "residential"}});
    const mob::Graph g2 = mob::build_graph(b.input());
    const mob::ElevationResult r2 = mob::sample_elevation(g2, dem.view(), mask);
    CHECK(r2.uncovered_segments.size() == 1);
}

TEST_CASE("sample_elevation gives identical results with 1 and 2 threads",
          "[mobility][elevation]") {
    const Raster<float> dem = dem_of(60, 60, [](double x, double y) {
        return 250.0 + 20.0 * std::sin(x / 70.0) * std::cos(y / 50.0) + 0.7 * std::sin(x * 1.3);
    });
    const CellMask mask(dem.spec());
    const mob::Graph g = mob::build_graph(lauter::test::grid_network(12, 12, 47.0));
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const mob::ElevationResult one = mob::sample_elevation(g, dem.view(), mask);
    omp_set_num_threads(2);
    const mob::ElevationResult two = mob::sample_elevation(g, dem.view(), mask);
    omp_set_num_threads(saved);
    REQUIRE(one.uncovered_segments.empty());
    CHECK(one.elevation.climb_m == two.elevation.climb_m);
    CHECK(one.elevation.piece_grade == two.elevation.piece_grade);
    CHECK(one.elevation.piece_length_m == two.elevation.piece_length_m);
    CHECK(one.elevation.node_z_m == two.elevation.node_z_m);
    CHECK(std::accumulate(one.elevation.climb_m.begin(), one.elevation.climb_m.end(), 0.0F) > 0.0F);
}
