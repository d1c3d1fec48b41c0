#!/usr/bin/python3
"""Tests of scripts/study.py, one ctest case per function (study_test.py NAME BUILD_DIR WORK_DIR).

The study: two workloads (sw/bench/latency, and sw/bench/compute stopped by
--max-cycles on purpose), three models, two console latencies: 12 runs."""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDY = os.path.join(ROOT, "scripts", "study.py")
SLURM = os.path.join(ROOT, "scripts", "cluster", "slurm-local.sh")

STUDY_TOML = """
[[workload]]
name = "latency"
program = "{build}/sw/bench/latency.s32x"
args = ["COUNT"]

[[workload]]
name = "stopped"
program = "{build}/sw/bench/compute.s32x"
options = ["--max-cycles", "5000"]

[sweep]
models = ["doorbell", "yield", "irq:2,300"]
latency = ["console=400+2", "console=4000+2"]
"""
MODELS, LATENCIES = ["doorbell", "yield", "irq:2,300"], ["console=400+2", "console=4000+2"]
# What may differ between two engines running the same study: wall time.
HOST_COLUMNS = {"host_seconds"}


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def write_study(work, count):
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "study.toml")
    with open(path, "w") as f:
        f.write(STUDY_TOML.replace("COUNT", str(count)))
    return path


def study(build, *args, **kw):
    return subprocess.run([STUDY, *args, "--build", build], capture_output=True, text=True, timeout=240, **kw)


def read_csv(out):
    with open(os.path.join(out, "results.csv")) as f:
        return list(csv.DictReader(f))


def check_complete(out):
    rows = read_csv(out)
    got = sorted((r["workload"], r["model"], r["latency"]) for r in rows)
    want = sorted((w, m, lat) for w in ("latency", "stopped") for m in MODELS for lat in LATENCIES)
    check(got == want, f"rows {got} != {want}")
    for r in rows:
        if r["workload"] == "stopped":
            check(r["status"] == "max-cycles" and r["message"], f"the stopped run is marked: {r}")
        else:
            check(r["status"] == "ok" and int(r["requests"]) > 0 and int(r["latency_median"]) > 0, f"ok run: {r}")
    return rows


def test_end_to_end(build, work):
    out = os.path.join(work, "out")
    done = study(build, write_study(work, 20), "--out", out, "--jobs", "2")
    check(done.returncode == 0, f"study exited {done.returncode}: {done.stderr}")
    rows = check_complete(out)
    by = {(r["model"], r["latency"]): r for r in rows if r["workload"] == "latency"}
    # The model and the grid reach the runs: a slower console is slower, and
    # only the irq model raises interrupts.
    for m in MODELS:
        check(int(by[(m, LATENCIES[1])]["latency_median"]) > int(by[(m, LATENCIES[0])]["latency_median"]),
              f"{m}: console latency moves the round trip")
    check(int(by[("irq:2,300", LATENCIES[0])]["irqs"]) > 0 and int(by[("doorbell", LATENCIES[0])]["irqs"]) == 0,
          "irqs only under the irq model")
    for name in ["report.md", "summary.png", "summary-pareto.png", "pareto.png", "stages.png", "w-latency.png"]:
        path = os.path.join(out, name)
        check(os.path.getsize(path) > 1000 if name.endswith(".png") else os.path.exists(path), f"{name} written")
    report = open(os.path.join(out, "report.md")).read()
    check("max-cycles" in report and "| rank |" in report, "the report lists the failure and ranks")
    # `report DIR` redraws from the results alone.
    os.remove(os.path.join(out, "pareto.png"))
    again = subprocess.run([STUDY, "report", out], capture_output=True, text=True, timeout=120)
    check(again.returncode == 0 and os.path.exists(os.path.join(out, "pareto.png")), f"report: {again.stderr}")


def test_resume(build, work):
    out = os.path.join(work, "out")
    study_file = write_study(work, 3000)
    runs = os.path.join(out, "runs")
    proc = subprocess.Popen([STUDY, study_file, "--out", out, "--jobs", "1", "--build", build],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if os.path.isdir(runs) and sum(n.endswith(".row.json") for n in os.listdir(runs)) >= 3:
            break
        time.sleep(0.02)
    check(proc.poll() is None, "the study was still running when interrupted (make its runs longer)")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    check(proc.returncode == 130 and "interrupted" in err, f"interrupted: exit {proc.returncode}, {err}")
    before = {n: os.stat(os.path.join(runs, n)).st_mtime_ns for n in os.listdir(runs) if n.endswith(".row.json")}
    check(3 <= len(before) < 12, f"{len(before)} runs finished before the interrupt")
    done = study(build, study_file, "--out", out, "--jobs", "2")
    check(done.returncode == 0, f"re-run exited {done.returncode}: {done.stderr}")
    check(f"{len(before)} done before, {12 - len(before)} to run" in done.stdout, done.stdout)
    check_complete(out)
    for n, mtime in before.items():
        check(os.stat(os.path.join(runs, n)).st_mtime_ns == mtime, f"{n} was run again")
    third = study(build, study_file, "--out", out)
    check("12 done before, 0 to run" in third.stdout, third.stdout)


def test_bad_input(build, work):
    bad = os.path.join(work, "bad.toml")
    os.makedirs(work, exist_ok=True)
    with open(bad, "w") as f:
        f.write('[[workload]]\nname = "x"\nprogram = "p"\n[sweep]\nmodels = ["poll:fast"]\n')
    done = study(build, bad, "--out", os.path.join(work, "o"))
    check(done.returncode == 2 and done.stderr.startswith("study: model 'poll:fast': write it as poll:N") and
          "Traceback" not in done.stderr, done.stderr)
    done = study(build, write_study(work, 5), "--out", os.path.join(work, "o"), "--jobs", "0")
    check(done.returncode == 2 and "--jobs must be at least 1" in done.stderr, done.stderr)


def free_port_pair():
    """A port P on 127.0.0.1 with P and P+1 free now (slurmctld and slurmd), so two suites can run at once."""
    for _ in range(50):
        with socket.socket() as a, socket.socket() as b:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            try:
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise Failure("no two free consecutive ports on 127.0.0.1")


def test_cluster(build, work):
    study_file = write_study(work, 20)
    local, cluster = os.path.join(work, "local"), os.path.join(work, "cluster")
    if os.geteuid() != 0 and not shutil.which("slurmctld"):
        print("skip: Slurm is not installed and installing it needs root")
        sys.exit(77)
    # A short path: munge's socket lives there, and socket paths are short.
    env = dict(os.environ, S32_SLURM_DIR=tempfile.mkdtemp(prefix="s32slurm-"), S32_SLURM_PORT=str(free_port_pair()))
    up = subprocess.run([SLURM, "start"], capture_output=True, text=True, timeout=120, env=env)
    try:
        check(up.returncode == 0, f"slurm-local.sh start: {up.stderr}")
        env["SLURM_CONF"] = up.stdout.strip().split("=", 1)[1]
        # Two array tasks of six runs: chunks are exercised, and a one-node
        # Slurm starts the next wave of tasks only every few seconds.
        done = study(build, study_file, "--out", cluster, "--cluster", "slurm", "--chunk", "6", env=env)
        check(done.returncode == 0, f"cluster study exited {done.returncode}: {done.stdout} {done.stderr}")
        check("2 array tasks of up to 6 run(s)" in done.stdout, done.stdout)
    finally:
        down = subprocess.run([SLURM, "stop"], capture_output=True, text=True, timeout=60, env=env)
    check(down.returncode == 0 and not os.path.exists(env["S32_SLURM_DIR"]), f"stop: {down.stderr}")
    left = subprocess.run(["pgrep", "-a", "-f", env["S32_SLURM_DIR"]], capture_output=True, text=True)
    check(left.returncode == 1, f"daemons left behind: {left.stdout}")
    done = study(build, study_file, "--out", local, "--jobs", "2")
    check(done.returncode == 0, f"local study: {done.stderr}")
    strip = lambda rows: sorted(({k: v for k, v in r.items() if k not in HOST_COLUMNS} for r in rows),  # noqa: E731
                                key=lambda r: r["run_id"])
    check(strip(read_csv(cluster)) == strip(read_csv(local)), "the cluster's results equal the local run's")
    check_complete(cluster)


def main():
    name, build, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    try:
        globals()[f"test_{name}"](os.path.abspath(build), os.path.abspath(work))
    except Failure as e:
        print(f"FAIL {name}: {e}")
        return 1
    print(f"ok {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
