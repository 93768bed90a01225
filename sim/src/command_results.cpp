// `lauter info` and `lauter export`: inspect a results file, export one layer as a GeoTIFF.
#include <lauter/sim/commands.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/results.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace lauter::sim {

namespace {

struct ExportOptions {
    std::string results;
    std::string layer;
    std::string output;
    bool plain_geotiff = false;
};

int export_command(const ExportOptions& o) {
    std::string layer = o.layer;
    if (layer.empty() || layer.front() != '/') {
        layer.insert(layer.begin(), '/');
    }
    const ReadLayer read = read_raster_layer(o.results, layer);
    GeoTiffOptions options;
    options.cloud_optimized = !o.plain_geotiff;
    options.description = read.meta.long_name;
    options.units = read.meta.units;
    options.metadata.emplace_back("lauter_layer", layer);
    options.metadata.emplace_back("lauter_results", std::filesystem::path(o.results).filename().string());
    if (const auto attribution = read_attribute(o.results, "/", "attribution");
        attribution && !attribution->empty()) {
        options.metadata.emplace_back("attribution", *attribution);
    }
    write_geotiff(o.output, read.values, read.mask, options);
    log_info("wrote " + o.output + (o.plain_geotiff ? " (GeoTIFF)" : " (Cloud-Optimized GeoTIFF)"));
    return 0;
}

} // namespace

void add_info_command(CLI::App& app, CommandAction& action) {
    auto path = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(
        "info", "Summarise a results file: provenance, scenarios, layers with units and "
                "min/mean/max, tables (e.g. land-cover class areas)");
    cmd->add_option("RESULTS", *path, "results file (HDF5)")->required();
    cmd->callback([&action, path] {
        action = [path] {
            print_results_info(*path, std::cout);
            return 0;
        };
    });
}

void add_export_command(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<ExportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "export", "Export one layer of a results file as a Cloud-Optimized GeoTIFF");
    cmd->add_option("RESULTS", o->results, "results file (HDF5)")->required();
    cmd->add_option("LAYER", o->layer,
                    "layer path as `lauter info` lists it, e.g. baseline/terrain/elevation")
        ->required();
    cmd->add_option("-o,--output", o->output, "output GeoTIFF")->required();
    cmd->add_flag("--plain-geotiff", o->plain_geotiff,
                  "write a plain tiled GeoTIFF instead of a Cloud-Optimized GeoTIFF");
    cmd->callback([&action, o] { action = [o] { return export_command(*o); }; });
}

} // namespace lauter::sim
