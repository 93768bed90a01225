// Sun position (NOAA / Meeus low-accuracy equations) against published worked examples and
// analytic properties.
#include <catch2/catch.hpp>

#include <lauter/kernels/thermal/sun_position.hpp>

#include <cmath>
#include <stdexcept>

using namespace lauter::kernels::thermal;

TEST_CASE("julian_day reproduces Meeus' worked examples", "[thermal-geometry][sun]") {
    // Meeus 1998 example 7.a: 1957 October 4.81 (= 19:26:24 UT) -> JD 2436116.31.
    CHECK(julian_day({1957, 10, 4, 19, 26, 24.0}) == Approx(2436116.31).margin(1e-6));
    // J2000.0 epoch: 2000 January 1, 12:00 -> 2451545.0.
    CHECK(julian_day({2000, 1, 1, 12, 0, 0.0}) == 2451545.0);
    CHECK(julian_day({1992, 10, 13, 0, 0, 0.0}) == 2448908.5); // Meeus example 25.a
}

TEST_CASE("invalid date-times are rejected", "[thermal-geometry][sun]") {
    CHECK_FALSE(is_valid({2026, 2, 29, 12, 0, 0.0}));
    CHECK(is_valid({2024, 2, 29, 12, 0, 0.0}));
    CHECK_FALSE(is_valid({2026, 13, 1, 0, 0, 0.0}));
    CHECK_FALSE(is_valid({2026, 7, 15, 24, 0, 0.0}));
    CHECK_THROWS_AS(julian_day({2026, 4, 31, 0, 0, 0.0}), std::invalid_argument);
    CHECK_THROWS_AS(sun_position(2451545.0, 91.0, 0.0), std::invalid_argument);
}

TEST_CASE("solar coordinates match Meeus example 25.a and 28.b", "[thermal-geometry][sun]") {
    // Meeus 1998 example 25.a, 1992 October 13.0 TD (low-accuracy method, the one NOAA uses):
    // apparent longitude 199.90895 deg, apparent declination -7.78507 deg (-7 47' 06"),
    // radius vector R = 0.99766 au.
    const SunPosition s = sun_position(2448908.5, 0.0, 0.0);
    CHECK(s.apparent_longitude_deg == Approx(199.90895).margin(2e-4));
    CHECK(s.declination_deg == Approx(-7.78507).margin(2e-4));
    CHECK(s.earth_sun_distance_au == Approx(0.99766).margin(1e-5));
    // Meeus example 28.b (same instant, eq. 28.3): equation of time +13 min 42.7 s.
    CHECK(s.equation_of_time_min == Approx(13.0 + 42.7 / 60.0).margin(0.02));
}

TEST_CASE("topocentric position matches the SPA reference example", "[thermal-geometry][sun]") {
    // Reda & Andreas 2004 (Solar Energy 76, 577-589), the SPA example: 2003 October 17,
    // 12:30:30 local time at UTC-7 (19:30:30 UT), 39.742476 N, 105.1786 W: zenith 50.11162 deg
    // (refracted at 820 hPa, 11 C), azimuth 194.34024 deg. NOAA's accuracy (about 0.01 deg) and
    // its standard-atmosphere refraction (about 0.004 deg more here) bound the tolerance.
    const SunPosition s = sun_position(UtcDateTime{2003, 10, 17, 19, 30, 30.0}, 39.742476,
                                       -105.1786);
    CHECK(90.0 - s.apparent_elevation_deg == Approx(50.11162).margin(0.02));
    CHECK(s.azimuth_deg == Approx(194.34024).margin(0.02));
}

TEST_CASE("Kaiserslautern at the June solstice: noon elevation 90 - lat + 23.44",
          "[thermal-geometry][sun]") {
    const double lat = 49.44;
    const double lon = 7.77;
    // Scan 21 June 2026 minute by minute for the highest sun.
    double best = -90.0;
    SunPosition at_noon;
    for (int minute = 10 * 60; minute < 13 * 60; ++minute) {
        const SunPosition s =
            sun_position(UtcDateTime{2026, 6, 21, minute / 60, minute % 60, 0.0}, lat, lon);
        if (s.elevation_deg > best) {
            best = s.elevation_deg;
            at_noon = s;
        }
    }
    // Analytic: at solar noon the elevation is 90 - (lat - declination); the declination at the
    // solstice equals the obliquity, 23.44 deg.
    CHECK(at_noon.declination_deg == Approx(23.44).margin(0.01));
    CHECK(best == Approx(90.0 - lat + 23.44).margin(0.02));
    CHECK(std::abs(at_noon.hour_angle_deg) < 0.26); // within one minute of solar noon
    CHECK(at_noon.azimuth_deg == Approx(180.0).margin(0.5));
    // Solar noon in UT = 12:00 - 4 min per degree east - equation of time (about -1.7 min):
    // 11:30 to 11:31 UT for 7.77 E.
    const SunPosition morning = sun_position(UtcDateTime{2026, 6, 21, 7, 0, 0.0}, lat, lon);
    const SunPosition evening = sun_position(UtcDateTime{2026, 6, 21, 17, 0, 0.0}, lat, lon);
    CHECK(morning.azimuth_deg > 60.0);
    CHECK(morning.azimuth_deg < 180.0);
    CHECK(evening.azimuth_deg > 180.0);
    CHECK(evening.azimuth_deg < 300.0);
    // Midnight: the sun is below the horizon, elevation -(90 - lat - decl) = -17.12 deg at
    // lower culmination.
    const SunPosition night = sun_position(UtcDateTime{2026, 6, 21, 23, 30, 0.0}, lat, lon);
    CHECK(night.elevation_deg < -15.0);
}

TEST_CASE("extraterrestrial irradiance follows the Earth-sun distance", "[thermal-geometry][sun]") {
    // Perihelion (early January, about 0.9833 au) and aphelion (early July, about 1.0167 au).
    const SunPosition jan = sun_position(UtcDateTime{2026, 1, 3, 12, 0, 0.0}, 49.44, 7.77);
    const SunPosition jul = sun_position(UtcDateTime{2026, 7, 6, 12, 0, 0.0}, 49.44, 7.77);
    CHECK(jan.earth_sun_distance_au == Approx(0.9833).margin(0.0003));
    CHECK(jul.earth_sun_distance_au == Approx(1.0167).margin(0.0003));
    CHECK(jan.extraterrestrial_normal_w_m2 ==
          Approx(solar_constant_w_m2 / (0.9833 * 0.9833)).epsilon(0.001));
    CHECK(refraction_correction_deg(90.0) == 0.0);
    // Refraction at the horizon about 0.48 deg (1735 arcsec, NOAA's fit at 0 deg).
    CHECK(refraction_correction_deg(0.0) == Approx(1735.0 / 3600.0));
}
