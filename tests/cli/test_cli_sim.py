"""End-to-end tests of `callcore sim`, `callcore day` and `callcore staff --simulate`."""
import datetime
import json
import os
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SCENARIOS = os.path.join(ROOT, "examples", "scenarios")
QUICK = ["sim", "--agents", 25, "--calls-per-hour", 450, "--aht-s", 180, "--hours", 4,
         "--seed", 3]


def test_quick_form_prints_the_kpi_report(cli):
    d = cli.json(*QUICK, "--patience-s", 300, "--sl-threshold-s", 20)
    t = d["totals"]
    # the `callcore kpi` keys
    for key in ("offered", "answered", "abandoned", "service_level", "asa_s", "abandon_rate",
                "aht_s"):
        assert key in t, key
    # 450/h for 4 h: Poisson, so within 6 sd of 1800
    assert abs(t["offered"] - 1800) < 6 * 1800 ** 0.5
    assert t["answered"] + t["abandoned"] == t["offered"]
    assert 0.5 < t["service_level"] <= 1
    assert 150 < t["aht_s"] < 210
    assert {"queues", "agents", "intervals"} <= set(d)
    assert len(d["intervals"]) == 8  # 4 h of 30-minute intervals (plus none after)


def test_same_seed_same_report_other_seed_other_report(cli):
    a = cli.run(*QUICK, "--json", check=0).stdout
    b = cli.run(*QUICK, "--json", check=0).stdout
    c = cli.run(*QUICK[:-1], 4, "--json", check=0).stdout
    assert a == b
    assert a != c


def test_without_patience_nobody_abandons(cli):
    t = cli.json(*QUICK)["totals"]
    assert t["abandoned"] == 0 and t["answered"] == t["offered"]


@pytest.mark.parametrize("name", ["mmn.json", "multiskill.json", "omnichannel.json"])
def test_example_scenarios_run(cli, name):
    d = cli.json("sim", "--scenario", os.path.join(SCENARIOS, name), "--full")
    assert d["totals"]["offered"] > 500
    assert d["totals"]["answered"] > 0.8 * d["totals"]["offered"]


def test_multichannel_scenario_reports_each_channel(cli):
    d = cli.json("sim", "--scenario", os.path.join(SCENARIOS, "omnichannel.json"), "--full")
    names = {c["channel"] for c in d["channels"]}
    assert {"voice", "chat", "email"} <= names


def test_text_summary(cli):
    r = cli.run(*QUICK, check=0)
    assert "service_level" in r.stdout and "simulated" in r.stdout


@pytest.mark.parametrize("args,needle", [
    (["sim"], "--agents"),
    (["sim", "--agents", "x", "--calls-per-hour", 1, "--aht-s", 1, "--hours", 1], "--agents"),
    (["sim", "--agents", 0, "--calls-per-hour", 1, "--aht-s", 1, "--hours", 1], "agents"),
    (["sim", "--agents", 1, "--calls-per-hour", 1, "--aht-s", 1, "--hours", 1,
      "--patience-s", 0], "patience"),
    (["sim", "--scenario", "x.json", "--agents", 3], "quick form"),
])
def test_usage_errors_exit_2(cli, args, needle):
    r = cli.run(*args, check=2)
    assert needle in r.stderr


SMALL = {"version": 1, "seed": 7, "hours": 1, "queues": [{"name": "q"}],
         "agents": [{"name": "a", "count": 2, "queues": ["q"]}],
         "arrivals": [{"queue": "q", "calls_per_hour": 60, "patience_s": 30}]}


def test_explicit_seed_zero_runs_seed_zero(cli, tmp_path):
    """--seed overrides the scenario's seed, 0 included (docs/sim.md)."""
    p = tmp_path / "s7.json"
    p.write_text(json.dumps(SMALL))
    p0 = tmp_path / "s0.json"
    p0.write_text(json.dumps(dict(SMALL, seed=0)))
    own = cli.run("sim", "--scenario", p, "--json", "--full", check=0).stdout
    seven = cli.run("sim", "--scenario", p, "--seed", 7, "--json", "--full", check=0).stdout
    zero = cli.run("sim", "--scenario", p, "--seed", 0, "--json", "--full", check=0).stdout
    file_zero = cli.run("sim", "--scenario", p0, "--json", "--full", check=0).stdout
    assert own == seven
    assert zero == file_zero
    assert zero != own


@pytest.mark.parametrize("args", [
    ["sim", "--scenario", "x.json", "--seed", 2 ** 53 + 1],
    ["sim", "--agents", 1, "--calls-per-hour", 1, "--aht-s", 1, "--hours", 1,
     "--seed", 2 ** 53 + 1],
    ["sim", "--scenario", "x.json", "--seed", -1],
    ["day", "--synthetic", "--seed", 2 ** 53 + 1],
])
def test_seed_beyond_2_53_is_a_usage_error(cli, args):
    r = cli.run(*args, check=2)
    assert "--seed must be in 0..2^53" in r.stderr


def test_seed_2_53_is_accepted(cli, tmp_path):
    p = tmp_path / "s7.json"
    p.write_text(json.dumps(SMALL))
    cli.run("sim", "--scenario", p, "--seed", 2 ** 53, check=0)


def test_bad_scenario_file_exits_1_naming_the_member(cli, tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"hours": 1, "queues": [{"name": "q"}], "agents": [{"name": "a", '
                 '"queues": ["q"]}], "arrivals": [{"queue": "q", "calls_per_hour": 5, '
                 '"handle_s": {"dist": "lognormal", "mean": 100}}]}')
    r = cli.run("sim", "--scenario", p, check=1)
    assert "arrivals[0].handle_s" in r.stderr
    p.write_text("{ not json")
    r = cli.run("sim", "--scenario", p, check=1)
    assert "line 1" in r.stderr
    r = cli.run("sim", "--scenario", tmp_path / "missing.json", check=1)
    assert "missing.json" in r.stderr


def test_scenario_that_cannot_be_read_says_why(cli, tmp_path):
    # A directory opens for reading and fails its first read: the message said only
    # "read error", not why.
    r = cli.run("sim", "--scenario", tmp_path, check=1)
    assert f"scenario '{tmp_path}': Is a directory" in r.stderr and r.stdout == ""


def test_day_synthetic_history(cli, tmp_path):
    chart = tmp_path / "day.svg"
    d = cli.json("day", "--synthetic", "--chart", chart)
    # "date" held prose ("the day after 2000-02-28"): a date field holds a date or null.
    # The eight synthetic weeks are real calendar days, Monday 2000-01-03 to Sunday
    # 2000-02-27 (they were 28-day months, 2000-01-29..31 missing, weekdays off).
    assert d["date"] is None and d["day_after"] == "2000-02-27"
    iv = d["intervals"]
    n = len(iv["start"])
    assert 20 <= n <= 48
    for key in ("forecast", "simulated", "agents", "staffed", "service_level", "asa_s",
                "abandon_rate"):
        assert len(iv[key]) == n, key
    s = d["summary"]
    # the simulated day follows the forecast (Poisson noise only)
    assert abs(s["simulated"] - s["forecast"]) < 6 * s["forecast"] ** 0.5
    # Erlang A staffing for 80% in 20 s, covered by shifts: the day gets close to it
    assert s["service_level"] > 0.7
    assert all(st >= ag - 1e-9 for st, ag in zip(iv["staffed"], iv["agents"]))
    root = ET.parse(chart).getroot()
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}polyline")) >= 5


def test_day_on_the_bank_history(cli, data_dir, tmp_path):
    path = data_dir and os.path.join(data_dir, "anonymous-bank", "daily-6min-counts.csv")
    if not path or not os.path.exists(path):
        pytest.skip("CALLCORE_DATA/anonymous-bank/daily-6min-counts.csv is absent")
    d = cli.json("day", "--history", path, "--date", "1999-06-15", "--chart",
                 tmp_path / "day.svg")
    assert d["date"] == "1999-06-15" and "day_after" not in d
    assert "actual" in d["intervals"]
    assert d["summary"]["forecast_wape"] < 0.5
    assert d["shift_method"].startswith("CBC")
    r = cli.run("day", "--history", path, "--date", "2099-01-01", check=1)
    assert "not in the history" in r.stderr


def test_day_history_beyond_its_day_limit_is_refused(cli, tmp_path):
    # Reading stopped at 4000 days without a word: the days after were dropped and the
    # default forecast day was day 4000, not the last day of the file.
    path = tmp_path / "long.csv"
    d0 = datetime.date(1990, 1, 1)
    path.write_text("calls,u,Date\n" + "".join(
        f"10,100,{d0 + datetime.timedelta(days=d)}\n" for d in range(4001)))
    r = cli.run("day", "--history", path, "--chart", tmp_path / "day.svg", check=1)
    assert "more than 4000 days" in r.stderr and r.stdout == ""


def test_day_default_training_fits_the_days_before_the_forecast_day(cli, tmp_path):
    # Without --train-days, a short history trains on the days it has. The default was cut
    # to the days of the file minus one, not to the days before the forecast day: with a
    # quiet last day (the forecast day is the one before it) the command failed, naming a
    # --train-days nobody gave; and --synthetic cut a --train-days that was given.
    path = tmp_path / "short.csv"
    d0 = datetime.date(1999, 1, 4)
    rows = []
    for d in range(20):
        for u in range(70, 200):
            rows.append(f"{0 if d == 19 else 3 + u % 4},{u},{d0 + datetime.timedelta(days=d)}\n")
    path.write_text("calls,u,Date\n" + "".join(rows))
    r = cli.run("day", "--history", path, "--chart", tmp_path / "day.svg", check=0)
    assert r.stdout.startswith("callcore day: 1999-01-22, forecast from 18 days of ")
    r = cli.run("day", "--synthetic", "--train-days", 100, "--chart", tmp_path / "day.svg",
                check=1)
    assert "only 56 days before the forecast day; --train-days is 100" in r.stderr


def test_day_history_that_cannot_be_read_says_why(cli, tmp_path):
    # A directory opens for reading on Linux and its first read fails: the error was taken
    # for the end of the file and reported as "fewer than 15 days of data (0 malformed lines)".
    r = cli.run("day", "--history", tmp_path, "--chart", tmp_path / "day.svg", check=1)
    assert f"history '{tmp_path}': Is a directory" in r.stderr and r.stdout == ""
    r = cli.run("day", "--history", tmp_path / "absent.csv", check=1)
    assert "No such file or directory" in r.stderr
    (tmp_path / "empty.csv").write_text("")
    r = cli.run("day", "--history", tmp_path / "empty.csv", check=1)
    assert "fewer than 15 days of data" in r.stderr


def test_staff_simulate_reports_the_difference(cli):
    d = cli.json("staff", "--calls", 300, "--interval-s", 1800, "--aht-s", 180,
                 "--target-sl", 0.8, "--target-s", 20, "--simulate")
    sim = d["simulation"]
    assert sim["replications"] >= 2
    # the Erlang C plan meets its target in simulation too (within the interval)
    assert abs(sim["service_level"] - d["service_level"]) <= sim["service_level_ci"] + 0.02
    assert sim["service_level_diff"] == pytest.approx(sim["service_level"] - d["service_level"])


@pytest.mark.parametrize("target_s", [0, 0.5, 20])
def test_staff_simulate_accepts_every_threshold_staff_accepts(cli, target_s):
    """Sub-second thresholds, and --target-s 0 ("answered at once"), are simulated
    with that threshold, not refused or replaced by the 20 s default."""
    d = cli.json("staff", "--calls", 300, "--interval-s", 1800, "--aht-s", 180,
                 "--target-sl", 0.8, "--target-s", target_s, "--simulate")
    sim = d["simulation"]
    assert abs(sim["service_level"] - d["service_level"]) <= sim["service_level_ci"] + 0.02


def test_sim_sub_second_and_zero_thresholds(cli):
    r = cli.run(*QUICK, "--sl-threshold-s", 0.5, check=0)
    assert "0.5 s)" in r.stdout
    zero = cli.json(*QUICK, "--sl-threshold-s", 0)["totals"]["service_level"]
    twenty = cli.json(*QUICK, "--sl-threshold-s", 20)["totals"]["service_level"]
    assert zero < twenty  # 0 is "at once", not the 20 s default


@pytest.mark.parametrize("args,needle", [
    ([*QUICK, "--sl-threshold-s", 90000], "--sl-threshold-s must be in [0, 86400]"),
    ([*QUICK, "--sl-threshold-s", -1], "--sl-threshold-s must be in [0, 86400]"),
    (["staff", "--calls", 300, "--interval-s", 1800, "--aht-s", 180, "--target-sl", 0.8,
      "--target-s", 100000, "--simulate"], "--simulate needs --target-s in [0, 86400]"),
])
def test_threshold_out_of_range_is_a_usage_error(cli, args, needle):
    r = cli.run(*args, check=2)
    assert needle in r.stderr and "document" not in r.stderr


@pytest.mark.parametrize("minutes", [0, -0.0, 0.5, 1441])
def test_interval_min_out_of_range_is_a_usage_error(cli, minutes):
    """0 is the 'default' of cc_sim_quick, not of the flag: it ran 30-minute intervals."""
    r = cli.run(*QUICK, "--interval-min", minutes, check=2)
    assert "--interval-min must be in [1, 1440]" in r.stderr and "document" not in r.stderr


def test_day_help_says_the_method_is_chosen_by_backtest(cli):
    r = cli.run("day", "--help")
    out = r.stdout + r.stderr
    assert "double-seasonal method" not in out  # not a fixed default
    assert "backtest" in out and "lowest WAPE" in out


def write_history(path, edit=lambda rows: rows):
    d0 = datetime.date(1999, 1, 4)
    rows = [f"{3 + u % 4},{u},{d0 + datetime.timedelta(days=d)}\n"
            for d in range(20) for u in range(70, 200)]
    path.write_text("calls,u,Date\n" + "".join(edit(rows)))


def replace_calls(value):
    def edit(rows):
        rows[500] = value + rows[500][rows[500].index(","):]
        return rows
    return edit


@pytest.mark.parametrize("edit,needle", [
    (replace_calls("inf"), "'inf' is not a volume"),
    (replace_calls("nan"), "'nan' is not a volume"),
    (replace_calls("0x10"), "'0x10' is not a volume"),
    (replace_calls("many"), "'many' is not a volume"),
    (lambda rows: rows[:500] + ["3,241,1999-01-07\n"] + rows[501:], "interval '241'"),
    (lambda rows: rows[:500] + ["3,80,1999-02-30\n"] + rows[501:], "'1999-02-30' is not a date"),
    (lambda rows: rows[:500] + ["garbage\n"] + rows[501:], "expected calls,u,Date"),
])
def test_day_history_bad_line_names_file_and_line(cli, tmp_path, edit, needle):
    # sscanf %lf took inf, nan and hex: inf ended in "value 2275 is inf" from the forecast,
    # and nan or a malformed line silently became 0 once the file had 15 days.
    path = tmp_path / "h.csv"
    write_history(path, edit)
    r = cli.run("day", "--history", path, "--chart", tmp_path / "day.svg", check=1)
    assert f"history {path}:502: {needle}" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("edit,line", [
    (lambda rows: rows + [rows[0]], 2602),                     # 1999-01-04 again at the end
    (lambda rows: rows[130:260] + rows[:130] + rows[260:], 132),  # 01-04 after 01-05
])
def test_day_history_repeated_or_unordered_dates_are_refused(cli, tmp_path, edit, line):
    # A date seen again later started a new day: the history had a day twice.
    path = tmp_path / "h.csv"
    write_history(path, edit)
    r = cli.run("day", "--history", path, "--chart", tmp_path / "day.svg", check=1)
    assert f"history {path}:{line}: " in r.stderr and "increasing" in r.stderr


@pytest.mark.parametrize("change,needle", [
    # "arrivals[0]: rate 0 must be a number" read as if the rate were 0: the 0 was the index
    ({"arrivals": [dict(SMALL["arrivals"][0], calls_per_hour=[5, -3])]},
     "arrivals[0].calls_per_hour[1] must be a number in [0, 1e9], got -3"),
    ({"arrivals": [dict(SMALL["arrivals"][0], calls_per_hour=["x"])]},
     "arrivals[0].calls_per_hour[0] must be a number in [0, 1e9], got string"),
    # a bad strategy was "simulation: unknown strategy 'bogus'", naming no member
    ({"queues": [{"name": "q", "strategy": "bogus"}]},
     "queues[0].strategy: unknown strategy 'bogus'"),
])
def test_bad_scenario_value_names_member_and_value(cli, tmp_path, change, needle):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(dict(SMALL, **change)))
    r = cli.run("sim", "--scenario", p, check=1)
    assert needle in r.stderr, r.stderr


@pytest.mark.parametrize("minutes", [12, 60, 240])
def test_day_interval_the_shift_templates_cannot_express_is_a_usage_error(cli, tmp_path,
                                                                          minutes):
    # The templates are counted in intervals: above 30 minutes the 30-minute break took a
    # whole interval, and at 240 the 8-hour shift had a 4-hour break at its very start
    # (docs/sim.md: a 30-minute break 3 to 5 hours in); at 12 the break was 24 minutes.
    r = cli.run("day", "--synthetic", "--interval-min", minutes, "--chart",
                tmp_path / "day.svg", check=2)
    assert "--interval-min must be 6 or 30" in r.stderr and r.stdout == ""
