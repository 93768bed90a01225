#include <lauter/sim/error.hpp>
#include <lauter/sim/schema.hpp>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace lauter::sim::schema {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// KeySpec construction

std::string_view value_type_name(ValueType type) noexcept {
    switch (type) {
    case ValueType::string: return "string";
    case ValueType::integer: return "integer";
    case ValueType::number: return "number";
    case ValueType::boolean: return "boolean";
    case ValueType::enumeration: return "one of";
    case ValueType::path: return "file path";
    case ValueType::crs: return "CRS";
    case ValueType::number_list: return "number list";
    case ValueType::mapping: return "mapping";
    case ValueType::sequence: return "list of mappings";
    }
    return "unknown";
}

KeySpec& KeySpec::make_required() {
    required = true;
    return *this;
}

KeySpec& KeySpec::with_default(std::string yaml_text) {
    default_value = std::move(yaml_text);
    return *this;
}

KeySpec& KeySpec::with_range(double min, double max) {
    range = ValueRange{min, max};
    return *this;
}

KeySpec& KeySpec::with_unit(std::string unit_name) {
    unit = std::move(unit_name);
    return *this;
}

KeySpec& KeySpec::with_extensions(std::vector<std::string> endings) {
    path_extensions = std::move(endings);
    return *this;
}

KeySpec& KeySpec::with_exactly_one_of(std::vector<std::string> child_names) {
    exactly_one_of.push_back(std::move(child_names));
    return *this;
}

KeySpec& KeySpec::with_check(std::string description, ValueCheck value_check) {
    check_description = std::move(description);
    check = std::move(value_check);
    return *this;
}

KeySpec& KeySpec::with_variants(std::string discriminator_key, std::vector<KeySpec> variant_specs) {
    variant_key = std::move(discriminator_key);
    variants = std::move(variant_specs);
    return *this;
}

namespace {
KeySpec make_key(std::string name, ValueType type, std::string help) {
    KeySpec spec;
    spec.name = std::move(name);
    spec.type = type;
    spec.help = std::move(help);
    return spec;
}
} // namespace

KeySpec string_key(std::string name, std::string help) {
    return make_key(std::move(name), ValueType::string, std::move(help));
}
KeySpec integer_key(std::string name, std::string help) {
    return make_key(std::move(name), ValueType::integer, std::move(help));
}
KeySpec number_key(std::string name, std::string help) {
    return make_key(std::move(name), ValueType::number, std::move(help));
}
KeySpec boolean_key(std::string name, std::string help) {
    return make_key(std::move(name), ValueType::boolean, std::move(help));
}
KeySpec enum_key(std::string name, std::vector<std::string> allowed, std::string help) {
    KeySpec spec = make_key(std::move(name), ValueType::enumeration, std::move(help));
    spec.allowed_values = std::move(allowed);
    return spec;
}
KeySpec path_key(std::string name, std::string help) {
    return make_key(std::move(name), ValueType::path, std::move(help));
}
KeySpec crs_key(std::string name, std::string help) {
    return make_key(std::move(name), ValueType::crs, std::move(help));
}
KeySpec number_list_key(std::string name, std::vector<std::string> element_names,
                        std::string help) {
    KeySpec spec = make_key(std::move(name), ValueType::number_list, std::move(help));
    spec.element_names = std::move(element_names);
    return spec;
}
KeySpec mapping_key(std::string name, std::vector<KeySpec> children, std::string help) {
    KeySpec spec = make_key(std::move(name), ValueType::mapping, std::move(help));
    spec.children = std::move(children);
    return spec;
}
KeySpec sequence_key(std::string name, std::vector<KeySpec> element_children, std::string help) {
    KeySpec spec = make_key(std::move(name), ValueType::sequence, std::move(help));
    spec.children = std::move(element_children);
    return spec;
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

std::string SourceLocation::to_string() const {
    if (line <= 0) {
        return source;
    }
    return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void throw_unknown_enum_value(const std::string& name) {
    throw ConfigError("internal: '" + name + "' passed validation but is not a known value");
}

void Diagnostics::add(const SourceLocation& where, std::string message) {
    entries_.push_back(Entry{where, std::move(message)});
}

std::vector<std::string> Diagnostics::sorted_lines() const {
    std::vector<const Entry*> order;
    order.reserve(entries_.size());
    for (const Entry& e : entries_) {
        order.push_back(&e);
    }
    std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
        return std::tie(a->where.source_index, a->where.line, a->where.column) <
               std::tie(b->where.source_index, b->where.line, b->where.column);
    });
    std::vector<std::string> lines;
    lines.reserve(order.size());
    for (const Entry* e : order) {
        lines.push_back(e->where.to_string() + ": " + e->message);
    }
    return lines;
}

void Diagnostics::throw_if_any() const {
    if (entries_.empty()) {
        return;
    }
    std::string text;
    for (const std::string& line : sorted_lines()) {
        if (!text.empty()) {
            text += '\n';
        }
        text += line;
    }
    throw ConfigError(text);
}

SourceLocation ValidationResult::location_of(const std::string& key_path) const {
    std::string path = key_path;
    while (!path.empty()) {
        const auto it = locations.find(path);
        if (it != locations.end()) {
            return it->second;
        }
        const std::size_t cut = path.find_last_of(".[");
        path = cut == std::string::npos ? std::string() : path.substr(0, cut);
    }
    const auto root = locations.find("");
    return root != locations.end() ? root->second : SourceLocation{};
}

// ---------------------------------------------------------------------------------------------
// Small helpers

namespace {

std::string join_path(const std::string& parent, std::string_view name) {
    return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string quoted_list(const std::vector<std::string>& items, std::string_view last_joiner) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            text += (i + 1 == items.size()) ? std::string(last_joiner) : std::string(", ");
        }
        text += "'" + items[i] + "'";
    }
    return text;
}

std::string plain_list(const std::vector<std::string>& items) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) {
        text += (i > 0 ? ", " : "") + items[i];
    }
    return text;
}

std::string number_list_expectation(const KeySpec& spec) {
    if (spec.element_names.empty()) {
        return "a list of one or more numbers";
    }
    return "a list of " + std::to_string(spec.element_names.size()) + " numbers [" +
           plain_list(spec.element_names) + "]";
}

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
    }
    return "nothing";
}

/// Tag given to resolved values of textual keys, so that emit_yaml quotes them when a YAML
/// reader would otherwise take them for a number, boolean or null.
const std::string string_tag = "tag:yaml.org,2002:str";

bool is_absent(const YAML::Node& node) {
    return !node.IsDefined() || node.IsNull();
}

std::string format_range(const ValueRange& range, const std::string& unit) {
    std::string text = format_number(range.min) + " to " + format_number(range.max);
    if (!unit.empty()) {
        text += " (" + unit + ")";
    }
    return text;
}

/// Strict decimal parse of a whole scalar: optional sign, digits, fraction, exponent.
std::optional<double> parse_number(const std::string& text) {
    std::string_view view = text;
    if (!view.empty() && view.front() == '+') {
        view.remove_prefix(1);
    }
    if (view.empty() || !(std::isdigit(static_cast<unsigned char>(view.front())) != 0 ||
                          view.front() == '-' || view.front() == '.')) {
        return std::nullopt;
    }
    double value = 0.0;
    const auto result =
        std::from_chars(view.data(), view.data() + view.size(), value, std::chars_format::general);
    if (result.ec != std::errc() || result.ptr != view.data() + view.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<long long> parse_integer(const std::string& text) {
    std::string_view view = text;
    if (!view.empty() && view.front() == '+') {
        view.remove_prefix(1);
    }
    long long value = 0;
    const auto result = std::from_chars(view.data(), view.data() + view.size(), value);
    if (view.empty() || result.ec != std::errc() || result.ptr != view.data() + view.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parse_boolean(const std::string& text) {
    if (text == "true" || text == "True" || text == "TRUE") {
        return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        return false;
    }
    return std::nullopt;
}

std::string to_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

bool ends_with_ci(std::string_view text, std::string_view ending) {
    const std::string t = to_lower(text);
    const std::string e = to_lower(ending);
    return t.size() >= e.size() && t.compare(t.size() - e.size(), e.size(), e) == 0;
}

/// Copy of a YAML tree without source marks, so that validate() attributes it to an option.
YAML::Node clone_without_marks(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Scalar: return YAML::Node(node.Scalar());
    case YAML::NodeType::Sequence: {
        YAML::Node out(YAML::NodeType::Sequence);
        for (const YAML::Node& element : node) {
            out.push_back(clone_without_marks(element));
        }
        return out;
    }
    case YAML::NodeType::Map: {
        YAML::Node out(YAML::NodeType::Map);
        for (const auto& entry : node) {
            out[entry.first.IsScalar() ? entry.first.Scalar() : std::string()] =
                clone_without_marks(entry.second);
        }
        return out;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
    }
    return YAML::Node(YAML::NodeType::Null);
}

/// True when one key path lies inside the other (or they are equal).
bool paths_related(const std::string& a, const std::string& b) {
    auto inside = [](const std::string& inner, const std::string& outer) {
        return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
               (inner[outer.size()] == '.' || inner[outer.size()] == '[');
    };
    return a == b || inside(a, b) || inside(b, a);
}

// ---------------------------------------------------------------------------------------------
// The validator

class Validator {
public:
    Validator(const Document& doc, ValidationResult& out) : doc_(doc), out_(out) {}

    void run(const KeySpec& root) {
        const SourceLocation start{doc_.source_name, 1, 1, 0};
        out_.locations[""] = start;
        if (!is_absent(doc_.root) && !doc_.root.IsMap()) {
            error(locate(doc_.root, "", start),
                  "expected a mapping of keys at the top level, got " + describe(doc_.root));
            out_.resolved = YAML::Node(YAML::NodeType::Map);
            return;
        }
        out_.resolved = check_mapping(root.children, root.exactly_one_of, doc_.root, "", start);
    }

private:
    void error(const SourceLocation& at, std::string message) {
        out_.diagnostics.add(at, std::move(message));
    }

    SourceLocation locate(const YAML::Node& node, const std::string& key_path,
                          const SourceLocation& fallback) const {
        const YAML::Mark mark = node.Mark();
        if (!mark.is_null()) {
            return SourceLocation{doc_.source_name, mark.line + 1, mark.column + 1, 0};
        }
        for (std::size_t i = doc_.overrides.size(); i-- > 0;) {
            if (paths_related(doc_.overrides[i].key_path, key_path)) {
                return SourceLocation{doc_.overrides[i].option_text, 0, 0, i + 1};
            }
        }
        return fallback;
    }

    static std::string container_name(const std::string& path) {
        return path.empty() ? std::string("at the top level") : "in '" + path + "'";
    }

    /// Validates the keys of a mapping (node may be absent: then only defaults are filled).
    YAML::Node check_mapping(const std::vector<KeySpec>& children,
                             const std::vector<std::vector<std::string>>& groups,
                             const YAML::Node& node, const std::string& path,
                             const SourceLocation& at) {
        struct Given {
            YAML::Node value;
            SourceLocation key_location;
        };
        std::map<std::string, Given> given;
        std::vector<std::string> given_order;
        std::set<std::string> suggested; // a misspelt key already points at these
        std::vector<std::string> names;
        names.reserve(children.size());
        for (const KeySpec& child : children) {
            names.push_back(child.name);
        }

        if (!is_absent(node)) {
            for (const auto& entry : node) {
                const YAML::Node& key = entry.first;
                if (!key.IsScalar()) {
                    error(locate(key, path, at), "keys must be plain names, got " + describe(key) +
                                                     " " + container_name(path));
                    continue;
                }
                const std::string& name = key.Scalar();
                const std::string key_path = join_path(path, name);
                // A value set by an option belongs to the option, even under a key of the file.
                const SourceLocation key_location =
                    entry.second.Mark().is_null()
                        ? locate(entry.second, key_path, locate(key, key_path, at))
                        : locate(key, key_path, at);
                if (const auto previous = given.find(name); previous != given.end()) {
                    const SourceLocation& first = previous->second.key_location;
                    std::string where =
                        first.line > 0 ? "line " + std::to_string(first.line) : first.source;
                    error(key_location, "duplicate key '" + name + "' " + container_name(path) +
                                            " (first given at " + where + "); keep only one");
                    continue;
                }
                if (std::find(names.begin(), names.end(), name) == names.end()) {
                    std::string message = "unknown key '" + name + "' " + container_name(path);
                    if (const auto suggestion = closest_match(name, names)) {
                        message += "; did you mean '" + *suggestion + "'?";
                        suggested.insert(*suggestion);
                    } else {
                        message += "; allowed keys: " + plain_list(names);
                    }
                    error(key_location, message);
                    given.emplace(name, Given{YAML::Node(), key_location});
                    continue;
                }
                given.emplace(name, Given{entry.second, key_location});
                given_order.push_back(name);
            }
        }

        auto is_grouped = [&groups](const std::string& name) {
            return std::any_of(groups.begin(), groups.end(), [&name](const auto& group) {
                return std::find(group.begin(), group.end(), name) != group.end();
            });
        };

        YAML::Node resolved(YAML::NodeType::Map);
        for (const KeySpec& child : children) {
            const std::string key_path = join_path(path, child.name);
            const auto found = given.find(child.name);
            const bool present = found != given.end();
            const bool empty_path = present && child.type == ValueType::path &&
                                    found->second.value.IsScalar() &&
                                    found->second.value.Scalar().empty();
            if (present && !is_absent(found->second.value) && !empty_path) {
                const Given& g = found->second;
                out_.given.insert(key_path);
                out_.locations[key_path] = g.key_location;
                const auto value =
                    check_value(child, g.value, key_path, locate(g.value, key_path, g.key_location),
                                g.key_location);
                resolved[child.name] = value ? *value : YAML::Node(YAML::NodeType::Null);
                continue;
            }
            const SourceLocation location = present ? found->second.key_location : at;
            out_.locations[key_path] = location;
            if (child.required && !is_grouped(child.name) && suggested.count(child.name) == 0) {
                std::string message = present ? key_path + ": a value is required"
                                              : key_path + ": required key is missing; add it " +
                                                    (path.empty() ? std::string("at the top level")
                                                                  : "to '" + path + "'");
                error(location, message + " (" + child.help + ")");
                resolved[child.name] = YAML::Node(YAML::NodeType::Null);
                continue;
            }
            resolved[child.name] = resolve_absent(child, key_path, location);
        }

        for (const auto& group : groups) {
            std::vector<std::string> present;
            for (const std::string& name : given_order) {
                if (std::find(group.begin(), group.end(), name) != group.end() &&
                    !is_absent(given[name].value)) {
                    present.push_back(name);
                }
            }
            const std::string where = path.empty() ? std::string() : path + ": ";
            if (present.empty()) {
                error(at, where + "give exactly one of " + quoted_list(group, " or ") +
                              (path.empty() ? std::string() : " in '" + path + "'"));
            } else if (present.size() > 1) {
                error(given[present[1]].key_location,
                      where + quoted_list(present, " and ") +
                          " exclude each other; give exactly one of " + quoted_list(group, " or "));
            }
        }
        return resolved;
    }

    /// Value of a key that was not given: its default, filled sub-keys of a mapping, an empty
    /// list for a sequence, or null.
    YAML::Node resolve_absent(const KeySpec& spec, const std::string& path,
                              const SourceLocation& at) {
        if (spec.default_value) {
            YAML::Node parsed;
            try {
                parsed = YAML::Load(*spec.default_value);
            } catch (const YAML::Exception& e) {
                error(at, path + ": the schema's default '" + *spec.default_value +
                              "' is not valid YAML (" + e.msg + ")");
                return YAML::Node(YAML::NodeType::Null);
            }
            const auto value = check_value(spec, clone_without_marks(parsed), path, at, at);
            return value ? *value : YAML::Node(YAML::NodeType::Null);
        }
        if (spec.type == ValueType::mapping) {
            return check_mapping(spec.children, spec.exactly_one_of, YAML::Node(), path, at);
        }
        if (spec.type == ValueType::sequence) {
            YAML::Node empty(YAML::NodeType::Sequence);
            empty.SetStyle(YAML::EmitterStyle::Flow);
            return empty;
        }
        return YAML::Node(YAML::NodeType::Null);
    }

    void type_error(const std::string& path, const SourceLocation& at, const KeySpec& spec,
                    const YAML::Node& value) {
        std::string expected;
        switch (spec.type) {
        case ValueType::string: expected = "text"; break;
        case ValueType::integer: expected = "a whole number"; break;
        case ValueType::number: expected = "a number"; break;
        case ValueType::boolean: expected = "true or false"; break;
        case ValueType::enumeration: expected = "one of " + plain_list(spec.allowed_values); break;
        case ValueType::path: expected = "a file path"; break;
        case ValueType::crs: expected = "a CRS such as 'EPSG:25832'"; break;
        case ValueType::number_list: expected = number_list_expectation(spec); break;
        case ValueType::mapping: expected = "a mapping of keys"; break;
        case ValueType::sequence: expected = "a list of mappings"; break;
        }
        if (!spec.unit.empty()) {
            expected += " (" + spec.unit + ")";
        }
        error(at, path + ": expected " + expected + ", got " + describe(value));
    }

    std::optional<YAML::Node> check_scalar_number(const KeySpec& spec, const YAML::Node& value,
                                                  const std::string& path, const SourceLocation& at,
                                                  bool whole) {
        if (!value.IsScalar()) {
            type_error(path, at, spec, value);
            return std::nullopt;
        }
        double number = 0.0;
        std::string canonical;
        if (whole) {
            const auto parsed = parse_integer(value.Scalar());
            if (!parsed) {
                type_error(path, at, spec, value);
                return std::nullopt;
            }
            number = static_cast<double>(*parsed);
            canonical = std::to_string(*parsed);
        } else {
            const auto parsed = parse_number(value.Scalar());
            if (!parsed) {
                KeySpec number_spec = spec;
                number_spec.type = ValueType::number;
                type_error(path, at, number_spec, value);
                return std::nullopt;
            }
            number = *parsed;
            canonical = format_number(number);
        }
        if (spec.range && (number < spec.range->min || number > spec.range->max)) {
            error(at, path + ": " + value.Scalar() + " is out of range; expected " +
                          format_range(*spec.range, spec.unit));
            return std::nullopt;
        }
        return YAML::Node(canonical);
    }

    std::optional<YAML::Node> check_path(const KeySpec& spec, const YAML::Node& value,
                                         const std::string& path, const SourceLocation& at) {
        if (!value.IsScalar()) {
            type_error(path, at, spec, value);
            return std::nullopt;
        }
        const fs::path given = value.Scalar();
        // Paths given on the command line are relative to the working directory, like any
        // other command-line path; paths in the file are relative to the file.
        const fs::path base = value.Mark().is_null() ? fs::current_path() : doc_.base_dir;
        const fs::path absolute = (given.is_absolute() ? given : base / given).lexically_normal();
        const std::string wanted = " (wanted for: " + spec.help + ")";
        std::error_code ec;
        const fs::file_status status = fs::status(absolute, ec);
        if (!fs::exists(status)) {
            error(at, path + ": file not found: " + absolute.string() + wanted +
                          "; fix the path (relative paths are resolved against the directory of "
                          "the file that names them)");
            return std::nullopt;
        }
        if (fs::is_directory(status)) {
            error(at, path + ": " + absolute.string() + " is a directory, not a file" + wanted);
            return std::nullopt;
        }
        if (std::ifstream probe(absolute, std::ios::binary); !probe.good()) {
            error(at, path + ": cannot read " + absolute.string() +
                          " (permission denied?); make the file readable" + wanted);
            return std::nullopt;
        }
        if (!spec.path_extensions.empty() &&
            std::none_of(spec.path_extensions.begin(), spec.path_extensions.end(),
                         [&absolute](const std::string& ending) {
                             return ends_with_ci(absolute.filename().string(), ending);
                         })) {
            error(at, path + ": " + absolute.filename().string() +
                          " has an unexpected file type; expected a name ending in " +
                          plain_list(spec.path_extensions) + wanted);
            return std::nullopt;
        }
        return YAML::Node(absolute.string());
    }

    std::optional<YAML::Node> check_crs(const KeySpec& spec, const YAML::Node& value,
                                        const std::string& path, const SourceLocation& at) {
        if (!value.IsScalar()) {
            type_error(path, at, spec, value);
            return std::nullopt;
        }
        const std::string& text = value.Scalar();
        if (text.empty()) {
            if (spec.required) {
                error(at, path + ": a CRS is required, e.g. 'EPSG:25832'");
                return std::nullopt;
            }
            return YAML::Node(std::string());
        }
        std::string gdal_message;
        if (!parse_crs(text, gdal_message)) {
            error(at, path + ": '" + text + "' is not a CRS that GDAL understands" +
                          (gdal_message.empty() ? std::string() : " (" + gdal_message + ")") +
                          "; give e.g. 'EPSG:25832', a WKT string or a PROJ string");
            return std::nullopt;
        }
        return YAML::Node(text);
    }

    std::optional<YAML::Node> check_number_list(const KeySpec& spec, const YAML::Node& value,
                                                const std::string& path, const SourceLocation& at) {
        // Without element names the list has any length of at least one.
        const bool any_length = spec.element_names.empty();
        if (!value.IsSequence() ||
            (any_length ? value.size() == 0 : value.size() != spec.element_names.size())) {
            std::string got = describe(value);
            if (value.IsSequence()) {
                got = "a list of " + std::to_string(value.size());
            }
            error(at, path + ": expected " + number_list_expectation(spec) +
                          (spec.unit.empty() ? std::string() : " (" + spec.unit + ")") + ", got " +
                          got);
            return std::nullopt;
        }
        YAML::Node resolved(YAML::NodeType::Sequence);
        bool ok = true;
        KeySpec element = spec;
        element.type = ValueType::number;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const YAML::Node item = value[i];
            const std::string item_path = path + "[" + std::to_string(i) + "]";
            const auto checked =
                check_scalar_number(element, item, item_path, locate(item, item_path, at), false);
            if (checked) {
                resolved.push_back(*checked);
            } else {
                ok = false;
            }
        }
        if (!ok) {
            return std::nullopt;
        }
        resolved.SetStyle(YAML::EmitterStyle::Flow);
        return resolved;
    }

    std::optional<YAML::Node> check_sequence(const KeySpec& spec, const YAML::Node& value,
                                             const std::string& path, const SourceLocation& at) {
        if (!value.IsSequence()) {
            type_error(path, at, spec, value);
            return std::nullopt;
        }
        YAML::Node resolved(YAML::NodeType::Sequence);
        const std::size_t errors_before = out_.diagnostics.size();
        for (std::size_t i = 0; i < value.size(); ++i) {
            const YAML::Node element = value[i];
            const std::string element_path = path + "[" + std::to_string(i) + "]";
            const SourceLocation element_at = locate(element, element_path, at);
            if (!element.IsMap()) {
                KeySpec shown = spec;
                shown.type = ValueType::mapping;
                type_error(element_path, element_at, shown, element);
                continue;
            }
            if (spec.variants.empty()) {
                resolved.push_back(
                    check_mapping(spec.children, {}, element, element_path, element_at));
                continue;
            }
            if (const auto variant = find_variant(spec, element, element_path, element_at)) {
                std::vector<KeySpec> keys;
                std::vector<std::string> variant_names;
                for (const KeySpec& v : spec.variants) {
                    variant_names.push_back(v.name);
                }
                keys.push_back(enum_key(spec.variant_key, variant_names, "kind of entry"));
                keys.back().make_required();
                keys.insert(keys.end(), spec.children.begin(), spec.children.end());
                keys.insert(keys.end(), (*variant)->children.begin(), (*variant)->children.end());
                resolved.push_back(check_mapping(keys, (*variant)->exactly_one_of, element,
                                                 element_path, element_at));
            }
        }
        if (out_.diagnostics.size() != errors_before) {
            return std::nullopt;
        }
        if (resolved.size() == 0) {
            resolved.SetStyle(YAML::EmitterStyle::Flow);
        }
        return resolved;
    }

    std::optional<const KeySpec*> find_variant(const KeySpec& spec, const YAML::Node& element,
                                               const std::string& path, const SourceLocation& at) {
        std::vector<std::string> names;
        for (const KeySpec& v : spec.variants) {
            names.push_back(v.name);
        }
        for (const auto& entry : element) {
            if (!entry.first.IsScalar() || entry.first.Scalar() != spec.variant_key) {
                continue;
            }
            const std::string key_path = join_path(path, spec.variant_key);
            const SourceLocation value_at = locate(entry.second, key_path, at);
            const std::string kind = entry.second.IsScalar() ? entry.second.Scalar() : "";
            for (const KeySpec& v : spec.variants) {
                if (v.name == kind) {
                    return &v;
                }
            }
            std::string message = key_path + ": unknown value " + describe(entry.second);
            if (const auto suggestion = closest_match(kind, names)) {
                message += "; did you mean '" + *suggestion + "'?";
            }
            error(value_at, message + " (allowed: " + plain_list(names) + ")");
            return std::nullopt;
        }
        error(at,
              path + ": missing key '" + spec.variant_key + "'; give one of " + plain_list(names));
        return std::nullopt;
    }

    /// Checks a given (non-null) value; `at` is where the value is, `key_at` where its key is
    /// (a mapping's missing keys are reported at its key).
    std::optional<YAML::Node> check_value(const KeySpec& spec, const YAML::Node& value,
                                          const std::string& path, const SourceLocation& at,
                                          const SourceLocation& key_at) {
        const std::size_t errors_before = out_.diagnostics.size();
        std::optional<YAML::Node> resolved;
        switch (spec.type) {
        case ValueType::string:
            if (value.IsScalar()) {
                resolved = YAML::Node(value.Scalar());
            } else {
                type_error(path, at, spec, value);
            }
            break;
        case ValueType::integer: resolved = check_scalar_number(spec, value, path, at, true); break;
        case ValueType::number: resolved = check_scalar_number(spec, value, path, at, false); break;
        case ValueType::boolean:
            if (const auto b = value.IsScalar() ? parse_boolean(value.Scalar()) : std::nullopt) {
                resolved = YAML::Node(std::string(*b ? "true" : "false"));
            } else {
                type_error(path, at, spec, value);
            }
            break;
        case ValueType::enumeration: {
            if (!value.IsScalar()) {
                type_error(path, at, spec, value);
                break;
            }
            const std::string& text = value.Scalar();
            if (std::find(spec.allowed_values.begin(), spec.allowed_values.end(), text) !=
                spec.allowed_values.end()) {
                resolved = YAML::Node(text);
                break;
            }
            std::string message = path + ": unknown value '" + text + "'";
            if (const auto suggestion = closest_match(text, spec.allowed_values)) {
                message += "; did you mean '" + *suggestion + "'?";
            }
            error(at, message + " (allowed: " + plain_list(spec.allowed_values) + ")");
            break;
        }
        case ValueType::path: resolved = check_path(spec, value, path, at); break;
        case ValueType::crs: resolved = check_crs(spec, value, path, at); break;
        case ValueType::number_list: resolved = check_number_list(spec, value, path, at); break;
        case ValueType::mapping:
            if (value.IsMap()) {
                // Kept even when a sub-key was rejected, so that the valid sub-keys still take
                // part in cross-key checks.
                resolved = check_mapping(spec.children, spec.exactly_one_of, value, path, key_at);
            } else {
                type_error(path, at, spec, value);
            }
            break;
        case ValueType::sequence: resolved = check_sequence(spec, value, path, at); break;
        }
        const bool textual = spec.type == ValueType::string || spec.type == ValueType::path ||
                             spec.type == ValueType::enumeration || spec.type == ValueType::crs;
        if (resolved && textual) {
            resolved->SetTag(string_tag);
        }
        if (resolved && spec.check && out_.diagnostics.size() == errors_before) {
            const std::string problem = spec.check(*resolved);
            if (!problem.empty()) {
                error(at, path + ": " + problem);
                return std::nullopt;
            }
        }
        return resolved;
    }

    const Document& doc_;
    ValidationResult& out_;
};

} // namespace

ValidationResult validate(const KeySpec& root, const Document& doc) {
    ValidationResult result;
    Validator(doc, result).run(root);
    return result;
}

// ---------------------------------------------------------------------------------------------
// Documents and overrides

Document parse_document(std::string_view yaml_text, std::string source_name,
                        const fs::path& base_dir) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(yaml_text));
    } catch (const YAML::Exception& e) {
        const SourceLocation where{source_name, e.mark.is_null() ? 0 : e.mark.line + 1,
                                   e.mark.is_null() ? 0 : e.mark.column + 1, 0};
        // yaml-cpp reports a tab in the indentation as a generic error; name the usual cause.
        bool tab_indent = false;
        std::istringstream lines{std::string(yaml_text)};
        for (std::string line; std::getline(lines, line);) {
            const std::size_t first = line.find_first_not_of(" \t");
            tab_indent = tab_indent || line.substr(0, first).find('\t') != std::string::npos;
        }
        throw ConfigError(where.to_string() + ": YAML syntax error: " + e.msg +
                          (tab_indent ? "; YAML does not allow tabs for indentation, use spaces"
                                      : "; check indentation, ':' after keys and closing "
                                        "brackets"));
    }
    if (documents.size() > 1) {
        const YAML::Mark mark = documents[1].Mark();
        const SourceLocation where{source_name, mark.is_null() ? 0 : mark.line + 1,
                                   mark.is_null() ? 0 : mark.column + 1, 0};
        throw ConfigError(where.to_string() +
                          ": a second YAML document starts here; the file must hold exactly one "
                          "document (remove the '---' separator)");
    }
    Document doc;
    doc.source_name = std::move(source_name);
    doc.base_dir = fs::absolute(base_dir).lexically_normal();
    doc.root = documents.empty() ? YAML::Node(YAML::NodeType::Null) : documents.front();
    return doc;
}

Document read_document(const fs::path& file) {
    const std::string name = file.string();
    std::error_code ec;
    const fs::path absolute = fs::absolute(file, ec).lexically_normal();
    const fs::file_status status = fs::status(file, ec);
    if (!fs::exists(status)) {
        throw ConfigError(name + ": file not found (looked for " + absolute.string() +
                          "); check the file name");
    }
    if (fs::is_directory(status)) {
        throw ConfigError(name + ": is a directory; expected a YAML file");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) {
        throw ConfigError(name + ": cannot read the file (permission denied?); make it readable");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw ConfigError(name + ": reading the file failed; check the disk and the file");
    }
    return parse_document(text.str(), name, absolute.parent_path());
}

void apply_override(Document& doc, std::string_view assignment, std::string_view option_name) {
    const std::string option_text =
        "option " + std::string(option_name) + " " + std::string(assignment);
    const std::size_t equals = assignment.find('=');
    if (equals == std::string_view::npos || equals == 0) {
        throw ConfigError(option_text + ": expected KEY=VALUE, e.g. " + std::string(option_name) +
                          " study_area.resolution_m=25");
    }
    const std::string key_path(assignment.substr(0, equals));
    const std::string value_text(assignment.substr(equals + 1));

    std::vector<std::string> segments;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = key_path.find('.', start);
        segments.push_back(key_path.substr(start, dot - start));
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }
    for (const std::string& segment : segments) {
        const bool valid =
            !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
            });
        if (!valid) {
            throw ConfigError(option_text + ": '" + key_path +
                              "' is not a key path; expected names separated by '.', e.g. "
                              "study_area.resolution_m");
        }
    }

    YAML::Node value;
    if (value_text.empty()) {
        value = YAML::Node(YAML::NodeType::Null);
    } else if (value_text.front() == '[' || value_text.front() == '{') {
        try {
            value = clone_without_marks(YAML::Load(value_text));
        } catch (const YAML::Exception& e) {
            throw ConfigError(option_text + ": the value is not a valid YAML list or mapping (" +
                              e.msg + ")");
        }
    } else {
        value = YAML::Node(value_text);
    }

    if (is_absent(doc.root)) {
        doc.root = YAML::Node(YAML::NodeType::Map);
    } else if (!doc.root.IsMap()) {
        throw ConfigError(option_text + ": " + doc.source_name +
                          " does not hold a mapping of keys, so the option cannot be applied");
    }
    YAML::Node current;
    current.reset(doc.root);
    std::string prefix;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        const std::string& segment = segments[i];
        prefix = join_path(prefix, segment);
        YAML::Node child;
        bool found = false;
        for (const auto& entry : current) {
            if (entry.first.IsScalar() && entry.first.Scalar() == segment) {
                child.reset(entry.second);
                found = true;
                break;
            }
        }
        if (!found || child.IsNull()) {
            current[segment] = YAML::Node(YAML::NodeType::Map);
            child.reset(current[segment]);
        } else if (!child.IsMap()) {
            throw ConfigError(option_text + ": '" + prefix + "' holds " + describe(child) + " in " +
                              doc.source_name + ", not a mapping, so it cannot contain '" +
                              segments[i + 1] + "'");
        }
        current.reset(child);
    }
    current[segments.back()] = value;
    doc.overrides.push_back(Override{key_path, option_text});
}

// ---------------------------------------------------------------------------------------------
// Output

namespace {

/// True for text that a YAML 1.1 or 1.2 reader (PyYAML, h5py users) would not read back as a
/// string when written plain: numbers, booleans, null and the empty string.
bool needs_quotes(const std::string& text) {
    static const std::set<std::string> words = {"y",     "n",  "yes", "no",   "true",
                                                "false", "on", "off", "null", "~"};
    return text.empty() || words.count(to_lower(text)) != 0 || parse_number(text).has_value() ||
           parse_integer(text).has_value();
}

void emit_node(YAML::Emitter& emitter, const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        if (node.Tag() == string_tag && needs_quotes(node.Scalar())) {
            emitter << YAML::DoubleQuoted;
        }
        emitter << node.Scalar();
        return;
    case YAML::NodeType::Sequence:
        if (node.Style() == YAML::EmitterStyle::Flow || node.size() == 0) {
            emitter << YAML::Flow;
        }
        emitter << YAML::BeginSeq;
        for (const YAML::Node& element : node) {
            emit_node(emitter, element);
        }
        emitter << YAML::EndSeq;
        return;
    case YAML::NodeType::Map:
        emitter << YAML::BeginMap;
        for (const auto& entry : node) {
            emitter << YAML::Key << entry.first.Scalar() << YAML::Value;
            emit_node(emitter, entry.second);
        }
        emitter << YAML::EndMap;
        return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
    }
    emitter << YAML::Null;
}

} // namespace

std::string emit_yaml(const YAML::Node& resolved, std::string_view header_comment) {
    std::string text;
    std::string_view rest = header_comment;
    while (!rest.empty()) {
        const std::size_t newline = rest.find('\n');
        text += "# " + std::string(rest.substr(0, newline)) + "\n";
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
    YAML::Emitter emitter;
    emit_node(emitter, resolved);
    text += emitter.c_str();
    text += '\n';
    return text;
}

namespace {

std::string markdown_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string markdown_type(const KeySpec& spec) {
    if (spec.type == ValueType::number_list) {
        return spec.element_names.empty()
                   ? "list of numbers"
                   : "list of " + std::to_string(spec.element_names.size()) + " numbers";
    }
    if (spec.type == ValueType::enumeration) {
        return "name";
    }
    return std::string(value_type_name(spec.type));
}

std::string markdown_allowed(const KeySpec& spec) {
    std::vector<std::string> parts;
    if (spec.type == ValueType::number_list && !spec.element_names.empty()) {
        parts.push_back("[" + plain_list(spec.element_names) + "]");
    }
    if (spec.range) {
        parts.push_back(format_number(spec.range->min) + " to " + format_number(spec.range->max) +
                        (spec.unit.empty() ? std::string() : " " + spec.unit));
    } else if (!spec.unit.empty()) {
        parts.push_back("unit: " + spec.unit);
    }
    if (!spec.allowed_values.empty()) {
        std::string values;
        for (const std::string& v : spec.allowed_values) {
            values += (values.empty() ? "`" : ", `") + v + "`";
        }
        parts.push_back(values);
    }
    if (!spec.path_extensions.empty()) {
        parts.push_back("file name ending in " + plain_list(spec.path_extensions));
    }
    if (!spec.check_description.empty()) {
        parts.push_back(spec.check_description);
    }
    std::string text;
    for (const std::string& p : parts) {
        text += (text.empty() ? "" : "; ") + p;
    }
    return markdown_escape(text);
}

std::string markdown_default(const KeySpec& spec, bool grouped) {
    if (spec.required && !grouped) {
        return "**required**";
    }
    if (spec.default_value) {
        return "`" + (spec.default_value->empty() ? std::string("\"\"") : *spec.default_value) +
               "`";
    }
    if (spec.type == ValueType::mapping) {
        return "(sub-keys)";
    }
    if (spec.type == ValueType::sequence) {
        return "`[]`";
    }
    return "(none)";
}

void markdown_rows(const std::vector<KeySpec>& children,
                   const std::vector<std::vector<std::string>>& groups, const std::string& path,
                   std::string& table, std::vector<std::string>& rules,
                   std::vector<std::pair<std::string, const KeySpec*>>& sequences) {
    for (const auto& group : groups) {
        std::vector<std::string> full;
        for (const std::string& name : group) {
            std::string quoted = "`";
            quoted += join_path(path, name);
            quoted += '`';
            full.push_back(std::move(quoted));
        }
        rules.push_back("Give exactly one of " + plain_list(full) + ".");
    }
    for (const KeySpec& child : children) {
        const std::string key_path = join_path(path, child.name);
        const bool grouped = std::any_of(groups.begin(), groups.end(), [&child](const auto& g) {
            return std::find(g.begin(), g.end(), child.name) != g.end();
        });
        table += "| `" + key_path + "` | " + markdown_type(child) + " | " +
                 markdown_default(child, grouped) + " | " + markdown_allowed(child) + " | " +
                 markdown_escape(child.help) + " |\n";
        if (child.type == ValueType::mapping) {
            markdown_rows(child.children, child.exactly_one_of, key_path, table, rules, sequences);
        } else if (child.type == ValueType::sequence) {
            sequences.emplace_back(key_path, &child);
        }
    }
}

const char* const table_header = "| Key | Type | Default | Allowed | Description |\n"
                                 "|---|---|---|---|---|\n";

} // namespace

std::string render_markdown(const KeySpec& root, std::string_view title,
                            std::string_view introduction, const std::vector<std::string>& rules) {
    std::string table = table_header;
    std::vector<std::string> all_rules;
    std::vector<std::pair<std::string, const KeySpec*>> sequences;
    markdown_rows(root.children, root.exactly_one_of, "", table, all_rules, sequences);
    all_rules.insert(all_rules.end(), rules.begin(), rules.end());

    std::string text = "# " + std::string(title) + "\n\n";
    if (!introduction.empty()) {
        text += std::string(introduction) + "\n\n";
    }
    text += table;
    for (const auto& [path, spec] : sequences) {
        text += "\n## Entries of `" + path + "`\n\n";
        if (spec->variants.empty()) {
            std::string rows = table_header;
            std::vector<std::pair<std::string, const KeySpec*>> nested;
            markdown_rows(spec->children, {}, path + "[]", rows, all_rules, nested);
            text += rows;
            continue;
        }
        text += "Each entry has `" + spec->variant_key + ":` set to one of the kinds below";
        if (!spec->children.empty()) {
            std::string common;
            for (const KeySpec& c : spec->children) {
                common += (common.empty() ? "`" : ", `") + c.name + "`";
            }
            text += "; every kind accepts " + common;
        }
        text += ".\n";
        for (const KeySpec& variant : spec->variants) {
            text += "\n### `" + spec->variant_key + ": " + variant.name + "`\n\n" +
                    markdown_escape(variant.help) + "\n\n";
            std::string rows = table_header;
            std::vector<std::pair<std::string, const KeySpec*>> nested;
            std::vector<KeySpec> keys = spec->children;
            keys.insert(keys.end(), variant.children.begin(), variant.children.end());
            markdown_rows(keys, variant.exactly_one_of, path + "[]", rows, all_rules, nested);
            text += rows;
        }
    }
    if (!all_rules.empty()) {
        text += "\n## Rules\n\n";
        for (const std::string& rule : all_rules) {
            text += "- " + rule + "\n";
        }
    }
    return text;
}

// ---------------------------------------------------------------------------------------------
// Did-you-mean

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    // d[i][j]: distance between the first i characters of a and the first j of b, kept in one
    // (n+1) x (m+1) row-major table (Damerau 1964; restricted form as in Boytsov 2011).
    std::vector<std::size_t> d((n + 1) * (m + 1), 0);
    auto at = [m](std::size_t i, std::size_t j) { return i * (m + 1) + j; };
    for (std::size_t i = 0; i <= n; ++i) {
        d[at(i, 0)] = i;
    }
    for (std::size_t j = 0; j <= m; ++j) {
        d[at(0, j)] = j;
    }
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t best =
                std::min({d[at(i - 1, j)] + 1, d[at(i, j - 1)] + 1, d[at(i - 1, j - 1)] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                best = std::min(best, d[at(i - 2, j - 2)] + 1);
            }
            d[at(i, j)] = best;
        }
    }
    return d[at(n, m)];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
    const std::string lower_word = to_lower(word);
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (const std::string& candidate : candidates) {
        const std::size_t distance = edit_distance(lower_word, to_lower(candidate));
        const bool close = distance <= 2 || 3 * distance <= word.size();
        if (!close || distance >= word.size() || distance >= candidate.size()) {
            continue;
        }
        if (!best || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

double to_number(const YAML::Node& value) {
    const auto parsed = value.IsScalar() ? parse_number(value.Scalar()) : std::nullopt;
    if (!parsed) {
        throw ConfigError("internal: resolved value " + describe(value) + " is not a number");
    }
    return *parsed;
}

bool to_boolean(const YAML::Node& value) {
    const auto parsed = value.IsScalar() ? parse_boolean(value.Scalar()) : std::nullopt;
    if (!parsed) {
        throw ConfigError("internal: resolved value " + describe(value) + " is not a boolean");
    }
    return *parsed;
}

// ---------------------------------------------------------------------------------------------
// CRS

namespace {
/// Silences GDAL's error printing while a CRS is parsed; the message goes into our own text.
class QuietGdalErrors {
public:
    QuietGdalErrors() {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        CPLErrorReset();
    }
    QuietGdalErrors(const QuietGdalErrors&) = delete;
    QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
    ~QuietGdalErrors() { CPLPopErrorHandler(); }
};
} // namespace

std::optional<CrsInfo> parse_crs(std::string_view user_input, std::string& error) {
    const QuietGdalErrors quiet;
    OGRSpatialReference srs;
    const std::string text(user_input);
    if (srs.SetFromUserInput(text.c_str(),
                             OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get()) !=
        OGRERR_NONE) {
        error = CPLGetLastErrorMsg();
        return std::nullopt;
    }
    CrsInfo info;
    char* wkt = nullptr;
    const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
    if (srs.exportToWkt(&wkt, options) == OGRERR_NONE && wkt != nullptr) {
        info.wkt = wkt;
    }
    CPLFree(wkt);
    info.name = srs.GetName() != nullptr ? srs.GetName() : "";
    info.is_projected = srs.IsProjected() != 0;
    info.is_geographic = srs.IsGeographic() != 0;
    if (info.is_projected) {
        const char* unit_name = nullptr;
        info.linear_unit_m = srs.GetLinearUnits(&unit_name);
        info.linear_unit_name = unit_name != nullptr ? unit_name : "";
    }
    return info;
}

std::string format_number(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

YAML::Node child(const YAML::Node& node, const std::string& name) {
    if (node.IsMap()) {
        for (const auto& entry : node) {
            if (entry.first.Scalar() == name) {
                return entry.second;
            }
        }
    }
    return YAML::Node(YAML::NodeType::Null);
}

YAML::Node at_path(const YAML::Node& root, std::initializer_list<const char*> path) {
    YAML::Node current(YAML::NodeType::Null);
    current.reset(root);
    for (const char* key : path) {
        YAML::Node next = child(current, key);
        current.reset(next);
    }
    return current;
}

std::string scalar_or_empty(const YAML::Node& node) {
    return node.IsScalar() ? node.Scalar() : std::string();
}

} // namespace lauter::sim::schema
