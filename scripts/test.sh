#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs the whole
# ctest suite; then builds the AddressSanitizer + UBSan tree and runs the
# suite again there. Exits non-zero on any failure.
#   JOBS=N        parallel build/test jobs (default 2)
#   S32_NO_ASAN=1 skip the sanitizer build (quicker local runs)
# Last, each libFuzzer target runs a few seconds (ctest label `fuzz`, clang
# tree build-fuzz/); without clang that step is skipped with a message,
# except under CI (CI set), where it is an error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-2}

echo "== build ($root/build)"
JOBS=$jobs "$root/scripts/build.sh"
echo "== tests"
(cd "$root/build" && ctest --output-on-failure -j"$jobs")

if [ "${S32_NO_ASAN:-0}" != "1" ]; then
  echo "== sanitizer build ($root/build-asan: address + undefined)"
  cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DS32_WERROR=ON -DS32_SANITIZE=ON \
    -DS32_BENCHMARKS=OFF
  cmake --build "$root/build-asan" -j"$jobs"
  echo "== tests under sanitizers"
  # LeakSanitizer's stop-the-world tracer crashes ("Tracer caught signal 11")
  # when it scans the stacks of SystemC's coroutines on this kind of machine,
  # in most runs of a SystemC test; without stacks as roots the heap and
  # globals are still checked, and a test ends with nothing on its stack.
  (cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=0 \
    LSAN_OPTIONS=use_stacks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j"$jobs" -LE slow)
fi

echo "== fuzz targets, a few seconds each ($root/build-fuzz, clang)"
if ! command -v clang++-14 >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    echo "test.sh: clang++-14 is missing, so the fuzz targets cannot run (scripts/setup.sh installs it)" >&2
    exit 1
  fi
  echo "test.sh: SKIPPING the fuzz targets: clang++-14 not found (scripts/setup.sh installs clang-14)"
  exit 0
fi
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DS32_FUZZ=ON \
  -DS32_WERROR=ON > /dev/null
cmake --build "$root/build-fuzz" -j"$jobs"
(cd "$root/build-fuzz" && ctest --output-on-failure -L fuzz)
