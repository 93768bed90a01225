// Reading results files: layers, tables and attributes, with statistics over valid cells.
// Works on any HDF5 / netCDF-4 file: a "layer" is a 2-D numeric dataset, a "table" a 1-D
// compound dataset; no-data is NaN or the dataset's _FillValue attribute.
#include "lauter/sim/results.hpp"

#include "lauter/sim/error.hpp"
#include "results_hdf5.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace lauter::sim {

using detail::Hid;

namespace {

std::string where(const std::filesystem::path& file) {
    return "results file '" + file.string() + "'";
}

Hid open_results_file(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        throw InputError(where(file) + " does not exist; check the path");
    }
    if (!std::filesystem::is_regular_file(file, ec)) {
        throw InputError(where(file) + " is not a regular file");
    }
    if (H5Fis_hdf5(file.c_str()) <= 0) {
        throw InputError(where(file) +
                         " is not an HDF5 file; lauter results are HDF5 (netCDF-4) files "
                         "written by 'lauter run' or 'lauter batch'");
    }
    Hid handle = detail::file_hid(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!handle.valid()) {
        throw InputError(where(file) + " cannot be opened (" + detail::hdf5_error_text() +
                         "); check its permissions, or whether another program is writing it");
    }
    return handle;
}

/// Opens the object at `path`, or returns an invalid handle if any component is missing.
Hid open_object(hid_t file, const std::string& path) {
    const auto parts = detail::split_path(path);
    std::string current;
    for (const auto& part : parts) {
        current += "/" + part;
        if (H5Lexists(file, current.c_str(), H5P_DEFAULT) <= 0) {
            return {};
        }
    }
    return detail::object_hid(H5Oopen(file, detail::join_path(parts).c_str(), H5P_DEFAULT));
}

enum class EntryKind { group, layer, table, other };

struct Entry {
    std::string path;
    EntryKind kind = EntryKind::other;
};

EntryKind classify(hid_t object) {
    const H5I_type_t id_type = H5Iget_type(object);
    if (id_type == H5I_GROUP) {
        return EntryKind::group;
    }
    if (id_type != H5I_DATASET) {
        return EntryKind::other;
    }
    Hid space = detail::space_hid(H5Dget_space(object));
    Hid type = detail::type_hid(H5Dget_type(object));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    const H5T_class_t type_class = H5Tget_class(type.get());
    if (rank == 2 && (type_class == H5T_FLOAT || type_class == H5T_INTEGER)) {
        return EntryKind::layer;
    }
    if (rank == 1 && type_class == H5T_COMPOUND) {
        return EntryKind::table;
    }
    return EntryKind::other;
}

/// Depth-first walk in creation order (by name where creation order is not tracked).
void walk(hid_t group, const std::string& group_path, int depth, std::vector<Entry>& out) {
    // Results files are a few levels deep; the limit guards against cyclic hard links.
    constexpr int max_depth = 32;
    if (depth > max_depth) {
        return;
    }
    for (const auto& name : detail::link_names(group)) {
        const std::string path = (group_path == "/" ? "" : group_path) + "/" + name;
        Hid object = detail::object_hid(H5Oopen(group, name.c_str(), H5P_DEFAULT));
        if (!object.valid()) {
            continue; // dangling soft or external link
        }
        const EntryKind kind = classify(object.get());
        out.push_back({path, kind});
        if (kind == EntryKind::group) {
            walk(object.get(), path, depth + 1, out);
        }
    }
}

std::vector<Entry> all_entries(hid_t file) {
    std::vector<Entry> entries;
    Hid root = detail::group_hid(H5Gopen2(file, "/", H5P_DEFAULT));
    if (root.valid()) {
        walk(root.get(), "/", 0, entries);
    }
    return entries;
}

std::string list_of(const std::vector<Entry>& entries, EntryKind kind) {
    constexpr std::size_t max_listed = 20;
    std::string text;
    std::size_t count = 0;
    for (const auto& entry : entries) {
        if (entry.kind != kind) {
            continue;
        }
        if (count < max_listed) {
            text += (count > 0 ? ", " : "") + entry.path;
        }
        ++count;
    }
    if (count == 0) {
        return "(none)";
    }
    if (count > max_listed) {
        text += ", ... (" + std::to_string(count) + " in all)";
    }
    return text;
}

Hid open_kind(hid_t file, const std::filesystem::path& file_name, const std::string& path,
              EntryKind kind) {
    Hid object = open_object(file, path);
    if (!object.valid() || classify(object.get()) != kind) {
        const char* noun = kind == EntryKind::layer ? "layer" : "table";
        const char* plural = kind == EntryKind::layer ? "layers" : "tables";
        throw InputError(where(file_name) + " has no " + noun + " '" + path + "'; " + plural +
                         " in the file: " + list_of(all_entries(file), kind));
    }
    return object;
}

std::string dtype_name(hid_t type) {
    const H5T_class_t type_class = H5Tget_class(type);
    const std::size_t bits = 8 * H5Tget_size(type);
    if (type_class == H5T_FLOAT) {
        return "float" + std::to_string(bits);
    }
    if (type_class == H5T_INTEGER) {
        return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    }
    return "other";
}

struct Shape {
    std::size_t rows = 0;
    std::size_t cols = 0;
};

Shape layer_shape(hid_t dataset) {
    Hid space = detail::space_hid(H5Dget_space(dataset));
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    return {static_cast<std::size_t>(dims[0]), static_cast<std::size_t>(dims[1])};
}

/// The no-data value of a layer (its _FillValue attribute), if any. NaN always counts as no-data.
std::optional<double> fill_value_of(hid_t dataset) {
    const auto values = detail::read_numeric_attribute(dataset, "_FillValue");
    if (values && values->size() == 1) {
        return values->front();
    }
    return std::nullopt;
}

/// Reads rows [first, first + count) of a 2-D dataset converted to `memory_type`.
template <typename T>
bool read_rows(hid_t dataset, hid_t memory_type, std::size_t first, std::size_t count,
               std::size_t cols, T* target) {
    Hid file_space = detail::space_hid(H5Dget_space(dataset));
    const hsize_t start[2] = {static_cast<hsize_t>(first), 0};
    const hsize_t extent[2] = {static_cast<hsize_t>(count), static_cast<hsize_t>(cols)};
    if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr) <
        0) {
        return false;
    }
    Hid memory_space = detail::space_hid(H5Screate_simple(2, extent, nullptr));
    return H5Dread(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT,
                   target) >= 0;
}

LayerInfo summarise_layer(hid_t dataset, const std::string& path,
                          const std::filesystem::path& file) {
    LayerInfo info;
    info.path = path;
    info.units = detail::read_string_attribute(dataset, "units").value_or("");
    info.long_name = detail::read_string_attribute(dataset, "long_name").value_or("");
    Hid type = detail::type_hid(H5Dget_type(dataset));
    info.dtype = dtype_name(type.get());
    const Shape shape = layer_shape(dataset);
    info.rows = shape.rows;
    info.cols = shape.cols;
    const std::optional<double> fill = fill_value_of(dataset);

    // Blocks of whole rows of about 4 Mi cells keep memory bounded on large layers.
    constexpr std::size_t cells_per_block = std::size_t{1} << 22U;
    const std::size_t rows_per_block =
        std::max<std::size_t>(1, cells_per_block / std::max<std::size_t>(1, shape.cols));
    std::vector<double> block;
    double sum = 0.0;
    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();
    for (std::size_t first = 0; first < shape.rows && shape.cols > 0; first += rows_per_block) {
        const std::size_t count = std::min(rows_per_block, shape.rows - first);
        block.resize(count * shape.cols);
        if (!read_rows(dataset, H5T_NATIVE_DOUBLE, first, count, shape.cols, block.data())) {
            throw InputError(where(file) + ": layer '" + path + "' cannot be read (" +
                             detail::hdf5_error_text() + "); the file may be damaged");
        }
        for (const double v : block) {
            if (std::isnan(v) || (fill && v == *fill)) {
                continue;
            }
            ++info.valid_cells;
            sum += v;
            low = std::min(low, v);
            high = std::max(high, v);
        }
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    info.min = info.valid_cells > 0 ? low : nan;
    info.max = info.valid_cells > 0 ? high : nan;
    info.mean = info.valid_cells > 0 ? sum / static_cast<double>(info.valid_cells) : nan;
    return info;
}

herr_t read_scale_values(hid_t /*dataset*/, unsigned /*dim*/, hid_t scale, void* client_data) {
    auto* values = static_cast<std::vector<double>*>(client_data);
    Hid space = detail::space_hid(H5Dget_space(scale));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0) {
        return -1;
    }
    values->resize(static_cast<std::size_t>(count));
    if (H5Dread(scale, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values->data()) < 0) {
        return -1;
    }
    return 1; // the first attached scale is the coordinate; stop
}

std::vector<double> scale_values(hid_t dataset, unsigned dim) {
    std::vector<double> values;
    if (H5DSget_num_scales(dataset, dim) <= 0) {
        return values;
    }
    int index = 0;
    if (H5DSiterate_scales(dataset, dim, &index, read_scale_values, &values) < 0) {
        values.clear();
    }
    return values;
}

/// Origin and spacing of one axis from its cell-centre coordinates. Returns false if the
/// coordinates are not equally spaced.
struct AxisGeometry {
    double first_edge = 0.0; ///< edge before the first cell centre
    double step = 0.0;       ///< signed spacing
};

bool axis_geometry(const std::vector<double>& centres, AxisGeometry& geometry) {
    if (centres.size() < 2) {
        return false;
    }
    const double step =
        (centres.back() - centres.front()) / static_cast<double>(centres.size() - 1);
    if (!(std::abs(step) > 0.0) || !std::isfinite(step)) {
        return false;
    }
    for (std::size_t i = 1; i < centres.size(); ++i) {
        const double expected = centres.front() + step * static_cast<double>(i);
        if (std::abs(centres[i] - expected) > 1e-6 * std::abs(step)) {
            return false;
        }
    }
    geometry.first_edge = centres.front() - 0.5 * step;
    geometry.step = step;
    return true;
}

/// GDAL GeoTransform text "x0 dx 0 y0 0 -dy" of a grid-mapping variable.
std::optional<std::array<double, 6>> parse_geo_transform(const std::string& text) {
    std::array<double, 6> values{};
    const char* cursor = text.c_str();
    for (double& value : values) {
        char* end = nullptr;
        value = std::strtod(cursor, &end);
        if (end == cursor) {
            return std::nullopt;
        }
        cursor = end;
    }
    return values;
}

struct LayerGrid {
    kernels::GridSpec grid;
    bool flip_rows = false; ///< stored south-up (y ascending)
};

LayerGrid layer_grid(hid_t file, hid_t dataset, const std::string& path,
                     const std::filesystem::path& file_name) {
    const Shape shape = layer_shape(dataset);
    LayerGrid result;
    kernels::GridSpec& grid = result.grid;
    grid.rows = shape.rows;
    grid.cols = shape.cols;

    std::optional<std::array<double, 6>> transform;
    if (auto mapping_name = detail::read_string_attribute(dataset, "grid_mapping")) {
        const std::string mapping_path = detail::parent_path(path) +
                                         (detail::parent_path(path) == "/" ? "" : "/") +
                                         *mapping_name;
        Hid mapping = open_object(file, mapping_path);
        if (mapping.valid()) {
            grid.crs_wkt =
                detail::read_string_attribute(mapping.get(), "crs_wkt")
                    .value_or(
                        detail::read_string_attribute(mapping.get(), "spatial_ref").value_or(""));
            if (auto text = detail::read_string_attribute(mapping.get(), "GeoTransform")) {
                transform = parse_geo_transform(*text);
            }
        }
    }

    const std::vector<double> ys = scale_values(dataset, 0);
    const std::vector<double> xs = scale_values(dataset, 1);
    AxisGeometry x_axis;
    AxisGeometry y_axis;
    const bool have_x = xs.size() == shape.cols && axis_geometry(xs, x_axis);
    const bool have_y = ys.size() == shape.rows && axis_geometry(ys, y_axis);
    const bool south_up = have_y && y_axis.step > 0.0;
    if (have_x && have_y) {
        grid.cell_size_x_m = x_axis.step;
        grid.x0 = x_axis.first_edge;
        grid.cell_size_y_m = std::abs(y_axis.step);
        grid.y0 = south_up ? y_axis.first_edge + static_cast<double>(shape.rows) * y_axis.step
                           : y_axis.first_edge;
        // The GeoTransform holds the exact values written; use it when it agrees.
        if (transform) {
            const auto& t = *transform;
            const double tolerance_x = 1e-6 * grid.cell_size_x_m;
            const double tolerance_y = 1e-6 * grid.cell_size_y_m;
            if (std::abs(t[0] - grid.x0) <= tolerance_x &&
                std::abs(t[1] - grid.cell_size_x_m) <= tolerance_x &&
                std::abs(t[3] - grid.y0) <= tolerance_y &&
                std::abs(-t[5] - grid.cell_size_y_m) <= tolerance_y) {
                grid.x0 = t[0];
                grid.cell_size_x_m = t[1];
                grid.y0 = t[3];
                grid.cell_size_y_m = -t[5];
            }
        }
    } else if (transform && (*transform)[1] > 0.0 && (*transform)[5] < 0.0) {
        grid.x0 = (*transform)[0];
        grid.cell_size_x_m = (*transform)[1];
        grid.y0 = (*transform)[3];
        grid.cell_size_y_m = -(*transform)[5];
    } else {
        throw InputError(where(file_name) + ": layer '" + path +
                         "' has no equally spaced x/y coordinates (dimension scales) and no "
                         "GeoTransform, so its grid is unknown; lauter reads georeferenced "
                         "layers only");
    }
    result.flip_rows = south_up;
    return result;
}

LayerMeta layer_meta(hid_t dataset, const std::string& path) {
    LayerMeta meta;
    meta.name = detail::leaf_name(path);
    meta.units = detail::read_string_attribute(dataset, "units").value_or("");
    meta.long_name = detail::read_string_attribute(dataset, "long_name").value_or("");
    meta.standard_name = detail::read_string_attribute(dataset, "standard_name").value_or("");
    meta.comment = detail::read_string_attribute(dataset, "comment").value_or("");
    if (auto flags = detail::read_numeric_attribute(dataset, "flag_values")) {
        for (const double v : *flags) {
            meta.flag_values.push_back(static_cast<int>(v));
        }
    }
    if (auto meanings = detail::read_string_attribute(dataset, "flag_meanings")) {
        const std::string& words = *meanings;
        std::size_t start = 0;
        while (start < words.size()) {
            const std::size_t end = std::min(words.find(' ', start), words.size());
            if (end > start) {
                meta.flag_meanings.push_back(words.substr(start, end - start));
            }
            start = end + 1;
        }
    }
    return meta;
}

} // namespace

std::vector<LayerInfo> list_layers(const std::filesystem::path& file) {
    const detail::Hdf5ErrorSilencer silence;
    Hid handle = open_results_file(file);
    std::vector<LayerInfo> layers;
    for (const auto& entry : all_entries(handle.get())) {
        if (entry.kind == EntryKind::layer) {
            Hid dataset = open_object(handle.get(), entry.path);
            layers.push_back(summarise_layer(dataset.get(), entry.path, file));
        }
    }
    return layers;
}

ReadLayer read_raster_layer(const std::filesystem::path& file, const std::string& layer_path) {
    const detail::Hdf5ErrorSilencer silence;
    Hid handle = open_results_file(file);
    Hid dataset = open_kind(handle.get(), file, layer_path, EntryKind::layer);
    const std::string path = detail::join_path(detail::split_path(layer_path));
    const LayerGrid geometry = layer_grid(handle.get(), dataset.get(), path, file);
    const kernels::GridSpec& grid = geometry.grid;

    ReadLayer layer{kernels::Raster<float>(grid), kernels::CellMask(grid),
                    layer_meta(dataset.get(), path)};
    if (grid.cell_count() > 0 &&
        !read_rows(dataset.get(), H5T_NATIVE_FLOAT, 0, grid.rows, grid.cols, layer.values.data())) {
        throw InputError(where(file) + ": layer '" + path + "' cannot be read (" +
                         detail::hdf5_error_text() + "); the file may be damaged");
    }
    if (geometry.flip_rows) {
        for (std::size_t r = 0; r < grid.rows / 2; ++r) {
            std::swap_ranges(layer.values.data() + r * grid.cols,
                             layer.values.data() + (r + 1) * grid.cols,
                             layer.values.data() + (grid.rows - 1 - r) * grid.cols);
        }
    }
    const std::optional<double> fill = fill_value_of(dataset.get());
    const float fill_float = fill ? static_cast<float>(*fill) : 0.0F;
    for (std::size_t i = 0; i < layer.values.size(); ++i) {
        const float v = layer.values[i];
        if (std::isnan(v) || (fill && v == fill_float)) {
            layer.values[i] = kernels::no_data_value<float>;
            layer.mask.set(i, kernels::CellStatus::no_data);
        }
    }
    return layer;
}

std::vector<TableInfo> list_tables(const std::filesystem::path& file) {
    const detail::Hdf5ErrorSilencer silence;
    Hid handle = open_results_file(file);
    std::vector<TableInfo> tables;
    for (const auto& entry : all_entries(handle.get())) {
        if (entry.kind != EntryKind::table) {
            continue;
        }
        Hid dataset = open_object(handle.get(), entry.path);
        TableInfo info;
        info.path = entry.path;
        Hid space = detail::space_hid(H5Dget_space(dataset.get()));
        info.rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
        Hid type = detail::type_hid(H5Dget_type(dataset.get()));
        const int members = H5Tget_nmembers(type.get());
        for (int m = 0; m < members; ++m) {
            char* name = H5Tget_member_name(type.get(), static_cast<unsigned>(m));
            info.column_names.emplace_back(name != nullptr ? name : "");
            H5free_memory(name);
            info.column_units.push_back(
                detail::read_string_attribute(dataset.get(), "units_" + info.column_names.back())
                    .value_or(""));
        }
        tables.push_back(std::move(info));
    }
    return tables;
}

Table read_table(const std::filesystem::path& file, const std::string& table_path) {
    const detail::Hdf5ErrorSilencer silence;
    Hid handle = open_results_file(file);
    Hid dataset = open_kind(handle.get(), file, table_path, EntryKind::table);
    const std::string path = detail::join_path(detail::split_path(table_path));
    Hid space = detail::space_hid(H5Dget_space(dataset.get()));
    const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
    Hid type = detail::type_hid(H5Dget_type(dataset.get()));
    const int members = H5Tget_nmembers(type.get());
    const auto fail = [&](const std::string& column) {
        throw InputError(where(file) + ": column '" + column + "' of table '" + path +
                         "' cannot be read (" + detail::hdf5_error_text() +
                         "); the file may be damaged");
    };

    Table table;
    for (int m = 0; m < members; ++m) {
        const auto index = static_cast<unsigned>(m);
        char* raw_name = H5Tget_member_name(type.get(), index);
        const std::string name = raw_name != nullptr ? raw_name : "";
        H5free_memory(raw_name);
        Hid member_type = detail::type_hid(H5Tget_member_type(type.get(), index));
        const H5T_class_t member_class = H5Tget_class(member_type.get());
        const std::string units =
            detail::read_string_attribute(dataset.get(), "units_" + name).value_or("");

        // Read one member at a time through a one-member memory compound: HDF5 matches members
        // by name and converts the element type.
        const auto read_member = [&](hid_t element_type, std::size_t element_size, void* target) {
            Hid memory = detail::type_hid(H5Tcreate(H5T_COMPOUND, element_size));
            if (!memory.valid() || H5Tinsert(memory.get(), name.c_str(), 0, element_type) < 0 ||
                (rows > 0 &&
                 H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, target) < 0)) {
                fail(name);
            }
        };
        if (member_class == H5T_STRING && H5Tis_variable_str(member_type.get()) <= 0) {
            const std::size_t size = H5Tget_size(member_type.get());
            Hid string_type = detail::type_hid(H5Tcopy(member_type.get()));
            std::vector<char> buffer(rows * size + 1, '\0');
            read_member(string_type.get(), size, buffer.data());
            std::vector<std::string> values(rows);
            for (std::size_t r = 0; r < rows; ++r) {
                const char* start = buffer.data() + r * size;
                values[r].assign(start, strnlen(start, size));
            }
            table.add_column(name, std::move(values), units);
        } else if (member_class == H5T_FLOAT) {
            std::vector<double> values(rows);
            read_member(H5T_NATIVE_DOUBLE, sizeof(double), values.data());
            table.add_column(name, std::move(values), units);
        } else if (member_class == H5T_INTEGER) {
            std::vector<std::int64_t> values(rows);
            read_member(H5T_NATIVE_INT64, sizeof(std::int64_t), values.data());
            table.add_column(name, std::move(values), units);
        } else {
            throw InputError(where(file) + ": column '" + name + "' of table '" + path +
                             "' has a type lauter cannot read (text, float and integer only)");
        }
    }
    return table;
}

std::vector<std::pair<std::string, std::string>> read_attributes(const std::filesystem::path& file,
                                                                 const std::string& object_path) {
    const detail::Hdf5ErrorSilencer silence;
    Hid handle = open_results_file(file);
    Hid object = open_object(handle.get(), object_path);
    if (!object.valid()) {
        throw InputError(
            where(file) + " has no group or dataset '" + object_path +
            "'; groups in the file: " + list_of(all_entries(handle.get()), EntryKind::group));
    }
    return detail::all_attributes_as_text(object.get());
}

std::vector<std::string> detail::group_paths(const std::filesystem::path& file) {
    const Hdf5ErrorSilencer silence;
    Hid handle = open_results_file(file);
    std::vector<std::string> paths{"/"};
    for (const auto& entry : all_entries(handle.get())) {
        if (entry.kind == EntryKind::group) {
            paths.push_back(entry.path);
        }
    }
    return paths;
}

std::optional<std::string> read_attribute(const std::filesystem::path& file,
                                          const std::string& object_path, const std::string& key) {
    for (auto& [name, value] : read_attributes(file, object_path)) {
        if (name == key) {
            return std::move(value);
        }
    }
    return std::nullopt;
}

} // namespace lauter::sim
