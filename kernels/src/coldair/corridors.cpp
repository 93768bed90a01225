#include <lauter/kernels/coldair/corridors.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace lauter::kernels::coldair {

namespace {

bool is_settlement(RasterView<const std::uint8_t> settlement, const CellMask& mask,
                   std::size_t r, std::size_t c) noexcept {
    return mask.has_data(r, c) && settlement(r, c) != 0;
}

/// One face between cells a (minus side) and b (plus side) carrying `flux_m3_per_s` from a to b:
/// adds it to the settlement cell if exactly one side is a settlement cell with data.
void add_face(std::vector<double>& sums, const GridSpec& g, const CellMask& mask,
              RasterView<const std::uint8_t> settlement, std::size_t ra, std::size_t ca,
              std::size_t rb, std::size_t cb, double flux_m3_per_s) {
    if (!mask.has_data(ra, ca) || !mask.has_data(rb, cb)) {
        return;
    }
    const bool a = settlement(ra, ca) != 0;
    const bool b = settlement(rb, cb) != 0;
    if (a == b) {
        return;
    }
    // Only air entering the settlement counts (gross inflow): air leaving it across another
    // face does not cancel what arrived, as it has already ventilated the cell it crossed.
    if (b) {
        sums[g.index(rb, cb)] += std::max(flux_m3_per_s, 0.0);
    } else {
        sums[g.index(ra, ca)] += std::max(-flux_m3_per_s, 0.0);
    }
}

} // namespace

void validate(const CorridorParams& p) {
    const auto& b = p.flux_breaks_m2_per_s;
    for (double v : b) {
        if (!std::isfinite(v) || v <= 0.0) {
            throw std::invalid_argument("CorridorParams: every flux break must be positive");
        }
    }
    if (!(b[0] < b[1] && b[1] < b[2])) {
        throw std::invalid_argument("CorridorParams: the flux breaks must increase");
    }
}

template <typename Real>
double settlement_inflow(const shallow::FaceField<Real>& q, const CellMask& mask,
                         RasterView<const std::uint8_t> settlement,
                         RasterView<float> inflow_m3_per_s) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, settlement.spec(), "settlement_inflow (settlement)");
    require_same_shape(g, inflow_m3_per_s.spec(), "settlement_inflow (inflow)");
    if (q.rows() != g.rows || q.cols() != g.cols) {
        throw std::invalid_argument("settlement_inflow: face field and grid differ in shape");
    }
    std::vector<double> sums(g.cell_count(), 0.0);
    const double dx = g.cell_size_x_m;
    const double dy = g.cell_size_y_m;
    // Each face is visited once, in a fixed order, so the per-cell sums do not depend on threads.
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 1; c < g.cols; ++c) {
            add_face(sums, g, mask, settlement, r, c - 1, r, c,
                     static_cast<double>(q.x(r, c)) * dy);
        }
    }
    for (std::size_t r = 1; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            add_face(sums, g, mask, settlement, r - 1, c, r, c,
                     static_cast<double>(q.y(r, c)) * dx);
        }
    }
    double total = 0.0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                inflow_m3_per_s(r, c) = no_data_value<float>;
                continue;
            }
            const double v = is_settlement(settlement, mask, r, c) ? sums[g.index(r, c)] : 0.0;
            inflow_m3_per_s(r, c) = static_cast<float>(v);
            total += v;
        }
    }
    return total;
}

template double settlement_inflow<double>(const shallow::FaceField<double>&, const CellMask&,
                                          RasterView<const std::uint8_t>, RasterView<float>);
template double settlement_inflow<float>(const shallow::FaceField<float>&, const CellMask&,
                                         RasterView<const std::uint8_t>, RasterView<float>);

void face_flux_from_cells(RasterView<const float> east, RasterView<const float> north,
                          const CellMask& mask, shallow::FaceField<double>& q) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, east.spec(), "face_flux_from_cells (east)");
    require_same_shape(g, north.spec(), "face_flux_from_cells (north)");
    if (q.rows() != g.rows || q.cols() != g.cols) {
        q = shallow::FaceField<double>(g);
    }
    q.fill(0.0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 1; c < g.cols; ++c) {
            if (mask.has_data(r, c - 1) && mask.has_data(r, c)) {
                q.x(r, c) = 0.5 * (static_cast<double>(east(r, c - 1)) +
                                   static_cast<double>(east(r, c)));
            }
        }
    }
    for (std::size_t r = 1; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (mask.has_data(r - 1, c) && mask.has_data(r, c)) {
                // y-faces are positive towards the south, the opposite of the north component.
                q.y(r, c) = -0.5 * (static_cast<double>(north(r - 1, c)) +
                                    static_cast<double>(north(r, c)));
            }
        }
    }
}

void classify_corridors(RasterView<const float> u, RasterView<const float> v,
                        RasterView<const float> flux, const CellMask& mask,
                        RasterView<const std::uint8_t> settlement, const CorridorParams& params,
                        RasterView<std::uint8_t> out) {
    const GridSpec& g = mask.spec();
    require_same_shape(g, u.spec(), "classify_corridors (east velocity)");
    require_same_shape(g, v.spec(), "classify_corridors (north velocity)");
    require_same_shape(g, flux.spec(), "classify_corridors (flux)");
    require_same_shape(g, settlement.spec(), "classify_corridors (settlement)");
    require_same_shape(g, out.spec(), "classify_corridors (output)");
    validate(params);

    // Downstream neighbour per cell (index), or none. Sector k of 45 degrees centred on the
    // direction k * 45 degrees counter-clockwise from east; rows grow southwards.
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    constexpr int d_row[8] = {0, -1, -1, -1, 0, 1, 1, 1};
    constexpr int d_col[8] = {1, 1, 0, -1, -1, -1, 0, 1};
    const std::size_t n = g.cell_count();
    std::vector<std::size_t> next(n, none);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!mask.has_data(r, c)) {
                continue;
            }
            const double ue = static_cast<double>(u(r, c));
            const double vn = static_cast<double>(v(r, c));
            if (!(std::isfinite(ue) && std::isfinite(vn)) || (ue == 0.0 && vn == 0.0)) {
                continue;
            }
            const double sector = std::round(std::atan2(vn, ue) / (std::numbers::pi / 4.0));
            const auto k = static_cast<std::size_t>((static_cast<long>(sector) + 8) % 8);
            const auto rr = static_cast<std::ptrdiff_t>(r) + d_row[k];
            const auto cc = static_cast<std::ptrdiff_t>(c) + d_col[k];
            if (!g.contains(rr, cc)) {
                continue;
            }
            const auto nr = static_cast<std::size_t>(rr);
            const auto nc = static_cast<std::size_t>(cc);
            if (mask.has_data(nr, nc)) {
                next[g.index(r, c)] = g.index(nr, nc);
            }
        }
    }

    // Reach per cell: 0 unknown, 1 on the current path, 2 reaches a settlement, 3 does not.
    std::vector<std::uint8_t> reach(n, 0);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (mask.has_data(r, c) && settlement(r, c) != 0) {
                reach[g.index(r, c)] = 2;
            }
        }
    }
    std::vector<std::size_t> path;
    for (std::size_t start = 0; start < n; ++start) {
        if (!mask.has_data(start) || reach[start] != 0) {
            continue;
        }
        path.clear();
        std::size_t i = start;
        std::uint8_t result = 3;
        while (true) {
            if (reach[i] == 2 || reach[i] == 3) {
                result = reach[i];
                break;
            }
            if (reach[i] == 1) { // a closed loop without a settlement
                result = 3;
                break;
            }
            reach[i] = 1;
            path.push_back(i);
            if (next[i] == none) {
                result = 3;
                break;
            }
            i = next[i];
        }
        for (std::size_t p : path) {
            reach[p] = result;
        }
    }

    const auto& b = params.flux_breaks_m2_per_s;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const std::size_t i = g.index(r, c);
            if (!mask.has_data(i)) {
                out(r, c) = 0;
                continue;
            }
            CorridorClass k = CorridorClass::no_corridor;
            if (settlement(r, c) != 0) {
                k = CorridorClass::settlement;
            } else if (reach[i] == 2) {
                const double q = static_cast<double>(flux(r, c));
                k = q > b[2]   ? CorridorClass::very_high
                    : q > b[1] ? CorridorClass::high
                    : q > b[0] ? CorridorClass::moderate
                               : CorridorClass::low;
            }
            out(r, c) = static_cast<std::uint8_t>(k);
        }
    }
}

GridSpec coarsened_grid(const GridSpec& fine, double cell_size_m) {
    if (!(cell_size_m > 0.0) || !std::isfinite(cell_size_m)) {
        throw std::invalid_argument("coarsened_grid: the cell size must be positive");
    }
    GridSpec g;
    g.x0 = fine.x0;
    g.y0 = fine.y0;
    g.crs_wkt = fine.crs_wkt;
    g.cell_size_x_m = cell_size_m;
    g.cell_size_y_m = cell_size_m;
    const double width = static_cast<double>(fine.cols) * fine.cell_size_x_m;
    const double height = static_cast<double>(fine.rows) * fine.cell_size_y_m;
    // A relative tolerance, so that 250 m / 25 m is 10 cells and not 11 through round-off.
    g.cols = static_cast<std::size_t>(std::ceil(width / cell_size_m - 1e-9));
    g.rows = static_cast<std::size_t>(std::ceil(height / cell_size_m - 1e-9));
    return g;
}

namespace {

/// Overlaps of coarse cell k (edges k*D .. (k+1)*D) with fine cells (edges j*d .. (j+1)*d),
/// as (fine index, overlap length / fine size).
struct Overlap {
    std::size_t fine = 0;
    double weight = 0.0;
};

std::vector<std::vector<Overlap>> overlaps(std::size_t coarse_count, double coarse_size,
                                           std::size_t fine_count, double fine_size) {
    std::vector<std::vector<Overlap>> out(coarse_count);
    for (std::size_t k = 0; k < coarse_count; ++k) {
        const double lo = static_cast<double>(k) * coarse_size;
        const double hi = lo + coarse_size;
        const auto first = static_cast<std::size_t>(std::floor(lo / fine_size));
        for (std::size_t j = first; j < fine_count; ++j) {
            const double f_lo = static_cast<double>(j) * fine_size;
            const double f_hi = f_lo + fine_size;
            if (f_lo >= hi) {
                break;
            }
            const double len = std::min(hi, f_hi) - std::max(lo, f_lo);
            if (len > 1e-9 * fine_size) {
                out[k].push_back({j, len / coarse_size});
            }
        }
    }
    return out;
}

} // namespace

void aggregate_mean(RasterView<const float> fine, const CellMask& fine_mask,
                    RasterView<float> coarse, RasterView<float> coverage) {
    const GridSpec& f = fine_mask.spec();
    const GridSpec& g = coarse.spec();
    require_same_shape(f, fine.spec(), "aggregate_mean (fine)");
    require_same_shape(g, coverage.spec(), "aggregate_mean (coverage)");
    const auto cols = overlaps(g.cols, g.cell_size_x_m, f.cols, f.cell_size_x_m);
    const auto rows = overlaps(g.rows, g.cell_size_y_m, f.rows, f.cell_size_y_m);
    const auto n_rows = static_cast<std::ptrdiff_t>(g.rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t ri = 0; ri < n_rows; ++ri) {
        const auto r = static_cast<std::size_t>(ri);
        for (std::size_t c = 0; c < g.cols; ++c) {
            double sum = 0.0;
            double weight = 0.0;
            for (const Overlap& wr : rows[r]) {
                for (const Overlap& wc : cols[c]) {
                    if (!fine_mask.has_data(wr.fine, wc.fine)) {
                        continue;
                    }
                    const double w = wr.weight * wc.weight;
                    sum += w * static_cast<double>(fine(wr.fine, wc.fine));
                    weight += w;
                }
            }
            coverage(r, c) = static_cast<float>(weight);
            coarse(r, c) = weight > 0.0 ? static_cast<float>(sum / weight) : no_data_value<float>;
        }
    }
}

} // namespace lauter::kernels::coldair
