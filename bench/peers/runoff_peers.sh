#!/bin/bash
# Heavy-rain runoff: `lauter tool runoff` against GRASS r.sim.water and SAGA Overland Flow on the
# same DEM, the same event and in the same run; compare_runoff.py then prints the markdown tables
# (docs/benchmarks.md, "Heavy-rain runoff against peers").
#
# usage: runoff_peers.sh DEM.tif OUTDIR
#   DEM.tif  float32 GeoTIFF in EPSG:25832 (what the peer scripts expect), e.g. the synthetic
#            1000^2 10 m DEM of /work/shared/peers/make_test_dem.py
# env:
#   LAUTER        path of the lauter binary (default: <repo>/build/sim/lauter)
#   PEERS_DIR     the shared peer scripts (default: /work/shared/peers)
#   REPEATS       rounds; each round runs lauter once and then peer_runoff.sh once, so that both
#                 see the same machine load (default 3; the tables report medians)
#   RUNOFF_MIN    simulated minutes of rain (default 10, the issue's peer event)
#   RUNOFF_RAIN   uniform rainfall excess in mm/h (default 50)
#   THREADS       threads for lauter, SAGA -c= and r.sim.water nprocs= (default 2)
#
# The event, identical for every tool: RUNOFF_MIN minutes of RUNOFF_RAIN mm/h on the raw
# (unfilled) DEM, Manning's n 0.1 everywhere, no infiltration, no drainage time after the rain.
# lauter: --storm constant:RAIN:MIN --drainage-min 0 --manning 0.1 --infiltration none
#         --precision float32 --threads THREADS; the DEM edges are free outflow (the tool's only
#         boundary). The peers' settings are listed in the header of peer_runoff.sh.
# Every timed command goes through peer_time of the shared _common.sh (GNU time: wall, max RSS;
# 1-min load average and CPU pressure recorded in OUTDIR/*/timings.tsv).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEERS_DIR=${PEERS_DIR:-/work/shared/peers}
LAUTER=$(readlink -f "${LAUTER:-$REPO/build/sim/lauter}")
REPEATS=${REPEATS:-3}
RUNOFF_MIN=${RUNOFF_MIN:-10}
RUNOFF_RAIN=${RUNOFF_RAIN:-50}
THREADS=${THREADS:-2}
export RUNOFF_MIN RUNOFF_RAIN
export PEERS_THREADS=$THREADS

[ $# -eq 2 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
[ -f "$1" ] || { echo "no such DEM: $1" >&2; exit 2; }
[ -x "$LAUTER" ] || { echo "no lauter binary at $LAUTER (set LAUTER=)" >&2; exit 2; }
mkdir -p "$2"
ROOT=$(readlink -f "$2")
DEM_IN=$(readlink -f "$1")
echo "DEM $DEM_IN; lauter $LAUTER; $REPEATS rounds; ${RUNOFF_MIN} min of ${RUNOFF_RAIN} mm/h," \
     "Manning n 0.1, no infiltration, $THREADS threads"
echo "machine: $(nproc) cores; $(uptime)"
echo "cpu pressure: $(head -1 /proc/pressure/cpu)"

PEERS_HERE="$PEERS_DIR"
source "$PEERS_DIR/_common.sh"
for r in $(seq 1 "$REPEATS"); do
    echo "--- round $r of $REPEATS"
    peers_init "$DEM_IN" "$ROOT/lauter" > /dev/null
    peer_time "lauter:runoff_${RUNOFF_MIN}min_float32_threads${THREADS}" "$LAUTER" tool runoff \
        "$DEM" "$OUT/run" --storm "constant:${RUNOFF_RAIN}:${RUNOFF_MIN}" --drainage-min 0 \
        --manning 0.1 --infiltration none --precision float32 --threads "$THREADS"
    # the step count and the event time lauter logs (the log is overwritten every round)
    grep -h -o "runoff: [0-9]* steps in [0-9.]* s.*" \
        "$OUT/logs/lauter_runoff_${RUNOFF_MIN}min_float32_threads${THREADS}.log" \
        | tee -a "$OUT/steps.txt" | sed 's/^/  /' || true
    "$PEERS_DIR/peer_runoff.sh" "$DEM_IN" "$ROOT/peers"
done
echo "after the runs: $(uptime)"
echo "cpu pressure: $(head -1 /proc/pressure/cpu)"

/usr/bin/python3 "$HERE/compare_runoff.py" "$DEM_IN" "$ROOT/lauter" "$ROOT/peers" \
    --minutes "$RUNOFF_MIN" --rain "$RUNOFF_RAIN" | tee "$ROOT/runoff_peers.md"
echo "wrote $ROOT/runoff_peers.md"
