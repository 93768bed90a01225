#!/usr/bin/python3
"""Compare cold-air layer heights after 1 h on the peer DEM: SAGA "Cold Air Flow" (as written by
/work/shared/peers/peer_coldair.sh with COLDAIR_HOURS=1 and COLDAIR_PROD=coldair_prod_1000.tif)
against lauter's screening and shallow layer (GeoTIFFs written by `lauter_bench
--benchmark_filter=BM_coldair_peer_dem` with LAUTER_COLDAIR_PEER_DIR and LAUTER_COLDAIR_EXPORT).

usage: compare_coldair.py SAGA_HEIGHT.tif LAUTER_HEIGHT.tif [LAUTER_HEIGHT.tif ...]

Prints, per lauter raster: mean, max and stored volume of each field, the share of cells with
more than 1 m of cold air in each, and the Pearson correlation of the height fields over all
cells and over the cells where either exceeds 1 m.
"""
import sys

import numpy as np
from osgeo import gdal


def read(path):
    ds = gdal.Open(path)
    if ds is None:
        sys.exit(f"compare_coldair.py: cannot open {path}")
    band = ds.GetRasterBand(1)
    a = band.ReadAsArray().astype(np.float64)
    nd = band.GetNoDataValue()
    if nd is not None:
        a[a == nd] = np.nan
    gt = ds.GetGeoTransform()
    return np.nan_to_num(a, nan=0.0), abs(gt[1] * gt[5])


def summary(name, h, area):
    return (f"| {name} | {h.mean():.3f} | {h.max():.2f} | {h.sum() * area / 1e6:.3f} | "
            f"{np.mean(h > 1.0):.3f} |")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    saga, area = read(sys.argv[1])
    print("| field | mean h (m) | max h (m) | volume (10^6 m^3) | share h > 1 m |")
    print("|---|---|---|---|---|")
    print(summary("SAGA Cold Air Flow", saga, area))
    rows = []
    for path in sys.argv[2:]:
        ours, _ = read(path)
        if ours.shape != saga.shape:
            sys.exit(f"compare_coldair.py: {path} differs in shape from {sys.argv[1]}")
        print(summary(path.rsplit("/", 1)[-1], ours, area))
        both = (ours > 1.0) | (saga > 1.0)
        r_all = np.corrcoef(ours.ravel(), saga.ravel())[0, 1]
        r_deep = np.corrcoef(ours[both], saga[both])[0, 1] if both.sum() > 2 else float("nan")
        rows.append(f"| {path.rsplit('/', 1)[-1]} | {r_all:.3f} | {r_deep:.3f} |")
    print()
    print("| lauter field | Pearson r (all cells) | Pearson r (h > 1 m in either) |")
    print("|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
