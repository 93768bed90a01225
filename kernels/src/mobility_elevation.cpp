#include <lauter/kernels/mobility/elevation_profile.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lauter::kernels::mobility {

bool sample_bilinear(RasterView<const float> dem, const CellMask& mask, double x_m, double y_m,
                     double& z_m) noexcept {
    const GridSpec& g = dem.spec();
    const double cf = g.col_coordinate(x_m);
    const double rf = g.row_coordinate(y_m);
    if (!(cf >= 0.0) || !(rf >= 0.0) || cf >= static_cast<double>(g.cols) ||
        rf >= static_cast<double>(g.rows)) {
        return false;
    }
    const auto cell_c = static_cast<std::size_t>(cf);
    const auto cell_r = static_cast<std::size_t>(rf);
    if (!mask.has_data(cell_r, cell_c)) {
        return false;
    }
    // Bilinear between the four cell centres around the point (centres at integer + 0.5).
    const double u = cf - 0.5;
    const double v = rf - 0.5;
    const double c0 = std::floor(u);
    const double r0 = std::floor(v);
    const double fu = u - c0;
    const double fv = v - r0;
    double sum = 0.0;
    double weight = 0.0;
    for (int dr = 0; dr < 2; ++dr) {
        for (int dc = 0; dc < 2; ++dc) {
            const auto r = static_cast<std::ptrdiff_t>(r0) + dr;
            const auto c = static_cast<std::ptrdiff_t>(c0) + dc;
            if (!g.contains(r, c) ||
                !mask.has_data(static_cast<std::size_t>(r), static_cast<std::size_t>(c))) {
                continue;
            }
            const double w = (dr == 0 ? 1.0 - fv : fv) * (dc == 0 ? 1.0 - fu : fu);
            sum += w * static_cast<double>(dem(static_cast<std::size_t>(r),
                                               static_cast<std::size_t>(c)));
            weight += w;
        }
    }
    if (weight > 0.0) {
        z_m = sum / weight;
    } else {
        z_m = static_cast<double>(dem(cell_r, cell_c));
    }
    return true;
}

void filter_profile(std::vector<double>& z, double hysteresis_m) {
    const std::size_t n = z.size();
    if (n < 3) {
        return;
    }
    // 1. Turning points with hysteresis.
    std::vector<std::size_t> keep{0};
    int direction = 0; // +1 rising, -1 falling, 0 not yet known
    std::size_t candidate = 0;
    for (std::size_t i = 1; i + 1 < n; ++i) {
        if (direction == 0) {
            if (z[i] - z[0] > hysteresis_m) {
                direction = 1;
                candidate = i;
            } else if (z[0] - z[i] > hysteresis_m) {
                direction = -1;
                candidate = i;
            }
        } else if (direction > 0) {
            if (z[i] >= z[candidate]) {
                candidate = i;
            } else if (z[candidate] - z[i] > hysteresis_m) {
                keep.push_back(candidate);
                direction = -1;
                candidate = i;
            }
        } else {
            if (z[i] <= z[candidate]) {
                candidate = i;
            } else if (z[i] - z[candidate] > hysteresis_m) {
                keep.push_back(candidate);
                direction = 1;
                candidate = i;
            }
        }
    }
    keep.push_back(n - 1);
    // 2. Monotone between kept points, clamped to their values.
    for (std::size_t k = 1; k < keep.size(); ++k) {
        const std::size_t a = keep[k - 1];
        const std::size_t b = keep[k];
        const double za = z[a];
        const double zb = z[b];
        const double lo = std::min(za, zb);
        const double hi = std::max(za, zb);
        double running = za;
        for (std::size_t i = a + 1; i < b; ++i) {
            running = zb >= za ? std::max(running, z[i]) : std::min(running, z[i]);
            z[i] = std::clamp(running, lo, hi);
        }
    }
}

ElevationResult sample_elevation(const Graph& graph, RasterView<const float> dem,
                                 const CellMask& mask, const ElevationParams& params) {
    require_same_shape(dem.spec(), mask.spec(), "sample_elevation");
    if (!(params.max_spacing_m > 0.0) || !(params.hysteresis_m >= 0.0)) {
        throw std::invalid_argument("sample_elevation: max_spacing_m must be > 0 and "
                                    "hysteresis_m >= 0");
    }
    const std::uint32_t segments = graph.segment_count();
    const auto first_point = graph.segment_first_point();
    const auto px = graph.point_x_m();
    const auto py = graph.point_y_m();

    // Pass 1 (parallel): sample and filter each segment into its own buffers.
    std::vector<std::vector<float>> piece_len(segments);
    std::vector<std::vector<float>> piece_grade(segments);
    std::vector<float> climb(segments, 0.0F);
    std::vector<float> descent(segments, 0.0F);
    std::vector<float> max_grade(segments, 0.0F);
    std::vector<float> min_grade(segments, 0.0F);
    std::vector<float> z_first(segments, 0.0F);
    std::vector<float> z_last(segments, 0.0F);
    std::vector<std::uint8_t> uncovered(segments, 0);
    const auto segment_count_signed = static_cast<std::ptrdiff_t>(segments);
#pragma omp parallel
    {
        std::vector<double> s_m;
        std::vector<double> z_m;
#pragma omp for schedule(dynamic, 64)
        for (std::ptrdiff_t si = 0; si < segment_count_signed; ++si) {
            const auto seg = static_cast<std::size_t>(si);
            s_m.clear();
            z_m.clear();
            bool ok = true;
            double s0 = 0.0;
            for (std::uint32_t p = first_point[seg]; p < first_point[seg + 1]; ++p) {
                const bool last = p + 1 == first_point[seg + 1];
                const double x0 = px[p];
                const double y0 = py[p];
                double z = 0.0;
                ok = sample_bilinear(dem, mask, x0, y0, z) && ok;
                s_m.push_back(s0);
                z_m.push_back(z);
                if (last) {
                    break;
                }
                const double dx = px[p + 1] - x0;
                const double dy = py[p + 1] - y0;
                const double len = std::hypot(dx, dy);
                const auto steps =
                    static_cast<std::size_t>(std::ceil(len / params.max_spacing_m - 1e-9));
                for (std::size_t k = 1; k < steps; ++k) {
                    const double t = static_cast<double>(k) / static_cast<double>(steps);
                    ok = sample_bilinear(dem, mask, x0 + t * dx, y0 + t * dy, z) && ok;
                    s_m.push_back(s0 + t * len);
                    z_m.push_back(z);
                }
                s0 += len;
            }
            if (!ok) {
                uncovered[seg] = 1;
                continue;
            }
            z_first[seg] = static_cast<float>(z_m.front());
            z_last[seg] = static_cast<float>(z_m.back());
            filter_profile(z_m, params.hysteresis_m);
            double up = 0.0;
            double down = 0.0;
            double gmax = -std::numeric_limits<double>::infinity();
            double gmin = std::numeric_limits<double>::infinity();
            for (std::size_t i = 1; i < z_m.size(); ++i) {
                const double ds = s_m[i] - s_m[i - 1];
                const double dz = z_m[i] - z_m[i - 1];
                if (!(ds > 0.0)) {
                    continue;
                }
                up += std::max(dz, 0.0);
                down += std::max(-dz, 0.0);
                const auto grade = static_cast<float>(dz / ds);
                gmax = std::max(gmax, static_cast<double>(grade));
                gmin = std::min(gmin, static_cast<double>(grade));
                // Consecutive pieces of equal grade merge (flat stretches of the filter).
                if (!piece_grade[seg].empty() && piece_grade[seg].back() == grade) {
                    piece_len[seg].back() += static_cast<float>(ds);
                } else {
                    piece_len[seg].push_back(static_cast<float>(ds));
                    piece_grade[seg].push_back(grade);
                }
            }
            climb[seg] = static_cast<float>(up);
            descent[seg] = static_cast<float>(down);
            max_grade[seg] = piece_grade[seg].empty() ? 0.0F : static_cast<float>(gmax);
            min_grade[seg] = piece_grade[seg].empty() ? 0.0F : static_cast<float>(gmin);
        }
    }

    ElevationResult result;
    for (std::uint32_t s = 0; s < segments; ++s) {
        if (uncovered[s] != 0) {
            result.uncovered_segments.push_back(s);
        }
    }
    if (!result.uncovered_segments.empty()) {
        return result;
    }
    SegmentElevation& out = result.elevation;
    out.climb_m = std::move(climb);
    out.descent_m = std::move(descent);
    out.max_grade = std::move(max_grade);
    out.min_grade = std::move(min_grade);
    out.profile_first.assign(static_cast<std::size_t>(segments) + 1, 0);
    for (std::uint32_t s = 0; s < segments; ++s) {
        out.profile_first[s + 1] =
            out.profile_first[s] + static_cast<std::uint32_t>(piece_len[s].size());
        out.piece_length_m.insert(out.piece_length_m.end(), piece_len[s].begin(),
                                  piece_len[s].end());
        out.piece_grade.insert(out.piece_grade.end(), piece_grade[s].begin(),
                               piece_grade[s].end());
    }
    // Node elevations: from the segment end samples (identical for every segment at a node,
    // as they sample the same point).
    out.node_z_m.assign(graph.node_count(), 0.0F);
    for (EdgeId e = 0; e < graph.edge_count(); ++e) {
        const std::uint32_t s = graph.segment()[e];
        const bool rev = graph.reversed()[e] != 0;
        out.node_z_m[graph.tail()[e]] = rev ? z_last[s] : z_first[s];
        out.node_z_m[graph.head()[e]] = rev ? z_first[s] : z_last[s];
    }
    return result;
}

} // namespace lauter::kernels::mobility
