#pragma once
/// @file thermal_load_classes.hpp
/// Five thermal-load classes for settlement cells from day UTCI and the night heat island, and
/// residents per class and district.
///
/// Day index 0..4 from UTCI with the heat-stress breaks of the UTCI assessment scale (Bröde et
/// al. 2012, Table 1): <= 26 (no heat stress), 26-32 moderate, 32-38 strong, 38-46 very strong,
/// > 46 extreme. Night index 0..4 from the night heat island (K) with breaks 1, 2, 3, 4 K: our
/// choice. No published German city-climate map with four numeric heat-island breaks in K was
/// found: VDI 3787 Blatt 1 could not be checked, the planning maps found (Cologne, Düsseldorf)
/// class the night descriptively or by z-scores relative to the city, and the pages of the NRW
/// climate analysis give no limits. The only absolute classes in K are station indicators of
/// climate-impact monitoring (LANUV NRW indicator 7.3 "Wärmeinsel-Intensität": daily maximum UHI
/// above 1 up to 3 K, above 3 up to 6 K, above 6 K; LAU Sachsen-Anhalt: 1-3, 4-6, above 6 K):
/// three classes, where four breaks are needed here. docs/thermal-comfort.md lists the search.
/// Class = 1 + ceil((day + night) / 2): 1 very low, 2 low, 3 moderate, 4 high, 5 very high. A cell is "very high" only when day and night together are
/// at least 7 of 8 index steps. All breaks are parameters.

#include <lauter/kernels/grid.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace lauter::kernels::thermal {

struct ThermalLoadBreaks {
    /// Upper limits of day index 0..3 (°C UTCI; Bröde et al. 2012).
    std::array<double, 4> day_utci_c{26.0, 32.0, 38.0, 46.0};
    /// Upper limits of night index 0..3 (K of night heat island; our choice, see file comment).
    std::array<double, 4> night_uhi_k{1.0, 2.0, 3.0, 4.0};
};

/// 1..5 from day UTCI and night UHI; 0 when either is NaN.
[[nodiscard]] std::uint8_t thermal_load_class(double utci_c, double uhi_k,
                                              const ThermalLoadBreaks& breaks = {}) noexcept;

/// Class per active cell (0 elsewhere and where `settlement` is 0). OpenMP over rows.
void classify_thermal_load(RasterView<const float> utci_c, RasterView<const float> uhi_night_k,
                           RasterView<const std::uint8_t> settlement, const CellMask& mask,
                           RasterView<std::uint8_t> load_class,
                           const ThermalLoadBreaks& breaks = {});

/// Residents per district and class as plain arrays: residents[district * 5 + class - 1].
struct ResidentsByClass {
    std::size_t district_count = 0;
    std::vector<double> residents;          ///< district-major, five classes per district
    std::array<double, 5> total{};          ///< all districts
    double unassigned = 0.0;                ///< residents in class-0 cells or without district
    [[nodiscard]] double at(std::size_t district, std::uint8_t load_class) const {
        return residents.at(district * 5 + static_cast<std::size_t>(load_class) - 1U);
    }
};

/// Sums `residents` (per cell, NaN/negative treated as 0) by `district` id (0..district_count-1;
/// negative = outside every district) and class. Serial in a fixed order: the sums are
/// independent of any thread count. Throws std::invalid_argument on a shape mismatch or a
/// district id >= district_count.
[[nodiscard]] ResidentsByClass residents_by_class(RasterView<const std::uint8_t> load_class,
                                                  RasterView<const float> residents,
                                                  RasterView<const std::int32_t> district,
                                                  const CellMask& mask,
                                                  std::size_t district_count);

} // namespace lauter::kernels::thermal
