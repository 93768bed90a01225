#include <lauter/kernels/thermal/utci.hpp>
#include <lauter/sim/thermal_settings.hpp>

#include <charconv>
#include <cstdio>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace lauter::sim {

namespace {

namespace kt = kernels::thermal;
using schema::at_path;
using schema::child;
using schema::format_number;
using schema::KeySpec;
using schema::scalar_or_empty;

std::string two_digits(int value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d", value);
    return buffer;
}

std::string check_date(const YAML::Node& value) {
    LocalMoment m;
    if (parse_local_date(value.Scalar(), m)) {
        return {};
    }
    return "'" + value.Scalar() + "' is not a calendar date; expected YYYY-MM-DD, e.g. 2026-07-15";
}

std::string check_time(const YAML::Node& value) {
    LocalMoment m;
    if (parse_local_time(value.Scalar(), m)) {
        return {};
    }
    return "'" + value.Scalar() + "' is not a clock time; expected HH:MM from 00:00 to 23:59, "
                                  "e.g. \"15:00\"";
}

std::string check_increasing(const YAML::Node& value) {
    for (std::size_t i = 1; i < 4; ++i) {
        if (!(schema::to_number(value[i - 1]) < schema::to_number(value[i]))) {
            return "the breaks must increase from the first to the fourth";
        }
    }
    return {};
}

std::string utci_range_note() {
    return " (valid range of the UTCI polynomial, Bröde et al. 2012)";
}

} // namespace

bool parse_local_date(std::string_view text, LocalMoment& moment) {
    static const std::regex pattern(R"(^(\d{4})-(\d{2})-(\d{2})$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(text.begin(), text.end(), m, pattern)) {
        return false;
    }
    kt::UtcDateTime t;
    t.year = std::stoi(m[1].str());
    t.month = std::stoi(m[2].str());
    t.day = std::stoi(m[3].str());
    if (!kt::is_valid(t)) {
        return false;
    }
    moment.year = t.year;
    moment.month = t.month;
    moment.day = t.day;
    return true;
}

bool parse_local_time(std::string_view text, LocalMoment& moment) {
    static const std::regex pattern(R"(^(\d{2}):(\d{2})$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(text.begin(), text.end(), m, pattern)) {
        return false;
    }
    const int hour = std::stoi(m[1].str());
    const int minute = std::stoi(m[2].str());
    if (hour > 23 || minute > 59) {
        return false;
    }
    moment.hour = hour;
    moment.minute = minute;
    return true;
}

double julian_day_utc(const LocalMoment& moment) {
    kt::UtcDateTime local;
    local.year = moment.year;
    local.month = moment.month;
    local.day = moment.day;
    local.hour = moment.hour;
    local.minute = moment.minute;
    // The Julian day is linear in time, so the offset is subtracted after the conversion: this
    // also handles a local moment whose UTC instant falls on another calendar day.
    return kt::julian_day(local) - moment.utc_offset_h / 24.0;
}

schema::KeySpec thermal_model_schema() {
    using namespace schema;
    const ThermalModelSettings d;
    const ThermalWeather& w = d.weather;
    const std::string date_default = std::to_string(w.moment.year) + "-" +
                                     two_digits(w.moment.month) + "-" + two_digits(w.moment.day);
    const std::string time_default = two_digits(w.moment.hour) + ":" + two_digits(w.moment.minute);
    using R = kt::UtciValidRange;

    KeySpec weather = mapping_key(
        "weather",
        {
            enum_key("preset", {"hot_day"},
                     "the weather of the keys not given: hot_day is the clear July day of issue 5 "
                     "(15 July, 15:00 CEST, 32 °C, 40 % RH, 1 m/s)")
                .with_default("hot_day"),
            string_key("date", "local calendar date of the day mapped (YYYY-MM-DD)")
                .with_default(date_default)
                .with_check("YYYY-MM-DD, a valid calendar date", check_date),
            string_key("local_time", "local clock time of the day map (HH:MM)")
                .with_default("\"" + time_default + "\"")
                .with_check("HH:MM from 00:00 to 23:59", check_time),
            number_key("utc_offset_h", "local time minus UTC (CEST, summer time in Germany: 2)")
                .with_unit("h")
                .with_range(-14.0, 14.0)
                .with_default(format_number(w.moment.utc_offset_h)),
            number_key("air_temperature_c", "air temperature at the moment" + utci_range_note())
                .with_unit("degC")
                .with_range(R::air_temperature_min_c, R::air_temperature_max_c)
                .with_default(format_number(w.air_temperature_c)),
            number_key("relative_humidity_pct", "relative humidity at the moment")
                .with_unit("%")
                .with_range(R::relative_humidity_min_pct, R::relative_humidity_max_pct)
                .with_default(format_number(w.relative_humidity_pct)),
            number_key("wind_10m_m_per_s",
                       "wind speed at 10 m, used for UTCI by day and U of Theeuwes et al. (2017) "
                       "by night" + utci_range_note())
                .with_unit("m/s")
                .with_range(R::wind_min_m_per_s, R::wind_max_m_per_s)
                .with_default(format_number(w.wind_10m_m_per_s)),
            number_key("daily_max_temperature_c",
                       "daily maximum air temperature of the rural reference (Theeuwes DTR)")
                .with_unit("degC")
                .with_range(-60.0, 60.0)
                .with_default(format_number(w.daily_max_temperature_c)),
            number_key("daily_min_temperature_c",
                       "daily minimum air temperature of the rural reference (Theeuwes DTR; "
                       "default: DTR 14 K, the physics.md C5 example)")
                .with_unit("degC")
                .with_range(-60.0, 60.0)
                .with_default(format_number(w.daily_min_temperature_c)),
            number_key("mean_global_radiation_w_m2",
                       "daily mean global radiation K↓ of Theeuwes et al. (2017) (default: the "
                       "physics.md C5 example)")
                .with_unit("W/m2")
                .with_range(0.0, 500.0)
                .with_default(format_number(w.mean_global_radiation_w_m2)),
        },
        "weather of the day; the sun is computed for the study-area centre (NOAA)");

    KeySpec svf = mapping_key(
        "sky_view_factor",
        {
            integer_key("directions", "azimuths of the horizon scan (16: the SAGA setting)")
                .with_range(1.0, 360.0)
                .with_default(std::to_string(d.svf_directions)),
            number_key("search_radius_m", "horizon search radius")
                .with_unit("m")
                .with_range(1.0, 20000.0)
                .with_default(format_number(d.svf_search_radius_m)),
            integer_key("vegetation_altitudes",
                        "elevations sampled per azimuth for the tree crowns (bands of equal "
                        "weight; 8: the altitude bands of SOLWEIG's sky)")
                .with_range(1.0, 90.0)
                .with_default(std::to_string(d.svf_vegetation_altitudes)),
        },
        "sky view factor of the surface model (horizon sweep; tree crowns block the sky "
        "through their transmissivity, SOLWEIG's combination, docs/thermal.md)");

    KeySpec trees = mapping_key(
        "trees",
        {
            number_key("height_m", "height of every OSM tree-canopy cell (OSM has no tree "
                                   "heights; 10 m: lauter's choice, a mid-sized urban tree)")
                .with_unit("m")
                .with_range(0.0, 80.0)
                .with_default(format_number(d.tree_height_m)),
            number_key("transmissivity", "share of direct sunlight and of the sky's radiation "
                                         "passing a crown (SOLWEIG default 0.03)")
                .with_range(0.0, 1.0)
                .with_default(format_number(d.tree_transmissivity)),
            number_key("trunk_zone_fraction", "share of the tree height below the crown "
                                              "(SOLWEIG default 0.25)")
                .with_range(0.0, 1.0)
                .with_default(format_number(d.trunk_zone_fraction)),
        },
        "trees of the surface model (crowns shade and hide sky; they are not part of the "
        "opaque DSM)");

    KeySpec night = mapping_key(
        "night",
        {
            number_key("park_cooling_distance_m",
                       "InVEST cooling distance d_cool (100 m: invest-ucm-calibration)")
                .with_unit("m")
                .with_range(1.0, 2000.0)
                .with_default(format_number(d.park_cooling_distance_m)),
            number_key("park_min_green_area_m2", "green area within d_cool from which parks cool "
                                                 "their surroundings (InVEST 2 ha)")
                .with_unit("m2")
                .with_range(0.0, 1.0e8)
                .with_default(format_number(d.park_min_green_area_m2)),
            enum_key("cold_air_coupling", {"off", "on"},
                     "on: reduce the night heat island where cold air of models.coldair flows "
                     "in (f_cold from the U^(-1/4) law of Theeuwes et al. 2017 at the effective "
                     "speed sqrt(U^2 + u_c^2), lauter's assumption, docs/thermal-comfort.md); "
                     "the thermal-load classes then use the reduced heat island; needs "
                     "models.coldair.enabled: true")
                .with_default("off"),
            number_key("cold_air_min_depth_m",
                       "the cold-air layer (last output time of models.coldair) reduces the "
                       "heat island only where it is deeper than this (2 m: screen height of "
                       "air-temperature observations, lauter's choice)")
                .with_unit("m")
                .with_range(0.0, 100.0)
                .with_default(format_number(d.cold_air_min_depth_m)),
        },
        "night heat island: Theeuwes et al. (2017) reduced by InVEST park cooling and, "
        "optionally, by cold-air inflow");

    KeySpec classes = mapping_key(
        "classes",
        {
            number_list_key("day_utci_breaks_c", {"b1", "b2", "b3", "b4"},
                            "upper limits of day index 0..3 (UTCI heat-stress breaks, Bröde et "
                            "al. 2012)")
                .with_unit("degC")
                .with_range(-50.0, 100.0)
                .with_default("[26, 32, 38, 46]")
                .with_check("increasing", check_increasing),
            number_list_key("night_uhi_breaks_k", {"b1", "b2", "b3", "b4"},
                            "upper limits of night index 0..3 (lauter's choice, "
                            "docs/thermal-comfort.md)")
                .with_unit("K")
                .with_range(-10.0, 30.0)
                .with_default("[1, 2, 3, 4]")
                .with_check("increasing", check_increasing),
            number_key("settlement_min_impervious_fraction",
                       "cells with at least this sealed fraction, or with any building share, "
                       "are settlement cells and get a class")
                .with_range(0.0, 1.0)
                .with_default(format_number(d.settlement_min_impervious_fraction)),
            number_key("ambient_radius_m",
                       "a building cell gets the mean day UTCI and night heat island of the "
                       "street-level cells within this half width")
                .with_unit("m")
                .with_range(0.0, 500.0)
                .with_default(format_number(d.ambient_radius_m)),
        },
        "five thermal-load classes of settlement cells (kernels/thermal/thermal_load_classes.hpp)");

    std::vector<KeySpec> resident_keys = {
        path_key("raster", "residents per hectare (e.g. a census grid), averaged onto the "
                           "study grid; without it residents are estimated from residential "
                           "building volume (the keys below, shared with models.mobility)"),
        crs_key("raster_crs", "CRS assumed when the residents raster has none"),
    };
    for (KeySpec& k : residents_schema_keys()) {
        resident_keys.push_back(std::move(k));
    }
    resident_keys.push_back(path_key("districts", "district polygons (each polygon one "
                                                  "district, in file order); without it the "
                                                  "study area is one district"));
    resident_keys.push_back(crs_key("districts_crs", "CRS assumed when the district file has "
                                                     "none"));
    KeySpec residents = mapping_key("residents", std::move(resident_keys),
                                    "residents per thermal-load class and district");

    return mapping_key("thermal",
                       {
                           boolean_key("enabled", "run the thermal-load model (needs inputs.dem "
                                                  "and the land-cover model)")
                               .with_default("false"),
                           std::move(weather),
                           std::move(svf),
                           std::move(trees),
                           std::move(night),
                           std::move(classes),
                           std::move(residents),
                       },
                       "thermal load by day (sky view factor, shade, T_mrt, UTCI) and night "
                       "(heat island), thermal-load classes and residents (issue 5)");
}

void check_weather_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics,
                        const YAML::Node& weather, const std::string& weather_path) {
    const YAML::Node ta = child(weather, "air_temperature_c");
    const YAML::Node lo = child(weather, "daily_min_temperature_c");
    const YAML::Node hi = child(weather, "daily_max_temperature_c");
    if (ta.IsScalar() && lo.IsScalar() && hi.IsScalar()) {
        const double t = schema::to_number(ta);
        const double t_min = schema::to_number(lo);
        const double t_max = schema::to_number(hi);
        if (!(t_min <= t && t <= t_max)) {
            diagnostics.add(result.location_of(weather_path + ".air_temperature_c"),
                            weather_path + ": the air temperature " + ta.Scalar() +
                                " °C must lie between daily_min_temperature_c (" + lo.Scalar() +
                                ") and daily_max_temperature_c (" + hi.Scalar() +
                                "); set the daily minimum and maximum of the day");
        }
    }
}

void check_thermal_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics) {
    const YAML::Node thermal = at_path(result.resolved, {"models", "thermal"});
    if (scalar_or_empty(child(thermal, "enabled")) != "true") {
        return;
    }
    const std::string prefix = "models.thermal.";
    if (!result.is_given("inputs.dem")) {
        diagnostics.add(result.location_of(prefix + "enabled"),
                        prefix + "enabled: the thermal model needs a terrain model, but "
                                 "inputs.dem is not set; set inputs.dem or " + prefix +
                            "enabled: false");
    }
    if (scalar_or_empty(at_path(result.resolved, {"models", "landcover", "enabled"})) != "true") {
        diagnostics.add(result.location_of(prefix + "enabled"),
                        prefix + "enabled: the thermal model needs buildings and trees from the "
                                 "land-cover model; set models.landcover.enabled: true");
    }
    check_weather_keys(result, diagnostics, child(thermal, "weather"), prefix + "weather");
    if (scalar_or_empty(at_path(thermal, {"night", "cold_air_coupling"})) == "on" &&
        scalar_or_empty(at_path(result.resolved, {"models", "coldair", "enabled"})) != "true") {
        diagnostics.add(result.location_of(prefix + "night.cold_air_coupling"),
                        prefix + "night.cold_air_coupling: on needs the cold-air model, but "
                                 "models.coldair.enabled is not true; set models.coldair.enabled: "
                                 "true or night.cold_air_coupling: off");
    }
}

ThermalWeather thermal_weather_from(const YAML::Node& weather) {
    ThermalWeather w;
    const auto number = [&weather](const char* key) {
        return schema::to_number(child(weather, key));
    };
    static_cast<void>(parse_local_date(scalar_or_empty(child(weather, "date")), w.moment));
    static_cast<void>(parse_local_time(scalar_or_empty(child(weather, "local_time")), w.moment));
    w.moment.utc_offset_h = number("utc_offset_h");
    w.air_temperature_c = number("air_temperature_c");
    w.relative_humidity_pct = number("relative_humidity_pct");
    w.wind_10m_m_per_s = number("wind_10m_m_per_s");
    w.daily_max_temperature_c = number("daily_max_temperature_c");
    w.daily_min_temperature_c = number("daily_min_temperature_c");
    w.mean_global_radiation_w_m2 = number("mean_global_radiation_w_m2");
    return w;
}

ThermalModelSettings thermal_settings_from(const YAML::Node& t) {
    ThermalModelSettings s;
    const auto number = [&t](std::initializer_list<const char*> path) {
        return schema::to_number(at_path(t, path));
    };
    const auto optional_path = [&t](std::initializer_list<const char*> path) {
        const YAML::Node v = at_path(t, path);
        return v.IsScalar() ? std::optional<std::filesystem::path>(v.Scalar()) : std::nullopt;
    };
    s.enabled = schema::to_boolean(at_path(t, {"enabled"}));
    s.weather = thermal_weather_from(child(t, "weather"));
    s.svf_directions = static_cast<std::size_t>(number({"sky_view_factor", "directions"}));
    s.svf_search_radius_m = number({"sky_view_factor", "search_radius_m"});
    s.svf_vegetation_altitudes =
        static_cast<std::size_t>(number({"sky_view_factor", "vegetation_altitudes"}));
    s.tree_height_m = number({"trees", "height_m"});
    s.tree_transmissivity = number({"trees", "transmissivity"});
    s.trunk_zone_fraction = number({"trees", "trunk_zone_fraction"});
    s.park_cooling_distance_m = number({"night", "park_cooling_distance_m"});
    s.park_min_green_area_m2 = number({"night", "park_min_green_area_m2"});
    s.cold_air_coupling = scalar_or_empty(at_path(t, {"night", "cold_air_coupling"})) == "on";
    s.cold_air_min_depth_m = number({"night", "cold_air_min_depth_m"});
    const YAML::Node day = at_path(t, {"classes", "day_utci_breaks_c"});
    const YAML::Node night = at_path(t, {"classes", "night_uhi_breaks_k"});
    for (std::size_t i = 0; i < 4; ++i) {
        s.day_utci_breaks_c[i] = schema::to_number(day[i]);
        s.night_uhi_breaks_k[i] = schema::to_number(night[i]);
    }
    s.settlement_min_impervious_fraction =
        number({"classes", "settlement_min_impervious_fraction"});
    s.ambient_radius_m = number({"classes", "ambient_radius_m"});
    s.residents = optional_path({"residents", "raster"});
    s.residents_crs = scalar_or_empty(at_path(t, {"residents", "raster_crs"}));
    s.resident_estimate = residents_params_from(child(t, "residents"));
    s.districts = optional_path({"residents", "districts"});
    s.districts_crs = scalar_or_empty(at_path(t, {"residents", "districts_crs"}));
    return s;
}

} // namespace lauter::sim
