// `lauter tool coldair DEM OUT_DIR`: the cold-air model of issue 4 on a DEM, GeoTIFF in and
// GeoTIFF out. Land cover comes from a class raster on the DEM's grid (--landcover, codes of
// kernels::LandCover) or is one class everywhere (--class); the run is the scenario model's
// (coldair_model.hpp) on the DEM's own grid, with the scenario defaults.
#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/tool_options.hpp>

#include <cmath>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace lauter::sim {

namespace {

namespace fs = std::filesystem;
using kernels::LandCover;
using kernels::Raster;

struct ColdAirToolState {
    CommonToolOptions common;
    std::string dem;
    std::string out_dir;
    std::string landcover;
    std::string land_class = "open_land";
    std::string mode = "layer";
    double hours = ColdAirModelSettings{}.duration_h;
    std::vector<double> outputs = ColdAirModelSettings{}.output_times_h;
    double building_height_m = 10.0;
};

/// Checks what the scenario schema would check, with the option names in the messages.
ColdAirModelSettings tool_settings(const ColdAirToolState& s, double cell_size_m) {
    ColdAirModelSettings settings;
    settings.enabled = true;
    settings.mode = s.mode == "screening" ? ColdAirMode::screening : ColdAirMode::layer;
    settings.duration_h = s.hours;
    settings.output_times_h = s.outputs;
    settings.resolution_m = cell_size_m;
    for (std::size_t i = 0; i < s.outputs.size(); ++i) {
        const double t = s.outputs[i];
        if (!(t > 0.0) || t > s.hours) {
            throw ConfigError("--outputs: the output time " + schema::format_number(t) +
                              " h must lie in (0, --hours " + schema::format_number(s.hours) +
                              " h]");
        }
        if (i > 0 && !(s.outputs[i - 1] < t)) {
            throw ConfigError("--outputs: the output times must increase, e.g. 1,4,8");
        }
    }
    return settings;
}

void write_layer(const fs::path& dir, const std::string& name, const Raster<float>& values,
                 const kernels::CellMask& mask, const CommonToolOptions& common,
                 const std::string& description, const std::string& units) {
    GeoTiffOptions options = output_options(common);
    options.description = description;
    options.units = units;
    write_geotiff(dir / (name + ".tif"), values, mask, options);
}

int run_coldair_tool(const ColdAirToolState& s) {
    apply_thread_count(s.common.threads);
    const StepTimer timer;
    const fs::path dir(s.out_dir);
    if (!fs::is_directory(dir)) {
        throw InputError("OUT_DIR " + s.out_dir + " is not a directory; create it first");
    }
    RasterLayer dem = read_raster(s.dem, 1, assumed_crs(s.common), "--input-crs");
    const kernels::GridSpec& g = dem.values.spec();
    if (std::abs(g.cell_size_x_m - g.cell_size_y_m) > 1e-6 * g.cell_size_x_m) {
        throw InputError(s.dem + ": the cells are not square (" +
                         schema::format_number(g.cell_size_x_m) + " x " +
                         schema::format_number(g.cell_size_y_m) +
                         "); warp the DEM to square cells, e.g. gdalwarp -tr 10 10");
    }
    const ColdAirModelSettings settings = tool_settings(s, g.cell_size_x_m);
    Raster<std::uint8_t> classes(g, 0);
    if (!s.landcover.empty()) {
        RasterLayer lc = read_raster(s.landcover, 1, assumed_crs(s.common), "--input-crs");
        if (!lc.values.spec().is_same_grid(g)) {
            throw InputError("--landcover " + s.landcover + " is not on the grid of " + s.dem +
                             " (shape, cell size, corner and CRS must match); warp it first, "
                             "e.g. gdalwarp -r mode to the DEM's grid");
        }
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            if (!dem.mask.has_data(i)) {
                continue;
            }
            const float v = lc.mask.has_data(i) ? lc.values[i] : 0.0F;
            classes[i] = v >= 0.0F && v <= 255.0F ? static_cast<std::uint8_t>(v) : 0;
        }
    } else {
        const auto c = kernels::land_cover_from_name(s.land_class);
        if (!c) {
            throw ConfigError("--class: '" + s.land_class +
                              "' is not a land-cover class; use one of building, road, "
                              "sealed_other, railway, open_land, trees, water, agriculture");
        }
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            classes[i] = static_cast<std::uint8_t>(*c);
        }
    }
    const ColdAirSurface surface =
        coldair_surface_from_classes(dem.values, dem.mask, classes, s.building_height_m,
                                     s.landcover.empty() ? "--class" : "--landcover " + s.landcover);
    const ColdAirRun run = run_coldair(surface, settings);

    const kernels::CellMask& mask = surface.mask;
    write_layer(dir, "production_m3_per_m2_h", run.production_m3_per_m2_h, mask, s.common,
                "cold-air production rate", "m3 m-2 h-1");
    for (const ColdAirTimeSlice& t : run.slices) {
        const std::string label = coldair_time_label(t.time_h) + "h";
        std::string when(" ");
        when += schema::format_number(t.time_h);
        when += " h after sunset";
        write_layer(dir, "height_m_" + label, t.height_m, mask, s.common,
                    "cold-air layer height" + when, "m");
        write_layer(dir, "u_m_per_s_" + label, t.u_m_per_s, mask, s.common,
                    "cold-air velocity, east component" + when, "m/s");
        write_layer(dir, "v_m_per_s_" + label, t.v_m_per_s, mask, s.common,
                    "cold-air velocity, north component" + when, "m/s");
        write_layer(dir, "speed_m_per_s_" + label, t.speed_m_per_s, mask, s.common,
                    "cold-air speed" + when, "m/s");
        write_layer(dir, "volume_flux_m2_per_s_" + label, t.volume_flux_m2_per_s, mask, s.common,
                    "cold-air volume flux density (height x speed)" + when, "m3/(m s)");
        write_layer(dir, "settlement_inflow_m3_per_s_" + label, t.settlement_inflow_m3_per_s,
                    mask, s.common, "net cold-air inflow into settlement cells" + when, "m3/s");
        GeoTiffOptions options = output_options(s.common);
        options.description = "cold-air corridor class" + when + ": 1 no corridor, 2 "
                              "settlement, 3 low, 4 moderate, 5 high, 6 very high flux";
        write_geotiff(dir / ("corridor_class_" + label + ".tif"), t.corridor_class, mask,
                      options);
        options.description = "cold-air flow-speed class" + when + ": 1 weak (<= 0.2 m/s), 2 "
                              "moderate (<= 0.3), 3 strong (<= 0.5), 4 very strong (Leipzig)";
        write_geotiff(dir / ("flow_speed_class_" + label + ".tif"), t.flow_speed_class, mask,
                      options);
    }
    std::ostringstream csv;
    csv << "time_h,inflow_m3_per_s\n";
    for (const ColdAirTimeSlice& t : run.slices) {
        csv << schema::format_number(t.time_h) << "," << t.total_inflow_m3_per_s << "\n";
    }
    write_text_atomically(dir / "settlement_inflow.csv", csv.str());
    log_info("wrote " + std::to_string(1 + 8 * run.slices.size()) + " GeoTIFFs and "
             "settlement_inflow.csv to " + s.out_dir + " in " +
             schema::format_number(std::round(timer.seconds() * 10.0) / 10.0) + " s");
    return exit_ok;
}

} // namespace

void add_coldair_tools(CLI::App& tool, CommandAction& action) {
    auto state = std::make_shared<ColdAirToolState>();
    CLI::App* cmd = tool.add_subcommand(
        "coldair",
        "Nocturnal cold air on a DEM: layer height, velocity, volume flux, settlement inflow and "
        "corridors after 1, 4, 8 h (issue 4; docs/coldair.md)");
    cmd->footer(
        "Runs the cold-air model of scenario files (models.coldair, defaults as there) on the "
        "DEM's own grid from sunset. Land cover sets production (open land 10, forest 1, sealed "
        "0 m3/(m2 h)), drag and buildings; settlements are the sealed cells (building, road, "
        "sealed_other). Writes into OUT_DIR, for each output time T: height_m_<T>h, "
        "u_m_per_s_<T>h, v_m_per_s_<T>h, speed_m_per_s_<T>h, volume_flux_m2_per_s_<T>h, "
        "settlement_inflow_m3_per_s_<T>h, corridor_class_<T>h, flow_speed_class_<T>h (.tif), "
        "plus "
        "production_m3_per_m2_h.tif and settlement_inflow.csv.");
    cmd->add_option("DEM", state->dem, "terrain raster (m), square cells, projected CRS")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("OUT_DIR", state->out_dir, "existing directory for the GeoTIFFs")
        ->required();
    cmd->add_option("--landcover", state->landcover,
                    "class raster on the DEM's grid: 1 building, 2 road, 3 sealed_other, "
                    "4 railway, 5 open_land, 6 trees, 7 water, 8 agriculture")
        ->check(CLI::ExistingFile);
    cmd->add_option("--class", state->land_class,
                    "without --landcover: the class of every cell")
        ->capture_default_str();
    cmd->add_option("--mode", state->mode,
                    "layer: shallow cold-air layer; screening: SAGA's kinematic scheme")
        ->capture_default_str()
        ->check(CLI::IsMember({"layer", "screening"}));
    cmd->add_option("--hours", state->hours, "run time from sunset (h)")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 24.0));
    cmd->add_option("--outputs", state->outputs, "output times in hours, ascending, e.g. 1,4,8")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--building-height-m", state->building_height_m,
                    "height of building cells of --landcover (m; 10 m: about three storeys)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 300.0));
    add_common_options(*cmd, state->common);
    cmd->callback([&action, state] { action = [state] { return run_coldair_tool(*state); }; });
}

} // namespace lauter::sim
