"""The Slurm engine of scripts/study.py: the runs still to do become one job
array (`sbatch --array`), each task runs its chunk with `study.py task DIR`
and writes its row files into DIR/runs, which must therefore be on a
filesystem the compute nodes share with this machine (as must the build tree
and the workloads). We wait for the array to leave the queue and gather
what the tasks wrote; a run whose task died is left to the next invocation.

Where it goes is sbatch's business: its own environment variables
(SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...) and any
`--sbatch=ARG` given to study.py apply."""

import json
import os
import shutil
import subprocess
import sys
import time

from study import StudyError, load_row

MAX_ARRAY = 1000  # Slurm's default MaxArraySize is 1001: stay under it


def _slurm(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise StudyError(f"{' '.join(cmd[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def run(todo, out, chunk, extra):
    if not shutil.which("sbatch"):
        raise StudyError("--cluster slurm: sbatch is not on PATH (scripts/cluster/slurm-local.sh start "
                         "brings up a local one)")
    chunk = chunk or -(-len(todo) // MAX_ARRAY)
    tasks = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
    folder = os.path.join(out, "slurm")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tasks.json"), "w") as f:
        json.dump(tasks, f)
    script = os.path.join(folder, "task.sh")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\nexec {sys.executable} {os.path.join(os.path.dirname(os.path.abspath(__file__)), 'study.py')} task {out}\n")
    os.chmod(script, 0o755)
    cmd = ["sbatch", "--parsable", f"--array=0-{len(tasks) - 1}", "--job-name=s32study", "--ntasks=1",
           "--cpus-per-task=1", f"--output={folder}/task-%a.log", f"--chdir={out}", *extra, script]
    job = _slurm(cmd).strip().split(";")[0]
    print(f"study: Slurm job {job}: {len(tasks)} array tasks of up to {chunk} run(s)", flush=True)
    try:
        while _slurm(["squeue", "-h", "-j", job, "-o", "%i"]).strip():
            time.sleep(1)
    except KeyboardInterrupt:
        subprocess.run(["scancel", job], check=False)
        raise
    lost = [i for i, t in enumerate(tasks) if any(load_row(out, s) is None for s in t)]
    if lost:
        log = os.path.join(folder, f"task-{lost[0]}.log")
        tail = open(log).read().strip().splitlines()[-3:] if os.path.exists(log) else ["(no log)"]
        print(f"study: {len(lost)} array task(s) did not finish their runs; task {lost[0]}'s log {log}:\n  " +
              "\n  ".join(tail), file=sys.stderr)
