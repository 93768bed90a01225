// The thermal and cold-air runs a scenario's tasks share through ModelCache (run.hpp): one run of
// each, bitwise identical to the runs each task computed on its own, and a new run whenever the
// settings, a settings modification or the study area change.
#include <catch2/catch.hpp>

#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/modifications.hpp>
#include <lauter/sim/run.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/thermal_coupling.hpp>
#include <lauter/sim/thermal_model.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <algorithm>
#include <cstring>
#include <string>

using namespace lauter;
using namespace lauter::test;
using kernels::Raster;

namespace {

/// Thermal and cold air on the slope, with the cold-air coupling on or off; the settlements
/// default to the thermal-load classes. `extra` is appended (modifications).
std::string cache_scenario_text(bool coupling, const std::string& extra = "") {
    return cold_air_slope_scenario_head() +
           "  thermal:\n"
           "    enabled: true\n"
           "    sky_view_factor: {directions: 4, search_radius_m: 100}\n"
           "    night: {cold_air_coupling: " +
           std::string(coupling ? "on" : "off") +
           ", cold_air_min_depth_m: 0}\n"
           "  coldair:\n"
           "    enabled: true\n"
           "    duration_h: 0.5\n"
           "    output_times_h: [0.25, 0.5]\n"
           "    resolution_m: 20\n" +
           extra;
}

template <typename T> bool same_bytes(const Raster<T>& a, const Raster<T>& b) {
    return a.spec().cell_count() == b.spec().cell_count() &&
           std::memcmp(a.data(), b.data(), a.spec().cell_count() * sizeof(T)) == 0;
}

bool same_cold_air(const sim::ColdAirRun& a, const sim::ColdAirRun& b) {
    if (a.slices.size() != b.slices.size() || !same_bytes(a.settlement, b.settlement) ||
        !same_bytes(a.production_m3_per_m2_h, b.production_m3_per_m2_h)) {
        return false;
    }
    for (std::size_t k = 0; k < a.slices.size(); ++k) {
        if (!same_bytes(a.slices[k].height_m, b.slices[k].height_m) ||
            !same_bytes(a.slices[k].speed_m_per_s, b.slices[k].speed_m_per_s) ||
            !same_bytes(a.slices[k].settlement_inflow_m3_per_s,
                        b.slices[k].settlement_inflow_m3_per_s)) {
            return false;
        }
    }
    return true;
}

/// The cold-air slope inputs in `dir` and the scenario with both models and the coupling on.
sim::Scenario coupled_slope_scenario(TempDir& dir) {
    write_cold_air_slope_inputs(dir.path(), "residential");
    dir.write("on.yaml", cache_scenario_text(true));
    return sim::load_scenario(dir / "on.yaml");
}

} // namespace

TEST_CASE("model cache: the thermal and cold-air tasks share one run of each, bitwise equal to "
          "their own runs",
          "[cache]") {
    TempDir dir("model-cache-share");
    const sim::Scenario s = coupled_slope_scenario(dir);
    const sim::StudyArea area = sim::prepare_study_area(s);

    // Each task on its own, as without the cache: the cold-air surface runs the thermal model
    // itself, and the coupled thermal run runs the cold-air model once more.
    const sim::ThermalRun plain = sim::run_thermal(area, s.models.thermal);
    const sim::ColdAirSurface surface = sim::coldair_surface_for_scenario(s, area);
    const sim::ColdAirRun cold = sim::run_coldair(surface, s.models.coldair);
    sim::ThermalRun coupled = sim::run_thermal(area, s.models.thermal);
    sim::couple_thermal_to_cold_air(coupled, area, s.models.thermal, cold, surface);
    REQUIRE(cold.settlement_cells == sim::ColdAirSettlementCells::thermal_load);
    REQUIRE(cold.settlement_cell_count > 0);

    sim::ModelCache cache;
    const sim::ThermalRun& shared = cache.thermal_run(s, area);
    CHECK(&cache.thermal_run(s, area) == &shared);
    CHECK(same_bytes(shared.utci_c, plain.utci_c));
    CHECK(same_bytes(shared.load_class, plain.load_class));
    CHECK(same_bytes(shared.uhi_night_k, plain.uhi_night_k));

    const sim::ModelCache::ColdAir& shared_cold = cache.cold_air(s, area);
    CHECK(&cache.cold_air(s, area) == &shared_cold);
    CHECK(same_bytes(shared_cold.surface.load_class, surface.load_class));
    CHECK(same_cold_air(shared_cold.run, cold));

    // The coupled thermal task takes the cached cold-air run (the same object stays cached for
    // the cold-air task) and the uncoupled run.
    const sim::ThermalRun shared_coupled = sim::run_thermal_coupled(s, area, cache);
    CHECK(&cache.cold_air(s, area) == &shared_cold);
    CHECK(same_bytes(shared_coupled.uhi_night_coupled_k, coupled.uhi_night_coupled_k));
    CHECK(same_bytes(shared_coupled.cold_air_share, coupled.cold_air_share));
    CHECK(same_bytes(shared_coupled.load_class, coupled.load_class));
    CHECK(same_bytes(shared_coupled.residents, coupled.residents));
    CHECK(shared_coupled.residents_by_class.residents == coupled.residents_by_class.residents);
    CHECK(shared_coupled.residents_by_class.total == coupled.residents_by_class.total);
}

TEST_CASE("model cache: changed settings, a settings modification or a changed study area get "
          "a new run",
          "[cache]") {
    TempDir dir("model-cache-keys");
    write_cold_air_slope_inputs(dir.path(), "residential");
    dir.write("base.yaml", cache_scenario_text(false));
    // A cooler day: hot_day edits models.thermal.weather after the scenario was resolved.
    dir.write("cool.yaml", cache_scenario_text(false, "modifications:\n"
                                                      "  - type: hot_day\n"
                                                      "    air_temperature_c: 24\n"
                                                      "    daily_max_temperature_c: 25\n"));
    dir.write("screening.yaml", cache_scenario_text(false) + "    mode: screening\n");
    const sim::Scenario base = sim::load_scenario(dir / "base.yaml");
    const sim::StudyArea area = sim::prepare_study_area(base);
    sim::Scenario cool = sim::load_scenario(dir / "cool.yaml");
    sim::StudyArea cool_area = sim::clone_study_area(area);
    sim::apply_modifications(cool.modifications, cool, cool_area);
    const sim::Scenario screening = sim::load_scenario(dir / "screening.yaml");

    sim::ModelCache cache;
    const sim::ThermalRun base_run = sim::run_thermal(area, base.models.thermal);
    CHECK(same_bytes(cache.thermal_run(base, area).utci_c, base_run.utci_c));
    static_cast<void>(cache.cold_air(base, area));

    // The modification: a new thermal run and cold-air surface, those of the cool day.
    const sim::ThermalRun cool_run = sim::run_thermal(cool_area, cool.models.thermal);
    REQUIRE_FALSE(same_bytes(cool_run.utci_c, base_run.utci_c));
    CHECK(same_bytes(cache.thermal_run(cool, cool_area).utci_c, cool_run.utci_c));
    CHECK(same_bytes(cache.cold_air(cool, cool_area).surface.load_class,
                     sim::coldair_surface_for_scenario(cool, cool_area).load_class));

    // A cold-air setting alone: the cold-air run again, with the base scenario's thermal run.
    const sim::ColdAirRun screening_cold = sim::run_coldair(
        sim::coldair_surface_for_scenario(screening, area), screening.models.coldair);
    REQUIRE_FALSE(same_cold_air(screening_cold,
                                sim::run_coldair(sim::coldair_surface_for_scenario(base, area),
                                                 base.models.coldair)));
    CHECK(same_cold_air(cache.cold_air(screening, area).run, screening_cold));

    // The study area: a raised cell changes the DSM under the same settings.
    sim::StudyArea raised = sim::clone_study_area(area);
    const std::size_t cell = area.grid.index(area.grid.rows / 2, area.grid.cols / 4);
    (*raised.elevation_m)[cell] += 30.0F;
    const sim::ThermalRun raised_run = sim::run_thermal(raised, base.models.thermal);
    REQUIRE_FALSE(same_bytes(raised_run.sky_view_factor, base_run.sky_view_factor));
    CHECK(same_bytes(cache.thermal_run(base, raised).sky_view_factor,
                     raised_run.sky_view_factor));
}

TEST_CASE("model cache: lauter run with the coupling writes the thermal and cold-air results of "
          "each model run alone",
          "[cache]") {
    TempDir dir("model-cache-run");
    const sim::Scenario s = coupled_slope_scenario(dir);
    // With the cache: run_scenario shares the runs between the two tasks.
    sim::run_scenario(s, dir / "shared.h5");
    // Without: each model on its own, as run_model without a cache does.
    {
        const sim::StudyArea area = sim::prepare_study_area(s);
        sim::ResultsWriter out(dir / "alone.h5", sim::results_root_attributes(s, "alone"),
                               sim::results_write_options(s));
        for (const sim::ModelKind model : {sim::ModelKind::thermal, sim::ModelKind::coldair}) {
            sim::run_model(model, s, area, out, "/night/" + std::string(sim::model_name(model)));
        }
        out.commit();
    }
    std::size_t layers = 0;
    for (const sim::LayerInfo& info : sim::list_layers(dir / "alone.h5")) {
        const sim::ReadLayer a = sim::read_raster_layer(dir / "alone.h5", info.path);
        const sim::ReadLayer b = sim::read_raster_layer(dir / "shared.h5", info.path);
        INFO(info.path);
        CHECK(same_bytes(a.values, b.values));
        ++layers;
    }
    CHECK(layers > 20);
    std::size_t tables = 0;
    for (const sim::TableInfo& info : sim::list_tables(dir / "alone.h5")) {
        const sim::Table a = sim::read_table(dir / "alone.h5", info.path);
        const sim::Table b = sim::read_table(dir / "shared.h5", info.path);
        INFO(info.path);
        REQUIRE(a.column_count() == b.column_count());
        for (std::size_t k = 0; k < a.column_count(); ++k) {
            CHECK(a.columns()[k].name == b.columns()[k].name);
            CHECK(a.columns()[k].values == b.columns()[k].values);
        }
        ++tables;
    }
    CHECK(tables > 0);
    for (const std::string group : {"/night/thermal", "/night/coldair"}) {
        auto a = sim::read_attributes(dir / "alone.h5", group);
        auto b = sim::read_attributes(dir / "shared.h5", group);
        const auto timing = [](const auto& item) { return item.first == "wall_time_s"; };
        a.erase(std::remove_if(a.begin(), a.end(), timing), a.end());
        b.erase(std::remove_if(b.begin(), b.end(), timing), b.end());
        INFO(group);
        CHECK(a.size() > 5);
        CHECK(a == b);
    }
}
