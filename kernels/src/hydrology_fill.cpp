#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace lauter::kernels::hydrology {

namespace {

using QueuedCell = FillWorkspace::QueuedCell;

/// Heap order for a min-heap: the lowest elevation on top, ties by the lower index, so that the
/// processing order does not depend on the heap implementation.
struct HigherFirst {
    bool operator()(const QueuedCell& a, const QueuedCell& b) const noexcept {
        return a.elevation_m > b.elevation_m ||
               (a.elevation_m == b.elevation_m && a.index > b.index);
    }
};

} // namespace

bool is_outlet_cell(const CellMask& mask, std::size_t row, std::size_t col) noexcept {
    if (!mask.has_data(row, col)) {
        return false;
    }
    if (mask(row, col) == CellStatus::outlet) {
        return true;
    }
    const std::size_t rows = mask.spec().rows;
    const std::size_t cols = mask.spec().cols;
    if (row == 0 || col == 0 || row + 1 == rows || col + 1 == cols) {
        return true;
    }
    for (int k = 0; k < 8; ++k) {
        if (!mask.has_data(d8_neighbour_row(row, k), d8_neighbour_col(col, k))) {
            return true;
        }
    }
    return false;
}

FillStats fill_depressions_barnes2014(RasterView<const float> elevation_m, const CellMask& mask,
                                      RasterView<float> filled_m, FillWorkspace& workspace,
                                      const FillParams& params) {
    require_same_shape(elevation_m.spec(), mask.spec(), "fill_depressions_barnes2014");
    require_same_shape(elevation_m.spec(), filled_m.spec(), "fill_depressions_barnes2014");
    const std::size_t rows = elevation_m.rows();
    const std::size_t cols = elevation_m.cols();
    const std::size_t n = rows * cols;
    if (n >= std::numeric_limits<std::uint32_t>::max()) {
        throw std::invalid_argument("fill_depressions_barnes2014: grids of 2^32 cells or more are "
                                    "not supported");
    }
    std::vector<std::uint8_t>& closed = workspace.closed;
    std::vector<QueuedCell>& open = workspace.open;
    std::vector<std::uint32_t>& pit = workspace.pit;
    closed.assign(n, 0);
    open.clear();
    pit.clear();

    FillStats stats;
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t i = r * cols + c;
            if (!mask.has_data(i)) {
                filled_m(r, c) = no_data_value<float>;
                closed[i] = 1;
                continue;
            }
            filled_m(r, c) = elevation_m(r, c);
            if (is_outlet_cell(mask, r, c)) {
                closed[i] = 1;
                open.push_back({elevation_m(r, c), static_cast<std::uint32_t>(i)});
            }
        }
    }
    stats.seed_cells = open.size();
    std::make_heap(open.begin(), open.end(), HigherFirst{});

    const std::size_t stride = filled_m.row_stride();
    const std::array<std::ptrdiff_t, 8> flag_offset = d8_index_offsets(cols);
    const std::array<std::ptrdiff_t, 8> value_offset = d8_index_offsets(stride);
    float* const z = filled_m.data();
    const bool epsilon = params.epsilon;
    std::size_t pit_head = 0;

    // Visits one neighbour: raised into the pit queue if it cannot drain below `level`,
    // otherwise queued by its own elevation.
    auto visit = [&](std::size_t ni, float& zn, float level) {
        if (closed[ni] != 0) {
            return;
        }
        closed[ni] = 1;
        if (zn <= level) {
            zn = level;
            pit.push_back(static_cast<std::uint32_t>(ni));
        } else {
            open.push_back({zn, static_cast<std::uint32_t>(ni)});
            std::push_heap(open.begin(), open.end(), HigherFirst{});
        }
    };

    for (;;) {
        std::size_t ci = 0;
        // The pit queue comes first (Barnes et al. 2014, Algorithm 2) unless, with epsilon, its
        // front was raised above the lowest cell still in the priority queue: taking that cell
        // first keeps the processing order close to elevation order, so a flat rises by about as
        // many ULPs as its cells are steps away from the nearest outlet instead of in the order
        // the flood happened to enter it. Without epsilon the pit front is never higher.
        const bool take_pit =
            pit_head < pit.size() &&
            (open.empty() || !epsilon ||
             z[pit[pit_head] / cols * stride + pit[pit_head] % cols] <= open.front().elevation_m);
        if (take_pit) {
            ci = pit[pit_head++];
            if (pit_head == pit.size()) {
                pit.clear();
                pit_head = 0;
            }
        } else if (!open.empty()) {
            std::pop_heap(open.begin(), open.end(), HigherFirst{});
            ci = open.back().index;
            open.pop_back();
        } else {
            break;
        }
        const std::size_t r = ci / cols;
        const std::size_t c = ci - r * cols;
        float* const zc = z + r * stride + c;
        const float level =
            epsilon ? std::nextafter(*zc, std::numeric_limits<float>::infinity()) : *zc;
        if (r > 0 && c > 0 && r + 1 < rows && c + 1 < cols) {
            for (std::size_t k = 0; k < 8; ++k) {
                visit(static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ci) + flag_offset[k]),
                      zc[value_offset[k]], level);
            }
        } else {
            for (int k = 0; k < 8; ++k) {
                if (d8_inside(r, c, k, rows, cols)) {
                    const auto ku = static_cast<std::size_t>(k);
                    visit(static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ci) +
                                                   flag_offset[ku]),
                          zc[value_offset[ku]], level);
                }
            }
        }
    }

    const double cell_area_m2 = elevation_m.spec().cell_area_m2();
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            if (!mask.has_data(r, c)) {
                continue;
            }
            const double raise =
                static_cast<double>(filled_m(r, c)) - static_cast<double>(elevation_m(r, c));
            if (raise > 0.0) {
                ++stats.raised_cells;
                stats.max_raise_m = std::max(stats.max_raise_m, raise);
                stats.volume_m3 += raise * cell_area_m2;
            }
        }
    }
    return stats;
}

} // namespace lauter::kernels::hydrology
