#!/usr/bin/env python3
"""A staffing plan for one day, from history to chart, with libcallcore.

1. Read 5-minute arrival counts of a real bank (2003, 07:00-21:00 weekdays).
2. Fit a forecaster on the first --train-days days and forecast the next day.
3. Staff each interval (Erlang C, service-level target) with staffing_plan().
4. Build shifts (8 h with a break, 4 h part-time) covering the requirement at
   minimum cost (COIN-OR CBC), then compute the service level every interval
   gets with the scheduled agents, for the forecast and the actual volume.
5. Save a chart: calls, agents required vs scheduled, service level.

Run from the build tree:
    PYTHONPATH=build/bindings/python /usr/bin/python3 examples/python/staffing_day.py \
        --out staffing_day.png
"""
import argparse
import csv
import os
import sys

import numpy as np

import callcore

INTERVAL_S = 300       # the data's interval
PER_DAY = 14 * 12      # 07:00-21:00 in 5-minute intervals
PER_WEEK = 5 * PER_DAY  # weekdays only


def default_data():
    root = os.environ.get("CALLCORE_DATA") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
    return os.path.join(root, "bank-calls-2003", "bank_calls.csv")


def read_counts(path):
    with open(path, newline="") as f:
        return np.array([float(r["Calls"]) for r in csv.DictReader(f)])


SHIFT_STEP = 3  # shifts are planned in 15-minute steps (3 data intervals)


def hourly_roster(required):
    """Fallback without CBC: staffing changes only on the hour."""
    per_hour = 3600 // INTERVAL_S
    blocks = required.reshape(-1, per_hour).max(axis=1)
    return np.repeat(blocks, per_hour)


def shift_roster(required):
    """Agents working per data interval with the cheapest set of shifts:
    full time 8 h with a 30-minute break 3-5 h in (starting on the half hour),
    6 h with a 15-minute break, and part time 4 h (starting on any quarter);
    shorter shifts cost more per hour. Planned in 15-minute steps."""
    quarter = required.reshape(-1, SHIFT_STEP).max(axis=1)  # need of each 15 minutes
    n = len(quarter)
    templates = [
        callcore.shift_template(start_first=0, start_last=n - 32, start_step=2, length=32,
                                break_earliest=12, break_latest=18, break_length=2, cost=30),
        callcore.shift_template(start_first=0, start_last=n - 24, start_step=1, length=24,
                                break_earliest=8, break_latest=14, break_length=1,
                                cost=23 * 1.05),
        callcore.shift_template(start_first=0, start_last=n - 16, start_step=1, length=16,
                                cost=16 * 1.1),
    ]
    schedule = callcore.schedule_shifts(quarter, templates, max_seconds=20)
    return np.repeat(schedule.coverage, SHIFT_STEP), schedule


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--data", default=default_data(), help="bank_calls.csv")
    ap.add_argument("--train-days", type=int, default=120)
    ap.add_argument("--method", default="double_seasonal", choices=callcore.FORECAST_METHODS)
    ap.add_argument("--aht-s", type=float, default=240.0, help="mean handle time")
    ap.add_argument("--target-sl", type=float, default=0.8)
    ap.add_argument("--target-s", type=float, default=20.0)
    ap.add_argument("--shrinkage", type=float, default=0.3)
    ap.add_argument("--out", default="staffing_day.png")
    args = ap.parse_args(argv)

    if not os.path.exists(args.data):
        print(f"no data at {args.data}: set CALLCORE_DATA or pass --data", file=sys.stderr)
        return 2
    counts = read_counts(args.data)
    train = counts[: args.train_days * PER_DAY]
    actual = counts[args.train_days * PER_DAY: (args.train_days + 1) * PER_DAY]

    with callcore.Forecaster(args.method, period=PER_DAY, week=PER_WEEK) as fc:
        forecast = fc.fit(train).predict(PER_DAY)
    acc = callcore.forecast_accuracy(actual, forecast.mean)

    plan = callcore.staffing_plan(forecast.mean, interval_s=INTERVAL_S, aht_s=args.aht_s,
                                  target_sl=args.target_sl, target_s=args.target_s,
                                  shrinkage=args.shrinkage)
    required = plan.agents
    try:
        rostered, schedule = shift_roster(required)
        roster_label = (f"agents scheduled ({len(schedule.assignments)} shift starts, "
                        f"{schedule.agents} agents)")
    except callcore.Unsupported:  # a build without COIN-OR CBC
        rostered, schedule = hourly_roster(required), None
        roster_label = "agents scheduled (hourly roster)"
    # Service level each interval gets with the rostered agents, for the
    # calls that actually came (Erlang C; an overloaded interval gets 0).
    traffic = actual * args.aht_s / INTERVAL_S
    sl = np.array([callcore.erlang_c_service_level(n, a, args.target_s / args.aht_s)
                   if n > a else 0.0 for n, a in zip(rostered, traffic)])
    paid_hours = rostered.sum() * INTERVAL_S / 3600 / (1 - args.shrinkage)

    print(f"forecast {args.method}: {forecast.mean.sum():.0f} calls "
          f"(actual {actual.sum():.0f}, WAPE {acc.wape:.1%})")
    print(f"peak agents required {required.max()}, scheduled {rostered.max()}; "
          f"{roster_label}; agent-hours with shrinkage {args.shrinkage:.0%}: {paid_hours:.0f}")
    print(f"intervals meeting {args.target_sl:.0%}/{args.target_s:.0f}s: "
          f"{(sl >= args.target_sl).mean():.0%}; day service level "
          f"{np.average(sl, weights=np.maximum(actual, 1e-9)):.1%}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hours = 7 + np.arange(PER_DAY) * INTERVAL_S / 3600
    planned_sl = np.array([callcore.erlang_c_service_level(n, a, args.target_s / args.aht_s)
                           if n > a else 0.0
                           for n, a in zip(rostered, forecast.mean * args.aht_s / INTERVAL_S)])
    fig, (calls_ax, agents_ax, sl_ax) = plt.subplots(
        3, 1, figsize=(11, 9), sharex=True, gridspec_kw={"height_ratios": [2, 3, 2]})
    calls_ax.fill_between(hours, forecast.lower, forecast.upper, color="tab:gray", alpha=0.25,
                          label="95% prediction interval")
    calls_ax.plot(hours, forecast.mean, color="tab:blue", label=f"forecast ({args.method})")
    calls_ax.plot(hours, actual, color="black", linewidth=0.8, label="actual")
    calls_ax.set_ylabel("calls / 5 min")
    calls_ax.set_title(f"Day {args.train_days + 1} of the 2003 bank data: staffing for "
                       f"{args.target_sl:.0%} in {args.target_s:.0f} s (AHT {args.aht_s:.0f} s)")
    calls_ax.legend(loc="upper right", fontsize=8)
    agents_ax.plot(hours, required, label="agents required (forecast, Erlang C)",
                   color="tab:blue")
    agents_ax.step(hours, rostered, where="post", label=roster_label, color="tab:orange")
    agents_ax.set_ylabel("agents on the phones")
    agents_ax.legend(loc="lower left", fontsize=8)
    sl_ax.plot(hours, planned_sl, color="tab:blue", label="planned (forecast volume)")
    sl_ax.plot(hours, sl, color="tab:green", linewidth=0.8, label="with the actual volume")
    sl_ax.axhline(args.target_sl, color="tab:red", linestyle="--", label="target")
    sl_ax.set_ylim(0, 1.02)
    sl_ax.set_ylabel("service level")
    sl_ax.set_xlabel("interval start (hour, data clock)")
    sl_ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"chart written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
