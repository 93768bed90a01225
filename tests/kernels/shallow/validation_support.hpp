#pragma once
// Shared set-up of the hydraulic validation cases (test_validation_*.cpp): a grid with its bed,
// mask, state and workspace, stepped to a given time with a source that may change with time
// (inflow hydrographs), the step statistics summed in double, and the centroid of the water.

#include "../../support/test_support.hpp"

#include <lauter/kernels/shallow/local_inertial.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>

namespace lauter::test::validation {

using kernels::shallow::CellField;
using kernels::CellMask;
using kernels::GridSpec;
using kernels::Raster;
using kernels::shallow::BoundaryParams;
using kernels::shallow::LocalInertialParams;
using kernels::shallow::OuterFace;
using kernels::shallow::ShallowLayerState;
using kernels::shallow::ShallowLayerWorkspace;
using kernels::shallow::ShallowStepStats;

/// Every grid side and the no-data edge set to `kind`.
inline BoundaryParams all_sides(OuterFace kind) {
    BoundaryParams b;
    b.north = kind;
    b.south = kind;
    b.west = kind;
    b.east = kind;
    b.next_to_no_data = kind;
    return b;
}

/// Sums of the step statistics over a run (m^3, s).
struct RunTotals {
    double time_s = 0.0;
    double source_m3 = 0.0;
    double outflow_m3 = 0.0;
    double clipped_m3 = 0.0;
    double change_m3 = 0.0;
    double max_froude = 0.0;
    long steps = 0;

    void add(const ShallowStepStats& s) {
        time_s += s.dt_s;
        source_m3 += s.source_volume_m3;
        outflow_m3 += s.outflow_volume_m3;
        clipped_m3 += s.clipped_volume_m3;
        change_m3 += s.volume_change_m3;
        max_froude = std::max(max_froude, s.max_froude);
        ++steps;
    }
};

/// Centre of mass of the water in grid coordinates (x east, s south, both from the grid's
/// upper-left corner, m) and the volume it was taken over (m^3).
struct Centroid {
    double x_m = 0.0;
    double s_m = 0.0;
    double volume_m3 = 0.0;
};

/// A bed, a mask, a double-precision state and a workspace on one grid.
struct Channel {
    explicit Channel(const GridSpec& g) : bed(g), mask(g), state(g), workspace(g) {}

    /// Steps from the current time to `t_end_s`, ending exactly on it. `source_at(t)` gives the
    /// source field for a step starting at time t; `max_step_s` caps the step so that a
    /// time-varying source is sampled often enough.
    void run_until(double t_end_s, const std::function<CellField(double)>& source_at,
                   const LocalInertialParams& params,
                   double max_step_s = std::numeric_limits<double>::infinity()) {
        while (time_s < t_end_s) {
            const double limit = std::min(max_step_s, t_end_s - time_s);
            const ShallowStepStats s = kernels::shallow::local_inertial_step<double>(
                bed.view(), mask, source_at(time_s), state, workspace, params, limit);
            time_s += s.dt_s;
            if (t_end_s - time_s < 1e-9) {
                time_s = t_end_s;
            }
            totals.add(s);
            last = s;
        }
    }
    void run_until(double t_end_s, const CellField& source, const LocalInertialParams& params) {
        run_until(t_end_s, [&](double) { return source; }, params);
    }

    [[nodiscard]] double volume_m3() const {
        return kernels::shallow::stored_volume_m3(mask, state);
    }
    [[nodiscard]] double eta_m(std::size_t row, std::size_t col) const {
        return static_cast<double>(bed(row, col)) + state.depth_m(row, col);
    }
    [[nodiscard]] Centroid centroid() const {
        const GridSpec& g = bed.spec();
        double m = 0.0;
        double mx = 0.0;
        double ms = 0.0;
        for (std::size_t r = 0; r < g.rows; ++r) {
            for (std::size_t c = 0; c < g.cols; ++c) {
                const double h = state.depth_m(r, c);
                m += h;
                mx += h * (static_cast<double>(c) + 0.5) * g.cell_size_x_m;
                ms += h * (static_cast<double>(r) + 0.5) * g.cell_size_y_m;
            }
        }
        return {mx / m, ms / m, m * g.cell_area_m2()};
    }

    Raster<float> bed;
    CellMask mask;
    ShallowLayerState<double> state;
    ShallowLayerWorkspace<double> workspace;
    double time_s = 0.0;
    RunTotals totals;
    ShallowStepStats last;
};

/// No source anywhere.
inline CellField no_source() { return CellField::uniform(0.0); }

} // namespace lauter::test::validation
