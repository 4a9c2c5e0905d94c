"""The simulator through Python: scenarios, determinism, events, theory."""
import json
import os

import numpy as np
import pytest

import callcore

pytestmark = pytest.mark.usefixtures("engine_available")

SCENARIOS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "scenarios")


def test_quick_scenario_is_deterministic_and_near_erlang_c():
    a = callcore.simulate_quick(agents=14, calls_per_hour=200, aht_s=180, hours=40, seed=3)
    b = callcore.simulate_quick(agents=14, calls_per_hour=200, aht_s=180, hours=40, seed=3)
    assert a.report == b.report and a.stats == b.stats
    assert a.stats.arrivals == a.stats.finished > 7000
    theory = callcore.erlang_c_service_level(14, 10.0, 20 / 180)
    assert a.report["totals"]["service_level"] == pytest.approx(theory, abs=0.03)
    c = callcore.simulate_quick(agents=14, calls_per_hour=200, aht_s=180, hours=40, seed=4)
    assert c.report != a.report  # another seed, another run


def test_scenarios_from_files_and_dicts_with_events():
    path = os.path.join(SCENARIOS, "mmn.json")
    if not os.path.exists(path):
        pytest.skip("examples/scenarios/mmn.json not present")
    with callcore.Scenario.load(path) as sc:
        assert sc.agents > 0 and sc.expected_arrivals() > 0
        seen = []
        run = callcore.simulate(sc, seed=2, event_sink=seen.append)
        assert len(seen) == run.stats.engine_events
        assert sum(1 for e in seen if e.terminal) == run.stats.finished
    with open(path) as f:
        as_dict = json.load(f)
    again = callcore.simulate(as_dict, seed=2)
    assert again.report == run.report


def test_a_scenario_file_is_opened_by_the_bytes_of_its_name(tmp_path):
    # As for imports: a non-UTF-8 file name (a str with a surrogate escape from os.listdir,
    # or bytes) raised UnicodeEncodeError / TypeError instead of loading the file.
    raw = os.path.join(os.fsencode(tmp_path), b"sc\xe9nario.json")
    with open(raw, "w") as f:
        json.dump({"version": 1, "hours": 1, "queues": [{"name": "q"}],
                   "agents": [{"name": "a", "queues": ["q"]}],
                   "arrivals": [{"queue": "q", "calls_per_hour": 10,
                                 "handle_s": {"dist": "exponential", "mean": 60}}]}, f)
    for path in (os.fsdecode(raw), raw):
        with callcore.Scenario.load(path) as sc:
            assert sc.agents == 1


def test_bad_scenarios_name_the_problem():
    with pytest.raises(callcore.ParseError):
        callcore.Scenario.from_json("{not json")
    with pytest.raises(callcore.InvalidArgument, match="agents"):
        callcore.Scenario.quick(agents=0, calls_per_hour=100, aht_s=180, hours=1)
    with pytest.raises(callcore.IOError_):
        callcore.Scenario.load("/nonexistent/scenario.json")


def test_agent_counts_and_seeds_refuse_fractions_and_strings():
    # int() made 14.7 agents 14 and seed "7" 7 (erlang_c and the engine refuse them).
    for bad in ({"agents": 14.7}, {"agents": "14"}, {"seed": 1.5}, {"seed": "7"}):
        args = {**dict(agents=14, calls_per_hour=100, aht_s=180, hours=1, seed=1), **bad}
        with pytest.raises(TypeError):
            callcore.Scenario.quick(**args)
        with pytest.raises(TypeError):
            callcore.simulate_quick(**args)
    sc = callcore.Scenario.quick(agents=np.int64(3), calls_per_hour=10, aht_s=60, hours=1,
                                 seed=np.uint64(2))  # any integer type
    assert sc.agents == 3
    sc.close()
    with pytest.raises(TypeError):
        callcore.simulate(callcore.Scenario.quick(agents=3, calls_per_hour=10, aht_s=60,
                                                  hours=1), seed=2.5)


def test_sink_errors_are_raised_after_the_run():
    def sink(ev):
        raise ValueError("stop")

    with pytest.raises(ValueError, match="stop"):
        callcore.simulate_quick(agents=2, calls_per_hour=20, aht_s=60, hours=1, event_sink=sink)


def test_closing_the_scenario_during_its_run_is_refused_with_busy():
    with callcore.Scenario.quick(agents=2, calls_per_hour=60, aht_s=180, hours=1) as sc:
        def closing_sink(ev):
            sc.close()
        with pytest.raises(callcore.Busy):
            callcore.simulate(sc, event_sink=closing_sink)
        assert sc.agents == 2  # still open
