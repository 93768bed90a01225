// Trip production, attractions and gravity distribution: hand-computed 2-zone oracles,
// marginal constraints and the cross-product ratios the doubly-constrained model preserves,
// Furness convergence, Hyman calibration of beta, thread-count determinism and bad input.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/demand.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels::mobility;

namespace {

/// n zones on a line 1 km apart; cost = distance in km, intrazonal 0.5 km.
std::vector<double> line_costs(std::size_t n) {
    std::vector<double> c(n * n);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const double d = std::abs(static_cast<double>(i) - static_cast<double>(j));
            c[i * n + j] = i == j ? 0.5 : d;
        }
    }
    return c;
}

struct RandomCity {
    std::vector<double> productions;
    std::vector<double> attractions;
    std::vector<double> cost;
};

/// Zones scattered in a 6 km square, cost = 1.3 x straight line (km) + 0.2.
RandomCity random_city(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> pos(0.0, 6.0);
    std::uniform_real_distribution<double> mass(50.0, 2000.0);
    std::vector<double> x(n);
    std::vector<double> y(n);
    RandomCity city;
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = pos(rng);
        y[i] = pos(rng);
        city.productions.push_back(mass(rng));
        city.attractions.push_back(mass(rng));
    }
    city.cost.resize(n * n);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            city.cost[i * n + j] = 1.3 * std::hypot(x[i] - x[j], y[i] - y[j]) + 0.2;
        }
    }
    return city;
}

double row_sum(const std::vector<double>& t, std::size_t n, std::size_t i) {
    double s = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
        s += t[i * n + j];
    }
    return s;
}

double column_sum(const std::vector<double>& t, std::size_t n, std::size_t j) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        s += t[i * n + j];
    }
    return s;
}

} // namespace

TEST_CASE("Trip production and attractions", "[mobility_demand][demand]") {
    const std::vector<double> residents = {1000.0, 0.0, 250.0};
    const std::vector<double> p = trip_productions(residents);
    // SrV 2023 Kaiserslautern: 3.2 trips per person and day (mobility.md 5).
    CHECK(p[0] == Approx(3200.0));
    CHECK(p[1] == 0.0);
    CHECK(p[2] == Approx(800.0));
    CHECK_THROWS_AS(trip_productions(std::vector<double>{-1.0}), std::invalid_argument);

    const std::vector<double> jobs = {10.0, 0.0, 5.0};
    const std::vector<double> shops = {1.0, 2.0, 0.0};
    DestinationCounts counts;
    counts.jobs = jobs;
    counts.shops = shops;
    AttractionWeights w;
    w.per_shop = 20.0;
    const std::vector<double> a = destination_attractions(3, counts, w);
    CHECK(a[0] == Approx(30.0));
    CHECK(a[1] == Approx(40.0));
    CHECK(a[2] == Approx(5.0));
    const std::vector<double> two = {1.0, 2.0};
    counts.schools = two;
    CHECK_THROWS_AS(destination_attractions(3, counts, w), std::invalid_argument);
}

TEST_CASE("Deterrence functions", "[mobility_demand][demand]") {
    DeterrenceParams p;
    p.beta_per_cost = 0.2;
    CHECK(deterrence(p, 5.0) == Approx(std::exp(-1.0)));
    CHECK(deterrence(p, HUGE_VAL) == 0.0);
    p.kind = DeterrenceKind::power;
    p.alpha = 2.0;
    CHECK(deterrence(p, 4.0) == Approx(1.0 / 16.0));
    p.kind = DeterrenceKind::combined;
    CHECK(deterrence(p, 5.0) == Approx(std::exp(-1.0) / 25.0));
}

TEST_CASE("Production-constrained gravity: 2-zone oracle", "[mobility_demand][demand]") {
    // O = (10, 20), D = (1, 1), f = exp(-c), c = [[0, 1], [1, 0]]:
    // T_0j = 10 (1, e^-1) / (1 + e^-1), T_1j = 20 (e^-1, 1) / (1 + e^-1).
    const std::vector<double> o = {10.0, 20.0};
    const std::vector<double> d = {1.0, 1.0};
    const std::vector<double> c = {0.0, 1.0, 1.0, 0.0};
    DeterrenceParams p;
    p.beta_per_cost = 1.0;
    BalancingParams b;
    b.kind = BalancingKind::production_constrained;
    const DistributionResult r = distribute_gravity(o, d, c, p, b);
    const double a = std::exp(-1.0);
    CHECK(r.trips[0] == Approx(10.0 / (1.0 + a)));
    CHECK(r.trips[1] == Approx(10.0 * a / (1.0 + a)));
    CHECK(r.trips[2] == Approx(20.0 * a / (1.0 + a)));
    CHECK(r.trips[3] == Approx(20.0 / (1.0 + a)));
    CHECK(r.converged);
}

TEST_CASE("Doubly-constrained gravity: 2-zone oracle", "[mobility_demand][demand]") {
    // O = (10, 20), D = (15, 15), f = [[1, a], [a, 1]], a = e^-1. The marginals leave one free
    // entry x = T_00: T = [[x, 10 - x], [15 - x, 5 + x]], and the doubly-constrained model keeps
    // the cross ratio T_00 T_11 / (T_01 T_10) = 1 / a^2 = e^2, so
    // (1 - e^2) x^2 + (5 + 25 e^2) x - 150 e^2 = 0 (root in (0, 10)).
    const std::vector<double> o = {10.0, 20.0};
    const std::vector<double> d = {15.0, 15.0};
    const std::vector<double> c = {0.0, 1.0, 1.0, 0.0};
    DeterrenceParams p;
    p.beta_per_cost = 1.0;
    const DistributionResult r = distribute_gravity(o, d, c, p);
    const double e2 = std::exp(2.0);
    const double qa = 1.0 - e2;
    const double qb = 5.0 + 25.0 * e2;
    const double qc = -150.0 * e2;
    const double disc = std::sqrt(qb * qb - 4.0 * qa * qc);
    double x = (-qb + disc) / (2.0 * qa);
    if (!(x > 0.0 && x < 10.0)) {
        x = (-qb - disc) / (2.0 * qa);
    }
    REQUIRE(r.converged);
    CHECK(r.trips[0] == Approx(x).epsilon(1e-9));
    CHECK(r.trips[1] == Approx(10.0 - x).epsilon(1e-9));
    CHECK(r.trips[2] == Approx(15.0 - x).epsilon(1e-9));
    CHECK(r.trips[3] == Approx(5.0 + x).epsilon(1e-9));
}

TEST_CASE("Doubly-constrained gravity: marginals, cross ratios, convergence",
          "[mobility_demand][demand]") {
    const std::size_t n = 40;
    const RandomCity city = random_city(n, 17);
    DeterrenceParams p;
    p.kind = DeterrenceKind::combined;
    p.beta_per_cost = 0.4;
    p.alpha = 0.5;
    const DistributionResult r = distribute_gravity(city.productions, city.attractions, city.cost,
                                                    p);
    REQUIRE(r.converged);
    CHECK(r.max_column_error_rel <= 1e-9);
    CHECK(r.iterations > 1);
    double total_o = 0.0;
    double total_d = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        total_o += city.productions[i];
        total_d += city.attractions[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(row_sum(r.trips, n, i) == Approx(city.productions[i]).epsilon(1e-12));
        CHECK(column_sum(r.trips, n, i) ==
              Approx(city.attractions[i] * total_o / total_d).epsilon(1e-9));
    }
    // T_ij T_kl / (T_il T_kj) = f_ij f_kl / (f_il f_kj) for any balancing factors.
    const std::size_t pairs[][4] = {{0, 1, 2, 3}, {5, 17, 33, 8}, {39, 0, 12, 21}};
    for (const auto& q : pairs) {
        const std::size_t i = q[0], j = q[1], k = q[2], l = q[3];
        const double model = r.trips[i * n + j] * r.trips[k * n + l] /
                             (r.trips[i * n + l] * r.trips[k * n + j]);
        const double expected =
            deterrence(p, city.cost[i * n + j]) * deterrence(p, city.cost[k * n + l]) /
            (deterrence(p, city.cost[i * n + l]) * deterrence(p, city.cost[k * n + j]));
        CHECK(model == Approx(expected).epsilon(1e-10));
    }
    // One iteration is not enough: reported as not converged.
    BalancingParams once;
    once.max_iterations = 1;
    const DistributionResult r1 =
        distribute_gravity(city.productions, city.attractions, city.cost, p, once);
    CHECK_FALSE(r1.converged);
    CHECK(r1.max_column_error_rel > 1e-9);
}

TEST_CASE("Hyman calibration reaches the target mean trip cost", "[mobility_demand][demand]") {
    const std::size_t n = 30;
    const RandomCity city = random_city(n, 5);
    DeterrenceParams zero;
    const double mean0 = mean_trip_cost(
        distribute_gravity(city.productions, city.attractions, city.cost, zero).trips, city.cost);
    const double target = 2.5; // km, below the beta = 0 mean
    REQUIRE(target < mean0);
    const BetaCalibration cal =
        calibrate_exponential_beta(city.productions, city.attractions, city.cost, target);
    REQUIRE(cal.converged);
    CHECK(cal.beta_per_cost > 0.0);
    DeterrenceParams p;
    p.beta_per_cost = cal.beta_per_cost;
    const double mean = mean_trip_cost(
        distribute_gravity(city.productions, city.attractions, city.cost, p).trips, city.cost);
    CHECK(std::abs(mean - target) <= 1e-6 * target);
    // A larger beta gives shorter trips.
    p.beta_per_cost *= 1.5;
    CHECK(mean_trip_cost(distribute_gravity(city.productions, city.attractions, city.cost, p)
                             .trips,
                         city.cost) < mean);
    CHECK_THROWS_AS(calibrate_exponential_beta(city.productions, city.attractions, city.cost,
                                               mean0 * 1.1),
                    std::invalid_argument);
}

TEST_CASE("Gravity distribution is independent of the thread count",
          "[mobility_demand][demand]") {
    // 1024 zones: 2^20 pairs, the size from which the balancing runs on several threads.
    const std::size_t n = 1024;
    const RandomCity city = random_city(n, 99);
    DeterrenceParams p;
    p.beta_per_cost = 0.5;
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    const DistributionResult one = distribute_gravity(city.productions, city.attractions,
                                                      city.cost, p);
    omp_set_num_threads(2);
    const DistributionResult two = distribute_gravity(city.productions, city.attractions,
                                                      city.cost, p);
    omp_set_num_threads(before);
    REQUIRE(one.trips.size() == two.trips.size());
    CHECK(std::memcmp(one.trips.data(), two.trips.data(), one.trips.size() * sizeof(double)) ==
          0);
    CHECK(one.iterations == two.iterations);
}

TEST_CASE("Gravity distribution: unreachable pairs and bad input", "[mobility_demand][demand]") {
    const std::size_t n = 5;
    std::vector<double> c = line_costs(n);
    const std::vector<double> o = {10.0, 10.0, 10.0, 10.0, 0.0};
    const std::vector<double> d = {1.0, 1.0, 1.0, 1.0, 1.0};
    DeterrenceParams p;
    p.beta_per_cost = 0.3;
    // Pair 0 -> 4 not connected: no trips there.
    c[0 * n + 4] = HUGE_VAL;
    const DistributionResult r = distribute_gravity(o, d, c, p);
    CHECK(r.converged);
    CHECK(r.trips[0 * n + 4] == 0.0);
    for (std::size_t j = 0; j < n; ++j) {
        CHECK(r.trips[4 * n + j] == 0.0); // zone 4 produces nothing
    }
    // Zone 0 reaches nothing: clear error, no silent loss of its trips.
    std::vector<double> cut = line_costs(n);
    for (std::size_t j = 0; j < n; ++j) {
        cut[j] = HUGE_VAL;
    }
    CHECK_THROWS_AS(distribute_gravity(o, d, cut, p), std::invalid_argument);
    std::vector<double> negative = line_costs(n);
    negative[3] = -1.0;
    CHECK_THROWS_AS(distribute_gravity(o, d, negative, p), std::invalid_argument);
    CHECK_THROWS_AS(distribute_gravity(o, std::vector<double>(4, 1.0), c, p),
                    std::invalid_argument);
    DeterrenceParams bad;
    bad.beta_per_cost = -1.0;
    CHECK_THROWS_AS(distribute_gravity(o, d, c, bad), std::invalid_argument);
    // Large beta: the row shift keeps the nearest destination finite (no underflow to 0).
    DeterrenceParams steep;
    steep.beta_per_cost = 2000.0;
    BalancingParams singly;
    singly.kind = BalancingKind::production_constrained;
    const DistributionResult s = distribute_gravity(o, d, line_costs(n), steep, singly);
    CHECK(row_sum(s.trips, n, 0) == Approx(10.0));
}
