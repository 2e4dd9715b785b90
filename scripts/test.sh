#!/usr/bin/env bash
# Set up, build and run every test: the normal build, then the whole C++ suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and the threaded tests under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/build.sh build
(cd build && ctest --output-on-failure -j 2)

bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DSOASTORE_SANITIZE=ON -DSOASTORE_BUILD_PYTHON=OFF
(cd build-asan && ctest --output-on-failure -j 2)

# ThreadSanitizer over the tests that start threads (the stores' background writers and the
# direct-I/O writer thread), with
# suppressions for OpenMPI's own threads. Python stays off: this tree installs nothing.
bash scripts/build.sh build-tsan -DCMAKE_BUILD_TYPE=Debug -DSOASTORE_TSAN=ON -DSOASTORE_BUILD_PYTHON=OFF
(cd build-tsan && TSAN_OPTIONS="suppressions=$PWD/../scripts/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
  ctest --output-on-failure -j 2 -R '^(test_background|test_memory_budget|test_reliability_processes|test_numpy_store_disk|test_numpy_store_groups|test_file_groups|test_genericio_store|test_io|test_genericio_mpi)')

# Each libFuzzer target for a bounded time (clang, ASan+UBSan); any crash, hang or report fails.
bash scripts/fuzz.sh "${SOASTORE_FUZZ_SECONDS:-60}"
