// Night heat island (Theeuwes et al. 2017), InVEST cooling capacity and park cooling, thermal-
// load classes and residents per class.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/heat_island.hpp>
#include <lauter/kernels/thermal/thermal_load_classes.hpp>
#include <lauter/kernels/thermal/urban_cooling.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;

namespace {

GridSpec grid(std::size_t rows, std::size_t cols, double cell_m) {
    GridSpec g;
    g.rows = rows;
    g.cols = cols;
    g.cell_size_x_m = cell_m;
    g.cell_size_y_m = cell_m;
    return g;
}

} // namespace

TEST_CASE("heat island: the Theeuwes example of the docs", "[thermal][heat_island]") {
    // physics.md C5 / E row 27 (computed): factor 4.43 K; 5.76 K and 2.21 K.
    const TheeuwesMeteorology met;
    const double f = theeuwes_meteorology_factor_k(met);
    CHECK(f == Approx(4.43).margin(0.005));
    CHECK(theeuwes_uhi_max_k(0.5, 0.2, f) == Approx(5.76).margin(0.01));
    CHECK(theeuwes_uhi_max_k(0.9, 0.6, f) == Approx(2.21).margin(0.01));
    TheeuwesMeteorology calm = met;
    calm.wind_10m_m_per_s = 0.0;
    CHECK_THROWS_AS(theeuwes_meteorology_factor_k(calm), std::invalid_argument);
}

TEST_CASE("urban cooling: the InVEST cooling-capacity hand calculation", "[thermal][cooling]") {
    // physics.md E row 26: 0.6·0.5 + 0.2·0.2 + 0.2·0.6 = 0.46.
    CHECK(cooling_capacity(0.5, 0.2, 0.6) == Approx(0.46).margin(1e-12));
    // Weights are renormalised: doubling them changes nothing.
    CHECK(cooling_capacity(0.5, 0.2, 0.6, {1.2, 0.4, 0.4}) == Approx(0.46).margin(1e-12));
}

TEST_CASE("urban cooling: evapotranspiration index", "[thermal][cooling]") {
    // ETI = K_c ET0 / ET_max (InVEST): ET_max 5 mm among the active cells.
    const GridSpec g = grid(1, 3, 10.0);
    Raster<float> kc(g, 1.0F);
    kc[1] = 0.5F;
    Raster<float> et0(g);
    et0[0] = 5.0F;
    et0[1] = 4.0F;
    et0[2] = 9.0F; // no data: not the maximum
    CellMask mask(g);
    mask.set(2, CellStatus::no_data);
    Raster<float> eti(g);
    compute_evapotranspiration_index(kc.view(), et0.view(), mask, eti.view());
    CHECK(eti[0] == Approx(1.0));
    CHECK(eti[1] == Approx(0.4));
    CHECK(std::isnan(eti[2]));
}

TEST_CASE("urban cooling: a single park cools less with distance", "[thermal][cooling]") {
    // 10 m cells, d_cool 50 m: a park over columns 0..29 (12 ha, CC 0.9) next to sealed ground
    // (CC 0.1). The 2 ha threshold is lowered to 0.05 ha so that cells up to 4 columns east of
    // the park (8 park cells within 50 m) count as near a large park.
    const GridSpec g = grid(41, 80, 10.0);
    Raster<float> cc(g, 0.1F);
    Raster<std::uint8_t> green(g, 0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < 30; ++c) {
            green(r, c) = 1;
            cc(r, c) = 0.9F;
        }
    }
    ParkCoolingParams p;
    p.cooling_distance_m = 50.0;
    p.min_green_area_m2 = 500.0;
    const CellMask mask(g);
    Raster<float> ga(g);
    Raster<float> hm(g);
    ParkCoolingWorkspace ws;
    compute_heat_mitigation(cc.view(), green.view(), mask, p, ga.view(), hm.view(), ws);
    // Green area inside the park: the whole 50 m disk (81 cells of 100 m2).
    CHECK(ga(20, 15) == Approx(81 * 100.0));
    CHECK(ga(20, 33) == Approx(8 * 100.0));
    double previous = 2.0;
    for (std::size_t c = 30; c < 34; ++c) {
        INFO("column " << c);
        CHECK(static_cast<double>(hm(20, c)) < previous);
        CHECK(hm(20, c) > 0.1F);
        previous = static_cast<double>(hm(20, c));
    }
    // Beyond d_cool no green cell is near: GA 0, so HM = CC.
    CHECK(ga(20, 60) == 0.0F);
    CHECK(hm(20, 60) == 0.1F);

    // Thread-count determinism.
    Raster<float> ga2(g);
    Raster<float> hm2(g);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    compute_heat_mitigation(cc.view(), green.view(), mask, p, ga.view(), hm.view(), ws);
    omp_set_num_threads(2);
    compute_heat_mitigation(cc.view(), green.view(), mask, p, ga2.view(), hm2.view(), ws);
    omp_set_num_threads(saved);
    CHECK(std::memcmp(hm.data(), hm2.data(), hm.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(ga.data(), ga2.data(), ga.size() * sizeof(float)) == 0);

    // Night reduction: next to the park the heat island shrinks, far away it does not.
    Raster<float> uhi(g, 4.0F);
    Raster<float> night(g);
    reduce_heat_island(uhi.view(), cc.view(), hm.view(), RasterView<const float>(), mask,
                       night.view());
    CHECK(night(20, 30) < 4.0F);
    CHECK(night(20, 60) == 4.0F);
    CHECK(static_cast<double>(night(20, 30)) ==
          Approx(4.0 * (1.0 - static_cast<double>(hm(20, 30))) / 0.9).margin(1e-5));
    Raster<float> cold(g, 0.25F);
    reduce_heat_island(uhi.view(), cc.view(), hm.view(), cold.view(), mask, night.view());
    CHECK(night(20, 60) == 3.0F);
}

TEST_CASE("thermal load: classes and residents per district", "[thermal][load]") {
    CHECK(thermal_load_class(20.0, 0.5) == 1);
    CHECK(thermal_load_class(30.0, 0.5) == 2); // day 1 + night 0 -> ceil(1/2) = 1
    CHECK(thermal_load_class(35.0, 2.5) == 3); // 2 + 2
    CHECK(thermal_load_class(40.0, 3.5) == 4); // 3 + 3
    CHECK(thermal_load_class(47.0, 3.5) == 5); // 4 + 3 -> ceil(7/2) = 4
    CHECK(thermal_load_class(std::nan(""), 3.5) == 0);

    const GridSpec g = grid(2, 3, 5.0);
    Raster<float> utci(g);
    Raster<float> uhi(g);
    const float day[6] = {20, 30, 35, 40, 47, 20};
    const float night[6] = {0.5F, 0.5F, 2.5F, 3.5F, 3.5F, 0.5F};
    for (std::size_t i = 0; i < 6; ++i) {
        utci[i] = day[i];
        uhi[i] = night[i];
    }
    Raster<std::uint8_t> settlement(g, 1);
    settlement[5] = 0;
    const CellMask mask(g);
    Raster<std::uint8_t> classes(g);
    classify_thermal_load(utci.view(), uhi.view(), settlement.view(), mask, classes.view());
    const std::uint8_t expected[6] = {1, 2, 3, 4, 5, 0};
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(classes[i] == expected[i]);
    }
    Raster<float> residents(g, 10.0F);
    residents[2] = 4.0F;
    Raster<std::int32_t> district(g, 0);
    district[3] = 1;
    district[4] = 1;
    district[1] = -1;
    const ResidentsByClass by = residents_by_class(classes.view(), residents.view(),
                                                   district.view(), mask, 2);
    CHECK(by.at(0, 1) == 10.0);
    CHECK(by.at(0, 3) == 4.0);
    CHECK(by.at(1, 4) == 10.0);
    CHECK(by.at(1, 5) == 10.0);
    CHECK(by.at(0, 2) == 0.0);
    CHECK(by.total[1] == 10.0);  // the class-2 cell outside every district
    CHECK(by.unassigned == 20.0); // that cell and the non-settlement cell
    district[0] = 2;
    CHECK_THROWS_AS(residents_by_class(classes.view(), residents.view(), district.view(), mask, 2),
                    std::invalid_argument);
}
