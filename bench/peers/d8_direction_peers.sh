#!/bin/bash
# D8 flow directions and accumulation of lauter against GRASS r.watershed -s, cell by cell:
# runs both on one DEM, then compare_d8_directions.py classifies every cell whose flow goes
# elsewhere (docs/hydrology.md, "D8 against r.watershed, cell by cell").
#
# usage: d8_direction_peers.sh DEM.tif OUTDIR
#   DEM.tif  float32 GeoTIFF in EPSG:25832; `d8_direction_peers.sh srtm OUTDIR` warps
#            inputs/srtm/N50E008.hgt first, exactly as hydrology_peers.sh does
# env:
#   LAUTER     path of the lauter binary (default: <repo>/build/sim/lauter)
#   PEERS_DIR  the shared peer scripts (default: /work/shared/peers)
#   SIMULATE   1 re-runs r.watershed's A* search in Python to check that its rule is understood
#              (about 20 s CPU per million cells; default 0)
# Writes OUTDIR/lauter/{fill,fill_eps,acc_d8}.tif, OUTDIR/grass/grass_{dir,acc}_d8.tif and the
# report OUTDIR/d8_directions.md. Nothing is timed here (hydrology_peers.sh does the timing).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEERS_DIR=${PEERS_DIR:-/work/shared/peers}
LAUTER=$(readlink -f "${LAUTER:-$REPO/build/sim/lauter}")
SIMULATE=${SIMULATE:-0}

[ $# -eq 2 ] || { sed -n '2,17p' "$0" >&2; exit 2; }
[ -x "$LAUTER" ] || { echo "no lauter binary at $LAUTER (set LAUTER=)" >&2; exit 2; }
mkdir -p "$2/lauter"
ROOT=$(readlink -f "$2")

if [ "$1" = srtm ]; then
    DEM_IN="$ROOT/srtm_N50E008_utm32_30m.tif"
    if [ ! -f "$DEM_IN" ]; then
        gdalwarp -q -t_srs EPSG:25832 -te 430020 5539230 499980 5649750 -tr 30 30 -r bilinear \
            -ot Float32 -dstnodata -9999 -co COMPRESS=DEFLATE -co TILED=YES \
            "$REPO/inputs/srtm/N50E008.hgt" "$DEM_IN"
    fi
else
    DEM_IN=$(readlink -f "$1")
fi
echo "DEM $DEM_IN; lauter $LAUTER"

# lauter: the plain fill (classes (a)), the epsilon fill (the surface flowacc routes on) and the
# D8 accumulation that the numpy re-implementation must reproduce
"$LAUTER" tool fill "$DEM_IN" "$ROOT/lauter/fill.tif" --threads 2 > /dev/null
"$LAUTER" tool fill "$DEM_IN" "$ROOT/lauter/fill_eps.tif" --epsilon --threads 2 > /dev/null
"$LAUTER" tool flowacc "$DEM_IN" "$ROOT/lauter/acc_d8.tif" --method d8 --threads 2 > /dev/null

# GRASS r.watershed -s with its drainage directions as well as the accumulation
PEERS_HERE="$PEERS_DIR"
source "$PEERS_DIR/_common.sh"
peers_init "$DEM_IN" "$ROOT/grass" > /dev/null
grass_run '
grass_import_dem
peer_time grass:r.watershed_D8 r.watershed --overwrite -s elevation=dem accumulation=acc_d8 drainage=dir_d8
grass_export acc_d8 grass_acc_d8.tif
grass_export dir_d8 grass_dir_d8.tif
'

EXTRA=()
[ "$SIMULATE" = 1 ] && EXTRA=(--simulate-astar)
/usr/bin/python3 "$HERE/compare_d8_directions.py" "$DEM_IN" "$ROOT/lauter" "$ROOT/grass" \
    "${EXTRA[@]}" | tee "$ROOT/d8_directions.md"
echo "wrote $ROOT/d8_directions.md"
