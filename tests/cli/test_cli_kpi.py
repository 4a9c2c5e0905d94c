"""`callcore kpi`: importing logs and printing the KPI report (issue 5)."""
import csv
import math
import os

import pytest

TOTAL_KEYS = {"offered", "answered", "abandoned", "short_abandoned", "blocked",
              "service_level", "asa_s", "avg_abandon_s", "longest_wait_s", "aht_s",
              "abandon_rate", "transfer_rate", "fcr", "repeat_rate"}

QUEUE_LOG = """\
1700000000|NONE|NONE|Agent/1|AGENTLOGIN|SIP/1
1700000010|c1|sales|NONE|ENTERQUEUE||5551234|1
1700000025|c1|sales|Agent/1|CONNECT|15|b1|2
1700000125|c1|sales|Agent/1|COMPLETECALLER|15|100|1
1700000030|c2|sales|NONE|ENTERQUEUE||5559999|1
1700000033|c2|sales|NONE|ABANDON|1|1|3
1700000040|c3|support|NONE|ENTERQUEUE||5551234|1
1700000080|c3|support|NONE|ABANDON|1|1|40
this line is broken
1700000200|c4|sales|NONE|ENTERQUEUE||5551234|1
1700000230|c4|sales|Agent/1|CONNECT|30|b2|2
1700000290|c4|sales|Agent/1|BLINDTRANSFER|600|ctx|30|60|1
1700001800|NONE|NONE|Agent/1|AGENTLOGOFF|SIP/1|1800
"""


@pytest.fixture
def queue_log(tmp_path):
    p = tmp_path / "queue_log"
    p.write_text(QUEUE_LOG)
    return p


def test_queue_log_json_keys_and_values(cli, queue_log):
    out = cli.json("kpi", "--format", "queue_log", "--input", queue_log)
    assert set(out) == {"totals", "queues", "agents", "intervals", "import"}
    t = out["totals"]
    assert set(t) == TOTAL_KEYS | {"occupancy"}  # agent states are known here
    assert (t["offered"], t["answered"], t["abandoned"]) == (4, 2, 2)
    assert t["short_abandoned"] == 1  # 3 s <= 5 s
    assert t["service_level"] == pytest.approx(1 / 4)  # V2: AnsT / (Ans + Ab)
    assert t["asa_s"] == pytest.approx((15 + 30) / 2)
    assert t["avg_abandon_s"] == pytest.approx((3 + 40) / 2)
    assert t["longest_wait_s"] == 40
    assert t["aht_s"] == pytest.approx((100 + 60) / 2)
    assert t["transfer_rate"] == pytest.approx(0.5)
    assert t["abandon_rate"] == pytest.approx(0.5)
    assert t["occupancy"] == pytest.approx(160 / 1800)
    # customer 5551234 came back 75 s after the end of its first call (its
    # second call, at 40 s, started before the first ended: not a repeat)
    assert t["repeat_rate"] == pytest.approx(1 / 4)
    assert t["fcr"] == pytest.approx(1 / 2)  # 1 of 2 handled calls followed by a repeat
    queues = {q["queue"]: q for q in out["queues"]}
    assert sorted(queues) == ["sales", "support"]
    assert queues["support"]["offered"] == 1 and queues["support"]["abandoned"] == 1
    assert set(queues["sales"]) == TOTAL_KEYS | {"queue"}  # occupancy unknown per queue
    agents = {a["agent"]: a for a in out["agents"]}
    assert agents["Agent/1"]["handled"] == 2
    assert len(out["intervals"]) == 1  # all entered 22:13:30-22:16:40 UTC
    assert out["intervals"][0]["start"] == "2023-11-14T22:00:00Z"
    imp = out["import"]
    assert imp["lines_read"] == 13 and imp["rejected"] == 1
    assert imp["errors"][0]["line"] == 9
    assert imp["errors"][0]["file"].endswith("queue_log")


def test_options_change_the_figures(cli, queue_log):
    v1 = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--sl-variant", "V1")
    assert v1["totals"]["service_level"] == pytest.approx(1 / 2)  # AnsT / Ans
    t40 = cli.json("kpi", "--format", "queue_log", "--input", queue_log,
                   "--sl-threshold-s", "40", "--short-abandon-s", "0")
    assert t40["totals"]["service_level"] == pytest.approx(2 / 4)
    assert t40["totals"]["short_abandoned"] == 0
    w = cli.json("kpi", "--format", "queue_log", "--input", queue_log,
                 "--repeat-window-h", "0.01")  # 36 s < 75 s
    assert w["totals"]["repeat_rate"] == 0 and w["totals"]["fcr"] == 1
    i1 = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--interval-min", "1")
    assert [i["offered"] for i in i1["intervals"]] == [2, 1, 1]  # minutes 13, 14, 16


def test_full_json_has_every_kpi(cli, queue_log):
    out = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--full")
    t = out["totals"]
    for key in ("sl_v1", "sl_v6", "utilisation", "load", "csat", "nps", "cx_peak",
                "contacts_per_agent_hour", "rona"):
        assert key in t
    assert out["settings"]["sl_variant"] == "V2"
    assert "pareto" in out and "channels" in out


def test_csv_importer_with_column_names(cli, tmp_path):
    p = tmp_path / "calls.csv"
    p.write_text("when;skill;who;q;talk;result\n"
                 "2024-03-01 09:00:00;sales;ann;10;100;answered\n"
                 "2024-03-01 09:01:00;sales;;30;;abandoned\n"
                 "2024-03-01 09:02:00;sales;;;;blocked\n")
    out = cli.json("kpi", "--format", "csv", "--input", p, "--delimiter", ";",
                   "--column", "start=when", "--column", "queue=skill", "--column", "agent=who",
                   "--column", "wait_s=q", "--column", "talk_s=talk",
                   "--column", "outcome=result")
    t = out["totals"]
    assert (t["offered"], t["answered"], t["abandoned"], t["blocked"]) == (2, 1, 1, 1)
    assert t["aht_s"] == 100 and t["asa_s"] == 10


def test_csv_table_output(cli, queue_log):
    r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, "--csv", "queues",
                check=0)
    lines = r.stdout.splitlines()
    assert lines[0].startswith("queue,offered,answered,abandoned,")
    assert lines[1].startswith("sales,3,2,1,") and lines[-1].startswith("*,4,2,2,")


def test_text_summary(cli, queue_log):
    r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, check=0)
    assert "rejected 1" in r.stdout and "sales" in r.stdout and "V2" in r.stdout


def test_usage_errors(cli, queue_log):
    assert "--format is required" in cli.run("kpi", check=2).stderr
    r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, "--sl-variant", "V9",
                check=2)
    assert "V9" in r.stderr
    assert "unknown format" in cli.run("kpi", "--format", "xml", check=2).stderr
    cli.run("kpi", "--format", "queue_log", "--interval-min", "0", check=2)
    r = cli.run("kpi", "--format", "queue_log", "--short-abandon-s", "30", check=2)
    assert "short-abandon" in r.stderr
    cli.run("kpi", "--format", "csv", "--column", "colour=x", check=2)
    r = cli.run("kpi", "--format", "queue_log", "--input", "/nonexistent/log", check=1)
    assert "/nonexistent/log" in r.stderr
    assert "usage: callcore kpi" in cli.run("kpi", "--help", check=0).stdout


def test_json_only_options_without_json_are_refused(cli, queue_log):
    # --full and --pretty shape the JSON report: without --json they were ignored without a
    # word and `kpi --full` printed the short text summary, not every figure.
    for opt in ("--full", "--pretty"):
        r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, opt, check=2)
        assert f"{opt} goes with --json" in r.stderr and r.stdout == ""
        r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, opt, "--csv", "queues",
                    check=2)
        assert f"{opt} goes with --json" in r.stderr
    cli.run("sim", "--agents", 2, "--calls-per-hour", 10, "--aht-s", 100, "--hours", 1, "--full",
            "--json", check=0)
    r = cli.run("sim", "--agents", 2, "--calls-per-hour", 10, "--aht-s", 100, "--hours", 1,
                "--full", check=2)
    assert "--full goes with --json" in r.stderr and r.stdout == ""


def test_unknown_csv_table_is_refused_before_any_input_is_read(cli, tmp_path):
    # The table name was checked only when printing: after reading every input (standard
    # input until its end), after writing --cx-csv, and a missing input hid the usage error.
    cx = tmp_path / "cx.csv"
    r = cli.run("kpi", "--format", "queue_log", "--input", "/nonexistent/log", "--csv", "bogus",
                "--cx-csv", cx, check=2)
    assert "--csv: unknown table 'bogus'" in r.stderr and not cx.exists()


def test_anonymous_bank_all_months(cli, data_dir):
    if not data_dir or not os.path.isdir(os.path.join(data_dir, "anonymous-bank")):
        pytest.skip("Anonymous Bank data not found (CALLCORE_DATA)")
    months = ["january", "february", "march", "april", "may", "june", "july", "september",
              "october"]
    args = ["kpi", "--format", "anonymous-bank"]
    for m in months:
        args += ["--input", os.path.join(data_dir, "anonymous-bank", m + ".txt")]
    out = cli.json(*args)
    t = out["totals"]
    assert out["import"]["rejected"] == 0
    assert sum(q["offered"] for q in out["queues"]) == t["offered"]
    assert t["answered"] + t["abandoned"] == t["offered"]
    assert 0 < t["service_level"] < 1 and not math.isnan(t["asa_s"])
    assert "occupancy" not in t  # no agent states in this data
    assert {q["queue"] for q in out["queues"]} == {"IN", "NE", "NW", "PE", "PS", "TT"}


def test_cost_model_and_experience_lines(cli, queue_log, tmp_path):
    out = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--full",
                   "--agent-hourly", "36", "--telco-per-min", "0.5", "--fixed-cost", "10")
    t = out["totals"]
    # paid: Agent/1 logged in 1800 s = 0.5 h x 36; telco: waits 15+3+40+30 s and
    # talk 100+60 s = 248 s = 4.1333 min x 0.5; fixed 10; 2 handled
    assert t["cost_per_contact"] == pytest.approx((18 + 248 / 60 * 0.5 + 10) / 2)
    assert cli.json("kpi", "--format", "queue_log", "--input", queue_log,
                    "--full")["totals"]["cost_per_contact"] is None
    lines = tmp_path / "cx.csv"
    cli.run("kpi", "--format", "queue_log", "--input", queue_log, "--cx-csv", lines,
            "--cx-weight", "abandon=-7", "--cx-weight", "start=1", check=0)
    rows = lines.read_text().splitlines()
    assert rows[0].startswith("contact_id,customer_id,queue,agent,outcome,wait_s,cx_start")
    assert len(rows) == 1 + 4
    abandons = [r.split(",") for r in rows[1:] if ",contact.abandoned," in r]
    # c2 waited 3 s: only the abandon moves it, from 1 to -6
    assert ["1", "-6", "-6"] in [r[6:9] for r in abandons]
    r = cli.run("kpi", "--format", "queue_log", "--cx-weight", "colour=1", check=2)
    assert "--cx-weight" in r.stderr


def test_experience_lines_quote_names(cli, tmp_path):
    # queue_log separates fields with '|', so a queue name may hold a comma or a quote:
    # written bare, it split the row into extra columns.
    log = tmp_path / "queue_log"
    log.write_text('1700000010|c1|sales,east "x"|NONE|ENTERQUEUE||5551234|1\n'
                   '1700000025|c1|sales,east "x"|Agent/1|CONNECT|15|b1|2\n'
                   '1700000125|c1|sales,east "x"|Agent/1|COMPLETECALLER|15|100|1\n')
    lines = tmp_path / "cx.csv"
    cli.run("kpi", "--format", "queue_log", "--input", log, "--cx-csv", lines, check=0)
    rows = list(csv.reader(lines.read_text().splitlines()))
    assert len(rows) == 2 and len(rows[1]) == len(rows[0])
    assert rows[1][2:5] == ['sales,east "x"', "Agent/1", "contact.ended"]


def test_queue_log_call_moving_between_queues_is_one_contact(cli, tmp_path):
    # Asterisk keeps the uniqueid when a call is transferred to another queue
    # or queued elsewhere by the dialplan after a timeout: one contact each.
    p = tmp_path / "queue_log"
    p.write_text("1000|c1|Q1|NONE|ENTERQUEUE||555|1\n"
                 "1010|c1|Q1|SIP/a|CONNECT|10|x|1\n"
                 "1070|c1|Q1|SIP/a|BLINDTRANSFER|2000|from-queue|10|60|1\n"
                 "1071|c1|Q2|NONE|ENTERQUEUE||555|1\n"
                 "1081|c1|Q2|SIP/b|CONNECT|10|x|1\n"
                 "1141|c1|Q2|SIP/b|COMPLETECALLER|10|60|1\n"
                 "2000|c2|Q1|NONE|ENTERQUEUE||556|1\n"
                 "2030|c2|Q1|NONE|EXITWITHTIMEOUT|1|1|30\n"
                 "2030|c2|Q2|NONE|ENTERQUEUE||556|1\n"
                 "2035|c2|Q2|SIP/b|CONNECT|5|x|1\n"
                 "2095|c2|Q2|SIP/b|COMPLETEAGENT|5|60|1\n")
    t = cli.json("kpi", "--format", "queue_log", "--input", p, "--full")["totals"]
    assert (t["offered"], t["answered"], t["handled"]) == (2, 2, 2)
    assert (t["transferred"], t["overflowed"], t["left"]) == (1, 1, 0)
    assert t["transfer_rate"] == pytest.approx(1 / 2)
    assert t["repeat_contacts"] == 0 and t["fcr"] == 1
    assert t["asa_s"] == pytest.approx((10 + 35) / 2)  # c2 waited 30 s in Q1, 5 s in Q2


def test_several_files_after_input(cli, tmp_path):
    # A shell glob after --input expands to `--input a b c`: every file is read,
    # as with one --input per file.
    first, second = tmp_path / "queue_log.1", tmp_path / "queue_log"
    first.write_text(QUEUE_LOG.split("this line is broken\n")[0])
    second.write_text(QUEUE_LOG.split("this line is broken\n")[1])
    glob = cli.json("kpi", "--format", "queue_log", "--input", first, second)
    each = cli.json("kpi", "--format", "queue_log", "--input", first, "--input", second)
    assert glob == each
    assert glob["import"]["files"] == 2 and glob["totals"]["offered"] == 4
    r = cli.run("kpi", "--format", "queue_log", "--input", first, tmp_path / "missing", check=1)
    assert "missing" in r.stderr


def test_readme_anonymous_bank_command(cli, data_dir):
    # README: callcore kpi --format anonymous-bank --input ../shared/data/anonymous-bank/*.txt --json
    # and the figures of its table (all queues, PS, NW).
    bank = data_dir and os.path.join(data_dir, "anonymous-bank")
    if not bank or not os.path.isdir(bank):
        pytest.skip("Anonymous Bank data not found (CALLCORE_DATA)")
    files = sorted(os.path.join(bank, f) for f in os.listdir(bank) if f.endswith(".txt"))
    out = cli.json("kpi", "--format", "anonymous-bank", "--input", *files)
    assert out["import"]["files"] == 9 and out["import"]["rejected"] == 0
    queues = {q["queue"]: q for q in out["queues"]}
    readme = {  # offered, answered, abandoned, SL V2 %, ASA s, AHT s, abandon %
        "PS": (206360, 181806, 24554, 49.3, 50.8, 184.7, 11.9),
        "NW": (46574, 31350, 15224, 34.6, 74.7, 110.8, 32.7),
        "all": (298965, 254287, 44678, 47.3, 54.6, 188.7, 14.9),
    }
    for name, want in readme.items():
        f = out["totals"] if name == "all" else queues[name]
        got = (f["offered"], f["answered"], f["abandoned"], round(100 * f["service_level"], 1),
               round(f["asa_s"], 1), round(f["aht_s"], 1), round(100 * f["abandon_rate"], 1))
        assert got == want, name


def test_occupancy_per_interval(cli, queue_log):
    # Agent/1 logs in at 22:13:20, is busy 22:13:45-22:15:25 (c1) and from
    # 22:16:50 (c4); rows are the minutes with contacts: 13, 14 and 16.
    out = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--interval-min", "1")
    occ = [i["occupancy"] for i in out["intervals"]]
    assert occ == pytest.approx([15 / 40, 1, 0])
    assert all("occupancy" not in q for q in out["queues"])  # idle time is no queue's
    full = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--full")
    # 22:00-22:30 holds 1000 of the 1800 s logged in, and all 160 s busy
    assert full["intervals"][0]["utilisation"] == pytest.approx(160 / 1000)
    assert full["totals"]["utilisation"] == pytest.approx(160 / 1800)
    assert full["queues"][0]["occupancy"] is None and full["channels"][0]["occupancy"] is None


def test_text_summary_names_the_threshold_as_given(cli, queue_log):
    r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, "--sl-threshold-s", "10.5",
                check=0)
    assert "service level V2, T = 10.5 s" in r.stdout
    r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, check=0)
    assert "service level V2, T = 20 s" in r.stdout


def test_short_abandon_default_follows_the_threshold(cli, queue_log):
    # T = 5 s without --short-abandon-s: no short abandons, not an error about
    # a 5 s limit the user never set
    t = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--sl-threshold-s", "5",
                 "--full")
    assert t["settings"]["short_abandon_ms"] < 0 and t["totals"]["short_abandoned"] == 0
    t = cli.json("kpi", "--format", "queue_log", "--input", queue_log, "--sl-threshold-s", "4",
                 "--short-abandon-s", "2")
    assert t["totals"]["short_abandoned"] == 0  # the 3 s abandon is beyond S = 2 s
    r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, "--sl-threshold-s", "5",
                "--short-abandon-s", "5", check=2)
    assert "--short-abandon-s (5 s) must be below --sl-threshold-s (5 s)" in r.stderr


def test_unreadable_input_and_unwritable_cx_csv_say_why(cli, queue_log, tmp_path):
    # A directory opens and fails its first read: "reading 'dir' failed" said not why; an
    # --cx-csv that cannot be created said "cannot write" without the reason either.
    r = cli.run("kpi", "--format", "queue_log", "--input", tmp_path, check=1)
    assert f"reading '{tmp_path}' failed: Is a directory" in r.stderr
    r = cli.run("kpi", "--format", "queue_log", "--input", queue_log, "--cx-csv",
                tmp_path / "absent" / "cx.csv", check=1)
    assert f"cannot write '{tmp_path / 'absent' / 'cx.csv'}': No such file or directory" \
        in r.stderr
