#pragma once
/// @file runoff_storm.hpp
/// The design storm of a runoff run: from scenario settings, from the `--storm` option of
/// `lauter tool runoff`, or from a CSV time series.
///
/// CSV time series (one storm for the whole study area):
///
///     time_min,intensity_mm_per_h
///     0,10
///     15,60
///     30,10
///     60,0
///
/// Each row gives the intensity from its time until the time of the next row; the last row ends
/// the rain and must have intensity 0. Times are minutes from the start of the run, the first
/// >= 0 and all strictly increasing; intensities are finite and >= 0 (mm/h). Blank lines and
/// lines starting with '#' are skipped. Any violation is an InputError naming file and line.

#include <lauter/kernels/runoff/design_storm.hpp>
#include <lauter/sim/runoff_settings.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace lauter::sim {

/// Reads a storm CSV (format above). Throws InputError "FILE:LINE: problem; what to do".
[[nodiscard]] kernels::runoff::Hyetograph read_storm_csv(const std::filesystem::path& file);

/// The hyetograph of scenario storm settings (reads the CSV of a csv storm).
[[nodiscard]] kernels::runoff::Hyetograph make_storm(const StormSettings& storm);

/// Parses the `--storm` option of `lauter tool runoff`: a preset name ("1h_40mm"),
/// "constant:MM_PER_H:MINUTES", or "csv:PATH". Throws ConfigError naming `option` and the
/// accepted forms.
[[nodiscard]] StormSettings parse_storm_option(std::string_view text, std::string_view option);

/// Human-readable description, e.g. "preset 1h_40mm (40 mm in 60 min)".
[[nodiscard]] std::string describe_storm(const StormSettings& storm,
                                         const kernels::runoff::Hyetograph& hyetograph);

} // namespace lauter::sim
