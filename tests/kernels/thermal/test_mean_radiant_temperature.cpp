// Mean radiant temperature: isothermal enclosure, monotonicity, sun vs shade, a hand-computed
// cell, the clear-sky model and thread determinism.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/mean_radiant_temperature.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>

using namespace lauter::kernels;
using namespace lauter::kernels::thermal;

namespace {

/// Every surface at T_a, a black-body sky at T_a, no shortwave.
RadiationMoment isothermal(double ta) {
    RadiationMoment m;
    m.air_temperature_c = ta;
    m.direct_normal_w_m2 = 0.0;
    m.diffuse_horizontal_w_m2 = 0.0;
    m.sky_emissivity = 1.0;
    m.ground_wave_phase = 0.0;
    return m;
}

} // namespace

TEST_CASE("tmrt: isothermal enclosure gives the air temperature", "[thermal][tmrt]") {
    for (const double ta : {-10.0, 20.0, 32.0}) {
        for (const double svf : {0.0, 0.3, 1.0}) {
            for (const LandCover lc : all_land_cover_classes) {
                const TmrtCell cell{svf, 1.0, lc};
                CHECK(mean_radiant_temperature_c(cell, isothermal(ta)) ==
                      Approx(ta).margin(1e-6));
            }
        }
    }
}

TEST_CASE("tmrt: monotonic in shortwave, sunlit above shaded", "[thermal][tmrt]") {
    RadiationMoment m;
    m.sun_elevation_deg = 50.0;
    double previous = -1e9;
    for (double dni = 0.0; dni <= 900.0; dni += 100.0) {
        m.direct_normal_w_m2 = dni;
        m.diffuse_horizontal_w_m2 = 100.0;
        const double t = mean_radiant_temperature_c({0.7, 1.0, LandCover::road}, m);
        CHECK(t > previous);
        previous = t;
    }
    const ClearSkyShortwave sky = clear_sky_shortwave(50.0);
    m.direct_normal_w_m2 = sky.direct_normal_w_m2;
    m.diffuse_horizontal_w_m2 = sky.diffuse_horizontal_w_m2;
    const double sunlit = mean_radiant_temperature_c({0.7, 1.0, LandCover::road}, m);
    const double shaded = mean_radiant_temperature_c({0.7, 0.0, LandCover::road}, m);
    CHECK(sunlit > shaded + 15.0); // SOLWEIG studies report 20-30 K sun-shade differences
    CHECK(shaded > m.air_temperature_c - 5.0);
}

TEST_CASE("tmrt: clear-sky shortwave", "[thermal][tmrt]") {
    // Meinel DNI at zenith (AM ~1): 1353 · 0.7^1 = 947 W/m2; Haurwitz GHI 1098 e^-0.057 = 1037.
    const ClearSkyShortwave top = clear_sky_shortwave(90.0);
    CHECK(top.direct_normal_w_m2 == Approx(947.1).margin(1.0));
    CHECK(top.diffuse_horizontal_w_m2 == Approx(1037.2 - 947.1).margin(2.0));
    const ClearSkyShortwave night = clear_sky_shortwave(-5.0);
    CHECK(night.direct_normal_w_m2 == 0.0);
    CHECK(night.diffuse_horizontal_w_m2 == 0.0);
    // Prata (1996): 20 °C, 50 % RH -> e = 11.7 hPa, w = 1.85 cm, ε = 1 - 2.85 e^-2.60 = 0.788.
    CHECK(sky_emissivity_prata(20.0, 50.0) == Approx(0.788).margin(0.002));
}

TEST_CASE("tmrt: the SOLWEIG ground wave phase", "[thermal][tmrt]") {
    // sin(π/2 (t - 5)/(15 - 5)): 0 at sunrise, sin 45° at 10 h, 1 at 15 h, sin 112.5° at 17.5 h.
    CHECK(ground_wave_phase(4.0, 5.0) == 0.0);
    CHECK(ground_wave_phase(10.0, 5.0) == Approx(std::sqrt(0.5)));
    CHECK(ground_wave_phase(15.0, 5.0) == Approx(1.0));
    CHECK(ground_wave_phase(17.5, 5.0) == Approx(std::sin(0.625 * M_PI)));
    CHECK(ground_wave_phase(30.0, 5.0) == 0.0); // past the half wave: no negative offset
}

TEST_CASE("tmrt: a hand-computed open-field cell", "[thermal][tmrt]") {
    // SVF 1, sunlit grass, T_a 30 °C, ε_sky 0.8, h 30°, I 600, D 100, no ground wave.
    // K_down = 600·0.5 + 100 = 400; K_up = 0.16·400 = 64; K_side = 0.5·100 + 0.5·64 = 82;
    // direct on body = 0.28·600·cos 30° = 145.49.
    // σT_a⁴ = 5.670374419e-8 · 303.15⁴ = 478.90; L_down = 0.8·478.90 = 383.12;
    // L_up = 0.94·478.90 + 0.06·383.12 = 473.14; L_side = 428.13.
    // S = 0.7(145.49 + 0.06·464 + 0.88·82) + 0.97(0.06·856.27 + 0.88·428.13) = 171.80 + 415.33
    //   = 587.13 W/m2 -> T_mrt = (587.13/(0.97 σ))^¼ - 273.15 = 48.28 °C.
    RadiationMoment m;
    m.air_temperature_c = 30.0;
    m.sky_emissivity = 0.8;
    m.sun_elevation_deg = 30.0;
    m.direct_normal_w_m2 = 600.0;
    m.diffuse_horizontal_w_m2 = 100.0;
    m.ground_wave_phase = 0.0;
    const double sigma = 5.670374419e-8;
    const double air = sigma * std::pow(303.15, 4);
    const double l_down = 0.8 * air;
    const double l_up = 0.94 * air + 0.06 * l_down;
    const double s = 0.7 * (0.28 * 600.0 * std::cos(30.0 * M_PI / 180.0) + 0.06 * 464.0 +
                            0.88 * 82.0) +
                     0.97 * (0.06 * (l_down + l_up) + 0.88 * 0.5 * (l_down + l_up));
    const double expected = std::pow(s / (0.97 * sigma), 0.25) - 273.15;
    CHECK(expected == Approx(48.28).margin(0.01)); // the hand calculation above
    CHECK(mean_radiant_temperature_c({1.0, 1.0, LandCover::open_land}, m) ==
          Approx(expected).margin(1e-9));
}

TEST_CASE("tmrt: raster function, mask and thread determinism", "[thermal][tmrt]") {
    GridSpec g;
    g.rows = 40;
    g.cols = 33;
    Raster<float> svf(g);
    Raster<float> sun(g);
    Raster<std::uint8_t> lc(g);
    for (std::size_t i = 0; i < svf.size(); ++i) {
        svf[i] = static_cast<float>(i % 11) / 10.0F;
        sun[i] = static_cast<float>(i % 3) / 2.0F;
        lc[i] = static_cast<std::uint8_t>(1 + i % 8);
    }
    CellMask mask(g);
    mask.set(0, 0, CellStatus::no_data);
    RadiationMoment m;
    const ClearSkyShortwave sky = clear_sky_shortwave(m.sun_elevation_deg);
    m.direct_normal_w_m2 = sky.direct_normal_w_m2;
    m.diffuse_horizontal_w_m2 = sky.diffuse_horizontal_w_m2;
    Raster<float> one(g);
    Raster<float> two(g);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    compute_mean_radiant_temperature(svf.view(), sun.view(), lc.view(), mask, m, one.view());
    omp_set_num_threads(2);
    compute_mean_radiant_temperature(svf.view(), sun.view(), lc.view(), mask, m, two.view());
    omp_set_num_threads(saved);
    CHECK(std::isnan(one(0, 0)));
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
    const std::size_t i = 5 * g.cols + 7;
    CHECK(static_cast<double>(one[i]) ==
          Approx(mean_radiant_temperature_c(
                     {svf[i], sun[i], static_cast<LandCover>(lc[i])}, m))
              .margin(1e-4));
}
