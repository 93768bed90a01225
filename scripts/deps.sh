#!/usr/bin/env bash
# Sourced by setup.sh and test.sh: makes sure the Debian 12 packages lauter needs are installed.
# As root it installs what is missing; otherwise it prints the exact apt-get line and stops.
LAUTER_DEBIAN_PACKAGES=(
  # build
  cmake g++ make libgdal-dev libhdf5-dev libeigen3-dev libbenchmark-dev catch2
  libyaml-cpp-dev libcli11-dev
  # command-line tools used by the tests and the README examples
  gdal-bin hdf5-tools
  # Debian's Python (/usr/bin/python3) reads results in the tests and draws the maps in viz/
  python3 python3-numpy python3-gdal python3-h5py python3-xarray python3-netcdf4 python3-h5netcdf
  python3-matplotlib python3-networkx
  # the report test renders index.html in headless Chromium
  chromium
  # MPI for batches across ranks (issue 8; optional at build time, used by the tests)
  openmpi-bin libopenmpi-dev
)

lauter_missing_packages() {
  local p missing=()
  for p in "${LAUTER_DEBIAN_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != "installed" ]; then
      missing+=("$p")
    fi
  done
  echo "${missing[@]}"
}

lauter_ensure_packages() {
  local missing
  missing=$(lauter_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "lauter: these Debian packages are missing: $missing" >&2
    echo "lauter: install them as root, then run this command again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 1
  fi
  echo "lauter: installing missing Debian packages: $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2 || {
    echo "lauter: apt-get install failed (see above); check the network access to the Debian mirror" >&2
    exit 1
  }
}

# Configures (once) and builds lauter in build/ (Release).
lauter_build() {
  local top=$1
  cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
  cmake --build "$top/build" -j"$(nproc)" || exit 1
}
