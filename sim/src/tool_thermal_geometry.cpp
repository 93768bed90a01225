// `lauter tool svf` and `lauter tool shadow`: sky view factor and sunlit fraction of a DSM
// (kernels/thermal), GeoTIFF in, GeoTIFF out. The sun's position for `shadow` comes from the
// date-time and the DSM's centre, transformed to WGS84 longitude/latitude with OSR.
#include <lauter/kernels/thermal/shadow.hpp>
#include <lauter/kernels/thermal/sky_view_factor.hpp>
#include <lauter/kernels/thermal/sun_position.hpp>
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/tool_options.hpp>

#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

namespace lauter::sim {

namespace {

namespace kt = kernels::thermal;

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(digits);
    out << value;
    return out.str();
}

void log_written(const std::string& path, const kernels::GridSpec& g, const StepTimer& timer) {
    log_info("wrote " + path + " (" + std::to_string(g.rows) + " x " + std::to_string(g.cols) +
             " cells) in " + fixed(timer.seconds(), 2) + " s");
}

struct SvfToolState {
    CommonToolOptions common;
    std::string input;
    std::string output;
    kt::SkyViewFactorParams params;
};

int run_svf_tool(const SvfToolState& s) {
    apply_thread_count(s.common.threads);
    const StepTimer timer;
    RasterLayer dsm = read_raster(s.input, 1, assumed_crs(s.common), "--input-crs");
    kernels::Raster<float> svf(dsm.values.spec());
    kt::HorizonWorkspace workspace;
    kt::compute_sky_view_factor(dsm.values.view(), dsm.mask, svf.view(), workspace, s.params);
    GeoTiffOptions options = output_options(s.common);
    options.description = "sky view factor, cosine-weighted, horizontal surface (horizon sweep, "
                          "Stewart 1998)";
    options.units = "1";
    options.metadata = {{"SVF_DIRECTIONS", std::to_string(s.params.directions)},
                        {"SVF_SEARCH_RADIUS_M", fixed(s.params.search_radius_m, 1)}};
    write_geotiff(s.output, svf, dsm.mask, options);
    log_written(s.output, svf.spec(), timer);
    return exit_ok;
}

/// A local date-time and its offset from UTC in hours.
struct LocalDateTime {
    kt::UtcDateTime fields;
    std::optional<double> offset_h; ///< from the text's suffix (Z, +02:00, -0530, +02)
};

/// Parses "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional "Z" or "+HH[:MM]"/"-HH[:MM]" suffix
/// (ISO 8601 extended form; a space may replace the T). Throws ConfigError naming the option.
LocalDateTime parse_datetime(const std::string& text) {
    static const std::regex pattern(
        R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)"
        R"((Z|[+-]\d{2}(?::?\d{2})?)?$)");
    std::smatch m;
    const std::string hint = "; expected an ISO 8601 date-time such as 2026-07-15T15:00 "
                             "(local time at --utc-offset-h) or 2026-07-15T13:00Z";
    if (!std::regex_match(text, m, pattern)) {
        throw ConfigError("--datetime: cannot read '" + text + "'" + hint);
    }
    LocalDateTime t;
    t.fields.year = std::stoi(m[1].str());
    t.fields.month = std::stoi(m[2].str());
    t.fields.day = std::stoi(m[3].str());
    t.fields.hour = std::stoi(m[4].str());
    t.fields.minute = std::stoi(m[5].str());
    t.fields.second = m[6].matched ? std::stod(m[6].str()) : 0.0;
    if (!kt::is_valid(t.fields) || t.fields.second >= 60.0) {
        throw ConfigError("--datetime: '" + text + "' is not a valid calendar date and time" +
                          hint);
    }
    if (m[7].matched) {
        const std::string z = m[7].str();
        if (z == "Z") {
            t.offset_h = 0.0;
        } else {
            const double sign = z[0] == '-' ? -1.0 : 1.0;
            const std::string digits = std::regex_replace(z.substr(1), std::regex(":"), "");
            const double hours = std::stod(digits.substr(0, 2));
            const double minutes = digits.size() > 2 ? std::stod(digits.substr(2, 2)) : 0.0;
            if (hours > 14.0 || minutes >= 60.0) {
                throw ConfigError("--datetime: UTC offset '" + z + "' out of range" + hint);
            }
            t.offset_h = sign * (hours + minutes / 60.0);
        }
    }
    return t;
}

/// WGS84 longitude and latitude (degrees) of the grid's centre.
std::pair<double, double> centre_lon_lat(const kernels::GridSpec& g, const std::string& path) {
    OGRSpatialReference source;
    if (g.crs_wkt.empty() || source.importFromWkt(g.crs_wkt.c_str()) != OGRERR_NONE) {
        throw InputError(path + ": the raster has no usable CRS, so its latitude and longitude "
                                "(needed for the sun position) are unknown; give --input-crs");
    }
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&source, &wgs84));
    double x = 0.5 * (g.x0 + g.x_max());
    double y = 0.5 * (g.y0 + g.y_min());
    if (!ct || !ct->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y) ||
        std::abs(y) > 90.0) {
        throw InputError(path + ": the raster's centre cannot be transformed to WGS84 longitude "
                                "and latitude; check its CRS (or --input-crs)");
    }
    return {x, y};
}

struct ShadowToolState {
    CommonToolOptions common;
    std::string input;
    std::string output;
    std::string datetime;
    double utc_offset_h = 0.0;
    bool utc_offset_given = false;
    std::string tree_height;
    std::optional<double> sun_azimuth_deg;   ///< instead of --datetime, with the elevation
    std::optional<double> sun_elevation_deg;
    kt::ShadowParams params;
};

/// The sun for the tool: from --datetime at the raster's centre (NOAA), or as given.
kt::ShadowParams sun_for(const ShadowToolState& s, const kernels::GridSpec& g) {
    kt::ShadowParams params = s.params;
    const bool given = s.sun_azimuth_deg.has_value() || s.sun_elevation_deg.has_value();
    if (given == !s.datetime.empty() ||
        s.sun_azimuth_deg.has_value() != s.sun_elevation_deg.has_value()) {
        throw ConfigError("lauter tool shadow: give either --datetime or both --sun-azimuth-deg "
                          "and --sun-elevation-deg");
    }
    if (given) {
        params.sun_azimuth_deg = *s.sun_azimuth_deg;
        params.sun_elevation_deg = *s.sun_elevation_deg;
        log_info("sun as given: azimuth " + fixed(params.sun_azimuth_deg, 2) +
                 " deg, elevation " + fixed(params.sun_elevation_deg, 2) + " deg");
        return params;
    }
    const LocalDateTime when = parse_datetime(s.datetime);
    double offset_h = s.utc_offset_h;
    if (when.offset_h) {
        if (s.utc_offset_given && *when.offset_h != s.utc_offset_h) {
            throw ConfigError("--datetime '" + s.datetime + "' carries the UTC offset " +
                              fixed(*when.offset_h, 2) + " h but --utc-offset-h is " +
                              fixed(s.utc_offset_h, 2) + " h; give the offset once");
        }
        offset_h = *when.offset_h;
    }
    const auto [lon, lat] = centre_lon_lat(g, s.input);
    // Local civil time minus its offset is UTC; the Julian day absorbs day changes.
    const double jd = kt::julian_day(when.fields) - offset_h / 24.0;
    const kt::SunPosition sun = kt::sun_position(jd, lat, lon);
    params.sun_azimuth_deg = sun.azimuth_deg;
    params.sun_elevation_deg = sun.apparent_elevation_deg;
    log_info("sun at " + fixed(lat, 4) + " N, " + fixed(lon, 4) + " E (raster centre), " +
             s.datetime + " at UTC" + (offset_h >= 0 ? "+" : "") + fixed(offset_h, 2) +
             " h: azimuth " + fixed(sun.azimuth_deg, 2) + " deg, elevation " +
             fixed(sun.apparent_elevation_deg, 2) + " deg (NOAA, with refraction)");
    return params;
}

int run_shadow_tool(const ShadowToolState& s) {
    apply_thread_count(s.common.threads);
    if (!s.datetime.empty()) {
        static_cast<void>(parse_datetime(s.datetime)); // a bad date-time fails before any I/O
    }
    const StepTimer timer;
    RasterLayer dsm = read_raster(s.input, 1, assumed_crs(s.common), "--input-crs");
    const kernels::GridSpec& g = dsm.values.spec();
    const kt::ShadowParams params = sun_for(s, g);
    if (params.sun_elevation_deg <= 0.0) {
        log_warning("the sun is below the horizon: every cell is shaded");
    }
    kernels::Raster<float> top;
    kernels::Raster<float> base;
    if (!s.tree_height.empty()) {
        RasterLayer trees = read_raster(s.tree_height, 1, assumed_crs(s.common), "--input-crs");
        if (!trees.values.spec().is_same_grid(g)) {
            throw InputError("--tree-height " + s.tree_height + " is not on the grid of " +
                             s.input + " (shape, cell size, corner and CRS must match); warp "
                             "it first, e.g. gdalwarp -tr/-te to the DSM's grid");
        }
        top = dsm.values.clone();
        base = dsm.values.clone();
        for (std::size_t i = 0; i < top.size(); ++i) {
            const float h = trees.mask.has_data(i) ? trees.values[i] : 0.0F;
            if (h > 0.0F) {
                top[i] += h;
                base[i] += 0.25F * h; // trunk zone 25 % (SOLWEIG, surface_model.hpp)
            }
        }
    }
    kernels::Raster<float> sunlit(g);
    kt::ShadowWorkspace workspace;
    const bool trees = !s.tree_height.empty();
    kt::compute_sunlit_fraction(
        dsm.values.view(), trees ? top.view() : kernels::RasterView<float>(),
        trees ? base.view() : kernels::RasterView<float>(), dsm.mask, sunlit.view(), workspace,
        params);
    GeoTiffOptions options = output_options(s.common);
    options.description = "sunlit fraction of the direct beam: 0 shadow, transmissivity under "
                          "tree crowns, 1 lit";
    options.units = "1";
    options.metadata = {{"SUN_AZIMUTH_DEG", fixed(params.sun_azimuth_deg, 4)},
                        {"SUN_ELEVATION_DEG", fixed(params.sun_elevation_deg, 4)}};
    if (!s.datetime.empty()) {
        options.metadata.emplace_back("DATETIME", s.datetime);
    }
    write_geotiff(s.output, sunlit, dsm.mask, options);
    log_written(s.output, g, timer);
    return exit_ok;
}

} // namespace

void add_thermal_geometry_tools(CLI::App& tool, CommandAction& action) {
    {
        auto state = std::make_shared<SvfToolState>();
        CLI::App* cmd = tool.add_subcommand(
            "svf", "Sky view factor 0..1 of a DSM (cosine-weighted, horizon sweep)");
        cmd->add_option("DSM", state->input, "surface model raster (terrain + buildings), m")
            ->required()
            ->check(CLI::ExistingFile);
        cmd->add_option("OUTPUT", state->output, "output GeoTIFF")->required();
        cmd->add_option("--directions", state->params.directions,
                        "number of azimuths, equally spaced from north")
            ->capture_default_str()
            ->check(CLI::Range(1, 3600));
        cmd->add_option("--radius-m", state->params.search_radius_m,
                        "horizon search radius in metres")
            ->capture_default_str()
            ->check(CLI::PositiveNumber);
        add_common_options(*cmd, state->common);
        cmd->callback([&action, state] { action = [state] { return run_svf_tool(*state); }; });
    }
    {
        auto state = std::make_shared<ShadowToolState>();
        CLI::App* cmd = tool.add_subcommand(
            "shadow", "Sunlit fraction of a DSM for one date-time (sun position: NOAA)");
        cmd->add_option("DSM", state->input, "surface model raster (terrain + buildings), m")
            ->required()
            ->check(CLI::ExistingFile);
        cmd->add_option("OUTPUT", state->output, "output GeoTIFF")->required();
        cmd->add_option("--datetime", state->datetime,
                        "local date-time YYYY-MM-DDTHH:MM[:SS] at --utc-offset-h, or with its "
                        "offset: ...Z, ...+02:00");
        cmd->add_option("--sun-azimuth-deg", state->sun_azimuth_deg,
                        "instead of --datetime: where the light comes from, clockwise from north")
            ->check(CLI::Range(0.0, 360.0));
        cmd->add_option("--sun-elevation-deg", state->sun_elevation_deg,
                        "instead of --datetime: sun elevation above the horizon")
            ->check(CLI::Range(-90.0, 90.0));
        CLI::Option* offset =
            cmd->add_option("--utc-offset-h", state->utc_offset_h,
                            "hours local time is ahead of UTC (CEST: 2, CET: 1); default 0 = "
                            "the date-time is UTC")
                ->capture_default_str()
                ->check(CLI::Range(-14.0, 14.0));
        cmd->add_option("--tree-height", state->tree_height,
                        "optional raster of tree height above the DSM (m, same grid): crowns "
                        "with a 25 % trunk zone")
            ->check(CLI::ExistingFile);
        cmd->add_option("--transmissivity", state->params.transmissivity,
                        "share of the direct beam passing a tree crown (SOLWEIG default)")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 1.0));
        add_common_options(*cmd, state->common);
        cmd->callback([&action, state, offset] {
            state->utc_offset_given = offset->count() > 0;
            action = [state] { return run_shadow_tool(*state); };
        });
    }
}

} // namespace lauter::sim
