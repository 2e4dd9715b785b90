#!/usr/bin/env bash
# Installs what is missing, then configures and builds soastore into build/ (or $1) and makes
# `import soastore` work for /usr/bin/python3. Extra arguments go to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -G Ninja -DPython_EXECUTABLE=/usr/bin/python3 "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
# The Python package goes where /usr/bin/python3 finds it (/usr/local/lib/python3/dist-packages),
# so `import soastore` works without touching PYTHONPATH. Sanitizer builds have no bindings.
if [[ -d "$build_dir/python/soastore" ]]; then
  cmake --install "$build_dir" --component python --prefix /usr/local >/dev/null
fi
