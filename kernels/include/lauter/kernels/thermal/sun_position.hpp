#pragma once
/// @file sun_position.hpp
/// Position of the sun seen from a point on the Earth at a UTC instant, with the equations of the
/// NOAA Solar Calculator (NOAA Global Monitoring Laboratory, "General Solar Position
/// Calculations" and its spreadsheet NOAA_Solar_Calculations_day.xls), which are the low-accuracy
/// solar coordinates of Meeus, J. (1998), Astronomical Algorithms, 2nd ed., Willmann-Bell:
/// ch. 7 (Julian day), ch. 25 (solar coordinates, eq. 25.2-25.8), ch. 28 (equation of time,
/// eq. 28.3 after Smart 1956) and ch. 13 (horizontal coordinates, eq. 13.5-13.6). Accuracy about
/// 0.01 degree in position for 1800-2100 (NOAA); the difference TT - UT (about a minute) is
/// ignored.

namespace lauter::kernels::thermal {

/// A civil instant in UTC (proleptic Gregorian calendar).
struct UtcDateTime {
    int year = 2000;
    int month = 1;      ///< 1..12
    int day = 1;        ///< 1..31
    int hour = 0;       ///< 0..23
    int minute = 0;     ///< 0..59
    double second = 0.0; ///< 0..<61
};

/// True if the fields form a valid date and time (month length and leap years checked).
[[nodiscard]] bool is_valid(const UtcDateTime& t) noexcept;

/// Julian day of a UTC instant (Meeus 1998 eq. 7.1, Gregorian calendar). Throws
/// std::invalid_argument for an invalid date-time.
[[nodiscard]] double julian_day(const UtcDateTime& t);

/// Where the sun is and how far.
struct SunPosition {
    double zenith_deg = 0.0;             ///< geometric (airless) zenith angle, 0..180
    double elevation_deg = 0.0;          ///< 90 - zenith_deg
    /// Elevation with the NOAA approximation of atmospheric refraction (standard atmosphere);
    /// the direction light actually comes from, used for shadows.
    double apparent_elevation_deg = 0.0;
    double azimuth_deg = 0.0;            ///< clockwise from north, 0..<360
    double declination_deg = 0.0;        ///< apparent declination (Meeus eq. 25.7)
    double apparent_longitude_deg = 0.0; ///< apparent ecliptic longitude (Meeus eq. 25.8), 0..<360
    double hour_angle_deg = 0.0;         ///< local hour angle, -180..180, 0 at solar noon
    double equation_of_time_min = 0.0;   ///< apparent minus mean solar time (Meeus eq. 28.3)
    double earth_sun_distance_au = 1.0;  ///< radius vector (Meeus eq. 25.5)
    /// Irradiance on a plane normal to the beam at the top of the atmosphere:
    /// solar_constant / distance^2 (W m^-2).
    double extraterrestrial_normal_w_m2 = 0.0;
};

/// Solar constant, total solar irradiance at 1 au: 1360.8 W m^-2 (Kopp & Lean 2011, Geophys.
/// Res. Lett. 38, L01706), rounded to 1361 W m^-2.
inline constexpr double solar_constant_w_m2 = 1361.0;

/// Sun position at Julian day `julian_day_utc` (UT) for an observer at `latitude_deg` (north
/// positive) and `longitude_deg` (east positive). Throws std::invalid_argument for latitudes
/// outside [-90, 90] or non-finite input.
[[nodiscard]] SunPosition sun_position(double julian_day_utc, double latitude_deg,
                                       double longitude_deg);

/// Same, from a UTC calendar instant.
[[nodiscard]] SunPosition sun_position(const UtcDateTime& t, double latitude_deg,
                                       double longitude_deg);

/// NOAA's approximation of atmospheric refraction (degrees to add to the geometric elevation),
/// for a standard atmosphere, as in the NOAA Solar Calculator spreadsheet: a 1/tan series above
/// 5 degrees, a polynomial near the horizon, none above 85 degrees.
[[nodiscard]] double refraction_correction_deg(double elevation_deg) noexcept;

} // namespace lauter::kernels::thermal
