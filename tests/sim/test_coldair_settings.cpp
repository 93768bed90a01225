// Settings of the cold-air model (models.coldair): defaults from the kernel parameter structs,
// user values, and one clear message per bad key, range or cross-key problem.
#include <catch2/catch.hpp>

#include <lauter/sim/coldair_settings.hpp>
#include <lauter/sim/scenario.hpp>

#include "../support/test_support.hpp"

#include <string>

using namespace lauter::sim;
namespace kc = lauter::kernels::coldair;
using lauter::kernels::land_cover_index;
using lauter::kernels::LandCover;
using lauter::test::ModelScenarioProject;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("coldair settings: defaults come from the kernels", "[coldair_settings]") {
    const ModelScenarioProject project("coldair");
    const Scenario s = load_scenario(project.write("    enabled: true\n"));
    const ColdAirModelSettings& c = s.models.coldair;
    ColdAirModelSettings expected;
    expected.enabled = true;
    CHECK(c == expected);
    CHECK(c.mode == ColdAirMode::layer);
    CHECK(c.duration_h == 8.0);
    CHECK(c.output_times_h == std::vector<double>{1.0, 4.0, 8.0});
    CHECK(c.resolution_m == 25.0);
    CHECK(c.production_m3_per_m2_h == kc::default_production_table().rate_m3_per_m2_h);
    CHECK(c.production_m3_per_m2_h[land_cover_index(LandCover::open_land)] == 10.0);
    CHECK(c.production_m3_per_m2_h[land_cover_index(LandCover::trees)] == 1.0);
    CHECK(c.roughness_length_m == kc::RoughnessParams{}.roughness_length_m);
    CHECK(c.deficit_k == kc::ColdAirLayerParams{}.deficit_k);
    CHECK(c.froude_limit == 10.0);
    CHECK(c.froude_limit == kc::default_cold_air_solver().froude_limit);
    CHECK(c.ambient_temperature_c == Approx(15.0));
    CHECK(c.corridors.flux_breaks_m2_per_s == kc::CorridorParams{}.flux_breaks_m2_per_s);
    CHECK(c.settlement_min_sealed_fraction == 0.5);
    // Off by default, and the resolved scenario loads to the same settings.
    const Scenario off = load_scenario(project.write("    mode: layer\n"));
    CHECK_FALSE(off.models.coldair.enabled);
    const auto again = project.dir().write("again.yaml", s.resolved_yaml);
    CHECK(load_scenario(again).models.coldair == c);
}

TEST_CASE("coldair settings: user values", "[coldair_settings]") {
    const ModelScenarioProject project("coldair");
    const Scenario s = load_scenario(project.write(
        "    enabled: true\n    mode: screening\n    duration_h: 6\n"
        "    output_times_h: [0.5, 2, 6]\n    resolution_m: 50\n"
        "    layer: {deficit_k: 5, froude_limit: 4}\n    screening: {friction: 2}\n"
        "    corridors: {flux_breaks_m2_per_s: [0.5, 2, 8]}\n"
        "    settlement: {min_sealed_fraction: 0.7}\n"));
    const ColdAirModelSettings& c = s.models.coldair;
    CHECK(c.mode == ColdAirMode::screening);
    CHECK(c.duration_h == 6.0);
    CHECK(c.output_times_h == std::vector<double>{0.5, 2.0, 6.0});
    CHECK(c.resolution_m == 50.0);
    CHECK(c.deficit_k == 5.0);
    CHECK(c.froude_limit == 4.0);
    CHECK(c.screening_friction == 2.0);
    CHECK(c.corridors.flux_breaks_m2_per_s == std::array<double, 3>{0.5, 2.0, 8.0});
    CHECK(c.settlement_min_sealed_fraction == 0.7);
    CHECK(coldair_time_label(0.5) == "0p5");
    CHECK(coldair_time_label(8.0) == "8");
}

TEST_CASE("coldair settings: bad keys, ranges and cross-checks give one message each",
          "[coldair_settings]") {
    const ModelScenarioProject project("coldair");
    const std::string unknown = project.error_for("    enabled: true\n    duraton_h: 4\n");
    CHECK(contains(unknown, "duraton_h"));
    CHECK(contains(unknown, "duration_h"));

    const std::string negative =
        project.error_for("    production: {building: 0, road: 0, sealed_other: 0, railway: 0, "
                          "open_land: -1, trees: 1, water: 0, agriculture: 10}\n");
    CHECK(contains(negative, "models.coldair.production.open_land"));

    const std::string incomplete = project.error_for("    production: {open_land: 12}\n");
    CHECK(contains(incomplete, "lacks the land-cover class(es) building"));

    const std::string zero = project.error_for("    duration_h: 0\n");
    CHECK(contains(zero, "models.coldair.duration_h"));

    const std::string late = project.error_for("    duration_h: 4\n");
    CHECK(contains(late, "output time 8 h lies beyond duration_h (4 h)"));

    const std::string order = project.error_for("    output_times_h: [4, 1]\n");
    CHECK(contains(order, "the output times must increase"));

    const std::string empty = project.error_for("    output_times_h: []\n");
    CHECK(contains(empty, "a list of one or more numbers"));

    const std::string breaks =
        project.error_for("    corridors: {flux_breaks_m2_per_s: [5, 1, 10]}\n");
    CHECK(contains(breaks, "b1 < b2 < b3"));

    const std::string fine = project.error_for("    enabled: true\n    resolution_m: 5\n");
    CHECK(contains(fine, "cannot be finer than the study grid"));

    const std::string no_dem = project.error_for("    enabled: true\n", false);
    CHECK(contains(no_dem, "models.coldair.enabled: the cold-air model needs a terrain model"));

    const std::string mode = project.error_for("    mode: klam\n");
    CHECK(contains(mode, "layer, screening"));
}
