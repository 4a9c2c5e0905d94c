#!/usr/bin/env python3
"""A KPI report from real call logs, with a chart, using libcallcore.

By default it imports the nine months of the Technion SEE "Anonymous Bank"
call-by-call data (data source: Technion Service Enterprise Engineering lab,
Avi Mandelbaum; Guedj & Mandelbaum 2000) and reports per queue and per day.
An Asterisk queue_log or a call-record CSV works the same way:

    PYTHONPATH=build/bindings/python /usr/bin/python3 examples/python/kpi_report.py \
        --out kpi_report.png
    ... kpi_report.py --format queue_log --input /var/log/asterisk/queue_log --interval-min 60
"""
import argparse
import datetime
import glob
import os
import sys

import callcore

VARIANTS = ("sl_v1", "sl_v2", "sl_v3", "sl_v4", "sl_v5", "sl_v6")


def default_inputs():
    root = os.environ.get("CALLCORE_DATA") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
    return sorted(glob.glob(os.path.join(root, "anonymous-bank", "*.txt")))


def pct(x):
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def secs(x):
    return "    -" if x is None else f"{x:5.0f}"


def print_table(report):
    print(f"{'queue':<10} {'offered':>8} {'answered':>8} {'abandon':>7} {'SL(V2)':>7} "
          f"{'ASA s':>6} {'AHT s':>6} {'FCR':>6}")
    rows = report["queues"] + [dict(report["totals"], queue="ALL")]
    for q in rows:
        print(f"{q['queue']:<10} {q['offered']:>8} {q['answered']:>8} {pct(q['abandon_rate'])} "
              f"{pct(q['service_level'])} {secs(q['asa_s'])} {secs(q['aht_s'])} {pct(q['fcr'])}")


def chart(report, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = [datetime.datetime.fromtimestamp(r["start_ms"] / 1000, datetime.timezone.utc)
            for r in report["intervals"]]
    answered = [r["answered"] for r in report["intervals"]]
    abandoned = [r["abandoned"] for r in report["intervals"]]
    sl = [r["service_level"] if r["service_level"] is not None else float("nan")
          for r in report["intervals"]]

    fig, (vol, var) = plt.subplots(2, 1, figsize=(11, 8), gridspec_kw={"height_ratios": [3, 2]})
    vol.bar(days, answered, width=0.9, color="tab:blue", label="answered")
    vol.bar(days, abandoned, width=0.9, bottom=answered, color="tab:red", label="abandoned")
    vol.set_ylabel("contacts per interval")
    vol.set_title(title)
    sl_ax = vol.twinx()
    # Break the line across missing days (August is missing from the data).
    line_days, line_sl = [], []
    for i, (d, v) in enumerate(zip(days, sl)):
        if i and (d - days[i - 1]).total_seconds() > 1.5 * report["settings"]["interval_ms"] / 1000:
            line_days.append(d)
            line_sl.append(float("nan"))
        line_days.append(d)
        line_sl.append(v)
    sl_ax.plot(line_days, line_sl, color="black", linewidth=1.0, label="service level")
    sl_ax.set_ylim(0, 1)
    sl_ax.set_ylabel("service level")
    handles = vol.get_legend_handles_labels()[0] + sl_ax.get_legend_handles_labels()[0]
    vol.legend(handles, [h.get_label() for h in handles], loc="upper left", fontsize=8)

    queues = [q for q in report["queues"] if q["offered"] >= 100]
    width = 0.8 / len(VARIANTS)
    for i, v in enumerate(VARIANTS):
        var.bar([j + i * width for j in range(len(queues))],
                [q[v] or 0 for q in queues], width=width, label=v.upper().replace("SL_", ""))
    var.set_xticks([j + 0.4 - width / 2 for j in range(len(queues))])
    var.set_xticklabels([q["queue"] for q in queues])
    var.set_ylabel("service level")
    var.set_title("service level per queue in the six variants of KPI.md (same calls)")
    var.legend(ncol=6, fontsize=8, loc="upper right")
    var.set_ylim(0, 1)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--format", default="anonymous-bank", choices=callcore.IMPORT_FORMATS)
    ap.add_argument("--input", nargs="*", help="log files (default: Anonymous Bank months)")
    ap.add_argument("--interval-min", type=int, default=1440)
    ap.add_argument("--sl-threshold-s", type=float, default=20)
    ap.add_argument("--sl-variant", default="V2")
    ap.add_argument("--out", default="kpi_report.png")
    args = ap.parse_args(argv)

    inputs = args.input or (default_inputs() if args.format == "anonymous-bank" else [])
    if not inputs:
        print("no input files: pass --input or set CALLCORE_DATA", file=sys.stderr)
        return 2
    with callcore.KpiAggregator(interval_min=args.interval_min,
                                sl_threshold_s=args.sl_threshold_s,
                                sl_variant=args.sl_variant) as kpi:
        stats = kpi.import_files(inputs, format=args.format)
        report = kpi.report()
    print(f"imported {stats.files} files: {stats.lines_read} lines, {stats.events} events, "
          f"{stats.lines_rejected} malformed, {stats.lines_skipped} without a contact")
    if stats.first_error:
        print(f"first malformed line: {stats.first_error}")
    print_table(report)
    t = report["totals"]
    print("service level by variant: " +
          ", ".join(f"{v[3:].upper()} {pct(t[v]).strip()}" for v in VARIANTS))
    title = (f"{args.format}: {len(inputs)} file(s), {t['offered']} contacts, "
             f"{args.interval_min}-minute intervals")
    chart(report, args.out, title)
    print(f"chart written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
