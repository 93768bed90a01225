#!/usr/bin/python3
"""Compare lauter's fill / flowacc / sinks outputs with the peer outputs of
/work/shared/peers/peer_fill.sh and peer_flowacc.sh (see docs/hydrology.md).

usage: compare_hydrology.py DEM.tif FILL_PEER_DIR FLOWACC_PEER_DIR LAUTER_DIR
                            [--timings DIR...]

LAUTER_DIR holds: fill.tif, fill_eps.tif, acc_d8.tif, acc_mfd.tif, optionally sinks.tif,
sinks.csv and acc_d8_on_saga_fill.tif / acc_mfd_on_saga_fill.tif (lauter flowacc run on SAGA's
MINSLOPE=0.1 filled DEM, the surface SAGA's accumulation used). Missing files are skipped.
--timings: directories with a timings.tsv (peer_time rows); prints the median wall time per tool.
Prints markdown tables (bench/peers/hydrology_peers.sh runs everything and calls this).
"""
import csv
import os
import sys

import numpy as np
from osgeo import gdal


def read(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    ok = np.isfinite(a) if nd is None else (a != nd) & np.isfinite(a)
    gt = ds.GetGeoTransform()
    return np.where(ok, a, np.nan), abs(gt[1] * gt[5])


def fill_row(name, dem, path):
    z, cell = read(path)
    d = np.where(np.isfinite(z), z - dem, 0.0)
    return name, int((d > 1e-6).sum()), d.sum() * cell, d.max(), z


def timings_table(dirs):
    """Median wall time per label over every row of the timings.tsv files in `dirs`."""
    runs = {}
    for d in dirs:
        path = os.path.join(d, "timings.tsv")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["rc"] != "0":
                    continue
                runs.setdefault(row["label"], []).append(row)
    print("### Times (wall s, median of the runs; load = 1-min load average before each run)\n")
    print("| tool | cells | runs | median wall s | all runs s | max RSS MB | load before | "
          "CPU pressure % |")
    print("|---|---:|---:|---:|---|---:|---:|---|")
    for label, rows in runs.items():
        walls = [float(r["wall_s"]) for r in rows]
        print("| %s | %s | %d | %.2f | %s | %s | %s | %s |"
              % (label, rows[0]["cells"], len(rows), float(np.median(walls)),
                 " / ".join("%.2f" % w for w in walls), max(int(r["maxrss_MB"]) for r in rows),
                 " / ".join(r["load1_before"] for r in rows),
                 " / ".join(r["cpu_psi_some_pct"] for r in rows)))
    print()


def main():
    args = sys.argv[1:]
    timing_dirs = []
    if "--timings" in args:
        k = args.index("--timings")
        timing_dirs = args[k + 1:]
        args = args[:k]
    dem_path, fill_dir, acc_dir, ours = args[:4]
    dem, cell = read(dem_path)
    if timing_dirs:
        timings_table(timing_dirs)

    print("### Depression filling (filled - DEM)\n")
    print("| method | changed cells | volume m3 | max fill m | cells differing from lauter "
          "(no epsilon) | max abs diff m |")
    print("|---|---:|---:|---:|---:|---:|")
    ref = None
    rows = [("lauter fill (no epsilon)", os.path.join(ours, "fill.tif")),
            ("lauter fill --epsilon", os.path.join(ours, "fill_eps.tif")),
            ("SAGA Wang & Liu MINSLOPE=0", os.path.join(fill_dir, "saga_fill_wangliu_flat.tif")),
            ("SAGA Wang & Liu XXL MINSLOPE=0", os.path.join(fill_dir, "saga_fill_xxl_flat.tif")),
            ("GRASS r.terraflow filled", os.path.join(fill_dir, "grass_r.terraflow_filled.tif")),
            ("GRASS r.fill.dir iterated",
             os.path.join(fill_dir, "grass_r.fill.dir_iterated_filled.tif")),
            ("GRASS r.fill.dir one pass", os.path.join(fill_dir, "grass_r.fill.dir_filled.tif")),
            ("SAGA Wang & Liu MINSLOPE=0.1", os.path.join(fill_dir, "saga_fill_wangliu.tif")),
            ("SAGA Planchon/Darboux 0.01", os.path.join(fill_dir, "saga_fill_planchon.tif"))]
    for name, path in rows:
        if not os.path.exists(path):
            continue
        name, changed, vol, mx, z = fill_row(name, dem, path)
        if ref is None:
            ref = z
        diff = np.abs(np.where(np.isfinite(z) & np.isfinite(ref), z - ref, 0.0))
        print("| %s | %d | %.4g | %.3f | %d | %.3g |"
              % (name, changed, vol, mx, int((diff > 1e-6).sum()), diff.max()))

    sinks_csv = os.path.join(ours, "sinks.csv")
    if os.path.exists(sinks_csv):
        with open(sinks_csv) as f:
            t = list(csv.DictReader(f))
        vol = sum(float(r["volume_m3"]) for r in t)
        cells = sum(int(r["cell_count"]) for r in t)
        deepest = max(float(r["max_depth_m"]) for r in t)
        big = sorted(t, key=lambda r: -float(r["volume_m3"]))[:5]
        print("\nlauter sinks: %d depressions, %d cells, volume %.4g m3, deepest %.3f m; "
              "largest five by volume (id: volume m3, max depth m, area m2): %s\n"
              % (len(t), cells, vol, deepest,
                 "; ".join("%s: %.4g, %.2f, %.4g" % (r["id"], float(r["volume_m3"]),
                                                      float(r["max_depth_m"]),
                                                      float(r["area_m2"])) for r in big)))

    raised = None
    if os.path.exists(os.path.join(ours, "fill.tif")):
        f, _ = read(os.path.join(ours, "fill.tif"))
        raised = np.isfinite(f) & (f > dem)
    print("### Flow accumulation (cells)\n")
    print("Identical = within 1e-6 relative. The last two columns count the cells outside the "
          "depressions lauter's fill raises (where no flat or fill routing is involved).\n")
    print("| lauter | peer | cells compared | identical | differing cells | Pearson r | "
          "r of log10 | max abs diff | median abs rel diff | cells outside depressions | "
          "differing there |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    pairs = [("acc_d8.tif", "saga_topdown_d8_acc.tif", False),
             ("acc_d8.tif", "grass_r.watershed_d8_acc.tif", True),
             ("acc_d8.tif", "grass_r.terraflow_d8_acc.tif", False),
             ("acc_d8_on_saga_fill.tif", "saga_topdown_d8_acc.tif", False),
             ("acc_mfd.tif", "saga_topdown_mfd_acc.tif", False),
             ("acc_mfd_on_saga_fill.tif", "saga_topdown_mfd_acc.tif", False),
             ("acc_mfd.tif", "grass_r.watershed_mfd_acc.tif", True),
             ("acc_mfd.tif", "grass_r.terraflow_mfd_acc.tif", False)]
    for mine, theirs, absolute in pairs:
        pm, pt = os.path.join(ours, mine), os.path.join(acc_dir, theirs)
        if not (os.path.exists(pm) and os.path.exists(pt)):
            continue
        a, _ = read(pm)
        b, _ = read(pt)
        if absolute:  # r.watershed: negative = may receive flow from outside the region
            b = np.abs(b)
        ok = np.isfinite(a) & np.isfinite(b)
        x, y = a[ok], b[ok]
        d = np.abs(x - y)
        rel = d / np.maximum(np.abs(x), 1.0)
        same = d <= 1e-6 * np.maximum(1, x)
        outside = ~raised[ok] if raised is not None else np.ones_like(same)
        print("| %s | %s | %d | %.4f | %d | %.6f | %.6f | %.6g | %.3g | %d | %d |"
              % (mine, theirs, ok.sum(), float(same.mean()), int((~same).sum()),
                 np.corrcoef(x, y)[0, 1],
                 np.corrcoef(np.log10(np.maximum(x, 1e-9)), np.log10(np.maximum(y, 1e-9)))[0, 1],
                 d.max(), np.median(rel), int(outside.sum()), int((~same & outside).sum())))


if __name__ == "__main__":
    main()
