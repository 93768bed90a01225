// GeoTIFF writer: round trips through GDAL, COG layout, no-data, metadata and atomicity.
#include <catch2/catch.hpp>

#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace lauter;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("lauter_geotiff_" + std::to_string(std::random_device{}()));
        fs::create_directories(path);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(path)) {
            names.push_back(e.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }
};

std::string utm32_wkt() {
    OGRSpatialReference srs;
    srs.importFromEPSG(25832);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    std::string s(wkt);
    CPLFree(wkt);
    return s;
}

kernels::GridSpec test_grid(std::size_t rows, std::size_t cols) {
    kernels::GridSpec g;
    g.rows = rows;
    g.cols = cols;
    g.cell_size_x_m = 10.0;
    g.cell_size_y_m = 5.0;
    g.x0 = 409000.0;
    g.y0 = 5478000.0;
    g.crs_wkt = utm32_wkt();
    return g;
}

struct Dataset {
    GDALDataset* ds = nullptr;
    explicit Dataset(const fs::path& p) {
        GDALAllRegister();
        ds = GDALDataset::Open(p.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    }
    Dataset(const Dataset&) = delete;
    Dataset& operator=(const Dataset&) = delete;
    ~Dataset() {
        if (ds != nullptr) {
            GDALClose(GDALDataset::ToHandle(ds));
        }
    }
};

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
    const fs::path out = dir.path / "dem.tif";
    sim::write_geotiff(out, r, m, o);
    CHECK(dir.entries() == std::vector<std::string>{"dem.tif"});

    Dataset d(out);
    REQUIRE(d.ds != nullptr);
    CHECK(d.ds->GetRasterXSize() == 53);
    CHECK(d.ds->GetRasterYSize() == 37);
    double gt[6] = {};
    REQUIRE(d.ds->GetGeoTransform(gt) == CE_None);
    CHECK(gt[0] == 409000.0);
    CHECK(gt[1] == 10.0);
    CHECK(gt[2] == 0.0);
    CHECK(gt[3] == 5478000.0);
    CHECK(gt[4] == 0.0);
    CHECK(gt[5] == -5.0);
    OGRSpatialReference expected;
    expected.importFromEPSG(25832);
    REQUIRE(d.ds->GetSpatialRef() != nullptr);
    CHECK(d.ds->GetSpatialRef()->IsSame(&expected));
    const char* layout = d.ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
    REQUIRE(layout != nullptr);
    CHECK(std::string(layout) == "COG");
    CHECK(std::string(d.ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE")) == "DEFLATE");
    CHECK(std::string(d.ds->GetMetadataItem("SOURCE")) == "unit test");
    CHECK(std::string(d.ds->GetMetadataItem("LICENSE")) == "ODbL 1.0");
    GDALRasterBand* b = d.ds->GetRasterBand(1);
    CHECK(b->GetRasterDataType() == GDT_Float32);
    CHECK(std::string(b->GetDescription()) == "test elevation");
    CHECK(std::string(b->GetUnitType()) == "m");
    int has_no_data = 0;
    CHECK(std::isnan(b->GetNoDataValue(&has_no_data)));
    CHECK(has_no_data != 0);
    std::vector<float> back(r.size());
    REQUIRE(b->RasterIO(GF_Read, 0, 0, 53, 37, back.data(), 53, 37, GDT_Float32, 0, 0, nullptr) ==
            CE_None);
    for (std::size_t i = 0; i < r.size(); ++i) {
        if (m.has_data(i)) {
            CHECK(back[i] == r[i]);
        } else {
            CHECK(std::isnan(back[i]));
        }
    }
}

TEST_CASE("COG of a larger raster has overviews; plain GeoTIFF is tiled without COG layout",
          "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(700, 600);
    kernels::Raster<float> r(g, 250.0F);
    const kernels::CellMask m(g);
    sim::write_geotiff(dir.path / "cog.tif", r, m);
    {
        Dataset d(dir.path / "cog.tif");
        REQUIRE(d.ds != nullptr);
        CHECK(d.ds->GetRasterBand(1)->GetOverviewCount() >= 1);
        int bx = 0;
        int by = 0;
        d.ds->GetRasterBand(1)->GetBlockSize(&bx, &by);
        CHECK(bx == 512);
        CHECK(by == 512);
    }
    sim::GeoTiffOptions plain;
    plain.cloud_optimized = false;
    plain.block_size_px = 256;
    sim::write_geotiff(dir.path / "plain.tif", r, m, plain);
    Dataset d(dir.path / "plain.tif");
    REQUIRE(d.ds != nullptr);
    const char* layout = d.ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE");
    CHECK((layout == nullptr || std::string(layout) != "COG"));
    int bx = 0;
    int by = 0;
    d.ds->GetRasterBand(1)->GetBlockSize(&bx, &by);
    CHECK(bx == 256);
    CHECK(by == 256);
    CHECK(d.ds->GetRasterBand(1)->GetOverviewCount() == 0);
}

TEST_CASE("uint8 GeoTIFF writes 0 (or the chosen value) as no-data", "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(10, 12);
    kernels::Raster<std::uint8_t> r(g, std::uint8_t{6});
    kernels::CellMask m(g);
    m.set(2, 3, kernels::CellStatus::no_data);
    sim::write_geotiff(dir.path / "classes.tif", r, m);
    sim::GeoTiffOptions o;
    o.no_data_value = 255.0;
    sim::write_geotiff(dir.path / "classes255.tif", r, m, o);
    for (const auto& [name, nd] : {std::pair<std::string, double>{"classes.tif", 0.0},
                                   std::pair<std::string, double>{"classes255.tif", 255.0}}) {
        Dataset d(dir.path / name);
        REQUIRE(d.ds != nullptr);
        GDALRasterBand* b = d.ds->GetRasterBand(1);
        CHECK(b->GetRasterDataType() == GDT_Byte);
        int has = 0;
        CHECK(b->GetNoDataValue(&has) == nd);
        std::vector<std::uint8_t> back(r.size());
        REQUIRE(b->RasterIO(GF_Read, 0, 0, 12, 10, back.data(), 12, 10, GDT_Byte, 0, 0,
                            nullptr) == CE_None);
        CHECK(back[g.index(2, 3)] == static_cast<std::uint8_t>(nd));
        CHECK(back[g.index(0, 0)] == 6);
    }
    o.no_data_value = 300.0;
    CHECK_THROWS_AS(sim::write_geotiff(dir.path / "bad.tif", r, m, o), std::invalid_argument);
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
    expect_input_error(dir.path / "missing" / "dem.tif");
    // The "directory" is a regular file.
    std::ofstream(dir.path / "file.txt") << "x";
    expect_input_error(dir.path / "file.txt" / "dem.tif");
    // A directory nobody can create files in, not even root.
    expect_input_error(fs::path("/proc") / "lauter_test_dem.tif");
    // The destination is a directory: refused, and the directory is untouched.
    fs::create_directory(dir.path / "taken.tif");
    try {
        sim::write_geotiff(dir.path / "taken.tif", r, m);
        FAIL("no error for a directory destination");
    } catch (const sim::InputError& e) {
        CHECK(std::string(e.what()).find("taken.tif") != std::string::npos);
    }
    CHECK(fs::is_directory(dir.path / "taken.tif"));
    // Shape mismatch is a programming error.
    const kernels::CellMask other(test_grid(9, 9));
    CHECK_THROWS_AS(sim::write_geotiff(dir.path / "x.tif", r, other), std::invalid_argument);
    // No temporary file was left anywhere.
    CHECK(dir.entries() == std::vector<std::string>{"file.txt", "taken.tif"});
}

TEST_CASE("GeoTIFF writer replaces an existing file atomically", "[io][geotiff]") {
    TempDir dir;
    const kernels::GridSpec g = test_grid(8, 9);
    const kernels::CellMask m(g);
    const fs::path out = dir.path / "dem.tif";
    std::ofstream(out) << "not a tiff";
    sim::write_geotiff(out, kernels::Raster<float>(g, 7.0F), m);
    CHECK(dir.entries() == std::vector<std::string>{"dem.tif"});
    Dataset d(out);
    REQUIRE(d.ds != nullptr);
    float v = 0.0F;
    REQUIRE(d.ds->GetRasterBand(1)->RasterIO(GF_Read, 4, 4, 1, 1, &v, 1, 1, GDT_Float32, 0, 0,
                                             nullptr) == CE_None);
    CHECK(v == 7.0F);
}
