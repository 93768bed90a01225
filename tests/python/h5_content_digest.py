"""Prints one line per HDF5 object of a results file with a SHA-256 of its content, so that two
files can be compared for equal content regardless of storage layout and creation time.

Usage: /usr/bin/python3 h5_content_digest.py RESULTS.h5 [--open-group GROUP ...]

Every link path is visited (hard links under each of their names). Datasets: dtype, shape and
the bytes of their values; object references are replaced by the path they point to. Attributes:
name and value; left out are the root attribute `created` (the creation time) and the measured
run times of the models (`wall_time_s` and names ending in `_seconds`), which differ between any
two runs of the same task. With --open-group,
each GROUP is also opened with xarray (h5netcdf engine) and its dimensions printed, to check that
copied groups keep their dimension scales.
"""
import hashlib
import sys

import h5py
import numpy as np


def value_bytes(f, value):
    if isinstance(value, h5py.Reference):
        return (f[value].name if value else "null").encode()
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O":
            return b"|".join(value_bytes(f, v) for v in value.ravel())
        if value.dtype.names:
            return b"|".join(
                value_bytes(f, value[name]) for name in value.dtype.names)
        return value.tobytes()
    if isinstance(value, np.void) and value.dtype.names:
        return b"|".join(value_bytes(f, value[name]) for name in value.dtype.names)
    if isinstance(value, bytes):
        return value
    return repr(value).encode()


def attributes(f, obj, is_root):
    parts = []
    for name in sorted(obj.attrs.keys()):
        if (is_root and name == "created") or name == "wall_time_s" or name.endswith("_seconds"):
            continue
        parts.append(name.encode() + b"=" + value_bytes(f, obj.attrs[name]))
    return b";".join(parts)


def walk(f, group, path, out):
    out.append(f"{path or '/'} group {hashlib.sha256(attributes(f, group, path == '')).hexdigest()}")
    for name in sorted(group.keys()):
        obj = group[name]
        child = f"{path}/{name}"
        if isinstance(obj, h5py.Group):
            walk(f, obj, child, out)
        else:
            h = hashlib.sha256()
            h.update(str(obj.dtype).encode() + str(obj.shape).encode())
            h.update(value_bytes(f, obj[()]))
            h.update(attributes(f, obj, False))
            out.append(f"{child} dataset {h.hexdigest()}")


def main():
    path = sys.argv[1]
    groups = sys.argv[3:] if len(sys.argv) > 2 and sys.argv[2] == "--open-group" else []
    lines = []
    with h5py.File(path, "r") as f:
        walk(f, f, "", lines)
    print("\n".join(lines))
    if groups:
        import xarray as xr
        for g in groups:
            ds = xr.open_dataset(path, group=g, engine="h5netcdf")
            print(f"xarray {g} dims {dict(ds.sizes)}")


main()
