// The shallow cold-air layer (layer.hpp) on the shared local-inertial solver: cold lake at rest,
// closed-basin volume balance, the steady slope of physics.md table E row 18, flow direction,
// outputs, thread-count determinism and entry checks.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/coldair/layer.hpp>
#include "layer_test_support.hpp"

#include <omp.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <random>
#include <stdexcept>

using namespace lauter::kernels;
using namespace lauter::kernels::coldair;
using lauter::test::make_grid;
using lauter::test::closed_layer_params;
using shallow::CellField;
using shallow::OuterFace;

namespace {

/// Bumpy terrain on multiples of 1/16 m (exact in binary, so z + h is exact).
void bumpy(Raster<float>& z, unsigned seed, int max_sixteenths) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> sixteenths(0, max_sixteenths);
    for (std::size_t i = 0; i < z.size(); ++i) {
        z[i] = static_cast<float>(sixteenths(rng)) / 16.0F;
    }
}

/// Hills and valleys: a tilted sine landscape, 10 m cells.
void hills(Raster<float>& z) {
    const GridSpec& g = z.spec();
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double x = static_cast<double>(c) * 10.0;
            const double y = static_cast<double>(r) * 10.0;
            z(r, c) = static_cast<float>(100.0 - 0.02 * x + 15.0 * std::sin(x / 150.0) *
                                                               std::cos(y / 120.0));
        }
    }
}

} // namespace

TEST_CASE("Reduced gravity from the deficit: physics.md table E row 17", "[coldair]") {
    // 9.80665 * 10 / 288.15 = 0.3403 m/s^2.
    CHECK(reduced_gravity_m_per_s2(10.0, 288.15) == Approx(0.3403).margin(5e-5));
}

TEST_CASE("A cold-air lake at rest stays at rest", "[coldair]") {
    const GridSpec g = make_grid(24, 24, 10.0, 10.0);
    Raster<float> z(g);
    bumpy(z, 7, 48); // 0 .. 3 m
    Raster<float> d(g, 0.0F);
    for (std::size_t c = 4; c < 10; ++c) {
        d(12, c) = 0.5F; // a row of buildings under the lake surface
    }
    // A rim above the lake on the outer ring: those cells stay dry.
    for (std::size_t i = 0; i < 24; ++i) {
        z(0, i) = z(23, i) = z(i, 0) = z(i, 23) = 6.0F;
    }
    Raster<float> h0(g, 0.0F);
    for (std::size_t r = 1; r < 23; ++r) {
        for (std::size_t c = 1; c < 23; ++c) {
            h0(r, c) = 5.0F - z(r, c) - d(r, c); // surface 5 m
        }
    }
    const CellMask mask(g);
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.displacement_height_m = d.view();
    in.drag_coefficient = CellField::uniform(0.05);
    ColdAirLayerParams p = closed_layer_params(1800.0);
    p.solver.boundary = {}; // free outflow: the dry rim must hold the lake anyway
    ColdAirLayer<double> layer(in, mask, p, h0.view());
    layer.advance_to(1800.0);
    CHECK(layer.balance().step_count > 100);
    std::size_t moved = 0;
    for (std::size_t r = 0; r < 24; ++r) {
        for (std::size_t c = 0; c < 24; ++c) {
            moved += layer.state().depth_m(r, c) != static_cast<double>(h0(r, c)) ? 1U : 0U;
            moved += layer.state().q_m2_per_s.x(r, c) != 0.0 ? 1U : 0U;
            moved += layer.state().q_m2_per_s.y(r, c) != 0.0 ? 1U : 0U;
        }
    }
    CHECK(moved == 0);
    CHECK(layer.balance().outflow_m3 == 0.0);
}

TEST_CASE("Closed basin: cold-air volume equals production x area x time", "[coldair]") {
    const GridSpec g = make_grid(30, 40, 10.0, 10.0);
    Raster<float> z(g);
    hills(z);
    CellMask mask(g);
    mask.set(3, 3, CellStatus::no_data);
    Raster<float> prod(g, 10.0F);
    for (std::size_t c = 0; c < 40; ++c) {
        prod(15, c) = 1.0F; // a forest strip
    }
    const double t_end = 3600.0;
    SECTION("uniform production") {
        ColdAirInputs in;
        in.terrain_m = z.view();
        in.production_m3_per_m2_h = CellField::uniform(10.0);
        ColdAirLayer<double> layer(in, mask, closed_layer_params(t_end));
        layer.advance_to(t_end);
        const double expected = 10.0 / 3600.0 * t_end * g.cell_area_m2() *
                                static_cast<double>(mask.count_with_data());
        CHECK(layer.balance().storage_m3 == Approx(expected).epsilon(1e-12));
        CHECK(layer.balance().outflow_m3 == 0.0);
        CHECK(layer.balance().clipped_m3 == 0.0);
        CHECK(std::abs(layer.balance().relative_residual) < 1e-12);
    }
    SECTION("production raster") {
        ColdAirInputs in;
        in.terrain_m = z.view();
        in.production_m3_per_m2_h = CellField::raster(prod.view());
        ColdAirLayer<double> layer(in, mask, closed_layer_params(t_end));
        layer.advance_to(t_end);
        double expected = 0.0;
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            if (mask.has_data(i)) {
                // the solver's source is P / 3600 stored in float
                expected += static_cast<double>(static_cast<float>(
                                static_cast<double>(prod[i]) / 3600.0)) *
                            t_end * g.cell_area_m2();
            }
        }
        CHECK(layer.balance().storage_m3 == Approx(expected).epsilon(1e-12));
        CHECK(std::abs(layer.balance().relative_residual) < 1e-12);
    }
}

TEST_CASE("Steady production on a uniform slope: physics.md table E row 18", "[coldair]") {
    // g' 0.3403, 2 degrees, c_D 0.01, P 10 m^3/(m^2 h), ridge closed at x = 0: the buoyancy-drag
    // balance u = sqrt(g' h sin(a) / c_D) with q = P x gives h = 1.18 m and u = 1.18 m/s at
    // x = 500 m (computed; the row is marked with the doc's warning sign: derived for this drag
    // law, not a published KLAM_21 result). Tolerance 10 % (issue 4). The local-inertial layer
    // also feels the slope of its own surface (dh/dx = 2h/(3x), 5 % of the bed slope at 500 m),
    // which raises h by about 1.5 % and lowers u as much.
    const double dx = 10.0;
    const std::size_t cols = 120;
    const GridSpec g = make_grid(3, cols, dx, dx);
    Raster<float> z(g);
    const double slope = std::tan(2.0 * std::numbers::pi / 180.0);
    for (std::size_t r = 0; r < 3; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            z(r, c) = static_cast<float>(200.0 - slope * (static_cast<double>(c) + 0.5) * dx);
        }
    }
    const CellMask mask(g);
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.production_m3_per_m2_h = CellField::uniform(10.0);
    in.drag_coefficient = CellField::uniform(0.01);
    ColdAirLayerParams p = closed_layer_params(7200.0);
    p.solver.boundary.east = OuterFace::free_outflow;
    ColdAirLayer<double> layer(in, mask, p);
    layer.advance_to(7200.0);
    const ColdAirSnapshot s = layer.snapshot();
    // x = 500 m is the face between columns 49 and 50.
    const double h = 0.5 * (static_cast<double>(s.height_m(1, 49)) +
                            static_cast<double>(s.height_m(1, 50)));
    const double u = layer.state().q_m2_per_s.x(1, 50) / h;
    CHECK(h == Approx(1.18).epsilon(0.10));
    CHECK(u == Approx(1.18).epsilon(0.10));
    // Steady: the flux at 500 m carries the production upstream of it.
    CHECK(layer.state().q_m2_per_s.x(1, 50) == Approx(10.0 / 3600.0 * 500.0).epsilon(0.01));
    // x = 1000 m: h 1.87 m, u 1.49 m/s (physics.md A3).
    const double h1000 = 0.5 * (static_cast<double>(s.height_m(1, 99)) +
                                static_cast<double>(s.height_m(1, 100)));
    CHECK(h1000 == Approx(1.87).epsilon(0.10));
    CHECK(layer.state().q_m2_per_s.x(1, 100) / h1000 == Approx(1.49).epsilon(0.10));
}

TEST_CASE("Outputs: heights, downslope velocity and flux density at the output times",
          "[coldair]") {
    const GridSpec g = make_grid(5, 60, 10.0, 10.0);
    Raster<float> z(g);
    for (std::size_t r = 0; r < 5; ++r) {
        for (std::size_t c = 0; c < 60; ++c) {
            z(r, c) = static_cast<float>(100.0 - 0.05 * static_cast<double>(c) * 10.0);
        }
    }
    const CellMask mask(g);
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.production_m3_per_m2_h = CellField::uniform(10.0);
    ColdAirLayerParams p;
    p.duration_s = 1800.0;
    p.output_times_s = {600.0, 1800.0};
    ColdAirLayer<double> layer(in, mask, p);
    const auto snaps = layer.run();
    REQUIRE(snaps.size() == 2);
    CHECK(snaps[0].time_s == 600.0);
    CHECK(snaps[1].time_s == 1800.0);
    // East is downhill: every deep cell flows east, and q = h |v| there.
    std::size_t checked = 0;
    for (std::size_t c = 5; c < 55; ++c) {
        const float h = snaps[1].height_m(2, c);
        const float u = snaps[1].velocity_east_m_per_s(2, c);
        REQUIRE(h > 0.05F);
        CHECK(u > 0.0F);
        CHECK(std::abs(snaps[1].velocity_north_m_per_s(2, c)) < 1e-6F * u);
        CHECK(snaps[1].volume_flux_density_m2_per_s(2, c) ==
              Approx(static_cast<double>(h) * static_cast<double>(u)).epsilon(1e-5));
        ++checked;
    }
    CHECK(checked == 50);
    CHECK(layer.time_s() == 1800.0);
    // The layer thickens downslope, as the flux grows with the area upstream.
    CHECK(snaps[1].height_m(2, 50) > snaps[1].height_m(2, 10));
}

TEST_CASE("Cold-air layer: bitwise identical for 1 and 2 threads", "[coldair]") {
    const GridSpec g = make_grid(130, 130, 10.0, 10.0); // above the solver's threading threshold
    Raster<float> z(g);
    hills(z);
    Raster<float> prod(g, 10.0F);
    Raster<float> drag(g, 0.007F);
    for (std::size_t c = 0; c < 130; ++c) {
        prod(60, c) = 1.0F;
        drag(61, c) = 0.1F;
    }
    CellMask mask(g);
    for (std::size_t r = 0; r < 20; ++r) {
        mask.set(r, 129 - r, CellStatus::no_data);
    }
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.production_m3_per_m2_h = CellField::raster(prod.view());
    in.drag_coefficient = CellField::raster(drag.view());
    ColdAirLayerParams p;
    p.duration_s = 120.0;
    p.output_times_s = {120.0};
    const int saved = omp_get_max_threads();
    auto run = [&](int threads) {
        omp_set_num_threads(threads);
        ColdAirLayer<float> layer(in, mask, p);
        auto s = layer.run();
        return std::move(s.back());
    };
    const ColdAirSnapshot one = run(1);
    const ColdAirSnapshot two = run(2);
    omp_set_num_threads(saved);
    const auto same = [](const Raster<float>& a, const Raster<float>& b) {
        return std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
    };
    CHECK(same(one.height_m, two.height_m));
    CHECK(same(one.velocity_east_m_per_s, two.velocity_east_m_per_s));
    CHECK(same(one.volume_flux_density_m2_per_s, two.volume_flux_density_m2_per_s));
    CHECK(std::isnan(one.height_m(5, 124)));
}

TEST_CASE("Cold-air layer: bad input is rejected with a clear message", "[coldair]") {
    const GridSpec g = make_grid(4, 4, 10.0, 10.0);
    Raster<float> z(g, 0.0F);
    const CellMask mask(g);
    ColdAirInputs in;
    in.terrain_m = z.view();
    ColdAirLayerParams p;
    p.duration_s = 0.0;
    CHECK_THROWS_WITH(ColdAirLayer<double>(in, mask, p), Catch::Contains("duration_s"));
    p = ColdAirLayerParams{};
    p.output_times_s = {3600.0, 9.0 * 3600.0};
    CHECK_THROWS_WITH(ColdAirLayer<double>(in, mask, p), Catch::Contains("output time"));
    p = ColdAirLayerParams{};
    in.production_m3_per_m2_h = CellField::uniform(-1.0);
    CHECK_THROWS_WITH(ColdAirLayer<double>(in, mask, p), Catch::Contains("production"));
    Raster<float> prod(g, 10.0F);
    prod(2, 1) = -3.0F;
    in.production_m3_per_m2_h = CellField::raster(prod.view());
    CHECK_THROWS_WITH(ColdAirLayer<double>(in, mask, p), Catch::Contains("row 2, column 1"));
}

TEST_CASE("Frictionless cold-air dam break scales with g' (physics.md A3)", "[coldair]") {
    // h0 = 50 m of cold air for x < 0, none for x > 0, c_D = 0, t = 60 s. Ritter with g'
    // (physics.md A3): front speed 2 sqrt(g' h0) = 8.25 m/s, h(0, t) = 4/9 h0. The local-inertial
    // equations (no advection) give instead a plateau h* = 0.618 h0 behind a bore moving at
    // sqrt(g' h*)/sqrt(2) (derived in tests/kernels/shallow/test_local_inertial.cpp for g); with
    // g' in place of g every speed scales by sqrt(g'/g): the cold-air layer must reproduce both.
    const double dx = 2.0;
    const std::size_t cols = 500; // x from -500 m to +500 m
    const GridSpec g = make_grid(1, cols, dx, dx);
    Raster<float> z(g, 0.0F);
    Raster<float> h0(g, 0.0F);
    const auto x_of = [&](std::size_t c) { return -500.0 + (static_cast<double>(c) + 0.5) * dx; };
    for (std::size_t c = 0; c < cols; ++c) {
        h0(0, c) = x_of(c) < 0.0 ? 50.0F : 0.0F;
    }
    const CellMask mask(g);
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.drag_coefficient = CellField::uniform(0.0);
    ColdAirLayerParams p = closed_layer_params(60.0);
    p.solver.theta = 0.7; // as the solver's own dam-break test: damps the checkerboard
    p.solver.cfl = 0.7;
    ColdAirLayer<double> layer(in, mask, p, h0.view());
    layer.advance_to(60.0);
    const double gr = layer.reduced_gravity();
    const auto depth_at = [&](double x) {
        const double pos = (x + 500.0) / dx - 0.5;
        const auto c = static_cast<std::size_t>(std::floor(pos));
        const double w = pos - static_cast<double>(c);
        return (1.0 - w) * layer.state().depth_m(0, c) + w * layer.state().depth_m(0, c + 1);
    };
    const double c0 = std::sqrt(gr * 50.0);
    CHECK(2.0 * c0 == Approx(8.25).margin(0.01)); // physics.md A3
    const double c_star = c0 * std::cbrt((2.0 / 3.0) / (1.0 / std::sqrt(2.0) + 2.0 / 3.0));
    const double h_plateau = c_star * c_star / gr;
    CHECK(depth_at(-c0 * 60.0 - 50.0) == Approx(50.0).margin(0.1)); // beyond the rarefaction
    CHECK(depth_at(0.0) == Approx(4.0 / 9.0 * 50.0).margin(0.16 * 50.0));
    CHECK(depth_at(0.0) == Approx(h_plateau).epsilon(0.05));
    const double bore_m = c_star / std::sqrt(2.0) * 60.0;
    // The bore within -15 % / +25 % of its speed (at 2 m cells the front spreads over ~10 cells).
    CHECK(depth_at(0.85 * bore_m) > 25.0);
    CHECK(depth_at(1.25 * bore_m) == 0.0);
    CHECK(std::abs(layer.balance().relative_residual) < 1e-12);
}
