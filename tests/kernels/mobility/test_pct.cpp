// PCT uptake functions against the regression anchors of mobility.md sections 1.1, 1.3 and 9
// (ITSLeeds/pct R/uptake.R examples; the 2020 Kaiserslautern-style table is computed there from
// the same coefficients).
#include <catch2/catch.hpp>

#include <lauter/kernels/mobility/pct.hpp>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace lauter::kernels::mobility;

TEST_CASE("PCT 2017 anchors of uptake.R at 15 km and 2 %", "[mobility_demand][pct]") {
    // uptake.R examples (mobility.md 1.1 and 9).
    CHECK(pct_uptake(pct_govtarget_2017(), 15.0, 2.0) == Approx(0.0107377).epsilon(1e-5));
    CHECK(pct_logit(pct_godutch_2017(), 15.0, 2.0) == Approx(-3.144098).margin(5e-7));
    CHECK(pct_uptake(pct_godutch_2017(), 15.0, 2.0) == Approx(0.04132445).epsilon(1e-6));
}

TEST_CASE("PCT 2020 Kaiserslautern-style table", "[mobility_demand][pct]") {
    // mobility.md 1.3: rows (distance km, gradient %) -> GovTarget, GoDutch, E-bike, 3 decimals.
    struct Row {
        double d_km, g_pct, govtarget, godutch, ebike;
    };
    const Row rows[] = {{4.0, 0.0, 0.107, 0.527, 0.546},
                        {4.0, 2.5, 0.040, 0.280, 0.397},
                        {4.0, 3.75, 0.024, 0.186, 0.327},
                        {3.0, 5.0, 0.016, 0.139, 0.290}};
    for (const Row& r : rows) {
        INFO("d = " << r.d_km << " km, g = " << r.g_pct << " %");
        CHECK(std::abs(pct_uptake(pct_govtarget_2020(), r.d_km, r.g_pct) - r.govtarget) <= 5e-4);
        CHECK(std::abs(pct_uptake(pct_godutch_2020(), r.d_km, r.g_pct) - r.godutch) <= 5e-4);
        CHECK(std::abs(pct_uptake(pct_ebike_2020(), r.d_km, r.g_pct) - r.ebike) <= 5e-4);
    }
    // "At 2.5 % the e-bike scenario loses 27 % of its flat-ground uptake, against 47 % for
    // GoDutch" (mobility.md 1.3).
    const double e_loss = 1.0 - pct_uptake(pct_ebike_2020(), 4.0, 2.5) /
                                    pct_uptake(pct_ebike_2020(), 4.0, 0.0);
    const double d_loss = 1.0 - pct_uptake(pct_godutch_2020(), 4.0, 2.5) /
                                    pct_uptake(pct_godutch_2020(), 4.0, 0.0);
    CHECK(std::round(e_loss * 100.0) == 27.0);
    CHECK(std::round(d_loss * 100.0) == 47.0);
}

TEST_CASE("PCT uptake properties and matrix form", "[mobility_demand][pct]") {
    // Beyond a few km uptake falls with distance, and with gradient at any distance.
    for (double d = 3.0; d < 30.0; d += 1.0) {
        CHECK(pct_uptake(pct_godutch_2020(), d + 1.0, 1.0) <
              pct_uptake(pct_godutch_2020(), d, 1.0));
    }
    for (double g = 0.0; g < 8.0; g += 0.5) {
        CHECK(pct_uptake(pct_ebike_2020(), 5.0, g + 0.5) < pct_uptake(pct_ebike_2020(), 5.0, g));
        // The e-bike model is always at least as likely as Go Dutch on hills.
        CHECK(pct_uptake(pct_ebike_2020(), 5.0, g) >= pct_uptake(pct_godutch_2020(), 5.0, g));
    }
    CHECK(std::isnan(pct_uptake(pct_godutch_2020(), -1.0, 0.0)));
    CHECK(std::isnan(pct_uptake(pct_godutch_2020(), HUGE_VAL, 0.0)));
    CHECK(pct_scenario_share(0.2, 0.3) == 0.3);
    CHECK(pct_scenario_share(0.4, 0.3) == 0.4);

    const std::size_t count = 5000;
    std::vector<double> d(count);
    std::vector<double> g(count);
    for (std::size_t k = 0; k < count; ++k) {
        d[k] = 0.1 + 0.005 * static_cast<double>(k);
        g[k] = 0.002 * static_cast<double>(k % 3000);
    }
    d[7] = HUGE_VAL;
    std::vector<double> one(count);
    std::vector<double> two(count);
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    pct_uptake_matrix(pct_ebike_2020(), d, g, one);
    omp_set_num_threads(2);
    pct_uptake_matrix(pct_ebike_2020(), d, g, two);
    omp_set_num_threads(before);
    CHECK(std::memcmp(one.data(), two.data(), count * sizeof(double)) == 0);
    CHECK(std::isnan(one[7]));
    CHECK(one[100] == pct_uptake(pct_ebike_2020(), d[100], g[100]));
    std::vector<double> short_out(3);
    CHECK_THROWS_AS(pct_uptake_matrix(pct_ebike_2020(), d, g, short_out), std::invalid_argument);
}
