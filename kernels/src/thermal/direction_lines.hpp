#pragma once
// Private to kernels/src/thermal: the family of parallel digital lines that covers a grid along
// one horizontal direction, shared by the horizon (sky view factor) and shadow sweeps.
//
// Geometry: along azimuth phi (clockwise from north) one metre moves sin(phi)/dx columns and
// -cos(phi)/dy rows. The axis with the larger rate is the major axis: every step moves exactly
// one cell along it and k = minor rate / major rate (|k| <= 1) cells along the other. Line j
// holds the cells (major = start + sign * s, minor = j + floor(k * s + 0.5)) for step index
// s = 0, 1, ...: for each s the map j -> j + round(k s) is a bijection on the integers, so every
// cell lies on exactly one line (the lines of a direction partition the grid), and cells along a
// line are step_m metres apart along the direction. The lateral offset of a cell from the exact
// straight line is at most half a cell (Bresenham 1965 style rounding).

#include <lauter/kernels/grid.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

namespace lauter::kernels::thermal::detail {

class DirectionLines {
public:
    DirectionLines(const GridSpec& g, double azimuth_deg) : rows_(g.rows), cols_(g.cols) {
        const double a = azimuth_deg * std::numbers::pi / 180.0;
        const double col_per_m = std::sin(a) / g.cell_size_x_m;
        const double row_per_m = -std::cos(a) / g.cell_size_y_m;
        x_major_ = std::abs(col_per_m) >= std::abs(row_per_m);
        const double major = x_major_ ? col_per_m : row_per_m;
        const double minor = x_major_ ? row_per_m : col_per_m;
        major_sign_ = major >= 0.0 ? 1 : -1;
        k_ = minor / std::abs(major);
        step_m_ = 1.0 / std::abs(major);
        major_len_ = x_major_ ? cols_ : rows_;
        minor_len_ = x_major_ ? rows_ : cols_;
        offsets_.resize(major_len_);
        for (std::size_t s = 0; s < major_len_; ++s) {
            offsets_[s] = static_cast<std::int64_t>(std::floor(k_ * static_cast<double>(s) + 0.5));
        }
        const auto [lo, hi] = std::minmax_element(offsets_.begin(), offsets_.end());
        min_offset_ = *lo;
        max_offset_ = *hi;
    }

    /// Distance (m) between consecutive cells of a line, measured along the direction.
    [[nodiscard]] double step_m() const noexcept { return step_m_; }
    [[nodiscard]] std::size_t max_line_length() const noexcept { return major_len_; }
    [[nodiscard]] std::size_t line_count() const noexcept {
        return static_cast<std::size_t>(static_cast<std::int64_t>(minor_len_) + max_offset_ -
                                        min_offset_);
    }

    /// Stores the rows and columns of the cells of line `line` (both vectors cleared first), in
    /// the order of increasing s, i.e. moving along the azimuth.
    void cells_of(std::size_t line, std::vector<std::size_t>& rows,
                  std::vector<std::size_t>& cols) const {
        rows.clear();
        cols.clear();
        const std::int64_t j = static_cast<std::int64_t>(line) - max_offset_;
        const auto minor_len = static_cast<std::int64_t>(minor_len_);
        // offsets_ is monotone in s, so the steps inside the grid form one contiguous range.
        std::size_t begin = 0;
        std::size_t end = major_len_;
        if (k_ >= 0.0) {
            begin = static_cast<std::size_t>(
                std::lower_bound(offsets_.begin(), offsets_.end(), -j) - offsets_.begin());
            end = static_cast<std::size_t>(
                std::upper_bound(offsets_.begin(), offsets_.end(), minor_len - 1 - j) -
                offsets_.begin());
        } else {
            begin = static_cast<std::size_t>(
                std::lower_bound(offsets_.begin(), offsets_.end(), minor_len - 1 - j,
                                 [](std::int64_t a, std::int64_t b) { return a > b; }) -
                offsets_.begin());
            end = static_cast<std::size_t>(
                std::upper_bound(offsets_.begin(), offsets_.end(), -j,
                                 [](std::int64_t a, std::int64_t b) { return a > b; }) -
                offsets_.begin());
        }
        for (std::size_t s = begin; s < end; ++s) {
            const auto minor = static_cast<std::size_t>(j + offsets_[s]);
            const std::size_t major =
                major_sign_ > 0 ? s : major_len_ - 1 - s;
            rows.push_back(x_major_ ? minor : major);
            cols.push_back(x_major_ ? major : minor);
        }
    }

private:
    std::size_t rows_;
    std::size_t cols_;
    bool x_major_ = true;
    int major_sign_ = 1;
    double k_ = 0.0;
    double step_m_ = 1.0;
    std::size_t major_len_ = 0;
    std::size_t minor_len_ = 0;
    std::vector<std::int64_t> offsets_;
    std::int64_t min_offset_ = 0;
    std::int64_t max_offset_ = 0;
};

} // namespace lauter::kernels::thermal::detail
