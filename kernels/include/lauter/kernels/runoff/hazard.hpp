#pragma once
/// @file hazard.hpp
/// Flood hazard classes from depth D (m), speed V (m/s) and their product D x V (m^2/s): the
/// combined hazard curves H1-H6 of Smith, Davey & Cox (2014, "Flood Hazard", UNSW Water Research
/// Laboratory Technical Report 2014/07), adopted in Australian Rainfall and Runoff 2019
/// (Ball et al. (eds.), Book 6 "Flood Hydraulics", Chapter 7 "Safety Design Criteria", the
/// hazard vulnerability classification table). A class holds while all three of its limits hold;
/// a cell is in the lowest class whose limits it meets:
///
///     class  D x V limit   D limit   V limit   vulnerability (ARR 2019)
///     H1     <= 0.3        <= 0.3    <= 2.0    generally safe for vehicles, people, buildings
///     H2     <= 0.6        <= 0.5    <= 2.0    unsafe for small vehicles
///     H3     <= 0.6        <= 1.2    <= 2.0    unsafe for vehicles, children and the elderly
///     H4     <= 1.0        <= 2.0    <= 2.0    unsafe for vehicles and people
///     H5     <= 4.0        <= 4.0    <= 4.0    also: all buildings vulnerable to structural
///                                              damage, some less robust types to failure
///     H6     any larger                        also: all building types vulnerable to failure
///
/// The same classes are the flood hazard curves of the Australian Institute for Disaster
/// Resilience, Guideline 7-3 "Flood Hazard" (AIDR 2017).
///
/// Source check: the numeric limits agree, class by class, with an independent public encoding
/// of the same curves: Geoscience Australia's `compute_flood_hazard_categories.R` (repository
/// GeoscienceAustralia/ptha, NSW tsunami inundation work), which implements Figure 1 of the NSW
/// "Flood risk management guideline FB03" (2023): D x V breaks 0.3 / 0.6 / 0.6 / 1.0 / 4.0,
/// depth breaks 0.3 / 0.5 / 1.2 / 2.0 / 4.0 m, speed breaks 2.0 / 4.0 m/s. The texts of ARR,
/// AIDR 7-3 and Smith et al. (2014) themselves were not available here. The limits live in
/// HazardThresholds so that they can be changed in one place.
///
/// Use on event maxima. Classifying the maximum depth, maximum speed and maximum D x V of an
/// event (each possibly from a different time) is at least as severe as the worst class over
/// time, since each limit is checked against an upper bound of its quantity; event.hpp keeps
/// max_t(D V) separately so that the product limit is not checked against max D x max V.
///
/// Cells whose depth does not exceed HazardParams::dry_depth_m are "dry" (class 0), so that a
/// rain film does not paint the whole map H1.

#include <lauter/kernels/grid.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lauter::kernels::runoff {

/// Hazard class; values are stable (written to results files).
enum class HazardClass : std::uint8_t {
    dry = 0, ///< depth at or below the dry depth (or a no-data cell in rasters)
    h1 = 1,
    h2 = 2,
    h3 = 3,
    h4 = 4,
    h5 = 5,
    h6 = 6,
};

/// Stable name: "dry", "H1" .. "H6".
[[nodiscard]] std::string_view hazard_class_name(HazardClass hazard) noexcept;

/// The limits of one class (a cell meets the class when D <= depth, V <= speed and D V <= product).
struct HazardLimits {
    double depth_m = 0.0;
    double speed_m_per_s = 0.0;
    double depth_speed_m2_per_s = 0.0;
};

/// The limits of H1 .. H5 (H6 has none); defaults: the table of the file comment.
struct HazardThresholds {
    std::array<HazardLimits, 5> limits{{
        {0.3, 2.0, 0.3},
        {0.5, 2.0, 0.6},
        {1.2, 2.0, 0.6},
        {2.0, 2.0, 1.0},
        {4.0, 4.0, 4.0},
    }};
};

/// Parameters of the classification.
struct HazardParams {
    HazardThresholds thresholds{};
    /// Depths at or below this (m, >= 0) count as dry. 0.01 m: the same modelling choice as
    /// RunoffEventParams::velocity_depth_threshold_m (below it no velocity is evaluated).
    double dry_depth_m = 0.01;
};

/// Throws std::invalid_argument unless every limit is finite and > 0, the limits do not
/// decrease from H1 to H5, and dry_depth_m is finite and >= 0.
void validate(const HazardParams& params);

/// The class of one cell from its depth (m), speed (m/s) and depth-speed product (m^2/s).
/// Not-a-number inputs give the class of the other inputs with NaN treated as 0.
[[nodiscard]] HazardClass classify_hazard(double depth_m, double speed_m_per_s,
                                          double depth_speed_m2_per_s,
                                          const HazardParams& params = {}) noexcept;

/// Classifies every cell with data (no-data cells: HazardClass::dry, i.e. 0). The float values
/// are compared with the limits rounded to float (a stored 0.3F is at the limit 0.3). Throws
/// std::invalid_argument if shapes differ or the parameters are invalid. OpenMP over rows, each
/// cell independent: identical for any thread count.
void classify_hazard(RasterView<const float> max_depth_m, RasterView<const float> max_speed_m_per_s,
                     RasterView<const float> max_depth_speed_m2_per_s, const CellMask& mask,
                     RasterView<std::uint8_t> hazard_class, const HazardParams& params = {});

/// Number of cells with data per class (index = class value, 0 .. 6) of a class raster.
[[nodiscard]] std::array<std::size_t, 7> count_hazard_classes(
    RasterView<const std::uint8_t> hazard_class, const CellMask& mask);

} // namespace lauter::kernels::runoff
