#!/usr/bin/env bash
# The main job: installs what is missing, builds what it runs, and runs a demo program on
# the platform (a file round trip through the ring device: OPEN, WRITE, SEEK,
# READ, STAT, RENAME, UNLINK) in cycle-stepped mode, writing
#   waves/demo.vcd          the waveform, and waves/demo.vcd.gtkw, its GTKWave view
#   out/demo-stats.json     statistics
#   out/demo-requests.csv   every request's timestamps
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" s32sim file_roundtrip_s32x

sim="$root/build/tb/s32sim/s32sim"
mkdir -p "$root/out/demo-root"
echo
echo "== s32sim --mode cycle --vcd waves/demo.vcd file_roundtrip.s32x demo.txt"
echo
"$sim" --mode cycle --root "$root/out/demo-root" \
  --vcd "$root/waves/demo.vcd" --stats-json "$root/out/demo-stats.json" \
  --requests-csv "$root/out/demo-requests.csv" \
  "$root/build/sw/examples/file_roundtrip.s32x" demo.txt

echo
echo "Per-request timestamps (cycles):"
column -s, -t < "$root/out/demo-requests.csv" 2>/dev/null || cat "$root/out/demo-requests.csv"
echo
echo "Statistics: out/demo-stats.json   Requests: out/demo-requests.csv"
echo "Waveform:   waves/demo.vcd -- view it (from any directory) with"
echo "              gtkwave waves/demo.vcd.gtkw"
