// fill_depressions (radix-heap Priority-Flood) against fill_depressions_barnes2014: bitwise the
// same surface without epsilon on random DEMs with holes, ties, negative heights and strided
// views; with epsilon the Priority-Flood+epsilon properties; statistics independent of threads.
#include <catch2/catch.hpp>

#include <lauter/kernels/hydrology/fill.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include "hydrology_fixtures.hpp"

#include <omp.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::hydrology;
using namespace lauter::test::hydrology;

namespace {

/// Number of data cells whose float bits differ, plus no-data cells that are not NaN in `a`.
std::size_t bit_differences(const TestDem& d, const Raster<float>& a, const Raster<float>& b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < d.spec.cell_count(); ++i) {
        if (!d.mask.has_data(i)) {
            n += std::isnan(a[i]) ? 0U : 1U;
            continue;
        }
        n += std::bit_cast<std::uint32_t>(a[i]) == std::bit_cast<std::uint32_t>(b[i]) ? 0U : 1U;
    }
    return n;
}

struct BothFills {
    Raster<float> barnes;
    Raster<float> radix;
    FillStats barnes_stats;
    FillStats radix_stats;
};

BothFills fill_both(const TestDem& d, bool epsilon) {
    BothFills f{Raster<float>(d.spec), Raster<float>(d.spec), {}, {}};
    FillWorkspace ws;
    FillParams p;
    p.epsilon = epsilon;
    f.barnes_stats = fill_depressions_barnes2014(d.z.view(), d.mask, f.barnes.view(), ws, p);
    f.radix_stats = fill_depressions(d.z.view(), d.mask, f.radix.view(), ws, p);
    return f;
}

/// A DEM with many exact ties: integer heights in [0, levels) plus a tilt of whole metres,
/// optionally shifted below zero (negative floats use the inverted half of the key space).
TestDem tied_dem(std::size_t rows, std::size_t cols, std::uint32_t seed, int levels,
                 double shift_m) {
    TestDem d = random_dem(rows, cols, seed, 0.03);
    std::mt19937 rng(seed + 1000U);
    std::uniform_int_distribution<int> height(0, levels - 1);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            if (d.mask.has_data(r, c)) {
                d.z(r, c) = static_cast<float>(height(rng) + static_cast<int>((r + c) / 8) +
                                               shift_m);
            }
        }
    }
    return d;
}

} // namespace

TEST_CASE("fill_depressions equals Barnes 2014 bit for bit on random DEMs",
          "[hydrology][fill][property]") {
    for (std::uint32_t seed : {1U, 2U, 3U, 4U, 5U, 42U}) {
        INFO("seed " << seed);
        const TestDem d = random_dem(57, 43, seed, seed == 42U ? 0.0 : 0.06);
        const BothFills f = fill_both(d, false);
        CHECK(bit_differences(d, f.radix, f.barnes) == 0);
        CHECK(f.radix_stats.seed_cells == f.barnes_stats.seed_cells);
        CHECK(f.radix_stats.raised_cells == f.barnes_stats.raised_cells);
        CHECK(f.radix_stats.raised_cells > 0);
        CHECK(f.radix_stats.max_raise_m == f.barnes_stats.max_raise_m);
        CHECK(f.radix_stats.volume_m3 == Approx(f.barnes_stats.volume_m3).epsilon(1e-12));
    }
}

TEST_CASE("fill_depressions equals Barnes 2014 with ties, negative heights and outlets",
          "[hydrology][fill][property]") {
    for (std::uint32_t seed : {7U, 8U, 9U}) {
        for (double shift : {0.0, -60.0}) {
            INFO("seed " << seed << " shift " << shift);
            TestDem d = tied_dem(64, 71, seed, 6, shift);
            d.mask.set(30, 30, CellStatus::outlet);
            const BothFills f = fill_both(d, false);
            CHECK(bit_differences(d, f.radix, f.barnes) == 0);
            CHECK(f.radix_stats.raised_cells == f.barnes_stats.raised_cells);
            CHECK(f.radix(30, 30) == d.z(30, 30));
        }
    }
}

TEST_CASE("fill_depressions agrees with the fixed-point reference and on a strided view",
          "[hydrology][fill]") {
    const TestDem d = random_dem(19, 26, 11, 0.1);
    const Raster<float> reference = reference_fill(d);
    // Output written through a view whose rows are 5 cells longer than the grid.
    const std::size_t stride = d.spec.cols + 5;
    std::vector<float> buffer(d.spec.rows * stride, -1.0F);
    FillWorkspace ws;
    fill_depressions(d.z.view(), d.mask, RasterView<float>(buffer.data(), d.spec, stride), ws);
    std::size_t mismatches = 0;
    for (std::size_t r = 0; r < d.spec.rows; ++r) {
        for (std::size_t c = 0; c < d.spec.cols; ++c) {
            const float v = buffer[r * stride + c];
            mismatches += d.mask.has_data(r, c) ? (v == reference(r, c) ? 0U : 1U)
                                                : (std::isnan(v) ? 0U : 1U);
        }
        // The padding at the end of each row is not written.
        for (std::size_t c = d.spec.cols; c < stride; ++c) {
            mismatches += buffer[r * stride + c] == -1.0F ? 0U : 1U;
        }
    }
    CHECK(mismatches == 0);
}

TEST_CASE("fill_depressions with epsilon drains every flat and stays minimal up to ULPs",
          "[hydrology][fill][property]") {
    for (std::uint32_t seed : {1U, 5U, 9U}) {
        INFO("seed " << seed);
        const TestDem d = tied_dem(48, 52, seed, 4, seed == 9U ? -30.0 : 0.0);
        const BothFills plain = fill_both(d, false);
        const BothFills eps = fill_both(d, true);
        std::size_t below_plain = 0;
        std::size_t without_lower = 0;
        for (std::size_t r = 0; r < d.spec.rows; ++r) {
            for (std::size_t c = 0; c < d.spec.cols; ++c) {
                if (!d.mask.has_data(r, c)) {
                    CHECK(std::isnan(eps.radix(r, c)));
                    continue;
                }
                below_plain += eps.radix(r, c) >= plain.radix(r, c) ? 0U : 1U;
                if (is_outlet_cell(d.mask, r, c)) {
                    continue;
                }
                bool has_lower = false;
                for (int k = 0; k < 8; ++k) {
                    if (!d8_inside(r, c, k, d.spec.rows, d.spec.cols)) {
                        continue;
                    }
                    const std::size_t nr = d8_neighbour_row(r, k);
                    const std::size_t nc = d8_neighbour_col(c, k);
                    has_lower = has_lower ||
                                (d.mask.has_data(nr, nc) && eps.radix(nr, nc) < eps.radix(r, c));
                }
                without_lower += has_lower ? 0U : 1U;
            }
        }
        CHECK(below_plain == 0);
        CHECK(without_lower == 0);
        // Each raised cell of a flat sits a few ULPs above the plain fill: far less than 1 mm
        // at these heights.
        CHECK(eps.radix_stats.max_raise_m <= plain.radix_stats.max_raise_m + 1e-3);
        CHECK(eps.radix_stats.raised_cells >= plain.radix_stats.raised_cells);
    }
}

TEST_CASE("fill_depressions: output and statistics do not depend on the thread count",
          "[hydrology][fill]") {
    const TestDem d = random_dem(120, 97, 21, 0.04);
    const int saved = omp_get_max_threads();
    Raster<float> one(d.spec);
    Raster<float> two(d.spec);
    FillWorkspace ws;
    omp_set_num_threads(1);
    const FillStats s1 = fill_depressions(d.z.view(), d.mask, one.view(), ws);
    omp_set_num_threads(2);
    const FillStats s2 = fill_depressions(d.z.view(), d.mask, two.view(), ws);
    omp_set_num_threads(saved);
    CHECK(bit_differences(d, one, two) == 0);
    CHECK(s1.volume_m3 == s2.volume_m3);
    CHECK(s1.raised_cells == s2.raised_cells);
}

TEST_CASE("fill_depressions: an all no-data grid and a flat grid", "[hydrology][fill]") {
    TestDem flat = dem_from_rows({{5, 5, 5, 5}, {5, 5, 5, 5}, {5, 5, 5, 5}});
    const BothFills f = fill_both(flat, true);
    // Interior cells of a flat rise by one ULP above their edge neighbours.
    CHECK(f.radix(1, 1) == std::nextafter(5.0F, 6.0F));
    CHECK(f.radix(0, 0) == 5.0F);
    const GridSpec g = lauter::test::make_grid(3, 3, 10.0, 10.0, 0.0, 0.0);
    const Raster<float> z(g, 1.0F);
    const CellMask none(g, CellStatus::no_data);
    Raster<float> out(g);
    FillWorkspace ws;
    const FillStats s = fill_depressions(z.view(), none, out.view(), ws);
    CHECK(s.seed_cells == 0);
    CHECK(std::isnan(out(1, 1)));
}
