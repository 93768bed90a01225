// D8 and MFD flow directions and accumulation: hand-computed proportions, an inclined plane
// (analytic counts), flats without epsilon, conservation on seeded random DEMs and independence
// of the thread count.
#include <catch2/catch.hpp>

#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/flow_direction.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include "hydrology_fixtures.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::hydrology;
using namespace lauter::test::hydrology;

namespace {

Raster<double> accumulate(const TestDem& d, const Raster<float>& z, const FlowParams& p,
                          FlowStats* stats = nullptr) {
    Raster<double> acc(d.spec);
    FlowWorkspace ws;
    const FlowStats s = flow_accumulation(z.view(), d.mask, acc.view(), ws, p);
    if (stats != nullptr) {
        *stats = s;
    }
    return acc;
}

FlowParams with_method(FlowMethod m) {
    FlowParams p;
    p.method = m;
    return p;
}

/// z = col m: rises to the east, so everything drains west.
TestDem east_rising_plane(std::size_t rows, std::size_t cols) {
    std::vector<std::vector<double>> v(rows, std::vector<double>(cols));
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            v[r][c] = 100.0 + static_cast<double>(c);
        }
    }
    return dem_from_rows(v);
}

} // namespace

TEST_CASE("D8 picks the steepest descent, distance-weighted, ties to the lower code",
          "[hydrology][flow]") {
    // Centre 10; east 9 (drop 1 over 10 m); south-east 8 (drop 2 over 14.1 m, steeper).
    const TestDem d = dem_from_rows({{20, 20, 20}, {20, 10, 9}, {20, 20, 8}});
    Raster<std::uint8_t> dir(d.spec);
    compute_d8_directions(d.z.view(), d.mask, dir.view());
    CHECK(dir(1, 1) == 1);
    CHECK(dir(2, 2) == d8_no_direction); // nothing lower: an outlet
    // South-east at 8.6 m drops 1.4 over 14.1 m: 0.099 < 0.1, so east wins.
    const TestDem e = dem_from_rows({{20, 20, 20}, {20, 10, 9}, {20, 20, 8.6}});
    compute_d8_directions(e.z.view(), e.mask, dir.view());
    CHECK(dir(1, 1) == 0);
    // Equal drops east and west: the lower code (east = 0) wins.
    const TestDem f = dem_from_rows({{20, 20, 20}, {9, 10, 9}, {20, 20, 20}});
    compute_d8_directions(f.z.view(), f.mask, dir.view());
    CHECK(dir(1, 1) == 0);
}

TEST_CASE("MFD proportions follow Freeman (1991) and Quinn et al. (1991)", "[hydrology][flow]") {
    // East drops 1 m over 10 m, west 2 m over 10 m: shares 1 : 2^1.1.
    const TestDem d = dem_from_rows({{20, 20, 20}, {8, 10, 9}, {20, 20, 20}});
    FlowParams p;
    std::array<double, 8> f{};
    CHECK(mfd_fractions(d.z.view(), d.mask, 1, 1, p, f) == 2);
    // The weights are evaluated in single precision (powf): shares to about 1e-7, summing to 1
    // in double precision.
    const double ratio = std::pow(2.0, 1.1);
    CHECK(f[0] == Approx(1.0 / (1.0 + ratio)).epsilon(1e-6));
    CHECK(f[4] == Approx(ratio / (1.0 + ratio)).epsilon(1e-6));
    CHECK(f[0] + f[4] == Approx(1.0).epsilon(1e-15));
    CHECK(f[1] == 0.0);

    // Equal slopes east and south-east (tan = 0.1): Freeman splits evenly, Quinn weights the
    // contour lengths 0.5 : 0.354.
    const double diag_drop = 0.1 * std::hypot(10.0, 10.0);
    const TestDem e = dem_from_rows({{20, 20, 20}, {20, 10, 9}, {20, 20, 10 - diag_drop}});
    CHECK(mfd_fractions(e.z.view(), e.mask, 1, 1, p, f) == 2);
    CHECK(f[0] == Approx(0.5).epsilon(1e-5));
    CHECK(f[1] == Approx(0.5).epsilon(1e-5));
    p.mfd_weighting = MfdWeighting::quinn1991;
    mfd_fractions(e.z.view(), e.mask, 1, 1, p, f);
    CHECK(f[0] == Approx(0.5 / (0.5 + std::sqrt(2.0) / 4.0)).epsilon(1e-5));
    CHECK(f[0] + f[1] == Approx(1.0));
}

TEST_CASE("Accumulation on an inclined plane: D8 counts cells, MFD agrees per column",
          "[hydrology][flow]") {
    const std::size_t rows = 7;
    const std::size_t cols = 9;
    const TestDem d = east_rising_plane(rows, cols);
    FlowStats s8;
    const Raster<double> d8 = accumulate(d, d.z, with_method(FlowMethod::d8), &s8);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            CHECK(d8(r, c) == static_cast<double>(cols - c));
        }
    }
    CHECK(s8.outlet_cells == rows);
    CHECK(s8.outflow == static_cast<double>(rows * cols));

    FlowStats sm;
    const Raster<double> mfd = accumulate(d, d.z, with_method(FlowMethod::mfd), &sm);
    CHECK(sm.outlet_cells == rows);
    CHECK(sm.outflow == Approx(static_cast<double>(rows * cols)).epsilon(1e-12));
    // Everything moves one column west per step, so each column carries what lies east of it.
    for (std::size_t c = 0; c < cols; ++c) {
        double column_d8 = 0.0;
        double column_mfd = 0.0;
        for (std::size_t r = 0; r < rows; ++r) {
            column_d8 += d8(r, c);
            column_mfd += mfd(r, c);
        }
        CHECK(column_mfd == Approx(column_d8).epsilon(1e-12));
    }

    // On a one-row strip MFD has a single lower neighbour too: both give the same numbers,
    // and in m^2 they are the counts times the cell area.
    const TestDem strip = east_rising_plane(1, cols);
    FlowParams area = with_method(FlowMethod::mfd);
    area.unit = AccumulationUnit::area_m2;
    const Raster<double> strip_mfd = accumulate(strip, strip.z, area);
    const Raster<double> strip_d8 = accumulate(strip, strip.z, with_method(FlowMethod::d8));
    for (std::size_t c = 0; c < cols; ++c) {
        CHECK(strip_mfd(0, c) == Approx(100.0 * strip_d8(0, c)).epsilon(1e-12));
    }
}

TEST_CASE("Accumulation on a pyramid: every ray drains straight out", "[hydrology][flow]") {
    // z = 100 - max(|dr|, |dc|) around the centre of a 9 x 9 grid: every ring is level, axis
    // neighbours drop 1 m over 10 m and diagonals 1 m over 14.1 m, so D8 sends each cell one
    // ring outwards along an axis (east on ties, the lowest code).
    const std::size_t n = 9;
    std::vector<std::vector<double>> v(n, std::vector<double>(n));
    for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t c = 0; c < n; ++c) {
            v[r][c] = 100.0 - std::max(std::abs(static_cast<double>(r) - 4.0),
                                       std::abs(static_cast<double>(c) - 4.0));
        }
    }
    const TestDem d = dem_from_rows(v);
    FlowStats s;
    const Raster<double> acc = accumulate(d, d.z, with_method(FlowMethod::d8), &s);
    CHECK(acc(4, 4) == 1.0);
    // The summit drains east, so the eastern ray holds 2, 3, 4, 5 and the western 1 .. 4.
    CHECK(acc(4, 5) == 2.0);
    CHECK(acc(4, 8) == 5.0);
    CHECK(acc(4, 3) == 1.0);
    CHECK(acc(4, 0) == 4.0);
    CHECK(acc(0, 4) == 4.0); // the northern ray
    CHECK(s.outflow == 81.0);
    CHECK(s.outlet_cells == 32); // every edge cell, nothing else
}

TEST_CASE("Flats without epsilon stop the flow; with epsilon they drain", "[hydrology][flow]") {
    std::vector<std::vector<double>> v(5, std::vector<double>(6, 250.0));
    const TestDem d = dem_from_rows(v);
    FlowStats s;
    const Raster<double> acc = accumulate(d, d.z, with_method(FlowMethod::d8), &s);
    CHECK(s.outlet_cells == 30);
    for (std::size_t i = 0; i < acc.size(); ++i) {
        CHECK(acc[i] == 1.0);
    }
    Raster<float> filled(d.spec);
    FillWorkspace fw;
    FillParams fp;
    fp.epsilon = true;
    fill_depressions_barnes2014(d.z.view(), d.mask, filled.view(), fw, fp);
    for (FlowMethod m : {FlowMethod::d8, FlowMethod::mfd}) {
        const Raster<double> drained = accumulate(d, filled, with_method(m), &s);
        CHECK(s.outlet_cells == 18); // the edge cells only
        CHECK(s.outflow == Approx(30.0).epsilon(1e-12));
    }
}

TEST_CASE("Accumulation conserves on seeded random DEMs with holes and is thread-independent",
          "[hydrology][flow][property]") {
    for (std::uint32_t seed : {5U, 6U, 7U}) {
        INFO("seed " << seed);
        const TestDem d = random_dem(37, 41, seed, 0.06);
        Raster<float> filled(d.spec);
        FillWorkspace fw;
        FillParams fp;
        fp.epsilon = true;
        fill_depressions_barnes2014(d.z.view(), d.mask, filled.view(), fw, fp);
        const auto active = static_cast<double>(d.mask.count_with_data());
        for (FlowMethod m : {FlowMethod::d8, FlowMethod::mfd}) {
            INFO((m == FlowMethod::d8 ? "D8" : "MFD"));
            const int saved = omp_get_max_threads();
            omp_set_num_threads(1);
            FlowStats s1;
            const Raster<double> one = accumulate(d, filled, with_method(m), &s1);
            omp_set_num_threads(2);
            FlowStats s2;
            const Raster<double> two = accumulate(d, filled, with_method(m), &s2);
            omp_set_num_threads(saved);
            CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
            CHECK(s1.active_cells == d.mask.count_with_data());
            if (m == FlowMethod::d8) {
                CHECK(s1.outflow == active);
            } else {
                CHECK(std::abs(s1.outflow - active) <= 1e-9 * active);
            }
            std::size_t below_one = 0;
            std::size_t non_outlet_sinks = 0;
            Raster<std::uint8_t> dir(d.spec);
            compute_d8_directions(filled.view(), d.mask, dir.view());
            for (std::size_t r = 0; r < d.spec.rows; ++r) {
                for (std::size_t c = 0; c < d.spec.cols; ++c) {
                    if (!d.mask.has_data(r, c)) {
                        CHECK(std::isnan(one(r, c)));
                        continue;
                    }
                    below_one += one(r, c) >= 1.0 - 1e-12 ? 0U : 1U;
                    non_outlet_sinks +=
                        (dir(r, c) == d8_no_direction && !is_outlet_cell(d.mask, r, c)) ? 1U : 0U;
                }
            }
            CHECK(below_one == 0);
            CHECK(non_outlet_sinks == 0);
        }
    }
}

TEST_CASE("flow_accumulation rejects a non-positive MFD exponent", "[hydrology][flow]") {
    const TestDem d = random_dem(4, 4, 9, 0.0);
    FlowParams p = with_method(FlowMethod::mfd);
    p.mfd_exponent = 0.0;
    Raster<double> acc(d.spec);
    FlowWorkspace ws;
    CHECK_THROWS_AS(flow_accumulation(d.z.view(), d.mask, acc.view(), ws, p),
                    std::invalid_argument);
}

TEST_CASE("Accumulation equals an elevation-sorted reference sweep (D8 and MFD, m2)",
          "[hydrology][flow][property]") {
    // Reference: on an epsilon-filled DEM every donor is strictly higher than its receiver, so
    // visiting the cells from the highest down is a topological order. Flow is passed on with
    // compute_d8_directions / mfd_fractions, independently of the kernel's sweep.
    for (std::uint32_t seed : {12U, 13U}) {
        INFO("seed " << seed);
        const TestDem d = random_dem(45, 38, seed, 0.05);
        Raster<float> filled(d.spec);
        FillWorkspace fw;
        FillParams fp;
        fp.epsilon = true;
        fill_depressions(d.z.view(), d.mask, filled.view(), fw, fp);
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < d.spec.cell_count(); ++i) {
            if (d.mask.has_data(i)) {
                order.push_back(i);
            }
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return filled[a] > filled[b]; });
        Raster<std::uint8_t> dir(d.spec);
        compute_d8_directions(filled.view(), d.mask, dir.view());
        const double area = d.spec.cell_area_m2();
        for (FlowMethod m : {FlowMethod::d8, FlowMethod::mfd}) {
            INFO((m == FlowMethod::d8 ? "D8" : "MFD"));
            FlowParams p = with_method(m);
            p.unit = AccumulationUnit::area_m2;
            Raster<double> ref(d.spec, area);
            std::array<double, 8> fraction{};
            for (std::size_t i : order) {
                const std::size_t r = i / d.spec.cols;
                const std::size_t c = i % d.spec.cols;
                if (m == FlowMethod::d8) {
                    if (dir(r, c) != d8_no_direction) {
                        ref(d8_neighbour_row(r, dir(r, c)), d8_neighbour_col(c, dir(r, c))) +=
                            ref(r, c);
                    }
                    continue;
                }
                mfd_fractions(filled.view(), d.mask, r, c, p, fraction);
                for (int k = 0; k < 8; ++k) {
                    if (fraction[static_cast<std::size_t>(k)] > 0.0) {
                        ref(d8_neighbour_row(r, k), d8_neighbour_col(c, k)) +=
                            ref(r, c) * fraction[static_cast<std::size_t>(k)];
                    }
                }
            }
            FlowStats stats;
            const Raster<double> acc = accumulate(d, filled, p, &stats);
            std::size_t mismatches = 0;
            for (std::size_t i : order) {
                const double tolerance = m == FlowMethod::d8 ? 0.0 : 1e-12 * ref[i];
                mismatches += std::abs(acc[i] - ref[i]) <= tolerance ? 0U : 1U;
            }
            CHECK(mismatches == 0);
            CHECK(stats.total_weight == Approx(area * static_cast<double>(order.size())));
            CHECK(stats.outflow == Approx(stats.total_weight).epsilon(1e-12));
        }
    }
}

TEST_CASE("Accumulation through strided views equals the contiguous result", "[hydrology][flow]") {
    const TestDem d = random_dem(21, 17, 31, 0.05);
    Raster<float> filled(d.spec);
    FillWorkspace fw;
    FillParams fp;
    fp.epsilon = true;
    fill_depressions(d.z.view(), d.mask, filled.view(), fw, fp);
    const std::size_t stride = d.spec.cols + 3;
    std::vector<float> z_strided(d.spec.rows * stride, 0.0F);
    for (std::size_t r = 0; r < d.spec.rows; ++r) {
        std::copy_n(filled.data() + r * d.spec.cols, d.spec.cols, z_strided.data() + r * stride);
    }
    for (FlowMethod m : {FlowMethod::d8, FlowMethod::mfd}) {
        const Raster<double> plain = accumulate(d, filled, with_method(m));
        std::vector<double> out(d.spec.rows * stride, -7.0);
        FlowWorkspace ws;
        flow_accumulation(RasterView<const float>(z_strided.data(), d.spec, stride), d.mask,
                          RasterView<double>(out.data(), d.spec, stride), ws, with_method(m));
        std::size_t mismatches = 0;
        for (std::size_t r = 0; r < d.spec.rows; ++r) {
            for (std::size_t c = 0; c < stride; ++c) {
                const double v = out[r * stride + c];
                if (c >= d.spec.cols) {
                    mismatches += v == -7.0 ? 0U : 1U;
                } else if (d.mask.has_data(r, c)) {
                    mismatches += v == plain(r, c) ? 0U : 1U;
                } else {
                    mismatches += std::isnan(v) ? 0U : 1U;
                }
            }
        }
        CHECK(mismatches == 0);
    }
}
