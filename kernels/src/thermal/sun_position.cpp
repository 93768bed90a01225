// NOAA Solar Calculator equations (Meeus 1998 low-accuracy solar coordinates); see the header for
// the sources of each step.
#include <lauter/kernels/thermal/sun_position.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace lauter::kernels::thermal {

namespace {

constexpr double deg = std::numbers::pi / 180.0;

double wrap_360(double angle_deg) {
    const double a = std::fmod(angle_deg, 360.0);
    return a < 0.0 ? a + 360.0 : a;
}

bool is_leap_year(int year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

} // namespace

bool is_valid(const UtcDateTime& t) noexcept {
    static constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t.month < 1 || t.month > 12 || t.day < 1) {
        return false;
    }
    const int days = month_days[t.month - 1] + (t.month == 2 && is_leap_year(t.year) ? 1 : 0);
    return t.day <= days && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 &&
           t.second >= 0.0 && t.second < 61.0;
}

double julian_day(const UtcDateTime& t) {
    if (!is_valid(t)) {
        throw std::invalid_argument("julian_day: invalid date or time");
    }
    // Meeus 1998 eq. 7.1: January and February count as months 13 and 14 of the previous year;
    // B is the Gregorian calendar correction.
    int year = t.year;
    int month = t.month;
    if (month <= 2) {
        year -= 1;
        month += 12;
    }
    const double a = std::floor(year / 100.0);
    const double b = 2.0 - a + std::floor(a / 4.0);
    const double day_fraction =
        (t.hour + (t.minute + t.second / 60.0) / 60.0) / 24.0;
    return std::floor(365.25 * (year + 4716)) + std::floor(30.6001 * (month + 1)) + t.day +
           day_fraction + b - 1524.5;
}

double refraction_correction_deg(double elevation_deg) noexcept {
    // NOAA Solar Calculator: a 1/tan series above 5 degrees, a polynomial fit near the
    // horizon and a 1/tan law below it; none above 85 degrees (< 0.001 degree).
    const double e = elevation_deg;
    if (e > 85.0) {
        return 0.0;
    }
    const double te = std::tan(e * deg);
    double arcsec = 0.0;
    if (e > 5.0) {
        arcsec = 58.1 / te - 0.07 / (te * te * te) + 0.000086 / std::pow(te, 5.0);
    } else if (e > -0.575) {
        arcsec = 1735.0 + e * (-518.2 + e * (103.4 + e * (-12.79 + e * 0.711)));
    } else {
        arcsec = -20.772 / te;
    }
    return arcsec / 3600.0;
}

SunPosition sun_position(double julian_day_utc, double latitude_deg, double longitude_deg) {
    if (!std::isfinite(julian_day_utc) || !std::isfinite(longitude_deg) ||
        !(latitude_deg >= -90.0 && latitude_deg <= 90.0)) {
        throw std::invalid_argument("sun_position: latitude must lie in [-90, 90] and all "
                                    "inputs must be finite");
    }
    // Julian centuries since J2000.0 (Meeus eq. 25.1).
    const double jc = (julian_day_utc - 2451545.0) / 36525.0;
    // Geometric mean longitude and mean anomaly of the sun, eccentricity of the Earth's orbit
    // (Meeus eq. 25.2-25.4).
    const double l0_deg = wrap_360(280.46646 + jc * (36000.76983 + jc * 0.0003032));
    const double m_deg = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
    const double ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
    const double m = m_deg * deg;
    // Equation of the centre, true longitude and anomaly, radius vector (Meeus eq. 25.5).
    const double c_deg = std::sin(m) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
                         std::sin(2.0 * m) * (0.019993 - 0.000101 * jc) +
                         std::sin(3.0 * m) * 0.000289;
    const double true_longitude_deg = l0_deg + c_deg;
    const double true_anomaly = (m_deg + c_deg) * deg;
    const double radius_au =
        1.000001018 * (1.0 - ecc * ecc) / (1.0 + ecc * std::cos(true_anomaly));
    // Apparent longitude (nutation and aberration, Meeus p. 164) and the obliquity of the
    // ecliptic (Meeus eq. 22.2, corrected as in eq. 25.8).
    const double omega = (125.04 - 1934.136 * jc) * deg;
    const double lambda_deg = true_longitude_deg - 0.00569 - 0.00478 * std::sin(omega);
    const double eps0_deg =
        23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60.0) / 60.0;
    const double eps = (eps0_deg + 0.00256 * std::cos(omega)) * deg;
    const double lambda = lambda_deg * deg;
    const double declination = std::asin(std::sin(eps) * std::sin(lambda));
    // Equation of time (Meeus eq. 28.3, Smart 1956), in minutes of time.
    const double y = std::tan(eps / 2.0) * std::tan(eps / 2.0);
    const double l0 = l0_deg * deg;
    const double eot_rad = y * std::sin(2.0 * l0) - 2.0 * ecc * std::sin(m) +
                           4.0 * ecc * y * std::sin(m) * std::cos(2.0 * l0) -
                           0.5 * y * y * std::sin(4.0 * l0) - 1.25 * ecc * ecc * std::sin(2.0 * m);
    const double eot_min = 4.0 * eot_rad / deg;
    // True solar time and hour angle (NOAA): UT minutes of the day + equation of time + 4 min
    // per degree of longitude east.
    const double ut_minutes = (julian_day_utc + 0.5 - std::floor(julian_day_utc + 0.5)) * 1440.0;
    const double true_solar_min = std::fmod(ut_minutes + eot_min + 4.0 * longitude_deg, 1440.0);
    double hour_angle_deg = true_solar_min / 4.0 - 180.0;
    if (hour_angle_deg < -180.0) {
        hour_angle_deg += 360.0;
    }
    // Horizontal coordinates (Meeus eq. 13.5-13.6); azimuth from atan2, rotated from south to
    // north, which stays well defined at the poles.
    const double phi = latitude_deg * deg;
    const double h = hour_angle_deg * deg;
    const double cos_zenith = std::clamp(std::sin(phi) * std::sin(declination) +
                                             std::cos(phi) * std::cos(declination) * std::cos(h),
                                         -1.0, 1.0);
    SunPosition s;
    s.zenith_deg = std::acos(cos_zenith) / deg;
    s.elevation_deg = 90.0 - s.zenith_deg;
    s.apparent_elevation_deg = s.elevation_deg + refraction_correction_deg(s.elevation_deg);
    const double south_based = std::atan2(
        std::sin(h), std::cos(h) * std::sin(phi) - std::tan(declination) * std::cos(phi));
    s.azimuth_deg = wrap_360(south_based / deg + 180.0);
    s.declination_deg = declination / deg;
    s.apparent_longitude_deg = wrap_360(lambda_deg);
    s.hour_angle_deg = hour_angle_deg;
    s.equation_of_time_min = eot_min;
    s.earth_sun_distance_au = radius_au;
    s.extraterrestrial_normal_w_m2 = solar_constant_w_m2 / (radius_au * radius_au);
    return s;
}

SunPosition sun_position(const UtcDateTime& t, double latitude_deg, double longitude_deg) {
    return sun_position(julian_day(t), latitude_deg, longitude_deg);
}

} // namespace lauter::kernels::thermal
