// `lauter tool NAME INPUT... OUTPUT [--options]`: one kernel on GeoTIFF (any GDAL raster) inputs,
// GeoTIFF outputs, like saga_cmd or whitebox_tools. Options carry their unit in the name.
#include <lauter/kernels/hydrology/depressions.hpp>
#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/flow_direction.hpp>
#include <lauter/kernels/terrain/slope.hpp>
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/runoff_model.hpp>
#include <lauter/sim/runoff_storm.hpp>
#include <lauter/sim/terrain_reconstruction.hpp>
#include <lauter/sim/tool_options.hpp>


#include <charconv>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace lauter::sim {

namespace {

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
    GeoTiffOptions options = output_options(s.common);
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

/// Depression filling, flow accumulation and depression analysis (kernels/hydrology).
struct HydrologyToolState {
    CommonToolOptions common;
    std::string input;
    std::string output;
    std::string table;         ///< sinks: optional CSV of the depressions
    bool epsilon = false;      ///< fill: Priority-Flood+epsilon
    std::string method = "d8"; ///< flowacc: d8 | mfd
    double exponent = 1.1;     ///< flowacc: MFD exponent (Freeman 1991)
    std::string unit = "cells";
};

enum class HydrologyProduct { fill, flowacc, sinks };

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << value;
    return out.str();
}

/// Fills the DEM (with or without epsilon) and logs what changed.
kernels::Raster<float> filled_dem(const RasterLayer& dem, bool epsilon) {
    kernels::Raster<float> filled(dem.values.spec());
    kernels::hydrology::FillWorkspace workspace;
    kernels::hydrology::FillParams params;
    params.epsilon = epsilon;
    const StepTimer timer;
    const kernels::hydrology::FillStats stats = kernels::hydrology::fill_depressions(
        dem.values.view(), dem.mask, filled.view(), workspace, params);
    log_info(std::string("filled depressions (Priority-Flood, Barnes et al. 2014, radix heap") +
             (epsilon ? "+epsilon" : "") + ") in " + fixed(timer.seconds(), 3) + " s: " +
             std::to_string(stats.raised_cells) + " cells raised, volume " +
             fixed(stats.volume_m3, 0) + " m3, max " + fixed(stats.max_raise_m, 3) + " m");
    return filled;
}

std::string depression_csv(const std::vector<kernels::hydrology::Depression>& table,
                           const kernels::GridSpec& spec) {
    std::ostringstream out;
    out << "id,spill_elevation_m,max_depth_m,area_m2,volume_m3,cell_count,deepest_row,"
           "deepest_col,deepest_x,deepest_y\n";
    out << std::setprecision(10);
    for (const kernels::hydrology::Depression& d : table) {
        out << d.id << ',' << d.spill_elevation_m << ',' << d.max_depth_m << ',' << d.area_m2
            << ',' << d.volume_m3 << ',' << d.cell_count << ',' << d.deepest_row << ','
            << d.deepest_col << ',' << spec.cell_centre_x(d.deepest_col) << ','
            << spec.cell_centre_y(d.deepest_row) << '\n';
    }
    return out.str();
}

/// Largest integer a float32 holds exactly: depression ids are written as float32.
constexpr std::size_t largest_exact_float_integer = 16777216;

int run_hydrology_tool(const HydrologyToolState& s, HydrologyProduct product) {
    apply_thread_count(s.common.threads);
    const StepTimer timer;
    const RasterLayer dem = read_raster(s.input, 1, assumed_crs(s.common));
    GeoTiffOptions options = output_options(s.common);
    options.metadata.push_back({"SOURCE", s.input});
    kernels::Raster<float> out(dem.values.spec());
    switch (product) {
    case HydrologyProduct::fill: {
        out = filled_dem(dem, s.epsilon);
        options.description = std::string("depression-filled elevation (Priority-Flood, Barnes "
                                          "et al. 2014") +
                              (s.epsilon ? "+epsilon" : "") + ")";
        options.units = "m";
        break;
    }
    case HydrologyProduct::flowacc: {
        log_info("flowacc fills the DEM first (Priority-Flood+epsilon, so that flats drain)");
        const kernels::Raster<float> filled = filled_dem(dem, true);
        kernels::hydrology::FlowParams params;
        params.method = s.method == "mfd" ? kernels::hydrology::FlowMethod::mfd
                                          : kernels::hydrology::FlowMethod::d8;
        params.mfd_exponent = s.exponent;
        params.unit = s.unit == "m2" ? kernels::hydrology::AccumulationUnit::area_m2
                                     : kernels::hydrology::AccumulationUnit::cells;
        kernels::Raster<double> accumulation(dem.values.spec());
        kernels::hydrology::FlowWorkspace workspace;
        const StepTimer step;
        const kernels::hydrology::FlowStats stats = kernels::hydrology::flow_accumulation(
            filled.view(), dem.mask, accumulation.view(), workspace, params);
        log_info("flow accumulation (" + s.method + ") in " + fixed(step.seconds(), 3) +
                 " s: " + std::to_string(stats.outlet_cells) + " outlet cells, outflow " +
                 fixed(stats.outflow, 1) + " of " + fixed(stats.total_weight, 1) + " " + s.unit);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = static_cast<float>(accumulation[i]);
        }
        options.description =
            s.method == "mfd"
                ? "flow accumulation, MFD (Freeman 1991, p = " + fixed(s.exponent, 3) + ")"
                : std::string("flow accumulation, D8 (O'Callaghan & Mark 1984)");
        options.units = s.unit == "m2" ? "m2" : "cells";
        break;
    }
    case HydrologyProduct::sinks: {
        const kernels::Raster<float> filled = filled_dem(dem, false);
        kernels::Raster<std::uint32_t> ids(dem.values.spec());
        kernels::hydrology::DepressionWorkspace workspace;
        const std::vector<kernels::hydrology::Depression> table =
            kernels::hydrology::find_depressions(dem.values.view(), filled.view(), dem.mask,
                                                 ids.view(), workspace);
        if (table.size() > largest_exact_float_integer) {
            throw RuntimeFailure(std::to_string(table.size()) + " depressions in " + s.input +
                                 " exceed the ids a float32 GeoTIFF holds exactly");
        }
        double volume_m3 = 0.0;
        for (const auto& d : table) {
            volume_m3 += d.volume_m3;
        }
        log_info(std::to_string(table.size()) + " closed depressions, volume " +
                 fixed(volume_m3, 0) + " m3");
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = dem.mask.has_data(i) ? static_cast<float>(ids[i])
                                          : kernels::no_data_value<float>;
        }
        options.description = "closed depression id (0 = none; outermost filled extent)";
        options.units = "1";
        if (!s.table.empty()) {
            write_text_atomically(s.table, depression_csv(table, dem.values.spec()));
            log_info("wrote " + s.table + " (" + std::to_string(table.size()) + " depressions)");
        }
        break;
    }
    }
    write_geotiff(s.output, out, dem.mask, options);
    log_info("wrote " + s.output + " (" + std::to_string(out.spec().rows) + " x " +
             std::to_string(out.spec().cols) + " cells) in " + fixed(timer.seconds(), 3) + " s");
    return exit_ok;
}

void add_hydrology_tool(CLI::App& tool, CommandAction& action, const std::string& name,
                        const std::string& summary, HydrologyProduct product) {
    auto state = std::make_shared<HydrologyToolState>();
    CLI::App* cmd = tool.add_subcommand(name, summary);
    cmd->add_option("DEM", state->input, "elevation raster (any GDAL format), metres; no-data "
                                         "cells act as outlets")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("OUTPUT", state->output, "output GeoTIFF")->required();
    add_common_options(*cmd, state->common);
    switch (product) {
    case HydrologyProduct::fill:
        cmd->add_flag("--epsilon", state->epsilon,
                      "raise filled flats by one float step per cell so that they drain "
                      "(Priority-Flood+epsilon)");
        break;
    case HydrologyProduct::flowacc:
        cmd->add_option("--method", state->method, "d8 (steepest descent) or mfd (Freeman 1991)")
            ->capture_default_str()
            ->check(CLI::IsMember({"d8", "mfd"}));
        cmd->add_option("--exponent", state->exponent, "MFD exponent p (Freeman 1991: 1.1)")
            ->capture_default_str()
            ->check(CLI::Range(0.01, 100.0));
        cmd->add_option("--unit", state->unit, "cells (count) or m2 (contributing area)")
            ->capture_default_str()
            ->check(CLI::IsMember({"cells", "m2"}));
        break;
    case HydrologyProduct::sinks:
        cmd->add_option("--table", state->table,
                        "CSV with one row per depression (id, spill elevation, max depth, area, "
                        "volume, cells, deepest cell)");
        break;
    }
    cmd->callback([&action, state, product] {
        action = [state, product] { return run_hydrology_tool(*state, product); };
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

/// `lauter tool runoff DEM OUTDIR`: the runoff event on a DEM with a uniform surface.
struct RunoffToolState {
    CommonToolOptions common;
    std::string input;
    std::string output_dir;
    std::string storm = "1h_40mm";
    double drainage_min = 60.0;
    /// Uniform Manning's n: 0.05, EA test 8A "other surfaces" (physics.md B2), the scenario's
    /// default for open land.
    double manning_n = 0.05;
    std::string infiltration = "green_ampt";
    std::string soil = "silt_loam";
    double initial_moisture = 0.30;
    double curve_number = 74.0; ///< TR-55 open space, good condition, soil group C
    double initial_abstraction_ratio = 0.2;
    std::string impervious = "0"; ///< a fraction 0..1 or a raster of fractions
    double sewer_mm_per_h = 0.0;
    double balance_interval_s = 60.0;
    std::string precision = "float64";
    std::string time_step_rule = "depth_and_velocity";
};

/// The impervious fraction: a number, or a raster warped onto the DEM grid (bilinear).
kernels::Raster<float> impervious_fraction_of(const RunoffToolState& s, const RasterLayer& dem) {
    const std::string& text = s.impervious;
    double value = 0.0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size()) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw ConfigError("--impervious " + text +
                              ": a fraction must be between 0 and 1 (or give a raster file)");
        }
        return kernels::Raster<float>(dem.values.spec(), static_cast<float>(value));
    }
    if (!std::filesystem::is_regular_file(text)) {
        throw ConfigError("--impervious " + text +
                          ": neither a fraction between 0 and 1 nor an existing raster file");
    }
    RasterLayer layer = warp_raster_to_grid(text, dem.values.spec(), Resampling::bilinear,
                                            assumed_crs(s.common), 1, "--input-crs");
    for (std::size_t i = 0; i < layer.values.size(); ++i) {
        if (!dem.mask.has_data(i)) {
            continue;
        }
        const float f = layer.values[i];
        if (!layer.mask.has_data(i)) {
            layer.values[i] = 0.0F;
        } else if (!(f >= 0.0F && f <= 1.0F)) {
            throw InputError("--impervious " + text + ": cell (row " +
                             std::to_string(i / dem.values.spec().cols) + ", column " +
                             std::to_string(i % dem.values.spec().cols) + ") holds " +
                             std::to_string(f) + "; impervious fractions must be in 0..1");
        }
    }
    return std::move(layer.values);
}

int run_runoff_tool(const RunoffToolState& s) {
    namespace fs = std::filesystem;
    apply_thread_count(s.common.threads);
    const StepTimer timer;
    RunoffModelSettings settings;
    settings.enabled = true;
    settings.storm = parse_storm_option(s.storm, "--storm");
    settings.drainage_time_min = s.drainage_min;
    settings.losses.method = s.infiltration == "none"         ? LossMethod::none
                             : s.infiltration == "green_ampt" ? LossMethod::green_ampt
                                                              : LossMethod::curve_number;
    for (const auto t : kernels::runoff::all_soil_textures()) {
        if (kernels::runoff::soil_texture_name(t) == s.soil) {
            settings.losses.soil_texture = t;
        }
    }
    settings.losses.initial_moisture = s.initial_moisture;
    settings.losses.initial_abstraction_ratio = s.initial_abstraction_ratio;
    settings.sewer_capacity_mm_per_h = s.sewer_mm_per_h;
    settings.buildings = BuildingMode::none;
    settings.balance_interval_s = s.balance_interval_s;
    settings.precision =
        s.precision == "float32" ? StatePrecision::float32 : StatePrecision::float64;
    settings.time_step_rule = s.time_step_rule == "depth_only"
                                  ? kernels::shallow::TimeStepRule::depth_only
                                  : kernels::shallow::TimeStepRule::depth_and_velocity;
    const fs::path out_dir = s.output_dir;
    if (fs::exists(out_dir) && !fs::is_directory(out_dir)) {
        throw InputError("OUTDIR " + s.output_dir + " exists and is not a directory; choose a "
                         "directory for the output GeoTIFFs");
    }
    const fs::path parent = out_dir.has_parent_path() ? out_dir.parent_path() : fs::path(".");
    if (!fs::is_directory(out_dir) && !fs::is_directory(parent)) {
        throw InputError("OUTDIR " + s.output_dir + ": its parent directory does not exist; "
                         "create it first");
    }

    const kernels::runoff::Hyetograph storm = make_storm(settings.storm);
    const RasterLayer dem = read_raster(s.input, 1, assumed_crs(s.common));
    const std::size_t with_data = dem.mask.count_with_data();
    if (with_data == 0) {
        throw InputError(s.input + ": the DEM has no cell with data (every cell is no-data); "
                         "check its no-data value");
    }
    if (with_data < dem.mask.spec().cell_count()) {
        log_info(s.input + ": " + std::to_string(dem.mask.spec().cell_count() - with_data) +
                 " no-data cells are excluded; water reaching them leaves the domain (free "
                 "outflow)");
    }
    RunoffSurface surface = uniform_surface(dem.values.spec(), s.manning_n, s.curve_number, 0.0);
    surface.impervious_fraction = impervious_fraction_of(s, dem);
    const RunoffRun run = run_runoff(dem.values, dem.mask, surface, settings, storm,
                                     describe_storm(settings.storm, storm));

    fs::create_directories(out_dir);
    GeoTiffOptions options = output_options(s.common);
    options.metadata.push_back({"SOURCE", s.input});
    options.metadata.push_back({"STORM", run.storm_description});
    const auto write = [&](const std::string& name, const kernels::Raster<float>& raster,
                           const std::string& description, const std::string& units) {
        GeoTiffOptions o = options;
        o.description = description;
        o.units = units;
        write_geotiff(out_dir / (name + ".tif"), raster, dem.mask, o);
    };
    const kernels::runoff::RunoffEventResults& e = run.event;
    write("max_depth", e.max_depth_m, "maximum water depth over the event", "m");
    write("max_velocity", e.max_velocity_m_per_s, "maximum flow speed over the event", "m/s");
    write("time_of_max_depth", e.time_of_max_depth_s, "time of the maximum depth", "s");
    write("max_depth_velocity", e.max_depth_velocity_m2_per_s,
          "maximum over time of depth x speed", "m2/s");
    write("end_depth", e.end_depth_m, "water depth at the end of the run", "m");
    GeoTiffOptions hazard_options = options;
    hazard_options.description = "flood hazard class 1..6 = H1..H6, 0 = dry or no data";
    hazard_options.units = "1";
    hazard_options.metadata.push_back({"HAZARD_CLASSIFICATION", hazard_citation()});
    write_geotiff(out_dir / "hazard_class.tif", run.hazard_class, dem.mask, hazard_options);
    write_text_atomically(out_dir / "volume_balance.csv", volume_balance_csv(e));
    log_info("wrote 6 GeoTIFFs and volume_balance.csv to " + s.output_dir + " in " +
             fixed(timer.seconds(), 1) + " s (relative residual " +
             std::to_string(e.balance.back().relative_residual) + ")");
    return exit_ok;
}

void add_runoff_tool(CLI::App& tool, CommandAction& action) {
    auto state = std::make_shared<RunoffToolState>();
    CLI::App* cmd = tool.add_subcommand(
        "runoff",
        "Heavy-rain runoff (local-inertial 2D shallow water, rain, infiltration): max depth, "
        "max velocity, time of max, hazard class, end depth GeoTIFFs and a volume-balance CSV");
    cmd->add_option("DEM", state->input,
                    "elevation raster (any GDAL format), metres; no-data cells are excluded and "
                    "act as free outflow")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("OUTDIR", state->output_dir, "output directory (created if missing)")
        ->required();
    cmd->add_option("--storm", state->storm,
                    "1h_40mm, 1h_100mm, ea_test_8a, constant:MM_PER_H:MINUTES or csv:PATH "
                    "(header time_min,intensity_mm_per_h; last row ends the rain with 0)")
        ->capture_default_str();
    cmd->add_option("--drainage-min", state->drainage_min, "simulated time after the rain")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 100000.0));
    cmd->add_option("--manning", state->manning_n,
                    "uniform Manning's n (s m^-1/3); default EA test 8A 'other surfaces'")
        ->capture_default_str()
        ->check(CLI::Range(0.001, 1.0));
    cmd->add_option("--infiltration", state->infiltration, "none, green_ampt or curve_number")
        ->capture_default_str()
        ->check(CLI::IsMember({"none", "green_ampt", "curve_number"}));
    std::vector<std::string> textures;
    for (const auto t : kernels::runoff::all_soil_textures()) {
        textures.emplace_back(kernels::runoff::soil_texture_name(t));
    }
    cmd->add_option("--soil", state->soil, "Rawls et al. (1983) texture for Green-Ampt")
        ->capture_default_str()
        ->check(CLI::IsMember(textures));
    cmd->add_option("--initial-moisture", state->initial_moisture,
                    "Green-Ampt initial volumetric moisture (at most the effective porosity)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--curve-number", state->curve_number,
                    "SCS curve number of the pervious share (TR-55; 74: open space, group C)")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 100.0));
    cmd->add_option("--ia-ratio", state->initial_abstraction_ratio,
                    "SCS initial abstraction ratio lambda")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--impervious", state->impervious,
                    "sealed fraction: a value 0..1 or a raster of fractions")
        ->capture_default_str();
    cmd->add_option("--sewer-mm-per-h", state->sewer_mm_per_h,
                    "sewer inlet capacity per unit sealed area")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1000.0));
    cmd->add_option("--balance-interval-s", state->balance_interval_s,
                    "interval of the volume-balance rows")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 86400.0));
    cmd->add_option("--precision", state->precision, "state storage: float64 or float32")
        ->capture_default_str()
        ->check(CLI::IsMember({"float32", "float64"}));
    cmd->add_option("--time-step-rule", state->time_step_rule,
                    "depth_and_velocity (default, safe on steep terrain) or depth_only "
                    "(LISFLOOD-FP)")
        ->capture_default_str()
        ->check(CLI::IsMember({"depth_only", "depth_and_velocity"}));
    add_common_options(*cmd, state->common);
    cmd->callback([&action, state] { action = [state] { return run_runoff_tool(*state); }; });
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
    add_hydrology_tool(*tool, action, "fill",
                       "Fill depressions (Priority-Flood, Barnes et al. 2014); --epsilon drains "
                       "flats",
                       HydrologyProduct::fill);
    add_hydrology_tool(*tool, action, "flowacc",
                       "Flow accumulation, D8 or MFD (Freeman 1991), on the filled DEM",
                       HydrologyProduct::flowacc);
    add_hydrology_tool(*tool, action, "sinks",
                       "Closed depressions: id raster, optional CSV table (spill level, depth, "
                       "area, volume)",
                       HydrologyProduct::sinks);
    add_terrain_reconstruct_tool(*tool, action);
    add_runoff_tool(*tool, action);
    add_thermal_geometry_tools(*tool, action);
    add_thermal_comfort_tools(*tool, action);
    add_mobility_tools(*tool, action);
    add_coldair_tools(*tool, action);
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
