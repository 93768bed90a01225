// `lauter info`: a plain-text summary of a results file.
#include "lauter/sim/results.hpp"

#include "results_hdf5.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>

namespace lauter::sim {

namespace {

/// Display width of UTF-8 text: one column per code point (no wide characters expected).
std::size_t display_width(const std::string& text) {
    std::size_t width = 0;
    for (const char c : text) {
        width += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1U : 0U;
    }
    return width;
}

std::string pad(const std::string& text, std::size_t width, bool right_align) {
    const std::size_t current = display_width(text);
    const std::string fill(width > current ? width - current : 0, ' ');
    return right_align ? fill + text : text + fill;
}

std::string format_number(double value) {
    if (std::isnan(value)) {
        return "-";
    }
    char buffer[48];
    // Large magnitudes (areas in m2, counts) read better as whole numbers than in e-notation.
    if (std::abs(value) >= 1.0e5 && std::abs(value) < 1.0e15) {
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.6g", value);
    }
    return buffer;
}

/// Prints rows as columns separated by two blanks; `right_align[c]` for numeric columns.
void print_aligned(std::ostream& out, const std::string& indent,
                   const std::vector<std::vector<std::string>>& rows,
                   const std::vector<bool>& right_align) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (std::size_t c = 0; c < row.size(); ++c) {
            widths[c] = std::max(widths[c], display_width(row[c]));
        }
    }
    for (const auto& row : rows) {
        std::string line = indent;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const bool right = c < right_align.size() && right_align[c];
            const bool last = c + 1 == row.size();
            line += (c > 0 ? "  " : "") + (last && !right ? row[c] : pad(row[c], widths[c], right));
        }
        out << line << '\n';
    }
}

/// One line of an attribute value: multi-line text is summarised, long text shortened.
std::string one_line(const std::string& value) {
    constexpr std::size_t max_width = 100;
    const auto lines = static_cast<std::size_t>(std::count(value.begin(), value.end(), '\n'));
    if (lines > 0 && value.find('\n') + 1 < value.size()) {
        return "(text of " + std::to_string(lines + (value.back() == '\n' ? 0 : 1)) + " lines)";
    }
    std::string text = value.substr(0, value.find('\n'));
    if (display_width(text) > max_width) {
        std::size_t cut = max_width - 3;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
            --cut;
        }
        text = text.substr(0, cut) + "...";
    }
    return text;
}

void print_attributes(std::ostream& out, const std::string& indent,
                      const std::vector<std::pair<std::string, std::string>>& attributes) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, value] : attributes) {
        rows.push_back({key + ":", one_line(value)});
    }
    print_aligned(out, indent, rows, {false, false});
}

std::string grid_description(const std::filesystem::path& file, const std::string& group,
                             const LayerInfo& first_layer) {
    std::string text =
        std::to_string(first_layer.rows) + " x " + std::to_string(first_layer.cols) + " cells";
    const std::string crs_path = (group == "/" ? "" : group) + "/crs";
    std::string geo_transform;
    std::string crs_wkt;
    std::string x_units = "m";
    try {
        geo_transform = read_attribute(file, crs_path, "GeoTransform").value_or("");
        crs_wkt = read_attribute(file, crs_path, "crs_wkt").value_or("");
        x_units = read_attribute(file, (group == "/" ? "" : group) + "/x", "units").value_or("");
    } catch (const std::exception&) {
        return text; // no grid mapping in this group: shape only
    }
    double values[6] = {};
    if (std::sscanf(geo_transform.c_str(), "%lf %lf %lf %lf %lf %lf", &values[0], &values[1],
                    &values[2], &values[3], &values[4], &values[5]) == 6) {
        const std::string unit = x_units == "m" ? " m" : (x_units.empty() ? "" : " " + x_units);
        text += " of " + detail::format_double(values[1]) + unit + " x " +
                detail::format_double(-values[5]) + unit + ", upper-left corner (" +
                detail::format_double(values[0]) + ", " + detail::format_double(values[3]) + ")";
    }
    text += ", " + detail::describe_crs(crs_wkt);
    return text;
}

void print_layers(std::ostream& out, const std::vector<const LayerInfo*>& layers) {
    std::vector<std::vector<std::string>> rows = {
        {"layer", "units", "min", "mean", "max", "valid cells"}};
    for (const LayerInfo* layer : layers) {
        rows.push_back({detail::leaf_name(layer->path), layer->units.empty() ? "-" : layer->units,
                        format_number(layer->min), format_number(layer->mean),
                        format_number(layer->max),
                        std::to_string(layer->valid_cells) + " of " +
                            std::to_string(layer->rows * layer->cols)});
    }
    print_aligned(out, "    ", rows, {false, false, true, true, true, true});
}

void print_table(std::ostream& out, const std::filesystem::path& file, const TableInfo& info) {
    out << "    table " << detail::leaf_name(info.path) << ": " << info.rows
        << (info.rows == 1 ? " row" : " rows") << '\n';
    const Table table = read_table(file, info.path);
    std::vector<std::vector<std::string>> rows(1);
    std::vector<bool> right_align;
    for (const auto& column : table.columns()) {
        rows[0].push_back(column.units.empty() ? column.name
                                               : column.name + " (" + column.units + ")");
        right_align.push_back(!std::holds_alternative<std::vector<std::string>>(column.values));
    }
    for (std::size_t r = 0; r < table.row_count(); ++r) {
        std::vector<std::string> row;
        for (const auto& column : table.columns()) {
            if (const auto* s = std::get_if<std::vector<std::string>>(&column.values)) {
                row.push_back((*s)[r]);
            } else if (const auto* d = std::get_if<std::vector<double>>(&column.values)) {
                row.push_back(format_number((*d)[r]));
            } else {
                row.push_back(
                    std::to_string(std::get<std::vector<std::int64_t>>(column.values)[r]));
            }
        }
        rows.push_back(std::move(row));
    }
    print_aligned(out, "      ", rows, right_align);
}

} // namespace

void print_results_info(const std::filesystem::path& file, std::ostream& out) {
    const std::vector<std::string> groups = detail::group_paths(file);
    const std::vector<LayerInfo> layers = list_layers(file);
    const std::vector<TableInfo> tables = list_tables(file);

    out << "lauter results file " << file.string() << '\n';
    const std::map<std::string, std::string> labels = {{"title", "title"},
                                                       {"lauter_version", "lauter version"},
                                                       {"git_hash", "git hash"},
                                                       {"created", "created (UTC)"},
                                                       {"attribution", "attribution"},
                                                       {"Conventions", "conventions"}};
    std::vector<std::pair<std::string, std::string>> root_rows;
    for (const char* key :
         {"title", "lauter_version", "git_hash", "created", "attribution", "Conventions"}) {
        if (auto value = read_attribute(file, "/", key)) {
            root_rows.emplace_back(labels.at(key), *value);
        }
    }
    for (const auto& [key, value] : read_attributes(file, "/")) {
        if (labels.count(key) == 0) {
            root_rows.emplace_back(key, value);
        }
    }
    print_attributes(out, "  ", root_rows);
    const bool is_batch = read_attribute(file, "/", "batch_name").has_value();

    for (const std::string& group : groups) {
        const auto parts = detail::split_path(group);
        std::vector<const LayerInfo*> group_layers;
        for (const auto& layer : layers) {
            if (detail::parent_path(layer.path) == group) {
                group_layers.push_back(&layer);
            }
        }
        std::vector<const TableInfo*> group_tables;
        for (const auto& table : tables) {
            if (detail::parent_path(table.path) == group) {
                group_tables.push_back(&table);
            }
        }
        if (parts.size() == 1) {
            // A batch file also holds the comparison group (districts and indicators).
            out << '\n' << (is_batch && parts[0] == "comparison" ? "comparison" : "scenario ")
                << (is_batch && parts[0] == "comparison" ? "" : parts[0]) << '\n';
            print_attributes(out, "  ", read_attributes(file, group));
        }
        if (parts.size() >= 2) {
            // Results a batch member reused are stored once (hard links): name the source
            // instead of repeating the same layers.
            const auto source = read_attribute(file, "/" + parts[0], "reused_" + parts[1]);
            if (source) {
                if (parts.size() == 2) {
                    out << "\n  model " << parts[1] << ": identical to " << *source << "/"
                        << parts[1] << " (reused, stored once)\n";
                }
                continue;
            }
        }
        if (group_layers.empty() && group_tables.empty()) {
            continue;
        }
        out << '\n';
        if (parts.empty()) {
            out << "  top level";
        } else if (parts.size() == 1) {
            out << "  scenario data";
        } else {
            std::string model = parts[1];
            for (std::size_t i = 2; i < parts.size(); ++i) {
                model += "/" + parts[i];
            }
            out << "  model " << model;
        }
        if (!group_layers.empty()) {
            out << ": " << grid_description(file, group, *group_layers.front());
        }
        out << '\n';
        if (!group_layers.empty()) {
            print_layers(out, group_layers);
        }
        for (const TableInfo* table : group_tables) {
            out << '\n';
            print_table(out, file, *table);
        }
    }
}

} // namespace lauter::sim
