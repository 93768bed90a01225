#include <catch2/catch.hpp>

#include <lauter/kernels/grid.hpp>

#include "../support/test_support.hpp"

#include <cmath>

using namespace lauter::kernels;

namespace {
GridSpec small_grid() { return lauter::test::make_grid(3, 4, 10.0, 5.0, 1000.0, 2000.0); }
} // namespace

TEST_CASE("GridSpec indexes row-major with row 0 at the northern edge", "[grid]") {
    const GridSpec g = small_grid();
    CHECK(g.cell_count() == 12);
    CHECK(g.index(0, 0) == 0);
    CHECK(g.index(1, 0) == 4);
    CHECK(g.index(2, 3) == 11);
    CHECK(g.cell_centre_x(0) == Approx(1005.0));
    CHECK(g.cell_centre_y(0) == Approx(1997.5));
    CHECK(g.cell_centre_y(2) == Approx(1987.5));
    CHECK(g.x_max() == Approx(1040.0));
    CHECK(g.y_min() == Approx(1985.0));
    CHECK(g.col_coordinate(1015.0) == Approx(1.5));
    CHECK(g.row_coordinate(1990.0) == Approx(2.0));
    CHECK(g.cell_area_m2() == Approx(50.0));
    CHECK(g.contains(2, 3));
    CHECK_FALSE(g.contains(3, 0));
    CHECK_FALSE(g.contains(0, -1));
}

TEST_CASE("GridSpec::is_same_grid compares shape and georeference", "[grid]") {
    GridSpec a = small_grid();
    GridSpec b = small_grid();
    CHECK(a.is_same_grid(b));
    b.x0 += 1.0;
    CHECK_FALSE(a.is_same_grid(b));
    b = small_grid();
    b.crs_wkt = "EPSG:25832";
    CHECK_FALSE(a.is_same_grid(b));
    b = small_grid();
    b.rows = 4;
    CHECK_THROWS_AS(require_same_shape(a, b, "test"), std::invalid_argument);
    CHECK_NOTHROW(require_same_shape(a, small_grid(), "test"));
}

TEST_CASE("Raster owns values; views alias them; clone copies", "[grid]") {
    Raster<float> r(small_grid(), 1.5F);
    CHECK(r.size() == 12);
    CHECK(r(2, 3) == 1.5F);
    r(1, 2) = 7.0F;
    CHECK(r[6] == 7.0F);

    RasterView<float> v = r.view();
    v(0, 0) = -3.0F;
    CHECK(r[0] == -3.0F);
    RasterView<const float> cv = v;
    CHECK(cv(1, 2) == 7.0F);
    CHECK(cv.row(1).size() == 4);
    CHECK(cv.row(1)[2] == 7.0F);

    Raster<float> copy = r.clone();
    copy(1, 2) = 0.0F;
    CHECK(r(1, 2) == 7.0F);
    CHECK(copy.spec().is_same_grid(r.spec()));
}

TEST_CASE("RasterView with a row stride addresses a window of a larger buffer", "[grid]") {
    Raster<int> big(small_grid());
    for (std::size_t i = 0; i < big.size(); ++i) {
        big[i] = static_cast<int>(i);
    }
    GridSpec window = small_grid();
    window.rows = 2;
    window.cols = 2;
    RasterView<const int> w(big.data() + big.spec().index(1, 1), window, big.spec().cols);
    CHECK(w(0, 0) == 5);
    CHECK(w(0, 1) == 6);
    CHECK(w(1, 0) == 9);
    CHECK(w(1, 1) == 10);
}

TEST_CASE("CellMask marks no-data explicitly", "[grid]") {
    CellMask mask(small_grid());
    CHECK(mask.count_with_data() == 12);
    mask.set(0, 1, CellStatus::no_data);
    mask.set(5, CellStatus::outlet);
    CHECK_FALSE(mask.has_data(0, 1));
    CHECK(mask.has_data(5));
    CHECK(mask(1, 1) == CellStatus::outlet);
    CHECK(mask.count_with_data() == 11);
    CellMask copy = mask.clone();
    copy.set(0, 0, CellStatus::no_data);
    CHECK(mask.count_with_data() == 11);
    CHECK(copy.count_with_data() == 10);
    CHECK(std::isnan(no_data_value<float>));
}
