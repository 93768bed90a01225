// Cold-air production (production.hpp) and surface drag (roughness.hpp): published defaults,
// the mixing rule, hand-computed values and entry checks.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/coldair/production.hpp>
#include <lauter/kernels/coldair/roughness.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>

using namespace lauter::kernels;
using namespace lauter::kernels::coldair;
using lauter::test::make_grid;

TEST_CASE("Default production rates are the published ones", "[coldair]") {
    const ProductionTable t = default_production_table();
    // physics.md A1 / table E row 15 [KALM]: open land ~10, forest ~1, built-up 0.
    CHECK(t.rate(LandCover::open_land) == 10.0);
    CHECK(t.rate(LandCover::trees) == 1.0);
    CHECK(t.rate(LandCover::building) == 0.0);
    CHECK(t.rate(LandCover::road) == 0.0);
    CHECK_NOTHROW(validate(t));
}

TEST_CASE("Production mixes sealed, canopy and class shares by area", "[coldair]") {
    const ProductionTable t = default_production_table();
    // Open land, 30 % sealed, 20 % canopy: 0.3 * 0 + 0.2 * 1 + 0.5 * 10 = 5.2.
    CHECK(cell_production_m3_per_m2_h(t, LandCover::open_land, 0.3, 0.2) ==
          Approx(5.2).epsilon(1e-12));
    // Canopy beyond the unsealed share counts as sealed: 0.8 sealed, canopy 0.2 of 0.5.
    CHECK(cell_production_m3_per_m2_h(t, LandCover::open_land, 0.8, 0.5) ==
          Approx(0.2).epsilon(1e-12));
    // A roof takes the building rate whatever the fractions.
    CHECK(cell_production_m3_per_m2_h(t, LandCover::building, 0.0, 1.0) == 0.0);
    // Without fractions: the class rate.
    CHECK(cell_production_m3_per_m2_h(t, LandCover::agriculture, 0.0, 0.0) == 10.0);
}

TEST_CASE("Production raster: classes, fractions, no-data and bad input", "[coldair]") {
    const GridSpec g = make_grid(2, 3, 10.0, 10.0);
    Raster<std::uint8_t> lc(g, static_cast<std::uint8_t>(LandCover::open_land));
    lc(0, 1) = static_cast<std::uint8_t>(LandCover::trees);
    lc(0, 2) = static_cast<std::uint8_t>(LandCover::road);
    Raster<float> phi(g, 0.0F);
    phi(1, 0) = 0.5F;
    CellMask mask(g);
    mask.set(1, 2, CellStatus::no_data);
    Raster<float> out(g);
    const ProductionTable t = default_production_table();
    compute_production(lc.view(), mask, t, {phi.view(), {}}, out.view());
    CHECK(out(0, 0) == 10.0F);
    CHECK(out(0, 1) == 1.0F);
    CHECK(out(0, 2) == 0.0F);
    CHECK(out(1, 0) == 5.0F);
    CHECK(std::isnan(out(1, 2)));

    ProductionTable negative = t;
    negative.set(LandCover::water, -1.0);
    CHECK_THROWS_WITH(compute_production(lc.view(), mask, negative, {}, out.view()),
                      Catch::Contains("water"));
    lc(1, 1) = 0;
    CHECK_THROWS_WITH(compute_production(lc.view(), mask, t, {}, out.view()),
                      Catch::Contains("row 1, column 1"));
    lc(1, 1) = static_cast<std::uint8_t>(LandCover::open_land);
    phi(0, 0) = 1.5F;
    CHECK_THROWS_AS(compute_production(lc.view(), mask, t, {phi.view(), {}}, out.view()),
                    std::invalid_argument);
}

TEST_CASE("Heat-loss equivalent of a production rate", "[coldair]") {
    // physics.md A1: P = 10 m^3/(m^2 h) <-> 3.35 W/m^2 per kelvin of deficit.
    CHECK(heat_loss_w_per_m2(10.0, 1.0) == Approx(3.35).margin(0.005));
}

TEST_CASE("Log-law drag coefficient and Macdonald building roughness", "[coldair]") {
    // (0.4 / (ln(10 / 0.03) - 1))^2 = 0.00691 (computed).
    CHECK(log_law_drag_coefficient(0.03, 10.0) == Approx(0.006913).epsilon(1e-3));
    // Inside the roughness sublayer the coefficient is capped at kappa^2.
    CHECK(log_law_drag_coefficient(5.0, 10.0) == Approx(0.16));
    const RoughnessParams p;
    // Macdonald et al. (1998), lambda_p 0.3, h 10 m: d = 10 (1 - 0.7 * 4.43^-0.3) = 5.52 m,
    // z0 = 10 * 0.448 * exp(-(3.75 * 0.448 * 0.3)^-0.5) = 1.09 m (computed).
    const BuildingRoughness b = macdonald_roughness(0.3, 10.0, p);
    CHECK(b.displacement_height_m == Approx(5.52).margin(0.01));
    CHECK(b.roughness_length_m == Approx(1.09).margin(0.01));
    CHECK(macdonald_roughness(0.0, 10.0, p).displacement_height_m == 0.0);

    const GridSpec g = make_grid(1, 3, 10.0, 10.0);
    Raster<std::uint8_t> lc(g, static_cast<std::uint8_t>(LandCover::open_land));
    lc(0, 2) = static_cast<std::uint8_t>(LandCover::trees);
    Raster<float> fraction(g, 0.0F);
    Raster<float> height(g, 0.0F);
    fraction(0, 1) = 0.3F;
    height(0, 1) = 10.0F;
    const CellMask mask(g);
    Raster<float> drag(g);
    Raster<float> d(g);
    compute_surface_drag(lc.view(), mask, p, {fraction.view(), height.view()}, drag.view(),
                         d.view());
    CHECK(drag(0, 0) == Approx(0.006913).epsilon(1e-3));
    CHECK(d(0, 0) == 0.0F);
    CHECK(d(0, 1) == Approx(5.52).margin(0.01));
    // Built-up and forest cells brake an order of magnitude more than open land.
    CHECK(drag(0, 1) > 10.0F * drag(0, 0));
    CHECK(drag(0, 2) > 10.0F * drag(0, 0));
    CHECK_THROWS_AS(compute_surface_drag(lc.view(), mask, p, {fraction.view(), {}}, drag.view(),
                                         d.view()),
                    std::invalid_argument);
}
