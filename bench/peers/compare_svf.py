#!/usr/bin/python3
"""Summarises an svf_peers.sh run: median wall times with ratios, and output differences of
lauter's sky view factor and shadow against SAGA and GRASS (markdown).

usage: /usr/bin/python3 bench/peers/compare_svf.py OUTDIR

SVF differences are reported on all cells and on the interior cells at least the search radius
(2 km) from the edge, where no tool's horizon is cut by the grid edge. Shadows: lauter's sunlit
fraction (0 = cast shadow) against SAGA's direct irradiance of the same moment (0 = no beam,
which also includes slopes facing away from the sun: self-shading, not a cast shadow) and, if
run, GRASS r.sunmask; cells are split by whether the slope faces the sun (cosine of the
incidence angle from numpy gradients > 0).
"""
import csv
import math
import os
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
    return values, ds


def medians(path):
    rows = {}
    order = []
    with open(path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["rc"] != "0":
                continue
            label = row["label"]
            if label not in rows:
                rows[label] = []
                order.append(label)
            rows[label].append(row)
    return {label: rows[label] for label in order}


def timing_table(root):
    runs = {}
    for sub in ("lauter", "peer_svf", "peer_solar"):
        path = os.path.join(root, sub, "timings.tsv")
        if os.path.exists(path):
            runs.update(medians(path))
    print("\n#### wall times (median of runs; GNU time)\n")
    print("| tool (label) | runs | wall s | min..max | CPU % | max RSS MB | cpu psi % |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    wall = {}
    for label, rows in runs.items():
        w = [float(r["wall_s"]) for r in rows]
        wall[label] = statistics.median(w)
        cpu = statistics.median(float(r["cpu_pct"]) for r in rows)
        rss = statistics.median(float(r["maxrss_MB"]) for r in rows)
        psi = ", ".join(r["cpu_psi_some_pct"] for r in rows)
        print(f"| {label} | {len(rows)} | {wall[label]:.2f} | {min(w):.2f}..{max(w):.2f} |"
              f" {cpu:.0f} | {rss:.0f} | {psi} |")
    print("\n#### ratios (peer wall time / lauter wall time, same run)\n")
    ours_svf = wall.get("lauter:svf_n16_r2000_t2")
    ours_shadow = wall.get("lauter:shadow_2024-06-21T18:00+01_t2")
    for label, w in wall.items():
        if label.startswith("saga:ta_lighting3") or label.startswith("grass:r.horizon"):
            if ours_svf:
                print(f"- {label}: {w:.2f} s / {ours_svf:.2f} s = **{w / ours_svf:.1f}x**")
        if ("PISR_moment" in label or "sunmask" in label) and ours_shadow:
            print(f"- {label}: {w:.2f} s / {ours_shadow:.2f} s = **{w / ours_shadow:.1f}x**")


def svf_table(root):
    ours, _ = read(os.path.join(root, "lauter", "svf.tif"))
    margin = 200  # 2 km of 10 m cells
    interior = np.zeros(ours.shape, dtype=bool)
    interior[margin:-margin, margin:-margin] = True
    print("\n#### sky view factor: lauter (16 directions, 2 km) against the peers\n")
    print("| peer output | cells | lauter mean | peer mean | mean abs diff | max abs diff |"
          " interior mean abs diff | interior max abs diff |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("saga_svf.tif", "grass_svf_cos2.tif", "saga_svf_visible.tif",
                 "grass_svf_visible.tif"):
        path = os.path.join(root, "peer_svf", name)
        if not os.path.exists(path):
            continue
        peer, _ = read(path)
        if "saga_svf_visible" in name:
            peer = peer / 100.0  # per cent of the hemisphere
        both = ~np.isnan(ours) & ~np.isnan(peer)
        d = np.abs(ours - peer)
        inner = both & interior
        print(f"| {name} | {both.sum()} | {ours[both].mean():.4f} | {peer[both].mean():.4f} |"
              f" {d[both].mean():.4f} | {d[both].max():.4f} | {d[inner].mean():.4f} |"
              f" {d[inner].max():.4f} |")
    t1 = os.path.join(root, "lauter", "svf_t1.tif")
    if os.path.exists(t1):
        one, _ = read(t1)
        same = np.array_equal(np.nan_to_num(one, nan=-1.0), np.nan_to_num(ours, nan=-1.0))
        print(f"\nlauter svf with 1 and 2 threads identical: {same}")


def shadow_table(root):
    path = os.path.join(root, "lauter", "shadow.tif")
    saga_path = os.path.join(root, "peer_solar", "saga_pisr_moment_direct.tif")
    if not (os.path.exists(path) and os.path.exists(saga_path)):
        return
    lit, ds = read(path)
    meta = ds.GetMetadata()
    az = math.radians(float(meta["SUN_AZIMUTH_DEG"]))
    el = math.radians(float(meta["SUN_ELEVATION_DEG"]))
    dem, dem_ds = read(os.path.join(root, "data", os.path.basename(
        [f for f in os.listdir(os.path.join(root, "data")) if f.startswith("dem_")][0])))
    cell = dem_ds.GetGeoTransform()[1]
    dz_dy, dz_dx = np.gradient(dem, cell)  # rows run south: dz/d(north) = -dz_dy
    # Unit normal (east, north, up) and the sun vector; cos(incidence) > 0: faces the sun.
    nx, ny, nz = -dz_dx, dz_dy, np.ones_like(dem)
    norm = np.sqrt(nx * nx + ny * ny + nz * nz)
    sx, sy, sz = math.sin(az) * math.cos(el), math.cos(az) * math.cos(el), math.sin(el)
    faces_sun = (nx * sx + ny * sy + nz * sz) / norm > 0.0
    ours = lit == 0.0
    print(f"\n#### shadow at sun azimuth {math.degrees(az):.2f} deg, elevation"
          f" {math.degrees(el):.2f} deg (lauter, NOAA)\n")
    print("| peer | cells | lauter shaded % | peer shaded % | agree % |"
          " agree % where the slope faces the sun | peer-only shaded % (facing) |"
          " lauter-only shaded % (facing) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    peers = [("SAGA PISR moment direct == 0", saga_path, lambda v: v <= 0.0)]
    mask_path = os.path.join(root, "peer_solar", "grass_r.sunmask_shadow.tif")
    if os.path.exists(mask_path):
        peers.append(("GRASS r.sunmask", mask_path, lambda v: v >= 1.0))
    for name, p, shaded_of in peers:
        values, _ = read(p)
        valid = ~np.isnan(values) & ~np.isnan(lit)
        theirs = np.zeros(values.shape, dtype=bool)
        theirs[valid] = shaded_of(values[valid])
        agree = (ours == theirs) & valid
        facing = valid & faces_sun
        n = valid.sum()
        nf = facing.sum()
        print(f"| {name} | {n} | {100 * ours[valid].mean():.2f} | {100 * theirs[valid].mean():.2f}"
              f" | {100 * agree.sum() / n:.2f} | {100 * (agree & facing).sum() / nf:.2f} |"
              f" {100 * (theirs & ~ours & facing).sum() / nf:.2f} |"
              f" {100 * (ours & ~theirs & facing).sum() / nf:.2f} |")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    root = sys.argv[1]
    timing_table(root)
    svf_table(root)
    shadow_table(root)


if __name__ == "__main__":
    main()
