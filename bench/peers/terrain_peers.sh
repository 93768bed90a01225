#!/usr/bin/env bash
# Times `lauter tool slope|hillshade` against gdaldem (GDAL) and GRASS r.slope.aspect on one DEM
# and keeps every output for compare_terrain.py. Results: OUTDIR/timings.tsv (one row per run),
# OUTDIR/<label>.tif, OUTDIR/logs/. Used for docs/benchmarks.md.
#
# usage: bench/peers/terrain_peers.sh DEM.tif OUTDIR
# env:   LAUTER         lauter binary (default: build/sim/lauter of this checkout)
#        LAUTER_BEFORE  optional second lauter binary timed the same way (e.g. an older build)
#        REPEATS        runs per tool (default 3; the summary reports the median)
#        THREADS        thread counts for lauter and r.slope.aspect (default "1 2")
#        NO_GRASS=1     skip GRASS (needs the Debian package grass-core)
# Only the tool call is timed. lauter and gdaldem read and write GeoTIFF inside the timed call;
# GRASS imports the DEM before and exports its result after the timed r.slope.aspect calls.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# timed LABEL CMD...: REPEATS runs under GNU time; one row per run in $OUT/timings.tsv.
timed() {
    local label=$1
    shift
    mkdir -p "$OUT/logs"
    local k
    for ((k = 1; k <= REPEATS; ++k)); do
        local load1 tf="$OUT/logs/$label.$k.time"
        load1=$(cut -d' ' -f1 /proc/loadavg)
        if ! /usr/bin/time -v -o "$tf" "$@" > "$OUT/logs/$label.$k.log" 2>&1; then
            echo "FAILED: $label (see $OUT/logs/$label.$k.log)" >&2
            return 1
        fi
        local wall cpu rss cpu_s
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0;
                  for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.3f", s}' "$tf")
        cpu=$(awk -F': ' '/Percent of CPU/{gsub("%","",$2); print $2}' "$tf")
        rss=$(awk -F': ' '/Maximum resident set size/{printf "%.1f", $2/1024}' "$tf")
        cpu_s=$(awk -F': ' '/(User|System) time/{s+=$2} END{printf "%.2f", s}' "$tf")
        printf "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n" "$label" "$CELLS" "$k" "$wall" "$cpu" \
            "$cpu_s" "$rss" "$load1" >> "$OUT/timings.tsv"
        printf "%-34s run %d  wall %7ss  CPU %4s%%  RSS %7s MB  load %s\n" "$label" "$k" \
            "$wall" "$cpu" "$rss" "$load1"
    done
}

# Inside a throw-away GRASS location: import, time r.slope.aspect, export.
inside_grass() {
    r.in.gdal --quiet --overwrite input="$DEM" output=dem
    g.region raster=dem
    local t
    for t in $THREADS; do
        timed "grass_slope_t$t" r.slope.aspect --quiet --overwrite elevation=dem slope=slope \
            format=degrees precision=FCELL nprocs="$t"
    done
    r.out.gdal --quiet --overwrite -c -f input=slope output="$OUT/grass_slope.tif" format=GTiff \
        type=Float32 > /dev/null
}

if [ "${1:-}" = "--inside-grass" ]; then
    inside_grass
    exit 0
fi

[ $# -eq 2 ] || { sed -n '6,11p' "$0" >&2; exit 2; }
[ -f "$1" ] || { echo "no such DEM: $1" >&2; exit 2; }
DEM=$(readlink -f "$1")
mkdir -p "$2"
OUT=$(readlink -f "$2")
LAUTER=${LAUTER:-$here/../../build/sim/lauter}
REPEATS=${REPEATS:-3}
THREADS=${THREADS:-1 2}
CELLS=$(gdalinfo "$DEM" | awk '/^Size is/{gsub(",","",$3); print $3*$4}')
export DEM OUT REPEATS THREADS CELLS
[ -f "$OUT/timings.tsv" ] ||
    printf "label\tcells\trun\twall_s\tcpu_pct\tcpu_s\tmaxrss_MB\tload1_before\n" \
        > "$OUT/timings.tsv"
echo "DEM=$DEM ($CELLS cells)  OUT=$OUT  nproc=$(nproc)  load=$(cut -d' ' -f1-3 /proc/loadavg)"

for t in $THREADS; do
    timed "lauter_slope_t$t" "$LAUTER" tool slope "$DEM" "$OUT/lauter_slope.tif" --threads "$t"
    timed "lauter_hillshade_t$t" "$LAUTER" tool hillshade "$DEM" "$OUT/lauter_hillshade.tif" \
        --threads "$t"
    if [ -n "${LAUTER_BEFORE:-}" ]; then
        timed "before_slope_t$t" "$LAUTER_BEFORE" tool slope "$DEM" "$OUT/before_slope.tif" \
            --threads "$t"
        timed "before_hillshade_t$t" "$LAUTER_BEFORE" tool hillshade "$DEM" \
            "$OUT/before_hillshade.tif" --threads "$t"
    fi
done
# gdaldem (single-threaded): its default output (plain, uncompressed GeoTIFF) and the output
# lauter writes (sim/src/geotiff_writer.cpp: Cloud Optimized GeoTIFF, DEFLATE, predictor,
# overviews averaged), to separate the kernel from the file format.
cog=(-of COG -co COMPRESS=DEFLATE -co PREDICTOR=YES -co RESAMPLING=AVERAGE)
timed gdaldem_slope gdaldem slope -q "$DEM" "$OUT/gdaldem_slope.tif"
timed gdaldem_hillshade gdaldem hillshade -q "$DEM" "$OUT/gdaldem_hillshade.tif"
timed gdaldem_slope_cog gdaldem slope -q "${cog[@]}" "$DEM" "$OUT/gdaldem_slope_cog.tif"
timed gdaldem_hillshade_cog gdaldem hillshade -q "${cog[@]}" "$DEM" \
    "$OUT/gdaldem_hillshade_cog.tif"

if [ "${NO_GRASS:-0}" != 1 ]; then
    grass --tmp-location EPSG:25832 --exec bash "$here/terrain_peers.sh" --inside-grass 2>&1 |
        grep -v -e '^Starting GRASS' -e '^Creating new GRASS' -e '^Cleaning up' \
            -e '^Executing <' -e '^Execution of <' -e '^$' || true
fi
