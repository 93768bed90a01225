#pragma once
/// @file graph.hpp
/// The street network as an immutable, structure-of-arrays directed graph (RoutingKit-style CSR:
/// `first_out` has node_count + 1 entries, the out-edges of node v are first_out[v] ..
/// first_out[v + 1] - 1), 32-bit node and edge ids, per-edge attribute arrays and projected
/// node coordinates (metres in the study CRS).
///
/// Building (build_graph): OSM ways arrive with their node sequences and tags already decoded
/// (decode_way_tags, the OSM "profile"). A way is split at every node that is shared with another
/// way (or repeated within it) and at its ends; each piece between two such junctions is one
/// *segment* with its own polyline. A segment gives up to two directed edges: forward (along the
/// OSM node order) and backward, each with the mode bits allowed in that direction after the
/// one-way rules of decode_way_tags. Elevation attributes are attached afterwards
/// (elevation_profile.hpp, attach_elevation) and the graph is immutable from then on.
///
/// Connectivity: for each mode (walk, bike incl. pushing, car) the builder keeps only the edges
/// inside the largest strongly connected component of that mode's subgraph and clears the mode bit
/// elsewhere (islands such as private courtyards, clipped fragments at the extract's edge or car
/// parks reached only through an unmapped gate). Edges left with no mode and nodes left with no
/// edge are dropped. Thus every node with an edge of mode m reaches, and is reached from, every
/// other such node by mode m, so snapping a point to the nearest node of that mode always gives a
/// route.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace lauter::kernels::mobility {

using NodeId = std::uint32_t;
using EdgeId = std::uint32_t;
inline constexpr std::uint32_t invalid_id = std::numeric_limits<std::uint32_t>::max();

/// Modes that have their own access and one-way rules. E-bikes use the bike network.
enum class Mode : std::uint8_t { walk = 0, bike = 1, car = 2 };
inline constexpr std::size_t mode_count = 3;

/// Access bits of an edge (ModeBits::bike_push: a bike may be pushed along, at walking pace).
namespace mode_bits {
inline constexpr std::uint8_t walk = 1U;
inline constexpr std::uint8_t bike = 2U;
inline constexpr std::uint8_t car = 4U;
inline constexpr std::uint8_t bike_push = 8U;
} // namespace mode_bits

/// Bits an edge needs to be usable by `mode` (bikes also use edges where they must be pushed).
[[nodiscard]] constexpr std::uint8_t usable_bits(Mode mode) noexcept {
    switch (mode) {
    case Mode::walk:
        return mode_bits::walk;
    case Mode::bike:
        return mode_bits::bike | mode_bits::bike_push;
    case Mode::car:
        return mode_bits::car;
    }
    return 0;
}

/// OSM highway=* classes that the router distinguishes (links fold into their road class).
enum class HighwayClass : std::uint8_t {
    motorway, trunk, primary, secondary, tertiary, unclassified, residential, living_street,
    service, pedestrian, footway, cycleway, path, track, steps, other
};

/// Surface classes; `unknown` when the way has no surface tag.
enum class SurfaceClass : std::uint8_t { unknown, paved, sett, cobblestone, compacted, unpaved };

/// Cycle infrastructure in one direction of travel, from least to most separated.
enum class CycleFacility : std::uint8_t {
    none,
    shared_lane, ///< cycleway=shared_lane|share_busway (marked, no own space)
    lane,        ///< painted lane (cycleway=lane, cycleway=opposite_lane against a one-way)
    boulevard,   ///< bicycle street (bicycle_road=yes, cyclestreet=yes; German Fahrradstraße)
    track,       ///< cycle track along the road (cycleway=track|opposite_track)
    path         ///< own way: highway=cycleway, or path/footway with bicycle=designated
};

/// Travel directions allowed by a one-way rule, relative to the OSM node order.
enum class Direction : std::uint8_t { both, forward, backward, none };

/// Routing-relevant tags of one OSM way, decoded (decode_way_tags).
struct WayTags {
    HighwayClass highway = HighwayClass::other;
    std::uint8_t modes = 0; ///< mode_bits allowed on the way at all
    Direction car_direction = Direction::both;
    Direction bike_direction = Direction::both;
    Direction walk_direction = Direction::both;
    float maxspeed_kmh = 0.0F; ///< 0: no usable maxspeed tag
    std::uint8_t lanes = 0;    ///< total lanes; 0: not tagged
    SurfaceClass surface = SurfaceClass::unknown;
    CycleFacility facility_forward = CycleFacility::none;
    CycleFacility facility_backward = CycleFacility::none;
};

/// Tag lookup handed to decode_way_tags: value of an OSM key ("" if the way lacks it).
using TagLookup = std::function<std::string_view(std::string_view key)>;

/// Decodes the tags of a way. Returns false if the way is not part of the routable network
/// (no or unknown highway tag, area=yes, construction, platforms, no mode allowed).
///
/// Access defaults are OSM's German defaults ("OSM tags for routing/Access restrictions",
/// section Germany, wiki.openstreetmap.org): motorways cars only; trunk roads every mode unless
/// motorroad=yes; pedestrian zones and footways walk, bikes pushed; cycleways bikes only; paths
/// walk and bike; tracks walk and bike (agricultural access is not modelled for cars); steps walk
/// only. access=, vehicle=, motor_vehicle=, motorcar=, bicycle=, foot= override them in that order
/// of increasing specificity (yes|designated|permissive|destination|official allow; no|private
/// forbid; bicycle=dismount means pushing, bicycle=use_sidepath forbids riding).
/// One-way rules (OSM wiki Key:oneway): oneway=yes|true|1 forward, -1|reverse backward,
/// junction=roundabout|circular and motorways imply forward unless oneway=no. The car rule applies
/// to bikes unless oneway:bicycle says otherwise or the road has a contraflow facility
/// (cycleway[:left|:right|:both]=opposite|opposite_lane|opposite_track). Pedestrians ignore oneway
/// except oneway:foot. Facilities: cycleway:right and cycleway:both apply forward,
/// cycleway:left and cycleway:both backward (right-hand traffic), plain cycleway both ways.
[[nodiscard]] bool decode_way_tags(const TagLookup& tag, WayTags& out);

/// Parses an OSM maxspeed value in km/h ("50", "30 mph", "DE:urban", "DE:zone30", "walk");
/// 0 if the value is not understood. German implicit values from OSM wiki Key:maxspeed.
[[nodiscard]] float parse_maxspeed_kmh(std::string_view value) noexcept;

/// One decoded way: its OSM id, its nodes (indices into NetworkInput's node arrays, in OSM
/// order) and tags.
struct WayRecord {
    std::int64_t osm_id = 0;
    std::uint32_t first_node = 0; ///< offset into NetworkInput::way_nodes
    std::uint32_t node_count = 0;
    WayTags tags;
};

/// What the builder needs: distinct node positions (projected metres) and ways over them.
struct NetworkInput {
    std::vector<double> node_x_m;
    std::vector<double> node_y_m;
    std::vector<std::uint8_t> node_signal; ///< 1 at traffic signals (optional: empty = none)
    std::vector<std::uint32_t> way_nodes;
    std::vector<WayRecord> ways;
};

struct GraphBuildParams {
    /// Keep only the largest strongly connected component per mode (see file comment). Off only
    /// for tests that need to see the raw topology.
    bool keep_largest_component = true;
};

/// Elevation of the segments, in segment (OSM) direction (elevation_profile.hpp fills it).
struct SegmentElevation {
    std::vector<float> node_z_m;       ///< per graph node
    std::vector<float> climb_m;        ///< per segment, filtered, forward direction
    std::vector<float> descent_m;      ///< per segment, filtered, forward direction
    std::vector<float> max_grade;      ///< per segment, steepest forward piece (signed, m/m)
    std::vector<float> min_grade;      ///< per segment, most negative forward piece (m/m)
    std::vector<std::uint32_t> profile_first; ///< segment_count + 1 offsets into the pieces
    std::vector<float> piece_length_m; ///< grade profile pieces in forward order
    std::vector<float> piece_grade;    ///< rise over run of the piece, forward (m/m)
};

/// A grade profile piece in the direction of travel of an edge.
struct GradePiece {
    float length_m;
    float grade; ///< rise over run in the direction of travel
};

class Graph {
public:
    Graph() = default;

    [[nodiscard]] std::uint32_t node_count() const noexcept {
        return static_cast<std::uint32_t>(node_x_m_.size());
    }
    [[nodiscard]] std::uint32_t edge_count() const noexcept {
        return static_cast<std::uint32_t>(head_.size());
    }
    [[nodiscard]] std::uint32_t segment_count() const noexcept {
        return static_cast<std::uint32_t>(segment_way_.size());
    }

    // Topology (CSR by source node).
    [[nodiscard]] std::span<const std::uint32_t> first_out() const noexcept { return first_out_; }
    [[nodiscard]] std::span<const NodeId> head() const noexcept { return head_; }
    [[nodiscard]] std::span<const NodeId> tail() const noexcept { return tail_; }
    [[nodiscard]] std::span<const double> node_x_m() const noexcept { return node_x_m_; }
    [[nodiscard]] std::span<const double> node_y_m() const noexcept { return node_y_m_; }
    [[nodiscard]] std::span<const std::uint8_t> node_signal() const noexcept {
        return node_signal_;
    }

    // Per-edge attributes.
    [[nodiscard]] std::span<const float> length_m() const noexcept { return length_m_; }
    [[nodiscard]] std::span<const std::uint8_t> modes() const noexcept { return modes_; }
    [[nodiscard]] std::span<const HighwayClass> highway() const noexcept { return highway_; }
    [[nodiscard]] std::span<const float> maxspeed_kmh() const noexcept { return maxspeed_kmh_; }
    [[nodiscard]] std::span<const std::uint8_t> lanes() const noexcept { return lanes_; }
    [[nodiscard]] std::span<const SurfaceClass> surface() const noexcept { return surface_; }
    [[nodiscard]] std::span<const CycleFacility> facility() const noexcept { return facility_; }
    [[nodiscard]] std::span<const std::uint32_t> segment() const noexcept { return segment_; }
    /// 1 if the edge runs against its segment's OSM node order.
    [[nodiscard]] std::span<const std::uint8_t> reversed() const noexcept { return reversed_; }
    [[nodiscard]] std::span<const float> climb_m() const noexcept { return climb_m_; }
    [[nodiscard]] std::span<const float> descent_m() const noexcept { return descent_m_; }
    /// (z_head - z_tail) / length, m/m.
    [[nodiscard]] std::span<const float> mean_grade() const noexcept { return mean_grade_; }
    /// Steepest uphill grade piece in the direction of travel (negative on pure descents), m/m.
    [[nodiscard]] std::span<const float> max_grade() const noexcept { return max_grade_; }
    [[nodiscard]] std::int64_t osm_way_id(EdgeId e) const noexcept {
        return segment_way_[segment_[e]];
    }
    [[nodiscard]] bool has_elevation() const noexcept { return !elevation_.node_z_m.empty(); }
    [[nodiscard]] const SegmentElevation& elevation() const noexcept { return elevation_; }

    // Segment geometry (polyline in OSM order, endpoints included).
    [[nodiscard]] std::span<const std::uint32_t> segment_first_point() const noexcept {
        return segment_first_point_;
    }
    [[nodiscard]] std::span<const double> point_x_m() const noexcept { return point_x_m_; }
    [[nodiscard]] std::span<const double> point_y_m() const noexcept { return point_y_m_; }
    [[nodiscard]] std::span<const std::int64_t> segment_way() const noexcept {
        return segment_way_;
    }

    /// The grade profile of edge `e` in its direction of travel, appended to `out` (cleared
    /// first). Without elevation: one flat piece of the edge's length.
    void grade_profile(EdgeId e, std::vector<GradePiece>& out) const;

    /// The polyline of edge `e` in its direction of travel, appended to xs/ys (not cleared).
    void append_geometry(EdgeId e, std::vector<double>& xs, std::vector<double>& ys) const;

private:
    friend Graph build_graph(const NetworkInput& input, const GraphBuildParams& params);
    friend Graph attach_elevation(Graph graph, SegmentElevation elevation);

    std::vector<std::uint32_t> first_out_;
    std::vector<NodeId> head_;
    std::vector<NodeId> tail_;
    std::vector<double> node_x_m_;
    std::vector<double> node_y_m_;
    std::vector<std::uint8_t> node_signal_;

    std::vector<float> length_m_;
    std::vector<std::uint8_t> modes_;
    std::vector<HighwayClass> highway_;
    std::vector<float> maxspeed_kmh_;
    std::vector<std::uint8_t> lanes_;
    std::vector<SurfaceClass> surface_;
    std::vector<CycleFacility> facility_;
    std::vector<std::uint32_t> segment_;
    std::vector<std::uint8_t> reversed_;
    std::vector<float> climb_m_;
    std::vector<float> descent_m_;
    std::vector<float> mean_grade_;
    std::vector<float> max_grade_;

    std::vector<std::uint32_t> segment_first_point_;
    std::vector<double> point_x_m_;
    std::vector<double> point_y_m_;
    std::vector<std::int64_t> segment_way_;

    SegmentElevation elevation_;
};

/// Builds the graph (see file comment). Throws std::invalid_argument on inconsistent input
/// (node index out of range, more than 2^32 - 1 nodes or edges).
[[nodiscard]] Graph build_graph(const NetworkInput& input, const GraphBuildParams& params = {});

/// Returns `graph` with per-edge climb, descent and grades derived from `elevation` (whose arrays
/// must match the graph's node and segment counts; std::invalid_argument otherwise).
[[nodiscard]] Graph attach_elevation(Graph graph, SegmentElevation elevation);

/// Nearest node (Euclidean) that has an out-edge and an in-edge usable by `mode`, within
/// `max_distance_m`; invalid_id if none. Linear scan: for a handful of points per run.
[[nodiscard]] NodeId nearest_node(const Graph& graph, double x_m, double y_m, Mode mode,
                                  double max_distance_m);

} // namespace lauter::kernels::mobility
