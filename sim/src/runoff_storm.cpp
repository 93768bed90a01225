#include <lauter/sim/error.hpp>
#include <lauter/sim/runoff_storm.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <vector>

namespace lauter::sim {

namespace {

namespace rk = kernels::runoff;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

/// A decimal number (also "nan", "inf", which the callers reject with their own message).
std::optional<double> parse_double(std::string_view text) {
    text = trim(text);
    if (text.empty()) {
        return std::nullopt;
    }
    double value = 0.0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (result.ec != std::errc() || result.ptr != end) {
        return std::nullopt;
    }
    return value;
}

std::string format_number(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

} // namespace

rk::Hyetograph read_storm_csv(const std::filesystem::path& file) {
    std::ifstream in(file);
    const std::string name = file.string();
    if (!in) {
        throw InputError(name + ": cannot open the storm time series; check the path and "
                                "permissions");
    }
    std::vector<double> times_s;
    std::vector<double> intensities_m_per_s;
    double last_intensity_mm_per_h = 0.0;
    bool header_seen = false;
    std::string line;
    int line_number = 0;
    int last_row_line = 0;
    const auto fail = [&](const std::string& problem) {
        return InputError(name + ":" + std::to_string(line_number) + ": " + problem);
    };
    while (std::getline(in, line)) {
        ++line_number;
        const std::string_view text = trim(line);
        if (text.empty() || text.front() == '#') {
            continue;
        }
        const std::size_t comma = text.find(',');
        if (comma == std::string_view::npos || text.find(',', comma + 1) != std::string_view::npos) {
            throw fail("expected two comma-separated columns time_min,intensity_mm_per_h, got '" +
                       std::string(text) + "'");
        }
        const std::string_view first = trim(text.substr(0, comma));
        const std::string_view second = trim(text.substr(comma + 1));
        if (!header_seen) {
            if (first != "time_min" || second != "intensity_mm_per_h") {
                throw fail("the first line must be the header 'time_min,intensity_mm_per_h', got '" +
                           std::string(text) + "'");
            }
            header_seen = true;
            continue;
        }
        const std::optional<double> time_min = parse_double(first);
        const std::optional<double> intensity = parse_double(second);
        if (!time_min || !std::isfinite(*time_min)) {
            throw fail("time '" + std::string(first) + "' is not a finite number of minutes");
        }
        if (!intensity || !std::isfinite(*intensity) || *intensity < 0.0) {
            throw fail("intensity '" + std::string(second) +
                       "' must be a finite number >= 0 (mm/h); rain cannot be negative or NaN");
        }
        const double t_s = *time_min * 60.0;
        if (times_s.empty() && *time_min < 0.0) {
            throw fail("the first time is " + std::string(first) +
                       " min; times count from the start of the run and must be >= 0");
        }
        if (!times_s.empty() && !(t_s > times_s.back())) {
            throw fail("time " + std::string(first) + " min does not follow the previous time (" +
                       format_number(times_s.back() / 60.0) +
                       " min); times must increase strictly (sort the rows)");
        }
        times_s.push_back(t_s);
        intensities_m_per_s.push_back(rk::mm_per_h_to_m_per_s(*intensity));
        last_intensity_mm_per_h = *intensity;
        last_row_line = line_number;
    }
    if (!header_seen) {
        throw InputError(name + ": the storm time series is empty; it needs the header "
                                "'time_min,intensity_mm_per_h' and at least two rows");
    }
    if (times_s.size() < 2) {
        throw InputError(name + ": the storm time series needs at least two rows (the start of "
                                "the rain and its end with intensity 0)");
    }
    if (last_intensity_mm_per_h != 0.0) {
        throw InputError(name + ":" + std::to_string(last_row_line) +
                         ": the last row ends the rain and must have intensity 0; add a row "
                         "'END_MINUTE,0'");
    }
    intensities_m_per_s.pop_back();
    try {
        return rk::Hyetograph(std::move(times_s), std::move(intensities_m_per_s));
    } catch (const std::invalid_argument& e) {
        throw InputError(name + ": " + e.what());
    }
}

rk::Hyetograph make_storm(const StormSettings& storm) {
    switch (storm.kind) {
    case StormKind::preset: return rk::design_storm(storm.preset);
    case StormKind::constant:
        return rk::Hyetograph::block(rk::mm_per_h_to_m_per_s(storm.intensity_mm_per_h),
                                     storm.duration_min * 60.0);
    case StormKind::block: {
        const double start_s = storm.start_min * 60.0;
        const double i = rk::mm_per_h_to_m_per_s(storm.intensity_mm_per_h);
        if (start_s > 0.0) {
            return rk::Hyetograph({0.0, start_s, start_s + storm.duration_min * 60.0}, {0.0, i});
        }
        return rk::Hyetograph::block(i, storm.duration_min * 60.0);
    }
    case StormKind::csv: return read_storm_csv(*storm.csv);
    }
    throw ConfigError("storm: unknown kind");
}

StormSettings parse_storm_option(std::string_view text, std::string_view option) {
    const std::string forms = "; give a preset (1h_40mm, 1h_100mm, ea_test_8a), "
                              "constant:MM_PER_H:MINUTES (e.g. constant:40:60) or csv:PATH";
    StormSettings s;
    if (const auto preset = rk::storm_preset_from_name(text)) {
        s.kind = StormKind::preset;
        s.preset = *preset;
        return s;
    }
    if (text.rfind("csv:", 0) == 0) {
        s.kind = StormKind::csv;
        s.csv = std::filesystem::absolute(std::filesystem::path(std::string(text.substr(4))));
        return s;
    }
    if (text.rfind("constant:", 0) == 0) {
        const std::string_view rest = text.substr(9);
        const std::size_t colon = rest.find(':');
        const std::optional<double> intensity =
            colon == std::string_view::npos ? std::nullopt : parse_double(rest.substr(0, colon));
        const std::optional<double> minutes =
            colon == std::string_view::npos ? std::nullopt : parse_double(rest.substr(colon + 1));
        if (!intensity || !minutes) {
            throw ConfigError(std::string(option) + " " + std::string(text) +
                              ": expected constant:MM_PER_H:MINUTES" + forms);
        }
        if (!std::isfinite(*intensity) || *intensity < 0.0) {
            throw ConfigError(std::string(option) + " " + std::string(text) +
                              ": the intensity must be a finite number >= 0 mm/h" + forms);
        }
        if (!std::isfinite(*minutes) || !(*minutes > 0.0)) {
            throw ConfigError(std::string(option) + " " + std::string(text) +
                              ": the duration must be a finite number > 0 min" + forms);
        }
        s.kind = StormKind::constant;
        s.intensity_mm_per_h = *intensity;
        s.duration_min = *minutes;
        return s;
    }
    throw ConfigError(std::string(option) + ": '" + std::string(text) + "' is not a storm" +
                      forms);
}

std::string describe_storm(const StormSettings& storm, const rk::Hyetograph& hyetograph) {
    const std::string amount = format_number(std::round(hyetograph.total_depth_m() * 1e4) / 10.0) +
                               " mm until " +
                               format_number(std::round(hyetograph.end_time_s() / 6.0) / 10.0) +
                               " min";
    switch (storm.kind) {
    case StormKind::preset:
        return "preset " + std::string(rk::storm_preset_name(storm.preset)) + " (" + amount + ")";
    case StormKind::constant:
    case StormKind::block:
        return std::string(storm_kind_name(storm.kind)) + " " +
               format_number(storm.intensity_mm_per_h) + " mm/h (" + amount + ")";
    case StormKind::csv: return "time series " + storm.csv->string() + " (" + amount + ")";
    }
    return amount;
}

} // namespace lauter::sim
