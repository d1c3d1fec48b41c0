#!/usr/bin/env bash
# Builds one libFuzzer target in the clang tree build-fuzz/ (-DS32_FUZZ=ON)
# and runs it for SECONDS on its checked-in seeds (tb/fuzz/corpus/TARGET)
# plus a growing working corpus (build-fuzz/corpus/TARGET). A crash leaves
# its input in build-fuzz/artifacts/TARGET/ and exits non-zero.
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   TARGET: loader | asm | sandbox | ring
#   JOBS=N  parallel build jobs (default 2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET SECONDS [libFuzzer flags...]   (TARGET: loader asm sandbox ring)" >&2
  exit 2
fi
target=$1 seconds=$2
shift 2
case $target in
  loader|asm|sandbox|ring) ;;
  *) echo "fuzz.sh: unknown target '$target' (loader, asm, sandbox, ring)" >&2; exit 2 ;;
esac
if ! command -v clang++-14 >/dev/null 2>&1; then
  echo "fuzz.sh: clang++-14 not found (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
  exit 1
fi
build="$root/build-fuzz"
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DS32_FUZZ=ON \
  -DS32_WERROR=ON > /dev/null
cmake --build "$build" -j"${JOBS:-2}" --target "${target}_fuzz"
mkdir -p "$build/corpus/$target" "$build/artifacts/$target"
# LeakSanitizer cannot scan SystemC's coroutine stacks (see tb/fuzz/CMakeLists.txt).
leaks=1
[ "$target" = ring ] && leaks=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=$leaks:detect_stack_use_after_return=0}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
exec "$build/tb/fuzz/${target}_fuzz" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/$target/" "$@" "$build/corpus/$target" "$root/tb/fuzz/corpus/$target"
