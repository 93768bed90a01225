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
