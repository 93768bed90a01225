// The runoff event driver: volume balance with each loss model (double and float state), a closed
// basin, the kinematic-wave plane (physics.md B5 case 5) through the driver, properties of the
// maxima, the rain multiplier, thread-count determinism, parameter checks, and loss intervals
// (losses every step as a hand-driven loop, balance and closed basin with held losses, 15 s
// against every step).
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/runoff/event.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::runoff;
using lauter::kernels::shallow::CellField;
using lauter::kernels::shallow::OuterFace;

using lauter::test::make_grid;

namespace {

/// A tilted, bumpy surface with per-cell roughness, sealing, soil classes and two no-data cells:
/// every per-cell path of the driver on a grid small enough for a fast test.
struct TiltedGrid {
    explicit TiltedGrid(std::size_t rows, std::size_t cols, double cell_m)
        : spec(make_grid(rows, cols, cell_m, cell_m)), bed(spec), mask(spec), manning(spec),
          sealed(spec), soil(spec, 0) {
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < cols; ++c) {
                const auto x = static_cast<double>(c) * cell_m;
                const auto y = static_cast<double>(r) * cell_m;
                bed(r, c) = static_cast<float>(0.03 * (static_cast<double>(cols) * cell_m - x) +
                                               0.01 * y +
                                               0.15 * std::sin(0.9 * y) * std::cos(0.7 * x));
                manning(r, c) = static_cast<float>(0.02 + 0.03 * static_cast<double>((r + c) % 3));
                sealed(r, c) = static_cast<float>(static_cast<double>(c % 4) / 3.0);
                soil(r, c) = static_cast<std::uint8_t>(r % 2);
            }
        }
        mask.set(rows / 2, cols / 2, CellStatus::no_data);
        mask.set(1, cols - 2, CellStatus::no_data);
    }

    RunoffEventParams params(LossModel model) const {
        RunoffEventParams p;
        p.solver.friction_coefficient = CellField::raster(manning.view());
        p.loss_model = model;
        p.green_ampt.soils = {silt_loam_030,
                              green_ampt_soil(rawls_1983_soil(SoilTexture::sandy_loam), 0.1)};
        p.cover.impervious_fraction = CellField::raster(sealed.view());
        p.cover.sewer_capacity_m_per_s = mm_per_h_to_m_per_s(20.0);
        p.duration_s = 900.0;
        p.balance_interval_s = 60.0;
        return p;
    }

    GridSpec spec;
    Raster<float> bed;
    CellMask mask;
    Raster<float> manning;
    Raster<float> sealed;
    Raster<std::uint8_t> soil;
};

/// Largest |relative residual| over the samples.
double worst_relative_residual(const RunoffEventResults& r) {
    double worst = 0.0;
    for (const VolumeBalanceSample& s : r.balance) {
        worst = std::max(worst, std::abs(s.relative_residual));
    }
    return worst;
}

/// 100 mm/h for 10 minutes, then dry.
Hyetograph test_storm() { return Hyetograph::block(mm_per_h_to_m_per_s(100.0), 600.0); }

template <typename Real>
RunoffEventResults run_tilted(LossModel model, const TiltedGrid& g) {
    RunoffEvent<Real> event(g.bed.view(), g.mask, test_storm(), g.params(model),
                            {g.soil.view(), {}, {}});
    event.run();
    return event.release_results();
}

bool same_bits(const Raster<float>& a, const Raster<float>& b) {
    return a.size() == b.size() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// A paraboloid bowl, 0.02 m per squared cell from its centre cell (4, 5).
Raster<float> closed_basin_bed(const GridSpec& spec) {
    Raster<float> bed(spec);
    for (std::size_t r = 0; r < spec.rows; ++r) {
        for (std::size_t c = 0; c < spec.cols; ++c) {
            const double dr = static_cast<double>(r) - 4.0;
            const double dc = static_cast<double>(c) - 5.0;
            bed(r, c) = static_cast<float>(0.02 * (dr * dr + dc * dc));
        }
    }
    return bed;
}

/// Event parameters with every grid side closed, so nothing can leave.
RunoffEventParams closed_basin_params() {
    RunoffEventParams p;
    p.solver.boundary.north = OuterFace::closed;
    p.solver.boundary.south = OuterFace::closed;
    p.solver.boundary.west = OuterFace::closed;
    p.solver.boundary.east = OuterFace::closed;
    return p;
}

} // namespace

TEST_CASE("Loss model names round-trip", "[runoff][event]") {
    for (const LossModel m : {LossModel::none, LossModel::green_ampt, LossModel::curve_number}) {
        CHECK(loss_model_from_name(loss_model_name(m)) == m);
    }
    CHECK_FALSE(loss_model_from_name("horton").has_value());
}

TEST_CASE("Event volume balance closes with every loss model (double state)", "[runoff][event]") {
    const TiltedGrid g(12, 16, 2.0);
    for (const LossModel model :
         {LossModel::none, LossModel::green_ampt, LossModel::curve_number}) {
        INFO("loss model " << loss_model_name(model));
        const RunoffEventResults r = run_tilted<double>(model, g);
        const VolumeBalanceSample& last = r.balance.back();
        CHECK(last.time_s == 900.0);
        CHECK(r.balance.size() == 16);
        // 100 mm/h for 600 s on the 190 cells with data, 4 m^2 each.
        CHECK(last.rain_m3 == Approx(0.1 / 3600.0 * 600.0 * 190.0 * 4.0).epsilon(1e-12));
        CHECK(last.outflow_m3 > 0.0);
        CHECK(last.sewer_m3 > 0.0);
        if (model == LossModel::none) {
            CHECK(last.infiltration_m3 == 0.0);
        } else {
            CHECK(last.infiltration_m3 > 0.0);
        }
        // Measured: 4e-9 to 7e-9 (the source rate is stored in float); bound from issue 3.
        CHECK(worst_relative_residual(r) < 1e-6);
        for (std::size_t k = 1; k < r.balance.size(); ++k) {
            CHECK(r.balance[k].time_s == Approx(60.0 * static_cast<double>(k)).margin(1e-9));
            CHECK(r.balance[k].step_count > r.balance[k - 1].step_count);
            CHECK(r.balance[k].rain_m3 >= r.balance[k - 1].rain_m3);
        }
    }
}

TEST_CASE("Event volume balance with a float state", "[runoff][event]") {
    const TiltedGrid g(12, 16, 2.0);
    for (const LossModel model :
         {LossModel::none, LossModel::green_ampt, LossModel::curve_number}) {
        INFO("loss model " << loss_model_name(model));
        const RunoffEventResults r = run_tilted<float>(model, g);
        // Measured: 4e-8 to 1.3e-7 (each stored depth rounded to float as well).
        CHECK(worst_relative_residual(r) < 1e-5);
        const RunoffEventResults rd = run_tilted<double>(model, g);
        const VolumeBalanceSample& f = r.balance.back();
        const VolumeBalanceSample& d = rd.balance.back();
        // Same physics: float rounding shifts when faces cross the 1 mm flow threshold, not the
        // volumes. A float state also computes its fluxes in float; measured differences: outflow
        // 0.03 % (none), 0.1 % (Green-Ampt), 1.1 % (curve number, whose small outflow is most
        // sensitive to the threshold), storage <= 0.1 %.
        CHECK(f.outflow_m3 == Approx(d.outflow_m3).epsilon(2e-2));
        CHECK(f.storage_m3 == Approx(d.storage_m3).epsilon(1e-2).margin(1e-6));
    }
}

TEST_CASE("Closed basin with rain only: storage equals rain to round-off", "[runoff][event]") {
    const GridSpec spec = make_grid(9, 11, 3.0, 3.0);
    const Raster<float> bed = closed_basin_bed(spec);
    const CellMask mask(spec);
    RunoffEventParams p = closed_basin_params();
    p.loss_model = LossModel::none;
    p.duration_s = 1200.0;
    p.balance_interval_s = 300.0;
    // A storm with three intensities: steps end on its breakpoints.
    const Hyetograph storm({0.0, 200.0, 500.0, 800.0},
                           {mm_per_h_to_m_per_s(30.0), mm_per_h_to_m_per_s(120.0),
                            mm_per_h_to_m_per_s(10.0)});
    RunoffEvent<double> event(bed.view(), mask, storm, p);
    const RunoffEventResults& r = event.run();
    const VolumeBalanceSample& last = r.balance.back();
    const double rain_m3 = storm.total_depth_m() * 99.0 * 9.0;
    CHECK(last.rain_m3 == Approx(rain_m3).epsilon(1e-13));
    CHECK(last.outflow_m3 == 0.0);
    CHECK(last.clipped_m3 == 0.0);
    CHECK(std::abs(last.storage_m3 - rain_m3) < 1e-12 * rain_m3);
    CHECK(std::abs(last.relative_residual) < 1e-13);
    // Water collects in the bowl: the centre is the deepest cell at the end.
    CHECK(r.end_depth_m(4, 5) == Approx(last.max_depth_m).epsilon(1e-6));
}

TEST_CASE("Kinematic plane through the event driver (physics.md B5 case 5)", "[runoff][event]") {
    // R = 100 mm/h, L = 100 m, S0 = 1 %, n = 0.015: h(L) = (n R L / sqrt(S0))^(3/5) = 9.4 mm,
    // equilibrium after about 337 s; the same case as the solver test, driven by a hyetograph.
    const double length_m = 100.0;
    const double slope = 0.01;
    const auto cols = static_cast<std::size_t>(length_m);
    const GridSpec spec = make_grid(1, cols, 1.0, 1.0);
    Raster<float> bed(spec);
    for (std::size_t c = 0; c < cols; ++c) {
        bed(0, c) = static_cast<float>(slope * (length_m - static_cast<double>(c)));
    }
    const CellMask mask(spec);
    RunoffEventParams p;
    p.solver.friction_coefficient = CellField::uniform(0.015);
    p.solver.boundary.north = OuterFace::closed;
    p.solver.boundary.south = OuterFace::closed;
    p.solver.boundary.west = OuterFace::closed;
    p.solver.boundary.next_to_no_data = OuterFace::closed;
    p.solver.boundary.slope_source = shallow::OutflowSlope::given;
    p.solver.boundary.boundary_slope = slope;
    p.loss_model = LossModel::none;
    p.duration_s = 1200.0;
    // h(L) is 9.4 mm: evaluate velocities from 1 mm (the solver's flow threshold).
    p.velocity_depth_threshold_m = 1e-3;
    const double rain_m_per_s = mm_per_h_to_m_per_s(100.0);
    RunoffEvent<double> event(bed.view(), mask, Hyetograph::constant(rain_m_per_s), p);
    const RunoffEventResults& r = event.run();
    CHECK(std::pow(0.015 * rain_m_per_s * length_m / std::sqrt(slope), 0.6) ==
          Approx(0.0094).margin(5e-5));
    CHECK(r.end_depth_m(0, cols - 1) == Approx(0.0094).epsilon(0.05));
    // At equilibrium the outflow rate equals the rain on the plane.
    const VolumeBalanceSample& a = r.balance[r.balance.size() - 2];
    const VolumeBalanceSample& b = r.balance.back();
    CHECK((b.outflow_m3 - a.outflow_m3) / (b.time_s - a.time_s) ==
          Approx(rain_m_per_s * length_m).epsilon(0.02));
    // Steady state: the maxima were reached before the end and the depth stays there.
    CHECK(r.max_depth_m(0, cols - 1) >= r.end_depth_m(0, cols - 1));
    CHECK(r.max_depth_m(0, cols - 1) == Approx(r.end_depth_m(0, cols - 1)).epsilon(0.01));
    // Cell-centred speed of the last cell: the mean of q / h_f on its faces, q = R x, about
    // R L / h(L) = 0.30 m/s.
    CHECK(r.max_velocity_m_per_s(0, cols - 1) ==
          Approx(rain_m_per_s * (length_m - 0.5) / 0.0094).epsilon(0.06));
    CHECK(r.max_depth_velocity_m2_per_s(0, cols - 1) ==
          Approx(rain_m_per_s * (length_m - 0.5)).epsilon(0.03));
    CHECK(worst_relative_residual(r) < 1e-12);
}

TEST_CASE("Maxima of an event: bounds and consistency", "[runoff][event]") {
    const TiltedGrid g(12, 16, 2.0);
    RunoffEventParams p = g.params(LossModel::green_ampt);
    RunoffEvent<double> event(g.bed.view(), g.mask, test_storm(), p, {g.soil.view(), {}, {}});
    const RunoffEventResults& r = event.run();
    double overall_max = 0.0;
    for (const VolumeBalanceSample& s : r.balance) {
        overall_max = std::max(overall_max, s.max_depth_m);
    }
    float largest = 0.0F;
    for (std::size_t i = 0; i < g.spec.cell_count(); ++i) {
        if (!g.mask.has_data(i)) {
            CHECK(std::isnan(r.max_depth_m[i]));
            CHECK(std::isnan(r.end_depth_m[i]));
            CHECK(std::isnan(r.max_velocity_m_per_s[i]));
            continue;
        }
        CHECK(r.max_depth_m[i] >= r.end_depth_m[i]);
        CHECK(r.time_of_max_depth_s[i] >= 0.0F);
        CHECK(r.time_of_max_depth_s[i] <= 900.0F);
        CHECK(r.max_velocity_m_per_s[i] >= 0.0F);
        // max_t(h v) <= max h * max v
        CHECK(r.max_depth_velocity_m2_per_s[i] <=
              r.max_depth_m[i] * r.max_velocity_m_per_s[i] * (1.0F + 1e-6F));
        if (r.max_depth_m[i] <= 0.01F) {
            CHECK(r.max_velocity_m_per_s[i] == 0.0F);
        }
        largest = std::max(largest, r.max_depth_m[i]);
    }
    // The sampled maxima see only the sample times; the per-cell maxima every step.
    CHECK(static_cast<double>(largest) >= overall_max * (1.0 - 1e-6));
    CHECK(largest > 0.0F);
    CHECK(r.step_count == r.balance.back().step_count);
    CHECK(r.min_dt_s > 0.0);
    CHECK(r.max_froude > 0.0);
}

TEST_CASE("Rain multiplier moves rain without changing its total", "[runoff][event]") {
    const TiltedGrid g(12, 16, 2.0);
    Raster<float> multiplier(g.spec, 1.0F);
    // Three cells send their rain to a fourth: the sum of multipliers is unchanged.
    multiplier(2, 3) = 0.0F;
    multiplier(2, 4) = 0.0F;
    multiplier(2, 5) = 0.0F;
    multiplier(3, 4) = 4.0F;
    for (const LossModel model : {LossModel::none, LossModel::curve_number}) {
        RunoffEventParams p = g.params(model);
        p.duration_s = 300.0;
        RunoffEvent<double> event(g.bed.view(), g.mask, test_storm(), p,
                                  {{}, multiplier.view(), {}});
        const RunoffEventResults& r = event.run();
        CHECK(r.balance.back().rain_m3 ==
              Approx(0.1 / 3600.0 * 300.0 * 190.0 * 4.0).epsilon(1e-12));
        CHECK(worst_relative_residual(r) < 1e-6);
    }
}

TEST_CASE("Initial depth, advance_to and the progress callback", "[runoff][event]") {
    const GridSpec spec = make_grid(5, 5, 1.0, 1.0);
    const Raster<float> bed(spec, 0.0F);
    const CellMask mask(spec);
    Raster<float> initial(spec, 0.0F);
    initial(2, 2) = 0.5F;
    RunoffEventParams p;
    p.loss_model = LossModel::none;
    p.duration_s = 100.0;
    p.balance_interval_s = 30.0;
    RunoffEvent<double> event(bed.view(), mask, Hyetograph{}, p, {{}, {}, initial.view()});
    CHECK(event.results().balance.front().storage_m3 == Approx(0.5));
    CHECK(event.results().max_depth_m(2, 2) == 0.5F);
    std::vector<double> times;
    event.advance_to(45.0, [&](const VolumeBalanceSample& s) { times.push_back(s.time_s); });
    CHECK(event.time_s() == 45.0);
    event.run([&](const VolumeBalanceSample& s) { times.push_back(s.time_s); });
    CHECK(times == std::vector<double>{30.0, 45.0, 60.0, 90.0, 100.0});
    CHECK(event.time_s() == 100.0);
    const RunoffEventResults& r = event.results();
    CHECK(r.time_of_max_depth_s(2, 2) == 0.0F);
    CHECK(r.end_depth_m(2, 2) < 0.5F);
    CHECK(r.max_depth_m(0, 0) > 0.0F);
    CHECK(r.time_of_max_depth_s(0, 0) > 0.0F);
    CHECK(std::abs(r.balance.back().relative_residual) < 1e-12);
}

TEST_CASE("Event results are bitwise identical on 1 and 2 threads", "[runoff][event]") {
    // Above the 16384 cells from which the kernels use threads.
    const TiltedGrid g(128, 128, 1.0);
    Raster<float> multiplier(g.spec, 1.0F);
    multiplier(10, 10) = 0.0F;
    multiplier(10, 11) = 2.0F;
    RunoffEventParams p = g.params(LossModel::green_ampt);
    p.duration_s = 30.0;
    p.balance_interval_s = 10.0;
    // Losses every step, and held over 7 s intervals (cut by the 10 s samples).
    p.loss_interval_s = GENERATE(0.0, 7.0);
    const int saved = omp_get_max_threads();
    const auto run_with = [&](int threads) {
        omp_set_num_threads(threads);
        RunoffEvent<float> event(g.bed.view(), g.mask, test_storm(), p,
                                 {g.soil.view(), multiplier.view(), {}});
        event.run();
        return event.release_results();
    };
    const RunoffEventResults one = run_with(1);
    const RunoffEventResults two = run_with(2);
    omp_set_num_threads(saved);
    CHECK(same_bits(one.max_depth_m, two.max_depth_m));
    CHECK(same_bits(one.time_of_max_depth_s, two.time_of_max_depth_s));
    CHECK(same_bits(one.max_velocity_m_per_s, two.max_velocity_m_per_s));
    CHECK(same_bits(one.max_depth_velocity_m2_per_s, two.max_depth_velocity_m2_per_s));
    CHECK(same_bits(one.end_depth_m, two.end_depth_m));
    REQUIRE(one.balance.size() == two.balance.size());
    CHECK(std::memcmp(one.balance.data(), two.balance.data(),
                      one.balance.size() * sizeof(VolumeBalanceSample)) == 0);
    CHECK(one.step_count == two.step_count);
}

TEST_CASE("Event parameters and inputs are checked", "[runoff][event]") {
    const TiltedGrid g(4, 5, 1.0);
    RunoffEventParams p = g.params(LossModel::green_ampt);
    p.duration_s = -1.0;
    p.balance_interval_s = 0.0;
    p.velocity_depth_threshold_m = std::nan("");
    p.loss_interval_s = -1.0;
    try {
        validate(p);
        FAIL("validate accepted invalid parameters");
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        CHECK(message.find("duration_s") != std::string::npos);
        CHECK(message.find("balance_interval_s") != std::string::npos);
        CHECK(message.find("velocity_depth_threshold_m") != std::string::npos);
        CHECK(message.find("loss_interval_s") != std::string::npos);
    }
    CHECK_NOTHROW(validate(g.params(LossModel::curve_number)));

    Raster<float> bad_multiplier(g.spec, 1.0F);
    bad_multiplier(0, 0) = -1.0F;
    CHECK_THROWS_AS(RunoffEvent<double>(g.bed.view(), g.mask, test_storm(),
                                        g.params(LossModel::none), {{}, bad_multiplier.view(), {}}),
                    std::invalid_argument);
    Raster<std::uint8_t> bad_soil(g.spec, 0);
    bad_soil(1, 1) = 7;
    CHECK_THROWS_AS(RunoffEvent<double>(g.bed.view(), g.mask, test_storm(),
                                        g.params(LossModel::green_ampt),
                                        {bad_soil.view(), {}, {}}),
                    std::invalid_argument);
    const GridSpec other = make_grid(4, 6, 1.0, 1.0);
    const Raster<float> wrong_bed(other, 0.0F);
    CHECK_THROWS_AS(RunoffEvent<double>(wrong_bed.view(), g.mask, test_storm(),
                                        g.params(LossModel::none)),
                    std::invalid_argument);
}

TEST_CASE("Loss interval 0 or below the solver step: losses every step, as a hand-driven loop",
          "[runoff][event][loss_interval]") {
    // The driver without intervals: per solver step one Green-Ampt step over exactly that step,
    // then the solver step. The event must reproduce it bit for bit.
    const TiltedGrid g(12, 16, 2.0);
    RunoffEventParams p = g.params(LossModel::green_ampt);
    p.duration_s = 300.0;
    p.balance_interval_s = 300.0;
    const double rain_m_per_s = mm_per_h_to_m_per_s(100.0);

    shallow::ShallowLayerState<double> state(g.spec);
    shallow::ShallowLayerWorkspace<double> workspace(g.spec);
    GreenAmptState losses(g.spec);
    Raster<float> source(g.spec, 0.0F);
    double t = 0.0;
    double infiltration_m3 = 0.0;
    std::uint64_t steps = 0;
    while (t < p.duration_s) {
        const double dt_solver =
            shallow::local_inertial_time_step_s(g.mask, state, workspace, p.solver);
        const double dt_target = p.duration_s - t;
        const bool reaches = dt_solver >= dt_target || t + dt_solver >= p.duration_s;
        const double dt = reaches ? dt_target : dt_solver;
        infiltration_m3 += green_ampt_step<double>(std::as_const(state.depth_m).view(), g.mask,
                                                   p.cover, g.soil.view(), p.green_ampt,
                                                   rain_m_per_s, dt, losses, source.view())
                               .infiltration_volume_m3;
        shallow::local_inertial_step<double>(g.bed.view(), g.mask,
                                             CellField::raster(std::as_const(source).view()),
                                             state, workspace, p.solver, dt);
        t = reaches ? p.duration_s : t + dt;
        ++steps;
    }

    // 0, and 0.05 s, shorter than every step the solver takes here.
    for (const double interval_s : {0.0, 0.05}) {
        INFO("loss_interval_s " << interval_s);
        p.loss_interval_s = interval_s;
        RunoffEvent<double> event(g.bed.view(), g.mask, test_storm(), p, {g.soil.view(), {}, {}});
        const RunoffEventResults& r = event.run();
        REQUIRE(r.min_dt_s > 0.05);
        CHECK(r.step_count == steps);
        // The event takes the rain as the hyetograph's mean over each step, which can differ
        // from the block's intensity in the last bit; the float source rates absorb that.
        CHECK(r.balance.back().infiltration_m3 == Approx(infiltration_m3).epsilon(1e-13));
        CHECK(std::memcmp(event.state().depth_m.data(), state.depth_m.data(),
                          state.depth_m.size() * sizeof(double)) == 0);
    }
}

TEST_CASE("Loss intervals: the volume balance closes with every loss model",
          "[runoff][event][loss_interval]") {
    const TiltedGrid g(12, 16, 2.0);
    for (const double interval_s : {15.0, 45.0, 300.0}) {
        for (const LossModel model :
             {LossModel::none, LossModel::green_ampt, LossModel::curve_number}) {
            INFO("loss model " << loss_model_name(model) << ", interval " << interval_s << " s");
            RunoffEventParams p = g.params(model);
            p.loss_interval_s = interval_s;
            RunoffEvent<double> event(g.bed.view(), g.mask, test_storm(), p,
                                      {g.soil.view(), {}, {}});
            const RunoffEventResults& r = event.run();
            const VolumeBalanceSample& last = r.balance.back();
            CHECK(last.time_s == 900.0);
            CHECK(last.rain_m3 == Approx(0.1 / 3600.0 * 600.0 * 190.0 * 4.0).epsilon(1e-12));
            // The solver's source volume equals rain - infiltration - sewer up to the float
            // rounding of the held rate: the steps end on the intervals' ends.
            CHECK(worst_relative_residual(r) < 1e-6);
            CHECK(last.sewer_m3 > 0.0);
            CHECK((model == LossModel::none) == (last.infiltration_m3 == 0.0));
        }
    }
}

TEST_CASE("Loss intervals: closed basin with Green-Ampt keeps every drop",
          "[runoff][event][loss_interval]") {
    const GridSpec spec = make_grid(9, 11, 3.0, 3.0);
    const Raster<float> bed = closed_basin_bed(spec);
    const CellMask mask(spec);
    RunoffEventParams p = closed_basin_params();
    p.loss_model = LossModel::green_ampt;
    p.loss_interval_s = 15.0;
    p.duration_s = 1200.0;
    p.balance_interval_s = 100.0;
    // Breakpoints at 200 s and 550 s: intervals end on them (550 is not a multiple of 15).
    const Hyetograph storm({0.0, 200.0, 550.0, 800.0},
                           {mm_per_h_to_m_per_s(30.0), mm_per_h_to_m_per_s(120.0),
                            mm_per_h_to_m_per_s(10.0)});
    RunoffEvent<double> event(bed.view(), mask, storm, p);
    const RunoffEventResults& r = event.run();
    const VolumeBalanceSample& last = r.balance.back();
    const double rain_m3 = storm.total_depth_m() * 99.0 * 9.0;
    CHECK(last.rain_m3 == Approx(rain_m3).epsilon(1e-13));
    CHECK(last.outflow_m3 == 0.0);
    CHECK(last.infiltration_m3 > 0.1 * rain_m3);
    CHECK(last.storage_m3 > 0.0);
    // rain = infiltration + storage - clipped, up to the float rounding of the held rates.
    CHECK(std::abs(last.rain_m3 - last.infiltration_m3 + last.clipped_m3 - last.storage_m3) <
          1e-7 * rain_m3);
    CHECK(worst_relative_residual(r) < 1e-7);
}

TEST_CASE("Loss intervals: 15 s against every step on the tilted grid",
          "[runoff][event][loss_interval]") {
    const TiltedGrid g(12, 16, 2.0);
    RunoffEventParams p = g.params(LossModel::green_ampt);
    const auto run_with = [&](double interval_s) {
        p.loss_interval_s = interval_s;
        RunoffEvent<double> event(g.bed.view(), g.mask, test_storm(), p,
                                  {g.soil.view(), {}, {}});
        event.run();
        return event.release_results();
    };
    const RunoffEventResults every = run_with(0.0);
    const RunoffEventResults held = run_with(15.0);
    const VolumeBalanceSample& e = every.balance.back();
    const VolumeBalanceSample& h = held.balance.back();
    const double rain_m3 = e.rain_m3;
    CHECK(h.rain_m3 == Approx(rain_m3).epsilon(1e-12));
    // Measured: infiltration 4.4954 m^3 every step and 4.4857 m^3 with 15 s intervals (-0.22 %;
    // water arriving by flow infiltrates one interval later), outflow -0.03 %, storage +0.24 %,
    // clipped 4e-10 m^3, max depths within 0.9 mm.
    CHECK(h.infiltration_m3 == Approx(e.infiltration_m3).epsilon(0.005));
    CHECK(h.infiltration_m3 < e.infiltration_m3);
    CHECK(h.clipped_m3 < 1e-6 * rain_m3);
    CHECK(h.outflow_m3 == Approx(e.outflow_m3).epsilon(0.02));
    CHECK(h.storage_m3 == Approx(e.storage_m3).epsilon(0.02));
    double max_depth_difference_m = 0.0;
    for (std::size_t i = 0; i < g.spec.cell_count(); ++i) {
        if (g.mask.has_data(i)) {
            max_depth_difference_m =
                std::max(max_depth_difference_m, std::abs(static_cast<double>(
                                                      held.max_depth_m[i] - every.max_depth_m[i])));
        }
    }
    CHECK(max_depth_difference_m < 2e-3);
}

TEST_CASE("Maxima: the vectorised interior rows agree bitwise with the general path",
          "[runoff][event]") {
    // A per-cell gravity raster sends every row through the general (scalar) maxima path; with
    // the same value everywhere the flow is the same, so every maximum must match the
    // vectorised interior-row path of the uniform-gravity run bit for bit.
    const TiltedGrid g(12, 16, 2.0);
    // g rounded to float so that the raster holds exactly the uniform value.
    const auto g_float = static_cast<float>(shallow::standard_gravity_m_per_s2);
    RunoffEventParams uniform = g.params(LossModel::green_ampt);
    uniform.solver.gravity_m_per_s2 = CellField::uniform(static_cast<double>(g_float));
    RunoffEventParams per_cell = uniform;
    const Raster<float> gravity(g.spec, g_float);
    per_cell.solver.gravity_m_per_s2 = CellField::raster(gravity.view());
    REQUIRE(static_cast<double>(gravity[0]) == uniform.solver.gravity_m_per_s2.constant);
    RunoffEvent<float> a(g.bed.view(), g.mask, test_storm(), uniform, {g.soil.view(), {}, {}});
    RunoffEvent<float> b(g.bed.view(), g.mask, test_storm(), per_cell, {g.soil.view(), {}, {}});
    const RunoffEventResults& ra = a.run();
    const RunoffEventResults& rb = b.run();
    REQUIRE(ra.step_count == rb.step_count);
    CHECK(same_bits(ra.end_depth_m, rb.end_depth_m));
    CHECK(same_bits(ra.max_depth_m, rb.max_depth_m));
    CHECK(same_bits(ra.time_of_max_depth_s, rb.time_of_max_depth_s));
    CHECK(same_bits(ra.max_velocity_m_per_s, rb.max_velocity_m_per_s));
    CHECK(same_bits(ra.max_depth_velocity_m2_per_s, rb.max_depth_velocity_m2_per_s));
    float fastest = 0.0F;
    for (std::size_t i = 0; i < g.spec.cell_count(); ++i) {
        if (g.mask.has_data(i)) {
            fastest = std::max(fastest, ra.max_velocity_m_per_s[i]);
        }
    }
    CHECK(fastest > 0.05F);
}
