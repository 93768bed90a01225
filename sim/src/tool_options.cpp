#include <lauter/sim/commands.hpp>
#include <lauter/sim/tool_options.hpp>

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

} // namespace lauter::sim
