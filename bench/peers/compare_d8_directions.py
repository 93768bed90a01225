#!/usr/bin/python3
"""D8 flow directions and accumulation of lauter against GRASS `r.watershed -s`, cell by cell.

usage: compare_d8_directions.py DEM.tif LAUTER_DIR GRASS_DIR [--simulate-astar] [--examples N]

LAUTER_DIR: fill.tif (`lauter tool fill`, no epsilon), fill_eps.tif (`--epsilon`) and acc_d8.tif
            (`lauter tool flowacc --method d8`, cells).
GRASS_DIR:  grass_dir_d8.tif (drainage=) and grass_acc_d8.tif (accumulation=) of
            `r.watershed -s elevation=dem` on the same DEM.
--simulate-astar  re-runs r.watershed's A* search (as read in GRASS raster/r.watershed/ram/
            do_astar.c and init_vars.c) in Python on the mm-rounded DEM and reports whether it
            reproduces GRASS's drainage raster cell for cell (about 20 s CPU per million cells).
Prints markdown (d8_direction_peers.sh runs everything; docs/hydrology.md, "D8 against
r.watershed, cell by cell", has the results and their reading).

Direction codes. lauter (kernels/hydrology/neighbours.hpp): 0..7 clockwise from east
(E, SE, S, SW, W, NW, N, NE), 255 = no lower neighbour (outlet). GRASS r.watershed drainage:
1..8 counter-clockwise from north-east (NE, N, NW, W, SW, S, SE, E); a negative code points out of
the region or into a no-data cell (flow leaves the map there); 0 = user-given depression.
Conversion: lauter = (8 - |grass|) % 8, with negative GRASS codes treated as outlets.
"""
import heapq
import sys

import numpy as np
from osgeo import gdal

# lauter's table (neighbours.hpp): row and column offsets per code, row 0 at the north
DR = np.array([0, 1, 1, 1, 0, -1, -1, -1])
DC = np.array([1, 1, 0, -1, -1, -1, 0, 1])
NAMES = ["E", "SE", "S", "SW", "W", "NW", "N", "NE"]
OUTLET = 255


def read(path):
    ds = gdal.Open(path)
    if ds is None:
        sys.exit("cannot open %s" % path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray()
    nd = b.GetNoDataValue()
    gt = ds.GetGeoTransform()
    return a, nd, (abs(gt[1]), abs(gt[5]))


def data_mask(a, nd):
    ok = np.isfinite(a) if a.dtype.kind == "f" else np.ones(a.shape, bool)
    if nd is not None:
        ok &= a != nd
    return ok


def shifted(a, k, fill):
    """b[r, c] = a[r + DR[k], c + DC[k]], `fill` outside the grid."""
    rows, cols = a.shape
    b = np.full_like(a, fill)
    dr, dc = DR[k], DC[k]
    b[max(0, -dr):rows - max(0, dr), max(0, -dc):cols - max(0, dc)] = \
        a[max(0, dr):rows - max(0, -dr), max(0, dc):cols - max(0, -dc)]
    return b


def distances(cell):
    dx, dy = cell
    diag = np.hypot(dx, dy)
    return np.array([diag if (DR[k] != 0 and DC[k] != 0) else (dy if DR[k] != 0 else dx)
                     for k in range(8)])


def neighbour_drops(z, ok, cell):
    """(8, rows, cols) drop per metre to each data neighbour, -inf for none; computed as
    (z_c - z_n) * (1 / d) in double precision, the operations of lauter's d8_direction_of."""
    inv = 1.0 / distances(cell)
    zd = z.astype(np.float64)
    s = np.empty((8,) + z.shape)
    for k in range(8):
        zn = shifted(zd, k, np.nan)
        okn = shifted(ok, k, False)
        s[k] = np.where(okn & ok, (zd - zn) * inv[k], -np.inf)
    return s


def steepest(s):
    """lauter's rule: the strictly steepest positive drop, ties to the lower code."""
    best = s.max(axis=0)
    code = np.argmax(s, axis=0).astype(np.uint8)  # argmax keeps the first (lowest) code
    code[~(best > 0.0)] = OUTLET
    return code, best


def receivers(code, ok):
    """Flat index of the receiver per cell (-1 for outlets and no-data)."""
    rows, cols = code.shape
    r, c = np.indices(code.shape)
    rec = np.full(code.shape, -1, np.int64)
    has = ok & (code != OUTLET)
    k = code[has].astype(np.int64)
    rr, cc = r[has] + DR[k], c[has] + DC[k]
    inside = (rr >= 0) & (rr < rows) & (cc >= 0) & (cc < cols)
    if not inside.all():
        raise ValueError("a direction points out of the grid")
    rec[has] = rr * cols + cc
    return rec.ravel()


def accumulate(rec, weight):
    """D8 accumulation over the receiver forest, layer by layer from the sources (Kahn's
    algorithm, vectorised): returns the sum of `weight` over each cell's upstream area, itself
    included. `weight` may be boolean (then: does the upstream area contain a flagged cell)."""
    n = rec.size
    logical = weight.dtype == bool
    acc = weight.ravel().astype(np.int64).copy() if not logical else weight.ravel().copy()
    has = rec >= 0
    donors = np.bincount(rec[has], minlength=n)
    front = np.flatnonzero((donors == 0) & has)
    while front.size:
        t = rec[front]
        if logical:
            np.logical_or.at(acc, t, acc[front])
        else:
            np.add.at(acc, t, acc[front])
        np.subtract.at(donors, t, 1)
        t = np.unique(t)
        t = t[donors[t] == 0]
        front = t[rec[t] >= 0]
    return acc.reshape(weight.shape)


def grass_codes(gdir, ok):
    """GRASS drainage -> lauter code (OUTLET for negative / zero codes)."""
    g = gdir.astype(np.int64)
    code = np.full(g.shape, OUTLET, np.uint8)
    pos = ok & (g > 0)
    code[pos] = ((8 - g[pos]) % 8).astype(np.uint8)
    return code, ok & (g < 0), ok & (g == 0)


def mm_round(z):
    """r.watershed's integer elevation: ele_round(z * 1000), half away from zero
    (init_vars.c: floating-point DEMs are scaled by ele_scale = 1000)."""
    x = z.astype(np.float64) * 1000.0
    return np.where(x >= 0, np.floor(x + 0.5), -np.floor(-x + 0.5)).astype(np.int64)


def simulate_astar(zmm, ok, cell):
    """r.watershed's A* (GRASS 8, ram/do_astar.c + init_vars.c) as read from its source:
    seeds are edge cells and cells next to no-data, in row-major order; the heap pops the lowest
    integer elevation, ties to the earliest insertion; each popped cell adds its unlisted
    neighbours (order S, N, W, E, NE, SW, SE, NW) and gives them their flow direction towards
    itself, except a diagonal neighbour that drops more steeply to one of the two cardinal
    neighbours it shares with the popped cell while that cardinal is not yet popped ("avoid
    diagonal flow direction bias"); a seed not yet popped is re-pointed, with the same exception,
    to the first popped neighbour below it. GRASS 8.2.1's drainage is reproduced with this form
    of the exception (any unpopped cardinal counts, seeds included); the stored ram/do_astar.c
    tests only higher cardinals and unlisted cells. Returns receiver flat indices (-1 = leaves
    the map)."""
    rows, cols = zmm.shape
    ndr = [1, -1, 0, 0, -1, 1, 1, -1]
    ndc = [0, 0, -1, 1, 1, -1, 1, -1]
    nbr_a = [0, 1, 2, 3, 1, 0, 0, 1]  # do_astar.c nbr_ew: the two cardinals next to diagonal k
    nbr_b = [0, 1, 2, 3, 3, 2, 3, 2]  # nbr_ns
    dx, dy = cell
    dist = [dy, dy, dx, dx] + [float(np.hypot(dx, dy))] * 4
    res_a = [0, 0, 0, 0, dx, dx, dx, dx]  # get_slope2(..., ew_res) / (..., ns_res) as in GRASS
    res_b = [0, 0, 0, 0, dy, dy, dy, dy]
    alt = zmm.ravel().tolist()
    okf = ok.ravel()
    in_list = (~okf).copy()
    worked = (~okf).copy()
    seed = np.zeros(rows * cols, bool)
    rec = np.full(rows * cols, -1, np.int64)
    heap = []
    counter = 0
    nd = ~ok
    near_nd = np.zeros_like(ok)
    for k in range(8):
        near_nd |= shifted(nd, k, False)
    edge = np.zeros_like(ok)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    for i in np.flatnonzero((edge | near_nd).ravel() & okf):
        heap.append((alt[i], counter, int(i)))
        counter += 1
        in_list[i] = True
        seed[i] = True
    heapq.heapify(heap)
    in_list = in_list.tolist()
    worked = worked.tolist()
    seed = seed.tolist()
    slope = [0.0] * 8
    alt_nbr = [0] * 8
    while heap:
        a, _, i = heapq.heappop(heap)
        r, c = divmod(i, cols)
        for k in range(8):
            ur, uc = r + ndr[k], c + ndc[k]
            slope[k] = -1.0
            alt_nbr[k] = 0
            if ur < 0 or ur >= rows or uc < 0 or uc >= cols:
                continue
            j = ur * cols + uc
            listed, done = in_list[j], worked[j]
            if not done:
                alt_nbr[k] = alt[j]
                slope[k] = (alt_nbr[k] - a) / dist[k] if alt_nbr[k] > a else 0.0
            skip = False
            if (not listed or (not done and seed[j] and rec[j] < 0)) and k > 3 and slope[k] > 0:
                ka, kb = nbr_a[k], nbr_b[k]
                if slope[ka] >= 0 and alt_nbr[k] > alt_nbr[ka] and \
                        slope[k] < (alt_nbr[k] - alt_nbr[ka]) / res_a[k]:
                    skip = True
                if not skip and slope[kb] >= 0 and alt_nbr[k] > alt_nbr[kb] and \
                        slope[k] < (alt_nbr[k] - alt_nbr[kb]) / res_b[k]:
                    skip = True
            if skip:
                continue
            if not listed:
                in_list[j] = True
                heapq.heappush(heap, (alt[j], counter, j))
                counter += 1
                rec[j] = i
            elif not done and seed[j] and rec[j] < 0 and slope[k] > 0:
                rec[j] = i
        worked[i] = True
    return rec


def pct(n, d):
    return "%.3f %%" % (100.0 * n / d) if d else "-"


def main():
    args = sys.argv[1:]
    simulate = "--simulate-astar" in args
    n_examples = 5
    if "--examples" in args:
        n_examples = int(args[args.index("--examples") + 1])
        del args[args.index("--examples"):args.index("--examples") + 2]
    args = [a for a in args if a != "--simulate-astar"]
    if len(args) != 3:
        sys.exit(__doc__)
    dem_path, ours_dir, grass_dir = args

    dem, nd, cell = read(dem_path)
    ok = data_mask(dem, nd)
    fill, fnd, _ = read(ours_dir + "/fill.tif")
    feps, end, _ = read(ours_dir + "/fill_eps.tif")
    acc_l, and_, _ = read(ours_dir + "/acc_d8.tif")
    gdir, _, _ = read(grass_dir + "/grass_dir_d8.tif")
    gacc, gnd, _ = read(grass_dir + "/grass_acc_d8.tif")
    rows, cols = dem.shape
    n_data = int(ok.sum())
    print("## %s: %d x %d cells, %d with data, cell %.3f x %.3f m\n"
          % (dem_path, rows, cols, n_data, cell[0], cell[1]))

    # --- our directions, reproduced in numpy on the epsilon-filled DEM ---
    s_eps = neighbour_drops(feps, ok, cell)
    ours, _ = steepest(s_eps)
    del s_eps
    ours[~ok] = OUTLET
    rec_o = receivers(ours, ok)
    acc_o = accumulate(rec_o, ok.astype(np.int64))
    lauter_acc = np.where(data_mask(acc_l, and_), acc_l, 0)
    same_acc = np.array_equal(np.where(ok, acc_o, 0), lauter_acc.astype(np.int64))
    print("- numpy D8 on fill_eps.tif reproduces `lauter tool flowacc --method d8`: **%s** "
          "(max abs diff %g cells)" % ("yes, every cell" if same_acc else "NO",
                                       np.abs(np.where(ok, acc_o, 0) - lauter_acc).max()))

    # --- GRASS directions and accumulation ---
    g_code, g_off, g_zero = grass_codes(gdir, ok)
    rec_g = receivers(g_code, ok)
    g_off_target_ok = True
    if g_off.any():  # negative codes must point out of the grid or into no-data
        g = np.abs(gdir.astype(np.int64))
        r, c = np.nonzero(g_off)
        k = (8 - g[g_off]) % 8
        rr, cc = r + DR[k], c + DC[k]
        inside = (rr >= 0) & (rr < rows) & (cc >= 0) & (cc < cols)
        g_off_target_ok = not ok[rr[inside], cc[inside]].any()
    if (rec_g[rec_g >= 0] >= 0).any():
        assert ok.ravel()[rec_g[rec_g >= 0]].all(), "a GRASS direction points into no-data"
    # r.watershed -s passes no flow on from a cell on the grid edge or next to no-data (do_cum.c:
    # "do not distribute flow along edges"): these cells are outlets for its accumulation, even
    # where their drainage code points along the edge (only stream cells are re-pointed off-map).
    nd_mask = ~ok
    near_nd = np.zeros_like(ok)
    for k in range(8):
        near_nd |= shifted(nd_mask, k, False)
    edge = np.zeros_like(ok)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    class_d = ok & (edge | near_nd)
    rec_g_acc = np.where(class_d.ravel(), -1, rec_g)
    acc_g = accumulate(rec_g_acc, ok.astype(np.int64))
    gabs = np.abs(gacc.astype(np.float64))
    g_acc_same = np.array_equal(np.where(ok, acc_g, 0), np.where(ok, gabs, 0).astype(np.int64))
    print("- GRASS drainage codes: %d positive, %d negative (all pointing off the map or into "
          "no-data: %s), %d zero" % (int((ok & (gdir > 0)).sum()), int(g_off.sum()),
                                      "yes" if g_off_target_ok else "NO", int(g_zero.sum())))
    print("- accumulating GRASS's drainage (converted as in the header) reproduces |accumulation=|"
          ": **%s**" % ("yes, every cell" if g_acc_same else "NO"))

    if simulate:
        zmm = mm_round(np.where(ok, dem, 0))
        rec_s = simulate_astar(zmm, ok, cell)
        rec_gv = np.where(g_off.ravel(), -1, rec_g)
        diff = ok.ravel() & (rec_s != rec_gv)
        inner = diff & ~class_d.ravel()
        # do_cum.c re-points edge cells that are stream cells (|accumulation| >= threshold, 60
        # by default) off the map after the A* search
        streams = diff & class_d.ravel() & (gdir.ravel() < 0) & (gabs.ravel() >= 60)
        print("- Python re-run of r.watershed's A* on the mm-rounded DEM: drainage differs from "
              "GRASS's raster in **%d** cells: %d edge stream cells (|accumulation| >= 60) that "
              "do_cum.c re-points off the map, %d others (%d of them not on the edge or next to "
              "no-data)" % (int(diff.sum()), int(streams.sum()), int((diff & ~streams).sum()),
                            int(inner.sum())))
    print()

    # --- per-cell classification of direction differences ---
    both_out = (ours == OUTLET) & (g_code == OUTLET)
    differ_code = ok & ~both_out & (ours != g_code)
    # Routing as the accumulation sees it: GRASS's (d) cells are outlets whatever their code.
    differ = np.where(class_d, ours != OUTLET, differ_code) & ok

    demd = dem.astype(np.float64)
    raised = ok & ((fill.astype(np.float64) > demd) | (feps.astype(np.float64) > demd))
    flat = ok & ~class_d & ~(neighbour_drops(fill, ok, cell).max(axis=0) > 0.0)
    class_a = ok & ~class_d & (raised | flat)
    touches_a = np.zeros_like(ok)
    for k in range(8):
        touches_a |= shifted(raised, k, False)
    class_a2 = ok & ~class_d & ~class_a & touches_a

    # Outside (a), (a') and (d) the cell and its eight neighbours keep their DEM elevation, so
    # both programs see the same float surface (GRASS its mm rounding of it).
    s_dem = neighbour_drops(dem, ok, cell)
    best = s_dem.max(axis=0)
    n_best = (s_dem == best[None]).sum(axis=0)
    gk = np.where(g_code == OUTLET, 0, g_code).astype(np.int64)
    s_of_g = np.take_along_axis(s_dem, gk[None], 0)[0]
    g_is_steepest = (g_code != OUTLET) & (s_of_g == best)
    zmm = mm_round(np.where(ok, dem, 0))
    s_mm = neighbour_drops(zmm.astype(np.float64), ok, cell)
    best_mm = s_mm.max(axis=0)
    s_mm_of_g = np.take_along_axis(s_mm, gk[None], 0)[0]
    g_steepest_mm = (g_code != OUTLET) & (s_mm_of_g == best_mm)
    # "lowest neighbour": the largest drop irrespective of distance, on the mm DEM
    drop_mm = np.empty_like(s_mm)
    for k in range(8):
        zn = shifted(zmm, k, np.iinfo(np.int64).max)
        drop_mm[k] = np.where(shifted(ok, k, False), zmm - zn, np.iinfo(np.int64).min)
    lowest_mm = drop_mm.max(axis=0)
    g_lowest_mm = (g_code != OUTLET) & (np.take_along_axis(drop_mm, gk[None], 0)[0] == lowest_mm)

    rest = differ & ~class_d & ~class_a & ~class_a2
    class_b = rest & g_is_steepest & (n_best >= 2)
    rest2 = rest & ~class_b
    class_mm = rest2 & g_steepest_mm
    rest3 = rest2 & ~class_mm
    class_c_low = rest3 & g_lowest_mm & (g_code != OUTLET)
    class_c_other = rest3 & ~class_c_low & (g_code != OUTLET) & (s_mm_of_g > 0)
    class_e = rest3 & ~class_c_low & ~class_c_other

    print("### Direction differences by class\n")
    print("| class | cells | share of cells with data |")
    print("|---|---:|---:|")
    rows_out = [
        ("all cells whose flow goes elsewhere", differ),
        ("(d) grid edge or next to no-data: ours passes flow on, GRASS's never does",
         differ & class_d),
        ("(a) raised by our fill, or on a flat of the filled DEM", differ & class_a),
        ("(a') next to a raised cell (neighbour heights differ between the surfaces)",
         differ & class_a2),
        ("(b) exact float tie of the steepest drop, GRASS took another tied neighbour", class_b),
        ("(e1) mm rounding: GRASS's choice is steepest on the mm-rounded DEM only", class_mm),
        ("(c1) GRASS took the lowest neighbour (a diagonal), a cardinal is steeper",
         class_c_low),
        ("(c2) GRASS took another lower, non-steepest neighbour", class_c_other),
        ("(e2) other", class_e)]
    for name, m in rows_out:
        print("| %s | %d | %s |" % (name, int(m.sum()), pct(int(m.sum()), n_data)))
    print("\n(d) by drainage code alone: %d cells differ (GRASS points along the edge or inward "
          "and keeps the flow, or off the map)." % int((differ_code & class_d).sum()))
    # mm class split: was it a tie in mm (ours steepest in mm as well) or a reordering?
    s_mm_of_o = np.take_along_axis(s_mm, np.where(ours == OUTLET, 0, ours).astype(np.int64)[None],
                                   0)[0]
    mm_tie = class_mm & (s_mm_of_o == best_mm)
    print("\n(e1) split: %d cells tie in mm (both choices steepest after rounding), %d where "
          "rounding changes which neighbour is steepest." % (int(mm_tie.sum()),
                                                             int((class_mm & ~mm_tie).sum())))
    # which of the (b) ties: diagonal vs cardinal, and GRASS's pick relative to ours
    if class_b.any():
        pairs = {}
        for o, g in zip(ours[class_b], g_code[class_b]):
            pairs[(NAMES[o], NAMES[g])] = pairs.get((NAMES[o], NAMES[g]), 0) + 1
        top = sorted(pairs.items(), key=lambda t: -t[1])[:8]
        print("(b) most frequent (ours, GRASS) pairs: " +
              ", ".join("%s/%s %d" % (a, b, n) for (a, b), n in top) + ".")

    outside = ok & ~class_a & ~class_d
    print("\n- cells outside (a) and (d): %d; direction identical there: **%s**; outside (a), "
          "(a') and (d): %s" % (int(outside.sum()),
                                 pct(int((outside & ~differ).sum()), int(outside.sum())),
                                 pct(int((outside & ~class_a2 & ~differ).sum()),
                                     int((outside & ~class_a2).sum()))))

    # examples with the numbers: the 3 x 3 block of mm-rounded heights minus the centre's
    interior = np.zeros_like(ok)
    interior[2:-2, 2:-2] = True
    d = distances(cell)
    for cname, cmask in [("(c1)", class_c_low), ("(c2)", class_c_other)]:
        idx = np.flatnonzero((cmask & interior).ravel())
        if idx.size == 0 or n_examples <= 0:
            continue
        print("\n%s examples: drop to our and GRASS's receiver (float DEM, m and m/m); "
              "3 x 3 mm heights minus the centre, rows north to south:\n" % cname)
        pick = idx[np.linspace(0, idx.size - 1, min(n_examples, idx.size)).astype(int)]
        for i in pick:
            r, c = divmod(int(i), cols)
            o, g = int(ours[r, c]), int(g_code[r, c])
            block = zmm[r - 1:r + 2, c - 1:c + 2] - zmm[r, c]
            print("- (%d, %d) z = %.3f m: ours %s %.3f m / %.2f m = %.5f; GRASS %s %.3f m / "
                  "%.2f m = %.5f; mm block %s"
                  % (r, c, dem[r, c], NAMES[o], s_dem[o, r, c] * d[o], d[o], s_dem[o, r, c],
                     NAMES[g], s_dem[g, r, c] * d[g], d[g], s_dem[g, r, c],
                     " / ".join(" ".join("%d" % v for v in row) for row in block)))
    if class_e.any():
        idx = np.flatnonzero(class_e.ravel())[:n_examples]
        print("\n(e2) first cells: " + "; ".join(
            "(%d, %d) ours %s GRASS %s" % (i // cols, i % cols,
                                           NAMES[ours.flat[i]] if ours.flat[i] < 8 else "outlet",
                                           NAMES[g_code.flat[i]] if g_code.flat[i] < 8
                                           else "off-map") for i in idx))

    # --- accumulation ---
    acc_same = ok & (acc_o == np.where(ok, gabs, 0).astype(np.int64))
    up_a_o = accumulate(rec_o, class_a)
    up_a_g = accumulate(rec_g_acc, class_a)
    free_a = ok & ~up_a_o & ~up_a_g
    ab = class_a | class_b
    free_ab = ok & ~accumulate(rec_o, ab) & ~accumulate(rec_g_acc, ab)
    free_diff = ok & ~accumulate(rec_o, differ) & ~accumulate(rec_g_acc, differ)
    print("\n### Accumulation (cells; GRASS |accumulation|)\n")
    print("| cells | count | identical accumulation |")
    print("|---|---:|---:|")
    for name, m in [("all with data", ok),
                    ("outside (a)", ok & ~class_a),
                    ("upstream area (ours and GRASS's) free of (a)", free_a),
                    ("upstream area free of (a) and (b)", free_ab),
                    ("upstream area free of any direction difference", free_diff)]:
        print("| %s | %d | %s |" % (name, int(m.sum()), pct(int((m & acc_same).sum()),
                                                            int(m.sum()))))
    # which classes spoil the accumulation of (a)-free cells: the classes in their upstream area
    print("\nCells with (a)-free upstream areas whose accumulation differs, by the classes found "
          "upstream (ours or GRASS's):\n")
    bad = free_a & ~acc_same
    print("| class upstream | cells |")
    print("|---|---:|")
    for name, m in [("(d)", differ & class_d), ("(a')", differ & class_a2), ("(b)", class_b),
                    ("(e1)", class_mm), ("(c1)", class_c_low), ("(c2)", class_c_other),
                    ("(e2)", class_e)]:
        up = accumulate(rec_o, m) | accumulate(rec_g_acc, m)
        print("| %s | %d |" % (name, int((bad & up).sum())))
    # Catchments of our D8 with GRASS's edge rule applied to ours as well (every (d) cell an
    # outlet), so that (d) does not touch every catchment; which classes each catchment contains.
    rec_e = np.where(class_d.ravel(), -1, rec_o)
    acc_same = ok & (accumulate(rec_e, ok.astype(np.int64)) ==
                     np.where(ok, gabs, 0).astype(np.int64))
    label = basin_labels(rec_e)[ok.ravel()]
    outlets = np.flatnonzero(ok.ravel() & (rec_e < 0))
    pos = np.full(rows * cols, -1, np.int64)
    pos[outlets] = np.arange(outlets.size)
    basin = pos[label]

    # a difference counts for the catchment it lies in and for the one GRASS sends it into
    rec_gk = rec_g_acc[ok.ravel()]
    into = rec_gk >= 0
    basin_g = basin[into]
    pos_all = np.full(rows * cols, -1, np.int64)
    pos_all[ok.ravel()] = basin
    basin_g = pos_all[rec_gk[into]]

    def per_basin(mask):
        m = mask.ravel()[ok.ravel()].astype(np.float64)
        return (np.bincount(basin, weights=m, minlength=outlets.size) +
                np.bincount(basin_g, weights=m[into], minlength=outlets.size)) > 0
    has_a = per_basin(class_a)
    has_b = per_basin(class_b)
    has_other = {name: per_basin(m) for name, m in
                 [("(a')", differ & class_a2), ("(c)", class_c_low | class_c_other),
                  ("(e1)", class_mm), ("(e2)", class_e)]}
    bad_basin = per_basin(ok & ~acc_same)
    size = np.bincount(basin, minlength=outlets.size)
    clean = ~has_a & ~has_b
    print("\n### Catchments of our D8, both with GRASS's edge rule (every (d) cell an outlet)"
          "\n")
    print("| catchments | count | cells | accumulation identical in every cell |")
    print("|---|---:|---:|---:|")
    print("| all | %d | %d | %d |" % (outlets.size, int(size.sum()), int((~bad_basin).sum())))
    print("| without (a) and (b) cells | %d | %d | %d |"
          % (int(clean.sum()), int(size[clean].sum()), int((clean & ~bad_basin).sum())))
    none = clean.copy()
    for m in has_other.values():
        none &= ~m
    print("| without any direction difference | %d | %d | %d |"
          % (int(none.sum()), int(size[none].sum()), int((none & ~bad_basin).sum())))
    print("\nCatchments without (a)/(b) whose accumulation differs contain: " +
          ", ".join("%s %d" % (n, int((clean & bad_basin & m).sum()))
                    for n, m in has_other.items()) + " (a catchment may contain several).")


def basin_labels(rec):
    """Outlet index of every cell along the receiver forest (pointer doubling)."""
    n = rec.size
    lab = np.where(rec >= 0, rec, np.arange(n))
    while True:
        nxt = lab[lab]
        if np.array_equal(nxt, lab):
            return lab
        lab = nxt


if __name__ == "__main__":
    main()
