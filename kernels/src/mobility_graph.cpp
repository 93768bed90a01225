#include <lauter/kernels/mobility/graph.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>

namespace lauter::kernels::mobility {

namespace {

bool is_one_of(std::string_view v, std::initializer_list<std::string_view> values) noexcept {
    return std::find(values.begin(), values.end(), v) != values.end();
}

/// Access value: +1 allowed, -1 forbidden, 0 not stated (or a value we do not interpret).
int access_value(std::string_view v) noexcept {
    if (is_one_of(v, {"yes", "designated", "permissive", "destination", "official", "customers",
                      "delivery"})) {
        return 1;
    }
    if (is_one_of(v, {"no", "private", "agricultural", "forestry", "discouraged"})) {
        return -1;
    }
    return 0;
}

struct HighwayRule {
    std::string_view tag;
    HighwayClass highway;
    std::uint8_t modes;
};

// German default access per highway class (OSM wiki "OSM tags for routing/Access restrictions",
// Germany). Pedestrian zones and footways: bikes may be pushed.
constexpr std::uint8_t all_modes = mode_bits::walk | mode_bits::bike | mode_bits::car;
constexpr std::array<HighwayRule, 26> highway_rules = {{
    {"motorway", HighwayClass::motorway, mode_bits::car},
    {"motorway_link", HighwayClass::motorway, mode_bits::car},
    {"trunk", HighwayClass::trunk, all_modes},
    {"trunk_link", HighwayClass::trunk, all_modes},
    {"primary", HighwayClass::primary, all_modes},
    {"primary_link", HighwayClass::primary, all_modes},
    {"secondary", HighwayClass::secondary, all_modes},
    {"secondary_link", HighwayClass::secondary, all_modes},
    {"tertiary", HighwayClass::tertiary, all_modes},
    {"tertiary_link", HighwayClass::tertiary, all_modes},
    {"unclassified", HighwayClass::unclassified, all_modes},
    {"road", HighwayClass::unclassified, all_modes},
    {"residential", HighwayClass::residential, all_modes},
    {"living_street", HighwayClass::living_street, all_modes},
    {"service", HighwayClass::service, all_modes},
    {"pedestrian", HighwayClass::pedestrian, mode_bits::walk | mode_bits::bike_push},
    {"footway", HighwayClass::footway, mode_bits::walk | mode_bits::bike_push},
    {"corridor", HighwayClass::footway, mode_bits::walk},
    {"cycleway", HighwayClass::cycleway, mode_bits::bike},
    {"path", HighwayClass::path, mode_bits::walk | mode_bits::bike},
    {"bridleway", HighwayClass::path, 0},
    {"track", HighwayClass::track, mode_bits::walk | mode_bits::bike},
    {"steps", HighwayClass::steps, mode_bits::walk},
    {"busway", HighwayClass::service, 0},
    {"bus_guideway", HighwayClass::service, 0},
    {"escape", HighwayClass::service, 0},
}};

Direction oneway_of(std::string_view v) noexcept {
    if (is_one_of(v, {"yes", "true", "1"})) {
        return Direction::forward;
    }
    if (is_one_of(v, {"-1", "reverse"})) {
        return Direction::backward;
    }
    return Direction::both;
}

CycleFacility facility_of(std::string_view v, bool& contraflow) noexcept {
    if (is_one_of(v, {"opposite", "opposite_lane", "opposite_track", "opposite_share_busway"})) {
        contraflow = true;
        if (v == "opposite_lane") {
            return CycleFacility::lane;
        }
        if (v == "opposite_track") {
            return CycleFacility::track;
        }
        return CycleFacility::none;
    }
    if (v == "track" || v == "separate") {
        return CycleFacility::track;
    }
    if (v == "lane") {
        return CycleFacility::lane;
    }
    if (v == "shared_lane" || v == "share_busway") {
        return CycleFacility::shared_lane;
    }
    return CycleFacility::none;
}

SurfaceClass surface_of(std::string_view s) noexcept {
    if (s.empty()) {
        return SurfaceClass::unknown;
    }
    if (is_one_of(s, {"paved", "asphalt", "concrete", "concrete:plates", "concrete:lanes",
                      "paving_stones", "chipseal", "metal", "tartan", "wood"})) {
        return SurfaceClass::paved;
    }
    if (s == "sett") {
        return SurfaceClass::sett;
    }
    if (is_one_of(s, {"cobblestone", "unhewn_cobblestone", "cobblestone:flattened"})) {
        return SurfaceClass::cobblestone;
    }
    if (is_one_of(s, {"compacted", "fine_gravel"})) {
        return SurfaceClass::compacted;
    }
    return SurfaceClass::unpaved;
}

std::uint8_t set_bit(std::uint8_t modes, std::uint8_t bit, int value) noexcept {
    if (value > 0) {
        return static_cast<std::uint8_t>(modes | bit);
    }
    if (value < 0) {
        return static_cast<std::uint8_t>(modes & ~bit);
    }
    return modes;
}

} // namespace

float parse_maxspeed_kmh(std::string_view v) noexcept {
    // Implicit German limits (OSM wiki Key:maxspeed, "Implicit maxspeed values"): urban 50,
    // rural 100, 30 zones, living streets at walking pace (about 7 km/h, StVO
    // "Schrittgeschwindigkeit").
    if (v == "DE:urban") {
        return 50.0F;
    }
    if (v == "DE:rural") {
        return 100.0F;
    }
    if (v == "DE:zone30" || v == "DE:zone:30" || v == "DE:bicycle_road") {
        return 30.0F;
    }
    if (v == "DE:zone20" || v == "DE:zone:20") {
        return 20.0F;
    }
    if (v == "DE:living_street" || v == "walk") {
        return 7.0F;
    }
    if (v == "DE:motorway" || v == "none") {
        return 130.0F; // German advisory speed (Richtgeschwindigkeit) where there is no limit
    }
    double value = 0.0;
    const char* begin = v.data();
    const char* end = v.data() + v.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || !(value > 0.0) || value > 300.0) {
        return 0.0F;
    }
    std::string_view rest(ptr, static_cast<std::size_t>(end - ptr));
    while (!rest.empty() && rest.front() == ' ') {
        rest.remove_prefix(1);
    }
    if (rest == "mph") {
        return static_cast<float>(value * 1.609344);
    }
    if (rest.empty() || rest == "km/h" || rest == "kmh") {
        return static_cast<float>(value);
    }
    return 0.0F;
}

bool decode_way_tags(const TagLookup& tag, WayTags& out) {
    out = WayTags{};
    const std::string_view highway = tag("highway");
    const auto rule = std::find_if(highway_rules.begin(), highway_rules.end(),
                                   [&](const HighwayRule& r) { return r.tag == highway; });
    if (rule == highway_rules.end() || tag("area") == "yes") {
        return false;
    }
    out.highway = rule->highway;
    std::uint8_t modes = rule->modes;
    if (out.highway == HighwayClass::trunk && tag("motorroad") == "yes") {
        modes = mode_bits::car;
    }
    if (tag("motorroad") == "yes") {
        modes = static_cast<std::uint8_t>(modes & mode_bits::car);
    }
    // Generic to specific (OSM access hierarchy): access > vehicle > motor_vehicle > motorcar.
    const int all = access_value(tag("access"));
    modes = set_bit(modes, mode_bits::walk, all);
    modes = set_bit(modes, mode_bits::car, all);
    if (all < 0) {
        modes = static_cast<std::uint8_t>(modes & ~(mode_bits::bike | mode_bits::bike_push));
    }
    const int vehicle = access_value(tag("vehicle"));
    modes = set_bit(modes, mode_bits::car, vehicle);
    if (vehicle != 0) {
        modes = set_bit(modes, mode_bits::bike, vehicle);
    }
    modes = set_bit(modes, mode_bits::car, access_value(tag("motor_vehicle")));
    modes = set_bit(modes, mode_bits::car, access_value(tag("motorcar")));
    const std::string_view bicycle = tag("bicycle");
    if (bicycle == "dismount") {
        modes = static_cast<std::uint8_t>((modes & ~mode_bits::bike) | mode_bits::bike_push);
    } else if (bicycle == "use_sidepath") {
        modes = static_cast<std::uint8_t>(modes & ~mode_bits::bike);
    } else {
        const int b = access_value(bicycle);
        modes = set_bit(modes, mode_bits::bike, b);
        if (b < 0) {
            modes = static_cast<std::uint8_t>(modes & ~mode_bits::bike_push);
        }
    }
    modes = set_bit(modes, mode_bits::walk, access_value(tag("foot")));
    if ((modes & mode_bits::bike) != 0) {
        modes = static_cast<std::uint8_t>(modes & ~mode_bits::bike_push);
    } else if ((modes & mode_bits::walk) == 0) {
        // Pushing a bike is walking: impossible where pedestrians may not go.
        modes = static_cast<std::uint8_t>(modes & ~mode_bits::bike_push);
    }
    if (modes == 0 || tag("construction") == "yes") {
        return false;
    }
    out.modes = modes;

    // One-way rules (OSM wiki Key:oneway).
    const std::string_view oneway = tag("oneway");
    Direction car = oneway_of(oneway);
    const std::string_view junction = tag("junction");
    if (oneway != "no" && car == Direction::both &&
        (junction == "roundabout" || junction == "circular" ||
         out.highway == HighwayClass::motorway)) {
        car = Direction::forward;
    }
    out.car_direction = car;
    // A contraflow value (opposite*) describes the facility against the one-way direction only,
    // whichever key carries it.
    bool contraflow = false;
    CycleFacility forward = CycleFacility::none;
    CycleFacility backward = CycleFacility::none;
    for (const auto& [key, applies_forward, applies_backward] :
         {std::tuple{"cycleway", true, true}, std::tuple{"cycleway:both", true, true},
          std::tuple{"cycleway:right", true, false}, std::tuple{"cycleway:left", false, true}}) {
        bool opposite = false;
        const CycleFacility f = facility_of(tag(key), opposite);
        contraflow = contraflow || opposite;
        if (opposite) {
            backward = std::max(backward, f);
            continue;
        }
        if (applies_forward) {
            forward = std::max(forward, f);
        }
        if (applies_backward) {
            backward = std::max(backward, f);
        }
    }
    out.facility_forward = forward;
    out.facility_backward = backward;
    if (out.highway == HighwayClass::cycleway ||
        ((out.highway == HighwayClass::path || out.highway == HighwayClass::footway) &&
         bicycle == "designated")) {
        out.facility_forward = CycleFacility::path;
        out.facility_backward = CycleFacility::path;
    } else if (tag("bicycle_road") == "yes" || tag("cyclestreet") == "yes") {
        out.facility_forward = std::max(out.facility_forward, CycleFacility::boulevard);
        out.facility_backward = std::max(out.facility_backward, CycleFacility::boulevard);
    }
    const std::string_view oneway_bicycle = tag("oneway:bicycle");
    Direction bike = car;
    if (oneway_bicycle == "no" || contraflow) {
        bike = Direction::both;
    } else if (!oneway_bicycle.empty()) {
        bike = oneway_of(oneway_bicycle);
    }
    out.bike_direction = bike;
    out.walk_direction = oneway_of(tag("oneway:foot"));

    out.maxspeed_kmh = parse_maxspeed_kmh(tag("maxspeed"));
    const std::string_view lanes = tag("lanes");
    unsigned lane_count = 0;
    const auto [ptr, ec] = std::from_chars(lanes.data(), lanes.data() + lanes.size(), lane_count);
    (void)ptr;
    out.lanes = ec == std::errc{} && lane_count < 20 ? static_cast<std::uint8_t>(lane_count) : 0;
    out.surface = surface_of(tag("surface"));
    return true;
}

namespace {

bool allows(Direction rule, bool forward) noexcept {
    return rule == Direction::both || (forward ? rule == Direction::forward
                                               : rule == Direction::backward);
}

std::uint8_t direction_modes(const WayTags& t, bool forward) noexcept {
    std::uint8_t m = 0;
    if ((t.modes & mode_bits::walk) != 0 && allows(t.walk_direction, forward)) {
        m |= mode_bits::walk;
    }
    if ((t.modes & mode_bits::bike_push) != 0 && allows(t.walk_direction, forward)) {
        m |= mode_bits::bike_push;
    }
    if ((t.modes & mode_bits::bike) != 0 && allows(t.bike_direction, forward)) {
        m |= mode_bits::bike;
    }
    if ((t.modes & mode_bits::car) != 0 && allows(t.car_direction, forward)) {
        m |= mode_bits::car;
    }
    return m;
}

struct RawEdge {
    std::uint32_t tail;
    std::uint32_t head;
    std::uint32_t segment;
    std::uint8_t modes;
    std::uint8_t reversed;
    CycleFacility facility;
    std::uint32_t way;
};

/// Strongly connected components (Tarjan 1972, iterative) of the subgraph of edges with any of
/// `bits`; returns the component id of every node.
std::vector<std::uint32_t> strong_components(std::uint32_t n,
                                             const std::vector<std::uint32_t>& first,
                                             const std::vector<std::uint32_t>& order,
                                             const std::vector<RawEdge>& edges, std::uint8_t bits,
                                             std::uint32_t& component_count) {
    std::vector<std::uint32_t> index(n, invalid_id);
    std::vector<std::uint32_t> low(n, 0);
    std::vector<std::uint8_t> on_stack(n, 0);
    std::vector<std::uint32_t> comp(n, invalid_id);
    std::vector<std::uint32_t> stack;
    struct Frame {
        std::uint32_t v;
        std::uint32_t pos;
    };
    std::vector<Frame> calls;
    std::uint32_t counter = 0;
    component_count = 0;
    for (std::uint32_t s = 0; s < n; ++s) {
        if (index[s] != invalid_id) {
            continue;
        }
        index[s] = low[s] = counter++;
        stack.push_back(s);
        on_stack[s] = 1;
        calls.push_back({s, first[s]});
        while (!calls.empty()) {
            Frame& f = calls.back();
            const std::uint32_t v = f.v;
            bool descended = false;
            while (f.pos < first[v + 1]) {
                const RawEdge& e = edges[order[f.pos++]];
                if ((e.modes & bits) == 0) {
                    continue;
                }
                const std::uint32_t w = e.head;
                if (index[w] == invalid_id) {
                    index[w] = low[w] = counter++;
                    stack.push_back(w);
                    on_stack[w] = 1;
                    calls.push_back({w, first[w]});
                    descended = true;
                    break;
                }
                if (on_stack[w] != 0) {
                    low[v] = std::min(low[v], index[w]);
                }
            }
            if (descended) {
                continue;
            }
            calls.pop_back();
            if (low[v] == index[v]) {
                std::uint32_t w = 0;
                do {
                    w = stack.back();
                    stack.pop_back();
                    on_stack[w] = 0;
                    comp[w] = component_count;
                } while (w != v);
                ++component_count;
            }
            if (!calls.empty()) {
                const std::uint32_t u = calls.back().v;
                low[u] = std::min(low[u], low[v]);
            }
        }
    }
    return comp;
}

/// Interleaves the low 16 bits of x and y (Morton / Z-order) for a cache-friendly node order.
std::uint32_t morton(std::uint32_t x, std::uint32_t y) noexcept {
    auto spread = [](std::uint32_t v) {
        v &= 0xFFFFU;
        v = (v | (v << 8U)) & 0x00FF00FFU;
        v = (v | (v << 4U)) & 0x0F0F0F0FU;
        v = (v | (v << 2U)) & 0x33333333U;
        v = (v | (v << 1U)) & 0x55555555U;
        return v;
    };
    return spread(x) | (spread(y) << 1U);
}

} // namespace

Graph build_graph(const NetworkInput& input, const GraphBuildParams& params) {
    const std::size_t input_nodes = input.node_x_m.size();
    if (input.node_y_m.size() != input_nodes ||
        (!input.node_signal.empty() && input.node_signal.size() != input_nodes)) {
        throw std::invalid_argument("build_graph: node coordinate arrays differ in length");
    }
    if (input_nodes >= invalid_id) {
        throw std::invalid_argument("build_graph: too many nodes for 32-bit ids");
    }
    std::vector<std::uint32_t> use_count(input_nodes, 0);
    for (const WayRecord& w : input.ways) {
        if (static_cast<std::size_t>(w.first_node) + w.node_count > input.way_nodes.size()) {
            throw std::invalid_argument("build_graph: a way's node range exceeds way_nodes");
        }
        for (std::uint32_t i = 0; i < w.node_count; ++i) {
            const std::uint32_t v = input.way_nodes[w.first_node + i];
            if (v >= input_nodes) {
                throw std::invalid_argument("build_graph: a way refers to a missing node");
            }
            ++use_count[v];
        }
        if (w.node_count > 0) {
            // Way ends are always junctions (count them twice).
            ++use_count[input.way_nodes[w.first_node]];
            ++use_count[input.way_nodes[w.first_node + w.node_count - 1]];
        }
    }

    Graph g;
    std::vector<std::uint32_t> graph_node(input_nodes, invalid_id);
    std::vector<std::uint32_t> graph_node_input;
    auto node_of = [&](std::uint32_t v) {
        if (graph_node[v] == invalid_id) {
            graph_node[v] = static_cast<std::uint32_t>(graph_node_input.size());
            graph_node_input.push_back(v);
        }
        return graph_node[v];
    };
    std::vector<RawEdge> edges;
    std::vector<float> segment_length;
    std::vector<std::uint32_t> segment_wayrec;
    g.segment_first_point_.push_back(0);
    std::vector<std::uint32_t> polyline;
    for (std::uint32_t wi = 0; wi < input.ways.size(); ++wi) {
        const WayRecord& w = input.ways[wi];
        polyline.clear();
        for (std::uint32_t i = 0; i < w.node_count; ++i) {
            const std::uint32_t v = input.way_nodes[w.first_node + i];
            if (!polyline.empty() && polyline.back() == v) {
                continue; // repeated node (zero-length piece)
            }
            polyline.push_back(v);
            const bool junction = use_count[v] >= 2 || i + 1 == w.node_count;
            if (polyline.size() < 2 || !junction) {
                continue;
            }
            const std::uint32_t a = polyline.front();
            const std::uint32_t b = polyline.back();
            double length = 0.0;
            for (std::size_t k = 1; k < polyline.size(); ++k) {
                length += std::hypot(input.node_x_m[polyline[k]] - input.node_x_m[polyline[k - 1]],
                                     input.node_y_m[polyline[k]] - input.node_y_m[polyline[k - 1]]);
            }
            if (a != b && length > 0.0) {
                const auto seg = static_cast<std::uint32_t>(segment_length.size());
                segment_length.push_back(static_cast<float>(length));
                segment_wayrec.push_back(wi);
                g.segment_way_.push_back(w.osm_id);
                for (const std::uint32_t p : polyline) {
                    g.point_x_m_.push_back(input.node_x_m[p]);
                    g.point_y_m_.push_back(input.node_y_m[p]);
                }
                g.segment_first_point_.push_back(static_cast<std::uint32_t>(g.point_x_m_.size()));
                const std::uint32_t ta = node_of(a);
                const std::uint32_t tb = node_of(b);
                const std::uint8_t fwd = direction_modes(w.tags, true);
                const std::uint8_t bwd = direction_modes(w.tags, false);
                if (fwd != 0) {
                    edges.push_back({ta, tb, seg, fwd, 0, w.tags.facility_forward, wi});
                }
                if (bwd != 0) {
                    edges.push_back({tb, ta, seg, bwd, 1, w.tags.facility_backward, wi});
                }
            }
            polyline.assign(1, v);
        }
    }
    if (edges.size() >= invalid_id) {
        throw std::invalid_argument("build_graph: too many edges for 32-bit ids");
    }
    auto n = static_cast<std::uint32_t>(graph_node_input.size());

    // CSR over the raw edges for the component search.
    auto make_csr = [&](std::vector<std::uint32_t>& first, std::vector<std::uint32_t>& order) {
        first.assign(static_cast<std::size_t>(n) + 1, 0);
        for (const RawEdge& e : edges) {
            ++first[e.tail + 1];
        }
        std::partial_sum(first.begin(), first.end(), first.begin());
        order.assign(edges.size(), 0);
        std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
        for (std::uint32_t i = 0; i < edges.size(); ++i) {
            order[fill[edges[i].tail]++] = i;
        }
    };
    if (params.keep_largest_component && n > 0) {
        std::vector<std::uint32_t> first;
        std::vector<std::uint32_t> order;
        make_csr(first, order);
        for (const Mode mode : {Mode::walk, Mode::bike, Mode::car}) {
            const std::uint8_t bits = usable_bits(mode);
            std::uint32_t count = 0;
            const std::vector<std::uint32_t> comp =
                strong_components(n, first, order, edges, bits, count);
            std::vector<std::uint32_t> size(count, 0);
            for (const RawEdge& e : edges) {
                if ((e.modes & bits) != 0 && comp[e.tail] == comp[e.head]) {
                    ++size[comp[e.tail]];
                }
            }
            // Largest by usable edge count; ties to the lowest component id (deterministic).
            std::uint32_t best = 0;
            for (std::uint32_t c = 1; c < count; ++c) {
                if (size[c] > size[best]) {
                    best = c;
                }
            }
            for (RawEdge& e : edges) {
                if (comp[e.tail] != best || comp[e.head] != best) {
                    e.modes = static_cast<std::uint8_t>(e.modes & ~bits);
                }
            }
        }
        std::erase_if(edges, [](const RawEdge& e) { return e.modes == 0; });
    }

    // Keep nodes with edges, ordered along a Z curve (nearby nodes get nearby ids, which keeps
    // the routing's memory accesses local).
    std::vector<std::uint8_t> used(n, 0);
    for (const RawEdge& e : edges) {
        used[e.tail] = 1;
        used[e.head] = 1;
    }
    double min_x = std::numeric_limits<double>::infinity();
    double min_y = std::numeric_limits<double>::infinity();
    for (std::uint32_t v = 0; v < n; ++v) {
        if (used[v] != 0) {
            min_x = std::min(min_x, input.node_x_m[graph_node_input[v]]);
            min_y = std::min(min_y, input.node_y_m[graph_node_input[v]]);
        }
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> keyed;
    for (std::uint32_t v = 0; v < n; ++v) {
        if (used[v] != 0) {
            // 16 m cells: 2^16 cells span about 1000 km, more than any city.
            const std::uint32_t in = graph_node_input[v];
            const auto cx = static_cast<std::uint32_t>((input.node_x_m[in] - min_x) / 16.0);
            const auto cy = static_cast<std::uint32_t>((input.node_y_m[in] - min_y) / 16.0);
            keyed.emplace_back(morton(cx, cy), v);
        }
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::uint32_t> new_id(n, invalid_id);
    for (std::uint32_t i = 0; i < keyed.size(); ++i) {
        new_id[keyed[i].second] = i;
    }
    n = static_cast<std::uint32_t>(keyed.size());
    g.node_x_m_.resize(n);
    g.node_y_m_.resize(n);
    g.node_signal_.assign(n, 0);
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t in = graph_node_input[keyed[i].second];
        g.node_x_m_[i] = input.node_x_m[in];
        g.node_y_m_[i] = input.node_y_m[in];
        g.node_signal_[i] = input.node_signal.empty() ? 0 : input.node_signal[in];
    }
    for (RawEdge& e : edges) {
        e.tail = new_id[e.tail];
        e.head = new_id[e.head];
    }
    std::stable_sort(edges.begin(), edges.end(),
                     [](const RawEdge& a, const RawEdge& b) { return a.tail < b.tail; });
    const std::size_t m = edges.size();
    g.first_out_.assign(static_cast<std::size_t>(n) + 1, 0);
    g.head_.resize(m);
    g.tail_.resize(m);
    g.length_m_.resize(m);
    g.modes_.resize(m);
    g.highway_.resize(m);
    g.maxspeed_kmh_.resize(m);
    g.lanes_.resize(m);
    g.surface_.resize(m);
    g.facility_.resize(m);
    g.segment_.resize(m);
    g.reversed_.resize(m);
    for (std::size_t i = 0; i < m; ++i) {
        const RawEdge& e = edges[i];
        const WayTags& t = input.ways[e.way].tags;
        ++g.first_out_[e.tail + 1];
        g.head_[i] = e.head;
        g.tail_[i] = e.tail;
        g.length_m_[i] = segment_length[e.segment];
        g.modes_[i] = e.modes;
        g.highway_[i] = t.highway;
        g.maxspeed_kmh_[i] = t.maxspeed_kmh;
        g.lanes_[i] = t.lanes;
        g.surface_[i] = t.surface;
        g.facility_[i] = e.facility;
        g.segment_[i] = e.segment;
        g.reversed_[i] = e.reversed;
    }
    std::partial_sum(g.first_out_.begin(), g.first_out_.end(), g.first_out_.begin());
    g.climb_m_.assign(m, 0.0F);
    g.descent_m_.assign(m, 0.0F);
    g.mean_grade_.assign(m, 0.0F);
    g.max_grade_.assign(m, 0.0F);
    return g;
}

Graph attach_elevation(Graph graph, SegmentElevation elevation) {
    const std::size_t segments = graph.segment_count();
    if (elevation.node_z_m.size() != graph.node_count() || elevation.climb_m.size() != segments ||
        elevation.descent_m.size() != segments || elevation.max_grade.size() != segments ||
        elevation.min_grade.size() != segments ||
        elevation.profile_first.size() != segments + 1 ||
        elevation.piece_length_m.size() != elevation.piece_grade.size()) {
        throw std::invalid_argument("attach_elevation: elevation arrays do not match the graph");
    }
    for (EdgeId e = 0; e < graph.edge_count(); ++e) {
        const std::uint32_t s = graph.segment_[e];
        const bool rev = graph.reversed_[e] != 0;
        graph.climb_m_[e] = rev ? elevation.descent_m[s] : elevation.climb_m[s];
        graph.descent_m_[e] = rev ? elevation.climb_m[s] : elevation.descent_m[s];
        graph.max_grade_[e] = rev ? -elevation.min_grade[s] : elevation.max_grade[s];
        const double dz = static_cast<double>(elevation.node_z_m[graph.head_[e]]) -
                          static_cast<double>(elevation.node_z_m[graph.tail_[e]]);
        graph.mean_grade_[e] = static_cast<float>(dz / static_cast<double>(graph.length_m_[e]));
    }
    graph.elevation_ = std::move(elevation);
    return graph;
}

void Graph::grade_profile(EdgeId e, std::vector<GradePiece>& out) const {
    out.clear();
    if (!has_elevation()) {
        out.push_back({length_m_[e], 0.0F});
        return;
    }
    const std::uint32_t s = segment_[e];
    const std::uint32_t b = elevation_.profile_first[s];
    const std::uint32_t end = elevation_.profile_first[s + 1];
    if (reversed_[e] == 0) {
        for (std::uint32_t i = b; i < end; ++i) {
            out.push_back({elevation_.piece_length_m[i], elevation_.piece_grade[i]});
        }
    } else {
        for (std::uint32_t i = end; i > b; --i) {
            out.push_back({elevation_.piece_length_m[i - 1], -elevation_.piece_grade[i - 1]});
        }
    }
}

void Graph::append_geometry(EdgeId e, std::vector<double>& xs, std::vector<double>& ys) const {
    const std::uint32_t s = segment_[e];
    const std::uint32_t b = segment_first_point_[s];
    const std::uint32_t end = segment_first_point_[s + 1];
    if (reversed_[e] == 0) {
        for (std::uint32_t i = b; i < end; ++i) {
            xs.push_back(point_x_m_[i]);
            ys.push_back(point_y_m_[i]);
        }
    } else {
        for (std::uint32_t i = end; i > b; --i) {
            xs.push_back(point_x_m_[i - 1]);
            ys.push_back(point_y_m_[i - 1]);
        }
    }
}

NodeId nearest_node(const Graph& graph, double x_m, double y_m, Mode mode, double max_distance_m) {
    const std::uint8_t bits = usable_bits(mode);
    std::vector<std::uint8_t> has_in(graph.node_count(), 0);
    for (EdgeId e = 0; e < graph.edge_count(); ++e) {
        if ((graph.modes()[e] & bits) != 0) {
            has_in[graph.head()[e]] = 1;
        }
    }
    NodeId best = invalid_id;
    double best_d2 = max_distance_m * max_distance_m;
    for (NodeId v = 0; v < graph.node_count(); ++v) {
        if (has_in[v] == 0) {
            continue;
        }
        bool has_out = false;
        for (std::uint32_t e = graph.first_out()[v]; e < graph.first_out()[v + 1]; ++e) {
            has_out = has_out || (graph.modes()[e] & bits) != 0;
        }
        if (!has_out) {
            continue;
        }
        const double dx = graph.node_x_m()[v] - x_m;
        const double dy = graph.node_y_m()[v] - y_m;
        const double d2 = dx * dx + dy * dy;
        if (d2 <= best_d2) {
            if (d2 < best_d2 || best == invalid_id) {
                best = v;
            }
            best_d2 = d2;
        }
    }
    return best;
}

} // namespace lauter::kernels::mobility
