#!/bin/bash
# Sky view factor and shadows: lauter against SAGA and GRASS on the shared synthetic test DEM in
# the same run; compare_svf.py then prints the markdown tables (timings and output differences)
# used in docs/thermal.md.
#
# usage: svf_peers.sh OUTDIR [N]
#   N  grid size of the synthetic DEM (make_test_dem.py; default 1000 -> 1000 x 1000, 10 m cells)
# env:
#   LAUTER         path of the lauter binary (default: <repo>/build/sim/lauter)
#   PEERS_DIR      the shared peer scripts (default: /work/shared/peers)
#   REPEATS        timed runs of each lauter tool (default 3; the tables report medians)
#   SOLAR=0        skip the shadow comparison (peer_solar.sh: GRASS r.sun day, SAGA PISR day and
#                  moment)
#   SUN_MASK=1     also run GRASS r.sunmask (single-threaded, about 5 min on 1000^2)
#
# What runs: the DEM (make_test_dem.py N); `lauter tool svf` with 16 directions and a 2000 m
# radius (the SAGA settings of peer_svf.sh) on 2 threads; peer_svf.sh with SVF_OPENNESS=0
# (SAGA "Sky View Factor" and GRASS r.horizon + r.mapcalc); `lauter tool shadow` for
# 2024-06-21 18:00 at UTC+1 (the moment of peer_solar.sh: r.sunmask timezone=1, SAGA MOMENT=18)
# and peer_solar.sh. Every timed command goes through peer_time of the shared _common.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEERS_DIR=${PEERS_DIR:-/work/shared/peers}
LAUTER=$(readlink -f "${LAUTER:-$REPO/build/sim/lauter}")
REPEATS=${REPEATS:-3}
SOLAR=${SOLAR:-1}
N=${2:-1000}

[ $# -ge 1 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
[ -x "$LAUTER" ] || { echo "no lauter binary at $LAUTER (set LAUTER=)" >&2; exit 2; }
mkdir -p "$1"
ROOT=$(readlink -f "$1")
DEM_IN="$ROOT/data/dem_$N.tif"
mkdir -p "$ROOT/data"
[ -f "$DEM_IN" ] || /usr/bin/python3 "$PEERS_DIR/make_test_dem.py" "$N" "$ROOT/data" > /dev/null
echo "DEM $DEM_IN; lauter $LAUTER; repeats $REPEATS"

PEERS_HERE="$PEERS_DIR"
source "$PEERS_DIR/_common.sh"
peers_init "$DEM_IN" "$ROOT/lauter" > /dev/null
for r in $(seq 1 "$REPEATS"); do
    peer_time "lauter:svf_n16_r2000_t2" "$LAUTER" tool svf "$DEM" "$OUT/svf.tif" \
        --directions 16 --radius-m 2000 --threads 2
    peer_time "lauter:shadow_2024-06-21T18:00+01_t2" "$LAUTER" tool shadow "$DEM" \
        "$OUT/shadow.tif" --datetime 2024-06-21T18:00 --utc-offset-h 1 --threads 2
done
peer_time "lauter:svf_n16_r2000_t1" "$LAUTER" tool svf "$DEM" "$OUT/svf_t1.tif" \
    --directions 16 --radius-m 2000 --threads 1
grep -h "sun at" "$OUT/logs/"lauter_shadow*.log | tail -1 || true

SVF_OPENNESS=0 "$PEERS_DIR/peer_svf.sh" "$DEM_IN" "$ROOT/peer_svf"
if [ "$SOLAR" = 1 ]; then
    SUN_MASK=${SUN_MASK:-0} "$PEERS_DIR/peer_solar.sh" "$DEM_IN" "$ROOT/peer_solar"
fi
/usr/bin/python3 "$HERE/compare_svf.py" "$ROOT"
