#include <catch2/catch.hpp>

#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/vector_input.hpp>

#include "../support/test_support.hpp"

#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>

using namespace lauter;
using lauter::test::TempDir;

namespace {

const std::filesystem::path boundary_poly =
    test::source_dir() / "inputs/kaiserslautern/kaiserslautern_boundary.poly";

} // namespace

TEST_CASE("The Kaiserslautern .poly boundary: inside, outside, area", "[vector_input][real]") {
    const sim::PolygonLayer lonlat = sim::read_osmosis_poly(boundary_poly);
    REQUIRE(lonlat.polygons.size() == 1);
    const kernels::Polygon& p = lonlat.polygons.front();
    CHECK(kernels::polygon_contains(p, {7.7695, 49.4445})); // Stiftskirche, city centre
    CHECK_FALSE(kernels::polygon_contains(p, {7.5, 49.2}));
    CHECK_FALSE(kernels::polygon_contains(p, {8.68, 50.11})); // Frankfurt

    const sim::PolygonLayer utm = sim::read_polygons(boundary_poly, "EPSG:25832");
    double area_m2 = 0.0;
    for (const auto& q : utm.polygons) {
        area_m2 += kernels::polygon_area(q);
    }
    // Official city area 139.7 km^2; the OSM boundary of 2013 within 3 %.
    CHECK(area_m2 / 1e6 == Approx(139.7).epsilon(0.03));

    const kernels::GridSpec g = sim::extent_of(utm, 100.0);
    CHECK(std::fmod(g.x0, 100.0) == 0.0);
    CHECK(std::fmod(g.y0, 100.0) == 0.0);
    CHECK(sim::same_crs(g.crs_wkt, sim::normalize_crs("EPSG:25832", "test")));
    // The 7.627-7.871 E extent is about 17.7 km wide at 49.4 N.
    CHECK(static_cast<double>(g.cols) * 100.0 == Approx(17700.0).epsilon(0.03));
    const kernels::CellMask mask = sim::mask_from_boundary(utm.polygons, g);
    CHECK(static_cast<double>(mask.count_with_data()) * g.cell_area_m2() ==
          Approx(area_m2).epsilon(0.01));
    CHECK_FALSE(mask.has_data(0, 0));
}

TEST_CASE("Polygons from GeoJSON are reprojected, holes kept", "[vector_input]") {
    TempDir tmp;
    // A 0.01 x 0.01 degree square with a hole, near Kaiserslautern.
    const auto path = tmp.write(
        "square.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{},"geometry":{"type":"Polygon","coordinates":[
        [[7.76,49.44],[7.77,49.44],[7.77,49.45],[7.76,49.45],[7.76,49.44]],
        [[7.764,49.444],[7.766,49.444],[7.766,49.446],[7.764,49.446],[7.764,49.444]]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7.7,49.4]}}]})");
    const sim::PolygonLayer layer = sim::read_polygons(path, "EPSG:25832");
    REQUIRE(layer.polygons.size() == 1);
    REQUIRE(layer.polygons[0].rings.size() == 2);
    // 0.01 deg = 1112 m north-south and 1112 * cos(49.445) = 723 m east-west (UTM scale ~0.9996).
    const double expected_m2 = 1111.95 * (1111.95 * std::cos(49.445 * std::numbers::pi / 180.0));
    CHECK(kernels::polygon_area(layer.polygons[0]) == Approx(expected_m2 * 0.96).epsilon(0.01));
    const kernels::GridSpec g = sim::extent_of(layer, 10.0);
    const kernels::CellMask mask = sim::mask_from_boundary(layer.polygons, g);
    const std::size_t centre_row = g.rows / 2;
    const std::size_t centre_col = g.cols / 2;
    CHECK_FALSE(mask.has_data(centre_row, centre_col)); // inside the hole
    CHECK(mask.has_data(centre_row, 3));
}

TEST_CASE("Vector input errors name the file", "[vector_input]") {
    TempDir tmp;
    CHECK_THROWS_WITH(sim::read_polygons(tmp / "missing.gpkg", "EPSG:25832"),
                      Catch::Contains("missing.gpkg") && Catch::Contains("does not exist"));
    const auto bad_poly = tmp.write("bad.poly", "name\n1\n  7.7 49.4\n  7.8 abc\nEND\nEND\n");
    CHECK_THROWS_WITH(sim::read_osmosis_poly(bad_poly),
                      Catch::Contains("bad.poly") && Catch::Contains("line 4"));
    const auto open_poly = tmp.write("open.poly", "name\n1\n  7.7 49.4\n  7.8 49.4\n  7.8 49.5\n");
    CHECK_THROWS_AS(sim::read_osmosis_poly(open_poly), sim::InputError);
    const auto points = tmp.write(
        "points.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{},"geometry":{"type":"Point","coordinates":[7.7,49.4]}}]})");
    CHECK_THROWS_WITH(sim::read_polygons(points, "EPSG:25832"), Catch::Contains("no polygon"));
    CHECK_THROWS_AS(sim::read_polygons(boundary_poly, "nonsense"), sim::ConfigError);
}

TEST_CASE("A .poly hole section is subtracted by the even-odd rule", "[vector_input]") {
    TempDir tmp;
    const auto path = tmp.write("holes.poly", "test\nouter\n 0 0\n 4 0\n 4 4\n 0 4\nEND\n"
                                              "!hole\n 1 1\n 2 1\n 2 2\n 1 2\nEND\nEND\n");
    const sim::PolygonLayer layer = sim::read_osmosis_poly(path);
    REQUIRE(layer.polygons.size() == 1);
    CHECK(kernels::polygon_area(layer.polygons[0]) == Approx(15.0));
    CHECK(kernels::polygon_contains(layer.polygons[0], {3.0, 3.0}));
    CHECK_FALSE(kernels::polygon_contains(layer.polygons[0], {1.5, 1.5}));
}
