#!/usr/bin/env bash
# Installs every Debian package soastore needs to build, test and benchmark, in one apt-get
# line. A no-op (no network, no apt-get) when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libopenmpi-dev openmpi-bin             # MPI (Debian's mpi4py is built on OpenMPI)
  libisal-dev                            # CRC-64 (GenericIO) and CRC-32 (zip) at memory speed
  libblosc-dev                           # BLOSC-compressed GenericIO blocks
  zlib1g-dev                             # deflate for numpy's savez_compressed
  libcli11-dev                           # command-line parsing of the soastore program
  libgtest-dev libgmock-dev              # C++ tests
  clang libclang-rt-14-dev               # libFuzzer targets and sanitizer runtimes
  python3-dev python3-numpy python3-mpi4py python3-pytest pybind11-dev  # Python bindings
  python3-matplotlib                     # bench/plot_budget.py (soastore bench --plot)
  python3-venv python3-wheel             # `pip install .` into a venv (ensurepip's pip and setuptools; bdist_wheel)
  unzip                                  # `unzip -t` as an oracle for our zip writer
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
