#pragma once
/// @file rasterize.hpp
/// Area-coverage rasterization of polygons, buffered lines and discs on a sub-sample canvas.
///
/// Geometry is given in continuous grid coordinates: x = column coordinate (0 at the western edge
/// of the grid, `cols` at the eastern edge), y = row coordinate (0 at the northern edge, `rows` at
/// the southern edge), as returned by GridSpec::col_coordinate / row_coordinate. sim/ converts map
/// coordinates; nothing here knows a CRS.
///
/// Each cell is divided into S x S sub-samples (S = samples per cell). A shape covers a sub-sample
/// when the sub-sample's centre lies inside it (even-odd rule for polygons, so holes are simply
/// further rings). Painting writes one value into the covered sub-samples of a canvas; later
/// paints overwrite earlier ones, which gives a priority order by painting order. Counting the
/// sub-samples of a cell that hold a value gives its area fraction: the error of the covered area
/// of a shape is of the order of (perimeter x sub-sample width / 2), so the fractions converge to
/// the exact area coverage as S grows. This is scanline polygon filling with supersampling, as
/// described in Foley, van Dam, Feiner & Hughes (1990): Computer Graphics: Principles and
/// Practice, 2nd ed. (chapters on scan conversion and antialiasing).
///
/// Complexity: O(E log E + covered sub-rows x crossings) per polygon with E edges (active edge
/// table), independent of the canvas size. All functions are serial and deterministic; callers
/// parallelise over independent canvases if they wish.

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lauter::kernels {

/// A point in continuous grid coordinates (x = column, y = row) or, in sim/, in map coordinates.
struct Point2 {
    double x = 0.0;
    double y = 0.0;
};

/// A closed ring; the closing vertex may be repeated or not.
using Ring = std::vector<Point2>;

/// A polygon as a set of rings filled with the even-odd rule: the outer ring and its holes (or
/// several outer rings of a multipolygon) need no orientation or nesting information.
struct Polygon {
    std::vector<Ring> rings;
};

/// A raster of S x S sub-samples per cell, one value of type T per sub-sample (instantiated for
/// std::uint8_t class codes and float attributes; memory: rows x cols x S^2 x sizeof(T)).
/// Sub-sample (sr, sc) belongs to cell (sr / S, sc / S); its centre is at grid coordinates
/// ((sc + 0.5) / S, (sr + 0.5) / S).
template <typename T>
class SubcellCanvas {
public:
    SubcellCanvas() = default;
    /// Canvas over `spec` with `samples_per_cell` (>= 1) sub-samples along each axis of a cell.
    /// The cell sizes of `spec` convert metric radii and widths into grid units.
    SubcellCanvas(const GridSpec& spec, std::size_t samples_per_cell, T fill = T{});

    [[nodiscard]] const GridSpec& spec() const noexcept { return spec_; }
    [[nodiscard]] std::size_t samples_per_cell() const noexcept { return samples_; }
    [[nodiscard]] std::size_t sub_rows() const noexcept { return sub_rows_; }
    [[nodiscard]] std::size_t sub_cols() const noexcept { return sub_cols_; }
    [[nodiscard]] T& at(std::size_t sub_row, std::size_t sub_col) noexcept {
        return values_[sub_row * sub_cols_ + sub_col];
    }
    [[nodiscard]] const T& at(std::size_t sub_row, std::size_t sub_col) const noexcept {
        return values_[sub_row * sub_cols_ + sub_col];
    }
    /// Width and height of one sub-sample in CRS units (metres for projected grids).
    [[nodiscard]] double sample_width_m() const noexcept {
        return spec_.cell_size_x_m / static_cast<double>(samples_);
    }
    [[nodiscard]] double sample_height_m() const noexcept {
        return spec_.cell_size_y_m / static_cast<double>(samples_);
    }
    /// Sets the sub-samples of row `sub_row` whose centres lie in [x_begin, x_end) (grid x).
    void fill_span(std::size_t sub_row, double x_begin, double x_end, T value) noexcept;
    [[nodiscard]] const std::vector<T>& values() const noexcept { return values_; }

private:
    GridSpec spec_;
    std::size_t samples_ = 1;
    std::size_t sub_rows_ = 0;
    std::size_t sub_cols_ = 0;
    std::vector<T> values_;
};

/// Paints `value` into every sub-sample whose centre lies inside `polygon` (even-odd rule).
/// Parts of the polygon outside the grid are ignored. Rings with fewer than 3 vertices are ignored.
template <typename T>
void paint_polygon(SubcellCanvas<T>& canvas, const Polygon& polygon, T value);

/// Paints a disc of radius `radius_m` (CRS units) around the grid point `centre`; on grids with
/// non-square cells the disc is an ellipse in grid units and a circle on the ground.
template <typename T>
void paint_disc(SubcellCanvas<T>& canvas, Point2 centre, double radius_m, T value);

/// Paints the set of points within `half_width_m` (CRS units) of the polyline `line` (grid
/// coordinates): one rectangle per segment plus a disc at every vertex (round joins and caps).
/// This is the buffer of the line, as GEOS would build it with round joins, without building it.
template <typename T>
void paint_buffered_line(SubcellCanvas<T>& canvas, std::span<const Point2> line,
                         double half_width_m, T value);

/// Fraction 0..1 of each cell's sub-samples that hold `value`.
[[nodiscard]] Raster<float> coverage_fraction(const SubcellCanvas<std::uint8_t>& canvas,
                                              std::uint8_t value);

/// Fractions of all values 1..value_count at once (one pass): result[v - 1] is the fraction of
/// value v. Sub-samples holding 0 or a value above value_count are counted in no raster.
[[nodiscard]] std::vector<Raster<float>> coverage_fractions(
    const SubcellCanvas<std::uint8_t>& canvas, std::size_t value_count);

/// Per-cell mean of `values` over the sub-samples where `key` holds `key_value`, and `empty_value`
/// in cells without such sub-samples. Both canvases must have the same shape.
[[nodiscard]] Raster<float> mean_where(const SubcellCanvas<float>& values,
                                       const SubcellCanvas<std::uint8_t>& key,
                                       std::uint8_t key_value, float empty_value);

/// Area of a polygon with one outer ring (the first) and holes (the others), by the shoelace
/// formula: |outer| - sum |holes|, in squared coordinate units.
[[nodiscard]] double polygon_area(const Polygon& polygon) noexcept;

/// Unsigned area of one ring by the shoelace formula, in squared coordinate units.
[[nodiscard]] double ring_area(std::span<const Point2> ring) noexcept;

/// Even-odd point-in-polygon test (a point on an edge may go either way).
[[nodiscard]] bool polygon_contains(const Polygon& polygon, Point2 p) noexcept;

} // namespace lauter::kernels
