#!/usr/bin/env bash
# Speed figures of the simulator, as medians of several runs (RUNS, default
# 5) on this machine:
#   - fast mode (the default engine: jit on x86-64 builds): MIPS on the
#     compute-bound benchmark (>= 100 M instructions)
#   - cycle mode: simulated cycles per second, without and with --vcd, and
#     the cost of --vcd as the ratio of the two
#   - fast mode with --vcd, for comparison
#   - cycle mode on a real program (forth test-bench, first 20 M cycles),
#     without and with --vcd, if ../shared/realprogs (or $REALPROGS) is there
#   - the ISA core alone, without SystemC (Google Benchmark, tb/bench)
#   - real programs (forth, lua; ../shared/realprogs or REALPROGS) per engine
# Figures come from each run's --stats-json (host_seconds covers the
# simulation only, not start-up).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
"$root/scripts/build.sh" > /dev/null

sim="$root/build/tb/s32sim/s32sim"
compute="$root/build/sw/bench/compute.s32x"
realprogs=${REALPROGS:-$root/../shared/realprogs}
forth="$realprogs/forth"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME [s32sim args...]: RUNS runs, statistics in $tmp/NAME.N.json,
# standard input from $input (empty unless set).
input=/dev/null
run() {
  local name=$1
  shift
  local rc
  for i in $(seq "$runs"); do
    rc=0
    "$sim" -q --stats-json "$tmp/$name.$i.json" "$@" < "$input" > /dev/null 2> "$tmp/err" || rc=$?
    # The forth runs end at --max-cycles (status 124) on purpose.
    if [ "$rc" != 0 ] && [ "$rc" != 124 ]; then
      cat "$tmp/err" >&2
      exit "$rc"
    fi
  done
}

echo "s32sim benchmarks: $runs runs each, medians ($(nproc) CPUs, $(uname -m))"
# The ISA core alone (Google Benchmark), for the cost of the platform around it.
"$root/build/tb/bench/core_bench" --benchmark_filter='BM_(Core|Jit)ComputeLoop' --benchmark_repetitions="$runs" \
  --benchmark_report_aggregates_only=true --benchmark_format=json > "$tmp/core.json" 2> /dev/null
run fast "$compute"
run cycle --mode cycle "$compute" 500
run cycle_vcd --mode cycle --vcd "$tmp/c.vcd" "$compute" 500
run fast_vcd --vcd "$tmp/f.vcd" "$compute"
rm -f "$tmp"/*.vcd
if [ -d "$forth" ]; then
  cat "$forth/prelude.fth" "$forth/tests/test-bench.fth" > "$tmp/forth.in"
  input="$tmp/forth.in"
  run forth --mode cycle --max-cycles 20000000 "$forth/kernel.s32x"
  # To a real file (mktemp's folder): the page cache takes a large part.
  run forth_vcd --mode cycle --max-cycles 20000000 --vcd "$tmp/forth.vcd" "$forth/kernel.s32x"
  stat -c %s "$tmp/forth.vcd" > "$tmp/forth_vcd.bytes"
  rm -f "$tmp/forth.vcd"
  input=/dev/null
fi

/usr/bin/python3 - "$tmp" "$runs" <<'PY'
import json, statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
def load(name):
    return [json.load(open(f"{tmp}/{name}.{i}.json")) for i in range(1, runs + 1)]
def med(xs):
    return statistics.median(xs)
fast, cycle, cycle_vcd, fast_vcd = (load(n) for n in ("fast", "cycle", "cycle_vcd", "fast_vcd"))
# With one repetition Google Benchmark writes no aggregates: the run itself.
core = json.load(open(f"{tmp}/core.json"))["benchmarks"]
for b in core:
    if b.get("aggregate_name") == "median" or (runs == 1 and b.get("run_type") == "iteration"):
        engine = "jit" if b["run_name"].startswith("BM_Jit") else "interp"
        print(f"  ISA core alone ({engine}), compute inner loop (no SystemC): median {b['MIPS']:.0f} MIPS")
mips = med([r["host_mips"] for r in fast])
cps = med([r["cycles"] / r["host_seconds"] for r in cycle])
cps_vcd = med([r["cycles"] / r["host_seconds"] for r in cycle_vcd])
mips_vcd = med([r["host_mips"] for r in fast_vcd])
each = ", ".join("%.0f" % r["host_mips"] for r in fast)
print(f"  fast mode ({fast[0]['config']['cpu']['engine']}), compute ({fast[0]['instructions']:,} instructions): "
      f"median {mips:.0f} MIPS (runs: {each})")
print(f"  cycle mode, compute 500 ({cycle[0]['cycles']:,} cycles): median {cps / 1e6:.2f} M cycles/s")
print(f"  cycle mode with --vcd: median {cps_vcd / 1e6:.2f} M cycles/s, "
      f"--vcd costs x{cps / cps_vcd:.2f} (slowdown ratio of medians)")
print(f"  fast mode with --vcd: median {mips_vcd:.0f} MIPS (ratio without/with {mips / mips_vcd:.2f})")
try:
    forth, forth_vcd = load("forth"), load("forth_vcd")
except FileNotFoundError:
    print("  forth test-bench: skipped (no ../shared/realprogs; set REALPROGS)")
    sys.exit(0)
cps = med([r["cycles"] / r["host_seconds"] for r in forth])
cps_vcd = med([r["cycles"] / r["host_seconds"] for r in forth_vcd])
print(f"  cycle mode, forth test-bench ({forth[0]['cycles']:,} cycles): median {cps / 1e6:.2f} M cycles/s")
vcd_bytes = int(open(f"{tmp}/forth_vcd.bytes").read())
print(f"  cycle mode, forth test-bench with --vcd: median {cps_vcd / 1e6:.2f} M cycles/s, "
      f"--vcd costs x{cps / cps_vcd:.2f} (slowdown ratio of medians); "
      f"{vcd_bytes / forth_vcd[0]['cycles']:.1f} bytes of VCD a cycle, "
      f"{vcd_bytes / forth_vcd[0]['cycles'] * cps_vcd / 1e9:.2f} GB/s written")
PY

# Real programs built by the public toolchain (../shared/realprogs): fast-mode
# MIPS over the whole process (start-up included, the figure the public
# interpreters are quoted with) on forth test-bench, the lua tests back to
# back, and compute, for every engine the simulator offers.
realprogs=${REALPROGS:-$root/../shared/realprogs}
if [ ! -d "$realprogs/forth" ] || [ ! -d "$realprogs/lua" ]; then
  echo "  real programs: skipped ($realprogs not found; set REALPROGS)"
  exit 0
fi
engines=interp
# The translator exists in x86-64 builds only; a trial run tells.
if "$sim" -q --engine jit "$compute" 1 > /dev/null 2>&1; then engines="interp jit"; fi
/usr/bin/python3 - "$sim" "$realprogs" "$compute" "$runs" "$tmp" $engines <<'PY'
import glob, json, os, statistics, subprocess, sys, time
sim, realprogs, compute, runs, tmp = sys.argv[1:6]
runs, engines = int(runs), sys.argv[6:]
forth = os.path.join(realprogs, "forth")
with open(os.path.join(forth, "prelude.fth"), "rb") as f:
    bench_input = f.read()
with open(os.path.join(forth, "tests", "test-bench.fth"), "rb") as f:
    bench_input += f.read()
lua_tests = sorted(glob.glob(os.path.join(realprogs, "lua", "tests", "*.lua")))

def run(engine, cwd, args, stdin):
    """One whole simulator process: (instructions, wall seconds)."""
    stats = os.path.join(tmp, "real.json")
    extra = ["--engine", engine] if len(engines) > 1 else []
    t0 = time.perf_counter()
    subprocess.run([sim, "-q", "--stats-json", stats, *extra, *args], cwd=cwd, input=stdin,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    with open(stats) as f:
        return json.load(f)["instructions"], wall

def workloads(engine):
    yield "forth test-bench", [run(engine, forth, ["kernel.s32x"], bench_input)]
    lua = []
    for t in lua_tests:
        with open(t, "rb") as f:
            lua.append(run(engine, os.path.join(realprogs, "lua"), ["lua.s32x"], f.read()))
    yield f"lua tests back to back ({len(lua_tests)})", lua
    yield "sw/bench/compute", [run(engine, None, [compute], b"")]

mips = {}
for _ in range(runs):  # engines alternate run by run, so drift hits both alike
    for engine in engines:
        for name, parts in workloads(engine):
            n = sum(p[0] for p in parts)
            mips.setdefault(name, {}).setdefault(engine, []).append(n / sum(p[1] for p in parts) / 1e6)
print("  real programs, fast mode, whole-process MIPS (start-up included), medians:")
for name, by_engine in mips.items():
    figs = ", ".join(f"{e} {statistics.median(v):.0f}" for e, v in by_engine.items())
    ratio = ""
    if "jit" in by_engine:
        ratio = f", jit/interp x{statistics.median(by_engine['jit']) / statistics.median(by_engine['interp']):.2f}"
    print(f"    {name}: {figs} MIPS{ratio}")
PY
