// The night heat island coupled to the cold-air model (issue 5 item 4, thermal_coupling.hpp):
// the coupled heat island against the uncoupled one, the classes and residents, the results
// file, coupling off unchanged, the thread count, the batch fingerprint and the exit code of
// coupling on without models.coldair.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/cold_air_coupling.hpp>
#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/run.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/thermal_coupling.hpp>
#include <lauter/sim/thermal_model.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace lauter;
using namespace lauter::test;
namespace fs = std::filesystem;
using kernels::Raster;

namespace {

/// Thermal and cold air on the slope; `coupling` is the night.cold_air_coupling value ("" for
/// the default), `coldair` whether models.coldair is enabled.
std::string scenario_text(const std::string& coupling, bool coldair) {
    std::string text = cold_air_slope_scenario_head() +
                       "  thermal:\n"
                       "    enabled: true\n"
                       "    sky_view_factor: {directions: 4, search_radius_m: 100}\n";
    if (!coupling.empty()) {
        // A shallow slope flow of half an hour: any layer depth counts.
        text += "    night: {cold_air_coupling: " + coupling + ", cold_air_min_depth_m: 0}\n";
    }
    text += "  coldair:\n"
            "    enabled: " +
            std::string(coldair ? "true" : "false") +
            "\n"
            "    duration_h: 0.5\n"
            "    output_times_h: [0.25, 0.5]\n"
            "    resolution_m: 20\n";
    return text;
}

} // namespace

TEST_CASE("thermal coupling: cold air lowers the night heat island, never raises it",
          "[thermal_coupling]") {
    TempDir dir("thermal-coupling");
    write_cold_air_slope_inputs(dir.path(), "residential");
    dir.write("on.yaml", scenario_text("on", true));
    const sim::Scenario s = sim::load_scenario(dir / "on.yaml");
    REQUIRE(s.models.thermal.cold_air_coupling);
    CHECK(s.models.thermal.cold_air_min_depth_m == 0.0);
    const sim::StudyArea area = sim::prepare_study_area(s);
    const sim::ThermalRun plain = sim::run_thermal(area, s.models.thermal);
    // The coupled run on 1 and on 2 threads: bitwise identical coupled layers.
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const sim::ThermalRun run = sim::run_thermal_coupled(s, area);
    omp_set_num_threads(2);
    const sim::ThermalRun two = sim::run_thermal_coupled(s, area);
    omp_set_num_threads(threads);
    const kernels::GridSpec& g = area.grid;
    const std::size_t bytes = g.cell_count() * sizeof(float);
    CHECK(std::memcmp(run.cold_air_share.data(), two.cold_air_share.data(), bytes) == 0);
    CHECK(std::memcmp(run.uhi_night_coupled_k.data(), two.uhi_night_coupled_k.data(), bytes) ==
          0);
    CHECK(std::memcmp(run.load_class.data(), two.load_class.data(), g.cell_count()) == 0);
    CHECK(run.cold_air_time_h == 0.5);

    // The cold-air speed and height are those of the scenario's cold-air run at 0.5 h, whose
    // settlements come from the uncoupled classes.
    const sim::ColdAirSurface surface = sim::coldair_surface_for_scenario(s, area, &plain);
    const sim::ColdAirRun cold = sim::run_coldair(surface, s.models.coldair);
    const sim::ColdAirTimeSlice& last = cold.slices.back();
    const kernels::GridSpec& cg = surface.grid();
    std::size_t street = 0;
    std::size_t lower = 0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const std::size_t i = g.index(r, c);
            // 10 m cells in 20 m model cells from the same corner.
            const std::size_t j = cg.index(r / 2, c / 2);
            if (!area.mask.has_data(i)) {
                continue;
            }
            REQUIRE(surface.mask.has_data(j));
            CHECK(run.cold_air_speed_m_per_s[i] == last.speed_m_per_s[j]);
            CHECK(run.cold_air_height_m[i] == last.height_m[j]);
            const double wind = s.models.thermal.weather.wind_10m_m_per_s;
            const double expected =
                static_cast<double>(last.height_m[j]) > 0.0
                    ? kernels::thermal::cold_air_uhi_share(
                          wind, static_cast<double>(last.speed_m_per_s[j]))
                    : 0.0;
            CHECK(static_cast<double>(run.cold_air_share[i]) ==
                  Approx(expected).margin(1e-6));
            // The uncoupled layers are untouched.
            CHECK(std::memcmp(&run.uhi_night_k[i], &plain.uhi_night_k[i], sizeof(float)) == 0);
            if (!run.street_mask.has_data(i)) {
                CHECK(std::isnan(run.uhi_night_coupled_k[i]));
                continue;
            }
            ++street;
            const float coupled = run.uhi_night_coupled_k[i];
            const float uncoupled = plain.uhi_night_k[i];
            REQUIRE(std::isfinite(coupled));
            CHECK(coupled <= uncoupled);
            CHECK(static_cast<double>(coupled) ==
                  Approx(static_cast<double>(uncoupled) * (1.0 - expected)).epsilon(1e-5));
            lower += coupled < uncoupled ? 1U : 0U;
        }
    }
    CHECK(street > 0);
    CHECK(lower > 0);

    // A lower night heat island never raises a class; the classed residents stay the same.
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        CHECK(run.load_class[i] <= plain.load_class[i]);
        CHECK((run.load_class[i] > 0) == (plain.load_class[i] > 0));
    }
    double before = 0.0;
    double after = 0.0;
    for (std::size_t k = 0; k < 5; ++k) {
        before += plain.residents_by_class.total[k];
        after += run.residents_by_class.total[k];
    }
    CHECK(after == Approx(before).epsilon(1e-12));
    CHECK(after > 0.0);
}

TEST_CASE("thermal coupling: results file on, and unchanged with coupling off",
          "[thermal_coupling]") {
    TempDir dir("thermal-coupling-results");
    write_cold_air_slope_inputs(dir.path(), "residential");
    dir.write("on.yaml", scenario_text("on", true));
    dir.write("off.yaml", scenario_text("off", true));
    dir.write("default.yaml", scenario_text("", true));
    CHECK_FALSE(sim::load_scenario(dir / "default.yaml").models.thermal.cold_air_coupling);
    const sim::Scenario on = sim::load_scenario(dir / "on.yaml");
    const sim::Scenario off = sim::load_scenario(dir / "off.yaml");
    sim::run_scenario(on, dir / "on.h5");
    sim::run_scenario(off, dir / "off.h5");

    const auto layers = [](const fs::path& file) {
        std::map<std::string, std::string> units;
        for (const sim::LayerInfo& l : sim::list_layers(file)) {
            units[l.path] = l.units;
        }
        return units;
    };
    const auto on_layers = layers(dir / "on.h5");
    const auto off_layers = layers(dir / "off.h5");
    const std::string t = "/night/thermal/";
    CHECK(on_layers.at(t + "uhi_night_coupled_k") == "K");
    CHECK(on_layers.at(t + "cold_air_uhi_reduction_share") == "1");
    CHECK(on_layers.at(t + "cold_air_speed_m_per_s") == "m s-1");
    CHECK(on_layers.at(t + "cold_air_height_m") == "m");
    for (const char* name : {"uhi_night_coupled_k", "cold_air_uhi_reduction_share",
                             "cold_air_speed_m_per_s", "cold_air_height_m"}) {
        CHECK(off_layers.count(t + name) == 0);
    }
    // Coupling off: the same layers as the scenario without the key, bit for bit the run of
    // the uncoupled model, and no coupling attribute.
    CHECK(sim::read_attribute(dir / "off.h5", "/night/thermal", "cold_air_coupling") ==
          std::nullopt);
    REQUIRE(sim::read_attribute(dir / "on.h5", "/night/thermal", "cold_air_coupling"));
    const auto off_night = sim::read_raster_layer(dir / "off.h5", t + "uhi_night_k");
    const auto on_night = sim::read_raster_layer(dir / "on.h5", t + "uhi_night_k");
    const auto on_coupled = sim::read_raster_layer(dir / "on.h5", t + "uhi_night_coupled_k");
    std::size_t compared = 0;
    for (std::size_t i = 0; i < off_night.values.size(); ++i) {
        REQUIRE(off_night.mask.has_data(i) == on_night.mask.has_data(i));
        if (off_night.mask.has_data(i)) {
            ++compared;
            CHECK(std::memcmp(&off_night.values[i], &on_night.values[i], sizeof(float)) == 0);
            CHECK(on_coupled.values[i] <= off_night.values[i]);
        }
    }
    CHECK(compared > 0);
    // The cold-air model's own results do not depend on the coupling.
    const auto on_cold = sim::read_raster_layer(dir / "on.h5", "/night/coldair/speed_m_per_s_0p5h");
    const auto off_cold =
        sim::read_raster_layer(dir / "off.h5", "/night/coldair/speed_m_per_s_0p5h");
    CHECK(std::memcmp(on_cold.values.data(), off_cold.values.data(),
                      on_cold.values.size() * sizeof(float)) == 0);
}

TEST_CASE("lauter run: cold_air_coupling on without models.coldair exits with 2",
          "[thermal_coupling][e2e]") {
    TempDir dir("thermal-coupling-no-coldair");
    write_cold_air_slope_inputs(dir.path(), "residential");
    dir.write("s.yaml", scenario_text("on", false));
    CHECK_THROWS_AS(sim::load_scenario(dir / "s.yaml"), sim::ConfigError);
    const CommandResult r = run_lauter_scenario(dir / "s.yaml", dir / "out.h5");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("s.yaml") != std::string::npos);
    CHECK(r.err.find("models.thermal.night.cold_air_coupling") != std::string::npos);
    CHECK(r.err.find("models.coldair.enabled: true") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out.h5"));
    // A value other than off | on is refused as well.
    dir.write("bad.yaml", scenario_text("maybe", true));
    CHECK_THROWS_AS(sim::load_scenario(dir / "bad.yaml"), sim::ConfigError);
}

TEST_CASE("batch: the thermal fingerprint follows the cold-air settings only when coupled",
          "[thermal_coupling][batch]") {
    TempDir dir("thermal-coupling-fingerprint");
    write_cold_air_slope_inputs(dir.path(), "residential");
    dir.write("s.yaml", scenario_text("on", true));
    dir.write("b.yaml", "batch: fp\n"
                        "base: s.yaml\n"
                        "scenarios:\n"
                        "  - name: warm\n"
                        "    set: [\"models.coldair.layer.deficit_k=5\"]\n"
                        "  - name: off\n"
                        "    set: [\"models.thermal.night.cold_air_coupling=off\"]\n"
                        "  - name: off_warm\n"
                        "    set: [\"models.thermal.night.cold_air_coupling=off\",\n"
                        "          \"models.coldair.layer.deficit_k=5\"]\n");
    const std::map<std::string, std::string> thermal =
        batch_task_fingerprints(dir / "b.yaml", dir / "parts", "thermal");
    REQUIRE(thermal.size() == 4);
    CHECK(thermal.at("baseline") != thermal.at("warm"));
    CHECK(thermal.at("off") == thermal.at("off_warm"));
    CHECK(thermal.at("baseline") != thermal.at("off"));
}
