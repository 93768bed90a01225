#!/usr/bin/python3
"""Summarises a terrain_peers.sh run: median timings and output differences (markdown).

usage: /usr/bin/python3 bench/peers/compare_terrain.py OUTDIR [OUTDIR...]

Timings: median over the runs of each label of wall time, CPU %, CPU time (user + system,
the figure least disturbed by other load on the machine) and max RSS; cells/s is cells
divided by the median wall time (so it includes GeoTIFF reading and writing for lauter and
gdaldem). Differences: lauter's slope (degrees) and hillshade against each peer on the interior
cells (the one-cell border is left out: gdaldem and GRASS write no-data there, lauter
extrapolates). gdaldem's hillshade is a byte 1..255 = 1 + 254 * shade (0 = no-data); it is
converted back to 0..1, so its rounding alone allows differences up to 1/508 = 0.002.
"""
import csv
import os
import re
import statistics
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def read(path):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    values = band.ReadAsArray().astype(np.float64)
    no_data = band.GetNoDataValue()
    if no_data is not None and not np.isnan(no_data):
        values[values == no_data] = np.nan
    return values


def timings(outdir):
    rows = {}
    order = []
    with open(os.path.join(outdir, "timings.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            label = row["label"]
            if label not in rows:
                rows[label] = []
                order.append(label)
            rows[label].append(row)
    print(f"\n#### timings: {outdir}\n")
    print("| tool (label) | runs | wall s (median) | min..max | cells/s | CPU % | CPU s |"
          " max RSS MB | output MB | load1 before |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label in order:
        runs = rows[label]
        wall = [float(r["wall_s"]) for r in runs]
        median_wall = statistics.median(wall)
        cells = int(runs[0]["cells"])
        cpu = statistics.median(float(r["cpu_pct"]) for r in runs)
        cpu_s = statistics.median(float(r["cpu_s"]) for r in runs)
        rss = statistics.median(float(r["maxrss_MB"]) for r in runs)
        loads = ", ".join(r["load1_before"] for r in runs)
        output = os.path.join(outdir, re.sub(r"_t[0-9]+$", "", label) + ".tif")
        size = f"{os.path.getsize(output) / 1e6:.1f}" if os.path.exists(output) else "-"
        print(f"| {label} | {len(runs)} | {median_wall:.2f} | {min(wall):.2f}..{max(wall):.2f} |"
              f" {cells / median_wall / 1e6:.1f} M | {cpu:.0f} | {cpu_s:.2f} | {rss:.0f} | {size} |"
              f" {loads} |")


def diff_row(name, ours, theirs, unit):
    a = ours[1:-1, 1:-1]
    b = theirs[1:-1, 1:-1]
    both = ~np.isnan(a) & ~np.isnan(b)
    d = np.abs(a[both] - b[both])
    missing = int(a.size - both.sum())
    print(f"| {name} | {unit} | {both.sum()} | {d.max():.2e} | {d.mean():.2e} | {missing} |")


def differences(outdir):
    p = lambda name: os.path.join(outdir, name)
    print(f"\n#### output differences on interior cells: {outdir}\n")
    print("| lauter vs | unit | cells compared | max abs diff | mean abs diff | interior cells"
          " without a value in one of them |")
    print("|---|---|---:|---:|---:|---:|")
    slope = read(p("lauter_slope.tif"))
    shade = read(p("lauter_hillshade.tif"))
    diff_row("gdaldem slope", slope, read(p("gdaldem_slope.tif")), "degree")
    if os.path.exists(p("grass_slope.tif")):
        diff_row("GRASS r.slope.aspect slope", slope, read(p("grass_slope.tif")), "degree")
    gdal_shade = (read(p("gdaldem_hillshade.tif")) - 1.0) / 254.0
    diff_row("gdaldem hillshade (byte -> 0..1)", shade, gdal_shade, "0..1")
    for before, ours in (("before_slope.tif", slope), ("before_hillshade.tif", shade)):
        if os.path.exists(p(before)):
            diff_row(f"lauter before this change ({before})", ours, read(p(before)),
                     "degree" if "slope" in before else "0..1")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    for outdir in sys.argv[1:]:
        timings(outdir)
        differences(outdir)


if __name__ == "__main__":
    main()
