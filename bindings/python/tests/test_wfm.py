"""Workforce maths through Python: Erlang B/C/A, staffing, interval plans."""
import csv
import math
import os

import numpy as np
import pytest

import callcore


def test_published_erlang_c_example():
    # 100 calls in 30 min, AHT 180 s, 14 agents: the classic calculator example.
    traffic = 100 * 180 / 1800
    assert callcore.erlang_c(14, traffic) == pytest.approx(0.1741319336, rel=1e-9)
    assert callcore.erlang_c_service_level(14, traffic, 20 / 180) == pytest.approx(0.88835, abs=1e-5)
    assert callcore.erlang_c_asa(14, traffic) * 180 == pytest.approx(7.8359370118, rel=1e-9)
    assert callcore.erlang_c_occupancy(14, traffic) == pytest.approx(10 / 14)


def test_erlang_c_matches_the_reference_table(data_dir):
    # The binding passes doubles through untouched; the library's own tests
    # pin its accuracy, so a looser bound on SL suffices here.
    path = os.path.join(data_dir, "wfm", "erlang_c.csv")
    rows = list(csv.DictReader(open(path)))
    assert len(rows) > 400
    for r in rows:
        n, a, t = int(r["N"]), float(r["A_erlangs"]), float(r["t_over_AHT"])
        assert callcore.erlang_c(n, a) == pytest.approx(float(r["C_Pwait"]), rel=1e-11, abs=1e-300)
        assert callcore.erlang_c_service_level(n, a, t) == pytest.approx(
            float(r["SL_P_W_le_t"]), rel=1e-8)


def test_erlang_b_and_its_inverse_agree():
    b = callcore.erlang_b(30, 20.0)
    assert 0 < b < 1
    assert callcore.erlang_b_traffic(30, b) == pytest.approx(20.0, rel=1e-12)
    assert callcore.erlang_b_log10(20000, 100.0) < -30000  # finite where B underflows


def test_invalid_input_raises_with_the_library_detail():
    with pytest.raises(callcore.InvalidArgument) as info:
        callcore.erlang_c(5, 10.0)
    assert info.value.status == callcore.capi.CC_EINVAL
    assert "agents (5) must exceed the traffic" in info.value.detail
    with pytest.raises(ValueError):  # InvalidArgument is a ValueError
        callcore.erlang_b(-1, 3.0)
    # A later valid call is not confused by the earlier detail message.
    assert callcore.erlang_c(14, 10.0) > 0
    with pytest.raises(callcore.InvalidArgument):
        callcore.agents_for_service_level(10.0, 180, 1.5, 20)



def test_agent_counts_refuse_fractions_instead_of_truncating():
    # erlang_c(14.9, 10) answered for 14 agents: the package ran int() over the count.
    import numpy as np
    for fn in (lambda n: callcore.erlang_c(n, 10.0),
               lambda n: callcore.erlang_c_service_level(n, 10.0, 0.1),
               lambda n: callcore.erlang_a(n, 10.0, 2.0),
               lambda n: callcore.erlang_a_p_abandon(n, 10.0, 2.0)):
        with pytest.raises(TypeError):
            fn(14.9)
        with pytest.raises(TypeError):
            fn("14")
        fn(np.int64(14))  # numpy integers are integers
    assert callcore.erlang_c(np.int32(14), 10.0) == callcore.erlang_c(14, 10.0)


def test_real_arguments_refuse_text_and_flags():
    # float() read "10.0" as 10.0 and True as 1.0: the same mistake an int() made for counts.
    import fractions
    import numpy as np
    calls = [lambda x: callcore.erlang_b(10, x), lambda x: callcore.erlang_c(14, x),
             lambda x: callcore.erlang_a(14, 10.0, x),
             lambda x: callcore.staff(calls=x, interval_s=1800, aht_s=180, target_sl=0.8,
                                      target_s=20),
             lambda x: callcore.Scenario.quick(agents=3, calls_per_hour=x, aht_s=60, hours=1)]
    for fn in calls:
        for bad in ("10.0", b"10", True):
            with pytest.raises(TypeError, match="must be a number"):
                fn(bad)
        fn(np.float64(10.0))  # any real number is one
        fn(fractions.Fraction(10))
    with pytest.raises(TypeError, match="pareto_share"):
        callcore.KpiAggregator(pareto_share="0.8")


def test_erlang_a_metrics_are_consistent():
    m = callcore.erlang_a(14, 10.0, patience_aht=2.0, t_aht=20 / 180)
    assert 0 < m.p_abandon < m.p_wait < 1
    assert m.p_abandon_if_waiting == pytest.approx(m.p_abandon / m.p_wait)
    assert m.mean_wait_all == pytest.approx(m.p_abandon * 2.0)
    assert callcore.erlang_a_p_abandon(14, 10.0, 2.0) == pytest.approx(m.p_abandon)
    with pytest.raises(callcore.InvalidArgument):
        callcore.erlang_a(14, 10.0, patience_aht=0.0)


def test_staff_one_interval_and_each_goal():
    r = callcore.staff(calls=100, interval_s=1800, aht_s=180, target_sl=0.8, target_s=20)
    assert (r.agents, r.traffic) == (14, 10.0)
    assert r.service_level >= 0.8
    asa = callcore.staff(calls=100, interval_s=1800, aht_s=180, goal="asa", target_asa_s=10)
    assert asa.asa_s <= 10
    ab = callcore.staff(calls=100, interval_s=1800, aht_s=180, goal="abandon",
                        target_abandon=0.05, patience_s=120)
    assert ab.p_abandon <= 0.05
    shr = callcore.staff(calls=100, interval_s=1800, aht_s=180, shrinkage=0.3)
    assert shr.scheduled_agents == math.ceil(shr.agents / 0.7)
    with pytest.raises(TypeError, match="unknown key 'target_sls'"):
        callcore.staff(calls=100, interval_s=1800, aht_s=180, target_sls=0.8)
    with pytest.raises(TypeError, match="unknown staffing goal"):
        callcore.staff(calls=100, interval_s=1800, aht_s=180, goal="happiness")


def test_plans_accept_lists_tuples_and_numpy_arrays():
    calls = [10, 50, 100, 200, 0]
    expected = [3, 8, 14, 24, 0]  # staffing_c.csv rows, 0 calls -> 0 agents
    from_list = callcore.staffing_plan(calls, interval_s=1800, aht_s=180, target_sl=0.8,
                                       target_s=20)
    assert from_list.agents == expected and isinstance(from_list.agents, list)
    from_tuple = callcore.staffing_plan(tuple(calls), interval_s=1800, aht_s=180)
    assert from_tuple.agents == expected
    arr = np.array(calls, dtype=np.float64)
    from_np = callcore.staffing_plan(arr, interval_s=1800, aht_s=180)
    assert isinstance(from_np.agents, np.ndarray) and from_np.agents.tolist() == expected
    ints = np.array(calls, dtype=np.int32)  # another dtype is converted
    assert callcore.staffing_plan(ints, interval_s=1800, aht_s=180).agents.tolist() == expected
    strided = np.array([[c, -1] for c in calls], dtype=np.float64)[:, 0]  # not contiguous
    assert callcore.staffing_plan(strided, interval_s=1800, aht_s=180).agents.tolist() == expected
    assert len(from_np) == 5 and from_np.rows()[2].agents == 14


def test_plans_take_per_interval_handle_times():
    plan = callcore.staffing_plan([100, 100], interval_s=1800, aht_s=np.array([180.0, 360.0]))
    assert plan.traffic.tolist() == [10.0, 20.0]
    # A length mismatch is a bad value (CC_EINVAL): InvalidArgument, a ValueError, as every
    # failing status is (docs/bindings.md); it was a bare TypeError without the status.
    with pytest.raises(callcore.InvalidArgument, match="aht_s has 1 entries but calls has 2"):
        callcore.staffing_plan([100, 100], interval_s=1800, aht_s=[180.0])
    with pytest.raises(TypeError):
        callcore.staffing_plan(["many", 3], interval_s=1800, aht_s=180)
    with pytest.raises(callcore.InvalidArgument, match="interval 1"):
        callcore.staffing_plan([100, -5], interval_s=1800, aht_s=180)



def test_one_handle_time_may_be_any_real_number_type():
    # aht_s of type numpy.int64 (a pandas column's value) was taken for a sequence:
    # "TypeError: expected a sequence of numbers".
    expected = callcore.staffing_plan([80., 120.], interval_s=1800, aht_s=240).agents
    for aht in (np.int64(240), np.float32(240), np.float64(240)):
        assert list(callcore.staffing_plan([80., 120.], interval_s=1800, aht_s=aht).agents) \
            == list(expected)


def test_arrays_have_one_dimension_and_a_handle_time_is_no_bool():
    # A 2-D array was read row after row as one series, and aht_s=True as 1 s.
    table = np.array([[80., 120.], [90., 100.]])
    with pytest.raises(ValueError, match="one-dimensional"):
        callcore.staffing_plan(table, interval_s=1800, aht_s=240)
    with pytest.raises(ValueError, match="one-dimensional"):
        callcore.Forecaster("seasonal_naive_daily", period=2).fit(table)
    with pytest.raises(TypeError, match="bool"):
        callcore.staffing_plan([80., 120.], interval_s=1800, aht_s=True)
    assert len(callcore.staffing_plan(table[0], interval_s=1800, aht_s=240).agents) == 2


def test_shift_scheduling_covers_every_interval_at_minimum_cost():
    required = np.array([2, 3, 5, 8, 8, 6, 4, 4, 6, 8, 7, 3, 2, 1, 0, 0], dtype=float)
    templates = [
        callcore.shift_template(start_first=0, start_last=8, length=8, break_earliest=3,
                                break_latest=4, break_length=1),
        callcore.shift_template(start_first=0, start_last=12, length=4),
    ]
    s = callcore.schedule_shifts(required, templates, traffic=required * 0.7,
                                 interval_s=900, aht_s=300)
    assert s.optimal
    assert np.all(s.coverage >= required)
    assert (s.coverage - required).tolist() == s.over.tolist()
    assert sum(a.agents for a in s.assignments) == s.agents
    assert s.cost == pytest.approx(sum(a.agents * (8 if a.shift == 0 else 4)
                                       for a in s.assignments))
    assert np.all((0 <= s.service_level) & (s.service_level <= 1))
    # With lists in, lists out; a shortage cost lets the solver leave gaps.
    cheap = callcore.schedule_shifts([1, 1, 1, 1], [callcore.shift_template(
        start_first=0, start_last=0, length=2)], under_cost=0.5)
    assert cheap.under == [1, 1, 1, 1] and cheap.agents == 0


def test_shift_scheduling_errors():
    one = [callcore.shift_template(start_first=0, start_last=0, length=2)]
    with pytest.raises(TypeError, match="not a whole number of agents"):
        callcore.schedule_shifts([1.5], one)
    with pytest.raises(callcore.Infeasible, match="interval 2 needs 3 agents"):
        callcore.schedule_shifts([1, 1, 3], one)
    with pytest.raises(TypeError, match="unknown key 'lenght'"):
        callcore.schedule_shifts([1], [{"start_first": 0, "start_last": 0, "lenght": 2}])
    with pytest.raises(callcore.InvalidArgument, match="traffic has 1 entries but required has 2"):
        callcore.schedule_shifts([1, 1], one, traffic=[0.5])
