// `lauter tool NAME INPUT... OUTPUT [--options]`: one kernel on GeoTIFF (any GDAL raster) inputs,
// GeoTIFF outputs, like saga_cmd or whitebox_tools. Options carry their unit in the name.
#include <lauter/kernels/terrain/slope.hpp>
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/terrain_reconstruction.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace lauter::sim {

namespace {

/// Options every tool shares.
struct CommonToolOptions {
    std::string input_crs;  ///< CRS assumed for inputs that have none
    int threads = 0;
    bool uncompressed = false; ///< plain tiled GeoTIFF without compression instead of a COG
};

void add_common_options(CLI::App& cmd, CommonToolOptions& common) {
    cmd.add_option("--input-crs", common.input_crs,
                   "CRS to assume for an input that has none (e.g. EPSG:25832); an input with "
                   "its own CRS keeps it");
    cmd.add_flag("--uncompressed", common.uncompressed,
                 "write a plain tiled, uncompressed GeoTIFF (fastest to write, largest) instead of "
                 "a compressed Cloud-Optimized GeoTIFF");
    cmd.add_option("--threads", common.threads, "OpenMP threads (0: all cores)")
        ->check(CLI::Range(0, 1024));
}

std::optional<std::string> assumed_crs(const CommonToolOptions& common) {
    if (common.input_crs.empty()) {
        return std::nullopt;
    }
    return common.input_crs;
}

/// A raster-in, raster-out terrain tool (slope, aspect, hillshade).
struct TerrainToolState {
    CommonToolOptions common;
    std::string input;
    std::string output;
    kernels::terrain::HillshadeParams hillshade;
};

enum class TerrainProduct { slope, aspect, hillshade };

int run_terrain_tool(const TerrainToolState& s, TerrainProduct product) {
    apply_thread_count(s.common.threads);
    const StepTimer timer;
    RasterLayer dem = read_raster(s.input, 1, assumed_crs(s.common));
    kernels::Raster<float> out(dem.values.spec());
    GeoTiffOptions options;
    if (s.common.uncompressed) {
        options.cloud_optimized = false;
        options.compression = "NONE";
    }
    switch (product) {
    case TerrainProduct::slope:
        kernels::terrain::compute_slope_deg(dem.values.view(), dem.mask, out.view());
        options.description = "slope angle (Horn 1981)";
        options.units = "degree";
        break;
    case TerrainProduct::aspect:
        kernels::terrain::compute_aspect_deg(dem.values.view(), dem.mask, out.view());
        options.description = "aspect, clockwise from north, of the downslope direction (Horn 1981)";
        options.units = "degree";
        break;
    case TerrainProduct::hillshade:
        kernels::terrain::compute_hillshade(dem.values.view(), dem.mask, out.view(), s.hillshade);
        options.description = "hillshade, 0..1 (Horn 1981 gradient)";
        options.units = "1";
        break;
    }
    write_geotiff(s.output, out, dem.mask, options);
    log_info("wrote " + s.output + " (" + std::to_string(out.spec().rows) + " x " +
             std::to_string(out.spec().cols) + " cells) in " + std::to_string(timer.seconds()) +
             " s");
    return exit_ok;
}

void add_terrain_tool(CLI::App& tool, CommandAction& action, const std::string& name,
                      const std::string& summary, TerrainProduct product) {
    auto state = std::make_shared<TerrainToolState>();
    CLI::App* cmd = tool.add_subcommand(name, summary);
    cmd->add_option("INPUT", state->input, "elevation raster (any GDAL format), metres")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("OUTPUT", state->output, "output GeoTIFF")->required();
    add_common_options(*cmd, state->common);
    if (product == TerrainProduct::hillshade) {
        cmd->add_option("--azimuth-deg", state->hillshade.sun_azimuth_deg,
                        "direction the light comes from, clockwise from north")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 360.0));
        cmd->add_option("--altitude-deg", state->hillshade.sun_altitude_deg,
                        "sun elevation above the horizon")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 90.0));
        cmd->add_option("--z-factor", state->hillshade.z_factor,
                        "vertical exaggeration (elevation units per horizontal unit)")
            ->capture_default_str()
            ->check(CLI::PositiveNumber);
    }
    cmd->callback([&action, state, product] {
        action = [state, product] { return run_terrain_tool(*state, product); };
    });
}

struct ReconstructToolState {
    CommonToolOptions common;
    std::string osm;
    std::string output;
    double cell_size_m = 10.0; ///< the committed Kaiserslautern terrain uses 10 m
    double margin_m = 500.0;   ///< ... and a 500 m margin around the extract
    TerrainReconstructionParams params;
};

void add_terrain_reconstruct_tool(CLI::App& tool, CommandAction& action) {
    auto state = std::make_shared<ReconstructToolState>();
    CLI::App* cmd = tool.add_subcommand(
        "terrain-reconstruct",
        "Illustrative terrain from an OSM extract: ele tags, rivers at the valley floor, smooth "
        "relief (see inputs/kaiserslautern/TERRAIN.md). Not a measured elevation model.");
    cmd->add_option("OSM", state->osm, "OpenStreetMap extract (.osm, .osm.gz, .pbf)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("OUTPUT", state->output, "output Cloud-Optimized GeoTIFF (EPSG:25832)")
        ->required();
    cmd->add_option("--cell-size-m", state->cell_size_m, "output cell size")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 1000.0));
    cmd->add_option("--margin-m", state->margin_m,
                    "margin added around the extract's bounding box")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 10000.0));
    add_common_options(*cmd, state->common);
    cmd->callback([&action, state] {
        action = [state] {
            apply_thread_count(state->common.threads);
            (void)write_illustrative_terrain(state->osm, state->output, state->cell_size_m,
                                             state->margin_m, state->params);
            return exit_ok;
        };
    });
}

} // namespace

void add_tool_command(CLI::App& app, CommandAction& action) {
    CLI::App* tool = app.add_subcommand(
        "tool",
        "Run one kernel on raster files: lauter tool NAME INPUT... OUTPUT [--options]");
    auto list = std::make_shared<bool>(false);
    tool->add_flag("--list", *list, "List the available tools");
    add_terrain_tool(*tool, action, "slope", "Slope angle in degrees (Horn 1981)",
                     TerrainProduct::slope);
    add_terrain_tool(*tool, action, "aspect",
                     "Aspect in degrees clockwise from north (Horn 1981); NaN on flat cells",
                     TerrainProduct::aspect);
    add_terrain_tool(*tool, action, "hillshade", "Hillshade 0..1 for a sun position",
                     TerrainProduct::hillshade);
    add_terrain_reconstruct_tool(*tool, action);
    tool->require_subcommand(0, 1);
    tool->callback([tool, list, &action] {
        if (*list || tool->get_subcommands().empty()) {
            action = [tool] {
                std::cout << "Tools (lauter tool NAME --help for the options of one):\n";
                for (const CLI::App* sub : tool->get_subcommands({})) {
                    std::cout << "  " << sub->get_name();
                    std::cout << std::string(22 - std::min<std::size_t>(21, sub->get_name().size()), ' ')
                              << sub->get_description() << '\n';
                }
                return exit_ok;
            };
        }
    });
}

} // namespace lauter::sim
