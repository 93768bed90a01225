// Flow-speed classes and the cold-air supply of settlement cells (supply.hpp) on oracle grids.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/coldair/supply.hpp>

#include <cstdint>
#include <stdexcept>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::coldair;
using lauter::test::make_grid;

TEST_CASE("flow-speed classes: Leipzig's breaks by default, ends of the classes included",
          "[coldair][coldair4]") {
    const GridSpec g = make_grid(1, 8, 10.0, 10.0);
    CellMask mask(g);
    mask.set(7, CellStatus::no_data);
    Raster<float> speed(g);
    // Binary-exact values: 0.125 | 0.25 | 0.375 | 0.5 lie in the 1st to 3rd Leipzig class.
    const std::vector<float> v = {0.0F, 0.125F, 0.25F, 0.375F, 0.5F, 0.75F,
                                  no_data_value<float>, 0.25F};
    for (std::size_t i = 0; i < v.size(); ++i) {
        speed[i] = v[i];
    }
    Raster<std::uint8_t> out(g, 9);
    classify_flow_speed(speed.view(), mask, FlowSpeedClassParams{}, out.view());
    const std::vector<std::uint8_t> leipzig = {1, 1, 2, 3, 3, 4, 0, 0};
    for (std::size_t i = 0; i < v.size(); ++i) {
        CHECK(out[i] == leipzig[i]);
    }
    // Breaks exactly on values: a class includes its upper break.
    FlowSpeedClassParams p;
    p.speed_breaks_m_per_s = {0.25, 0.5, 0.75};
    classify_flow_speed(speed.view(), mask, p, out.view());
    const std::vector<std::uint8_t> own = {1, 1, 1, 2, 2, 3, 0, 0};
    for (std::size_t i = 0; i < v.size(); ++i) {
        CHECK(out[i] == own[i]);
    }
    p.speed_breaks_m_per_s = {0.5, 0.3, 0.6};
    CHECK_THROWS_AS(classify_flow_speed(speed.view(), mask, p, out.view()),
                    std::invalid_argument);
    p.speed_breaks_m_per_s = {0.0, 0.3, 0.6};
    CHECK_THROWS_AS(validate(p), std::invalid_argument);
}

TEST_CASE("cold-air supply: reached from outside along faces carrying at least q_min",
          "[coldair][coldair4]") {
    // 3 x 5 cells; columns 2-4 are settlement; (1, 1) has no data.
    const GridSpec g = make_grid(3, 5, 10.0, 10.0);
    CellMask mask(g);
    mask.set(1, 1, CellStatus::no_data);
    Raster<std::uint8_t> settlement(g, 0);
    for (std::size_t r = 0; r < 3; ++r) {
        for (std::size_t c = 2; c < 5; ++c) {
            settlement(r, c) = 1;
        }
    }
    shallow::FaceField<double> q(g);
    q.x(0, 2) = 0.5;   // (0,1) -> (0,2): seed
    q.x(0, 3) = 0.5;   // (0,2) -> (0,3): spreads
    q.x(0, 4) = 0.005; // (0,3) -> (0,4): below q_min 0.01
    q.y(1, 3) = 0.2;   // (0,3) -> (1,3) southward: spreads
    q.x(1, 2) = 0.5;   // from the no-data cell (1,1): not a source
    q.y(2, 4) = 0.3;   // (1,4) -> (2,4): (1,4) is not supplied, so neither is (2,4)
    q.x(2, 2) = 0.01;  // (2,1) -> (2,2): exactly q_min, a seed
    q.x(2, 3) = -0.5;  // (2,3) -> (2,2) westward: from an unsupplied cell
    Raster<std::uint8_t> supply(g, 9);
    const std::size_t n =
        classify_cold_air_supply(q, mask, settlement.view(), SupplyParams{}, supply.view());
    // 1 supplied, 2 not supplied, 0 not a settlement cell.
    const std::vector<std::vector<std::uint8_t>> expected = {
        {0, 0, 1, 1, 2}, {0, 0, 2, 1, 2}, {0, 0, 1, 2, 2}};
    for (std::size_t r = 0; r < 3; ++r) {
        for (std::size_t c = 0; c < 5; ++c) {
            INFO("row " << r << ", column " << c);
            CHECK(supply(r, c) == expected[r][c]);
        }
    }
    CHECK(n == 4);

    // Every face reversed: nothing enters from outside, nothing is supplied.
    shallow::FaceField<double> reversed(g);
    for (std::size_t r = 0; r < 3; ++r) {
        for (std::size_t c = 0; c <= 5; ++c) {
            reversed.x(r, c) = -q.x(r, c);
        }
    }
    for (std::size_t r = 0; r <= 3; ++r) {
        for (std::size_t c = 0; c < 5; ++c) {
            reversed.y(r, c) = -q.y(r, c);
        }
    }
    CHECK(classify_cold_air_supply(reversed, mask, settlement.view(), SupplyParams{},
                                   supply.view()) == 0);

    SupplyParams bad;
    bad.min_unit_inflow_m2_per_s = 0.0;
    CHECK_THROWS_AS(classify_cold_air_supply(q, mask, settlement.view(), bad, supply.view()),
                    std::invalid_argument);
    const shallow::FaceField<double> wrong(make_grid(2, 5, 10.0, 10.0));
    CHECK_THROWS_AS(
        classify_cold_air_supply(wrong, mask, settlement.view(), SupplyParams{}, supply.view()),
        std::invalid_argument);
}
