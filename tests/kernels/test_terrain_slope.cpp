// Horn slope, aspect and hillshade against analytic surfaces and against gdaldem.
#include <catch2/catch.hpp>

#include <lauter/kernels/terrain/slope.hpp>
#include <lauter/sim/geotiff_writer.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <omp.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::terrain;
namespace test = lauter::test;

namespace {

constexpr double deg = 180.0 / std::numbers::pi;

GridSpec make_grid(std::size_t rows, std::size_t cols, double dx, double dy) {
    return test::make_grid(rows, cols, dx, dy, 1000.0, 5000.0);
}

/// z = z0 + gx * x + gy * y at the cell centres (x east, y north).
Raster<float> plane(const GridSpec& g, double gx, double gy, double z0 = 300.0) {
    Raster<float> z(g);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            z(r, c) = static_cast<float>(z0 + gx * (g.cell_centre_x(c) - g.x0) +
                                         gy * (g.cell_centre_y(r) - g.y0));
        }
    }
    return z;
}

/// Gaussian hills on a slight tilt: curved everywhere, all aspects present.
Raster<float> hills(const GridSpec& g) {
    Raster<float> z(g);
    const double w = static_cast<double>(g.cols) * g.cell_size_x_m;
    const double h = static_cast<double>(g.rows) * g.cell_size_y_m;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double x = (g.cell_centre_x(c) - g.x0) / w;
            const double y = (g.y0 - g.cell_centre_y(r)) / h;
            const double v = 250.0 + 20.0 * x +
                             80.0 * std::exp(-((x - 0.3) * (x - 0.3) + (y - 0.4) * (y - 0.4)) / 0.02) +
                             50.0 * std::exp(-((x - 0.7) * (x - 0.7) + (y - 0.7) * (y - 0.7)) / 0.03);
            z(r, c) = static_cast<float>(v);
        }
    }
    return z;
}

Raster<float> slope_of(const Raster<float>& z, const CellMask& m) {
    Raster<float> out(z.spec());
    compute_slope_deg(z.view(), m, out.view());
    return out;
}

Raster<float> aspect_of(const Raster<float>& z, const CellMask& m) {
    Raster<float> out(z.spec());
    compute_aspect_deg(z.view(), m, out.view());
    return out;
}

Raster<float> hillshade_of(const Raster<float>& z, const CellMask& m,
                           const HillshadeParams& p = {}) {
    Raster<float> out(z.spec());
    compute_hillshade(z.view(), m, out.view(), p);
    return out;
}

} // namespace

TEST_CASE("Horn slope and aspect of tilted planes are exact", "[terrain][slope]") {
    const GridSpec g = make_grid(7, 9, 10.0, 5.0); // non-square cells on purpose
    const CellMask m(g);
    struct Case {
        double gx, gy, aspect_deg;
    };
    // Downslope towards east: z falls with x; towards north: z falls with y.
    const Case cases[] = {{-0.2, 0.0, 90.0}, {0.0, -0.3, 0.0},  {0.0, 0.25, 180.0},
                          {0.4, 0.0, 270.0}, {-0.1, -0.1, 45.0}, {0.1, 0.1, 225.0}};
    for (const Case& k : cases) {
        const Raster<float> z = plane(g, k.gx, k.gy);
        const Raster<float> s = slope_of(z, m);
        const Raster<float> a = aspect_of(z, m);
        const double expected_slope = std::atan(std::hypot(k.gx, k.gy)) * deg;
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            CHECK(s[i] == Approx(expected_slope).margin(1e-3));
            CHECK(a[i] == Approx(k.aspect_deg).margin(1e-3));
        }
    }
}

TEST_CASE("Aspect of a flat plane is undefined (NaN) and its slope zero", "[terrain][slope]") {
    const GridSpec g = make_grid(4, 5, 10.0, 10.0);
    const CellMask m(g);
    const Raster<float> z = plane(g, 0.0, 0.0);
    const Raster<float> s = slope_of(z, m);
    const Raster<float> a = aspect_of(z, m);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        CHECK(s[i] == 0.0F);
        CHECK(std::isnan(a[i]));
    }
}

TEST_CASE("Slope and aspect of a cone away from its apex", "[terrain][slope]") {
    const GridSpec g = make_grid(61, 61, 10.0, 10.0);
    const CellMask m(g);
    const double k = 0.5; // dz/dr
    const double xc = g.cell_centre_x(30);
    const double yc = g.cell_centre_y(30);
    Raster<float> z(g);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            z(r, c) = static_cast<float>(
                500.0 - k * std::hypot(g.cell_centre_x(c) - xc, g.cell_centre_y(r) - yc));
        }
    }
    const Raster<float> s = slope_of(z, m);
    const Raster<float> a = aspect_of(z, m);
    std::size_t checked = 0;
    for (std::size_t r = 1; r + 1 < g.rows; ++r) {
        for (std::size_t c = 1; c + 1 < g.cols; ++c) {
            const double dx = g.cell_centre_x(c) - xc;
            const double dy = g.cell_centre_y(r) - yc;
            if (std::hypot(dx, dy) < 100.0) {
                continue; // the finite difference smooths the kink at the apex
            }
            // Relative error of the centred difference on r is O((cell / r)^2): <= 1 % here.
            CHECK(s(r, c) == Approx(std::atan(k) * deg).margin(0.3));
            double bearing = std::atan2(dx, dy) * deg; // downslope = away from the apex
            bearing += bearing < 0.0 ? 360.0 : 0.0;
            double diff = std::abs(static_cast<double>(a(r, c)) - bearing);
            diff = std::min(diff, 360.0 - diff);
            CHECK(diff < 0.5);
            ++checked;
        }
    }
    CHECK(checked > 2000);
}

TEST_CASE("A plane keeps its exact slope next to no-data holes and at the grid edges",
          "[terrain][slope]") {
    const GridSpec g = make_grid(10, 12, 10.0, 10.0);
    CellMask m(g);
    for (std::size_t r = 4; r <= 5; ++r) {
        for (std::size_t c = 5; c <= 6; ++c) {
            m.set(r, c, CellStatus::no_data);
        }
    }
    m.set(0, 11, CellStatus::no_data); // a hole at a corner
    const double gx = 0.15;
    const double gy = -0.35;
    Raster<float> z = plane(g, gx, gy);
    z(4, 5) = 1.0e6F; // values under the mask must never be read
    z(0, 11) = -1.0e6F;
    const Raster<float> s = slope_of(z, m);
    const Raster<float> a = aspect_of(z, m);
    const Raster<float> h = hillshade_of(z, m);
    const double expected = std::atan(std::hypot(gx, gy)) * deg;
    double expected_aspect = std::atan2(-gx, -gy) * deg;
    expected_aspect += expected_aspect < 0.0 ? 360.0 : 0.0;
    const float shade_reference = h(9, 0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!m.has_data(r, c)) {
                CHECK(std::isnan(s(r, c)));
                CHECK(std::isnan(a(r, c)));
                CHECK(std::isnan(h(r, c)));
                continue;
            }
            CHECK(s(r, c) == Approx(expected).margin(1e-3));
            CHECK(a(r, c) == Approx(expected_aspect).margin(1e-3));
            CHECK(h(r, c) == Approx(shade_reference).margin(1e-5));
        }
    }
}

TEST_CASE("Hillshade of flat and sun-facing planes", "[terrain][hillshade]") {
    const GridSpec g = make_grid(5, 6, 10.0, 10.0);
    const CellMask m(g);
    for (double altitude : {45.0, 30.0, 60.0, 90.0}) {
        HillshadeParams p;
        p.sun_altitude_deg = altitude;
        const Raster<float> h = hillshade_of(plane(g, 0.0, 0.0), m, p);
        const double cos_zenith = std::cos((90.0 - altitude) / deg);
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            CHECK(h[i] == Approx(cos_zenith).margin(1e-6));
        }
    }
    // A plane facing the sun (azimuth 315: downslope towards the north-west) with slope equal
    // to the zenith angle (45 degrees) is lit head-on: 1. Its opposite is in its own shadow: 0.
    const double g1 = std::tan(45.0 / deg) / std::sqrt(2.0);
    const Raster<float> lit = hillshade_of(plane(g, g1, -g1), m);
    const Raster<float> dark = hillshade_of(plane(g, -g1, g1), m);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        CHECK(lit[i] == Approx(1.0).margin(1e-5));
        CHECK(dark[i] == Approx(0.0).margin(1e-6));
    }
}

TEST_CASE("Slope, aspect and hillshade are bitwise independent of the thread count",
          "[terrain][slope][threads]") {
    const GridSpec g = make_grid(97, 131, 10.0, 10.0);
    CellMask m(g);
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::size_t> cell(0, g.cell_count() - 1);
    for (int k = 0; k < 300; ++k) {
        m.set(cell(rng), CellStatus::no_data);
    }
    const Raster<float> z = hills(g);
    const int saved = omp_get_max_threads();
    auto run = [&](int threads) {
        omp_set_num_threads(threads);
        const Raster<float> s = slope_of(z, m);
        const Raster<float> a = aspect_of(z, m);
        const Raster<float> h = hillshade_of(z, m);
        std::vector<float> all;
        for (const Raster<float>* r : {&s, &a, &h}) {
            all.insert(all.end(), r->values().begin(), r->values().end());
        }
        return all;
    };
    const std::vector<float> one = run(1);
    const std::vector<float> two = run(2);
    omp_set_num_threads(saved);
    REQUIRE(one.size() == two.size());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
}

TEST_CASE("Slope, aspect and hillshade agree with gdaldem (Horn) away from the edges",
          "[terrain][slope][gdaldem]") {
    const GridSpec g =
        test::make_grid(40, 50, 10.0, 10.0, 410000.0, 5477000.0, test::wkt_of_epsg(25832));
    const CellMask m(g);
    const Raster<float> z = hills(g);
    const test::TempDir dir("gdaldem");
    const auto dem = dir / "dem.tif";
    lauter::sim::GeoTiffOptions options;
    options.cloud_optimized = false;
    lauter::sim::write_geotiff(dem, z, m, options);

    auto run = [&](const std::string& mode, const std::string& out) {
        const test::CommandResult r =
            test::run_command("gdaldem " + mode + " -q " + test::shell_quote(dem.string()) + " " +
                              test::shell_quote((dir / out).string()));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto ds = test::open_raster(dir / out);
        REQUIRE(ds != nullptr);
        std::vector<float> values = test::read_band<float>(*ds);
        REQUIRE(values.size() == g.cell_count());
        return values;
    };
    const std::vector<float> gdal_slope = run("slope", "slope.tif");
    const std::vector<float> gdal_aspect = run("aspect", "aspect.tif");
    const std::vector<float> gdal_shade = run("hillshade", "shade.tif"); // byte 1..255

    const Raster<float> s = slope_of(z, m);
    const Raster<float> a = aspect_of(z, m);
    const Raster<float> h = hillshade_of(z, m);
    double max_slope_diff = 0.0;
    double max_aspect_diff = 0.0;
    double max_shade_diff = 0.0;
    for (std::size_t r = 1; r + 1 < g.rows; ++r) {
        for (std::size_t c = 1; c + 1 < g.cols; ++c) {
            const std::size_t i = g.index(r, c);
            const double gs = gdal_slope[i];
            const double ga = gdal_aspect[i];
            const double gh = gdal_shade[i];
            max_slope_diff = std::max(max_slope_diff, std::abs(static_cast<double>(s[i]) - gs));
            if (s[i] > 0.5F) { // aspect is ill-conditioned on near-flat cells
                double d = std::abs(static_cast<double>(a[i]) - ga);
                max_aspect_diff = std::max(max_aspect_diff, std::min(d, 360.0 - d));
            }
            // gdaldem writes 1 + 254 * shade as a byte.
            max_shade_diff =
                std::max(max_shade_diff, std::abs(1.0 + 254.0 * static_cast<double>(h[i]) - gh));
        }
    }
    CHECK(max_slope_diff < 1e-3);
    CHECK(max_aspect_diff < 1e-2);
    CHECK(max_shade_diff <= 1.0);
}
