"""Reads a lauter results file with the tools users will use and checks it against expectations.

Usage: /usr/bin/python3 check_results_file.py RESULTS.h5 EXPECTED.json

EXPECTED.json (written by tests/sim/test_results.cpp):
  group, float_layer, uint8_layer, table: names; x, y: cell-centre coordinates;
  values: rows of the float layer (null = no data); categories: rows of the uint8 layer (0 = no data);
  units: units of the float layer; epsg: EPSG code of the CRS;
  geotransform: [x0, dx, 0, y0, 0, -dy]; table_columns: column names in order; table_rows: row count.

Prints one line per check and exits with status 1 if any check failed.
"""
import json
import math
import subprocess
import sys

import h5py
import numpy as np
import xarray as xr

failures = []


def check(condition, message):
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)


def same_values(actual, expected_rows):
    expected = np.array([[np.nan if v is None else v for v in row] for row in expected_rows],
                        dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    return actual.shape == expected.shape and bool(
        np.all((np.isnan(actual) & np.isnan(expected)) | np.isclose(actual, expected, rtol=0,
                                                                   atol=1e-5)))


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def check_h5py(path, e):
    with h5py.File(path, "r") as f:
        check(text(f.attrs["Conventions"]) == "CF-1.8", "h5py: root Conventions = CF-1.8")
        for key in ("lauter_version", "git_hash", "created", "title", "attribution"):
            check(key in f.attrs, f"h5py: root attribute {key} present")
        g = f[e["group"]]
        d = g[e["float_layer"]]
        check(d.dtype == np.float32, "h5py: float layer is float32")
        check(d.chunks is not None, f"h5py: float layer is chunked {d.chunks}")
        check(d.compression == "gzip" and d.shuffle, "h5py: float layer uses shuffle + deflate")
        check(math.isnan(d.attrs["_FillValue"]), "h5py: float _FillValue is NaN")
        check(text(d.attrs["units"]) == e["units"], "h5py: float layer units")
        check(text(d.attrs["grid_mapping"]) == "crs", "h5py: grid_mapping = crs")
        check(same_values(d[...], e["values"]), "h5py: float values, NaN at no-data")
        c = g[e["uint8_layer"]]
        check(c.dtype == np.uint8 and c.attrs["_FillValue"] == 0, "h5py: uint8 layer, fill 0")
        check(list(c.attrs["flag_values"]) == e["flag_values"], "h5py: flag_values")
        check(np.array_equal(c[...], np.array(e["categories"])), "h5py: uint8 values")
        check(np.allclose(g["x"][...], e["x"]) and np.allclose(g["y"][...], e["y"]),
              "h5py: x/y coordinate values")
        check(h5py.h5ds.is_scale(g["x"].id) and h5py.h5ds.is_scale(g["y"].id),
              "h5py: x/y are dimension scales")
        check(d.dims[0][0].name.endswith("/y") and d.dims[1][0].name.endswith("/x"),
              "h5py: dims of the layer are (y, x)")
        check(g.id.get_create_plist().get_link_creation_order() != 0,
              "h5py: group tracks link creation order")
        t = g[e["table"]]
        check(list(t.dtype.names) == e["table_columns"] and t.shape == (e["table_rows"],),
              "h5py: table columns and rows")


def check_xarray(path, e, engine):
    ds = xr.open_dataset(path, group=e["group"], engine=engine)
    try:
        v = ds[e["float_layer"]]
        check(v.dims == ("y", "x"), f"xarray[{engine}]: dims (y, x)")
        check("x" in ds.coords and "y" in ds.coords, f"xarray[{engine}]: x/y coordinates")
        check(np.allclose(ds["x"].values, e["x"]) and np.allclose(ds["y"].values, e["y"]),
              f"xarray[{engine}]: x/y values")
        check(ds["x"].attrs.get("standard_name") == "projection_x_coordinate"
              and ds["y"].attrs.get("units") == "m", f"xarray[{engine}]: x/y attributes")
        check(v.attrs.get("units") == e["units"], f"xarray[{engine}]: units attribute")
        check(same_values(v.values, e["values"]), f"xarray[{engine}]: values, NaN at no-data")
        wkt = ds["crs"].attrs.get("crs_wkt", "")
        check(f'ID["EPSG",{e["epsg"]}]' in wkt, f"xarray[{engine}]: crs_wkt of EPSG:{e['epsg']}")
        check(ds["crs"].attrs.get("grid_mapping_name") == "transverse_mercator",
              f"xarray[{engine}]: grid_mapping_name")
        cat = ds[e["uint8_layer"]]
        check(cat.attrs.get("flag_meanings", "").split() == e["flag_meanings"],
              f"xarray[{engine}]: flag_meanings")
    finally:
        ds.close()


def check_gdal(path, e):
    name = f'NETCDF:"{path}":{e["group"]}/{e["float_layer"]}'
    run = subprocess.run(["gdalinfo", "-json", name], capture_output=True, text=True)
    check(run.returncode == 0, f"gdalinfo: opens {name} ({run.stderr.strip()[:200]})")
    if run.returncode != 0:
        return
    info = json.loads(run.stdout)
    check(info["size"] == [len(e["x"]), len(e["y"])], f"gdalinfo: size {info['size']}")
    gt = info.get("geoTransform", [])
    check(len(gt) == 6 and np.allclose(gt, e["geotransform"], rtol=0, atol=1e-6),
          f"gdalinfo: geoTransform {gt}")
    wkt = info.get("coordinateSystem", {}).get("wkt", "")
    check(f'ID["EPSG",{e["epsg"]}]' in wkt or "UTM zone 32N" in wkt,
          f"gdalinfo: CRS is EPSG:{e['epsg']} / UTM 32N")
    band = info["bands"][0]
    check(band.get("type") == "Float32", "gdalinfo: band type Float32")
    check(band.get("unit") == e["units"], f"gdalinfo: band unit {band.get('unit')}")


def main():
    path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path) as f:
        e = json.load(f)
    for name, step in (("h5py", lambda: check_h5py(path, e)),
                       ("netcdf4", lambda: check_xarray(path, e, "netcdf4")),
                       ("h5netcdf", lambda: check_xarray(path, e, "h5netcdf")),
                       ("gdal", lambda: check_gdal(path, e))):
        try:
            step()
        except Exception as error:  # report and go on with the other readers
            check(False, f"{name}: raised {type(error).__name__}: {error}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
