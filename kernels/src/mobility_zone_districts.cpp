#include <lauter/kernels/mobility/zone_districts.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::kernels::mobility {

ZoneAreaResidents zone_area_residents(std::span<const std::uint32_t> origin_zone,
                                      std::span<const std::int32_t> origin_area,
                                      std::span<const double> origin_residents,
                                      std::size_t zone_count, std::size_t area_count) {
    const std::size_t n = origin_zone.size();
    if (origin_area.size() != n || origin_residents.size() != n) {
        throw std::invalid_argument("zone_area_residents: origin zone, area and residents differ "
                                    "in size");
    }
    ZoneAreaResidents out;
    out.zone_count = zone_count;
    out.area_count = area_count;
    out.in_area.assign(zone_count * area_count, 0.0);
    out.zone.assign(zone_count, 0.0);
    for (std::size_t o = 0; o < n; ++o) {
        const std::uint32_t z = origin_zone[o];
        const std::int32_t d = origin_area[o];
        const double r = origin_residents[o];
        if (z >= zone_count) {
            throw std::invalid_argument("zone_area_residents: origin " + std::to_string(o) +
                                        " lies in zone " + std::to_string(z) + " of only " +
                                        std::to_string(zone_count));
        }
        if (d >= 0 && static_cast<std::size_t>(d) >= area_count) {
            throw std::invalid_argument("zone_area_residents: origin " + std::to_string(o) +
                                        " lies in area " + std::to_string(d) + " of only " +
                                        std::to_string(area_count));
        }
        if (!std::isfinite(r) || r < 0.0) {
            throw std::invalid_argument("zone_area_residents: origin " + std::to_string(o) +
                                        " has negative or non-finite residents");
        }
        out.zone[z] += r;
        if (d >= 0) {
            out.in_area[z * area_count + static_cast<std::size_t>(d)] += r;
        }
    }
    return out;
}

std::vector<double> area_weighted_means(const ZoneAreaResidents& residents,
                                        std::span<const double> zone_weight,
                                        std::span<const double> zone_value) {
    const std::size_t nz = residents.zone_count;
    const std::size_t na = residents.area_count;
    if (zone_weight.size() != nz || zone_value.size() != nz) {
        throw std::invalid_argument("area_weighted_means: one weight and one value per zone are "
                                    "needed");
    }
    std::vector<double> numerator(na, 0.0);
    std::vector<double> denominator(na, 0.0);
    for (std::size_t z = 0; z < nz; ++z) {
        if (!std::isfinite(zone_value[z]) || !(residents.zone[z] > 0.0) ||
            !(zone_weight[z] > 0.0) || !std::isfinite(zone_weight[z])) {
            continue;
        }
        for (std::size_t d = 0; d < na; ++d) {
            const double w = zone_weight[z] * residents.in_area[z * na + d] / residents.zone[z];
            numerator[d] += w * zone_value[z];
            denominator[d] += w;
        }
    }
    std::vector<double> out(na, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t d = 0; d < na; ++d) {
        if (denominator[d] > 0.0) {
            out[d] = numerator[d] / denominator[d];
        }
    }
    return out;
}

} // namespace lauter::kernels::mobility
