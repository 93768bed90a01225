// The division-free x^(-1/3) used by the Manning friction of the local-inertial step.
#include <catch2/catch.hpp>

#include <lauter/kernels/shallow/inverse_cube_root.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

using lauter::kernels::shallow::inverse_cube_root;

TEST_CASE("inverse_cube_root agrees with 1 / cbrt to round-off", "[shallow]") {
    // Log-spaced over 1e-12 .. 1e4 (depths from a film to any water or air layer), with a step
    // that is no power of two, so that every mantissa region of the first guess is visited.
    double worst = 0.0;
    int count = 0;
    for (double log10_x = -12.0; log10_x <= 4.0; log10_x += 0.000731) {
        const double x = std::pow(10.0, log10_x);
        const double expected = 1.0 / std::cbrt(x);
        worst = std::max(worst, std::abs(inverse_cube_root(x) - expected) / expected);
        ++count;
    }
    CHECK(count > 20000);
    CHECK(worst < 1e-15);
    // Exact cubes and the values the fallback takes.
    CHECK(inverse_cube_root(1.0) == 1.0);
    CHECK(inverse_cube_root(8.0) == Approx(0.5).epsilon(1e-15));
    CHECK(inverse_cube_root(0.001) == Approx(10.0).epsilon(1e-15));
    CHECK(std::isinf(inverse_cube_root(0.0)));
    CHECK(inverse_cube_root(std::numeric_limits<double>::infinity()) == 0.0);
    CHECK(std::isnan(inverse_cube_root(std::numeric_limits<double>::quiet_NaN())));
    const double subnormal = std::numeric_limits<double>::denorm_min() * 1000.0;
    CHECK(inverse_cube_root(subnormal) == Approx(1.0 / std::cbrt(subnormal)).epsilon(1e-15));
}

TEST_CASE("inverse_cube_root_simd agrees with 1 / cbrt in float and double", "[shallow]") {
    using lauter::kernels::shallow::inverse_cube_root_simd;
    // Log-spaced over the clamp range 1e-30 .. 1e30 with a step that is no power of two.
    double worst_float = 0.0;
    double worst_double = 0.0;
    for (double log10_x = -30.0; log10_x <= 30.0; log10_x += 0.00173) {
        const double x = std::pow(10.0, log10_x);
        const double expected = 1.0 / std::cbrt(x);
        worst_double =
            std::max(worst_double, std::abs(inverse_cube_root_simd(x) - expected) / expected);
        const float xf = static_cast<float>(x);
        const double expected_f = 1.0 / std::cbrt(static_cast<double>(xf));
        worst_float = std::max(
            worst_float,
            std::abs(static_cast<double>(inverse_cube_root_simd(xf)) - expected_f) / expected_f);
    }
    CHECK(worst_double < 1e-15);
    // Two units in the last place of float (2^-23 = 1.19e-7 each).
    CHECK(worst_float < 2.4e-7);
    // Outside the clamp range the result is that of the bound.
    CHECK(inverse_cube_root_simd(1e-40) == inverse_cube_root_simd(1e-30));
    CHECK(inverse_cube_root_simd(0.0F) == inverse_cube_root_simd(1e-30F));
    CHECK(inverse_cube_root_simd(1e35) == inverse_cube_root_simd(1e30));
}
