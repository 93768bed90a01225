// ResultsWriter: CF-1.8 / netCDF-4 compatible HDF5 results file, written atomically.
// Layout and conventions: see results.hpp. netCDF-4 reading rules followed here (netCDF-C
// "NetCDF-4 HDF5 file format" documentation): creation order tracked on groups and attributes,
// dimensions as HDF5 dimension scales, coordinate variables named like their dimension,
// text attributes as fixed-length strings, _FillValue of the variable's type.
#include "lauter/sim/results.hpp"

#include "lauter/sim/error.hpp"
#include "results_hdf5.hpp"

#include <hdf5_hl.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <stdexcept>

namespace lauter::sim {

using detail::Hid;

namespace {

std::atomic<unsigned> temporary_counter{0};

std::filesystem::path temporary_name_for(const std::filesystem::path& final_path) {
    std::random_device rd;
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".tmp.%ld.%u.%08x", static_cast<long>(getpid()),
                  temporary_counter.fetch_add(1), rd());
    std::string name = ".";
    name += final_path.filename().string();
    name += suffix;
    return final_path.parent_path() / name;
}

/// fsync a file or directory; best effort for directories (some file systems refuse).
bool sync_path(const std::filesystem::path& path, bool directory) {
    const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) {
        return directory;
    }
    const bool ok = ::fsync(fd) == 0 || directory;
    ::close(fd);
    return ok;
}

bool contains_blank(const std::string& text) {
    return text.find_first_of(" \t\n\r") != std::string::npos;
}

/// HDF5 types and fill value of one raster element type.
template <typename T> struct RasterTraits;

template <> struct RasterTraits<float> {
    static hid_t file_type() { return H5T_IEEE_F32LE; }
    static hid_t memory_type() { return H5T_NATIVE_FLOAT; }
    static constexpr float fill_value = kernels::no_data_value<float>;
};

template <> struct RasterTraits<std::uint8_t> {
    static hid_t file_type() { return H5T_STD_U8LE; }
    static hid_t memory_type() { return H5T_NATIVE_UINT8; }
    static constexpr std::uint8_t fill_value = 0;
};

} // namespace

namespace {

/// One dimension scale attached to one dimension of a dataset, paths relative to a group.
struct ScaleAttachment {
    std::string dataset;
    unsigned dimension = 0;
    std::string scale;
};

/// Every scale attachment below `group` (whose absolute path is `group_path`) and every dataset
/// that is a dimension scale, in link (creation) order.
void collect_attachments(hid_t group, const std::string& group_path, const std::string& prefix,
                         std::vector<ScaleAttachment>& attachments,
                         std::vector<std::string>& scales) {
    for (const std::string& name : detail::link_names(group)) {
        const std::string relative = prefix.empty() ? name : prefix + "/" + name;
        Hid object = detail::object_hid(H5Oopen(group, name.c_str(), H5P_DEFAULT));
        if (!object.valid()) {
            continue;
        }
        if (H5Iget_type(object.get()) == H5I_GROUP) {
            collect_attachments(object.get(), group_path, relative, attachments, scales);
            continue;
        }
        if (H5Iget_type(object.get()) != H5I_DATASET) {
            continue;
        }
        if (H5DSis_scale(object.get()) > 0) {
            scales.push_back(relative);
            continue;
        }
        Hid space = detail::space_hid(H5Dget_space(object.get()));
        const int rank = H5Sget_simple_extent_ndims(space.get());
        for (int d = 0; d < rank; ++d) {
            std::string scale_path;
            const auto visit = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
                char buffer[1024];
                const ssize_t length = H5Iget_name(scale, buffer, sizeof buffer);
                if (length > 0 && static_cast<std::size_t>(length) < sizeof buffer) {
                    *static_cast<std::string*>(data) = buffer;
                }
                return 1; // the first scale is the one the writer attached
            };
            int index = 0;
            if (H5DSget_num_scales(object.get(), static_cast<unsigned>(d)) > 0 &&
                H5DSiterate_scales(object.get(), static_cast<unsigned>(d), &index, visit,
                                   &scale_path) >= 0 &&
                scale_path.rfind(group_path + "/", 0) == 0) {
                attachments.push_back({relative, static_cast<unsigned>(d),
                                       scale_path.substr(group_path.size() + 1)});
            }
        }
    }
}

herr_t copy_one_attribute(hid_t source, const char* name, const H5A_info_t*, void* data) {
    const std::string key(name);
    if (key == "DIMENSION_LIST" || key == "REFERENCE_LIST") {
        return 0; // rebuilt by attaching the scales again
    }
    const hid_t target = *static_cast<hid_t*>(data);
    Hid attribute = detail::attr_hid(H5Aopen(source, name, H5P_DEFAULT));
    Hid type = detail::type_hid(H5Aget_type(attribute.get()));
    Hid space = detail::space_hid(H5Aget_space(attribute.get()));
    if (!attribute.valid() || !type.valid() || !space.valid()) {
        return -1;
    }
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    std::vector<unsigned char> buffer(H5Tget_size(type.get()) *
                                      static_cast<std::size_t>(std::max<hssize_t>(points, 1)));
    if (H5Aread(attribute.get(), type.get(), buffer.data()) < 0) {
        return -1;
    }
    Hid copy = detail::attr_hid(
        H5Acreate2(target, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const bool ok = copy.valid() && H5Awrite(copy.get(), type.get(), buffer.data()) >= 0;
    if (H5Tdetect_class(type.get(), H5T_VLEN) > 0 || H5Tis_variable_str(type.get()) > 0) {
        H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());
    }
    return ok ? 0 : -1;
}

/// Copies every attribute of `source` to `target` in creation order (by name where the order
/// is not tracked), except the dimension-scale reference lists.
bool copy_attributes(hid_t source, hid_t target) {
    hsize_t index = 0;
    if (H5Aiterate2(source, H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, copy_one_attribute,
                    &target) >= 0) {
        return true;
    }
    index = 0;
    return H5Aiterate2(source, H5_INDEX_NAME, H5_ITER_INC, &index, copy_one_attribute,
                       &target) >= 0;
}

/// copy_attributes for a group and everything below it (the same hierarchy in both files).
bool copy_attributes_below(hid_t source, hid_t target) {
    if (!copy_attributes(source, target)) {
        return false;
    }
    for (const std::string& name : detail::link_names(source)) {
        Hid from = detail::object_hid(H5Oopen(source, name.c_str(), H5P_DEFAULT));
        Hid to = detail::object_hid(H5Oopen(target, name.c_str(), H5P_DEFAULT));
        if (!from.valid() || !to.valid()) {
            return false;
        }
        const bool ok = H5Iget_type(from.get()) == H5I_GROUP
                            ? copy_attributes_below(from.get(), to.get())
                            : copy_attributes(from.get(), to.get());
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace

class ResultsWriter::Impl {
public:
    Impl(std::filesystem::path final_path, const WriteOptions& options)
        : final_path_(std::move(final_path)), options_(options) {}
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { abandon(); }

    void open(const RootAttributes& root);
    void set_group_attribute(const std::string& group_path, const std::string& key,
                             const std::string& value);
    void set_group_number(const std::string& group_path, const std::string& key, double value);
    template <typename T>
    void write_raster(const std::string& group_path, const LayerMeta& meta,
                      const kernels::Raster<T>& values, const kernels::CellMask& mask);
    void write_table(const std::string& group_path, const std::string& name, const Table& table);
    void copy_group(const std::filesystem::path& source_file, const std::string& source_path,
                    const std::string& group_path);
    void link_group(const std::string& existing_path, const std::string& new_path);
    void commit();

    std::filesystem::path final_path_;
    std::filesystem::path temporary_path_;

private:
    void abandon() noexcept;
    [[nodiscard]] std::string where() const {
        return "results file '" + final_path_.string() + "'";
    }
    [[noreturn]] void fail(const std::string& what) const;
    void check(bool ok, const std::string& what) const {
        if (!ok) {
            fail(what);
        }
    }
    Hid check(Hid id, const std::string& what) const {
        if (!id.valid()) {
            fail(what);
        }
        return id;
    }
    void put_text(hid_t object, const std::string& object_path, const std::string& key,
                  const std::string& value) const {
        check(detail::write_string_attribute(object, key, value),
              "cannot write attribute '" + key + "' of '" + object_path + "'");
    }
    void put_doubles(hid_t object, const std::string& object_path, const std::string& key,
                     const std::vector<double>& values) const {
        check(detail::write_numeric_attribute(object, key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                              values.data(), values.size()),
              "cannot write attribute '" + key + "' of '" + object_path + "'");
    }

    void require_open() const {
        if (!file_.valid()) {
            throw std::logic_error(where() + ": written to after commit()");
        }
    }
    /// Opens (creating as needed) the group at a validated, normalised path.
    Hid open_group(const std::string& group_path, std::string& normalised);
    void require_new_name(hid_t group, const std::string& group_path,
                          const std::string& name) const;
    void ensure_grid(hid_t group, const std::string& group_path, const kernels::GridSpec& grid);
    Hid dataset_creation_plist() const;

    WriteOptions options_;
    Hid file_;
    std::map<std::string, kernels::GridSpec> group_grids_;
};

void ResultsWriter::Impl::fail(const std::string& what) const {
    const std::string detail_text = detail::hdf5_error_text();
    throw RuntimeFailure(where() + ": " + what +
                         (detail_text.empty() ? "" : " (HDF5: " + detail_text + ")") +
                         "; check free disk space and permissions of '" +
                         temporary_path_.parent_path().string() + "'");
}

void ResultsWriter::Impl::abandon() noexcept {
    if (file_.valid()) {
        const detail::Hdf5ErrorSilencer silence;
        file_.reset();
    }
    if (!temporary_path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(temporary_path_, ec);
        temporary_path_.clear();
    }
}

void ResultsWriter::Impl::open(const RootAttributes& root) {
    if (final_path_.filename().empty()) {
        throw InputError("results file '" + final_path_.string() +
                         "': the path names a directory; give a file name such as results.h5");
    }
    if (final_path_.parent_path().empty()) {
        final_path_ = std::filesystem::path(".") / final_path_;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(final_path_.parent_path(), ec)) {
        throw InputError(where() + ": the directory '" + final_path_.parent_path().string() +
                         "' does not exist; create it first");
    }
    if (std::filesystem::is_directory(final_path_, ec)) {
        throw InputError(where() + ": a directory of that name exists; choose another name");
    }
    if (options_.deflate_level < 0 || options_.deflate_level > 9) {
        throw ConfigError(where() + ": deflate level " + std::to_string(options_.deflate_level) +
                          " is out of range; use 0 (off) to 9");
    }
    if (options_.chunk_rows == 0 || options_.chunk_cols == 0) {
        throw ConfigError(where() + ": chunk sizes must be at least 1 x 1");
    }

    Hid fcpl = detail::plist_hid(H5Pcreate(H5P_FILE_CREATE));
    H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    Hid fapl = detail::plist_hid(H5Pcreate(H5P_FILE_ACCESS));
    // Closing the file closes every object still open in it, so abandon() always releases it.
    H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
    for (int attempt = 0; attempt < 8 && !file_.valid(); ++attempt) {
        temporary_path_ = temporary_name_for(final_path_);
        file_ = detail::file_hid(
            H5Fcreate(temporary_path_.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()));
    }
    if (!file_.valid()) {
        const std::string path = temporary_path_.string();
        temporary_path_.clear();
        throw InputError(where() + ": cannot create the temporary file '" + path +
                         "'; check that the directory is writable");
    }

    const hid_t root_group = file_.get();
    put_text(root_group, "/", "Conventions", "CF-1.8");
    put_text(root_group, "/", "lauter_version", root.lauter_version);
    put_text(root_group, "/", "git_hash", root.git_hash);
    put_text(root_group, "/", "created", root.created_utc);
    put_text(root_group, "/", "title", root.title);
    put_text(root_group, "/", "attribution", root.attribution);
    for (const auto& [key, value] : root.extra) {
        if (!detail::is_plain_name(key)) {
            throw std::invalid_argument(where() + ": root attribute name '" + key +
                                        "' is not allowed; use letters, digits and '_'");
        }
        put_text(root_group, "/", key, value);
    }
}

Hid ResultsWriter::Impl::open_group(const std::string& group_path, std::string& normalised) {
    require_open();
    const auto parts = detail::split_path(group_path);
    for (const auto& part : parts) {
        if (!detail::is_plain_name(part)) {
            throw ConfigError(where() + ": group name '" + part + "' in '" + group_path +
                              "' is not allowed; use letters, digits and '_'");
        }
    }
    normalised = detail::join_path(parts);
    Hid group = detail::group_hid(H5Gopen2(file_.get(), "/", H5P_DEFAULT));
    std::string current;
    for (const auto& part : parts) {
        current += "/" + part;
        const htri_t exists = H5Lexists(group.get(), part.c_str(), H5P_DEFAULT);
        check(exists >= 0, "cannot look up '" + current + "'");
        if (exists > 0) {
            Hid object = detail::object_hid(H5Oopen(group.get(), part.c_str(), H5P_DEFAULT));
            if (!object.valid() || H5Iget_type(object.get()) != H5I_GROUP) {
                throw std::invalid_argument(where() + ": '" + current +
                                            "' is a dataset, not a group");
            }
            group = detail::group_hid(H5Gopen2(group.get(), part.c_str(), H5P_DEFAULT));
        } else {
            Hid gcpl = detail::make_group_creation_plist();
            group = detail::group_hid(
                H5Gcreate2(group.get(), part.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
        }
        group = check(std::move(group), "cannot create group '" + current + "'");
    }
    return group;
}

void ResultsWriter::Impl::require_new_name(hid_t group, const std::string& group_path,
                                           const std::string& name) const {
    const htri_t exists = H5Lexists(group, name.c_str(), H5P_DEFAULT);
    check(exists >= 0, "cannot look up '" + name + "' in '" + group_path + "'");
    if (exists > 0) {
        throw std::invalid_argument(where() + ": '" + name + "' already exists in group '" +
                                    group_path + "'; every layer and table needs its own name");
    }
}

Hid ResultsWriter::Impl::dataset_creation_plist() const {
    Hid dcpl = check(detail::plist_hid(H5Pcreate(H5P_DATASET_CREATE)),
                     "cannot create a dataset property list");
    H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    return dcpl;
}

void ResultsWriter::Impl::set_group_attribute(const std::string& group_path, const std::string& key,
                                              const std::string& value) {
    if (!detail::is_plain_name(key)) {
        throw std::invalid_argument(where() + ": attribute name '" + key +
                                    "' is not allowed; use letters, digits and '_'");
    }
    std::string normalised;
    Hid group = open_group(group_path, normalised);
    put_text(group.get(), normalised, key, value);
}

void ResultsWriter::Impl::set_group_number(const std::string& group_path, const std::string& key,
                                           double value) {
    if (!detail::is_plain_name(key)) {
        throw std::invalid_argument(where() + ": attribute name '" + key +
                                    "' is not allowed; use letters, digits and '_'");
    }
    std::string normalised;
    Hid group = open_group(group_path, normalised);
    put_doubles(group.get(), normalised, key, {value});
}

void ResultsWriter::Impl::ensure_grid(hid_t group, const std::string& group_path,
                                      const kernels::GridSpec& grid) {
    if (const auto it = group_grids_.find(group_path); it != group_grids_.end()) {
        if (!it->second.is_same_grid(grid)) {
            throw std::invalid_argument(
                where() + ": every raster in group '" + group_path +
                "' must share one grid (shape, origin, cell size, CRS); write rasters on "
                "another grid to another group");
        }
        return;
    }
    if (grid.rows == 0 || grid.cols == 0 || !(grid.cell_size_x_m > 0.0) ||
        !(grid.cell_size_y_m > 0.0) || !std::isfinite(grid.x0) || !std::isfinite(grid.y0) ||
        !std::isfinite(grid.cell_size_x_m) || !std::isfinite(grid.cell_size_y_m)) {
        throw std::invalid_argument(where() + ": the grid of group '" + group_path +
                                    "' is empty or has a non-positive cell size");
    }
    for (const char* reserved : {"x", "y", "crs"}) {
        require_new_name(group, group_path, reserved);
    }

    detail::GridMapping mapping;
    if (!grid.crs_wkt.empty()) {
        mapping = detail::cf_grid_mapping(grid.crs_wkt, where() + ", group '" + group_path + "'");
    }
    struct Axis {
        const char* name;
        std::size_t count;
        double first_centre;
        double step;
    };
    const std::array<Axis, 2> axes = {{
        {"x", grid.cols, grid.cell_centre_x(0), grid.cell_size_x_m},
        {"y", grid.rows, grid.cell_centre_y(0), -grid.cell_size_y_m},
    }};
    for (const Axis& axis : axes) {
        const bool is_x = std::strcmp(axis.name, "x") == 0;
        std::vector<double> coords(axis.count);
        for (std::size_t i = 0; i < axis.count; ++i) {
            coords[i] = is_x ? grid.cell_centre_x(i) : grid.cell_centre_y(i);
        }
        const hsize_t dims[1] = {static_cast<hsize_t>(axis.count)};
        Hid space = detail::space_hid(H5Screate_simple(1, dims, nullptr));
        Hid dcpl = dataset_creation_plist();
        const std::string path = group_path + (group_path == "/" ? "" : "/") + axis.name;
        Hid dataset =
            check(detail::dataset_hid(H5Dcreate2(group, axis.name, H5T_IEEE_F64LE, space.get(),
                                                 H5P_DEFAULT, dcpl.get(), H5P_DEFAULT)),
                  "cannot create coordinate '" + path + "'");
        check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       coords.data()) >= 0,
              "cannot write coordinate '" + path + "'");
        if (mapping.geographic) {
            put_text(dataset.get(), path, "standard_name", is_x ? "longitude" : "latitude");
            put_text(dataset.get(), path, "long_name", is_x ? "longitude" : "latitude");
            put_text(dataset.get(), path, "units", is_x ? "degrees_east" : "degrees_north");
        } else {
            put_text(dataset.get(), path, "standard_name",
                     is_x ? "projection_x_coordinate" : "projection_y_coordinate");
            put_text(dataset.get(), path, "long_name",
                     is_x ? "easting of the cell centre" : "northing of the cell centre");
            put_text(dataset.get(), path, "units",
                     mapping.linear_units.empty() ? "m" : mapping.linear_units);
        }
        put_text(dataset.get(), path, "axis", is_x ? "X" : "Y");
        check(H5DSset_scale(dataset.get(), axis.name) >= 0,
              "cannot make '" + path + "' a dimension scale");
    }

    if (!grid.crs_wkt.empty()) {
        const std::string path = group_path + (group_path == "/" ? "" : "/") + "crs";
        Hid space = detail::space_hid(H5Screate(H5S_SCALAR));
        Hid dcpl = dataset_creation_plist();
        Hid crs = check(detail::dataset_hid(H5Dcreate2(group, "crs", H5T_STD_I32LE, space.get(),
                                                       H5P_DEFAULT, dcpl.get(), H5P_DEFAULT)),
                        "cannot create the grid mapping '" + path + "'");
        const std::int32_t zero = 0;
        check(H5Dwrite(crs.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero) >= 0,
              "cannot write the grid mapping '" + path + "'");
        for (const auto& [key, value] : mapping.attributes) {
            if (const auto* text = std::get_if<std::string>(&value)) {
                put_text(crs.get(), path, key, *text);
            } else {
                put_doubles(crs.get(), path, key, {std::get<double>(value)});
            }
        }
        put_text(crs.get(), path, "crs_wkt", grid.crs_wkt);
        put_text(crs.get(), path, "spatial_ref", grid.crs_wkt);
        // GDAL's affine transform: x0, pixel width, row rotation, y0, column rotation, -height.
        const std::string geo_transform = detail::format_double(grid.x0) + " " +
                                          detail::format_double(grid.cell_size_x_m) + " 0 " +
                                          detail::format_double(grid.y0) + " 0 " +
                                          detail::format_double(-grid.cell_size_y_m);
        put_text(crs.get(), path, "GeoTransform", geo_transform);
    }
    group_grids_.emplace(group_path, grid);
}

template <typename T>
void ResultsWriter::Impl::write_raster(const std::string& group_path, const LayerMeta& meta,
                                       const kernels::Raster<T>& values,
                                       const kernels::CellMask& mask) {
    const kernels::GridSpec& grid = values.spec();
    if (!detail::is_plain_name(meta.name) || meta.name == "x" || meta.name == "y" ||
        meta.name == "crs") {
        throw std::invalid_argument(where() + ": layer name '" + meta.name +
                                    "' is not allowed; use letters, digits and '_' (x, y and "
                                    "crs are reserved)");
    }
    if (mask.spec().rows != grid.rows || mask.spec().cols != grid.cols) {
        throw std::invalid_argument(where() + ": layer '" + meta.name + "' has " +
                                    std::to_string(grid.rows) + " x " + std::to_string(grid.cols) +
                                    " cells but its mask " + std::to_string(mask.spec().rows) +
                                    " x " + std::to_string(mask.spec().cols));
    }
    if (meta.flag_values.size() != meta.flag_meanings.size()) {
        throw std::invalid_argument(where() + ": layer '" + meta.name + "' has " +
                                    std::to_string(meta.flag_values.size()) + " flag values but " +
                                    std::to_string(meta.flag_meanings.size()) + " flag meanings");
    }
    for (std::size_t i = 0; i < meta.flag_values.size(); ++i) {
        if (meta.flag_meanings[i].empty() || contains_blank(meta.flag_meanings[i])) {
            throw std::invalid_argument(where() + ": layer '" + meta.name +
                                        "': flag meanings must be single words (use '_')");
        }
        if constexpr (std::is_same_v<T, std::uint8_t>) {
            if (meta.flag_values[i] < 1 || meta.flag_values[i] > 255) {
                throw std::invalid_argument(where() + ": layer '" + meta.name + "': flag value " +
                                            std::to_string(meta.flag_values[i]) +
                                            " is outside 1..255 (0 is no-data in uint8 layers)");
            }
        }
    }

    std::string normalised;
    Hid group = open_group(group_path, normalised);
    require_new_name(group.get(), normalised, meta.name);
    ensure_grid(group.get(), normalised, grid);
    const std::string path = normalised + (normalised == "/" ? "" : "/") + meta.name;

    std::vector<T> buffer(values.values());
    for (std::size_t i = 0; i < buffer.size(); ++i) {
        if (!mask.has_data(i)) {
            buffer[i] = RasterTraits<T>::fill_value;
        } else if constexpr (std::is_same_v<T, std::uint8_t>) {
            if (buffer[i] == 0) {
                throw std::invalid_argument(
                    where() + ": layer '" + path + "' holds 0 at active cell (row " +
                    std::to_string(i / grid.cols) + ", col " + std::to_string(i % grid.cols) +
                    "), but 0 is the no-data value of uint8 layers; code classes from 1");
            }
        }
    }

    const hsize_t dims[2] = {static_cast<hsize_t>(grid.rows), static_cast<hsize_t>(grid.cols)};
    const hsize_t chunk[2] = {static_cast<hsize_t>(std::min(options_.chunk_rows, grid.rows)),
                              static_cast<hsize_t>(std::min(options_.chunk_cols, grid.cols))};
    Hid space = detail::space_hid(H5Screate_simple(2, dims, nullptr));
    Hid dcpl = dataset_creation_plist();
    const T fill = RasterTraits<T>::fill_value;
    check(H5Pset_chunk(dcpl.get(), 2, chunk) >= 0 &&
              H5Pset_fill_value(dcpl.get(), RasterTraits<T>::memory_type(), &fill) >= 0,
          "cannot set up storage of '" + path + "'");
    if (options_.deflate_level > 0) {
        check(H5Pset_shuffle(dcpl.get()) >= 0 &&
                  H5Pset_deflate(dcpl.get(), static_cast<unsigned>(options_.deflate_level)) >= 0,
              "cannot set up compression of '" + path + "'");
    }
    Hid dataset = check(
        detail::dataset_hid(H5Dcreate2(group.get(), meta.name.c_str(), RasterTraits<T>::file_type(),
                                       space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT)),
        "cannot create layer '" + path + "'");
    check(H5Dwrite(dataset.get(), RasterTraits<T>::memory_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                   buffer.data()) >= 0,
          "cannot write layer '" + path + "'");

    check(detail::write_numeric_attribute(dataset.get(), "_FillValue", RasterTraits<T>::file_type(),
                                          RasterTraits<T>::memory_type(), &fill, 1),
          "cannot write attribute '_FillValue' of '" + path + "'");
    put_text(dataset.get(), path, "long_name", meta.long_name);
    if (!meta.standard_name.empty()) {
        put_text(dataset.get(), path, "standard_name", meta.standard_name);
    }
    put_text(dataset.get(), path, "units", meta.units);
    if (!meta.comment.empty()) {
        put_text(dataset.get(), path, "comment", meta.comment);
    }
    if (!meta.flag_values.empty()) {
        // CF 3.5: flag_values has the type of the variable.
        std::vector<T> flags(meta.flag_values.size());
        std::string meanings;
        for (std::size_t i = 0; i < flags.size(); ++i) {
            flags[i] = static_cast<T>(meta.flag_values[i]);
            meanings += (i > 0 ? " " : "") + meta.flag_meanings[i];
        }
        // A 1-element array stays an array: CF readers expect flag_values to be a list.
        const hsize_t flag_dims[1] = {static_cast<hsize_t>(flags.size())};
        Hid flag_space = detail::space_hid(H5Screate_simple(1, flag_dims, nullptr));
        Hid attr = check(
            detail::attr_hid(H5Acreate2(dataset.get(), "flag_values", RasterTraits<T>::file_type(),
                                        flag_space.get(), H5P_DEFAULT, H5P_DEFAULT)),
            "cannot write attribute 'flag_values' of '" + path + "'");
        check(H5Awrite(attr.get(), RasterTraits<T>::memory_type(), flags.data()) >= 0,
              "cannot write attribute 'flag_values' of '" + path + "'");
        put_text(dataset.get(), path, "flag_meanings", meanings);
    }
    if (!grid.crs_wkt.empty()) {
        put_text(dataset.get(), path, "grid_mapping", "crs");
    }
    Hid y = detail::dataset_hid(H5Dopen2(group.get(), "y", H5P_DEFAULT));
    Hid x = detail::dataset_hid(H5Dopen2(group.get(), "x", H5P_DEFAULT));
    check(y.valid() && x.valid() && H5DSattach_scale(dataset.get(), y.get(), 0) >= 0 &&
              H5DSattach_scale(dataset.get(), x.get(), 1) >= 0,
          "cannot attach the x/y coordinates to '" + path + "'");
}

void ResultsWriter::Impl::write_table(const std::string& group_path, const std::string& name,
                                      const Table& table) {
    if (!detail::is_plain_name(name)) {
        throw std::invalid_argument(where() + ": table name '" + name +
                                    "' is not allowed; use letters, digits and '_'");
    }
    if (table.column_count() == 0) {
        throw std::invalid_argument(where() + ": table '" + name + "' has no columns");
    }
    std::string normalised;
    Hid group = open_group(group_path, normalised);
    const std::string dimension_name = name + "_row";
    require_new_name(group.get(), normalised, name);
    require_new_name(group.get(), normalised, dimension_name);
    const std::string path = normalised + (normalised == "/" ? "" : "/") + name;

    // One packed record per row: members in column order.
    struct Member {
        Hid type;
        std::size_t offset = 0;
        std::size_t size = 0;
    };
    std::vector<Member> members;
    std::size_t record_size = 0;
    for (const auto& column : table.columns()) {
        Member member;
        if (const auto* strings = std::get_if<std::vector<std::string>>(&column.values)) {
            std::size_t longest = 0;
            bool ascii = true;
            for (const auto& s : *strings) {
                longest = std::max(longest, s.size());
                for (const char c : s) {
                    ascii = ascii && static_cast<unsigned char>(c) < 0x80U;
                }
            }
            member.type = detail::type_hid(H5Tcopy(H5T_C_S1));
            H5Tset_size(member.type.get(), longest + 1);
            H5Tset_strpad(member.type.get(), H5T_STR_NULLTERM);
            H5Tset_cset(member.type.get(), ascii ? H5T_CSET_ASCII : H5T_CSET_UTF8);
            member.size = longest + 1;
        } else if (std::holds_alternative<std::vector<double>>(column.values)) {
            member.type = detail::type_hid(H5Tcopy(H5T_IEEE_F64LE));
            member.size = sizeof(double);
        } else {
            member.type = detail::type_hid(H5Tcopy(H5T_STD_I64LE));
            member.size = sizeof(std::int64_t);
        }
        check(member.type.valid(), "cannot define the columns of table '" + path + "'");
        member.offset = record_size;
        record_size += member.size;
        members.push_back(std::move(member));
    }
    Hid record_type = check(detail::type_hid(H5Tcreate(H5T_COMPOUND, record_size)),
                            "cannot define the records of table '" + path + "'");
    for (std::size_t c = 0; c < members.size(); ++c) {
        check(H5Tinsert(record_type.get(), table.columns()[c].name.c_str(), members[c].offset,
                        members[c].type.get()) >= 0,
              "cannot define column '" + table.columns()[c].name + "' of table '" + path + "'");
    }

    // The buffer holds native values under the record type, whose members are little-endian:
    // one type serves as file and memory type, which is right on little-endian hosts only
    // (static_assert below).
    const std::size_t rows = table.row_count();
    std::vector<unsigned char> records(rows * record_size, 0);
    for (std::size_t c = 0; c < members.size(); ++c) {
        const auto& values = table.columns()[c].values;
        for (std::size_t r = 0; r < rows; ++r) {
            unsigned char* target = records.data() + r * record_size + members[c].offset;
            if (const auto* strings = std::get_if<std::vector<std::string>>(&values)) {
                std::memcpy(target, (*strings)[r].data(), (*strings)[r].size());
            } else if (const auto* doubles = std::get_if<std::vector<double>>(&values)) {
                std::memcpy(target, &(*doubles)[r], sizeof(double));
            } else {
                std::memcpy(target, &std::get<std::vector<std::int64_t>>(values)[r],
                            sizeof(std::int64_t));
            }
        }
    }
    static_assert(std::endian::native == std::endian::little,
                  "table records are packed in little-endian order");

    const hsize_t dims[1] = {static_cast<hsize_t>(rows)};
    Hid space = detail::space_hid(H5Screate_simple(1, dims, nullptr));
    Hid dcpl = dataset_creation_plist();
    Hid dataset =
        check(detail::dataset_hid(H5Dcreate2(group.get(), name.c_str(), record_type.get(),
                                             space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT)),
              "cannot create table '" + path + "'");
    if (rows > 0) {
        check(H5Dwrite(dataset.get(), record_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       records.data()) >= 0,
              "cannot write table '" + path + "'");
    }
    for (const auto& column : table.columns()) {
        if (!column.units.empty()) {
            put_text(dataset.get(), path, "units_" + column.name, column.units);
        }
    }

    // Row dimension without a coordinate variable, in netCDF's own encoding, so that h5netcdf
    // (which requires a dimension scale on every axis) can open the group.
    Hid dim_space = detail::space_hid(H5Screate_simple(1, dims, nullptr));
    Hid dim_dcpl = dataset_creation_plist();
    Hid dimension = check(
        detail::dataset_hid(H5Dcreate2(group.get(), dimension_name.c_str(), H5T_IEEE_F32LE,
                                       dim_space.get(), H5P_DEFAULT, dim_dcpl.get(), H5P_DEFAULT)),
        "cannot create the row dimension of table '" + path + "'");
    char scale_name[128];
    std::snprintf(scale_name, sizeof scale_name, "%s%10zu",
                  std::string(detail::netcdf_dimension_only_marker).c_str(), rows);
    check(H5DSset_scale(dimension.get(), scale_name) >= 0 &&
              H5DSattach_scale(dataset.get(), dimension.get(), 0) >= 0,
          "cannot attach the row dimension of table '" + path + "'");
}

void ResultsWriter::Impl::copy_group(const std::filesystem::path& source_file,
                                     const std::string& source_path,
                                     const std::string& group_path) {
    std::string parent;
    Hid parent_group = open_group(detail::parent_path(group_path), parent);
    const std::string leaf = detail::leaf_name(group_path);
    require_new_name(parent_group.get(), parent, leaf);
    Hid source = detail::file_hid(H5Fopen(source_file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!source.valid()) {
        throw InputError(where() + ": cannot open '" + source_file.string() +
                         "' to copy from; it is missing or not an HDF5 file");
    }
    // H5Ocopy of HDF5 1.10 cannot copy the dimension-scale attributes into another file: the
    // variable-length list of references (DIMENSION_LIST) in dense attribute storage crashes
    // its conversion, and references would point into the source file anyway. So objects are
    // copied without attributes, the attributes copied one by one except the two reference
    // lists, and the scales attached again as the source had them.
    Hid source_group = detail::group_hid(H5Gopen2(source.get(), source_path.c_str(), H5P_DEFAULT));
    check(source_group.valid(), "cannot open '" + source_path + "' in '" + source_file.string() +
                                    "'");
    std::vector<ScaleAttachment> attachments;
    std::vector<std::string> scales;
    collect_attachments(source_group.get(), source_path, "", attachments, scales);
    Hid copy_plist = check(detail::plist_hid(H5Pcreate(H5P_OBJECT_COPY)),
                           "cannot create an object copy property list");
    check(H5Pset_copy_object(copy_plist.get(), H5O_COPY_WITHOUT_ATTR_FLAG) >= 0,
          "cannot set the object copy options");
    check(H5Ocopy(source.get(), source_path.c_str(), parent_group.get(), leaf.c_str(),
                  copy_plist.get(), H5P_DEFAULT) >= 0,
          "cannot copy '" + source_path + "' of '" + source_file.string() + "' to '" +
              group_path + "'");
    Hid copied = detail::group_hid(H5Gopen2(parent_group.get(), leaf.c_str(), H5P_DEFAULT));
    check(copied.valid() && copy_attributes_below(source_group.get(), copied.get()),
          "cannot copy the attributes of '" + source_path + "' of '" + source_file.string() +
              "'");
    for (const ScaleAttachment& a : attachments) {
        Hid dataset = detail::dataset_hid(H5Dopen2(copied.get(), a.dataset.c_str(), H5P_DEFAULT));
        Hid scale = detail::dataset_hid(H5Dopen2(copied.get(), a.scale.c_str(), H5P_DEFAULT));
        check(dataset.valid() && scale.valid() &&
                  H5DSattach_scale(dataset.get(), scale.get(), a.dimension) >= 0,
              "cannot attach dimension '" + a.scale + "' to '" + group_path + "/" + a.dataset +
                  "'");
    }
}

void ResultsWriter::Impl::link_group(const std::string& existing_path,
                                     const std::string& new_path) {
    std::string parent;
    Hid parent_group = open_group(detail::parent_path(new_path), parent);
    const std::string leaf = detail::leaf_name(new_path);
    require_new_name(parent_group.get(), parent, leaf);
    check(H5Lcreate_hard(file_.get(), existing_path.c_str(), parent_group.get(), leaf.c_str(),
                         H5P_DEFAULT, H5P_DEFAULT) >= 0,
          "cannot link '" + new_path + "' to '" + existing_path + "'");
}

void ResultsWriter::Impl::commit() {
    if (!file_.valid()) {
        throw std::logic_error(where() + ": commit() called twice");
    }
    check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) >= 0, "cannot flush the file");
    check(file_.reset(), "cannot close the file");
    check(sync_path(temporary_path_, false),
          "cannot sync '" + temporary_path_.string() + "' to disk");
    std::error_code ec;
    std::filesystem::rename(temporary_path_, final_path_, ec);
    if (ec) {
        throw RuntimeFailure(where() + ": cannot rename the finished temporary file onto it (" +
                             ec.message() + ")");
    }
    temporary_path_.clear();
    sync_path(final_path_.parent_path(), true);
}

ResultsWriter::ResultsWriter(const std::filesystem::path& final_path, const RootAttributes& root,
                             const WriteOptions& options)
    : impl_(std::make_unique<Impl>(final_path, options)) {
    const detail::Hdf5ErrorSilencer silence;
    impl_->open(root);
}

ResultsWriter::ResultsWriter(ResultsWriter&&) noexcept = default;
ResultsWriter& ResultsWriter::operator=(ResultsWriter&&) noexcept = default;
ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::set_group_attribute(const std::string& group_path, const std::string& key,
                                        const std::string& value) {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().set_group_attribute(group_path, key, value);
}

void ResultsWriter::set_group_number(const std::string& group_path, const std::string& key,
                                     double value) {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().set_group_number(group_path, key, value);
}

void ResultsWriter::write_raster(const std::string& group_path, const LayerMeta& meta,
                                 const kernels::Raster<float>& values,
                                 const kernels::CellMask& mask) {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().write_raster(group_path, meta, values, mask);
}

void ResultsWriter::write_raster(const std::string& group_path, const LayerMeta& meta,
                                 const kernels::Raster<std::uint8_t>& values,
                                 const kernels::CellMask& mask) {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().write_raster(group_path, meta, values, mask);
}

void ResultsWriter::write_table(const std::string& group_path, const std::string& name,
                                const Table& table) {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().write_table(group_path, name, table);
}

void ResultsWriter::copy_group(const std::filesystem::path& source_file,
                               const std::string& source_path, const std::string& group_path) {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().copy_group(source_file, source_path, group_path);
}

void ResultsWriter::link_group(const std::string& existing_path, const std::string& new_path) {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().link_group(existing_path, new_path);
}

void ResultsWriter::commit() {
    const detail::Hdf5ErrorSilencer silence;
    live_impl().commit();
}

const std::filesystem::path& ResultsWriter::final_path() const {
    if (!impl_) {
        throw std::logic_error("ResultsWriter used after it was moved from");
    }
    return impl_->final_path_;
}

const std::filesystem::path& ResultsWriter::temporary_path() const {
    if (!impl_) {
        throw std::logic_error("ResultsWriter used after it was moved from");
    }
    return impl_->temporary_path_;
}

ResultsWriter::Impl& ResultsWriter::live_impl() {
    if (!impl_) {
        throw std::logic_error("ResultsWriter used after it was moved from");
    }
    return *impl_;
}

} // namespace lauter::sim
