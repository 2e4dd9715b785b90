#!/usr/bin/env bash
# Set up, build and run every test: the normal build, then the whole C++ suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/build.sh build
(cd build && ctest --output-on-failure -j 2)

bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DSOASTORE_SANITIZE=ON -DSOASTORE_BUILD_PYTHON=OFF
(cd build-asan && ctest --output-on-failure -j 2)

# Each libFuzzer target for a bounded time (clang, ASan+UBSan); any crash, hang or report fails.
bash scripts/fuzz.sh "${SOASTORE_FUZZ_SECONDS:-60}"
