#pragma once
/// @file design_storm.hpp
/// Rain forcing of the runoff model: a hyetograph, i.e. a piecewise-constant rain intensity over
/// time, and the named design storms of issue 3.
///
/// A hyetograph is given by breakpoints t_0 < t_1 < ... < t_n (s) and intensities i_0 .. i_{n-1}
/// (m/s): i_k holds on the half-open interval [t_k, t_{k+1}); before t_0 and from t_n on there is
/// no rain. The rain depth fallen up to time t is the exact integral
///
///     P(t) = P(t_k) + i_k (t - t_k)   for t in [t_k, t_{k+1}),   P(t_0) = 0,
///
/// with P(t_k) precomputed as prefix sums in double, so depths between any two times (the rain of
/// one solver step) are exact up to round-off whatever the step, and a step that straddles a
/// breakpoint receives the right mixture of both intensities. next_change_after() lets the time
/// loop end steps on breakpoints if it wants the source rate to be exactly piecewise constant.
///
/// Intensities are in SI (m/s) as everywhere in the kernels; 1 mm/h = 1e-3 / 3600 m/s
/// (mm_per_h_to_m_per_s). Hyetographs are immutable values and cheap to copy.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace lauter::kernels::runoff {

/// Converts a rain or loss rate from mm/h to m/s.
[[nodiscard]] constexpr double mm_per_h_to_m_per_s(double rate_mm_per_h) noexcept {
    return rate_mm_per_h * 1e-3 / 3600.0;
}

/// Piecewise-constant rain intensity over time (see the file comment).
class Hyetograph {
public:
    /// No rain at any time.
    Hyetograph() = default;

    /// General form: `times_s` are the n + 1 breakpoints (finite, strictly increasing),
    /// `intensities_m_per_s` the n interval intensities (finite, >= 0). Throws
    /// std::invalid_argument naming the offending index if a time is not finite or not after its
    /// predecessor, an intensity is negative, NaN or infinite, or the sizes do not match.
    Hyetograph(std::vector<double> times_s, std::vector<double> intensities_m_per_s);

    /// Rain of `intensity_m_per_s` from t = 0 on, without end.
    [[nodiscard]] static Hyetograph constant(double intensity_m_per_s);
    /// Block rain: `intensity_m_per_s` for t in [0, duration_s), dry afterwards.
    [[nodiscard]] static Hyetograph block(double intensity_m_per_s, double duration_s);

    /// Intensity (m/s) at time t (intervals are closed on the left).
    [[nodiscard]] double intensity_m_per_s(double t_s) const noexcept;
    /// Rain depth (m) fallen in [t_0, t], the exact integral of the intensity.
    [[nodiscard]] double depth_m(double t_s) const noexcept;
    /// Rain depth (m) fallen in [t_begin, t_end] (0 unless t_end > t_begin).
    [[nodiscard]] double depth_between_m(double t_begin_s, double t_end_s) const noexcept;
    /// Mean intensity (m/s) over [t_begin, t_end]: the source rate of a solver step that should
    /// receive exactly the rain of its interval. 0 unless t_end > t_begin.
    [[nodiscard]] double mean_intensity_m_per_s(double t_begin_s, double t_end_s) const noexcept;
    /// The first breakpoint strictly after t, or +infinity when the intensity never changes again.
    [[nodiscard]] double next_change_after(double t_s) const noexcept;
    /// Total depth (m); +infinity for a rain without end and non-zero intensity.
    [[nodiscard]] double total_depth_m() const noexcept;
    /// Time from which no more rain falls (s): the last breakpoint (0 for no rain).
    [[nodiscard]] double end_time_s() const noexcept;

    [[nodiscard]] std::span<const double> times_s() const noexcept { return times_s_; }
    [[nodiscard]] std::span<const double> intensities_m_per_s() const noexcept {
        return intensities_m_per_s_;
    }

private:
    /// Index k of the interval [t_k, t_{k+1}) containing t; requires t_0 <= t < t_n.
    [[nodiscard]] std::size_t interval_of(double t_s) const noexcept;

    std::vector<double> times_s_;
    std::vector<double> intensities_m_per_s_;
    std::vector<double> cumulative_depth_m_; ///< P(t_k), k = 0 .. n
};

/// Named design storms (block rains starting at t = 0).
///
/// - one_hour_40_mm:  40 mm in 1 h (40 mm/h). Issue 3 names "1 h 40 mm" as a design storm and as
///   the default Kaiserslautern runoff run; LISFLOOD-FP's speed on 40 mm/h for 1 h is the
///   reference of its solver benchmark.
/// - one_hour_100_mm: 100 mm in 1 h (100 mm/h), the second example of issue 3, which calls both
///   "the intensity bands German heavy-rain indices use". physics.md does not list the heavy-rain
///   index (SRI) classes themselves, so no SRI number is attached to these presets.
/// - ea_test_8a: 400 mm/h from 60 s to 240 s (20 mm), the uniform rain of the UK Environment
///   Agency 2D benchmark test 8A (Néelz & Pender 2013; physics.md B3 and E4, from itzi's test
///   configuration).
enum class StormPreset : std::uint8_t {
    one_hour_40_mm = 0,
    one_hour_100_mm = 1,
    ea_test_8a = 2,
};

/// Every preset, in the order of the enum.
[[nodiscard]] std::span<const StormPreset> all_storm_presets() noexcept;
/// Stable name of a preset, used as its scenario key: "1h_40mm", "1h_100mm", "ea_test_8a".
[[nodiscard]] std::string_view storm_preset_name(StormPreset preset) noexcept;
/// The preset of a name, or nothing for an unknown name.
[[nodiscard]] std::optional<StormPreset> storm_preset_from_name(std::string_view name) noexcept;
/// The hyetograph of a preset.
[[nodiscard]] Hyetograph design_storm(StormPreset preset);

} // namespace lauter::kernels::runoff
