#include <lauter/kernels/runoff/buildings.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::kernels::runoff {

namespace {

/// The eight neighbour offsets (row, col), clockwise from north.
constexpr std::array<std::array<int, 2>, 8> neighbour_offsets = {{
    {-1, 0}, {-1, 1}, {0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1},
}};

/// The distinct building ids (non-zero, at cells with data), sorted; a building's position in
/// this list is its dense index.
std::vector<std::int32_t> distinct_ids(RasterView<const std::int32_t> building_id,
                                       const CellMask& mask) {
    std::vector<std::int32_t> ids;
    for (std::size_t r = 0; r < building_id.rows(); ++r) {
        for (std::size_t c = 0; c < building_id.cols(); ++c) {
            const std::int32_t id = building_id(r, c);
            if (id != 0 && mask.has_data(r, c)) {
                ids.push_back(id);
            }
        }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

std::size_t dense_index(const std::vector<std::int32_t>& ids, std::int32_t id) {
    return static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
}

/// Calls f(row, col, building) once for every (edge cell, building) pair: cells with data and
/// id 0 that are 8-adjacent to a cell with data of the building, in row-major order of the cells.
template <typename F>
void for_each_edge_cell(RasterView<const std::int32_t> building_id, const CellMask& mask,
                        const std::vector<std::int32_t>& ids, F&& f) {
    const GridSpec& spec = mask.spec();
    for (std::size_t r = 0; r < spec.rows; ++r) {
        for (std::size_t c = 0; c < spec.cols; ++c) {
            if (!mask.has_data(r, c) || building_id(r, c) != 0) {
                continue;
            }
            std::array<std::int32_t, 8> seen{};
            std::size_t seen_count = 0;
            for (const auto& [dr, dc] : neighbour_offsets) {
                const auto nr = static_cast<std::ptrdiff_t>(r) + dr;
                const auto nc = static_cast<std::ptrdiff_t>(c) + dc;
                if (!spec.contains(nr, nc)) {
                    continue;
                }
                const auto ur = static_cast<std::size_t>(nr);
                const auto uc = static_cast<std::size_t>(nc);
                const std::int32_t id = building_id(ur, uc);
                if (id == 0 || !mask.has_data(ur, uc)) {
                    continue;
                }
                const auto seen_end = seen.begin() + static_cast<std::ptrdiff_t>(seen_count);
                if (std::find(seen.begin(), seen_end, id) != seen_end) {
                    continue;
                }
                seen[seen_count++] = id;
                f(r, c, dense_index(ids, id));
            }
        }
    }
}

} // namespace

Raster<std::uint8_t> building_cells_from_fraction(RasterView<const float> building_fraction,
                                                  const CellMask& mask,
                                                  double fraction_threshold) {
    require_same_shape(mask.spec(), building_fraction.spec(), "building_cells_from_fraction");
    if (!(fraction_threshold > 0.0 && fraction_threshold <= 1.0)) {
        throw std::invalid_argument("building_cells_from_fraction: the threshold must be in "
                                    "(0, 1], got " + std::to_string(fraction_threshold));
    }
    Raster<std::uint8_t> cells(mask.spec(), 0);
    for (std::size_t r = 0; r < mask.spec().rows; ++r) {
        for (std::size_t c = 0; c < mask.spec().cols; ++c) {
            const double f = static_cast<double>(building_fraction(r, c));
            cells(r, c) = mask.has_data(r, c) && f >= fraction_threshold ? 1 : 0;
        }
    }
    return cells;
}

Raster<std::uint8_t> building_cells_from_ids(RasterView<const std::int32_t> building_id,
                                             const CellMask& mask) {
    require_same_shape(mask.spec(), building_id.spec(), "building_cells_from_ids");
    Raster<std::uint8_t> cells(mask.spec(), 0);
    for (std::size_t r = 0; r < mask.spec().rows; ++r) {
        for (std::size_t c = 0; c < mask.spec().cols; ++c) {
            cells(r, c) = mask.has_data(r, c) && building_id(r, c) != 0 ? 1 : 0;
        }
    }
    return cells;
}

Raster<std::int32_t> label_buildings(RasterView<const std::uint8_t> building_cells,
                                     const CellMask& mask) {
    const GridSpec& spec = mask.spec();
    require_same_shape(spec, building_cells.spec(), "label_buildings");
    Raster<std::int32_t> labels(spec, 0);
    std::vector<std::size_t> stack;
    std::int32_t next_label = 0;
    const auto is_building = [&](std::size_t r, std::size_t c) {
        return mask.has_data(r, c) && building_cells(r, c) != 0;
    };
    for (std::size_t r0 = 0; r0 < spec.rows; ++r0) {
        for (std::size_t c0 = 0; c0 < spec.cols; ++c0) {
            if (!is_building(r0, c0) || labels(r0, c0) != 0) {
                continue;
            }
            if (next_label == std::numeric_limits<std::int32_t>::max()) {
                throw std::invalid_argument("label_buildings: more buildings than int32 ids");
            }
            ++next_label;
            labels(r0, c0) = next_label;
            stack.push_back(spec.index(r0, c0));
            while (!stack.empty()) {
                const std::size_t i = stack.back();
                stack.pop_back();
                const std::size_t r = i / spec.cols;
                const std::size_t c = i % spec.cols;
                for (const auto& [dr, dc] : neighbour_offsets) {
                    const auto nr = static_cast<std::ptrdiff_t>(r) + dr;
                    const auto nc = static_cast<std::ptrdiff_t>(c) + dc;
                    if (!spec.contains(nr, nc)) {
                        continue;
                    }
                    const auto ur = static_cast<std::size_t>(nr);
                    const auto uc = static_cast<std::size_t>(nc);
                    if (is_building(ur, uc) && labels(ur, uc) == 0) {
                        labels(ur, uc) = next_label;
                        stack.push_back(spec.index(ur, uc));
                    }
                }
            }
        }
    }
    return labels;
}

void validate(const BuildingObstacleParams& params) {
    if (!(params.fixed_height_m > 0.0) || !std::isfinite(params.fixed_height_m)) {
        throw std::invalid_argument(
            "BuildingObstacleParams: fixed_height_m must be finite and > 0, got " +
            std::to_string(params.fixed_height_m));
    }
}

void raise_buildings(RasterView<const float> bed_elevation_m,
                     RasterView<const std::uint8_t> building_cells, const CellMask& mask,
                     RasterView<const float> building_height_m,
                     const BuildingObstacleParams& params, RasterView<float> hydraulic_bed_m) {
    constexpr const char* what = "raise_buildings";
    const GridSpec& spec = mask.spec();
    require_same_shape(spec, bed_elevation_m.spec(), what);
    require_same_shape(spec, building_cells.spec(), what);
    require_same_shape(spec, hydraulic_bed_m.spec(), what);
    const bool per_cell_height = building_height_m.data() != nullptr;
    if (per_cell_height) {
        require_same_shape(spec, building_height_m.spec(), what);
    }
    validate(params);
    for (std::size_t r = 0; r < spec.rows; ++r) {
        for (std::size_t c = 0; c < spec.cols; ++c) {
            if (!mask.has_data(r, c)) {
                hydraulic_bed_m(r, c) = no_data_value<float>;
                continue;
            }
            const double z = static_cast<double>(bed_elevation_m(r, c));
            double raise_m = 0.0;
            if (building_cells(r, c) != 0) {
                const double h =
                    per_cell_height ? static_cast<double>(building_height_m(r, c)) : 0.0;
                raise_m = std::isfinite(h) && h > 0.0 ? h : params.fixed_height_m;
            }
            hydraulic_bed_m(r, c) = static_cast<float>(z + raise_m);
        }
    }
}

Raster<float> roof_rain_multiplier(RasterView<const std::int32_t> building_id,
                                   const CellMask& mask) {
    const GridSpec& spec = mask.spec();
    require_same_shape(spec, building_id.spec(), "roof_rain_multiplier");
    const std::vector<std::int32_t> ids = distinct_ids(building_id, mask);
    std::vector<std::vector<std::size_t>> roof_cells(ids.size());
    std::vector<std::vector<std::size_t>> edge_cells(ids.size());
    for (std::size_t r = 0; r < spec.rows; ++r) {
        for (std::size_t c = 0; c < spec.cols; ++c) {
            const std::int32_t id = building_id(r, c);
            if (id != 0 && mask.has_data(r, c)) {
                roof_cells[dense_index(ids, id)].push_back(spec.index(r, c));
            }
        }
    }
    for_each_edge_cell(building_id, mask, ids, [&](std::size_t r, std::size_t c, std::size_t b) {
        edge_cells[b].push_back(spec.index(r, c));
    });

    // Roof cells received by each cell (integers, exact), then m = 1 + received or 0 on roofs
    // that drain.
    std::vector<std::uint32_t> received(spec.cell_count(), 0);
    std::vector<std::uint8_t> drains(spec.cell_count(), 0);
    for (std::size_t b = 0; b < ids.size(); ++b) {
        const std::vector<std::size_t>& edge = edge_cells[b];
        if (edge.empty()) {
            continue;
        }
        for (const std::size_t roof : roof_cells[b]) {
            const auto rr = static_cast<double>(roof / spec.cols);
            const auto rc = static_cast<double>(roof % spec.cols);
            std::size_t nearest = edge.front();
            double nearest_sq = std::numeric_limits<double>::infinity();
            // Edge cells are in increasing index order: a strict < keeps the smallest index
            // among equally near cells.
            for (const std::size_t e : edge) {
                const double dy = (static_cast<double>(e / spec.cols) - rr) * spec.cell_size_y_m;
                const double dx = (static_cast<double>(e % spec.cols) - rc) * spec.cell_size_x_m;
                const double d_sq = dx * dx + dy * dy;
                if (d_sq < nearest_sq) {
                    nearest_sq = d_sq;
                    nearest = e;
                }
            }
            drains[roof] = 1;
            ++received[nearest];
        }
    }
    Raster<float> multiplier(spec, no_data_value<float>);
    for (std::size_t i = 0; i < spec.cell_count(); ++i) {
        if (!mask.has_data(i)) {
            continue;
        }
        multiplier[i] = drains[i] != 0 ? 0.0F : static_cast<float>(1U + received[i]);
    }
    return multiplier;
}

BuildingsAffected buildings_affected(RasterView<const std::int32_t> building_id,
                                     RasterView<const float> max_depth_m, const CellMask& mask,
                                     const BuildingsAffectedParams& params) {
    constexpr const char* what = "buildings_affected";
    const GridSpec& spec = mask.spec();
    require_same_shape(spec, building_id.spec(), what);
    require_same_shape(spec, max_depth_m.spec(), what);
    for (const double d : params.depth_thresholds_m) {
        if (!std::isfinite(d)) {
            throw std::invalid_argument(std::string(what) + ": depth thresholds must be finite");
        }
    }
    const std::vector<std::int32_t> ids = distinct_ids(building_id, mask);
    BuildingsAffected result;
    result.buildings.resize(ids.size());
    for (std::size_t b = 0; b < ids.size(); ++b) {
        result.buildings[b].id = ids[b];
        result.buildings[b].max_edge_depth_m = std::numeric_limits<double>::quiet_NaN();
    }
    for (std::size_t r = 0; r < spec.rows; ++r) {
        for (std::size_t c = 0; c < spec.cols; ++c) {
            const std::int32_t id = building_id(r, c);
            if (id != 0 && mask.has_data(r, c)) {
                ++result.buildings[dense_index(ids, id)].cell_count;
            }
        }
    }
    for_each_edge_cell(building_id, mask, ids, [&](std::size_t r, std::size_t c, std::size_t b) {
        BuildingExposure& e = result.buildings[b];
        ++e.edge_cell_count;
        const double d = static_cast<double>(max_depth_m(r, c));
        if (std::isfinite(d) && !(d <= e.max_edge_depth_m)) {
            e.max_edge_depth_m = d;
        }
    });
    result.count_above.assign(params.depth_thresholds_m.size(), 0);
    for (const BuildingExposure& e : result.buildings) {
        for (std::size_t k = 0; k < params.depth_thresholds_m.size(); ++k) {
            // In float, the precision of the depth raster: a stored 0.5F is not above 0.5.
            if (static_cast<float>(e.max_edge_depth_m) >
                static_cast<float>(params.depth_thresholds_m[k])) {
                ++result.count_above[k];
            }
        }
    }
    return result;
}

} // namespace lauter::kernels::runoff
