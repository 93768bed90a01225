// Priority-Flood with a monotone radix heap (see fill.hpp, fill_depressions).
#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace lauter::kernels::hydrology {

namespace {

using KeyedCell = FillWorkspace::KeyedCell;

/// Order-preserving image of a float in the unsigned integers: a < b (as floats, no NaN) implies
/// key(a) < key(b). Positive floats get the sign bit set, negative ones are inverted, and -0.0 is
/// mapped to the key of +0.0 because the two compare equal.
inline std::uint32_t float_key(float value) noexcept {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(value == 0.0F ? 0.0F : value);
    return (bits & 0x80000000U) != 0U ? ~bits : bits | 0x80000000U;
}

/// Monotone radix heap (Ahuja et al. 1990) over float keys, stored in the caller's workspace.
/// Valid while every pushed key is >= the last popped key, which Priority-Flood guarantees.
class RadixHeap {
public:
    RadixHeap(std::array<std::vector<KeyedCell>, 33>& buckets, std::vector<KeyedCell>& spare)
        : buckets_(buckets), spare_(spare) {
        for (auto& b : buckets_) {
            b.clear();
        }
    }

    void push(float elevation_m, std::uint32_t index) {
        const std::uint32_t key = float_key(elevation_m);
        buckets_[bucket_of(key)].push_back({key, index});
        ++size_;
    }

    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    /// Removes one cell with the smallest key and returns its index (heap must not be empty).
    std::uint32_t pop() {
        if (buckets_[0].empty()) {
            std::size_t b = 1;
            while (buckets_[b].empty()) {
                ++b;
            }
            // Swapped out first so that the loop below never appends to the vector it reads.
            spare_.clear();
            spare_.swap(buckets_[b]);
            std::uint32_t smallest = std::numeric_limits<std::uint32_t>::max();
            for (const KeyedCell& q : spare_) {
                smallest = std::min(smallest, q.key);
            }
            last_ = smallest;
            // Every cell of bucket b shares the bits above b - 1 with the new minimum, so it
            // lands in a lower bucket: each cell moves down, at most 32 times in all. (Only an
            // elevation of NaN, which sim/ never passes as data, could break the monotony; it
            // then costs order, not memory safety.)
            for (const KeyedCell& q : spare_) {
                buckets_[bucket_of(q.key)].push_back(q);
            }
        }
        const std::uint32_t index = buckets_[0].back().index;
        buckets_[0].pop_back();
        --size_;
        return index;
    }

private:
    [[nodiscard]] std::size_t bucket_of(std::uint32_t key) const noexcept {
        return key == last_ ? 0U : static_cast<std::size_t>(32 - std::countl_zero(key ^ last_));
    }

    std::array<std::vector<KeyedCell>, 33>& buckets_;
    std::vector<KeyedCell>& spare_;
    std::uint32_t last_ = 0;
    std::size_t size_ = 0;
};

constexpr std::uint8_t flag_closed = 1;
constexpr std::uint8_t flag_edge = 2; ///< on the grid edge: neighbours need a bounds check

/// Copies the input into the working surface, closes no-data cells and queues the outlets of
/// fill.hpp: grid edge, next to a no-data cell, or CellStatus::outlet. Returns the seed count.
std::size_t seed_outlets(RasterView<const float> elevation_m, const CellMask& mask, float* z,
                         std::vector<std::uint8_t>& flags, RadixHeap& heap) {
    const std::size_t rows = elevation_m.rows();
    const std::size_t cols = elevation_m.cols();
    const std::size_t n = rows * cols;
    flags.assign(n, 0);
    const CellStatus* status = mask.raster().data();
    std::vector<std::uint8_t> seed(n, 0);
    for (std::size_t r = 0; r < rows; ++r) {
        const float* in = elevation_m.data() + r * elevation_m.row_stride();
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t i = r * cols + c;
            const bool edge = r == 0 || c == 0 || r + 1 == rows || c + 1 == cols;
            if (status[i] == CellStatus::no_data) {
                z[i] = no_data_value<float>;
                flags[i] = flag_closed;
                // A no-data cell makes its data neighbours outlets.
                for (int k = 0; k < 8; ++k) {
                    if (!edge || d8_inside(r, c, k, rows, cols)) {
                        seed[d8_neighbour_row(r, k) * cols + d8_neighbour_col(c, k)] = 1;
                    }
                }
                continue;
            }
            z[i] = in[c];
            flags[i] = edge ? flag_edge : std::uint8_t{0};
            if (edge || status[i] == CellStatus::outlet) {
                seed[i] = 1;
            }
        }
    }
    std::size_t seeds = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (seed[i] != 0 && status[i] != CellStatus::no_data) {
            flags[i] |= flag_closed;
            heap.push(z[i], static_cast<std::uint32_t>(i));
            ++seeds;
        }
    }
    return seeds;
}

/// Calls visit(code, neighbour index) for the neighbours of cell i inside the grid.
template <typename Visit>
inline void for_neighbours(std::size_t i, std::uint8_t flags_i, std::size_t cols,
                           std::size_t rows, const std::array<std::ptrdiff_t, 8>& offset,
                           Visit&& visit) {
    if ((flags_i & flag_edge) == 0) {
        for (unsigned k = 0; k < 8; ++k) {
            visit(k, static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) + offset[k]));
        }
        return;
    }
    const std::size_t r = i / cols;
    const std::size_t c = i - r * cols;
    for (unsigned k = 0; k < 8; ++k) {
        if (d8_inside(r, c, static_cast<int>(k), rows, cols)) {
            visit(k, static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) + offset[k]));
        }
    }
}

} // namespace

FillStats fill_depressions(RasterView<const float> elevation_m, const CellMask& mask,
                           RasterView<float> filled_m, FillWorkspace& workspace,
                           const FillParams& params) {
    require_same_shape(elevation_m.spec(), mask.spec(), "fill_depressions");
    require_same_shape(elevation_m.spec(), filled_m.spec(), "fill_depressions");
    const std::size_t rows = elevation_m.rows();
    const std::size_t cols = elevation_m.cols();
    const std::size_t n = rows * cols;
    if (n >= std::numeric_limits<std::uint32_t>::max()) {
        throw std::invalid_argument("fill_depressions: grids of 2^32 cells or more are not "
                                    "supported");
    }
    // Work on a contiguous surface so that neighbours are fixed index offsets: the output itself
    // when it is not strided, a workspace copy otherwise.
    const bool contiguous = filled_m.row_stride() == cols;
    if (!contiguous) {
        workspace.surface.resize(n);
    }
    float* const z = contiguous ? filled_m.data() : workspace.surface.data();
    std::vector<std::uint8_t>& flags = workspace.closed;
    std::vector<std::uint32_t>& pit = workspace.pit;
    pit.clear();
    RadixHeap heap(workspace.buckets, workspace.spare);

    FillStats stats;
    stats.seed_cells = seed_outlets(elevation_m, mask, z, flags, heap);
    const std::array<std::ptrdiff_t, 8> offset = d8_index_offsets(cols);

    if (!params.epsilon) {
        // Barnes et al. (2014), Algorithm 2, with the radix heap: a neighbour at or below the
        // current level is raised to it and expanded through the pit stack before the next
        // heap cell. A higher neighbour keeps its own elevation, which is final. Following Zhou,
        // Sun & Fu (2016, "An efficient variant of the Priority-Flood algorithm for filling
        // depressions in raster digital elevation models", Computers & Geosciences 90, 87-96)
        // such a slope cell skips the heap when no open neighbour lies below it: then every open
        // neighbour is at or above it, so their final value is their own elevation whatever
        // path reaches them later, and the cell can be expanded at once (trace queue, FIFO:
        // breadth first keeps the traced cells close together, measured 1.8x faster than a
        // stack on the SRTM tile). A slope cell with a lower open neighbour waits in the heap,
        // because that neighbour may belong to a depression whose spill level is set by a lower
        // path not yet explored.
        std::vector<std::uint32_t>& trace = workspace.trace;
        trace.clear();
        auto close_upslope = [&](std::size_t ci) {
            trace.clear();
            trace.push_back(static_cast<std::uint32_t>(ci));
            for (std::size_t head = 0; head < trace.size(); ++head) {
                const std::size_t ti = trace[head];
                const float zt = z[ti];
                unsigned open = 0;
                bool lower_open = false;
                for_neighbours(ti, flags[ti], cols, rows, offset, [&](unsigned k, std::size_t ni) {
                    const bool is_open = (flags[ni] & flag_closed) == 0;
                    open |= is_open ? 1U << k : 0U;
                    lower_open = lower_open || (is_open && z[ni] < zt);
                });
                if (lower_open) {
                    heap.push(zt, static_cast<std::uint32_t>(ti));
                    continue;
                }
                for (unsigned k = 0; k < 8; ++k) {
                    if ((open >> k & 1U) != 0U) {
                        const auto ni =
                            static_cast<std::size_t>(static_cast<std::ptrdiff_t>(ti) + offset[k]);
                        flags[ni] |= flag_closed;
                        trace.push_back(static_cast<std::uint32_t>(ni));
                    }
                }
            }
        };
        for (;;) {
            std::size_t ci = 0;
            if (!pit.empty()) {
                ci = pit.back();
                pit.pop_back();
            } else if (!heap.empty()) {
                ci = heap.pop();
            } else {
                break;
            }
            const float level = z[ci];
            for_neighbours(ci, flags[ci], cols, rows, offset, [&](unsigned, std::size_t ni) {
                if ((flags[ni] & flag_closed) != 0) {
                    return;
                }
                flags[ni] |= flag_closed;
                if (z[ni] <= level) {
                    z[ni] = level;
                    pit.push_back(static_cast<std::uint32_t>(ni));
                } else {
                    close_upslope(ni);
                }
            });
        }
    } else {
        // Priority-Flood+epsilon (Barnes et al. 2014, Algorithm 3) in exact elevation order:
        // every neighbour goes through the heap with its (possibly raised) elevation, which is
        // above the level just popped, so the heap stays monotone.
        while (!heap.empty()) {
            const std::size_t ci = heap.pop();
            const float level = std::nextafter(z[ci], std::numeric_limits<float>::infinity());
            for_neighbours(ci, flags[ci], cols, rows, offset, [&](unsigned, std::size_t ni) {
                if ((flags[ni] & flag_closed) != 0) {
                    return;
                }
                flags[ni] |= flag_closed;
                z[ni] = std::max(z[ni], level);
                heap.push(z[ni], static_cast<std::uint32_t>(ni));
            });
        }
    }

    // Statistics (and the copy back when strided) per row in parallel; the row sums are added in
    // row order, so the totals do not depend on the thread count.
    std::vector<double>& row_volume = workspace.row_sums;
    row_volume.assign(rows, 0.0);
    std::vector<std::size_t> row_raised(rows, 0);
    std::vector<double> row_max(rows, 0.0);
    const auto signed_rows = static_cast<std::ptrdiff_t>(rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t rr = 0; rr < signed_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        const float* in = elevation_m.data() + r * elevation_m.row_stride();
        const float* zr = z + r * cols;
        if (!contiguous) {
            std::memcpy(filled_m.data() + r * filled_m.row_stride(), zr, cols * sizeof(float));
        }
        double volume = 0.0;
        double largest = 0.0;
        std::size_t raised = 0;
        for (std::size_t c = 0; c < cols; ++c) {
            // No-data cells hold NaN, for which the comparison is false.
            if (zr[c] > in[c]) {
                const double raise = static_cast<double>(zr[c]) - static_cast<double>(in[c]);
                ++raised;
                largest = std::max(largest, raise);
                volume += raise;
            }
        }
        row_volume[r] = volume;
        row_raised[r] = raised;
        row_max[r] = largest;
    }
    const double cell_area_m2 = elevation_m.spec().cell_area_m2();
    for (std::size_t r = 0; r < rows; ++r) {
        stats.raised_cells += row_raised[r];
        stats.max_raise_m = std::max(stats.max_raise_m, row_max[r]);
        stats.volume_m3 += row_volume[r] * cell_area_m2;
    }
    return stats;
}

} // namespace lauter::kernels::hydrology
