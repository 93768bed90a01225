#include <lauter/sim/error.hpp>
#include <lauter/sim/runoff_settings.hpp>

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

namespace lauter::sim {

namespace {

using kernels::LandCover;
using schema::index_of;
using schema::at_path;
using schema::child;
using schema::format_number;
using schema::KeySpec;
using schema::scalar_or_empty;
using schema::to_strings;

constexpr std::array<std::string_view, 4> storm_kind_names = {"preset", "constant", "block", "csv"};
constexpr std::array<std::string_view, 3> loss_method_names = {"none", "green_ampt",
                                                               "curve_number"};
constexpr std::array<std::string_view, 3> building_mode_names = {"obstacle", "roof", "none"};
constexpr std::array<std::string_view, 2> time_step_rule_names = {"depth_only",
                                                                  "depth_and_velocity"};
constexpr std::array<std::string_view, 2> boundary_names = {"closed", "free_outflow"};
constexpr std::array<std::string_view, 2> precision_names = {"float32", "float64"};

std::vector<std::string> preset_names() {
    std::vector<std::string> names;
    for (const auto p : kernels::runoff::all_storm_presets()) {
        names.emplace_back(kernels::runoff::storm_preset_name(p));
    }
    return names;
}

std::vector<std::string> texture_names() {
    std::vector<std::string> names;
    for (const auto t : kernels::runoff::all_soil_textures()) {
        names.emplace_back(kernels::runoff::soil_texture_name(t));
    }
    return names;
}

/// One number key per land-cover class, each with its default and source.
KeySpec per_class_mapping(std::string name, const PerClass& defaults,
                          const std::array<std::string, kernels::land_cover_class_count>& sources,
                          double min, double max, const std::string& unit, std::string help) {
    std::vector<KeySpec> children;
    for (const LandCover c : kernels::all_land_cover_classes) {
        const std::size_t i = kernels::land_cover_index(c);
        KeySpec k = schema::number_key(std::string(kernels::land_cover_name(c)),
                                       std::string(kernels::land_cover_name(c)) + ": " + sources[i]);
        k.with_range(min, max).with_default(format_number(defaults[i]));
        if (!unit.empty()) {
            k.with_unit(unit);
        }
        children.push_back(std::move(k));
    }
    return schema::mapping_key(std::move(name), std::move(children), std::move(help));
}

const std::array<std::string, kernels::land_cover_class_count> manning_sources = {
    "sealed roof (roof mode) or building ground; EA test 8A roads 0.02 (physics.md B2)",
    "EA test 8A roads and pavement 0.02 (Neelz & Pender 2013; physics.md B2)",
    "paved yards and parking as roads, 0.02 (EA test 8A; physics.md B2)",
    "ballast track beds: EA test 8A 'other surfaces' 0.05 (physics.md B2)",
    "gardens, lawns, verges: EA test 8A 'other surfaces' 0.05 (physics.md B2)",
    "Chow (1959) table 5-6, floodplain with a heavy stand of timber, normal value 0.10",
    "Chow (1959) table 5-6, clean straight natural stream, normal value 0.030",
    "Chow (1959) table 5-6, cultivated areas with mature row crops, normal value 0.035",
};

const std::array<std::string, kernels::land_cover_class_count> curve_number_sources = {
    "TR-55 table 2-2a, roofs 98 (physics.md B2)",
    "TR-55 table 2-2a, paved streets with sewers 98 (physics.md B2)",
    "TR-55 table 2-2a, paved parking lots and driveways 98 (physics.md B2)",
    "TR-55 table 2-2a, gravel roads, soil group C 89 (physics.md B2)",
    "TR-55 table 2-2a, open space in good condition, soil group C 74 (physics.md B2)",
    "TR-55 table 2-2c, woods in good condition, soil group C 70",
    "open water: all rain runs off, 100",
    "TR-55 table 2-2b, row crops, straight row, good condition, soil group C 85",
};

std::string check_increasing_thresholds(const YAML::Node& value) {
    const double a = schema::to_number(value[0]);
    const double b = schema::to_number(value[1]);
    const double c = schema::to_number(value[2]);
    if (a < b && b < c) {
        return {};
    }
    return "the thresholds must increase: low < medium < high";
}

std::string check_positive(const YAML::Node& value) {
    if (schema::to_number(value) > 0.0) {
        return {};
    }
    return "the interval must be > 0 s";
}

} // namespace

std::string_view storm_kind_name(StormKind kind) noexcept {
    return storm_kind_names[static_cast<std::size_t>(kind)];
}
std::string_view loss_method_name(LossMethod method) noexcept {
    return loss_method_names[static_cast<std::size_t>(method)];
}
std::string_view building_mode_name(BuildingMode mode) noexcept {
    return building_mode_names[static_cast<std::size_t>(mode)];
}

PerClass default_manning_n() {
    PerClass n{};
    n[kernels::land_cover_index(LandCover::building)] = 0.02;
    n[kernels::land_cover_index(LandCover::road)] = 0.02;
    n[kernels::land_cover_index(LandCover::sealed_other)] = 0.02;
    n[kernels::land_cover_index(LandCover::railway)] = 0.05;
    n[kernels::land_cover_index(LandCover::open_land)] = 0.05;
    n[kernels::land_cover_index(LandCover::trees)] = 0.10;
    n[kernels::land_cover_index(LandCover::water)] = 0.03;
    n[kernels::land_cover_index(LandCover::agriculture)] = 0.035;
    return n;
}

PerClass default_curve_numbers() {
    PerClass cn{};
    cn[kernels::land_cover_index(LandCover::building)] = 98.0;
    cn[kernels::land_cover_index(LandCover::road)] = 98.0;
    cn[kernels::land_cover_index(LandCover::sealed_other)] = 98.0;
    cn[kernels::land_cover_index(LandCover::railway)] = 89.0;
    cn[kernels::land_cover_index(LandCover::open_land)] = 74.0;
    cn[kernels::land_cover_index(LandCover::trees)] = 70.0;
    cn[kernels::land_cover_index(LandCover::water)] = 100.0;
    cn[kernels::land_cover_index(LandCover::agriculture)] = 85.0;
    return cn;
}

schema::KeySpec runoff_model_schema() {
    using namespace schema;
    const RunoffModelSettings d;
    KeySpec storm = mapping_key(
        "storm",
        {
            enum_key("type", to_strings(storm_kind_names),
                     "how the storm is given: a named preset, a constant or block rain, or a CSV "
                     "time series")
                .with_default("preset"),
            enum_key("preset", preset_names(),
                     "design storm of type preset: 1h_40mm (40 mm/h for 1 h) and 1h_100mm "
                     "(100 mm/h for 1 h), the examples of issue 3; ea_test_8a (400 mm/h from 60 to "
                     "240 s, UK EA benchmark 8A)")
                .with_default("1h_40mm"),
            number_key("intensity_mm_per_h", "rain intensity of type constant or block")
                .with_unit("mm/h")
                .with_range(0.0, 2000.0),
            number_key("start_min", "start of the rain of type block")
                .with_unit("min")
                .with_range(0.0, 100000.0)
                .with_default("0"),
            number_key("duration_min", "duration of the rain of type constant or block")
                .with_unit("min")
                .with_range(0.001, 100000.0),
            path_key("csv", "rain time series of type csv: header 'time_min,intensity_mm_per_h', "
                            "one row per change of intensity (the intensity holds until the next "
                            "row), times strictly increasing from >= 0, the last row (intensity "
                            "0) ends the rain")
                .with_extensions({".csv"}),
        },
        "the design storm (rain falls uniformly on the study area)");

    KeySpec losses = mapping_key(
        "losses",
        {
            enum_key("method", to_strings(loss_method_names),
                     "infiltration on the pervious share of each cell: none, Green-Ampt (Green & "
                     "Ampt 1911, Mein & Larson 1973) or incremental SCS curve number (TR-55)")
                .with_default(std::string(loss_method_name(d.losses.method))),
            enum_key("soil_texture", texture_names(),
                     "Rawls et al. (1983) soil texture of the study area (Green-Ampt parameters)")
                .with_default(std::string(kernels::runoff::soil_texture_name(d.losses.soil_texture))),
            number_key("initial_moisture",
                       "initial volumetric moisture theta_i above the residual content; at most "
                       "the texture's effective porosity (0.30: physics.md B5 case 6)")
                .with_range(0.0, 1.0)
                .with_default(format_number(d.losses.initial_moisture)),
            boolean_key("include_ponding_head",
                        "Green-Ampt suction term with the ponding depth, f = K[1 + (psi + h) "
                        "dtheta / F] (physics.md B2)")
                .with_default("true"),
            per_class_mapping("curve_numbers", default_curve_numbers(), curve_number_sources, 1.0,
                              100.0, "",
                              "SCS curve numbers of the pervious share per land-cover class "
                              "(TR-55, USDA SCS 1986; hydrologic soil group C)"),
            number_key("initial_abstraction_ratio",
                       "lambda of Ia = lambda S: 0.2 classically (TR-55), about 0.05 for urban "
                       "catchments (physics.md B2)")
                .with_range(0.0, 1.0)
                .with_default(format_number(d.losses.initial_abstraction_ratio)),
            number_key("update_interval_s",
                       "losses (infiltration and sewer inflow) are evaluated once per interval, "
                       "integrated exactly over it, and held for the solver steps in it; 15 s: "
                       "itzi's infiltration step for EA test 8A (physics.md B1). An interval "
                       "not longer than the solver's step evaluates them every step")
                .with_unit("s")
                .with_range(0.0, 3600.0)
                .with_check("> 0", check_positive)
                .with_default(format_number(d.losses.update_interval_s)),
        },
        "infiltration losses (sealed surfaces infiltrate nothing)");

    KeySpec buildings = mapping_key(
        "buildings",
        {
            enum_key("mode", to_strings(building_mode_names),
                     "obstacle: building cells raised so water flows around them; roof: "
                     "obstacles whose rain drains to the ground next to the building; none: "
                     "buildings are sealed ground")
                .with_default(std::string(building_mode_name(d.buildings))),
            number_key("obstacle_height_m",
                       "height added to building cells in the hydraulic terrain (far above any "
                       "flood depth)")
                .with_unit("m")
                .with_range(0.1, 1000.0)
                .with_default(format_number(d.obstacle_height_m)),
        },
        "buildings in the hydraulic model (building cells: building fraction >= 0.5)");

    KeySpec solver = mapping_key(
        "solver",
        {
            number_key("cfl", "Courant number of the adaptive time step (Bates et al. 2010: 0.2 "
                              "to 0.7; 0.5 as itzi for EA test 8A, a margin below the 2D "
                              "stability bound 0.707, see docs/hydrology.md)")
                .with_range(0.01, 1.0)
                .with_default(format_number(d.cfl)),
            number_key("theta", "de Almeida et al. (2012) flux weighting; 1 = Bates et al. "
                                "(2010), the LISFLOOD-FP default")
                .with_range(0.01, 1.0)
                .with_default(format_number(d.theta)),
            number_key("dt_max_s", "largest time step (LISFLOOD-FP InitTstep 10 s)")
                .with_unit("s")
                .with_range(0.001, 3600.0)
                .with_default(format_number(d.dt_max_s)),
            number_key("depth_threshold_m", "no flow through a face shallower than this "
                                            "(LISFLOOD-FP DepthThresh 1e-3 m)")
                .with_unit("m")
                .with_range(0.0, 1.0)
                .with_default(format_number(d.depth_threshold_m)),
            enum_key("time_step_rule", to_strings(time_step_rule_names),
                     "depth_only: Bates et al. (2010) eq. 12 as LISFLOOD-FP; "
                     "depth_and_velocity: adds the flow velocity (safe on steep terrain, issue 3)")
                .with_default("depth_and_velocity"),
            enum_key("boundary", to_strings(boundary_names),
                     "study-area edges and no-data holes: free outflow (water leaves) or closed")
                .with_default("free_outflow"),
            enum_key("precision", to_strings(precision_names),
                     "storage type of depths and fluxes (computed in double either way); float32 "
                     "halves memory traffic, float64 closes the balance to round-off")
                .with_default("float64"),
        },
        "local-inertial solver options (Bates et al. 2010; defaults of LISFLOOD-FP)");

    KeySpec output = mapping_key(
        "output",
        {
            boolean_key("end_depth", "write the depth at the end of the run").with_default("true"),
            boolean_key("buildings_affected",
                        "write the table of buildings whose edge sees water (needs OSM buildings)")
                .with_default("true"),
            number_list_key("building_depth_thresholds_m", {"low", "medium", "high"},
                            "maximum edge depths that count a building as affected (issue 3)")
                .with_unit("m")
                .with_range(0.0, 100.0)
                .with_default("[0.1, 0.3, 0.5]")
                .with_check("low < medium < high", check_increasing_thresholds),
        },
        "which runoff results are written");

    return mapping_key(
        "runoff",
        {
            boolean_key("enabled", "run the heavy-rain runoff model (needs inputs.dem)")
                .with_default("false"),
            std::move(storm),
            number_key("drainage_time_min",
                       "simulated time after the end of the rain (issue 3: 1 h of drainage)")
                .with_unit("min")
                .with_range(0.0, 100000.0)
                .with_default(format_number(d.drainage_time_min)),
            std::move(losses),
            number_key("sewer_capacity_mm_per_h",
                       "sewer inlet capacity per unit sealed area; 0: no sewer (sewers assumed "
                       "full, the usual assumption of heavy-rain hazard maps)")
                .with_unit("mm/h")
                .with_range(0.0, 1000.0)
                .with_default(format_number(d.sewer_capacity_mm_per_h)),
            per_class_mapping("manning_n", default_manning_n(), manning_sources, 0.001, 1.0,
                              "s m-1/3",
                              "Manning's n per land-cover class (the dominant class of each "
                              "cell); if given, every class must be listed"),
            std::move(buildings),
            std::move(solver),
            number_key("balance_interval_s", "interval of the volume-balance samples")
                .with_unit("s")
                .with_range(1.0, 86400.0)
                .with_default(format_number(d.balance_interval_s)),
            std::move(output),
        },
        "heavy-rain runoff: 2D local-inertial shallow water with rain and infiltration "
        "(issue 3)");
}

void check_storm_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics,
                      const YAML::Node& storm, const std::string& storm_path) {
    const std::string type = scalar_or_empty(child(storm, "type"));
    const auto needs = [&](const char* key) {
        const std::string path = storm_path + "." + key;
        if (!result.is_given(path)) {
            diagnostics.add(result.location_of(storm_path + ".type"),
                            storm_path + ".type: a storm of type " + type + " needs " + path +
                                "; add it");
        }
    };
    const auto unused = [&](const char* key, const char* used_by) {
        const std::string path = storm_path + "." + key;
        if (result.is_given(path)) {
            diagnostics.add(result.location_of(path),
                            path + ": is only used by a storm of type " + used_by +
                                ", but storm.type is " + type + "; remove it or change the type");
        }
    };
    if (type == "constant" || type == "block") {
        needs("intensity_mm_per_h");
        needs("duration_min");
    } else {
        unused("intensity_mm_per_h", "constant or block");
        unused("duration_min", "constant or block");
    }
    if (type == "csv") {
        needs("csv");
    } else {
        unused("csv", "csv");
    }
}

void check_runoff_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics) {
    const YAML::Node runoff = at_path(result.resolved, {"models", "runoff"});
    if (scalar_or_empty(child(runoff, "enabled")) != "true") {
        return;
    }
    const std::string prefix = "models.runoff.";
    if (!result.is_given("inputs.dem")) {
        diagnostics.add(result.location_of(prefix + "enabled"),
                        "models.runoff.enabled: the runoff model needs a terrain model, but "
                        "inputs.dem is not set; set inputs.dem to a DEM raster or "
                        "models.runoff.enabled: false");
    }

    check_storm_keys(result, diagnostics, child(runoff, "storm"), prefix + "storm");

    // A Manning table that is given must list every class.
    for (const char* table : {"manning_n", "losses.curve_numbers"}) {
        const std::string table_path = prefix + table;
        if (!result.is_given(table_path)) {
            continue;
        }
        std::vector<std::string> missing;
        for (const LandCover c : kernels::all_land_cover_classes) {
            if (!result.is_given(table_path + "." + std::string(kernels::land_cover_name(c)))) {
                missing.emplace_back(kernels::land_cover_name(c));
            }
        }
        if (!missing.empty()) {
            std::string list;
            for (const std::string& m : missing) {
                list += (list.empty() ? "" : ", ") + m;
            }
            diagnostics.add(result.location_of(table_path),
                            table_path + ": the table lacks the land-cover class" +
                                (missing.size() > 1 ? "es " : " ") + list +
                                "; give a value for every class (building, road, sealed_other, "
                                "railway, open_land, trees, water, agriculture)");
        }
    }

    // Initial moisture within the texture's effective porosity.
    if (scalar_or_empty(at_path(runoff, {"losses", "method"})) == "green_ampt") {
        const std::string texture_name = scalar_or_empty(at_path(runoff, {"losses", "soil_texture"}));
        const YAML::Node moisture = at_path(runoff, {"losses", "initial_moisture"});
        for (const auto t : kernels::runoff::all_soil_textures()) {
            if (kernels::runoff::soil_texture_name(t) != texture_name || !moisture.IsScalar()) {
                continue;
            }
            const double theta_e = kernels::runoff::rawls_1983_soil(t).effective_porosity;
            if (schema::to_number(moisture) > theta_e) {
                diagnostics.add(result.location_of(prefix + "losses.initial_moisture"),
                                prefix + "losses.initial_moisture: " + moisture.Scalar() +
                                    " exceeds the effective porosity of " + texture_name + " (" +
                                    format_number(theta_e) +
                                    ", Rawls et al. 1983); give a value between 0 and " +
                                    format_number(theta_e));
            }
        }
    }
}

StormSettings storm_settings_from(const YAML::Node& storm_node) {
    StormSettings storm;
    const auto text = [&storm_node](const char* key) {
        return scalar_or_empty(child(storm_node, key));
    };
    storm.kind = static_cast<StormKind>(index_of(storm_kind_names, text("type")));
    if (const auto preset = kernels::runoff::storm_preset_from_name(text("preset"))) {
        storm.preset = *preset;
    }
    if (const YAML::Node v = child(storm_node, "intensity_mm_per_h"); v.IsScalar()) {
        storm.intensity_mm_per_h = schema::to_number(v);
    }
    storm.start_min = schema::to_number(child(storm_node, "start_min"));
    if (const YAML::Node v = child(storm_node, "duration_min"); v.IsScalar()) {
        storm.duration_min = schema::to_number(v);
    }
    if (const YAML::Node v = child(storm_node, "csv"); v.IsScalar()) {
        storm.csv = std::filesystem::path(v.Scalar());
    }
    return storm;
}

RunoffModelSettings runoff_settings_from(const YAML::Node& r) {
    RunoffModelSettings s;
    const auto number = [&r](std::initializer_list<const char*> path) {
        return schema::to_number(at_path(r, path));
    };
    const auto boolean = [&r](std::initializer_list<const char*> path) {
        return schema::to_boolean(at_path(r, path));
    };
    const auto text = [&r](std::initializer_list<const char*> path) {
        return scalar_or_empty(at_path(r, path));
    };
    s.enabled = boolean({"enabled"});

    s.storm = storm_settings_from(child(r, "storm"));
    s.drainage_time_min = number({"drainage_time_min"});

    LossSettings& losses = s.losses;
    losses.method = static_cast<LossMethod>(index_of(loss_method_names, text({"losses", "method"})));
    const std::string texture = text({"losses", "soil_texture"});
    for (const auto t : kernels::runoff::all_soil_textures()) {
        if (kernels::runoff::soil_texture_name(t) == texture) {
            losses.soil_texture = t;
        }
    }
    losses.initial_moisture = number({"losses", "initial_moisture"});
    losses.include_ponding_head = boolean({"losses", "include_ponding_head"});
    losses.initial_abstraction_ratio = number({"losses", "initial_abstraction_ratio"});
    losses.update_interval_s = number({"losses", "update_interval_s"});
    s.sewer_capacity_mm_per_h = number({"sewer_capacity_mm_per_h"});
    for (const LandCover c : kernels::all_land_cover_classes) {
        const std::string name(kernels::land_cover_name(c));
        const std::size_t i = kernels::land_cover_index(c);
        losses.curve_numbers[i] =
            schema::to_number(child(at_path(r, {"losses", "curve_numbers"}), name));
        s.manning_n[i] = schema::to_number(child(at_path(r, {"manning_n"}), name));
    }

    s.buildings =
        static_cast<BuildingMode>(index_of(building_mode_names, text({"buildings", "mode"})));
    s.obstacle_height_m = number({"buildings", "obstacle_height_m"});

    s.cfl = number({"solver", "cfl"});
    s.theta = number({"solver", "theta"});
    s.dt_max_s = number({"solver", "dt_max_s"});
    s.depth_threshold_m = number({"solver", "depth_threshold_m"});
    s.time_step_rule = static_cast<kernels::shallow::TimeStepRule>(
        index_of(time_step_rule_names, text({"solver", "time_step_rule"})));
    s.boundary = static_cast<kernels::shallow::OuterFace>(
        index_of(boundary_names, text({"solver", "boundary"})));
    s.precision =
        static_cast<StatePrecision>(index_of(precision_names, text({"solver", "precision"})));
    s.balance_interval_s = number({"balance_interval_s"});

    s.write_end_depth = boolean({"output", "end_depth"});
    s.write_buildings_affected = boolean({"output", "buildings_affected"});
    const YAML::Node thresholds = at_path(r, {"output", "building_depth_thresholds_m"});
    for (std::size_t i = 0; i < 3; ++i) {
        s.building_depth_thresholds_m[i] = schema::to_number(thresholds[i]);
    }
    return s;
}

} // namespace lauter::sim
