// The cold-air model through the sim path (scenario, study area, aggregation onto the model
// grid, run, HDF5 results) on tiny synthetic study areas: closed-basin volume, settlement inflow
// on a slope, thread-count determinism; and `lauter tool coldair` end to end with bad input.
#include <catch2/catch.hpp>

#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/run.hpp>
#include <lauter/sim/scenario.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <omp.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace lauter;
using namespace lauter::test;
namespace fs = std::filesystem;
using kernels::GridSpec;
using kernels::Raster;

namespace {

constexpr double origin_x = 410000.0;
constexpr double origin_y = 5475400.0;

/// A 400 m x 400 m bowl (10 m cells): z = 200 + 30 (r / 200 m)^2 around the centre.
TestRaster bowl_dem() {
    return utm_test_raster(40, 40, 10.0, origin_x, origin_y, [](double x, double y) {
        const double dx = x - 200.0;
        const double dy = y - 200.0;
        return 200.0 + 30.0 * (dx * dx + dy * dy) / 40000.0;
    });
}

/// OSM: a 100 m band of parking (sealed) around the border; the 200 m x 200 m centre is
/// unmapped open land.
std::string border_parking_osm() {
    OsmXmlWriter w;
    const std::string tags = osm_tag("amenity", "parking");
    w.rectangle(origin_x, origin_y - 100.0, origin_x + 400.0, origin_y, tags);
    w.rectangle(origin_x, origin_y - 400.0, origin_x + 400.0, origin_y - 300.0, tags);
    w.rectangle(origin_x, origin_y - 300.0, origin_x + 100.0, origin_y - 100.0, tags);
    w.rectangle(origin_x + 300.0, origin_y - 300.0, origin_x + 400.0, origin_y - 100.0, tags);
    return w.text();
}

std::string scenario_text(const std::string& coldair_block) {
    return cold_air_slope_scenario_head() +
           "  coldair:\n"
           "    enabled: true\n" +
           coldair_block;
}

bool same_bits(const Raster<float>& a, const Raster<float>& b) {
    return a.size() == b.size() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

TEST_CASE("coldair model: closed basin holds production x area x time (scenario path)",
          "[coldair_model]") {
    TempDir dir("coldair-basin");
    write_test_raster(dir / "dem.tif", "GTiff", bowl_dem());
    dir.write("area.osm", border_parking_osm());
    dir.write("s.yaml", scenario_text("    duration_h: 0.5\n    output_times_h: [0.25, 0.5]\n"
                                      "    resolution_m: 20\n"));
    const sim::Scenario s = sim::load_scenario(dir / "s.yaml");
    const sim::StudyArea area = sim::prepare_study_area(s);
    const sim::ColdAirSurface surface =
        sim::coldair_surface_from_study_area(area, s.models.coldair.resolution_m);
    REQUIRE(surface.grid().rows == 20);
    REQUIRE(surface.grid().cols == 20);
    const sim::ColdAirRun run = sim::run_coldair(surface, s.models.coldair);

    // Production only on the 200 m x 200 m centre (open land, 10 m/h); the border is sealed.
    const double expected_m3 = 10.0 * 200.0 * 200.0 * 0.5;
    // The source rate P / 3600 is stored as float: 2e-8 relative.
    CHECK(run.production_m3 == Approx(expected_m3).epsilon(1e-7));
    CHECK(run.outflow_m3 == 0.0);
    double stored = 0.0;
    const sim::ColdAirTimeSlice& last = run.slices.back();
    for (std::size_t i = 0; i < surface.grid().cell_count(); ++i) {
        stored += static_cast<double>(last.height_m[i]) * 400.0;
    }
    CHECK(stored == Approx(expected_m3).epsilon(1e-6)); // float layers
    CHECK(run.storage_m3 == Approx(run.production_m3).epsilon(1e-12));
    // Pooled in the middle: the centre is deeper than the mean height over the producing area.
    CHECK(last.height_m(10, 10) > 5.0F);
    // The sealed border is a settlement. After 15 min no air has reached it; after 30 min the
    // pool (about 114 m in radius by the bowl's volume, 2094 H^2) spills into it.
    CHECK(run.settlement(0, 0) == 1);
    CHECK(run.settlement(10, 10) == 0);
    CHECK(std::abs(run.slices.front().total_inflow_m3_per_s) < 1e-6);
    CHECK(last.total_inflow_m3_per_s > 0.0);

    // The same through run_scenario into HDF5: layers on the model grid, the inflow table.
    const fs::path out = dir / "out.h5";
    sim::run_scenario(s, out);
    const auto height = sim::read_raster_layer(out, "/night/coldair/height_m_0p5h");
    CHECK(height.meta.units == "m");
    REQUIRE(height.values.spec().rows == 20);
    CHECK(same_bits(height.values, last.height_m));
    const auto corridors = sim::read_raster_layer(out, "/night/coldair/corridor_class_0p25h");
    CHECK(corridors.values(0, 0) == 2.0F); // settlement
    const sim::Table table = sim::read_table(out, "/night/coldair/settlement_inflow");
    CHECK(table.row_count() == 2);
}

TEST_CASE("coldair model: inflow into a settlement block at the foot of a slope",
          "[coldair_model]") {
    // 30 x 60 cells of 10 m sloping 5 % down to the east; the eastern 10 columns are sealed.
    const GridSpec g = make_grid(30, 60, 10.0, 10.0, origin_x, origin_y);
    kernels::CellMask mask(g);
    Raster<float> dem(g);
    Raster<std::uint8_t> classes(g, static_cast<std::uint8_t>(kernels::LandCover::open_land));
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            dem(r, c) = static_cast<float>(300.0 - 0.5 * static_cast<double>(c));
            if (c >= 50) {
                classes(r, c) = static_cast<std::uint8_t>(kernels::LandCover::road);
            }
        }
    }
    const sim::ColdAirSurface surface =
        sim::coldair_surface_from_classes(dem, mask, classes, 10.0, "test");
    sim::ColdAirModelSettings settings;
    settings.duration_h = 0.5;
    settings.output_times_h = {0.5};
    settings.resolution_m = 10.0;
    const sim::ColdAirRun run = sim::run_coldair(surface, settings);
    const sim::ColdAirTimeSlice& s = run.slices.back();
    CHECK(s.total_inflow_m3_per_s > 0.0);
    // Only the western column of the block receives air from outside it, and the total is the
    // flux across that edge: height x east velocity of the cells west of it, roughly.
    double edge_flux = 0.0;
    double block_sum = 0.0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const float v = s.settlement_inflow_m3_per_s(r, c);
            if (c != 50) {
                CHECK(v == 0.0F);
            }
            block_sum += static_cast<double>(v);
        }
        edge_flux += 0.5 * (static_cast<double>(s.height_m(r, 49)) *
                                static_cast<double>(s.u_m_per_s(r, 49)) +
                            static_cast<double>(s.height_m(r, 50)) *
                                static_cast<double>(s.u_m_per_s(r, 50))) *
                     10.0;
    }
    CHECK(block_sum == Approx(s.total_inflow_m3_per_s).epsilon(1e-6));
    CHECK(s.total_inflow_m3_per_s == Approx(edge_flux).epsilon(0.05));
    // Everything upslope drains into the block: a corridor of the open land.
    CHECK(s.corridor_class(15, 45) >= 3);
    CHECK(s.corridor_class(15, 55) == 2);

    // layer.froude_limit reaches the solver: the balance flow on this 5 % open slope runs at
    // Fr = sqrt(S / c_D) = 2.7 (c_D 0.0069), so a limit of 1 slows it and thickens it.
    sim::ColdAirModelSettings subcritical = settings;
    subcritical.froude_limit = 1.0;
    const sim::ColdAirTimeSlice& capped = sim::run_coldair(surface, subcritical).slices.back();
    CHECK(capped.u_m_per_s(15, 30) < 0.8F * s.u_m_per_s(15, 30));
    CHECK(capped.height_m(15, 30) > s.height_m(15, 30));

    // The screening mode gives the same sign.
    settings.mode = sim::ColdAirMode::screening;
    const sim::ColdAirRun screening = sim::run_coldair(surface, settings);
    CHECK(screening.slices.back().total_inflow_m3_per_s > 0.0);
}

TEST_CASE("coldair model: results independent of the thread count", "[coldair_model]") {
    // 140 x 140 cells (above the solver's one-thread limit of 16384 cells) of hills.
    const GridSpec g = make_grid(140, 140, 10.0, 10.0, origin_x, origin_y);
    kernels::CellMask mask(g);
    Raster<float> dem(g);
    Raster<std::uint8_t> classes(g, static_cast<std::uint8_t>(kernels::LandCover::open_land));
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double x = static_cast<double>(c) * 10.0;
            const double y = static_cast<double>(r) * 10.0;
            dem(r, c) = static_cast<float>(200.0 - 0.03 * x + 10.0 * std::sin(x / 120.0) *
                                                                 std::cos(y / 90.0));
            if (r > 60 && r < 80 && c > 100) {
                classes(r, c) = static_cast<std::uint8_t>(kernels::LandCover::building);
            }
        }
    }
    const sim::ColdAirSurface surface =
        sim::coldair_surface_from_classes(dem, mask, classes, 12.0, "test");
    sim::ColdAirModelSettings settings;
    settings.duration_h = 0.1;
    settings.output_times_h = {0.1};
    settings.resolution_m = 10.0;
    for (const auto mode : {sim::ColdAirMode::layer, sim::ColdAirMode::screening}) {
        settings.mode = mode;
        const int before = omp_get_max_threads();
        omp_set_num_threads(1);
        const sim::ColdAirRun one = sim::run_coldair(surface, settings);
        omp_set_num_threads(2);
        const sim::ColdAirRun two = sim::run_coldair(surface, settings);
        omp_set_num_threads(before);
        const auto& a = one.slices.back();
        const auto& b = two.slices.back();
        CHECK(same_bits(a.height_m, b.height_m));
        CHECK(same_bits(a.u_m_per_s, b.u_m_per_s));
        CHECK(same_bits(a.volume_flux_m2_per_s, b.volume_flux_m2_per_s));
        CHECK(same_bits(a.settlement_inflow_m3_per_s, b.settlement_inflow_m3_per_s));
        CHECK(std::memcmp(a.corridor_class.data(), b.corridor_class.data(),
                          a.corridor_class.size()) == 0);
        CHECK(one.step_count == two.step_count);
    }
}

TEST_CASE("lauter tool coldair writes the layers; bad input exits with 2", "[coldair_model][e2e]") {
    TempDir dir("coldair-tool");
    TestRaster dem;
    dem.cols = 30;
    dem.rows = 20;
    dem.geotransform = {origin_x, 10.0, 0.0, origin_y, 0.0, -10.0};
    dem.crs = "EPSG:25832";
    TestRaster lc = dem;
    for (int r = 0; r < 20; ++r) {
        for (int c = 0; c < 30; ++c) {
            dem.values.push_back(static_cast<float>(250.0 - 0.8 * c));
            lc.values.push_back(c >= 24 ? 1.0F : 5.0F); // buildings at the foot, open land
        }
    }
    write_test_raster(dir / "dem.tif", "GTiff", dem);
    write_test_raster(dir / "lc.tif", "GTiff", lc);
    fs::create_directory(dir / "out");
    const CommandResult r = run_command(
        lauter_command() + " tool coldair " + shell_quote((dir / "dem.tif").string()) + " " +
        shell_quote((dir / "out").string()) + " --landcover " +
        shell_quote((dir / "lc.tif").string()) + " --hours 0.5 --outputs 0.25,0.5");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const char* name : {"height_m_0p25h", "u_m_per_s_0p5h", "v_m_per_s_0p5h",
                             "speed_m_per_s_0p5h", "volume_flux_m2_per_s_0p5h",
                             "settlement_inflow_m3_per_s_0p5h", "corridor_class_0p5h",
                             "flow_speed_class_0p5h", "production_m3_per_m2_h"}) {
        INFO(name);
        GdalDatasetPtr ds = open_raster(dir / "out" / (std::string(name) + ".tif"));
        REQUIRE(ds);
        CHECK(ds->GetRasterXSize() == 30);
    }
    GdalDatasetPtr height = open_raster(dir / "out" / "height_m_0p5h.tif");
    const std::vector<float> h = read_band<float>(*height);
    CHECK(h[static_cast<std::size_t>(10 * 30 + 20)] > 0.0F);
    CHECK(fs::exists(dir / "out" / "settlement_inflow.csv"));

    const CommandResult missing = run_command(lauter_command() + " tool coldair " +
                                              shell_quote((dir / "none.tif").string()) + " " +
                                              shell_quote((dir / "out").string()));
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("none.tif") != std::string::npos);

    TestRaster no_crs = dem;
    no_crs.crs.clear();
    write_test_raster(dir / "nocrs.tif", "GTiff", no_crs);
    const CommandResult crs = run_command(lauter_command() + " tool coldair " +
                                          shell_quote((dir / "nocrs.tif").string()) + " " +
                                          shell_quote((dir / "out").string()));
    INFO(crs.err);
    CHECK(crs.exit_code == 2);
    CHECK(crs.err.find("nocrs.tif") != std::string::npos);

    const CommandResult late = run_command(
        lauter_command() + " tool coldair " + shell_quote((dir / "dem.tif").string()) + " " +
        shell_quote((dir / "out").string()) + " --hours 2 --outputs 1,4");
    CHECK(late.exit_code == 2);
    CHECK(late.err.find("--outputs") != std::string::npos);
}
