#pragma once
/// @file neighbours.hpp
/// The one D8 neighbour table of the hydrology kernels. Direction codes 0..7 run clockwise from
/// east, with row 0 at the northern edge:
///
///     5 6 7        (-1,-1) (-1, 0) (-1,+1)
///     4 . 0        ( 0,-1)    .    ( 0,+1)
///     3 2 1        (+1,-1) (+1, 0) (+1,+1)      as (row offset, column offset)
///
/// Odd codes are diagonals. The opposite of code k is (k + 4) % 8. Ties between equally steep
/// neighbours are always broken towards the lower code, so every kernel that uses this table is
/// deterministic.

#include <lauter/kernels/grid.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace lauter::kernels::hydrology {

inline constexpr std::array<int, 8> d8_row_offset = {0, 1, 1, 1, 0, -1, -1, -1};
inline constexpr std::array<int, 8> d8_col_offset = {1, 1, 0, -1, -1, -1, 0, 1};

/// Direction code of a cell without a downslope neighbour (an outlet, or a cell on a flat).
inline constexpr std::uint8_t d8_no_direction = 255;

[[nodiscard]] constexpr bool d8_is_diagonal(int code) noexcept { return (code & 1) != 0; }
[[nodiscard]] constexpr int d8_opposite(int code) noexcept { return (code + 4) % 8; }

/// Centre-to-centre distances of the eight neighbours in metres (dx, dy or their hypotenuse).
[[nodiscard]] inline std::array<double, 8> d8_distances_m(const GridSpec& spec) noexcept {
    const double diagonal = std::hypot(spec.cell_size_x_m, spec.cell_size_y_m);
    std::array<double, 8> d{};
    for (std::size_t k = 0; k < 8; ++k) {
        if (d8_row_offset[k] != 0 && d8_col_offset[k] != 0) {
            d[k] = diagonal;
        } else {
            d[k] = d8_row_offset[k] != 0 ? spec.cell_size_y_m : spec.cell_size_x_m;
        }
    }
    return d;
}

/// Flat-index offsets of the eight neighbours in a raster with `row_stride` cells per row.
[[nodiscard]] inline std::array<std::ptrdiff_t, 8>
d8_index_offsets(std::size_t row_stride) noexcept {
    std::array<std::ptrdiff_t, 8> o{};
    const auto stride = static_cast<std::ptrdiff_t>(row_stride);
    for (std::size_t k = 0; k < 8; ++k) {
        o[k] = d8_row_offset[k] * stride + d8_col_offset[k];
    }
    return o;
}

/// Row and column of neighbour `code` of (row, col); only for neighbours inside the grid.
[[nodiscard]] inline std::size_t d8_neighbour_row(std::size_t row, int code) noexcept {
    return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(row) +
                                    d8_row_offset[static_cast<std::size_t>(code)]);
}
[[nodiscard]] inline std::size_t d8_neighbour_col(std::size_t col, int code) noexcept {
    return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(col) +
                                    d8_col_offset[static_cast<std::size_t>(code)]);
}

/// True when neighbour `code` of (row, col) lies inside a grid of `rows` x `cols` cells.
[[nodiscard]] inline bool d8_inside(std::size_t row, std::size_t col, int code, std::size_t rows,
                                    std::size_t cols) noexcept {
    const auto k = static_cast<std::size_t>(code);
    const std::ptrdiff_t r = static_cast<std::ptrdiff_t>(row) + d8_row_offset[k];
    const std::ptrdiff_t c = static_cast<std::ptrdiff_t>(col) + d8_col_offset[k];
    return r >= 0 && c >= 0 && static_cast<std::size_t>(r) < rows &&
           static_cast<std::size_t>(c) < cols;
}

} // namespace lauter::kernels::hydrology
