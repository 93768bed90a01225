#include <lauter/kernels/hydrology/flow_direction.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace lauter::kernels::hydrology {

namespace {

/// Calls f(k) for every direction code k whose neighbour of (row, col) lies inside the grid.
template <typename F>
inline void for_each_neighbour(std::size_t row, std::size_t col, std::size_t rows,
                               std::size_t cols, F&& f) {
    if (row > 0 && col > 0 && row + 1 < rows && col + 1 < cols) {
        for (int k = 0; k < 8; ++k) {
            f(k);
        }
        return;
    }
    for (int k = 0; k < 8; ++k) {
        if (d8_inside(row, col, k, rows, cols)) {
            f(k);
        }
    }
}

/// Steepest-descent code of one cell (d8_no_direction if no neighbour with data is lower).
std::uint8_t d8_direction_of(RasterView<const float> z, const CellMask& mask, std::size_t row,
                             std::size_t col, const std::array<double, 8>& inverse_distance) {
    const double zc = static_cast<double>(z(row, col));
    double steepest = 0.0;
    std::uint8_t code = d8_no_direction;
    for_each_neighbour(row, col, z.rows(), z.cols(), [&](int k) {
        const std::size_t r = d8_neighbour_row(row, k);
        const std::size_t c = d8_neighbour_col(col, k);
        if (!mask.has_data(r, c)) {
            return;
        }
        const double drop = (zc - static_cast<double>(z(r, c))) *
                            inverse_distance[static_cast<std::size_t>(k)];
        if (drop > steepest) {
            steepest = drop;
            code = static_cast<std::uint8_t>(k);
        }
    });
    return code;
}

std::array<double, 8> inverse_distances(const GridSpec& spec) {
    std::array<double, 8> inv = d8_distances_m(spec);
    for (double& d : inv) {
        d = 1.0 / d;
    }
    return inv;
}

/// Freeman's (1991) weight (tan beta)^p. Evaluated in single precision: powf costs a fraction of
/// the double pow, and it dominated the MFD sweep. A weight is a routing share, not a conserved
/// quantity (the shares are normalised in double precision, so conservation is unaffected), and
/// a relative error of 1e-7 in it is far below the uncertainty of the exponent itself.
inline double freeman_weight(double tan_beta, float exponent) noexcept {
    return static_cast<double>(std::pow(static_cast<float>(tan_beta), exponent));
}

/// Contour length factor of Quinn et al. (1991) per direction, as a fraction of the cell size.
constexpr double quinn_cardinal = 0.5;
constexpr double quinn_diagonal = 0.35355339059327373; // sqrt(2) / 4

int mfd_fractions_impl(RasterView<const float> z, const CellMask& mask, std::size_t row,
                       std::size_t col, const FlowParams& params,
                       const std::array<double, 8>& inverse_distance,
                       std::array<double, 8>& fraction, unsigned& lower_codes) {
    fraction.fill(0.0);
    lower_codes = 0;
    const double zc = static_cast<double>(z(row, col));
    double sum = 0.0;
    int lower = 0;
    const bool quinn = params.mfd_weighting == MfdWeighting::quinn1991;
    for_each_neighbour(row, col, z.rows(), z.cols(), [&](int k) {
        const std::size_t r = d8_neighbour_row(row, k);
        const std::size_t c = d8_neighbour_col(col, k);
        if (!mask.has_data(r, c)) {
            return;
        }
        const double drop = zc - static_cast<double>(z(r, c));
        if (!(drop > 0.0)) {
            return;
        }
        const auto ku = static_cast<std::size_t>(k);
        double w = freeman_weight(drop * inverse_distance[ku],
                                  static_cast<float>(params.mfd_exponent));
        if (quinn) {
            w *= d8_is_diagonal(k) ? quinn_diagonal : quinn_cardinal;
        }
        fraction[ku] = w;
        sum += w;
        lower_codes |= 1U << ku;
        ++lower;
    });
    if (lower > 0 && sum > 0.0) {
        for (double& f : fraction) {
            f /= sum;
        }
    } else if (lower > 0) {
        // Every weight underflowed (drops of a few float ULPs near zero elevation): equal shares.
        for (std::size_t k = 0; k < 8; ++k) {
            fraction[k] = (lower_codes >> k & 1U) != 0U ? 1.0 / static_cast<double>(lower) : 0.0;
        }
    }
    return lower;
}

void check_inputs(RasterView<const float> z, const CellMask& mask, const GridSpec& out,
                  const char* what) {
    require_same_shape(z.spec(), mask.spec(), what);
    require_same_shape(z.spec(), out, what);
    if (z.spec().cell_count() >= std::numeric_limits<std::uint32_t>::max()) {
        throw std::invalid_argument(std::string(what) +
                                    ": grids of 2^32 cells or more are not supported");
    }
}

} // namespace

void compute_d8_directions(RasterView<const float> elevation_m, const CellMask& mask,
                           RasterView<std::uint8_t> direction) {
    check_inputs(elevation_m, mask, direction.spec(), "compute_d8_directions");
    const std::array<double, 8> inv = inverse_distances(elevation_m.spec());
    const auto rows = static_cast<std::ptrdiff_t>(elevation_m.rows());
    const std::size_t cols = elevation_m.cols();
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t rr = 0; rr < rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        for (std::size_t c = 0; c < cols; ++c) {
            direction(r, c) = mask.has_data(r, c) ? d8_direction_of(elevation_m, mask, r, c, inv)
                                                  : d8_no_direction;
        }
    }
}

int mfd_fractions(RasterView<const float> elevation_m, const CellMask& mask, std::size_t row,
                  std::size_t col, const FlowParams& params, std::array<double, 8>& fraction) {
    unsigned lower_codes = 0;
    return mfd_fractions_impl(elevation_m, mask, row, col, params,
                              inverse_distances(elevation_m.spec()), fraction, lower_codes);
}

FlowStats flow_accumulation(RasterView<const float> filled_m, const CellMask& mask,
                            RasterView<double> accumulation, FlowWorkspace& workspace,
                            const FlowParams& params) {
    check_inputs(filled_m, mask, accumulation.spec(), "flow_accumulation");
    if (params.method == FlowMethod::mfd && !(params.mfd_exponent > 0.0)) {
        throw std::invalid_argument("flow_accumulation: the MFD exponent must be positive");
    }
    const GridSpec& spec = filled_m.spec();
    const std::size_t rows = spec.rows;
    const std::size_t cols = spec.cols;
    const std::size_t n = rows * cols;
    const std::array<double, 8> inv = inverse_distances(spec);
    const bool d8 = params.method == FlowMethod::d8;
    const double weight = params.unit == AccumulationUnit::area_m2 ? spec.cell_area_m2() : 1.0;

    // The sweep addresses cells by flat index with fixed neighbour offsets: strided inputs and
    // outputs go through contiguous workspace copies (the usual whole-raster views need none).
    const float* z = filled_m.data();
    if (filled_m.row_stride() != cols) {
        workspace.surface.resize(n);
        for (std::size_t r = 0; r < rows; ++r) {
            std::copy_n(filled_m.data() + r * filled_m.row_stride(), cols,
                        workspace.surface.data() + r * cols);
        }
        z = workspace.surface.data();
    }
    const bool acc_contiguous = accumulation.row_stride() == cols;
    if (!acc_contiguous) {
        workspace.accumulation.resize(n);
    }
    double* const acc = acc_contiguous ? accumulation.data() : workspace.accumulation.data();
    const CellStatus* status = mask.raster().data();

    // Per cell, in parallel: the initial accumulation, the receivers (D8 code, or the bit set of
    // strictly lower data neighbours for MFD) and the number of donors.
    std::vector<std::uint8_t>& dir = workspace.direction;
    std::vector<std::uint8_t>& donors = workspace.donors;
    dir.resize(n);
    donors.resize(n);
    const RasterView<const float> zv(z, spec);
    if (d8) {
        compute_d8_directions(zv, mask, RasterView<std::uint8_t>(dir.data(), spec));
    }
    const auto signed_rows = static_cast<std::ptrdiff_t>(rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t rr = 0; rr < signed_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t i = r * cols + c;
            if (status[i] == CellStatus::no_data) {
                acc[i] = no_data_value<double>;
                donors[i] = 0;
                if (!d8) {
                    dir[i] = 0;
                }
                continue;
            }
            acc[i] = weight;
            const float zc = z[i];
            std::uint8_t count = 0;
            std::uint8_t lower = 0;
            for_each_neighbour(r, c, rows, cols, [&](int k) {
                const std::size_t ni = d8_neighbour_row(r, k) * cols + d8_neighbour_col(c, k);
                if (status[ni] == CellStatus::no_data) {
                    return;
                }
                if (d8) {
                    count = static_cast<std::uint8_t>(count + (dir[ni] == d8_opposite(k) ? 1 : 0));
                } else {
                    count = static_cast<std::uint8_t>(count + (z[ni] > zc ? 1 : 0));
                    lower = static_cast<std::uint8_t>(lower | (z[ni] < zc ? 1U << k : 0U));
                }
            });
            donors[i] = count;
            if (!d8) {
                dir[i] = lower;
            }
        }
    }

    // Serial sweep in topological order without a queue: scan the rows for cells whose donors
    // are all done (initially the ridges) and follow the flow downstream from each, descending
    // into a receiver as soon as its last donor has passed its flow on. Consecutive cells are
    // neighbours, so the sweep stays in cache; every cell is processed exactly once, O(n).
    constexpr std::uint8_t processed = 0xFF;
    const std::array<std::ptrdiff_t, 8> offset = d8_index_offsets(cols);
    FlowStats stats;
    std::vector<std::uint32_t>& stack = workspace.ready;
    stack.clear();
    std::array<double, 8> share{};
    const auto exponent = static_cast<float>(params.mfd_exponent);
    const bool quinn = params.mfd_weighting == MfdWeighting::quinn1991;
    for (std::size_t start = 0; start < n; ++start) {
        if (status[start] == CellStatus::no_data) {
            continue;
        }
        ++stats.active_cells;
        if (donors[start] != 0) {
            continue;
        }
        if (d8) {
            std::size_t i = start;
            for (;;) {
                donors[i] = processed;
                const std::uint8_t code = dir[i];
                if (code == d8_no_direction) {
                    ++stats.outlet_cells;
                    stats.outflow += acc[i];
                    break;
                }
                const auto t = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) +
                                                        offset[code]);
                acc[t] += acc[i];
                if (--donors[t] != 0) {
                    break;
                }
                i = t;
            }
            continue;
        }
        stack.push_back(static_cast<std::uint32_t>(start));
        while (!stack.empty()) {
            const std::size_t i = stack.back();
            stack.pop_back();
            donors[i] = processed;
            const unsigned lower = dir[i];
            const double flow = acc[i];
            if (lower == 0U) {
                ++stats.outlet_cells;
                stats.outflow += flow;
                continue;
            }
            // Freeman (1991) weights (tan beta)^p of the strictly lower neighbours, optionally
            // times the Quinn et al. (1991) contour length, normalised to proportions.
            const double zc = static_cast<double>(z[i]);
            double sum = 0.0;
            for (unsigned k = 0; k < 8; ++k) {
                if ((lower >> k & 1U) == 0U) {
                    continue;
                }
                const auto ni = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) +
                                                         offset[k]);
                double w = freeman_weight((zc - static_cast<double>(z[ni])) * inv[k], exponent);
                if (quinn) {
                    w *= d8_is_diagonal(static_cast<int>(k)) ? quinn_diagonal : quinn_cardinal;
                }
                share[k] = w;
                sum += w;
            }
            const int count = std::popcount(lower);
            for (unsigned k = 0; k < 8; ++k) {
                if ((lower >> k & 1U) == 0U) {
                    continue;
                }
                // Equal shares if every weight underflowed (drops of a few ULPs near zero).
                const double fraction =
                    sum > 0.0 ? share[k] / sum : 1.0 / static_cast<double>(count);
                const auto ni = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) +
                                                         offset[k]);
                acc[ni] += flow * fraction;
                if (--donors[ni] == 0) {
                    stack.push_back(static_cast<std::uint32_t>(ni));
                }
            }
        }
    }
    stats.total_weight = static_cast<double>(stats.active_cells) * weight;
    if (!acc_contiguous) {
        for (std::size_t r = 0; r < rows; ++r) {
            std::copy_n(acc + r * cols, cols, accumulation.data() + r * accumulation.row_stride());
        }
    }
    return stats;
}

} // namespace lauter::kernels::hydrology
