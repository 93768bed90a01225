#include <lauter/sim/error.hpp>
#include <lauter/sim/scenario.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace lauter::sim {

namespace {

using schema::index_of;
using schema::KeySpec;
using schema::to_strings;

constexpr std::array<std::string_view, 3> extent_source_names = {"osm", "dem", "boundary"};
/// The resampling methods offered for the DEM (mode is for categorical rasters only).
constexpr std::array<Resampling, 5> dem_resamplings = {Resampling::nearest, Resampling::bilinear,
                                                       Resampling::cubic, Resampling::cubic_spline,
                                                       Resampling::average};
constexpr std::array<std::string_view, 2> dem_kind_names = {"measured", "illustrative"};


std::vector<std::string> dem_resampling_names() {
    std::vector<std::string> names;
    for (const Resampling r : dem_resamplings) {
        names.emplace_back(resampling_name(r));
    }
    return names;
}

std::string format_number(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

std::string check_name(const YAML::Node& value) {
    const std::string& name = value.Scalar();
    const bool valid =
        !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
        });
    if (valid) {
        return {};
    }
    return "'" + name +
           "' is not a valid scenario name; use 1 to 64 letters, digits, '_' or '-' "
           "(the name becomes the group name in the results file)";
}

std::string check_extent(const YAML::Node& value) {
    const double x_min = schema::to_number(value[0]);
    const double y_min = schema::to_number(value[1]);
    const double x_max = schema::to_number(value[2]);
    const double y_max = schema::to_number(value[3]);
    std::string problem;
    if (!(x_min < x_max)) {
        problem = "xmin (" + format_number(x_min) + ") must be less than xmax (" +
                  format_number(x_max) + ")";
    }
    if (!(y_min < y_max)) {
        problem += (problem.empty() ? "" : " and ") + std::string("ymin (") + format_number(y_min) +
                   ") must be less than ymax (" + format_number(y_max) + ")";
    }
    if (!problem.empty()) {
        problem += "; the extent is [xmin, ymin, xmax, ymax]";
    }
    return problem;
}

std::string check_projected_metres(const YAML::Node& value) {
    std::string gdal_message;
    const auto crs = schema::parse_crs(value.Scalar(), gdal_message);
    if (!crs) {
        return "'" + value.Scalar() + "' is not a CRS that GDAL understands";
    }
    const std::string suggestion = "use a projected CRS in metres, e.g. EPSG:25832 "
                                   "(ETRS89 / UTM zone 32N, the official CRS in Germany)";
    const std::string described = "'" + value.Scalar() + "' (" + crs->name + ")";
    if (crs->is_geographic) {
        return described + " is a geographic CRS with coordinates in degrees; " + suggestion;
    }
    if (!crs->is_projected) {
        return described + " is not a projected CRS; " + suggestion;
    }
    if (std::abs(crs->linear_unit_m - 1.0) > 1e-12) {
        return described + " has the linear unit '" + crs->linear_unit_name + "', not metres; " +
               suggestion;
    }
    return {};
}

KeySpec build_schema() {
    using namespace schema;
    std::vector<std::string> unmapped_classes;
    for (const kernels::LandCover c : kernels::all_land_cover_classes) {
        if (c != kernels::LandCover::building) {
            unmapped_classes.emplace_back(kernels::land_cover_name(c));
        }
    }

    KeySpec study_area = mapping_key(
        "study_area",
        {
            crs_key("crs", "coordinate reference system of the study grid; any CRS GDAL "
                           "understands that is projected with metre units")
                .make_required()
                .with_check("projected, metre units", check_projected_metres),
            number_list_key("extent", {"xmin", "ymin", "xmax", "ymax"},
                            "extent of the study grid in the study CRS")
                .with_unit("m")
                .with_check("xmin < xmax and ymin < ymax", check_extent),
            enum_key("extent_from", to_strings(extent_source_names),
                     "take the extent from the bounds of inputs.osm, inputs.dem or "
                     "study_area.boundary"),
            path_key("boundary", "vector file with the outline of the study area; cells "
                                 "outside it get no data")
                .with_extensions({".poly", ".gpkg", ".geojson", ".json", ".shp"}),
            crs_key("boundary_crs", "CRS assumed when the boundary file has none (empty: none "
                                    "assumed; .poly files are always WGS 84 lon/lat)")
                .with_default("\"\""),
            number_key("resolution_m", "cell size of the study grid")
                .with_unit("m")
                .with_range(0.5, 1000.0)
                .with_default("10"),
        },
        "the study grid: CRS, extent and resolution");
    study_area.make_required().with_exactly_one_of({"extent", "extent_from"});

    KeySpec inputs = mapping_key(
        "inputs",
        {
            path_key("osm", "OpenStreetMap extract; required when the land-cover model runs")
                .with_extensions({".osm", ".osm.gz", ".osm.bz2", ".pbf"}),
            path_key("dem", "digital elevation model, any GDAL raster; required when the "
                            "terrain model runs"),
            crs_key("dem_crs", "CRS assumed when the DEM file has none (empty: none assumed)")
                .with_default("\"\""),
            enum_key("dem_resampling", dem_resampling_names(),
                     "resampling of the DEM onto the study grid (GDAL's algorithms)")
                .with_default("bilinear"),
            enum_key("dem_kind", to_strings(dem_kind_names),
                     "labels the results: 'illustrative' marks terrain that is a stand-in, "
                     "not a measurement")
                .with_default("measured"),
        },
        "input files; relative paths are resolved against the scenario file's directory");

    const OsmLandCoverParams landcover_defaults;
    KeySpec landcover = mapping_key(
        "landcover",
        {
            integer_key("subcell_samples",
                        "sub-samples per cell edge for area coverage (5 gives 25 samples, "
                        "fractions in 4 % steps)")
                .with_range(1.0, 16.0)
                .with_default(std::to_string(landcover_defaults.subcell_samples)),
            number_key("storey_height_m", "height per storey for OSM building:levels")
                .with_unit("m")
                .with_range(2.0, 6.0)
                .with_default(format_number(landcover_defaults.storey_height_m)),
            number_key("default_building_height_m",
                       "height of buildings without height or building:levels tags")
                .with_unit("m")
                .with_range(2.0, 300.0)
                .with_default(format_number(landcover_defaults.default_building_height_m)),
            number_key("tree_crown_radius_m", "crown radius of single mapped trees")
                .with_unit("m")
                .with_range(0.5, 20.0)
                .with_default(format_number(landcover_defaults.tree_crown_radius_m)),
            enum_key("unmapped_class", unmapped_classes,
                     "land-cover class of cells that no OSM feature covers")
                .with_default(std::string(kernels::land_cover_name(landcover_defaults.unmapped_class))),
            enum_key("commercial_ground_class", unmapped_classes,
                     "land-cover class of ground inside landuse=commercial, industrial or retail "
                     "that no other OSM feature covers")
                .with_default(std::string(
                    kernels::land_cover_name(landcover_defaults.commercial_ground_class))),
        },
        "rasterisation of OpenStreetMap features into land cover");

    KeySpec models = mapping_key(
        "models",
        {
            mapping_key("terrain",
                        {
                            boolean_key("enabled", "compute slope, aspect and hillshade")
                                .with_default("true"),
                            number_key("hillshade_azimuth_deg",
                                       "direction the light comes from, clockwise from north")
                                .with_unit("deg")
                                .with_range(0.0, 360.0)
                                .with_default("315"),
                            number_key("hillshade_altitude_deg", "sun elevation above the horizon")
                                .with_unit("deg")
                                .with_range(0.0, 90.0)
                                .with_default("45"),
                        },
                        "terrain model (Horn 1981 slope and hillshade); needs inputs.dem"),
            mapping_key("landcover",
                        {
                            boolean_key("enabled", "rasterise land cover from OpenStreetMap")
                                .with_default("true"),
                        },
                        "land-cover model; needs inputs.osm"),
            runoff_model_schema(),
            mobility_model_schema(),
            thermal_model_schema(),
            coldair_model_schema(),
        },
        "which models run, and their settings");

    KeySpec output =
        mapping_key("output",
                    {
                        integer_key("deflate_level", "gzip compression level of the HDF5 datasets")
                            .with_range(0.0, 9.0)
                            .with_default("4"),
                        integer_key("chunk_size", "HDF5 chunk edge (cells per chunk edge)")
                            .with_range(16.0, 4096.0)
                            .with_default("256"),
                    },
                    "results file settings");

    return mapping_key(
        "",
        {
            string_key("name", "name of the scenario; becomes the group name in the results file")
                .make_required()
                .with_check("1 to 64 of A-Z, a-z, 0-9, '_', '-'", check_name),
            string_key("description", "free text describing the scenario").with_default("\"\""),
            std::move(study_area),
            std::move(inputs),
            std::move(landcover),
            std::move(models),
            modifications_schema(),
            std::move(output),
        },
        "lauter scenario");
}

/// Node at a key path of the resolved tree, or an undefined-safe null node.
YAML::Node lookup(const YAML::Node& root, std::initializer_list<const char*> path) {
    YAML::Node current;
    current.reset(root);
    for (const char* key : path) {
        if (!current.IsMap()) {
            return YAML::Node(YAML::NodeType::Null);
        }
        YAML::Node next;
        bool found = false;
        for (const auto& entry : current) {
            if (entry.first.Scalar() == key) {
                next.reset(entry.second);
                found = true;
                break;
            }
        }
        if (!found) {
            return YAML::Node(YAML::NodeType::Null);
        }
        current.reset(next);
    }
    return current;
}

/// A land-cover class named under `landcover`; the schema has restricted it to class names.
kernels::LandCover land_cover_class_at(const YAML::Node& resolved, const char* key) {
    const std::string name = lookup(resolved, {"landcover", key}).Scalar();
    const auto cls = kernels::land_cover_from_name(name);
    if (!cls) {
        throw ConfigError("internal: land-cover class '" + name + "' passed validation");
    }
    return *cls;
}

std::string scalar_or_empty(const YAML::Node& node) {
    return node.IsScalar() ? node.Scalar() : std::string();
}

/// Rules that involve more than one key.
void check_cross_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics) {
    const YAML::Node& root = result.resolved;
    const std::string extent_from = scalar_or_empty(lookup(root, {"study_area", "extent_from"}));
    struct Need {
        const char* source;
        const char* key_path;
    };
    for (const Need need : {Need{"osm", "inputs.osm"}, Need{"dem", "inputs.dem"},
                            Need{"boundary", "study_area.boundary"}}) {
        if (extent_from == need.source && !result.is_given(need.key_path)) {
            diagnostics.add(result.location_of("study_area.extent_from"),
                            "study_area.extent_from: '" + extent_from +
                                "' takes the study area from " + need.key_path +
                                ", which is not set; set " + need.key_path +
                                " or give study_area.extent instead");
        }
    }
    struct ModelNeed {
        const char* model;
        const char* what;
        const char* input;
    };
    for (const ModelNeed need : {ModelNeed{"terrain", "the terrain model", "inputs.dem"},
                                 ModelNeed{"landcover", "the land-cover model", "inputs.osm"}}) {
        const std::string key_path = std::string("models.") + need.model + ".enabled";
        if (scalar_or_empty(lookup(root, {"models", need.model, "enabled"})) == "true" &&
            !result.is_given(need.input)) {
            diagnostics.add(result.location_of(key_path),
                            key_path + ": " + need.what + " is enabled" +
                                (result.is_given(key_path) ? "" : " (the default)") +
                                " but needs " + need.input + ", which is not set; set " +
                                need.input + " or " + key_path + ": false");
        }
    }
    check_runoff_keys(result, diagnostics);
    check_mobility_keys(result, diagnostics);
    check_thermal_keys(result, diagnostics);
    check_modification_keys(result, diagnostics);
    check_coldair_keys(result, diagnostics);
}

std::optional<std::filesystem::path> optional_path(const YAML::Node& node) {
    if (!node.IsScalar()) {
        return std::nullopt;
    }
    return std::filesystem::path(node.Scalar());
}

/// Typed scenario from a resolved tree without errors.
Scenario to_scenario(const YAML::Node& r) {
    Scenario s;
    s.name = lookup(r, {"name"}).Scalar();
    s.description = scalar_or_empty(lookup(r, {"description"}));

    StudyAreaSettings& area = s.study_area;
    area.crs = lookup(r, {"study_area", "crs"}).Scalar();
    std::string gdal_message;
    if (const auto crs = schema::parse_crs(area.crs, gdal_message)) {
        area.crs_wkt = crs->wkt;
    }
    if (const YAML::Node extent = lookup(r, {"study_area", "extent"}); extent.IsSequence()) {
        area.extent = Extent{schema::to_number(extent[0]), schema::to_number(extent[1]),
                             schema::to_number(extent[2]), schema::to_number(extent[3])};
    }
    if (const YAML::Node from = lookup(r, {"study_area", "extent_from"}); from.IsScalar()) {
        area.extent_from = static_cast<ExtentSource>(index_of(extent_source_names, from.Scalar()));
    }
    area.boundary = optional_path(lookup(r, {"study_area", "boundary"}));
    area.boundary_crs = scalar_or_empty(lookup(r, {"study_area", "boundary_crs"}));
    area.resolution_m = schema::to_number(lookup(r, {"study_area", "resolution_m"}));

    InputSettings& in = s.inputs;
    in.osm = optional_path(lookup(r, {"inputs", "osm"}));
    in.dem = optional_path(lookup(r, {"inputs", "dem"}));
    in.dem_crs = scalar_or_empty(lookup(r, {"inputs", "dem_crs"}));
    in.dem_resampling = *resampling_from_name(lookup(r, {"inputs", "dem_resampling"}).Scalar());
    in.dem_kind =
        static_cast<DemKind>(index_of(dem_kind_names, lookup(r, {"inputs", "dem_kind"}).Scalar()));

    OsmLandCoverParams& lc = s.landcover;
    lc.subcell_samples =
        static_cast<std::size_t>(schema::to_number(lookup(r, {"landcover", "subcell_samples"})));
    lc.storey_height_m = schema::to_number(lookup(r, {"landcover", "storey_height_m"}));
    lc.default_building_height_m =
        schema::to_number(lookup(r, {"landcover", "default_building_height_m"}));
    lc.tree_crown_radius_m = schema::to_number(lookup(r, {"landcover", "tree_crown_radius_m"}));
    lc.unmapped_class = land_cover_class_at(r, "unmapped_class");
    lc.commercial_ground_class = land_cover_class_at(r, "commercial_ground_class");

    TerrainModelSettings& terrain = s.models.terrain;
    terrain.enabled = schema::to_boolean(lookup(r, {"models", "terrain", "enabled"}));
    terrain.hillshade_azimuth_deg =
        schema::to_number(lookup(r, {"models", "terrain", "hillshade_azimuth_deg"}));
    terrain.hillshade_altitude_deg =
        schema::to_number(lookup(r, {"models", "terrain", "hillshade_altitude_deg"}));
    s.models.landcover.enabled = schema::to_boolean(lookup(r, {"models", "landcover", "enabled"}));
    s.models.runoff = runoff_settings_from(lookup(r, {"models", "runoff"}));
    s.models.mobility = mobility_settings_from(lookup(r, {"models", "mobility"}));
    s.models.thermal = thermal_settings_from(lookup(r, {"models", "thermal"}));
    s.modifications = modifications_from(lookup(r, {"modifications"}));
    s.models.coldair = coldair_settings_from(lookup(r, {"models", "coldair"}));

    s.output.deflate_level =
        static_cast<int>(schema::to_number(lookup(r, {"output", "deflate_level"})));
    s.output.chunk_size = static_cast<int>(schema::to_number(lookup(r, {"output", "chunk_size"})));
    return s;
}

} // namespace

std::string_view extent_source_name(ExtentSource source) noexcept {
    return extent_source_names[static_cast<std::size_t>(source)];
}
std::string_view dem_kind_name(DemKind kind) noexcept {
    return dem_kind_names[static_cast<std::size_t>(kind)];
}

bool Scenario::same_settings(const Scenario& other) const {
    return name == other.name && description == other.description &&
           study_area == other.study_area && inputs == other.inputs &&
           landcover == other.landcover && models == other.models &&
           modifications == other.modifications && output == other.output &&
           resolved_yaml == other.resolved_yaml;
}

const schema::KeySpec& scenario_schema() {
    static const schema::KeySpec root = build_schema();
    return root;
}

std::string schema_markdown() {
    return schema::render_markdown(
        scenario_schema(), "Scenario file reference (schema v1)",
        "A lauter scenario is a YAML file. Every key is listed below with its type, default and "
        "allowed values; unknown keys, wrong types and out-of-range values are errors, reported "
        "with file, line and column before any work starts. Relative paths are resolved against "
        "the directory of the scenario file (against the working directory for `--set` "
        "options). This file is generated from the schema in `sim/src/scenario.cpp` by "
        "`lauter::sim::schema_markdown()`; do not edit it by hand.",
        {
            "`study_area.extent_from: osm` needs `inputs.osm`; `dem` needs `inputs.dem`; "
            "`boundary` needs `study_area.boundary`.",
            "`models.terrain.enabled: true` (the default) needs `inputs.dem`.",
            "`models.landcover.enabled: true` (the default) needs `inputs.osm`.",
            "`models.runoff.enabled: true` needs `inputs.dem`; without the land-cover model every "
            "cell counts as `landcover.unmapped_class` with no sealing.",
            "`models.runoff.storm.type`: `preset` uses `storm.preset`; `constant` needs "
            "`intensity_mm_per_h` and `duration_min`; `block` needs them and uses `start_min`; "
            "`csv` needs `storm.csv`. `intensity_mm_per_h`, `duration_min` and `csv` given for "
            "another type are errors.",
            "`models.runoff.manning_n` and `models.runoff.losses.curve_numbers`, when given, must "
            "list every land-cover class.",
            "`models.runoff.losses.initial_moisture` must not exceed the effective porosity of "
            "`losses.soil_texture` (Rawls et al. 1983) when the method is `green_ampt`.",
            "`models.coldair.enabled: true` needs `inputs.dem` and the land-cover model; "
            "`models.coldair.output_times_h` must not exceed `duration_h`; "
            "`models.coldair.resolution_m` must be at least `study_area.resolution_m`; "
            "`models.coldair.production` and `drag.roughness_length_m`, when given, must list "
            "every land-cover class.",
            "`study_area.crs` must be a projected CRS with metre units.",
            "`modifications`: every geometry mapping (`area`, `trees`, `along`) needs exactly one "
            "of `wkt` and `file`; unseal, green_roofs, plant_trees, new_development and keep_free "
            "need `models.landcover.enabled: true`, bike_lanes, traffic_calming, bus_headway and "
            "ebike_ownership `models.mobility.enabled: true`, heavy_rain the runoff model and "
            "hot_day the thermal model; bike_lanes needs `way_ids`, `along` or both; "
            "ebike_ownership takes `area` or `zones`, not both. Measures: docs/measures.md.",
            "Optional keys without a default may be left out or set to `null` (`~`); the "
            "resolved scenario lists them as `~`.",
        });
}

Scenario load_scenario(const schema::Document& doc) {
    schema::ValidationResult result = schema::validate(scenario_schema(), doc);
    check_cross_keys(result, result.diagnostics);
    result.diagnostics.throw_if_any();
    Scenario scenario = to_scenario(result.resolved);
    scenario.resolved_yaml = schema::emit_yaml(
        result.resolved, "lauter scenario (schema v" + std::to_string(scenario_schema_version) +
                             "), resolved: every key, defaults filled, paths absolute");
    return scenario;
}

Scenario load_scenario(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides) {
    schema::Document doc = schema::read_document(file);
    for (const std::string& assignment : overrides) {
        schema::apply_override(doc, assignment);
    }
    Scenario scenario = load_scenario(doc);
    scenario.source_file = file;
    return scenario;
}

} // namespace lauter::sim
