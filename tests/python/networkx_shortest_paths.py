"""Independent shortest-path distances with networkx (Debian python3-networkx) for lauter's routing
tests (tests/sim/test_osm_network.cpp).

Usage: networkx_shortest_paths.py EDGES.csv PAIRS.csv OUT.csv [--turns]
  EDGES.csv: tail,head,weight (header line); parallel edges keep the smallest weight.
  PAIRS.csv: source,target (header line).
  OUT.csv:   source,target,distance ("inf" when unreachable).

With --turns the distances are turn-aware, computed on the explicit edge-expanded (line) graph
(one vertex per street edge; lauter's TurnAwareQuery never builds it). EDGES.csv then has the
columns edge,tail,head,weight,turn_penalty,segment,geometry: every directed edge of the graph
("inf" weight: not usable), the penalty added to a turn leaving it, the street segment it
belongs to (the other edge of the same segment is its reverse) and its polyline in the
direction of travel as "x y;x y;...". The rules, from lauter's docs/mobility.md: the
deflection between the last piece of the incoming and the first piece of the outgoing polyline
is a turn from 27 degrees on; reversing onto the same segment is allowed only where no other
usable edge leaves the node, and then costs no penalty.
"""
import csv
import math
import sys

import networkx as nx


def read_pairs(pairs_path):
    with open(pairs_path, newline="") as f:
        return [(int(row["source"]), int(row["target"])) for row in csv.DictReader(f)]


def write_distances(out_path, pairs, distance_of):
    with open(out_path, "w", newline="") as f:
        f.write("source,target,distance\n")
        for s, t in pairs:
            d = distance_of(s, t)
            f.write(f"{s},{t},{'inf' if d is None else repr(d)}\n")


def node_based(edges_path, pairs_path, out_path):
    graph = nx.DiGraph()
    with open(edges_path, newline="") as f:
        for row in csv.DictReader(f):
            u, v, w = int(row["tail"]), int(row["head"]), float(row["weight"])
            if graph.has_edge(u, v) and graph[u][v]["weight"] <= w:
                continue
            graph.add_edge(u, v, weight=w)
    pairs = read_pairs(pairs_path)
    by_source = {}
    for s, _ in pairs:
        if s not in by_source:
            by_source[s] = (nx.single_source_dijkstra_path_length(graph, s, weight="weight")
                            if s in graph else {})
    write_distances(out_path, pairs, lambda s, t: by_source[s].get(t))


def end_bearings(points):
    """Compass bearings (clockwise from north) of the first and last non-degenerate pieces."""
    first = last = None
    for p in points[1:]:
        if p != points[0]:
            first = math.atan2(p[0] - points[0][0], p[1] - points[0][1])
            break
    for p in reversed(points[:-1]):
        if p != points[-1]:
            last = math.atan2(points[-1][0] - p[0], points[-1][1] - p[1])
            break
    return first, last


def is_turn(exit_bearing, entry_bearing):
    if exit_bearing is None or entry_bearing is None:
        return False
    d = entry_bearing - exit_bearing
    while d > math.pi:
        d -= 2.0 * math.pi
    while d <= -math.pi:
        d += 2.0 * math.pi
    return abs(d) >= math.radians(27.0)


def turn_aware(edges_path, pairs_path, out_path):
    edges = {}
    by_segment = {}
    out_edges = {}
    with open(edges_path, newline="") as f:
        for row in csv.DictReader(f):
            e = int(row["edge"])
            points = [tuple(float(c) for c in p.split(" ")) for p in row["geometry"].split(";")]
            entry, exit_ = end_bearings(points)
            edges[e] = dict(tail=int(row["tail"]), head=int(row["head"]),
                            weight=float(row["weight"]), penalty=float(row["turn_penalty"]),
                            entry=entry, exit=exit_)
            by_segment.setdefault(int(row["segment"]), []).append(e)
            out_edges.setdefault(int(row["tail"]), []).append(e)
    twin = {}
    for members in by_segment.values():
        if len(members) == 2:
            twin[members[0]], twin[members[1]] = members[1], members[0]

    def usable(e):
        return math.isfinite(edges[e]["weight"])

    line = nx.DiGraph()
    for e, a in edges.items():
        if not usable(e):
            continue
        v = a["head"]
        line.add_edge(("e", e), ("t", v), weight=0.0)
        exits = [f for f in out_edges.get(v, []) if usable(f) and f != twin.get(e)]
        for f in exits:
            cost = edges[f]["weight"]
            if is_turn(a["exit"], edges[f]["entry"]):
                cost += a["penalty"]
            line.add_edge(("e", e), ("e", f), weight=cost)
        if not exits and e in twin and usable(twin[e]):
            line.add_edge(("e", e), ("e", twin[e]), weight=edges[twin[e]]["weight"])
    for v, leaving in out_edges.items():
        for f in leaving:
            if usable(f):
                line.add_edge(("s", v), ("e", f), weight=edges[f]["weight"])
    pairs = read_pairs(pairs_path)
    by_source = {}
    for s, _ in pairs:
        if s not in by_source:
            by_source[s] = (nx.single_source_dijkstra_path_length(line, ("s", s), weight="weight")
                            if ("s", s) in line else {})
    write_distances(out_path, pairs,
                    lambda s, t: 0.0 if s == t else by_source[s].get(("t", t)))


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[4] == "--turns":
        turn_aware(*sys.argv[1:4])
    else:
        node_based(*sys.argv[1:4])
