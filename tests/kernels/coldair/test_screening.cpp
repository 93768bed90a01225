// Kinematic cold-air screening (screening.hpp, SAGA "Cold Air Flow" scheme): the numbers of
// physics.md table E row 17, the time step, volume conservation with closed and open edges,
// downhill flow and pooling, thread-count determinism and entry checks.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/coldair/screening.hpp>

#include <omp.h>

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::coldair;
using lauter::test::make_grid;
using shallow::CellField;

namespace {

double degrees(double deg) { return deg * std::numbers::pi / 180.0; }

/// Rough terrain with pits: a tilted plane plus hash-like noise of a few metres.
void rough(Raster<float>& z, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> noise(0.0, 4.0);
    const GridSpec& g = z.spec();
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            z(r, c) = static_cast<float>(200.0 - 0.05 * static_cast<double>(c) * 10.0 +
                                         20.0 * std::sin(static_cast<double>(r) / 9.0) +
                                         noise(rng));
        }
    }
}

} // namespace

TEST_CASE("Screening: physics.md table E row 17", "[coldair]") {
    // g' = 9.80665 (15 - 5) / 288.15 = 0.3403 m/s^2 [SAGA] (computed).
    const double gr = screening_reduced_gravity_m_per_s2(15.0, 5.0);
    CHECK(gr == Approx(0.3403).margin(5e-5));
    // v = sqrt(g' h / f sin 2 deg) = 0.345 m/s for h 10 m, f 1 (computed).
    CHECK(screening_velocity_m_per_s(gr, 10.0, degrees(2.0), 1.0) == Approx(0.345).margin(5e-4));
    CHECK(screening_velocity_m_per_s(gr, 0.0, degrees(2.0), 1.0) == 0.0);
}

TEST_CASE("Screening: time step 0.5 dx / v_max on a plane", "[coldair]") {
    const GridSpec g = make_grid(12, 12, 10.0, 10.0);
    Raster<float> z(g);
    const double tan_a = std::tan(degrees(2.0));
    for (std::size_t r = 0; r < 12; ++r) {
        for (std::size_t c = 0; c < 12; ++c) {
            z(r, c) = static_cast<float>(100.0 - tan_a * static_cast<double>(c) * 10.0);
        }
    }
    const CellMask mask(g);
    ScreeningParams p;
    p.open_edges = false;
    ColdAirScreening s(z.view(), mask, CellField::uniform(10.0), p);
    // Step 1: nothing moves yet, SAGA's initial step (10 s) of production.
    CHECK(s.step() == 10.0);
    const double h = 10.0 / 3600.0 * 10.0;
    CHECK(s.height_m()[g.index(5, 5)] == Approx(h).epsilon(1e-12));
    // Step 2: the uniform layer on the plane moves at v(h, slope), dt = 0.5 dx / v.
    const double v = screening_velocity_m_per_s(screening_reduced_gravity_m_per_s2(15.0, 5.0), h,
                                                std::atan(tan_a), 1.0);
    CHECK(s.step() == Approx(0.5 * 10.0 / v).epsilon(1e-4)); // float terrain
    // Nothing moves: the step doubles.
    const GridSpec flat_g = make_grid(4, 4, 10.0, 10.0);
    Raster<float> flat(flat_g, 0.0F);
    const CellMask flat_mask(flat_g);
    ColdAirScreening f(flat.view(), flat_mask, CellField::uniform(1.0), p);
    CHECK(f.step() == 10.0);
    CHECK(f.step() == 20.0);
    CHECK(f.step(15.0) == 15.0);
}

TEST_CASE("Screening conserves volume: closed and open edges", "[coldair]") {
    const GridSpec g = make_grid(40, 50, 10.0, 10.0);
    Raster<float> z(g);
    rough(z, 3);
    CellMask mask(g);
    for (std::size_t r = 10; r < 14; ++r) {
        mask.set(r, 20, CellStatus::no_data);
    }
    Raster<float> prod(g, 10.0F);
    for (std::size_t c = 0; c < 50; ++c) {
        prod(30, c) = 0.5F;
    }
    ScreeningParams p;
    p.duration_s = 1800.0;
    p.output_times_s = {1800.0};
    SECTION("closed edges: storage = production") {
        p.open_edges = false;
        ColdAirScreening s(z.view(), mask, CellField::raster(prod.view()), p);
        s.advance_to(1800.0);
        double expected = 0.0;
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            expected += mask.has_data(i) ? static_cast<double>(prod[i]) * 0.5 * 100.0 : 0.0;
        }
        CHECK(s.balance().time_s == 1800.0);
        CHECK(s.balance().outflow_m3 == 0.0);
        CHECK(s.balance().storage_m3 == Approx(expected).epsilon(1e-12));
        for (std::size_t i = 0; i < g.cell_count(); ++i) {
            CHECK(s.height_m()[i] >= 0.0);
        }
    }
    SECTION("open edges: storage + outflow = production") {
        ColdAirScreening s(z.view(), mask, CellField::raster(prod.view()), p);
        s.advance_to(1800.0);
        CHECK(s.balance().outflow_m3 > 0.0);
        CHECK(std::abs(s.balance().residual_m3) < 1e-10 * s.balance().production_m3);
    }
}

TEST_CASE("Screening: cold air drains down a valley and pools in a basin", "[coldair]") {
    // A V-shaped valley (walls 10 % steep) draining west into a closed basin. Without flow every
    // cell would hold P t = 10 m after 1 h.
    const GridSpec g = make_grid(31, 60, 10.0, 10.0);
    Raster<float> z(g);
    for (std::size_t r = 0; r < 31; ++r) {
        for (std::size_t c = 0; c < 60; ++c) {
            const double across = std::abs(static_cast<double>(r) - 15.0) * 10.0;
            const double along = static_cast<double>(c) * 10.0;
            const double basin = c < 10 ? 5.0 - 0.5 * static_cast<double>(c) : 0.0;
            z(r, c) = static_cast<float>(100.0 + 0.1 * across + 0.02 * along - basin);
        }
    }
    const CellMask mask(g);
    ScreeningParams p;
    p.open_edges = false;
    p.duration_s = 3600.0;
    p.output_times_s = {3600.0};
    ColdAirScreening s(z.view(), mask, CellField::uniform(10.0), p);
    const auto snaps = s.run();
    REQUIRE(snaps.size() == 1);
    const Raster<float>& h = snaps[0].height_m;
    CHECK(h(15, 30) > 1.5F * h(2, 30)); // valley floor vs. wall
    CHECK(h(2, 30) < 10.0F);             // the walls drain
    CHECK(h(15, 2) > 10.0F);             // the basin collects the valley's air
}

TEST_CASE("Screening: bitwise identical for 1 and 2 threads", "[coldair]") {
    const GridSpec g = make_grid(130, 130, 10.0, 10.0); // above the threading threshold
    Raster<float> z(g);
    rough(z, 11);
    CellMask mask(g);
    mask.set(70, 70, CellStatus::no_data);
    ScreeningParams p;
    p.duration_s = 600.0;
    p.output_times_s = {600.0};
    const int saved = omp_get_max_threads();
    auto run = [&](int threads) {
        omp_set_num_threads(threads);
        ColdAirScreening s(z.view(), mask, CellField::uniform(10.0), p);
        s.advance_to(600.0);
        return std::vector<double>(s.height_m());
    };
    const std::vector<double> one = run(1);
    const std::vector<double> two = run(2);
    omp_set_num_threads(saved);
    CHECK(one == two);
}

TEST_CASE("Screening: bad input is rejected", "[coldair]") {
    const GridSpec g = make_grid(4, 4, 10.0, 10.0);
    Raster<float> z(g, 0.0F);
    const CellMask mask(g);
    ScreeningParams p;
    p.delay = 2.0;
    CHECK_THROWS_WITH(ColdAirScreening(z.view(), mask, CellField::uniform(1.0), p),
                      Catch::Contains("delay"));
    p = ScreeningParams{};
    p.cold_air_temperature_c = 20.0;
    CHECK_THROWS_WITH(ColdAirScreening(z.view(), mask, CellField::uniform(1.0), p),
                      Catch::Contains("cold_air_temperature_c"));
    p = ScreeningParams{};
    CHECK_THROWS_WITH(ColdAirScreening(z.view(), mask, CellField::uniform(-1.0), p),
                      Catch::Contains("production"));
    const GridSpec oblong = make_grid(4, 4, 10.0, 5.0);
    Raster<float> zo(oblong, 0.0F);
    const CellMask mo(oblong);
    CHECK_THROWS_WITH(ColdAirScreening(zo.view(), mo, CellField::uniform(1.0), p),
                      Catch::Contains("square"));
}
