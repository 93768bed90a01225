#pragma once
/// @file landcover.hpp
/// Land-cover classes of the study area. One class per cell (the dominant surface), plus the
/// per-class area fractions and the impervious fraction kept as separate layers, so that models
/// can use either the class (lookup tables: Manning n, cold-air production, surface temperature)
/// or the sub-cell fractions (sealing, runoff coefficients).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lauter::kernels {

/// Land-cover classes. Values are stable: they are written to results files.
enum class LandCover : std::uint8_t {
    building = 1,     ///< building footprint (roof)
    road = 2,         ///< paved traffic area: carriageways, paved paths, squares
    sealed_other = 3, ///< other sealed ground: parking, paved yards, sealed commercial ground
    railway = 4,      ///< track beds (gravel, semi-permeable)
    open_land = 5,    ///< grass, meadow, lawns, gardens, heath: unsealed, low vegetation
    trees = 6,        ///< forest, wood, tree-covered ground
    water = 7,        ///< open water: rivers, ponds, basins
    agriculture = 8,  ///< farmland, allotments, orchards, vineyards
};

inline constexpr std::size_t land_cover_class_count = 8;

inline constexpr std::array<LandCover, land_cover_class_count> all_land_cover_classes = {
    LandCover::building, LandCover::road,  LandCover::sealed_other, LandCover::railway,
    LandCover::open_land, LandCover::trees, LandCover::water,       LandCover::agriculture};

/// Stable machine names (used as scenario keys and in results files).
[[nodiscard]] constexpr std::string_view land_cover_name(LandCover c) noexcept {
    switch (c) {
    case LandCover::building: return "building";
    case LandCover::road: return "road";
    case LandCover::sealed_other: return "sealed_other";
    case LandCover::railway: return "railway";
    case LandCover::open_land: return "open_land";
    case LandCover::trees: return "trees";
    case LandCover::water: return "water";
    case LandCover::agriculture: return "agriculture";
    }
    return "unknown";
}

[[nodiscard]] constexpr std::optional<LandCover> land_cover_from_name(std::string_view name) noexcept {
    for (LandCover c : all_land_cover_classes) {
        if (land_cover_name(c) == name) {
            return c;
        }
    }
    return std::nullopt;
}

/// Index 0..7 of a class, for per-class arrays.
[[nodiscard]] constexpr std::size_t land_cover_index(LandCover c) noexcept {
    return static_cast<std::size_t>(c) - 1U;
}

/// Whether the surface of a class is sealed (impervious) as a whole.
[[nodiscard]] constexpr bool land_cover_is_sealed(LandCover c) noexcept {
    return c == LandCover::building || c == LandCover::road || c == LandCover::sealed_other;
}

} // namespace lauter::kernels
