#pragma once
/// @file grid.hpp
/// The study grid: geometry (GridSpec), owning rasters (Raster<T>), non-owning views
/// (RasterView<T>) and the explicit cell mask (CellMask).
///
/// Conventions (shared by every kernel):
/// - Row-major storage, row 0 is the northern edge: index(row, col) = row * cols + col.
/// - Cell (row, col) covers x in [x0 + col*dx, x0 + (col+1)*dx) and y in (y0 - (row+1)*dy, y0 - row*dy],
///   where (x0, y0) is the upper-left corner of the grid in the CRS (metres for projected CRSs).
/// - No-data is never encoded as a sentinel value inside kernels: the CellMask says which cells are
///   active. Kernels do not read the values of inactive cells and write quiet NaN (floating point) or
///   zero (integer) to them. File sentinels (-9999, -32768) exist only in sim/io.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace lauter::kernels {

/// Geometry of a regular, north-up grid.
struct GridSpec {
    std::size_t rows = 0;
    std::size_t cols = 0;
    double cell_size_x_m = 1.0; ///< cell width (> 0), CRS units (metres for projected CRSs)
    double cell_size_y_m = 1.0; ///< cell height (> 0), CRS units
    double x0 = 0.0;            ///< x of the upper-left corner of the grid
    double y0 = 0.0;            ///< y of the upper-left corner of the grid
    std::string crs_wkt;        ///< coordinate reference system as WKT (empty: unknown)

    [[nodiscard]] std::size_t cell_count() const noexcept { return rows * cols; }
    [[nodiscard]] std::size_t index(std::size_t row, std::size_t col) const noexcept {
        return row * cols + col;
    }
    [[nodiscard]] bool contains(std::ptrdiff_t row, std::ptrdiff_t col) const noexcept {
        return row >= 0 && col >= 0 && static_cast<std::size_t>(row) < rows &&
               static_cast<std::size_t>(col) < cols;
    }
    [[nodiscard]] double cell_area_m2() const noexcept { return cell_size_x_m * cell_size_y_m; }
    [[nodiscard]] double cell_centre_x(std::size_t col) const noexcept {
        return x0 + (static_cast<double>(col) + 0.5) * cell_size_x_m;
    }
    [[nodiscard]] double cell_centre_y(std::size_t row) const noexcept {
        return y0 - (static_cast<double>(row) + 0.5) * cell_size_y_m;
    }
    [[nodiscard]] double x_max() const noexcept {
        return x0 + static_cast<double>(cols) * cell_size_x_m;
    }
    [[nodiscard]] double y_min() const noexcept {
        return y0 - static_cast<double>(rows) * cell_size_y_m;
    }
    /// Continuous column coordinate of x (0 at the western edge, cols at the eastern edge).
    [[nodiscard]] double col_coordinate(double x) const noexcept { return (x - x0) / cell_size_x_m; }
    /// Continuous row coordinate of y (0 at the northern edge, rows at the southern edge).
    [[nodiscard]] double row_coordinate(double y) const noexcept { return (y0 - y) / cell_size_y_m; }

    /// Same shape and georeferencing (CRS text compared verbatim; sim/ normalises it).
    [[nodiscard]] bool is_same_grid(const GridSpec& other) const noexcept {
        return rows == other.rows && cols == other.cols &&
               cell_size_x_m == other.cell_size_x_m && cell_size_y_m == other.cell_size_y_m &&
               x0 == other.x0 && y0 == other.y0 && crs_wkt == other.crs_wkt;
    }
};

/// The smallest grid of square cells of `cell_size_m` whose edges lie on multiples of the cell size
/// (so that grids of one resolution always align) and that covers [x_min, x_max] x [y_min, y_max].
/// At least one cell in each direction.
[[nodiscard]] inline GridSpec grid_covering(double x_min, double y_min, double x_max, double y_max,
                                            double cell_size_m, std::string crs_wkt) {
    if (!(cell_size_m > 0.0) || !(x_min <= x_max) || !(y_min <= y_max)) {
        throw std::invalid_argument("grid_covering: needs a positive cell size and min <= max");
    }
    GridSpec g;
    g.cell_size_x_m = cell_size_m;
    g.cell_size_y_m = cell_size_m;
    g.x0 = std::floor(x_min / cell_size_m) * cell_size_m;
    g.y0 = std::ceil(y_max / cell_size_m) * cell_size_m;
    const double x1 = std::ceil(x_max / cell_size_m) * cell_size_m;
    const double y1 = std::floor(y_min / cell_size_m) * cell_size_m;
    g.cols = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround((x1 - g.x0) / cell_size_m)));
    g.rows = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround((g.y0 - y1) / cell_size_m)));
    g.crs_wkt = std::move(crs_wkt);
    return g;
}

/// Throws std::invalid_argument unless both grids have the same shape; kernels taking several
/// rasters call this at entry (cheap check, outside the hot loops).
inline void require_same_shape(const GridSpec& a, const GridSpec& b, const char* what) {
    if (a.rows != b.rows || a.cols != b.cols) {
        throw std::invalid_argument(std::string(what) + ": grids differ in shape (" +
                                    std::to_string(a.rows) + "x" + std::to_string(a.cols) +
                                    " vs " + std::to_string(b.rows) + "x" +
                                    std::to_string(b.cols) + ")");
    }
}

/// Non-owning, row-strided view of a raster. T may be const-qualified for read-only views.
/// Views let one kernel run on whole rasters, tiles with halos or buffers owned elsewhere.
template <typename T>
class RasterView {
public:
    RasterView() = default;
    RasterView(T* data, const GridSpec& spec, std::size_t row_stride)
        : data_(data), spec_(&spec), row_stride_(row_stride) {}
    RasterView(T* data, const GridSpec& spec) : RasterView(data, spec, spec.cols) {}

    /// A mutable view converts implicitly to a read-only one.
    template <typename U>
        requires std::is_same_v<std::remove_const_t<T>, U> && std::is_const_v<T>
    RasterView(const RasterView<U>& other) // NOLINT(google-explicit-constructor)
        : data_(other.data()), spec_(&other.spec()), row_stride_(other.row_stride()) {}

    [[nodiscard]] T& operator()(std::size_t row, std::size_t col) const noexcept {
        return data_[row * row_stride_ + col];
    }
    [[nodiscard]] std::span<T> row(std::size_t r) const noexcept {
        return {data_ + r * row_stride_, spec_->cols};
    }
    [[nodiscard]] T* data() const noexcept { return data_; }
    [[nodiscard]] const GridSpec& spec() const noexcept { return *spec_; }
    [[nodiscard]] std::size_t rows() const noexcept { return spec_->rows; }
    [[nodiscard]] std::size_t cols() const noexcept { return spec_->cols; }
    [[nodiscard]] std::size_t row_stride() const noexcept { return row_stride_; }

private:
    T* data_ = nullptr;
    const GridSpec* spec_ = nullptr;
    std::size_t row_stride_ = 0;
};

/// Owning raster: a GridSpec and a contiguous row-major buffer.
/// Movable; copies are explicit (clone()) so that large copies are visible in the code.
template <typename T>
class Raster {
public:
    Raster() = default;
    explicit Raster(GridSpec spec, T fill_value = T{})
        : spec_(std::move(spec)), values_(spec_.cell_count(), fill_value) {}

    Raster(Raster&&) noexcept = default;
    Raster& operator=(Raster&&) noexcept = default;
    Raster(const Raster&) = delete;
    Raster& operator=(const Raster&) = delete;
    ~Raster() = default;

    [[nodiscard]] Raster clone() const {
        Raster copy(spec_);
        copy.values_ = values_;
        return copy;
    }

    [[nodiscard]] T& operator()(std::size_t row, std::size_t col) noexcept {
        return values_[spec_.index(row, col)];
    }
    [[nodiscard]] const T& operator()(std::size_t row, std::size_t col) const noexcept {
        return values_[spec_.index(row, col)];
    }
    [[nodiscard]] T& operator[](std::size_t i) noexcept { return values_[i]; }
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return values_[i]; }

    [[nodiscard]] const GridSpec& spec() const noexcept { return spec_; }
    /// Georeferencing may be set after construction (e.g. the CRS once sim/ has normalised it);
    /// the shape is fixed.
    void set_georeference(double x0, double y0, std::string crs_wkt) {
        spec_.x0 = x0;
        spec_.y0 = y0;
        spec_.crs_wkt = std::move(crs_wkt);
    }
    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
    [[nodiscard]] T* data() noexcept { return values_.data(); }
    [[nodiscard]] const T* data() const noexcept { return values_.data(); }
    [[nodiscard]] std::vector<T>& values() noexcept { return values_; }
    [[nodiscard]] const std::vector<T>& values() const noexcept { return values_; }
    void fill(T value) { std::fill(values_.begin(), values_.end(), value); }

    [[nodiscard]] RasterView<T> view() noexcept { return RasterView<T>(values_.data(), spec_); }
    [[nodiscard]] RasterView<const T> view() const noexcept {
        return RasterView<const T>(values_.data(), spec_);
    }

private:
    GridSpec spec_;
    std::vector<T> values_;
};

/// Status of a cell, in the spirit of fastscapelib's node_status and libtopotoolbox's bc mask.
enum class CellStatus : std::uint8_t {
    no_data = 0,        ///< outside the study area or without valid input: never read by kernels
    active = 1,         ///< an ordinary computational cell
    fixed_boundary = 2, ///< active, but its value is prescribed (e.g. a closed edge)
    outlet = 3,         ///< active, and matter leaving through it leaves the domain
};

/// The one authority on which cells carry data. Built once in sim/ when inputs are read.
class CellMask {
public:
    CellMask() = default;
    explicit CellMask(const GridSpec& spec, CellStatus fill = CellStatus::active)
        : status_(spec, fill) {}

    [[nodiscard]] const GridSpec& spec() const noexcept { return status_.spec(); }
    [[nodiscard]] CellStatus operator()(std::size_t row, std::size_t col) const noexcept {
        return status_(row, col);
    }
    [[nodiscard]] CellStatus operator[](std::size_t i) const noexcept { return status_[i]; }
    void set(std::size_t row, std::size_t col, CellStatus s) noexcept { status_(row, col) = s; }
    void set(std::size_t i, CellStatus s) noexcept { status_[i] = s; }
    /// True for every status except no_data.
    [[nodiscard]] bool has_data(std::size_t i) const noexcept {
        return status_[i] != CellStatus::no_data;
    }
    [[nodiscard]] bool has_data(std::size_t row, std::size_t col) const noexcept {
        return status_(row, col) != CellStatus::no_data;
    }
    [[nodiscard]] std::size_t count_with_data() const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < status_.size(); ++i) {
            n += has_data(i) ? 1U : 0U;
        }
        return n;
    }
    [[nodiscard]] CellMask clone() const {
        CellMask copy;
        copy.status_ = status_.clone();
        return copy;
    }
    [[nodiscard]] const Raster<CellStatus>& raster() const noexcept { return status_; }

private:
    Raster<CellStatus> status_;
};

/// Quiet NaN used for inactive cells of floating-point outputs.
template <typename T>
inline constexpr T no_data_value = std::numeric_limits<T>::quiet_NaN();

} // namespace lauter::kernels
