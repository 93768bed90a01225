// The `models.runoff` scenario keys (defaults, every error path), the storm CSV reader and the
// --storm option of `lauter tool runoff`.
#include <catch2/catch.hpp>

#include <lauter/sim/error.hpp>
#include <lauter/sim/runoff_storm.hpp>
#include <lauter/sim/scenario.hpp>

#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <string>

using namespace lauter::sim;
using lauter::kernels::LandCover;
using lauter::kernels::land_cover_index;
using lauter::test::config_error_of;
using lauter::test::ModelScenarioProject;
using lauter::test::TempDir;
namespace fs = std::filesystem;
namespace rk = lauter::kernels::runoff;

namespace {

rk::Hyetograph storm_from(const TempDir& dir, const std::string& text) {
    return read_storm_csv(dir.write("storm.csv", text));
}

std::string input_error_of(const TempDir& dir, const std::string& text) {
    try {
        (void)storm_from(dir, text);
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST_CASE("models.runoff defaults: off, 1h_40mm, 1 h drainage, Green-Ampt, cited tables",
          "[runoff]") {
    const ModelScenarioProject p("runoff");
    const Scenario off = load_scenario(p.write("    enabled: false\n"));
    CHECK_FALSE(off.models.runoff.enabled);
    const Scenario s = load_scenario(p.write("    enabled: true\n"));
    const RunoffModelSettings& r = s.models.runoff;
    CHECK(r.enabled);
    CHECK(r.storm.kind == StormKind::preset);
    CHECK(r.storm.preset == rk::StormPreset::one_hour_40_mm);
    CHECK(r.drainage_time_min == 60.0);
    CHECK(r.losses.method == LossMethod::green_ampt);
    CHECK(r.losses.soil_texture == rk::SoilTexture::silt_loam);
    CHECK(r.losses.initial_moisture == 0.30);
    CHECK(r.losses.curve_numbers == default_curve_numbers());
    CHECK(r.losses.curve_numbers[land_cover_index(LandCover::open_land)] == 74.0);
    CHECK(r.manning_n == default_manning_n());
    CHECK(r.manning_n[land_cover_index(LandCover::road)] == 0.02);
    CHECK(r.manning_n[land_cover_index(LandCover::open_land)] == 0.05);
    CHECK(r.sewer_capacity_mm_per_h == 0.0);
    CHECK(r.buildings == BuildingMode::roof);
    CHECK(r.cfl == 0.5); // the kernel default, a margin below the 2D stability bound 0.707
    CHECK(r.dt_max_s == 10.0);
    CHECK(r.time_step_rule == lauter::kernels::shallow::TimeStepRule::depth_and_velocity);
    CHECK(r.boundary == lauter::kernels::shallow::OuterFace::free_outflow);
    CHECK(r.building_depth_thresholds_m == std::array<double, 3>{0.1, 0.3, 0.5});
    // The resolved YAML loads again to the same settings.
    const fs::path again = p.dir().write("again.yaml", s.resolved_yaml);
    CHECK(load_scenario(again).models.runoff == r);
}

TEST_CASE("models.runoff: every key is read", "[runoff]") {
    const ModelScenarioProject p("runoff");
    p.dir().write("rain.csv", "time_min,intensity_mm_per_h\n0,10\n30,0\n");
    const Scenario s = load_scenario(p.write(
        "    enabled: true\n"
        "    storm: {type: block, intensity_mm_per_h: 25, start_min: 5, duration_min: 20}\n"
        "    drainage_time_min: 30\n"
        "    losses: {method: curve_number, soil_texture: loam, initial_moisture: 0.1, "
        "include_ponding_head: false, initial_abstraction_ratio: 0.05, "
        "curve_numbers: {building: 98, road: 98, sealed_other: 98, railway: 85, open_land: 61, "
        "trees: 55, water: 100, agriculture: 78}}\n"
        "    sewer_capacity_mm_per_h: 15\n"
        "    buildings: {mode: roof, obstacle_height_m: 20}\n"
        "    solver: {cfl: 0.5, theta: 0.7, dt_max_s: 5, depth_threshold_m: 0.005, "
        "time_step_rule: depth_only, boundary: closed, precision: float32}\n"
        "    balance_interval_s: 30\n"
        "    output: {end_depth: false, buildings_affected: false, "
        "building_depth_thresholds_m: [0.05, 0.2, 1]}\n"));
    const RunoffModelSettings& r = s.models.runoff;
    CHECK(r.storm.kind == StormKind::block);
    CHECK(r.storm.intensity_mm_per_h == 25.0);
    CHECK(r.storm.start_min == 5.0);
    CHECK(r.storm.duration_min == 20.0);
    const rk::Hyetograph h = make_storm(r.storm);
    CHECK(h.depth_m(60.0 * 25.0) == Approx(25e-3 / 3.0));
    CHECK(h.intensity_m_per_s(60.0) == 0.0);
    CHECK(r.drainage_time_min == 30.0);
    CHECK(r.losses.method == LossMethod::curve_number);
    CHECK(r.losses.soil_texture == rk::SoilTexture::loam);
    CHECK_FALSE(r.losses.include_ponding_head);
    CHECK(r.losses.initial_abstraction_ratio == 0.05);
    CHECK(r.losses.curve_numbers[land_cover_index(LandCover::open_land)] == 61.0);
    CHECK(r.sewer_capacity_mm_per_h == 15.0);
    CHECK(r.buildings == BuildingMode::roof);
    CHECK(r.obstacle_height_m == 20.0);
    CHECK(r.cfl == 0.5);
    CHECK(r.theta == 0.7);
    CHECK(r.dt_max_s == 5.0);
    CHECK(r.depth_threshold_m == 0.005);
    CHECK(r.time_step_rule == lauter::kernels::shallow::TimeStepRule::depth_only);
    CHECK(r.boundary == lauter::kernels::shallow::OuterFace::closed);
    CHECK(r.precision == StatePrecision::float32);
    CHECK(r.balance_interval_s == 30.0);
    CHECK_FALSE(r.write_end_depth);
    CHECK_FALSE(r.write_buildings_affected);
    CHECK(r.building_depth_thresholds_m == std::array<double, 3>{0.05, 0.2, 1.0});

    const Scenario csv =
        load_scenario(p.write("    enabled: true\n    storm: {type: csv, csv: rain.csv}\n"));
    REQUIRE(csv.models.runoff.storm.csv.has_value());
    CHECK(make_storm(csv.models.runoff.storm).total_depth_m() == Approx(5e-3));
}

TEST_CASE("models.runoff: every error path names the key and what to do", "[runoff]") {
    const ModelScenarioProject p("runoff");
    CHECK(p.error_for("    enabled: true\n", false).find(
              "models.runoff.enabled: the runoff model needs a terrain model, but inputs.dem is "
              "not set") != std::string::npos);
    CHECK(p.error_for("    enabled: false\n", false).empty());
    CHECK(p.error_for("    enabled: true\n    storm: {type: constant, duration_min: 5}\n")
              .find("a storm of type constant needs models.runoff.storm.intensity_mm_per_h") !=
          std::string::npos);
    CHECK(p.error_for("    enabled: true\n    storm: {type: block, intensity_mm_per_h: 5}\n")
              .find("needs models.runoff.storm.duration_min") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    storm: {type: csv}\n")
              .find("needs models.runoff.storm.csv") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    storm: {intensity_mm_per_h: 5}\n")
              .find("models.runoff.storm.intensity_mm_per_h: is only used by a storm of type "
                    "constant or block, but storm.type is preset") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    storm: {type: constant, intensity_mm_per_h: -1, "
                      "duration_min: 5}\n")
              .find("intensity_mm_per_h: -1 is out of range") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    storm: {type: constant, intensity_mm_per_h: .nan, "
                      "duration_min: 5}\n")
              .find("intensity_mm_per_h") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    storm: {preset: 1h_40m}\n")
              .find("did you mean '1h_40mm'") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    storm: {type: csv, csv: missing.csv}\n")
              .find("models.runoff.storm.csv: file not found") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    manning_n: {road: 0.02}\n")
              .find("models.runoff.manning_n: the table lacks the land-cover classes building, "
                    "sealed_other, railway, open_land, trees, water, agriculture") !=
          std::string::npos);
    CHECK(p.error_for("    enabled: true\n    losses: {curve_numbers: {road: 98}}\n")
              .find("models.runoff.losses.curve_numbers: the table lacks") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    manning_n: {road: 0}\n")
              .find("models.runoff.manning_n.road: 0 is out of range") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    losses: {soil_texture: sand, initial_moisture: 0.45}\n")
              .find("0.45 exceeds the effective porosity of sand (0.417") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    losses: {method: curve_number, soil_texture: sand, "
                      "initial_moisture: 0.45}\n")
              .empty());
    CHECK(p.error_for("    enabled: true\n    output: {building_depth_thresholds_m: [0.3, 0.1, "
                      "0.5]}\n")
              .find("low < medium < high") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    solver: {precison: float32}\n")
              .find("did you mean 'precision'") != std::string::npos);
    CHECK(p.error_for("    enabled: true\n    buildings: {mode: roofs}\n")
              .find("did you mean 'roof'") != std::string::npos);
}

TEST_CASE("storm CSV: intervals, exact depths and errors with file and line", "[runoff]") {
    const TempDir dir("storm-csv");
    const rk::Hyetograph h = storm_from(dir, "# design storm\ntime_min,intensity_mm_per_h\n"
                                             "0,10\n\n15,60\n30,10\n60,0\n");
    CHECK(h.end_time_s() == 3600.0);
    CHECK(h.total_depth_m() == Approx((10.0 * 0.25 + 60.0 * 0.25 + 10.0 * 0.5) * 1e-3));
    CHECK(h.intensity_m_per_s(20.0 * 60.0) == Approx(rk::mm_per_h_to_m_per_s(60.0)));
    const rk::Hyetograph late = storm_from(dir, "time_min,intensity_mm_per_h\n10,30\n20,0\n");
    CHECK(late.depth_m(600.0) == 0.0);
    CHECK(late.total_depth_m() == Approx(5e-3));

    const std::string file = (dir / "storm.csv").string();
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n0,10\n20,5\n20,1\n30,0\n") ==
          file + ":4: time 20 min does not follow the previous time (20 min); times must "
                 "increase strictly (sort the rows)");
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n0,-1\n20,0\n") ==
          file + ":2: intensity '-1' must be a finite number >= 0 (mm/h); rain cannot be "
                 "negative or NaN");
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n0,NaN\n20,0\n").find(":2: intensity "
                                                                                  "'NaN'") !=
          std::string::npos);
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n0,inf\n20,0\n").find(":2:") !=
          std::string::npos);
    CHECK(input_error_of(dir, "time,rain\n0,1\n20,0\n").find(":1: the first line must be the "
                                                            "header") != std::string::npos);
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n0,10\n20,5\n")
              .find(":3: the last row ends the rain and must have intensity 0") !=
          std::string::npos);
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n-5,10\n20,0\n")
              .find(":2: the first time is -5 min") != std::string::npos);
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n0,10,3\n20,0\n")
              .find(":2: expected two comma-separated columns") != std::string::npos);
    CHECK(input_error_of(dir, "time_min,intensity_mm_per_h\n0,0\n").find("at least two rows") !=
          std::string::npos);
    CHECK(input_error_of(dir, "").find("is empty") != std::string::npos);
    CHECK_THROWS_AS(read_storm_csv(dir / "none.csv"), InputError);
}

TEST_CASE("the --storm option of lauter tool runoff", "[runoff]") {
    const StormSettings preset = parse_storm_option("1h_100mm", "--storm");
    CHECK(preset.kind == StormKind::preset);
    CHECK(make_storm(preset).total_depth_m() == Approx(0.1));
    const StormSettings constant = parse_storm_option("constant:40:30", "--storm");
    CHECK(constant.kind == StormKind::constant);
    CHECK(make_storm(constant).total_depth_m() == Approx(0.02));
    const StormSettings csv = parse_storm_option("csv:rain.csv", "--storm");
    REQUIRE(csv.csv.has_value());
    CHECK(csv.csv->is_absolute());
    for (const char* bad : {"1h_40", "constant:40", "constant:-4:10", "constant:4:0",
                            "constant:nan:10", "constant:x:y"}) {
        INFO(bad);
        CHECK(config_error_of([&] { (void)parse_storm_option(bad, "--storm"); })
                  .find("--storm") != std::string::npos);
    }
}

TEST_CASE("the shipped Kaiserslautern heavy-rain scenario validates", "[runoff]") {
    const Scenario s = load_scenario(lauter::test::source_dir() / "scenarios" / "kaiserslautern" /
                                     "heavy_rain_1h40mm.yaml");
    CHECK(s.models.runoff.enabled);
    CHECK(s.models.runoff.storm.preset == rk::StormPreset::one_hour_40_mm);
    CHECK(s.models.runoff.drainage_time_min == 60.0);
    CHECK(s.study_area.resolution_m == 5.0);
}
