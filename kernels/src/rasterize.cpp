#include <lauter/kernels/rasterize.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lauter::kernels {

namespace {

/// First sub-sample index whose centre (i + 0.5) / S is >= coordinate t (grid units), clamped to
/// [0, limit]. Clamping happens in double so that huge or infinite inputs cannot overflow.
std::size_t first_sample_at_or_after(double t, std::size_t samples, std::size_t limit) noexcept {
    const double i = std::ceil(t * static_cast<double>(samples) - 0.5);
    if (!(i > 0.0)) {
        return 0;
    }
    if (i >= static_cast<double>(limit)) {
        return limit;
    }
    return static_cast<std::size_t>(i);
}

struct Edge {
    double x_top = 0.0; ///< x at the upper (smaller y) end
    double y_top = 0.0;
    double dx_dy = 0.0;
    std::size_t first_sub_row = 0; ///< first sub-row whose centre the edge crosses
    std::size_t end_sub_row = 0;   ///< one past the last
};

bool finite_point(const Point2& p) noexcept { return std::isfinite(p.x) && std::isfinite(p.y); }

} // namespace

template <typename T>
SubcellCanvas<T>::SubcellCanvas(const GridSpec& spec, std::size_t samples_per_cell, T fill)
    : spec_(spec), samples_(samples_per_cell) {
    if (samples_per_cell == 0) {
        throw std::invalid_argument("SubcellCanvas: samples_per_cell must be at least 1");
    }
    if (!(spec.cell_size_x_m > 0.0) || !(spec.cell_size_y_m > 0.0)) {
        throw std::invalid_argument("SubcellCanvas: cell sizes must be positive");
    }
    sub_rows_ = spec.rows * samples_;
    sub_cols_ = spec.cols * samples_;
    values_.assign(sub_rows_ * sub_cols_, fill);
}

template <typename T>
void SubcellCanvas<T>::fill_span(std::size_t sub_row, double x_begin, double x_end,
                                 T value) noexcept {
    const std::size_t begin = first_sample_at_or_after(x_begin, samples_, sub_cols_);
    const std::size_t end = first_sample_at_or_after(x_end, samples_, sub_cols_);
    if (begin >= end) {
        return;
    }
    T* row = values_.data() + sub_row * sub_cols_;
    std::fill(row + begin, row + end, value);
}

template <typename T>
void paint_polygon(SubcellCanvas<T>& canvas, const Polygon& polygon, T value) {
    const std::size_t s = canvas.samples_per_cell();
    const std::size_t sub_rows = canvas.sub_rows();
    std::vector<Edge> edges;
    for (const Ring& ring : polygon.rings) {
        if (ring.size() < 3) {
            continue;
        }
        for (std::size_t i = 0; i < ring.size(); ++i) {
            const Point2& a = ring[i];
            const Point2& b = ring[(i + 1) % ring.size()];
            if (!finite_point(a) || !finite_point(b) || a.y == b.y) {
                continue; // horizontal edges never cross a sub-row centre line
            }
            const Point2& top = a.y < b.y ? a : b;
            const Point2& bottom = a.y < b.y ? b : a;
            Edge e;
            e.x_top = top.x;
            e.y_top = top.y;
            e.dx_dy = (bottom.x - top.x) / (bottom.y - top.y);
            // Half-open in y: the edge crosses centre line yc when y_top <= yc < y_bottom.
            e.first_sub_row = first_sample_at_or_after(top.y, s, sub_rows);
            e.end_sub_row = first_sample_at_or_after(bottom.y, s, sub_rows);
            if (e.first_sub_row < e.end_sub_row) {
                edges.push_back(e);
            }
        }
    }
    if (edges.empty()) {
        return;
    }
    std::sort(edges.begin(), edges.end(),
              [](const Edge& l, const Edge& r) { return l.first_sub_row < r.first_sub_row; });
    std::vector<const Edge*> active;
    std::vector<double> crossings;
    std::size_t next = 0;
    const double inv_s = 1.0 / static_cast<double>(s);
    for (std::size_t sr = edges.front().first_sub_row; sr < sub_rows; ++sr) {
        while (next < edges.size() && edges[next].first_sub_row <= sr) {
            active.push_back(&edges[next]);
            ++next;
        }
        std::erase_if(active, [sr](const Edge* e) { return e->end_sub_row <= sr; });
        if (active.empty()) {
            if (next == edges.size()) {
                break;
            }
            continue;
        }
        const double yc = (static_cast<double>(sr) + 0.5) * inv_s;
        crossings.clear();
        for (const Edge* e : active) {
            crossings.push_back(e->x_top + (yc - e->y_top) * e->dx_dy);
        }
        std::sort(crossings.begin(), crossings.end());
        for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
            canvas.fill_span(sr, crossings[k], crossings[k + 1], value);
        }
    }
}

template <typename T>
void paint_disc(SubcellCanvas<T>& canvas, Point2 centre, double radius_m, T value) {
    if (!finite_point(centre) || !(radius_m > 0.0)) {
        return;
    }
    const GridSpec& g = canvas.spec();
    const double rx = radius_m / g.cell_size_x_m;
    const double ry = radius_m / g.cell_size_y_m;
    const std::size_t s = canvas.samples_per_cell();
    const std::size_t first = first_sample_at_or_after(centre.y - ry, s, canvas.sub_rows());
    const std::size_t end = first_sample_at_or_after(centre.y + ry, s, canvas.sub_rows());
    const double inv_s = 1.0 / static_cast<double>(s);
    for (std::size_t sr = first; sr < end; ++sr) {
        const double dy = ((static_cast<double>(sr) + 0.5) * inv_s - centre.y) / ry;
        const double q = 1.0 - dy * dy;
        if (q <= 0.0) {
            continue;
        }
        const double dx = rx * std::sqrt(q);
        canvas.fill_span(sr, centre.x - dx, centre.x + dx, value);
    }
}

template <typename T>
void paint_buffered_line(SubcellCanvas<T>& canvas, std::span<const Point2> line,
                         double half_width_m, T value) {
    if (!(half_width_m > 0.0)) {
        return;
    }
    const GridSpec& g = canvas.spec();
    Polygon quad;
    quad.rings.resize(1);
    for (std::size_t i = 0; i < line.size(); ++i) {
        const Point2& a = line[i];
        if (!finite_point(a)) {
            continue;
        }
        paint_disc(canvas, a, half_width_m, value);
        if (i + 1 == line.size() || !finite_point(line[i + 1])) {
            continue;
        }
        const Point2& b = line[i + 1];
        // Direction in metres (y grows southwards in grid units; the sign does not matter here).
        const double dx_m = (b.x - a.x) * g.cell_size_x_m;
        const double dy_m = (b.y - a.y) * g.cell_size_y_m;
        const double length_m = std::hypot(dx_m, dy_m);
        if (length_m == 0.0) {
            continue;
        }
        const double nx = -dy_m / length_m * half_width_m / g.cell_size_x_m;
        const double ny = dx_m / length_m * half_width_m / g.cell_size_y_m;
        quad.rings[0] = {{a.x + nx, a.y + ny},
                         {b.x + nx, b.y + ny},
                         {b.x - nx, b.y - ny},
                         {a.x - nx, a.y - ny}};
        paint_polygon(canvas, quad, value);
    }
}

std::vector<Raster<float>> coverage_fractions(const SubcellCanvas<std::uint8_t>& canvas,
                                              std::size_t value_count) {
    const GridSpec& g = canvas.spec();
    std::vector<Raster<float>> out;
    out.reserve(value_count);
    for (std::size_t v = 0; v < value_count; ++v) {
        out.emplace_back(g, 0.0F);
    }
    const std::size_t s = canvas.samples_per_cell();
    const float inv_area = 1.0F / static_cast<float>(s * s);
    const auto rows = static_cast<std::ptrdiff_t>(g.rows);
#pragma omp parallel
    {
        std::vector<std::uint32_t> counts(g.cols * (value_count + 1));
#pragma omp for schedule(static)
        for (std::ptrdiff_t r = 0; r < rows; ++r) {
            const auto row = static_cast<std::size_t>(r);
            std::fill(counts.begin(), counts.end(), 0U);
            for (std::size_t sr = row * s; sr < (row + 1) * s; ++sr) {
                for (std::size_t sc = 0; sc < canvas.sub_cols(); ++sc) {
                    const std::size_t v = canvas.at(sr, sc);
                    if (v >= 1 && v <= value_count) {
                        ++counts[(sc / s) * (value_count + 1) + v];
                    }
                }
            }
            for (std::size_t col = 0; col < g.cols; ++col) {
                for (std::size_t v = 1; v <= value_count; ++v) {
                    out[v - 1](row, col) =
                        static_cast<float>(counts[col * (value_count + 1) + v]) * inv_area;
                }
            }
        }
    }
    return out;
}

Raster<float> coverage_fraction(const SubcellCanvas<std::uint8_t>& canvas, std::uint8_t value) {
    const GridSpec& g = canvas.spec();
    Raster<float> out(g, 0.0F);
    const std::size_t s = canvas.samples_per_cell();
    const float inv_area = 1.0F / static_cast<float>(s * s);
    const auto rows = static_cast<std::ptrdiff_t>(g.rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        for (std::size_t col = 0; col < g.cols; ++col) {
            std::size_t n = 0;
            for (std::size_t sr = row * s; sr < (row + 1) * s; ++sr) {
                for (std::size_t sc = col * s; sc < (col + 1) * s; ++sc) {
                    n += canvas.at(sr, sc) == value ? 1U : 0U;
                }
            }
            out(row, col) = static_cast<float>(n) * inv_area;
        }
    }
    return out;
}

Raster<float> mean_where(const SubcellCanvas<float>& values, const SubcellCanvas<std::uint8_t>& key,
                         std::uint8_t key_value, float empty_value) {
    if (values.sub_rows() != key.sub_rows() || values.sub_cols() != key.sub_cols() ||
        values.samples_per_cell() != key.samples_per_cell()) {
        throw std::invalid_argument("mean_where: canvases differ in shape");
    }
    const GridSpec& g = key.spec();
    Raster<float> out(g, empty_value);
    const std::size_t s = key.samples_per_cell();
    const auto rows = static_cast<std::ptrdiff_t>(g.rows);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
        const auto row = static_cast<std::size_t>(r);
        for (std::size_t col = 0; col < g.cols; ++col) {
            double sum = 0.0;
            std::size_t n = 0;
            for (std::size_t sr = row * s; sr < (row + 1) * s; ++sr) {
                for (std::size_t sc = col * s; sc < (col + 1) * s; ++sc) {
                    if (key.at(sr, sc) == key_value) {
                        sum += static_cast<double>(values.at(sr, sc));
                        ++n;
                    }
                }
            }
            if (n > 0) {
                out(row, col) = static_cast<float>(sum / static_cast<double>(n));
            }
        }
    }
    return out;
}

double ring_area(std::span<const Point2> ring) noexcept {
    if (ring.size() < 3) {
        return 0.0;
    }
    // Shoelace formula relative to the first vertex, which limits cancellation for map
    // coordinates with large offsets (UTM northings of 5.5e6 m).
    const Point2 o = ring[0];
    double twice = 0.0;
    for (std::size_t i = 1; i + 1 < ring.size(); ++i) {
        const double ax = ring[i].x - o.x;
        const double ay = ring[i].y - o.y;
        const double bx = ring[i + 1].x - o.x;
        const double by = ring[i + 1].y - o.y;
        twice += ax * by - bx * ay;
    }
    return 0.5 * std::abs(twice);
}

double polygon_area(const Polygon& polygon) noexcept {
    if (polygon.rings.empty()) {
        return 0.0;
    }
    double area = ring_area(polygon.rings.front());
    for (std::size_t i = 1; i < polygon.rings.size(); ++i) {
        area -= ring_area(polygon.rings[i]);
    }
    return area;
}

bool polygon_contains(const Polygon& polygon, Point2 p) noexcept {
    bool inside = false;
    for (const Ring& ring : polygon.rings) {
        const std::size_t n = ring.size();
        if (n < 3) {
            continue;
        }
        for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
            const Point2& a = ring[i];
            const Point2& b = ring[j];
            if ((a.y <= p.y) != (b.y <= p.y)) {
                const double x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
                if (p.x < x) {
                    inside = !inside;
                }
            }
        }
    }
    return inside;
}

template class SubcellCanvas<std::uint8_t>;
template class SubcellCanvas<float>;
template void paint_polygon(SubcellCanvas<std::uint8_t>&, const Polygon&, std::uint8_t);
template void paint_polygon(SubcellCanvas<float>&, const Polygon&, float);
template void paint_disc(SubcellCanvas<std::uint8_t>&, Point2, double, std::uint8_t);
template void paint_disc(SubcellCanvas<float>&, Point2, double, float);
template void paint_buffered_line(SubcellCanvas<std::uint8_t>&, std::span<const Point2>, double,
                                  std::uint8_t);
template void paint_buffered_line(SubcellCanvas<float>&, std::span<const Point2>, double, float);

} // namespace lauter::kernels
