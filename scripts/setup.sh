#!/usr/bin/env bash
# First command of the README: install what is missing, build, run the default Kaiserslautern batch.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/scripts/deps.sh"
lauter_ensure_packages
lauter_build "$top"
mkdir -p "$top/results"
"$top/build/sim/lauter" run "$top/scenarios/kaiserslautern/baseline.yaml" \
  -o "$top/results/kaiserslautern.h5"
echo "results: $top/results/kaiserslautern.h5"
