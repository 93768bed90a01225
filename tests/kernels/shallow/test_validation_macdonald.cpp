// MacDonald-type steady flow in a 1000 m channel (MacDonald et al. 1997, J. Hydraul. Eng.
// 123(11):1041-1045; SWASHES, Delestre et al. 2013, Int. J. Numer. Meth. Fluids 72:269-300,
// "long channel, subcritical flow"; the set-up of itzi's tests/core/test_analytic.py, physics.md
// B5 case 4 and E8): unit discharge q = 2 m^2/s, Manning n = 0.033, prescribed depth
//
//   h(x) = (4/g)^(1/3) (1 + 1/2 exp(-16 (x/1000 - 1/2)^2)),
//
// and the bed that makes it the steady solution of the full 1D shallow-water equations,
//
//   z'(x) = (q^2 / (g h^3) - 1) h' - n^2 q^2 / h^(10/3) - 2 q q' / (g h^2),   z(1000) = 0,
//
// where the last term is the momentum of rain falling at rate q' = r (the rain variant: q(x) =
// 1 + 0.001 x). With g = 9.80665 (the solver's), integrated numerically in the test.
//
// The local-inertial equations drop d(q^2/h)/dx, so their steady state obeys h' + z' = -S_f only:
// they miss Fr^2 h' (Fr^2 = 0.45 where the profile is steepest) and the rain term. That model
// error does not vanish with refinement: the scheme's steady state is a fixed point that can be
// marched upstream exactly (eta_i - eta_{i+1} = dx n^2 q^2 / h_f^(10/3), h_f = eta_i - max(z_i,
// z_{i+1}), the flux update at rest in time), and its mean absolute error of the water surface
// is 0.0183 / 0.0175 / 0.0171 / 0.0169 m for dx = 5 / 2.5 / 1.25 / 0.625 m without rain and
// 0.0323 ... 0.0319 m with rain (docs/hydrology.md). itzi's acceptance (MAE < 0.03 m, with rain
// < 0.035 m) is met, the rain case by a thin margin that is model error, not resolution.
#include <catch2/catch.hpp>

#include "validation_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::shallow;
using namespace lauter::test::validation;

namespace {

constexpr double length_m = 1000.0;
constexpr double manning_n = 0.033;
const double g = standard_gravity_m_per_s2;

/// The channel's forcing: q(x) = inflow + rain x.
struct Forcing {
    double inflow_m2_per_s = 2.0;
    double rain_m_per_s = 0.0;
    [[nodiscard]] double q(double x) const { return inflow_m2_per_s + rain_m_per_s * x; }
};

double depth_exact(double x) {
    const double s = x / length_m - 0.5;
    return std::cbrt(4.0 / g) * (1.0 + 0.5 * std::exp(-16.0 * s * s));
}

double depth_slope(double x) {
    const double s = x / length_m - 0.5;
    return std::cbrt(4.0 / g) * 0.5 * std::exp(-16.0 * s * s) * (-32.0 * s / length_m);
}

double bed_slope(double x, const Forcing& f) {
    const double h = depth_exact(x);
    const double q = f.q(x);
    return (q * q / (g * h * h * h) - 1.0) * depth_slope(x) -
           manning_n * manning_n * q * q / std::pow(h, 10.0 / 3.0) -
           2.0 * q * f.rain_m_per_s / (g * h * h);
}

/// z(x) = -integral_x^L z'(s) ds by composite Simpson (2000 panels: error far below 1e-6 m).
double bed_exact(double x, const Forcing& f) {
    const int panels = 2000;
    const double step = (length_m - x) / panels;
    double sum = bed_slope(x, f) + bed_slope(length_m, f);
    for (int i = 1; i < panels; ++i) {
        sum += (i % 2 == 1 ? 4.0 : 2.0) * bed_slope(x + i * step, f);
    }
    return -sum * step / 3.0;
}

struct ChannelRun {
    std::vector<double> eta_m;       ///< simulated water surface, middle row
    std::vector<double> eta_exact_m; ///< MacDonald's water surface
    std::vector<double> eta_fixed_m; ///< the scheme's steady state, marched upstream
    double max_abs_qy = 0.0;
    double outflow_per_width = 0.0;
    RunTotals totals;
    double final_volume_m3 = 0.0;
};

/// The scheme's steady state: at rest in time, the interior flux update reads
/// g h_f S = -g n^2 q^2 / h_f^(7/3), so eta_i = eta_{i+1} + dx n^2 q^2 / (eta_i - z_f)^(10/3)
/// with z_f = max(z_i, z_{i+1}); solved for eta_i by bisection (the left side minus the right
/// side rises monotonically in eta_i).
std::vector<double> marched_steady_state(const std::vector<double>& z, double eta_last,
                                         double dx, const Forcing& f) {
    if (z.empty()) {
        return {};
    }
    std::vector<double> eta(z.size(), eta_last);
    for (std::size_t i = z.size() - 1; i-- > 0;) {
        const double q = f.q(static_cast<double>(i + 1) * dx);
        const double z_f = std::max(z[i], z[i + 1]);
        double lo = std::max(eta[i + 1], z_f) + 1e-12;
        double hi = lo + 10.0;
        for (int k = 0; k < 200; ++k) {
            const double mid = 0.5 * (lo + hi);
            const double friction_drop =
                dx * manning_n * manning_n * q * q / std::pow(mid - z_f, 10.0 / 3.0);
            const double rest = mid - eta[i + 1] - friction_drop;
            (rest > 0.0 ? hi : lo) = mid;
        }
        eta[i] = 0.5 * (lo + hi);
    }
    return eta;
}

/// The channel at cell size dx, `rows` rows, from a dry bed for `duration_s`: inflow as a source
/// q_in / dx on the western column, rain everywhere, closed sides, a free eastern outflow whose
/// slope is the exact friction slope at the last cell (a normal-depth condition reproducing
/// h(x_last), as a fixed-depth boundary would).
ChannelRun run_channel(double dx, std::size_t rows, const Forcing& f, double duration_s) {
    const auto cols = static_cast<std::size_t>(std::llround(length_m / dx));
    Channel m(lauter::test::make_grid(rows, cols, dx, dx));
    std::vector<double> z(cols);
    ChannelRun out;
    for (std::size_t c = 0; c < cols; ++c) {
        const double x = (static_cast<double>(c) + 0.5) * dx;
        z[c] = static_cast<double>(static_cast<float>(bed_exact(x, f)));
        for (std::size_t r = 0; r < rows; ++r) {
            m.bed(r, c) = static_cast<float>(z[c]);
        }
        out.eta_exact_m.push_back(bed_exact(x, f) + depth_exact(x));
    }
    Raster<float> source(m.bed.spec(), static_cast<float>(f.rain_m_per_s));
    for (std::size_t r = 0; r < rows; ++r) {
        source(r, 0) = static_cast<float>(f.inflow_m2_per_s / dx + f.rain_m_per_s);
    }
    LocalInertialParams p;
    p.friction_coefficient = CellField::uniform(manning_n);
    p.boundary = all_sides(OuterFace::closed);
    p.boundary.east = OuterFace::free_outflow;
    p.boundary.slope_source = OutflowSlope::given;
    const double x_last = length_m - 0.5 * dx;
    const double q_out = f.q(length_m);
    p.boundary.boundary_slope =
        manning_n * manning_n * q_out * q_out / std::pow(depth_exact(x_last), 10.0 / 3.0);
    m.run_until(duration_s, CellField::raster(source.view()), p);

    const std::size_t mid = rows / 2;
    for (std::size_t c = 0; c < cols; ++c) {
        out.eta_m.push_back(m.eta_m(mid, c));
    }
    for (std::size_t r = 0; r <= rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            out.max_abs_qy = std::max(out.max_abs_qy, std::abs(m.state.q_m2_per_s.y(r, c)));
        }
    }
    const double width_m = static_cast<double>(rows) * dx;
    out.outflow_per_width = m.last.outflow_volume_m3 / m.last.dt_s / width_m;
    out.eta_fixed_m = marched_steady_state(z, z.back() + depth_exact(x_last), dx, f);
    out.totals = m.totals;
    out.final_volume_m3 = m.volume_m3();
    return out;
}

double mean_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sum += std::abs(a[i] - b[i]);
    }
    return sum / static_cast<double>(a.size());
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
    double m = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        m = std::max(m, std::abs(a[i] - b[i]));
    }
    return m;
}

} // namespace

TEST_CASE("MacDonald long channel: the bed derived from h(x) matches SWASHES",
          "[shallow][validation]") {
    // The ends of the profile are nearly critical, the middle subcritical
    // (Fr^2 = 0.97 at the ends, 0.296 in the middle).
    const Forcing f;
    CHECK(depth_exact(0.0) == Approx(0.7484).margin(1e-4));
    CHECK(depth_exact(500.0) == Approx(1.5 * std::cbrt(4.0 / g)).epsilon(1e-12));
    const double froude_sq_middle = f.q(0.0) * f.q(0.0) / (g * std::pow(depth_exact(500.0), 3));
    CHECK(froude_sq_middle == Approx(0.296).margin(1e-3));
    // Bed at x = 2.5 m as in itzi's reference file (6.92362 m, computed with g = 9.81; the
    // difference is the value of g).
    CHECK(bed_exact(2.5, f) == Approx(6.9236).margin(0.01));
    CHECK(bed_exact(length_m, f) == 0.0);
}

TEST_CASE("MacDonald long channel without rain: steady water surface within 0.03 m",
          "[shallow][validation]") {
    const Forcing f;
    // dx = 5 m with 3 rows as itzi runs it, and 2.5 m (one row) for the trend with refinement.
    for (const auto& [dx, rows] :
         {std::pair{5.0, std::size_t{3}}, std::pair{2.5, std::size_t{1}}}) {
        const ChannelRun run = run_channel(dx, rows, f, 3600.0);
        const double mae = mean_abs_difference(run.eta_m, run.eta_exact_m);
        INFO("dx = " << dx << " m: MAE " << mae << " m, max "
                     << max_abs_difference(run.eta_m, run.eta_exact_m) << " m");
        // Steady: what enters leaves, and the surface is the scheme's fixed point.
        CHECK(run.outflow_per_width == Approx(f.q(length_m)).epsilon(1e-6));
        CHECK(max_abs_difference(run.eta_m, run.eta_fixed_m) < 1e-6);
        // Against MacDonald: itzi's criterion, and the model error it leaves (see the file
        // comment): larger than the part that refinement removes.
        CHECK(mae < 0.03);
        CHECK(mae > 0.015);
        CHECK(max_abs_difference(run.eta_m, run.eta_exact_m) < 0.035);
        // One-dimensional: no transverse flux at all.
        CHECK(run.max_abs_qy == 0.0);
        // Volume: inflow = outflow + storage, to round-off.
        CHECK(std::abs(run.totals.source_m3 - run.totals.outflow_m3 - run.final_volume_m3) <
              1e-12 * run.totals.source_m3);
    }
}

TEST_CASE("MacDonald long channel with rain: steady water surface within 0.035 m",
          "[shallow][validation]") {
    Forcing f;
    f.inflow_m2_per_s = 1.0;
    f.rain_m_per_s = 0.001;
    const ChannelRun run = run_channel(5.0, 3, f, 3600.0);
    const double mae = mean_abs_difference(run.eta_m, run.eta_exact_m);
    INFO("MAE " << mae << " m, max " << max_abs_difference(run.eta_m, run.eta_exact_m) << " m");
    CHECK(run.outflow_per_width == Approx(f.q(length_m)).epsilon(1e-6));
    CHECK(max_abs_difference(run.eta_m, run.eta_fixed_m) < 1e-6);
    CHECK(mae < 0.035);
    CHECK(run.max_abs_qy == 0.0);
    CHECK(std::abs(run.totals.source_m3 - run.totals.outflow_m3 - run.final_volume_m3) <
          1e-12 * run.totals.source_m3);
}
