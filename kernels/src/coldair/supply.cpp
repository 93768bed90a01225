#include <lauter/kernels/coldair/supply.hpp>

#include <cmath>
#include <deque>
#include <stdexcept>
#include <vector>

namespace lauter::kernels::coldair {

namespace {

/// The four neighbours as (row step, column step).
constexpr std::array<std::array<int, 2>, 4> neighbours = {{{0, 1}, {0, -1}, {1, 0}, {-1, 0}}};

/// Unit discharge (m^2/s) from cell (r, c) into its neighbour (r + dr, c + dc) across their
/// shared face: x-faces are positive east, y-faces positive south (local_inertial.hpp).
template <typename Real>
double unit_flow_into(const shallow::FaceField<Real>& q, std::size_t r, std::size_t c, int dr,
                      int dc) noexcept {
    if (dc == 1) {
        return static_cast<double>(q.x(r, c + 1));
    }
    if (dc == -1) {
        return -static_cast<double>(q.x(r, c));
    }
    if (dr == 1) {
        return static_cast<double>(q.y(r + 1, c));
    }
    return -static_cast<double>(q.y(r, c));
}

} // namespace

void validate(const FlowSpeedClassParams& p) {
    const auto& b = p.speed_breaks_m_per_s;
    for (double v : b) {
        if (!std::isfinite(v) || v <= 0.0) {
            throw std::invalid_argument("FlowSpeedClassParams: every speed break must be "
                                        "positive");
        }
    }
    if (!(b[0] < b[1] && b[1] < b[2])) {
        throw std::invalid_argument("FlowSpeedClassParams: the speed breaks must increase");
    }
}

void classify_flow_speed(RasterView<const float> speed, const CellMask& mask,
                         const FlowSpeedClassParams& params, RasterView<std::uint8_t> out) {
    validate(params);
    const GridSpec& g = mask.spec();
    require_same_shape(g, speed.spec(), "classify_flow_speed (speed)");
    require_same_shape(g, out.spec(), "classify_flow_speed (class)");
    const auto& b = params.speed_breaks_m_per_s;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double v = static_cast<double>(speed(r, c));
            if (!mask.has_data(r, c) || !std::isfinite(v)) {
                out(r, c) = 0;
                continue;
            }
            FlowSpeedClass k = FlowSpeedClass::very_strong;
            if (v <= b[0]) {
                k = FlowSpeedClass::weak;
            } else if (v <= b[1]) {
                k = FlowSpeedClass::moderate;
            } else if (v <= b[2]) {
                k = FlowSpeedClass::strong;
            }
            out(r, c) = static_cast<std::uint8_t>(k);
        }
    }
}

void validate(const SupplyParams& p) {
    if (!std::isfinite(p.min_unit_inflow_m2_per_s) || p.min_unit_inflow_m2_per_s <= 0.0) {
        throw std::invalid_argument("SupplyParams: min_unit_inflow_m2_per_s must be positive");
    }
}

template <typename Real>
std::size_t classify_cold_air_supply(const shallow::FaceField<Real>& q, const CellMask& mask,
                                     RasterView<const std::uint8_t> settlement,
                                     const SupplyParams& params, RasterView<std::uint8_t> supply) {
    validate(params);
    const GridSpec& g = mask.spec();
    require_same_shape(g, settlement.spec(), "classify_cold_air_supply (settlement)");
    require_same_shape(g, supply.spec(), "classify_cold_air_supply (supply)");
    if (q.rows() != g.rows || q.cols() != g.cols) {
        throw std::invalid_argument("classify_cold_air_supply: face field and grid differ in "
                                    "shape");
    }
    const double q_min = params.min_unit_inflow_m2_per_s;
    const auto in_settlement = [&](std::size_t r, std::size_t c) {
        return mask.has_data(r, c) && settlement(r, c) != 0;
    };
    const auto neighbour = [&](std::size_t r, std::size_t c, int dr, int dc, std::size_t& rn,
                               std::size_t& cn) {
        const auto rr = static_cast<std::ptrdiff_t>(r) + dr;
        const auto cc = static_cast<std::ptrdiff_t>(c) + dc;
        if (!g.contains(rr, cc)) {
            return false;
        }
        rn = static_cast<std::size_t>(rr);
        cn = static_cast<std::size_t>(cc);
        return mask.has_data(rn, cn);
    };
    std::vector<std::uint8_t> reached(g.cell_count(), 0);
    std::deque<std::size_t> queue;
    // Seeds: inflow of at least q_min from a non-settlement cell with data.
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!in_settlement(r, c)) {
                continue;
            }
            for (const auto& d : neighbours) {
                std::size_t rn = 0;
                std::size_t cn = 0;
                if (neighbour(r, c, d[0], d[1], rn, cn) && !in_settlement(rn, cn) &&
                    unit_flow_into(q, rn, cn, -d[0], -d[1]) >= q_min) {
                    reached[g.index(r, c)] = 1;
                    queue.push_back(g.index(r, c));
                    break;
                }
            }
        }
    }
    // Spread downstream within the settlement: reachability, independent of the queue order.
    while (!queue.empty()) {
        const std::size_t i = queue.front();
        queue.pop_front();
        const std::size_t r = i / g.cols;
        const std::size_t c = i % g.cols;
        for (const auto& d : neighbours) {
            std::size_t rn = 0;
            std::size_t cn = 0;
            if (neighbour(r, c, d[0], d[1], rn, cn) && in_settlement(rn, cn) &&
                reached[g.index(rn, cn)] == 0 && unit_flow_into(q, r, c, d[0], d[1]) >= q_min) {
                reached[g.index(rn, cn)] = 1;
                queue.push_back(g.index(rn, cn));
            }
        }
    }
    std::size_t supplied = 0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            if (!in_settlement(r, c)) {
                supply(r, c) = 0;
            } else if (reached[g.index(r, c)] != 0) {
                supply(r, c) = static_cast<std::uint8_t>(SupplyClass::supplied);
                ++supplied;
            } else {
                supply(r, c) = static_cast<std::uint8_t>(SupplyClass::not_supplied);
            }
        }
    }
    return supplied;
}

template std::size_t classify_cold_air_supply<double>(const shallow::FaceField<double>&,
                                                      const CellMask&,
                                                      RasterView<const std::uint8_t>,
                                                      const SupplyParams&,
                                                      RasterView<std::uint8_t>);
template std::size_t classify_cold_air_supply<float>(const shallow::FaceField<float>&,
                                                     const CellMask&,
                                                     RasterView<const std::uint8_t>,
                                                     const SupplyParams&,
                                                     RasterView<std::uint8_t>);

} // namespace lauter::kernels::coldair
