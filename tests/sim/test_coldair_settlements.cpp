// Cold air and thermally loaded settlements (issue 4 "the paths that reach thermally loaded
// settlements"): load classes on the cold-air grid, settlements from them, cold-air supply and
// flow-speed classes through the model, the scenario and the HDF5 results, the batch
// fingerprint, and the exit code of settlement.cells: thermal_load without models.thermal.
#include <catch2/catch.hpp>

#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/run.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/thermal_model.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <omp.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace lauter;
using namespace lauter::test;
namespace fs = std::filesystem;
using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::Raster;

namespace {

constexpr double origin_x = 410000.0;
constexpr double origin_y = 5475400.0;

std::string scenario_text(const std::string& coldair_extra, bool thermal) {
    return cold_air_slope_scenario_head() +
           "  thermal:\n"
           "    enabled: " +
           std::string(thermal ? "true" : "false") +
           "\n"
           "    sky_view_factor: {directions: 8, search_radius_m: 200}\n"
           "  coldair:\n"
           "    enabled: true\n"
           "    duration_h: 0.5\n"
           "    output_times_h: [0.5]\n"
           "    resolution_m: 20\n" +
           coldair_extra;
}

} // namespace

TEST_CASE("thermal-load classes on the cold-air grid: class k where k or above covers half",
          "[coldair_model][coldair4]") {
    const GridSpec fine = make_grid(4, 4, 10.0, 10.0, origin_x, origin_y);
    CellMask mask(fine);
    mask.set(3, 1, CellStatus::no_data);
    Raster<std::uint8_t> classes(fine, 0);
    // 2 x 2 blocks of the 20 m grid, row-major within each block:
    // (0,0): 3 3 / 0 1 -> shares of >= 1, 2, 3, 4: 3/4, 1/2, 1/2, 0 -> 3
    // (0,1): 5 0 / 0 0 -> 1/4 of >= 1 -> 0
    // (1,0): 2 2 / 4 (no data) -> of the 3 cells with data: 1, 1, 1/3 -> 2
    // (1,1): 1 1 / 5 5 -> 1, 1/2 up to 5 -> 5
    const std::vector<std::uint8_t> values = {3, 3, 5, 0, 0, 1, 0, 0, 2, 2, 1, 1, 4, 0, 5, 5};
    for (std::size_t i = 0; i < values.size(); ++i) {
        classes[i] = values[i];
    }
    const GridSpec coarse = kernels::coldair::coarsened_grid(fine, 20.0);
    const Raster<std::uint8_t> out = sim::load_class_on_model_grid(classes, mask, coarse);
    REQUIRE(out.spec().rows == 2);
    CHECK(out(0, 0) == 3);
    CHECK(out(0, 1) == 0);
    CHECK(out(1, 0) == 2);
    CHECK(out(1, 1) == 5);
    // The study grid itself: a copy.
    const Raster<std::uint8_t> same = sim::load_class_on_model_grid(classes, mask, fine);
    CHECK(std::memcmp(same.data(), classes.data(), classes.size()) == 0);
}

TEST_CASE("cold air: settlements from load classes, supply and flow-speed classes",
          "[coldair_model][coldair4]") {
    // 30 x 60 cells of 10 m sloping 5 % east, open land; load class 4 on columns 50-54, 2 on
    // 55-59 (downslope), 4 on columns 0-2 (the ridge, which cold air leaves but never enters).
    const GridSpec g = make_grid(30, 60, 10.0, 10.0, origin_x, origin_y);
    const CellMask mask(g);
    Raster<float> dem(g);
    const Raster<std::uint8_t> classes(g,
                                       static_cast<std::uint8_t>(kernels::LandCover::open_land));
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            dem(r, c) = static_cast<float>(300.0 - 0.5 * static_cast<double>(c));
        }
    }
    sim::ColdAirSurface surface = sim::coldair_surface_from_classes(dem, mask, classes, 10.0, "t");
    sim::ColdAirModelSettings settings;
    settings.duration_h = 0.5;
    settings.output_times_h = {0.5};
    settings.resolution_m = 10.0;

    // Without load classes, auto means sealed (none here), and thermal_load is refused.
    const sim::ColdAirRun sealed = sim::run_coldair(surface, settings);
    CHECK(sealed.settlement_cells == sim::ColdAirSettlementCells::sealed);
    CHECK(sealed.settlement_cell_count == 0);
    settings.settlement_cells = sim::ColdAirSettlementCells::thermal_load;
    CHECK_THROWS_AS(sim::run_coldair(surface, settings), sim::ConfigError);
    settings.settlement_cells = sim::ColdAirSettlementCells::automatic;

    surface.load_class = Raster<std::uint8_t>(g, 0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            surface.load_class(r, c) = c >= 50 && c < 55 ? 4 : c >= 55 ? 2 : c < 3 ? 4 : 0;
        }
    }
    const sim::ColdAirRun run = sim::run_coldair(surface, settings);
    CHECK(run.settlement_cells == sim::ColdAirSettlementCells::thermal_load);
    CHECK(run.settlement_cell_count == 30 * 8);
    const sim::ColdAirTimeSlice& s = run.slices.back();
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const bool loaded = (c >= 50 && c < 55) || c < 3;
            REQUIRE(run.settlement(r, c) == (loaded ? 1 : 0));
            // Inflow only across the western edge of the loaded block (column 50).
            if (c != 50) {
                CHECK(s.settlement_inflow_m3_per_s(r, c) == 0.0F);
            }
            // Supply: the block is reached from upslope; the ridge cells only lose air.
            const std::uint8_t expected_supply = c >= 50 && c < 55 ? 1 : c < 3 ? 2 : 0;
            CHECK(s.supply_class(r, c) == expected_supply);
            // Flow-speed classes follow the speed with Leipzig's breaks.
            const double v = static_cast<double>(s.speed_m_per_s(r, c));
            const int expected_speed = v <= 0.2 ? 1 : v <= 0.3 ? 2 : v <= 0.5 ? 3 : 4;
            CHECK(static_cast<int>(s.flow_speed_class(r, c)) == expected_speed);
        }
    }
    CHECK(s.total_inflow_m3_per_s > 0.0);
    CHECK(s.supplied_cells == 30 * 5);
    // A stricter class threshold drops the block: no settlement, no inflow.
    settings.settlement_min_load_class = 5;
    const sim::ColdAirRun strict = sim::run_coldair(surface, settings);
    CHECK(strict.settlement_cell_count == 0);
    CHECK(strict.slices.back().total_inflow_m3_per_s == 0.0);
    // Sealed on request, although load classes are there.
    settings.settlement_cells = sim::ColdAirSettlementCells::sealed;
    CHECK(sim::run_coldair(surface, settings).settlement_cells ==
          sim::ColdAirSettlementCells::sealed);

    // 1 vs 2 threads: the new layers are bitwise identical as well.
    settings.settlement_cells = sim::ColdAirSettlementCells::automatic;
    settings.settlement_min_load_class = 3;
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    const sim::ColdAirRun one = sim::run_coldair(surface, settings);
    omp_set_num_threads(2);
    const sim::ColdAirRun two = sim::run_coldair(surface, settings);
    omp_set_num_threads(before);
    const auto& a = one.slices.back();
    const auto& b = two.slices.back();
    CHECK(std::memcmp(a.supply_class.data(), b.supply_class.data(), a.supply_class.size()) == 0);
    CHECK(std::memcmp(a.flow_speed_class.data(), b.flow_speed_class.data(),
                      a.flow_speed_class.size()) == 0);
}

TEST_CASE("scenario: cold air with models.thermal takes the thermally loaded settlements",
          "[coldair_model][coldair4]") {
    TempDir dir("coldair-thermal");
    write_cold_air_slope_inputs(dir.path(), "yes");
    dir.write("s.yaml", scenario_text("    settlement: {min_load_class: 1}\n", true));
    const sim::Scenario s = sim::load_scenario(dir / "s.yaml");
    CHECK(s.models.coldair.settlement_cells == sim::ColdAirSettlementCells::automatic);
    const sim::StudyArea area = sim::prepare_study_area(s);
    const sim::ColdAirSurface surface = sim::coldair_surface_for_scenario(s, area);
    // The classes are those of the thermal model, aggregated onto the 20 m grid.
    const sim::ThermalRun thermal = sim::run_thermal(area, s.models.thermal);
    const Raster<std::uint8_t> expected =
        sim::load_class_on_model_grid(thermal.load_class, area.mask, surface.grid());
    REQUIRE(surface.load_class.size() == surface.grid().cell_count());
    CHECK(std::memcmp(surface.load_class.data(), expected.data(), expected.size()) == 0);
    const sim::ColdAirRun run = sim::run_coldair(surface, s.models.coldair);
    std::size_t classed = 0;
    for (std::size_t i = 0; i < surface.grid().cell_count(); ++i) {
        const bool loaded = surface.load_class[i] >= 1;
        classed += loaded ? 1 : 0;
        CHECK(run.settlement[i] == (loaded ? 1 : 0));
    }
    CHECK(classed > 0);
    CHECK(run.settlement_cell_count == classed);

    // Through run_scenario into HDF5.
    const fs::path out = dir / "out.h5";
    sim::run_scenario(s, out);
    CHECK(sim::read_attribute(out, "/night/coldair", "settlement_cells") == "thermal_load");
    const auto load = sim::read_raster_layer(out, "/night/coldair/thermal_load_class");
    CHECK(load.meta.flag_values.size() == 5);
    const auto speed = sim::read_raster_layer(out, "/night/coldair/flow_speed_class_0p5h");
    CHECK(speed.meta.flag_meanings ==
          std::vector<std::string>{"weak", "moderate", "strong", "very_strong"});
    const auto supply = sim::read_raster_layer(out, "/night/coldair/settlement_supply_0p5h");
    CHECK(supply.meta.flag_meanings == sim::supply_class_meanings());
    std::size_t supply_cells = 0;
    for (std::size_t i = 0; i < supply.values.size(); ++i) {
        if (supply.mask.has_data(i)) {
            ++supply_cells;
            CHECK(static_cast<int>(supply.values[i]) == run.slices.back().supply_class[i]);
        }
    }
    CHECK(supply_cells == classed);
    const sim::Table table = sim::read_table(out, "/night/coldair/settlement_inflow");
    CHECK(table.row_count() == 1);

    // settlement.cells: sealed keeps the sealed cells although thermal runs.
    dir.write("sealed.yaml", scenario_text("    settlement: {cells: sealed}\n", true));
    const sim::Scenario sealed = sim::load_scenario(dir / "sealed.yaml");
    CHECK(sim::coldair_surface_for_scenario(sealed, area).load_class.size() == 0);
}

TEST_CASE("lauter run: settlement.cells thermal_load without models.thermal exits with 2",
          "[coldair_model][coldair4][e2e]") {
    TempDir dir("coldair-no-thermal");
    write_cold_air_slope_inputs(dir.path(), "yes");
    dir.write("s.yaml", scenario_text("    settlement: {cells: thermal_load}\n", false));
    const CommandResult r = run_lauter_scenario(dir / "s.yaml", dir / "out.h5");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("s.yaml") != std::string::npos);
    CHECK(r.err.find("settlement.cells") != std::string::npos);
    CHECK(r.err.find("models.thermal.enabled: true") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out.h5"));
}

TEST_CASE("batch: the cold-air fingerprint follows the thermal settings only with thermal_load",
          "[coldair_model][coldair4][batch]") {
    TempDir dir("coldair-fingerprint");
    write_cold_air_slope_inputs(dir.path(), "yes");
    dir.write("s.yaml", scenario_text("", true));
    // Two members change only the thermal model (its sky view factor), two more do the same
    // with settlement.cells: sealed.
    dir.write("b.yaml",
              "batch: fp\n"
              "base: s.yaml\n"
              "scenarios:\n"
              "  - name: svf4\n"
              "    set: [\"models.thermal.sky_view_factor.directions=4\"]\n"
              "  - name: sealed\n"
              "    set: [\"models.coldair.settlement.cells=sealed\"]\n"
              "  - name: sealed_svf4\n"
              "    set: [\"models.coldair.settlement.cells=sealed\",\n"
              "          \"models.thermal.sky_view_factor.directions=4\"]\n");
    const std::map<std::string, std::string> coldair =
        batch_task_fingerprints(dir / "b.yaml", dir / "parts", "coldair");
    REQUIRE(coldair.size() == 4);
    CHECK(coldair.at("baseline") != coldair.at("svf4"));
    CHECK(coldair.at("sealed") == coldair.at("sealed_svf4"));
    CHECK(coldair.at("baseline") != coldair.at("sealed"));
}

TEST_CASE("scenario keys: settlement cells, load class, supply threshold, speed breaks",
          "[coldair_model][coldair4]") {
    TempDir dir("coldair-keys");
    write_cold_air_slope_inputs(dir.path(), "yes");
    dir.write("s.yaml", scenario_text("    settlement: {cells: sealed, min_load_class: 4,\n"
                                      "                 supply_min_unit_inflow_m2_per_s: 0.05}\n"
                                      "    corridors: {speed_breaks_m_per_s: [0.1, 0.4, 0.9]}\n",
                                      false));
    const sim::ColdAirModelSettings c = sim::load_scenario(dir / "s.yaml").models.coldair;
    CHECK(c.settlement_cells == sim::ColdAirSettlementCells::sealed);
    CHECK(c.settlement_min_load_class == 4);
    CHECK(c.supply.min_unit_inflow_m2_per_s == 0.05);
    CHECK(c.flow_speed.speed_breaks_m_per_s == std::array<double, 3>{0.1, 0.4, 0.9});
    // Defaults: auto, class 3, 0.01 m2/s, Leipzig's breaks.
    dir.write("d.yaml", scenario_text("", false));
    const sim::ColdAirModelSettings d = sim::load_scenario(dir / "d.yaml").models.coldair;
    CHECK(d.settlement_cells == sim::ColdAirSettlementCells::automatic);
    CHECK(d.settlement_min_load_class == 3);
    CHECK(d.supply.min_unit_inflow_m2_per_s == 0.01);
    CHECK(d.flow_speed.speed_breaks_m_per_s == std::array<double, 3>{0.2, 0.3, 0.5});
    dir.write("bad.yaml",
              scenario_text("    corridors: {speed_breaks_m_per_s: [0.3, 0.2, 0.5]}\n", false));
    CHECK_THROWS_AS(sim::load_scenario(dir / "bad.yaml"), sim::ConfigError);
    dir.write("class.yaml", scenario_text("    settlement: {min_load_class: 6}\n", false));
    CHECK_THROWS_AS(sim::load_scenario(dir / "class.yaml"), sim::ConfigError);
}
