"""The report of scripts/study.py: DIR/report.md and the PNGs it links.

Latency is compared within one workload and grid point as a ratio to the
fastest model there, cost as total cycles over the cheapest; summaries are
geometric means of those ratios, so every workload weighs the same."""

import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402

from study import STAGES, grid_label  # noqa: E402

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--", "++", "oo"]
CPU_SPLIT = [("cpu_working", "working", "#4c72b0"), ("cpu_spinning", "spinning", "#dd8452"),
             ("cpu_waiting", "waiting", "#937860")]


def _geomean(values):
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


class Results:
    """The ok rows of a study, grouped by workload and grid point."""

    def __init__(self, plan, rows):
        self.models = plan["models"]
        self.axes = plan["axes"]
        self.rows = rows
        self.ok = [r for r in rows if r["status"] == "ok"]
        self.workloads = list(dict.fromkeys(s["workload"] for s in plan["runs"]))
        self.points = list(dict.fromkeys(grid_label([(k, v) for k, v in s["grid"]]) for s in plan["runs"]))
        self.cell = {}  # (workload, point) -> {model: row}
        for r in self.ok:
            self.cell.setdefault((r["workload"], self.point(r)), {})[r["model"]] = r

    def point(self, row):
        return grid_label([(k, row[k]) for k in self.axes])

    def with_requests(self, workload):
        return any(r["latency_count"] for (w, _), c in self.cell.items() if w == workload for r in c.values())

    def ratios(self, model):
        """(median ratio, p99 ratio, cycles ratio) per cell where `model` ran ok."""
        out = []
        for (w, _), c in self.cell.items():
            if model not in c:
                continue
            r = c[model]
            cyc = r["cycles"] / min(x["cycles"] for x in c.values())
            if r["latency_count"]:
                med = r["latency_median"] / max(1, min(x["latency_median"] for x in c.values()))
                p99 = r["latency_p99"] / max(1, min(x["latency_p99"] for x in c.values()))
            else:
                med = p99 = float("nan")
            out.append((med, p99, cyc))
        return out

    def pareto(self, cell):
        """The models of a cell that no other model beats on both latency and cycles."""
        front = []
        for m, r in cell.items():
            beaten = any(o["latency_median"] <= r["latency_median"] and o["cycles"] <= r["cycles"] and
                         (o["latency_median"] < r["latency_median"] or o["cycles"] < r["cycles"])
                         for n, o in cell.items() if n != m)
            if not beaten:
                front.append(m)
        return front


def _style(i):
    return {"marker": MARKERS[i % len(MARKERS)], "color": plt.cm.tab10(i % 10)}


def _save(fig, out, name):
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=90)
    plt.close(fig)
    return name


def plot_workload(res, workload, out):
    """Latency (median, p99), total cycles and the CPU's time split per model, one row per grid point."""
    points = [p for p in res.points if (workload, p) in res.cell]
    if not points:
        return None
    fig, axes = plt.subplots(len(points), 3, figsize=(13, 3.4 * len(points)), squeeze=False)
    for row_axes, point in zip(axes, points):
        c = res.cell[(workload, point)]
        models = [m for m in res.models if m in c]
        x = np.arange(len(models))
        lat, cyc, split = row_axes
        if any(c[m]["latency_count"] for m in models):
            lat.bar(x - 0.2, [c[m]["latency_median"] for m in models], 0.4, label="median", color="#4c72b0")
            lat.bar(x + 0.2, [c[m]["latency_p99"] for m in models], 0.4, label="p99", color="#c44e52", hatch="//",
                    edgecolor="white")
            lat.set_yscale("log")
            lat.legend(fontsize=8)
        else:
            lat.text(0.5, 0.5, "no ring requests", ha="center", va="center", transform=lat.transAxes)
        lat.set_ylabel("latency (cycles)")
        lat.set_title(f"latency, {point}", fontsize=9)
        best = min(c[m]["cycles"] for m in models)
        cyc.bar(x, [100.0 * (c[m]["cycles"] / best - 1) for m in models], 0.6, color="#55a868")
        cyc.set_ylabel(f"cycles over the cheapest, % (= {best:,})")
        cyc.set_title("cost: total cycles", fontsize=9)
        bottom = np.zeros(len(models))
        for (col, label, color), hatch in zip(CPU_SPLIT, HATCHES):
            vals = np.array([100.0 * c[m][col] / c[m]["cycles"] for m in models])
            split.bar(x, vals, 0.6, bottom=bottom, label=label, color=color, hatch=hatch, edgecolor="white")
            bottom += vals
        split.set_ylim(0, 100)
        split.set_ylabel("% of the CPU's cycles")
        split.set_title("CPU time split", fontsize=9)
        split.legend(fontsize=7, loc="lower right")
        for ax in row_axes:
            ax.set_xticks(x, models, rotation=25, ha="right", fontsize=8)
    fig.suptitle(workload)
    return _save(fig, out, f"w-{workload}.png")


def _ratio_ticks(axis):
    """Labels a log axis of ratios as 1x, 1.2x, 2x, ... (log scale's default shows only powers of ten)."""
    axis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 1.2, 1.5, 2.0, 3.0, 5.0)))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}x"))
    axis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def _grid(n):
    cols = min(4, n)
    return -(-n // cols), cols


def plot_pareto(res, out):
    """Per workload: median latency against total cycles, one marker per model, the front dashed."""
    workloads = [w for w in res.workloads if res.with_requests(w)]
    if not workloads:
        return None
    nrows, ncols = _grid(len(workloads))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows), squeeze=False)
    fills = ["full", "none", "left", "bottom"]
    for ax, w in zip(axes.flat, workloads):
        for pi, point in enumerate(res.points):
            c = res.cell.get((w, point), {})
            if not c:
                continue
            best = min(r["cycles"] for r in c.values())
            for mi, m in enumerate(res.models):
                if m in c:
                    ax.plot(c[m]["latency_median"], c[m]["cycles"] / best, linestyle="none",
                            markersize=8, fillstyle=fills[pi % len(fills)], **_style(mi))
            front = sorted((c[m]["latency_median"], c[m]["cycles"] / best) for m in res.pareto(c))
            ax.plot(*zip(*front), "k--", linewidth=0.8, alpha=0.6)
        ax.set_xscale("log")
        ax.set_yscale("log")
        _ratio_ticks(ax.yaxis)
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(w, fontsize=9)
        ax.set_xlabel("median latency (cycles)", fontsize=8)
        ax.set_ylabel("cycles, x the cheapest", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(workloads):]:
        ax.axis("off")
    handles = [plt.Line2D([], [], linestyle="none", markersize=8, **_style(i), label=m)
               for i, m in enumerate(res.models)]
    handles += [plt.Line2D([], [], linestyle="none", marker="o", color="grey", fillstyle=fills[i % len(fills)],
                           label=p) for i, p in enumerate(res.points) if len(res.points) > 1]
    fig.legend(handles=handles, loc="lower center", ncol=min(6, len(handles)), fontsize=8,
               bbox_to_anchor=(0.5, 0))
    fig.tight_layout(rect=(0, 0.04 + 0.025 * (len(handles) // 6), 1, 1))
    fig.savefig(os.path.join(out, "pareto.png"), dpi=80)
    plt.close(fig)
    return "pareto.png"


def plot_stages(res, out):
    """Per workload (first grid point): the median of each stage of a request, per model."""
    workloads = [w for w in res.workloads if res.with_requests(w)]
    if not workloads:
        return None
    point = res.points[0]
    nrows, ncols = _grid(len(workloads))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, 0.35 * len(res.models) * nrows + 1.6 * nrows),
                             squeeze=False)
    for ax, w in zip(axes.flat, workloads):
        c = res.cell.get((w, point), {})
        models = [m for m in res.models if m in c]
        left = np.zeros(len(models))
        for i, stage in enumerate(STAGES):
            vals = np.array([float(c[m][f"{stage}_median"] or 0) for m in models])
            ax.barh(models, vals, left=left, color=plt.cm.Set2(i), hatch=HATCHES[i % len(HATCHES)],
                    edgecolor="white", label=stage.replace("_", " "))
            left += vals
        ax.invert_yaxis()
        ax.set_title(w, fontsize=9)
        ax.set_xlabel("median cycles per stage", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(workloads):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8)
    fig.suptitle(f"Where the latency goes ({point})", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    fig.savefig(os.path.join(out, "stages.png"), dpi=80)
    plt.close(fig)
    return "stages.png"


def ranking(res):
    """Per model: Pareto wins, geometric-mean ratios and cost shares, best first."""
    table = []
    cells = [c for c in res.cell.values() if any(r["latency_count"] for r in c.values())]
    for m in res.models:
        rat = res.ratios(m)
        rows = [c[m] for c in res.cell.values() if m in c]
        entry = {
            "model": m,
            "front": sum(m in res.pareto(c) for c in cells if m in c),
            "cells": sum(m in c for c in cells),
            "median": _geomean([r[0] for r in rat if not math.isnan(r[0])]),
            "p99": _geomean([r[1] for r in rat if not math.isnan(r[1])]),
            "cycles": _geomean([r[2] for r in rat]),
            "waiting": 100.0 * sum(r["cpu_waiting"] for r in rows) / max(1, sum(r["cycles"] for r in rows)),
            "spinning": 100.0 * sum(r["cpu_spinning"] for r in rows) / max(1, sum(r["cycles"] for r in rows)),
            "irqs": sum(r["irqs"] for r in rows),
            "empty_polls": sum(r["empty_polls"] for r in rows),
            "failed": sum(r["model"] == m and r["status"] != "ok" for r in res.rows),
        }
        table.append(entry)
    table.sort(key=lambda e: (-e["front"], (e["median"] * e["cycles"]) if not math.isnan(e["median"]) else 1e300))
    return table


def ranking_markdown(table):
    lines = ["| rank | model | Pareto-optimal | latency median (x fastest) | p99 (x fastest) | "
             "cycles (over cheapest) | CPU waiting | CPU spinning | irqs | empty polls | failed runs |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, e in enumerate(table, 1):
        lines.append(f"| {i} | {e['model']} | {e['front']} of {e['cells']} | {e['median']:.2f} | {e['p99']:.2f} | "
                     f"+{100 * (e['cycles'] - 1):.2f}% | {e['waiting']:.1f}% | {e['spinning']:.1f}% | "
                     f"{e['irqs']:,} | {e['empty_polls']:,} | {e['failed']} |")
    return "\n".join(lines)


def plot_summary(res, table, out):
    """Across workloads: latency ratios and cost per model side by side, and the overall trade-off."""
    models = [e["model"] for e in table]
    x = np.arange(len(models))
    fig, (lat, cost) = plt.subplots(1, 2, figsize=(11, 4))
    lat.bar(x - 0.2, [e["median"] for e in table], 0.4, label="median", color="#4c72b0")
    lat.bar(x + 0.2, [e["p99"] for e in table], 0.4, label="p99", color="#c44e52", hatch="//", edgecolor="white")
    lat.axhline(1, color="k", linewidth=0.6)
    lat.set_yscale("log")
    _ratio_ticks(lat.yaxis)
    lat.set_ylabel("latency, x the fastest model (geomean)")
    lat.set_title("Latency per model, over all workloads", fontsize=10)
    lat.legend(fontsize=8)
    cost.bar(x, [e["cycles"] for e in table], 0.6, color="#55a868")
    for xi, e in zip(x, table):
        cost.annotate(f"+{100 * (e['cycles'] - 1):.1f}%", (xi, e["cycles"]), ha="center", va="bottom", fontsize=7)
    cost.axhline(1, color="k", linewidth=0.6)
    cost.set_yscale("log")
    _ratio_ticks(cost.yaxis)
    cost.set_ylabel("total cycles, x the cheapest model (geomean)")
    cost.set_title("Cost per model, over all workloads", fontsize=10)
    for ax in (lat, cost):
        ax.set_xticks(x, models, rotation=25, ha="right", fontsize=8)
    summary = _save(fig, out, "summary.png")

    # Models that land on the same point (they behave identically on these
    # workloads) share one marker and one label.
    points = {}
    for i, m in enumerate(res.models):
        e = next(e for e in table if e["model"] == m)
        if not math.isnan(e["median"]):
            points.setdefault((round(e["median"], 4), round(e["cycles"], 4)), []).append((i, m))
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for (lat_ratio, cyc_ratio), group in sorted(points.items()):
        ax.plot(lat_ratio, cyc_ratio, linestyle="none", markersize=10, label=" = ".join(m for _, m in group),
                **_style(group[0][0]))
    ax.set_xscale("log")
    ax.set_yscale("log")
    _ratio_ticks(ax.xaxis)
    _ratio_ticks(ax.yaxis)
    ax.set_xlabel("median latency, x the fastest model (geomean over workloads)")
    ax.set_ylabel("total cycles, x the cheapest model (geomean)")
    ax.set_title("Latency against cost: down and left is better", fontsize=10)
    ax.legend(fontsize=7)
    return summary, _save(fig, out, "summary-pareto.png")


def _cell_table(res, workload):
    lines = ["| model | grid | latency median | p99 | cycles | over cheapest | working | spinning | waiting | "
             "instructions (+extra) | requests | irqs | empty polls |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for point in res.points:
        c = res.cell.get((workload, point), {})
        if not c:
            continue
        best = min(r["cycles"] for r in c.values())
        front = res.pareto(c)
        for m in res.models:
            if m not in c:
                continue
            r = c[m]
            pct = lambda col: f"{100.0 * r[col] / r['cycles']:.1f}%"  # noqa: E731
            star = " *" if m in front and r["latency_count"] else ""
            lines.append(f"| {m}{star} | {point} | {r['latency_median']:,} | {r['latency_p99']:,} | {r['cycles']:,} | "
                         f"+{100.0 * (r['cycles'] / best - 1):.2f}% | {pct('cpu_working')} | {pct('cpu_spinning')} | "
                         f"{pct('cpu_waiting')} | {r['instructions']:,} (+{r['extra_instructions']:,}) | "
                         f"{r['requests']:,} | {r['irqs']:,} | {r['empty_polls']:,} |")
    return "\n".join(lines)


def write_report(plan, rows, out):
    """Writes DIR/report.md and its pictures from the rows of results.csv."""
    res = Results(plan, rows)
    failed = [r for r in rows if r["status"] != "ok"]
    md = [f"# Study: {os.path.basename(plan['study'])}", "",
          f"{len(plan['runs'])} runs ({len(rows)} done, {len(failed)} failed): {len(res.workloads)} workloads x "
          f"{len(res.models)} models x {len(res.points)} grid point(s) ({', '.join(res.points)}).", "",
          "Latency is a request's round trip, doorbell to the guest consuming its response, in cycles. Cost is the "
          "run's total cycles; the CPU's cycles split into working (executing, memory), spinning (YIELD costs "
          "charged as spin) and waiting (stalled in YIELD or HALT for the device).", ""]
    table = ranking(res) if res.ok else []
    if table:
        summary, scatter = plot_summary(res, table, out)
        md += ["## Ranking", "",
               "Ranked by how often the model is Pareto-optimal (no other model has both a lower median latency "
               "and fewer cycles on that workload and grid point), then by the product of its latency and cost "
               "ratios. Ratios are geometric means over the workloads and grid points with ring requests.", "",
               ranking_markdown(table), "", f"![latency and cost per model]({summary})", "",
               f"![latency against cost]({scatter})", ""]
    if failed:
        md += ["## Failed runs", "", "| workload | model | grid | status | message |", "|---|---|---|---|---|"]
        md += [f"| {r['workload']} | {r['model']} | {res.point(r)} | {r['status']} | "
               f"{str(r['message']).replace('|', '/')} |" for r in failed]
        md.append("")
    pareto, stages = plot_pareto(res, out), plot_stages(res, out)
    if pareto:
        md += ["## Latency against cost, per workload", "",
               "One marker per model (the fill tells the grid points apart); the dashed line joins the "
               "Pareto-optimal models.", "", f"![pareto]({pareto})", ""]
    if stages:
        md += ["## Where the latency goes", "",
               "Median cycles of each stage of a request: submit to doorbell, doorbell to the device starting, "
               "host work, host done to response posted, posted to the guest consuming it (medians of the "
               "stages need not add up to the median round trip).", "", f"![stages]({stages})", ""]
    md += ["## Workloads", "", "`*`: Pareto-optimal on that grid point.", ""]
    for w in res.workloads:
        picture = plot_workload(res, w, out)
        md += [f"### {w}", ""]
        if picture:
            md += [_cell_table(res, w), "", f"![{w}]({picture})", ""]
        else:
            md += ["No run of this workload succeeded.", ""]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(md))
