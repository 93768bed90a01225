#!/bin/bash
# Depression filling and D8 / MFD flow accumulation: lauter against GRASS and SAGA on the same DEM
# in the same run, then compare_hydrology.py writes the markdown tables (docs/benchmarks.md).
#
# usage: hydrology_peers.sh DEM.tif OUTDIR
#   DEM.tif  float32 GeoTIFF in EPSG:25832 (what the peer scripts expect); for the SRTM tile run
#            `hydrology_peers.sh srtm OUTDIR`: inputs/srtm/N50E008.hgt is warped first (below).
# env:
#   LAUTER            path of the lauter binary (default: <repo>/build/sim/lauter)
#   PEERS_DIR         the shared peer scripts (default: /work/shared/peers)
#   REPEATS           timed runs of every lauter tool, SAGA Fill Sinks XXL and GRASS r.watershed
#                     (default 3; the tables report medians)
#   FILLDIR_REPEATS   runs of GRASS r.fill.dir (default 3; it needs ~3 min per run on 4000^2)
#   FLOWACC_PEERS     1 (default) runs peer_flowacc.sh once for the accumulation rasters that are
#                     compared cell by cell (r.watershed -s, r.terraflow, SAGA Top-Down); 0 skips
#                     it and compares with the r.watershed rasters of the timed runs only
#
# What runs, per repeat:
#   lauter tool fill DEM (Priority-Flood, radix heap, no epsilon) and --epsilon,
#   lauter tool flowacc --method d8 | mfd (both include the epsilon fill),
#   peer_fill.sh with r.fill.dir (one pass), SAGA Fill Sinks (Wang & Liu) and XXL, MINSLOPE 0.1 and 0
#   (Planchon/Darboux, Breach, r.terraflow and the iterated r.fill.dir switched off),
#   GRASS r.watershed -s (D8) and r.watershed (MFD) with the calls of peer_flowacc.sh.
# Every timed command goes through peer_time of the shared _common.sh (GNU time, load average and
# CPU pressure recorded in OUTDIR/*/timings.tsv).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEERS_DIR=${PEERS_DIR:-/work/shared/peers}
LAUTER=$(readlink -f "${LAUTER:-$REPO/build/sim/lauter}")
REPEATS=${REPEATS:-3}
FILLDIR_REPEATS=${FILLDIR_REPEATS:-3}
FLOWACC_PEERS=${FLOWACC_PEERS:-1}

[ $# -eq 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
[ -x "$LAUTER" ] || { echo "no lauter binary at $LAUTER (set LAUTER=)" >&2; exit 2; }
mkdir -p "$2"
ROOT=$(readlink -f "$2")

if [ "$1" = srtm ]; then
    # SRTM3 tile (1201^2, 3 arc-seconds, ~93 m N-S x ~60 m E-W) warped to ETRS89 / UTM 32N at
    # 30 m (the ~1 arc-second spacing of SRTM1), bilinear, clipped to the largest axis-parallel
    # rectangle inside the tile so that only the SRTM voids are no-data.
    DEM_IN="$ROOT/srtm_N50E008_utm32_30m.tif"
    if [ ! -f "$DEM_IN" ]; then
        gdalwarp -q -t_srs EPSG:25832 -te 430020 5539230 499980 5649750 -tr 30 30 -r bilinear \
            -ot Float32 -dstnodata -9999 -co COMPRESS=DEFLATE -co TILED=YES \
            "$REPO/inputs/srtm/N50E008.hgt" "$DEM_IN"
    fi
else
    DEM_IN=$(readlink -f "$1")
fi
echo "DEM $DEM_IN; lauter $LAUTER; repeats $REPEATS (r.fill.dir $FILLDIR_REPEATS)"

# lauter tools, timed with the peers' own wrapper
PEERS_HERE="$PEERS_DIR"
source "$PEERS_DIR/_common.sh"
peers_init "$DEM_IN" "$ROOT/lauter" > /dev/null
for r in $(seq 1 "$REPEATS"); do
    peer_time lauter:fill "$LAUTER" tool fill "$DEM" "$OUT/fill.tif" --threads 2
    peer_time lauter:fill_epsilon "$LAUTER" tool fill "$DEM" "$OUT/fill_eps.tif" --epsilon \
        --threads 2
    peer_time lauter:flowacc_d8 "$LAUTER" tool flowacc "$DEM" "$OUT/acc_d8.tif" --method d8 \
        --threads 2
    peer_time lauter:flowacc_mfd "$LAUTER" tool flowacc "$DEM" "$OUT/acc_mfd.tif" --method mfd \
        --threads 2
done
# lauter's own kernel times, from its log lines
grep -h -o "filled depressions.* in [0-9.]* s\|flow accumulation ([a-z0-9]*) in [0-9.]* s" \
    "$OUT"/logs/*.log | sed 's/^/  kernel: /' | sort | uniq -c || true

# peers: depression filling
for r in $(seq 1 "$REPEATS"); do
    FILL_RFILLDIR=$([ "$r" -le "$FILLDIR_REPEATS" ] && echo 1 || echo 0) FILL_BREACH=0 \
        FILL_ITER=0 FILL_TERRAFLOW=0 FILL_PLANCHON=0 \
        "$PEERS_DIR/peer_fill.sh" "$DEM_IN" "$ROOT/fill"
done

# peers: r.watershed D8 and MFD, the calls of peer_flowacc.sh, repeated for the medians
peers_init "$DEM_IN" "$ROOT/watershed" > /dev/null
for r in $(seq 1 "$REPEATS"); do
    grass_run '
grass_import_dem
peer_time grass:r.watershed_D8 r.watershed --overwrite -s elevation=dem accumulation=acc_d8 drainage=dir_d8
peer_time grass:r.watershed_MFD r.watershed --overwrite elevation=dem accumulation=acc_mfd drainage=dir_mfd convergence=5
grass_export acc_d8 grass_r.watershed_d8_acc.tif
grass_export acc_mfd grass_r.watershed_mfd_acc.tif
'
done

# peers: every accumulation raster once, for the cell-by-cell comparison
if [ "$FLOWACC_PEERS" = 1 ]; then
    "$PEERS_DIR/peer_flowacc.sh" "$DEM_IN" "$ROOT/flowacc"
    peers_init "$DEM_IN" "$ROOT/lauter" > /dev/null
    # lauter on SAGA's filled DEM: separates the routing from the surface it runs on
    "$LAUTER" tool flowacc "$ROOT/flowacc/saga_filled_xxl.sdat" "$OUT/acc_d8_on_saga_fill.tif" \
        --method d8 > /dev/null 2>&1 || true
fi

# without peer_flowacc.sh the r.watershed rasters of the timed runs are compared
ACC_DIR="$ROOT/flowacc"
[ "$FLOWACC_PEERS" = 1 ] || ACC_DIR="$ROOT/watershed"
/usr/bin/python3 "$HERE/compare_hydrology.py" "$DEM_IN" "$ROOT/fill" "$ACC_DIR" \
    "$ROOT/lauter" --timings "$ROOT/lauter" "$ROOT/fill" "$ROOT/watershed" "$ROOT/flowacc" \
    | tee "$ROOT/hydrology_peers.md"
echo "wrote $ROOT/hydrology_peers.md"
