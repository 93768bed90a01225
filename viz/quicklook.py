#!/usr/bin/python3
"""Quick-look maps of a lauter results file: one PNG per raster layer.

Usage: viz/quicklook.py RESULTS.h5 OUTDIR [--group /baseline/terrain]

Reads the file with h5py only (no lauter code), so it doubles as a check that the results are
self-describing: units, long names, x/y coordinates and class meanings all come from the file.
Categorical layers (those with flag_values/flag_meanings) get a legend; continuous layers a colour bar.
The attribution stored in the file is printed on every map.
"""
import argparse
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap, BoundaryNorm  # noqa: E402

# Colours for the land-cover classes, keyed by the class names stored in flag_meanings.
CLASS_COLOURS = {
    "building": "#b03a2e",
    "road": "#7f8c8d",
    "sealed_other": "#c39bd3",
    "railway": "#4a235a",
    "open_land": "#abebc6",
    "trees": "#1e8449",
    "water": "#2e86c1",
    "agriculture": "#f4d03f",
}


def text_attr(obj, key, default=""):
    value = obj.attrs.get(key, default)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
        return " ".join(v.decode() if isinstance(v, bytes) else str(v) for v in value)
    return str(value) if not isinstance(value, np.ndarray) else value


def raster_datasets(group):
    found = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.ndim == 2 and "grid_mapping" in obj.attrs:
            found.append(obj)

    group.visititems(visit)
    return found


def draw(ds, x, y, attribution, out_png):
    values = ds[()]
    extent = [x[0] - (x[1] - x[0]) / 2, x[-1] + (x[1] - x[0]) / 2,
              y[-1] - (y[0] - y[1]) / 2, y[0] + (y[0] - y[1]) / 2]
    fig, ax = plt.subplots(figsize=(10, 10 * values.shape[0] / max(values.shape[1], 1) + 1.2))
    title = f"{text_attr(ds, 'long_name', ds.name)} [{text_attr(ds, 'units')}]"
    if "flag_values" in ds.attrs:
        codes = list(np.atleast_1d(ds.attrs["flag_values"]))
        names = str(text_attr(ds, "flag_meanings")).split()
        colours = [CLASS_COLOURS.get(n, "#dddddd") for n in names]
        cmap = ListedColormap(colours)
        norm = BoundaryNorm([c - 0.5 for c in codes] + [codes[-1] + 0.5], cmap.N)
        masked = np.ma.masked_where(~np.isin(values, codes), values)
        ax.imshow(masked, extent=extent, cmap=cmap, norm=norm, interpolation="nearest")
        handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
        ax.legend(handles, names, loc="lower right", fontsize=8, framealpha=0.9)
    else:
        data = np.ma.masked_invalid(values.astype("f8"))
        cmap = "terrain" if ds.name.endswith("elevation") else "viridis"
        if ds.name.endswith("hillshade"):
            cmap = "gray"
        im = ax.imshow(data, extent=extent, cmap=cmap, interpolation="nearest")
        fig.colorbar(im, ax=ax, shrink=0.7, label=text_attr(ds, "units"))
    ax.set_title(title)
    ax.set_xlabel("easting [m]")
    ax.set_ylabel("northing [m]")
    ax.annotate(attribution, (0.01, 0.01), xycoords="figure fraction", fontsize=7)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("outdir")
    parser.add_argument("--group", default="/", help="only layers below this group")
    args = parser.parse_args()
    if not os.path.isfile(args.results):
        sys.exit(f"quicklook: no such results file: {args.results}")
    os.makedirs(args.outdir, exist_ok=True)
    with h5py.File(args.results, "r") as f:
        attribution = str(text_attr(f, "attribution"))
        written = 0
        for ds in raster_datasets(f[args.group]):
            parent = ds.parent
            x, y = parent["x"][()], parent["y"][()]
            name = ds.name.strip("/").replace("/", "_")
            out_png = os.path.join(args.outdir, name + ".png")
            draw(ds, x, y, attribution, out_png)
            print(out_png)
            written += 1
    if written == 0:
        sys.exit(f"quicklook: no raster layers below {args.group} in {args.results}")


if __name__ == "__main__":
    main()
