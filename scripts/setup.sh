#!/usr/bin/env bash
# First command of the README: install what is missing, build, run the default Kaiserslautern
# batch (baseline + INSEK measures, scenarios/kaiserslautern/insek.yaml) and draw its report.
# A batch interrupted here resumes where it stopped when this command is run again.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/scripts/deps.sh"
lauter_ensure_packages
lauter_build "$top"
mkdir -p "$top/results"
"$top/build/sim/lauter" batch "$top/scenarios/kaiserslautern/insek.yaml" \
  -o "$top/results/insek.h5"
"$top/build/sim/lauter" report "$top/results/insek.h5" -o "$top/results/insek_report"
echo "results: $top/results/insek.h5 (indicators: $top/results/insek.h5.indicators.csv)"
echo "report:  $top/results/insek_report/index.html"
