// Shadows by shadow-height propagation: shadow length h / tan(alpha), flat ground, the sun below
// the horizon, tree crowns with transmissivity and trunk zone, thread-count determinism.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/shadow.hpp>
#include <lauter/kernels/thermal/surface_model.hpp>

#include "thermal_geometry_fixtures.hpp"

#include <omp.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <random>

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;
using namespace lauter::test::thermal;

namespace {

Raster<float> sunlit_of(const TestSurface& s, const ShadowParams& p) {
    Raster<float> out(s.spec);
    ShadowWorkspace ws;
    compute_sunlit_fraction(s.z.view(), {}, {}, s.mask, out.view(), ws, p);
    return out;
}

} // namespace

TEST_CASE("a block casts a shadow of length h / tan(elevation)", "[thermal-geometry][shadow]") {
    // 10 m block (rows 100-104, columns 20-24) on flat ground, 1 m cells, sun in the south: the
    // shadow falls north. Physics.md D: 45 deg -> h, 30 deg -> 1.73 h, 15 deg -> 3.73 h.
    TestSurface s = flat_surface(110, 45, 1.0, 0.0F);
    for (std::size_t r = 100; r < 105; ++r) {
        for (std::size_t c = 20; c < 25; ++c) {
            s.z(r, c) = 10.0F;
        }
    }
    for (double elevation : {45.0, 30.0, 15.0}) {
        const Raster<float> lit = sunlit_of(s, {180.0, elevation, 0.03});
        std::size_t shaded = 0;
        for (std::size_t r = 100; r-- > 0;) {
            if (lit(r, 22) == 0.0F) {
                ++shaded;
            } else {
                break;
            }
        }
        const double expected = 10.0 / std::tan(elevation * std::numbers::pi / 180.0);
        INFO("elevation " << elevation << " shaded cells " << shaded);
        CHECK(std::abs(static_cast<double>(shaded) - expected) <= 1.0);
        CHECK(lit(50, 5) == 1.0F);   // open ground away from the block
        CHECK(lit(102, 22) == 1.0F); // the roof is lit
        CHECK(lit(106, 22) == 1.0F); // south of the block
    }
    // Sun in the south-west (225 deg), 45 deg: the shadow runs north-east along the diagonal.
    const Raster<float> diag = sunlit_of(s, {225.0, 45.0, 0.03});
    CHECK(diag(95, 29) == 0.0F); // 5 cells north-east of the block's NE corner (24, 100)
    CHECK(diag(90, 34) == 1.0F); // ~14 m beyond, past h / tan(45) = 10 m
}

TEST_CASE("flat ground is fully lit; the sun below the horizon shades everything",
          "[thermal-geometry][shadow]") {
    TestSurface s = flat_surface(30, 40, 2.0);
    s.mask.set(3, 4, CellStatus::no_data);
    for (double azimuth : {0.0, 45.0, 100.0, 180.0, 333.0}) {
        const Raster<float> lit = sunlit_of(s, {azimuth, 5.0, 0.03});
        for (std::size_t i = 0; i < lit.size(); ++i) {
            if (s.mask.has_data(i)) {
                REQUIRE(lit[i] == 1.0F);
            } else {
                REQUIRE(std::isnan(lit[i]));
            }
        }
    }
    const Raster<float> night = sunlit_of(s, {180.0, -3.0, 0.03});
    for (std::size_t i = 0; i < night.size(); ++i) {
        if (s.mask.has_data(i)) {
            REQUIRE(night[i] == 0.0F);
        }
    }
}

TEST_CASE("a tree crown transmits 3 % and lets the sun through its trunk zone",
          "[thermal-geometry][shadow]") {
    // One tree (10 m, trunk zone below 2.5 m) at row 30, column 10, on flat ground; sun from the
    // south at 45 deg: the ray from a ground cell d metres north of the tree is d metres high
    // over the tree, so it passes under the crown for d < 2.5, through it for 2.5 <= d < 10 and
    // above it from d = 10.
    const GridSpec g = lauter::test::make_grid(40, 21, 1.0, 1.0);
    const Raster<float> terrain(g, 100.0F);
    const Raster<float> zero(g, 0.0F);
    Raster<float> canopy_fraction(g, 0.0F);
    Raster<float> tree_height(g, 0.0F);
    canopy_fraction(30, 10) = 1.0F;
    tree_height(30, 10) = 10.0F;
    const CellMask mask(g);
    Raster<float> dsm(g);
    Raster<float> top(g);
    Raster<float> base(g);
    build_surface_model(terrain.view(), zero.view(), zero.view(), canopy_fraction.view(),
                        tree_height.view(), mask, dsm.view(), top.view(), base.view());
    CHECK(top(30, 10) == 110.0F);
    CHECK(base(30, 10) == 102.5F);
    CHECK(dsm(30, 10) == 100.0F);
    Raster<float> lit(g);
    ShadowWorkspace ws;
    compute_sunlit_fraction(dsm.view(), top.view(), base.view(), mask, lit.view(), ws,
                            {180.0, 45.0, 0.03});
    CHECK(lit(30, 10) == 0.03F); // under its own crown
    CHECK(lit(29, 10) == 1.0F);  // d = 1: below the crown base
    CHECK(lit(28, 10) == 1.0F);  // d = 2
    CHECK(lit(27, 10) == 0.03F); // d = 3: through the crown
    CHECK(lit(21, 10) == 0.03F); // d = 9
    CHECK(lit(20, 10) == 1.0F);  // d = 10: above the crown top
    CHECK(lit(31, 10) == 1.0F);  // south of the tree
}

TEST_CASE("sunlit fraction does not depend on the thread count", "[thermal-geometry][shadow]") {
    const TestSurface s = random_surface(90, 70, 11U);
    Raster<float> top = s.z.clone();
    Raster<float> base = s.z.clone();
    std::mt19937 rng(5U);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t i = 0; i < top.size(); ++i) {
        if (unit(rng) < 0.2) {
            top[i] += 12.0F;
            base[i] += 3.0F;
        }
    }
    for (double azimuth : {10.0, 128.0, 250.0}) {
        const ShadowParams p{azimuth, 20.0, 0.03};
        Raster<float> one(s.spec);
        Raster<float> two(s.spec);
        ShadowWorkspace ws;
        const int saved = omp_get_max_threads();
        omp_set_num_threads(1);
        compute_sunlit_fraction(s.z.view(), top.view(), base.view(), s.mask, one.view(), ws, p);
        omp_set_num_threads(2);
        compute_sunlit_fraction(s.z.view(), top.view(), base.view(), s.mask, two.view(), ws, p);
        omp_set_num_threads(saved);
        REQUIRE(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
        std::size_t lit = 0;
        std::size_t dark = 0;
        for (std::size_t i = 0; i < one.size(); ++i) {
            if (s.mask.has_data(i)) {
                lit += one[i] == 1.0F ? 1U : 0U;
                dark += one[i] == 0.0F ? 1U : 0U;
            }
        }
        CHECK(lit > 0);
        CHECK(dark > 0);
    }
}
