#include <lauter/kernels/terrain/slope.hpp>
#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/mobility_model.hpp>
#include <lauter/sim/modifications.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/raster_input.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/runoff_model.hpp>
#include <lauter/sim/runoff_storm.hpp>
#include <lauter/sim/run.hpp>
#include <lauter/sim/sha256.hpp>
#include <lauter/sim/thermal_coupling.hpp>
#include <lauter/sim/thermal_model.hpp>
#include <lauter/sim/vector_input.hpp>
#include <lauter/version.hpp>

#include <ogr_spatialref.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <sstream>

namespace lauter::sim {

namespace {

using kernels::CellMask;
using kernels::CellStatus;
using kernels::GridSpec;
using kernels::Raster;

constexpr const char* osm_attribution = "© OpenStreetMap contributors, ODbL 1.0";

/// The extent of a raster file in the study CRS (its corners transformed, densified edges).
GridSpec dem_extent_grid(const Scenario& s) {
    const std::optional<std::string> assumed =
        s.inputs.dem_crs.empty() ? std::nullopt : std::optional<std::string>(s.inputs.dem_crs);
    const GridSpec dem = raster_grid_of(*s.inputs.dem, assumed, "inputs.dem_crs");
    OGRSpatialReference source;
    OGRSpatialReference target;
    source.importFromWkt(dem.crs_wkt.c_str());
    target.importFromWkt(s.study_area.crs_wkt.c_str());
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(
        OGRCreateCoordinateTransformation(&source, &target));
    double x_min = 0.0;
    double y_min = 0.0;
    double x_max = 0.0;
    double y_max = 0.0;
    if (!ct || !ct->TransformBounds(dem.x0, dem.y_min(), dem.x_max(), dem.y0, &x_min, &y_min,
                                    &x_max, &y_max, 21)) {
        throw InputError("inputs.dem: the extent of " + s.inputs.dem->string() +
                         " cannot be transformed into the study CRS; give study_area.extent");
    }
    return kernels::grid_covering(x_min, y_min, x_max, y_max, s.study_area.resolution_m,
                        s.study_area.crs_wkt);
}

std::string utc_now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// Sets cells without data in `other` to no_data in `mask`; returns how many were switched off.
std::size_t intersect_mask(CellMask& mask, const CellMask& other) {
    std::size_t switched = 0;
    for (std::size_t i = 0; i < mask.spec().cell_count(); ++i) {
        if (mask.has_data(i) && !other.has_data(i)) {
            mask.set(i, CellStatus::no_data);
            ++switched;
        }
    }
    return switched;
}

std::string terrain_note_for(const Scenario& s) {
    if (s.inputs.dem_kind == DemKind::illustrative) {
        return "illustrative terrain: reconstructed from OpenStreetMap ele tags, river lines and "
               "forest areas, not a measured elevation model; do not use it for real hazard "
               "assessment (see inputs/kaiserslautern/TERRAIN.md). Pass the official DGM with "
               "inputs.dem and dem_kind: measured.";
    }
    return "measured elevation model: " + s.inputs.dem->filename().string();
}

void write_terrain_layers(ResultsWriter& out, const std::string& group, const Scenario& s,
                          const StudyArea& area) {
    const Raster<float>& dem = *area.elevation_m;
    out.write_raster(group, {"elevation", "m", "terrain elevation above sea level", "surface_altitude",
                             area.terrain_note, {}, {}},
                     dem, area.mask);
    Raster<float> slope(area.grid);
    kernels::terrain::compute_slope_deg(dem.view(), area.mask, slope.view());
    out.write_raster(group, {"slope", "degree", "slope angle (Horn 1981)", "", "", {}, {}}, slope,
                     area.mask);
    Raster<float> aspect(area.grid);
    kernels::terrain::compute_aspect_deg(dem.view(), area.mask, aspect.view());
    out.write_raster(group,
                     {"aspect", "degree",
                      "aspect of the downslope direction, clockwise from north (Horn 1981)", "",
                      "NaN on flat cells", {}, {}},
                     aspect, area.mask);
    Raster<float> shade(area.grid);
    kernels::terrain::HillshadeParams hp;
    hp.sun_azimuth_deg = s.models.terrain.hillshade_azimuth_deg;
    hp.sun_altitude_deg = s.models.terrain.hillshade_altitude_deg;
    kernels::terrain::compute_hillshade(dem.view(), area.mask, shade.view(), hp);
    out.write_raster(group, {"hillshade", "1", "hillshade (Horn 1981 gradient)", "", "", {}, {}},
                     shade, area.mask);
    out.set_group_attribute(group, "terrain_kind", area.terrain_note);
}

void write_landcover_layers(ResultsWriter& out, const std::string& group, const StudyArea& area) {
    const OsmLandCover& lc = *area.land_cover;
    LayerMeta class_meta{"land_cover_class", "1", "dominant land-cover class of the cell", "", "",
                         {}, {}};
    for (kernels::LandCover c : kernels::all_land_cover_classes) {
        class_meta.flag_values.push_back(static_cast<int>(c));
        class_meta.flag_meanings.emplace_back(kernels::land_cover_name(c));
    }
    Raster<std::uint8_t> class_codes(area.grid, 0);
    for (std::size_t i = 0; i < area.grid.cell_count(); ++i) {
        class_codes[i] = static_cast<std::uint8_t>(lc.dominant[i]);
    }
    out.write_raster(group, class_meta, class_codes, area.mask);
    for (kernels::LandCover c : kernels::all_land_cover_classes) {
        const std::string name(kernels::land_cover_name(c));
        out.write_raster(group,
                         {"fraction_" + name, "1", "area fraction of the cell covered by " + name,
                          "", "", {}, {}},
                         lc.fractions[kernels::land_cover_index(c)], area.mask);
    }
    out.write_raster(group,
                     {"impervious_fraction", "1", "sealed (impervious) fraction of the cell area",
                      "", "building + road + sealed_other fractions", {}, {}},
                     lc.impervious_fraction, area.mask);
    out.write_raster(group,
                     {"building_height", "m", "mean building height over the building part of the cell",
                      "", "0 where the cell has no building", {}, {}},
                     lc.building_height_m, area.mask);
    out.write_raster(group,
                     {"unmapped_fraction", "1",
                      "fraction of the cell that no OSM feature maps (its class is assumed)", "",
                      "counted as landcover.unmapped_class", {}, {}},
                     lc.unmapped_fraction, area.mask);
    out.write_raster(group,
                     {"tree_canopy_fraction", "1", "fraction of the cell under tree crowns", "", "",
                      {}, {}},
                     lc.tree_canopy_fraction, area.mask);

    // Areas per class over the active cells: by dominant class and by sub-cell fractions.
    const double cell_area = area.grid.cell_area_m2();
    std::vector<std::string> names;
    std::vector<std::int64_t> dominant_cells;
    std::vector<double> dominant_area;
    std::vector<double> fraction_area;
    std::vector<double> share;
    double total_area = 0.0;
    for (std::size_t i = 0; i < area.grid.cell_count(); ++i) {
        total_area += area.mask.has_data(i) ? cell_area : 0.0;
    }
    for (kernels::LandCover c : kernels::all_land_cover_classes) {
        std::int64_t cells = 0;
        double covered = 0.0;
        const Raster<float>& fraction = lc.fractions[kernels::land_cover_index(c)];
        for (std::size_t i = 0; i < area.grid.cell_count(); ++i) {
            if (!area.mask.has_data(i)) {
                continue;
            }
            cells += lc.dominant[i] == c ? 1 : 0;
            covered += static_cast<double>(fraction[i]) * cell_area;
        }
        names.emplace_back(kernels::land_cover_name(c));
        dominant_cells.push_back(cells);
        dominant_area.push_back(static_cast<double>(cells) * cell_area);
        fraction_area.push_back(covered);
        share.push_back(total_area > 0.0 ? 100.0 * covered / total_area : 0.0);
    }
    Table table;
    table.add_column("class", std::move(names));
    table.add_column("area_m2", std::move(fraction_area), "m2");
    table.add_column("share_percent", std::move(share), "%");
    table.add_column("dominant_cells", std::move(dominant_cells), "1");
    table.add_column("dominant_area_m2", std::move(dominant_area), "m2");
    out.write_table(group, "class_areas", table);
}

/// Runs the runoff model on the study area and writes its results under `group`.
void write_runoff_model(ResultsWriter& out, const std::string& group, const Scenario& s,
                        const StudyArea& area, const kernels::runoff::Hyetograph& storm) {
    const RunoffModelSettings& settings = s.models.runoff;
    RunoffSurface surface;
    std::vector<OsmBuilding> no_buildings;
    const std::vector<OsmBuilding>* buildings = &no_buildings;
    if (area.land_cover) {
        surface = surface_from_land_cover(*area.land_cover, area.mask, settings);
        buildings = &area.land_cover->buildings;
    } else {
        const std::size_t k = kernels::land_cover_index(s.landcover.unmapped_class);
        log_warning("runoff: no land cover (models.landcover.enabled is false); every cell is "
                    "unsealed " + std::string(kernels::land_cover_name(s.landcover.unmapped_class)) +
                    " without buildings");
        surface = uniform_surface(area.grid, settings.manning_n[k], settings.losses.curve_numbers[k],
                                  0.0);
    }
    const RunoffRun run = run_runoff(*area.elevation_m, area.mask, surface, settings, storm,
                                     describe_storm(settings.storm, storm));
    write_runoff_results(out, group, run, surface, area.mask, settings, *buildings);
    if (!area.terrain_note.empty()) {
        out.set_group_attribute(group, "terrain", area.terrain_note);
    }
}

} // namespace

GridSpec make_study_grid(const Scenario& s) {
    const StudyAreaSettings& sa = s.study_area;
    if (sa.extent) {
        return kernels::grid_covering(sa.extent->x_min_m, sa.extent->y_min_m, sa.extent->x_max_m,
                            sa.extent->y_max_m, sa.resolution_m, sa.crs_wkt);
    }
    switch (*sa.extent_from) {
    case ExtentSource::osm:
        return osm_extract_grid(*s.inputs.osm, sa.crs_wkt, sa.resolution_m);
    case ExtentSource::dem:
        return dem_extent_grid(s);
    case ExtentSource::boundary:
        return extent_of(read_polygons(*sa.boundary, sa.crs_wkt, std::nullopt,
                                       sa.boundary_crs.empty()
                                           ? std::nullopt
                                           : std::optional<std::string>(sa.boundary_crs),
                                       "study_area.boundary_crs"),
                         sa.resolution_m);
    }
    throw ConfigError("study_area: no extent");
}

StudyArea prepare_study_area(const Scenario& s) {
    StudyArea area;
    const StepTimer timer;
    area.grid = make_study_grid(s);
    if (area.grid.cell_count() == 0) {
        throw ConfigError(s.source_file.string() + ": study_area: the extent is empty");
    }
    char grid_text[160];
    std::snprintf(grid_text, sizeof grid_text,
                  "study grid: %zu x %zu cells of %g m (%zu cells), upper-left corner (%.1f, %.1f)",
                  area.grid.cols, area.grid.rows, s.study_area.resolution_m, area.grid.cell_count(),
                  area.grid.x0, area.grid.y0);
    log_info(grid_text);
    area.mask = CellMask(area.grid);
    if (s.study_area.boundary) {
        const std::optional<std::string> assumed =
            s.study_area.boundary_crs.empty() ? std::nullopt
                                              : std::optional<std::string>(s.study_area.boundary_crs);
        const PolygonLayer boundary = read_polygons(*s.study_area.boundary, s.study_area.crs_wkt,
                                                    std::nullopt, assumed, "study_area.boundary_crs");
        area.mask = mask_from_boundary(boundary.polygons, area.grid);
        area.inputs.push_back({"study_area.boundary", *s.study_area.boundary,
                               sha256_file_hex(*s.study_area.boundary)});
        if (area.mask.count_with_data() == 0) {
            throw InputError("study_area.boundary: " + s.study_area.boundary->string() +
                             " does not overlap the study extent; check the extent and the file");
        }
    }
    if (s.models.terrain.enabled || s.models.runoff.enabled || s.models.thermal.enabled ||
        s.models.coldair.enabled) {
        if (!s.inputs.dem) {
            const char* model = s.models.runoff.enabled    ? "runoff"
                                : s.models.thermal.enabled ? "thermal"
                                : s.models.coldair.enabled ? "coldair"
                                                           : "terrain";
            throw ConfigError(s.source_file.string() + ": models." + model + ".enabled: the " +
                              model + " model needs inputs.dem; set inputs.dem to a DEM raster");
        }
        const StepTimer dem_timer;
        const std::optional<std::string> assumed =
            s.inputs.dem_crs.empty() ? std::nullopt : std::optional<std::string>(s.inputs.dem_crs);
        RasterLayer dem = warp_raster_to_grid(*s.inputs.dem, area.grid,
                                              s.inputs.dem_resampling, assumed, 1,
                                              "inputs.dem_crs");
        area.inputs.push_back({"inputs.dem", *s.inputs.dem, sha256_file_hex(*s.inputs.dem)});
        const std::size_t before = area.mask.count_with_data();
        const std::size_t holes = intersect_mask(area.mask, dem.mask);
        if (holes == before) {
            throw InputError("inputs.dem: " + s.inputs.dem->string() +
                             " has no data inside the study area; check its extent and CRS");
        }
        if (holes > 0) {
            log_warning("inputs.dem: " + std::to_string(holes) + " of " + std::to_string(before) +
                        " cells of the study area have no elevation (no-data holes or outside the "
                        "DEM); they are no-data in every result");
        }
        area.elevation_m = std::move(dem.values);
        area.terrain_note = terrain_note_for(s);
        log_info("terrain: " + area.terrain_note.substr(0, area.terrain_note.find(':')) + ", read in " +
                 std::to_string(dem_timer.seconds()) + " s");
    }
    if (s.models.landcover.enabled) {
        OsmLandCover derived = derive_osm_landcover(*s.inputs.osm, area.grid, s.landcover);
        area.inputs.push_back({"inputs.osm", *s.inputs.osm, sha256_file_hex(*s.inputs.osm)});
        const std::size_t outside = intersect_mask(area.mask, derived.mask);
        if (outside > 0) {
            log_info("land cover: " + std::to_string(outside) +
                     " cells lie outside the OSM extract's bounds and are no-data");
        }
        area.land_cover = std::move(derived);
    }
    log_info("study area prepared in " + std::to_string(timer.seconds()) + " s");
    return area;
}

std::string_view model_name(ModelKind model) noexcept {
    switch (model) {
    case ModelKind::terrain:
        return "terrain";
    case ModelKind::landcover:
        return "landcover";
    case ModelKind::runoff:
        return "runoff";
    case ModelKind::mobility:
        return "mobility";
    case ModelKind::thermal:
        return "thermal";
    case ModelKind::coldair:
        return "coldair";
    }
    return "unknown";
}

std::vector<ModelKind> models_to_run(const Scenario& s, const StudyArea& area) {
    std::vector<ModelKind> models;
    if (area.elevation_m && s.models.terrain.enabled) {
        models.push_back(ModelKind::terrain);
    }
    if (area.land_cover) {
        models.push_back(ModelKind::landcover);
    }
    if (s.models.runoff.enabled) {
        models.push_back(ModelKind::runoff);
    }
    if (s.models.mobility.enabled) {
        models.push_back(ModelKind::mobility);
    }
    if (s.models.thermal.enabled) {
        models.push_back(ModelKind::thermal);
    }
    if (s.models.coldair.enabled) {
        models.push_back(ModelKind::coldair);
    }
    return models;
}

const MobilityNetwork& ModelCache::network(const Scenario& s, const StudyArea& area,
                                           double& build_seconds) {
    // The network reads only these files and settings (build_scenario_network).
    const auto checksum_of = [&area](const std::filesystem::path& path) {
        for (const InputRecord& input : area.inputs) {
            if (input.path == path) {
                return input.sha256_hex;
            }
        }
        return sha256_file_hex(path);
    };
    Sha256 key;
    key.update(s.inputs.osm ? checksum_of(*s.inputs.osm) : std::string("-"));
    key.update(s.inputs.dem ? checksum_of(*s.inputs.dem) : std::string("-"));
    key.update(s.inputs.dem_crs);
    key.update(s.study_area.crs_wkt);
    const std::string key_hex = key.finish_hex();
    build_seconds = 0.0;
    if (!network_ || key_hex != network_key_) {
        const StepTimer timer;
        network_ = std::make_unique<MobilityNetwork>(build_scenario_network(s));
        network_key_ = key_hex;
        build_seconds = timer.seconds();
    } else {
        log_info("mobility: street network reused from an earlier run of this batch");
    }
    return *network_;
}

void run_model(ModelKind model, const Scenario& s, const StudyArea& area, ResultsWriter& out,
               const std::string& group, ModelCache* cache) {
    switch (model) {
    case ModelKind::terrain:
        write_terrain_layers(out, group, s, area);
        return;
    case ModelKind::landcover:
        write_landcover_layers(out, group, area);
        out.set_group_attribute(group, "source",
                                "derived from OpenStreetMap (" + s.inputs.osm->filename().string() +
                                    "), " + std::string(osm_attribution));
        out.set_group_attribute(group, "osm_building_footprint_area_m2",
                                std::to_string(area.land_cover->summary.building_footprint_area_m2));
        out.set_group_attribute(group, "osm_buildings",
                                std::to_string(area.land_cover->summary.counts.buildings));
        return;
    case ModelKind::runoff:
        write_runoff_model(out, group, s, area, make_storm(s.models.runoff.storm));
        return;
    case ModelKind::mobility:
        if (cache != nullptr && area.land_cover) {
            double build_seconds = 0.0;
            const MobilityNetwork& network = cache->network(s, area, build_seconds);
            write_mobility_results(out, group, run_mobility(s, area, network, build_seconds));
        } else {
            write_mobility_results(out, group, run_mobility(s, area));
        }
        return;
    case ModelKind::thermal: {
        ModelCache own;
        ModelCache& shared = cache != nullptr ? *cache : own;
        if (s.models.thermal.cold_air_coupling) {
            write_thermal_results(out, group, run_thermal_coupled(s, area, shared),
                                  s.models.thermal, area.mask);
        } else {
            write_thermal_results(out, group, shared.thermal_run(s, area), s.models.thermal,
                                  area.mask);
        }
        return;
    }
    case ModelKind::coldair: {
        ModelCache own;
        const ModelCache::ColdAir& cold_air = (cache != nullptr ? *cache : own).cold_air(s, area);
        write_coldair_results(out, group, cold_air.run, cold_air.surface, s.models.coldair);
        return;
    }
    }
}

std::string input_checksums_text(const StudyArea& area) {
    std::ostringstream checksums;
    for (const InputRecord& input : area.inputs) {
        checksums << input.role << " " << input.path.string() << " sha256:" << input.sha256_hex
                  << "\n";
    }
    return checksums.str();
}

RootAttributes results_root_attributes(const Scenario& s, std::string title) {
    RootAttributes root;
    root.lauter_version = version_string;
    root.git_hash = git_hash;
    root.created_utc = utc_now_iso8601();
    root.title = std::move(title);
    root.attribution = s.inputs.osm ? osm_attribution : "";
    return root;
}

WriteOptions results_write_options(const Scenario& s) {
    WriteOptions options;
    options.deflate_level = s.output.deflate_level;
    options.chunk_rows = static_cast<std::size_t>(s.output.chunk_size);
    options.chunk_cols = static_cast<std::size_t>(s.output.chunk_size);
    return options;
}

void run_scenario(const Scenario& s, const std::filesystem::path& output) {
    // The writer is opened first, so that an unwritable output path fails before any work; if the
    // run fails later, its temporary file is removed and nothing appears under `output`.
    RootAttributes root = results_root_attributes(s, "lauter results: " + s.name);
    root.extra.emplace_back("resolved_scenario", s.resolved_yaml);
    ResultsWriter out(output, root, results_write_options(s));

    // The storms are read first, so that a bad time series fails before any long work.
    if (s.models.runoff.enabled) {
        static_cast<void>(make_storm(s.models.runoff.storm));
        for (const Modification& m : s.modifications) {
            if (m.type == ModificationType::heavy_rain) {
                static_cast<void>(make_storm(m.storm));
            }
        }
    }

    // Measures edit the prepared inputs and the model settings of a copy of the scenario.
    StudyArea area = prepare_study_area(s);
    Scenario modified = s;
    apply_modifications(s.modifications, modified, area);

    const StepTimer timer;
    const std::string checksums = input_checksums_text(area);
    out.set_group_attribute("/", "input_sha256", checksums);
    if (!area.terrain_note.empty()) {
        out.set_group_attribute("/", "terrain", area.terrain_note);
    }
    const std::string group = "/" + s.name;
    out.set_group_attribute(group, "resolved_scenario", s.resolved_yaml);
    out.set_group_attribute(group, "input_sha256", checksums);
    if (!s.modifications.empty()) {
        std::string lines;
        for (const Modification& m : s.modifications) {
            lines += describe(m) + "\n";
        }
        out.set_group_attribute(group, "modifications", lines);
    }
    ModelCache cache;
    for (const ModelKind model : models_to_run(modified, area)) {
        run_model(model, modified, area, out, group + "/" + std::string(model_name(model)),
                  &cache);
    }
    out.commit();
    log_info("wrote " + output.string() + " in " + std::to_string(timer.seconds()) + " s");
}

} // namespace lauter::sim
