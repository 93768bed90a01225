#!/usr/bin/python3
"""Markdown table of kernel throughput against the STREAM triad of the same run (the roofline).

usage: /usr/bin/python3 bench/kernel_vs_triad.py [--bytes PREFIX=B ...]
           LABEL=RUN.json[,RUN.json...] ...

Each RUN.json is lauter_bench --benchmark_out output. A run with --benchmark_repetitions and
aggregates contributes its medians; several comma-separated runs of one label (for example
repeated alternately with another build on a shared machine) contribute the median over the
runs, and the table gives the range of the runs too.

Bytes per item: how many bytes one item (a cell, or a cell update) moves over the memory bus,
counting each array read or written once per pass and no write-allocate traffic, as the triad's
24 B per element does. The default is 8 (the Horn kernels: a float elevation read, a float
result written; the 1-byte mask is left out). --bytes PREFIX=B sets B for every benchmark whose
name starts with PREFIX (the longest matching prefix wins). The ratio items/s x B / triad B/s
says how close the kernel comes to the memory-bound limit.
"""
import json
import statistics
import sys

DEFAULT_BYTES_PER_ITEM = 8.0


def per_benchmark(path):
    """{run_name: benchmark} of one file: the median aggregate if present, else the single run."""
    with open(path) as f:
        run = json.load(f)
    medians = {}
    singles = {}
    for b in run["benchmarks"]:
        name = b.get("run_name", b["name"])
        if b.get("aggregate_name") == "median":
            medians[name] = b
        elif b.get("run_type", "iteration") == "iteration":
            singles.setdefault(name, b)
    singles.update(medians)
    return singles


def bytes_for(name, table):
    best = None
    for prefix, value in table.items():
        if name.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, value)
    return DEFAULT_BYTES_PER_ITEM if best is None else best[1]


def main():
    args = sys.argv[1:]
    table = {}
    runs = []
    while args:
        arg = args.pop(0)
        if arg == "--bytes":
            prefix, value = args.pop(0).rsplit("=", 1)
            table[prefix] = float(value)
        else:
            runs.append(arg)
    if not runs:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    print("| build | benchmark | median real ms | items/s (real) | range of the runs |"
          " items/s uncontended (items / CPU s of thread 0) | triad GB/s |"
          " B per item | items/s x B / triad |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for arg in runs:
        label, paths = arg.split("=", 1)
        files = [per_benchmark(p) for p in paths.split(",")]
        triads = []
        for f in files:
            triads += [b["bytes_per_second"] for n, b in f.items()
                       if n.startswith("BM_stream_triad")]
        triad_bps = statistics.median(triads)
        names = [n for n in files[0] if not n.startswith("BM_stream_triad")]
        for name in names:
            found = [f[name] for f in files if name in f]
            rates = [b["items_per_second"] for b in found]
            real_ms = statistics.median(b["real_time"] for b in found)
            # Items over the main thread's CPU time: the rate had every thread had a core of its
            # own (the other threads do the same share of the rows under a static schedule).
            cpu_rates = [b["items_per_second"] * b["real_time"] / b["cpu_time"] for b in found]
            rate = statistics.median(rates)
            bytes_per_item = bytes_for(name, table)
            print(f"| {label} | {name} | {real_ms:.1f} | {rate / 1e6:.1f} M |"
                  f" {min(rates) / 1e6:.1f}–{max(rates) / 1e6:.1f} M |"
                  f" {statistics.median(cpu_rates) / 1e6:.1f} M | {triad_bps / 1e9:.2f} |"
                  f" {bytes_per_item:g} | {100.0 * rate * bytes_per_item / triad_bps:.1f} % |")


if __name__ == "__main__":
    main()
