// Settings of the thermal model (models.thermal): defaults taken from the kernel parameter
// structs and the hot-day preset, date/time parsing, validation messages, and the sun of the
// mapped moment against analytic values.
#include <catch2/catch.hpp>

#include <lauter/sim/scenario.hpp>
#include <lauter/sim/thermal_model.hpp>
#include <lauter/sim/thermal_settings.hpp>

#include "../support/gdal_fixtures.hpp"
#include "../support/test_support.hpp"

#include <cmath>
#include <string>

using namespace lauter::sim;
namespace kt = lauter::kernels::thermal;
using lauter::test::config_error_of;
using lauter::test::TempDir;

namespace {

/// A scenario with fake inputs (only their existence is checked on load) and a thermal block.
Scenario load_with(const TempDir& dir, const std::string& thermal_block) {
    dir.write("city.osm", "fake");
    dir.write("dem.tif", "fake");
    dir.write("s.yaml", "name: t\nstudy_area:\n  crs: EPSG:25832\n  extent: [0, 0, 100, 100]\n"
                        "  resolution_m: 10\ninputs:\n  osm: city.osm\n  dem: dem.tif\n"
                        "models:\n  thermal:\n" +
                            thermal_block);
    return load_scenario(dir / "s.yaml");
}

constexpr double pi = 3.14159265358979323846;

} // namespace

TEST_CASE("thermal settings: defaults come from the kernels and the hot-day preset",
          "[thermal_settings]") {
    TempDir dir("thermal-settings");
    const Scenario s = load_with(dir, "    enabled: true\n");
    const ThermalModelSettings& t = s.models.thermal;
    CHECK(t.enabled);
    ThermalModelSettings expected;
    expected.enabled = true;
    CHECK(t == expected);
    // The hot day of issue 5: 32 °C, 40 % RH, 1 m/s, 15:00 local time in July.
    CHECK(t.weather.air_temperature_c == 32.0);
    CHECK(t.weather.relative_humidity_pct == 40.0);
    CHECK(t.weather.wind_10m_m_per_s == 1.0);
    CHECK(t.weather.moment.month == 7);
    CHECK(t.weather.moment.hour == 15);
    CHECK(t.weather.moment.minute == 0);
    CHECK(t.weather.moment.utc_offset_h == 2.0);
    CHECK(t.weather.daily_max_temperature_c - t.weather.daily_min_temperature_c ==
          kt::TheeuwesMeteorology{}.diurnal_temperature_range_k);
    CHECK(t.weather.mean_global_radiation_w_m2 ==
          kt::TheeuwesMeteorology{}.mean_global_radiation_w_m2);
    CHECK(t.svf_directions == kt::SkyViewFactorParams{}.directions);
    CHECK(t.svf_search_radius_m == kt::SkyViewFactorParams{}.search_radius_m);
    CHECK(t.tree_transmissivity == kt::ShadowParams{}.transmissivity);
    CHECK(t.trunk_zone_fraction == kt::SurfaceModelParams{}.trunk_zone_fraction);
    CHECK(t.park_cooling_distance_m == kt::ParkCoolingParams{}.cooling_distance_m);
    CHECK(t.park_min_green_area_m2 == kt::ParkCoolingParams{}.min_green_area_m2);
    CHECK(t.day_utci_breaks_c == kt::ThermalLoadBreaks{}.day_utci_c);
    CHECK(t.night_uhi_breaks_k == kt::ThermalLoadBreaks{}.night_uhi_k);
    CHECK_FALSE(t.residents.has_value());
    CHECK_FALSE(t.districts.has_value());
    // Disabled by default.
    const Scenario off = load_with(dir, "    enabled: false\n");
    CHECK_FALSE(off.models.thermal.enabled);
}

TEST_CASE("thermal settings: user-set weather", "[thermal_settings]") {
    TempDir dir("thermal-settings");
    const Scenario s = load_with(
        dir, "    enabled: true\n    weather:\n      date: 2025-08-01\n"
             "      local_time: \"13:30\"\n"
             "      utc_offset_h: 1\n      air_temperature_c: 28\n      relative_humidity_pct: 55\n"
             "      wind_10m_m_per_s: 2.5\n      daily_min_temperature_c: 15\n"
             "      daily_max_temperature_c: 29\n      mean_global_radiation_w_m2: 280\n"
             "    classes:\n      night_uhi_breaks_k: [0.5, 1.5, 2.5, 3.5]\n");
    const ThermalWeather& w = s.models.thermal.weather;
    CHECK(w.moment == LocalMoment{2025, 8, 1, 13, 30, 1.0});
    CHECK(w.air_temperature_c == 28.0);
    CHECK(w.relative_humidity_pct == 55.0);
    CHECK(w.wind_10m_m_per_s == 2.5);
    CHECK(w.daily_min_temperature_c == 15.0);
    CHECK(w.daily_max_temperature_c == 29.0);
    CHECK(w.mean_global_radiation_w_m2 == 280.0);
    CHECK(s.models.thermal.night_uhi_breaks_k == std::array<double, 4>{0.5, 1.5, 2.5, 3.5});
}

TEST_CASE("thermal settings: bad values are refused with the value and the range",
          "[thermal_settings]") {
    TempDir dir("thermal-settings");
    const auto error_of = [&](const std::string& block) {
        return config_error_of([&] { static_cast<void>(load_with(dir, block)); });
    };
    CHECK_THAT(error_of("    enabled: true\n    weather: {date: 2026-02-30}\n"),
               Catch::Contains("models.thermal.weather.date: '2026-02-30' is not a calendar date"));
    CHECK_THAT(error_of("    enabled: true\n    weather: {date: yesterday}\n"),
               Catch::Contains("expected YYYY-MM-DD"));
    CHECK_THAT(error_of("    enabled: true\n    weather: {local_time: \"25:00\"}\n"),
               Catch::Contains("models.thermal.weather.local_time: '25:00' is not a clock time"));
    CHECK_THAT(error_of("    enabled: true\n    weather: {local_time: 3pm}\n"),
               Catch::Contains("expected HH:MM"));
    CHECK_THAT(error_of("    enabled: true\n    weather: {air_temperature_c: 55, "
                        "daily_max_temperature_c: 56}\n"),
               Catch::Contains("models.thermal.weather.air_temperature_c: 55 is out of range; "
                               "expected -50 to 50"));
    CHECK_THAT(error_of("    enabled: true\n    weather: {wind_10m_m_per_s: 0.2}\n"),
               Catch::Contains("models.thermal.weather.wind_10m_m_per_s: 0.2 is out of range; "
                               "expected 0.5 to 17"));
    CHECK_THAT(error_of("    enabled: true\n    weather: {relative_humidity_pct: 120}\n"),
               Catch::Contains("relative_humidity_pct: 120 is out of range"));
    CHECK_THAT(error_of("    enabled: true\n    weather: {air_temperature_c: 35}\n"),
               Catch::Contains("the air temperature 35 °C must lie between "
                               "daily_min_temperature_c (18) and daily_max_temperature_c (32)"));
    CHECK_THAT(error_of("    enabled: true\n    classes: {day_utci_breaks_c: [26, 32, 30, 46]}\n"),
               Catch::Contains("the breaks must increase"));
    CHECK_THAT(error_of("    enabled: true\n  landcover: {enabled: false}\n"),
               Catch::Contains("needs buildings and trees from the land-cover model"));
    // A disabled model is not checked across keys.
    CHECK(error_of("    enabled: false\n    weather: {air_temperature_c: 35}\n").empty());
}

TEST_CASE("thermal settings: dates, times and the UTC instant", "[thermal_settings]") {
    LocalMoment m;
    CHECK(parse_local_date("2024-02-29", m));
    CHECK(m.year == 2024);
    CHECK(m.month == 2);
    CHECK(m.day == 29);
    CHECK_FALSE(parse_local_date("2025-02-29", m));
    CHECK_FALSE(parse_local_date("2025-7-1", m));
    CHECK(parse_local_time("00:00", m));
    CHECK(parse_local_time("23:59", m));
    CHECK_FALSE(parse_local_time("24:00", m));
    CHECK_FALSE(parse_local_time("12:60", m));
    // 00:30 CEST on 1 July is 22:30 UTC on 30 June.
    const LocalMoment local{2026, 7, 1, 0, 30, 2.0};
    kt::UtcDateTime utc;
    utc.year = 2026;
    utc.month = 6;
    utc.day = 30;
    utc.hour = 22;
    utc.minute = 30;
    CHECK(julian_day_utc(local) == Approx(kt::julian_day(utc)).margin(1e-9));
}

TEST_CASE("thermal moment: highest sun and sunrise in Kaiserslautern agree with the analytic "
          "values", "[thermal_settings]") {
    // A 1 km grid around central Kaiserslautern (UTM 32N).
    const lauter::kernels::GridSpec g = lauter::test::make_grid(
        100, 100, 10.0, 10.0, 410000.0, 5478000.0, lauter::test::wkt_of_epsg(25832));
    ThermalWeather w; // the hot day: 15 July, 15:00 CEST
    const ThermalMoment m = thermal_moment(g, w);
    CHECK(m.latitude_deg == Approx(49.44).margin(0.02));
    CHECK(m.longitude_deg == Approx(7.76).margin(0.03));
    // Highest sun: 90 - latitude + declination (the declination changes by < 0.2° a day in July).
    CHECK(m.max_sun_elevation_deg ==
          Approx(90.0 - m.latitude_deg + m.sun.declination_deg).margin(0.2));
    // Sunrise: hour angle H0 with cos H0 = (sin(-0.833°) - sin φ sin δ)/(cos φ cos δ) (upper
    // limb on the horizon, standard refraction), before local solar noon
    // 12 h - longitude/15 - equation of time + UTC offset.
    const double phi = m.latitude_deg * pi / 180.0;
    const double delta = m.sun.declination_deg * pi / 180.0;
    const double h0 = std::acos((std::sin(-0.833 * pi / 180.0) - std::sin(phi) * std::sin(delta)) /
                                (std::cos(phi) * std::cos(delta))) * 180.0 / pi;
    const double noon_h = 12.0 - m.longitude_deg / 15.0 - m.sun.equation_of_time_min / 60.0 + 2.0;
    // The scan uses the sun's centre above the horizon (about 1 min after the upper limb).
    CHECK(m.sunrise_local_h == Approx(noon_h - h0 / 15.0).margin(4.0 / 60.0));
    // At 15:00 CEST the sun is in the south-west and high.
    CHECK(m.sun.azimuth_deg > 200.0);
    CHECK(m.sun.azimuth_deg < 260.0);
    CHECK(m.sun.apparent_elevation_deg > 40.0);
    CHECK(m.shortwave.direct_normal_w_m2 > 700.0);
    CHECK(m.ground_wave_phase > 0.99);
}
