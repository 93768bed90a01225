#pragma once
/// @file results.hpp
/// The results file: ONE HDF5 file per run or batch, laid out so that it opens in xarray (netcdf4
/// and h5netcdf engines), in GDAL/QGIS (netCDF driver, georeferenced) and in h5py.
///
/// Layout (CF-1.8 conventions on the netCDF-4 data model):
/// ```
/// /                          Conventions, lauter_version, git_hash, created, title, attribution
/// /<scenario>/               free attributes (resolved scenario, input checksums, ...)
/// /<scenario>/<model>/x      cell-centre eastings (dimension scale, coordinate variable)
/// /<scenario>/<model>/y      cell-centre northings, descending from the north edge
/// /<scenario>/<model>/crs    scalar grid-mapping variable (crs_wkt, spatial_ref, GeoTransform)
/// /<scenario>/<model>/<layer>   raster (y, x), chunked, shuffle + deflate, _FillValue
/// /<scenario>/<model>/<table>   compound dataset (one record per row) on dimension <table>_row
/// ```
/// No-data cells (CellMask::has_data false) are stored as the fill value: NaN for float layers and
/// 0 for uint8 layers (0 is therefore reserved as no-data in uint8 layers).
///
/// Tables are visible to h5py, h5netcdf and this reader. The netCDF-C library (xarray's netcdf4
/// engine, GDAL) skips compound variables with string members, so they do not disturb the rasters
/// there but cannot be read through it.

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lauter::sim {

/// Attributes of one raster variable.
struct LayerMeta {
    std::string name;             ///< dataset name, [A-Za-z0-9_]+ (not x, y or crs)
    std::string units;            ///< UDUNITS: "m", "1", "degree", "m2", "K", "mm h-1" ...
    std::string long_name;        ///< human-readable description
    std::string standard_name;    ///< optional CF standard name (empty: omitted)
    std::string comment;          ///< optional (empty: omitted)
    std::vector<int> flag_values; ///< categorical layers: CF flag_values ...
    std::vector<std::string> flag_meanings; ///< ... and one meaning (no blanks) per value
};

/// Attributes of the root group.
struct RootAttributes {
    std::string lauter_version;
    std::string git_hash;
    std::string created_utc; ///< ISO 8601, e.g. "2024-06-11T08:15:00Z"
    std::string title;
    std::string attribution; ///< e.g. "© OpenStreetMap contributors, ODbL 1.0"
    std::vector<std::pair<std::string, std::string>> extra; ///< further root attributes
};

/// Storage options of raster datasets.
struct WriteOptions {
    /// 0 (off) .. 9. Measured on a 1500 x 1500 float DEM (smooth relief + 5 cm noise, 256²
    /// chunks, this machine): level 1 gives 4.85 MB in 0.16 s, 4 gives 4.77 MB in 0.18 s, 9 gives
    /// 4.72 MB in 0.54 s (raw 9.0 MB): above 4 costs time for under 1 % of size.
    int deflate_level = 4;
    /// Chunk shape, clipped to the raster shape. 256 x 256 float32 = 256 KiB fits HDF5's default
    /// 1 MiB chunk cache, and GDAL reads each chunk as one 256 x 256 block.
    std::size_t chunk_rows = 256;
    std::size_t chunk_cols = 256;
};

/// One column of a Table: a name, units (UDUNITS, empty if none) and equal-length values.
struct TableColumn {
    using Values =
        std::variant<std::vector<std::string>, std::vector<double>, std::vector<std::int64_t>>;
    std::string name;
    std::string units;
    Values values;

    [[nodiscard]] std::size_t size() const noexcept;
};

/// Named columns of equal length; each column holds strings, doubles or 64-bit integers.
/// Stored as an HDF5 compound dataset: one record per row, one member per column.
class Table {
public:
    /// Appends a column. Throws std::invalid_argument if the name is not [A-Za-z0-9_]+, is
    /// already used, or the length differs from the existing columns.
    Table& add_column(std::string name, std::vector<double> values, std::string units = {});
    Table& add_column(std::string name, std::vector<std::int64_t> values, std::string units = {});
    Table& add_column(std::string name, std::vector<std::string> values, std::string units = {});

    [[nodiscard]] std::size_t row_count() const noexcept;
    [[nodiscard]] std::size_t column_count() const noexcept { return columns_.size(); }
    [[nodiscard]] const std::vector<TableColumn>& columns() const noexcept { return columns_; }
    /// The column called `name`; throws std::out_of_range listing the columns if there is none.
    [[nodiscard]] const TableColumn& column(const std::string& name) const;

private:
    void add(TableColumn column);
    std::vector<TableColumn> columns_;
};

/// Writes one results file atomically.
///
/// Everything goes to a temporary file next to final_path (same directory, unique hidden name);
/// nothing exists under final_path until commit(). If the writer is destroyed without commit()
/// (exception, error), the temporary file is removed and a file already at final_path is left
/// untouched. Movable, not copyable; a moved-from writer throws std::logic_error when used.
class ResultsWriter {
public:
    /// Throws InputError if the directory of final_path does not exist or is not writable.
    ResultsWriter(const std::filesystem::path& final_path, const RootAttributes& root,
                  const WriteOptions& options = {});
    ResultsWriter(ResultsWriter&&) noexcept;
    ResultsWriter& operator=(ResultsWriter&&) noexcept;
    ResultsWriter(const ResultsWriter&) = delete;
    ResultsWriter& operator=(const ResultsWriter&) = delete;
    ~ResultsWriter();

    /// Sets a text attribute on a group ("/" is the root), creating the group if needed.
    void set_group_attribute(const std::string& group_path, const std::string& key,
                             const std::string& value);
    /// Sets a numeric (float64 scalar) attribute on a group, creating the group if needed: for
    /// quantities (volumes, counts, times) that xarray and netCDF readers should see as numbers.
    void set_group_number(const std::string& group_path, const std::string& key, double value);

    /// Writes a raster under group_path (e.g. "/baseline/terrain"), creating the groups, the x/y
    /// coordinates and the crs variable with the first raster of the group. Every later raster in
    /// the group must have the same grid (GridSpec::is_same_grid), else std::invalid_argument.
    /// Cells where mask.has_data() is false are written as the fill value.
    void write_raster(const std::string& group_path, const LayerMeta& meta,
                      const kernels::Raster<float>& values, const kernels::CellMask& mask);
    /// Same for uint8 (categorical) layers; an active cell holding 0 (the no-data value) is an
    /// error (std::invalid_argument).
    void write_raster(const std::string& group_path, const LayerMeta& meta,
                      const kernels::Raster<std::uint8_t>& values, const kernels::CellMask& mask);

    /// Writes a table as a compound dataset `name` with column units as `units_<column>`
    /// attributes, plus its row dimension `<name>_row`.
    void write_table(const std::string& group_path, const std::string& name, const Table& table);

    /// Copies the group `source_path` of another results file, with everything below it
    /// (attributes, layers with their dimension scales, tables), to `group_path` (which must not
    /// exist yet; its parents are created). Used to assemble a batch from its part files.
    void copy_group(const std::filesystem::path& source_file, const std::string& source_path,
                    const std::string& group_path);
    /// Makes `new_path` a second name (HDF5 hard link) of the existing group `existing_path`:
    /// the content is stored once and reads the same under both names.
    void link_group(const std::string& existing_path, const std::string& new_path);

    /// Closes the file, flushes it to disk (fsync) and renames it onto final_path (atomic on
    /// POSIX). Throws RuntimeFailure if that fails (the temporary file is then removed).
    void commit();

    [[nodiscard]] const std::filesystem::path& final_path() const;
    /// The temporary file being written (empty after commit()).
    [[nodiscard]] const std::filesystem::path& temporary_path() const;

private:
    class Impl;
    Impl& live_impl();
    std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Reading. Every function throws InputError naming the file if it is missing, is not an HDF5
// file, or lacks the object asked for (the message lists what exists).

/// Summary of one raster layer (any 2-D numeric dataset).
struct LayerInfo {
    std::string path;      ///< full path, e.g. "/baseline/terrain/elevation"
    std::string units;     ///< empty if the attribute is absent
    std::string long_name; ///< empty if the attribute is absent
    std::string dtype;     ///< "float32", "float64", "uint8", "int16", ...
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::size_t valid_cells = 0; ///< cells that are neither the fill value nor NaN
    double min = 0.0;            ///< over valid cells; NaN if there are none
    double mean = 0.0;
    double max = 0.0;
};

/// A layer read back: values as float (no-data cells NaN, whatever the stored type), the mask
/// (active / no_data only: other statuses are not stored) and the metadata. values.spec() is the
/// GridSpec rebuilt from the x/y coordinates and the crs variable's crs_wkt.
struct ReadLayer {
    kernels::Raster<float> values;
    kernels::CellMask mask;
    LayerMeta meta;
};

/// Summary of one table (compound dataset).
struct TableInfo {
    std::string path; ///< full path, e.g. "/baseline/mobility/districts"
    std::size_t rows = 0;
    std::vector<std::string> column_names;
    std::vector<std::string> column_units; ///< empty string where no unit is given
};

/// Every raster layer in the file, in creation order, depth first.
[[nodiscard]] std::vector<LayerInfo> list_layers(const std::filesystem::path& file);
[[nodiscard]] ReadLayer read_raster_layer(const std::filesystem::path& file,
                                          const std::string& layer_path);
/// Every table in the file, in creation order, depth first.
[[nodiscard]] std::vector<TableInfo> list_tables(const std::filesystem::path& file);
[[nodiscard]] Table read_table(const std::filesystem::path& file, const std::string& table_path);

/// The attributes of a group or dataset ("/" is the root), in creation order, as text: strings
/// verbatim, numbers formatted with full precision, arrays as space-separated values.
[[nodiscard]] std::vector<std::pair<std::string, std::string>>
read_attributes(const std::filesystem::path& file, const std::string& object_path = "/");
/// One attribute as text, or nullopt if the object has no attribute `key`.
[[nodiscard]] std::optional<std::string> read_attribute(const std::filesystem::path& file,
                                                        const std::string& object_path,
                                                        const std::string& key);

/// The text of `lauter info FILE`: root attributes, then per scenario and model the layers
/// (name, units, min, mean, max, valid cells) and every table, as aligned plain-text tables.
void print_results_info(const std::filesystem::path& file, std::ostream& out);

} // namespace lauter::sim
