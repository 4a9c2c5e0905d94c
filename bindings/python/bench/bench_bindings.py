#!/usr/bin/env python3
"""What the Python layer costs: contacts per second driven from Python (three
engine calls each: add, accept, end) with the events going nowhere, to a
KpiAggregator in C, or to a Python sink as Event objects; medians of --runs
runs side by side, and the whole Anonymous Bank import into KPIs.

    PYTHONPATH=build/bindings/python /usr/bin/python3 bindings/python/bench/bench_bindings.py
"""
import argparse
import glob
import os
import statistics
import time

import callcore


def contacts_per_s(sink_kind, n):
    kpi = callcore.KpiAggregator() if sink_kind == "kpi" else None
    seen = []
    eng = callcore.Engine(kpi=kpi, event_sink=seen.append if sink_kind == "python" else None)
    eng.add_queue("q")
    eng.add_agent("a", queues=["q"], now_ms=0).login(now_ms=0)
    t = time.perf_counter()
    for i in range(1, n + 1):
        c = eng.add_contact(i, "q", now_ms=i * 10)
        c.accept("a", now_ms=i * 10 + 1)
        c.end(now_ms=i * 10 + 2)
    dt = time.perf_counter() - t
    eng.close()
    if kpi is not None:
        assert kpi.totals.answered == n
        kpi.close()
    return n / dt, len(seen)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contacts", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    med = {}
    for kind in ("none", "kpi", "python"):
        rates = [contacts_per_s(kind, args.contacts)[0] for _ in range(args.runs)]
        med[kind] = statistics.median(rates)
    events = contacts_per_s("python", 1000)[1] / 1000
    print(f"{'events to':<22}{'contacts/s (median)':>20}{'vs none':>9}")
    for kind, label in (("none", "nowhere"), ("kpi", "KpiAggregator (C)"),
                        ("python", f"Python sink ({events:.0f}/contact)")):
        print(f"{label:<22}{med[kind]:>20,.0f}{med[kind] / med['none']:>9.2f}")
    root = os.environ.get("CALLCORE_DATA", os.path.join(os.path.dirname(__file__), "..", "..",
                                                        "..", "..", "shared", "data"))
    months = sorted(glob.glob(os.path.join(root, "anonymous-bank", "*.txt")))
    if months:
        times = []
        for _ in range(3):
            t = time.perf_counter()
            with callcore.KpiAggregator() as kpi:
                stats = kpi.import_files(months, format="anonymous-bank")
            times.append(time.perf_counter() - t)
        print(f"Anonymous Bank, {len(months)} months -> KPIs: median {statistics.median(times):.2f} s "
              f"({stats.events:,} events)")


if __name__ == "__main__":
    main()
