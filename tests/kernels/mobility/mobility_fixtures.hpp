#pragma once
// Small hand-made street networks for the mobility kernel tests.

#include <lauter/kernels/mobility/graph.hpp>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lauter::test {

/// Tags as a map, handed to decode_way_tags.
inline kernels::mobility::WayTags decode(const std::map<std::string, std::string>& tags,
                                         bool* routable = nullptr) {
    kernels::mobility::WayTags out;
    const bool ok = kernels::mobility::decode_way_tags(
        [&tags](std::string_view key) -> std::string_view {
            const auto it = tags.find(std::string(key));
            return it == tags.end() ? std::string_view{} : std::string_view(it->second);
        },
        out);
    if (routable != nullptr) {
        *routable = ok;
    }
    return out;
}

/// Builds NetworkInput from node positions and ways given as node lists plus tags.
class NetworkBuilder {
public:
    std::uint32_t node(double x, double y) {
        input_.node_x_m.push_back(x);
        input_.node_y_m.push_back(y);
        return static_cast<std::uint32_t>(input_.node_x_m.size() - 1);
    }
    void way(std::initializer_list<std::uint32_t> nodes,
             const std::map<std::string, std::string>& tags, std::int64_t osm_id = 0) {
        kernels::mobility::WayRecord w;
        w.osm_id = osm_id != 0 ? osm_id : static_cast<std::int64_t>(input_.ways.size() + 1);
        w.first_node = static_cast<std::uint32_t>(input_.way_nodes.size());
        w.node_count = static_cast<std::uint32_t>(nodes.size());
        bool ok = false;
        w.tags = decode(tags, &ok);
        input_.way_nodes.insert(input_.way_nodes.end(), nodes.begin(), nodes.end());
        input_.ways.push_back(w);
    }
    [[nodiscard]] const kernels::mobility::NetworkInput& input() const { return input_; }
    kernels::mobility::NetworkInput& input() { return input_; }

private:
    kernels::mobility::NetworkInput input_;
};

/// A rows x cols grid of residential streets with `spacing_m` between junctions; every street
/// segment is its own way (two-way for every mode).
inline kernels::mobility::NetworkInput grid_network(std::uint32_t rows, std::uint32_t cols,
                                                    double spacing_m) {
    NetworkBuilder b;
    for (std::uint32_t r = 0; r < rows; ++r) {
        for (std::uint32_t c = 0; c < cols; ++c) {
            b.node(static_cast<double>(c) * spacing_m, static_cast<double>(r) * spacing_m);
        }
    }
    const std::map<std::string, std::string> tags{{"highway", "residential"}};
    for (std::uint32_t r = 0; r < rows; ++r) {
        for (std::uint32_t c = 0; c < cols; ++c) {
            const std::uint32_t v = r * cols + c;
            if (c + 1 < cols) {
                b.way({v, v + 1}, tags);
            }
            if (r + 1 < rows) {
                b.way({v, v + cols}, tags);
            }
        }
    }
    return b.input();
}

} // namespace lauter::test
