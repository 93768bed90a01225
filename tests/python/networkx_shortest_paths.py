"""Independent shortest-path distances with networkx (Debian python3-networkx) for lauter's routing
test (tests/sim/test_mobility_networkx.cpp).

Usage: networkx_shortest_paths.py EDGES.csv PAIRS.csv OUT.csv
  EDGES.csv: tail,head,weight (header line); parallel edges keep the smallest weight.
  PAIRS.csv: source,target (header line).
  OUT.csv:   source,target,distance ("inf" when unreachable).
"""
import csv
import sys

import networkx as nx


def main(edges_path, pairs_path, out_path):
    graph = nx.DiGraph()
    with open(edges_path, newline="") as f:
        for row in csv.DictReader(f):
            u, v, w = int(row["tail"]), int(row["head"]), float(row["weight"])
            if graph.has_edge(u, v) and graph[u][v]["weight"] <= w:
                continue
            graph.add_edge(u, v, weight=w)
    pairs = []
    with open(pairs_path, newline="") as f:
        for row in csv.DictReader(f):
            pairs.append((int(row["source"]), int(row["target"])))
    by_source = {}
    for s, _ in pairs:
        if s not in by_source:
            by_source[s] = (nx.single_source_dijkstra_path_length(graph, s, weight="weight")
                            if s in graph else {})
    with open(out_path, "w", newline="") as f:
        f.write("source,target,distance\n")
        for s, t in pairs:
            d = by_source[s].get(t)
            f.write(f"{s},{t},{'inf' if d is None else repr(d)}\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
