// Settlement inflow, corridor map and grid aggregation of the cold-air model (corridors.hpp),
// on hand-made oracle grids; and the thin-film rule of the shared solver's time step.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/coldair/corridors.hpp>
#include <lauter/kernels/shallow/local_inertial.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>

using namespace lauter::kernels;
using namespace lauter::kernels::coldair;
using lauter::test::make_grid;

namespace {

std::uint8_t cls(CorridorClass c) { return static_cast<std::uint8_t>(c); }

} // namespace

TEST_CASE("settlement inflow: gross flux into settlements across faces shared with others",
          "[coldair][corridors]") {
    // 3 x 4 cells of 10 m x 5 m; settlement: the two eastern columns of rows 0-1.
    const GridSpec g = make_grid(3, 4, 10.0, 5.0);
    CellMask mask(g);
    mask.set(2, 3, CellStatus::no_data);
    Raster<std::uint8_t> settlement(g, 0);
    settlement(0, 2) = settlement(0, 3) = settlement(1, 2) = settlement(1, 3) = 1;
    shallow::FaceField<double> q(g);
    q.x(0, 2) = 0.5;  // into (0,2) from the west: +0.5 m2/s x 5 m = +2.5 m3/s
    q.x(1, 2) = -0.2; // out of (1,2) to the west: -1.0 m3/s
    q.x(0, 3) = 7.0;  // between two settlement cells: not counted
    q.x(0, 4) = 3.0;  // the grid edge: not shared with a cell
    q.y(2, 2) = 0.3;  // y-faces positive south: out of (1,2) into (2,2): -0.3 x 10 = -3 m3/s
    q.y(2, 3) = -9.0; // from the no-data cell (2,3): not counted
    q.x(2, 1) = 4.0;  // between two non-settlement cells
    Raster<float> inflow(g);
    const double total = settlement_inflow(q, mask, settlement.view(), inflow.view());
    CHECK(inflow(0, 2) == Approx(2.5));
    CHECK(inflow(1, 2) == 0.0F); // both of its shared faces carry air out: no inflow
    CHECK(inflow(0, 3) == 0.0F);
    CHECK(inflow(1, 3) == 0.0F);
    CHECK(inflow(0, 0) == 0.0F);
    CHECK(std::isnan(inflow(2, 3)));
    CHECK(total == Approx(2.5));
}

TEST_CASE("face fluxes from cell-centred discharges", "[coldair][corridors]") {
    const GridSpec g = make_grid(2, 2, 10.0, 10.0);
    CellMask mask(g);
    mask.set(1, 1, CellStatus::no_data);
    Raster<float> east(g, 0.0F);
    Raster<float> north(g, 0.0F);
    east(0, 0) = 1.0F;
    east(0, 1) = 3.0F;
    north(0, 0) = 2.0F;
    north(1, 0) = 4.0F;
    shallow::FaceField<double> q(g);
    face_flux_from_cells(east.view(), north.view(), mask, q);
    CHECK(q.x(0, 1) == 2.0);  // mean of 1 and 3
    CHECK(q.x(1, 1) == 0.0);  // next to the no-data cell
    CHECK(q.y(1, 0) == -3.0); // north components 2 and 4: 3 m2/s northwards = -3 southwards
    CHECK(q.y(1, 1) == 0.0);
    CHECK(q.x(0, 0) == 0.0); // grid edge
}

TEST_CASE("corridor map on an oracle grid", "[coldair][corridors]") {
    // 4 x 5 cells. Row 1 flows east into the settlement cell (1,4); row 0 flows east off the
    // grid; (2,0) and (2,1) point at each other (a loop); (3,2) flows north-east, into (2,3),
    // which flows north-east into the settlement (1,4); (2,4) is no data.
    const GridSpec g = make_grid(4, 5, 10.0, 10.0);
    CellMask mask(g);
    mask.set(2, 4, CellStatus::no_data);
    Raster<float> u(g, 0.0F);
    Raster<float> v(g, 0.0F);
    Raster<float> flux(g, 0.0F);
    Raster<std::uint8_t> settlement(g, 0);
    settlement(1, 4) = 1;
    for (std::size_t c = 0; c < 5; ++c) {
        u(0, c) = 1.0F;
        u(1, c) = 1.0F;
    }
    flux(1, 0) = 0.5F;  // low: <= 1
    flux(1, 1) = 1.0F;  // low: the break belongs to the lower class
    flux(1, 2) = 3.0F;  // moderate
    flux(1, 3) = 20.0F; // very high
    u(2, 0) = 1.0F;
    u(2, 1) = -1.0F;
    u(3, 2) = 1.0F;
    v(3, 2) = 0.9F; // 42 degrees: the north-east sector
    flux(3, 2) = 6.0F;
    u(2, 3) = 0.5F;
    v(2, 3) = 0.6F; // 50 degrees: north-east
    flux(2, 3) = 10.0F;
    Raster<std::uint8_t> out(g, 0);
    classify_corridors(u.view(), v.view(), flux.view(), mask, settlement.view(), CorridorParams{},
                       out.view());
    CHECK(out(1, 4) == cls(CorridorClass::settlement));
    CHECK(out(1, 0) == cls(CorridorClass::low));
    CHECK(out(1, 1) == cls(CorridorClass::low));
    CHECK(out(1, 2) == cls(CorridorClass::moderate));
    CHECK(out(1, 3) == cls(CorridorClass::very_high));
    for (std::size_t c = 0; c < 5; ++c) {
        CHECK(out(0, c) == cls(CorridorClass::no_corridor));
    }
    CHECK(out(2, 0) == cls(CorridorClass::no_corridor));
    CHECK(out(2, 1) == cls(CorridorClass::no_corridor));
    CHECK(out(3, 2) == cls(CorridorClass::high));
    CHECK(out(2, 3) == cls(CorridorClass::high));
    CHECK(out(3, 0) == cls(CorridorClass::no_corridor)); // no flow
    CHECK(out(2, 4) == 0);

    CorridorParams bad;
    bad.flux_breaks_m2_per_s = {1.0, 1.0, 2.0};
    CHECK_THROWS_AS(classify_corridors(u.view(), v.view(), flux.view(), mask, settlement.view(),
                                       bad, out.view()),
                    std::invalid_argument);
}

TEST_CASE("aggregation onto a coarser grid: area-weighted means of the cells with data",
          "[coldair][corridors]") {
    // 5 x 5 cells of 10 m onto 25 m: two coarse cells per side (the second reaches beyond).
    const GridSpec fine = make_grid(5, 5, 10.0, 10.0, 1000.0, 2000.0);
    const GridSpec coarse = coarsened_grid(fine, 25.0);
    CHECK(coarse.rows == 2);
    CHECK(coarse.cols == 2);
    CHECK(coarse.x0 == 1000.0);
    CHECK(coarse.y0 == 2000.0);
    CHECK(coarsened_grid(make_grid(10, 10, 25.0, 25.0), 25.0).cols == 10);
    Raster<float> values(fine);
    for (std::size_t r = 0; r < 5; ++r) {
        for (std::size_t c = 0; c < 5; ++c) {
            values(r, c) = static_cast<float>(10 * r + c);
        }
    }
    CellMask mask(fine);
    Raster<float> out(coarse);
    Raster<float> coverage(coarse);
    aggregate_mean(values.view(), mask, out.view(), coverage.view());
    // Coarse cell (0,0) covers fine rows/cols 0, 1 fully and 2 by half: weights 0.4, 0.4, 0.2.
    const double w[3] = {0.4, 0.4, 0.2};
    double expected = 0.0;
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            expected += w[r] * w[c] * (10.0 * r + c);
        }
    }
    CHECK(static_cast<double>(out(0, 0)) == Approx(expected).epsilon(1e-6));
    CHECK(coverage(0, 0) == Approx(1.0F));
    // Coarse cell (1,1) covers fine 2 (half), 3 and 4: the 50 m of both grids coincide.
    CHECK(coverage(1, 1) == Approx(1.0F));
    // 5 x 5 cells of 10 m onto 30 m: the second coarse cell reaches 10 m beyond the grid.
    const GridSpec wide = coarsened_grid(fine, 30.0);
    Raster<float> wide_out(wide);
    Raster<float> wide_coverage(wide);
    aggregate_mean(values.view(), mask, wide_out.view(), wide_coverage.view());
    CHECK(static_cast<double>(wide_coverage(1, 1)) == Approx(4.0 / 9.0).epsilon(1e-6));
    // A fine cell without data drops out of the mean.
    mask.set(0, 0, CellStatus::no_data);
    aggregate_mean(values.view(), mask, out.view(), coverage.view());
    expected = 0.0;
    double weight = 0.0;
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            if (r + c > 0) {
                expected += w[r] * w[c] * (10.0 * r + c);
                weight += w[r] * w[c];
            }
        }
    }
    CHECK(static_cast<double>(out(0, 0)) == Approx(expected / weight).epsilon(1e-6));
    CHECK(static_cast<double>(coverage(0, 0)) == Approx(1.0 - 0.16).epsilon(1e-6));
}

TEST_CASE("time step: films thinner than time_step_velocity_depth_m do not bound it",
          "[coldair][shallow]") {
    // A 2 cm film on a steep 10 % slope: fast thin flow, no deep flow anywhere.
    const GridSpec g = make_grid(4, 8, 10.0, 10.0);
    CellMask mask(g);
    Raster<float> bed(g);
    for (std::size_t r = 0; r < 4; ++r) {
        for (std::size_t c = 0; c < 8; ++c) {
            bed(r, c) = static_cast<float>(10.0 - 1.0 * static_cast<double>(c));
        }
    }
    shallow::LocalInertialParams params;
    params.friction_law = shallow::FrictionLaw::quadratic_drag;
    params.friction_coefficient = shallow::CellField::uniform(0.001);
    const auto run_two_steps = [&](double film_depth_m) {
        params.time_step_velocity_depth_m = film_depth_m;
        shallow::ShallowLayerState<double> state(g);
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            state.depth_m[i] = 0.02;
        }
        shallow::ShallowLayerWorkspace<double> ws(g);
        const auto first = shallow::local_inertial_step<double>(
            bed.view(), mask, shallow::CellField::uniform(0.0), state, ws, params);
        const double velocity = ws.max_face_velocity_m_per_s;
        const auto second = shallow::local_inertial_step<double>(
            bed.view(), mask, shallow::CellField::uniform(0.0), state, ws, params);
        return std::array<double, 3>{first.dt_s, velocity, second.dt_s};
    };
    const auto all_faces = run_two_steps(0.0);
    const auto deep_only = run_two_steps(0.05);
    CHECK(all_faces[0] == deep_only[0]); // the first step knows no velocity yet
    CHECK(all_faces[1] > 0.5);           // the film moves fast ...
    CHECK(deep_only[1] == 0.0);          // ... but is thinner than 5 cm
    CHECK(deep_only[2] > all_faces[2]);  // so it does not shorten the next step
    // The wave-speed bound still holds: cfl dx / sqrt(g h_max).
    CHECK(deep_only[2] <= params.cfl * 10.0 / std::sqrt(9.80665 * 0.02) + 1e-12);

    params.time_step_velocity_depth_m = -1.0;
    CHECK_THROWS_AS(shallow::validate(params), std::invalid_argument);
}
