// Cold-air production per cell from land cover and sub-cell fractions; see production.hpp.
#include <lauter/kernels/coldair/production.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace lauter::kernels::coldair {

ProductionTable default_production_table() noexcept {
    ProductionTable t;
    t.set(LandCover::building, 0.0);
    t.set(LandCover::road, 0.0);
    t.set(LandCover::sealed_other, 0.0);
    t.set(LandCover::railway, 0.0);
    t.set(LandCover::open_land, 10.0);
    t.set(LandCover::trees, 1.0);
    t.set(LandCover::water, 0.0);
    t.set(LandCover::agriculture, 10.0);
    return t;
}

void validate(const ProductionTable& table) {
    std::string bad;
    for (LandCover c : all_land_cover_classes) {
        const double p = table.rate(c);
        if (!std::isfinite(p) || p < 0.0) {
            bad += (bad.empty() ? "" : ", ") + std::string(land_cover_name(c)) + " = " +
                   std::to_string(p);
        }
    }
    if (!bad.empty()) {
        throw std::invalid_argument("cold-air production table: rates must be finite and >= 0 "
                                    "m^3/(m^2 h); invalid: " + bad);
    }
}

double cell_production_m3_per_m2_h(const ProductionTable& table, LandCover c,
                                   double impervious_fraction, double canopy_fraction) noexcept {
    if (c == LandCover::building) {
        return table.rate(LandCover::building);
    }
    const double phi = std::clamp(impervious_fraction, 0.0, 1.0);
    const double kappa = std::min(std::clamp(canopy_fraction, 0.0, 1.0), 1.0 - phi);
    return phi * table.rate(LandCover::sealed_other) + kappa * table.rate(LandCover::trees) +
           (1.0 - phi - kappa) * table.rate(c);
}

namespace {

bool is_land_cover(std::uint8_t v) noexcept {
    return v >= 1U && v <= static_cast<std::uint8_t>(land_cover_class_count);
}

bool is_fraction(float v) noexcept { return std::isfinite(v) && v >= 0.0F && v <= 1.0F; }

} // namespace

void compute_production(RasterView<const std::uint8_t> land_cover, const CellMask& mask,
                        const ProductionTable& table, const ProductionFractions& fractions,
                        RasterView<float> production_m3_per_m2_h) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, land_cover.spec(), "compute_production (land cover)");
    require_same_shape(g, production_m3_per_m2_h.spec(), "compute_production (output)");
    const bool has_phi = fractions.impervious_fraction.data() != nullptr;
    const bool has_kappa = fractions.canopy_fraction.data() != nullptr;
    if (has_phi) {
        require_same_shape(g, fractions.impervious_fraction.spec(),
                           "compute_production (impervious fraction)");
    }
    if (has_kappa) {
        require_same_shape(g, fractions.canopy_fraction.spec(),
                           "compute_production (canopy fraction)");
    }
    validate(table);
    // Input checks first, serially, so that the message names the first bad cell in row order.
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                continue;
            }
            const auto where = " at row " + std::to_string(r) + ", column " + std::to_string(c);
            if (!is_land_cover(land_cover(r, c))) {
                throw std::invalid_argument("compute_production: land-cover value " +
                                            std::to_string(land_cover(r, c)) +
                                            " is not a class" + where);
            }
            if ((has_phi && !is_fraction(fractions.impervious_fraction(r, c))) ||
                (has_kappa && !is_fraction(fractions.canopy_fraction(r, c)))) {
                throw std::invalid_argument("compute_production: impervious or canopy fraction "
                                            "outside [0, 1]" + where);
            }
        }
    }
    const auto rows = static_cast<std::ptrdiff_t>(g.rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t ri = 0; ri < rows; ++ri) {
        const auto r = static_cast<std::size_t>(ri);
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                production_m3_per_m2_h(r, c) = no_data_value<float>;
                continue;
            }
            const auto cls = static_cast<LandCover>(land_cover(r, c));
            const double phi =
                has_phi ? static_cast<double>(fractions.impervious_fraction(r, c)) : 0.0;
            const double kappa =
                has_kappa ? static_cast<double>(fractions.canopy_fraction(r, c)) : 0.0;
            production_m3_per_m2_h(r, c) =
                static_cast<float>(cell_production_m3_per_m2_h(table, cls, phi, kappa));
        }
    }
}

} // namespace lauter::kernels::coldair
