// Bus lines (bus_lines.hpp): OSM route relations on a tiny hand-written extract and on the
// Kaiserslautern extract, the editable line file and its error messages.
#include <catch2/catch.hpp>

#include <lauter/sim/bus_lines.hpp>
#include <lauter/sim/crs.hpp>
#include <lauter/sim/error.hpp>

#include "../support/test_support.hpp"

#include <set>
#include <string>
#include <vector>

using namespace lauter::sim;
using namespace lauter::test;

namespace {

const std::string& utm32() {
    static const std::string wkt = normalize_crs("EPSG:25832", "test");
    return wkt;
}

/// Four stop positions, a platform, a way; route 1 in PTv2 form (stop and platform roles),
/// route 2 without roles and with a member outside the file (clipped), route 3 with a single
/// stop inside (dropped), a route master and a tram route (ignored).
const char* tiny_osm = R"(<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6">
  <node id="1" lat="49.4400" lon="7.7600"><tag k="public_transport" v="stop_position"/>
    <tag k="name" v="Markt &amp; Rathaus"/></node>
  <node id="2" lat="49.4410" lon="7.7610"><tag k="public_transport" v="stop_position"/></node>
  <node id="3" lat="49.4420" lon="7.7620"/>
  <node id="4" lat="49.4430" lon="7.7630"><tag k="highway" v="bus_stop"/></node>
  <node id="5" lat="49.4401" lon="7.7601"><tag k="highway" v="bus_stop"/></node>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/></way>
  <relation id="100">
    <member type="node" ref="1" role="stop_entry_only"/>
    <member type="node" ref="5" role="platform"/>
    <member type="node" ref="2" role="stop"/>
    <member type="way" ref="10" role=""/>
    <member type="node" ref="3" role="stop_exit_only"/>
    <tag k="type" v="route"/><tag k="route" v="bus"/><tag k="ref" v="7"/>
    <tag k="name" v="Bus 7"/><tag k="from" v="Markt"/><tag k="to" v="Uni"/>
  </relation>
  <relation id="101">
    <member type="node" ref="4" role=""/>
    <member type="node" ref="999" role=""/>
    <member type="node" ref="1" role=""/>
    <tag k="type" v="route"/><tag k="route" v="bus"/><tag k="ref" v="8"/>
  </relation>
  <relation id="102">
    <member type="node" ref="4" role="stop"/>
    <member type="node" ref="998" role="stop"/>
    <tag k="type" v="route"/><tag k="route" v="bus"/><tag k="ref" v="9"/>
  </relation>
  <relation id="103">
    <member type="relation" ref="100" role=""/>
    <tag k="type" v="route_master"/><tag k="route_master" v="bus"/><tag k="ref" v="7"/>
  </relation>
  <relation id="104">
    <member type="node" ref="1" role="stop"/><member type="node" ref="2" role="stop"/>
    <tag k="type" v="route"/><tag k="route" v="tram"/><tag k="ref" v="T1"/>
  </relation>
</osm>
)";

std::vector<std::int64_t> ids_of(const BusRoute& r) {
    std::vector<std::int64_t> ids;
    for (const BusRouteStop& s : r.stops) {
        ids.push_back(s.osm_id);
    }
    return ids;
}

std::string message_of(const std::filesystem::path& file) {
    try {
        static_cast<void>(read_bus_line_file(file));
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("bus routes from OSM relations: roles, order, clipping", "[bus]") {
    const TempDir dir("bus-osm");
    const auto file = dir.write("tiny.osm", tiny_osm);
    const OsmBusData data = read_osm_bus_routes(file, utm32());
    REQUIRE(data.routes.size() == 2);
    const BusRoute& r7 = data.routes[0];
    CHECK(r7.ref == "7");
    CHECK(r7.name == "Bus 7");
    CHECK(r7.from == "Markt");
    CHECK(r7.to == "Uni");
    CHECK(r7.relation_id == 100);
    // Stop roles only (stop_entry_only, stop, stop_exit_only), in member order; no platform.
    CHECK(ids_of(r7) == std::vector<std::int64_t>{1, 2, 3});
    CHECK(r7.stops[0].name == "Markt & Rathaus");
    // Node 999 is not in the file: the route is clipped to the part inside.
    CHECK(ids_of(data.routes[1]) == std::vector<std::int64_t>{4, 1});
    // Stops are projected: 0.001 deg of latitude is 111.2 m of meridian arc (x 0.9996 UTM
    // scale); the 0.001 deg (72.4 m) step east lowers the northing by 72.4 x sin(0.94 deg) of
    // grid convergence at 7.76 E (1.24 deg west of the zone's meridian): about 109.97 m.
    CHECK(r7.stops[1].y_m - r7.stops[0].y_m == Approx(109.97).margin(0.1));
    // Stop-like nodes for the line file: tagged stops and route members.
    CHECK(data.stop_nodes.count(5) == 1);
    CHECK(data.stop_nodes.count(3) == 1);
}

TEST_CASE("bus routes of the Kaiserslautern extract", "[bus]") {
    const OsmBusData data =
        read_osm_bus_routes(kaiserslautern_input("kaiserslautern.osm.gz"), utm32());
    // 42 route relations (the 43rd bus relation is the route master of line 112), every one
    // with its stops inside the extract.
    CHECK(data.routes.size() == 42);
    std::set<std::string> refs;
    for (const BusRoute& r : data.routes) {
        refs.insert(r.ref);
        CHECK(r.stops.size() >= 6);
    }
    CHECK(refs == std::set<std::string>{"101", "102", "103", "104", "105", "106", "107", "111",
                                        "112", "114", "115", "116", "117"});
}

TEST_CASE("bus line file: headways, speed factors and new lines", "[bus]") {
    const TempDir dir("bus-file");
    const auto file = dir.write("lines.yaml", "lines:\n"
                                              "  - ref: \"105\"\n"
                                              "    headway_min: 10\n"
                                              "  - ref: \"101\"\n"
                                              "    speed_factor: 0.8\n"
                                              "  - ref: X1\n"
                                              "    name: Campus express\n"
                                              "    headway_min: 30\n"
                                              "    both_directions: false\n"
                                              "    stops_lonlat: [[7.75, 49.42], [7.76, 49.44]]\n"
                                              "  - ref: X2\n"
                                              "    stops_osm: [271151768, 269385737]\n");
    const std::vector<BusLineSpec> lines = read_bus_line_file(file);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].ref == "105");
    CHECK(lines[0].headway_min == 10.0);
    CHECK_FALSE(lines[0].speed_factor.has_value());
    CHECK(lines[1].speed_factor == 0.8);
    CHECK(lines[2].name == "Campus express");
    CHECK_FALSE(lines[2].both_directions);
    CHECK(lines[2].stops_lonlat.size() == 2);
    CHECK(lines[2].line == 6);
    CHECK(lines[3].stops_osm == std::vector<std::int64_t>{271151768, 269385737});
    CHECK(lines[3].both_directions);

    // The documented example file parses.
    CHECK(read_bus_line_file(source_dir() / "scenarios" / "kaiserslautern" /
                             "bus_lines_example.yaml")
              .size() >= 2);
}

TEST_CASE("bus line file: one message naming the file, the line and the fix", "[bus]") {
    const TempDir dir("bus-file-bad");
    const auto bad_key = dir.write("a.yaml", "lines:\n  - ref: \"105\"\n    headwy_min: 10\n");
    const std::string m1 = message_of(bad_key);
    CHECK(m1.find(bad_key.string() + ":3:") != std::string::npos);
    CHECK(m1.find("unknown key 'headwy_min'") != std::string::npos);
    CHECK(m1.find("headway_min") != std::string::npos);

    const auto no_ref = dir.write("b.yaml", "lines:\n  - headway_min: 10\n");
    CHECK(message_of(no_ref).find(no_ref.string() + ":2:") != std::string::npos);
    CHECK(message_of(no_ref).find("without `ref`") != std::string::npos);

    const auto twice = dir.write("c.yaml", "lines:\n  - ref: 1\n  - ref: 1\n");
    CHECK(message_of(twice).find(twice.string() + ":3:") != std::string::npos);

    const auto bad_number = dir.write("d.yaml", "lines:\n  - ref: 1\n    headway_min: often\n");
    CHECK(message_of(bad_number).find(":3:") != std::string::npos);
    CHECK(message_of(bad_number).find("headway_min must be a number") != std::string::npos);

    const auto no_list = dir.write("e.yaml", "line:\n  - ref: 1\n");
    CHECK(message_of(no_list).find("`lines:`") != std::string::npos);

    const auto one_stop = dir.write("f.yaml", "lines:\n  - ref: 1\n    stops_osm: [5]\n");
    CHECK(message_of(one_stop).find("at least 2") != std::string::npos);

    CHECK(message_of(dir / "missing.yaml").find("cannot read") != std::string::npos);
}
