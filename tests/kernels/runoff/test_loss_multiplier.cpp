// Loss steps with a per-cell rain multiplier and the step without infiltration: hand-computed
// source rates and volumes on a 1 x 3 grid.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/runoff/design_storm.hpp>
#include <lauter/kernels/runoff/infiltration.hpp>

#include <cmath>
#include <utility>

using namespace lauter::kernels;
using namespace lauter::kernels::runoff;
using lauter::kernels::shallow::CellField;

using lauter::test::make_grid;

TEST_CASE("No-infiltration step: rain times multiplier minus sewer inflow on the sealed share",
          "[runoff][infiltration]") {
    const GridSpec g = make_grid(1, 3, 2.0, 2.0);
    const CellMask mask(g);
    Raster<double> depth(g, 0.0);
    depth(0, 2) = 0.001;
    Raster<float> multiplier(g, 1.0F);
    multiplier(0, 0) = 0.0F;
    multiplier(0, 1) = 2.0F;
    Raster<float> sealed(g, 0.5F);
    SurfaceCover cover;
    cover.impervious_fraction = CellField::raster(sealed.view());
    cover.sewer_capacity_m_per_s = mm_per_h_to_m_per_s(36.0); // 1e-5 m/s
    const double rain = mm_per_h_to_m_per_s(72.0);             // 2e-5 m/s
    const double dt = 10.0;
    Raster<float> source(g);
    NoInfiltrationState state(g);
    const LossStepStats s = no_infiltration_step<double>(
        std::as_const(depth).view(), mask, cover, rain, dt, state, source.view(),
        std::as_const(multiplier).view());
    // Cell 0: no rain, no water: nothing for the sewer.
    CHECK(source(0, 0) == 0.0F);
    // Cell 1: 4e-5 m/s of rain, W = 4e-4 m, sewer min(1e-4, 4e-4) on half the cell.
    CHECK(static_cast<double>(source(0, 1)) == Approx(4e-5 - 0.5 * 1e-4 / dt).epsilon(1e-6));
    // Cell 2: 2e-5 m/s, W = 1.2e-3 m, sewer 1e-4 m on half the cell.
    CHECK(static_cast<double>(source(0, 2)) == Approx(2e-5 - 0.5 * 1e-4 / dt).epsilon(1e-6));
    CHECK(s.rain_volume_m3 == Approx((0.0 + 4e-4 + 2e-4) * 4.0).epsilon(1e-12));
    CHECK(s.sewer_volume_m3 == Approx(2.0 * 0.5 * 1e-4 * 4.0).epsilon(1e-12));
    CHECK(s.infiltration_volume_m3 == 0.0);
}

TEST_CASE("Green-Ampt and curve-number steps scale the rain by the multiplier",
          "[runoff][infiltration]") {
    const GridSpec g = make_grid(1, 2, 1.0, 1.0);
    const CellMask mask(g);
    const Raster<double> depth(g, 0.0);
    Raster<float> multiplier(g, 3.0F);
    multiplier(0, 1) = std::nanf("");
    const double rain = 1e-6; // far below the Green-Ampt capacity: everything infiltrates
    Raster<float> source(g);
    GreenAmptState ga(g);
    const RasterView<const float> m = std::as_const(multiplier).view();
    const LossStepStats s = green_ampt_step<double>(depth.view(), mask, SurfaceCover{}, {},
                                                    GreenAmptParams{}, rain, 60.0, ga,
                                                    source.view(), m);
    CHECK(s.rain_volume_m3 == Approx(3e-6 * 60.0).epsilon(1e-12));
    CHECK(s.infiltration_volume_m3 == Approx(3e-6 * 60.0).epsilon(1e-12));
    CHECK(ga.infiltrated_m(0, 0) == Approx(3e-6 * 60.0).epsilon(1e-12));
    CHECK(ga.infiltrated_m(0, 1) == 0.0); // a NaN multiplier counts as 0
    CurveNumberState cn(g);
    CurveNumberParams cn_params;
    cn_params.curve_number = CellField::uniform(98.0);
    curve_number_step<double>(depth.view(), mask, SurfaceCover{}, cn_params, 1e-4, 100.0, cn,
                              source.view(), m);
    CHECK(cn.rain_m(0, 0) == Approx(3e-2).epsilon(1e-12));
    CHECK(cn.rain_m(0, 1) == 0.0);
    // CN 98: S = 5.18 mm, Ia = 1.04 mm; P = 30 mm -> Q = 28.96^2 / 34.15 mm = 24.56 mm.
    const double q = curve_number_runoff_m(3e-2, 98.0, 0.2);
    CHECK(q == Approx(0.02456).epsilon(1e-3));
    CHECK(static_cast<double>(source(0, 0)) == Approx(q / 100.0).epsilon(1e-6));
}
