// `lauter tool utci`: single values print UTCI and the stress class; a raster input gives a
// raster out with invalid cells as no-data; values outside the valid range exit with code 2 and
// a message naming the value and the range.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/utci.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace lauter::test;
namespace fs = std::filesystem;

namespace {

CommandResult utci(const std::string& arguments) {
    return run_command(lauter_command() + " tool utci " + arguments);
}

} // namespace

TEST_CASE("lauter tool utci prints the UTCI of single values", "[e2e][utci]") {
    const CommandResult r = utci("--ta 27 --tmrt 22 --rh 50 --wind 1");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("UTCI 25.4 °C (no thermal stress)") != std::string::npos);
    const CommandResult hot = utci("--ta 32 --tmrt 65 --rh 40 --wind 1");
    REQUIRE(hot.exit_code == 0);
    CHECK(hot.out.find("heat stress") != std::string::npos);
}

TEST_CASE("lauter tool utci refuses values outside the valid range", "[e2e][utci]") {
    const CommandResult warm = utci("--ta 51 --tmrt 51 --rh 50 --wind 1");
    CHECK(warm.exit_code == 2);
    CHECK(warm.err.find("--ta 51") != std::string::npos);
    CHECK(warm.err.find("-50 .. 50 °C") != std::string::npos);
    const CommandResult calm = utci("--ta 25 --tmrt 25 --rh 50 --wind 0");
    CHECK(calm.exit_code == 2);
    CHECK(calm.err.find("0.5 .. 17 m/s") != std::string::npos);
    const CommandResult radiant = utci("--ta 20 --tmrt 95 --rh 50 --wind 1");
    CHECK(radiant.exit_code == 2);
    CHECK(radiant.err.find("T_mrt - T_a = 75 K") != std::string::npos);
    const CommandResult missing = utci("--ta 20 --tmrt nofile.tif --rh 50 --wind 1");
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("nofile.tif") != std::string::npos);
}

TEST_CASE("lauter tool utci maps a T_mrt raster", "[e2e][utci]") {
    TempDir dir("utci-tool");
    TestRaster t;
    t.cols = 3;
    t.rows = 2;
    t.geotransform = {410000.0, 5.0, 0.0, 5480000.0, 0.0, -5.0};
    t.crs = "EPSG:25832";
    t.no_data = -9999.0;
    t.values = {22, 40, 60, -9999, 120, 27};
    const fs::path tmrt = dir / "tmrt.tif";
    write_test_raster(tmrt, "GTiff", t);
    const fs::path out = dir / "utci.tif";
    const fs::path stress = dir / "stress.tif";
    const CommandResult r =
        utci("--ta 27 --tmrt " + shell_quote(tmrt.string()) + " --rh 50 --wind 1 --output " +
             shell_quote(out.string()) + " --stress-output " + shell_quote(stress.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("1 cells lie outside the valid range") != std::string::npos);
    GdalDatasetPtr ds = open_raster(out);
    REQUIRE(ds);
    const std::vector<float> v = read_band<float>(*ds);
    REQUIRE(v.size() == 6);
    CHECK(v[0] == Approx(25.5).margin(0.1));
    CHECK(static_cast<double>(v[2]) ==
          Approx(lauter::kernels::thermal::utci_c(27, 60, 50, 1)).margin(1e-3));
    CHECK(std::isnan(v[3])); // no data in
    CHECK(std::isnan(v[4])); // T_mrt - T_a = 93 K: invalid
    GdalDatasetPtr classes = open_raster(stress);
    REQUIRE(classes);
    const std::vector<float> k = read_band<float>(*classes);
    CHECK(k[0] == 6.0F);
    CHECK(k[4] == 0.0F);

    const CommandResult no_output =
        utci("--ta 27 --tmrt " + shell_quote(tmrt.string()) + " --rh 50 --wind 1");
    CHECK(no_output.exit_code == 2);
    CHECK(no_output.err.find("--output") != std::string::npos);
}
