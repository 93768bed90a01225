// Horizon sweep with upper convex hulls (Stewart 1998) and the sky view factor built from it;
// see sky_view_factor.hpp for the method and its sources.
#include <lauter/kernels/thermal/sky_view_factor.hpp>

#include "direction_lines.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lauter::kernels::thermal {

namespace {

using Scratch = HorizonWorkspace::ThreadScratch;

/// Slope (height per step) from step a to step b > a of the current line.
inline double slope(const Scratch& t, std::size_t a, std::size_t b) {
    return (t.height_m[b] - t.height_m[a]) / static_cast<double>(b - a);
}

/// slope(s, a) <= slope(s, b) for a, b > s, without divisions (the distances are positive).
inline bool slope_not_above(const Scratch& t, std::size_t s, std::size_t a, std::size_t b) {
    const double z = t.height_m[s];
    return (t.height_m[a] - z) * static_cast<double>(b - s) <=
           (t.height_m[b] - z) * static_cast<double>(a - s);
}

/// slope(a, b) <= slope(b, q) for a < b < q, without divisions.
inline bool concave_or_straight(const Scratch& t, std::size_t a, std::size_t b, std::size_t q) {
    return (t.height_m[b] - t.height_m[a]) * static_cast<double>(q - b) <=
           (t.height_m[q] - t.height_m[b]) * static_cast<double>(b - a);
}

/// Largest slope from `s` to a vertex of the upper hull `hull[0..size)` (ascending steps, all
/// after s): slopes from a point left of an upper hull rise to the tangent vertex and then fall,
/// so a binary search finds it.
double tangent_to_prefix_hull(const Scratch& t, std::size_t s, std::size_t size) {
    std::size_t lo = 0;
    std::size_t hi = size - 1;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (!slope_not_above(t, s, t.prefix_hull[mid + 1], t.prefix_hull[mid])) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return slope(t, s, t.prefix_hull[lo]);
}

/// Horizon of every step of one line (heights in t.height_m[0..n), validity in t.valid) within
/// m steps ahead: t.tan_horizon[s] = max(0, max over valid q in (s, s+m] of slope(s, q)), NaN for
/// invalid s.
void line_horizon(Scratch& t, std::size_t n, std::size_t m) {
    const std::size_t block = std::min(m, n);
    const std::size_t blocks = (n + block - 1) / block;
    t.prefix_hull.resize(block + 1);
    t.undo_slot.resize(block);
    t.undo_value.resize(block);
    t.undo_size.resize(block);
    t.pushed.resize(block);
    for (std::size_t b = blocks; b-- > 0;) {
        const std::size_t start = b * block;
        const std::size_t end = std::min(start + block, n);
        // Prefix hull of the next block, built forward with an undo record per point.
        const std::size_t next_start = end;
        const std::size_t next_end = std::min(end + block, n);
        std::size_t hull_size = 0;
        double next_max_m = -std::numeric_limits<double>::infinity();
        for (std::size_t q = next_start; q < next_end; ++q) {
            const std::size_t i = q - next_start;
            t.pushed[i] = t.valid[q];
            if (t.valid[q] == 0) {
                continue;
            }
            next_max_m = std::max(next_max_m, t.height_m[q]);
            const std::size_t old_size = hull_size;
            // Upper hull (Andrew 1979): drop the last vertex while it is not strictly above the
            // segment from its predecessor to q.
            while (hull_size >= 2 && concave_or_straight(t, t.prefix_hull[hull_size - 2],
                                                         t.prefix_hull[hull_size - 1], q)) {
                --hull_size;
            }
            t.undo_slot[i] = hull_size;
            t.undo_value[i] = t.prefix_hull[hull_size];
            t.undo_size[i] = old_size;
            t.prefix_hull[hull_size] = q;
            ++hull_size;
        }
        std::size_t newest = next_end; // points [next_start, newest) are in the prefix hull
        t.hull.clear();
        for (std::size_t s = end; s-- > start;) {
            // Roll the prefix hull back to the points within reach: q <= s + m.
            while (newest > next_start && newest - 1 > s + m) {
                --newest;
                const std::size_t i = newest - next_start;
                if (t.pushed[i] != 0) {
                    t.prefix_hull[t.undo_slot[i]] = t.undo_value[i];
                    hull_size = t.undo_size[i];
                }
            }
            if (t.valid[s] == 0) {
                t.tan_horizon[s] = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            double best = 0.0;
            // Suffix hull of this block (top = nearest point): vertices on or below the segment
            // from s to the next vertex leave the hull for good; the top is then the tangent.
            while (t.hull.size() >= 2 &&
                   slope_not_above(t, s, t.hull.back(), t.hull[t.hull.size() - 2])) {
                t.hull.pop_back();
            }
            if (!t.hull.empty()) {
                best = std::max(best, slope(t, s, t.hull.back()));
            }
            t.hull.push_back(s);
            // The next block can only raise the horizon if its highest point, at its nearest
            // distance, would: a cheap bound that skips most binary searches.
            if (hull_size > 0 &&
                next_max_m - t.height_m[s] > best * static_cast<double>(next_start - s)) {
                best = std::max(best, tangent_to_prefix_hull(t, s, hull_size));
            }
            t.tan_horizon[s] = best;
        }
    }
}

/// Crowns of a sweep: the surfaces and the tangents of the sampled elevations.
struct Crowns {
    RasterView<const float> top_m;
    RasterView<const float> base_m;
    std::vector<double> tan_altitude; ///< ascending, band midpoints of equal sin^2 h
};

constexpr std::size_t max_crown_intervals = 4;
/// Doubles per elevation in ThreadScratch::intervals: room for one pair beyond the maximum,
/// which add_crown_interval appends before dropping the lowest.
constexpr std::size_t interval_stride = 2 * (max_crown_intervals + 1);

/// Adds the blocking interval [low, high] of one crown to the union kept for one elevation:
/// overlapping intervals merge; beyond max_crown_intervals the one with the lowest top goes.
void add_crown_interval(double* pairs, std::size_t& count, double low, double high) {
    std::size_t i = 0;
    while (i < count) {
        double* p = pairs + 2 * i;
        if (p[1] >= low && p[0] <= high) {
            low = std::min(low, p[0]);
            high = std::max(high, p[1]);
            --count;
            p[0] = pairs[2 * count];
            p[1] = pairs[2 * count + 1];
        } else {
            ++i;
        }
    }
    pairs[2 * count] = low;
    pairs[2 * count + 1] = high;
    ++count;
    if (count > max_crown_intervals) {
        std::size_t lowest = 0;
        for (std::size_t j = 1; j < count; ++j) {
            if (pairs[2 * j + 1] < pairs[2 * lowest + 1]) {
                lowest = j;
            }
        }
        --count;
        pairs[2 * lowest] = pairs[2 * count];
        pairs[2 * lowest + 1] = pairs[2 * count + 1];
    }
}

/// Share of the sky of this direction that crowns block above the building horizon, for every
/// valid step of one line (t.veg_blocked), from t.height_m, t.tan_horizon (height per step) and
/// the crowns t.crown_top_m / t.crown_base_m; see the header for the rule.
void line_vegetation(Scratch& t, std::size_t n, double step_m, const Crowns& crowns) {
    const std::size_t k_count = crowns.tan_altitude.size();
    const double band = 1.0 / static_cast<double>(k_count);
    t.intervals.resize(interval_stride * k_count);
    t.interval_count.assign(k_count, 0);
    t.veg_blocked.resize(n);
    for (std::size_t s = n; s-- > 0;) {
        const bool crown = t.valid[s] != 0 && !std::isnan(t.crown_top_m[s]);
        const double sd = static_cast<double>(s);
        if (t.valid[s] != 0) {
            const double z = t.height_m[s];
            const double tan_h = t.tan_horizon[s] / step_m;
            const double u_horizon = tan_h * tan_h / (1.0 + tan_h * tan_h); // sin^2 of horizon
            double blocked = 0.0;
            bool hit_above = false; // the sample of band k + 1
            for (std::size_t k = k_count; k-- > 0;) {
                const double u_low = static_cast<double>(k) * band;
                const double u_high = static_cast<double>(k + 1) * band;
                const double visible = u_high - std::max(u_low, u_horizon);
                if (visible <= 0.0) {
                    break; // this band and all below lie under the building horizon
                }
                const double rise = crowns.tan_altitude[k] * step_m; // ray rise per step
                bool hit = false;
                if (rise > t.tan_horizon[s]) {
                    hit = crown && z + 0.5 * rise >= t.crown_base_m[s];
                    const double w = z - sd * rise;
                    const double* pairs = t.intervals.data() + interval_stride * k;
                    for (std::size_t i = 0; i < t.interval_count[k] && !hit; ++i) {
                        hit = pairs[2 * i] <= w && w <= pairs[2 * i + 1];
                    }
                } else {
                    hit = hit_above; // the sample lies under the horizon: use the band above
                }
                blocked += hit ? visible : 0.0;
                hit_above = hit;
            }
            t.veg_blocked[s] = blocked;
        }
        if (crown) {
            for (std::size_t k = 0; k < k_count; ++k) {
                const double rise = crowns.tan_altitude[k] * step_m;
                add_crown_interval(t.intervals.data() + interval_stride * k,
                                   t.interval_count[k], t.crown_base_m[s] - sd * rise,
                                   t.crown_top_m[s] - sd * rise);
            }
        }
    }
}

/// Runs the horizon sweep for one azimuth and calls emit(row, col, tan_horizon, veg_blocked) for
/// every cell with data (veg_blocked: the share of the direction's sky that crowns block above
/// the horizon, 0 without `crowns`). Each cell is emitted exactly once, by the thread that owns
/// its line.
template <typename Emit>
void sweep_direction(RasterView<const float> dsm_m, const CellMask& mask, double azimuth_deg,
                     double search_radius_m, HorizonWorkspace& ws, const Crowns* crowns,
                     Emit&& emit) {
    const GridSpec& g = dsm_m.spec();
    const detail::DirectionLines lines(g, azimuth_deg);
    const double step_m = lines.step_m();
    const auto radius_steps = static_cast<std::size_t>(
        std::max(1.0, std::floor(search_radius_m / step_m)));
    const auto line_count = static_cast<std::ptrdiff_t>(lines.line_count());
    ws.threads.resize(static_cast<std::size_t>(omp_get_max_threads()));
#pragma omp parallel
    {
        Scratch& t = ws.threads[static_cast<std::size_t>(omp_get_thread_num())];
        const std::size_t len = lines.max_line_length();
        t.height_m.resize(len);
        t.valid.resize(len);
        t.tan_horizon.resize(len);
        if (crowns != nullptr) {
            t.crown_top_m.resize(len);
            t.crown_base_m.resize(len);
        }
#pragma omp for schedule(static)
        for (std::ptrdiff_t line = 0; line < line_count; ++line) {
            lines.cells_of(static_cast<std::size_t>(line), t.line_rows, t.line_cols);
            const std::size_t n = t.line_rows.size();
            for (std::size_t s = 0; s < n; ++s) {
                const std::size_t row = t.line_rows[s];
                const std::size_t col = t.line_cols[s];
                const bool ok = mask.has_data(row, col);
                t.valid[s] = ok ? 1 : 0;
                t.height_m[s] = ok ? static_cast<double>(dsm_m(row, col)) : 0.0;
                if (crowns != nullptr) {
                    const double top = ok ? static_cast<double>(crowns->top_m(row, col)) : 0.0;
                    const double base = ok ? static_cast<double>(crowns->base_m(row, col)) : 0.0;
                    const bool crown = ok && top > base && top > t.height_m[s];
                    t.crown_top_m[s] = crown ? top : std::numeric_limits<double>::quiet_NaN();
                    t.crown_base_m[s] = crown ? base : 0.0;
                }
            }
            if (n == 0) {
                continue;
            }
            line_horizon(t, n, radius_steps);
            if (crowns != nullptr) {
                line_vegetation(t, n, step_m, *crowns);
            }
            for (std::size_t s = 0; s < n; ++s) {
                if (t.valid[s] != 0) {
                    emit(t.line_rows[s], t.line_cols[s], t.tan_horizon[s] / step_m,
                         crowns != nullptr ? t.veg_blocked[s] : 0.0);
                }
            }
        }
    }
}

void check_shapes(RasterView<const float> dsm_m, const CellMask& mask, const GridSpec& out,
                  const char* what) {
    require_same_shape(dsm_m.spec(), mask.spec(), what);
    require_same_shape(dsm_m.spec(), out, what);
}

} // namespace

void validate(const SkyViewFactorParams& params) {
    if (params.directions < 1) {
        throw std::invalid_argument("SkyViewFactorParams.directions must be at least 1");
    }
    if (!(params.search_radius_m > 0.0) || !std::isfinite(params.search_radius_m)) {
        throw std::invalid_argument("SkyViewFactorParams.search_radius_m must be positive, got " +
                                    std::to_string(params.search_radius_m));
    }
}

void compute_horizon_tangent(RasterView<const float> dsm_m, const CellMask& mask,
                             double azimuth_deg, double search_radius_m,
                             RasterView<float> tan_horizon, HorizonWorkspace& workspace) {
    check_shapes(dsm_m, mask, tan_horizon.spec(), "compute_horizon_tangent");
    validate(SkyViewFactorParams{1, search_radius_m});
    const GridSpec& g = dsm_m.spec();
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            tan_horizon(r, c) = no_data_value<float>;
        }
    }
    sweep_direction(dsm_m, mask, azimuth_deg, search_radius_m, workspace, nullptr,
                    [&](std::size_t row, std::size_t col, double tan_h, double) {
                        tan_horizon(row, col) = static_cast<float>(tan_h);
                    });
}

void validate(const VegetationSkyParams& params) {
    if (params.altitudes < 1) {
        throw std::invalid_argument("VegetationSkyParams.altitudes must be at least 1");
    }
    if (!(params.transmissivity >= 0.0 && params.transmissivity <= 1.0)) {
        throw std::invalid_argument("VegetationSkyParams.transmissivity must lie in [0, 1], got " +
                                    std::to_string(params.transmissivity));
    }
}

void compute_sky_view_factor(RasterView<const float> dsm_m, const CellMask& mask,
                             RasterView<float> svf, HorizonWorkspace& workspace,
                             const SkyViewFactorParams& params,
                             const std::function<void()>& direction_done) {
    compute_sky_view_factor(dsm_m, {}, {}, mask, svf, {}, workspace, params, {}, direction_done);
}

void compute_sky_view_factor(RasterView<const float> dsm_m, RasterView<const float> canopy_top_m,
                             RasterView<const float> canopy_base_m, const CellMask& mask,
                             RasterView<float> svf, RasterView<float> svf_buildings,
                             HorizonWorkspace& workspace, const SkyViewFactorParams& params,
                             const VegetationSkyParams& vegetation,
                             const std::function<void()>& direction_done) {
    check_shapes(dsm_m, mask, svf.spec(), "compute_sky_view_factor");
    const bool has_crowns = canopy_top_m.data() != nullptr || canopy_base_m.data() != nullptr;
    if (has_crowns) {
        if (canopy_top_m.data() == nullptr || canopy_base_m.data() == nullptr) {
            throw std::invalid_argument(
                "compute_sky_view_factor: give both canopy top and base, or neither");
        }
        check_shapes(dsm_m, mask, canopy_top_m.spec(), "compute_sky_view_factor");
        check_shapes(dsm_m, mask, canopy_base_m.spec(), "compute_sky_view_factor");
    }
    const bool want_buildings = svf_buildings.data() != nullptr;
    if (want_buildings) {
        check_shapes(dsm_m, mask, svf_buildings.spec(), "compute_sky_view_factor");
    }
    validate(params);
    validate(vegetation);
    Crowns crowns{canopy_top_m, canopy_base_m, {}};
    for (std::size_t k = 0; k < vegetation.altitudes; ++k) {
        // Midpoint of band k in u = sin^2 h; tan h = sqrt(u / (1 - u)).
        const double u = (static_cast<double>(k) + 0.5) / static_cast<double>(vegetation.altitudes);
        crowns.tan_altitude.push_back(std::sqrt(u / (1.0 - u)));
    }
    const GridSpec& g = dsm_m.spec();
    std::vector<double>& sum = workspace.sum;
    std::vector<double>& sum_buildings = workspace.sum_buildings;
    sum.assign(g.cell_count(), 0.0);
    if (has_crowns) {
        sum_buildings.assign(g.cell_count(), 0.0);
    }
    const double n_dirs = static_cast<double>(params.directions);
    const double opacity = 1.0 - vegetation.transmissivity;
    for (std::size_t d = 0; d < params.directions; ++d) {
        const double azimuth_deg = 360.0 * static_cast<double>(d) / n_dirs;
        // cos^2(h) = 1 / (1 + tan^2 h): the share of a horizontal element's cosine-weighted sky
        // in this azimuth sector (see the header); crowns take (1 - tau) of what they block.
        sweep_direction(dsm_m, mask, azimuth_deg, params.search_radius_m, workspace,
                        has_crowns ? &crowns : nullptr,
                        [&](std::size_t row, std::size_t col, double tan_h, double veg_blocked) {
                            const std::size_t i = g.index(row, col);
                            const double open = 1.0 / (1.0 + tan_h * tan_h);
                            sum[i] += open - opacity * veg_blocked;
                            if (has_crowns) {
                                sum_buildings[i] += open;
                            }
                        });
        if (direction_done) {
            direction_done();
        }
    }
    const std::vector<double>& opaque = has_crowns ? sum_buildings : sum;
#pragma omp parallel for schedule(static)
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const std::size_t i = g.index(r, c);
            const bool ok = mask.has_data(i);
            svf(r, c) = ok ? static_cast<float>(std::max(0.0, sum[i] / n_dirs))
                           : no_data_value<float>;
            if (want_buildings) {
                svf_buildings(r, c) =
                    ok ? static_cast<float>(opaque[i] / n_dirs) : no_data_value<float>;
            }
        }
    }
}

} // namespace lauter::kernels::thermal
