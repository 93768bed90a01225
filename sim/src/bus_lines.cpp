#include <lauter/sim/bus_lines.hpp>

#include "gdal_support.hpp"

#include <lauter/kernels/mobility/accessibility.hpp>
#include <lauter/kernels/mobility/routing.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/osm_network.hpp>
#include <lauter/sim/progress.hpp>

#include <cpl_vsi.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

namespace lauter::sim {

namespace mob = kernels::mobility;

namespace {

/// One XML start or end tag: name ("node", "/node", ...), attributes, self-closing flag.
struct XmlTag {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    bool self_closing = false;

    [[nodiscard]] std::string_view get(std::string_view key) const {
        for (const auto& [k, v] : attributes) {
            if (k == key) {
                return v;
            }
        }
        return {};
    }
};

/// Replaces the five predefined XML entities and numeric character references (ASCII only;
/// others stay as written).
std::string xml_unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        const std::size_t end = text.find(';', i);
        if (end == std::string_view::npos) {
            out.push_back(text[i]);
            continue;
        }
        const std::string_view entity = text.substr(i + 1, end - i - 1);
        if (entity == "amp") {
            out.push_back('&');
        } else if (entity == "quot") {
            out.push_back('"');
        } else if (entity == "apos") {
            out.push_back('\'');
        } else if (entity == "lt") {
            out.push_back('<');
        } else if (entity == "gt") {
            out.push_back('>');
        } else if (!entity.empty() && entity[0] == '#') {
            int code = 0;
            const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
            const std::string_view digits = entity.substr(hex ? 2 : 1);
            std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
            if (code > 0 && code < 128) {
                out.push_back(static_cast<char>(code));
            } else {
                out.append(text.substr(i, end - i + 1));
            }
        } else {
            out.append(text.substr(i, end - i + 1));
        }
        i = end;
    }
    return out;
}

/// Streams the tags of an XML file (through GDAL's virtual file system, so .gz works). Only the
/// names of `wanted` tags get their attributes parsed; text content is skipped.
class XmlTagReader {
public:
    explicit XmlTagReader(const std::filesystem::path& path) : name_(path.string()) {
        detail::ensure_gdal_registered();
        file_ = VSIFOpenL(detail::gdal_path(path).c_str(), "rb");
        if (file_ == nullptr) {
            throw InputError("cannot open OpenStreetMap file '" + name_ + "' to read its bus "
                             "route relations; check the path and permissions");
        }
    }
    XmlTagReader(const XmlTagReader&) = delete;
    XmlTagReader& operator=(const XmlTagReader&) = delete;
    ~XmlTagReader() { VSIFCloseL(file_); }

    /// Next tag; false at the end of the file.
    bool next(XmlTag& tag) {
        while (true) {
            const std::size_t open = buffer_.find('<', pos_);
            if (open == std::string::npos) {
                pos_ = buffer_.size();
                if (!refill()) {
                    return false;
                }
                continue;
            }
            const std::size_t close = buffer_.find('>', open);
            if (close == std::string::npos) {
                pos_ = open;
                if (!refill()) {
                    return false;
                }
                continue;
            }
            pos_ = close + 1;
            const std::string_view body(buffer_.data() + open + 1, close - open - 1);
            if (body.empty() || body[0] == '?' || body[0] == '!') {
                continue; // declarations and comments (OSM files have no '>' inside comments)
            }
            parse(body, tag);
            return true;
        }
    }

private:
    bool refill() {
        buffer_.erase(0, pos_);
        pos_ = 0;
        constexpr std::size_t chunk = 1U << 20U;
        const std::size_t old = buffer_.size();
        buffer_.resize(old + chunk);
        const std::size_t got = VSIFReadL(buffer_.data() + old, 1, chunk, file_);
        buffer_.resize(old + got);
        return got > 0;
    }

    static void parse(std::string_view body, XmlTag& tag) {
        tag.attributes.clear();
        tag.self_closing = !body.empty() && body.back() == '/';
        if (tag.self_closing) {
            body.remove_suffix(1);
        }
        std::size_t i = body.find_first_of(" \t\r\n");
        tag.name.assign(body.substr(0, i));
        if (tag.name != "node" && tag.name != "tag" && tag.name != "member" &&
            tag.name != "relation") {
            return;
        }
        while (i != std::string_view::npos && i < body.size()) {
            const std::size_t eq = body.find('=', i);
            if (eq == std::string_view::npos) {
                break;
            }
            const std::size_t q = body.find_first_of("\"'", eq);
            if (q == std::string_view::npos) {
                break;
            }
            const std::size_t q_end = body.find(body[q], q + 1);
            if (q_end == std::string_view::npos) {
                break;
            }
            std::string_view key = body.substr(i, eq - i);
            while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front())) != 0) {
                key.remove_prefix(1);
            }
            while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back())) != 0) {
                key.remove_suffix(1);
            }
            tag.attributes.emplace_back(std::string(key),
                                        xml_unescape(body.substr(q + 1, q_end - q - 1)));
            i = q_end + 1;
        }
    }

    std::string name_;
    VSILFILE* file_ = nullptr;
    std::string buffer_;
    std::size_t pos_ = 0;
};

std::int64_t to_id(std::string_view text) {
    std::int64_t id = 0;
    std::from_chars(text.data(), text.data() + text.size(), id);
    return id;
}

double to_double(std::string_view text) {
    return std::strtod(std::string(text).c_str(), nullptr);
}

struct RawMember {
    std::int64_t ref = 0;
    std::string role;
};

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

std::string lower_extension(const std::filesystem::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

} // namespace

OsmBusData read_osm_bus_routes(const std::filesystem::path& osm_path,
                               const std::string& crs_wkt) {
    OsmBusData out;
    if (lower_extension(osm_path) == ".pbf") {
        log_info("bus lines: " + osm_path.string() + " is a .pbf file: its route relations are "
                 "not read (use an .osm/.osm.gz extract or define the lines in "
                 "models.mobility.bus.lines_file)");
        return out;
    }
    struct NodeInfo {
        double lon = 0.0;
        double lat = 0.0;
    };
    std::unordered_map<std::int64_t, NodeInfo> nodes;
    std::unordered_map<std::int64_t, std::string> stop_names;
    std::set<std::int64_t> stop_like;
    struct RawRoute {
        BusRoute route;
        std::vector<RawMember> members;
    };
    std::vector<RawRoute> raw;

    XmlTagReader reader(osm_path);
    XmlTag tag;
    enum class Inside : std::uint8_t { none, node, relation, other };
    Inside inside = Inside::none;
    std::int64_t node_id = 0;
    bool node_is_stop = false;
    std::string node_name;
    RawRoute relation;
    std::string rel_type;
    std::string rel_route;
    const auto finish_node = [&] {
        if (node_is_stop) {
            stop_like.insert(node_id);
            stop_names[node_id] = node_name;
        } else if (!node_name.empty()) {
            stop_names[node_id] = node_name;
        }
    };
    while (reader.next(tag)) {
        if (tag.name == "node") {
            node_id = to_id(tag.get("id"));
            nodes[node_id] = {to_double(tag.get("lon")), to_double(tag.get("lat"))};
            node_is_stop = false;
            node_name.clear();
            inside = tag.self_closing ? Inside::none : Inside::node;
        } else if (tag.name == "/node") {
            finish_node();
            inside = Inside::none;
        } else if (tag.name == "relation") {
            relation = RawRoute{};
            relation.route.relation_id = to_id(tag.get("id"));
            rel_type.clear();
            rel_route.clear();
            inside = tag.self_closing ? Inside::none : Inside::relation;
        } else if (tag.name == "/relation") {
            if (rel_type == "route" && rel_route == "bus") {
                raw.push_back(std::move(relation));
            }
            inside = Inside::none;
        } else if (tag.name == "way") {
            inside = tag.self_closing ? Inside::none : Inside::other;
        } else if (tag.name == "/way") {
            inside = Inside::none;
        } else if (tag.name == "tag" && inside == Inside::node) {
            const std::string_view k = tag.get("k");
            const std::string_view v = tag.get("v");
            if (k == "name") {
                node_name = v;
            } else if ((k == "highway" && v == "bus_stop") || k == "public_transport") {
                node_is_stop = true;
            }
        } else if (tag.name == "tag" && inside == Inside::relation) {
            const std::string_view k = tag.get("k");
            const std::string v(tag.get("v"));
            if (k == "type") {
                rel_type = v;
            } else if (k == "route") {
                rel_route = v;
            } else if (k == "ref") {
                relation.route.ref = v;
            } else if (k == "name") {
                relation.route.name = v;
            } else if (k == "from") {
                relation.route.from = v;
            } else if (k == "to") {
                relation.route.to = v;
            }
        } else if (tag.name == "member" && inside == Inside::relation &&
                   tag.get("type") == "node") {
            relation.members.push_back({to_id(tag.get("ref")), std::string(tag.get("role"))});
        }
    }

    // Stops per route: role stop*, else platform*, else every node member (see the header).
    std::vector<double> lon;
    std::vector<double> lat;
    for (RawRoute& r : raw) {
        const auto pick = [&r](auto accept) {
            std::vector<std::int64_t> ids;
            for (const RawMember& m : r.members) {
                if (accept(m.role)) {
                    ids.push_back(m.ref);
                }
            }
            return ids;
        };
        std::vector<std::int64_t> ids =
            pick([](const std::string& role) { return starts_with(role, "stop"); });
        if (ids.empty()) {
            ids = pick([](const std::string& role) { return starts_with(role, "platform"); });
        }
        if (ids.empty()) {
            ids = pick([](const std::string&) { return true; });
        }
        for (const std::int64_t id : ids) {
            const auto it = nodes.find(id);
            if (it == nodes.end()) {
                continue; // outside the extract: the route is clipped
            }
            stop_like.insert(id);
            BusRouteStop stop;
            stop.osm_id = id;
            if (const auto n = stop_names.find(id); n != stop_names.end()) {
                stop.name = n->second;
            }
            r.route.stops.push_back(std::move(stop));
        }
    }
    for (const std::int64_t id : stop_like) {
        BusRouteStop stop;
        stop.osm_id = id;
        if (const auto n = stop_names.find(id); n != stop_names.end()) {
            stop.name = n->second;
        }
        out.stop_nodes.emplace(id, std::move(stop));
        lon.push_back(nodes[id].lon);
        lat.push_back(nodes[id].lat);
    }
    lonlat_to_crs(crs_wkt, lon, lat);
    std::size_t k = 0;
    for (auto& [id, stop] : out.stop_nodes) {
        stop.x_m = lon[k];
        stop.y_m = lat[k];
        ++k;
    }
    for (RawRoute& r : raw) {
        if (r.route.stops.size() < 2) {
            continue;
        }
        for (BusRouteStop& stop : r.route.stops) {
            const BusRouteStop& known = out.stop_nodes.at(stop.osm_id);
            stop.x_m = known.x_m;
            stop.y_m = known.y_m;
        }
        out.routes.push_back(std::move(r.route));
    }
    return out;
}

std::vector<BusLineSpec> read_bus_line_file(const std::filesystem::path& path) {
    const std::string file = path.string();
    YAML::Node doc;
    try {
        doc = YAML::LoadFile(file);
    } catch (const YAML::BadFile&) {
        throw InputError("cannot read the bus line file '" + file +
                         "' (models.mobility.bus.lines_file); check the path");
    } catch (const YAML::Exception& e) {
        throw InputError(file + ":" + std::to_string(e.mark.line + 1) +
                         ": not valid YAML (" + e.msg + "); fix the bus line file");
    }
    const auto line_of = [](const YAML::Node& n) {
        return n.Mark().is_null() ? 0 : n.Mark().line + 1;
    };
    const auto fail = [&file](int line, const std::string& what) {
        throw InputError(file + ":" + std::to_string(line) + ": " + what);
    };
    const YAML::Node lines = doc.IsMap() ? doc["lines"] : YAML::Node();
    if (!lines || !lines.IsSequence()) {
        fail(doc && !doc.Mark().is_null() ? line_of(doc) : 1,
             "the bus line file needs a top-level `lines:` list (see docs/mobility-demand.md)");
    }
    for (const auto& item : doc) {
        if (item.first.Scalar() != "lines") {
            fail(line_of(item.first), "unknown key '" + item.first.Scalar() +
                                          "'; the bus line file has only `lines:`");
        }
    }
    static const std::set<std::string> known = {"ref",       "name",       "headway_min",
                                                "speed_factor", "stops_osm", "stops_lonlat",
                                                "both_directions"};
    std::vector<BusLineSpec> out;
    std::set<std::string> refs;
    for (const auto& entry : lines) {
        const int line = line_of(entry);
        if (!entry.IsMap()) {
            fail(line, "each entry of `lines:` must be a mapping with at least `ref`");
        }
        BusLineSpec spec;
        spec.line = line;
        const YAML::Node ref = entry["ref"];
        if (!ref || !ref.IsScalar() || ref.Scalar().empty()) {
            fail(line, "a line without `ref`; give the line number, e.g. ref: \"105\"");
        }
        spec.ref = ref.Scalar();
        const std::string who = "line '" + spec.ref + "': ";
        if (!refs.insert(spec.ref).second) {
            fail(line, who + "ref given twice; merge the two entries");
        }
        for (const auto& kv : entry) {
            if (known.count(kv.first.Scalar()) == 0) {
                fail(line_of(kv.first), who + "unknown key '" + kv.first.Scalar() +
                                            "'; known keys: ref, name, headway_min, "
                                            "speed_factor, stops_osm, stops_lonlat, "
                                            "both_directions");
            }
        }
        const auto number = [&](const char* key, double lo, double hi) -> std::optional<double> {
            const YAML::Node v = entry[key];
            if (!v) {
                return std::nullopt;
            }
            double x = std::numeric_limits<double>::quiet_NaN();
            if (v.IsScalar()) {
                const std::string& t = v.Scalar();
                const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), x);
                if (ec != std::errc() || p != t.data() + t.size()) {
                    x = std::numeric_limits<double>::quiet_NaN();
                }
            }
            if (!(x >= lo && x <= hi)) {
                fail(line_of(v), who + key + " must be a number in [" + std::to_string(lo) +
                                     ", " + std::to_string(hi) + "]");
            }
            return x;
        };
        if (const YAML::Node v = entry["name"]; v && v.IsScalar()) {
            spec.name = v.Scalar();
        }
        spec.headway_min = number("headway_min", 1.0, 240.0);
        spec.speed_factor = number("speed_factor", 0.1, 2.0);
        if (const YAML::Node v = entry["both_directions"]; v) {
            if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false")) {
                fail(line_of(v), who + "both_directions must be true or false");
            }
            spec.both_directions = v.Scalar() == "true";
        }
        if (const YAML::Node v = entry["stops_osm"]; v) {
            if (!v.IsSequence() || v.size() < 2) {
                fail(line_of(v), who + "stops_osm must be a list of at least 2 OSM node ids");
            }
            for (const auto& id : v) {
                const std::int64_t n = id.IsScalar() ? to_id(id.Scalar()) : 0;
                if (n <= 0) {
                    fail(line_of(id), who + "stops_osm entries must be positive OSM node ids");
                }
                spec.stops_osm.push_back(n);
            }
        }
        if (const YAML::Node v = entry["stops_lonlat"]; v) {
            if (!v.IsSequence() || v.size() < 2) {
                fail(line_of(v), who + "stops_lonlat must be a list of at least 2 [lon, lat]");
            }
            for (const auto& p : v) {
                if (!p.IsSequence() || p.size() != 2 || !p[0].IsScalar() || !p[1].IsScalar()) {
                    fail(line_of(p), who + "each stops_lonlat entry must be [lon, lat]");
                }
                const double x = to_double(p[0].Scalar());
                const double y = to_double(p[1].Scalar());
                if (!(x >= -180.0 && x <= 180.0 && y >= -90.0 && y <= 90.0)) {
                    fail(line_of(p), who + "stops_lonlat entry is not a WGS84 [lon, lat]");
                }
                spec.stops_lonlat.push_back({x, y});
            }
        }
        if (!spec.stops_osm.empty() && !spec.stops_lonlat.empty()) {
            fail(line, who + "give stops_osm or stops_lonlat, not both");
        }
        out.push_back(std::move(spec));
    }
    return out;
}

namespace {

/// A route before it becomes transit lines: stops with snapped nodes, its ref and headway.
struct PlacedRoute {
    std::string ref;
    std::string name;
    std::vector<std::uint32_t> walk;
    std::vector<mob::NodeId> car;
    double headway_min = 0.0;
    double speed_factor = 1.0;
};

} // namespace

BusLineTable build_bus_line_table(const mob::Graph& graph, std::span<const float> car_time_s,
                                  const OsmBusData& osm,
                                  const std::vector<BusLineSpec>& file_lines,
                                  const std::filesystem::path& line_file,
                                  const std::string& crs_wkt, const NodeSnap& snap_walk,
                                  const NodeSnap& snap_car, const BusTableSettings& settings) {
    std::map<std::string, const BusLineSpec*> spec_of;
    for (const BusLineSpec& spec : file_lines) {
        spec_of[spec.ref] = &spec;
    }
    BusLineTable table;
    std::vector<PlacedRoute> placed;
    const auto place = [&](const std::vector<BusRouteStop>& stops, PlacedRoute r) {
        for (const BusRouteStop& stop : stops) {
            const auto [w, dw] = snap_walk(stop.x_m, stop.y_m);
            const auto [c, dc] = snap_car(stop.x_m, stop.y_m);
            if (w == mob::invalid_id || c == mob::invalid_id || !(dw <= settings.max_snap_m) ||
                !(dc <= settings.max_snap_m)) {
                continue;
            }
            if (!r.walk.empty() && r.walk.back() == w) {
                continue; // two members at one place (stop position and platform)
            }
            r.walk.push_back(w);
            r.car.push_back(c);
        }
        if (r.walk.size() >= 2) {
            placed.push_back(std::move(r));
            return true;
        }
        return false;
    };
    const auto with_spec = [&](PlacedRoute r) {
        const auto it = spec_of.find(r.ref);
        const BusLineSpec* spec = it == spec_of.end() ? nullptr : it->second;
        r.headway_min = spec != nullptr && spec->headway_min ? *spec->headway_min
                                                             : settings.default_headway_min;
        r.speed_factor = spec != nullptr && spec->speed_factor ? *spec->speed_factor
                                                               : settings.speed_factor;
        if (spec != nullptr && !spec->name.empty()) {
            r.name = spec->name;
        }
        return r;
    };
    std::set<std::string> osm_refs;
    for (const BusRoute& route : osm.routes) {
        PlacedRoute r;
        r.ref = route.ref;
        r.name = !route.from.empty() && !route.to.empty() ? route.from + " -> " + route.to
                                                          : route.name;
        if (place(route.stops, with_spec(std::move(r)))) {
            ++table.osm_routes;
            osm_refs.insert(route.ref);
        }
    }
    for (const BusLineSpec& spec : file_lines) {
        if (spec.stops_osm.empty() && spec.stops_lonlat.empty()) {
            if (osm_refs.count(spec.ref) == 0) {
                log_warning("bus lines: " + line_file.string() + ":" + std::to_string(spec.line) +
                            ": line '" + spec.ref + "' has no stops in the file and no OSM "
                            "route on the network; it changes nothing");
            }
            continue;
        }
        std::vector<BusRouteStop> stops;
        if (!spec.stops_osm.empty()) {
            for (const std::int64_t id : spec.stops_osm) {
                const auto it = osm.stop_nodes.find(id);
                if (it == osm.stop_nodes.end()) {
                    throw InputError(line_file.string() + ":" + std::to_string(spec.line) +
                                     ": line '" + spec.ref + "': OSM node " + std::to_string(id) +
                                     " is no bus stop of the OSM extract; give a stop node id "
                                     "or use stops_lonlat");
                }
                stops.push_back(it->second);
            }
        } else {
            std::vector<double> x;
            std::vector<double> y;
            for (const auto& p : spec.stops_lonlat) {
                x.push_back(p[0]);
                y.push_back(p[1]);
            }
            lonlat_to_crs(crs_wkt, x, y);
            for (std::size_t i = 0; i < x.size(); ++i) {
                BusRouteStop stop;
                stop.x_m = x[i];
                stop.y_m = y[i];
                stops.push_back(stop);
            }
        }
        PlacedRoute r;
        r.ref = spec.ref;
        r.name = spec.name.empty() ? spec.ref : spec.name;
        r = with_spec(std::move(r));
        const std::size_t before = placed.size();
        const bool forward = place(stops, r);
        if (forward && spec.both_directions) {
            std::reverse(stops.begin(), stops.end());
            place(stops, r);
        }
        if (!forward) {
            throw InputError(line_file.string() + ":" + std::to_string(spec.line) + ": line '" +
                             spec.ref + "': fewer than 2 of its stops lie within "
                             "travel.max_snap_m of the street network; check the stops");
        }
        table.file_routes += placed.size() - before;
    }

    // Transit stops and ride times.
    std::map<std::uint32_t, std::uint32_t> stop_of_node;
    std::map<std::string, std::uint32_t> service_of_ref;
    mob::ShortestPathQuery query(graph);
    std::size_t cuts = 0;
    const auto lengths = graph.length_m();
    for (const PlacedRoute& r : placed) {
        const auto service = service_of_ref
                                 .emplace(r.ref, static_cast<std::uint32_t>(service_of_ref.size()))
                                 .first->second;
        mob::TransitLine line;
        line.headway_min = r.headway_min;
        double length_m = 0.0;
        const auto flush = [&] {
            if (line.stops.size() >= 2) {
                table.lines.push_back(line);
                table.service.push_back(service);
                table.ref.push_back(r.ref);
                table.name.push_back(r.name);
                table.length_km.push_back(length_m * 1e-3);
            }
            line.stops.clear();
            line.ride_min.clear();
            length_m = 0.0;
        };
        for (std::size_t p = 0; p < r.walk.size(); ++p) {
            const std::uint32_t s =
                stop_of_node
                    .emplace(r.walk[p], static_cast<std::uint32_t>(stop_of_node.size()))
                    .first->second;
            if (p > 0) {
                const double t_s = query.to_target(r.car[p - 1], r.car[p], car_time_s);
                if (!std::isfinite(t_s)) {
                    // No car path between two consecutive stops (a bus-only link): the line
                    // continues as a separate piece.
                    ++cuts;
                    flush();
                } else {
                    for (const mob::EdgeId e : query.path_to(r.car[p])) {
                        length_m += static_cast<double>(lengths[e]);
                    }
                    line.ride_min.push_back(t_s / 60.0 / r.speed_factor + settings.dwell_s / 60.0);
                }
            }
            line.stops.push_back(s);
        }
        flush();
    }
    table.stop_walk_node.resize(stop_of_node.size());
    for (const auto& [node, s] : stop_of_node) {
        table.stop_walk_node[s] = node;
    }
    if (cuts > 0) {
        log_info("bus lines: " + std::to_string(cuts) + " hops between consecutive stops have no "
                 "car path (bus-only links); those lines are split there");
    }
    return table;
}

void apply_bus_headway(BusLineTable& table, double headway_min,
                       const std::vector<std::string>& refs, const std::string& where) {
    for (const std::string& ref : refs) {
        if (std::find(table.ref.begin(), table.ref.end(), ref) == table.ref.end()) {
            std::string known;
            std::set<std::string> distinct(table.ref.begin(), table.ref.end());
            for (const std::string& r : distinct) {
                known += (known.empty() ? "" : ", ") + r;
            }
            throw InputError(where + ": bus line '" + ref + "' is not on the network (lines: " +
                             known + "); check the ref in `lines:`");
        }
    }
    for (std::size_t l = 0; l < table.lines.size(); ++l) {
        if (refs.empty() || std::find(refs.begin(), refs.end(), table.ref[l]) != refs.end()) {
            table.lines[l].headway_min = headway_min;
        }
    }
}

BusWalkLinks bus_walk_links(const mob::CsrGraph& walk_forward_min,
                            const mob::CsrGraph& walk_reversed_min,
                            std::span<const std::uint32_t> zone_walk_node,
                            std::span<const std::uint32_t> stop_walk_node,
                            const BusWalkSettings& settings) {
    BusWalkLinks links;
    links.access_offsets.push_back(0);
    links.egress_offsets.push_back(0);
    mob::NearestDestinationQuery query;
    for (const std::uint32_t zone : zone_walk_node) {
        // Forward arcs from the zone: zone -> stop; reversed arcs: stop -> zone.
        const std::array<std::uint32_t, 1> source{zone};
        query.run(walk_forward_min, source, {}, settings.max_access_walk_min);
        for (std::size_t s = 0; s < stop_walk_node.size(); ++s) {
            const double c = query.costs()[stop_walk_node[s]];
            if (std::isfinite(c)) {
                links.access_stops.push_back(static_cast<std::uint32_t>(s));
                links.access_min.push_back(c);
            }
        }
        links.access_offsets.push_back(static_cast<std::uint32_t>(links.access_stops.size()));
        query.run(walk_reversed_min, source, {}, settings.max_access_walk_min);
        for (std::size_t s = 0; s < stop_walk_node.size(); ++s) {
            const double c = query.costs()[stop_walk_node[s]];
            if (std::isfinite(c)) {
                links.egress_stops.push_back(static_cast<std::uint32_t>(s));
                links.egress_min.push_back(c);
            }
        }
        links.egress_offsets.push_back(static_cast<std::uint32_t>(links.egress_stops.size()));
    }
    for (std::size_t from = 0; from < stop_walk_node.size(); ++from) {
        const std::array<std::uint32_t, 1> source{stop_walk_node[from]};
        query.run(walk_forward_min, source, {}, settings.max_transfer_walk_min);
        for (std::size_t to = 0; to < stop_walk_node.size(); ++to) {
            const double c = query.costs()[stop_walk_node[to]];
            if (to != from && std::isfinite(c)) {
                links.transfers.push_back({static_cast<std::uint32_t>(from),
                                           static_cast<std::uint32_t>(to), c});
            }
        }
    }
    return links;
}

BusSkim bus_skim(const BusLineTable& table, const BusWalkLinks& links, std::size_t zone_count,
                 double transfer_penalty_min) {
    mob::TransitParams params;
    params.transfer_penalty_min = transfer_penalty_min;
    const mob::TransitGraph graph(table.stop_walk_node.size(), table.lines, links.transfers,
                                  params);
    const mob::ZoneStopLinks access{links.access_offsets, links.access_stops, links.access_min};
    const mob::ZoneStopLinks egress{links.egress_offsets, links.egress_stops, links.egress_min};
    BusSkim out;
    out.skim = mob::transit_skim(graph, access, egress, zone_count);
    // The logit's bus utility has in-vehicle, headway/2 and access terms (mode_choice.hpp); the
    // waits and the transfer penalties of the path enter as its headway/2 term.
    out.headway_min.resize(out.skim.wait_min.size());
    for (std::size_t od = 0; od < out.headway_min.size(); ++od) {
        out.headway_min[od] = 2.0 * (out.skim.wait_min[od] + out.skim.penalty_min[od]);
    }
    return out;
}

} // namespace lauter::sim
