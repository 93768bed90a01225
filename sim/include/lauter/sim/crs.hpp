#pragma once
/// @file crs.hpp
/// Coordinate reference systems as text. Every CRS inside lauter is WKT2_2018 produced by
/// normalize_crs, so that GridSpec::crs_wkt compares reliably; same_crs compares semantically
/// (two WKTs that describe the same CRS but differ in text are the same).

#include <string>

namespace lauter::sim {

/// Parses anything OGRSpatialReference::SetFromUserInput accepts ("EPSG:25832", WKT1/WKT2,
/// a PROJ string, "WGS84", ...) and returns it as WKT2_2018 text.
/// Throws ConfigError naming `where` (a scenario key or file) if the text is not a CRS.
[[nodiscard]] std::string normalize_crs(const std::string& user_input, const std::string& where);

/// True if both WKTs describe the same CRS (axis order ignored: lauter always uses x = easting or
/// longitude). Empty strings are equal only to each other.
[[nodiscard]] bool same_crs(const std::string& a_wkt, const std::string& b_wkt);

/// True for a projected CRS whose linear unit is the metre (grid cell sizes are then metres).
[[nodiscard]] bool crs_is_projected_metres(const std::string& wkt);

} // namespace lauter::sim
