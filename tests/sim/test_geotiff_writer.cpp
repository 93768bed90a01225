// GeoTIFF writer: round trips through GDAL, COG layout, no-data, metadata and atomicity.
#include <catch2/catch.hpp>

#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace lauter;
using lauter::test::open_raster;
using lauter::test::read_band;
using lauter::test::TempDir;
namespace fs = std::filesystem;

namespace {

kernels::GridSpec test_grid(std::size_t rows, std::size_t cols) {
    return test::make_grid(rows, cols, 10.0, 5.0, 409000.0, 5478000.0, test::wkt_of_epsg(25832));
}

} // namespace

TEST_CASE("Float COG round trip: values, NaN no-data, geotransform, CRS, metadata",
          "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(37, 53);
    kernels::Raster<float> r(g);
    kernels::CellMask m(g);
    for (std::size_t i = 0; i < r.size(); ++i) {
        r[i] = 200.0F + static_cast<float>(i) * 0.25F;
    }
    m.set(0, 0, kernels::CellStatus::no_data);
    m.set(20, 30, kernels::CellStatus::no_data);
    sim::GeoTiffOptions o;
    o.description = "test elevation";
    o.units = "m";
    o.metadata = {{"SOURCE", "unit test"}, {"LICENSE", "ODbL 1.0"}};
    const fs::path out = dir / "dem.tif";
    sim::write_geotiff(out, r, m, o);
    CHECK(dir.entries() == std::vector<std::string>{"dem.tif"});

    const auto d = open_raster(out);
    REQUIRE(d != nullptr);
    CHECK(d->GetRasterXSize() == 53);
    CHECK(d->GetRasterYSize() == 37);
    double gt[6] = {};
    REQUIRE(d->GetGeoTransform(gt) == CE_None);
    CHECK(gt[0] == 409000.0);
    CHECK(gt[1] == 10.0);
    CHECK(gt[2] == 0.0);
    CHECK(gt[3] == 5478000.0);
    CHECK(gt[4] == 0.0);
    CHECK(gt[5] == -5.0);
    REQUIRE(d->GetSpatialRef() != nullptr);
    CHECK(test::is_epsg(d->GetSpatialRef(), 25832));
    const char* layout = d->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
    REQUIRE(layout != nullptr);
    CHECK(std::string(layout) == "COG");
    CHECK(std::string(d->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE")) == "DEFLATE");
    CHECK(std::string(d->GetMetadataItem("SOURCE")) == "unit test");
    CHECK(std::string(d->GetMetadataItem("LICENSE")) == "ODbL 1.0");
    GDALRasterBand* b = d->GetRasterBand(1);
    CHECK(b->GetRasterDataType() == GDT_Float32);
    CHECK(std::string(b->GetDescription()) == "test elevation");
    CHECK(std::string(b->GetUnitType()) == "m");
    int has_no_data = 0;
    CHECK(std::isnan(b->GetNoDataValue(&has_no_data)));
    CHECK(has_no_data != 0);
    const std::vector<float> back = read_band<float>(*d);
    REQUIRE(back.size() == r.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
        if (m.has_data(i)) {
            CHECK(back[i] == r[i]);
        } else {
            CHECK(std::isnan(back[i]));
        }
    }
}

TEST_CASE("COG of a larger raster has overviews unless switched off; plain GeoTIFF is tiled "
          "without COG layout",
          "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(700, 600);
    kernels::Raster<float> r(g, 250.0F);
    const kernels::CellMask m(g);
    sim::write_geotiff(dir / "cog.tif", r, m);
    {
        const auto d = open_raster(dir / "cog.tif");
        REQUIRE(d != nullptr);
        CHECK(d->GetRasterBand(1)->GetOverviewCount() >= 1);
        int bx = 0;
        int by = 0;
        d->GetRasterBand(1)->GetBlockSize(&bx, &by);
        CHECK(bx == 512);
        CHECK(by == 512);
    }
    sim::GeoTiffOptions bare;
    bare.overviews = false; // what `lauter tool` writes unless --overviews is given
    sim::write_geotiff(dir / "cog_bare.tif", r, m, bare);
    {
        const auto d = open_raster(dir / "cog_bare.tif");
        REQUIRE(d != nullptr);
        CHECK(d->GetRasterBand(1)->GetOverviewCount() == 0);
        const char* layout = d->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
        REQUIRE(layout != nullptr);
        CHECK(std::string(layout) == "COG");
        float corner = 0.0F;
        REQUIRE(d->GetRasterBand(1)->RasterIO(GF_Read, 599, 699, 1, 1, &corner, 1, 1,
                                              GDT_Float32, 0, 0, nullptr) == CE_None);
        CHECK(corner == 250.0F);
    }
    sim::GeoTiffOptions plain;
    plain.cloud_optimized = false;
    plain.block_size_px = 256;
    sim::write_geotiff(dir / "plain.tif", r, m, plain);
    const auto d = open_raster(dir / "plain.tif");
    REQUIRE(d != nullptr);
    const char* layout = d->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
    CHECK((layout == nullptr || std::string(layout) != "COG"));
    int bx = 0;
    int by = 0;
    d->GetRasterBand(1)->GetBlockSize(&bx, &by);
    CHECK(bx == 256);
    CHECK(by == 256);
    CHECK(d->GetRasterBand(1)->GetOverviewCount() == 0);
}

TEST_CASE("uint8 GeoTIFF writes 0 (or the chosen value) as no-data", "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(10, 12);
    kernels::Raster<std::uint8_t> r(g, std::uint8_t{6});
    kernels::CellMask m(g);
    m.set(2, 3, kernels::CellStatus::no_data);
    sim::write_geotiff(dir / "classes.tif", r, m);
    sim::GeoTiffOptions o;
    o.no_data_value = 255.0;
    sim::write_geotiff(dir / "classes255.tif", r, m, o);
    for (const auto& [name, nd] : {std::pair<std::string, double>{"classes.tif", 0.0},
                                   std::pair<std::string, double>{"classes255.tif", 255.0}}) {
        const auto d = open_raster(dir / name);
        REQUIRE(d != nullptr);
        GDALRasterBand* b = d->GetRasterBand(1);
        CHECK(b->GetRasterDataType() == GDT_Byte);
        int has = 0;
        CHECK(b->GetNoDataValue(&has) == nd);
        const std::vector<std::uint8_t> back = read_band<std::uint8_t>(*d);
        REQUIRE(back.size() == r.size());
        CHECK(back[g.index(2, 3)] == static_cast<std::uint8_t>(nd));
        CHECK(back[g.index(0, 0)] == 6);
    }
    o.no_data_value = 300.0;
    CHECK_THROWS_AS(sim::write_geotiff(dir / "bad.tif", r, m, o), std::invalid_argument);
}

TEST_CASE("GeoTIFF writer fails cleanly and leaves nothing behind", "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(8, 9);
    const kernels::Raster<float> r(g, 1.0F);
    const kernels::CellMask m(g);
    auto expect_input_error = [&](const fs::path& dest) {
        try {
            sim::write_geotiff(dest, r, m);
            FAIL("no error for " << dest);
        } catch (const sim::InputError& e) {
            CHECK(std::string(e.what()).find(dest.string()) != std::string::npos);
        }
        CHECK_FALSE(fs::exists(dest));
    };
    // The directory does not exist.
    expect_input_error(dir / "missing" / "dem.tif");
    // The "directory" is a regular file.
    dir.write("file.txt", "x");
    expect_input_error(dir / "file.txt" / "dem.tif");
    // A directory nobody can create files in, not even root.
    expect_input_error(fs::path("/proc") / "lauter_test_dem.tif");
    // The destination is a directory: refused, and the directory is untouched.
    fs::create_directory(dir / "taken.tif");
    try {
        sim::write_geotiff(dir / "taken.tif", r, m);
        FAIL("no error for a directory destination");
    } catch (const sim::InputError& e) {
        CHECK(std::string(e.what()).find("taken.tif") != std::string::npos);
    }
    CHECK(fs::is_directory(dir / "taken.tif"));
    // Shape mismatch is a programming error.
    const kernels::CellMask other(test_grid(9, 9));
    CHECK_THROWS_AS(sim::write_geotiff(dir / "x.tif", r, other), std::invalid_argument);
    // No temporary file was left anywhere.
    CHECK(dir.entries() == std::vector<std::string>{"file.txt", "taken.tif"});
}

TEST_CASE("GeoTIFF writer replaces an existing file atomically", "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(8, 9);
    const kernels::CellMask m(g);
    const fs::path out = dir / "dem.tif";
    test::write_text_file(out, "not a tiff");
    sim::write_geotiff(out, kernels::Raster<float>(g, 7.0F), m);
    CHECK(dir.entries() == std::vector<std::string>{"dem.tif"});
    const auto d = open_raster(out);
    REQUIRE(d != nullptr);
    const std::vector<float> back = read_band<float>(*d);
    REQUIRE(back.size() == g.cell_count());
    CHECK(back[g.index(4, 4)] == 7.0F);
}
