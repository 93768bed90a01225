#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/tool_options.hpp>

#include <unistd.h>

#include <fstream>

namespace lauter::sim {

void add_common_options(CLI::App& cmd, CommonToolOptions& common) {
    cmd.add_option("--input-crs", common.input_crs,
                   "CRS to assume for an input that has none (e.g. EPSG:25832); an input with "
                   "its own CRS keeps it");
    cmd.add_flag("--uncompressed", common.uncompressed,
                 "write a plain tiled, uncompressed GeoTIFF (fastest to write, largest) instead of "
                 "a compressed Cloud-Optimized GeoTIFF");
    cmd.add_flag("--overviews", common.overviews,
                 "add reduced-resolution overviews to the Cloud-Optimized GeoTIFF (faster display "
                 "of large rasters in QGIS; slower to write)");
    add_threads_option(cmd, common.threads);
}

GeoTiffOptions output_options(const CommonToolOptions& common) {
    GeoTiffOptions options;
    options.overviews = common.overviews;
    if (common.uncompressed) {
        options.cloud_optimized = false;
        options.compression = "NONE";
    }
    return options;
}

std::optional<std::string> assumed_crs(const CommonToolOptions& common) {
    if (common.input_crs.empty()) {
        return std::nullopt;
    }
    return common.input_crs;
}

void write_text_atomically(const std::filesystem::path& destination, const std::string& text) {
    namespace fs = std::filesystem;
    const fs::path directory =
        destination.has_parent_path() ? destination.parent_path() : fs::path(".");
    const fs::path temporary =
        directory / ("." + destination.filename().string() + ".tmp-" +
                     std::to_string(static_cast<long>(::getpid())));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw InputError("cannot write " + destination.string() + ": directory " +
                             directory.string() + " does not exist or is not writable; choose "
                             "another path");
        }
        out << text;
        out.close();
        if (!out) {
            std::error_code ec;
            fs::remove(temporary, ec);
            throw RuntimeFailure("writing " + destination.string() + " failed (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(temporary, destination, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw RuntimeFailure("cannot rename the temporary file onto " + destination.string());
    }
}

} // namespace lauter::sim
