// Table: named, equal-length columns for the results file.
#include "lauter/sim/results.hpp"

#include "results_hdf5.hpp"

#include <stdexcept>

namespace lauter::sim {

std::size_t TableColumn::size() const noexcept {
    return std::visit([](const auto& v) { return v.size(); }, values);
}

Table& Table::add_column(std::string name, std::vector<double> values, std::string units) {
    add(TableColumn{std::move(name), std::move(units), std::move(values)});
    return *this;
}

Table& Table::add_column(std::string name, std::vector<std::int64_t> values, std::string units) {
    add(TableColumn{std::move(name), std::move(units), std::move(values)});
    return *this;
}

Table& Table::add_column(std::string name, std::vector<std::string> values, std::string units) {
    add(TableColumn{std::move(name), std::move(units), std::move(values)});
    return *this;
}

void Table::add(TableColumn column) {
    if (!detail::is_plain_name(column.name)) {
        throw std::invalid_argument("table column name '" + column.name +
                                    "' is not allowed; use letters, digits and '_'");
    }
    for (const auto& existing : columns_) {
        if (existing.name == column.name) {
            throw std::invalid_argument("table already has a column '" + column.name + "'");
        }
    }
    if (!columns_.empty() && column.size() != row_count()) {
        throw std::invalid_argument("table column '" + column.name + "' has " +
                                    std::to_string(column.size()) + " rows, the others have " +
                                    std::to_string(row_count()));
    }
    columns_.push_back(std::move(column));
}

std::size_t Table::row_count() const noexcept {
    return columns_.empty() ? 0 : columns_.front().size();
}

const TableColumn& Table::column(const std::string& name) const {
    std::string names;
    for (const auto& c : columns_) {
        if (c.name == name) {
            return c;
        }
        names += (names.empty() ? "" : ", ") + c.name;
    }
    throw std::out_of_range("table has no column '" + name +
                            "'; columns: " + (names.empty() ? "(none)" : names));
}

} // namespace lauter::sim
