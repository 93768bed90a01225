#include <lauter/sim/coldair_settings.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace lauter::sim {

namespace {

using kernels::LandCover;
using schema::at_path;
using schema::child;
using schema::format_number;
using schema::KeySpec;
using schema::scalar_or_empty;

constexpr std::array<std::string_view, 2> mode_names = {"layer", "screening"};
constexpr std::array<std::string_view, 3> settlement_cells_names = {"auto", "sealed",
                                                                    "thermal_load"};

const std::array<std::string, kernels::land_cover_class_count> production_sources = {
    "built-up produces none [KALM] (physics.md A1)",
    "sealed ground produces none [KALM] (physics.md A1)",
    "sealed ground produces none [KALM] (physics.md A1)",
    "track beds treated as sealed ground; no published rate (docs/coldair.md)",
    "open land about 10 [KALM] (physics.md A1, table E row 15)",
    "forest 1, the value DWD uses [KALM] (physics.md A1)",
    "open water stays warm at night; no published rate (docs/coldair.md)",
    "unsealed farmland with low vegetation is open land, 10 [KALM]",
};

const std::array<std::string, kernels::land_cover_class_count> roughness_sources = {
    "Davenport-Wieringa 'closed' 1 m (roughness.hpp)",
    "Davenport-Wieringa 'smooth' 0.005 m",
    "Davenport-Wieringa 'smooth' 0.005 m",
    "Davenport-Wieringa 'open' 0.03 m",
    "Davenport-Wieringa 'open' 0.03 m",
    "Davenport-Wieringa 'closed' 1 m",
    "Davenport-Wieringa 'sea' 0.0002 m",
    "Davenport-Wieringa 'roughly open' 0.1 m",
};

KeySpec per_class(std::string name, const ColdAirPerClass& defaults,
                  const std::array<std::string, kernels::land_cover_class_count>& sources,
                  double min, double max, const std::string& unit, std::string help) {
    std::vector<KeySpec> children;
    for (const LandCover c : kernels::all_land_cover_classes) {
        const std::size_t i = kernels::land_cover_index(c);
        const std::string class_name(kernels::land_cover_name(c));
        KeySpec k = schema::number_key(class_name, class_name + ": " + sources[i]);
        k.with_range(min, max).with_default(format_number(defaults[i])).with_unit(unit);
        children.push_back(std::move(k));
    }
    return schema::mapping_key(std::move(name), std::move(children), std::move(help));
}

std::string check_ascending(const YAML::Node& value) {
    for (std::size_t i = 1; i < value.size(); ++i) {
        if (!(schema::to_number(value[i - 1]) < schema::to_number(value[i]))) {
            return "the output times must increase";
        }
    }
    return {};
}

std::string check_increasing_breaks(const YAML::Node& value) {
    if (schema::to_number(value[0]) < schema::to_number(value[1]) &&
        schema::to_number(value[1]) < schema::to_number(value[2])) {
        return {};
    }
    return "the breaks must increase: b1 < b2 < b3";
}

std::string number_list_text(const std::vector<double>& values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            text.append(", ");
        }
        text.append(format_number(values[i]));
    }
    text.append("]");
    return text;
}

} // namespace

std::string_view coldair_mode_name(ColdAirMode mode) noexcept {
    return mode_names[static_cast<std::size_t>(mode)];
}

std::string_view coldair_settlement_cells_name(ColdAirSettlementCells c) noexcept {
    return settlement_cells_names[static_cast<std::size_t>(c)];
}

ColdAirSettlementCells effective_settlement_cells(ColdAirSettlementCells cells,
                                                  bool thermal_enabled) noexcept {
    if (cells != ColdAirSettlementCells::automatic) {
        return cells;
    }
    return thermal_enabled ? ColdAirSettlementCells::thermal_load : ColdAirSettlementCells::sealed;
}

std::string coldair_time_label(double hours) {
    std::string text = format_number(hours);
    for (char& ch : text) {
        if (ch == '.') {
            ch = 'p';
        }
    }
    return text;
}

schema::KeySpec coldair_model_schema() {
    using namespace schema;
    const ColdAirModelSettings d;
    const auto& b = d.corridors.flux_breaks_m2_per_s;
    const auto& sb = d.flow_speed.speed_breaks_m_per_s;
    return mapping_key(
        "coldair",
        {
            boolean_key("enabled", "run the cold-air model (needs inputs.dem and the land-cover "
                                   "model)")
                .with_default("false"),
            enum_key("mode", to_strings(mode_names),
                     "layer: the shallow cold-air layer (KLAM_21-like); screening: the kinematic "
                     "scheme of SAGA's Cold Air Flow")
                .with_default("layer"),
            number_key("duration_h", "run time from sunset (8 h: consultants' reporting time, "
                                     "physics.md A1)")
                .with_unit("h")
                .with_range(0.01, 24.0)
                .with_default(format_number(d.duration_h)),
            number_list_key("output_times_h", {},
                            "times after sunset at which the layers are written (issue 4: 1, 4, "
                            "8 h); ascending, each at most duration_h")
                .with_unit("h")
                .with_range(0.01, 24.0)
                .with_default(number_list_text(d.output_times_h))
                .with_check("ascending", check_ascending),
            number_key("resolution_m",
                       "cell size of the model grid; DEM and land cover are aggregated onto it "
                       "(KLAM_21 studies: 10-50 m); at least study_area.resolution_m")
                .with_unit("m")
                .with_range(1.0, 1000.0)
                .with_default(format_number(d.resolution_m)),
            per_class("production", d.production_m3_per_m2_h, production_sources, 0.0, 100.0,
                      "m3/(m2 h)",
                      "cold-air production per land-cover class; sealed shares of a cell produce "
                      "as sealed_other, tree canopy as trees (kernels/coldair/production.hpp)"),
            mapping_key(
                "layer",
                {
                    number_key("deficit_k", "layer-mean temperature deficit (10 K: SAGA's 15/5 "
                                            "degC pair, physics.md A2)")
                        .with_unit("K")
                        .with_range(0.1, 30.0)
                        .with_default(format_number(d.deficit_k)),
                    number_key("ambient_temperature_c",
                               "temperature of the surrounding air (15 degC, SAGA's default)")
                        .with_unit("degC")
                        .with_range(-40.0, 45.0)
                        .with_default(format_number(d.ambient_temperature_c)),
                    number_key("velocity_depth_threshold_m",
                               "velocities are evaluated (and films count towards the time "
                               "step) only where the layer is deeper than this")
                        .with_unit("m")
                        .with_range(0.001, 5.0)
                        .with_default(format_number(d.velocity_depth_threshold_m)),
                    number_key("froude_limit",
                               "largest Froude number u / sqrt(g' h) of a face flux: caps the "
                               "momentum a shrinking film keeps; 10 lies above the buoyancy-drag "
                               "balance at open-land drag of any slope below 35 degrees "
                               "(docs/coldair.md)")
                        .with_range(1.0, 1000.0)
                        .with_default(format_number(d.froude_limit)),
                },
                "the shallow cold-air layer (mode: layer)"),
            mapping_key(
                "drag",
                {
                    number_key("reference_depth_m", "layer depth at which the log-law drag "
                                                    "coefficient is evaluated (roughness.hpp)")
                        .with_unit("m")
                        .with_range(0.5, 200.0)
                        .with_default(format_number(d.drag_reference_depth_m)),
                    per_class("roughness_length_m", d.roughness_length_m, roughness_sources,
                              1e-5, 5.0, "m",
                              "roughness length z0 per class (Davenport classification revised "
                              "by Wieringa 1992)"),
                },
                "surface drag of the layer: c_D = (0.4 / (ln(H_ref / z0) - 1))^2"),
            mapping_key(
                "buildings",
                {
                    boolean_key("displacement", "buildings lift the layer's bed by their "
                                                "displacement height and add roughness "
                                                "(Macdonald et al. 1998)")
                        .with_default("true"),
                    number_key("drag_coefficient", "building drag coefficient C_D of Macdonald "
                                                   "et al. (1998), 1.2 for cubes")
                        .with_range(0.1, 5.0)
                        .with_default(format_number(d.building_drag_coefficient)),
                },
                "buildings in the layer model"),
            mapping_key("screening",
                        {
                            number_key("friction", "friction factor f of the kinematic scheme "
                                                   "(SAGA's default 1)")
                                .with_range(0.01, 100.0)
                                .with_default(format_number(d.screening_friction)),
                        },
                        "the kinematic screening (mode: screening)"),
            mapping_key(
                "settlement",
                {
                    enum_key("cells", to_strings(settlement_cells_names),
                             "which model cells are settlements: thermal_load (thermal-load "
                             "class of models.thermal at least min_load_class; needs "
                             "models.thermal), sealed (sealed fraction at least "
                             "min_sealed_fraction), auto (thermal_load when models.thermal is "
                             "enabled, else sealed)")
                        .with_default("auto"),
                    number_key("min_sealed_fraction",
                               "cells of the model grid with at least this building + road + "
                               "other sealed fraction are settlement cells (0.5: the thermal "
                               "model's majority rule); cells: sealed")
                        .with_range(0.01, 1.0)
                        .with_default(format_number(d.settlement_min_sealed_fraction)),
                    integer_key("min_load_class",
                                "thermally loaded settlements: thermal-load class at least this "
                                "(1 very low .. 5 very high; 3 moderate, lauter's choice); a "
                                "coarser model cell has class k where at least half of its area "
                                "has class k or above; cells: thermal_load")
                        .with_range(1.0, 5.0)
                        .with_default(std::to_string(d.settlement_min_load_class)),
                    number_key("supply_min_unit_inflow_m2_per_s",
                               "a settlement cell has cold-air supply if a flow of at least this "
                               "unit discharge reaches it from outside the settlement (0.01: "
                               "0.05 m of cold air at 0.2 m/s, lauter's choice, "
                               "kernels/coldair/supply.hpp)")
                        .with_unit("m2/s")
                        .with_range(1e-6, 1e3)
                        .with_default(format_number(d.supply.min_unit_inflow_m2_per_s)),
                },
                "settlement cells, whose inflow, supply and corridors are mapped"),
            mapping_key(
                "corridors",
                {
                    number_list_key("flux_breaks_m2_per_s", {"b1", "b2", "b3"},
                                    "volume flux density breaks of the corridor classes low | "
                                    "moderate | high | very high (lauter's choice: no published "
                                    "absolute breaks were found, docs/coldair.md)")
                        .with_unit("m3/(m s)")
                        .with_range(1e-6, 1e4)
                        .with_default(number_list_text({b[0], b[1], b[2]}))
                        .with_check("increasing", check_increasing_breaks),
                    number_list_key("speed_breaks_m_per_s", {"b1", "b2", "b3"},
                                    "flow-speed classes weak | moderate | strong | very strong "
                                    "of flow_speed_class (Leipzig's flow-field classes 0.2, 0.3, "
                                    "0.5, presumably m/s, physics.md A1)")
                        .with_unit("m/s")
                        .with_range(1e-6, 100.0)
                        .with_default(number_list_text({sb[0], sb[1], sb[2]}))
                        .with_check("increasing", check_increasing_breaks),
                },
                "corridor map (cells whose flow path reaches a settlement, classed by flux) and "
                "flow-speed classes"),
        },
        "nocturnal cold air: production, drainage, settlement inflow and corridors (issue 4)");
}

void check_coldair_keys(const schema::ValidationResult& result, schema::Diagnostics& diagnostics) {
    const YAML::Node coldair = at_path(result.resolved, {"models", "coldair"});
    const std::string prefix = "models.coldair.";
    // A production or roughness table that is given must list every class.
    for (const char* table : {"production", "drag.roughness_length_m"}) {
        const std::string table_path = prefix + table;
        if (!result.is_given(table_path)) {
            continue;
        }
        std::string missing;
        for (const LandCover c : kernels::all_land_cover_classes) {
            if (!result.is_given(table_path + "." + std::string(kernels::land_cover_name(c)))) {
                missing += (missing.empty() ? "" : ", ") + std::string(kernels::land_cover_name(c));
            }
        }
        if (!missing.empty()) {
            diagnostics.add(result.location_of(table_path),
                            table_path + ": the table lacks the land-cover class(es) " + missing +
                                "; give a value for every class");
        }
    }
    const YAML::Node duration = child(coldair, "duration_h");
    const YAML::Node times = child(coldair, "output_times_h");
    if (duration.IsScalar() && times.IsSequence()) {
        const double end = schema::to_number(duration);
        for (std::size_t i = 0; i < times.size(); ++i) {
            if (schema::to_number(times[i]) > end) {
                diagnostics.add(result.location_of(prefix + "output_times_h"),
                                prefix + "output_times_h: the output time " + times[i].Scalar() +
                                    " h lies beyond duration_h (" + duration.Scalar() +
                                    " h); drop it or run longer");
                break;
            }
        }
    }
    if (scalar_or_empty(child(coldair, "enabled")) != "true") {
        return;
    }
    if (!result.is_given("inputs.dem")) {
        diagnostics.add(result.location_of(prefix + "enabled"),
                        prefix + "enabled: the cold-air model needs a terrain model, but "
                                 "inputs.dem is not set; set inputs.dem or " + prefix +
                            "enabled: false");
    }
    if (scalar_or_empty(at_path(result.resolved, {"models", "landcover", "enabled"})) != "true") {
        diagnostics.add(result.location_of(prefix + "enabled"),
                        prefix + "enabled: the cold-air model needs land cover for its "
                                 "production, roughness and settlements; set "
                                 "models.landcover.enabled: true");
    }
    if (scalar_or_empty(at_path(coldair, {"settlement", "cells"})) == "thermal_load" &&
        scalar_or_empty(at_path(result.resolved, {"models", "thermal", "enabled"})) != "true") {
        diagnostics.add(result.location_of(prefix + "settlement.cells"),
                        prefix + "settlement.cells: thermal_load needs the thermal-load classes "
                                 "of models.thermal, which is not enabled; set "
                                 "models.thermal.enabled: true or settlement.cells: sealed");
    }
    const YAML::Node model_res = child(coldair, "resolution_m");
    const YAML::Node study_res = at_path(result.resolved, {"study_area", "resolution_m"});
    if (model_res.IsScalar() && study_res.IsScalar() &&
        schema::to_number(model_res) < schema::to_number(study_res)) {
        diagnostics.add(result.location_of(prefix + "resolution_m"),
                        prefix + "resolution_m: the model grid (" + model_res.Scalar() +
                            " m) cannot be finer than the study grid (study_area.resolution_m " +
                            study_res.Scalar() + " m); set it to at least " + study_res.Scalar());
    }
}

ColdAirModelSettings coldair_settings_from(const YAML::Node& t) {
    ColdAirModelSettings s;
    const auto number = [&t](std::initializer_list<const char*> path) {
        return schema::to_number(at_path(t, path));
    };
    s.enabled = schema::to_boolean(at_path(t, {"enabled"}));
    s.mode = static_cast<ColdAirMode>(
        schema::index_of(mode_names, scalar_or_empty(at_path(t, {"mode"}))));
    s.duration_h = number({"duration_h"});
    s.output_times_h.clear();
    const YAML::Node times = at_path(t, {"output_times_h"});
    for (std::size_t i = 0; i < times.size(); ++i) {
        s.output_times_h.push_back(schema::to_number(times[i]));
    }
    s.resolution_m = number({"resolution_m"});
    for (const LandCover c : kernels::all_land_cover_classes) {
        const std::size_t i = kernels::land_cover_index(c);
        const std::string name(kernels::land_cover_name(c));
        s.production_m3_per_m2_h[i] = schema::to_number(child(at_path(t, {"production"}), name));
        s.roughness_length_m[i] =
            schema::to_number(child(at_path(t, {"drag", "roughness_length_m"}), name));
    }
    s.deficit_k = number({"layer", "deficit_k"});
    s.ambient_temperature_c = number({"layer", "ambient_temperature_c"});
    s.velocity_depth_threshold_m = number({"layer", "velocity_depth_threshold_m"});
    s.froude_limit = number({"layer", "froude_limit"});
    s.drag_reference_depth_m = number({"drag", "reference_depth_m"});
    s.building_displacement = schema::to_boolean(at_path(t, {"buildings", "displacement"}));
    s.building_drag_coefficient = number({"buildings", "drag_coefficient"});
    s.screening_friction = number({"screening", "friction"});
    s.settlement_min_sealed_fraction = number({"settlement", "min_sealed_fraction"});
    s.settlement_cells = static_cast<ColdAirSettlementCells>(schema::index_of(
        settlement_cells_names, scalar_or_empty(at_path(t, {"settlement", "cells"}))));
    s.settlement_min_load_class =
        static_cast<int>(std::lround(number({"settlement", "min_load_class"})));
    s.supply.min_unit_inflow_m2_per_s = number({"settlement", "supply_min_unit_inflow_m2_per_s"});
    const YAML::Node speed_breaks = at_path(t, {"corridors", "speed_breaks_m_per_s"});
    for (std::size_t i = 0; i < 3; ++i) {
        s.flow_speed.speed_breaks_m_per_s[i] = schema::to_number(speed_breaks[i]);
    }
    const YAML::Node breaks = at_path(t, {"corridors", "flux_breaks_m2_per_s"});
    for (std::size_t i = 0; i < 3; ++i) {
        s.corridors.flux_breaks_m2_per_s[i] = schema::to_number(breaks[i]);
    }
    return s;
}

} // namespace lauter::sim
