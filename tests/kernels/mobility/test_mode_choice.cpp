// Mode choice: a hand-computed logit oracle, shares summing to 1 per OD pair and zone,
// calibration to the Kaiserslautern 2023 shares within 0.1 pp on a synthetic city, the bitwise
// no-op pivot, pivot = full logit with the new utilities (an identity of the MNL), a worse bike
// time lowering the bike share, car-km / CO2 change and thread-count determinism.
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/demand.hpp>
#include <lauter/kernels/mobility/mode_choice.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels::mobility;

namespace {

constexpr std::size_t kBike = static_cast<std::size_t>(ChoiceMode::bike);
constexpr std::size_t kCar = static_cast<std::size_t>(ChoiceMode::car);
constexpr std::size_t kBus = static_cast<std::size_t>(ChoiceMode::bus);

/// A synthetic hilly city: zones in an 8 km square, a valley centre and districts up to 120 m
/// higher; skims from simple speeds (walk 4.8, bike 15 flat, e-bike 20, bus 18 + headways,
/// car 25 km/h + 3 min), trips from a doubly-constrained gravity model.
struct SyntheticCity {
    std::size_t n = 0;
    std::vector<double> walk, bike, bike_climb, ebike, ebike_climb, bus_ivt, bus_headway,
        bus_access, car, car_km, parking, ebike_share, trips;

    ModeSkims skims() const {
        ModeSkims s;
        s.zone_count = n;
        s.walk_time_min = walk;
        s.bike_time_min = bike;
        s.bike_climb_m = bike_climb;
        s.ebike_time_min = ebike;
        s.ebike_climb_m = ebike_climb;
        s.bus_in_vehicle_min = bus_ivt;
        s.bus_headway_min = bus_headway;
        s.bus_access_min = bus_access;
        s.car_time_min = car;
        s.car_distance_km = car_km;
        s.parking_search_min = parking;
        s.ebike_share = ebike_share;
        return s;
    }
};

SyntheticCity synthetic_city(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> pos(0.0, 8.0);
    std::uniform_real_distribution<double> mass(100.0, 3000.0);
    std::vector<double> x(n), y(n), z(n), residents(n), jobs(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = pos(rng);
        y[i] = pos(rng);
        z[i] = 15.0 * std::hypot(x[i] - 4.0, y[i] - 4.0); // metres above the valley
        residents[i] = mass(rng);
        jobs[i] = mass(rng) / (1.0 + 0.3 * std::hypot(x[i] - 4.0, y[i] - 4.0));
    }
    SyntheticCity c;
    c.n = n;
    const std::size_t nn = n * n;
    for (auto* v : {&c.walk, &c.bike, &c.bike_climb, &c.ebike, &c.ebike_climb, &c.bus_ivt,
                    &c.bus_headway, &c.bus_access, &c.car, &c.car_km}) {
        v->resize(nn);
    }
    std::vector<double> cost(nn);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t od = i * n + j;
            const double d = 1.3 * std::hypot(x[i] - x[j], y[i] - y[j]) + 0.3;
            const double climb = std::max(0.0, z[j] - z[i]) + 0.1 * d * 10.0;
            c.walk[od] = d / 4.8 * 60.0;
            c.bike[od] = d / 15.0 * 60.0;
            c.bike_climb[od] = climb;
            c.ebike[od] = d / 20.0 * 60.0;
            c.ebike_climb[od] = climb;
            c.bus_ivt[od] = d / 18.0 * 60.0;
            c.bus_headway[od] = (i + j) % 3 == 0 ? 7.5 : 15.0;
            c.bus_access[od] = 6.0;
            c.car[od] = d / 25.0 * 60.0 + 3.0;
            c.car_km[od] = d;
            cost[od] = d;
        }
    }
    // No bus between some pairs (unavailable mode).
    c.bus_ivt[1] = HUGE_VAL;
    c.parking.assign(n, 2.0);
    c.parking[0] = 8.0; // the centre zone is hard to park in
    c.ebike_share.assign(n, 0.15);
    DeterrenceParams p;
    p.beta_per_cost = 0.35;
    c.trips = distribute_gravity(trip_productions(residents), jobs, cost, p).trips;
    return c;
}

} // namespace

TEST_CASE("Mode choice: one-pair logit oracle", "[mobility_demand][mode_choice]") {
    // Hand computation with the default coefficients, ASCs set to 0, e-bike share 1:
    // V_walk = -6.88/60 * 30, V_bike = -6.88/60 * (10 + 0.154 * 20),
    // V_ebike = -6.88/60 * (8 + 0.291 * 0.154 * 20), V_bus = -6.88/60 * (12 + 5 + 4),
    // V_car = -6.88/60 * (9 + 2) - 0.149 * 3.
    const std::vector<double> walk = {30.0}, bike = {10.0}, climb = {20.0}, ebike = {8.0},
                              ivt = {12.0}, headway = {10.0}, access = {4.0}, car = {9.0},
                              km = {3.0}, park = {2.0};
    ModeSkims s;
    s.zone_count = 1;
    s.walk_time_min = walk;
    s.bike_time_min = bike;
    s.bike_climb_m = climb;
    s.ebike_time_min = ebike;
    s.ebike_climb_m = climb;
    s.bus_in_vehicle_min = ivt;
    s.bus_headway_min = headway;
    s.bus_access_min = access;
    s.car_time_min = car;
    s.car_distance_km = km;
    s.parking_search_min = park;
    ModeChoiceParams p;
    p.asc = {0.0, 0.0, 0.0, 0.0, 0.0};
    const double bt = -6.88 / 60.0;
    const double v[5] = {bt * 30.0, bt * (10.0 + 0.154 * 20.0),
                         bt * (8.0 + 0.291 * 0.154 * 20.0), bt * 21.0, bt * 11.0 - 0.149 * 3.0};
    double sum = 0.0;
    for (double vk : v) {
        sum += std::exp(vk);
    }
    const std::vector<double> u = mode_utilities(s, p);
    const std::vector<double> trips = {100.0};
    const ModeSplit split = split_by_logit(u, trips, 1, km);
    for (std::size_t k = 0; k < choice_mode_count; ++k) {
        CHECK(u[k] == Approx(v[k]).epsilon(1e-12));
        CHECK(split.probability[k] == Approx(std::exp(v[k]) / sum).epsilon(1e-12));
        CHECK(split.mode_trips[k] == Approx(100.0 * std::exp(v[k]) / sum).epsilon(1e-12));
    }
    CHECK(split.person_km[kCar] == Approx(300.0 * std::exp(v[4]) / sum).epsilon(1e-12));
    // E-bike availability: ln(share) added; share 0 removes the mode.
    const std::vector<double> half = {0.5};
    s.ebike_share = half;
    CHECK(mode_utilities(s, p)[2] == Approx(v[2] + std::log(0.5)).epsilon(1e-12));
    const std::vector<double> none = {0.0};
    s.ebike_share = none;
    CHECK(mode_utilities(s, p)[2] == -HUGE_VAL);
}

TEST_CASE("Mode choice: shares sum to 1 per OD pair and zone", "[mobility_demand][mode_choice]") {
    const SyntheticCity city = synthetic_city(40, 3);
    const std::vector<double> u = mode_utilities(city.skims(), ModeChoiceParams{});
    const ModeSplit split = split_by_logit(u, city.trips, city.n, city.car_km);
    const std::size_t nn = city.n * city.n;
    for (std::size_t od = 0; od < nn; ++od) {
        double s = 0.0;
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            const double pk = split.probability[od * choice_mode_count + k];
            REQUIRE(pk >= 0.0);
            REQUIRE(pk <= 1.0);
            s += pk;
        }
        REQUIRE(s == Approx(1.0).epsilon(1e-12));
    }
    CHECK(split.probability[1 * choice_mode_count + kBus] == 0.0); // no bus on pair 0 -> 1
    for (std::size_t i = 0; i < city.n; ++i) {
        double s = 0.0;
        for (std::size_t k = 0; k < choice_mode_count; ++k) {
            s += split.zone_shares[i * choice_mode_count + k];
        }
        CHECK(s == Approx(1.0).epsilon(1e-12));
    }
    double s = 0.0;
    for (double c : split.city_shares) {
        s += c;
    }
    CHECK(s == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("Mode choice: calibration to Kaiserslautern 2023 within 0.1 pp",
          "[mobility_demand][mode_choice]") {
    const SyntheticCity city = synthetic_city(60, 11);
    const ModeArray target = kaiserslautern_2023_shares();
    // SrV 2023: car 50.0, walk 33.3, bike 8.3 (7 % of it e-bike), bus 8.5 %, normalised to 1.
    CHECK(target[kCar] == Approx(50.0 / 100.1));
    CHECK(target[kBike] + target[2] == Approx(8.3 / 100.1));
    const CalibrationResult cal =
        calibrate_asc(city.skims(), ModeChoiceParams{}, city.trips, target, {}, city.car_km);
    REQUIRE(cal.converged);
    CHECK(cal.asc[0] == 0.0);
    for (std::size_t k = 0; k < choice_mode_count; ++k) {
        INFO("mode " << mode_name(static_cast<ChoiceMode>(k)));
        CHECK(std::abs(cal.split.city_shares[k] - target[k]) * 100.0 <= 0.1);
        CHECK(std::abs(cal.split.city_shares[k] - target[k]) <= 1e-4);
    }
    // Recomputing with the calibrated ASCs gives the same shares.
    ModeChoiceParams p;
    p.asc = cal.asc;
    const ModeSplit again = split_by_logit(mode_utilities(city.skims(), p), city.trips, city.n);
    for (std::size_t k = 0; k < choice_mode_count; ++k) {
        CHECK(again.city_shares[k] == Approx(cal.split.city_shares[k]).epsilon(1e-12));
    }
    ModeArray bad = target;
    bad[0] += 0.1;
    CHECK_THROWS_AS(calibrate_asc(city.skims(), ModeChoiceParams{}, city.trips, bad),
                    std::invalid_argument);
}

TEST_CASE("Mode choice: pivot-point logit", "[mobility_demand][mode_choice]") {
    const SyntheticCity city = synthetic_city(40, 21);
    const CalibrationResult cal = calibrate_asc(city.skims(), ModeChoiceParams{}, city.trips,
                                                kaiserslautern_2023_shares(), {}, city.car_km);
    ModeChoiceParams p;
    p.asc = cal.asc;
    const std::vector<double> v0 = mode_utilities(city.skims(), p);
    const ModeSplit base = split_by_logit(v0, city.trips, city.n, city.car_km);

    SECTION("a scenario that changes nothing reproduces the baseline bitwise") {
        SyntheticCity same = city;
        const std::vector<double> v1 = mode_utilities(same.skims(), p);
        const std::vector<double> dv = utility_change(v0, v1);
        const ModeSplit piv = pivot_split(base, dv, city.trips, city.car_km);
        CHECK(std::memcmp(piv.probability.data(), base.probability.data(),
                          base.probability.size() * sizeof(double)) == 0);
        CHECK(std::memcmp(piv.mode_trips.data(), base.mode_trips.data(),
                          base.mode_trips.size() * sizeof(double)) == 0);
        CHECK(std::memcmp(piv.zone_shares.data(), base.zone_shares.data(),
                          base.zone_shares.size() * sizeof(double)) == 0);
        CHECK(std::memcmp(piv.city_shares.data(), base.city_shares.data(),
                          sizeof(ModeArray)) == 0);
        const CarChange change = car_change(base, piv);
        CHECK(change.car_person_km == 0.0);
        CHECK(change.co2_kg == 0.0);
    }

    SECTION("pivot from an MNL baseline equals the MNL with the new utilities") {
        SyntheticCity faster = city;
        for (double& t : faster.bike) {
            t *= 0.8; // bike lanes: 20 % faster
        }
        faster.ebike_share.assign(city.n, 0.3); // e-bike ownership doubles
        const std::vector<double> v1 = mode_utilities(faster.skims(), p);
        const ModeSplit piv = pivot_split(base, utility_change(v0, v1), city.trips, city.car_km);
        const ModeSplit full = split_by_logit(v1, city.trips, city.n, city.car_km);
        for (std::size_t k = 0; k < piv.probability.size(); ++k) {
            REQUIRE(piv.probability[k] == Approx(full.probability[k]).margin(1e-12));
        }
        CHECK(piv.city_shares[kBike] > base.city_shares[kBike]);
        CHECK(piv.city_shares[2] > base.city_shares[2]);
        const CarChange change = car_change(base, piv);
        CHECK(change.car_person_km < 0.0);
        CHECK(change.car_vehicle_km == Approx(change.car_person_km / 1.4));
        CHECK(change.co2_kg == Approx(change.car_person_km * 0.154));
    }

    SECTION("a worse bike time lowers the bike share on every pair and city-wide") {
        SyntheticCity slower = city;
        for (double& t : slower.bike) {
            t += 5.0;
        }
        const std::vector<double> v1 = mode_utilities(slower.skims(), p);
        const ModeSplit piv = pivot_split(base, utility_change(v0, v1), city.trips, city.car_km);
        CHECK(piv.city_shares[kBike] < base.city_shares[kBike]);
        const std::size_t nn = city.n * city.n;
        for (std::size_t od = 0; od < nn; ++od) {
            REQUIRE(piv.probability[od * choice_mode_count + kBike] <
                    base.probability[od * choice_mode_count + kBike]);
            REQUIRE(piv.probability[od * choice_mode_count + kCar] >
                    base.probability[od * choice_mode_count + kCar]);
        }
        CHECK(car_change(base, piv).co2_kg > 0.0);
    }
}

TEST_CASE("Mode choice is independent of the thread count", "[mobility_demand][mode_choice]") {
    const SyntheticCity city = synthetic_city(70, 8);
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    const CalibrationResult one = calibrate_asc(city.skims(), ModeChoiceParams{}, city.trips,
                                                kaiserslautern_2023_shares(), {}, city.car_km);
    omp_set_num_threads(2);
    const CalibrationResult two = calibrate_asc(city.skims(), ModeChoiceParams{}, city.trips,
                                                kaiserslautern_2023_shares(), {}, city.car_km);
    omp_set_num_threads(before);
    CHECK(one.iterations == two.iterations);
    CHECK(std::memcmp(one.asc.data(), two.asc.data(), sizeof(ModeArray)) == 0);
    CHECK(std::memcmp(one.split.probability.data(), two.split.probability.data(),
                      one.split.probability.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(one.split.person_km.data(), two.split.person_km.data(),
                      sizeof(ModeArray)) == 0);
}

TEST_CASE("Mode choice: bad input", "[mobility_demand][mode_choice]") {
    SyntheticCity city = synthetic_city(5, 1);
    ModeSkims s = city.skims();
    const std::vector<double> short_vec(3, 1.0);
    s.walk_time_min = short_vec;
    CHECK_THROWS_AS(mode_utilities(s, ModeChoiceParams{}), std::invalid_argument);
    // A pair with trips but no mode at all.
    SyntheticCity cut = city;
    for (auto* v : {&cut.walk, &cut.bike, &cut.ebike, &cut.bus_ivt, &cut.car}) {
        (*v)[2] = HUGE_VAL;
    }
    const std::vector<double> u = mode_utilities(cut.skims(), ModeChoiceParams{});
    CHECK_THROWS_AS(split_by_logit(u, cut.trips, cut.n), std::invalid_argument);
    CHECK_THROWS_AS(kaiserslautern_2023_shares(1.5), std::invalid_argument);
}
