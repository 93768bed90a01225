#include <lauter/kernels/mobility/pct.hpp>
#include <lauter/sim/mobility_pct.hpp>

#include <cmath>
#include <stdexcept>

namespace lauter::sim {

namespace {

namespace mob = kernels::mobility;

/// Trip-weighted sums of the shares of PctShares, divided at the end.
struct ShareSums {
    double trips = 0.0;
    double baseline_cycle = 0.0;
    double scenario_cycle = 0.0;
    double godutch = 0.0;
    double ebike = 0.0;

    void add(double t, double baseline, double scenario, double p_godutch, double p_ebike) {
        trips += t;
        baseline_cycle += t * baseline;
        scenario_cycle += t * scenario;
        godutch += t * mob::pct_scenario_share(p_godutch, baseline);
        ebike += t * mob::pct_scenario_share(p_ebike, baseline);
    }

    [[nodiscard]] PctShares shares() const {
        const double none = std::nan("");
        if (!(trips > 0.0)) {
            return {0.0, none, none, none, none};
        }
        return {trips, baseline_cycle / trips, scenario_cycle / trips, godutch / trips,
                ebike / trips};
    }
};

} // namespace

PctCrossCheck pct_cross_check(const PctInputs& in) {
    const std::size_t n = in.zone_count;
    const std::size_t cells = n * n;
    if (in.zone_names.size() != n || in.trips.size() != cells || in.route_m.size() != cells ||
        in.climb_m.size() != cells || in.descent_m.size() != cells ||
        in.baseline_cycle_trips.size() != cells || in.scenario_cycle_trips.size() != cells) {
        throw std::invalid_argument("pct_cross_check: the matrices are not zones x zones");
    }
    const mob::PctCoefficients godutch = mob::pct_godutch_2020();
    const mob::PctCoefficients ebike = mob::pct_ebike_2020();
    std::vector<std::string> origin, destination;
    std::vector<double> trips, km, hilliness, baseline, scenario, p_godutch, p_ebike;
    std::vector<ShareSums> zone_sums(n);
    ShareSums city;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t od = i * n + j;
            const double t = in.trips[od];
            const double route_km = in.route_m[od] * 1e-3;
            if (i == j || !(t > 0.0) || !(route_km > 0.0) || !(route_km < pct_max_route_km)) {
                continue;
            }
            const double g = 100.0 * (in.climb_m[od] + in.descent_m[od]) / in.route_m[od];
            const double b = in.baseline_cycle_trips[od] / t;
            const double s = in.scenario_cycle_trips[od] / t;
            const double pg = mob::pct_uptake(godutch, route_km, g);
            const double pe = mob::pct_uptake(ebike, route_km, g);
            origin.push_back(in.zone_names[i]);
            destination.push_back(in.zone_names[j]);
            trips.push_back(t);
            km.push_back(route_km);
            hilliness.push_back(g);
            baseline.push_back(b);
            scenario.push_back(s);
            p_godutch.push_back(pg);
            p_ebike.push_back(pe);
            zone_sums[i].add(t, b, s, pg, pe);
            city.add(t, b, s, pg, pe);
        }
    }
    PctCrossCheck out;
    out.od.add_column("origin_zone", std::move(origin))
        .add_column("destination_zone", std::move(destination))
        .add_column("trips", std::move(trips), "trips/day")
        .add_column("bike_route_km", std::move(km), "km")
        .add_column("hilliness_pct", std::move(hilliness), "%")
        .add_column("model_cycle_share", std::move(baseline), "1")
        .add_column("scenario_cycle_share", std::move(scenario), "1")
        .add_column("pct_godutch", std::move(p_godutch), "1")
        .add_column("pct_ebike", std::move(p_ebike), "1");

    std::vector<std::string> names(in.zone_names.begin(), in.zone_names.end());
    std::vector<double> z_trips(n), z_base(n), z_scen(n), z_godutch(n), z_ebike(n);
    for (std::size_t i = 0; i < n; ++i) {
        const PctShares s = zone_sums[i].shares();
        z_trips[i] = s.trips;
        z_base[i] = s.baseline_cycle;
        z_scen[i] = s.scenario_cycle;
        z_godutch[i] = s.godutch;
        z_ebike[i] = s.ebike;
    }
    out.zones.add_column("zone", std::move(names))
        .add_column("pct_trips", std::move(z_trips), "trips/day")
        .add_column("model_cycle_share", std::move(z_base), "1")
        .add_column("scenario_cycle_share", std::move(z_scen), "1")
        .add_column("pct_godutch_share", std::move(z_godutch), "1")
        .add_column("pct_ebike_share", std::move(z_ebike), "1");
    out.city = city.shares();
    return out;
}

} // namespace lauter::sim
