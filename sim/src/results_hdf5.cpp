// HDF5 helpers shared by the results writer and reader.
#include "results_hdf5.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace lauter::sim::detail {

Hdf5ErrorSilencer::Hdf5ErrorSilencer() noexcept {
    H5Eget_auto2(H5E_DEFAULT, &previous_func_, &previous_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Hdf5ErrorSilencer::~Hdf5ErrorSilencer() {
    H5Eset_auto2(H5E_DEFAULT, previous_func_, previous_data_);
}

namespace {
herr_t keep_innermost_message(unsigned position, const H5E_error2_t* error, void* client_data) {
    auto* text = static_cast<std::string*>(client_data);
    if (position == 0 && error != nullptr && error->desc != nullptr) {
        *text = error->desc;
    }
    return 0;
}
} // namespace

std::string hdf5_error_text() {
    std::string text;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost_message, &text);
    return text;
}

bool is_plain_name(std::string_view name) noexcept {
    if (name.empty()) {
        return false;
    }
    for (const char c : name) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        if (end > start) {
            parts.emplace_back(path.substr(start, end - start));
        }
        start = end + 1;
    }
    return parts;
}

std::string join_path(const std::vector<std::string>& parts) {
    if (parts.empty()) {
        return "/";
    }
    std::string path;
    for (const auto& part : parts) {
        path += '/';
        path += part;
    }
    return path;
}

std::string parent_path(const std::string& path) {
    auto parts = split_path(path);
    if (!parts.empty()) {
        parts.pop_back();
    }
    return join_path(parts);
}

std::string leaf_name(const std::string& path) {
    const auto parts = split_path(path);
    return parts.empty() ? std::string{} : parts.back();
}

Hid make_group_creation_plist() {
    Hid plist = plist_hid(H5Pcreate(H5P_GROUP_CREATE));
    if (plist.valid()) {
        H5Pset_link_creation_order(plist.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
        H5Pset_attr_creation_order(plist.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    }
    return plist;
}

namespace {
bool remove_attribute_if_present(hid_t object, const std::string& key) {
    const htri_t exists = H5Aexists(object, key.c_str());
    if (exists < 0) {
        return false;
    }
    return exists == 0 || H5Adelete(object, key.c_str()) >= 0;
}

bool is_ascii(const std::string& text) noexcept {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80U) {
            return false;
        }
    }
    return true;
}
} // namespace

bool write_string_attribute(hid_t object, const std::string& key, const std::string& value) {
    if (!remove_attribute_if_present(object, key)) {
        return false;
    }
    Hid type = type_hid(H5Tcopy(H5T_C_S1));
    if (!type.valid() || H5Tset_size(type.get(), value.size() + 1) < 0 ||
        H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(type.get(), is_ascii(value) ? H5T_CSET_ASCII : H5T_CSET_UTF8) < 0) {
        return false;
    }
    Hid space = space_hid(H5Screate(H5S_SCALAR));
    Hid attr = attr_hid(
        H5Acreate2(object, key.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid()) {
        return false;
    }
    // The buffer must hold size() + 1 bytes: c_str() provides the terminating NUL.
    return H5Awrite(attr.get(), type.get(), value.c_str()) >= 0;
}

bool write_numeric_attribute(hid_t object, const std::string& key, hid_t file_type,
                             hid_t memory_type, const void* values, std::size_t count) {
    if (!remove_attribute_if_present(object, key)) {
        return false;
    }
    const hsize_t dims[1] = {static_cast<hsize_t>(count)};
    Hid space = space_hid(count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr));
    Hid attr =
        attr_hid(H5Acreate2(object, key.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid()) {
        return false;
    }
    return H5Awrite(attr.get(), memory_type, values) >= 0;
}

namespace {
std::optional<std::string> string_attribute_value(hid_t attr) {
    Hid type = type_hid(H5Aget_type(attr));
    if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING) {
        return std::nullopt;
    }
    Hid space = space_hid(H5Aget_space(attr));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0) {
        return std::nullopt;
    }
    const auto n = static_cast<std::size_t>(count);
    std::string text;
    if (H5Tis_variable_str(type.get()) > 0) {
        Hid memory_type = type_hid(H5Tcopy(H5T_C_S1));
        H5Tset_size(memory_type.get(), H5T_VARIABLE);
        std::vector<char*> strings(n, nullptr);
        if (n > 0 && H5Aread(attr, memory_type.get(), strings.data()) < 0) {
            return std::nullopt;
        }
        for (std::size_t i = 0; i < n; ++i) {
            text += (i > 0 ? " " : "");
            text += strings[i] != nullptr ? strings[i] : "";
        }
        if (n > 0) {
            H5Dvlen_reclaim(memory_type.get(), space.get(), H5P_DEFAULT, strings.data());
        }
        return text;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(size * n + 1, '\0');
    if (n > 0 && H5Aread(attr, type.get(), buffer.data()) < 0) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const char* start = buffer.data() + i * size;
        text += (i > 0 ? " " : "");
        text.append(start, strnlen(start, size));
    }
    return text;
}

std::optional<std::vector<double>> numeric_attribute_values(hid_t attr) {
    Hid type = type_hid(H5Aget_type(attr));
    const H5T_class_t type_class = H5Tget_class(type.get());
    if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
        return std::nullopt;
    }
    Hid space = space_hid(H5Aget_space(attr));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0) {
        return std::nullopt;
    }
    std::vector<double> values(static_cast<std::size_t>(count));
    if (!values.empty() && H5Aread(attr, H5T_NATIVE_DOUBLE, values.data()) < 0) {
        return std::nullopt;
    }
    return values;
}
} // namespace

std::optional<std::string> read_string_attribute(hid_t object, const std::string& key) {
    if (H5Aexists(object, key.c_str()) <= 0) {
        return std::nullopt;
    }
    Hid attr = attr_hid(H5Aopen(object, key.c_str(), H5P_DEFAULT));
    if (!attr.valid()) {
        return std::nullopt;
    }
    return string_attribute_value(attr.get());
}

std::optional<std::vector<double>> read_numeric_attribute(hid_t object, const std::string& key) {
    if (H5Aexists(object, key.c_str()) <= 0) {
        return std::nullopt;
    }
    Hid attr = attr_hid(H5Aopen(object, key.c_str(), H5P_DEFAULT));
    if (!attr.valid()) {
        return std::nullopt;
    }
    return numeric_attribute_values(attr.get());
}

std::string format_double(double value) {
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    // Shortest round-trip text; positional notation in the range of coordinates and parameters
    // ("500000" rather than "5e+05"), scientific outside it.
    std::array<char, 64> buffer{};
    const double magnitude = std::abs(value);
    const bool positional = value == 0.0 || (magnitude >= 1e-5 && magnitude < 1e16);
    const auto result = positional
                            ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                            std::chars_format::fixed)
                            : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return {buffer.data(), result.ptr};
}

std::string attribute_as_text(hid_t attribute) {
    if (auto text = string_attribute_value(attribute)) {
        return *text;
    }
    if (auto values = numeric_attribute_values(attribute)) {
        std::string text;
        for (std::size_t i = 0; i < values->size(); ++i) {
            text += (i > 0 ? " " : "");
            text += format_double((*values)[i]);
        }
        return text;
    }
    return {};
}

namespace {
herr_t collect_attribute_name(hid_t /*location*/, const char* name, const H5A_info_t* /*info*/,
                              void* client_data) {
    static_cast<std::vector<std::string>*>(client_data)->emplace_back(name);
    return 0;
}
} // namespace

std::vector<std::pair<std::string, std::string>> all_attributes_as_text(hid_t object) {
    std::vector<std::string> names;
    for (const H5_index_t index : {H5_INDEX_CRT_ORDER, H5_INDEX_NAME}) {
        names.clear();
        hsize_t position = 0;
        if (H5Aiterate2(object, index, H5_ITER_INC, &position, collect_attribute_name, &names) >=
            0) {
            break;
        }
    }
    std::vector<std::pair<std::string, std::string>> result;
    for (auto& name : names) {
        Hid attr = attr_hid(H5Aopen(object, name.c_str(), H5P_DEFAULT));
        std::string text = attr.valid() ? attribute_as_text(attr.get()) : std::string{};
        result.emplace_back(std::move(name), std::move(text));
    }
    return result;
}

std::vector<std::string> link_names(hid_t group) {
    std::vector<std::string> names;
    H5G_info_t info{};
    if (H5Gget_info(group, &info) < 0) {
        return names;
    }
    for (const H5_index_t index : {H5_INDEX_CRT_ORDER, H5_INDEX_NAME}) {
        names.clear();
        bool ok = true;
        for (hsize_t i = 0; i < info.nlinks; ++i) {
            const ssize_t length =
                H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
            if (length < 0) {
                ok = false;
                break;
            }
            std::string name(static_cast<std::size_t>(length) + 1, '\0');
            H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name.data(), name.size(),
                               H5P_DEFAULT);
            name.resize(static_cast<std::size_t>(length));
            names.push_back(std::move(name));
        }
        if (ok) {
            return names;
        }
    }
    names.clear();
    return names;
}

} // namespace lauter::sim::detail
