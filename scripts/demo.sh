#!/usr/bin/env bash
# The main job: set up, build, and run the merger-tree demo on 4 MPI ranks with both stores on
# disk, verifying every value. Extra arguments go to `soastore demo` (e.g. --steps 5 --rows 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh build
source scripts/env.sh
scratch=$(mktemp -d "${TMPDIR:-/tmp}/soastore-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mpirun -np 4 build/tools/soastore/soastore demo --path "$scratch/run" "$@"
leftovers=$(find "$scratch" -type f | wc -l)
echo "files left behind under $scratch: $leftovers"
[[ $leftovers -eq 0 ]]
