// Floodplain cases after the UK Environment Agency 2D benchmarks (Neelz & Pender 2013,
// "Benchmarking the latest generation of 2D hydraulic modelling packages", EA report
// SC120002; physics.md B3): test 4 (flood propagation over an extended flat floodplain) and
// tests 1/2 (ponding in disconnected and connected depressions). No reference results are
// public here, so the checks are those that follow from the set-up itself: volume balance,
// mirror symmetry, the order and slowing of the front (test 4), and final pond levels from the
// geometry and the inflow volume (tests 1/2).
#include <catch2/catch.hpp>

#include "validation_support.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::shallow;
using namespace lauter::test::validation;

namespace {

// ----- EA test 4 -----------------------------------------------------------------------------
// Flat floodplain 1000 m (x, east) by 2000 m (s, south), n = 0.05, closed sides, dry start;
// inflow through a 20 m line in the middle of the western side, peak 20 m^3/s, time base about
// 6 h (Tygron's description of the test, physics.md B3). The EA's tabulated hydrograph is not
// available here; this idealisation keeps its peak and base: linear rise to 20 m^3/s in 1 h,
// 20 m^3/s until 3 h, linear fall to 0 at 6 h (288,000 m^3 in all).
double ea4_inflow_m3_per_s(double t_s) {
    const double peak = 20.0;
    const double h = t_s / 3600.0;
    if (h <= 0.0 || h >= 6.0) {
        return 0.0;
    }
    if (h < 1.0) {
        return peak * h;
    }
    if (h <= 3.0) {
        return peak;
    }
    return peak * (6.0 - h) / 3.0;
}

/// Exact integral of the hydrograph from 0 to t (m^3).
double ea4_inflow_volume_m3(double t_s) {
    const double peak = 20.0;
    const double h = std::min(t_s / 3600.0, 6.0);
    double v_hours = 0.0;
    if (h < 1.0) {
        v_hours = 0.5 * peak * h * h;
    } else if (h <= 3.0) {
        v_hours = 0.5 * peak + peak * (h - 1.0);
    } else {
        const double rest = 6.0 - h;
        v_hours = 0.5 * peak + 2.0 * peak + (1.5 * peak - 0.5 * peak / 3.0 * rest * rest);
    }
    return v_hours * 3600.0;
}

struct Ea4Run {
    std::vector<double> arrival_s; ///< first time each axis gauge is wetter than 0.01 m
    double max_asymmetry_m = 0.0;  ///< max |h(s) - h(2000 - s)| at the end
    double front_m = 0.0;          ///< furthest wet cell centre (> 0.01 m) along the axis
    RunTotals totals;
    double volume_m3 = 0.0;
};

/// Gauges 1-5 of the test on the axis s = 1000 m: 50, 100, 200, 300, 400 m from the west edge.
constexpr std::array<double, 5> ea4_gauge_x_m{50.0, 100.0, 200.0, 300.0, 400.0};

Ea4Run run_ea4(double d, double duration_s) {
    const auto cols = static_cast<std::size_t>(std::llround(1000.0 / d));
    const auto rows = static_cast<std::size_t>(std::llround(2000.0 / d));
    Channel m(lauter::test::make_grid(rows, cols, d, d));
    LocalInertialParams p;
    p.friction_coefficient = CellField::uniform(0.05);
    p.boundary = all_sides(OuterFace::closed);
    // The inflow line s = 990..1010 m: the rows it covers share Q by their overlap with it.
    Raster<float> source(m.bed.spec(), 0.0F);
    std::vector<std::pair<std::size_t, double>> line; // row, share of Q
    for (std::size_t r = 0; r < rows; ++r) {
        const double top = static_cast<double>(r) * d;
        const double overlap = std::min(top + d, 1010.0) - std::max(top, 990.0);
        if (overlap > 0.0) {
            line.emplace_back(r, overlap / 20.0);
        }
    }
    std::vector<std::size_t> gauge_col;
    for (const double x : ea4_gauge_x_m) {
        gauge_col.push_back(static_cast<std::size_t>(x / d));
    }
    const std::size_t axis_row = static_cast<std::size_t>(1000.0 / d); // cell starting at s = 1000
    Ea4Run out;
    out.arrival_s.assign(ea4_gauge_x_m.size(), -1.0);
    const auto source_at = [&](double t) {
        const double q = ea4_inflow_m3_per_s(t);
        for (const auto& [r, share] : line) {
            source(r, 0) = static_cast<float>(q * share / m.bed.spec().cell_area_m2());
        }
        return CellField::raster(source.view());
    };
    // Steps of at most 5 s sample the hydrograph finely (0.03 m^3/s per step on the rise);
    // arrival times are read every 60 s.
    for (double t = 60.0; t <= duration_s + 1e-9; t += 60.0) {
        m.run_until(t, source_at, p, 5.0);
        for (std::size_t k = 0; k < gauge_col.size(); ++k) {
            if (out.arrival_s[k] < 0.0 && m.state.depth_m(axis_row, gauge_col[k]) > 0.01) {
                out.arrival_s[k] = t;
            }
        }
    }
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            out.max_asymmetry_m = std::max(
                out.max_asymmetry_m,
                std::abs(m.state.depth_m(r, c) - m.state.depth_m(rows - 1 - r, c)));
        }
    }
    for (std::size_t c = 0; c < cols; ++c) {
        if (m.state.depth_m(axis_row, c) > 0.01) {
            out.front_m = (static_cast<double>(c) + 0.5) * d;
        }
    }
    out.totals = m.totals;
    out.volume_m3 = m.volume_m3();
    return out;
}

void check_ea4(const Ea4Run& run, double duration_s) {
    // Closed floodplain: everything that flowed in is stored, to round-off.
    CHECK(run.totals.outflow_m3 == 0.0);
    CHECK(run.totals.clipped_m3 == 0.0);
    CHECK(std::abs(run.volume_m3 - run.totals.source_m3) < 1e-12 * run.totals.source_m3);
    // The source is sampled at the start of each step: within 0.5 % of the exact integral.
    CHECK(run.totals.source_m3 == Approx(ea4_inflow_volume_m3(duration_s)).epsilon(0.005));
    // Mirror symmetry about the axis of the inflow line.
    CHECK(run.max_asymmetry_m < 1e-9);
    // The front reaches the gauges in order of distance, and slows down as it spreads (per
    // 100 m, later intervals take longer: radial spreading against friction).
    for (std::size_t k = 0; k < run.arrival_s.size(); ++k) {
        INFO("gauge at x = " << ea4_gauge_x_m[k] << " m: arrival " << run.arrival_s[k] << " s");
        CHECK(run.arrival_s[k] > 0.0);
        if (k > 0) {
            CHECK(run.arrival_s[k] > run.arrival_s[k - 1]);
        }
    }
    const double per_100_m_early = run.arrival_s[2] - run.arrival_s[1];
    const double per_100_m_late = run.arrival_s[4] - run.arrival_s[3];
    CHECK(per_100_m_late > per_100_m_early);
}

// ----- EA tests 1/2: ponds ------------------------------------------------------------------
// Four ponds of 4 x 4 cells of 10 m in a row, separated by one-cell ridges with crest 1 m, the
// whole strip walled in (closed sides). Pond bottoms 0, -0.5, -1.0, -0.2 m. Water enters the
// first pond at 1 m^3/s; afterwards each pond's level follows from the volume alone.
constexpr double pond_cell_m = 10.0;
constexpr std::size_t pond_cells = 4;
constexpr std::array<double, 4> pond_bottom_m{0.0, -0.5, -1.0, -0.2};
constexpr double crest_m = 1.0;
constexpr double pond_area_m2 = pond_cells * pond_cells * pond_cell_m * pond_cell_m; // 1600

std::size_t pond_first_col(std::size_t pond) { return pond * (pond_cells + 1); }

Channel ponds() {
    const std::size_t cols = 4 * pond_cells + 3;
    Channel m(lauter::test::make_grid(pond_cells, cols, pond_cell_m, pond_cell_m));
    for (std::size_t r = 0; r < pond_cells; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t pond = c / (pond_cells + 1);
            const bool ridge = c % (pond_cells + 1) == pond_cells;
            m.bed(r, c) = static_cast<float>(ridge ? crest_m : pond_bottom_m[pond]);
        }
    }
    return m;
}

/// Levels (eta) of the cells of one pond: min and max.
std::pair<double, double> pond_levels(const Channel& m, std::size_t pond) {
    double lo = 1e300;
    double hi = -1e300;
    for (std::size_t r = 0; r < pond_cells; ++r) {
        for (std::size_t c = pond_first_col(pond); c < pond_first_col(pond) + pond_cells; ++c) {
            lo = std::min(lo, m.eta_m(r, c));
            hi = std::max(hi, m.eta_m(r, c));
        }
    }
    return {lo, hi};
}

/// Ponding parameters: itzi's EA 8A set-up (theta 0.7, cfl 0.5; physics.md E2). With the
/// defaults (theta 1, cfl 0.7, velocity-aware step) still water in these ponds does not come to
/// rest but starts to slosh after about 3 h (see "[.known-bug]" below).
LocalInertialParams pond_params() {
    LocalInertialParams p;
    p.friction_coefficient = CellField::uniform(0.03);
    p.theta = 0.7;
    p.cfl = 0.5;
    p.boundary = all_sides(OuterFace::closed);
    return p;
}

void fill_ponds(Channel& m, double volume_m3, double settle_until_s) {
    const LocalInertialParams p = pond_params();
    Raster<float> source(m.bed.spec(), 0.0F);
    const double inflow_m3_per_s = 1.0;
    source(0, 0) = static_cast<float>(inflow_m3_per_s / (pond_cell_m * pond_cell_m));
    const double t_in = volume_m3 / inflow_m3_per_s;
    m.run_until(t_in, CellField::raster(source.view()), p);
    m.run_until(settle_until_s, no_source(), p);
}

} // namespace

TEST_CASE("EA test 4 (idealised hydrograph) on a 20 m grid: volume, symmetry and front",
          "[shallow][validation]") {
    const double duration_s = 5.0 * 3600.0; // the test's end time
    const Ea4Run run = run_ea4(20.0, duration_s);
    check_ea4(run, duration_s);
    INFO("front at " << run.front_m << " m");
    CHECK(run.front_m > 400.0); // all five axis gauges are reached within the 5 h
}

TEST_CASE("EA test 4 (idealised hydrograph) on the specified 5 m grid",
          "[.slow][shallow][validation]") {
    const double duration_s = 5.0 * 3600.0;
    const Ea4Run run = run_ea4(5.0, duration_s);
    check_ea4(run, duration_s);
    for (std::size_t k = 0; k < run.arrival_s.size(); ++k) {
        WARN("5 m grid: gauge x = " << ea4_gauge_x_m[k] << " m reached at " << run.arrival_s[k]
                                     << " s");
    }
    WARN("5 m grid: front at " << run.front_m << " m after 5 h, " << run.totals.steps << " steps");
}

TEST_CASE("Ponds filled in sequence: levels from the inflow volume (EA tests 1/2)",
          "[shallow][validation]") {
    // 5000 m^3: the first pond fills to the crest (1600 m^3), spills into the second, which
    // fills (2400 m^3); the remaining 1000 m^3 stand in the third at -1 + 1000/1600 = -0.375 m;
    // the fourth stays dry. The sheet of water over a crest drains ever more slowly (Manning:
    // q ~ h^(13/6) over a free overfall), so after 16 h full ponds still stand a few mm above
    // their crest; that excess e is missing from the third pond: its level lies within 2 e
    // (plus the films on the ridges) below -0.375 m.
    Channel m = ponds();
    const double volume_m3 = 5000.0;
    fill_ponds(m, volume_m3, 16.0 * 3600.0);
    // The inflow rate is a float source: the stored volume equals what the steps added to
    // round-off, and the requested volume to float precision.
    CHECK(std::abs(m.volume_m3() - m.totals.source_m3) < 1e-12 * volume_m3);
    CHECK(m.volume_m3() == Approx(volume_m3).epsilon(1e-6));
    double excess_max_m = 0.0;
    double full_volume_m3 = 0.0;
    for (std::size_t pond = 0; pond < 2; ++pond) {
        const auto [lo, hi] = pond_levels(m, pond);
        INFO("pond " << pond << ": level " << lo << " .. " << hi);
        CHECK(lo >= crest_m);          // full
        CHECK(hi - lo < 1e-3);         // flat
        CHECK(hi < crest_m + 3e-3);    // drained to within 3 mm of the crest
        excess_max_m = std::max(excess_max_m, hi - crest_m);
        full_volume_m3 += (lo - pond_bottom_m[pond]) * pond_area_m2;
    }
    const auto [lo3, hi3] = pond_levels(m, 2);
    const double expected = pond_bottom_m[2] + (volume_m3 - 1600.0 - 2400.0) / pond_area_m2;
    CHECK(expected == Approx(-0.375));
    CHECK(hi3 - lo3 < 1e-3);
    CHECK(lo3 <= expected);
    CHECK(lo3 > expected - 2.0 * excess_max_m - 1e-3);
    // Volume: the third pond holds what the full ponds do not (ridge films below 1 mm each,
    // 12 cells of 100 m^2: at most 1.2 m^3).
    const double third_m3 = (0.5 * (lo3 + hi3) - pond_bottom_m[2]) * pond_area_m2;
    CHECK(third_m3 + full_volume_m3 == Approx(volume_m3).margin(1.2 + 1e-3 * pond_area_m2));
    double fourth_m3 = 0.0;
    for (std::size_t r = 0; r < pond_cells; ++r) {
        for (std::size_t c = pond_first_col(3); c < pond_first_col(3) + pond_cells; ++c) {
            fourth_m3 += m.state.depth_m(r, c);
        }
    }
    CHECK(fourth_m3 == 0.0); // dry
}

TEST_CASE("Ponds drowned above the ridges: one common level from the volume (EA tests 1/2)",
          "[shallow][validation]") {
    // With the water above every crest all ponds form one lake: its level eta solves
    // V = sum over cells of max(0, eta - z) A. Here eta = 1.3 m: ponds 1.3 + 1.8 + 2.3 + 1.5 m
    // deep (1600 m^2 each) and 12 ridge cells 0.3 m deep: V = 11,400 m^3.
    Channel m = ponds();
    const double eta_expected = 1.3;
    double volume_m3 = 0.0;
    for (std::size_t i = 0; i < m.bed.size(); ++i) {
        volume_m3 += std::max(0.0, eta_expected - static_cast<double>(m.bed[i])) * 100.0;
    }
    CHECK(volume_m3 == Approx(11400.0));
    fill_ponds(m, volume_m3, 16.0 * 3600.0);
    CHECK(std::abs(m.volume_m3() - m.totals.source_m3) < 1e-12 * volume_m3);
    double lo = 1e300;
    double hi = -1e300;
    for (std::size_t r = 0; r < m.bed.spec().rows; ++r) {
        for (std::size_t c = 0; c < m.bed.spec().cols; ++c) {
            lo = std::min(lo, m.eta_m(r, c));
            hi = std::max(hi, m.eta_m(r, c));
        }
    }
    INFO("levels " << lo << " .. " << hi);
    CHECK(lo == Approx(eta_expected).margin(1e-3));
    CHECK(hi == Approx(eta_expected).margin(1e-3));
}

TEST_CASE("Still water in a closed box stays at rest with default parameters",
          "[shallow][validation]") {
    // 4 x 4 cells of 10 m, flat bed, 1.5 m of water, one cell 1 cm higher, n = 0.03, closed,
    // every other parameter at its default (velocity-aware time step), steps ending every 10 min
    // as on output times. The spread of depths must stay about 1 cm (quadratic friction damps
    // small motions slowly). With the former default cfl 0.7, at 99 % of the 2D stability bound
    // 1/sqrt(2), it grew to 4.5 cm by 90 min and to 1.8 m (cells falling dry) by 2 h; how fast
    // depended on the sequence of steps (ending them every 20 min: 2.3 m at 2 h; every 5 min:
    // 1.5 cm). cfl 0.5 (the default since) keeps it at 6 - 10 mm.
    Channel m(lauter::test::make_grid(4, 4, 10.0, 10.0));
    m.bed.fill(-0.5F);
    m.state.depth_m.fill(1.5);
    m.state.depth_m(0, 0) += 0.01;
    LocalInertialParams p;
    p.friction_coefficient = CellField::uniform(0.03);
    p.boundary = all_sides(OuterFace::closed);
    double spread_max_m = 0.0;
    for (int output = 1; output <= 12; ++output) {
        m.run_until(600.0 * output, no_source(), p);
        double lo = 1e300;
        double hi = -1e300;
        for (const double h : m.state.depth_m.values()) {
            lo = std::min(lo, h);
            hi = std::max(hi, h);
        }
        spread_max_m = std::max(spread_max_m, hi - lo);
    }
    CHECK(spread_max_m < 0.02);
}
