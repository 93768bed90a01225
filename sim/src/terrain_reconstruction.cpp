#include <lauter/sim/terrain_reconstruction.hpp>

#include <lauter/kernels/terrain/scattered_surface.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/geotiff_writer.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/progress.hpp>

#include "gdal_support.hpp"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <utility>
#include <vector>

namespace lauter::sim {

namespace {

namespace fs = std::filesystem;
namespace kt = kernels::terrain;

/// "235", "235 m", "235.4", " 235.4m " -> value; anything else (lists, feet, text) -> nullopt.
std::optional<double> parse_ele(std::string_view text) {
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
            s.remove_prefix(1);
        }
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
            s.remove_suffix(1);
        }
        return s;
    };
    text = trim(text);
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) {
        return std::nullopt;
    }
    const std::string_view rest = trim(text.substr(static_cast<std::size_t>(end - text.data())));
    if (!rest.empty() && rest != "m") {
        return std::nullopt;
    }
    // Lowest and highest land surface on Earth, with room: rejects typos such as "2350".
    if (!std::isfinite(value) || value < -450.0 || value > 8900.0) {
        return std::nullopt;
    }
    return value;
}

struct OsmRelief {
    std::vector<kt::ControlPoint> ele_tags;
    std::size_t ele_tags_skipped = 0;
    std::vector<std::vector<kt::PlanePoint>> waterways;
    struct Polygon {
        std::vector<kt::PlanePoint> outer;
        std::vector<std::vector<kt::PlanePoint>> holes;
    };
    std::vector<Polygon> forests;
};

std::vector<kt::PlanePoint> ring_points(const OGRLineString& line) {
    std::vector<kt::PlanePoint> pts;
    pts.reserve(static_cast<std::size_t>(line.getNumPoints()));
    for (int i = 0; i < line.getNumPoints(); ++i) {
        pts.push_back({line.getX(i), line.getY(i)});
    }
    return pts;
}

std::unique_ptr<OGRCoordinateTransformation> lonlat_to(const OGRSpatialReference& target) {
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&wgs84, &target));
    if (!ct) {
        throw RuntimeFailure("cannot create a coordinate transformation from WGS84 to the grid "
                             "CRS (PROJ database missing?)");
    }
    return ct;
}

OGRSpatialReference metric_crs(const kernels::GridSpec& target) {
    OGRSpatialReference crs;
    if (target.crs_wkt.empty() || crs.importFromWkt(target.crs_wkt.c_str()) != OGRERR_NONE) {
        throw ConfigError("illustrative terrain: the target grid needs a valid CRS (WKT of a "
                          "projected CRS in metres, e.g. EPSG:25832)");
    }
    crs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!crs.IsProjected() || std::abs(crs.GetLinearUnits() - 1.0) > 1e-9) {
        throw ConfigError("illustrative terrain: the target grid's CRS must be projected with "
                          "metre units (e.g. EPSG:25832), not geographic or in feet");
    }
    return crs;
}

OsmRelief read_osm_relief(const fs::path& osm, const OGRSpatialReference& crs) {
    detail::DatasetPtr ds = detail::open_osm_dataset(osm, "osmconf_landcover", osm_driver_config());
    const auto ct = lonlat_to(crs);
    OsmRelief relief;
    CPLPushErrorHandler(CPLQuietErrorHandler); // unclosed rings of clipped ways are expected
    OGRLayer* layer = nullptr;
    for (;;) {
        std::unique_ptr<OGRFeature> f(ds->GetNextFeature(&layer, nullptr, nullptr, nullptr));
        if (!f) {
            break;
        }
        OGRGeometry* geom = f->GetGeometryRef();
        if (geom == nullptr || layer == nullptr) {
            continue;
        }
        const std::string_view layer_name = layer->GetName();
        if (layer_name == "points") {
            const int field = f->GetFieldIndex("ele");
            if (field < 0 || !f->IsFieldSetAndNotNull(field)) {
                continue;
            }
            const std::optional<double> ele = parse_ele(f->GetFieldAsString(field));
            if (!ele || geom->transform(ct.get()) != OGRERR_NONE) {
                ++relief.ele_tags_skipped;
                continue;
            }
            const auto* p = geom->toPoint();
            relief.ele_tags.push_back({p->getX(), p->getY(), *ele, 1.0});
        } else if (layer_name == "lines") {
            const int field = f->GetFieldIndex("waterway");
            if (field < 0 || !f->IsFieldSetAndNotNull(field)) {
                continue;
            }
            const std::string_view kind = f->GetFieldAsString(field);
            if (kind != "river" && kind != "stream" && kind != "canal" && kind != "ditch" &&
                kind != "drain") {
                continue;
            }
            if (geom->transform(ct.get()) == OGRERR_NONE &&
                wkbFlatten(geom->getGeometryType()) == wkbLineString) {
                relief.waterways.push_back(ring_points(*geom->toLineString()));
            }
        } else if (layer_name == "multipolygons") {
            const int landuse = f->GetFieldIndex("landuse");
            const int natural = f->GetFieldIndex("natural");
            const bool forest =
                (landuse >= 0 && std::string_view(f->GetFieldAsString(landuse)) == "forest") ||
                (natural >= 0 && std::string_view(f->GetFieldAsString(natural)) == "wood");
            if (!forest || geom->transform(ct.get()) != OGRERR_NONE ||
                wkbFlatten(geom->getGeometryType()) != wkbMultiPolygon) {
                continue;
            }
            for (const OGRPolygon* poly : *geom->toMultiPolygon()) {
                if (poly->getExteriorRing() == nullptr) {
                    continue;
                }
                OsmRelief::Polygon p;
                p.outer = ring_points(*poly->getExteriorRing());
                for (int h = 0; h < poly->getNumInteriorRings(); ++h) {
                    p.holes.push_back(ring_points(*poly->getInteriorRing(h)));
                }
                relief.forests.push_back(std::move(p));
            }
        }
    }
    CPLPopErrorHandler();
    return relief;
}

void validate(const TerrainReconstructionParams& p) {
    auto require = [](bool ok, const char* key, const char* rule) {
        if (!ok) {
            throw ConfigError(std::string("terrain reconstruction parameter ") + key + " must be " +
                              rule);
        }
    };
    auto finite = [](double v) { return std::isfinite(v); };
    require(finite(p.smoothing_m2) && p.smoothing_m2 >= 0.0, "smoothing_m2", "finite and >= 0");
    require(finite(p.ele_weight) && p.ele_weight > 0.0, "ele_weight", "finite and > 0");
    require(finite(p.river_weight) && p.river_weight > 0.0, "river_weight", "finite and > 0");
    require(finite(p.hill_weight) && p.hill_weight > 0.0, "hill_weight", "finite and > 0");
    require(finite(p.valley_floor_m), "valley_floor_m", "finite");
    require(finite(p.river_gradient) && p.river_gradient >= 0.0, "river_gradient",
            "finite and >= 0");
    require(finite(p.river_sample_spacing_m) && p.river_sample_spacing_m > 0.0,
            "river_sample_spacing_m", "finite and > 0");
    require(finite(p.valley_band_m) && p.valley_band_m >= 0.0, "valley_band_m", "finite and >= 0");
    require(finite(p.hill_relief_m), "hill_relief_m", "finite");
    require(finite(p.hill_length_scale_m) && p.hill_length_scale_m > 0.0, "hill_length_scale_m",
            "finite and > 0");
    require(finite(p.hill_sample_spacing_m) && p.hill_sample_spacing_m > 0.0,
            "hill_sample_spacing_m", "finite and > 0");
    require(finite(p.min_elevation_m) && finite(p.max_elevation_m) &&
                p.min_elevation_m < p.max_elevation_m,
            "min_elevation_m/max_elevation_m", "finite with min < max");
    require(p.coarse_step_cells >= 1, "coarse_step_cells", ">= 1");
    require(finite(p.cv_block_size_m) && p.cv_block_size_m > 0.0, "cv_block_size_m",
            "finite and > 0");
}

std::pair<double, double> rms_and_max_abs(const std::vector<double>& errors) {
    double sum2 = 0.0;
    double max_abs = 0.0;
    std::size_t n = 0;
    for (double e : errors) {
        if (std::isfinite(e)) {
            sum2 += e * e;
            max_abs = std::max(max_abs, std::abs(e));
            ++n;
        }
    }
    return {n > 0 ? std::sqrt(sum2 / static_cast<double>(n)) : 0.0, max_abs};
}

std::string format_number(double v, int decimals) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

} // namespace

ReconstructedTerrain reconstruct_illustrative_terrain(const std::filesystem::path& osm,
                                                      const kernels::GridSpec& target,
                                                      const TerrainReconstructionParams& params) {
    validate(params);
    if (target.rows == 0 || target.cols == 0) {
        throw ConfigError("illustrative terrain: the target grid is empty");
    }
    const OGRSpatialReference crs = metric_crs(target);
    StepTimer timer;
    OsmRelief relief = read_osm_relief(osm, crs);
    if (relief.ele_tags.size() < 3) {
        throw InputError(osm.string() + " has " + std::to_string(relief.ele_tags.size()) +
                         " nodes with a usable ele tag; the illustrative terrain needs at least 3. "
                         "Pass a real elevation model with the scenario key inputs.dem");
    }
    TerrainReconstructionReport report;
    report.ele_tags_used = relief.ele_tags.size();
    report.ele_tags_skipped = relief.ele_tags_skipped;
    report.waterway_lines = relief.waterways.size();
    report.forest_polygons = relief.forests.size();

    // Control points: ele tags first (indices 0..n_ele-1), then valley floor, then hills.
    std::vector<kt::ControlPoint> points;
    std::vector<kt::PlanePoint> valley;
    for (kt::ControlPoint p : relief.ele_tags) {
        p.weight = params.ele_weight;
        points.push_back(p);
        if (p.z_m <= params.valley_floor_m + params.valley_band_m) {
            valley.push_back({p.x_m, p.y_m});
        }
    }
    for (const auto& line : relief.waterways) {
        for (const kt::PolylineSample& s : kt::sample_polyline(line, params.river_sample_spacing_m)) {
            points.push_back({s.x_m, s.y_m,
                              params.valley_floor_m - params.river_gradient * s.distance_along_m,
                              params.river_weight});
            valley.push_back({s.x_m, s.y_m});
            ++report.river_points;
        }
    }
    const kt::HillProfile profile{params.valley_floor_m, params.hill_relief_m,
                                  params.hill_length_scale_m};
    for (const auto& forest : relief.forests) {
        for (const kt::PlanePoint& p :
             kt::sample_polygon_interior(forest.outer, forest.holes, params.hill_sample_spacing_m)) {
            const double d = kt::distance_to_nearest(valley, p);
            points.push_back({p.x_m, p.y_m, profile.elevation_m(d), params.hill_weight});
            ++report.hill_points;
        }
    }
    log_info("illustrative terrain: " + std::to_string(report.ele_tags_used) + " ele tags, " +
             std::to_string(report.river_points) + " valley-floor points on " +
             std::to_string(report.waterway_lines) + " waterways, " +
             std::to_string(report.hill_points) + " hill points in " +
             std::to_string(report.forest_polygons) + " forest polygons");

    const kt::ThinPlateSplineParams tps{params.smoothing_m2};
    const std::size_t n_ele = relief.ele_tags.size();
    try {
        const kt::ThinPlateSpline spline = kt::ThinPlateSpline::fit(points, tps);
        report.bending_energy = spline.bending_energy();
        std::vector<double> residuals(n_ele);
        for (std::size_t i = 0; i < n_ele; ++i) {
            residuals[i] = spline.evaluate(points[i].x_m, points[i].y_m) - points[i].z_m;
        }
        std::tie(report.ele_residual_rms_m, report.ele_residual_max_abs_m) =
            rms_and_max_abs(residuals);

        std::vector<int> fold(points.size(), -1);
        for (std::size_t i = 0; i < n_ele; ++i) {
            fold[i] = static_cast<int>(i);
        }
        std::tie(report.loo_rms_m, report.loo_max_abs_m) =
            rms_and_max_abs(kt::cross_validation_errors(points, fold, tps));

        std::map<std::pair<long long, long long>, int> block_ids;
        for (std::size_t i = 0; i < n_ele; ++i) {
            const auto key = std::make_pair(
                static_cast<long long>(std::floor(points[i].x_m / params.cv_block_size_m)),
                static_cast<long long>(std::floor(points[i].y_m / params.cv_block_size_m)));
            const auto [it, inserted] =
                block_ids.emplace(key, static_cast<int>(block_ids.size()));
            fold[i] = it->second;
        }
        report.block_cv_folds = block_ids.size();
        std::tie(report.block_cv_rms_m, report.block_cv_max_abs_m) =
            rms_and_max_abs(kt::cross_validation_errors(points, fold, tps));

        ReconstructedTerrain result{kernels::Raster<float>(target), kernels::CellMask(target),
                                    {}, {}};
        const kt::SurfaceGridParams grid_params{params.coarse_step_cells, params.min_elevation_m,
                                                params.max_elevation_m};
        const kt::SurfaceGridStats stats =
            kt::evaluate_on_grid(spline, result.mask, result.elevation_m.view(), grid_params);
        report.cells_clamped_low = stats.cells_clamped_low;
        report.cells_clamped_high = stats.cells_clamped_high;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        double sum = 0.0;
        for (float v : result.elevation_m.values()) {
            lo = std::min(lo, static_cast<double>(v));
            hi = std::max(hi, static_cast<double>(v));
            sum += static_cast<double>(v);
        }
        report.min_elevation_m = lo;
        report.max_elevation_m = hi;
        report.mean_elevation_m = sum / static_cast<double>(result.elevation_m.size());
        result.report = report;
        result.control_points.reserve(points.size());
        for (std::size_t i = 0; i < points.size(); ++i) {
            const kt::ControlPoint& p = points[i];
            const TerrainControlKind kind =
                i < n_ele ? TerrainControlKind::ele_tag
                          : (i < n_ele + report.river_points ? TerrainControlKind::valley_floor
                                                             : TerrainControlKind::hill);
            result.control_points.push_back(
                {p.x_m, p.y_m, p.z_m, p.weight, kind, spline.evaluate(p.x_m, p.y_m)});
        }
        log_info("illustrative terrain: ele tag residual RMS " +
                 format_number(report.ele_residual_rms_m, 2) + " m, leave-one-out RMS " +
                 format_number(report.loo_rms_m, 2) + " m, block hold-out RMS " +
                 format_number(report.block_cv_rms_m, 2) + " m; range " +
                 format_number(lo, 1) + "-" + format_number(hi, 1) + " m (" +
                 format_number(timer.seconds(), 1) + " s)");
        return result;
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const Error*>(&e) != nullptr) {
            throw;
        }
        throw RuntimeFailure("illustrative terrain from " + osm.string() + ": " + e.what());
    }
}

kernels::GridSpec utm32_grid_for_osm_extent(const std::filesystem::path& osm, double cell_size_m,
                                            double margin_m) {
    if (!(cell_size_m > 0.0) || !std::isfinite(cell_size_m)) {
        throw ConfigError("cell size must be finite and > 0 m");
    }
    if (!(margin_m >= 0.0) || !std::isfinite(margin_m)) {
        throw ConfigError("margin must be finite and >= 0 m");
    }
    OGRSpatialReference utm;
    utm.importFromEPSG(25832);
    kernels::GridSpec g = osm_extract_grid(osm, detail::wkt2_of(utm), cell_size_m);
    const auto margin_cells = static_cast<std::size_t>(std::ceil(margin_m / cell_size_m));
    const double margin = static_cast<double>(margin_cells) * cell_size_m;
    g.x0 -= margin;
    g.y0 += margin;
    g.cols += 2 * margin_cells;
    g.rows += 2 * margin_cells;
    return g;
}

TerrainReconstructionReport write_illustrative_terrain(const std::filesystem::path& osm,
                                                       const std::filesystem::path& output_tif,
                                                       double cell_size_m, double margin_m,
                                                       const TerrainReconstructionParams& params) {
    const kernels::GridSpec grid = utm32_grid_for_osm_extent(osm, cell_size_m, margin_m);
    log_info("illustrative terrain: grid " + std::to_string(grid.cols) + " x " +
             std::to_string(grid.rows) + " cells of " + format_number(cell_size_m, 1) +
             " m, EPSG:25832");
    const ReconstructedTerrain terrain = reconstruct_illustrative_terrain(osm, grid, params);
    const TerrainReconstructionReport& r = terrain.report;
    GeoTiffOptions options;
    options.cloud_optimized = true;
    options.description = "illustrative terrain (reconstructed from OpenStreetMap ele tags, "
                          "waterways and forests; not a measured elevation model)";
    options.units = "m";
    auto num = [](double v) { return format_number(v, 3); };
    options.metadata = {
        {"LAUTER_PRODUCT", "illustrative_terrain"},
        {"SOURCE", osm.filename().string()},
        {"METHOD", "smoothing thin-plate spline (Duchon 1977, Wahba 1990) through OSM ele tags, "
                   "valley-floor points along waterways and hill points in forests"},
        {"LICENSE", "ODbL 1.0 (derived from OpenStreetMap data)"},
        {"ATTRIBUTION", "(c) OpenStreetMap contributors"},
        {"WARNING", "illustrative only, not for hazard assessment; use the official DGM "
                    "(scenario key inputs.dem)"},
        {"SMOOTHING_M2", num(params.smoothing_m2)},
        {"VALLEY_FLOOR_M", num(params.valley_floor_m)},
        {"RIVER_GRADIENT", format_number(params.river_gradient, 5)},
        {"HILL_RELIEF_M", num(params.hill_relief_m)},
        {"HILL_LENGTH_SCALE_M", num(params.hill_length_scale_m)},
        {"WEIGHTS_ELE_RIVER_HILL", num(params.ele_weight) + " " + num(params.river_weight) + " " +
                                       num(params.hill_weight)},
        {"CLAMP_M", num(params.min_elevation_m) + " " + num(params.max_elevation_m)},
        {"CONTROL_POINTS_ELE_RIVER_HILL", std::to_string(r.ele_tags_used) + " " +
                                              std::to_string(r.river_points) + " " +
                                              std::to_string(r.hill_points)},
        {"ELE_RESIDUAL_RMS_M", num(r.ele_residual_rms_m)},
        {"ELE_LOO_RMS_M", num(r.loo_rms_m)},
        {"ELE_BLOCK_CV_RMS_M", num(r.block_cv_rms_m)},
    };
    write_geotiff(output_tif, terrain.elevation_m, terrain.mask, options);
    log_info("illustrative terrain written to " + output_tif.string());
    return r;
}

} // namespace lauter::sim
