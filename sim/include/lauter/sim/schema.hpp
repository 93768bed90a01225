#pragma once
/// @file schema.hpp
/// A small declarative schema engine for YAML configuration files (scenario files, later batch
/// files). A schema is a tree of KeySpec: each key has a name, a value type, a default, an allowed
/// range with its unit, a required flag, help text and, for mappings, "exactly one of" groups.
///
/// validate() checks a parsed Document against a schema before any work starts and reports every
/// problem at once, each as one line "file:line:column: message" (1-based line and column taken
/// from yaml-cpp's Node::Mark()), with did-you-mean suggestions for misspelt keys and enumeration
/// values. It fills defaults, makes paths absolute and produces the resolved tree in schema order,
/// so that the resolved YAML text is stable and records exactly what a run used.
///
/// The engine knows nothing about lauter's scenario keys: new models or a `modifications:` list
/// are added by adding KeySpec entries (see scenario.cpp), never by changing this file.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim::schema {

/// Value types a key can have.
enum class ValueType : std::uint8_t {
    string,      ///< any scalar, kept as text
    integer,     ///< whole number (decimal), optionally with a range
    number,      ///< finite decimal number, optionally with a range
    boolean,     ///< true or false
    enumeration, ///< one of a fixed list of names
    path,        ///< a file that must exist and be readable; made absolute
    crs,         ///< a coordinate reference system accepted by OGRSpatialReference
    number_list, ///< a list of a fixed number of numbers (an extent), any number without names
    mapping,     ///< a mapping with its own keys (children)
    sequence,    ///< a list of mappings, optionally tagged by a discriminator key (variants)
};

/// Short English name of a value type, used in messages and in the Markdown reference.
[[nodiscard]] std::string_view value_type_name(ValueType type) noexcept;

/// Inclusive range of a numeric value.
struct ValueRange {
    double min = 0.0;
    double max = 0.0;
};

/// Extra check of a value after its type and range were accepted. It receives the resolved
/// (canonical) value and returns an empty string when the value is fine, otherwise the problem
/// (without location and key path), e.g. "xmin (5) must be less than xmax (1)".
using ValueCheck = std::function<std::string(const YAML::Node& value)>;

/// Specification of one key. Build with the *_key() factories below and the chainable setters.
struct KeySpec {
    std::string name;
    ValueType type = ValueType::string;
    std::string help;
    bool required = false;
    /// Default as YAML text ("10", "true", "bilinear", "[0, 0]"); validated like a given value.
    std::optional<std::string> default_value;
    std::optional<ValueRange> range; ///< integer, number and number_list elements
    std::string unit;                ///< unit of a number ("m", "deg"); empty if dimensionless
    std::vector<std::string> allowed_values;  ///< enumeration
    std::vector<std::string> element_names;   ///< number_list: names of the elements, fixes length
    std::vector<std::string> path_extensions; ///< path: accepted file name endings (any if empty)
    std::vector<KeySpec> children;            ///< mapping keys; keys common to sequence elements
    std::vector<std::vector<std::string>> exactly_one_of; ///< mapping: groups of child names
    /// sequence: the key that selects the variant of each element (e.g. "type"); each variant is
    /// a mapping KeySpec whose name is the discriminator value and whose children are its keys.
    std::string variant_key;
    std::vector<KeySpec> variants;
    std::string check_description; ///< what `check` requires, for the reference documentation
    ValueCheck check;

    KeySpec& make_required();
    KeySpec& with_default(std::string yaml_text);
    KeySpec& with_range(double min, double max);
    KeySpec& with_unit(std::string unit_name);
    KeySpec& with_extensions(std::vector<std::string> endings);
    KeySpec& with_exactly_one_of(std::vector<std::string> child_names);
    KeySpec& with_check(std::string description, ValueCheck value_check);
    KeySpec& with_variants(std::string discriminator_key, std::vector<KeySpec> variant_specs);
};

[[nodiscard]] KeySpec string_key(std::string name, std::string help);
[[nodiscard]] KeySpec integer_key(std::string name, std::string help);
[[nodiscard]] KeySpec number_key(std::string name, std::string help);
[[nodiscard]] KeySpec boolean_key(std::string name, std::string help);
[[nodiscard]] KeySpec enum_key(std::string name, std::vector<std::string> allowed,
                               std::string help);
[[nodiscard]] KeySpec path_key(std::string name, std::string help);
[[nodiscard]] KeySpec crs_key(std::string name, std::string help);
[[nodiscard]] KeySpec number_list_key(std::string name, std::vector<std::string> element_names,
                                      std::string help);
[[nodiscard]] KeySpec mapping_key(std::string name, std::vector<KeySpec> children,
                                  std::string help);
[[nodiscard]] KeySpec sequence_key(std::string name, std::vector<KeySpec> element_children,
                                   std::string help);

/// Where a value came from: a line and column of a file, or a command-line option.
struct SourceLocation {
    std::string source;           ///< file name as the user gave it, or "option --set k=v"
    int line = 0;                 ///< 1-based; 0 for a source without lines (an option)
    int column = 0;               ///< 1-based; 0 for a source without lines
    std::size_t source_index = 0; ///< 0 for the file, 1, 2, ... for options in order (sorting)

    /// "file:line:column" or the option text.
    [[nodiscard]] std::string to_string() const;
};

/// Collects problems; throw_if_any() raises one ConfigError listing all of them, one per line,
/// sorted by source (file first, then options), line and column.
class Diagnostics {
public:
    void add(const SourceLocation& where, std::string message);
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    /// "location: message" lines in report order.
    [[nodiscard]] std::vector<std::string> sorted_lines() const;
    /// Throws lauter::sim::ConfigError whose what() is the sorted lines joined by '\n'.
    void throw_if_any() const;

private:
    struct Entry {
        SourceLocation where;
        std::string message;
    };
    std::vector<Entry> entries_;
};

/// One command-line override KEY=VALUE applied to a document.
struct Override {
    std::string key_path;    ///< "study_area.resolution_m"
    std::string option_text; ///< "option --set study_area.resolution_m=25", used in messages
};

/// A parsed YAML document, where it came from and the overrides applied to it.
struct Document {
    std::string source_name;        ///< the file name as given (used in messages)
    std::filesystem::path base_dir; ///< absolute; relative paths in the file resolve against it
    YAML::Node root;
    std::vector<Override> overrides;
};

/// Reads and parses a YAML file. Throws ConfigError (one line, with file:line:column for syntax
/// errors) when the file is missing, a directory, unreadable, not valid YAML or holds more than
/// one YAML document.
[[nodiscard]] Document read_document(const std::filesystem::path& file);

/// Parses YAML text as if read from `source_name`, resolving relative paths against `base_dir`.
[[nodiscard]] Document parse_document(std::string_view yaml_text, std::string source_name,
                                      const std::filesystem::path& base_dir);

/// Applies "KEY.PATH=VALUE" to the document, creating mappings along the path as needed. VALUE is
/// taken as plain text, or parsed as a YAML flow list/mapping when it starts with '[' or '{';
/// an empty VALUE removes the setting (null). The key and value are validated later by validate()
/// exactly like keys in the file; problems name the option instead of a line. Relative paths in
/// options resolve against the current working directory. Throws ConfigError only when the
/// assignment itself is malformed or a prefix of KEY.PATH holds a value that is not a mapping.
void apply_override(Document& doc, std::string_view assignment,
                    std::string_view option_name = "--set");

/// Outcome of validate().
struct ValidationResult {
    /// Every key of the schema in schema order, defaults filled, paths absolute, values in
    /// canonical form; optional keys without a value are null. Keys whose value was rejected are
    /// null as well (the diagnostics say why).
    YAML::Node resolved;
    /// Where each key path was given; defaulted keys point to the nearest given ancestor.
    std::map<std::string, SourceLocation> locations;
    /// Key paths given explicitly with a non-null value (in the file or by an option).
    std::set<std::string> given;
    Diagnostics diagnostics;

    [[nodiscard]] bool is_given(const std::string& key_path) const {
        return given.count(key_path) != 0;
    }
    /// Location of a key path (or of its nearest recorded ancestor, or the start of the file).
    [[nodiscard]] SourceLocation location_of(const std::string& key_path) const;
};

/// Validates `doc` against the mapping `root` (its children are the top-level keys).
[[nodiscard]] ValidationResult validate(const KeySpec& root, const Document& doc);

/// Emits a resolved tree as block YAML (number lists in flow style), preceded by `header_comment`
/// lines (each prefixed with "# ") when not empty.
[[nodiscard]] std::string emit_yaml(const YAML::Node& resolved, std::string_view header_comment);

/// Markdown reference of a schema: one table of every key path (type, default, allowed values,
/// description), the exactly-one-of rules, sequence variants and any extra `rules` lines.
[[nodiscard]] std::string render_markdown(const KeySpec& root, std::string_view title,
                                          std::string_view introduction,
                                          const std::vector<std::string>& rules);

/// Optimal-string-alignment (restricted Damerau-Levenshtein) distance: insertions, deletions,
/// substitutions and transpositions of adjacent characters each cost 1.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` (case-insensitive edit distance) if it is close enough to be a
/// likely misspelling: distance <= 2 or <= a third of the word's length, and smaller than the
/// length of both strings. Ties go to the earliest candidate.
[[nodiscard]] std::optional<std::string> closest_match(std::string_view word,
                                                       const std::vector<std::string>& candidates);

/// Numeric value of a resolved number or integer scalar (canonical text).
[[nodiscard]] double to_number(const YAML::Node& value);
/// Boolean value of a resolved boolean scalar.
[[nodiscard]] bool to_boolean(const YAML::Node& value);

/// A CRS parsed by GDAL/OGR from user input ("EPSG:25832", WKT, PROJ string).
struct CrsInfo {
    std::string wkt;  ///< WKT2 (2019) text of the CRS
    std::string name; ///< e.g. "ETRS89 / UTM zone 32N"
    bool is_projected = false;
    bool is_geographic = false;
    double linear_unit_m = 0.0;   ///< metres per linear unit (projected CRSs)
    std::string linear_unit_name; ///< e.g. "metre"
};

/// Parses a CRS with OGRSpatialReference::SetFromUserInput, without network or file access.
/// Returns nullopt and sets `error` (GDAL's message) when GDAL does not understand it.
[[nodiscard]] std::optional<CrsInfo> parse_crs(std::string_view user_input, std::string& error);

/// Throws ConfigError for a value that passed validation but is not one of an enum's names.
[[noreturn]] void throw_unknown_enum_value(const std::string& name);

/// The names of an enum's values as the strings an enum_key takes.
template <std::size_t N>
[[nodiscard]] std::vector<std::string> to_strings(const std::array<std::string_view, N>& names) {
    return {names.begin(), names.end()};
}

/// Index of `name` in `names`, for a value the schema has already restricted to these names
/// (anything else is an internal error, reported as a ConfigError).
template <std::size_t N>
[[nodiscard]] std::size_t index_of(const std::array<std::string_view, N>& names,
                                   const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
        throw_unknown_enum_value(name);
    }
    return static_cast<std::size_t>(it - names.begin());
}

/// Shortest text that reads back as `value` (std::to_chars), for defaults and messages.
[[nodiscard]] std::string format_number(double value);

/// Child of a mapping node by name, or a null node (never inserts, unlike operator[]).
[[nodiscard]] YAML::Node child(const YAML::Node& node, const std::string& name);

/// The node at a key path below `root`, or a null node where the path ends early.
[[nodiscard]] YAML::Node at_path(const YAML::Node& root, std::initializer_list<const char*> path);

/// A scalar's text, or "" for any other node.
[[nodiscard]] std::string scalar_or_empty(const YAML::Node& node);

} // namespace lauter::sim::schema
