#!/usr/bin/python3
"""Checks an s32sim --trace-events timeline against the same run's
--requests-csv and --stats-json: valid JSON in the Chrome trace-event
format, one slice per stage of every request at the cycles the CSV gives,
one device and one host slice per served request, CPU spans adding up to
the statistics, a flow doorbell -> service -> consumption per consumed
request, and no partly overlapping slices on a track.

usage: check_trace_events.py EVENTS.json REQUESTS.csv STATS.json PERIOD_PS
"""
import collections
import csv
import json
import sys

STAGES = ["submit", "queued", "host", "post", "response"]


def ps(micros):
    return round(micros * 1e6)


def main():
    events_path, csv_path, stats_path, period = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(events_path) as f:
        events = json.load(f)["traceEvents"]
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    with open(stats_path) as f:
        stats = json.load(f)
    errors = []

    slices = [e for e in events if e["ph"] == "X"]
    by_cat = collections.defaultdict(list)
    for e in slices:
        by_cat[e["cat"]].append(e)
    stage_slices = {(e["args"]["seq"], e["args"]["stage"]): e for e in by_cat["stage"]}
    if len(stage_slices) != len(by_cat["stage"]):
        errors.append("two slices for one request stage")

    expected_stages = 0
    for row in rows:
        seq = int(row["seq"])
        marks = [int(row["submit"]), int(row["doorbell"])]
        for key in ("start", "host_done", "posted", "consumed"):
            if row[key] == "":
                break
            marks.append(int(row[key]))
        for k in range(len(marks) - 1):
            expected_stages += 1
            e = stage_slices.get((seq, STAGES[k]))
            want = f"{row['name']} #{seq} {STAGES[k]}"
            if e is None:
                errors.append(f"no slice {want}")
                continue
            if e["name"] != want or ps(e["ts"]) != marks[k] * period or ps(e["dur"]) != (marks[k + 1] - marks[k]) * period:
                errors.append(f"slice {e} is not {want} over cycles {marks[k]}..{marks[k + 1]}")
    if expected_stages != len(by_cat["stage"]):
        errors.append(f"{len(by_cat['stage'])} stage slices, the CSV has {expected_stages} stages")
    served = [r for r in rows if r["start"] != ""]
    for cat in ("device", "host"):
        if len(by_cat[cat]) != len(served):
            errors.append(f"{len(by_cat[cat])} {cat} slices for {len(served)} served requests")

    cpu = collections.Counter()
    for e in by_cat["cpu"]:
        cpu[e["name"]] += ps(e["dur"])
    want_cpu = stats["cpu_cycles"]
    got = {"working": cpu["working"], "spinning": cpu["spinning"], "waiting": cpu["yield_wait"] + cpu["halt_wait"]}
    for key, value in got.items():
        if value != want_cpu[key] * period:
            errors.append(f"CPU {key}: {value} ps in slices, statistics say {want_cpu[key]} cycles")

    flows = collections.defaultdict(list)
    for e in events:
        if e["ph"] in "stf":
            flows[e["id"]].append(e["ph"])
    consumed = [int(r["seq"]) for r in rows if r["consumed"] != ""]
    for seq in consumed:
        if flows.get(seq) != ["s", "t", "f"]:
            errors.append(f"request {seq}: flow phases {flows.get(seq)}")
    if len(flows) != len(consumed):
        errors.append(f"{len(flows)} flows for {len(consumed)} consumed requests")

    tracks = collections.defaultdict(list)
    for e in slices:
        tracks[e["tid"]].append((ps(e["ts"]), ps(e["ts"]) + ps(e["dur"])))
    for tid, spans in tracks.items():
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            if b0 < a1 and b1 > a1:
                errors.append(f"track {tid}: [{a0}, {a1}) and [{b0}, {b1}) overlap")

    for e in errors[:20]:
        print("check_trace_events:", e, file=sys.stderr)
    if not rows:
        print("check_trace_events: no requests in the run", file=sys.stderr)
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
