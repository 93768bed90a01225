// The local-inertial step on study areas whose rows contain no-data cells (a city boundary with
// holes): interior faces of such rows take the vectorised path, outer faces the general one.
// Checked against the scheme's face formula (local_inertial.hpp) evaluated here in double, for
// independence of where the boundary lies, mass balance and thread-count determinism.
#include <catch2/catch.hpp>

#include "../../support/test_support.hpp"

#include <lauter/kernels/shallow/local_inertial.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <random>
#include <vector>

using namespace lauter::kernels;
using namespace lauter::kernels::shallow;

using lauter::test::make_grid;

namespace {

BoundaryParams every_side(OuterFace kind) {
    BoundaryParams b;
    b.north = kind;
    b.south = kind;
    b.west = kind;
    b.east = kind;
    b.next_to_no_data = kind;
    return b;
}

/// An irregular study area: per row a western and an eastern limit that wander by random steps
/// (the boundary), and about 8 % random no-data holes inside it.
void ragged_mask(CellMask& mask, unsigned seed) {
    const GridSpec& g = mask.spec();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> step(-2, 2);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto cols = static_cast<int>(g.cols);
    int west = cols / 6;
    int east = cols - cols / 7;
    for (std::size_t r = 0; r < g.rows; ++r) {
        west = std::clamp(west + step(rng), 0, cols / 3);
        east = std::clamp(east + step(rng), 2 * cols / 3, cols);
        for (std::size_t c = 0; c < g.cols; ++c) {
            const auto ci = static_cast<int>(c);
            if (ci < west || ci >= east || unit(rng) < 0.08) {
                mask.set(r, c, CellStatus::no_data);
            }
        }
    }
}

/// A bed, a mask, a wet state with small random fluxes, per-cell Manning n and rain.
template <typename Real>
struct Problem {
    explicit Problem(const GridSpec& g)
        : bed(g), mask(g), state(g), workspace(g), manning(g), rain(g) {}

    void fill(unsigned seed) {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<int> sixteenths(0, 24); // bed 0 .. 1.5 m
        std::uniform_real_distribution<double> depth(0.02, 0.6);
        std::uniform_real_distribution<double> flux(-2e-3, 2e-3);
        for (std::size_t i = 0; i < bed.size(); ++i) {
            bed[i] = static_cast<float>(sixteenths(rng)) / 16.0F;
            state.depth_m[i] = static_cast<Real>(depth(rng));
            manning[i] = 0.02F + 0.002F * static_cast<float>(i % 9);
            rain[i] = static_cast<float>(i % 4) * 2e-5F;
        }
        for (std::size_t r = 0; r < bed.spec().rows; ++r) {
            for (Real& q : state.q_m2_per_s.x_row(r)) {
                q = static_cast<Real>(flux(rng));
            }
        }
        for (std::size_t r = 0; r <= bed.spec().rows; ++r) {
            for (Real& q : state.q_m2_per_s.y_row(r)) {
                q = static_cast<Real>(flux(rng));
            }
        }
    }

    [[nodiscard]] LocalInertialParams params() const {
        LocalInertialParams p;
        p.theta = 0.7;
        p.depth_threshold_m = 0.05; // some faces stay dry
        p.friction_coefficient = CellField::raster(manning.view());
        p.boundary = every_side(OuterFace::closed);
        return p;
    }

    ShallowStepStats step(const LocalInertialParams& p, double dt_limit_s) {
        return local_inertial_step<Real>(bed.view(), mask, CellField::raster(rain.view()), state,
                                         workspace, p, dt_limit_s);
    }

    [[nodiscard]] bool limiter_acted() const {
        return std::any_of(workspace.row_limited.begin(), workspace.row_limited.end(),
                           [](std::uint8_t f) { return f != 0; });
    }

    Raster<float> bed;
    CellMask mask;
    ShallowLayerState<Real> state;
    ShallowLayerWorkspace<Real> workspace;
    Raster<float> manning;
    Raster<float> rain;
};

/// The face update of local_inertial.hpp in double, written out as documented (Manning friction,
/// face coefficients the means of the two cells, theta fallback), without the solver's
/// reorderings: h_f^(7/3) by std::pow, divisions where the formula has them.
double reference_flux(double z_m, double h_m, double z_p, double h_p, double q_old,
                      double q_neighbours_sum, double q_t, double n_m, double n_p,
                      double spacing_m, double dt_s, const LocalInertialParams& p) {
    const double eta_m = z_m + h_m;
    const double eta_p = z_p + h_p;
    const double h_f = std::max(eta_m, eta_p) - std::max(z_m, z_p);
    if (!(h_f > p.depth_threshold_m)) {
        return 0.0;
    }
    const double g = p.gravity_m_per_s2.constant;
    const double n_f = 0.5 * (n_m + n_p);
    const double slope = (eta_p - eta_m) / spacing_m;
    const double friction =
        g * n_f * n_f * std::sqrt(q_old * q_old + q_t * q_t) / std::pow(h_f, 7.0 / 3.0);
    const double drive = g * h_f * slope * dt_s;
    double q = (p.theta * q_old + 0.5 * (1.0 - p.theta) * q_neighbours_sum - drive) /
               (1.0 + dt_s * friction);
    if (p.theta < 1.0 && q * slope > 0.0) {
        q = (q_old - drive) / (1.0 + dt_s * friction);
    }
    return q;
}

/// Everything a run produces (depths of cells with data, all fluxes), as doubles.
template <typename Real>
std::vector<double> flatten(const Problem<Real>& m) {
    std::vector<double> out;
    for (std::size_t i = 0; i < m.mask.spec().cell_count(); ++i) {
        out.push_back(m.mask.has_data(i) ? static_cast<double>(m.state.depth_m[i]) : 0.0);
    }
    for (std::size_t r = 0; r < m.bed.spec().rows; ++r) {
        for (Real q : m.state.q_m2_per_s.x_row(r)) {
            out.push_back(static_cast<double>(q));
        }
    }
    for (std::size_t r = 0; r <= m.bed.spec().rows; ++r) {
        for (Real q : m.state.q_m2_per_s.y_row(r)) {
            out.push_back(static_cast<double>(q));
        }
    }
    return out;
}

} // namespace

TEST_CASE("Ragged mask: every interior face follows the scheme's formula", "[shallow][masked]") {
    const GridSpec g = make_grid(37, 45, 3.0, 2.5);
    Problem<double> m(g);
    m.fill(21);
    ragged_mask(m.mask, 7);
    Problem<double> old(g); // the same problem, kept at the old state
    old.fill(21);
    const LocalInertialParams p = m.params();
    const double dt_s = 0.01; // far below the CFL step: the limiter stays inactive
    const ShallowStepStats s = m.step(p, dt_s);
    REQUIRE(s.dt_s == dt_s);
    REQUIRE_FALSE(m.limiter_acted());

    const FaceField<double>& q_old = old.state.q_m2_per_s;
    const FaceField<double>& q_new = m.state.q_m2_per_s;
    const auto z = [&](std::size_t r, std::size_t c) { return static_cast<double>(old.bed(r, c)); };
    const auto h = [&](std::size_t r, std::size_t c) { return old.state.depth_m(r, c); };
    const auto n = [&](std::size_t r, std::size_t c) {
        return static_cast<double>(old.manning(r, c));
    };
    int interior = 0;
    int wet = 0;
    int in_masked_rows = 0; // interior x-faces of rows that have no-data cells
    int outer = 0;
    for (std::size_t r = 0; r < g.rows; ++r) {
        bool row_has_no_data = false;
        for (std::size_t c = 0; c < g.cols; ++c) {
            row_has_no_data = row_has_no_data || !m.mask.has_data(r, c);
        }
        for (std::size_t fc = 0; fc <= g.cols; ++fc) {
            const bool has_m = fc > 0 && m.mask.has_data(r, fc - 1);
            const bool has_p = fc < g.cols && m.mask.has_data(r, fc);
            if (!(has_m && has_p)) {
                CHECK(q_new.x(r, fc) == 0.0); // closed outer face, or no data on either side
                outer += has_m || has_p ? 1 : 0;
                continue;
            }
            const double q_t = 0.25 * ((q_old.y(r, fc - 1) + q_old.y(r + 1, fc - 1)) +
                                       (q_old.y(r, fc) + q_old.y(r + 1, fc)));
            const double expected = reference_flux(
                z(r, fc - 1), h(r, fc - 1), z(r, fc), h(r, fc), q_old.x(r, fc),
                q_old.x(r, fc - 1) + q_old.x(r, fc + 1), q_t, n(r, fc - 1), n(r, fc),
                g.cell_size_x_m, dt_s, p);
            CHECK(q_new.x(r, fc) == Approx(expected).epsilon(1e-12).margin(1e-16));
            ++interior;
            wet += expected != 0.0 ? 1 : 0;
            in_masked_rows += row_has_no_data ? 1 : 0;
        }
    }
    for (std::size_t r = 0; r <= g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const bool has_m = r > 0 && m.mask.has_data(r - 1, c);
            const bool has_p = r < g.rows && m.mask.has_data(r, c);
            if (!(has_m && has_p)) {
                CHECK(q_new.y(r, c) == 0.0);
                outer += has_m || has_p ? 1 : 0;
                continue;
            }
            const double q_t = 0.25 * ((q_old.x(r - 1, c) + q_old.x(r - 1, c + 1)) +
                                       (q_old.x(r, c) + q_old.x(r, c + 1)));
            const double expected = reference_flux(
                z(r - 1, c), h(r - 1, c), z(r, c), h(r, c), q_old.y(r, c),
                q_old.y(r - 1, c) + q_old.y(r + 1, c), q_t, n(r - 1, c), n(r, c),
                g.cell_size_y_m, dt_s, p);
            CHECK(q_new.y(r, c) == Approx(expected).epsilon(1e-12).margin(1e-16));
            ++interior;
            wet += expected != 0.0 ? 1 : 0;
        }
    }
    // The mask leaves interior faces in every row, some of them dry, and many outer faces.
    CHECK(interior > 1500);
    CHECK(wet > interior / 2);
    CHECK(wet < interior);
    CHECK(outer > 300);
    CHECK(in_masked_rows > 700);
}

TEST_CASE("Masked rows: a far no-data cell leaves the other faces' fluxes unchanged",
          "[shallow][masked]") {
    // One no-data cell turns its row and the two face rows next to it into masked rows. Every
    // face not next to that cell or its neighbours must come out bitwise as on the full grid:
    // interior faces are computed alike whether or not their row has a no-data cell.
    const GridSpec g = make_grid(24, 40, 3.0, 3.0);
    const std::size_t hole_r = 19;
    const std::size_t hole_c = 33;
    const auto near_hole = [&](std::size_t r, std::size_t c) {
        const auto dr = static_cast<long>(r) - static_cast<long>(hole_r);
        const auto dc = static_cast<long>(c) - static_cast<long>(hole_c);
        return std::abs(dr) <= 1 && std::abs(dc) <= 1;
    };
    const auto check = [&](auto tag) {
        using Real = decltype(tag);
        Problem<Real> full(g);
        full.fill(5);
        Problem<Real> holed(g);
        holed.fill(5);
        holed.mask.set(hole_r, hole_c, CellStatus::no_data);
        const LocalInertialParams p = full.params();
        full.step(p, 0.02);
        holed.step(p, 0.02);
        int compared = 0;
        int differing = 0;
        for (std::size_t r = 0; r < g.rows; ++r) {
            for (std::size_t fc = 0; fc <= g.cols; ++fc) {
                if ((fc > 0 && near_hole(r, fc - 1)) || (fc < g.cols && near_hole(r, fc))) {
                    continue;
                }
                ++compared;
                differing += full.state.q_m2_per_s.x(r, fc) == holed.state.q_m2_per_s.x(r, fc)
                                 ? 0
                                 : 1;
            }
        }
        for (std::size_t r = 0; r <= g.rows; ++r) {
            for (std::size_t c = 0; c < g.cols; ++c) {
                if ((r > 0 && near_hole(r - 1, c)) || (r < g.rows && near_hole(r, c))) {
                    continue;
                }
                ++compared;
                differing += full.state.q_m2_per_s.y(r, c) == holed.state.q_m2_per_s.y(r, c)
                                 ? 0
                                 : 1;
            }
        }
        CHECK(compared > 1900);
        CHECK(differing == 0);
        // The faces of the hole did change: they are closed now.
        const auto hole_faces = [&](const Problem<Real>& m) {
            const FaceField<Real>& q = m.state.q_m2_per_s;
            return std::vector<Real>{q.x(hole_r, hole_c), q.x(hole_r, hole_c + 1),
                                     q.y(hole_r, hole_c), q.y(hole_r + 1, hole_c)};
        };
        const std::vector<Real> closed = hole_faces(holed);
        const std::vector<Real> open = hole_faces(full);
        CHECK(std::all_of(closed.begin(), closed.end(), [](Real q) { return q == Real{0}; }));
        CHECK(std::any_of(open.begin(), open.end(), [](Real q) { return q != Real{0}; }));
    };
    SECTION("float state") { check(float{}); }
    SECTION("double state") { check(double{}); }
}

TEST_CASE("Ragged mask: mass balance closes to 1e-12 in double", "[shallow][masked]") {
    const GridSpec g = make_grid(30, 34, 4.0, 4.0);
    Problem<double> m(g);
    m.fill(3);
    ragged_mask(m.mask, 11);
    LocalInertialParams p = m.params();
    SECTION("closed edges: storage changes by the rain alone") {
        const double v0 = stored_volume_m3(m.mask, m.state);
        double source = 0.0;
        double outflow = 0.0;
        double clipped = 0.0;
        double change = 0.0;
        double max_froude = 0.0;
        for (int i = 0; i < 80; ++i) {
            const ShallowStepStats s = m.step(p, 1e9);
            source += s.source_volume_m3;
            outflow += s.outflow_volume_m3;
            clipped += s.clipped_volume_m3;
            change += s.volume_change_m3;
            max_froude = std::max(max_froude, s.max_froude);
        }
        const double v1 = stored_volume_m3(m.mask, m.state);
        CHECK(outflow == 0.0);
        CHECK(source > 0.0);
        CHECK(max_froude > 0.05); // the water moved
        CHECK(std::abs((v1 - v0) - (source + clipped)) / v0 < 1e-12);
        CHECK(std::abs(change - (v1 - v0)) / v0 < 1e-12);
    }
    SECTION("free outflow at the boundary and the holes: outflow closes the balance") {
        p.boundary = every_side(OuterFace::free_outflow);
        const double v0 = stored_volume_m3(m.mask, m.state);
        double source = 0.0;
        double outflow = 0.0;
        double clipped = 0.0;
        for (int i = 0; i < 80; ++i) {
            const ShallowStepStats s = m.step(p, 1e9);
            source += s.source_volume_m3;
            outflow += s.outflow_volume_m3;
            clipped += s.clipped_volume_m3;
        }
        const double v1 = stored_volume_m3(m.mask, m.state);
        CHECK(outflow > 0.05 * v0);
        CHECK(std::abs((v1 - v0) - (source + clipped - outflow)) / v0 < 1e-12);
    }
}

TEST_CASE("Ragged mask: bitwise identical for 1 and 2 threads", "[shallow][masked]") {
    // Above 16384 cells, so that the step uses the threads it is given.
    const GridSpec g = make_grid(150, 140, 3.0, 3.0);
    const auto run = [&](auto tag, int threads) {
        using Real = decltype(tag);
        omp_set_num_threads(threads);
        Problem<Real> m(g);
        m.fill(9);
        ragged_mask(m.mask, 13);
        LocalInertialParams p = m.params();
        p.boundary.next_to_no_data = OuterFace::free_outflow;
        std::vector<double> out;
        for (int i = 0; i < 8; ++i) {
            const ShallowStepStats s = m.step(p, 1e9);
            out.insert(out.end(), {s.dt_s, s.h_max_m, s.volume_change_m3, s.source_volume_m3,
                                   s.outflow_volume_m3, s.clipped_volume_m3, s.max_froude});
        }
        const std::vector<double> fields = flatten(m);
        out.insert(out.end(), fields.begin(), fields.end());
        return out;
    };
    const int saved = omp_get_max_threads();
    const std::vector<double> float_one = run(float{}, 1);
    const std::vector<double> float_two = run(float{}, 2);
    const std::vector<double> double_one = run(double{}, 1);
    const std::vector<double> double_two = run(double{}, 2);
    omp_set_num_threads(saved);
    REQUIRE(float_one.size() == float_two.size());
    REQUIRE(double_one.size() == double_two.size());
    CHECK(std::memcmp(float_one.data(), float_two.data(), float_one.size() * sizeof(double)) ==
          0);
    CHECK(std::memcmp(double_one.data(), double_two.data(),
                      double_one.size() * sizeof(double)) == 0);
}
