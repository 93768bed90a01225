// Frequency-based bus skims (transit.hpp): a hand-computed toy network with two lines, a
// transfer walk and a transfer penalty; combined headways; 1 vs 2 threads; invalid input.
#include <catch2/catch.hpp>
#include <lauter/kernels/mobility/transit.hpp>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels::mobility;

namespace {

/// Stops A=0, B=1, C=2, D=3, E=4. Line 0: A -> B -> C (5 + 5 min, every 10 min); line 1:
/// C -> D (4 min, every 20 min); line 2: E -> D (1 min, every 4 min); a 2-min walk C -> E.
/// Zone 0 walks 2 min to A; stop D is 3 min from zone 1, stop B 1 min from zone 2.
struct Toy {
    std::vector<TransitLine> lines = {{{0, 1, 2}, {5.0, 5.0}, 10.0},
                                      {{2, 3}, {4.0}, 20.0},
                                      {{4, 3}, {1.0}, 4.0}};
    std::vector<StopTransfer> transfers = {{2, 4, 2.0}};
    std::vector<std::uint32_t> access_offsets = {0, 1, 1, 1};
    std::vector<std::uint32_t> access_stops = {0};
    std::vector<double> access_min = {2.0};
    std::vector<std::uint32_t> egress_offsets = {0, 0, 1, 2};
    std::vector<std::uint32_t> egress_stops = {3, 1};
    std::vector<double> egress_min = {3.0, 1.0};

    [[nodiscard]] TransitSkim skim(double penalty = 5.4) const {
        TransitParams p;
        p.transfer_penalty_min = penalty;
        const TransitGraph g(5, lines, transfers, p);
        return transit_skim(g, {access_offsets, access_stops, access_min},
                            {egress_offsets, egress_stops, egress_min}, 3);
    }
};

} // namespace

TEST_CASE("transit skim: two lines, a transfer walk and a penalty, by hand", "[bus]") {
    const Toy toy;
    const TransitSkim s = toy.skim();
    // 0 -> 2: walk 2, wait 10/2, ride A -> B 5, walk 1 (no transfer).
    CHECK(s.walk_min[0 * 3 + 2] == Approx(3.0));
    CHECK(s.wait_min[0 * 3 + 2] == Approx(5.0));
    CHECK(s.in_vehicle_min[0 * 3 + 2] == Approx(5.0));
    CHECK(s.transfers[0 * 3 + 2] == 0.0);
    CHECK(s.penalty_min[0 * 3 + 2] == 0.0);
    // 0 -> 1: via line 1 from C costs 10 + 5.4 + 4 = 19.4 after C; walking to E and taking line
    // 2 costs 2 + 2 + 5.4 + 1 = 10.4: walk 2 + 2 + 3, wait 5 + 2, ride 10 + 1, one transfer.
    CHECK(s.walk_min[0 * 3 + 1] == Approx(7.0));
    CHECK(s.wait_min[0 * 3 + 1] == Approx(7.0));
    CHECK(s.in_vehicle_min[0 * 3 + 1] == Approx(11.0));
    CHECK(s.penalty_min[0 * 3 + 1] == Approx(5.4));
    CHECK(s.transfers[0 * 3 + 1] == 1.0);
    // No access from zones 1 and 2, no egress to zone 0, never within a zone.
    for (std::size_t od : {0U, 3U, 4U, 5U, 6U, 7U, 8U}) {
        CHECK(std::isinf(s.walk_min[od]));
        CHECK(std::isinf(s.in_vehicle_min[od]));
    }
}

TEST_CASE("transit skim: the penalty can make the direct line win", "[bus]") {
    Toy toy;
    // Line 2 every 60 min: 2 + 30 + 5.4 + 1 = 38.4 after C against 10 + 5.4 + 4 = 19.4.
    toy.lines[2].headway_min = 60.0;
    const TransitSkim s = toy.skim();
    CHECK(s.walk_min[1] == Approx(5.0));
    CHECK(s.wait_min[1] == Approx(15.0));
    CHECK(s.in_vehicle_min[1] == Approx(14.0));
    CHECK(s.transfers[1] == 1.0);
    // Without a penalty the skim keeps the same path and reports no penalty.
    const TransitSkim free = toy.skim(0.0);
    CHECK(free.penalty_min[1] == 0.0);
    CHECK(free.wait_min[1] == Approx(15.0));
}

TEST_CASE("combined headway of the lines serving a stop", "[bus]") {
    CHECK(combined_headway_min(std::vector<double>{10.0, 20.0}) == Approx(20.0 / 3.0));
    CHECK(combined_headway_min(std::vector<double>{20.0}) == 20.0);
    CHECK(combined_headway_min(std::vector<double>{20.0, 20.0, 20.0, 20.0}) == Approx(5.0));
    CHECK(std::isinf(combined_headway_min(std::vector<double>{})));
    CHECK(combined_headway_min(std::vector<double>{30.0, 0.0, -1.0}) == 30.0);

    // Stop 1 is served by both directions of service 0 (counted once, the smaller headway 10)
    // and by service 1 every 30 min: 1 / (1/10 + 1/30) = 7.5. Stop 3 has no line.
    const std::vector<TransitLine> lines = {{{0, 1}, {1.0}, 10.0},
                                            {{1, 0}, {1.0}, 12.0},
                                            {{1, 2}, {1.0}, 30.0}};
    const std::vector<std::uint32_t> service = {0, 0, 1};
    const std::vector<double> h = stop_headways_min(4, lines, service);
    CHECK(h[0] == Approx(10.0));
    CHECK(h[1] == Approx(7.5));
    CHECK(h[2] == Approx(30.0));
    CHECK(std::isinf(h[3]));
}

TEST_CASE("transit skim: identical for 1 and 2 threads", "[bus]") {
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::uint32_t> stop(0, 199);
    std::uniform_real_distribution<double> minutes(0.5, 6.0);
    std::vector<TransitLine> lines(30);
    for (TransitLine& line : lines) {
        for (int k = 0; k < 12; ++k) {
            line.stops.push_back(stop(rng));
        }
        for (int k = 0; k < 11; ++k) {
            line.ride_min.push_back(minutes(rng));
        }
        line.headway_min = 5.0 + 5.0 * minutes(rng);
    }
    std::vector<StopTransfer> transfers;
    for (int k = 0; k < 300; ++k) {
        transfers.push_back({stop(rng), stop(rng), minutes(rng)});
    }
    const std::size_t zones = 120;
    std::vector<std::uint32_t> offsets(zones + 1, 0);
    std::vector<std::uint32_t> stops;
    std::vector<double> walk;
    for (std::size_t z = 0; z < zones; ++z) {
        for (int k = 0; k < 3; ++k) {
            stops.push_back(stop(rng));
            walk.push_back(minutes(rng));
        }
        offsets[z + 1] = static_cast<std::uint32_t>(stops.size());
    }
    const TransitGraph g(200, lines, transfers);
    const ZoneStopLinks links{offsets, stops, walk};
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    const TransitSkim one = transit_skim(g, links, links, zones);
    omp_set_num_threads(2);
    const TransitSkim two = transit_skim(g, links, links, zones);
    omp_set_num_threads(before);
    const std::size_t bytes = zones * zones * sizeof(double);
    CHECK(std::memcmp(one.walk_min.data(), two.walk_min.data(), bytes) == 0);
    CHECK(std::memcmp(one.wait_min.data(), two.wait_min.data(), bytes) == 0);
    CHECK(std::memcmp(one.in_vehicle_min.data(), two.in_vehicle_min.data(), bytes) == 0);
    CHECK(std::memcmp(one.transfers.data(), two.transfers.data(), bytes) == 0);
    std::size_t served = 0;
    for (const double w : one.walk_min) {
        served += std::isfinite(w) ? 1U : 0U;
    }
    CHECK(served > zones * zones / 2);
}

TEST_CASE("transit graph: invalid lines and links are rejected", "[bus]") {
    const std::vector<TransitLine> one_stop = {{{0}, {}, 10.0}};
    CHECK_THROWS_AS(TransitGraph(2, one_stop, {}), std::invalid_argument);
    const std::vector<TransitLine> bad_headway = {{{0, 1}, {1.0}, 0.0}};
    CHECK_THROWS_AS(TransitGraph(2, bad_headway, {}), std::invalid_argument);
    const std::vector<TransitLine> out_of_range = {{{0, 5}, {1.0}, 10.0}};
    CHECK_THROWS_AS(TransitGraph(2, out_of_range, {}), std::invalid_argument);
    const std::vector<TransitLine> negative_ride = {{{0, 1}, {-1.0}, 10.0}};
    CHECK_THROWS_AS(TransitGraph(2, negative_ride, {}), std::invalid_argument);
    const std::vector<TransitLine> ok = {{{0, 1}, {1.0}, 10.0}};
    const TransitGraph g(2, ok, {});
    const std::vector<std::uint32_t> offsets = {0, 1};
    const std::vector<std::uint32_t> stops = {7};
    const std::vector<double> walk = {1.0};
    CHECK_THROWS_AS(transit_skim(g, {offsets, stops, walk}, {offsets, stops, walk}, 1),
                    std::invalid_argument);
}
