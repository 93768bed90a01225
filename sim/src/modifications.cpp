#include <lauter/sim/modifications.hpp>

#include <lauter/kernels/rasterize.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/mobility_settings.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>
#include <lauter/sim/vector_input.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>

namespace lauter::sim {

namespace {

using kernels::GridSpec;
using kernels::LandCover;
using kernels::Point2;
using kernels::Polygon;
using kernels::Raster;
using schema::child;
using schema::KeySpec;
using schema::scalar_or_empty;

constexpr std::array<std::string_view, modification_type_count> type_names = {
    "unseal",     "green_roofs",     "plant_trees", "new_development", "keep_free",
    "bike_lanes", "traffic_calming", "bus_headway", "ebike_ownership", "heavy_rain",
    "hot_day"};

/// Classes a measure may turn ground into: the unsealed classes of kernels/landcover.hpp
/// (railway beds are not a greening target).
constexpr std::array<LandCover, 4> unsealed_targets = {LandCover::open_land, LandCover::trees,
                                                       LandCover::agriculture, LandCover::water};

std::vector<std::string> unsealed_target_names() {
    std::vector<std::string> names;
    for (const LandCover c : unsealed_targets) {
        names.emplace_back(kernels::land_cover_name(c));
    }
    return names;
}

std::string text(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

/// A WKT check: the geometry kinds (wkt_geometry_kind) a key accepts.
schema::ValueCheck wkt_check(std::vector<std::string> kinds, std::string wanted) {
    return [kinds = std::move(kinds), wanted = std::move(wanted)](const YAML::Node& value) {
        std::string problem;
        const std::string kind = wkt_geometry_kind(value.Scalar(), problem);
        std::string message;
        if (kind.empty()) {
            message.append("the text is not WKT: ").append(problem);
        } else if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
            message.append("a ").append(kind).append(" geometry; give ").append(wanted);
        }
        return message;
    };
}

/// The keys holding a measure's geometry.
constexpr std::array<const char*, 3> geometry_keys = {"area", "trees", "along"};

/// The geometry mapping shared by every measure: inline WKT or a vector file. Exactly one of
/// `wkt` and `file` is checked by check_modification_keys, not by the mapping's own rule, so
/// that the mapping may be left out where it is optional.
KeySpec geometry_key(std::string name, std::vector<std::string> kinds, const std::string& wanted,
                     std::string help) {
    using namespace schema;
    return mapping_key(
        std::move(name),
        {
            string_key("wkt", "inline WKT of " + wanted + ", coordinates in `crs`")
                .with_check(wanted, wkt_check(std::move(kinds), wanted)),
            crs_key("crs", "CRS of the `wkt` coordinates; EPSG:4326 (the default) takes x = "
                           "longitude, y = latitude in degrees")
                .with_default("EPSG:4326"),
            path_key("file", "vector file with the geometry (GeoJSON, GeoPackage, Shapefile, any "
                             "OGR format; it must state its CRS)"),
            string_key("layer", "layer of `file` (default: the first layer)"),
            string_key("where", "OGR SQL attribute filter on `file`, e.g. \"name = 'Pfaff'\" "
                                "(default: every feature)"),
        },
        std::move(help) + "; exactly one of `wkt` and `file`");
}

KeySpec area_key(std::string help) {
    return geometry_key("area", {"polygon"}, "a POLYGON or MULTIPOLYGON", std::move(help));
}

KeySpec share_key(std::string help) {
    return schema::number_key("share", std::move(help)).with_range(0.0, 1.0).with_default("1");
}

KeySpec to_key(std::string help) {
    return schema::enum_key("to", unsealed_target_names(), std::move(help))
        .with_default("open_land");
}

/// The child of a mapping KeySpec by name (the measures reuse the models' own KeySpecs).
const KeySpec& child_spec(const KeySpec& spec, const std::string& name) {
    for (const KeySpec& c : spec.children) {
        if (c.name == name) {
            return c;
        }
    }
    throw ConfigError("internal: the schema of '" + spec.name + "' has no key '" + name + "'");
}

std::string check_whole_positive(const YAML::Node& value) {
    for (const auto& item : value) {
        const double v = schema::to_number(item);
        if (!(v >= 1.0) || std::floor(v) != v) {
            return "'" + item.Scalar() + "' is not an OSM way id (a whole number >= 1)";
        }
    }
    return {};
}

KeySpec build_schema() {
    using namespace schema;
    std::vector<KeySpec> variants;

    variants.push_back(mapping_key(
        "unseal",
        {
            area_key("the area to unseal"),
            to_key("land-cover class the unsealed ground becomes"),
            share_key("share of the sealed non-building ground (sealed_other; with include_roads "
                      "also road) inside the area that is unsealed"),
            boolean_key("include_roads",
                        "also unseal that share of the road class (carriageways, paved paths); "
                        "off by default, since streets keep their traffic function and the "
                        "street network of the mobility model does not change")
                .with_default("false"),
        },
        "unsealing: sealed ground (parking, yards, squares) becomes open land, trees, farmland "
        "or water"));

    variants.push_back(mapping_key(
        "green_roofs",
        {
            area_key("buildings whose cells lie mostly inside this area get green roofs"),
            boolean_key("all_buildings", "every building of the study area gets green roofs"),
            share_key("share of the roof area of each selected building that is greened"),
            number_key("runoff_coefficient",
                       "runoff coefficient of the green roof under heavy rain: 0.4 is the peak "
                       "runoff coefficient C_s of DIN 1986-100:2016-12 (Table 9) for an extensive "
                       "green roof with >= 10 cm build-up on a roof of <= 5 % slope, the value "
                       "the standard's overflow check uses (its mean coefficient C_m is 0.2; "
                       "intensive greening: C_s 0.2)")
                .with_range(0.0, 1.0)
                .with_default("0.4"),
        },
        "green roofs: the rain on a greened roof runs off times the runoff coefficient")
                           .with_exactly_one_of({"area", "all_buildings"}));

    variants.push_back(mapping_key(
        "plant_trees",
        {
            geometry_key("trees", {"point", "line"},
                         "POINT / MULTIPOINT (one tree each) or LINESTRING / MULTILINESTRING "
                         "(a tree row)",
                         "where the trees stand: points, or lines planted every spacing_m")
                .make_required(),
            number_key("spacing_m", "distance between trees along a line (lauter's choice: 10 m, "
                                    "a common street-tree spacing)")
                .with_unit("m")
                .with_range(1.0, 1000.0)
                .with_default("10"),
            number_key("crown_diameter_m", "crown diameter of a tree (default: the 6 m of the OSM "
                                           "single-tree default, landcover.tree_crown_radius_m)")
                .with_unit("m")
                .with_range(1.0, 40.0)
                .with_default("6"),
        },
        "tree planting: crowns add to the tree-canopy fraction (the thermal model's shade and "
        "green area)"));

    variants.push_back(
        mapping_key(
            "new_development",
            {
                area_key("the site; its land cover is replaced"),
                number_key("building_share", "share of the site covered by building footprints")
                    .with_range(0.0, 1.0)
                    .make_required(),
                number_key("height_m", "height of the new buildings")
                    .with_unit("m")
                    .with_range(2.0, 300.0),
                integer_key("storeys", "storeys of the new buildings (height = storeys x "
                                       "landcover.storey_height_m)")
                    .with_range(1.0, 100.0),
                number_key("sealed_share",
                           "share of the ground between the buildings that is sealed (paths, "
                           "parking, squares); the rest becomes `to`")
                    .with_range(0.0, 1.0)
                    .make_required(),
                to_key("class of the unsealed ground between the buildings"),
                number_key("building_size_m",
                           "side of the square building footprints laid out on a regular grid "
                           "(lauter's choice: 20 m, a small apartment block)")
                    .with_unit("m")
                    .with_range(5.0, 500.0)
                    .with_default("20"),
                string_key("building_type", "OSM building value of the new buildings (residential "
                                            "types and yes give residents in the thermal and "
                                            "mobility models)")
                    .with_default("apartments"),
            },
            "new development: the site's land cover is replaced by square buildings on a regular "
            "grid, sealed and unsealed ground; buildings inside are demolished")
            .with_exactly_one_of({"height_m", "storeys"}));

    variants.push_back(mapping_key(
        "keep_free",
        {
            area_key("the area kept free of buildings (e.g. a cold-air corridor)"),
            to_key("land-cover class of the ground where buildings stood"),
        },
        "keep free: the building parts inside the area are removed and become `to`"));

    const KeySpec mobility = mobility_model_schema();
    const KeySpec lane_spec =
        child_spec(child_spec(child_spec(mobility, "measures"), "bike_lanes"), "facility");
    variants.push_back(mapping_key(
        "bike_lanes",
        {
            number_list_key("way_ids", {}, "OSM way ids whose edges get the facility")
                .with_check("whole numbers >= 1", check_whole_positive),
            geometry_key("along", {"line"}, "a LINESTRING or MULTILINESTRING",
                         "cyclable edges with both ends within buffer_m of this line get the "
                         "facility"),
            number_key("buffer_m", "distance from the `along` line within which edges count")
                .with_unit("m")
                .with_range(0.5, 200.0)
                .with_default("10"),
            lane_spec,
        },
        "bike lanes: added to models.mobility.measures.bike_lanes (needs way_ids or along)"));

    variants.push_back(mapping_key(
        "traffic_calming",
        {
            area_key("the calmed area"),
            number_key("car_max_speed_kmh", "speed limit of car edges whose midpoint lies inside "
                                            "(30: the German Tempo-30 zone, StVO section 45)")
                .with_unit("km/h")
                .with_range(5.0, 130.0)
                .with_default("30"),
        },
        "traffic calming: car speed limits capped inside the area (car times and cycling "
        "stress)"));

    variants.push_back(mapping_key(
        "bus_headway",
        {
            number_key("headway_min", "headway of the lines in the scenario")
                .with_unit("min")
                .with_range(1.0, 240.0)
                .make_required(),
            string_key("lines", "line refs, comma-separated (e.g. \"101, 105\"); without it "
                                "every line"),
        },
        "bus headway: the headway of the named lines or of every line (waiting = half of it), "
        "against the calibrated baseline"));

    variants.push_back(mapping_key(
        "ebike_ownership",
        {
            schema::number_key("share", "share of the travellers who own or can use an e-bike "
                                        "in the scenario (the baseline is "
                                        "models.mobility.choice.ebike_ownership_share)")
                .with_range(0.0, 1.0)
                .make_required(),
            area_key("the zones whose residents-weighted centre lies inside get the share "
                     "(optional; without area and zones the share is city-wide)"),
            string_key("zones", "names of the zones that get the share, comma-separated, as in "
                                "the results table `zones` (e.g. \"r3_c5, r3_c6\" or "
                                "\"district_2\"); not together with area"),
        },
        "e-bike ownership: the e-bike availability term ln(share) of the logit, against the "
        "calibrated baseline, city-wide or per zone (docs/measures.md)"));

    const KeySpec runoff = runoff_model_schema();
    const KeySpec thermal = thermal_model_schema();
    variants.push_back(mapping_key(
        "heavy_rain",
        {child_spec(runoff, "storm")},
        "heavy rain: replaces models.runoff.storm (same keys)"));

    variants.push_back(mapping_key(
        "hot_day", child_spec(thermal, "weather").children,
        "hot day: replaces models.thermal.weather (same keys; keys not given take the hot_day "
        "preset)"));

    return sequence_key("modifications", {},
                        "measures applied in list order to the prepared study area and the model "
                        "settings (docs/measures.md)")
        .with_variants("type", std::move(variants));
}

std::optional<GeometrySource> geometry_from(const YAML::Node& node) {
    if (!node.IsMap()) {
        return std::nullopt;
    }
    const YAML::Node wkt = child(node, "wkt");
    const YAML::Node file = child(node, "file");
    if (!wkt.IsScalar() && !file.IsScalar()) {
        return std::nullopt;
    }
    GeometrySource g;
    g.wkt = scalar_or_empty(wkt);
    g.crs = scalar_or_empty(child(node, "crs"));
    if (file.IsScalar()) {
        g.file = std::filesystem::path(file.Scalar());
    }
    if (const YAML::Node v = child(node, "layer"); v.IsScalar()) {
        g.layer = v.Scalar();
    }
    if (const YAML::Node v = child(node, "where"); v.IsScalar()) {
        g.where = v.Scalar();
    }
    return g;
}

std::string label(const Modification& m) {
    return "modifications[" + std::to_string(m.index) + "] (" +
           std::string(modification_type_name(m.type)) + ")";
}

bool edits_land_cover(ModificationType t) {
    return t == ModificationType::unseal || t == ModificationType::green_roofs ||
           t == ModificationType::plant_trees || t == ModificationType::new_development ||
           t == ModificationType::keep_free;
}

bool edits_mobility(ModificationType t) {
    return t == ModificationType::bike_lanes || t == ModificationType::traffic_calming ||
           t == ModificationType::bus_headway || t == ModificationType::ebike_ownership;
}

// ---------------------------------------------------------------------------------------------
// Application

struct Context {
    const Scenario& scenario;
    const Modification& m;
    StudyArea& area;

    [[nodiscard]] std::string what() const {
        return scenario.source_file.string() + ": " + label(m);
    }
};

VectorGeometries read_source(const Context& c, const GeometrySource& g) {
    const std::string& target = c.scenario.study_area.crs_wkt;
    if (g.file) {
        return read_geometries(*g.file, target, g.layer, g.where, c.what());
    }
    return geometries_from_wkt(g.wkt, g.crs, target, c.what());
}

/// Share 0..1 of each cell inside the polygons of the measure's area (sub-cell sampling).
Raster<float> area_coverage(const Context& c, const GeometrySource& source) {
    const VectorGeometries g = read_source(c, source);
    if (g.polygons.empty()) {
        throw InputError(c.what() + ": the area has no polygon; give a POLYGON or MULTIPOLYGON");
    }
    const GridSpec& grid = c.area.grid;
    kernels::SubcellCanvas<std::uint8_t> canvas(grid, c.scenario.landcover.subcell_samples, 0);
    for (const Polygon& p : g.polygons) {
        kernels::paint_polygon(canvas, to_grid_coordinates(p, grid), std::uint8_t{1});
    }
    return kernels::coverage_fraction(canvas, 1);
}

OsmLandCover& land_cover_of(const Context& c) {
    if (!c.area.land_cover) {
        throw ConfigError(c.what() + ": edits land cover, but the land-cover model is off; set "
                                     "models.landcover.enabled: true");
    }
    return *c.area.land_cover;
}

Raster<float>& fraction(OsmLandCover& lc, LandCover cls) {
    return lc.fractions[kernels::land_cover_index(cls)];
}

/// Recounts the cells of every building and scales the footprint of buildings that lost cells
/// (a building without cells is gone: footprint 0).
void recount_buildings(OsmLandCover& lc) {
    std::vector<std::int32_t> cells(lc.buildings.size(), 0);
    for (std::size_t i = 0; i < lc.building_id.size(); ++i) {
        const std::int32_t id = lc.building_id[i];
        if (id > 0 && static_cast<std::size_t>(id) <= lc.buildings.size()) {
            ++cells[static_cast<std::size_t>(id) - 1U];
        }
    }
    for (std::size_t b = 0; b < lc.buildings.size(); ++b) {
        OsmBuilding& building = lc.buildings[b];
        if (cells[b] < building.cells && building.cells > 0) {
            building.footprint_area_m2 *=
                static_cast<double>(cells[b]) / static_cast<double>(building.cells);
        }
        building.cells = cells[b];
    }
}

void apply_unseal(const Context& c) {
    OsmLandCover& lc = land_cover_of(c);
    const Raster<float> cover = area_coverage(c, *c.m.area);
    const double cell_area = c.area.grid.cell_area_m2();
    std::vector<LandCover> sources = {LandCover::sealed_other};
    if (c.m.include_roads) {
        sources.push_back(LandCover::road);
    }
    std::size_t cells = 0;
    double unsealed_m2 = 0.0;
    Raster<float>& target = fraction(lc, c.m.to_class);
    for (std::size_t i = 0; i < c.area.grid.cell_count(); ++i) {
        if (!c.area.mask.has_data(i) || cover[i] <= 0.0F) {
            continue;
        }
        double moved_total = 0.0;
        for (const LandCover s : sources) {
            Raster<float>& f = fraction(lc, s);
            const double moved = c.m.share * static_cast<double>(cover[i]) *
                                 static_cast<double>(f[i]);
            if (moved > 0.0) {
                f[i] = static_cast<float>(static_cast<double>(f[i]) - moved);
                moved_total += moved;
            }
        }
        if (moved_total > 0.0) {
            target[i] = static_cast<float>(static_cast<double>(target[i]) + moved_total);
            update_cell_classes(lc, i, c.scenario.landcover);
            ++cells;
            unsealed_m2 += moved_total * cell_area;
        }
    }
    log_info(label(c.m) + ": " + text(unsealed_m2) + " m2 of sealed ground became " +
             std::string(kernels::land_cover_name(c.m.to_class)) + " in " + std::to_string(cells) +
             " cells");
}

void apply_green_roofs(const Context& c) {
    OsmLandCover& lc = land_cover_of(c);
    std::vector<double> inside(lc.buildings.size(), 0.0);
    if (c.m.area) {
        const Raster<float> cover = area_coverage(c, *c.m.area);
        for (std::size_t i = 0; i < lc.building_id.size(); ++i) {
            const std::int32_t id = lc.building_id[i];
            if (id > 0 && c.area.mask.has_data(i)) {
                inside[static_cast<std::size_t>(id) - 1U] += static_cast<double>(cover[i]);
            }
        }
    }
    const auto coefficient =
        static_cast<float>(1.0 - c.m.share * (1.0 - c.m.roof_runoff_coefficient));
    std::size_t buildings = 0;
    double roof_m2 = 0.0;
    for (std::size_t b = 0; b < lc.buildings.size(); ++b) {
        OsmBuilding& building = lc.buildings[b];
        // A building is selected when at least half of its cells lie inside the area.
        const bool selected = !c.m.area || (building.cells > 0 &&
                                            inside[b] >= 0.5 * static_cast<double>(building.cells));
        if (!selected || building.cells == 0 || coefficient >= building.roof_runoff_coefficient) {
            continue;
        }
        building.roof_runoff_coefficient = coefficient;
        ++buildings;
        roof_m2 += c.m.share * building.footprint_area_m2;
    }
    log_info(label(c.m) + ": " + std::to_string(buildings) + " buildings, " + text(roof_m2) +
             " m2 of green roof (roof runoff coefficient " + text(static_cast<double>(coefficient)) +
             ")");
}

void apply_plant_trees(const Context& c) {
    OsmLandCover& lc = land_cover_of(c);
    const VectorGeometries g = read_source(c, *c.m.geometry);
    const GridSpec& grid = c.area.grid;
    std::vector<Point2> trees = g.points;
    for (const std::vector<Point2>& line : g.lines) {
        // Trees every spacing_m along the line, the first half a spacing from its start.
        double next_m = 0.5 * c.m.spacing_m;
        double walked_m = 0.0;
        for (std::size_t k = 0; k + 1 < line.size(); ++k) {
            const double dx = line[k + 1].x - line[k].x;
            const double dy = line[k + 1].y - line[k].y;
            const double length_m = std::hypot(dx, dy);
            while (next_m <= walked_m + length_m && length_m > 0.0) {
                const double t = (next_m - walked_m) / length_m;
                trees.push_back({line[k].x + t * dx, line[k].y + t * dy});
                next_m += c.m.spacing_m;
            }
            walked_m += length_m;
        }
    }
    if (trees.empty()) {
        throw InputError(c.what() + ": the trees geometry has no point or line; give POINT, "
                                    "MULTIPOINT, LINESTRING or MULTILINESTRING");
    }
    kernels::SubcellCanvas<std::uint8_t> canvas(grid, c.scenario.landcover.subcell_samples, 0);
    for (const Point2& t : trees) {
        kernels::paint_disc(canvas, Point2{grid.col_coordinate(t.x), grid.row_coordinate(t.y)},
                            0.5 * c.m.crown_diameter_m, std::uint8_t{1});
    }
    const Raster<float> added = kernels::coverage_fraction(canvas, 1);
    std::size_t cells = 0;
    double canopy_m2 = 0.0;
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (!c.area.mask.has_data(i) || added[i] <= 0.0F) {
            continue;
        }
        // The new crowns overlap the existing canopy at random (its position within the cell
        // is not kept): the union covers old + new x (1 - old).
        const auto old = static_cast<double>(lc.tree_canopy_fraction[i]);
        const double now = old + static_cast<double>(added[i]) * (1.0 - old);
        lc.tree_canopy_fraction[i] = static_cast<float>(now);
        canopy_m2 += (now - old) * grid.cell_area_m2();
        ++cells;
    }
    log_info(label(c.m) + ": " + std::to_string(trees.size()) + " trees of " +
             text(c.m.crown_diameter_m) + " m crown, " + text(canopy_m2) +
             " m2 of new tree canopy in " + std::to_string(cells) + " cells");
}

/// Demolition: building ids leave cells whose new building fraction is below one half (the
/// rule of OsmLandCover::building_id) or that lie mostly inside an edited area.
void clear_building_ids(OsmLandCover& lc, const Raster<float>& cover, const kernels::CellMask& mask) {
    const Raster<float>& building = fraction(lc, LandCover::building);
    for (std::size_t i = 0; i < lc.building_id.size(); ++i) {
        if (mask.has_data(i) && cover[i] > 0.0F &&
            (building[i] < 0.5F || cover[i] >= 0.5F)) {
            lc.building_id[i] = 0;
        }
    }
}

void apply_keep_free(const Context& c) {
    OsmLandCover& lc = land_cover_of(c);
    const Raster<float> cover = area_coverage(c, *c.m.area);
    Raster<float>& building = fraction(lc, LandCover::building);
    Raster<float>& target = fraction(lc, c.m.to_class);
    std::size_t cells = 0;
    double removed_m2 = 0.0;
    const std::size_t before = static_cast<std::size_t>(
        std::count_if(lc.buildings.begin(), lc.buildings.end(),
                      [](const OsmBuilding& b) { return b.cells > 0; }));
    for (std::size_t i = 0; i < c.area.grid.cell_count(); ++i) {
        if (!c.area.mask.has_data(i) || cover[i] <= 0.0F || building[i] <= 0.0F) {
            continue;
        }
        const double moved = static_cast<double>(cover[i]) * static_cast<double>(building[i]);
        building[i] = static_cast<float>(static_cast<double>(building[i]) - moved);
        target[i] = static_cast<float>(static_cast<double>(target[i]) + moved);
        if (building[i] <= 0.0F) {
            building[i] = 0.0F;
            lc.building_height_m[i] = 0.0F;
        }
        update_cell_classes(lc, i, c.scenario.landcover);
        removed_m2 += moved * c.area.grid.cell_area_m2();
        ++cells;
    }
    clear_building_ids(lc, cover, c.area.mask);
    recount_buildings(lc);
    const std::size_t after = static_cast<std::size_t>(
        std::count_if(lc.buildings.begin(), lc.buildings.end(),
                      [](const OsmBuilding& b) { return b.cells > 0; }));
    log_info(label(c.m) + ": " + text(removed_m2) + " m2 of building footprint became " +
             std::string(kernels::land_cover_name(c.m.to_class)) + " in " + std::to_string(cells) +
             " cells; " + std::to_string(before - after) + " buildings removed");
}

void apply_new_development(const Context& c) {
    OsmLandCover& lc = land_cover_of(c);
    const double height_m = c.m.storeys > 0 ? static_cast<double>(c.m.storeys) *
                                                  c.scenario.landcover.storey_height_m
                                            : c.m.height_m;
    const VectorGeometries g = read_source(c, *c.m.area);
    if (g.polygons.empty()) {
        throw InputError(c.what() + ": the area has no polygon; give a POLYGON or MULTIPOLYGON");
    }
    const GridSpec& grid = c.area.grid;
    const std::size_t s = c.scenario.landcover.subcell_samples;
    kernels::SubcellCanvas<std::uint8_t> site(grid, s, 0);
    double x_min = std::numeric_limits<double>::infinity();
    double y_min = x_min;
    double x_max = -x_min;
    double y_max = -x_min;
    for (const Polygon& p : g.polygons) {
        kernels::paint_polygon(site, to_grid_coordinates(p, grid), std::uint8_t{1});
        for (const kernels::Ring& r : p.rings) {
            for (const Point2& q : r) {
                x_min = std::min(x_min, q.x);
                y_min = std::min(y_min, q.y);
                x_max = std::max(x_max, q.x);
                y_max = std::max(y_max, q.y);
            }
        }
    }
    // Square footprints of building_size_m on a regular grid of pitch size / sqrt(share) from
    // the site's south-west corner, so that the footprints cover building_share of a large
    // site; they are clipped to the site.
    kernels::SubcellCanvas<float> blocks(grid, s, 0.0F);
    std::size_t block_count = 0;
    if (c.m.building_share > 0.0) {
        const double size = c.m.building_size_m;
        const double pitch = size / std::sqrt(c.m.building_share);
        const double margin = 0.5 * (pitch - size);
        for (double y = y_min; y < y_max; y += pitch) {
            for (double x = x_min; x < x_max; x += pitch) {
                const double x0 = x + margin;
                const double y0 = y + margin;
                const kernels::Ring square = {{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size},
                                              {x0, y0 + size}};
                Polygon footprint;
                footprint.rings.push_back(square);
                ++block_count;
                kernels::paint_polygon(blocks, to_grid_coordinates(footprint, grid),
                                       static_cast<float>(block_count));
            }
        }
    }
    // Per cell: share of the site, of new footprints, and the block holding most samples.
    const std::size_t cell_samples = s * s;
    const auto first_new = static_cast<std::int32_t>(lc.buildings.size()) + 1;
    std::vector<OsmBuilding> added(block_count);
    std::vector<std::size_t> best_cell(block_count, 0);
    std::vector<std::size_t> best_count(block_count, 0);
    Raster<float> cover(grid, 0.0F);
    Raster<float> built(grid, 0.0F);
    Raster<std::int32_t> main_block(grid, 0);
    const double sample_area = blocks.sample_width_m() * blocks.sample_height_m();
    std::map<std::int32_t, std::size_t> counts;
    for (std::size_t row = 0; row < grid.rows; ++row) {
        for (std::size_t col = 0; col < grid.cols; ++col) {
            const std::size_t i = row * grid.cols + col;
            std::size_t in_site = 0;
            counts.clear();
            for (std::size_t sr = row * s; sr < (row + 1) * s; ++sr) {
                for (std::size_t sc = col * s; sc < (col + 1) * s; ++sc) {
                    if (site.at(sr, sc) == 0) {
                        continue;
                    }
                    ++in_site;
                    if (const float block = blocks.at(sr, sc); block > 0.0F) {
                        ++counts[static_cast<std::int32_t>(block)];
                    }
                }
            }
            if (in_site == 0 || !c.area.mask.has_data(i)) {
                continue;
            }
            cover[i] = static_cast<float>(static_cast<double>(in_site) /
                                          static_cast<double>(cell_samples));
            std::size_t block_samples = 0;
            std::size_t most = 0;
            for (const auto& [block, n] : counts) {
                block_samples += n;
                const auto b = static_cast<std::size_t>(block) - 1U;
                added[b].footprint_area_m2 += static_cast<double>(n) * sample_area;
                if (n > best_count[b]) {
                    best_count[b] = n;
                    best_cell[b] = i;
                }
                if (n > most) {
                    most = n;
                    main_block[i] = block;
                }
            }
            built[i] = static_cast<float>(static_cast<double>(block_samples) /
                                          static_cast<double>(cell_samples));
        }
    }
    // Land cover: the site's part of each cell is replaced.
    const Raster<float>& old_building = fraction(lc, LandCover::building);
    const Raster<float> building_before = old_building.clone();
    std::size_t cells = 0;
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (cover[i] <= 0.0F) {
            continue;
        }
        const auto ci = static_cast<double>(cover[i]);
        const auto bi = static_cast<double>(built[i]);
        const double ground = ci - bi;
        const double old_b = static_cast<double>(building_before[i]) * (1.0 - ci);
        const double old_h = static_cast<double>(lc.building_height_m[i]);
        for (const LandCover k : kernels::all_land_cover_classes) {
            Raster<float>& f = fraction(lc, k);
            double v = static_cast<double>(f[i]) * (1.0 - ci);
            if (k == LandCover::building) {
                v += bi;
            } else if (k == LandCover::sealed_other) {
                v += ground * c.m.sealed_share;
            }
            if (k == c.m.to_class) {
                v += ground * (1.0 - c.m.sealed_share);
            }
            f[i] = static_cast<float>(v);
        }
        const double b_new = old_b + bi;
        lc.building_height_m[i] =
            b_new > 0.0 ? static_cast<float>((old_b * old_h + bi * height_m) / b_new) : 0.0F;
        lc.tree_canopy_fraction[i] =
            static_cast<float>(static_cast<double>(lc.tree_canopy_fraction[i]) * (1.0 - ci));
        lc.unmapped_fraction[i] =
            static_cast<float>(static_cast<double>(lc.unmapped_fraction[i]) * (1.0 - ci));
        update_cell_classes(lc, i, c.scenario.landcover);
        ++cells;
    }
    // Buildings: old ones leave the site's cells, new blocks take the cells they dominate.
    clear_building_ids(lc, cover, c.area.mask);
    const Raster<float>& building = fraction(lc, LandCover::building);
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (main_block[i] > 0 && building[i] >= 0.5F &&
            static_cast<double>(built[i]) >= 0.5 * static_cast<double>(building[i])) {
            lc.building_id[i] = first_new + main_block[i] - 1;
        }
    }
    std::vector<bool> owns(block_count, false);
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        if (lc.building_id[i] >= first_new) {
            owns[static_cast<std::size_t>(lc.building_id[i] - first_new)] = true;
        }
    }
    // As in the derivation, a footprint smaller than about half a cell gets the cell holding
    // most of it, if no other building owns that cell.
    for (std::size_t b = 0; b < block_count; ++b) {
        if (!owns[b] && best_count[b] > 0 && lc.building_id[best_cell[b]] == 0) {
            lc.building_id[best_cell[b]] = first_new + static_cast<std::int32_t>(b);
        }
    }
    std::size_t new_buildings = 0;
    double footprint_m2 = 0.0;
    for (std::size_t b = 0; b < block_count; ++b) {
        OsmBuilding& nb = added[b];
        nb.name = label(c.m);
        nb.building_type = c.m.building_type;
        nb.height_m = static_cast<float>(height_m);
        lc.buildings.push_back(nb);
        new_buildings += nb.footprint_area_m2 > 0.0 ? 1U : 0U;
        footprint_m2 += nb.footprint_area_m2;
    }
    const std::size_t before = lc.buildings.size() - block_count;
    std::vector<std::int32_t> cells_before(before);
    for (std::size_t b = 0; b < before; ++b) {
        cells_before[b] = lc.buildings[b].cells;
    }
    for (std::size_t b = before; b < lc.buildings.size(); ++b) {
        lc.buildings[b].cells = 0;
    }
    recount_buildings(lc);
    std::size_t demolished = 0;
    for (std::size_t b = 0; b < before; ++b) {
        demolished += cells_before[b] > 0 && lc.buildings[b].cells == 0 ? 1U : 0U;
    }
    double site_m2 = 0.0;
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        site_m2 += static_cast<double>(cover[i]) * grid.cell_area_m2();
    }
    log_info(label(c.m) + ": site of " + text(site_m2) + " m2 in " + std::to_string(cells) +
             " cells, " + std::to_string(new_buildings) + " new buildings of " +
             text(height_m) + " m (" + text(footprint_m2) + " m2 footprint, " +
             text(site_m2 > 0.0 ? 100.0 * footprint_m2 / site_m2 : 0.0) + " %), " +
             std::to_string(demolished) + " buildings removed");
}

MobilityModelSettings& mobility_of(const Context& c, Scenario& s) {
    if (!s.models.mobility.enabled) {
        throw ConfigError(c.what() + ": edits the mobility model, which is off; set "
                                     "models.mobility.enabled: true");
    }
    return s.models.mobility;
}

void apply_bike_lanes(const Context& c, Scenario& s) {
    MobilityModelSettings& ms = mobility_of(c, s);
    for (const std::int64_t id : c.m.way_ids) {
        BikeLaneMeasure lane;
        lane.way_id = id;
        lane.facility = c.m.facility;
        ms.bike_lanes.push_back(lane);
    }
    std::size_t lines = 0;
    double length_m = 0.0;
    if (c.m.geometry) {
        const VectorGeometries g = read_source(c, *c.m.geometry);
        if (g.lines.empty()) {
            throw InputError(c.what() + ": `along` has no line; give a LINESTRING or "
                                        "MULTILINESTRING");
        }
        for (const std::vector<Point2>& line : g.lines) {
            BikeLaneMeasure lane;
            lane.facility = c.m.facility;
            lane.buffer_m = c.m.buffer_m;
            for (std::size_t k = 0; k < line.size(); ++k) {
                lane.along.push_back({line[k].x, line[k].y});
                if (k > 0) {
                    length_m += std::hypot(line[k].x - line[k - 1].x, line[k].y - line[k - 1].y);
                }
            }
            ms.bike_lanes.push_back(std::move(lane));
            ++lines;
        }
    }
    log_info(label(c.m) + ": " + std::to_string(c.m.way_ids.size()) + " OSM ways and " +
             std::to_string(lines) + " lines (" + text(length_m) + " m, buffer " +
             text(c.m.buffer_m) + " m) get bike facilities; the mobility model reports the edges");
}

/// The polygons of a mobility measure's `area` as rings in the study CRS, and their area.
std::vector<MapRings> area_rings(const Context& c, double& area_m2) {
    const VectorGeometries g = read_source(c, *c.m.area);
    if (g.polygons.empty()) {
        throw InputError(c.what() + ": the area has no polygon; give a POLYGON or MULTIPOLYGON");
    }
    std::vector<MapRings> polygons;
    area_m2 = 0.0;
    for (const Polygon& p : g.polygons) {
        MapRings rings;
        for (const kernels::Ring& r : p.rings) {
            std::vector<MapPoint> ring;
            for (const Point2& q : r) {
                ring.push_back({q.x, q.y});
            }
            rings.push_back(std::move(ring));
        }
        area_m2 += kernels::polygon_area(p);
        polygons.push_back(std::move(rings));
    }
    return polygons;
}

void apply_traffic_calming(const Context& c, Scenario& s) {
    MobilityModelSettings& ms = mobility_of(c, s);
    double area_m2 = 0.0;
    for (MapRings& rings : area_rings(c, area_m2)) {
        ms.traffic_calming.push_back({std::move(rings), c.m.car_max_speed_kmh});
    }
    log_info(label(c.m) + ": car speed limit " + text(c.m.car_max_speed_kmh) + " km/h in " +
             text(area_m2) + " m2; the mobility model reports the edges");
}

void apply_ebike_ownership(const Context& c, Scenario& s) {
    MobilityModelSettings& ms = mobility_of(c, s);
    EbikeOwnershipMeasure measure;
    measure.share = c.m.share;
    measure.zones = c.m.ebike_zones;
    measure.label = label(c.m);
    std::string where = "every zone";
    if (c.m.area) {
        double area_m2 = 0.0;
        measure.areas = area_rings(c, area_m2);
        where = "the zones whose residents-weighted centre lies in " + text(area_m2) + " m2";
    } else if (!measure.zones.empty()) {
        where = std::to_string(measure.zones.size()) + " named zone(s)";
    }
    ms.ebike_ownership.push_back(std::move(measure));
    log_info(label(c.m) + ": e-bike ownership " + text(100.0 * c.m.share) +
             " % of the travellers in " + where + " (baseline " +
             text(100.0 * ms.ebike_ownership_share) + " %)");
}

} // namespace

std::string_view modification_type_name(ModificationType type) noexcept {
    return type_names[static_cast<std::size_t>(type)];
}

schema::KeySpec modifications_schema() {
    return build_schema();
}

void check_modification_keys(const schema::ValidationResult& result,
                             schema::Diagnostics& diagnostics) {
    const YAML::Node list = child(result.resolved, "modifications");
    if (!list.IsSequence()) {
        return;
    }
    const auto enabled = [&result](const char* model) {
        return scalar_or_empty(schema::at_path(result.resolved, {"models", model, "enabled"})) ==
               "true";
    };
    for (std::size_t k = 0; k < list.size(); ++k) {
        const YAML::Node m = list[k];
        const std::string path = "modifications[" + std::to_string(k) + "]";
        const std::string type = scalar_or_empty(child(m, "type"));
        const auto it = std::find(type_names.begin(), type_names.end(), type);
        if (it == type_names.end()) {
            continue;
        }
        const auto t = static_cast<ModificationType>(it - type_names.begin());
        const auto need = [&](const char* model, const char* what) {
            if (!enabled(model)) {
                diagnostics.add(result.location_of(path + ".type"),
                                path + ": a " + type + " modification edits " + what +
                                    ", but models." + model + ".enabled is false; enable it or "
                                    "remove the modification");
            }
        };
        if (edits_land_cover(t)) {
            need("landcover", "the land cover");
        } else if (edits_mobility(t)) {
            need("mobility", "the mobility model");
        } else if (t == ModificationType::heavy_rain) {
            need("runoff", "the runoff model's storm");
            check_storm_keys(result, diagnostics, child(m, "storm"), path + ".storm");
        } else if (t == ModificationType::hot_day) {
            need("thermal", "the thermal model's weather");
            check_weather_keys(result, diagnostics, m, path);
        }
        for (const char* key : geometry_keys) {
            const std::string g = path + "." + key;
            if (!child(m, key).IsMap() || !result.is_given(g)) {
                continue;
            }
            const bool wkt = result.is_given(g + ".wkt");
            const bool file = result.is_given(g + ".file");
            if (wkt == file) {
                diagnostics.add(result.location_of(wkt ? g + ".file" : g),
                                g + ": give exactly one of 'wkt' or 'file'" +
                                    std::string(wkt ? " (both are given)" : ""));
            }
        }
        if (t == ModificationType::green_roofs &&
            scalar_or_empty(child(m, "all_buildings")) == "false") {
            diagnostics.add(result.location_of(path + ".all_buildings"),
                            path + ".all_buildings: false selects no building; give `area` "
                                   "instead, or all_buildings: true");
        }
        if (t == ModificationType::ebike_ownership && result.is_given(path + ".area") &&
            result.is_given(path + ".zones")) {
            diagnostics.add(result.location_of(path + ".zones"),
                            path + ": an ebike_ownership modification takes area or zones, not "
                                   "both; give one (or neither for a city-wide share)");
        }
        if (t == ModificationType::bike_lanes && !result.is_given(path + ".way_ids") &&
            !result.is_given(path + ".along")) {
            diagnostics.add(result.location_of(path + ".type"),
                            path + ": a bike_lanes modification needs way_ids, along or both");
        }
    }
}

namespace {

/// The items of a comma-separated value (bus_headway `lines:`, ebike_ownership `zones:`), blanks
/// around each trimmed, empty items dropped.
std::vector<std::string> comma_separated(const std::string& text) {
    std::vector<std::string> refs;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::size_t a = text.find_first_not_of(" \t", start);
        const std::size_t b = text.find_last_not_of(" \t", end == 0 ? 0 : end - 1);
        if (a != std::string::npos && a < end && b != std::string::npos && b >= a) {
            refs.push_back(text.substr(a, b - a + 1));
        }
        start = end + 1;
    }
    return refs;
}

/// "every line" or "lines 101, 105".
std::string bus_lines_text(const std::vector<std::string>& refs) {
    std::string lines;
    for (const std::string& ref : refs) {
        lines += (lines.empty() ? "" : ", ") + ref;
    }
    return lines.empty() ? std::string("every line") : "lines " + lines;
}

} // namespace

std::vector<Modification> modifications_from(const YAML::Node& resolved_list) {
    std::vector<Modification> mods;
    if (!resolved_list.IsSequence()) {
        return mods;
    }
    for (std::size_t k = 0; k < resolved_list.size(); ++k) {
        const YAML::Node n = resolved_list[k];
        Modification m;
        m.index = k;
        m.type = static_cast<ModificationType>(
            schema::index_of(type_names, scalar_or_empty(child(n, "type"))));
        const auto number = [&n](const char* key, double fallback) {
            const YAML::Node v = child(n, key);
            return v.IsScalar() ? schema::to_number(v) : fallback;
        };
        m.area = geometry_from(child(n, "area"));
        if (const YAML::Node to = child(n, "to"); to.IsScalar()) {
            m.to_class = *kernels::land_cover_from_name(to.Scalar());
        }
        m.share = number("share", m.share);
        if (const YAML::Node v = child(n, "include_roads"); v.IsScalar()) {
            m.include_roads = schema::to_boolean(v);
        }
        m.roof_runoff_coefficient = number("runoff_coefficient", m.roof_runoff_coefficient);
        switch (m.type) {
        case ModificationType::plant_trees:
            m.geometry = geometry_from(child(n, "trees"));
            m.spacing_m = number("spacing_m", m.spacing_m);
            m.crown_diameter_m = number("crown_diameter_m", m.crown_diameter_m);
            break;
        case ModificationType::new_development:
            m.building_share = number("building_share", 0.0);
            m.sealed_share = number("sealed_share", 0.0);
            m.height_m = number("height_m", 0.0);
            m.storeys = static_cast<int>(number("storeys", 0.0));
            m.building_size_m = number("building_size_m", m.building_size_m);
            m.building_type = scalar_or_empty(child(n, "building_type"));
            break;
        case ModificationType::bike_lanes:
            if (const YAML::Node ids = child(n, "way_ids"); ids.IsSequence()) {
                for (const auto& id : ids) {
                    m.way_ids.push_back(static_cast<std::int64_t>(schema::to_number(id)));
                }
            }
            m.geometry = geometry_from(child(n, "along"));
            m.buffer_m = number("buffer_m", m.buffer_m);
            m.facility = bike_lane_facility_from_name(scalar_or_empty(child(n, "facility")));
            break;
        case ModificationType::traffic_calming:
            m.car_max_speed_kmh = number("car_max_speed_kmh", m.car_max_speed_kmh);
            break;
        case ModificationType::bus_headway:
            m.headway_min = number("headway_min", 0.0);
            m.bus_lines = comma_separated(scalar_or_empty(child(n, "lines")));
            break;
        case ModificationType::ebike_ownership:
            m.ebike_zones = comma_separated(scalar_or_empty(child(n, "zones")));
            break;
        case ModificationType::heavy_rain: m.storm = storm_settings_from(child(n, "storm")); break;
        case ModificationType::hot_day: m.weather = thermal_weather_from(n); break;
        default: break;
        }
        mods.push_back(std::move(m));
    }
    return mods;
}

std::string describe(const Modification& m) {
    const auto where = [](const std::optional<GeometrySource>& g) -> std::string {
        if (!g) {
            return "all buildings";
        }
        if (g->file) {
            return g->file->filename().string() +
                   (g->where ? " where " + *g->where : std::string());
        }
        return "inline WKT";
    };
    const std::string head = std::string(modification_type_name(m.type)) + ": ";
    switch (m.type) {
    case ModificationType::unseal:
        return head + text(100.0 * m.share) + " % of the sealed ground" +
               (m.include_roads ? " and roads" : "") + " in " + where(m.area) + " -> " +
               std::string(kernels::land_cover_name(m.to_class));
    case ModificationType::green_roofs:
        return head + text(100.0 * m.share) + " % of the roofs of " + where(m.area) +
               ", runoff coefficient " + text(m.roof_runoff_coefficient);
    case ModificationType::plant_trees:
        return head + "crowns of " + text(m.crown_diameter_m) + " m at " + where(m.geometry) +
               " (every " + text(m.spacing_m) + " m along lines)";
    case ModificationType::new_development:
        return head + where(m.area) + ", " + text(100.0 * m.building_share) + " % footprint of " +
               (m.storeys > 0 ? std::to_string(m.storeys) + "-storey" : text(m.height_m) + " m") +
               " buildings, " +
               text(100.0 * m.sealed_share) + " % of the ground sealed";
    case ModificationType::keep_free:
        return head + "no buildings in " + where(m.area) + " (-> " +
               std::string(kernels::land_cover_name(m.to_class)) + ")";
    case ModificationType::bike_lanes:
        return head + std::to_string(m.way_ids.size()) + " OSM ways" +
               (m.geometry ? " and lines of " + where(m.geometry) : std::string());
    case ModificationType::traffic_calming:
        return head + text(m.car_max_speed_kmh) + " km/h in " + where(m.area);
    case ModificationType::bus_headway:
        return head + text(m.headway_min) + " min on " + bus_lines_text(m.bus_lines);
    case ModificationType::ebike_ownership: {
        std::string zones;
        for (const std::string& zone : m.ebike_zones) {
            zones += (zones.empty() ? "" : ", ") + zone;
        }
        return head + text(100.0 * m.share) + " % of the travellers" +
               (m.area ? " in the zones of " + where(m.area)
                       : (zones.empty() ? std::string() : " in zones " + zones));
    }
    case ModificationType::heavy_rain:
        return head + "storm " + std::string(storm_kind_name(m.storm.kind));
    case ModificationType::hot_day:
        return head + text(m.weather.air_temperature_c) + " degC, " +
               text(m.weather.relative_humidity_pct) + " % RH";
    }
    return head;
}

void apply_modifications(const std::vector<Modification>& mods, Scenario& scenario,
                         StudyArea& area) {
    for (const Modification& m : mods) {
        const Context c{scenario, m, area};
        switch (m.type) {
        case ModificationType::unseal: apply_unseal(c); break;
        case ModificationType::green_roofs: apply_green_roofs(c); break;
        case ModificationType::plant_trees: apply_plant_trees(c); break;
        case ModificationType::new_development: apply_new_development(c); break;
        case ModificationType::keep_free: apply_keep_free(c); break;
        case ModificationType::bike_lanes: apply_bike_lanes(c, scenario); break;
        case ModificationType::traffic_calming: apply_traffic_calming(c, scenario); break;
        case ModificationType::bus_headway:
            mobility_of(c, scenario).bus_headway_changes.push_back({m.headway_min, m.bus_lines});
            log_info(label(m) + ": bus headway " + text(m.headway_min) + " min on " +
                     bus_lines_text(m.bus_lines) + " (baseline: the line file, else " +
                     text(scenario.models.mobility.bus_headway_min) + " min)");
            break;
        case ModificationType::ebike_ownership: apply_ebike_ownership(c, scenario); break;
        case ModificationType::heavy_rain:
            scenario.models.runoff.storm = m.storm;
            log_info(label(m) + ": runoff storm replaced (" + describe(m) + ")");
            break;
        case ModificationType::hot_day:
            scenario.models.thermal.weather = m.weather;
            log_info(label(m) + ": thermal weather replaced (" + describe(m) + ")");
            break;
        }
    }
}

} // namespace lauter::sim
