#include <lauter/kernels/runoff/hazard.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/runoff_model.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace lauter::sim {

namespace {

namespace rk = kernels::runoff;
using kernels::CellMask;
using kernels::LandCover;
using kernels::Raster;

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << value;
    return out.str();
}

std::string precise(double value) {
    std::ostringstream out;
    out << std::setprecision(17) << value;
    return out.str();
}

/// A depth threshold in whole millimetres, for attribute names (letters, digits and '_' only).
std::string millimetres(double depth_m) { return std::to_string(std::llround(depth_m * 1000.0)); }

/// Kernel parameters of the settings over `surface`, whose rasters must outlive the event.
rk::RunoffEventParams event_params(const RunoffModelSettings& s, const RunoffSurface& surface,
                                   double duration_s) {
    rk::RunoffEventParams p;
    p.solver.friction_law = kernels::shallow::FrictionLaw::manning;
    p.solver.friction_coefficient = kernels::shallow::CellField::raster(surface.manning_n.view());
    p.solver.cfl = s.cfl;
    p.solver.theta = s.theta;
    p.solver.dt_max_s = s.dt_max_s;
    p.solver.depth_threshold_m = s.depth_threshold_m;
    p.solver.time_step_rule = s.time_step_rule;
    p.solver.boundary.north = s.boundary;
    p.solver.boundary.south = s.boundary;
    p.solver.boundary.west = s.boundary;
    p.solver.boundary.east = s.boundary;
    p.solver.boundary.next_to_no_data = s.boundary;
    switch (s.losses.method) {
    case LossMethod::none: p.loss_model = rk::LossModel::none; break;
    case LossMethod::green_ampt: p.loss_model = rk::LossModel::green_ampt; break;
    case LossMethod::curve_number: p.loss_model = rk::LossModel::curve_number; break;
    }
    try {
        p.green_ampt.soils = {rk::green_ampt_soil(rk::rawls_1983_soil(s.losses.soil_texture),
                                                  s.losses.initial_moisture)};
    } catch (const std::invalid_argument& e) {
        throw ConfigError("models.runoff.losses.initial_moisture: " +
                          std::to_string(s.losses.initial_moisture) + " does not fit soil " +
                          std::string(rk::soil_texture_name(s.losses.soil_texture)) + " (" +
                          e.what() + ")");
    }
    p.green_ampt.include_ponding_head = s.losses.include_ponding_head;
    p.curve_number.curve_number = kernels::shallow::CellField::raster(surface.curve_number.view());
    p.curve_number.initial_abstraction_ratio = s.losses.initial_abstraction_ratio;
    p.loss_interval_s = s.losses.update_interval_s;
    p.cover.impervious_fraction =
        kernels::shallow::CellField::raster(surface.impervious_fraction.view());
    p.cover.sewer_capacity_m_per_s = rk::mm_per_h_to_m_per_s(s.sewer_capacity_mm_per_h);
    p.duration_s = duration_s;
    p.balance_interval_s = s.balance_interval_s;
    return p;
}

template <typename Real>
rk::RunoffEventResults run_event(const Raster<float>& bed, const CellMask& mask,
                                 const rk::Hyetograph& storm, rk::RunoffEventParams params,
                                 rk::RunoffCellInputs cells) {
    rk::RunoffEvent<Real> event(bed.view(), mask, storm, std::move(params), cells);
    const double duration_s = event.params().duration_s;
    const auto total = static_cast<std::size_t>(std::ceil(duration_s));
    Progress progress("runoff event (" + fixed(duration_s / 60.0, 0) + " min simulated)",
                      std::max<std::size_t>(total, 1));
    std::size_t done = 0;
    event.run([&](const rk::VolumeBalanceSample& sample) {
        const auto now = std::min(total, static_cast<std::size_t>(std::floor(sample.time_s)));
        if (now > done) {
            progress.advance(now - done);
            done = now;
        }
    });
    progress.finish();
    return event.release_results();
}

} // namespace

std::string hazard_citation() {
    return "combined flood hazard curves H1-H6 of Smith, Davey & Cox (2014), Flood Hazard, UNSW "
           "Water Research Laboratory Technical Report 2014/07, as adopted in Australian Rainfall "
           "and Runoff 2019, Book 6 Chapter 7; classified on the event maxima of depth, speed and "
           "depth x speed; cells with max depth <= 0.01 m are dry (class 0)";
}

RunoffSurface surface_from_land_cover(const OsmLandCover& lc, const CellMask& mask,
                                      const RunoffModelSettings& s) {
    const kernels::GridSpec& grid = mask.spec();
    RunoffSurface surface;
    surface.manning_n = Raster<float>(grid, kernels::no_data_value<float>);
    surface.impervious_fraction = Raster<float>(grid, kernels::no_data_value<float>);
    surface.curve_number = Raster<float>(grid, kernels::no_data_value<float>);
    constexpr std::array<LandCover, 5> unsealed = {LandCover::railway, LandCover::open_land,
                                                   LandCover::trees, LandCover::water,
                                                   LandCover::agriculture};
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (!mask.has_data(i)) {
            continue;
        }
        const std::size_t dominant = kernels::land_cover_index(lc.dominant[i]);
        surface.manning_n[i] = static_cast<float>(s.manning_n[dominant]);
        const float sealed = lc.impervious_fraction[i];
        surface.impervious_fraction[i] = std::isfinite(sealed) ? std::clamp(sealed, 0.0F, 1.0F)
                                                               : 0.0F;
        double weight = 0.0;
        double weighted = 0.0;
        for (const LandCover c : unsealed) {
            const std::size_t k = kernels::land_cover_index(c);
            const auto f = static_cast<double>(lc.fractions[k][i]);
            if (f > 0.0) {
                weight += f;
                weighted += f * s.losses.curve_numbers[k];
            }
        }
        surface.curve_number[i] = static_cast<float>(
            weight > 0.0 ? weighted / weight : s.losses.curve_numbers[dominant]);
    }
    if (s.buildings != BuildingMode::none && lc.building_id.size() == grid.cell_count()) {
        surface.building_id = lc.building_id.clone();
    }
    const bool green_roofs =
        std::any_of(lc.buildings.begin(), lc.buildings.end(),
                    [](const OsmBuilding& b) { return b.roof_runoff_coefficient < 1.0F; });
    if (green_roofs && lc.building_id.size() == grid.cell_count()) {
        surface.roof_runoff_coefficient = Raster<float>(grid, 1.0F);
        for (std::size_t i = 0; i < grid.cell_count(); ++i) {
            const std::int32_t id = lc.building_id[i];
            if (id > 0 && static_cast<std::size_t>(id) <= lc.buildings.size()) {
                surface.roof_runoff_coefficient[i] =
                    lc.buildings[static_cast<std::size_t>(id) - 1U].roof_runoff_coefficient;
            }
        }
    }
    return surface;
}

RunoffSurface uniform_surface(const kernels::GridSpec& grid, double manning_n,
                              double curve_number, double impervious_fraction) {
    RunoffSurface surface;
    surface.manning_n = Raster<float>(grid, static_cast<float>(manning_n));
    surface.curve_number = Raster<float>(grid, static_cast<float>(curve_number));
    surface.impervious_fraction = Raster<float>(grid, static_cast<float>(impervious_fraction));
    return surface;
}

RunoffRun run_runoff(const Raster<float>& elevation_m, const CellMask& mask,
                     const RunoffSurface& surface, const RunoffModelSettings& s,
                     const rk::Hyetograph& storm, const std::string& storm_description) {
    const StepTimer timer;
    const kernels::GridSpec& grid = mask.spec();
    if (mask.count_with_data() == 0) {
        throw InputError("the DEM has no cell with data in the study area; the runoff model "
                         "needs elevations (check the DEM's extent, CRS and no-data value)");
    }
    RunoffRun run;
    run.storm_description = storm_description;
    run.duration_s = storm.end_time_s() + s.drainage_time_min * 60.0;
    if (!(run.duration_s > 0.0)) {
        throw ConfigError("models.runoff: the storm and drainage time add up to 0 s; give a "
                          "storm with rain or a drainage_time_min > 0");
    }

    // Hydraulic terrain and rain redirection of the buildings.
    const bool has_buildings = surface.building_id.size() == grid.cell_count();
    Raster<float> bed = elevation_m.clone();
    Raster<float> rain_multiplier;
    if (has_buildings && s.buildings != BuildingMode::none) {
        const Raster<std::uint8_t> cells =
            rk::building_cells_from_ids(surface.building_id.view(), mask);
        rk::BuildingObstacleParams obstacle;
        obstacle.fixed_height_m = s.obstacle_height_m;
        rk::raise_buildings(elevation_m.view(), cells.view(), mask,
                            kernels::RasterView<const float>(), obstacle, bed.view());
        if (s.buildings == BuildingMode::roof) {
            rain_multiplier = rk::roof_rain_multiplier(surface.building_id.view(), mask);
        }
    }
    if (surface.roof_runoff_coefficient.size() == grid.cell_count()) {
        // Green roofs: the rain a roof cell keeps or passes on (roof mode: the edge cells carry
        // the rain of their whole building) is scaled by the building's runoff coefficient.
        if (rain_multiplier.size() != grid.cell_count()) {
            rain_multiplier = Raster<float>(grid, 1.0F);
        }
        for (std::size_t i = 0; i < grid.cell_count(); ++i) {
            if (mask.has_data(i)) {
                rain_multiplier[i] *= surface.roof_runoff_coefficient[i];
            }
        }
    }
    bool flat = true;
    float first = kernels::no_data_value<float>;
    for (std::size_t i = 0; i < grid.cell_count() && flat; ++i) {
        if (mask.has_data(i)) {
            if (std::isnan(first)) {
                first = elevation_m[i];
            }
            flat = elevation_m[i] == first;
        }
    }
    if (flat) {
        log_warning("runoff: the DEM is completely flat; rain ponds where it falls and leaves "
                    "only through the outflow edges");
    }

    rk::RunoffCellInputs cells;
    if (rain_multiplier.size() == grid.cell_count()) {
        cells.rain_multiplier = rain_multiplier.view();
    }
    rk::RunoffEventParams params = event_params(s, surface, run.duration_s);
    try {
        rk::validate(params);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("models.runoff: invalid settings: ") + e.what());
    }
    log_info("runoff: " + storm_description + ", " + fixed(s.drainage_time_min, 0) +
             " min drainage, losses " + std::string(loss_method_name(s.losses.method)) +
             ", buildings " + std::string(building_mode_name(s.buildings)) + ", " +
             std::to_string(mask.count_with_data()) + " cells");
    run.event = s.precision == StatePrecision::float64
                    ? run_event<double>(bed, mask, storm, std::move(params), cells)
                    : run_event<float>(bed, mask, storm, std::move(params), cells);

    run.hazard_class = Raster<std::uint8_t>(grid, 0);
    rk::classify_hazard(run.event.max_depth_m.view(), run.event.max_velocity_m_per_s.view(),
                        run.event.max_depth_velocity_m2_per_s.view(), mask,
                        run.hazard_class.view());
    run.hazard_cell_counts = rk::count_hazard_classes(run.hazard_class.view(), mask);
    if (has_buildings) {
        rk::BuildingsAffectedParams bp;
        bp.depth_thresholds_m.assign(s.building_depth_thresholds_m.begin(),
                                     s.building_depth_thresholds_m.end());
        run.buildings_affected = rk::buildings_affected(
            surface.building_id.view(), run.event.max_depth_m.view(), mask, bp);
    }
    run.wall_time_s = timer.seconds();
    const rk::VolumeBalanceSample& last = run.event.balance.back();
    log_info("runoff: " + std::to_string(run.event.step_count) + " steps in " +
             fixed(run.wall_time_s, 1) + " s; rain " + fixed(last.rain_m3, 0) +
             " m3, infiltration " + fixed(last.infiltration_m3, 0) + " m3, outflow " +
             fixed(last.outflow_m3, 0) + " m3, stored " + fixed(last.storage_m3, 0) +
             " m3, relative residual " + precise(last.relative_residual));
    return run;
}

Table volume_balance_table(const rk::RunoffEventResults& event) {
    std::vector<double> time, rain, infiltration, sewer, outflow, clipped, storage, residual,
        relative, max_depth;
    std::vector<std::int64_t> steps;
    for (const rk::VolumeBalanceSample& b : event.balance) {
        time.push_back(b.time_s);
        rain.push_back(b.rain_m3);
        infiltration.push_back(b.infiltration_m3);
        sewer.push_back(b.sewer_m3);
        outflow.push_back(b.outflow_m3);
        clipped.push_back(b.clipped_m3);
        storage.push_back(b.storage_m3);
        residual.push_back(b.residual_m3);
        relative.push_back(b.relative_residual);
        max_depth.push_back(b.max_depth_m);
        steps.push_back(static_cast<std::int64_t>(b.step_count));
    }
    Table t;
    t.add_column("time_s", std::move(time), "s");
    t.add_column("rain_m3", std::move(rain), "m3");
    t.add_column("infiltration_m3", std::move(infiltration), "m3");
    t.add_column("sewer_m3", std::move(sewer), "m3");
    t.add_column("outflow_m3", std::move(outflow), "m3");
    t.add_column("clipped_m3", std::move(clipped), "m3");
    t.add_column("storage_m3", std::move(storage), "m3");
    t.add_column("residual_m3", std::move(residual), "m3");
    t.add_column("relative_residual", std::move(relative), "1");
    t.add_column("max_depth_m", std::move(max_depth), "m");
    t.add_column("step_count", std::move(steps), "1");
    return t;
}

std::string volume_balance_csv(const rk::RunoffEventResults& event) {
    std::ostringstream out;
    out << "time_s,rain_m3,infiltration_m3,sewer_m3,outflow_m3,clipped_m3,storage_m3,"
           "residual_m3,relative_residual,max_depth_m,step_count\n";
    out << std::setprecision(12);
    for (const rk::VolumeBalanceSample& b : event.balance) {
        out << b.time_s << ',' << b.rain_m3 << ',' << b.infiltration_m3 << ',' << b.sewer_m3
            << ',' << b.outflow_m3 << ',' << b.clipped_m3 << ',' << b.storage_m3 << ','
            << b.residual_m3 << ',' << b.relative_residual << ',' << b.max_depth_m << ','
            << b.step_count << '\n';
    }
    return out.str();
}

void write_runoff_results(ResultsWriter& out, const std::string& group, const RunoffRun& run,
                          const RunoffSurface& surface, const CellMask& mask,
                          const RunoffModelSettings& s,
                          const std::vector<OsmBuilding>& buildings) {
    const rk::RunoffEventResults& e = run.event;
    out.write_raster(group,
                     {"max_depth_m", "m", "maximum water depth over the event",
                      "", "depth above the hydraulic terrain (buildings raised)", {}, {}},
                     e.max_depth_m, mask);
    out.write_raster(group,
                     {"max_velocity_m_per_s", "m s-1", "maximum flow speed over the event", "",
                      "cell-centred from face discharges; 0 where the depth never exceeded "
                      "0.01 m",
                      {}, {}},
                     e.max_velocity_m_per_s, mask);
    out.write_raster(group,
                     {"time_of_max_depth_s", "s",
                      "time of the maximum depth since the start of the rain", "",
                      "0 where the cell never holds water", {}, {}},
                     e.time_of_max_depth_s, mask);
    out.write_raster(group,
                     {"max_depth_velocity_m2_per_s", "m2 s-1",
                      "maximum over time of depth x speed", "",
                      "the maximum of the product, not the product of the maxima", {}, {}},
                     e.max_depth_velocity_m2_per_s, mask);
    LayerMeta hazard{"hazard_class", "1", "flood hazard class (depth, speed, depth x speed)", "",
                     hazard_citation(), {}, {}};
    Raster<float> hazard_values(mask.spec(), kernels::no_data_value<float>);
    for (int k = 0; k <= 6; ++k) {
        hazard.flag_values.push_back(k);
        hazard.flag_meanings.emplace_back(rk::hazard_class_name(static_cast<rk::HazardClass>(k)));
    }
    for (std::size_t i = 0; i < hazard_values.size(); ++i) {
        hazard_values[i] = static_cast<float>(run.hazard_class[i]);
    }
    out.write_raster(group, hazard, hazard_values, mask);
    if (s.write_end_depth) {
        out.write_raster(group,
                         {"depth_end_m", "m", "water depth at the end of the run", "", "", {}, {}},
                         e.end_depth_m, mask);
    }
    out.write_table(group, "volume_balance", volume_balance_table(e));

    const rk::VolumeBalanceSample& last = e.balance.back();
    const auto attribute = [&](const std::string& key, const std::string& value) {
        out.set_group_attribute(group, key, value);
    };
    const auto number = [&](const std::string& key, double value) {
        out.set_group_number(group, key, value);
    };
    attribute("storm", run.storm_description);
    number("simulated_time_s", run.duration_s);
    number("rain_m3", last.rain_m3);
    number("infiltration_m3", last.infiltration_m3);
    number("sewer_m3", last.sewer_m3);
    number("outflow_m3", last.outflow_m3);
    number("storage_end_m3", last.storage_m3);
    number("residual_m3", last.residual_m3);
    number("relative_residual", last.relative_residual);
    number("step_count", static_cast<double>(e.step_count));
    number("wall_time_s", run.wall_time_s);
    attribute("loss_method", std::string(loss_method_name(s.losses.method)));
    attribute("buildings_mode", std::string(building_mode_name(s.buildings)));
    attribute("hazard_classification", hazard_citation());
    std::ostringstream counts;
    for (int k = 0; k <= 6; ++k) {
        counts << (k == 0 ? "" : " ") << rk::hazard_class_name(static_cast<rk::HazardClass>(k))
               << ':' << run.hazard_cell_counts[static_cast<std::size_t>(k)];
    }
    attribute("hazard_class_cells", counts.str());
    const auto depth_cells_above = [&](double d) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < e.max_depth_m.size(); ++i) {
            n += mask.has_data(i) && e.max_depth_m[i] > static_cast<float>(d) ? 1U : 0U;
        }
        return n;
    };
    for (const double d : s.building_depth_thresholds_m) {
        number("cells_max_depth_above_" + millimetres(d) + "_mm",
               static_cast<double>(depth_cells_above(d)));
    }

    if (!run.buildings_affected || !s.write_buildings_affected) {
        return;
    }
    const rk::BuildingsAffected& affected = *run.buildings_affected;
    for (std::size_t k = 0; k < affected.count_above.size(); ++k) {
        number("buildings_affected_above_" + millimetres(s.building_depth_thresholds_m[k]) + "_mm",
               static_cast<double>(affected.count_above[k]));
    }
    number("buildings_total", static_cast<double>(affected.buildings.size()));
    Raster<float> ids(mask.spec(), kernels::no_data_value<float>);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        ids[i] = static_cast<float>(surface.building_id[i]);
    }
    out.write_raster(group,
                     {"building_id", "1", "building id (row building_id of buildings_affected)",
                      "", "0: no building; exact as float up to 2^24", {}, {}},
                     ids, mask);
    std::vector<std::int64_t> id, osm_id, cells, edge_cells, depth_class;
    std::vector<std::string> name, address;
    std::vector<double> area, edge_depth;
    for (const rk::BuildingExposure& b : affected.buildings) {
        const auto index = static_cast<std::size_t>(b.id) - 1;
        const OsmBuilding* info = index < buildings.size() ? &buildings[index] : nullptr;
        id.push_back(b.id);
        osm_id.push_back(info != nullptr ? info->osm_id : 0);
        name.push_back(info != nullptr ? info->name : std::string());
        address.push_back(info != nullptr ? info->address : std::string());
        area.push_back(info != nullptr ? info->footprint_area_m2 : 0.0);
        cells.push_back(static_cast<std::int64_t>(b.cell_count));
        edge_cells.push_back(static_cast<std::int64_t>(b.edge_cell_count));
        edge_depth.push_back(b.max_edge_depth_m);
        std::int64_t level = 0;
        for (const double d : s.building_depth_thresholds_m) {
            level += b.max_edge_depth_m > d ? 1 : 0;
        }
        depth_class.push_back(level);
    }
    Table t;
    t.add_column("building_id", std::move(id), "1");
    t.add_column("osm_id", std::move(osm_id), "1");
    t.add_column("name", std::move(name));
    t.add_column("address", std::move(address));
    t.add_column("footprint_area_m2", std::move(area), "m2");
    t.add_column("cells", std::move(cells), "1");
    t.add_column("edge_cells", std::move(edge_cells), "1");
    t.add_column("max_edge_depth_m", std::move(edge_depth), "m");
    t.add_column("depth_class", std::move(depth_class), "1");
    out.write_table(group, "buildings_affected", t);
    attribute("buildings_affected_depth_class",
              "depth_class = number of thresholds " + fixed(s.building_depth_thresholds_m[0], 2) +
                  ", " + fixed(s.building_depth_thresholds_m[1], 2) + ", " +
                  fixed(s.building_depth_thresholds_m[2], 2) +
                  " m that the maximum depth on the building's edge (non-building cells "
                  "8-adjacent to it) exceeds; osm_id: way id, or minus the relation id");
}

} // namespace lauter::sim
