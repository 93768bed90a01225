#include <lauter/kernels/hydrology/flow_direction.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

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
        double w = std::pow(drop * inverse_distance[ku], params.mfd_exponent);
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

    std::vector<std::uint8_t>& dir = workspace.direction;
    std::vector<std::uint8_t>& donors = workspace.donors;
    std::vector<std::uint32_t>& ready = workspace.ready;
    donors.assign(n, 0);
    if (d8) {
        dir.assign(n, d8_no_direction);
        compute_d8_directions(filled_m, mask, RasterView<std::uint8_t>(dir.data(), spec));
    }

    const auto signed_rows = static_cast<std::ptrdiff_t>(rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t rr = 0; rr < signed_rows; ++rr) {
        const auto r = static_cast<std::size_t>(rr);
        for (std::size_t c = 0; c < cols; ++c) {
            if (!mask.has_data(r, c)) {
                accumulation(r, c) = no_data_value<double>;
                continue;
            }
            accumulation(r, c) = weight;
            const float zc = filled_m(r, c);
            std::uint8_t count = 0;
            for_each_neighbour(r, c, rows, cols, [&](int k) {
                const std::size_t nr = d8_neighbour_row(r, k);
                const std::size_t nc = d8_neighbour_col(c, k);
                if (!mask.has_data(nr, nc)) {
                    return;
                }
                const bool gives = d8 ? dir[nr * cols + nc] == d8_opposite(k)
                                      : filled_m(nr, nc) > zc;
                count = static_cast<std::uint8_t>(count + (gives ? 1U : 0U));
            });
            donors[r * cols + c] = count;
        }
    }

    FlowStats stats;
    ready.clear();
    ready.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (mask.has_data(i)) {
            ++stats.active_cells;
            if (donors[i] == 0) {
                ready.push_back(static_cast<std::uint32_t>(i));
            }
        }
    }
    stats.total_weight = static_cast<double>(stats.active_cells) * weight;

    std::array<double, 8> fraction{};
    unsigned lower_codes = 0;
    for (std::size_t head = 0; head < ready.size(); ++head) {
        const std::size_t i = ready[head];
        const std::size_t r = i / cols;
        const std::size_t c = i - r * cols;
        const double flow = accumulation(r, c);
        auto pass_to = [&](int k, double amount) {
            const std::size_t nr = d8_neighbour_row(r, k);
            const std::size_t nc = d8_neighbour_col(c, k);
            accumulation(nr, nc) += amount;
            const std::size_t ni = nr * cols + nc;
            if (--donors[ni] == 0) {
                ready.push_back(static_cast<std::uint32_t>(ni));
            }
        };
        if (d8) {
            const std::uint8_t code = dir[i];
            if (code == d8_no_direction) {
                ++stats.outlet_cells;
                stats.outflow += flow;
            } else {
                pass_to(code, flow);
            }
            continue;
        }
        if (mfd_fractions_impl(filled_m, mask, r, c, params, inv, fraction, lower_codes) == 0) {
            ++stats.outlet_cells;
            stats.outflow += flow;
            continue;
        }
        // Every strictly lower neighbour counted this cell as a donor, so each one is released
        // here even if its share underflowed to zero.
        for (int k = 0; k < 8; ++k) {
            if ((lower_codes >> k & 1U) != 0U) {
                pass_to(k, flow * fraction[static_cast<std::size_t>(k)]);
            }
        }
    }
    return stats;
}

} // namespace lauter::kernels::hydrology
