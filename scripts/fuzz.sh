#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan (tests/fuzz), seeds them from the shared
# GenericIO test vectors and from small .npy/.npz files made with numpy, and runs each for a
# bounded time. Any crash, hang (-timeout), out-of-memory or sanitizer report fails the script;
# libFuzzer then leaves the input that caused it in $WORK/artifacts/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60; env BUILD_DIR, WORK override paths)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=${BUILD_DIR:-$root/build-fuzz}
work=${WORK:-$build/fuzz-work}
shared=${SOASTORE_SHARED_DIR:-$root/../shared}

cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSOASTORE_BUILD_FUZZERS=ON -DSOASTORE_SANITIZE=ON -DSOASTORE_BUILD_PYTHON=OFF -DSOASTORE_BUILD_TESTS=OFF \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link >/dev/null
ninja -C "$build" fuzz_genericio fuzz_npy fuzz_npz

rm -rf "$work"
mkdir -p "$work/seeds/genericio" "$work/seeds/npy" "$work/seeds/npz" "$work/artifacts"

# GenericIO: every shared vector, once as it is (mode byte 0) and once with CRCs resealed (3).
for vector in "$shared"/testdata/genericio/*.gio*; do
  name=$(basename "$vector")
  { printf '\x00'; cat "$vector"; } >"$work/seeds/genericio/$name.0"
  { printf '\x03'; cat "$vector"; } >"$work/seeds/genericio/$name.3"
done

# npy and npz: small files of every kind numpy writes (mode byte 0: read, 1: mapped).
"${PYTHON:-/usr/bin/python3}" - "$work/seeds" <<'PY'
import io, os, sys
import numpy as np
seeds = sys.argv[1]
arrays = {
    "i8": np.arange(5, dtype="<i8"), "f4_2d": np.ones((2, 3), dtype="<f4"), "big": np.arange(3, dtype=">i4"),
    "fortran": np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)), "scalar": np.array(1.5),
    "bool": np.array([True, False]), "u2": np.arange(4, dtype="<u2"), "c16": np.array([1 + 2j]),
    "f2": np.zeros(3, dtype="<f2"), "empty": np.zeros((0, 4), dtype="<i1"),
}
for name, array in arrays.items():
    np.save(os.path.join(seeds, "npy", name + ".npy"), array)
for name, save in (("plain", np.savez), ("compressed", np.savez_compressed)):
    buffer = io.BytesIO()
    save(buffer, **arrays)
    for mode in (0, 1):
        with open(os.path.join(seeds, "npz", f"{name}.{mode}"), "wb") as f:
            f.write(bytes([mode]) + buffer.getvalue())
PY

# Leaks are checked. OpenMPI (initialised by fuzz_genericio only) keeps allocations until exit:
# those are matched by tests/lsan.supp, which needs OpenMPI's plugins kept loaded and full
# unwinding (slower, so only for that target).
export ASAN_OPTIONS=abort_on_error=1:detect_odr_violation=0
export OMPI_MCA_mca_base_component_disable_dlclose=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader

status=0
for target in genericio npy npz; do
  corpus="$work/corpus/$target"
  mkdir -p "$corpus"
  echo "== fuzz_$target for ${seconds}s"
  lsan="suppressions=$root/tests/lsan.supp"
  [[ $target == genericio ]] && lsan+=":fast_unwind_on_malloc=0"
  if ! LSAN_OPTIONS=$lsan "$build/tests/fuzz/fuzz_$target" "$corpus" "$work/seeds/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/$target-" 2>"$work/fuzz_$target.log"; then
    echo "fuzz_$target FAILED; see $work/fuzz_$target.log and $work/artifacts/" >&2
    tail -n 40 "$work/fuzz_$target.log" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$work/fuzz_$target.log" || true
  fi
done
exit $status
