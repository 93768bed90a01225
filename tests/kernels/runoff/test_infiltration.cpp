// Loss kernels: Green-Ampt against the ponded implicit solution (physics.md B5 case 6) and Mein &
// Larson's ponding time, incremental SCS curve number against the TR-55 event values (physics.md
// B2), sealed shares and sewers, the water-available limit and thread-count determinism.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/runoff/design_storm.hpp>
#include <lauter/kernels/runoff/infiltration.hpp>

#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::runoff;
using lauter::kernels::shallow::CellField;

using lauter::test::make_grid;

namespace {


/// Silt loam, theta_i = 0.30 (physics.md B5 case 6).
GreenAmptSoil silt_loam_b5() {
    return green_ampt_soil(rawls_1983_soil(SoilTexture::silt_loam), 0.30);
}

/// The reference of physics.md B5 case 6 / E9.
constexpr double b5_case6_infiltration_m = 0.2973;

/// Runs Green-Ampt on one cell under a depth held at `ponding_m` (the cell is refilled after each
/// step) for `duration_s` in steps of `dt_s`; returns F.
double ponded_green_ampt(double ponding_m, double duration_s, double dt_s, double* volume_m3) {
    const GridSpec g = make_grid(1, 1, 2.0, 2.0);
    CellMask mask(g);
    Raster<double> depth(g, ponding_m);
    Raster<float> source(g);
    GreenAmptParams params;
    params.soils = {silt_loam_b5()};
    GreenAmptState state(g);
    const auto steps = static_cast<int>(std::llround(duration_s / dt_s));
    double volume = 0.0;
    for (int k = 0; k < steps; ++k) {
        const LossStepStats s = green_ampt_step<double>(depth.view(), mask, SurfaceCover{}, {},
                                                        params, 0.0, dt_s, state, source.view());
        volume += s.infiltration_volume_m3;
    }
    *volume_m3 = volume;
    return state.infiltrated_m[0];
}

} // namespace

TEST_CASE("Rawls et al. (1983) silt loam and the moisture deficit", "[runoff][infiltration]") {
    const SoilHydraulics s = rawls_1983_soil(SoilTexture::silt_loam);
    CHECK(s.total_porosity == 0.501);
    CHECK(s.effective_porosity == 0.486);
    CHECK(s.suction_head_m == Approx(0.1668).epsilon(1e-12));
    CHECK(s.saturated_conductivity_m_per_s == Approx(0.65e-2 / 3600.0).epsilon(1e-12));
    CHECK(silt_loam_b5().moisture_deficit == Approx(0.186).epsilon(1e-12));
    // The default class of GreenAmptParams is the same soil.
    CHECK(silt_loam_030.saturated_conductivity_m_per_s ==
          Approx(silt_loam_b5().saturated_conductivity_m_per_s).epsilon(1e-15));
    CHECK(silt_loam_030.suction_head_m == Approx(silt_loam_b5().suction_head_m).epsilon(1e-15));
    CHECK(silt_loam_030.moisture_deficit ==
          Approx(silt_loam_b5().moisture_deficit).epsilon(1e-15));
    CHECK_THROWS_AS(green_ampt_soil(s, 0.49), std::invalid_argument);
    CHECK_THROWS_AS(green_ampt_soil(s, -0.01), std::invalid_argument);
    for (SoilTexture t : all_soil_textures()) {
        const SoilHydraulics h = rawls_1983_soil(t);
        INFO(soil_texture_name(t));
        CHECK(h.effective_porosity > 0.0);
        CHECK(h.effective_porosity <= h.total_porosity);
        CHECK(h.suction_head_m > 0.0);
        CHECK(h.saturated_conductivity_m_per_s > 0.0);
    }
}

TEST_CASE("Green-Ampt, 0.4 m ponding on silt loam for 24 h: implicit solution (B5 case 6)",
          "[runoff][infiltration]") {
    const GreenAmptSoil soil = silt_loam_b5();
    const double f = green_ampt_ponded_infiltration_m(soil, 0.4, 86400.0);
    CHECK(f == Approx(b5_case6_infiltration_m).epsilon(0.01));
    // The root satisfies F - a ln(1 + F/a) = K t to round-off.
    const double a = (soil.suction_head_m + 0.4) * soil.moisture_deficit;
    const double k_t = soil.saturated_conductivity_m_per_s * 86400.0;
    CHECK(f - a * std::log1p(f / a) == Approx(k_t).epsilon(1e-13));
    // Bounds from u^2 / (2 (1 + u)) <= u - ln(1 + u) <= u^2 / 2: the early (sorptivity) and late
    // (gravity) limits from below, the start of the Newton iteration from above.
    CHECK(f > k_t);
    CHECK(f > std::sqrt(2.0 * a * k_t));
    CHECK(f < k_t + std::sqrt(k_t * k_t + 2.0 * a * k_t));
    // Edge cases: no time, no suction term.
    CHECK(green_ampt_ponded_increment_m(0.05, a, soil.saturated_conductivity_m_per_s, 0.0) ==
          0.05);
    CHECK(green_ampt_ponded_increment_m(0.05, 0.0, 1e-6, 100.0) == Approx(0.05 + 1e-4));
}

TEST_CASE("Green-Ampt, 0.4 m ponding for 24 h: incremental steps of 60 s and 1 h (B5 case 6)",
          "[runoff][infiltration]") {
    double volume_fine = 0.0;
    double volume_coarse = 0.0;
    const double f_fine = ponded_green_ampt(0.4, 86400.0, 60.0, &volume_fine);
    const double f_coarse = ponded_green_ampt(0.4, 86400.0, 3600.0, &volume_coarse);
    CHECK(f_fine == Approx(b5_case6_infiltration_m).epsilon(0.01));
    // Each step integrates f exactly while ponded, so the steps compose to the implicit
    // solution for any step length.
    const double exact = green_ampt_ponded_infiltration_m(silt_loam_b5(), 0.4, 86400.0);
    CHECK(f_fine == Approx(exact).epsilon(1e-9));
    CHECK(f_coarse == Approx(exact).epsilon(1e-9));
    CHECK(volume_fine == Approx(f_fine * 4.0).epsilon(1e-12));
}

TEST_CASE("Green-Ampt under rain ponds at Mein & Larson's time", "[runoff][infiltration]") {
    // Rain r = 2 K on silt loam, water removed after each step, classical f = K (1 + psi dθ/F):
    // ponding starts at F_p = psi dθ K / (r - K), t_p = F_p / r (Mein & Larson 1973).
    const GreenAmptSoil soil = silt_loam_b5();
    const double k = soil.saturated_conductivity_m_per_s;
    const double rain = 2.0 * k;
    const double f_p = soil.suction_head_m * soil.moisture_deficit * k / (rain - k);
    const double t_p = f_p / rain;
    const GridSpec g = make_grid(1, 1, 1.0, 1.0);
    CellMask mask(g);
    Raster<double> depth(g, 0.0);
    Raster<float> source(g);
    GreenAmptParams params;
    params.soils = {soil};
    params.include_ponding_head = false;
    GreenAmptState state(g);
    const double dt = 20.0;
    double t = 0.0;
    double t_ponding = -1.0;
    while (t < 2.0 * t_p) {
        const LossStepStats s = green_ampt_step<double>(depth.view(), mask, SurfaceCover{}, {},
                                                        params, rain, dt, state, source.view());
        if (t_ponding < 0.0 && s.infiltration_volume_m3 < s.rain_volume_m3 * (1.0 - 1e-12)) {
            t_ponding = t;
        } else if (t_ponding < 0.0) {
            CHECK(s.infiltration_volume_m3 == Approx(s.rain_volume_m3).epsilon(1e-12));
        }
        t += dt;
    }
    REQUIRE(t_ponding > 0.0);
    CHECK(t_ponding > t_p - 2.0 * dt);
    CHECK(t_ponding < t_p + dt);
}

TEST_CASE("incremental SCS curve number reproduces the TR-55 event runoff (physics.md B2)",
          "[runoff][infiltration]") {
    // 40 mm in 1 h, steps of 60 s; runoff = rain - infiltration, summed over the steps.
    struct Case {
        double cn;
        double runoff_mm;
    };
    const Case cases[] = {{98.0, 34.4}, {74.0, 4.4}, {61.0, 0.3}};
    const GridSpec g = make_grid(2, 3, 5.0, 5.0);
    const double area = 6.0 * 25.0;
    const Hyetograph storm = design_storm(StormPreset::one_hour_40_mm);
    for (const Case& c : cases) {
        for (double lambda : {0.2, 0.05}) {
            CellMask mask(g);
            Raster<float> depth(g, 0.0F);
            Raster<float> source(g);
            CurveNumberParams params;
            params.curve_number = CellField::uniform(c.cn);
            params.initial_abstraction_ratio = lambda;
            CurveNumberState state(g);
            double rain = 0.0;
            double infiltration = 0.0;
            for (int k = 0; k < 60; ++k) {
                const double t0 = 60.0 * k;
                const LossStepStats s = curve_number_step<float>(
                    depth.view(), mask, SurfaceCover{}, params,
                    storm.mean_intensity_m_per_s(t0, t0 + 60.0), 60.0, state, source.view());
                rain += s.rain_volume_m3;
                infiltration += s.infiltration_volume_m3;
            }
            const double runoff_mm = (rain - infiltration) / area * 1e3;
            INFO("CN " << c.cn << ", lambda " << lambda);
            CHECK(rain / area == Approx(0.04).epsilon(1e-12));
            CHECK(runoff_mm == Approx(curve_number_runoff_m(0.04, c.cn, lambda) * 1e3)
                                   .epsilon(1e-9));
            if (lambda == 0.2) {
                CHECK(runoff_mm == Approx(c.runoff_mm).margin(0.05));
            } else {
                // A smaller initial abstraction yields more runoff.
                CHECK(runoff_mm > c.runoff_mm);
            }
        }
    }
}

TEST_CASE("sealed shares infiltrate nothing; infiltration scales with the pervious share",
          "[runoff][infiltration]") {
    const GridSpec g = make_grid(1, 3, 1.0, 1.0);
    CellMask mask(g);
    Raster<double> depth(g, 0.01);
    Raster<float> phi(g);
    phi[0] = 0.0F;
    phi[1] = 0.25F;
    phi[2] = 1.0F;
    SurfaceCover cover;
    cover.impervious_fraction = CellField::raster(phi.view());
    Raster<float> source(g);
    const double rain = mm_per_h_to_m_per_s(40.0);
    const double dt = 30.0;

    SECTION("Green-Ampt") {
        GreenAmptParams params;
        GreenAmptState state(g);
        for (int k = 0; k < 10; ++k) {
            green_ampt_step<double>(depth.view(), mask, cover, {}, params, rain, dt, state,
                                    source.view());
            CHECK(static_cast<double>(source[2]) == Approx(rain).epsilon(1e-6));
            const double loss0 = rain - static_cast<double>(source[0]);
            const double loss1 = rain - static_cast<double>(source[1]);
            CHECK(loss0 > 0.0);
            CHECK(loss1 == Approx(0.75 * loss0).epsilon(1e-5));
        }
        CHECK(state.infiltrated_m[2] == 0.0);
        CHECK(state.infiltrated_m[1] == Approx(state.infiltrated_m[0]).epsilon(1e-12));
    }
    SECTION("curve number") {
        CurveNumberParams params;
        params.curve_number = CellField::uniform(61.0);
        CurveNumberState state(g);
        for (int k = 0; k < 10; ++k) {
            curve_number_step<double>(depth.view(), mask, cover, params, rain, dt, state,
                                      source.view());
            CHECK(static_cast<double>(source[2]) == Approx(rain).epsilon(1e-6));
            const double loss0 = rain - static_cast<double>(source[0]);
            CHECK(loss0 > 0.0);
            CHECK(rain - static_cast<double>(source[1]) == Approx(0.75 * loss0).epsilon(1e-5));
        }
    }
    SECTION("sewer capacity drains the sealed share only, up to the water there") {
        GreenAmptParams params;
        params.soils = {GreenAmptSoil{0.0, 0.0, 0.0}}; // impermeable soil: no infiltration
        GreenAmptState state(g);
        cover.sewer_capacity_m_per_s = mm_per_h_to_m_per_s(30.0);
        const LossStepStats s = green_ampt_step<double>(depth.view(), mask, cover, {}, params,
                                                        rain, dt, state, source.view());
        CHECK(s.infiltration_volume_m3 == 0.0);
        CHECK(static_cast<double>(source[0]) == Approx(rain).epsilon(1e-6));
        CHECK(static_cast<double>(source[1]) ==
              Approx(rain - 0.25 * cover.sewer_capacity_m_per_s).epsilon(1e-6));
        CHECK(static_cast<double>(source[2]) ==
              Approx(rain - cover.sewer_capacity_m_per_s).epsilon(1e-6));
        CHECK(s.sewer_volume_m3 ==
              Approx(1.25 * cover.sewer_capacity_m_per_s * dt).epsilon(1e-12));
        // A capacity above the water present drains exactly the water present.
        cover.sewer_capacity_m_per_s = 1.0;
        const LossStepStats all = green_ampt_step<double>(depth.view(), mask, cover, {}, params,
                                                          rain, dt, state, source.view());
        CHECK(all.sewer_volume_m3 == Approx(1.25 * (0.01 + rain * dt)).epsilon(1e-12));
        CHECK(static_cast<double>(source[2]) * dt == Approx(-0.01).epsilon(1e-6));
    }
}

TEST_CASE("losses never exceed the water available in the step", "[runoff][infiltration]") {
    const GridSpec g = make_grid(17, 23, 3.0, 3.0);
    CellMask mask(g);
    mask.set(4, 5, CellStatus::no_data);
    std::mt19937 rng(7U);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Raster<float> depth(g);
    Raster<float> phi(g);
    Raster<float> cn(g);
    Raster<std::uint8_t> soil(g);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        // Many dry cells, some barely wet, some ponded.
        const double u = unit(rng);
        depth[i] = static_cast<float>(u < 0.4 ? 0.0 : (u < 0.7 ? 1e-5 * u : 0.2 * u));
        phi[i] = static_cast<float>(unit(rng) < 0.3 ? 0.0 : unit(rng));
        cn[i] = static_cast<float>(40.0 + 60.0 * unit(rng));
        soil[i] = static_cast<std::uint8_t>(rng() % 11U);
    }
    GreenAmptParams ga;
    ga.soils.clear();
    for (SoilTexture t : all_soil_textures()) {
        ga.soils.push_back(green_ampt_soil(rawls_1983_soil(t), 0.05));
    }
    CurveNumberParams scs;
    scs.curve_number = CellField::raster(cn.view());
    SurfaceCover cover;
    cover.impervious_fraction = CellField::raster(phi.view());
    cover.sewer_capacity_m_per_s = mm_per_h_to_m_per_s(20.0);
    GreenAmptState ga_state(g);
    CurveNumberState scs_state(g);
    Raster<float> source(g);
    for (double rain_mm_per_h : {0.0, 5.0, 100.0}) {
        for (double dt : {0.5, 60.0, 3600.0}) {
            const double rain = mm_per_h_to_m_per_s(rain_mm_per_h);
            for (int method = 0; method < 2; ++method) {
                LossStepStats s;
                if (method == 0) {
                    s = green_ampt_step<float>(depth.view(), mask, cover, soil.view(), ga, rain,
                                               dt, ga_state, source.view());
                } else {
                    s = curve_number_step<float>(depth.view(), mask, cover, scs, rain, dt,
                                                 scs_state, source.view());
                }
                double available_total = 0.0;
                for (std::size_t i = 0; i < g.cell_count(); ++i) {
                    if (!mask.has_data(i)) {
                        CHECK(std::isnan(source[i]));
                        continue;
                    }
                    const double available = static_cast<double>(depth[i]) + rain * dt;
                    available_total += available;
                    const double loss = (rain - static_cast<double>(source[i])) * dt;
                    INFO("method " << method << " dt " << dt << " cell " << i);
                    CHECK(loss >= -1e-6 * rain * dt);
                    CHECK(loss <= available * (1.0 + 1e-6) + 1e-12);
                }
                CHECK(s.infiltration_volume_m3 >= 0.0);
                CHECK(s.infiltration_volume_m3 + s.sewer_volume_m3 <=
                      available_total * g.cell_area_m2() * (1.0 + 1e-12));
            }
        }
    }
}

TEST_CASE("loss steps give identical results on 1 and 2 threads", "[runoff][infiltration]") {
    // 200 x 200 cells: above the size from which the steps use threads.
    const GridSpec g = make_grid(200, 200, 5.0, 5.0);
    CellMask mask(g);
    std::mt19937 rng(11U);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Raster<float> depth(g);
    Raster<float> phi(g);
    Raster<std::uint8_t> soil(g);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        depth[i] = static_cast<float>(unit(rng) < 0.5 ? 0.0 : 0.05 * unit(rng));
        phi[i] = static_cast<float>(unit(rng));
        soil[i] = static_cast<std::uint8_t>(rng() % 2U);
        if (unit(rng) < 0.01) {
            mask.set(i, CellStatus::no_data);
        }
    }
    GreenAmptParams ga;
    ga.soils = {silt_loam_b5(), green_ampt_soil(rawls_1983_soil(SoilTexture::sand), 0.1)};
    CurveNumberParams scs;
    SurfaceCover cover;
    cover.impervious_fraction = CellField::raster(phi.view());
    cover.sewer_capacity_m_per_s = mm_per_h_to_m_per_s(15.0);
    const double rain = mm_per_h_to_m_per_s(40.0);

    struct Run {
        std::vector<float> source;
        std::vector<double> state;
        LossStepStats stats;
    };
    auto run = [&](int threads, bool green_ampt) {
        const int before = omp_get_max_threads();
        omp_set_num_threads(threads);
        Raster<float> source(g);
        GreenAmptState ga_state(g);
        CurveNumberState scs_state(g);
        Run out;
        for (int k = 0; k < 5; ++k) {
            out.stats = green_ampt
                            ? green_ampt_step<float>(depth.view(), mask, cover, soil.view(), ga,
                                                     rain, 30.0, ga_state, source.view())
                            : curve_number_step<float>(depth.view(), mask, cover, scs, rain,
                                                       30.0, scs_state, source.view());
        }
        omp_set_num_threads(before);
        out.source = source.values();
        out.state = green_ampt ? ga_state.infiltrated_m.values() : scs_state.rain_m.values();
        return out;
    };
    for (bool green_ampt : {true, false}) {
        const Run one = run(1, green_ampt);
        const Run two = run(2, green_ampt);
        CHECK(std::memcmp(one.source.data(), two.source.data(),
                          one.source.size() * sizeof(float)) == 0);
        CHECK(one.state == two.state);
        CHECK(one.stats.rain_volume_m3 == two.stats.rain_volume_m3);
        CHECK(one.stats.infiltration_volume_m3 == two.stats.infiltration_volume_m3);
        CHECK(one.stats.sewer_volume_m3 == two.stats.sewer_volume_m3);
        CHECK(one.stats.infiltration_volume_m3 > 0.0);
    }
}

TEST_CASE("loss steps reject bad arguments", "[runoff][infiltration]") {
    const GridSpec g = make_grid(2, 2, 1.0, 1.0);
    const GridSpec other = make_grid(2, 3, 1.0, 1.0);
    CellMask mask(g);
    Raster<double> depth(g, 0.0);
    Raster<double> wrong_depth(other, 0.0);
    Raster<float> source(g);
    Raster<std::uint8_t> soil(g, 0);
    soil(1, 0) = 3;
    GreenAmptParams params;
    GreenAmptState state(g);
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(green_ampt_step<double>(depth.view(), mask, SurfaceCover{}, soil.view(),
                                              params, 0.0, 1.0, state, source.view()),
                      Contains("soil index 3") && Contains("(1, 0)"));
    CHECK_THROWS_AS(green_ampt_step<double>(wrong_depth.view(), mask, SurfaceCover{}, {}, params,
                                            0.0, 1.0, state, source.view()),
                    std::invalid_argument);
    CHECK_THROWS_AS(green_ampt_step<double>(depth.view(), mask, SurfaceCover{}, {}, params, 0.0,
                                            0.0, state, source.view()),
                    std::invalid_argument);
    CHECK_THROWS_AS(green_ampt_step<double>(depth.view(), mask, SurfaceCover{}, {}, params,
                                            std::nan(""), 1.0, state, source.view()),
                    std::invalid_argument);
    SurfaceCover bad_cover;
    bad_cover.impervious_fraction = CellField::uniform(1.5);
    bad_cover.sewer_capacity_m_per_s = -1.0;
    CHECK_THROWS_WITH(validate(bad_cover),
                      Contains("impervious_fraction") && Contains("sewer_capacity_m_per_s"));
    GreenAmptParams bad_soils;
    bad_soils.soils = {GreenAmptSoil{-1.0, 0.1, 1.5}};
    CHECK_THROWS_WITH(validate(bad_soils), Contains("soils[0].saturated_conductivity_m_per_s") &&
                                               Contains("soils[0].moisture_deficit"));
    bad_soils.soils.clear();
    CHECK_THROWS_AS(validate(bad_soils), std::invalid_argument);
    CurveNumberParams bad_cn;
    bad_cn.curve_number = CellField::uniform(0.0);
    bad_cn.initial_abstraction_ratio = -0.1;
    CHECK_THROWS_WITH(validate(bad_cn),
                      Contains("curve_number") && Contains("initial_abstraction_ratio"));
}

TEST_CASE("Green-Ampt increment: the root of the implicit equation from both starting bounds",
          "[runoff][infiltration]") {
    // Against bisection on g(d) = d - a ln(1 + d/b) - K dt over a wide range of F0, a and K dt,
    // covering F0 = 0 (only the sorptivity bound applies) and the short steps of an event
    // (where the explicit bound f(F0) dt starts Newton close to the root).
    std::mt19937_64 rng(20240611);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int k = 0; k < 2000; ++k) {
        const double f0 = k % 5 == 0 ? 0.0 : std::pow(10.0, -6.0 + 6.0 * unit(rng));
        const double a = std::pow(10.0, -4.0 + 4.0 * unit(rng));
        const double k_dt = std::pow(10.0, -9.0 + 7.0 * unit(rng));
        const double b = f0 + a;
        const auto g = [&](double d) { return d - a * std::log1p(d / b) - k_dt; };
        double lo = 0.0;
        double hi = k_dt + std::sqrt(k_dt * k_dt + 2.0 * b * k_dt);
        for (int i = 0; i < 200; ++i) {
            const double mid = 0.5 * (lo + hi);
            (g(mid) > 0.0 ? hi : lo) = mid;
        }
        const double f1 = green_ampt_ponded_increment_m(f0, a, k_dt, 1.0);
        INFO("F0 " << f0 << " a " << a << " K dt " << k_dt);
        // F1 = F0 + d is returned, so the increment is only known to the rounding of F1; and g,
        // evaluated to about eps d, has the slope (F0 + d) / (b + d), which fixes the root only
        // to eps d (b + d) / (F0 + d) (ill-conditioned for F0 -> 0), for bisection as for Newton.
        const double root = 0.5 * (lo + hi);
        const double eps = std::numeric_limits<double>::epsilon();
        CHECK(std::abs(f1 - (f0 + root)) <=
              1e-12 * root + 16.0 * eps * root * (b + root) / (f0 + root) + 4.0 * eps * f1);
        CHECK(f1 >= f0);
    }
}
