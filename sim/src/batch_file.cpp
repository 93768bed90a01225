// Batch files: validation with file:line:column messages and the member scenarios they define.
#include <lauter/sim/batch.hpp>
#include <lauter/sim/modifications.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/schema.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace lauter::sim {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> top_keys{"batch",     "description", "base",  "set",
                                        "districts", "scenarios",   "sweeps"};
const std::vector<std::string> scenario_keys{"name", "description", "set", "modifications"};
const std::vector<std::string> sweep_keys{"name", "from", "vary", "values"};
const std::vector<std::string> district_keys{"file", "name_field", "grid_m"};

/// Member names become HDF5 group names, which the results writer limits to [A-Za-z0-9_].
bool is_member_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_';
           });
}

bool is_batch_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
           });
}

/// A sweep value as part of a member name: digits and letters stay, '.' becomes 'p' and '-'
/// becomes 'm' (0.25 -> 0p25, -1 -> m1), anything else '_'.
std::string name_safe(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_') {
            out += c;
        } else if (c == '.') {
            out += 'p';
        } else if (c == '-') {
            out += 'm';
        } else {
            out += '_';
        }
    }
    return out;
}

std::vector<std::string> split_dots(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t dot = path.find('.', start);
        parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos
                                                                    : dot - start));
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }
    return parts;
}

std::optional<std::size_t> index_of(const std::string& part) {
    if (part.empty() || !std::all_of(part.begin(), part.end(), [](char c) {
            return c >= '0' && c <= '9';
        })) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(std::stoul(part));
}

/// Whether a dotted path (sequence elements by index) leads to a value that is not null.
bool path_exists(const YAML::Node& root, const std::vector<std::string>& parts) {
    YAML::Node current = YAML::Clone(root);
    for (const std::string& part : parts) {
        if (current.IsMap()) {
            const YAML::Node next = schema::child(current, part);
            if (!next || next.IsNull()) {
                return false;
            }
            current.reset(next);
        } else if (current.IsSequence()) {
            const std::optional<std::size_t> index = index_of(part);
            if (!index || *index >= current.size()) {
                return false;
            }
            current.reset(current[*index]);
        } else {
            return false;
        }
    }
    return current.IsDefined() && !current.IsNull();
}

/// Sets the value at a dotted path, creating mappings; false where a sequence index is missing
/// or a prefix holds a scalar.
bool set_path(YAML::Node root, const std::vector<std::string>& parts, const YAML::Node& value) {
    YAML::Node current = root;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const bool last = k + 1 == parts.size();
        if (current.IsSequence()) {
            const std::optional<std::size_t> index = index_of(parts[k]);
            if (!index || *index >= current.size()) {
                return false;
            }
            if (last) {
                current[*index] = value;
                return true;
            }
            YAML::Node next = current[*index];
            current.reset(next);
        } else if (current.IsMap() || current.IsNull()) {
            if (last) {
                current[parts[k]] = value;
                return true;
            }
            YAML::Node next = current[parts[k]];
            current.reset(next);
        } else {
            return false;
        }
    }
    return false;
}

class Loader {
public:
    explicit Loader(const fs::path& file) : file_(file), source_(file.string()) {}

    Batch load();

private:
    schema::SourceLocation at(const YAML::Node& node) const {
        if (!node || node.Mark().is_null()) {
            return {source_, 1, 1, 0};
        }
        return {source_, node.Mark().line + 1, node.Mark().column + 1, 0};
    }
    void error(const YAML::Node& node, const std::string& key, const std::string& message) {
        diagnostics_.add(at(node), key + ": " + message);
    }
    void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                    const std::string& prefix) {
        for (const auto& item : map) {
            const std::string key = item.first.as<std::string>();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                const auto suggestion = schema::closest_match(key, allowed);
                error(item.first, prefix + key,
                      "unknown key" +
                          (suggestion ? "; did you mean '" + *suggestion + "'?"
                                      : "; allowed: " + join(allowed)));
            }
        }
    }
    static std::string join(const std::vector<std::string>& words) {
        std::string text;
        for (const auto& w : words) {
            text += (text.empty() ? "" : ", ") + w;
        }
        return text;
    }
    std::string scalar(const YAML::Node& map, const std::string& key, const std::string& path,
                       bool required) {
        const YAML::Node node = schema::child(map, key);
        if (!node || node.IsNull()) {
            if (required) {
                error(map, path, "missing; it is required");
            }
            return {};
        }
        if (!node.IsScalar()) {
            error(node, path, "must be a text value");
            return {};
        }
        return node.Scalar();
    }
    std::vector<std::string> text_list(const YAML::Node& map, const std::string& key,
                                       const std::string& path) {
        std::vector<std::string> values;
        const YAML::Node node = schema::child(map, key);
        if (!node || node.IsNull()) {
            return values;
        }
        if (!node.IsSequence()) {
            error(node, path,
                  "must be a list of KEY=VALUE texts, e.g. [\"models.runoff.enabled=false\"]");
            return values;
        }
        for (const auto& element : node) {
            if (!element.IsScalar() || element.Scalar().find('=') == std::string::npos) {
                error(element, path, "each element must be a KEY=VALUE text");
                continue;
            }
            values.push_back(element.Scalar());
        }
        return values;
    }

    /// The scenario of a member: base document plus overrides and modifications.
    std::optional<Scenario> member_scenario(const schema::Document& doc, const YAML::Node& where,
                                            const std::string& path) {
        try {
            return load_scenario(doc);
        } catch (const ConfigError& e) {
            error(where, path, "the member's scenario is invalid:\n" + std::string(e.what()));
        } catch (const Error& e) {
            error(where, path, "the member's scenario is invalid: " + std::string(e.what()));
        }
        return std::nullopt;
    }

    schema::Document derive(const schema::Document& from, const std::string& name,
                            const std::string& description, const std::vector<std::string>& set,
                            const YAML::Node& modifications, const YAML::Node& where,
                            const std::string& path) {
        schema::Document doc = from;
        doc.root.reset(YAML::Clone(from.root));
        doc.root["name"] = name;
        if (!description.empty()) {
            doc.root["description"] = description;
        }
        for (const std::string& assignment : set) {
            try {
                schema::apply_override(doc, assignment, "set");
            } catch (const Error& e) {
                error(where, path + ".set", e.what());
            }
        }
        if (modifications && !modifications.IsNull()) {
            if (!modifications.IsSequence()) {
                error(modifications, path + ".modifications", "must be a list of modifications");
            } else {
                YAML::Node list(YAML::NodeType::Sequence);
                const YAML::Node existing = schema::child(doc.root, "modifications");
                if (existing && existing.IsSequence()) {
                    for (const auto& m : existing) {
                        list.push_back(YAML::Clone(m));
                    }
                }
                for (const auto& m : modifications) {
                    list.push_back(YAML::Clone(m));
                }
                doc.root["modifications"] = list;
            }
        }
        return doc;
    }

    fs::path file_;
    std::string source_;
    schema::Diagnostics diagnostics_;
};

Batch Loader::load() {
    const schema::Document batch_doc = schema::read_document(file_);
    const YAML::Node root = batch_doc.root;
    Batch batch;
    batch.source_file = file_;
    if (!root.IsMap()) {
        error(root, "batch file", "must be a mapping with the keys " + join(top_keys));
        diagnostics_.throw_if_any();
    }
    check_keys(root, top_keys, "");
    batch.name = scalar(root, "batch", "batch", true);
    if (!batch.name.empty() && !is_batch_name(batch.name)) {
        error(schema::child(root, "batch"), "batch",
              "'" + batch.name + "' is not a valid name; use 1 to 64 of A-Z a-z 0-9 _ -");
    }
    batch.description = scalar(root, "description", "description", false);
    const std::string base_text = scalar(root, "base", "base", true);
    const std::vector<std::string> batch_set = text_list(root, "set", "set");

    YAML::Node resolved_districts(YAML::NodeType::Map);
    if (const YAML::Node d = schema::child(root, "districts"); d && !d.IsNull()) {
        if (!d.IsMap()) {
            error(d, "districts", "must be a mapping with file (and name_field) or grid_m");
        } else {
            check_keys(d, district_keys, "districts.");
            const std::string file = scalar(d, "file", "districts.file", false);
            const YAML::Node grid = schema::child(d, "grid_m");
            if (!file.empty() && grid) {
                error(d, "districts", "give either file or grid_m, not both");
            }
            if (!file.empty()) {
                const fs::path path = fs::absolute(batch_doc.base_dir / file).lexically_normal();
                std::error_code ec;
                if (!fs::is_regular_file(path, ec)) {
                    error(schema::child(d, "file"), "districts.file",
                          "'" + path.string() + "' does not exist; give a polygon file");
                }
                batch.districts.file = path;
                batch.districts.name_field = scalar(d, "name_field", "districts.name_field", false);
                resolved_districts["file"] = path.string();
                resolved_districts["name_field"] = batch.districts.name_field;
            } else if (grid) {
                double value = std::nan("");
                try {
                    value = grid.as<double>();
                } catch (const YAML::Exception&) {
                    value = std::nan("");
                }
                if (!(value > 0.0) || !std::isfinite(value)) {
                    error(grid, "districts.grid_m", "must be a number > 0 (metres)");
                } else {
                    batch.districts.grid_m = value;
                }
            }
        }
    }
    if (!batch.districts.file) {
        resolved_districts["grid_m"] = batch.districts.grid_m;
    }

    std::optional<schema::Document> base_doc;
    if (!base_text.empty()) {
        batch.base_file = fs::absolute(batch_doc.base_dir / base_text).lexically_normal();
        std::error_code ec;
        if (!fs::is_regular_file(batch.base_file, ec)) {
            error(schema::child(root, "base"), "base",
                  "the scenario file '" + batch.base_file.string() +
                      "' does not exist; give a path relative to the batch file");
        } else {
            try {
                base_doc = schema::read_document(batch.base_file);
            } catch (const Error& e) {
                error(schema::child(root, "base"), "base", e.what());
            }
        }
    }
    // Without a readable base no member can be resolved: report what we have.
    diagnostics_.throw_if_any();

    std::vector<schema::Document> docs;
    std::set<std::string> names;
    const auto add_member = [&](schema::Document doc, const std::string& name,
                                const std::string& description, const YAML::Node& where,
                                const std::string& path) {
        if (!is_member_name(name)) {
            error(where, path + ".name",
                  "'" + name + "' is not a valid member name; use 1 to 64 of A-Z a-z 0-9 _");
            return;
        }
        if (name == "comparison") {
            error(where, path + ".name", "'comparison' is reserved for the comparison group");
            return;
        }
        if (!names.insert(name).second) {
            error(where, path + ".name", "duplicate member name '" + name + "'");
            return;
        }
        std::optional<Scenario> scenario = member_scenario(doc, where, path);
        if (!scenario) {
            return;
        }
        BatchMember member;
        member.name = name;
        member.description = description.empty() ? scenario->description : description;
        for (const Modification& m : scenario->modifications) {
            member.modification_lines.push_back(describe(m));
        }
        member.scenario = std::move(*scenario);
        batch.members.push_back(std::move(member));
        docs.push_back(std::move(doc));
    };

    add_member(derive(*base_doc, "baseline", "", batch_set, YAML::Node(), root, "base"),
               "baseline", "", schema::child(root, "base"), "base");
    if (batch.members.empty()) {
        diagnostics_.throw_if_any();
    }

    YAML::Node resolved_scenarios(YAML::NodeType::Sequence);
    if (const YAML::Node list = schema::child(root, "scenarios"); list && !list.IsNull()) {
        if (!list.IsSequence()) {
            error(list, "scenarios", "must be a list of scenarios (name, description, set, "
                                     "modifications)");
        } else {
            std::size_t i = 0;
            for (const auto& entry : list) {
                const std::string path = "scenarios." + std::to_string(i++);
                if (!entry.IsMap()) {
                    error(entry, path, "must be a mapping with name, description, set, "
                                       "modifications");
                    continue;
                }
                check_keys(entry, scenario_keys, path + ".");
                const std::string name = scalar(entry, "name", path + ".name", true);
                if (name.empty()) {
                    continue;
                }
                const std::string description =
                    scalar(entry, "description", path + ".description", false);
                std::vector<std::string> set = batch_set;
                for (const std::string& s : text_list(entry, "set", path + ".set")) {
                    set.push_back(s);
                }
                add_member(derive(*base_doc, name, description, set,
                                  schema::child(entry, "modifications"), entry, path),
                           name, description, entry, path);
                resolved_scenarios.push_back(YAML::Clone(entry));
            }
        }
    }

    YAML::Node resolved_sweeps(YAML::NodeType::Sequence);
    if (const YAML::Node list = schema::child(root, "sweeps"); list && !list.IsNull()) {
        if (!list.IsSequence()) {
            error(list, "sweeps", "must be a list of sweeps (name, from, vary, values)");
        } else {
            std::size_t i = 0;
            for (const auto& entry : list) {
                const std::string path = "sweeps." + std::to_string(i++);
                if (!entry.IsMap()) {
                    error(entry, path, "must be a mapping with name, from, vary, values");
                    continue;
                }
                check_keys(entry, sweep_keys, path + ".");
                const std::string name = scalar(entry, "name", path + ".name", true);
                const std::string from = scalar(entry, "from", path + ".from", true);
                const std::string vary = scalar(entry, "vary", path + ".vary", true);
                const YAML::Node values = schema::child(entry, "values");
                if (!values || !values.IsSequence() || values.size() == 0) {
                    error(values ? values : entry, path + ".values",
                          "must be a non-empty list of values");
                    continue;
                }
                if (name.empty() || from.empty() || vary.empty()) {
                    continue;
                }
                std::size_t source = batch.members.size();
                for (std::size_t m = 0; m < batch.members.size(); ++m) {
                    source = batch.members[m].name == from ? m : source;
                }
                if (source == batch.members.size()) {
                    std::vector<std::string> known;
                    for (const auto& m : batch.members) {
                        known.push_back(m.name);
                    }
                    error(schema::child(entry, "from"), path + ".from",
                          "'" + from + "' is not a member defined above; members: " +
                              join(known));
                    continue;
                }
                const std::vector<std::string> parts = split_dots(vary);
                const YAML::Node resolved_source =
                    YAML::Load(batch.members[source].scenario.resolved_yaml);
                if (!path_exists(docs[source].root, parts) && !path_exists(resolved_source, parts)) {
                    error(schema::child(entry, "vary"), path + ".vary",
                          "'" + vary + "' is not a key of member '" + from +
                              "' (list elements by index, e.g. modifications.0.share)");
                    continue;
                }
                for (const auto& value : values) {
                    if (!value.IsScalar()) {
                        error(value, path + ".values", "each value must be a single value");
                        continue;
                    }
                    schema::Document doc = docs[source];
                    doc.root.reset(YAML::Clone(docs[source].root));
                    const std::string member_name = name + "_" + name_safe(value.Scalar());
                    doc.root["name"] = member_name;
                    doc.overrides.push_back(schema::Override{
                        vary, "sweep '" + name + "' value " + value.Scalar() + " (" +
                                  at(value).to_string() + ")"});
                    if (!set_path(doc.root, parts, YAML::Clone(value))) {
                        error(schema::child(entry, "vary"), path + ".vary",
                              "'" + vary + "' cannot be set in member '" + from + "'");
                        break;
                    }
                    add_member(std::move(doc), member_name,
                               batch.members[source].description + " (" + vary + " = " +
                                   value.Scalar() + ")",
                               value, path);
                }
                resolved_sweeps.push_back(YAML::Clone(entry));
            }
        }
    }
    diagnostics_.throw_if_any();

    YAML::Node resolved(YAML::NodeType::Map);
    resolved["batch"] = batch.name;
    resolved["description"] = batch.description;
    resolved["base"] = batch.base_file.string();
    YAML::Node set_node(YAML::NodeType::Sequence);
    for (const auto& s : batch_set) {
        set_node.push_back(s);
    }
    resolved["set"] = set_node;
    resolved["districts"] = resolved_districts;
    resolved["scenarios"] = resolved_scenarios;
    resolved["sweeps"] = resolved_sweeps;
    YAML::Emitter e;
    e << resolved;
    batch.resolved_yaml = e.c_str();
    return batch;
}

} // namespace

Batch load_batch(const std::filesystem::path& file) {
    Loader loader(file);
    return loader.load();
}

} // namespace lauter::sim
