#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs the whole
# ctest suite; then builds the AddressSanitizer + UBSan tree and runs the
# suite again there. Exits non-zero on any failure.
#   JOBS=N        parallel build/test jobs (default 2)
#   S32_NO_ASAN=1 skip the sanitizer build (quicker local runs)
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
  (cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs" -LE slow)
fi
