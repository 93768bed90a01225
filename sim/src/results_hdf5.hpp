#pragma once
// Private helpers of the results writer and reader: RAII handles for HDF5 identifiers,
// attribute I/O in the netCDF-4 compatible form, path handling and the CF grid mapping.
// Not installed; included only by sim/src/results_*.cpp.

#include <hdf5.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lauter::sim::detail {

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Hid {
public:
    using Closer = herr_t (*)(hid_t);
    Hid() = default;
    Hid(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
    Hid(Hid&& other) noexcept
        : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
    Hid& operator=(Hid&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = std::exchange(other.id_, H5I_INVALID_HID);
            closer_ = other.closer_;
        }
        return *this;
    }
    Hid(const Hid&) = delete;
    Hid& operator=(const Hid&) = delete;
    ~Hid() { reset(); }

    [[nodiscard]] hid_t get() const noexcept { return id_; }
    [[nodiscard]] bool valid() const noexcept { return id_ >= 0; }
    /// Closes now; returns false if the close call failed (e.g. a write-back error).
    bool reset() noexcept {
        bool ok = true;
        if (id_ >= 0 && closer_ != nullptr) {
            ok = closer_(id_) >= 0;
        }
        id_ = H5I_INVALID_HID;
        return ok;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer closer_ = nullptr;
};

[[nodiscard]] inline Hid file_hid(hid_t id) { return {id, H5Fclose}; }
[[nodiscard]] inline Hid group_hid(hid_t id) { return {id, H5Gclose}; }
[[nodiscard]] inline Hid dataset_hid(hid_t id) { return {id, H5Dclose}; }
[[nodiscard]] inline Hid space_hid(hid_t id) { return {id, H5Sclose}; }
[[nodiscard]] inline Hid type_hid(hid_t id) { return {id, H5Tclose}; }
[[nodiscard]] inline Hid plist_hid(hid_t id) { return {id, H5Pclose}; }
[[nodiscard]] inline Hid attr_hid(hid_t id) { return {id, H5Aclose}; }
[[nodiscard]] inline Hid object_hid(hid_t id) { return {id, H5Oclose}; }

/// Turns off HDF5's printing of its error stack to stderr for the lifetime of the object
/// (lauter reports errors itself, once, with the file name); restores the previous handler.
class Hdf5ErrorSilencer {
public:
    Hdf5ErrorSilencer() noexcept;
    Hdf5ErrorSilencer(const Hdf5ErrorSilencer&) = delete;
    Hdf5ErrorSilencer& operator=(const Hdf5ErrorSilencer&) = delete;
    ~Hdf5ErrorSilencer();

private:
    H5E_auto2_t previous_func_ = nullptr;
    void* previous_data_ = nullptr;
};

/// The innermost message on the current HDF5 error stack ("" if none), for error reports.
[[nodiscard]] std::string hdf5_error_text();

/// [A-Za-z0-9_]+
[[nodiscard]] bool is_plain_name(std::string_view name) noexcept;
/// "/a/b", "a/b/", "//a" -> {"a", "b"}; "/" -> {}.
[[nodiscard]] std::vector<std::string> split_path(std::string_view path);
/// {"a", "b"} -> "/a/b"; {} -> "/".
[[nodiscard]] std::string join_path(const std::vector<std::string>& parts);
/// Parent group of "/a/b/c" is "/a/b"; of "/a" is "/".
[[nodiscard]] std::string parent_path(const std::string& path);
[[nodiscard]] std::string leaf_name(const std::string& path);

/// Link and attribute creation order tracked and indexed (netCDF-4 reads groups in that order).
[[nodiscard]] Hid make_group_creation_plist();

/// Writes (replacing) a scalar, fixed-length, NUL-terminated string attribute; netCDF reads it
/// as text. Returns false on failure.
[[nodiscard]] bool write_string_attribute(hid_t object, const std::string& key,
                                          const std::string& value);
/// Writes (replacing) a 1-D numeric attribute of file type `file_type` from `values` held in
/// memory type `memory_type`; a single value is written as a scalar. Returns false on failure.
[[nodiscard]] bool write_numeric_attribute(hid_t object, const std::string& key, hid_t file_type,
                                           hid_t memory_type, const void* values,
                                           std::size_t count);

/// A string attribute's text (fixed or variable length); nullopt if absent or not a string.
[[nodiscard]] std::optional<std::string> read_string_attribute(hid_t object,
                                                               const std::string& key);
/// The values of a numeric attribute converted to double; nullopt if absent or not numeric.
[[nodiscard]] std::optional<std::vector<double>> read_numeric_attribute(hid_t object,
                                                                        const std::string& key);
/// Any string or numeric attribute as text (arrays space-separated); "" for other types.
[[nodiscard]] std::string attribute_as_text(hid_t attribute);
/// Every attribute of an object, in creation order where tracked, else by name.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> all_attributes_as_text(hid_t object);

/// Shortest text that reads back to the same double ("nan", "inf", "-inf" for non-finite).
[[nodiscard]] std::string format_double(double value);

/// Names of the links in a group, in creation order where tracked, else by name.
[[nodiscard]] std::vector<std::string> link_names(hid_t group);

/// netCDF's marker for a dimension that has no coordinate variable; followed by the length.
inline constexpr std::string_view netcdf_dimension_only_marker =
    "This is a netCDF dimension but not a netCDF variable.";

/// Every group of a results file ("/" first), depth first in creation order. Throws InputError
/// like the public readers.
[[nodiscard]] std::vector<std::string> group_paths(const std::filesystem::path& file);

/// CF grid-mapping attributes derived from a CRS.
struct GridMapping {
    using Value = std::variant<std::string, double>;
    std::vector<std::pair<std::string, Value>> attributes; ///< in writing order
    bool geographic = false;                               ///< latitude/longitude axes (degrees)
    std::string linear_units; ///< UDUNITS text for projected axes ("m")
};

/// The CF-1.8 grid mapping of a WKT CRS (OGRSpatialReference): grid_mapping_name and parameters
/// for transverse Mercator and latitude_longitude, ellipsoid and names for every CRS. Other
/// projections get names and ellipsoid only (crs_wkt then carries the definition).
/// Throws InputError mentioning `context` if the WKT cannot be parsed.
[[nodiscard]] GridMapping cf_grid_mapping(const std::string& crs_wkt, const std::string& context);

/// A short human description of a CRS, e.g. "ETRS89 / UTM zone 32N (EPSG:25832)"; falls back to
/// "unknown CRS" for empty or unparsable text.
[[nodiscard]] std::string describe_crs(const std::string& crs_wkt);

} // namespace lauter::sim::detail
