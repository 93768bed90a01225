#!/usr/bin/python3
"""A small synthetic batch results file in the layout of lauter batch (batch contract, section 3).

Three members on a 60 x 80 grid of 10 m cells (EPSG:25832):
- baseline:  terrain (elevation, hillshade), landcover (land_cover_class with flag values,
             impervious_fraction), thermal (utci_c, utci_stress_class), runoff (max_depth_m,
             hazard_class stored as float with flag values, as the runoff model writes it);
- greening:  UTCI 3 K lower in a park in the west, 2 K higher on a new development in the east;
             water depth 0.2 m lower in the park, 0.1 m higher on the development; night heat
             island 0.8 K lower in the park only (a one-signed difference);
- no_op:     identical to the baseline (every difference zero; the thermal model reused).
Difference groups carry no x/y of their own (the reader falls back to the model group).
Indicators per member x district ("all", "west", "east") in /comparison/indicators.

Usage: make_fixture.py OUT.h5
"""
import sys

import h5py
import numpy as np

ROWS, COLS, CELL_M = 60, 80, 10.0
X0, Y0 = 410000.0, 5477000.0
CRS_WKT = ('PROJCRS["ETRS89 / UTM zone 32N",BASEGEOGCRS["ETRS89",DATUM["European Terrestrial '
           'Reference System 1989",ELLIPSOID["GRS 1980",6378137,298.257222101]]],'
           'CONVERSION["UTM zone 32N",METHOD["Transverse Mercator"]],'
           'ID["EPSG",25832]]')
LAND_COVER = ["building", "road", "sealed_other", "railway", "open_land", "trees", "water",
              "agriculture"]
UTCI_STRESS = ["extreme_cold_stress", "very_strong_cold_stress", "strong_cold_stress",
               "moderate_cold_stress", "slight_cold_stress", "no_thermal_stress",
               "moderate_heat_stress", "strong_heat_stress", "very_strong_heat_stress",
               "extreme_heat_stress"]
HAZARD = ["dry", "H1", "H2", "H3", "H4", "H5", "H6"]
UTCI_BOUNDS = [-40.0, -27.0, -13.0, 0.0, 9.0, 26.0, 32.0, 38.0, 46.0]


def text(group, key, value):
    group.attrs.create(key, value.encode("utf-8"),
                       dtype=h5py.string_dtype("utf-8", len(value.encode("utf-8")) or 1))


def model_group(f, path, with_coords=True):
    g = f.require_group(path)
    if with_coords and "x" not in g:
        g["x"] = X0 + CELL_M * (np.arange(COLS) + 0.5)
        g["y"] = Y0 - CELL_M * (np.arange(ROWS) + 0.5)
        crs = g.create_dataset("crs", data=np.int32(0))
        text(crs, "crs_wkt", CRS_WKT)
    return g


def raster(g, name, values, units, long_name, flags=None):
    ds = g.create_dataset(name, data=values, compression="gzip")
    fill = np.float32(np.nan) if values.dtype.kind == "f" else values.dtype.type(0)
    ds.attrs["_FillValue"] = fill
    text(ds, "units", units)
    text(ds, "long_name", long_name)
    text(ds, "grid_mapping", "crs")
    if flags is not None:
        ds.attrs["flag_values"] = np.array(flags[0], dtype=values.dtype)
        text(ds, "flag_meanings", " ".join(flags[1]))
    return ds


def member_layers(kind):
    yy, xx = np.mgrid[0:ROWS, 0:COLS].astype("f8")
    elevation = 230.0 + 0.5 * xx + 20.0 * np.sin(yy / 9.0) + 8.0 * np.cos(xx / 7.0)
    gy, gx = np.gradient(elevation, CELL_M)
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, gy)
    zenith, azimuth = np.radians(45.0), np.radians(315.0)
    hillshade = 255.0 * (np.cos(zenith) * np.cos(slope) +
                         np.sin(zenith) * np.sin(slope) * np.cos(azimuth - aspect))
    land = np.full((ROWS, COLS), 5, dtype=np.uint8)  # open land
    land[(xx // 8 + yy // 8) % 3 == 0] = 1             # building blocks
    land[:, 38:41] = 2                                  # a road
    land[50:, :] = 8                                     # agriculture in the south
    land[5:15, 60:70] = 7                                # a pond
    park = (xx < 25) & (yy > 10) & (yy < 40)
    development = (xx > 55) & (yy > 25) & (yy < 45)
    if kind == "greening":
        land[park] = 6
        land[development] = 1
    impervious = np.where(np.isin(land, [1, 2, 3]), 1.0, 0.1)
    utci = 28.0 + 0.12 * xx - 0.05 * yy + 4.0 * (land == 1)
    depth = np.clip(0.4 * np.exp(-((xx - 30) ** 2 + (yy - 30) ** 2) / 200.0) - 0.02, 0.0, None)
    if kind == "greening":
        utci = utci - 3.0 * park + 2.0 * development
        depth = np.clip(depth - 0.2 * park, 0.0, None) + 0.1 * development
    uhi_night = 1.5 + 0.02 * xx
    if kind == "greening":
        uhi_night = uhi_night - 0.8 * park  # a one-signed change: the park only cools
    stress = (np.searchsorted(UTCI_BOUNDS, utci) + 1).astype(np.uint8)
    hazard = np.digitize(depth, [0.01, 0.1, 0.2, 0.3, 0.5, 1.0]).astype("f4")
    edge = np.zeros((ROWS, COLS), dtype=bool)
    edge[:2, :5] = True  # a no-data corner
    f32 = {
        ("terrain", "elevation"): (elevation, "m", "terrain elevation"),
        ("terrain", "hillshade"): (hillshade, "1", "hillshade (sun 315 deg, 45 deg)"),
        ("landcover", "impervious_fraction"): (impervious, "1", "impervious fraction"),
        ("thermal", "utci_c"): (utci, "degC", "UTCI at 15:00"),
        ("thermal", "uhi_night_k"): (uhi_night, "K", "night heat island"),
        ("runoff", "max_depth_m"): (depth, "m", "maximum water depth"),
    }
    layers = []
    for (model, name), (values, units, long_name) in f32.items():
        v = values.astype("f4")
        v[edge] = np.nan
        layers.append((model, name, v, units, long_name, None))
    land[edge] = 0
    layers.append(("landcover", "land_cover_class", land, "1", "dominant land-cover class",
                   (list(range(1, 9)), LAND_COVER)))
    stress[edge] = 0
    layers.append(("thermal", "utci_stress_class", stress, "1", "UTCI stress category",
                   (list(range(1, 11)), UTCI_STRESS)))
    hazard[edge] = np.nan
    layers.append(("runoff", "hazard_class", hazard, "1", "flood hazard class",
                   (list(range(0, 7)), HAZARD)))
    return layers


def indicator_values(kind, district):
    share = {"all": 1.0, "west": 0.4, "east": 0.6}[district]
    base = {"sealed_area_m2": (182345.678, "m2"),
            "residents_utci_above_32c": (1234.0, "1"),
            "mean_uhi_night_k_settlement": (2.3456, "K"),
            "buildings_depth_above_0_1m": (17.0, "1"),
            "mode_share_percent_bike": (8.31234, "percent"),
            "co2_t_per_day": (0.0123456, "t d-1")}
    change = {"sealed_area_m2": -23456.5, "residents_utci_above_32c": -321.0,
              "mean_uhi_night_k_settlement": -0.4321, "buildings_depth_above_0_1m": 3.0,
              "mode_share_percent_bike": 0.0, "co2_t_per_day": -0.00054321}
    rows = []
    for key, (value, unit) in base.items():
        baseline = value * share
        mine = baseline + (change[key] * share if kind == "greening" else 0.0)
        rows.append((key, unit, mine, baseline))
    return rows


def main(out_path):
    members = [("baseline", "today's city"),
               ("greening", "park in the west, development in the east"),
               ("no_op", "changes nothing")]
    with h5py.File(out_path, "w") as f:
        for key, value in (("lauter_version", "0.1.0"), ("git_hash", "abc1234"),
                           ("created", "2026-11-28T12:00:00Z"), ("title", "lauter batch: t"),
                           ("attribution", "© OpenStreetMap contributors, ODbL 1.0"),
                           ("batch_name", "fixture_batch"),
                           ("batch_description", "synthetic batch for the report tests"),
                           ("baseline_scenario", "baseline"),
                           ("scenario_names", ",".join(m for m, _ in members)),
                           ("resolved_batch", "batch: fixture_batch\nbase: baseline.yaml\n")):
            text(f, key, value)
        baseline_layers = {(m, n): v for m, n, v, *_ in member_layers("baseline")}
        for member, description in members:
            g = f.create_group(member)
            text(g, "description", description)
            text(g, "modifications",
                 "unseal park (west), share 1.0\nnew development (east), height 15 m"
                 if member == "greening" else "")
            text(g, "resolved_scenario", f"name: {member}\ndescription: \"{description}\"\n")
            text(g, "input_sha256", "osm /data/city.osm.gz sha256:0123abcd\n")
            if member == "no_op":
                text(g, "reused_thermal", "baseline")
            kind = "greening" if member == "greening" else "baseline"
            for model, name, values, units, long_name, flags in member_layers(kind):
                raster(model_group(f, f"{member}/{model}"), name, values, units, long_name, flags)
                if member == "baseline" or values.dtype.kind != "f":
                    continue
                diff = (values.astype("f4") - baseline_layers[(model, name)]).astype("f4")
                raster(model_group(f, f"{member}/difference/{model}", with_coords=False), name,
                       diff, units, f"change of {long_name} against baseline")
        districts = model_group(f, "comparison/districts")
        ids = np.where(np.arange(COLS)[None, :] < 40, 1.0, 2.0) * np.ones((ROWS, 1))
        raster(districts, "district_id", ids.astype("f4"), "1", "district id")
        table = np.array([(1, b"west", 240000.0), (2, b"east", 240000.0)],
                         dtype=[("district_id", "<i8"), ("name", h5py.string_dtype()),
                                ("area_m2", "<f8")])
        districts.create_dataset("districts", data=table)
        rows = []
        for member, _ in members:
            kind = "greening" if member == "greening" else "baseline"
            for district in ("all", "west", "east"):
                for key, unit, value, baseline in indicator_values(kind, district):
                    rows.append((member, district, key, unit, value, baseline, value - baseline))
        dtype = [("scenario", h5py.string_dtype()), ("district", h5py.string_dtype()),
                 ("indicator", h5py.string_dtype()), ("unit", h5py.string_dtype()),
                 ("value", "<f8"), ("baseline", "<f8"), ("difference", "<f8")]
        f["comparison"].create_dataset("indicators", data=np.array(rows, dtype=dtype))


if __name__ == "__main__":
    main(sys.argv[1])
