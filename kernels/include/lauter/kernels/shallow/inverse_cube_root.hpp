#pragma once
/// @file inverse_cube_root.hpp
/// x^(-1/3) without a division, for Manning friction in the local-inertial step (h_f^(7/3) =
/// h_f^2 h_f^(1/3)), where glibc's cbrt cost about a quarter of a step.

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace lauter::kernels::shallow {

/// x^(-1/3) for x > 0 to within a few units in the last place (relative error below 1e-15,
/// tested over 1e-12 .. 1e4 against 1 / std::cbrt). First guess: the exponent divided by 3 in the
/// bit pattern (relative error below 10 %); then five Newton steps for f(r) = r^-3 - x,
/// r <- r (4 - x r^3) / 3, each squaring the relative error. Zero, subnormal, infinite and NaN
/// arguments take 1 / std::cbrt(x).
[[nodiscard]] inline double inverse_cube_root(double x) noexcept {
    if (!(x >= std::numeric_limits<double>::min() && x <= std::numeric_limits<double>::max())) {
        return 1.0 / std::cbrt(x);
    }
    // 0x5540000000000000 is 4/3 of the bit pattern of 1.0, so that the guess for 1 is exact.
    double r = std::bit_cast<double>(0x5540000000000000ULL - std::bit_cast<std::uint64_t>(x) / 3);
    for (int i = 0; i < 5; ++i) {
        r = r * (4.0 - x * r * r * r) * (1.0 / 3.0);
    }
    return r;
}

} // namespace lauter::kernels::shallow

namespace lauter::kernels::shallow {

/// Smallest and largest argument of inverse_cube_root_simd (see there).
template <typename T>
inline constexpr T simd_cube_root_min = static_cast<T>(1e-30);
template <typename T>
inline constexpr T simd_cube_root_max = static_cast<T>(1e30);

/// x^(-1/3) for float or double without branches, division or 64-bit integer conversion, so that
/// a loop calling it vectorises with SSE2 (the local-inertial face update). The argument is first
/// clamped to [1e-30, 1e30] (the result there is that of the bound: a depth outside this range
/// has no physical meaning). First guess in float: the exponent divided by 3 in the bit pattern
/// of the float, the division done in float arithmetic on the pattern read as an integer (its
/// rounding moves the guess by less than 1e-5 relative; relative error of the guess below 10 %);
/// then Newton steps r <- r (4 - x r^3) / 3, each squaring the relative error: four for float
/// (error below float round-off), five for double (below 1e-15 relative, tested).
template <typename T>
[[nodiscard]] inline T inverse_cube_root_simd(T x) noexcept {
    x = x < simd_cube_root_min<T> ? simd_cube_root_min<T> : x;
    x = x > simd_cube_root_max<T> ? simd_cube_root_max<T> : x;
    const auto bits = std::bit_cast<std::int32_t>(static_cast<float>(x));
    // 0x54AAAAAA is 4/3 of the bit pattern of 1.0F, so that the guess for 1 is nearly exact.
    const auto third = static_cast<std::int32_t>(static_cast<float>(bits) * (1.0F / 3.0F));
    T r = static_cast<T>(std::bit_cast<float>(0x54AAAAAA - third));
    constexpr int steps = sizeof(T) == sizeof(float) ? 4 : 5;
    for (int i = 0; i < steps; ++i) {
        r = r * (T{4} - x * r * r * r) * (T{1} / T{3});
    }
    return r;
}

} // namespace lauter::kernels::shallow
