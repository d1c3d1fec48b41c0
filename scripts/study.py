#!/usr/bin/python3
"""Studies of real workloads: which execution model, at what cost?

    scripts/study.py STUDY.toml --out DIR [--jobs N] [--cluster slurm] [--build DIR]
    scripts/study.py report DIR

Runs every workload of STUDY.toml under every model and every point of the
[sweep] grid, one s32sim run each, locally (--jobs in parallel) or as one
Slurm job array (--cluster slurm). Writes DIR/results.csv (one row per run,
failed runs included with their status and message), DIR/runs/ (each run's
statistics JSON, guest output and stderr) and DIR/report.md with its PNGs.
Re-running skips the runs already done; `report DIR` redraws from them.
The study file's format and the model presets are described in README.md
("Studies") and in MODELS below.
"""

import argparse
import concurrent.futures
import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading

try:
    import tomllib
except ImportError:
    sys.exit("study: needs Python 3.11 or later (tomllib): run it as scripts/study.py (/usr/bin/python3 on Debian 12)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# study_slurm and study_report import this file as `study`: one module, one StudyError.
sys.modules.setdefault("study", sys.modules[__name__])

# Model presets: the syntax of a name, the s32sim options it stands for,
# what it means. The async host I/O models join this table as presets of
# `--host-io async`. A study file may add its own under [models]
# (name = [options...]). Every run keeps s32sim's default `--yield wait`.
MODELS = {
    "doorbell": ("doorbell", lambda: ["--trigger", "doorbell"],
                 "the REQ_HEAD write starts the device; YIELD stalls until a completion"),
    "yield": ("yield", lambda: ["--trigger", "yield"],
              "the device serves only at YIELD/HALT (the public interpreter's model)"),
    "hybrid": ("hybrid", lambda: ["--trigger", "hybrid"], "both (s32sim's default)"),
    "poll": ("poll:N", lambda n: ["--trigger", f"poll:{int(n)}"],
             "no doorbell, no YIELD trigger: the device looks at the ring every N cycles"),
    "irq": ("irq:K,T", lambda k, t: ["--irq", "on", "--irq-coalesce", f"{int(k)},{int(t)}"],
            "hybrid, and a stalled YIELD sleeps until the completion line rises (K completions or T cycles)"),
}

# s32sim's exit statuses that are not the guest's own (README, "Running programs").
EXIT_STATUS = {2: "usage", 70: "internal", 124: "max-cycles", 125: "protocol", 126: "load", 132: "illegal",
               134: "assert", 139: "fault"}

STAGES = ["submit_to_doorbell", "doorbell_to_start", "start_to_host_done", "host_done_to_posted",
          "posted_to_consumed"]

# results.csv: the identifying columns, then the grid's keys, then these.
# Each is (column, path into the stats JSON).
STAT_COLUMNS = [
    ("exit_code", ("exit_code",)),
    ("stop_reason", ("stop_reason",)),
    ("instructions", ("instructions",)),
    ("cycles", ("cycles",)),
    ("latency_count", ("latency_cycles", "count")),
    ("latency_median", ("latency_cycles", "median")),
    ("latency_p99", ("latency_cycles", "p99")),
    ("latency_max", ("latency_cycles", "max")),
    ("latency_mean", ("latency_cycles", "mean")),
    *[(f"{s}_median", ("latency_stages", s, "median")) for s in STAGES],
    ("cpu_working", ("cpu_cycles", "working")),
    ("cpu_spinning", ("cpu_cycles", "spinning")),
    ("cpu_waiting", ("cpu_cycles", "waiting")),
    ("yield_wait_cycles", ("yield_wait_cycles",)),
    ("yields", ("yields",)),
    ("yield_timeouts", ("yield_timeouts",)),
    ("irqs", ("irqs",)),
    ("polls", ("polls",)),
    ("empty_polls", ("empty_polls",)),
    ("requests", ("requests", "total")),
    ("doorbells", ("doorbells",)),
    ("requests_per_mcycle", ("throughput", "requests_per_mcycle")),
    ("payload_bytes_per_kcycle", ("throughput", "payload_bytes_per_kcycle")),
    ("backpressure_cycles", ("backpressure_cycles",)),
    ("device_busy_cycles", ("device_busy_cycles",)),
    ("host_seconds", ("host_seconds",)),
]
# Columns computed across the runs of one workload and grid point: what a
# model costs over the cheapest one there.
DERIVED_COLUMNS = ["extra_instructions", "extra_cycles"]


class StudyError(Exception):
    """A mistake in the study file or the command line: one line, no traceback."""


# ---- the study file -----------------------------------------------------------


def model_options(name, custom):
    """The s32sim options of model preset `name` ("poll:500", "irq:4,500", ...)."""
    if name in custom:
        return list(custom[name])
    base, _, params = name.partition(":")
    if base not in MODELS:
        known = ", ".join([syntax for syntax, _, _ in MODELS.values()] + list(custom))
        raise StudyError(f"unknown model '{name}' (known: {known})")
    syntax, options, _ = MODELS[base]
    values = params.split(",") if params else []
    if len(values) != options.__code__.co_argcount or not all(v.isdigit() for v in values):
        raise StudyError(f"model '{name}': write it as {syntax} (whole numbers)")
    return options(*values)


def _strings(value, what):
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return [str(v) for v in value]
    raise StudyError(f"{what} must be a string or a list of strings")


def _subst(text, variables):
    """{name} of the study's variables replaced; any other {word} is an error."""
    def one(m):
        if m.group(1) not in variables:
            raise StudyError(f"unknown variable {{{m.group(1)}}} in '{text}' (known: {', '.join(variables)})")
        return variables[m.group(1)]
    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", one, text)


def _expand(path, base, variables):
    """A path of the study file, variables expanded, relative to `base`."""
    return os.path.normpath(os.path.join(base, _subst(path, variables)))


def slug(text):
    return re.sub(r"[^A-Za-z0-9_.=+-]+", "_", text).strip("_")


def grid_label(point):
    """A grid point as a short label: "latency=console=400+2"."""
    return " ".join(f"{k}={'+'.join(v) if isinstance(v, list) else v}" for k, v in point) or "-"


def load_study(path, out, build, overrides=()):
    """The study file as a list of run specs (plain dicts, JSON-serialisable)."""
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except OSError as e:
        raise StudyError(f"cannot read {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise StudyError(f"{path}: {e}") from None
    base = os.path.dirname(os.path.abspath(path))
    unknown = set(doc) - {"workload", "sweep", "models", "vars"}
    if unknown:
        raise StudyError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))} "
                         "(workload, sweep, models, vars)")
    for table in ("vars", "models", "sweep"):
        if not isinstance(doc.get(table, {}), dict):
            raise StudyError(f"{path}: {table} must be a table ([{table}])")
    raw = {name: str(value) for name, value in doc.get("vars", {}).items()}
    for item in overrides:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise StudyError(f"--var wants NAME=VALUE, got '{item}'")
        raw[name] = value
    variables = {"root": ROOT, "build": build}
    for name, value in raw.items():
        variables[name] = _subst(value, variables)
    workloads = doc.get("workload")
    if not isinstance(workloads, list) or not workloads:
        raise StudyError(f"{path}: no [[workload]]")
    custom = {}
    for name, opts in doc.get("models", {}).items():
        custom[name] = _strings(opts, f"[models] {name}")
    sweep = dict(doc.get("sweep", {}))
    models = _strings(sweep.pop("models", None) or [], "[sweep] models")
    if not models:
        raise StudyError(f"{path}: [sweep] models is empty")
    if len(set(models)) != len(models):
        raise StudyError(f"{path}: a model is listed twice in [sweep] models")
    model_opts = {m: model_options(m, custom) for m in models}
    axes = []
    for key, values in sweep.items():
        if not re.fullmatch(r"[a-z][a-z0-9-]*", key):
            raise StudyError(f"[sweep] {key}: not an s32sim option name")
        if not isinstance(values, list) or not values:
            raise StudyError(f"[sweep] {key} must be a non-empty list of values")
        axes.append((key, [_strings(v, f"[sweep] {key}") if isinstance(v, list) else str(v) for v in values]))
    points = [[]]
    for key, values in axes:
        points = [p + [(key, v)] for p in points for v in values]

    sim = os.path.join(build, "tb", "s32sim", "s32sim")
    specs, names = [], set()
    for i, w in enumerate(workloads):
        where = f"{path}: workload {i + 1}"
        if not isinstance(w, dict) or "name" not in w or "program" not in w:
            raise StudyError(f"{where}: needs name and program")
        bad = set(w) - {"name", "program", "stdin", "args", "cwd", "options", "expect_exit"}
        if bad:
            raise StudyError(f"{where}: unknown key(s) {', '.join(sorted(bad))}")
        name = str(w["name"])
        if not re.fullmatch(r"[A-Za-z0-9_.+-]+", name) or name in names:
            raise StudyError(f"{where}: name '{name}' must be unique and use only letters, digits, _ . + -")
        names.add(name)
        cwd = _expand(str(w.get("cwd", ".")), base, variables)
        # Relative to cwd, where s32sim runs; the program stays as written so
        # the guest's argv[0] is what the study file says.
        program = _subst(str(w["program"]), variables)
        stdin = None
        if "stdin" in w:
            parts = [_expand(p, cwd, variables) for p in _strings(w["stdin"], f"{where}: stdin")]
            stdin = parts[0] if len(parts) == 1 else {"concat": parts, "path": os.path.join(out, "stdin", name)}
        options = [_subst(o, variables) for o in _strings(w.get("options", []), f"{where}: options")]
        args = [_subst(a, variables) for a in _strings(w.get("args", []), f"{where}: args")]
        for model in models:
            for point in points:
                grid = []
                for key, value in point:
                    for v in value if isinstance(value, list) else [value]:
                        grid += [f"--{key}", v]
                # A fixed epoch keeps GETTIME (and what depends on it, like
                # Lua's string hashing) the same in every run of a study.
                epoch = [] if "--epoch" in options else ["--epoch", "1700000000"]
                cmd = [sim, "-q", "--no-progress", *epoch, *model_opts[model], *grid, *options, program, *args]
                key = json.dumps([name, model, point, cmd, stdin, cwd])
                run_id = slug(f"{name}.{model}.{grid_label(point)}")[:80] + "." + \
                    hashlib.sha1(key.encode()).hexdigest()[:8]
                specs.append({"id": run_id, "workload": name, "model": model,
                              "grid": [[k, v] for k, v in point], "cmd": cmd, "cwd": cwd, "stdin": stdin,
                              "sandbox": "--root" not in options, "expect_exit": int(w.get("expect_exit", 0))})
    return {"study": os.path.abspath(path), "axes": [k for k, _ in axes], "models": models, "runs": specs}


# ---- running ------------------------------------------------------------------

_children = set()
_children_lock = threading.Lock()
_stopping = threading.Event()


def prepare_stdin(plan):
    """Writes the concatenated stdin files the plan's workloads read."""
    done = set()
    for spec in plan["runs"]:
        s = spec["stdin"]
        if isinstance(s, dict) and s["path"] not in done:
            os.makedirs(os.path.dirname(s["path"]), exist_ok=True)
            with open(s["path"] + ".tmp", "wb") as out:
                for part in s["concat"]:
                    try:
                        with open(part, "rb") as f:
                            out.write(f.read())
                    except OSError as e:
                        raise StudyError(f"workload {spec['workload']}: cannot read stdin {part}: "
                                         f"{e.strerror}") from None
            os.replace(s["path"] + ".tmp", s["path"])
            done.add(s["path"])


def _dig(stats, path):
    for k in path:
        if not isinstance(stats, dict) or k not in stats:
            return ""
        stats = stats[k]
    return stats


def _last_line(text):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def run_one(spec, out):
    """Runs one spec and writes DIR/runs/ID.row.json; returns the row."""
    runs = os.path.join(out, "runs")
    stem = os.path.join(runs, spec["id"])
    stats_path = stem + ".json"
    for stale in (stats_path, stem + ".row.json"):
        if os.path.exists(stale):
            os.remove(stale)
    stdin = spec["stdin"]["path"] if isinstance(spec["stdin"], dict) else spec["stdin"]
    row = {"run_id": spec["id"], "workload": spec["workload"], "model": spec["model"]}
    row.update({k: "+".join(v) if isinstance(v, list) else v for k, v in spec["grid"]})
    with tempfile.TemporaryDirectory(prefix="s32study-") as sandbox:
        cmd = spec["cmd"][:2] + ["--stats-json", stats_path] + (["--root", sandbox] if spec["sandbox"] else []) + \
            spec["cmd"][2:]
        try:
            with open(stdin, "rb") if stdin else open(os.devnull, "rb") as fin, \
                    open(stem + ".out", "wb") as fout, open(stem + ".err", "w+") as ferr:
                proc = subprocess.Popen(cmd, cwd=spec["cwd"], stdin=fin, stdout=fout, stderr=ferr)
                with _children_lock:
                    _children.add(proc)
                try:
                    code = proc.wait()
                finally:
                    with _children_lock:
                        _children.discard(proc)
                ferr.seek(0)
                err = ferr.read()
        except OSError as e:
            code, err = None, f"cannot run: {e}"
    if _stopping.is_set():
        return None
    stats = {}
    if os.path.exists(stats_path):
        with open(stats_path) as f:
            stats = json.load(f)
    if code is None:
        row["status"], row["message"] = "error", err
    elif code < 0:
        row["status"], row["message"] = "signal", f"killed by {signal.Signals(-code).name}"
    elif code == spec["expect_exit"] and stats.get("stop_reason") != "max-cycles":
        row["status"], row["message"] = "ok", ""
    else:
        row["status"] = EXIT_STATUS.get(code, "exit")
        row["message"] = stats.get("message") or _last_line(err) or f"exit status {code}"
    for col, path in STAT_COLUMNS:
        row[col] = _dig(stats, path)
    with open(stem + ".row.json.tmp", "w") as f:
        json.dump(row, f)
    os.replace(stem + ".row.json.tmp", stem + ".row.json")
    return row


def load_row(out, spec):
    try:
        with open(os.path.join(out, "runs", spec["id"] + ".row.json")) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def _stop(signum, _frame):
    _stopping.set()
    with _children_lock:
        for p in _children:
            p.terminate()
    raise KeyboardInterrupt


def run_local(plan, out, todo, jobs):
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    done = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_one, spec, out) for spec in todo]
        try:
            for fut in concurrent.futures.as_completed(futures):
                row = fut.result()
                if row is None:
                    continue
                done += 1
                print(f"study: [{done}/{len(todo)}] {row['workload']} {row['model']} "
                      f"{grid_label([(k, row[k]) for k in plan['axes']])}: {row['status']}", flush=True)
        except KeyboardInterrupt:
            _stopping.set()
            for f in futures:
                f.cancel()
            with _children_lock:
                for p in _children:
                    p.terminate()
            pool.shutdown(wait=True)
            raise


def write_csv(plan, out):
    """results.csv from the row files of the plan's runs; returns (rows, missing)."""
    rows, missing = [], 0
    for spec in plan["runs"]:
        row = load_row(out, spec)
        if row is None:
            missing += 1
        else:
            rows.append(row)
    cheapest = {}
    for r in rows:
        if r["status"] == "ok":
            key = (r["workload"], tuple(r[k] for k in plan["axes"]))
            best = cheapest.setdefault(key, [r["instructions"], r["cycles"]])
            best[0], best[1] = min(best[0], r["instructions"]), min(best[1], r["cycles"])
    for r in rows:
        best = cheapest.get((r["workload"], tuple(r[k] for k in plan["axes"])))
        ok = r["status"] == "ok" and best
        r["extra_instructions"] = r["instructions"] - best[0] if ok else ""
        r["extra_cycles"] = r["cycles"] - best[1] if ok else ""
    fields = ["workload", "model", *plan["axes"], "status", "message", *[c for c, _ in STAT_COLUMNS],
              *DERIVED_COLUMNS, "run_id"]
    with open(os.path.join(out, "results.csv.tmp"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    os.replace(os.path.join(out, "results.csv.tmp"), os.path.join(out, "results.csv"))
    return rows, missing


def save_plan(plan, out):
    with open(os.path.join(out, "plan.json.tmp"), "w") as f:
        json.dump(plan, f, indent=1)
    os.replace(os.path.join(out, "plan.json.tmp"), os.path.join(out, "plan.json"))


def load_plan(out):
    try:
        with open(os.path.join(out, "plan.json")) as f:
            return json.load(f)
    except FileNotFoundError:
        raise StudyError(f"{out} holds no study (no plan.json): run `study.py STUDY.toml --out {out}` first") \
            from None


# ---- commands -----------------------------------------------------------------


def report_module():
    """study_report, or a clear error before any run is spent without a way to report it."""
    try:
        import study_report
    except ImportError as e:
        raise StudyError(f"the report needs numpy and matplotlib ({e}); on Debian: apt-get install "
                         "python3-numpy python3-matplotlib, and run this script as scripts/study.py "
                         "(/usr/bin/python3)") from None
    return study_report


def report(plan, out):
    rows, missing = write_csv(plan, out)
    report_module().write_report(plan, rows, out)
    return rows, missing


def cmd_run(argv):
    presets = "\n".join(f"  {syntax:<10} {meaning}"
                         for syntax, _, meaning in MODELS.values())
    p = argparse.ArgumentParser(prog="study.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=f"model presets ([sweep] models):\n{presets}\n\n"
                                       "`study.py report DIR` redraws the report of a study already run.")
    p.add_argument("study", help="the study file (TOML)")
    p.add_argument("--out", required=True, help="output folder (re-use it to resume)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel runs (local engine)")
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build tree ({build} in the study)")
    p.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="set a variable of the study file ({NAME}), overriding its [vars] (repeatable)")
    p.add_argument("--cluster", choices=["slurm"], help="run the runs as one Slurm job array")
    p.add_argument("--sbatch", action="append", default=[], metavar="ARG",
                   help="extra sbatch argument, e.g. --sbatch=--partition=short (repeatable)")
    p.add_argument("--chunk", type=int, default=0, help="runs per array task (default: as needed to keep "
                   "the array at most 1000 tasks)")
    a = p.parse_args(argv)
    if a.jobs < 1:
        raise StudyError("--jobs must be at least 1")
    if a.chunk < 0:
        raise StudyError("--chunk must be at least 1")
    build = os.path.abspath(a.build)
    if not os.access(os.path.join(build, "tb", "s32sim", "s32sim"), os.X_OK):
        raise StudyError(f"{build}/tb/s32sim/s32sim is missing: run scripts/build.sh (or give --build DIR)")
    report_module()
    out = os.path.abspath(a.out)
    os.makedirs(os.path.join(out, "runs"), exist_ok=True)
    plan = load_study(a.study, out, build, a.var)
    prepare_stdin(plan)
    save_plan(plan, out)
    todo = [s for s in plan["runs"] if load_row(out, s) is None]
    print(f"study: {len(plan['runs'])} runs, {len(plan['runs']) - len(todo)} done before, {len(todo)} to run",
          flush=True)
    if todo:
        if a.cluster == "slurm":
            import study_slurm
            study_slurm.run(todo, out, a.chunk, a.sbatch)
        else:
            run_local(plan, out, todo, a.jobs)
    rows, missing = report(plan, out)
    failed = sum(r["status"] != "ok" for r in rows)
    print(f"study: {len(rows)} rows ({failed} failed{f', {missing} missing' if missing else ''}) -> "
          f"{out}/results.csv, {out}/report.md")
    return 1 if missing else 0


def cmd_report(argv):
    p = argparse.ArgumentParser(prog="study.py report", description="redraw the report of a study")
    p.add_argument("out", help="the study's output folder")
    out = os.path.abspath(p.parse_args(argv).out)
    plan = load_plan(out)
    rows, missing = report(plan, out)
    print(f"study: {len(rows)} rows{f' ({missing} runs not done yet)' if missing else ''} -> {out}/report.md")
    return 0


def cmd_task(argv):
    """One Slurm array task: runs its chunk of DIR/slurm/tasks.json."""
    out, index = argv[0], int(os.environ["SLURM_ARRAY_TASK_ID"])
    with open(os.path.join(out, "slurm", "tasks.json")) as f:
        tasks = json.load(f)
    for spec in tasks[index]:
        run_one(spec, out)
    return 0


def main(argv):
    commands = {"report": cmd_report, "task": cmd_task}
    try:
        if argv and argv[0] in commands:
            return commands[argv[0]](argv[1:])
        return cmd_run(argv)
    except StudyError as e:
        print(f"study: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("study: interrupted; run the same command again to finish", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
