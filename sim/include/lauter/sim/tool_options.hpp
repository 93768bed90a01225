#pragma once
/// @file tool_options.hpp
/// Options every `lauter tool NAME` subcommand shares (input CRS, output format, threads), so
/// that tools defined in different source files behave alike.

#include <lauter/sim/geotiff_writer.hpp>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace lauter::sim {

/// Options every tool shares.
struct CommonToolOptions {
    std::string input_crs;     ///< CRS assumed for inputs that have none
    int threads = 0;           ///< 0 = OpenMP's default (all cores)
    bool uncompressed = false; ///< plain tiled GeoTIFF without compression instead of a COG
    bool overviews = false;    ///< add overviews to the COG (slower; for display of large rasters)
};

/// Declares --input-crs, --uncompressed, --overviews and --threads on a tool subcommand.
void add_common_options(CLI::App& cmd, CommonToolOptions& common);

/// Output format of every tool: a compressed COG (overviews with --overviews), or with
/// --uncompressed a plain tiled GeoTIFF.
GeoTiffOptions output_options(const CommonToolOptions& common);

/// The CRS to assume for inputs without one (--input-crs), if given.
std::optional<std::string> assumed_crs(const CommonToolOptions& common);

/// Writes a text file (CSV, GeoJSON) atomically: a temporary file in the destination's directory,
/// renamed onto the destination once complete, so that readers never see a partial file.
/// InputError when the directory is missing or not writable, RuntimeFailure when writing fails.
void write_text_atomically(const std::filesystem::path& destination, const std::string& text);

} // namespace lauter::sim
