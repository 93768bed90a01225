// End-to-end runs of the thermal model: `lauter run` on the Kaiserslautern city-centre OSM
// extract at 10 m (illustrative terrain), results read back from the HDF5 file (layers, units,
// value ranges, the districts table and the residents balance), 1 and 2 threads bitwise equal,
// and bad input answered with exit code 2, one clear message and nothing written.
#include <catch2/catch.hpp>

#include <lauter/sim/results.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace lauter::test;
namespace fs = std::filesystem;

namespace {

std::string scenario_text(const std::string& thermal_block) {
    return "name: hd\n"
           "study_area:\n"
           "  crs: EPSG:25832\n"
           "  extent_from: osm\n"
           "  resolution_m: 10\n"
           + city_centre_inputs_yaml() +
           "models:\n"
           "  thermal:\n" + thermal_block;
}

/// Two districts: the west and the east half of a box around the city-centre extract, and a
/// residents raster of 100 residents per hectare covering it.
const char* const districts_geojson =
    R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
 "features": [
  {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
    [[[409000, 5476000], [410300, 5476000], [410300, 5479000], [409000, 5479000],
      [409000, 5476000]]]}},
  {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
    [[[410300, 5476000], [412500, 5476000], [412500, 5479000], [410300, 5479000],
      [410300, 5476000]]]}}
 ]})";

TestRaster residents_raster() {
    TestRaster r;
    r.cols = 40;
    r.rows = 40;
    r.geotransform = {408000.0, 100.0, 0.0, 5480000.0, 0.0, -100.0};
    r.crs = "EPSG:25832";
    r.values.assign(1600, 100.0F);
    return r;
}

struct Run {
    TempDir dir{"thermal-e2e"};
    lauter::test::CommandResult result;
    explicit Run(const std::string& thermal_block, int threads = 2) {
        dir.write("districts.geojson", districts_geojson);
        write_test_raster(dir / "residents.tif", "GTiff", residents_raster());
        dir.write("scenario.yaml", scenario_text(thermal_block));
        result = run_lauter_scenario(dir / "scenario.yaml", dir / "out.h5",
                                     "--threads " + std::to_string(threads));
    }
    [[nodiscard]] fs::path out() const { return dir / "out.h5"; }
};

void check_bad_input(const Run& run, const std::string& needle) {
    INFO(run.result.err);
    CHECK(run.result.exit_code == 2);
    CHECK(run.result.err.find(needle) != std::string::npos);
    CHECK_FALSE(fs::exists(run.out()));
    for (const std::string& entry : run.dir.entries()) {
        CHECK(entry.find(".h5") == std::string::npos);
    }
}

bool same_bits(const lauter::kernels::Raster<float>& a, const lauter::kernels::Raster<float>& b) {
    return a.size() == b.size() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

TEST_CASE("thermal scenario: layers, units, ranges, districts, residents; 1 and 2 threads equal",
          "[thermal][e2e]") {
    const std::string block = "    enabled: true\n"
                              "    sky_view_factor: {directions: 8, search_radius_m: 500}\n"
                              "    residents:\n"
                              "      raster: residents.tif\n"
                              "      districts: districts.geojson\n";
    const Run two(block, 2);
    INFO(two.result.err);
    REQUIRE(two.result.exit_code == 0);
    CHECK(two.result.err.find("sky view factor (8 directions, 500 m, tree crowns)") !=
          std::string::npos);
    const std::string group = "/hd/thermal";
    struct Expected {
        const char* name;
        const char* units;
        float min;
        float max;
    };
    for (const Expected e : {Expected{"dsm_m", "m", 150.0F, 600.0F},
                             Expected{"sky_view_factor", "1", 0.0F, 1.0F},
                             Expected{"sky_view_factor_buildings", "1", 0.0F, 1.0F},
                             Expected{"sunlit_fraction", "1", 0.0F, 1.0F},
                             Expected{"tmrt_c", "degC", 25.0F, 90.0F},
                             Expected{"utci_c", "degC", 25.0F, 55.0F},
                             Expected{"utci_stress_class", "1", 6.0F, 10.0F},
                             Expected{"uhi_max_k", "K", 0.0F, 10.0F},
                             Expected{"heat_mitigation_index", "1", 0.0F, 1.0F},
                             Expected{"uhi_night_k", "K", 0.0F, 10.0F},
                             Expected{"thermal_load_class", "1", 1.0F, 5.0F},
                             Expected{"residents", "1", 0.0F, 1.0F + 1e-3F}}) {
        INFO(e.name);
        const auto layer = lauter::sim::read_raster_layer(two.out(), group + "/" + e.name);
        CHECK(layer.meta.units == e.units);
        std::size_t finite = 0;
        for (std::size_t i = 0; i < layer.values.size(); ++i) {
            const float v = layer.values[i];
            if (layer.mask.has_data(i) && std::isfinite(v)) {
                ++finite;
                CHECK(v >= e.min);
                CHECK(v <= e.max);
            }
        }
        CHECK(finite > 100);
    }
    // Shade at 15:00 (sun 57° high): every cell is lit (1), in shadow (0) or under a crown
    // (the transmissivity 0.03); most are lit (10 m cells: a building shades the next cell
    // centre only above 15 m).
    const auto sunlit = lauter::sim::read_raster_layer(two.out(), group + "/sunlit_fraction");
    std::size_t lit = 0;
    for (std::size_t i = 0; i < sunlit.values.size(); ++i) {
        const float v = sunlit.values[i];
        if (sunlit.mask.has_data(i)) {
            CHECK((v == 0.0F || v == 0.03F || v == 1.0F));
        }
        lit += v == 1.0F ? 1U : 0U;
    }
    CHECK(lit > 100);

    // Districts: two rows; residents of every class plus the unclassed ones equal 100 per hectare
    // of the study area (the residents raster covers all of it).
    const lauter::sim::Table districts = lauter::sim::read_table(two.out(), group + "/districts");
    REQUIRE(districts.row_count() == 2);
    const auto classed =
        std::get<std::vector<double>>(districts.column("residents_classed").values);
    CHECK(classed[0] > 0.0);
    CHECK(classed[1] > 0.0);
    const auto number = [&](const char* key) {
        const auto text = lauter::sim::read_attribute(two.out(), group, key);
        REQUIRE(text.has_value());
        return std::stod(*text);
    };
    const auto residents = lauter::sim::read_raster_layer(two.out(), group + "/residents");
    double active_ha = 0.0;
    for (std::size_t i = 0; i < residents.values.size(); ++i) {
        active_ha += residents.mask.has_data(i) ? 100.0 / 1.0e4 : 0.0;
    }
    double by_class = 0.0;
    for (int c = 1; c <= 5; ++c) {
        by_class += number(("residents_class_" + std::to_string(c)).c_str());
    }
    CHECK(by_class + number("residents_unclassed") == Approx(100.0 * active_ha).epsilon(1e-4));
    CHECK(by_class == Approx(classed[0] + classed[1]).epsilon(1e-9));
    CHECK(number("utci_invalid_cells") == 0.0);
    CHECK(number("sun_elevation_deg") > 40.0);
    CHECK(number("building_cells") > 100.0);

    // One thread gives the same bits.
    const Run one(block, 1);
    INFO(one.result.err);
    REQUIRE(one.result.exit_code == 0);
    for (const char* name : {"dsm_m", "sky_view_factor", "sky_view_factor_buildings",
                             "sunlit_fraction", "tmrt_c", "utci_c",
                             "uhi_max_k", "heat_mitigation_index", "uhi_night_k",
                             "thermal_load_class", "residents"}) {
        INFO(name);
        const auto a = lauter::sim::read_raster_layer(one.out(), group + "/" + name);
        const auto b = lauter::sim::read_raster_layer(two.out(), group + "/" + name);
        CHECK(same_bits(a.values, b.values));
    }
}

TEST_CASE("thermal scenario: evening shadows; residents from building volume, one district",
          "[thermal][e2e]") {
    const Run run("    enabled: true\n"
                  "    weather: {local_time: \"19:30\"}\n"
                  "    sky_view_factor: {directions: 4, search_radius_m: 200}\n"
                  "    residents: {building_m3_per_resident: 200, total: 5000}\n");
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    // At 19:30 CEST the sun is low in the west: buildings cast shadows over several cells.
    const auto elevation =
        lauter::sim::read_attribute(run.out(), "/hd/thermal", "sun_elevation_deg");
    REQUIRE(elevation.has_value());
    CHECK(std::stod(*elevation) > 5.0);
    CHECK(std::stod(*elevation) < 25.0);
    const auto sunlit = lauter::sim::read_raster_layer(run.out(), "/hd/thermal/sunlit_fraction");
    std::size_t shaded = 0;
    for (std::size_t i = 0; i < sunlit.values.size(); ++i) {
        shaded += sunlit.values[i] == 0.0F ? 1U : 0U;
    }
    CHECK(shaded > 100);
    const lauter::sim::Table districts =
        lauter::sim::read_table(run.out(), "/hd/thermal/districts");
    REQUIRE(districts.row_count() == 1);
    CHECK(std::get<std::vector<std::string>>(districts.column("district").values)[0] ==
          "study area");
    // Residents from residential building volume (tests/sim/test_residents.cpp checks the
    // rule), scaled to residents.total: they sum to 5000 and lie on building cells only.
    const auto fraction =
        lauter::sim::read_raster_layer(run.out(), "/hd/landcover/fraction_building");
    const auto residents = lauter::sim::read_raster_layer(run.out(), "/hd/thermal/residents");
    double got = 0.0;
    for (std::size_t i = 0; i < residents.values.size(); ++i) {
        if (residents.mask.has_data(i)) {
            got += static_cast<double>(residents.values[i]);
            if (residents.values[i] > 0.0F) {
                CHECK(fraction.values[i] > 0.0F);
            }
        }
    }
    CHECK(got == Approx(5000.0).epsilon(1e-4));
    const auto source = lauter::sim::read_attribute(run.out(), "/hd/thermal", "residents_source");
    REQUIRE(source.has_value());
    CHECK(source->find("200 m3 per resident") != std::string::npos);
    CHECK(source->find("scaled to 5000 residents") != std::string::npos);
}

TEST_CASE("thermal bad input: one message, exit code 2, no results file", "[thermal][e2e]") {
    SECTION("a date that does not parse") {
        const Run run("    enabled: true\n    weather: {date: 2026-13-01}\n");
        check_bad_input(run, "models.thermal.weather.date: '2026-13-01' is not a calendar date");
    }
    SECTION("a time that does not parse") {
        const Run run("    enabled: true\n    weather: {local_time: \"15h\"}\n");
        check_bad_input(run, "models.thermal.weather.local_time: '15h' is not a clock time");
    }
    SECTION("air temperature outside the UTCI range") {
        const Run run("    enabled: true\n    weather: {air_temperature_c: 60, "
                      "daily_max_temperature_c: 60}\n");
        check_bad_input(run, "models.thermal.weather.air_temperature_c: 60 is out of range; "
                             "expected -50 to 50");
    }
    SECTION("wind outside the UTCI range") {
        const Run run("    enabled: true\n    weather: {wind_10m_m_per_s: 20}\n");
        check_bad_input(run, "models.thermal.weather.wind_10m_m_per_s: 20 is out of range; "
                             "expected 0.5 to 17");
    }
    SECTION("a residents raster without a CRS") {
        Run run("    enabled: false\n");
        TestRaster r = residents_raster();
        r.crs.clear();
        write_test_raster(run.dir / "nocrs.tif", "GTiff", r);
        run.dir.write("scenario.yaml",
                      scenario_text("    enabled: true\n    sky_view_factor: {directions: 4, "
                                    "search_radius_m: 100}\n    residents: {raster: nocrs.tif}\n"));
        fs::remove(run.out());
        run.result = run_lauter_scenario(run.dir / "scenario.yaml", run.out());
        check_bad_input(run, "models.thermal.residents.raster_crs");
    }
}
