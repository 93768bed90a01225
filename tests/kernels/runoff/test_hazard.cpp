// Hazard classes H1-H6 (ARR 2019 Book 6 Ch. 7; Smith, Davey & Cox 2014): oracle values on both
// sides of every class edge, the dry depth, not-a-number inputs, the raster form and validation.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/runoff/hazard.hpp>

#include <cmath>
#include <stdexcept>
#include <utility>

using namespace lauter::kernels;
using namespace lauter::kernels::runoff;

using lauter::test::make_grid;

namespace {

HazardClass of(double d, double v) { return classify_hazard(d, v, d * v); }

} // namespace

TEST_CASE("Hazard class names", "[runoff][hazard]") {
    CHECK(hazard_class_name(HazardClass::dry) == "dry");
    CHECK(hazard_class_name(HazardClass::h1) == "H1");
    CHECK(hazard_class_name(HazardClass::h6) == "H6");
}

TEST_CASE("Hazard classes at their depth edges (still water)", "[runoff][hazard]") {
    CHECK(of(0.01, 0.0) == HazardClass::dry);
    CHECK(of(0.0101, 0.0) == HazardClass::h1);
    CHECK(of(0.3, 0.0) == HazardClass::h1);
    CHECK(of(0.3001, 0.0) == HazardClass::h2);
    CHECK(of(0.5, 0.0) == HazardClass::h2);
    CHECK(of(0.5001, 0.0) == HazardClass::h3);
    CHECK(of(1.2, 0.0) == HazardClass::h3);
    CHECK(of(1.2001, 0.0) == HazardClass::h4);
    CHECK(of(2.0, 0.0) == HazardClass::h4);
    CHECK(of(2.0001, 0.0) == HazardClass::h5);
    CHECK(of(4.0, 0.0) == HazardClass::h5);
    CHECK(of(4.0001, 0.0) == HazardClass::h6);
}

TEST_CASE("Hazard classes at their speed edges (shallow water)", "[runoff][hazard]") {
    // D = 0.1 m: D x V stays <= 0.3 up to V = 3 m/s, so only the speed limits act below that.
    CHECK(of(0.1, 2.0) == HazardClass::h1);
    CHECK(of(0.1, 2.0001) == HazardClass::h5);
    CHECK(classify_hazard(0.05, 4.0, 0.2) == HazardClass::h5);
    CHECK(classify_hazard(0.05, 4.0001, 0.2) == HazardClass::h6);
}

TEST_CASE("Hazard classes at their depth-velocity product edges", "[runoff][hazard]") {
    // D = 0.25 m (within the H1 depth limit), so the product decides.
    CHECK(classify_hazard(0.25, 1.2, 0.3) == HazardClass::h1);
    CHECK(classify_hazard(0.25, 1.2, 0.3001) == HazardClass::h2);
    CHECK(classify_hazard(0.25, 1.9, 0.6) == HazardClass::h2);
    CHECK(classify_hazard(0.25, 1.9, 0.6001) == HazardClass::h4);
    // D = 0.8 m: H3 by depth while D x V <= 0.6.
    CHECK(classify_hazard(0.8, 0.75, 0.6) == HazardClass::h3);
    CHECK(classify_hazard(0.8, 0.76, 0.608) == HazardClass::h4);
    CHECK(classify_hazard(0.8, 1.25, 1.0) == HazardClass::h4);
    CHECK(classify_hazard(0.8, 1.26, 1.008) == HazardClass::h5);
    CHECK(classify_hazard(1.5, 2.6, 3.9) == HazardClass::h5);
    CHECK(classify_hazard(1.5, 2.7, 4.05) == HazardClass::h6);
}

TEST_CASE("Hazard: not-a-number inputs count as zero, parameters are checked", "[runoff][hazard]") {
    CHECK(classify_hazard(std::nan(""), 1.0, 1.0) == HazardClass::dry);
    CHECK(classify_hazard(0.4, std::nan(""), std::nan("")) == HazardClass::h2);
    HazardParams p;
    p.dry_depth_m = 0.0;
    CHECK(classify_hazard(0.001, 0.0, 0.0, p) == HazardClass::h1);
    CHECK_NOTHROW(validate(HazardParams{}));
    HazardParams bad;
    bad.thresholds.limits[2].depth_m = 0.4; // below H2's 0.5
    CHECK_THROWS_AS(validate(bad), std::invalid_argument);
    bad = HazardParams{};
    bad.dry_depth_m = -1.0;
    CHECK_THROWS_AS(validate(bad), std::invalid_argument);
}

TEST_CASE("Hazard raster: float limits, no-data cells and class counts", "[runoff][hazard]") {
    const GridSpec g = make_grid(1, 5);
    CellMask mask(g);
    mask.set(0, 4, CellStatus::no_data);
    Raster<float> depth(g, 0.0F);
    Raster<float> speed(g, 0.0F);
    Raster<float> product(g, 0.0F);
    // 0.3F is slightly above 0.3 in double, yet at the H1 limit as written.
    depth(0, 0) = 0.3F;
    depth(0, 1) = 0.31F;
    depth(0, 2) = 0.005F;
    depth(0, 3) = 1.0F;
    speed(0, 3) = 3.0F;
    product(0, 3) = 3.0F;
    depth(0, 4) = 9.0F;
    Raster<std::uint8_t> cls(g, 99);
    classify_hazard(depth.view(), speed.view(), product.view(), mask, cls.view());
    CHECK(cls(0, 0) == 1);
    CHECK(cls(0, 1) == 2);
    CHECK(cls(0, 2) == 0);
    CHECK(cls(0, 3) == 5);
    CHECK(cls(0, 4) == 0);
    const auto counts = count_hazard_classes(std::as_const(cls).view(), mask);
    CHECK(counts[0] == 1);
    CHECK(counts[1] == 1);
    CHECK(counts[2] == 1);
    CHECK(counts[5] == 1);
    CHECK(counts[6] == 0);
}
