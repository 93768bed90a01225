#include <lauter/kernels/runoff/design_storm.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace lauter::kernels::runoff {

namespace {

constexpr double forever = std::numeric_limits<double>::infinity();

std::string number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0.0 ? "+inf" : "-inf";
    }
    return std::to_string(value);
}

constexpr std::array<StormPreset, 3> presets = {
    StormPreset::one_hour_40_mm, StormPreset::one_hour_100_mm, StormPreset::ea_test_8a};

} // namespace

Hyetograph::Hyetograph(std::vector<double> times_s, std::vector<double> intensities_m_per_s)
    : times_s_(std::move(times_s)), intensities_m_per_s_(std::move(intensities_m_per_s)) {
    if (intensities_m_per_s_.empty() || times_s_.size() != intensities_m_per_s_.size() + 1) {
        throw std::invalid_argument(
            "hyetograph: needs n + 1 breakpoint times for n >= 1 intensities, got " +
            std::to_string(times_s_.size()) + " times and " +
            std::to_string(intensities_m_per_s_.size()) + " intensities");
    }
    for (std::size_t k = 0; k < times_s_.size(); ++k) {
        // Only a constant rain without end may have an infinite last breakpoint.
        const bool open_end = k + 1 == times_s_.size() && times_s_[k] == forever;
        if (!std::isfinite(times_s_[k]) && !open_end) {
            throw std::invalid_argument("hyetograph: time " + std::to_string(k) + " is " +
                                        number(times_s_[k]) + "; times must be finite");
        }
        if (k > 0 && !(times_s_[k] > times_s_[k - 1])) {
            throw std::invalid_argument(
                "hyetograph: time " + std::to_string(k) + " (" + number(times_s_[k]) +
                " s) is not after time " + std::to_string(k - 1) + " (" +
                number(times_s_[k - 1]) + " s); times must increase strictly");
        }
    }
    for (std::size_t k = 0; k < intensities_m_per_s_.size(); ++k) {
        const double i = intensities_m_per_s_[k];
        if (!std::isfinite(i) || i < 0.0) {
            throw std::invalid_argument("hyetograph: intensity " + std::to_string(k) + " is " +
                                        number(i) + " m/s; intensities must be finite and >= 0");
        }
    }
    cumulative_depth_m_.assign(times_s_.size(), 0.0);
    for (std::size_t k = 0; k + 1 < times_s_.size(); ++k) {
        const double width_s = times_s_[k + 1] - times_s_[k];
        // 0 * inf (a dry interval without end) is no rain, not NaN.
        const double depth = intensities_m_per_s_[k] > 0.0 ? intensities_m_per_s_[k] * width_s
                                                            : 0.0;
        cumulative_depth_m_[k + 1] = cumulative_depth_m_[k] + depth;
    }
}

Hyetograph Hyetograph::constant(double intensity_m_per_s) {
    return Hyetograph({0.0, forever}, {intensity_m_per_s});
}

Hyetograph Hyetograph::block(double intensity_m_per_s, double duration_s) {
    if (!(duration_s > 0.0) || !std::isfinite(duration_s)) {
        throw std::invalid_argument("hyetograph: block duration is " + number(duration_s) +
                                    " s; it must be finite and > 0");
    }
    return Hyetograph({0.0, duration_s}, {intensity_m_per_s});
}

std::size_t Hyetograph::interval_of(double t_s) const noexcept {
    const auto it = std::upper_bound(times_s_.begin(), times_s_.end(), t_s);
    return static_cast<std::size_t>(it - times_s_.begin()) - 1U;
}

double Hyetograph::intensity_m_per_s(double t_s) const noexcept {
    if (times_s_.empty() || !(t_s >= times_s_.front()) || !(t_s < times_s_.back())) {
        return 0.0;
    }
    return intensities_m_per_s_[interval_of(t_s)];
}

double Hyetograph::depth_m(double t_s) const noexcept {
    if (times_s_.empty() || !(t_s > times_s_.front())) {
        return 0.0;
    }
    if (!(t_s < times_s_.back())) {
        return cumulative_depth_m_.back();
    }
    const std::size_t k = interval_of(t_s);
    return cumulative_depth_m_[k] + intensities_m_per_s_[k] * (t_s - times_s_[k]);
}

double Hyetograph::depth_between_m(double t_begin_s, double t_end_s) const noexcept {
    if (!(t_end_s > t_begin_s)) {
        return 0.0;
    }
    return depth_m(t_end_s) - depth_m(t_begin_s);
}

double Hyetograph::mean_intensity_m_per_s(double t_begin_s, double t_end_s) const noexcept {
    if (!(t_end_s > t_begin_s)) {
        return 0.0;
    }
    return depth_between_m(t_begin_s, t_end_s) / (t_end_s - t_begin_s);
}

double Hyetograph::next_change_after(double t_s) const noexcept {
    const auto it = std::upper_bound(times_s_.begin(), times_s_.end(), t_s);
    return it == times_s_.end() ? forever : *it;
}

double Hyetograph::total_depth_m() const noexcept {
    return cumulative_depth_m_.empty() ? 0.0 : cumulative_depth_m_.back();
}

double Hyetograph::end_time_s() const noexcept {
    return times_s_.empty() ? 0.0 : times_s_.back();
}

std::span<const StormPreset> all_storm_presets() noexcept { return presets; }

std::string_view storm_preset_name(StormPreset preset) noexcept {
    switch (preset) {
    case StormPreset::one_hour_40_mm: return "1h_40mm";
    case StormPreset::one_hour_100_mm: return "1h_100mm";
    case StormPreset::ea_test_8a: return "ea_test_8a";
    }
    return "unknown";
}

std::optional<StormPreset> storm_preset_from_name(std::string_view name) noexcept {
    for (StormPreset p : presets) {
        if (storm_preset_name(p) == name) {
            return p;
        }
    }
    return std::nullopt;
}

Hyetograph design_storm(StormPreset preset) {
    switch (preset) {
    case StormPreset::one_hour_40_mm: return Hyetograph::block(mm_per_h_to_m_per_s(40.0), 3600.0);
    case StormPreset::one_hour_100_mm:
        return Hyetograph::block(mm_per_h_to_m_per_s(100.0), 3600.0);
    case StormPreset::ea_test_8a:
        return Hyetograph({0.0, 60.0, 240.0}, {0.0, mm_per_h_to_m_per_s(400.0)});
    }
    throw std::invalid_argument("design_storm: unknown preset");
}

} // namespace lauter::kernels::runoff
