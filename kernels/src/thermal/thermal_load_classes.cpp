// Thermal-load classes and residents per class; see thermal_load_classes.hpp.
#include <lauter/kernels/thermal/thermal_load_classes.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace lauter::kernels::thermal {

namespace {

int index_of(double value, const std::array<double, 4>& upper) noexcept {
    int k = 0;
    for (const double u : upper) {
        if (value <= u) {
            return k;
        }
        ++k;
    }
    return 4;
}

} // namespace

std::uint8_t thermal_load_class(double utci, double uhi_k, const ThermalLoadBreaks& b) noexcept {
    if (std::isnan(utci) || std::isnan(uhi_k)) {
        return 0;
    }
    const int sum = index_of(utci, b.day_utci_c) + index_of(uhi_k, b.night_uhi_k);
    return static_cast<std::uint8_t>(1 + (sum + 1) / 2);
}

void classify_thermal_load(RasterView<const float> utci, RasterView<const float> uhi,
                           RasterView<const std::uint8_t> settlement, const CellMask& mask,
                           RasterView<std::uint8_t> out, const ThermalLoadBreaks& breaks) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, utci.spec(), "classify_thermal_load (utci)");
    require_same_shape(g, uhi.spec(), "classify_thermal_load (uhi)");
    require_same_shape(g, settlement.spec(), "classify_thermal_load (settlement)");
    require_same_shape(g, out.spec(), "classify_thermal_load (output)");
    const std::size_t rows = g.rows;
    const std::size_t cols = g.cols;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            out(r, c) = (mask.has_data(r, c) && settlement(r, c) != 0)
                            ? thermal_load_class(static_cast<double>(utci(r, c)),
                                                 static_cast<double>(uhi(r, c)), breaks)
                            : std::uint8_t{0};
        }
    }
}

ResidentsByClass residents_by_class(RasterView<const std::uint8_t> load_class,
                                    RasterView<const float> residents,
                                    RasterView<const std::int32_t> district, const CellMask& mask,
                                    std::size_t district_count) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, load_class.spec(), "residents_by_class (classes)");
    require_same_shape(g, residents.spec(), "residents_by_class (residents)");
    require_same_shape(g, district.spec(), "residents_by_class (districts)");
    ResidentsByClass out;
    out.district_count = district_count;
    out.residents.assign(district_count * 5, 0.0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                continue;
            }
            const double people = static_cast<double>(residents(r, c));
            if (!(people > 0.0)) {
                continue;
            }
            const std::uint8_t k = load_class(r, c);
            const std::int32_t d = district(r, c);
            if (d >= 0 && static_cast<std::size_t>(d) >= district_count) {
                throw std::invalid_argument("residents_by_class: district id " +
                                            std::to_string(d) + " >= district count " +
                                            std::to_string(district_count));
            }
            if (k < 1 || k > 5) {
                out.unassigned += people;
                continue;
            }
            out.total[k - 1U] += people;
            if (d < 0) {
                out.unassigned += people;
                continue;
            }
            out.residents[static_cast<std::size_t>(d) * 5 + k - 1U] += people;
        }
    }
    return out;
}

} // namespace lauter::kernels::thermal
