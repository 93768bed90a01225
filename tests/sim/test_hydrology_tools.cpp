// `lauter tool fill | flowacc | sinks` on a small GeoTIFF: exit code 0, georeferenced outputs
// with the expected values, the depression table, and bad input answered with exit code 2; on
// the real SRTM tile the radix-heap fill against Barnes 2014 and conservation of D8 / MFD.
#include <catch2/catch.hpp>

#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/flow_direction.hpp>
#include <lauter/sim/raster_input.hpp>

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

/// A 6 x 7 DEM in EPSG:25832 sloping west with a 2-cell pit (spill 9 m) and a no-data cell.
fs::path write_pit_dem(const TempDir& dir) {
    TestRaster r;
    r.cols = 7;
    r.rows = 6;
    r.geotransform = {410000.0, 10.0, 0.0, 5480000.0, 0.0, -10.0};
    r.crs = "EPSG:25832";
    r.no_data = -9999.0;
    r.values = {12, 12, 12, 12, 12, 12, 12,  //
                9,  10, 10, 10, 10, 10, 12,  //
                9,  10, 4,  6,  10, 10, 12,  //
                9,  10, 10, 10, 10, 10, 12,  //
                9,  10, 10, 10, 10, -9999, 12, //
                12, 12, 12, 12, 12, 12, 12};
    const fs::path path = dir / "dem.tif";
    write_test_raster(path, "GTiff", r);
    return path;
}

std::vector<float> band_of(const fs::path& path) {
    GdalDatasetPtr ds = open_raster(path);
    REQUIRE(ds);
    return read_band<float>(*ds);
}

void check_georeferenced(const fs::path& path) {
    GdalDatasetPtr ds = open_raster(path);
    REQUIRE(ds);
    std::array<double, 6> gt{};
    REQUIRE(ds->GetGeoTransform(gt.data()) == CE_None);
    CHECK(gt[0] == 410000.0);
    CHECK(gt[3] == 5480000.0);
    CHECK(gt[1] == 10.0);
    CHECK(is_epsg(ds->GetSpatialRef(), 25832));
}

} // namespace

TEST_CASE("lauter tool fill, flowacc and sinks run on a GeoTIFF", "[e2e][hydrology]") {
    TempDir dir("hydro-tools");
    const fs::path dem = write_pit_dem(dir);

    const fs::path filled = dir / "filled.tif";
    CommandResult r = run_command(lauter_command() + " tool fill " + shell_quote(dem.string()) + " " +
                                  shell_quote(filled.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_georeferenced(filled);
    const std::vector<float> f = band_of(filled);
    CHECK(f[2 * 7 + 2] == 10.0F); // the pit spills at 10 m towards the western edge
    CHECK(f[2 * 7 + 3] == 10.0F);
    CHECK(f[0] == 12.0F);
    CHECK(std::isnan(f[4 * 7 + 5]));

    for (const char* method : {"d8", "mfd"}) {
        INFO(method);
        const fs::path acc = dir / (std::string("acc_") + method + ".tif");
        r = run_command(lauter_command() + " tool flowacc " + shell_quote(dem.string()) + " " +
                        shell_quote(acc.string()) + " --method " + method + " --unit m2");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(r.err.find("fills") != std::string::npos);
        check_georeferenced(acc);
        const std::vector<float> a = band_of(acc);
        double outflow_cells = 0.0;
        for (float v : a) {
            CHECK((std::isnan(v) || v >= 100.0F));
            outflow_cells += std::isnan(v) ? 0.0 : 1.0;
        }
        CHECK(outflow_cells == 41.0);
    }

    const fs::path ids = dir / "sinks.tif";
    const fs::path table = dir / "sinks.csv";
    r = run_command(lauter_command() + " tool sinks " + shell_quote(dem.string()) + " " +
                    shell_quote(ids.string()) + " --table " + shell_quote(table.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    check_georeferenced(ids);
    const std::vector<float> id = band_of(ids);
    CHECK(id[2 * 7 + 2] == 1.0F);
    CHECK(id[2 * 7 + 3] == 1.0F);
    CHECK(id[1 * 7 + 1] == 0.0F);
    const std::string csv = read_text_file(table);
    CHECK(csv.rfind("id,spill_elevation_m,max_depth_m,area_m2,volume_m3,cell_count", 0) == 0);
    // One depression: cells at 4 and 6 m filled to 10 m, 100 m^2 each; deepest cell at column
    // 2 of row 2, centre (410025, 5479975).
    CHECK(csv.find("\n1,10,6,200,1000,2,2,2,410025,5479975\n") != std::string::npos);
    for (const std::string& name : dir.entries()) {
        CHECK(name.find(".tmp-") == std::string::npos);
    }
}

TEST_CASE("lauter tool fill/flowacc/sinks: bad input exits with code 2 and writes nothing",
          "[e2e][hydrology]") {
    TempDir dir("hydro-bad");
    const fs::path not_a_raster = dir.write("dem.tif", "this is not a raster\n");
    for (const char* tool : {"fill", "flowacc", "sinks"}) {
        INFO(tool);
        const fs::path out = dir / (std::string(tool) + "_out.tif");
        const CommandResult r = run_command(lauter_command() + " tool " + tool + " " +
                                            shell_quote(not_a_raster.string()) + " " +
                                            shell_quote(out.string()));
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("dem.tif") != std::string::npos);
        CHECK_FALSE(fs::exists(out));
    }
    const fs::path dem = write_pit_dem(dir);
    const CommandResult bad_method =
        run_command(lauter_command() + " tool flowacc " + shell_quote(dem.string()) + " " +
                    shell_quote((dir / "x.tif").string()) + " --method dinf");
    CHECK(bad_method.exit_code == 2);
    CHECK_FALSE(fs::exists(dir / "x.tif"));
    const CommandResult bad_table = run_command(
        lauter_command() + " tool sinks " + shell_quote(dem.string()) + " " +
        shell_quote((dir / "y.tif").string()) + " --table " +
        shell_quote((dir / "no_such_dir" / "t.csv").string()));
    CHECK(bad_table.exit_code == 2);
    CHECK(bad_table.err.find("t.csv") != std::string::npos);
}

TEST_CASE("SRTM N50E008: the radix-heap fill equals Barnes 2014 bit for bit, D8 and MFD conserve",
          "[hydrology][real]") {
    // The real tile, read natively (1201 x 1201, 50 voids that act as outlets): the fast fill
    // must reproduce the reference Priority-Flood exactly on real terrain with its flats.
    namespace hy = lauter::kernels::hydrology;
    const fs::path hgt = source_dir() / "inputs/srtm/N50E008.hgt";
    REQUIRE(fs::exists(hgt));
    const lauter::sim::RasterLayer dem = lauter::sim::read_raster(hgt);
    const lauter::kernels::GridSpec& g = dem.values.spec();
    lauter::kernels::Raster<float> barnes(g);
    lauter::kernels::Raster<float> radix(g);
    hy::FillWorkspace ws;
    const hy::FillStats sb =
        hy::fill_depressions_barnes2014(dem.values.view(), dem.mask, barnes.view(), ws);
    const hy::FillStats sr = hy::fill_depressions(dem.values.view(), dem.mask, radix.view(), ws);
    std::size_t differing = 0;
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        differing += (dem.mask.has_data(i) &&
                      std::memcmp(&barnes[i], &radix[i], sizeof(float)) != 0) ? 1U : 0U;
    }
    CHECK(differing == 0);
    CHECK(sr.raised_cells == sb.raised_cells);
    CHECK(sr.raised_cells > 10000); // SRTM integer metres: many filled flats

    hy::FillParams eps;
    eps.epsilon = true;
    hy::fill_depressions(dem.values.view(), dem.mask, radix.view(), ws, eps);
    lauter::kernels::Raster<double> acc(g);
    hy::FlowWorkspace fw;
    for (hy::FlowMethod m : {hy::FlowMethod::d8, hy::FlowMethod::mfd}) {
        hy::FlowParams p;
        p.method = m;
        const hy::FlowStats s = hy::flow_accumulation(radix.view(), dem.mask, acc.view(), fw, p);
        CHECK(s.active_cells == 1201U * 1201U - 50U);
        CHECK(s.outflow == Approx(static_cast<double>(s.active_cells)).epsilon(1e-9));
    }
}
