#!/usr/bin/python3
"""Compare the water depth after a uniform-rain event from `lauter tool runoff` with GRASS
r.sim.water (SIMWE) and SAGA "Overland Flow" (sim_hydrology 9) as run by
/work/shared/peers/peer_runoff.sh, and print the times (bench/peers/runoff_peers.sh runs all).

usage: compare_runoff.py DEM.tif LAUTER_DIR PEER_DIR [--minutes M] [--rain MM_PER_H]

LAUTER_DIR holds run/end_depth.tif, run/volume_balance.csv, steps.txt and timings.tsv (the
peer_time rows); PEER_DIR holds grass_r.sim.water_depth_m.tif (m), saga_overland_flow_mm.tif
(the FLOW state of Overland Flow, mm) and timings.tsv. Missing files are skipped.
Prints markdown tables: times (median of the rounds), volumes, wetted areas, Pearson correlation
of the depth fields, and the depths at the ten deepest cells of each tool.
"""
import argparse
import csv
import os
import re

import numpy as np
from osgeo import gdal

THRESHOLDS_M = (0.01, 0.05, 0.10)


def read(path, scale=1.0):
    """Depth raster in metres; no-data (SIMWE writes null where no walker ended) counts as dry."""
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    a = band.ReadAsArray().astype(np.float64)
    nd = band.GetNoDataValue()
    ok = np.isfinite(a) if nd is None else (a != nd) & np.isfinite(a)
    gt = ds.GetGeoTransform()
    return np.where(ok, a * scale, 0.0), abs(gt[1] * gt[5])


def timings(dirs):
    runs = {}
    for d in dirs:
        path = os.path.join(d, "timings.tsv")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for row in csv.DictReader(f, delimiter="\t"):
                runs.setdefault(row["label"], []).append(row)
    return runs


def print_timings(runs):
    print("### Times (wall s; median of the rounds; load = 1-min load average before each run)\n")
    lauter = [float(r["wall_s"]) for k, rows in runs.items() if k.startswith("lauter:")
              for r in rows if r["rc"] == "0"]
    lauter_median = float(np.median(lauter)) if lauter else float("nan")
    print("| tool | runs | median wall s | ÷ lauter (medians) | ÷ lauter per round | all runs s "
          "| max RSS MB | CPU % | load before | CPU pressure % |")
    print("|---|---:|---:|---:|---|---|---:|---|---|---|")
    for label, rows in runs.items():
        good = [r for r in rows if r["rc"] == "0"]
        if not good:
            print("| %s | %d | failed (rc %s) | | | | | | | |" % (label, len(rows), rows[0]["rc"]))
            continue
        walls = [float(r["wall_s"]) for r in good]
        # round i of runoff_peers.sh ran lauter and then the peers: same load, paired ratio
        per_round = " / ".join("%.2f" % (w / l) for w, l in zip(walls, lauter))
        print("| %s | %d | %.2f | %.2f | %s | %s | %s | %s | %s | %s |"
              % (label, len(good), float(np.median(walls)), float(np.median(walls)) / lauter_median,
                 per_round, " / ".join("%.2f" % w for w in walls),
                 max(int(r["maxrss_MB"]) for r in good), " / ".join(r["cpu_pct"] for r in good),
                 " / ".join(r["load1_before"] for r in good),
                 " / ".join(r["cpu_psi_some_pct"] for r in good)))
    print()


def lauter_steps(lauter_dir):
    """(steps, event seconds) of every lauter run: the log lines 'runoff: N steps in S s' that
    runoff_peers.sh collects in steps.txt (one per round)."""
    found = []
    path = os.path.join(lauter_dir, "steps.txt")
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(r"runoff: (\d+) steps in ([0-9.]+) s", line)
                if m:
                    found.append((int(m.group(1)), float(m.group(2))))
    return found


def last_balance_row(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {k: float(v) for k, v in rows[-1].items()}


def pearson(a, b):
    if a.size < 2 or a.std() == 0.0 or b.std() == 0.0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def block_mean(a, k):
    r, c = (a.shape[0] // k) * k, (a.shape[1] // k) * k
    return a[:r, :c].reshape(r // k, k, c // k, k).mean(axis=(1, 3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dem")
    ap.add_argument("lauter_dir")
    ap.add_argument("peer_dir")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--rain", type=float, default=50.0, help="rainfall excess, mm/h")
    args = ap.parse_args()

    dem, cell_m2 = read(args.dem)
    cells = dem.size
    runs = timings([args.lauter_dir, args.peer_dir])
    print_timings(runs)

    steps = lauter_steps(args.lauter_dir)
    if steps:
        n = np.median([s for s, _ in steps])
        t = np.median([s for _, s in steps])
        line = ("lauter: %d steps (every run: %s) for %d cells; solver phase (log) median %.2f s "
                "→ **%.1f M cell updates/s** (every run: %s)"
                % (n, ", ".join(str(s) for s, _ in steps), cells, t, n * cells / t / 1e6,
                   " / ".join("%.1f" % (s * cells / e / 1e6) for s, e in steps)))
        lauter_label = [k for k in runs if k.startswith("lauter:")]
        if lauter_label:
            walls = [float(r["wall_s"]) for r in runs[lauter_label[0]] if r["rc"] == "0"]
            if walls:
                line += ("; end to end (GeoTIFF in, 6 COGs out) %.1f M cell updates/s"
                         % (n * cells / float(np.median(walls)) / 1e6))
        print(line)
        print()

    tools = []
    paths = [("lauter (local-inertial)", os.path.join(args.lauter_dir, "run", "end_depth.tif"), 1.0),
             ("GRASS r.sim.water (SIMWE)",
              os.path.join(args.peer_dir, "grass_r.sim.water_depth_m.tif"), 1.0),
             ("SAGA Overland Flow", os.path.join(args.peer_dir, "saga_overland_flow_mm.tif"),
              1e-3)]
    for name, path, scale in paths:
        if os.path.exists(path):
            depth, _ = read(path, scale)
            tools.append((name, depth))
        else:
            print("(missing: %s)\n" % path)

    rain_m3 = args.rain / 1000.0 * args.minutes / 60.0 * cells * cell_m2
    outflow = {}
    balance = os.path.join(args.lauter_dir, "run", "volume_balance.csv")
    if os.path.exists(balance):
        b = last_balance_row(balance)
        outflow[paths[0][0]] = b
    print("### Water after %g min of %g mm/h (rain volume %.0f m³ on %d cells of %g m²)\n"
          % (args.minutes, args.rain, rain_m3, cells, cell_m2))
    print("| tool | stored m³ | stored / rain | outflow m³ | (stored+outflow) / rain | max depth m "
          "| cells > 1 cm | > 5 cm | > 10 cm | area > 10 cm km² |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, d in tools:
        stored = d.sum() * cell_m2
        wet = [int((d > t).sum()) for t in THRESHOLDS_M]
        if name in outflow:
            out = outflow[name]["outflow_m3"]
            out_s, closure = "%.0f" % out, "%.4f" % ((stored + out) / rain_m3)
        else:
            out_s, closure = "not reported", ""
        print("| %s | %.0f | %.3f | %s | %s | %.3f | %d | %d | %d | %.2f |"
              % (name, stored, stored / rain_m3, out_s, closure, d.max(), wet[0], wet[1], wet[2],
                 wet[2] * cell_m2 / 1e6))
    if paths[0][0] in outflow:
        b = outflow[paths[0][0]]
        print("\nlauter's own balance: rain %.0f m³, outflow %.0f m³, stored %.0f m³, clipped "
              "%.3g m³, relative residual %.2e" % (b["rain_m3"], b["outflow_m3"], b["storage_m3"],
                                                   b["clipped_m3"], b["relative_residual"]))
    print()

    print("### Pearson correlation of the depth fields\n")
    print("| pair | all cells | cells > 1 cm in either | 50 m block means (5×5 cells) |")
    print("|---|---:|---:|---:|")
    for i in range(len(tools)):
        for j in range(i + 1, len(tools)):
            (na, a), (nb, b) = tools[i], tools[j]
            wet = (a > 0.01) | (b > 0.01)
            print("| %s vs %s | %.3f | %.3f (%d cells) | %.3f |"
                  % (na, nb, pearson(a.ravel(), b.ravel()), pearson(a[wet], b[wet]),
                     int(wet.sum()), pearson(block_mean(a, 5).ravel(),
                                             block_mean(b, 5).ravel())))
    print()

    for name, d in tools:
        order = np.argsort(d.ravel())[::-1][:10]
        print("### The ten deepest cells of %s (depth m in every tool)\n" % name)
        print("| rank | row | col | elevation m | "
              + " | ".join(n for n, _ in tools) + " |")
        print("|---:|---:|---:|---:|" + "---:|" * len(tools))
        for rank, flat in enumerate(order, 1):
            r, c = divmod(int(flat), d.shape[1])
            print("| %d | %d | %d | %.1f | " % (rank, r, c, dem[r, c])
                  + " | ".join("%.3f" % t[r, c] for _, t in tools) + " |")
        print()


if __name__ == "__main__":
    main()
