"""`callcore erlang | staff | forecast | schedule`: the workforce commands' contract."""
import json
import math
import os

import pytest

HERE = os.path.dirname(__file__)
EXAMPLES = os.path.join(HERE, "..", "..", "examples", "data")


def close(a, b, rel=1e-12):
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


def test_erlang_c_published_example(cli):
    out = cli.json("erlang", "c", "--traffic", 10, "--agents", 14, "--aht-s", 180, "--target-s", 20)
    assert set(out) == {"p_wait", "service_level", "asa_s", "occupancy"}
    assert close(out["p_wait"], 0.174131933595049842644707)
    assert close(out["service_level"], 0.8883500191794668842482187)
    assert close(out["asa_s"], 7.835937011777242919011814)
    assert close(out["occupancy"], 10 / 14)


def test_erlang_c_prints_17_significant_digits(cli):
    r = cli.run("erlang", "c", "--traffic", 10, "--agents", 14, "--json", check=0)
    assert '"p_wait":0.17413193359504986' in r.stdout


def test_erlang_c_without_aht_gives_asa_in_aht_units(cli):
    out = cli.json("erlang", "c", "--traffic", 10, "--agents", 14)
    assert set(out) == {"p_wait", "asa_aht", "occupancy"}
    assert close(out["asa_aht"] * 180, 7.835937011777242919011814)


def test_erlang_b(cli):
    out = cli.json("erlang", "b", "--traffic", 1.0, "--servers", 10)
    assert set(out) == {"blocking"}
    assert close(out["blocking"], 1.013777129816493160400527e-7)


def test_erlang_c_vanishing_load_is_a_result_not_an_error(cli):
    # 1e-306 Erlangs on 1000 agents: P(wait) = 10^-308567.6 (mpmath), so every call is
    # answered at once. The load is valid input: a result, not "callcore: " with no detail.
    out = cli.json("erlang", "c", "--traffic", "1e-306", "--agents", 1000, "--aht-s", 180)
    assert out["p_wait"] == 0.0
    assert out["service_level"] == 1.0
    assert out["asa_s"] == 0.0


def test_staff_scheduled_agents_beyond_int_is_an_error(cli):
    # 10^6 Erlangs need 1,000,235 agents; at 99.99 % shrinkage that is 1.0002e10 scheduled
    # agents, more than an int holds: a clear failure, not -2147483648 with exit 0.
    r = cli.run("staff", "--calls", 1000000, "--interval-s", 3600, "--aht-s", 3600,
                "--target-sl", 0.8, "--target-s", 20, "--shrinkage", 0.9999, "--json", check=1)
    assert r.stdout == ""
    assert "scheduled agents, more than 2147483647" in r.stderr


def test_erlang_a_published_example(cli):
    out = cli.json("erlang", "a", "--traffic", 10, "--agents", 14, "--aht-s", 180,
                   "--patience-s", 300, "--target-s", 20)
    assert set(out) == {"p_wait", "p_abandon", "service_level", "asa_s", "occupancy"}
    assert close(out["p_wait"], 0.1452601142963612029252774)
    assert close(out["p_abandon"], 0.01398374412240893753722905)
    assert close(out["service_level"], 0.9167920918635468711364774)
    assert close(out["occupancy"], 0.7042973256268507589019792)


@pytest.mark.parametrize("args,needle", [
    (["erlang", "c", "--traffic", 14, "--agents", 14], "must exceed the traffic"),
    (["erlang", "c", "--traffic", "ten", "--agents", 14], "expected a number"),
    (["erlang", "c", "--traffic", "0x8", "--agents", 14], "expected a number"),  # no hex
    (["erlang", "c", "--traffic", " 8", "--agents", 14], "expected a number"),
    (["erlang", "x", "--traffic", 1], "unknown model"),
    (["erlang", "b", "--traffic", -1, "--servers", 3], "traffic"),
    (["erlang", "a", "--traffic", 5, "--agents", 6, "--aht-s", 180], "--patience-s is required"),
    (["staff", "--calls", 100, "--interval-s", 1800, "--aht-s", 180], "exactly one of"),
    (["staff", "--calls", 100, "--interval-s", 1800, "--aht-s", 180, "--target-sl", 0.8,
      "--target-s", 20, "--target-asa-s", 10], "exactly one of"),
    (["staff", "--calls", 100, "--interval-s", 1800, "--aht-s", 180, "--target-sl", 1.5,
      "--target-s", 20], "service-level target"),
    (["staff", "--calls", 100, "--interval-s", 1800, "--aht-s", 180, "--target-abandon", 0.05],
     "needs --patience-s"),
])
def test_bad_input_is_a_usage_error(cli, args, needle):
    r = cli.run(*args, check=2)
    assert needle in r.stderr
    assert r.stdout == ""


def test_a_tiny_number_is_a_number(cli):
    # strtod's underflow (ERANGE) refused 1e-320 as "expected a number"
    out = cli.json("erlang", "b", "--traffic", "1e-320", "--servers", 1)
    assert out["blocking"] < 1e-300


def test_staff_keys_and_values(cli):
    out = cli.json("staff", "--calls", 100, "--interval-s", 1800, "--aht-s", 180,
                   "--target-sl", 0.8, "--target-s", 20)
    assert set(out) == {"agents", "scheduled_agents", "traffic", "p_wait", "service_level",
                        "asa_s", "occupancy"}
    assert out["agents"] == 14 and out["scheduled_agents"] == 14
    assert close(out["service_level"], 0.8883500191794668842482187)


def test_staff_zero_threshold_means_answered_at_once(cli):
    out = cli.json("staff", "--calls", 100, "--interval-s", 1800, "--aht-s", 180,
                   "--target-sl", 0.8, "--target-s", 0)
    assert out["service_level"] == pytest.approx(1 - out["p_wait"], rel=1e-12)  # not SL(20 s)
    assert out["agents"] == 14 and out["service_level"] < 0.83


def test_staff_occupancy_cap_and_shrinkage(cli):
    out = cli.json("staff", "--calls", 1000, "--interval-s", 3600, "--aht-s", 120,
                   "--target-sl", 0.8, "--target-s", 20, "--max-occupancy", 0.85,
                   "--shrinkage", 0.3)
    assert out["agents"] == 40 and out["scheduled_agents"] == 58
    assert out["occupancy"] <= 0.85


def test_staff_asa_and_abandonment_targets(cli):
    out = cli.json("staff", "--calls", 100, "--interval-s", 1800, "--aht-s", 180,
                   "--target-asa-s", 10)
    assert out["asa_s"] <= 10
    lower = cli.json("erlang", "c", "--traffic", 10, "--agents", out["agents"] - 1,
                     "--aht-s", 180)
    assert lower["asa_s"] > 10
    out = cli.json("staff", "--calls", 1000, "--interval-s", 1800, "--aht-s", 180,
                   "--target-abandon", 0.10, "--patience-s", 60)
    assert out["agents"] == 93 and out["p_abandon"] <= 0.10  # below the 100-Erlang load


def write_series(path, days, per_day):
    with open(path, "w") as f:
        f.write("DateTime,Calls\n")
        for d in range(days):
            day = 2 + d + 2 * (d // 5)  # weekdays from Monday 2023-01-02
            for i in range(per_day):
                calls = 50 + 30 * math.sin(math.pi * i / per_day) + 5 * (d % 5)
                f.write(f"2023-01-{day:02d}T{8 + i:02d}:00:00Z,{calls:.0f}\n")


def test_forecast_next_day(cli, tmp_path):
    path = tmp_path / "calls.csv"
    write_series(path, 20, 10)
    out = cli.json("forecast", "--input", path, "--method", "seasonal_naive_weekly")
    assert out["period"] == 10 and out["week"] == 50  # no weekend days: five-day weeks
    assert len(out["forecast"]) == 10
    assert out["forecast"][0] == pytest.approx(50)  # the first interval of the last Monday
    assert all(lo <= f <= hi for lo, f, hi in zip(out["lower"], out["forecast"], out["upper"]))


def test_forecast_period_whose_week_overflows_is_a_usage_error(cli, tmp_path):
    # --period times the days of the week was formed before any check: signed overflow
    # (UBSan: 3000000000000000000 * 5) before the library's own refusal.
    path = tmp_path / "calls.csv"
    write_series(path, 20, 10)
    r = cli.run("forecast", "--input", path, "--period", 3000000000000000000, check=2)
    assert "--period 3000000000000000000 times 5 days a week does not fit" in r.stderr
    assert "runtime error" not in r.stderr


@pytest.mark.parametrize("period", [0, -3])
def test_forecast_period_below_one_says_so(cli, tmp_path, period):
    # It used to say "cannot tell the intervals per day: give --period" although
    # --period was given.
    path = tmp_path / "calls.csv"
    write_series(path, 20, 10)
    r = cli.run("forecast", "--input", path, "--period", period, check=2)
    assert f"--period must be >= 1 (intervals per day), got {period}" in r.stderr
    assert "give --period" not in r.stderr


@pytest.mark.parametrize("level", [0, -0.0])
def test_forecast_level_zero_is_a_usage_error(cli, tmp_path, level):
    # 0 is the options' "default": --level 0 printed "at 0%" and "level": 0 over
    # intervals computed at 95%.
    path = tmp_path / "calls.csv"
    write_series(path, 20, 10)
    r = cli.run("forecast", "--input", path, "--level", level, check=2)
    assert "--level must be inside (0, 1)" in r.stderr and r.stdout == ""


def test_forecast_backtest_bad_option_is_a_usage_error(cli, tmp_path):
    # The weekly baseline runs first and met the bad option first: exit 1, "baseline: ...".
    path = tmp_path / "calls.csv"
    write_series(path, 20, 10)
    r = cli.run("forecast", "--input", path, "--train-days", 10, "--method", "moving_average",
                "--window", 100000, check=2)
    first = r.stderr.splitlines()[0]
    assert "window must be at most" in first and "baseline" not in first


def test_forecast_help_names_every_method_and_the_default(cli):
    out = cli.run("forecast", "--help", check=0).stdout
    assert "daily_profile" in out.split("methods:")[1]
    assert "by daily_profile unless --method" in out


def test_forecast_rejects_unknown_method(cli, tmp_path):
    path = tmp_path / "calls.csv"
    write_series(path, 20, 10)
    r = cli.run("forecast", "--input", path, "--method", "arima", check=2)
    assert "unknown forecast method" in r.stderr


def test_forecast_bank_2003_beats_weekly_naive(cli, data_dir):
    if not data_dir or not os.path.exists(os.path.join(data_dir, "bank-calls-2003")):
        pytest.skip("CALLCORE_DATA/bank-calls-2003 absent")
    path = os.path.join(data_dir, "bank-calls-2003", "bank_calls.csv")
    out = cli.json("forecast", "--input", path, "--train-days", 120)
    assert out["period"] == 169 and out["week"] == 845
    assert out["train_days"] == 120 and out["test_days"] == 44
    by = {m["method"]: m for m in out["methods"]}
    assert by["seasonal_naive_weekly"]["wape_vs_baseline"] == pytest.approx(1.0)
    best = min(m["wape"] for m in out["methods"])
    assert best < 0.85 * out["baseline_wape"]


def test_schedule_sample_files(cli):
    out = cli.json("schedule", "--requirements", os.path.join(EXAMPLES, "schedule_requirements.csv"),
                   "--shifts", os.path.join(EXAMPLES, "schedule_shifts.csv"), "--aht-s", 240)
    n = out["intervals"]
    assert n == 56 and out["optimal"] is True
    for key in ("required", "coverage", "over", "under", "service_level"):
        assert len(out[key]) == n
    assert all(c >= r for c, r in zip(out["coverage"], out["required"]))
    assert all(c - r == o for c, r, o in zip(out["coverage"], out["required"], out["over"]))
    assert min(out["service_level"]) >= 0.8
    assert sum(s["agents"] for s in out["shifts"]) == out["agents"]


def test_schedule_interval_s_is_documented_as_having_no_effect(cli):
    # The help used to promise an "interval length for the service level" that nothing
    # used: the traffic column is in Erlangs, so the service level does not depend on it.
    help_text = cli.run("schedule", "--help", check=0).stdout
    assert "--interval-s is accepted and has no effect" in help_text
    files = ["--requirements", os.path.join(EXAMPLES, "schedule_requirements.csv"),
             "--shifts", os.path.join(EXAMPLES, "schedule_shifts.csv"), "--aht-s", 240]
    short = cli.json("schedule", *files, "--interval-s", 60)
    long_ = cli.json("schedule", *files, "--interval-s", 3600)
    assert short["service_level"] == long_["service_level"]


def test_schedule_uncoverable_interval_fails(cli, tmp_path):
    req = tmp_path / "req.csv"
    req.write_text("required\n1\n1\n2\n")
    shifts = tmp_path / "shifts.csv"
    shifts.write_text("name,start_first,start_last,length,cost\nshort,0,0,2,2\n")
    r = cli.run("schedule", "--requirements", req, "--shifts", shifts, check=1)
    assert "interval 2" in r.stderr


def test_schedule_refuses_requirements_beyond_erlang_range(cli, tmp_path):
    # 1e9 agents per interval overflowed the int total (UB, agents -1294967296) and gave
    # null service levels with exit 0; an interval may require at most 10^7 agents.
    req = tmp_path / "req.csv"
    req.write_text("required,traffic\n1000000000,5\n1000000000,5\n1000000000,5\n")
    shifts = tmp_path / "shifts.csv"
    shifts.write_text("name,start_first,start_last,length,cost\none,0,2,1,1\n")
    r = cli.run("schedule", "--requirements", req, "--shifts", shifts, "--json", check=2)
    assert r.stdout == ""
    assert "interval 0 requires 1000000000 agents: must be in [0, 10000000]" in r.stderr


def test_forecast_bad_row_names_file_and_line(cli, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("# counts\nDateTime,Calls\n2023-01-02T08:00:00Z,5\n2023-01-02T09:00:00Z,many\n")
    r = cli.run("forecast", "--input", path, check=1)
    assert f"{path}:4: 'many' is not a volume in [0, 1e+15]" in r.stderr
    path.write_text("DateTime,Calls\n2023-01-02T08:00:00Z,5,6\n")
    assert f"{path}:2: expected 2 fields" in cli.run("forecast", "--input", path, check=1).stderr


def test_schedule_bad_rows_name_file_and_line(cli, tmp_path):
    req = tmp_path / "req.csv"
    req.write_text("required\n1\n1.5\n")
    shifts = tmp_path / "shifts.csv"
    shifts.write_text("name,start_first,start_last,length,cost\nshort,0,0,2,2\n")
    r = cli.run("schedule", "--requirements", req, "--shifts", shifts, check=1)
    assert f"{req}:3: 'required' must be a whole number, got '1.5'" in r.stderr
    req.write_text("required\n1\n")
    shifts.write_text("name,start_first,start_last,length\nshort,0,0,2\n")
    r = cli.run("schedule", "--requirements", req, "--shifts", shifts, check=1)
    assert f"{shifts}: missing column 'cost'" in r.stderr
