#include <catch2/catch.hpp>

#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/raster_input.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using namespace lauter;
using lauter::test::TempDir;

namespace {

/// The test plane z = 100 + 0.01 (x - 410000) - 0.02 (y - 5475000), in UTM 32N metres.
double plane(double x, double y) { return 100.0 + 0.01 * (x - 410000.0) - 0.02 * (y - 5475000.0); }

kernels::GridSpec utm_grid(double x0, double y0, std::size_t rows, std::size_t cols,
                           double cell_m) {
    return test::make_grid(rows, cols, cell_m, cell_m, x0, y0,
                           sim::normalize_crs("EPSG:25832", "test"));
}

/// The plane sampled at the cell centres of a lon/lat grid (centres projected to UTM 32N).
std::vector<float> plane_on_lonlat(const std::array<double, 6>& gt, int cols, int rows) {
    const auto ct = test::epsg_transform(4326, 25832);
    std::vector<float> v(static_cast<std::size_t>(cols * rows));
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            double x = gt[0] + (c + 0.5) * gt[1];
            double y = gt[3] + (r + 0.5) * gt[5];
            ct->Transform(1, &x, &y);
            v[static_cast<std::size_t>(r * cols + c)] = static_cast<float>(plane(x, y));
        }
    }
    return v;
}

} // namespace

TEST_CASE("CRS texts are normalised to WKT2 and compared semantically", "[crs]") {
    const std::string a = sim::normalize_crs("EPSG:25832", "grid.crs");
    CHECK(a.find("ETRS89 / UTM zone 32N") != std::string::npos);
    const std::string b = sim::normalize_crs("+proj=utm +zone=32 +ellps=GRS80 +units=m +no_defs", "x");
    CHECK(sim::crs_is_projected_metres(a));
    CHECK(sim::crs_is_projected_metres(b));
    CHECK_FALSE(sim::crs_is_projected_metres(sim::normalize_crs("EPSG:4326", "x")));
    CHECK(sim::same_crs(a, sim::normalize_crs(a, "x")));
    CHECK_FALSE(sim::same_crs(a, sim::normalize_crs("EPSG:4326", "x")));
    CHECK_FALSE(sim::same_crs(a, ""));
    CHECK_THROWS_AS(sim::normalize_crs("EPSG:99999999", "grid.crs"), sim::ConfigError);
    CHECK_THROWS_WITH(sim::normalize_crs("not a crs", "grid.crs"), Catch::Contains("grid.crs"));
}

TEST_CASE("A GeoTIFF in EPSG:25832 is read natively with its grid and no-data mask",
          "[raster_input]") {
    TempDir tmp;
    const int cols = 6;
    const int rows = 4;
    const std::array<double, 6> gt = {410000.0, 10.0, 0.0, 5475040.0, 0.0, -10.0};
    std::vector<float> v(static_cast<std::size_t>(cols * rows));
    for (int i = 0; i < cols * rows; ++i) {
        v[static_cast<std::size_t>(i)] = static_cast<float>(i) * 1.5F;
    }
    v[7] = -9999.0F;
    v[10] = std::nanf("");
    const auto path = tmp / "native.tif";
    test::write_test_raster(path, "GTiff", {cols, rows, gt, "EPSG:25832", v, -9999.0});

    const sim::RasterLayer layer = sim::read_raster(path);
    const kernels::GridSpec& g = layer.values.spec();
    CHECK(g.rows == 4);
    CHECK(g.cols == 6);
    CHECK(g.x0 == 410000.0);
    CHECK(g.y0 == 5475040.0);
    CHECK(g.cell_size_x_m == 10.0);
    CHECK(g.cell_size_y_m == 10.0);
    CHECK(sim::same_crs(g.crs_wkt, sim::normalize_crs("EPSG:25832", "test")));
    CHECK(layer.mask.count_with_data() == 22);
    CHECK_FALSE(layer.mask.has_data(7));
    CHECK_FALSE(layer.mask.has_data(10));
    CHECK(std::isnan(layer.values[7]));
    CHECK(layer.values(2, 3) == 15.0F * 1.5F);
    CHECK(layer.values[0] == 0.0F);

    const kernels::GridSpec grid_only = sim::raster_grid_of(path);
    CHECK(grid_only.is_same_grid(g));
    CHECK_THROWS_WITH(sim::read_raster(path, 2), Catch::Contains("band 2") &&
                                                      Catch::Contains("native.tif"));
}

TEST_CASE("Rasters in EPSG:4326 (GeoTIFF, ASCII grid + .prj) are warped onto a UTM grid",
          "[raster_input]") {
    TempDir tmp;
    // Lon/lat raster around (7.77 E, 49.44 N) at 0.0005 deg (~36 m x 56 m).
    const int cols = 80;
    const int rows = 60;
    const std::array<double, 6> gt = {7.74, 0.0005, 0.0, 49.455, 0.0, -0.0005};
    const std::vector<float> values = plane_on_lonlat(gt, cols, rows);
    const auto tif = tmp / "lonlat.tif";
    const auto asc = tmp / "lonlat.asc";
    test::write_test_raster(tif, "GTiff", {cols, rows, gt, "EPSG:4326", values, std::nullopt});
    test::write_test_raster(asc, "AAIGrid", {cols, rows, gt, "EPSG:4326", values, -9999.0});
    REQUIRE(std::filesystem::exists(tmp / "lonlat.prj"));

    // Target: 1 km x 1 km at 20 m inside the source; plus a margin strip outside the source.
    const auto ct = test::epsg_transform(4326, 25832);
    double cx = 7.76;
    double cy = 49.44;
    ct->Transform(1, &cx, &cy);
    const kernels::GridSpec target =
        utm_grid(std::floor(cx / 20.0) * 20.0 - 500.0, std::floor(cy / 20.0) * 20.0 + 500.0, 50, 50, 20.0);

    for (const auto& path : {tif, asc}) {
        for (const auto r : {sim::Resampling::bilinear, sim::Resampling::cubic}) {
            const sim::RasterLayer layer = sim::warp_raster_to_grid(path, target, r);
            CHECK(layer.values.spec().is_same_grid(target));
            REQUIRE(layer.mask.count_with_data() == target.cell_count());
            double max_error = 0.0;
            for (std::size_t row = 0; row < target.rows; ++row) {
                for (std::size_t col = 0; col < target.cols; ++col) {
                    const double expected = plane(target.cell_centre_x(col), target.cell_centre_y(row));
                    max_error = std::max(max_error,
                                         std::abs(static_cast<double>(layer.values(row, col)) - expected));
                }
            }
            INFO(path.filename() << " " << sim::resampling_name(r) << ": max error " << max_error);
            // A plane is linear in UTM; the lon/lat sampling bends it by far less than 1 cm over a
            // 56 m source cell, and float32 keeps ~1e-5 m at 100 m.
            CHECK(max_error < 0.02);
        }
    }

    // A target reaching beyond the source's eastern edge: cells outside are no_data.
    double ex = 7.78;
    double ey = 49.44;
    ct->Transform(1, &ex, &ey);
    const kernels::GridSpec edge = utm_grid(std::floor(ex / 20.0) * 20.0, std::floor(ey / 20.0) * 20.0,
                                            10, 200, 20.0); // 4 km east, past 7.78 E
    const sim::RasterLayer part = sim::warp_raster_to_grid(tif, edge, sim::Resampling::nearest);
    CHECK(part.mask.count_with_data() > 0);
    CHECK(part.mask.count_with_data() < edge.cell_count());
    CHECK_FALSE(part.mask.has_data(0, 199));
    CHECK(std::isnan(part.values(0, 199)));
    CHECK(part.mask.has_data(0, 0));
}

TEST_CASE("A south-up raster is returned north-up", "[raster_input]") {
    TempDir tmp;
    // Row 0 of the file is the southern row (y grows with the row index).
    const std::array<double, 6> gt = {410000.0, 10.0, 0.0, 5475000.0, 0.0, 10.0};
    const std::vector<float> v = {1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F};
    const auto path = tmp / "south_up.tif";
    test::write_test_raster(path, "GTiff", {3, 2, gt, "EPSG:25832", v, std::nullopt});
    const sim::RasterLayer layer = sim::read_raster(path);
    const kernels::GridSpec& g = layer.values.spec();
    REQUIRE(g.rows == 2);
    REQUIRE(g.cols == 3);
    CHECK(g.y0 == Approx(5475020.0));
    CHECK(g.x0 == Approx(410000.0));
    CHECK(layer.mask.count_with_data() == 6);
    CHECK(layer.values(0, 0) == 4.0F);
    CHECK(layer.values(0, 2) == 6.0F);
    CHECK(layer.values(1, 0) == 1.0F);
}

TEST_CASE("Raster input errors name the file and what to do", "[raster_input]") {
    TempDir tmp;
    const std::array<double, 6> gt = {410000.0, 10.0, 0.0, 5475040.0, 0.0, -10.0};
    const std::vector<float> v(16, 1.0F);
    const auto no_crs = tmp / "no_crs.tif";
    test::write_test_raster(no_crs, "GTiff", {4, 4, gt, "", v, std::nullopt});
    CHECK_THROWS_WITH(sim::read_raster(no_crs),
                      Catch::Contains("no_crs.tif") && Catch::Contains("inputs.dem_crs") &&
                          Catch::Contains("no coordinate reference system"));
    CHECK_THROWS_AS(sim::read_raster(no_crs), sim::InputError);
    // Stating the CRS makes it usable.
    const sim::RasterLayer ok = sim::read_raster(no_crs, 1, std::string("EPSG:25832"));
    CHECK(ok.mask.count_with_data() == 16);
    CHECK(sim::crs_is_projected_metres(ok.values.spec().crs_wkt));

    const auto far_away = utm_grid(600000.0, 5700000.0, 10, 10, 10.0);
    const auto with_crs = tmp / "with_crs.tif";
    test::write_test_raster(with_crs, "GTiff", {4, 4, gt, "EPSG:25832", v, std::nullopt});
    CHECK_THROWS_WITH(sim::warp_raster_to_grid(with_crs, far_away, sim::Resampling::bilinear),
                      Catch::Contains("does not overlap") && Catch::Contains("with_crs.tif"));

    CHECK_THROWS_WITH(sim::read_raster(tmp / "missing.tif"), Catch::Contains("does not exist"));
    const auto text = tmp.write("text.tif", "not a raster");
    CHECK_THROWS_WITH(sim::read_raster(text), Catch::Contains("not a raster"));
    CHECK_THROWS_AS(sim::read_raster(with_crs, 0), sim::InputError);
    CHECK(sim::resampling_from_name("cubic_spline") == sim::Resampling::cubic_spline);
    CHECK_FALSE(sim::resampling_from_name("lanczos").has_value());
}

TEST_CASE("SRTM N50E008.hgt: read natively and warped to UTM 32N around Frankfurt",
          "[raster_input][real]") {
    const auto hgt = test::source_dir() / "inputs/srtm/N50E008.hgt";
    REQUIRE(std::filesystem::exists(hgt));
    const sim::RasterLayer native = sim::read_raster(hgt);
    CHECK(native.values.spec().rows == 1201);
    CHECK(native.values.spec().cols == 1201);
    CHECK(native.values.spec().cell_size_x_m == Approx(1.0 / 1200.0));
    CHECK(native.mask.count_with_data() == 1201U * 1201U - 50U);

    // 20 km x 20 km over Frankfurt and its airport (north of 50 N, where the voids are) at 30 m.
    const kernels::GridSpec g = utm_grid(458000.0, 5561000.0, 667, 667, 30.0);
    const sim::RasterLayer dem = sim::warp_raster_to_grid(hgt, g, sim::Resampling::nearest);
    float lo = 1e9F;
    float hi = -1e9F;
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        if (dem.mask.has_data(i)) {
            lo = std::min(lo, dem.values[i]);
            hi = std::max(hi, dem.values[i]);
        } else {
            CHECK(std::isnan(dem.values[i]));
        }
    }
    CHECK(lo >= 62.0F);
    CHECK(hi <= 885.0F);
    // Every void of the tile whose centre falls in the grid is no_data in the cell containing it.
    const auto ct = test::epsg_transform(4326, 25832);
    const kernels::GridSpec& ng = native.values.spec();
    std::size_t voids_inside = 0;
    for (std::size_t r = 0; r < ng.rows; ++r) {
        for (std::size_t c = 0; c < ng.cols; ++c) {
            if (native.mask.has_data(r, c)) {
                continue;
            }
            double x = ng.cell_centre_x(c);
            double y = ng.cell_centre_y(r);
            ct->Transform(1, &x, &y);
            const double col = g.col_coordinate(x);
            const double row = g.row_coordinate(y);
            if (col < 0.0 || row < 0.0 || col >= 667.0 || row >= 667.0) {
                continue;
            }
            ++voids_inside;
            CHECK_FALSE(dem.mask.has_data(static_cast<std::size_t>(row), static_cast<std::size_t>(col)));
        }
    }
    CHECK(voids_inside >= 30);
    // Nearest neighbour: each 60 m x 93 m void pixel covers about 6 cells of 30 m.
    const std::size_t no_data_cells = g.cell_count() - dem.mask.count_with_data();
    CHECK(no_data_cells >= voids_inside);
    CHECK(no_data_cells <= voids_inside * 12);
}
