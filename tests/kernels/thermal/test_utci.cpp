// UTCI: published reference values (physics.md E rows 20-22), the valid range (NaN and a count),
// stress classes, and thread-count determinism of the raster function.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/utci.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;

namespace {

GridSpec grid(std::size_t rows, std::size_t cols) {
    GridSpec g;
    g.rows = rows;
    g.cols = cols;
    return g;
}

} // namespace

TEST_CASE("utci: reference values of the validation data set", "[thermal][utci]") {
    // (T_a, T_mrt, RH %, v10) -> UTCI, FedericoTartarini/validation-data-comfort-models
    // ts_utci.json as used by pythermalcomfort tests/test_utci.py (physics.md E row 20), ±0.1 K.
    struct Case {
        double ta, tmrt, rh, v, expected;
    };
    const std::vector<Case> cases = {
        {25, 27, 50, 1, 25.2},  {19, 24, 50, 1, 20.0},  {19, 14, 50, 1, 16.8},
        {27, 22, 50, 1, 25.5},  {27, 22, 50, 10, 20.0}, {27, 22, 50, 16, 15.8},
        {30, 27, 50, 1, 29.6},  {9, 9, 50, 1, 8.7},     {25, 25, 50, 1, 24.6},
    };
    for (const Case& c : cases) {
        INFO("T_a " << c.ta << " T_mrt " << c.tmrt << " RH " << c.rh << " v " << c.v);
        CHECK(utci_c(c.ta, c.tmrt, c.rh, c.v) == Approx(c.expected).margin(0.1));
    }
}

TEST_CASE("utci: the polynomial itself against pythermalcomfort", "[thermal][utci]") {
    // utci_optimized(T_a, v, ΔT_mrt, p_a kPa), pythermalcomfort tests/test_utci.py
    // (physics.md E row 21), ±0.01 K.
    CHECK(utci_polynomial_c(25, 1, 1, 1.5) == Approx(24.73).margin(0.01));
    CHECK(utci_polynomial_c(27, 1, 1, 1.5) == Approx(26.57).margin(0.01));
}

TEST_CASE("utci: cold corner of the valid range", "[thermal][utci]") {
    // RUBclim/thermal-comfort tests against the official utci_references.txt (physics.md E
    // row 22): (T_a, ΔT_mrt, v10, RH) -> UTCI, ±0.1 K.
    struct Case {
        double ta, dtmrt, v, rh, expected;
    };
    const std::vector<Case> cases = {{-49.9, -16.7, 8, 78, -75.7},
                                     {-49.8, -14.6, 4, 77, -63.5},
                                     {-49.2, -5.6, 8, 100, -73.9},
                                     {-49.0, -17.2, 5, 98, -66.1}};
    for (const Case& c : cases) {
        CHECK(utci_c(c.ta, c.ta + c.dtmrt, c.rh, c.v) == Approx(c.expected).margin(0.1));
    }
}

TEST_CASE("utci: saturation vapour pressure", "[thermal][utci]") {
    // e_s(25 °C) = 31.70 hPa (physics.md C3, computed from the formula); the Magnus-type
    // WMO (2008) value 31.67 hPa agrees within 0.1 %.
    CHECK(utci_saturation_vapour_pressure_hpa(25.0) == Approx(31.70).margin(0.01));
    CHECK(utci_saturation_vapour_pressure_hpa(0.0) == Approx(6.11).margin(0.01));
}

TEST_CASE("utci: outside the valid range is NaN, never extrapolated", "[thermal][utci]") {
    CHECK(std::isnan(utci_c(51, 51, 50, 1)));
    CHECK(std::isnan(utci_c(25, 25, 50, 0)));
    CHECK(std::isnan(utci_c(25, 25, 50, 17.5)));
    CHECK(std::isnan(utci_c(25, 25 + 70.5, 50, 1)));
    CHECK(std::isnan(utci_c(25, 25 - 30.5, 50, 1)));
    CHECK(std::isnan(utci_c(25, 25, 101, 1)));
    CHECK(std::isnan(utci_c(std::nan(""), 25, 50, 1)));
    // The edges are inside.
    CHECK_FALSE(std::isnan(utci_c(50, 50, 50, 0.5)));
    CHECK_FALSE(std::isnan(utci_c(-50, -80, 50, 17)));
}

TEST_CASE("utci: raster function matches the scalar one and counts invalid cells",
          "[thermal][utci]") {
    const GridSpec g = grid(2, 3);
    Raster<float> ta(g, 27.0F);
    Raster<float> tmrt(g, 22.0F);
    Raster<float> wind(g, 1.0F);
    ta(0, 1) = 51.0F;  // invalid air temperature
    wind(1, 0) = 0.0F; // invalid wind
    tmrt(1, 1) = 60.0F;
    CellMask mask(g);
    mask.set(1, 2, CellStatus::no_data);
    Raster<float> out(g);
    UtciWorkspace ws;
    UtciInputs in{UtciInput::of(ta.view()), UtciInput::of(tmrt.view()), UtciInput::of(50.0F),
                  UtciInput::of(wind.view())};
    const UtciStats stats = compute_utci(in, mask, out.view(), ws);
    CHECK(stats.invalid_cells == 2);
    CHECK(stats.valid_cells == 3);
    CHECK(std::isnan(out(0, 1)));
    CHECK(std::isnan(out(1, 0)));
    CHECK(std::isnan(out(1, 2)));
    CHECK(out(0, 0) == Approx(25.5).margin(0.1));
    CHECK(static_cast<double>(out(1, 1)) == Approx(utci_c(27, 60, 50, 1)).margin(1e-3));

    Raster<std::uint8_t> stress(g);
    classify_utci_stress(out.view(), mask, stress.view());
    CHECK(stress(0, 0) == static_cast<std::uint8_t>(UtciStress::no_stress));
    CHECK(stress(1, 2) == static_cast<std::uint8_t>(UtciStress::no_data));
    CHECK(stress(1, 1) == static_cast<std::uint8_t>(utci_stress(utci_c(27, 60, 50, 1))));
}

TEST_CASE("utci: float raster path within 0.02 K of the double polynomial", "[thermal][utci]") {
    // The raster path evaluates in single precision; over this sweep of the whole valid range
    // its largest deviation was 0.008 K, a tenth of the 0.1 K resolution UTCI is reported in.
    const GridSpec g = grid(41, 37);
    Raster<float> ta(g);
    Raster<float> tmrt(g);
    Raster<float> rh(g);
    Raster<float> wind(g);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            ta(r, c) = static_cast<float>(-50.0 + 2.5 * static_cast<double>(r));
            tmrt(r, c) = ta(r, c) + static_cast<float>(-30.0 + 2.7 * static_cast<double>(c));
            rh(r, c) = static_cast<float>(5.0 + 2.5 * static_cast<double>((r + c) % 39));
            wind(r, c) = static_cast<float>(0.5 + 0.45 * static_cast<double>((r * 7 + c) % 37));
        }
    }
    Raster<float> out(g);
    UtciWorkspace ws;
    const UtciInputs in{UtciInput::of(ta.view()), UtciInput::of(tmrt.view()),
                        UtciInput::of(rh.view()), UtciInput::of(wind.view())};
    const UtciStats stats = compute_utci(in, CellMask(g), out.view(), ws);
    CHECK(stats.invalid_cells == 0);
    double worst = 0.0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double ref = utci_c(ta(r, c), tmrt(r, c), rh(r, c), wind(r, c));
            worst = std::max(worst, std::abs(ref - static_cast<double>(out(r, c))));
        }
    }
    CHECK(worst < 0.02);
}

TEST_CASE("utci: the same bits on 1 and 2 threads", "[thermal][utci]") {
    const GridSpec g = grid(64, 50);
    Raster<float> tmrt(g);
    for (std::size_t i = 0; i < tmrt.size(); ++i) {
        tmrt[i] = 20.0F + static_cast<float>(i % 97);
    }
    const UtciInputs in{UtciInput::of(31.0F), UtciInput::of(tmrt.view()), UtciInput::of(40.0F),
                        UtciInput::of(1.0F)};
    const CellMask mask(g);
    Raster<float> one(g);
    Raster<float> two(g);
    UtciWorkspace ws;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const UtciStats s1 = compute_utci(in, mask, one.view(), ws);
    omp_set_num_threads(2);
    const UtciStats s2 = compute_utci(in, mask, two.view(), ws);
    omp_set_num_threads(saved);
    CHECK(s1.invalid_cells == s2.invalid_cells);
    CHECK(s1.invalid_cells > 0); // T_mrt - T_a above 70 K on some cells
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
}
