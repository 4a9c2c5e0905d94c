"""The examples under examples/python run and produce what they promise."""
import os
import subprocess
import sys

import pytest

EXAMPLES = os.environ.get("CALLCORE_PYTHON_EXAMPLES") or os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "examples", "python")


def run(script, *args):
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *map(str, args)],
                       capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_staffing_day_writes_a_chart(data_dir, tmp_path):
    png = tmp_path / "staffing.png"
    out = run("staffing_day.py", "--out", png)
    assert "peak agents required" in out and "chart written" in out
    assert png.stat().st_size > 20_000 and png.read_bytes()[:4] == b"\x89PNG"


def test_kpi_report_on_two_bank_months(data_dir, tmp_path):
    png = tmp_path / "kpi.png"
    months = [os.path.join(data_dir, "anonymous-bank", m + ".txt") for m in ("january", "february")]
    out = run("kpi_report.py", "--input", *months, "--out", png)
    assert "imported 2 files" in out and "\nALL " in out
    assert "V1" in out and png.stat().st_size > 20_000


def test_switch_simulation_serves_calls(engine_available):
    out = run("switch_sim.py", "--hours", 1, "--agents", 12, "--calls-per-hour", 200)
    lines = out.splitlines()
    total = next(line for line in lines if line.startswith("ALL"))
    offered, answered, abandoned = (int(x) for x in total.split()[1:4])
    assert offered > 100 and answered + abandoned == offered
    assert "Erlang A for the same load" in out
