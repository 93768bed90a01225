#include "mobility_access_layers.hpp"

#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/schema.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::sim {

namespace {

namespace mob = kernels::mobility;

std::string metres_text(double value) { return schema::format_number(value); }

} // namespace

std::vector<MobilityLayer> accessibility_layers(const kernels::GridSpec& grid,
                                                const kernels::CellMask& mask,
                                                const WalkSnap& snap, double max_snap_m,
                                                const mob::CsrGraph& distance_graph_m,
                                                const mob::CsrGraph& walk_graph_min,
                                                const mob::CellDestinations& destinations,
                                                const mob::StopCatchmentParams& stops) {
    const StepTimer timer;
    const std::size_t cells = grid.cell_count();
    std::vector<std::uint32_t> node(cells, mob::invalid_index);
    std::vector<double> access_m(cells, 0.0);
    const auto rows = static_cast<std::ptrdiff_t>(grid.rows);
#pragma omp parallel for schedule(dynamic, 8)
    for (std::ptrdiff_t sr = 0; sr < rows; ++sr) {
        const auto row = static_cast<std::size_t>(sr);
        for (std::size_t col = 0; col < grid.cols; ++col) {
            const std::size_t i = row * grid.cols + col;
            if (!mask.has_data(i)) {
                continue;
            }
            const auto [v, d] = snap(grid.cell_centre_x(col), grid.cell_centre_y(row));
            if (v != mob::invalid_index && d <= max_snap_m) {
                node[i] = v;
                access_m[i] = d;
            }
        }
    }
    mob::CellAccessibility layers;
    try {
        layers = mob::cell_accessibility(distance_graph_m, walk_graph_min, destinations,
                                         {node, access_m}, stops);
    } catch (const std::invalid_argument& e) {
        throw RuntimeFailure(std::string("mobility: accessibility rasters: ") + e.what());
    }

    const std::string snapped = "cell centre snapped to the nearest walk node by straight line "
                                "(at most travel.max_snap_m = " +
                                metres_text(max_snap_m) +
                                " m; farther cells have no data), then the shortest walk path";
    std::vector<MobilityLayer> out;
    const auto add = [&](std::string name, std::string units, std::string long_name,
                         std::string comment, const std::vector<float>& values,
                         std::vector<int> flags = {}, std::vector<std::string> meanings = {}) {
        MobilityLayer layer;
        layer.meta.name = std::move(name);
        layer.meta.units = std::move(units);
        layer.meta.long_name = std::move(long_name);
        layer.meta.comment = std::move(comment);
        layer.meta.flag_values = std::move(flags);
        layer.meta.flag_meanings = std::move(meanings);
        layer.values = kernels::Raster<float>(grid, std::numeric_limits<float>::quiet_NaN());
        layer.mask = kernels::CellMask(grid, kernels::CellStatus::no_data);
        std::size_t with_data = 0;
        for (std::size_t i = 0; i < cells; ++i) {
            if (std::isfinite(values[i])) {
                layer.values[i] = values[i];
                layer.mask.set(i, kernels::CellStatus::active);
                ++with_data;
            }
        }
        if (with_data == 0) {
            // E.g. an extract without any grocery POI: a layer of no data says nothing.
            log_info("mobility: no cell reaches a destination of '" + layer.meta.name +
                     "'; the layer is not written");
            return;
        }
        out.push_back(std::move(layer));
    };
    add("walk_m_to_bus_stop", "m", "walking distance to the nearest bus stop",
        snapped + " to a stop (bus stops of the OSM extract)", layers.stop_m);
    add("walk_m_to_grocery", "m", "walking distance to the nearest grocery store",
        snapped + " to a grocery POI (supermarket, convenience, ... of the OSM extract)",
        layers.grocery_m);
    add("walk_m_to_green_space", "m", "walking distance to the nearest public green space",
        snapped + " to a park or playground POI (points, not polygon edges)", layers.green_m);
    add("walk_min_to_centre", "min", "walking time to the centre",
        snapped + " to the centre (accessibility.centre_lonlat); access at 1.23 m/s (MATSim "
                  "Berlin v6.4), network by Tobler's hiking function",
        layers.centre_min);
    const std::vector<int> flags = {1, 2, 3, 4, 5};
    const std::vector<std::string> meanings = {"headway_le_10min", "headway_le_20min",
                                               "headway_le_40min", "headway_le_60min",
                                               "no_stop_within_radius"};
    for (std::size_t r = 0; r < 2; ++r) {
        std::vector<float> classes(cells, std::numeric_limits<float>::quiet_NaN());
        for (std::size_t i = 0; i < cells; ++i) {
            if (layers.stop_class[r][i] != 0) {
                classes[i] = static_cast<float>(layers.stop_class[r][i]);
            }
        }
        const std::string radius = metres_text(stops.radius_m[r]);
        add("stop_class_" + radius + "m", "1",
            "headway class of the best bus stop within " + radius + " m walk",
            "class of the most frequent stop within " + radius +
                " m network distance (access included): 1 = headway <= 10 min, 2 = <= 20, "
                "3 = <= 40, 4 = <= 60, 5 = no such stop (GOAT / ARE 2022 bins); stored as float "
                "so that batches get difference layers (negative = a better class)",
            classes, flags, meanings);
    }
    std::size_t snapped_cells = 0;
    for (const std::uint32_t v : node) {
        snapped_cells += v != mob::invalid_index ? 1U : 0U;
    }
    log_info("mobility: accessibility rasters, " + std::to_string(snapped_cells) + " of " +
             std::to_string(mask.count_with_data()) + " active cells snapped to the walk "
             "network, " + std::to_string(std::lround(1000.0 * timer.seconds())) + " ms");
    return out;
}

} // namespace lauter::sim
