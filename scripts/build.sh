#!/usr/bin/env bash
# Configures and builds the release tree (build/) with -j${JOBS:-2}; the
# other scripts call it so they all work from a fresh clone. Arguments name
# the targets to build (default: everything).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DS32_WERROR=ON > /dev/null
cmake --build "$root/build" -j"${JOBS:-2}" ${1:+--target "$@"}
