// Tree crowns in the sky view factor (SOLWEIG combination, sky_view_factor.hpp): a canopy disc
// over flat ground against hand-computed values, transmissivity 1 (building-only SVF) and 0
// (opaque crowns), bounds and monotonicity, 1 vs 2 threads, invalid input.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/sky_view_factor.hpp>

#include "thermal_geometry_fixtures.hpp"

#include <omp.h>

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;
using namespace lauter::test::thermal;

namespace {

struct Crowns {
    Raster<float> top;
    Raster<float> base;
};

/// A crown of absolute base and top heights over the cells whose centre lies within
/// `radius_m` of the centre of cell (row, col), on flat ground at height 0.
Crowns disc_crown(const TestSurface& s, std::size_t row, std::size_t col, double radius_m,
                  float base_m, float top_m) {
    Crowns c{Raster<float>(s.spec, 0.0F), Raster<float>(s.spec, 0.0F)};
    for (std::size_t r = 0; r < s.spec.rows; ++r) {
        for (std::size_t k = 0; k < s.spec.cols; ++k) {
            const double dy = (static_cast<double>(r) - static_cast<double>(row)) *
                              s.spec.cell_size_y_m;
            const double dx = (static_cast<double>(k) - static_cast<double>(col)) *
                              s.spec.cell_size_x_m;
            if (std::hypot(dx, dy) <= radius_m) {
                c.top(r, k) = top_m;
                c.base(r, k) = base_m;
            }
        }
    }
    return c;
}

Raster<float> svf_with(const TestSurface& s, const Crowns& c, const SkyViewFactorParams& p,
                       const VegetationSkyParams& v, Raster<float>* buildings = nullptr) {
    Raster<float> out(s.spec);
    HorizonWorkspace ws;
    compute_sky_view_factor(s.z.view(), c.top.view(), c.base.view(), s.mask, out.view(),
                            buildings != nullptr ? buildings->view() : RasterView<float>(), ws,
                            p, v);
    return out;
}

/// Random crowns (about a third of the cells, 4-15 m tall, trunk zone a quarter) on a random
/// surface; crowns are set only where they rise above the surface.
Crowns random_crowns(const TestSurface& s, std::uint32_t seed) {
    Crowns c{Raster<float>(s.spec, 0.0F), Raster<float>(s.spec, 0.0F)};
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t i = 0; i < s.spec.cell_count(); ++i) {
        const double h = 4.0 + 11.0 * unit(rng);
        if (s.mask.has_data(i) && unit(rng) < 0.33) {
            c.top[i] = s.z[i] + static_cast<float>(h);
            c.base[i] = s.z[i] + static_cast<float>(0.25 * h);
        } else {
            c.top[i] = s.mask.has_data(i) ? s.z[i] : 0.0F;
            c.base[i] = c.top[i];
        }
    }
    return c;
}

} // namespace

TEST_CASE("canopy disc over flat ground: SVF at its centre by hand", "[thermal5][svf]") {
    // Receiver at the centre of a crown of radius r with its base at B above the ground: a ray
    // of elevation alpha passes through the crown iff r tan(alpha) >= B (below that it leaves
    // the crown's column under the base, through the trunk zone), so the crowns block the sky
    // above alpha_0 = atan(B / r) and the cosine-weighted vegetation SVF is
    // sin^2(alpha_0) = B^2 / (B^2 + r^2); SVF = 1 - (1 - SVF_veg)(1 - tau).
    const TestSurface s = flat_surface(61, 61, 1.0, 0.0F);
    SkyViewFactorParams p;
    p.directions = 16;
    p.search_radius_m = 100.0;
    SECTION("B = r: SVF_veg = 1/2, a band boundary of 8 altitudes, so the sampled value is exact") {
        const Crowns c = disc_crown(s, 30, 30, 10.0, 10.0F, 20.0F);
        for (const double tau : {0.0, 0.03, 0.5}) {
            VegetationSkyParams v;
            v.transmissivity = tau;
            const Raster<float> svf = svf_with(s, c, p, v);
            INFO("tau " << tau);
            CHECK(svf(30, 30) == Approx(1.0 - 0.5 * (1.0 - tau)).margin(1e-6));
        }
    }
    SECTION("B = r/2: SVF_veg = 0.2 within the sampling error of 64 altitudes") {
        const Crowns c = disc_crown(s, 30, 30, 10.0, 5.0F, 20.0F);
        VegetationSkyParams v;
        v.transmissivity = 0.0;
        v.altitudes = 64;
        const Raster<float> svf = svf_with(s, c, p, v);
        // Half a band (1/128) plus the crown edge of the digital disc (the last crown cell of a
        // diagonal line lies 9.9 m out: 25 / (25 + 9.9^2) = 0.203).
        CHECK(svf(30, 30) == Approx(0.2).margin(0.012));
    }
    SECTION("no trunk zone and opaque crowns: no sky; tau passes through") {
        const Crowns c = disc_crown(s, 30, 30, 10.0, 0.0F, 20.0F);
        VegetationSkyParams v;
        v.transmissivity = 0.0;
        CHECK(svf_with(s, c, p, v)(30, 30) == Approx(0.0).margin(1e-9));
        v.transmissivity = 0.03;
        CHECK(svf_with(s, c, p, v)(30, 30) == Approx(0.03).margin(1e-6));
    }
    SECTION("far from the crown the sky is open") {
        const Crowns c = disc_crown(s, 30, 30, 3.0, 1.0F, 4.0F);
        const Raster<float> svf = svf_with(s, c, p, {});
        // 25 m from a 4 m tall crown: it subtends under 9 degrees, below the lowest sample
        // (14.5 degrees) of 8 altitudes.
        CHECK(svf(5, 30) == 1.0F);
        CHECK(svf(30, 30) < 1.0F);
    }
}

TEST_CASE("crowns in the SVF: tau = 1 is the building SVF, bounds, monotone in tau, "
          "1 vs 2 threads",
          "[thermal5][svf]") {
    const TestSurface s = random_surface(48, 56, 11U);
    const Crowns c = random_crowns(s, 5U);
    SkyViewFactorParams p;
    p.directions = 16;
    p.search_radius_m = 80.0;
    Raster<float> buildings_only(s.spec);
    {
        HorizonWorkspace ws;
        compute_sky_view_factor(s.z.view(), s.mask, buildings_only.view(), ws, p);
    }
    VegetationSkyParams clear;
    clear.transmissivity = 1.0;
    Raster<float> side(s.spec);
    const Raster<float> with_clear = svf_with(s, c, p, clear, &side);
    REQUIRE(std::memcmp(with_clear.data(), buildings_only.data(),
                        with_clear.size() * sizeof(float)) == 0);
    REQUIRE(std::memcmp(side.data(), buildings_only.data(), side.size() * sizeof(float)) == 0);

    VegetationSkyParams opaque;
    opaque.transmissivity = 0.0;
    const Raster<float> dark = svf_with(s, c, p, opaque);
    const Raster<float> solweig = svf_with(s, c, p, {});
    std::size_t lowered = 0;
    for (std::size_t i = 0; i < s.spec.cell_count(); ++i) {
        if (!s.mask.has_data(i)) {
            CHECK(std::isnan(dark[i]));
            continue;
        }
        CHECK(dark[i] >= 0.0F);
        CHECK(dark[i] <= solweig[i]);
        CHECK(solweig[i] <= buildings_only[i]);
        lowered += dark[i] < buildings_only[i] ? 1U : 0U;
    }
    CHECK(lowered > s.spec.cell_count() / 4);

    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const Raster<float> one = svf_with(s, c, p, {});
    omp_set_num_threads(2);
    const Raster<float> two = svf_with(s, c, p, {});
    omp_set_num_threads(saved);
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(one.data(), solweig.data(), one.size() * sizeof(float)) == 0);
}

TEST_CASE("crowns in the SVF: invalid parameters and inputs", "[thermal5][svf]") {
    const TestSurface s = flat_surface(4, 5, 1.0);
    const Crowns c = disc_crown(s, 2, 2, 1.0, 251.0F, 255.0F);
    Raster<float> out(s.spec);
    HorizonWorkspace ws;
    VegetationSkyParams v;
    v.altitudes = 0;
    CHECK_THROWS_AS(compute_sky_view_factor(s.z.view(), c.top.view(), c.base.view(), s.mask,
                                            out.view(), {}, ws, {}, v),
                    std::invalid_argument);
    v = {};
    v.transmissivity = 1.5;
    CHECK_THROWS_AS(compute_sky_view_factor(s.z.view(), c.top.view(), c.base.view(), s.mask,
                                            out.view(), {}, ws, {}, v),
                    std::invalid_argument);
    CHECK_THROWS_AS(compute_sky_view_factor(s.z.view(), c.top.view(), {}, s.mask, out.view(), {},
                                            ws, {}, {}),
                    std::invalid_argument);
    Raster<float> wrong(lauter::test::make_grid(5, 5));
    CHECK_THROWS_AS(compute_sky_view_factor(s.z.view(), wrong.view(), c.base.view(), s.mask,
                                            out.view(), {}, ws, {}, {}),
                    std::invalid_argument);
}
