"""networkx on the same Kaiserslautern bike graph and one-to-all queries as
bench/bench_mobility_routing.cpp (BM_BikeOneToAll), for the ratio in docs/mobility.md.

usage: LAUTER_MOBILITY_EXPORT=DIR build/bench/lauter_bench --benchmark_filter=BikeOneToAll
       /usr/bin/python3 bench/peers/networkx_routing.py DIR [QUERIES]
Times nx.single_source_dijkstra_path_length over the first QUERIES (default 50) sources of
DIR/sources.csv, three repeats, and prints the median time per query in ms.
"""
import csv
import statistics
import sys
import time

import networkx as nx


def main(directory, queries=50):
    graph = nx.DiGraph()
    with open(f"{directory}/edges.csv", newline="") as f:
        for row in csv.DictReader(f):
            u, v, w = int(row["tail"]), int(row["head"]), float(row["weight"])
            if graph.has_edge(u, v) and graph[u][v]["weight"] <= w:
                continue
            graph.add_edge(u, v, weight=w)
    with open(f"{directory}/sources.csv", newline="") as f:
        sources = [int(row["source"]) for row in csv.DictReader(f)][:queries]
    per_query = []
    for _ in range(3):
        start = time.perf_counter()
        for s in sources:
            nx.single_source_dijkstra_path_length(graph, s, weight="weight")
        per_query.append((time.perf_counter() - start) / len(sources) * 1000.0)
    print(f"networkx {nx.__version__}: {graph.number_of_nodes()} nodes, "
          f"{graph.number_of_edges()} edges, one-to-all median "
          f"{statistics.median(per_query):.2f} ms per query "
          f"(runs: {', '.join(f'{t:.2f}' for t in per_query)})")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50)
