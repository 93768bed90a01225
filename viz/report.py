#!/usr/bin/python3
"""The HTML report of a lauter results file: maps of every layer and difference, indicators.

Usage: viz/report.py RESULTS.h5 -o REPORT_DIR [--jobs N] [--dpi D]

Reads a single-run file (`lauter run`) or a batch file (`lauter batch`, layout in
sim/include/lauter/sim/results.hpp and docs/report.md) with h5py only: units, long names,
coordinates, class meanings and provenance all come from the file. Writes REPORT_DIR/index.html,
REPORT_DIR/report.css, the maps as REPORT_DIR/maps/*.png and REPORT_DIR/maps.json (what every map
shows: layer, colour limits, legend, the pixel box of the map). The directory is self-contained:
no web fonts, scripts or downloads, it opens offline.

Exit codes: 0 success, 1 runtime failure (e.g. a Python module is missing), 2 bad input.
"""
import argparse
import hashlib
import html
import json
import math
import os
import re
import sys

try:
    import h5py
    import numpy as np
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import patches
    from matplotlib.colors import BoundaryNorm, ListedColormap, to_hex
except ImportError as missing:  # the CLI wrapper relies on this message and exit code
    sys.stderr.write(
        f"lauter report: the Python module '{missing.name}' is missing; install Debian's "
        "python3-h5py, python3-numpy and python3-matplotlib (scripts/deps.sh)\n")
    sys.exit(1)


class BadInput(Exception):
    """A results file that cannot be reported on (exit code 2)."""


# ---------------------------------------------------------------------------------------------
# Reading

def text(value, default=""):
    """An HDF5 attribute as text (bytes, str, numpy scalars and arrays)."""
    if value is None:
        return default
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SO":
            return " ".join(text(v) for v in value.ravel())
        return " ".join(str(v) for v in value.ravel())
    return str(value)


def attr(obj, key, default=""):
    return text(obj.attrs.get(key), default)


def is_raster(obj):
    return (isinstance(obj, h5py.Dataset) and obj.ndim == 2 and obj.dtype.kind in "fiu"
            and obj.name.rsplit("/", 1)[-1] not in ("x", "y", "crs"))


MODEL_ORDER = ["terrain", "landcover", "runoff", "thermal", "coldair", "mobility"]


def model_sort_key(name):
    return (MODEL_ORDER.index(name) if name in MODEL_ORDER else len(MODEL_ORDER), name)


def read_table(ds):
    """A compound dataset as {column: list}, strings decoded."""
    data = ds[()]
    columns = {}
    for name in data.dtype.names:
        values = data[name]
        if values.dtype.kind in "SO":
            columns[name] = [text(v) for v in values]
        else:
            columns[name] = [v.item() for v in values]
    return columns


class Results:
    """What the report needs from one results file."""

    def __init__(self, path):
        self.path = path
        try:
            self.file = h5py.File(path, "r")
        except OSError as e:
            raise BadInput(f"{path}: not a readable HDF5 results file ({e})") from e
        f = self.file
        self.root = {k: attr(f, k) for k in f.attrs}
        names = attr(f, "scenario_names")
        self.is_batch = bool(names)
        if self.is_batch:
            self.members = [n for n in names.split(",") if n]
            missing = [m for m in self.members if m not in f]
            if missing:
                raise BadInput(f"{path}: scenario_names lists {', '.join(missing)} but the file "
                               "has no such group; the batch file is incomplete")
            self.baseline = attr(f, "baseline_scenario", "baseline")
        else:
            self.members = [k for k in f if isinstance(f[k], h5py.Group) and k != "comparison"]
            self.baseline = self.members[0] if self.members else ""
        if not self.members:
            raise BadInput(f"{path}: no scenario groups; is this a lauter results file?")

    def models(self, member):
        g = self.file[member]
        return sorted((k for k in g if isinstance(g[k], h5py.Group) and k != "difference"),
                      key=model_sort_key)

    def layers(self, group_path):
        g = self.file.get(group_path)
        if g is None:
            return []
        return [k for k in g if is_raster(g[k])]

    def tables(self, group_path):
        g = self.file.get(group_path)
        if g is None:
            return []
        return [k for k in g if isinstance(g[k], h5py.Dataset) and g[k].dtype.names]

    def indicators(self):
        ds = self.file.get("/comparison/indicators")
        return read_table(ds) if ds is not None else None


# ---------------------------------------------------------------------------------------------
# Colours per quantity

# Land-cover classes (flag_meanings of landcover/land_cover_class).
CLASS_COLOURS = {
    "building": "#b03a2e", "road": "#7f8c8d", "sealed_other": "#c39bd3", "railway": "#4a235a",
    "open_land": "#abebc6", "trees": "#1e8449", "water": "#2e86c1", "agriculture": "#f4d03f",
    # flood hazard classes H1..H6 (runoff/hazard_class): light to dark, dry nearly white
    "dry": "#f7f7f7", "H1": "#ffffb2", "H2": "#fed976", "H3": "#feb24c", "H4": "#fd8d3c",
    "H5": "#f03b20", "H6": "#bd0026",
    # thermal-load classes (thermal/thermal_load_class): green to red
    "very_low": "#1a9850", "low": "#91cf60", "moderate": "#fee08b", "high": "#fc8d59",
    "very_high": "#d73027",
}

# The ten UTCI stress categories (Broede et al. 2012, Table 1) in the colours of the usual UTCI
# assessment scale: blues for cold stress, green for none, yellow to dark red for heat stress.
UTCI_BOUNDS_C = [-40.0, -27.0, -13.0, 0.0, 9.0, 26.0, 32.0, 38.0, 46.0]
UTCI_COLOURS = ["#1a237e", "#283593", "#1e88e5", "#64b5f6", "#b3e5fc", "#66bb6a", "#ffee58",
                "#ffa726", "#e53935", "#7f0000"]
UTCI_CLASS_COLOURS = dict(zip(
    ["extreme_cold_stress", "very_strong_cold_stress", "strong_cold_stress",
     "moderate_cold_stress", "slight_cold_stress", "no_thermal_stress", "moderate_heat_stress",
     "strong_heat_stress", "very_strong_heat_stress", "extreme_heat_stress"], UTCI_COLOURS))

UNIT_TEXT = {"degC": "°C", "m2": "m²", "m3": "m³", "m3 s-1": "m³/s", "m s-1": "m/s",
             "m2 s-1": "m²/s", "mm h-1": "mm/h", "1": "", "percent": "%", "K": "K"}


SUPERSCRIPT = {"2": "²", "3": "³"}


def unit_text(units):
    """UDUNITS text as a planner reads it: "m3 s-1" -> "m³/s", "t d-1" -> "t/d", "1" -> ""."""
    if units in UNIT_TEXT:
        return UNIT_TEXT[units]
    numerator, denominator = [], []
    for token in units.split():
        found = re.match(r"^([A-Za-z%]+)(-?\d+)?$", token)
        if not found:
            return units
        base, power = found.group(1), int(found.group(2) or 1)
        target = numerator if power > 0 else denominator
        power = abs(power)
        target.append(base + (SUPERSCRIPT.get(str(power), str(power)) if power != 1 else ""))
    return " ".join(numerator or ["1"]) + "".join("/" + d for d in denominator)


def palette(model, layer, units):
    """(colormap name, mask_zero) for a continuous layer: nice defaults per quantity."""
    name = layer.lower()
    if "hillshade" in name:
        return "gray", False
    if name == "aspect":
        return "twilight", False  # a cyclic palette: 0 and 360 degrees are the same direction
    if name == "slope":
        return "YlOrBr", False
    if "elevation" in name or name.startswith("dsm") or "height" in name and model == "terrain":
        return "gist_earth", False
    if "depth" in name and units == "m" or "volume" in name and model == "runoff":
        return "Blues", True  # dry cells are left transparent over the hillshade
    if model == "runoff" and ("velocity" in name or "speed" in name):
        return "PuBu", True
    if model == "coldair":
        return "PuBu", False
    if "residents" in name or "population" in name:
        return "YlGnBu", True  # cells without residents are not coloured
    if "heat_mitigation" in name or "canopy" in name or "green" in name:
        return "YlGn", False
    if any(k in name for k in ("tmrt", "uhi", "heat", "temperature", "thermal")) or \
            units in ("degC", "K"):
        return "YlOrRd", False
    if "time" in name or units == "s":
        return "viridis", False
    if model == "mobility":
        return "plasma", False
    if units == "1":
        return "cividis", False
    return "viridis", False


def difference_palette(model, layer):
    """Diverging palettes centred on zero: blue-green for more water, red for an increase."""
    if model == "runoff" or "water" in layer:
        return "BrBG"
    if model == "coldair":
        return "PuOr_r"
    return "RdBu_r"


def class_colour(meaning, index):
    if meaning in CLASS_COLOURS:
        return CLASS_COLOURS[meaning]
    if meaning in UTCI_CLASS_COLOURS:
        return UTCI_CLASS_COLOURS[meaning]
    return to_hex(plt.get_cmap("tab20")(index % 20))


# ---------------------------------------------------------------------------------------------
# Maps

LAYER_ALPHA = 0.78  # the layer over the hillshade: opaque enough to read colours, relief shows
MAX_PIXELS = 1000   # rasters are read with a stride so that neither side exceeds this many cells


def nice_length(span_m):
    """A round scale-bar length (1, 2 or 5 x 10^n m) of at most a quarter of the map width."""
    target = span_m / 4.0
    exponent = math.floor(math.log10(target))
    for factor in (5, 2, 1):
        length = factor * 10 ** exponent
        if length <= target:
            return length
    return 10 ** exponent


def draw_scale_bar(ax, extent):
    xmin, xmax, ymin, ymax = extent
    length = nice_length(xmax - xmin)
    height = (ymax - ymin) * 0.012
    x0 = xmin + (xmax - xmin) * 0.04
    y0 = ymin + (ymax - ymin) * 0.05
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.add_patch(patches.Rectangle((x0 - length * 0.06, y0 - height * 1.2), length * 1.12,
                                   height * 5.0, facecolor="white", alpha=0.8,
                                   edgecolor="none", zorder=5))
    for i in range(4):
        ax.add_patch(patches.Rectangle((x0 + i * length / 4, y0), length / 4, height,
                                       facecolor="black" if i % 2 == 0 else "white",
                                       edgecolor="black", linewidth=0.6, zorder=6))
    ax.text(x0, y0 + height * 1.5, "0", fontsize=7, ha="center", va="bottom", zorder=6)
    ax.text(x0 + length, y0 + height * 1.5, label, fontsize=7, ha="center", va="bottom",
            zorder=6)


def draw_north_arrow(ax):
    """A north arrow in the upper right; the grids are north-up (grid north of the study CRS)."""
    x, y, w, h = 0.93, 0.84, 0.035, 0.1
    ax.add_patch(patches.Polygon([(x, y + h), (x - w / 2, y), (x, y + h * 0.25)], closed=True,
                                 facecolor="black", edgecolor="black", linewidth=0.6,
                                 transform=ax.transAxes, zorder=6))
    ax.add_patch(patches.Polygon([(x, y + h), (x + w / 2, y), (x, y + h * 0.25)], closed=True,
                                 facecolor="white", edgecolor="black", linewidth=0.6,
                                 transform=ax.transAxes, zorder=6))
    ax.text(x, y + h + 0.01, "N", transform=ax.transAxes, ha="center", va="bottom",
            fontsize=10, fontweight="bold", zorder=6,
            bbox=dict(facecolor="white", alpha=0.7, edgecolor="none", pad=1.0))


def grid_extent(x, y):
    dx = abs(float(x[1] - x[0])) if len(x) > 1 else 1.0
    dy = abs(float(y[0] - y[1])) if len(y) > 1 else dx
    return [float(min(x[0], x[-1])) - dx / 2, float(max(x[0], x[-1])) + dx / 2,
            float(min(y[0], y[-1])) - dy / 2, float(max(y[0], y[-1])) + dy / 2]


def coordinates(f, group_path, fallback_path):
    """x, y of a layer's group, else of the model group it was derived from."""
    for path in (group_path, fallback_path):
        if path and path in f and "x" in f[path] and "y" in f[path]:
            return f[path]["x"][()], f[path]["y"][()]
    raise BadInput(f"{f.filename}: no x/y coordinates for {group_path}")


def crs_name(f, group_path):
    g = f.get(group_path)
    if g is None or "crs" not in g:
        return ""
    wkt = attr(g["crs"], "crs_wkt")
    found = re.search(r'^[A-Z]+\["([^"]+)"', wkt)
    return found.group(1) if found else ""


def read_strided(ds):
    stride = max(1, math.ceil(max(ds.shape) / MAX_PIXELS))
    values = ds[::stride, ::stride] if stride > 1 else ds[()]
    return values, stride


def robust_limits(values):
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(finite, [2.0, 98.0])
    if hi <= lo:
        lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:
        hi = lo + 1.0
    return float(lo), float(hi)


def render_map(task):
    """Draws one map; returns its manifest entry. `task` is a plain dict (runs in a worker)."""
    with h5py.File(task["results"], "r") as f:
        ds = f[task["layer_path"]]
        x, y = coordinates(f, task["group_path"], task.get("coord_fallback"))
        values, stride = read_strided(ds)
        values = values.astype("f8")
        fill = ds.attrs.get("_FillValue")
        if fill is not None:
            values[values == float(np.asarray(fill).ravel()[0])] = np.nan
        x, y = x[::stride], y[::stride]
        extent = grid_extent(x, y)
        hillshade = None
        if task.get("hillshade_path") and task["hillshade_path"] in f:
            hs = f[task["hillshade_path"]]
            hx, hy = coordinates(f, hs.parent.name, None)
            hs_values, hs_stride = read_strided(hs)
            hillshade = (hs_values.astype("f8"), grid_extent(hx[::hs_stride], hy[::hs_stride]))
        units = attr(ds, "units")
        long_name = attr(ds, "long_name", task["layer"])
        flag_values = ds.attrs.get("flag_values")
        flag_meanings = attr(ds, "flag_meanings").split()

    # Layout in inches: the map keeps its aspect; title above, colour bar or legend right.
    aspect = (extent[3] - extent[2]) / max(extent[1] - extent[0], 1e-9)
    width_in, top_in, bottom_in, left_in = 7.5, 0.65, 0.35, 0.15
    map_w = 5.1
    map_h = min(max(map_w * aspect, 2.5), 8.0)
    height_in = map_h + top_in + bottom_in
    fig = plt.figure(figsize=(width_in, height_in))
    ax = fig.add_axes([left_in / width_in, bottom_in / height_in, map_w / width_in,
                       map_h / height_in])
    side_x = (left_in + map_w + 0.3) / width_in
    cax = fig.add_axes([side_x, (bottom_in + 0.1 * map_h) / height_in, 0.18 / width_in,
                        0.8 * map_h / height_in])
    entry = {"png": task["png"], "layer_path": task["layer_path"], "kind": task["kind"],
             "member": task["member"], "model": task["model"], "layer": task["layer"],
             "units": units, "long_name": long_name}
    alpha = LAYER_ALPHA
    if hillshade is not None and "hillshade" not in task["layer"]:
        # Fixed limits (0..1 or 0..255, as stored): flat land stays one grey, not stretched noise.
        finite = hillshade[0][np.isfinite(hillshade[0])]
        top = 1.0 if finite.size == 0 or finite.max() <= 1.0 else 255.0
        ax.imshow(hillshade[0], extent=hillshade[1], cmap="gray", vmin=0.0, vmax=top,
                  interpolation="nearest", zorder=1)
    else:
        alpha = 1.0
    valid = np.isfinite(values)
    if task["kind"] == "difference":
        changed = valid & (values != 0.0)
        limit = float(np.percentile(np.abs(values[changed]), 98.0)) if changed.any() else 0.0
        if limit <= 0.0:
            limit = float(np.abs(values[changed]).max()) if changed.any() else 1.0
        cmap = difference_palette(task["model"], task["layer"])
        shown = np.ma.masked_where(~changed, values)  # unchanged cells show the hillshade
        im = ax.imshow(shown, extent=extent, cmap=cmap, vmin=-limit, vmax=limit, alpha=alpha,
                       interpolation="nearest", zorder=2)
        bar = fig.colorbar(im, cax=cax, extend="both")
        bar.set_label(f"change [{unit_text(units) or '-'}]  (blank: no change)")
        entry.update(vmin=-limit, vmax=limit, cmap=cmap, legend=None)
    elif task["kind"] == "districts":
        ids = np.unique(values[valid]).astype(int)
        colours = [to_hex(plt.get_cmap("tab20")(i % 20)) for i in range(len(ids))]
        index = np.full(values.shape, -1, dtype=int)
        for i, district in enumerate(ids):
            index[values == district] = i
        ax.imshow(np.ma.masked_less(index, 0), extent=extent, cmap=ListedColormap(colours),
                  vmin=-0.5, vmax=len(ids) - 0.5, alpha=0.55, interpolation="nearest", zorder=2)
        xs, ys = np.meshgrid(x, y)
        names = task.get("district_names", {})
        for i, district in enumerate(ids):
            inside = index == i
            ax.text(float(xs[inside].mean()), float(ys[inside].mean()),
                    names.get(str(district), str(district)), ha="center", va="center",
                    fontsize=7, zorder=4,
                    bbox=dict(facecolor="white", alpha=0.75, edgecolor="none", pad=1.0))
        cax.remove()
        entry.update(legend=None, cmap=None, districts=len(ids))
    elif flag_values is not None and len(flag_meanings) == len(np.atleast_1d(flag_values)):
        codes = [int(c) for c in np.atleast_1d(flag_values)]
        colours = [class_colour(m, i) for i, m in enumerate(flag_meanings)]
        order = np.argsort(codes)
        codes = [codes[i] for i in order]
        meanings = [flag_meanings[i] for i in order]
        colours = [colours[i] for i in order]
        cmap = ListedColormap(colours)
        norm = BoundaryNorm([c - 0.5 for c in codes] + [codes[-1] + 0.5], cmap.N)
        shown = np.ma.masked_where(~(valid & np.isin(values, codes)), values)
        ax.imshow(shown, extent=extent, cmap=cmap, norm=norm, alpha=alpha,
                  interpolation="nearest", zorder=2)
        cax.remove()
        handles = [patches.Patch(facecolor=c, edgecolor="#333333", linewidth=0.4)
                   for c in colours]
        labels = [m.replace("_", " ") for m in meanings]
        fig.legend(handles, labels, loc="center left",
                   bbox_to_anchor=(side_x - 0.02, (bottom_in + map_h / 2) / height_in),
                   fontsize=8, frameon=False)
        entry.update(legend=meanings, legend_colours=colours, cmap=None)
    else:
        utci = "utci" in task["layer"] and units == "degC"
        if utci:
            cmap = ListedColormap(UTCI_COLOURS)
            lo, hi = robust_limits(values)
            bounds = [min(lo, -60.0)] + UTCI_BOUNDS_C + [max(hi, 60.0)]
            norm = BoundaryNorm(bounds, cmap.N)
            im = ax.imshow(np.ma.masked_invalid(values), extent=extent, cmap=cmap, norm=norm,
                           alpha=alpha, interpolation="nearest", zorder=2)
            bar = fig.colorbar(im, cax=cax, ticks=UTCI_BOUNDS_C)
            cax.set_ylim(max(lo - 5.0, -60.0), min(hi + 5.0, 60.0))
            entry.update(vmin=bounds[0], vmax=bounds[-1], cmap="utci_stress", legend=None)
        else:
            cmap, mask_zero = palette(task["model"], task["layer"], units)
            if mask_zero:
                # without its near-white end: the smallest non-zero values must show over grey
                base = plt.get_cmap(cmap)
                cmap = ListedColormap(base(np.linspace(0.25, 1.0, 192)), name=f"{cmap}_from25")
            shown_mask = ~valid | (values <= 0.0) if mask_zero else ~valid
            lo, hi = robust_limits(values[~shown_mask] if (~shown_mask).any() else values)
            im = ax.imshow(np.ma.masked_where(shown_mask, values), extent=extent, cmap=cmap,
                           vmin=lo, vmax=hi, alpha=alpha, interpolation="nearest", zorder=2)
            bar = fig.colorbar(im, cax=cax, extend="both")
            entry.update(vmin=lo, vmax=hi, cmap=getattr(cmap, "name", cmap), legend=None)
            if mask_zero:
                entry["note"] = "cells with 0 are not coloured"
        bar.set_label(unit_text(units) or "dimensionless")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xticks([])
    ax.set_yticks([])
    draw_scale_bar(ax, extent)
    draw_north_arrow(ax)
    title = task["title"]
    fig.text(left_in / width_in, 1.0 - 0.1 / height_in, title, fontsize=10,
             fontweight="bold", va="top")
    subtitle = long_name + (f" [{unit_text(units)}]" if unit_text(units) else "")
    if task["kind"] == "difference":
        subtitle = long_name
    fig.text(left_in / width_in, 1.0 - 0.36 / height_in, subtitle, fontsize=9, va="top")
    footer = "  ·  ".join(p for p in (task.get("crs", ""), "north up",
                                      f"every {stride}th cell" if stride > 1 else "",
                                      task.get("attribution", "")) if p)
    fig.text(left_in / width_in, 0.1 / height_in, footer, fontsize=6.5, color="#444444")
    fig.savefig(task["png_path"], dpi=task["dpi"])
    # The map's pixel box in the PNG (origin top left), for checks of what the map area shows:
    # the axes position after the equal-aspect adjustment of the draw, at the saved dpi.
    width_px = fig.get_figwidth() * task["dpi"]
    height_px = fig.get_figheight() * task["dpi"]
    box = ax.get_position(original=False)
    entry["map_box_px"] = [int(math.ceil(box.x0 * width_px)),
                           int(math.ceil((1.0 - box.y1) * height_px)),
                           int(box.x1 * width_px), int((1.0 - box.y0) * height_px)]
    entry["stride"] = stride
    plt.close(fig)
    return entry


def constant_value(ds):
    """The value of a layer whose valid cells all hold the same value (a map would show one flat
    colour: the page says "<value> everywhere" instead), else None."""
    values = ds[()].astype("f8")
    fill = ds.attrs.get("_FillValue")
    if fill is not None:
        values[values == float(np.asarray(fill).ravel()[0])] = np.nan
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("nan")
    return float(finite[0]) if np.all(finite == finite[0]) else None


def flag_meaning(ds, value):
    """The class name of `value` in a categorical layer, else ""."""
    codes = np.atleast_1d(ds.attrs.get("flag_values", []))
    meanings = attr(ds, "flag_meanings").split()
    for code, meaning in zip(codes, meanings):
        if math.isfinite(value) and int(code) == int(value):
            return meaning.replace("_", " ")
    return ""


def layer_digest(f, path):
    """Digest of a layer's values and attributes: identical layers are drawn once."""
    ds = f[path]
    h = hashlib.sha1()
    h.update(np.ascontiguousarray(ds[()]).tobytes())
    for key in sorted(ds.attrs):
        h.update(key.encode())
        h.update(text(ds.attrs[key]).encode())
    return h.hexdigest()


def plan_maps(results, options):
    """Every map to draw, and for layers identical to one already planned, the map to reuse."""
    f = results.file
    tasks = []
    skipped = set()
    sections = {}  # model -> layer -> {"maps": {member: png}, "diffs": {member: png or note}}
    seen = {}
    attribution = results.root.get("attribution", "")
    for member in results.members:
        hill = f"/{member}/terrain/hillshade"
        if hill not in f:
            hill = f"/{results.baseline}/terrain/hillshade"
        for model in results.models(member):
            group = f"/{member}/{model}"
            crs = crs_name(f, group)
            for layer in results.layers(group):
                path = f"{group}/{layer}"
                if layer.endswith("_id"):
                    skipped.add(f"{model}/{layer} (identifiers, not a quantity)")
                    continue
                entry = sections.setdefault(model, {}).setdefault(
                    layer, {"maps": {}, "diffs": {}, "units": attr(f[path], "units"),
                            "long_name": attr(f[path], "long_name", layer)})
                digest = (model, layer, layer_digest(f, path))
                if digest in seen:
                    entry["maps"][member] = {"png": seen[digest][0], "same_as": seen[digest][1]}
                    continue
                constant = constant_value(f[path])
                if constant is not None:
                    entry["maps"][member] = {"constant": constant,
                                             "meaning": flag_meaning(f[path], constant)}
                    continue
                png = f"maps/{member}__{model}__{layer}.png"
                seen[digest] = (png, member)
                entry["maps"][member] = {"png": png}
                tasks.append(dict(results=results.path, layer_path=path, group_path=group,
                                  member=member, model=model, layer=layer, kind="layer",
                                  png=png, png_path=os.path.join(options.output, png),
                                  hillshade_path=hill if hill in f else None,
                                  title=f"{member} · {model}", crs=crs,
                                  attribution=attribution, dpi=options.dpi))
            diff_group = f"/{member}/difference/{model}"
            for layer in results.layers(diff_group):
                path = f"{diff_group}/{layer}"
                entry = sections.setdefault(model, {}).setdefault(
                    layer, {"maps": {}, "diffs": {}, "units": attr(f[path], "units"),
                            "long_name": layer})
                values = f[path][()]
                finite = values[np.isfinite(values)]
                if finite.size == 0 or not np.any(finite != 0.0):
                    entry["diffs"][member] = {"none": True}
                    continue
                png = f"maps/{member}__difference__{model}__{layer}.png"
                entry["diffs"][member] = {"png": png}
                tasks.append(dict(results=results.path, layer_path=path, group_path=diff_group,
                                  coord_fallback=group, member=member, model=model,
                                  layer=layer, kind="difference", png=png,
                                  png_path=os.path.join(options.output, png),
                                  hillshade_path=hill if hill in f else None,
                                  title=f"{member} minus {results.baseline} · {model}",
                                  crs=crs, attribution=attribution, dpi=options.dpi))
    district_map = None
    if "/comparison/districts/district_id" in f:
        district_map = "maps/comparison__districts.png"
        hill = f"/{results.baseline}/terrain/hillshade"
        tasks.append(dict(results=results.path, layer_path="/comparison/districts/district_id",
                          group_path="/comparison/districts",
                          coord_fallback=f"/{results.baseline}/landcover", member="all",
                          model="comparison", layer="district_id", kind="districts",
                          png=district_map, png_path=os.path.join(options.output, district_map),
                          hillshade_path=hill if hill in f else None,
                          title="districts of the indicator table", crs="",
                          district_names=district_names(f),
                          attribution=attribution, dpi=options.dpi))
    return tasks, sections, district_map, sorted(skipped)


def district_names(f):
    """district_id (as text) -> name from /comparison/districts/districts, if present."""
    ds = f.get("/comparison/districts/districts")
    if ds is None or not ds.dtype.names or "district_id" not in ds.dtype.names:
        return {}
    table = read_table(ds)
    names = table.get("name", [str(i) for i in table["district_id"]])
    return {str(int(i)): n for i, n in zip(table["district_id"], names)}


def render_all(tasks, jobs):
    if jobs > 1 and len(tasks) > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(render_map, tasks, chunksize=1)
    return [render_map(t) for t in tasks]


# ---------------------------------------------------------------------------------------------
# Numbers and HTML

MINUS = "\u2212"


def format_number(value, signed=False):
    """Readable numbers: whole numbers and values from 1000 up without decimals (thousands
    separated), 1 decimal from 10, 2 from 1, three significant digits below; the checks parse
    this text back (tests/viz/test_report.py)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    v = float(value)
    a = abs(v)
    if a == 0.0:
        s = "0"
    elif a >= 1000 or (v.is_integer() and a < 1e15):
        s = f"{a:,.0f}"
    elif a >= 10:
        s = f"{a:,.1f}"
    elif a >= 1:
        s = f"{a:.2f}"
    elif a >= 1e-6:
        s = f"{a:.{2 - int(math.floor(math.log10(a)))}f}"  # three significant digits
    else:
        s = f"{a:.2e}"
    sign = MINUS if v < 0 else ("+" if signed and v > 0 else "")
    return sign + s


INDICATOR_NAMES = {
    "sealed_area_m2": "sealed area",
    "residents_utci_above_32c": "residents with UTCI above 32 °C (15:00)",
    "mean_uhi_night_k_settlement": "mean night heat island over settlements",
    "coldair_inflow_m3_per_s": "cold-air inflow into settlements",
    "coldair_settlement_area_supplied_m2": "settlement area with cold-air supply",
    "coldair_settlement_area_unsupplied_m2": "settlement area without cold-air supply",
    "bike_km_per_day": "bike kilometres per day",
    "car_km_per_day": "car kilometres per day",
    "co2_t_per_day": "CO₂ per day",
    "pct_pairs_cycle_share_percent": "cycling share on the PCT zone pairs (model)",
    "pct_godutch_share_percent": "PCT Go Dutch cycling potential on those pairs",
    "pct_ebike_share_percent": "PCT E-bike cycling potential on those pairs",
}


def indicator_label(key):
    if key in INDICATOR_NAMES:
        return INDICATOR_NAMES[key]
    found = re.match(r"thermal_load_(area_m2|residents)_(.+)$", key)
    if found:
        what = "area" if found.group(1) == "area_m2" else "residents"
        return f"{what} in thermal-load class {found.group(2).replace('_', ' ')}"
    found = re.match(r"buildings_depth_above_(\d+)_(\d+)m$", key)
    if found:
        return f"buildings with max. water depth above {found.group(1)}.{found.group(2)} m"
    found = re.match(r"mode_share_percent_(.+)$", key)
    if found:
        return f"mode share {found.group(1)}"
    return key.replace("_", " ")


def esc(value):
    return html.escape(str(value), quote=True)


def number_cell(value, scenario, district, indicator, kind, signed=False, css="num"):
    return (f'<td class="{css}" data-{kind}="{esc(repr(float(value)))}" '
            f'data-scenario="{esc(scenario)}" data-district="{esc(district)}" '
            f'data-indicator="{esc(indicator)}">{format_number(value, signed)}</td>')


def indicator_tables(results, district_map=None):
    """HTML of the indicator tables: the whole study area first, each district collapsible."""
    table = results.indicators()
    if table is None:
        if results.is_batch:
            return "<p>This batch file has no indicator table (/comparison/indicators).</p>"
        return ("<p>This file holds one scenario run (<code>lauter run</code>): there is no "
                "baseline comparison and no indicator table. Run <code>lauter batch</code> for "
                "indicators and differences.</p>")
    wanted = ("scenario", "district", "indicator", "unit", "value", "baseline", "difference")
    missing = [c for c in wanted if c not in table]
    if missing:
        raise BadInput(f"{results.path}: /comparison/indicators lacks the columns "
                       f"{', '.join(missing)} (it has {', '.join(table)})")
    rows = list(zip(*(table[c] for c in wanted)))
    districts = []
    for r in rows:
        if r[1] not in districts:
            districts.append(r[1])
    districts.sort(key=lambda d: (d != "all", d))
    members = [m for m in results.members if any(r[0] == m for r in rows)]
    others = [m for m in members if m != results.baseline]
    parts = [f"<p class=sub>Each scenario cell shows the value and, below it, the change "
             f"against {esc(results.baseline)} (red: increase, blue: decrease).</p>"]
    for district in districts:
        by_key = {}
        order = []
        for r in rows:
            if r[1] != district:
                continue
            if r[2] not in by_key:
                by_key[r[2]] = {"unit": r[3], "baseline": r[5], "cells": {}}
                order.append(r[2])
            by_key[r[2]]["cells"][r[0]] = r
        head = ("<tr><th>indicator</th><th>unit</th>"
                f"<th>{esc(results.baseline)}</th>"
                + "".join(f"<th>{esc(m)}<br><span class=sub>value / change</span></th>"
                          for m in others) + "</tr>")
        body = []
        for key in order:
            item = by_key[key]
            cells = [f'<td title="{esc(key)}">{esc(indicator_label(key))}</td>',
                     f"<td>{esc(unit_text(item['unit']))}</td>"]
            base_row = item["cells"].get(results.baseline)
            if base_row is not None:
                cells.append(number_cell(base_row[4], results.baseline, district, key, "value"))
            else:
                cells.append(number_cell(item["baseline"], "", district, key, "baseline"))
            for m in others:
                r = item["cells"].get(m)
                if r is None:
                    cells.append("<td class=num>–</td>")
                    continue
                d = float(r[6])
                trend = "up" if d > 0 else ("down" if d < 0 else "same")
                cells.append(
                    f'<td class="num pair"><span data-value="{esc(repr(float(r[4])))}" '
                    f'data-scenario="{esc(m)}" data-district="{esc(district)}" '
                    f'data-indicator="{esc(key)}">{format_number(r[4])}</span><br>'
                    f'<span class="diff {trend}" data-difference="{esc(repr(d))}" '
                    f'data-scenario="{esc(m)}" data-district="{esc(district)}" '
                    f'data-indicator="{esc(key)}">{format_number(d, signed=True)}</span></td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        tbl = (f'<table class="indicators" data-district="{esc(district)}">'
               f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table>")
        if district == "all":
            parts.append(f"<h3>Whole study area</h3>{tbl}")
        else:
            parts.append(f"<details><summary>District {esc(district)}</summary>{tbl}</details>")
    if any(d != "all" for d in districts):
        parts.insert(2, "<h3>Per district</h3>" +
                     (figure(district_map, "districts of the indicator table")
                      if district_map else ""))
    return "\n".join(parts)


def layer_summary(results, member):
    """For single runs: min / mean / max of every layer, per model."""
    f = results.file
    rows = []
    for model in results.models(member):
        for layer in results.layers(f"/{member}/{model}"):
            ds = f[f"/{member}/{model}/{layer}"]
            if "flag_values" in ds.attrs:
                continue
            v = ds[()].astype("f8")
            fill = ds.attrs.get("_FillValue")
            if fill is not None:
                v[v == float(np.asarray(fill).ravel()[0])] = np.nan
            finite = v[np.isfinite(v)]
            if finite.size == 0:
                continue
            rows.append(f"<tr><td>{esc(model)}</td><td>{esc(attr(ds, 'long_name', layer))}</td>"
                        f"<td>{esc(unit_text(attr(ds, 'units')))}</td>"
                        f"<td class=num>{format_number(finite.min())}</td>"
                        f"<td class=num>{format_number(finite.mean())}</td>"
                        f"<td class=num>{format_number(finite.max())}</td></tr>")
    return ("<table><thead><tr><th>model</th><th>layer</th><th>unit</th><th>min</th>"
            "<th>mean</th><th>max</th></tr></thead><tbody>" + "".join(rows) +
            "</tbody></table>")


def stored_tables(results, member, limit_rows=60):
    f = results.file
    parts = []
    for model in results.models(member):
        group = f"/{member}/{model}"
        for name in results.tables(group):
            ds = f[f"{group}/{name}"]
            table = read_table(ds)
            columns = list(table)
            n = len(table[columns[0]]) if columns else 0
            units = [attr(ds, f"units_{c}") for c in columns]
            head = "".join(f"<th>{esc(c)}" + (f" [{esc(unit_text(u))}]" if unit_text(u) else "")
                           + "</th>" for c, u in zip(columns, units))
            body = []
            for i in range(min(n, limit_rows)):
                cells = []
                for c in columns:
                    v = table[c][i]
                    if isinstance(v, (int, float)):
                        cells.append(f"<td class=num>{format_number(v)}</td>")
                    else:
                        cells.append(f"<td>{esc(v)}</td>")
                body.append("<tr>" + "".join(cells) + "</tr>")
            more = f"<p>(first {limit_rows} of {n} rows)</p>" if n > limit_rows else ""
            parts.append(f"<details><summary>{esc(model)} / {esc(name)} ({n} rows)</summary>"
                         f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
                         f"</tbody></table>{more}</details>")
    return "\n".join(parts)


def figure(png, caption, note=""):
    return (f'<figure><a href="{esc(png)}"><img src="{esc(png)}" alt="{esc(caption)}" '
            f'loading="lazy"></a><figcaption>{esc(caption)}'
            + (f"<br><span class=sub>{esc(note)}</span>" if note else "")
            + "</figcaption></figure>")


def map_figure(item, caption, units):
    if "constant" in item:
        value = item["constant"]
        what = ("no data" if not math.isfinite(value)
                else item.get("meaning") or f"{format_number(value)} {unit_text(units)}".strip())
        what += " everywhere" if math.isfinite(value) else ""
        return (f'<figure class="nochange"><div>{esc(what)}</div>'
                f"<figcaption>{esc(caption)}</figcaption></figure>")
    note = f"identical to {item['same_as']}" if "same_as" in item else ""
    return figure(item["png"], caption, note)


def maps_html(results, sections):
    parts = []
    base = results.baseline
    if not results.is_batch:
        # one scenario: every layer of a model side by side, captioned with its long name
        for model in sorted(sections, key=model_sort_key):
            figs = []
            for layer, entry in sections[model].items():
                units = unit_text(entry["units"])
                caption = entry["long_name"] + (f" [{units}]" if units else "")
                figs.append(map_figure(entry["maps"][base], caption, entry["units"]))
            parts.append(f'<h3 id="maps-{esc(model)}">{esc(model)}</h3>'
                         f'<div class="maps">{"".join(figs)}</div>')
        return "\n".join(parts)
    for model in sorted(sections, key=model_sort_key):
        parts.append(f'<h3 id="maps-{esc(model)}">{esc(model)}</h3>')
        for layer, entry in sections[model].items():
            units = unit_text(entry["units"])
            parts.append(f"<h4>{esc(entry['long_name'])}" + (f" [{esc(units)}]" if units else "")
                         + f" <span class=sub>{esc(layer)}</span></h4>")
            row = []
            if base in entry["maps"]:
                row.append(map_figure(entry["maps"][base], base, entry["units"]))
            for member in results.members:
                d = entry["diffs"].get(member)
                if d is None:
                    continue
                if d.get("none"):
                    row.append(f'<figure class="nochange"><div>no change anywhere</div>'
                               f"<figcaption>{esc(member)} minus {esc(base)}</figcaption>"
                               "</figure>")
                else:
                    row.append(figure(d["png"], f"{member} minus {base}"))
            parts.append('<div class="maps">' + "".join(row) + "</div>")
            others = [m for m in results.members if m != base and m in entry["maps"]]
            if others:
                figs = []
                for m in others:
                    figs.append(map_figure(entry["maps"][m], m, entry["units"]))
                parts.append(f"<details><summary>maps of the scenarios ({len(others)})"
                             f'</summary><div class="maps">{"".join(figs)}</div></details>')
    return "\n".join(parts)


CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0 auto;
       max-width: 1400px; padding: 1em 2em; color: #1b1b1b; line-height: 1.4; }
h1 { border-bottom: 3px solid #1e5f8a; padding-bottom: .2em; }
h2 { border-bottom: 1px solid #bbb; margin-top: 2em; }
h4 { margin: 1.4em 0 .4em; }
nav a { margin-right: 1.2em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; vertical-align: top; }
th { background: #eef3f7; text-align: left; }
td.pre { white-space: pre-line; }
td.num, td.pair { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.sub { color: #666; font-size: 0.85em; font-weight: normal; }
.diff.up { color: #b2182b; } .diff.down { color: #2166ac; } .diff.same { color: #777; }
details { margin: .4em 0; } summary { cursor: pointer; font-weight: bold; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; font-size: 0.8em; }
.maps { display: flex; flex-wrap: wrap; gap: 10px; }
figure { margin: 0; width: 330px; }
figure img { width: 330px; border: 1px solid #ddd; }
figure.nochange div { width: 330px; height: 120px; border: 1px dashed #bbb; display: flex;
                      align-items: center; justify-content: center; color: #777; }
figcaption { font-size: 0.85em; }
"""


def write_html(results, sections, district_map, options, skipped):
    f = results.file
    root = results.root
    title = root.get("batch_name") or root.get("title") or os.path.basename(results.path)
    description = root.get("batch_description", "")
    member_rows = []
    for m in results.members:
        g = f[m]
        reused = [f"{k[len('reused_'):]} from {attr(g, k)}" for k in g.attrs
                  if k.startswith("reused_")]
        member_rows.append(
            f"<tr><td><b>{esc(m)}</b>" + (" (baseline)" if m == results.baseline else "")
            + f"</td><td>{esc(attr(g, 'description') or scenario_description(g))}</td>"
            f"<td class=pre>{esc(attr(g, 'modifications')) or '–'}</td>"
            f"<td>{esc(', '.join(results.models(m)))}"
            + (f"<br><span class=sub>reused: {esc('; '.join(reused))}</span>" if reused else "")
            + "</td></tr>")
    provenance_rows = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(root[k])}</td></tr>"
        for k in ("lauter_version", "git_hash", "created", "title", "attribution", "terrain",
                  "Conventions") if root.get(k))
    resolved = []
    if root.get("resolved_batch"):
        resolved.append(f"<details><summary>resolved batch</summary><pre>"
                        f"{esc(root['resolved_batch'])}</pre></details>")
    for m in results.members:
        g = f[m]
        checks = attr(g, "input_sha256") or root.get("input_sha256", "")
        resolved.append(f"<details><summary>{esc(m)}: resolved scenario and inputs</summary>"
                        f"<h4>input checksums</h4><pre>{esc(checks)}</pre>"
                        f"<h4>resolved scenario</h4><pre>{esc(attr(g, 'resolved_scenario'))}"
                        "</pre></details>")
    summary = ""
    if not results.is_batch:
        summary = ("<h2 id=summary>Layer summary</h2>" + layer_summary(results, results.baseline)
                   + stored_tables(results, results.baseline))
    skipped_html = ("<p class=sub>Not drawn: " + esc("; ".join(skipped)) + ".</p>"
                    if skipped else "")
    kind = (f"batch of {len(results.members)} scenarios, compared with "
            f"<b>{esc(results.baseline)}</b>" if results.is_batch else "single scenario run")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(title)} – lauter report</title>
<link rel="stylesheet" href="report.css">
</head><body>
<h1>{esc(title)}</h1>
<p>{esc(description)}</p>
<p class=sub>{kind} · results file <code>{esc(os.path.basename(results.path))}</code> ·
created {esc(root.get('created', '?'))} · lauter {esc(root.get('lauter_version', '?'))}</p>
<nav><a href="#scenarios">Scenarios</a><a href="#indicators">Indicators</a>
<a href="#maps">Maps</a><a href="#provenance">Provenance</a></nav>
<h2 id=scenarios>Scenarios</h2>
<table><thead><tr><th>scenario</th><th>description</th><th>modifications</th>
<th>models</th></tr></thead><tbody>{''.join(member_rows)}</tbody></table>
<h2 id=indicators>Indicators</h2>
{indicator_tables(results, district_map)}
<h2 id=maps>Maps</h2>
<p class=sub>Maps over the hillshade; difference maps are scenario minus {esc(results.baseline)}
on a diverging scale centred on zero (limits: the 98th percentile of the absolute change), cells
without change are not coloured. A layer identical to an earlier scenario's is drawn once, a
difference that is zero everywhere not at all; rasters over {MAX_PIXELS} cells a side are drawn
from every n-th cell (said in the map's footer). Click a map for the full size.</p>
{skipped_html}
{maps_html(results, sections)}
{summary}
<h2 id=provenance>Provenance</h2>
<table>{provenance_rows}</table>
{''.join(resolved)}
<p class=sub>Report written by viz/report.py with matplotlib {esc(matplotlib.__version__)},
h5py {esc(h5py.__version__)}, numpy {esc(np.__version__)}.</p>
</body></html>
"""
    with open(os.path.join(options.output, "index.html"), "w", encoding="utf-8") as out:
        out.write(page)
    with open(os.path.join(options.output, "report.css"), "w", encoding="utf-8") as out:
        out.write(CSS)


def scenario_description(group):
    found = re.search(r"^description:\s*(.*)$", attr(group, "resolved_scenario"), re.M)
    return found.group(1).strip().strip('"') if found else ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="results file (HDF5) of lauter run or lauter batch")
    parser.add_argument("-o", "--output", required=True, help="report directory")
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4),
                        help="maps drawn in parallel (default: cores, at most 4)")
    parser.add_argument("--dpi", type=int, default=90, help="map resolution (default 90)")
    options = parser.parse_args(argv)
    if not os.path.isfile(options.results):
        sys.stderr.write(f"lauter report: no such results file: {options.results}\n")
        return 2
    try:
        results = Results(options.results)
        os.makedirs(os.path.join(options.output, "maps"), exist_ok=True)
        tasks, sections, district_map, skipped = plan_maps(results, options)
        manifest = render_all(tasks, max(1, options.jobs))
        write_html(results, sections, district_map, options, skipped)
    except BadInput as e:
        sys.stderr.write(f"lauter report: {e}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"lauter report: {e}\n")
        return 1
    with open(os.path.join(options.output, "maps.json"), "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=1)
    print(os.path.join(options.output, "index.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
