#!/usr/bin/python3
"""Markdown table of Horn kernel throughput against the STREAM triad of the same run.

usage: /usr/bin/python3 bench/kernel_vs_triad.py LABEL=RUN.json [LABEL=RUN.json...]

Each RUN.json is lauter_bench --benchmark_out output with --benchmark_repetitions and
aggregates (the medians are used). A kernel moves 8 bytes per cell over the memory bus (a float
elevation read, a float result written; the 1-byte mask is left out), so the ratio
cells/s * 8 B / triad B/s says how close the kernel comes to the memory-bound limit.
"""
import json
import sys

BYTES_PER_CELL = 8


def medians(path):
    with open(path) as f:
        run = json.load(f)
    out = {}
    for b in run["benchmarks"]:
        if b.get("aggregate_name") == "median":
            out[b["run_name"]] = b
    return run["context"], out


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    print("| build | benchmark | median real ms | cells/s (real) |"
          " cells/s uncontended (cells / CPU s of thread 0) |"
          " triad GB/s | cells/s x 8 B / triad |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for arg in sys.argv[1:]:
        label, path = arg.split("=", 1)
        _, runs = medians(path)
        triad = next(b for name, b in runs.items() if name.startswith("BM_stream_triad"))
        triad_bps = triad["bytes_per_second"]
        for name, b in runs.items():
            if name.startswith("BM_stream_triad"):
                continue
            cells_per_s = b["items_per_second"]
            # Items over the main thread's CPU time: the rate had every thread had a core of its
            # own (the other threads do the same share of the rows under schedule(static)).
            cells = cells_per_s * b["real_time"] * 1e-3
            cpu_rate = cells / (b["cpu_time"] * 1e-3)
            print(f"| {label} | {name} | {b['real_time']:.1f} | {cells_per_s / 1e6:.1f} M |"
                  f" {cpu_rate / 1e6:.1f} M | {triad_bps / 1e9:.2f} |"
                  f" {100.0 * cells_per_s * BYTES_PER_CELL / triad_bps:.1f} % |")


if __name__ == "__main__":
    main()
