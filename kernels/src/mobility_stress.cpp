#include <lauter/kernels/mobility/cycling_stress.hpp>

#include <cmath>
#include <stdexcept>

namespace lauter::kernels::mobility {

std::uint8_t edge_lts(HighwayClass highway, std::uint8_t modes, CycleFacility facility,
                      double maxspeed_kmh, std::uint8_t lanes) noexcept {
    if ((modes & mode_bits::car) == 0 || facility == CycleFacility::track ||
        facility == CycleFacility::path || highway == HighwayClass::residential ||
        highway == HighwayClass::living_street) {
        return 1;
    }
    const double speed = maxspeed_kmh > 0.0 ? maxspeed_kmh : 50.0;
    const unsigned lane_count = lanes > 0 ? lanes : 2U;
    if (speed < 40.25 && lane_count < 4) {
        return 2;
    }
    const bool minor = highway == HighwayClass::unclassified || highway == HighwayClass::tertiary ||
                       highway == HighwayClass::service;
    const bool has_facility = facility != CycleFacility::none;
    if (minor && (lane_count < 4 || has_facility)) {
        return 2;
    }
    return has_facility ? 3 : 4;
}

std::vector<std::uint8_t> level_of_traffic_stress(const Graph& graph) {
    std::vector<std::uint8_t> lts(graph.edge_count());
    for (EdgeId e = 0; e < graph.edge_count(); ++e) {
        lts[e] = edge_lts(graph.highway()[e], graph.modes()[e], graph.facility()[e],
                          static_cast<double>(graph.maxspeed_kmh()[e]), graph.lanes()[e]);
    }
    return lts;
}

std::vector<float> cycling_perceived_cost_s(const Graph& graph, std::span<const float> time_s,
                                            std::span<const std::uint8_t> lts,
                                            const CyclingStressParams& params) {
    const std::uint32_t m = graph.edge_count();
    if (time_s.size() != m || lts.size() != m) {
        throw std::invalid_argument("cycling_perceived_cost_s: arrays do not match the graph");
    }
    std::vector<float> cost(m);
    const auto signed_m = static_cast<std::ptrdiff_t>(m);
#pragma omp parallel
    {
        std::vector<GradePiece> pieces;
#pragma omp for schedule(static)
        for (std::ptrdiff_t ei = 0; ei < signed_m; ++ei) {
            const auto e = static_cast<EdgeId>(ei);
            const double t = static_cast<double>(time_s[e]);
            if (!std::isfinite(t)) {
                cost[e] = time_s[e];
                continue;
            }
            const double length = static_cast<double>(graph.length_m()[e]);
            graph.grade_profile(e, pieces);
            std::array<double, 3> upslope_m{};
            for (const GradePiece& p : pieces) {
                const double g = static_cast<double>(p.grade);
                if (g >= 0.06) {
                    upslope_m[2] += static_cast<double>(p.length_m);
                } else if (g >= 0.04) {
                    upslope_m[1] += static_cast<double>(p.length_m);
                } else if (g >= 0.02) {
                    upslope_m[0] += static_cast<double>(p.length_m);
                }
            }
            double factor = 1.0 + params.lts_term[static_cast<std::size_t>(lts[e] - 1)] +
                            params.facility_term[static_cast<std::size_t>(graph.facility()[e])];
            for (std::size_t b = 0; b < 3; ++b) {
                factor += params.upslope_term[b] * upslope_m[b] / length;
            }
            double c = t * factor;
            if (graph.node_signal()[graph.head()[e]] != 0) {
                c += penalty_seconds(params.signal_penalty_m, t, length);
            }
            cost[e] = static_cast<float>(c);
        }
    }
    return cost;
}

std::vector<float> cycling_turn_penalty_s(const Graph& graph, std::span<const float> time_s,
                                          const CyclingStressParams& params) {
    const std::uint32_t m = graph.edge_count();
    if (time_s.size() != m) {
        throw std::invalid_argument("cycling_turn_penalty_s: times do not match the graph");
    }
    if (!(params.turn_penalty_m >= 0.0) || !std::isfinite(params.turn_penalty_m)) {
        throw std::invalid_argument("cycling_turn_penalty_s: turn_penalty_m must be >= 0");
    }
    std::vector<float> penalty(m, 0.0F);
    const auto signed_m = static_cast<std::ptrdiff_t>(m);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t ei = 0; ei < signed_m; ++ei) {
        const auto e = static_cast<EdgeId>(ei);
        const double t = static_cast<double>(time_s[e]);
        if (std::isfinite(t)) {
            penalty[e] = static_cast<float>(penalty_seconds(
                params.turn_penalty_m, t, static_cast<double>(graph.length_m()[e])));
        }
    }
    return penalty;
}

} // namespace lauter::kernels::mobility
