#!/usr/bin/env bash
# Second command of the README (and exactly what .ci/run runs): install what is missing, build,
# run the whole test suite.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/scripts/deps.sh"
lauter_ensure_packages
lauter_build "$top"
cd "$top/build"
ctest --output-on-failure --timeout 900
