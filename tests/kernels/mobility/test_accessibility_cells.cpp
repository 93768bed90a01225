// Accessibility per cell (accessibility_cells.hpp) on a hand-made street with hand-computed
// distances, times and stop classes; no-data handling; 1 vs 2 threads bitwise. Zone values on
// districts (zone_districts.hpp): a hand-computed oracle and the consistency of the weights.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/accessibility_cells.hpp>
#include <lauter/kernels/mobility/zone_districts.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <tuple>
#include <vector>

using namespace lauter::kernels::mobility;

namespace {

struct OwnedCsr {
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint32_t> targets;
    std::vector<double> weights;
    CsrGraph view() const { return {offsets, targets, weights}; }
};

/// Symmetric CSR graph of `n` nodes from undirected edges, weights scaled by `scale`.
OwnedCsr undirected(std::size_t n, const std::vector<std::tuple<std::uint32_t, std::uint32_t,
                                                                double>>& edges,
                    double scale) {
    std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> arcs;
    for (const auto& [a, b, w] : edges) {
        arcs.emplace_back(a, b, w * scale);
        arcs.emplace_back(b, a, w * scale);
    }
    std::stable_sort(arcs.begin(), arcs.end(), [](const auto& x, const auto& y) {
        return std::get<0>(x) < std::get<0>(y);
    });
    OwnedCsr g;
    g.offsets.assign(n + 1, 0);
    for (const auto& [a, b, w] : arcs) {
        ++g.offsets[a + 1];
        g.targets.push_back(b);
        g.weights.push_back(w);
    }
    for (std::size_t u = 0; u < n; ++u) {
        g.offsets[u + 1] += g.offsets[u];
    }
    return g;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

TEST_CASE("cell accessibility: hand-computed distances, centre times and stop classes",
          "[access]") {
    // Street 0-1-2-3-4 with 100 m blocks, side street 2-5 (250 m) and 5-6 (100 m); node 7 has
    // no street. Walking at 50 m/min on the network.
    const std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> edges = {
        {0, 1, 100.0}, {1, 2, 100.0}, {2, 3, 100.0}, {3, 4, 100.0}, {2, 5, 250.0}, {5, 6, 100.0}};
    const OwnedCsr metres = undirected(8, edges, 1.0);
    const OwnedCsr minutes = undirected(8, edges, 1.0 / 50.0);
    // Stops: node 0 every 7.5 min (class 1), node 4 every 30 min (class 3), node 6 every
    // 90 min (no class). Grocery at node 6; no green space; the centre at node 2.
    const std::vector<std::uint32_t> stops = {0, 4, 6};
    const std::vector<double> headways = {7.5, 30.0, 90.0};
    const std::vector<std::uint32_t> grocery = {6};
    const std::vector<std::uint32_t> centre = {2};
    const CellDestinations dest{stops, headways, grocery, {}, centre};
    // Cells: at node 1 (20 m off the street), node 3 (50 m off), node 6, not snapped, node 7.
    const std::vector<std::uint32_t> node = {1, 3, 6, invalid_index, 7};
    const std::vector<double> access = {20.0, 50.0, 0.0, 0.0, 5.0};
    const CellAccessibility c = cell_accessibility(metres.view(), minutes.view(), dest,
                                                   {node, access});

    // Stop distance: every stop counts, whatever its headway (node 6's own stop: 0 m).
    CHECK(c.stop_m[0] == 120.0F);           // 20 + 100 to node 0
    CHECK(c.stop_m[1] == 150.0F);           // 50 + 100 to node 4
    CHECK(c.stop_m[2] == 0.0F);
    CHECK(c.grocery_m[0] == 470.0F);        // 20 + 100 + 250 + 100
    CHECK(c.grocery_m[1] == 500.0F);        // 50 + 100 + 250 + 100
    CHECK(c.grocery_m[2] == 0.0F);
    // Access at 73.8 m/min (1.23 m/s), the network at 50 m/min.
    CHECK(c.centre_min[0] == Approx(20.0 / 73.8 + 2.0).epsilon(1e-6));
    CHECK(c.centre_min[1] == Approx(50.0 / 73.8 + 2.0).epsilon(1e-6));
    CHECK(c.centre_min[2] == Approx(350.0 / 50.0).epsilon(1e-6));
    // No green space at all: no data in that layer for every cell.
    for (const float v : c.green_m) {
        CHECK(std::isnan(v));
    }
    // Classes. Cell 0: the 7.5-min stop at 120 m: class 1 in both radii. Cell 1: the 7.5-min
    // stop at 350 m (only within 400 m), the 30-min stop at 150 m: class 3 within 300 m,
    // class 1 within 400 m. Cell 2: the 90-min stop is in no class, node 0 lies 550 m away.
    CHECK(c.stop_class[0][0] == 1);
    CHECK(c.stop_class[1][0] == 1);
    CHECK(c.stop_class[0][1] == 3);
    CHECK(c.stop_class[1][1] == 1);
    CHECK(c.stop_class[0][2] == no_stop_class);
    CHECK(c.stop_class[1][2] == no_stop_class);
    // Not snapped: no data everywhere (class 0).
    CHECK(std::isnan(c.stop_m[3]));
    CHECK(std::isnan(c.grocery_m[3]));
    CHECK(std::isnan(c.centre_min[3]));
    CHECK(c.stop_class[0][3] == 0);
    CHECK(c.stop_class[1][3] == 0);
    // Snapped to a node no destination reaches: no distance, but "no stop" as class.
    CHECK(std::isnan(c.stop_m[4]));
    CHECK(std::isnan(c.centre_min[4]));
    CHECK(c.stop_class[0][4] == no_stop_class);

    SECTION("the radius is inclusive, as in the coverage tables") {
        const std::vector<std::uint32_t> n1 = {1};
        const std::vector<double> a1 = {200.0}; // 200 + 100 = exactly 300 m to node 0
        const CellAccessibility e = cell_accessibility(metres.view(), minutes.view(), dest,
                                                       {n1, a1});
        CHECK(e.stop_class[0][0] == 1);
    }
    SECTION("bad input") {
        const std::vector<std::uint32_t> far = {9};
        const std::vector<double> a = {0.0};
        CHECK_THROWS_AS(cell_accessibility(metres.view(), minutes.view(), dest, {far, a}),
                        std::invalid_argument);
        const std::vector<double> negative = {-1.0};
        const std::vector<std::uint32_t> ok = {1};
        CHECK_THROWS_AS(cell_accessibility(metres.view(), minutes.view(), dest, {ok, negative}),
                        std::invalid_argument);
        const std::vector<double> one_headway = {10.0};
        CHECK_THROWS_AS(cell_accessibility(metres.view(), minutes.view(),
                                           {stops, one_headway, grocery, {}, centre}, {ok, a}),
                        std::invalid_argument);
    }
}

TEST_CASE("cell accessibility: independent of the thread count", "[access]") {
    // A 60 x 60 street grid with random block lengths, 20 % of the links missing.
    const std::uint32_t side = 60;
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> length(40.0, 160.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> edges;
    for (std::uint32_t r = 0; r < side; ++r) {
        for (std::uint32_t col = 0; col < side; ++col) {
            const std::uint32_t v = r * side + col;
            if (col + 1 < side && u(rng) > 0.2) {
                edges.emplace_back(v, v + 1, length(rng));
            }
            if (r + 1 < side && u(rng) > 0.2) {
                edges.emplace_back(v, v + side, length(rng));
            }
        }
    }
    const OwnedCsr metres = undirected(side * side, edges, 1.0);
    const OwnedCsr minutes = undirected(side * side, edges, 1.0 / 75.0);
    std::uniform_int_distribution<std::uint32_t> pick(0, side * side - 1);
    std::vector<std::uint32_t> stops(40);
    std::vector<double> headways(40);
    for (std::size_t k = 0; k < stops.size(); ++k) {
        stops[k] = pick(rng);
        headways[k] = 5.0 + 70.0 * u(rng);
    }
    const std::vector<std::uint32_t> grocery = {pick(rng), pick(rng), pick(rng)};
    const std::vector<std::uint32_t> green = {pick(rng), pick(rng)};
    const std::vector<std::uint32_t> centre = {pick(rng)};
    std::vector<std::uint32_t> node(20000);
    std::vector<double> access(node.size());
    for (std::size_t i = 0; i < node.size(); ++i) {
        node[i] = u(rng) < 0.05 ? invalid_index : pick(rng);
        access[i] = 80.0 * u(rng);
    }
    const CellDestinations dest{stops, headways, grocery, green, centre};
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const CellAccessibility one = cell_accessibility(metres.view(), minutes.view(), dest,
                                                     {node, access});
    omp_set_num_threads(2);
    const CellAccessibility two = cell_accessibility(metres.view(), minutes.view(), dest,
                                                     {node, access});
    omp_set_num_threads(threads);
    CHECK(same_bits(one.stop_m, two.stop_m));
    CHECK(same_bits(one.grocery_m, two.grocery_m));
    CHECK(same_bits(one.green_m, two.green_m));
    CHECK(same_bits(one.centre_min, two.centre_min));
    CHECK(one.stop_class[0] == two.stop_class[0]);
    CHECK(one.stop_class[1] == two.stop_class[1]);
    // Properties: 400 m never gives a worse class than 300 m, and a classed stop within 300 m
    // means the nearest stop of any headway is within 300 m too.
    std::size_t classed = 0;
    for (std::size_t i = 0; i < node.size(); ++i) {
        CHECK(one.stop_class[1][i] <= one.stop_class[0][i]);
        if (one.stop_class[0][i] != 0 && one.stop_class[0][i] != no_stop_class) {
            ++classed;
            CHECK(one.stop_m[i] <= 300.0F);
        }
    }
    CHECK(classed > 100);
}

TEST_CASE("zone values on districts: hand-computed weighted means", "[access]") {
    // Zone 0: origins of 30 residents in district 0 and 10 in district 1. Zone 1: 20 residents
    // in district 1 and 20 outside every district. District 2 holds nobody.
    const std::vector<std::uint32_t> zone = {0, 0, 0, 1, 1};
    const std::vector<std::int32_t> district = {0, 0, 1, 1, -1};
    const std::vector<double> residents = {10.0, 20.0, 10.0, 20.0, 20.0};
    const ZoneAreaResidents w = zone_area_residents(zone, district, residents, 2, 3);
    CHECK(w.zone == std::vector<double>{40.0, 40.0});
    CHECK(w.in_area == std::vector<double>{30.0, 10.0, 0.0, 0.0, 20.0, 0.0});
    // Accessibility shares weighted by residents: zone 0 has 0.5, zone 1 has 0.8.
    const std::vector<double> zone_residents = {40.0, 40.0};
    const std::vector<double> access = {0.5, 0.8};
    const std::vector<double> a = area_weighted_means(w, zone_residents, access);
    CHECK(a[0] == 0.5);
    CHECK(a[1] == Approx((10.0 * 0.5 + 20.0 * 0.8) / 30.0).epsilon(1e-15)); // 0.7
    CHECK(std::isnan(a[2]));
    // Mode shares weighted by trips produced: zone 0 produces 100 trips, zone 1 300.
    const std::vector<double> trips = {100.0, 300.0};
    const std::vector<double> share = {0.2, 0.6};
    const std::vector<double> m = area_weighted_means(w, trips, share);
    // District 1 gets 100 * 10/40 = 25 trips of zone 0 and 300 * 20/40 = 150 of zone 1.
    CHECK(m[1] == Approx((25.0 * 0.2 + 150.0 * 0.6) / 175.0).epsilon(1e-15));
    CHECK(m[0] == Approx(0.2).epsilon(1e-15));
    // A zone with a NaN value is left out.
    const std::vector<double> with_nan = {std::nan(""), 0.6};
    CHECK(area_weighted_means(w, trips, with_nan)[1] == Approx(0.6).epsilon(1e-15));
    CHECK(std::isnan(area_weighted_means(w, trips, with_nan)[0]));
    // Consistency: with one area covering everything the mean is the trip-weighted city value.
    const std::vector<std::int32_t> everywhere(zone.size(), 0);
    const ZoneAreaResidents all = zone_area_residents(zone, everywhere, residents, 2, 1);
    CHECK(area_weighted_means(all, trips, share)[0] ==
          Approx((100.0 * 0.2 + 300.0 * 0.6) / 400.0).epsilon(1e-15));
    // Bad input.
    const std::vector<std::uint32_t> bad_zone = {0, 0, 0, 1, 2};
    CHECK_THROWS_AS(zone_area_residents(bad_zone, district, residents, 2, 3),
                    std::invalid_argument);
    const std::vector<std::int32_t> bad_district = {0, 0, 1, 3, -1};
    CHECK_THROWS_AS(zone_area_residents(zone, bad_district, residents, 2, 3),
                    std::invalid_argument);
    CHECK_THROWS_AS(area_weighted_means(w, std::vector<double>{1.0}, access),
                    std::invalid_argument);
}
