// The idealised geometries of issue 4 "Verification" (KALAS-style slope, basin and obstacle) for
// the shallow cold-air layer (layer.hpp): downslope acceleration where a slope steepens, pooling
// in a basin at the foot of a slope, damming upstream of an obstacle, flow around it and the wake
// behind it. Every threshold follows from the layer's physics (buoyancy-drag balance, volume
// conservation, continuity, symmetry), not from a run's output; each derivation is in a comment.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/coldair/layer.hpp>
#include "layer_test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>

using namespace lauter::kernels;
using namespace lauter::kernels::coldair;
using lauter::test::make_grid;
using lauter::test::closed_layer_params;
using shallow::CellField;
using shallow::OuterFace;

namespace {

constexpr double g_reduced = 0.3403; // physics.md table E row 17 (10 K deficit at 15 degC)
constexpr double production_m_per_h = 10.0;
constexpr double drag = 0.01;

/// Drag-limited speed of a layer carrying the production of the `x_m` metres upslope on a bed
/// slope `slope`: u = sqrt(g' h S / c_D) with h u = P x gives u^3 = g' S P x / c_D (the balance
/// of physics.md A3 / table E row 18).
double balance_speed(double slope, double x_m) {
    return std::cbrt(g_reduced * slope * production_m_per_h / 3600.0 * x_m / drag);
}

double mean_over(const Raster<float>& r, std::size_t r0, std::size_t r1, std::size_t c0,
                 std::size_t c1) {
    double sum = 0.0;
    double n = 0.0;
    for (std::size_t row = r0; row <= r1; ++row) {
        for (std::size_t col = c0; col <= c1; ++col) {
            sum += static_cast<double>(r(row, col));
            n += 1.0;
        }
    }
    return sum / n;
}

} // namespace

TEST_CASE("layer geometries: downslope acceleration where a slope steepens",
          "[coldair][coldair4]") {
    // A ridge (closed) at x = 0, 2 degrees for 750 m, then 8 degrees to the free outflow at
    // 1500 m. At steady state the flux is q = P x everywhere, so the drag-limited speed follows
    // u^3 = g' S P x / c_D on both sections: it grows downslope as x^(1/3) and jumps by
    // (S2/S1)^(1/3) = 1.59 at the break, where the layer thins by as much. Tolerance 10 % (issue
    // 4's for the balance); the layer's own surface slope adds ~1.5 % on the gentle part (see the
    // steady-slope test of test_layer.cpp).
    const double dx = 10.0;
    const std::size_t cols = 150;
    const GridSpec g = make_grid(3, cols, dx, dx);
    const double s1 = std::tan(2.0 * std::numbers::pi / 180.0);
    const double s2 = std::tan(8.0 * std::numbers::pi / 180.0);
    Raster<float> z(g);
    for (std::size_t r = 0; r < 3; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            const double x = (static_cast<double>(c) + 0.5) * dx;
            const double drop = x <= 750.0 ? s1 * x : s1 * 750.0 + s2 * (x - 750.0);
            z(r, c) = static_cast<float>(400.0 - drop);
        }
    }
    const CellMask mask(g);
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.production_m3_per_m2_h = CellField::uniform(production_m_per_h);
    in.drag_coefficient = CellField::uniform(drag);
    ColdAirLayerParams p = closed_layer_params(7200.0);
    p.solver.boundary.east = OuterFace::free_outflow;
    ColdAirLayer<double> layer(in, mask, p);
    layer.advance_to(7200.0);
    const ColdAirSnapshot s = layer.snapshot();
    // Speeds at faces (x = face_col * dx): flux / mean height of the two cells.
    const auto face_speed = [&](std::size_t face_col) {
        const double h = 0.5 * (static_cast<double>(s.height_m(1, face_col - 1)) +
                                static_cast<double>(s.height_m(1, face_col)));
        return layer.state().q_m2_per_s.x(1, face_col) / h;
    };
    for (const std::size_t face : {30U, 60U}) { // 300 m and 600 m, on 2 degrees
        INFO("x = " << face * 10 << " m");
        CHECK(face_speed(face) == Approx(balance_speed(s1, static_cast<double>(face) * dx))
                                      .epsilon(0.10));
    }
    for (const std::size_t face : {100U, 130U}) { // 1000 m and 1300 m, on 8 degrees
        INFO("x = " << face * 10 << " m");
        CHECK(face_speed(face) == Approx(balance_speed(s2, static_cast<double>(face) * dx))
                                      .epsilon(0.10));
    }
    // Faster on the steep part although the same flux passes: acceleration, and a thinner layer.
    CHECK(face_speed(90) > 1.4 * face_speed(70));
    CHECK(s.height_m(1, 90) < s.height_m(1, 70));
}

TEST_CASE("layer geometries: cold air pools in a basin at the foot of a slope",
          "[coldair][coldair4]") {
    // 600 m of 2 degrees (P = 10 m/h) down to a flat, closed 400 m basin that produces nothing.
    // Closed domain: all that is produced stays and gathers at the bottom as a lake with a level
    // surface. A level lake of depth D at the far wall holds V = 400 m D + D^2 / (2 S) per metre
    // of width (the basin plus the wedge backing up the slope): V = 3000 m^3/m after 0.5 h gives
    // D = 6.1 m, V = 6000 m^3/m after 1 h gives D = 10.8 m, with the lake reaching 310 m up the
    // slope. The air still flowing on the upper slope holds a few per cent of it (at most 480
    // m^3/m for the whole slope at balance, h = (c_D q^2/(g' S))^(1/3)), so we ask the basin for
    // at least 0.85 of the lake depth, and for a growth of its volume between 0.5 and 1 h of at
    // least 1.6 (the lake's: 10.8 / 6.1 = 1.76). In the lake the inflow of at most
    // q = 1.67 m^2/s spreads over ~10 m of depth and falls to 0 at the far wall: speeds of
    // ~0.03 m/s in the basin's far half against the drag-limited 0.74 m/s at 125 m on the slope
    // above the lake; we ask less than 0.2 times. The lake's surface is level: its drag slope is
    // 1e-6, so over the lake (the basin and the 150 m of slope above the foot) we ask a range of
    // less than a tenth of the slope's drop over 400 m after 2 h, when the seiche that the
    // arriving flow excites has decayed: at 1 h it still swings the surface by 1.0-1.5 m,
    // depending on its phase at that instant (under every time-step rule tried, also a 30 %
    // shorter step), and falls below 0.85 m by 2 h.
    const double dx = 10.0;
    const std::size_t cols = 100;
    const std::size_t foot = 60;
    const GridSpec g = make_grid(3, cols, dx, dx);
    const double slope = std::tan(2.0 * std::numbers::pi / 180.0);
    Raster<float> z(g);
    Raster<float> production(g);
    for (std::size_t r = 0; r < 3; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            const double x = std::min(static_cast<double>(c) + 0.5, static_cast<double>(foot));
            z(r, c) = static_cast<float>(100.0 - slope * x * dx);
            production(r, c) = c < foot ? static_cast<float>(production_m_per_h) : 0.0F;
        }
    }
    const CellMask mask(g);
    ColdAirInputs in;
    in.terrain_m = z.view();
    in.production_m3_per_m2_h = CellField::raster(production.view());
    in.drag_coefficient = CellField::uniform(drag);
    ColdAirLayerParams p = closed_layer_params(7200.0);
    p.output_times_s = {1800.0, 3600.0, 7200.0};
    ColdAirLayer<double> layer(in, mask, p);
    const auto snaps = layer.run();
    REQUIRE(snaps.size() == 3);
    // Lake depth D at the far wall for a volume V per metre: 400 D + D^2 / (2 S) = V.
    const auto lake_depth = [&](double volume) {
        const double a = 1.0 / (2.0 * slope);
        const double b = static_cast<double>(cols - foot) * dx;
        return (-b + std::sqrt(b * b + 4.0 * a * volume)) / (2.0 * a);
    };
    const double produced_per_m = production_m_per_h * static_cast<double>(foot) * dx; // 1 h
    CHECK(lake_depth(produced_per_m) == Approx(10.8).epsilon(0.01));
    const double basin_depth = mean_over(snaps[1].height_m, 1, 1, foot, cols - 1);
    CHECK(basin_depth > 0.85 * lake_depth(produced_per_m));
    CHECK(basin_depth > 1.6 * mean_over(snaps[0].height_m, 1, 1, foot, cols - 1));
    const auto speed = [](const ColdAirSnapshot& s, std::size_t c) {
        return std::abs(static_cast<double>(s.velocity_east_m_per_s(1, c)));
    };
    double far_half = 0.0;
    for (std::size_t c = 80; c < cols; ++c) {
        far_half += speed(snaps[1], c) / 20.0;
    }
    const double upper_slope = speed(snaps[1], 12);
    CHECK(upper_slope == Approx(balance_speed(slope, 125.0)).epsilon(0.15));
    CHECK(far_half < 0.2 * upper_slope);
    double lowest = 1e9;
    double highest = -1e9;
    for (std::size_t c = foot - 15; c < cols; ++c) {
        const double surface =
            static_cast<double>(z(1, c)) + static_cast<double>(snaps[2].height_m(1, c));
        lowest = std::min(lowest, surface);
        highest = std::max(highest, surface);
    }
    CHECK(highest - lowest < 0.1 * slope * 400.0);
}

TEST_CASE("layer geometries: an obstacle across a slope dams, diverts and shelters",
          "[coldair][coldair4]") {
    // 40 x 100 cells of 10 m sloping 2 degrees east; ridge (west), north and south closed, free
    // outflow east. The obstacle: columns 50-52 (x 500-530 m), rows 10-29 (200 m of the 400 m
    // width), displacement height 20 m and c_D 0.1 (a block of buildings); it produces nothing,
    // in both runs, so the runs differ only by the block. The layer upstream is ~1.2 m deep, far
    // below 20 m, so nothing flows over the block in 2 h.
    const double dx = 10.0;
    const std::size_t rows = 40;
    const std::size_t cols = 100;
    const GridSpec g = make_grid(rows, cols, dx, dx);
    const double slope = std::tan(2.0 * std::numbers::pi / 180.0);
    Raster<float> z(g);
    Raster<float> production(g);
    Raster<float> displacement(g, 0.0F);
    Raster<float> drag_block(g);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            z(r, c) = static_cast<float>(100.0 - slope * (static_cast<double>(c) + 0.5) * dx);
            const bool block = c >= 50 && c <= 52 && r >= 10 && r <= 29;
            production(r, c) = block ? 0.0F : static_cast<float>(production_m_per_h);
            displacement(r, c) = block ? 20.0F : 0.0F;
            drag_block(r, c) = block ? 0.1F : static_cast<float>(drag);
        }
    }
    const CellMask mask(g);
    ColdAirLayerParams p = closed_layer_params(7200.0);
    p.solver.boundary.east = OuterFace::free_outflow;
    ColdAirInputs open;
    open.terrain_m = z.view();
    open.production_m3_per_m2_h = CellField::raster(production.view());
    open.drag_coefficient = CellField::uniform(drag);
    ColdAirInputs blocked = open;
    blocked.drag_coefficient = CellField::raster(drag_block.view());
    blocked.displacement_height_m = displacement.view();
    ColdAirLayer<double> without(open, mask, p);
    ColdAirLayer<double> with(blocked, mask, p);
    without.advance_to(7200.0);
    with.advance_to(7200.0);
    const ColdAirSnapshot a = without.snapshot();
    const ColdAirSnapshot b = with.snapshot();

    // Damming. In front of a wall the flow stops, and air at rest has a level surface, so over a
    // bed falling 0.35 m per cell the layer deepens towards the wall: at least one cell's drop
    // above the undisturbed layer, which is 1.2 m deep at 500 m (physics.md table E row 18).
    const double dammed = mean_over(b.height_m, 15, 24, 49, 49);
    const double free_flow = mean_over(a.height_m, 15, 24, 49, 49);
    CHECK(free_flow == Approx(1.2).epsilon(0.15));
    CHECK(dammed > free_flow + slope * dx);

    // Around, not over: nothing crosses the block's upstream face (the layer stays far below
    // 20 m), and by continuity what it holds back passes the two gaps. Without the block the
    // gaps carry half of the flux across x = 500 m; with it, all of it once the pool has filled:
    // we ask 1.5 times.
    double gap_without = 0.0;
    double gap_with = 0.0;
    double face_with = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
        const bool behind_block = r >= 10 && r <= 29;
        if (behind_block) {
            face_with += std::abs(with.state().q_m2_per_s.x(r, 50));
        } else {
            gap_without += without.state().q_m2_per_s.x(r, 50);
            gap_with += with.state().q_m2_per_s.x(r, 50);
        }
    }
    CHECK(face_with == 0.0);
    CHECK(gap_with > 1.5 * gap_without);
    // Deflection: upstream of the block the northern half turns north (v > 0), the southern half
    // south, mirror images of each other about the centre line between rows 19 and 20.
    for (std::size_t r = 11; r <= 13; ++r) {
        const float north = b.velocity_north_m_per_s(r, 48);
        CHECK(north > 0.0F);
        CHECK(b.velocity_north_m_per_s(rows - 1 - r, 48) == Approx(-north).epsilon(1e-4));
    }

    // Wake. Right behind the block only the air produced in the last few tens of metres flows
    // (q = P x from the block's lee), so the balance speed there is (30 m / 530 m)^(1/3) = 0.38
    // of the undisturbed one, until air from the gaps spreads in; we ask less than half.
    const double wake = mean_over(b.velocity_east_m_per_s, 15, 24, 53, 55);
    const double undisturbed = mean_over(a.velocity_east_m_per_s, 15, 24, 53, 55);
    CHECK(undisturbed > 0.8);
    CHECK(wake < 0.5 * undisturbed);
}
