#!/usr/bin/env bash
# The main job: set up, build, and run the merger-tree demo on 4 MPI ranks, verifying every value.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh build
source scripts/env.sh
mpirun -np 4 build/tools/soastore/soastore demo "$@"
