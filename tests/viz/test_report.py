#!/usr/bin/python3
"""Checks of the HTML report (viz/report.py, `lauter report`).

Usage:
  test_report.py --lauter LAUTER                  the synthetic batch fixture (make_fixture.py)
  test_report.py --lauter LAUTER --results FILE   an existing results file (e.g. a `lauter run`)
  test_report.py --chromium-only REPORT_DIR       only the headless-Chromium screenshot check

Without --lauter, viz/report.py is run directly. Each check raises AssertionError with what it
found; the exit code is 0 only if every check passes. Chromium is skipped (with a message) only if
the `chromium` binary is absent.
"""
import argparse
import html.parser
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from matplotlib import image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import make_fixture  # noqa: E402


def run_report(results, out_dir, lauter):
    if lauter:
        cmd = [lauter, "report", results, "-o", out_dir]
    else:
        cmd = ["/usr/bin/python3", os.path.join(REPO, "viz", "report.py"), results, "-o",
               out_dir]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr}"
    index = os.path.join(out_dir, "index.html")
    assert proc.stdout.strip().endswith("index.html"), proc.stdout
    assert os.path.isfile(index), index
    return index


def rgb(png_path):
    img = image.imread(png_path)
    if img.dtype != np.uint8:
        img = np.round(img * 255.0).astype(np.int32)
    return img[..., :3].astype(np.int32)


def map_area(entry, out_dir):
    x0, y0, x1, y1 = entry["map_box_px"]
    return rgb(os.path.join(out_dir, entry["png"]))[y0 + 2:y1 - 2, x0 + 2:x1 - 2]


def check_pngs(manifest, out_dir):
    """Every map exists and its map area has content: many colours, not one flat colour."""
    assert manifest, "no maps were drawn"
    for entry in manifest:
        area = map_area(entry, out_dir)
        assert area.size > 0, entry["png"]
        colours = np.unique(area.reshape(-1, 3), axis=0)
        assert len(colours) >= 8, f"{entry['png']}: only {len(colours)} colours in the map"
        assert float(area.std()) > 5.0, f"{entry['png']}: map area nearly uniform"
        white = np.all(area >= 250, axis=-1).mean()
        assert white < 0.9, f"{entry['png']}: map area {white:.0%} white"


def palette_halves(area):
    """Shares of pixels clearly on the red/brown/orange side and on the blue/teal/purple side of
    the diverging palettes (the grey hillshade is on neither)."""
    r, g, b = area[..., 0], area[..., 1], area[..., 2]
    warm = (r - b > 30).mean()
    cool = ((b - r > 25) | ((g - r > 30) & (b > r))).mean()
    return warm, cool


def check_difference_halves(manifest, out_dir, results, expect_both):
    """A difference map of a change with both signs shows both halves of the diverging palette;
    a one-signed change shows one half only."""
    one_signed = []
    with h5py.File(results, "r") as f:
        for entry in manifest:
            if entry["kind"] != "difference":
                continue
            values = f[entry["layer_path"]][()]
            values = values[np.isfinite(values)]
            warm, cool = palette_halves(map_area(entry, out_dir))
            has_neg, has_pos = bool((values < 0).any()), bool((values > 0).any())
            if entry["layer"] in expect_both:
                assert has_neg and has_pos, entry["layer_path"]
            if has_neg and has_pos and (values < 0).mean() > 0.02 and (values > 0).mean() > 0.02:
                assert warm > 0.005 and cool > 0.005, \
                    f"{entry['png']}: warm {warm:.3f}, cool {cool:.3f} of the map"
            if has_pos != has_neg:
                # one-signed: only one half (RdBu_r and PuOr_r/BrBG differ in which side is warm)
                assert min(warm, cool) < 0.001, f"{entry['png']}: both halves, one sign"
                one_signed.append(entry["layer"])
            assert entry["vmin"] == -entry["vmax"], f"{entry['png']}: not centred on zero"
    return one_signed


def check_categorical_legends(manifest, out_dir, results):
    """Legend entries are the layer's flag_meanings, each swatch colour is drawn in the PNG."""
    seen = 0
    with h5py.File(results, "r") as f:
        for entry in manifest:
            ds = f[entry["layer_path"]]
            if "flag_values" not in ds.attrs or entry["kind"] != "layer":
                continue
            meanings = ds.attrs["flag_meanings"]
            meanings = (meanings.decode() if isinstance(meanings, bytes) else str(meanings))
            codes = np.atleast_1d(ds.attrs["flag_values"]).astype(int)
            expected = [m for _, m in sorted(zip(codes, meanings.split()))]
            assert entry["legend"] == expected, f"{entry['png']}: {entry['legend']}"
            img = rgb(os.path.join(out_dir, entry["png"])).reshape(-1, 3)
            for colour in entry["legend_colours"]:
                c = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
                found = np.all(np.abs(img - c) <= 2, axis=1).sum()
                assert found >= 20, f"{entry['png']}: legend colour {colour} not drawn"
            seen += 1
    return seen


class IndicatorCells(html.parser.HTMLParser):
    """Collects every element with data-value / data-difference: (attributes, text)."""

    def __init__(self):
        super().__init__()
        self.cells = []
        self._open = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if any(k in a for k in ("data-value", "data-difference", "data-baseline")):
            self._open.append([tag, a, ""])
        elif self._open:
            self._open.append([tag, None, ""])

    def handle_endtag(self, tag):
        if self._open:
            tag_, a, text = self._open.pop()
            if a is not None:
                self.cells.append((a, text.strip()))
            elif self._open:
                self._open[-1][2] += text

    def handle_data(self, data):
        if self._open:
            self._open[-1][2] += data


def parse_shown(text):
    """The displayed number and half a unit of its last digit."""
    t = text.replace("\u2212", "-").replace(",", "").replace("+", "")
    number = float(t)
    found = re.match(r"-?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$", t)
    assert found, text
    decimals = len(found.group(2) or "")
    exponent = int(found.group(3) or 0)
    return number, 0.5 * 10.0 ** (exponent - decimals) * (1 + 1e-9)


def check_indicators(index_html, results):
    """Every indicator number in the HTML is the HDF5 value: exactly in data-* and to the shown
    precision in the text; every row of /comparison/indicators appears, nothing else does."""
    with h5py.File(results, "r") as f:
        if "/comparison/indicators" not in f:
            return 0
        table = f["/comparison/indicators"][()]
        baseline = f.attrs["baseline_scenario"]
        baseline = baseline.decode() if isinstance(baseline, bytes) else str(baseline)
    parser = IndicatorCells()
    with open(index_html, encoding="utf-8") as fh:
        parser.feed(fh.read())
    cells = {}
    for a, text in parser.cells:
        kind = next(k for k in ("data-value", "data-difference", "data-baseline") if k in a)
        key = (a["data-scenario"], a["data-district"], a["data-indicator"], kind)
        assert key not in cells, f"indicator cell twice: {key}"
        cells[key] = (float(a[kind]), text)

    def dec(v):
        return v.decode() if isinstance(v, bytes) else str(v)

    expected = set()
    for row in table:
        scenario, district, indicator = dec(row["scenario"]), dec(row["district"]), \
            dec(row["indicator"])
        wanted = [("data-value", float(row["value"]))]
        if scenario != baseline:
            wanted.append(("data-difference", float(row["difference"])))
        for kind, value in wanted:
            key = (scenario, district, indicator, kind)
            expected.add(key)
            assert key in cells, f"missing in index.html: {key}"
            exact, text = cells[key]
            assert exact == value or (math.isnan(exact) and math.isnan(value)), \
                f"{key}: data {exact!r} != HDF5 {value!r}"
            if math.isnan(value):
                assert text.strip() == "\u2013", f"{key}: NaN shown as {text!r}, not a dash"
                continue
            shown, tolerance = parse_shown(text)
            assert abs(shown - value) <= tolerance, f"{key}: shown {text} != HDF5 {value!r}"
    extra = set(cells) - expected
    assert not extra, f"numbers in index.html that are not in the HDF5 table: {sorted(extra)[:5]}"
    return len(expected)


def check_chromium(index_html):
    browser = shutil.which("chromium")
    if browser is None:
        print("SKIPPED: headless Chromium check: no `chromium` binary on PATH "
              "(Debian package chromium)")
        return False
    with tempfile.TemporaryDirectory(prefix="lauter-report-chromium-") as tmp:
        shot = os.path.join(tmp, "shot.png")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--screenshot={shot}",
               "--window-size=1280,2000", "--virtual-time-budget=5000",
               "file://" + os.path.abspath(index_html)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and os.path.isfile(shot), proc.stderr[-2000:]
        img = rgb(shot)
    assert img.shape[0] >= 1900 and img.shape[1] >= 1200, img.shape
    white = np.all(img >= 250, axis=-1).mean()
    assert white < 0.97, f"screenshot {white:.1%} white"
    # Text is black or grey, links and changes one colour each: many distinct saturated colours
    # come only from the maps (a page of coloured text alone gives under 100).
    spread = img.max(axis=-1) - img.min(axis=-1)
    coloured = (spread > 60).mean()
    hues = len(np.unique(img[spread > 60], axis=0))
    assert coloured > 0.003 and hues >= 500, \
        f"screenshot shows no maps ({coloured:.2%} coloured pixels, {hues} colours)"
    print(f"chromium screenshot: {white:.1%} white, {coloured:.1%} coloured pixels in {hues} "
          "colours")
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lauter", help="the lauter executable (else viz/report.py directly)")
    parser.add_argument("--results", help="an existing results file (else the fixture)")
    parser.add_argument("--chromium-only", help="only screenshot REPORT_DIR/index.html")
    args = parser.parse_args()
    if args.chromium_only:
        check_chromium(os.path.join(args.chromium_only, "index.html"))
        return 0
    with tempfile.TemporaryDirectory(prefix="lauter-report-test-") as tmp:
        results = args.results
        if results is None:
            results = os.path.join(tmp, "fixture.h5")
            make_fixture.main(results)
        out_dir = os.path.join(tmp, "report")
        index = run_report(results, out_dir, args.lauter)
        with open(os.path.join(out_dir, "maps.json"), encoding="utf-8") as fh:
            manifest = json.load(fh)
        check_pngs(manifest, out_dir)
        legends = check_categorical_legends(manifest, out_dir, results)
        assert legends >= 1, "no categorical layer was checked"
        numbers = check_indicators(index, results)
        page = open(index, encoding="utf-8").read()
        for entry in manifest:
            assert f'src="{entry["png"]}"' in page, f"{entry['png']} not in index.html"
        assert "http://" not in page and "https://" not in page, "index.html refers to the web"
        if args.results is None:
            one_signed = check_difference_halves(manifest, out_dir, results,
                                                 expect_both={"utci_c", "max_depth_m"})
            assert one_signed == ["uhi_night_k"], one_signed
            assert numbers == 3 * 6 * 3 + 2 * 3 * 6, numbers
            assert "no change anywhere" in page, "the no-op member's zero difference"
            assert not any(e["member"] == "no_op" and e["kind"] == "difference"
                           for e in manifest), "a map of an all-zero difference was drawn"
            assert "fixture_batch" in page and "park in the west" in page
            assert "unseal park (west)" in page and "resolved batch" in page
        else:
            with h5py.File(results, "r") as f:
                members = [k for k in f if k != "comparison"]
            for m in members:
                assert f"{m}: resolved scenario and inputs" in page, m
            check_difference_halves(manifest, out_dir, results, expect_both=set())
        print(f"{len(manifest)} maps, {legends} legends, {numbers} indicator numbers checked")
        check_chromium(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
