// Residents from OSM buildings; see residents.hpp for the rule and its sources.
#include <lauter/sim/residents.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace lauter::sim {

namespace {

/// Residential values of the OSM building key (OSM wiki, Key:building, "Accommodation").
constexpr std::array<std::string_view, 11> residential_types = {
    "apartments", "bungalow",           "detached", "dormitory",      "farm",      "house",
    "houseboat",  "residential",        "semidetached_house", "static_caravan", "terrace"};

/// Sites on which a building tagged only building=yes is taken for a home.
bool residential_site(const std::string& site) {
    return site.empty() || site == "landuse=residential";
}

} // namespace

bool is_residential_building_type(const std::string& building_type) {
    return std::find(residential_types.begin(), residential_types.end(), building_type) !=
           residential_types.end();
}

bool counts_as_residential(const OsmBuilding& building, const ResidentsParams& params) {
    if (!(building.footprint_area_m2 >= params.min_footprint_m2)) {
        return false;
    }
    if (is_residential_building_type(building.building_type)) {
        return true;
    }
    return building.building_type == "yes" && residential_site(building.site);
}

BuildingResidents estimate_building_residents(const OsmLandCover& land_cover,
                                              const ResidentsParams& params) {
    BuildingResidents out;
    out.residents.assign(land_cover.buildings.size(), 0.0);
    for (std::size_t b = 0; b < land_cover.buildings.size(); ++b) {
        const OsmBuilding& building = land_cover.buildings[b];
        if (building.cells <= 0 || !counts_as_residential(building, params)) {
            continue;
        }
        const double volume_m3 =
            building.footprint_area_m2 * static_cast<double>(building.height_m);
        if (!(volume_m3 > 0.0) || !std::isfinite(volume_m3)) {
            continue;
        }
        out.residents[b] = volume_m3 / params.building_m3_per_resident;
        out.total += out.residents[b];
        ++out.buildings_counted;
    }
    return out;
}

kernels::Raster<float> residents_per_cell(const OsmLandCover& land_cover,
                                          const BuildingResidents& residents,
                                          const kernels::CellMask& mask) {
    const kernels::GridSpec& g = mask.spec();
    kernels::Raster<float> out(g, 0.0F);
    for (std::size_t i = 0; i < g.cell_count(); ++i) {
        const std::int32_t id = land_cover.building_id[i];
        if (id <= 0 || !mask.has_data(i)) {
            continue;
        }
        const auto b = static_cast<std::size_t>(id - 1);
        out[i] = static_cast<float>(residents.residents[b] /
                                    static_cast<double>(land_cover.buildings[b].cells));
    }
    return out;
}

double residents_scale_factor(const ResidentsParams& params, double estimated_total) {
    return params.total > 0.0 && estimated_total > 0.0 ? params.total / estimated_total : 1.0;
}

std::string residents_estimate_note(const ResidentsParams& params) {
    std::string note = "estimated from OSM building volume at " +
                       schema::format_number(params.building_m3_per_resident) +
                       " m3 per resident: residential building types, and building=yes on "
                       "residential or unmapped land, with footprints of at least " +
                       schema::format_number(params.min_footprint_m2) + " m2";
    if (params.total > 0.0) {
        note += "; scaled to " + schema::format_number(params.total) + " residents";
    }
    return note;
}

std::vector<schema::KeySpec> residents_schema_keys() {
    using namespace schema;
    const ResidentsParams d;
    return {
        number_key("building_m3_per_resident",
                   "gross building volume per resident: 47.4 m2 living space per resident "
                   "(Destatis, Germany 2022) / 0.8 living space per gross floor area (rule of "
                   "thumb) x 3.0 m storey height = 177.75 m3. Residential buildings: OSM "
                   "building values apartments, bungalow, detached, dormitory, farm, house, "
                   "houseboat, residential, semidetached_house, static_caravan, terrace, and "
                   "building=yes on landuse=residential or on land without a landuse or "
                   "amenity area (docs/thermal-comfort.md)")
            .with_unit("m3")
            .with_range(1.0, 10000.0)
            .with_default(format_number(d.building_m3_per_resident)),
        number_key("min_footprint_m2",
                   "buildings with a smaller footprint have no residents (garages, sheds; "
                   "lauter's choice: 30 m2)")
            .with_unit("m2")
            .with_range(0.0, 10000.0)
            .with_default(format_number(d.min_footprint_m2)),
        number_key("total", "if > 0, scale the residents to this total (e.g. the official "
                            "population of the study area)")
            .with_range(0.0, 1e8)
            .with_default(format_number(d.total)),
    };
}

ResidentsParams residents_params_from(const YAML::Node& residents) {
    ResidentsParams p;
    p.building_m3_per_resident =
        schema::to_number(schema::child(residents, "building_m3_per_resident"));
    p.min_footprint_m2 = schema::to_number(schema::child(residents, "min_footprint_m2"));
    p.total = schema::to_number(schema::child(residents, "total"));
    return p;
}

} // namespace lauter::sim
