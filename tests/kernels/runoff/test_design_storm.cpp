// Hyetographs: exact depth integrals, intensities on interval edges, presets and rejected storms.
#include <catch2/catch.hpp>

#include <lauter/kernels/runoff/design_storm.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels::runoff;

namespace {

constexpr double mm = 1e-3;

} // namespace

TEST_CASE("block storm: intensity and depth are exact at and between its edges",
          "[runoff][storm]") {
    const double i = mm_per_h_to_m_per_s(40.0);
    const Hyetograph storm = Hyetograph::block(i, 3600.0);
    CHECK(storm.intensity_m_per_s(-1.0) == 0.0);
    CHECK(storm.intensity_m_per_s(0.0) == i);
    CHECK(storm.intensity_m_per_s(3599.0) == i);
    CHECK(storm.intensity_m_per_s(3600.0) == 0.0);
    CHECK(storm.depth_m(-5.0) == 0.0);
    CHECK(storm.depth_m(1800.0) == Approx(20.0 * mm).epsilon(1e-14));
    CHECK(storm.depth_m(3600.0) == Approx(40.0 * mm).epsilon(1e-14));
    CHECK(storm.depth_m(1e6) == Approx(40.0 * mm).epsilon(1e-14));
    CHECK(storm.total_depth_m() == Approx(40.0 * mm).epsilon(1e-14));
    CHECK(storm.end_time_s() == 3600.0);
    // A step straddling the end of the rain gets only the rain before it.
    CHECK(storm.depth_between_m(3000.0, 4200.0) == Approx(i * 600.0).epsilon(1e-12));
    CHECK(storm.mean_intensity_m_per_s(3000.0, 4200.0) == Approx(i / 2.0).epsilon(1e-12));
    CHECK(storm.next_change_after(0.0) == 3600.0);
    CHECK(std::isinf(storm.next_change_after(3600.0)));
}

TEST_CASE("constant storm rains without end", "[runoff][storm]") {
    const double i = mm_per_h_to_m_per_s(100.0);
    const Hyetograph storm = Hyetograph::constant(i);
    CHECK(storm.intensity_m_per_s(1e7) == i);
    CHECK(storm.depth_m(7200.0) == Approx(200.0 * mm).epsilon(1e-14));
    CHECK(std::isinf(storm.total_depth_m()));
    CHECK(std::isinf(storm.next_change_after(10.0)));
    const Hyetograph dry = Hyetograph::constant(0.0);
    CHECK(dry.total_depth_m() == 0.0);
    CHECK(Hyetograph{}.depth_m(100.0) == 0.0);
}

TEST_CASE("time series: depths are the exact integral for any partition of time",
          "[runoff][storm]") {
    const std::vector<double> times = {300.0, 900.0, 1500.0, 3300.0};
    const std::vector<double> rates = {mm_per_h_to_m_per_s(10.0), mm_per_h_to_m_per_s(50.0), 0.0};
    const Hyetograph storm(times, rates);
    // Hand integral: 10 mm/h for 600 s + 50 mm/h for 600 s = 1/6 mm + 50/6 mm.
    const double total = (10.0 + 50.0) / 6.0 * mm;
    CHECK(storm.total_depth_m() == Approx(total).epsilon(1e-14));
    CHECK(storm.depth_m(300.0) == 0.0);
    CHECK(storm.depth_m(1200.0) ==
          Approx((10.0 / 6.0 + 50.0 * 300.0 / 3600.0) * mm).epsilon(1e-14));
    CHECK(storm.intensity_m_per_s(900.0) == rates[1]);
    CHECK(storm.intensity_m_per_s(2000.0) == 0.0);
    CHECK(storm.next_change_after(900.0) == 1500.0);
    CHECK(storm.next_change_after(0.0) == 300.0);

    // Steps of random length summed over [0, 4000 s] give the total, whatever the partition.
    std::mt19937 rng(20240607U);
    std::uniform_real_distribution<double> step(0.1, 97.0);
    double t = 0.0;
    double sum = 0.0;
    while (t < 4000.0) {
        const double t_next = std::min(4000.0, t + step(rng));
        sum += storm.mean_intensity_m_per_s(t, t_next) * (t_next - t);
        t = t_next;
    }
    CHECK(sum == Approx(total).epsilon(1e-12));
}

TEST_CASE("named design storms", "[runoff][storm]") {
    CHECK(all_storm_presets().size() == 3);
    for (StormPreset p : all_storm_presets()) {
        const auto back = storm_preset_from_name(storm_preset_name(p));
        REQUIRE(back.has_value());
        CHECK(*back == p);
    }
    CHECK_FALSE(storm_preset_from_name("1h_41mm").has_value());
    const Hyetograph a = design_storm(StormPreset::one_hour_40_mm);
    CHECK(a.total_depth_m() == Approx(40.0 * mm).epsilon(1e-14));
    CHECK(a.end_time_s() == 3600.0);
    const Hyetograph b = design_storm(StormPreset::one_hour_100_mm);
    CHECK(b.total_depth_m() == Approx(100.0 * mm).epsilon(1e-14));
    CHECK(b.intensity_m_per_s(10.0) == Approx(100.0 * mm / 3600.0).epsilon(1e-14));
    // EA test 8A: 400 mm/h between 60 and 240 s (physics.md E4).
    const Hyetograph ea = design_storm(StormPreset::ea_test_8a);
    CHECK(ea.intensity_m_per_s(30.0) == 0.0);
    CHECK(ea.intensity_m_per_s(60.0) == Approx(400.0 * mm / 3600.0).epsilon(1e-14));
    CHECK(ea.intensity_m_per_s(240.0) == 0.0);
    CHECK(ea.total_depth_m() == Approx(20.0 * mm).epsilon(1e-14));
}

TEST_CASE("bad storms are rejected with the offending index", "[runoff][storm]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(Hyetograph({0.0, 10.0, 20.0, 30.0}, {1e-6, 0.0, -1e-6}),
                      Contains("intensity 2") && Contains(">= 0"));
    CHECK_THROWS_WITH(Hyetograph({0.0, 10.0, 20.0}, {1e-6, nan}),
                      Contains("intensity 1") && Contains("NaN"));
    CHECK_THROWS_WITH(Hyetograph({0.0, 10.0}, {inf}), Contains("intensity 0"));
    CHECK_THROWS_WITH(Hyetograph({0.0, 20.0, 10.0, 30.0}, {1e-6, 1e-6, 1e-6}),
                      Contains("time 2") && Contains("not after time 1"));
    CHECK_THROWS_WITH(Hyetograph({0.0, 10.0, 10.0}, {1e-6, 1e-6}), Contains("time 2"));
    CHECK_THROWS_WITH(Hyetograph({0.0, nan, 10.0}, {1e-6, 1e-6}), Contains("time 1"));
    CHECK_THROWS_WITH(Hyetograph({0.0, inf, 10.0}, {1e-6, 1e-6}), Contains("time 1"));
    CHECK_THROWS_AS(Hyetograph({0.0, 10.0}, {1e-6, 1e-6}), std::invalid_argument);
    CHECK_THROWS_AS(Hyetograph({}, {}), std::invalid_argument);
    CHECK_THROWS_AS(Hyetograph::block(1e-6, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(Hyetograph::block(-1e-6, 10.0), std::invalid_argument);
    CHECK_THROWS_AS(Hyetograph::constant(nan), std::invalid_argument);
}
