#pragma once
/// @file zone_districts.hpp
/// Zone values on other areas (issue 6 item 5 outputs per district): the mobility model's zones
/// (a grid or its own district file) rarely match the areas a comparison reports on, so each
/// zone's value is given to those areas in proportion to the zone's residents living in them,
/// located by their origins (residential buildings). An area's value is then the weighted mean
/// over the zones it overlaps:
///
///     value_d = sum_z w_z f_zd v_z / sum_z w_z f_zd,   f_zd = R_zd / R_z
///
/// with R_zd the residents of zone z whose origin lies in area d, R_z all residents of z, and
/// w_z the zone's weight (its trips produced for mode shares, so a district's share is that of
/// the trips its residents make; its residents for accessibility shares, giving the share of
/// the district's residents). The rule assumes that a zone's value holds for each of its
/// residents alike: a zone split by a district border gives both parts the zone's value.
/// Summed over all areas plus the residents outside every area, the weights reproduce the
/// zone totals, so the areas are consistent with the city-wide value.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lauter::kernels::mobility {

/// R_zd and R_z of the formula above.
struct ZoneAreaResidents {
    std::size_t zone_count = 0;
    std::size_t area_count = 0;
    std::vector<double> in_area; ///< R_zd at z * area_count + d
    std::vector<double> zone;    ///< R_z (all origins of the zone, inside an area or not)
};

/// Residents per zone and area from the origins. `origin_area` < 0: the origin lies in no area
/// (it still counts in R_z). Sums run in origin order. Throws std::invalid_argument on size
/// mismatches, zones or areas out of range and negative or non-finite residents.
[[nodiscard]] ZoneAreaResidents zone_area_residents(std::span<const std::uint32_t> origin_zone,
                                                    std::span<const std::int32_t> origin_area,
                                                    std::span<const double> origin_residents,
                                                    std::size_t zone_count,
                                                    std::size_t area_count);

/// value_d for every area (NaN where no weight falls into the area). Zones with a non-finite
/// value, no residents or a non-positive weight are left out. `zone_weight` and `zone_value`
/// have one entry per zone; throws std::invalid_argument otherwise.
[[nodiscard]] std::vector<double> area_weighted_means(const ZoneAreaResidents& residents,
                                                      std::span<const double> zone_weight,
                                                      std::span<const double> zone_value);

} // namespace lauter::kernels::mobility
