#pragma once
/// @file residents.hpp
/// Residents estimated from OSM buildings: the one estimator of the thermal model (residents
/// per thermal-load class) and the mobility model (trip origins). Scenario keys: the same three
/// keys in `models.thermal.residents` and `models.mobility.residents` (residents_schema_keys).
///
/// Rule (docs/thermal-comfort.md, "Residents"), per building painted on the grid:
/// 1. Residential building types count: the OSM wiki's residential building values (apartments,
///    bungalow, detached, dormitory, farm, house, residential, semidetached_house, terrace,
///    static_caravan, houseboat; https://wiki.openstreetmap.org/wiki/Key:building).
/// 2. building=yes (no use tagged: 85 % of the Kaiserslautern extract's buildings) counts only on
///    residential or unmapped land: where the site (OsmBuilding::site) is landuse=residential or
///    no landuse/amenity area is mapped. On industrial, commercial, retail, military, railway,
///    allotment, ... land and on amenity sites (university, school, hospital, parking, ...) it
///    is taken for a non-residential building. This is the filter of the GOAT accessibility
///    tool's population disaggregation (Pajares et al. 2021, ISPRS Int. J. Geo-Inf. 10(10), 662:
///    "potentially residential" building=yes, OSM landuse and amenity values "without
///    residents"), reduced to what lauter reads from OSM.
/// 3. Every other building value (garage, shed, commercial, industrial, retail, office, school,
///    church, university, ...) has no residents.
/// 4. Footprints below min_footprint_m2 have no residents (untagged garages and sheds; the same
///    GOAT filter has such a minimum building size).
/// Residents of a counted building = footprint area x height / building_m3_per_resident. A
/// building without any cell (building_id; demolished by a measure, or smaller than about half
/// a cell and sharing its cell with a larger one) has none.

#include <lauter/kernels/grid.hpp>
#include <lauter/sim/osm_landcover.hpp>
#include <lauter/sim/schema.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace lauter::sim {

struct ResidentsParams {
    /// Gross building volume per resident (m^3): 47.4 m^2 living space per resident (Destatis,
    /// Germany 2022, "Wohnflaeche je Einwohner") / 0.8 living space per gross floor area (a
    /// planning rule of thumb, lauter's choice) x 3.0 m gross storey height
    /// (OsmLandCoverParams::storey_height_m) = 177.75 m^3 (computed).
    double building_m3_per_resident = 177.75;
    /// Buildings with a smaller footprint (m^2) have no residents: 30 m^2, lauter's choice
    /// above a double garage (2 x 3 m x 6 m = 36 m^2 is kept, single garages and sheds are not)
    /// and below the smallest detached house (about 50 m^2 of footprint).
    double min_footprint_m2 = 30.0;
    /// If > 0, the residents are scaled to this total (e.g. the official population of the
    /// study area); 0: the volume estimate stands.
    double total = 0.0;

    bool operator==(const ResidentsParams&) const = default;
};

/// Whether the OSM building value is a residential building type (rule 1 above).
[[nodiscard]] bool is_residential_building_type(const std::string& building_type);

/// Whether a building counts as housing residents (rules 1-4 above, without the cell test).
[[nodiscard]] bool counts_as_residential(const OsmBuilding& building,
                                         const ResidentsParams& params);

/// Residents per building of the land cover (entry i for building id i + 1), unscaled: 0 for
/// buildings that do not count or own no cell.
struct BuildingResidents {
    std::vector<double> residents;
    std::size_t buildings_counted = 0; ///< buildings with residents > 0
    double total = 0.0;                ///< sum of `residents`
};

[[nodiscard]] BuildingResidents estimate_building_residents(const OsmLandCover& land_cover,
                                                            const ResidentsParams& params);

/// Residents per cell on the active cells of `mask` (0 elsewhere): each building's residents
/// spread evenly over the cells it owns (OsmLandCover::building_id).
[[nodiscard]] kernels::Raster<float> residents_per_cell(const OsmLandCover& land_cover,
                                                        const BuildingResidents& residents,
                                                        const kernels::CellMask& mask);

/// Factor that scales `estimated_total` residents to params.total (1 if total is 0).
[[nodiscard]] double residents_scale_factor(const ResidentsParams& params,
                                            double estimated_total);

/// One line describing the estimate, for results attributes and logs.
[[nodiscard]] std::string residents_estimate_note(const ResidentsParams& params);

/// Schema keys building_m3_per_resident, min_footprint_m2 and total (defaults from
/// ResidentsParams), shared by models.thermal.residents and models.mobility.residents.
[[nodiscard]] std::vector<schema::KeySpec> residents_schema_keys();

/// Typed parameters from a resolved `residents` mapping holding residents_schema_keys().
[[nodiscard]] ResidentsParams residents_params_from(const YAML::Node& residents);

} // namespace lauter::sim
