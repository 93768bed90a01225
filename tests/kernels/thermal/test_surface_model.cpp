// Surface model: buildings raise the DSM, trees become crowns with a 25 % trunk zone, no-data
// stays NaN, invalid parameters are rejected.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/surface_model.hpp>

#include "../../support/test_support.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;

TEST_CASE("surface model from terrain, buildings and canopy", "[thermal-geometry][surface]") {
    const GridSpec g = lauter::test::make_grid(1, 5, 2.0, 2.0);
    Raster<float> terrain(g, 250.0F);
    Raster<float> building_fraction(g, 0.0F);
    Raster<float> building_height(g, 0.0F);
    Raster<float> canopy_fraction(g, 0.0F);
    Raster<float> tree_height(g, 0.0F);
    CellMask mask(g);
    building_fraction[0] = 1.0F; // building 12 m
    building_height[0] = 12.0F;
    building_fraction[1] = 0.4F; // below the 0.5 threshold: ground
    building_height[1] = 12.0F;
    canopy_fraction[2] = 0.8F; // tree 16 m
    tree_height[2] = 16.0F;
    building_fraction[3] = 0.6F; // building wins over canopy
    building_height[3] = 6.0F;
    canopy_fraction[3] = 1.0F;
    tree_height[3] = 20.0F;
    mask.set(4, CellStatus::no_data);
    Raster<float> dsm(g);
    Raster<float> top(g);
    Raster<float> base(g);
    build_surface_model(terrain.view(), building_fraction.view(), building_height.view(),
                        canopy_fraction.view(), tree_height.view(), mask, dsm.view(), top.view(),
                        base.view());
    CHECK(dsm[0] == 262.0F);
    CHECK(top[0] == 250.0F);
    CHECK(dsm[1] == 250.0F);
    CHECK(dsm[2] == 250.0F);
    CHECK(top[2] == 266.0F);
    CHECK(base[2] == 254.0F); // 25 % of 16 m
    CHECK(dsm[3] == 256.0F);
    CHECK(top[3] == base[3]);
    CHECK(std::isnan(dsm[4]));
    CHECK(std::isnan(top[4]));

    SurfaceModelParams bad;
    bad.trunk_zone_fraction = 1.5;
    CHECK_THROWS_AS(validate(bad), std::invalid_argument);
}
