#!/usr/bin/env python3
"""Independent check of `callcore kpi --format anonymous-bank` on all nine months.

Recomputes, from the raw files and with nothing but the Python standard
library, the totals and per-queue figures the issue asks for, following the
mapping of issue 5 (PHANTOM ignored; a call entered the queue when q_start is
not 0:00:00 (or is midnight: q_time above 0) or it was served; AGENT = answered
after q_time with handle time ser_time; HANG after queueing = abandoned after
q_time; HANG without queueing ended in the VRU; queue = type; customer =
customer_id, 0 unknown, and so is an id a spreadsheet rounded into scientific
notation), then runs the CLI and compares. TAP output; a skip
plan ("1..0 # SKIP") when the data is absent.

Data: Technion Service Enterprise Engineering lab, Avi Mandelbaum ("Anonymous
Bank", Guedj & Mandelbaum 2000).
"""
import datetime
import json
import math
import os
import subprocess
import sys

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "september",
          "october"]
T, S, W = 20, 5, 7 * 86400  # SL threshold, short abandon, repeat window (seconds)


def clock(text):
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


def customer_id(text):
    """The id, or 0 (unknown) for one a spreadsheet rounded: written in
    scientific notation with fewer mantissa digits than the number has
    ("6.02701E+11" stands for any of a million customers)."""
    value = int(round(float(text)))
    if "e" in text.lower():
        mantissa = text.lower().split("e")[0].replace(".", "").lstrip("0")
        if len(mantissa) < len(str(value)):
            return 0
    return value


def read_calls(data_dir):
    """Queue calls as (entry_s, order, queue, answered, wait_s, talk_s, customer)."""
    calls, order, rows, phantom = [], 0, 0, 0
    for month in MONTHS:
        with open(os.path.join(data_dir, "anonymous-bank", month + ".txt")) as f:
            next(f)  # header
            for line in f:
                fields = line.split()  # TABs, or spaces on a few rows
                if not fields:
                    continue
                rows += 1
                assert len(fields) == 17, (month, line)
                (_, _, customer, _, qtype, date, vru_entry, vru_exit, _, q_start, _, q_time,
                 outcome, _, _, ser_time, _) = fields
                if outcome == "PHANTOM":
                    phantom += 1
                    continue
                answered = outcome == "AGENT"
                # q_start 0:00:00 with a queue time: queued at midnight
                at_q_start = q_start != "0:00:00" or int(q_time) > 0
                if not at_q_start and not answered:
                    continue  # hung up in the VRU
                day = datetime.datetime(1900 + int(date[:2]), int(date[2:4]), int(date[4:6]),
                                        tzinfo=datetime.timezone.utc).timestamp()
                start = clock(vru_entry)
                entry = clock(q_start if at_q_start else vru_exit)
                if entry < start - 12 * 3600:
                    entry += 86400  # crossed midnight
                calls.append((day + entry, order, qtype, answered, int(q_time),
                              int(ser_time) if answered else 0, customer_id(customer)))
                order += 1
    calls.sort(key=lambda c: (c[0], c[1]))
    return calls, rows, phantom


def figures(calls):
    ans = [c for c in calls if c[3]]
    ab = [c for c in calls if not c[3]]
    ans_t = sum(1 for c in ans if c[4] <= T)
    f = {
        "offered": len(calls),
        "answered": len(ans),
        "abandoned": len(ab),
        "short_abandoned": sum(1 for c in ab if c[4] <= S),
        "blocked": 0,
        "service_level": ans_t / (len(ans) + len(ab)),
        "asa_s": sum(c[4] for c in ans) / len(ans),
        "avg_abandon_s": sum(c[4] for c in ab) / len(ab),
        "longest_wait_s": max(c[4] for c in calls),
        "aht_s": sum(c[5] for c in ans) / len(ans),
        "abandon_rate": len(ab) / len(calls),
    }
    return f


def repeats(calls):
    """Repeat rate and FCR as a live stream counts them: a repeat arrives
    within W after the end of the customer's latest contact that ended
    before it arrived (a call still in progress on another line does not
    count; an end at the arrival's second comes first, a call of no length
    ends after its own arrival); FCR counts answered contacts with a known
    customer that such a repeat followed."""
    timeline = []  # (time, rank, order, kind 0 arrival / 1 end, index)
    for i, (entry, order, _, answered, wait, talk, cust) in enumerate(calls):
        if not cust:
            continue
        end = entry + wait + talk
        timeline.append((entry, 1, order, 0, i))
        timeline.append((end, 0 if end > entry else 1, order, 1, i))
    timeline.sort()
    last = {}  # customer -> index of the contact that ended last
    known = repeat = handled_known = 0
    followed = set()
    for t, _, _, kind, i in timeline:
        cust = calls[i][6]
        if kind == 1:
            last[cust] = i
            continue
        known += 1
        handled_known += calls[i][3]
        j = last.get(cust)
        if j is not None:
            c = calls[j]
            if t - (c[0] + c[4] + c[5]) <= W:
                repeat += 1
                if c[3]:
                    followed.add(j)
    return repeat / known, 1 - len(followed) / handled_known


def close(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(b))


def main():
    data_dir = os.environ.get("CALLCORE_DATA", "")
    if not os.path.isfile(os.path.join(data_dir, "anonymous-bank", "january.txt")):
        print("1..0 # SKIP Anonymous Bank data not found (set CALLCORE_DATA)")
        return 0
    cli = os.environ["CALLCORE_CLI"]
    calls, rows, phantom = read_calls(data_dir)
    args = [cli, "kpi", "--format", "anonymous-bank", "--json"]
    for m in MONTHS[::-1]:  # any file order gives the same report
        args += ["--input", os.path.join(data_dir, "anonymous-bank", m + ".txt")]
    out = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)

    checks = []
    want = figures(calls)
    want["repeat_rate"], want["fcr"] = repeats(calls)
    checks += [("totals." + k, out["totals"][k], v) for k, v in want.items()]
    queues = {q["queue"]: q for q in out["queues"]}
    names = sorted({c[2] for c in calls})
    checks.append(("queue names", sorted(queues), names))
    for q in names:
        w = figures([c for c in calls if c[2] == q])
        checks += [(q + "." + k, queues[q][k], v) for k, v in w.items()]
    checks.append(("import.lines_read", out["import"]["lines_read"], rows + len(MONTHS)))
    checks.append(("import.rejected", out["import"]["rejected"], 0))

    print("1..%d" % len(checks))
    failed = 0
    for n, (name, got, exp) in enumerate(checks, 1):
        ok = got == exp if isinstance(exp, (list, str)) else close(got, exp)
        failed += not ok
        print("%s %d - %s = %r%s" % ("ok" if ok else "not ok", n, name, got,
                                     "" if ok else " (expected %r)" % (exp,)))
    print("# %d rows, %d PHANTOM, %d queue calls" % (rows, phantom, len(calls)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
