#include <lauter/kernels/coldair/corridors.hpp>
#include <lauter/kernels/coldair/layer.hpp>
#include <lauter/kernels/coldair/production.hpp>
#include <lauter/kernels/coldair/roughness.hpp>
#include <lauter/kernels/coldair/screening.hpp>
#include <lauter/kernels/coldair/supply.hpp>
#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/thermal_model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace lauter::sim {

namespace {

namespace kc = kernels::coldair;
using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::LandCover;
using kernels::Raster;

constexpr double seconds_per_hour = 3600.0;

std::string format_hours(double hours) { return schema::format_number(hours); }

std::string format_rate(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    return buffer;
}

bool is_sealed(LandCover c) noexcept {
    return c == LandCover::building || c == LandCover::road || c == LandCover::sealed_other;
}

/// Area-weighted mean of `fine` onto `grid` (coverage discarded).
Raster<float> aggregate(const Raster<float>& fine, const CellMask& fine_mask,
                        const GridSpec& grid) {
    Raster<float> coarse(grid);
    Raster<float> coverage(grid);
    kc::aggregate_mean(fine.view(), fine_mask, coarse.view(), coverage.view());
    return coarse;
}

float clamp01(float v) noexcept { return std::isfinite(v) ? std::clamp(v, 0.0F, 1.0F) : 0.0F; }

/// Layers of one time from the flow field; `q` are the face fluxes of that time.
template <typename Real>
void finish_slice(ColdAirTimeSlice& s, const kernels::shallow::FaceField<Real>& q,
                  const CellMask& mask, const ColdAirRun& run,
                  const ColdAirModelSettings& settings) {
    const GridSpec& g = mask.spec();
    s.settlement_inflow_m3_per_s = Raster<float>(g);
    s.total_inflow_m3_per_s = kc::settlement_inflow(q, mask, run.settlement.view(),
                                                    s.settlement_inflow_m3_per_s.view());
    s.corridor_class = Raster<std::uint8_t>(g, 0);
    kc::classify_corridors(s.u_m_per_s.view(), s.v_m_per_s.view(), s.volume_flux_m2_per_s.view(),
                           mask, run.settlement.view(), settings.corridors,
                           s.corridor_class.view());
    s.flow_speed_class = Raster<std::uint8_t>(g, 0);
    kc::classify_flow_speed(s.speed_m_per_s.view(), mask, settings.flow_speed,
                            s.flow_speed_class.view());
    s.supply_class = Raster<std::uint8_t>(g, 0);
    s.supplied_cells = kc::classify_cold_air_supply(q, mask, run.settlement.view(),
                                                    settings.supply, s.supply_class.view());
}

/// Whether two grids are the same cells (shape, origin and cell size).
bool same_cells(const GridSpec& a, const GridSpec& b) noexcept {
    const auto near = [](double x, double y) {
        return std::abs(x - y) <= 1e-9 * std::max({1.0, std::abs(x), std::abs(y)});
    };
    return a.rows == b.rows && a.cols == b.cols && near(a.x0, b.x0) && near(a.y0, b.y0) &&
           near(a.cell_size_x_m, b.cell_size_x_m) && near(a.cell_size_y_m, b.cell_size_y_m);
}

void run_layer(const ColdAirSurface& surface, const ColdAirModelSettings& settings,
               ColdAirRun& run) {
    const GridSpec& g = surface.grid();
    kc::RoughnessParams rough;
    rough.roughness_length_m = settings.roughness_length_m;
    rough.reference_depth_m = settings.drag_reference_depth_m;
    rough.building_drag_coefficient = settings.building_drag_coefficient;
    run.drag_coefficient = Raster<float>(g);
    run.displacement_height_m = Raster<float>(g);
    kc::BuildingMorphology buildings;
    if (settings.building_displacement) {
        buildings.plan_area_fraction = surface.building_fraction.view();
        buildings.mean_height_m = surface.building_height_m.view();
    }
    kc::compute_surface_drag(surface.land_cover.view(), surface.mask, rough, buildings,
                             run.drag_coefficient.view(), run.displacement_height_m.view());

    kc::ColdAirLayerParams p;
    p.ambient_temperature_k = settings.ambient_temperature_c + 273.15;
    p.deficit_k = settings.deficit_k;
    p.duration_s = settings.duration_h * seconds_per_hour;
    p.output_times_s.clear();
    for (double t : settings.output_times_h) {
        p.output_times_s.push_back(t * seconds_per_hour);
    }
    p.velocity_depth_threshold_m = settings.velocity_depth_threshold_m;
    p.solver.time_step_velocity_depth_m = settings.velocity_depth_threshold_m;
    p.solver.froude_limit = settings.froude_limit;
    kc::ColdAirInputs in;
    in.terrain_m = surface.elevation_m.view();
    in.production_m3_per_m2_h =
        kernels::shallow::CellField::raster(run.production_m3_per_m2_h.view());
    in.drag_coefficient = kernels::shallow::CellField::raster(run.drag_coefficient.view());
    in.displacement_height_m = run.displacement_height_m.view();
    kc::ColdAirLayer<double> layer(in, surface.mask, p);
    for (double t_h : settings.output_times_h) {
        layer.advance_to(t_h * seconds_per_hour);
        const kc::ColdAirSnapshot snap = layer.snapshot();
        ColdAirTimeSlice s;
        s.time_h = t_h;
        s.height_m = snap.height_m.clone();
        s.u_m_per_s = snap.velocity_east_m_per_s.clone();
        s.v_m_per_s = snap.velocity_north_m_per_s.clone();
        s.speed_m_per_s = Raster<float>(g);
        s.volume_flux_m2_per_s = Raster<float>(g);
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            const float speed = std::hypot(s.u_m_per_s[i], s.v_m_per_s[i]);
            s.speed_m_per_s[i] = speed;
            // Height x speed (physics.md A1, [REK]); NaN stays NaN at no-data cells.
            s.volume_flux_m2_per_s[i] = s.height_m[i] * speed;
        }
        finish_slice(s, layer.state().q_m2_per_s, surface.mask, run, settings);
        log_info("cold air (layer): " + format_hours(t_h) + " h after sunset, " +
                 std::to_string(layer.balance().step_count) + " steps, settlement inflow " +
                 format_rate(s.total_inflow_m3_per_s) + " m3/s");
        run.slices.push_back(std::move(s));
    }
    layer.advance_to(p.duration_s);
    const kc::ColdAirBalance& b = layer.balance();
    run.production_m3 = b.production_m3 + b.clipped_m3;
    run.outflow_m3 = b.outflow_m3;
    run.storage_m3 = b.storage_m3;
    run.residual_m3 = b.residual_m3;
    run.step_count = b.step_count;
}

void run_screening(const ColdAirSurface& surface, const ColdAirModelSettings& settings,
                   ColdAirRun& run) {
    const GridSpec& g = surface.grid();
    kc::ScreeningParams p;
    p.ambient_temperature_c = settings.ambient_temperature_c;
    p.cold_air_temperature_c = settings.ambient_temperature_c - settings.deficit_k;
    p.friction = kernels::shallow::CellField::uniform(settings.screening_friction);
    p.duration_s = settings.duration_h * seconds_per_hour;
    p.output_times_s.clear();
    for (double t : settings.output_times_h) {
        p.output_times_s.push_back(t * seconds_per_hour);
    }
    kc::ColdAirScreening screening(
        surface.elevation_m.view(), surface.mask,
        kernels::shallow::CellField::raster(run.production_m3_per_m2_h.view()), p);
    kernels::shallow::FaceField<double> q(g);
    for (double t_h : settings.output_times_h) {
        screening.advance_to(t_h * seconds_per_hour);
        const kc::ScreeningSnapshot snap = screening.snapshot();
        ColdAirTimeSlice s;
        s.time_h = t_h;
        s.height_m = snap.height_m.clone();
        s.speed_m_per_s = snap.velocity_m_per_s.clone();
        s.u_m_per_s = Raster<float>(g);
        s.v_m_per_s = Raster<float>(g);
        s.volume_flux_m2_per_s = Raster<float>(g);
        Raster<float> q_east(g, 0.0F);
        Raster<float> q_north(g, 0.0F);
        const auto surface_at = [&](std::size_t r, std::size_t c) {
            return static_cast<double>(surface.elevation_m(r, c)) +
                   static_cast<double>(s.height_m(r, c));
        };
        for (std::size_t r = 0; r < g.rows; ++r) {
            for (std::size_t c = 0; c < g.cols; ++c) {
                if (!surface.mask.has_data(r, c)) {
                    continue;
                }
                // Central differences of S = z + h, one-sided where a neighbour is missing.
                const double here = surface_at(r, c);
                const auto side = [&](std::ptrdiff_t dr, std::ptrdiff_t dc) {
                    const auto rr = static_cast<std::ptrdiff_t>(r) + dr;
                    const auto cc = static_cast<std::ptrdiff_t>(c) + dc;
                    if (!g.contains(rr, cc) || !surface.mask.has_data(static_cast<std::size_t>(rr),
                                                                      static_cast<std::size_t>(cc))) {
                        return here;
                    }
                    return surface_at(static_cast<std::size_t>(rr), static_cast<std::size_t>(cc));
                };
                const double ds_dx = (side(0, 1) - side(0, -1)) / (2.0 * g.cell_size_x_m);
                const double ds_dn = (side(-1, 0) - side(1, 0)) / (2.0 * g.cell_size_y_m);
                const double grad = std::hypot(ds_dx, ds_dn);
                const double speed = static_cast<double>(s.speed_m_per_s(r, c));
                const double h = static_cast<double>(s.height_m(r, c));
                const double ue = grad > 0.0 ? -speed * ds_dx / grad : 0.0;
                const double vn = grad > 0.0 ? -speed * ds_dn / grad : 0.0;
                s.u_m_per_s(r, c) = static_cast<float>(ue);
                s.v_m_per_s(r, c) = static_cast<float>(vn);
                s.volume_flux_m2_per_s(r, c) = static_cast<float>(h * speed);
                q_east(r, c) = static_cast<float>(h * ue);
                q_north(r, c) = static_cast<float>(h * vn);
            }
        }
        kc::face_flux_from_cells(q_east.view(), q_north.view(), surface.mask, q);
        finish_slice(s, q, surface.mask, run, settings);
        log_info("cold air (screening): " + format_hours(t_h) + " h after sunset, " +
                 std::to_string(screening.balance().step_count) + " steps, settlement inflow " +
                 format_rate(s.total_inflow_m3_per_s) + " m3/s");
        run.slices.push_back(std::move(s));
    }
    screening.advance_to(p.duration_s);
    const kc::ScreeningBalance& b = screening.balance();
    run.production_m3 = b.production_m3;
    run.outflow_m3 = b.outflow_m3;
    run.storage_m3 = b.storage_m3;
    run.residual_m3 = b.residual_m3;
    run.step_count = b.step_count;
}

} // namespace

ColdAirSurface coldair_surface_from_study_area(const StudyArea& area, double resolution_m) {
    if (!area.elevation_m || !area.land_cover) {
        throw ConfigError("models.coldair: the cold-air model needs the DEM (inputs.dem) and the "
                          "land cover (models.landcover.enabled: true)");
    }
    const OsmLandCover& lc = *area.land_cover;
    const GridSpec& fine = area.grid;
    const bool same = std::abs(resolution_m - fine.cell_size_x_m) <= 1e-9 * resolution_m &&
                      std::abs(resolution_m - fine.cell_size_y_m) <= 1e-9 * resolution_m;
    ColdAirSurface s;
    if (same) {
        s.mask = area.mask.clone();
        s.elevation_m = area.elevation_m->clone();
        s.land_cover = Raster<std::uint8_t>(fine, 0);
        for (std::size_t i = 0; i < fine.cell_count(); ++i) {
            s.land_cover[i] =
                area.mask.has_data(i) ? static_cast<std::uint8_t>(lc.dominant[i]) : std::uint8_t{0};
        }
        s.sealed_fraction = lc.impervious_fraction.clone();
        s.canopy_fraction = lc.tree_canopy_fraction.clone();
        s.building_fraction =
            lc.fractions[kernels::land_cover_index(LandCover::building)].clone();
        s.building_height_m = lc.building_height_m.clone();
    } else {
        const GridSpec grid = kc::coarsened_grid(fine, resolution_m);
        Raster<float> coverage(grid);
        s.elevation_m = Raster<float>(grid);
        kc::aggregate_mean(area.elevation_m->view(), area.mask, s.elevation_m.view(),
                           coverage.view());
        s.mask = CellMask(grid);
        for (std::size_t i = 0; i < grid.cell_count(); ++i) {
            // A model cell needs elevation over at least half of its area.
            if (!(coverage[i] >= 0.5F)) {
                s.mask.set(i, CellStatus::no_data);
                s.elevation_m[i] = kernels::no_data_value<float>;
            }
        }
        std::array<Raster<float>, kernels::land_cover_class_count> fractions;
        for (const LandCover c : kernels::all_land_cover_classes) {
            const std::size_t k = kernels::land_cover_index(c);
            fractions[k] = aggregate(lc.fractions[k], area.mask, grid);
        }
        s.sealed_fraction = aggregate(lc.impervious_fraction, area.mask, grid);
        s.canopy_fraction = aggregate(lc.tree_canopy_fraction, area.mask, grid);
        s.building_fraction =
            fractions[kernels::land_cover_index(LandCover::building)].clone();
        // Mean height over the building part: aggregate height x fraction, divide by fraction.
        Raster<float> volume(fine, 0.0F);
        const Raster<float>& building = lc.fractions[kernels::land_cover_index(LandCover::building)];
        for (std::size_t i = 0; i < fine.cell_count(); ++i) {
            volume[i] = area.mask.has_data(i) ? building[i] * lc.building_height_m[i] : 0.0F;
        }
        const Raster<float> mean_volume = aggregate(volume, area.mask, grid);
        s.building_height_m = Raster<float>(grid, 0.0F);
        s.land_cover = Raster<std::uint8_t>(grid, 0);
        for (std::size_t i = 0; i < grid.cell_count(); ++i) {
            if (!s.mask.has_data(i)) {
                continue;
            }
            const float f = s.building_fraction[i];
            s.building_height_m[i] = f > 0.0F ? mean_volume[i] / f : 0.0F;
            std::size_t best = 0;
            for (std::size_t k = 1; k < kernels::land_cover_class_count; ++k) {
                if (fractions[k][i] > fractions[best][i]) {
                    best = k;
                }
            }
            s.land_cover[i] = static_cast<std::uint8_t>(kernels::all_land_cover_classes[best]);
        }
    }
    for (std::size_t i = 0; i < s.grid().cell_count(); ++i) {
        if (!s.mask.has_data(i)) {
            continue;
        }
        s.sealed_fraction[i] = clamp01(s.sealed_fraction[i]);
        s.canopy_fraction[i] = clamp01(s.canopy_fraction[i]);
        s.building_fraction[i] = clamp01(s.building_fraction[i]);
        if (!std::isfinite(s.building_height_m[i]) || s.building_height_m[i] < 0.0F) {
            s.building_height_m[i] = 0.0F;
        }
    }
    return s;
}

Raster<std::uint8_t> load_class_on_model_grid(const Raster<std::uint8_t>& fine_class,
                                              const CellMask& fine_mask,
                                              const GridSpec& model_grid) {
    const GridSpec& fine = fine_mask.spec();
    kernels::require_same_shape(fine, fine_class.spec(), "load_class_on_model_grid");
    if (same_cells(fine, model_grid)) {
        return fine_class.clone();
    }
    Raster<std::uint8_t> coarse_class(model_grid, 0);
    Raster<float> at_least(fine, 0.0F);
    Raster<float> share(model_grid);
    Raster<float> coverage(model_grid);
    // Class k where cells of class >= k cover at least half of the model cell's area with data:
    // the shares fall with k, so the largest such k is the class.
    for (std::uint8_t k = 1; k <= 5; ++k) {
        for (std::size_t i = 0; i < fine.cell_count(); ++i) {
            at_least[i] = fine_class[i] >= k ? 1.0F : 0.0F;
        }
        kc::aggregate_mean(at_least.view(), fine_mask, share.view(), coverage.view());
        for (std::size_t i = 0; i < model_grid.cell_count(); ++i) {
            if (share[i] >= 0.5F) {
                coarse_class[i] = k;
            }
        }
    }
    return coarse_class;
}

ColdAirSurface coldair_surface_for_scenario(const Scenario& scenario, const StudyArea& area,
                                            const ThermalRun* thermal) {
    const ColdAirModelSettings& settings = scenario.models.coldair;
    ColdAirSurface surface = coldair_surface_from_study_area(area, settings.resolution_m);
    if (effective_settlement_cells(settings.settlement_cells, scenario.models.thermal.enabled) ==
        ColdAirSettlementCells::thermal_load) {
        if (!scenario.models.thermal.enabled) {
            throw ConfigError("models.coldair.settlement.cells: thermal_load needs the "
                              "thermal-load classes of models.thermal, which is not enabled; set "
                              "models.thermal.enabled: true or settlement.cells: sealed");
        }
        log_info("cold air: thermal-load classes of the study area for the settlements "
                 "(models.thermal)");
        std::optional<ThermalRun> own;
        if (thermal == nullptr) {
            own.emplace(run_thermal(area, scenario.models.thermal));
            thermal = &*own;
        }
        surface.load_class = load_class_on_model_grid(thermal->load_class, area.mask,
                                                      surface.grid());
        for (std::size_t i = 0; i < surface.grid().cell_count(); ++i) {
            if (!surface.mask.has_data(i)) {
                surface.load_class[i] = 0;
            }
        }
    }
    return surface;
}

ColdAirSurface coldair_surface_from_classes(const Raster<float>& elevation_m,
                                            const CellMask& mask,
                                            const Raster<std::uint8_t>& classes,
                                            double building_height_m, const std::string& source) {
    const GridSpec& g = mask.spec();
    ColdAirSurface s;
    s.mask = mask.clone();
    s.elevation_m = elevation_m.clone();
    s.land_cover = Raster<std::uint8_t>(g, 0);
    s.sealed_fraction = Raster<float>(g, 0.0F);
    s.canopy_fraction = Raster<float>(g, 0.0F);
    s.building_fraction = Raster<float>(g, 0.0F);
    s.building_height_m = Raster<float>(g, 0.0F);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                continue;
            }
            const std::uint8_t code = classes(r, c);
            if (code < 1 || code > kernels::land_cover_class_count) {
                throw InputError(source + ": the value " + std::to_string(code) + " at row " +
                                 std::to_string(r) + ", column " + std::to_string(c) +
                                 " is not a land-cover class (1 building .. 8 agriculture)");
            }
            const auto k = static_cast<LandCover>(code);
            s.land_cover(r, c) = code;
            s.sealed_fraction(r, c) = is_sealed(k) ? 1.0F : 0.0F;
            s.canopy_fraction(r, c) = k == LandCover::trees ? 1.0F : 0.0F;
            if (k == LandCover::building) {
                s.building_fraction(r, c) = 1.0F;
                s.building_height_m(r, c) = static_cast<float>(building_height_m);
            }
        }
    }
    return s;
}

ColdAirRun run_coldair(const ColdAirSurface& surface, const ColdAirModelSettings& settings) {
    const StepTimer timer;
    const GridSpec& g = surface.grid();
    if (surface.mask.count_with_data() == 0) {
        throw InputError("cold air: the model grid has no cell with elevation data");
    }
    if (settings.resolution_m > 50.0) {
        log_warning("cold air: the model grid of " + format_hours(settings.resolution_m) +
                    " m is coarser than the 10-50 m of KLAM_21 studies; valleys and corridors "
                    "narrower than a few cells are lost");
    }
    ColdAirRun run;
    run.mode = settings.mode;
    try {
        kc::ProductionTable table;
        table.rate_m3_per_m2_h = settings.production_m3_per_m2_h;
        run.production_m3_per_m2_h = Raster<float>(g);
        kc::ProductionFractions fractions;
        fractions.impervious_fraction = surface.sealed_fraction.view();
        fractions.canopy_fraction = surface.canopy_fraction.view();
        kc::compute_production(surface.land_cover.view(), surface.mask, table, fractions,
                               run.production_m3_per_m2_h.view());
        const bool has_classes = surface.load_class.size() == g.cell_count();
        run.settlement_cells = effective_settlement_cells(settings.settlement_cells, has_classes);
        if (run.settlement_cells == ColdAirSettlementCells::thermal_load && !has_classes) {
            throw ConfigError("models.coldair.settlement.cells: thermal_load needs the "
                              "thermal-load classes of models.thermal, which this run does not "
                              "have; enable models.thermal or set settlement.cells: sealed");
        }
        run.settlement = Raster<std::uint8_t>(g, 0);
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            if (!surface.mask.has_data(i)) {
                continue;
            }
            const bool settlement =
                run.settlement_cells == ColdAirSettlementCells::thermal_load
                    ? static_cast<int>(surface.load_class[i]) >= settings.settlement_min_load_class
                    : static_cast<double>(surface.sealed_fraction[i]) >=
                          settings.settlement_min_sealed_fraction;
            if (settlement) {
                run.settlement[i] = 1;
                ++run.settlement_cell_count;
            }
        }
        log_info("cold air: " + std::string(coldair_mode_name(settings.mode)) + " on " +
                 std::to_string(g.cols) + " x " + std::to_string(g.rows) + " cells of " +
                 format_hours(g.cell_size_x_m) + " m, " +
                 std::to_string(run.settlement_cell_count) + " settlement cells (" +
                 std::string(coldair_settlement_cells_name(run.settlement_cells)) + "), " +
                 format_hours(settings.duration_h) + " h");
        if (settings.mode == ColdAirMode::layer) {
            run_layer(surface, settings, run);
        } else {
            run_screening(surface, settings, run);
        }
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("models.coldair: ") + e.what());
    }
    run.wall_time_s = timer.seconds();
    log_info("cold air: " + std::to_string(run.step_count) + " steps in " +
             format_rate(run.wall_time_s) + " s");
    return run;
}

Table settlement_inflow_table(const ColdAirRun& run) {
    std::vector<double> times;
    std::vector<double> inflow;
    std::vector<double> supplied;
    for (const ColdAirTimeSlice& s : run.slices) {
        times.push_back(s.time_h);
        inflow.push_back(s.total_inflow_m3_per_s);
        supplied.push_back(run.settlement_cell_count > 0
                               ? static_cast<double>(s.supplied_cells) /
                                     static_cast<double>(run.settlement_cell_count)
                               : 0.0);
    }
    Table table;
    table.add_column("time_h", std::move(times), "h");
    table.add_column("inflow_m3_per_s", std::move(inflow), "m3 s-1");
    table.add_column("supplied_settlement_share", std::move(supplied), "1");
    return table;
}

std::vector<std::string> corridor_class_meanings() {
    return {"no_corridor", "settlement", "corridor_low", "corridor_moderate", "corridor_high",
            "corridor_very_high"};
}

std::vector<std::string> flow_speed_class_meanings() {
    return {"weak", "moderate", "strong", "very_strong"};
}

std::vector<std::string> supply_class_meanings() {
    return {"with_cold_air_supply", "without_cold_air_supply"};
}

void write_coldair_results(ResultsWriter& out, const std::string& group, const ColdAirRun& run,
                           const ColdAirSurface& surface, const ColdAirModelSettings& settings) {
    const CellMask& mask = surface.mask;
    out.write_raster(group,
                     {"production_m3_per_m2_h", "m3 m-2 h-1", "cold-air production rate", "",
                      "kernels/coldair/production.hpp", {}, {}},
                     run.production_m3_per_m2_h, mask);
    if (run.mode == ColdAirMode::layer) {
        out.write_raster(group,
                         {"drag_coefficient", "1", "drag coefficient c_D of the layer", "",
                          "log law at the reference depth (roughness.hpp)", {}, {}},
                         run.drag_coefficient, mask);
        out.write_raster(group,
                         {"displacement_height_m", "m",
                          "displacement height of buildings (Macdonald et al. 1998)", "", "", {},
                          {}},
                         run.displacement_height_m, mask);
    }
    const auto& b = settings.corridors.flux_breaks_m2_per_s;
    const std::string breaks = format_hours(b[0]) + ", " + format_hours(b[1]) + ", " +
                               format_hours(b[2]) + " m3/(m s)";
    const auto& sb = settings.flow_speed.speed_breaks_m_per_s;
    const std::string speed_breaks = format_hours(sb[0]) + ", " + format_hours(sb[1]) + ", " +
                                     format_hours(sb[2]) + " m/s";
    const bool thermal = run.settlement_cells == ColdAirSettlementCells::thermal_load;
    const std::string settlement_text =
        thermal ? "thermally loaded settlements (thermal-load class >= " +
                      std::to_string(settings.settlement_min_load_class) + ")"
                : "settlements (sealed fraction >= " +
                      format_hours(settings.settlement_min_sealed_fraction) + ")";
    CellMask settlement_mask(mask.spec(), CellStatus::no_data);
    for (std::size_t i = 0; i < mask.spec().cell_count(); ++i) {
        if (run.settlement[i] != 0) {
            settlement_mask.set(i, CellStatus::active);
        }
    }
    if (thermal) {
        LayerMeta class_meta{"thermal_load_class", "1",
                             "thermal-load class of models.thermal on the cold-air grid", "",
                             "class k where cells of class >= k cover at least half of the "
                             "cell's area with data",
                             {1, 2, 3, 4, 5},
                             {"very_low", "low", "moderate", "high", "very_high"}};
        CellMask classed(mask.spec(), CellStatus::no_data);
        for (std::size_t i = 0; i < mask.spec().cell_count(); ++i) {
            if (mask.has_data(i) && surface.load_class[i] > 0) {
                classed.set(i, CellStatus::active);
            }
        }
        out.write_raster(group, class_meta, surface.load_class, classed);
    }
    for (const ColdAirTimeSlice& s : run.slices) {
        const std::string t = coldair_time_label(s.time_h);
        std::string when(" ");
        when += format_hours(s.time_h);
        when += " h after sunset";
        out.write_raster(group, {"height_m_" + t + "h", "m", "cold-air layer height" + when, "",
                                 "above terrain plus displacement height", {}, {}},
                         s.height_m, mask);
        out.write_raster(group, {"u_m_per_s_" + t + "h", "m s-1",
                                 "cold-air velocity, east component" + when, "", "", {}, {}},
                         s.u_m_per_s, mask);
        out.write_raster(group, {"v_m_per_s_" + t + "h", "m s-1",
                                 "cold-air velocity, north component" + when, "", "", {}, {}},
                         s.v_m_per_s, mask);
        out.write_raster(group, {"speed_m_per_s_" + t + "h", "m s-1", "cold-air speed" + when,
                                 "", "", {}, {}},
                         s.speed_m_per_s, mask);
        out.write_raster(group, {"volume_flux_m2_per_s_" + t + "h", "m2 s-1",
                                 "cold-air volume flux density (height x speed)" + when, "",
                                 "m3 per metre of cross-section and second", {}, {}},
                         s.volume_flux_m2_per_s, mask);
        out.write_raster(group, {"settlement_inflow_m3_per_s_" + t + "h", "m3 s-1",
                                 "cold-air inflow into the settlement cell from "
                                 "non-settlement neighbours" + when,
                                 "", "0 outside settlements", {}, {}},
                         s.settlement_inflow_m3_per_s, mask);
        LayerMeta meta{"corridor_class_" + t + "h", "1",
                       "cold-air corridors into settlements by volume flux density" + when, "",
                       "class breaks " + breaks + " (lauter's choice, docs/coldair.md)", {}, {}};
        for (int v = 1; v <= 6; ++v) {
            meta.flag_values.push_back(v);
        }
        meta.flag_meanings = corridor_class_meanings();
        out.write_raster(group, meta, s.corridor_class, mask);
        LayerMeta speed_meta{"flow_speed_class_" + t + "h", "1",
                             "cold-air flow-speed class" + when, "",
                             "class breaks " + speed_breaks +
                                 " (Leipzig's flow-field classes, presumably m/s; docs/coldair.md)",
                             {1, 2, 3, 4}, flow_speed_class_meanings()};
        out.write_raster(group, speed_meta, s.flow_speed_class, mask);
        LayerMeta supply_meta{"settlement_supply_" + t + "h", "1",
                              "cold-air supply of " + settlement_text + when, "",
                              "supplied: reached from outside by a unit inflow of at least " +
                                  format_hours(settings.supply.min_unit_inflow_m2_per_s) +
                                  " m2/s (kernels/coldair/supply.hpp)",
                              {1, 2}, supply_class_meanings()};
        out.write_raster(group, supply_meta, s.supply_class, settlement_mask);
    }
    out.write_table(group, "settlement_inflow", settlement_inflow_table(run));
    out.set_group_attribute(group, "mode", std::string(coldair_mode_name(run.mode)));
    out.set_group_number(group, "duration_h", settings.duration_h);
    out.set_group_number(group, "resolution_m", surface.grid().cell_size_x_m);
    out.set_group_number(group, "production_m3", run.production_m3);
    out.set_group_number(group, "outflow_m3", run.outflow_m3);
    out.set_group_number(group, "storage_m3", run.storage_m3);
    out.set_group_number(group, "volume_residual_m3", run.residual_m3);
    out.set_group_number(group, "step_count", static_cast<double>(run.step_count));
    out.set_group_number(group, "wall_time_s", run.wall_time_s);
    out.set_group_attribute(group, "corridor_class_breaks", breaks);
    out.set_group_attribute(group, "flow_speed_class_breaks", speed_breaks);
    out.set_group_attribute(group, "settlement_cells",
                            std::string(coldair_settlement_cells_name(run.settlement_cells)));
    out.set_group_number(group, "settlement_cell_count",
                         static_cast<double>(run.settlement_cell_count));
}

} // namespace lauter::sim
