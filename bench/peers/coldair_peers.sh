#!/bin/bash
# Cold air: lauter's shallow layer and screening against SAGA "Cold Air Flow" on the shared
# synthetic test DEM and its production grid, one simulated hour from sunset, in the same run;
# compare_coldair.py then prints how the 1 h heights compare (docs/coldair.md).
#
# usage: coldair_peers.sh OUTDIR [N]
#   N  grid size of the synthetic DEM (make_test_dem.py; default 1000 -> 1000 x 1000, 10 m cells)
# env:
#   BENCH      path of lauter_bench (default: <repo>/build/bench/lauter_bench)
#   PEERS_DIR  the shared peer scripts (default: /work/shared/peers)
#   SAGA=0     skip SAGA and compare with the saga/ result an earlier run left in OUTDIR
#
# What runs: make_test_dem.py N (dem_N.tif, coldair_prod_N.tif in m/h); peer_coldair.sh with
# COLDAIR_HOURS=1 and that production grid (SAGA 8.5 sim_air_flow 0, friction 1, open edges,
# 2 threads); lauter_bench --benchmark_filter=BM_coldair_peer_dem (layer with c_D 1 = SAGA's
# friction and c_D 0.01 of physics.md A3, and the screening; 2 threads, double state as in the
# coldair model), timed by
# the same peer_time as SAGA so that wall and CPU seconds are comparable.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEERS_DIR=${PEERS_DIR:-/work/shared/peers}
BENCH=$(readlink -f "${BENCH:-$REPO/build/bench/lauter_bench}")
N=${2:-1000}

[ $# -ge 1 ] || { sed -n '2,17p' "$0" >&2; exit 2; }
[ -x "$BENCH" ] || { echo "no lauter_bench at $BENCH (set BENCH=)" >&2; exit 2; }
mkdir -p "$1"
ROOT=$(readlink -f "$1")
DATA="$ROOT/data"
mkdir -p "$DATA"
[ -f "$DATA/dem_$N.tif" ] || /usr/bin/python3 "$PEERS_DIR/make_test_dem.py" "$N" "$DATA" > /dev/null
echo "DEM $DATA/dem_$N.tif; bench $BENCH"

if [ "${SAGA:-1}" != 0 ]; then
    COLDAIR_HOURS=1 COLDAIR_PROD="$DATA/coldair_prod_$N.tif" \
        bash "$PEERS_DIR/peer_coldair.sh" "$DATA/dem_$N.tif" "$ROOT/saga"
fi

PEERS_HERE="$PEERS_DIR"
source "$PEERS_DIR/_common.sh"
peers_init "$DATA/dem_$N.tif" "$ROOT/lauter" > /dev/null
mkdir -p "$ROOT/lauter/export"
for run in layer_cd1 layer_cd0.01 screening; do
    LAUTER_COLDAIR_PEER_DIR="$DATA" LAUTER_COLDAIR_PEER_SIZE="$N" \
        LAUTER_COLDAIR_EXPORT="$ROOT/lauter/export" OMP_NUM_THREADS=2 \
        peer_time "lauter:coldair_${run}_1h_t2" "$BENCH" \
        --benchmark_filter="BM_coldair_peer_dem/${run}/"
    grep -h "BM_coldair_peer_dem/$run " "$ROOT/lauter/logs/lauter_coldair_${run}_1h_t2.log" || true
done

/usr/bin/python3 "$HERE/compare_coldair.py" "$ROOT/saga/saga_coldair_height.tif" \
    "$ROOT/lauter/export/"lauter_*_height_1h.tif
