#!/usr/bin/python3
"""Latency and throughput study: runs s32sim over a grid of execution models
in parallel, gathers each run's --stats-json into one CSV and draws PNG plots.

    scripts/sweep.py [--out DIR] [--jobs N] [--build DIR] [--quick]

Writes DIR/results.csv (one row per run), DIR/json/*.json and
  latency_by_model.png   median and p99 request latency per execution model
  latency_stages.png     where the latency goes, stage by stage, per model
  poll_interval.png      latency against the polling interval
  throughput.png         simulated write throughput against the console's per-byte cost
Simulated results are deterministic, so one run per configuration is enough.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ["submit_to_doorbell", "doorbell_to_start", "start_to_host_done", "host_done_to_posted",
          "posted_to_consumed"]

# (label, s32sim options) of the execution models compared.
MODELS = [
    ("doorbell", ["--trigger", "doorbell"]),
    ("yield", ["--trigger", "yield"]),
    ("hybrid", ["--trigger", "hybrid"]),
    ("hybrid+spin:50", ["--trigger", "hybrid", "--yield", "spin:50"]),
    ("poll:1000", ["--trigger", "poll:1000"]),
    ("irq", ["--irq", "on"]),
    ("irq K=4,T=500", ["--irq", "on", "--irq-coalesce", "4,500"]),
]
POLL_INTERVALS = [50, 100, 200, 500, 1000, 2000, 5000, 10000]
CONSOLE_PER_BYTE = [0, 1, 2, 4, 8]


def runs(quick):
    """Every run of the study: (group, label, program, args, options)."""
    count = "20" if quick else "200"
    latency = ("latency.s32x", [count])
    between = ("compute_between.s32x", ["10" if quick else "100", "200"])
    writes = ("throughput.s32x", ["4" if quick else "50"])
    for label, opts in MODELS:
        yield ("model", label, *latency, opts)
        yield ("between", label, *between, opts)
    for n in POLL_INTERVALS[:3] if quick else POLL_INTERVALS:
        yield ("poll", str(n), *latency, ["--trigger", f"poll:{n}"])
    for b in CONSOLE_PER_BYTE[:2] if quick else CONSOLE_PER_BYTE:
        for label, opts in MODELS[:3]:
            yield ("throughput", f"{label} b={b}", *writes, opts + ["--latency", f"console=400+{b}"])


def run_one(spec, json_dir, build):
    group, label, program, args, opts = spec
    name = f"{group}-{label}".replace(" ", "_").replace(",", "_").replace("=", "").replace(":", "").replace("+", "_")
    path = os.path.join(json_dir, name + ".json")
    with tempfile.TemporaryDirectory() as sandbox:
        cmd = [os.path.join(build, "tb", "s32sim", "s32sim"), "-q", "--root", sandbox, "--stats-json", path, *opts,
               os.path.join(build, "sw", "bench", program), *args]
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    with open(path) as f:
        stats = json.load(f)
    row = {"group": group, "label": label, "program": program, "args": " ".join(args), "options": " ".join(opts),
           "instructions": stats["instructions"], "cycles": stats["cycles"],
           "requests": stats["requests"]["total"], "yield_wait_cycles": stats["yield_wait_cycles"],
           "irqs": stats["irqs"], "backpressure_cycles": stats["backpressure_cycles"],
           "host_seconds": stats["host_seconds"]}
    for key in ("median", "p99", "max", "mean"):
        row[f"latency_{key}"] = stats["latency_cycles"][key]
    for stage in STAGES:
        row[f"{stage}_median"] = stats["latency_stages"][stage]["median"]
    # sw/bench/throughput writes COUNT chunks of 32 KiB.
    row["bytes_per_kcycle"] = round(int(args[0]) * 32768 / stats["cycles"] * 1000, 3) if group == "throughput" else ""
    return row


def plot(rows, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    model = [r for r in rows if r["group"] == "model"]
    labels = [r["label"] for r in model]
    x = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.bar(x - 0.2, [r["latency_median"] for r in model], 0.4, label="median")
    ax.bar(x + 0.2, [r["latency_p99"] for r in model], 0.4, label="p99")
    ax.set_xticks(x, labels, rotation=20, ha="right")
    ax.set_ylabel("cycles, doorbell to response consumed")
    ax.set_title("Request latency by execution model (sw/bench/latency: 1-byte writes)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "latency_by_model.png"), dpi=110)
    plt.close(fig)

    between = [r for r in rows if r["group"] == "between"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bottom = np.zeros(len(between))
    for stage in STAGES[1:]:
        vals = np.array([float(r[f"{stage}_median"]) for r in between])
        ax.bar([r["label"] for r in between], vals, bottom=bottom, label=stage.replace("_", " "))
        bottom += vals
    ax.set_ylabel("median cycles")
    ax.set_title("Where the latency goes (guest computes between submit and wait)")
    ax.tick_params(axis="x", rotation=20)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "latency_stages.png"), dpi=110)
    plt.close(fig)

    poll = sorted((r for r in rows if r["group"] == "poll"), key=lambda r: int(r["label"]))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot([int(r["label"]) for r in poll], [r["latency_median"] for r in poll], "o-", label="median")
    ax.plot([int(r["label"]) for r in poll], [r["latency_p99"] for r in poll], "s--", label="p99")
    ax.set_xscale("log")
    ax.set_xlabel("poll interval N (cycles)")
    ax.set_ylabel("latency (cycles)")
    ax.set_title("Polling: latency grows with the interval")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "poll_interval.png"), dpi=110)
    plt.close(fig)

    tput = [r for r in rows if r["group"] == "throughput"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, _ in MODELS[:3]:
        pts = sorted((int(r["label"].split("b=")[1]), r["bytes_per_kcycle"]) for r in tput
                     if r["label"].startswith(label + " "))
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=label)
    ax.set_xlabel("console cost per byte (cycles)")
    ax.set_ylabel("bytes written per 1000 cycles")
    ax.set_title("Throughput of 32 KiB writes")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "throughput.png"), dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "sweep"), help="output directory")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel runs")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build tree to use")
    parser.add_argument("--quick", action="store_true", help="a small grid with small programs (for tests)")
    opts = parser.parse_args()
    sim = os.path.join(opts.build, "tb", "s32sim", "s32sim")
    if not os.path.exists(sim):
        sys.exit(f"sweep: {sim} is missing; run scripts/build.sh first")
    json_dir = os.path.join(opts.out, "json")
    os.makedirs(json_dir, exist_ok=True)
    specs = list(runs(opts.quick))
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        rows = list(pool.map(lambda s: run_one(s, json_dir, opts.build), specs))
    with open(os.path.join(opts.out, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    plot(rows, opts.out)
    print(f"{len(rows)} runs -> {opts.out}/results.csv and 4 plots")
    for r in rows:
        if r["group"] == "model":
            print(f"  {r['label']:<16} latency median {r['latency_median']:>7} p99 {r['latency_p99']:>7} cycles")


if __name__ == "__main__":
    main()
