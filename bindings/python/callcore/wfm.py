"""Workforce maths: Erlang B / C / A and staffing.

Times inside the Erlang formulas are in units of the mean handle time (AHT):
``traffic`` is the offered load in Erlangs, ``t_aht`` a threshold divided by
the AHT. The staffing functions take seconds. Invalid input raises
:class:`callcore.InvalidArgument` (a ValueError) with the library's detail::

    >>> round(callcore.erlang_c(14, 10.0), 4)            # P(wait)
    0.1741
    >>> callcore.staff(calls=100, interval_s=1800, aht_s=180, target_sl=0.8, target_s=20).agents
    14
    >>> plan = callcore.staffing_plan(numpy.array([80., 120., 95.]), interval_s=1800,
    ...                               aht_s=240, target_sl=0.8, target_s=20)
    >>> plan.agents                                       # a numpy array, like the input

Interval plans accept any sequence of numbers; with numpy arrays the result
columns are numpy arrays too (float64 contiguous input is read in place).
"""

import numbers
import operator
import types

from . import capi
from .arguments import real as _real

__all__ = ["erlang_b", "erlang_b_log10", "erlang_b_traffic", "erlang_c", "erlang_c_log10",
           "erlang_c_service_level", "erlang_c_asa", "erlang_c_wait_if_waiting",
           "erlang_c_occupancy", "erlang_a", "erlang_a_p_abandon", "erlang_a_service_level",
           "agents_for_service_level", "staff", "staffing_plan", "StaffingPlan",
           "MAX_AGENTS", "Schedule", "shift_template", "schedule_shifts"]

MAX_AGENTS = capi.CC_ERLANG_MAX_AGENTS

try:  # numpy is optional: plans then return lists
    import numpy as _np
except ImportError:  # pragma: no cover - numpy is installed where the tests run
    _np = None


def _count(agents):
    """An agent count as an int: any integer type (numpy's too), never a fraction or a
    str (int() answered erlang_c(14.9, ...) for 14 agents)."""
    return operator.index(agents)


def erlang_b(servers, traffic):
    """Erlang B blocking probability (servers may be fractional)."""
    return capi.cc_erlang_b(_real(servers, "servers"), _real(traffic, "traffic"))


def erlang_b_log10(servers, traffic):
    """log10 of Erlang B, finite where the value underflows."""
    return capi.cc_erlang_b_log10(_real(servers, "servers"), _real(traffic, "traffic"))


def erlang_b_traffic(servers, blocking):
    """Inverse Erlang B: the load at which ``servers`` block with ``blocking``."""
    return capi.cc_erlang_b_traffic(_real(servers, "servers"), _real(blocking, "blocking"))


def erlang_c(agents, traffic):
    """Erlang C probability of waiting (needs agents > traffic)."""
    return capi.cc_erlang_c(_count(agents), _real(traffic, "traffic"))


def erlang_c_log10(agents, traffic):
    """log10 of Erlang C's P(wait)."""
    return capi.cc_erlang_c_log10(_count(agents), _real(traffic, "traffic"))


def erlang_c_service_level(agents, traffic, t_aht):
    """P(wait <= t_aht) under Erlang C (t in AHT units)."""
    return capi.cc_erlang_c_service_level(_count(agents), _real(traffic, "traffic"),
                                          _real(t_aht, "t_aht"))


def erlang_c_asa(agents, traffic):
    """Mean wait of all calls, in AHT units."""
    return capi.cc_erlang_c_asa(_count(agents), _real(traffic, "traffic"))


def erlang_c_wait_if_waiting(agents, traffic):
    """Mean wait of the calls that wait, in AHT units."""
    return capi.cc_erlang_c_wait_if_waiting(_count(agents), _real(traffic, "traffic"))


def erlang_c_occupancy(agents, traffic):
    """Agent occupancy traffic / agents."""
    return capi.cc_erlang_c_occupancy(_count(agents), _real(traffic, "traffic"))


def erlang_a(agents, traffic, patience_aht, t_aht=0.0):
    """Every Erlang A (M/M/N+M) quantity as a namespace: p_wait, p_abandon,
    p_abandon_if_waiting, mean_wait_all, asa_answered, mean_queue, occupancy,
    p_wait_gt_t, p_wait_le_t, sl_offered, sl_answered, p_abandon_within_t
    (times in AHT units)."""
    return types.SimpleNamespace(**capi.cc_erlang_a_eval(
        _count(agents), _real(traffic, "traffic"), _real(patience_aht, "patience_aht"),
        _real(t_aht, "t_aht")))


def erlang_a_p_abandon(agents, traffic, patience_aht):
    """Erlang A probability of abandoning."""
    return capi.cc_erlang_a_p_abandon(_count(agents), _real(traffic, "traffic"),
                                      _real(patience_aht, "patience_aht"))


def erlang_a_service_level(agents, traffic, patience_aht, t_aht):
    """Erlang A service level (answered within t over offered)."""
    return capi.cc_erlang_a_service_level(_count(agents), _real(traffic, "traffic"),
                                          _real(patience_aht, "patience_aht"),
                                          _real(t_aht, "t_aht"))


def agents_for_service_level(traffic, aht_s, target_sl, target_s):
    """Minimum Erlang C agents for P(wait <= target_s) >= target_sl."""
    return capi.cc_staffing_agents_for_sl(_real(traffic, "traffic"), _real(aht_s, "aht_s"),
                                          _real(target_sl, "target_sl"),
                                          _real(target_s, "target_s"))


def _options(goal, targets):
    opts = dict(targets)
    if goal is not None:
        opts["goal"] = goal
    return opts


def staff(calls, interval_s, aht_s, *, goal=None, **targets):
    """Staffs one interval: ``calls`` over ``interval_s`` seconds with handle
    time ``aht_s``. ``goal`` is "service_level" (default), "asa" or "abandon";
    targets: target_sl, target_s, target_asa_s, target_abandon, patience_s
    (> 0 switches to Erlang A), max_occupancy, shrinkage. Returns a namespace
    with agents, scheduled_agents, traffic, p_wait, service_level, asa_s,
    occupancy, p_abandon."""
    return types.SimpleNamespace(**capi.cc_staffing_solve(
        _options(goal, targets), _real(calls, "calls"), _real(interval_s, "interval_s"),
        _real(aht_s, "aht_s")))


class StaffingPlan:
    """Per-interval staffing results, one column per field (agents,
    scheduled_agents, traffic, p_wait, service_level, asa_s, occupancy,
    p_abandon); numpy arrays when the input was numpy, else lists."""

    FIELDS = ("agents", "scheduled_agents", "traffic", "p_wait", "service_level", "asa_s",
              "occupancy", "p_abandon")

    def __init__(self, columns, as_numpy):
        for name in self.FIELDS:
            col = columns[name]
            if as_numpy:
                col = _np.asarray(col, dtype=_np.int64 if name.endswith("agents") else _np.float64)
            setattr(self, name, col)

    def __len__(self):
        return len(self.agents)

    def rows(self):
        """The plan as a list of per-interval namespaces."""
        return [types.SimpleNamespace(**{f: getattr(self, f)[i] for f in self.FIELDS})
                for i in range(len(self))]

    def __repr__(self):
        return f"<callcore.StaffingPlan {len(self)} intervals, peak {max(self.agents, default=0)}>"


def _is_numpy(x):
    return _np is not None and isinstance(x, _np.ndarray)


def _array(x):
    """A sequence of numbers for C: a numpy array as contiguous float64 (read in place), any
    other sequence as it is (the wrapper reads it). Only one dimension: reshape(-1) read a
    2-D table row after row as one series."""
    if _is_numpy(x):
        if x.ndim != 1:
            raise ValueError(f"expected a one-dimensional array, got shape {x.shape}")
        return _np.ascontiguousarray(x, dtype=_np.float64)
    return x


def staffing_plan(calls, *, interval_s, aht_s, goal=None, **targets):
    """Staffs every interval of a plan. ``calls`` is a sequence (or numpy
    array) of interval volumes; ``aht_s`` one handle time for every interval
    or a sequence of the same length. Targets as :func:`staff`. Returns a
    :class:`StaffingPlan`."""
    as_numpy = _is_numpy(calls) or _is_numpy(aht_s)
    # numbers.Real, not (int, float): numpy scalars (np.int64 from a pandas column) are
    # one handle time too, not a sequence.
    if isinstance(aht_s, bool):
        raise TypeError("aht_s must be a number of seconds or a sequence of them, not a bool")
    if isinstance(aht_s, numbers.Real):
        aht_default, aht_seq = _real(aht_s, "aht_s"), None
    else:
        aht_default, aht_seq = 0.0, _array(aht_s)
    columns = capi.cc_sw_staffing_plan(_options(goal, targets), _array(calls), aht_seq,
                                       aht_default, _real(interval_s, "interval_s"))
    return StaffingPlan(columns, as_numpy)


class Schedule:
    """A shift schedule (see :func:`schedule_shifts`). Per-interval arrays:
    ``coverage`` (agents working), ``over``, ``under``, ``service_level``
    (Erlang C with the scheduled agents; NaN without traffic); the chosen
    shifts in ``assignments`` (namespaces: shift = template index, start,
    break_start (-1 without a break), agents); totals ``agents``, ``cost``
    and ``optimal`` (False when the solver stopped at its time limit)."""

    def __init__(self, d, as_numpy):
        conv = (lambda v, t: _np.asarray(v, dtype=t)) if as_numpy else (lambda v, t: v)
        self.coverage = conv(d["coverage"], _np.int64 if _np else None)
        self.over = conv(d["over"], _np.int64 if _np else None)
        self.under = conv(d["under"], _np.int64 if _np else None)
        self.service_level = conv(d["service_level"], _np.float64 if _np else None)
        self.assignments = [types.SimpleNamespace(shift=s, start=st, break_start=b, agents=a)
                            for s, st, b, a in zip(d["shift"], d["start"], d["break_start"],
                                                   d["agents"])]
        self.agents = d["total_agents"]
        self.cost = d["cost"]
        self.optimal = bool(d["optimal"])

    def __repr__(self):
        return (f"<callcore.Schedule {len(self.assignments)} shifts, {self.agents} agents, "
                f"cost {self.cost:g}{'' if self.optimal else ', not proven optimal'}>")


def shift_template(*, start_first, start_last, length, start_step=1, break_earliest=0,
                   break_latest=0, break_length=0, cost=None):
    """A shift template (times in planning intervals): starts from
    ``start_first`` to ``start_last`` every ``start_step``, ``length``
    intervals long, one unpaid break of ``break_length`` starting between
    ``break_earliest`` and ``break_latest`` intervals after the start. Cost
    defaults to the paid length."""
    return {"start_first": start_first, "start_last": start_last, "start_step": start_step,
            "length": length, "break_earliest": break_earliest, "break_latest": break_latest,
            "break_length": break_length,
            "cost": _real(length if cost is None else cost, "cost")}


def schedule_shifts(required, templates, *, traffic=None, under_cost=0.0, max_seconds=None,
                    interval_s=None, aht_s=None, target_s=None):
    """Chooses how many agents work each shift so that every interval has
    ``required`` agents (whole numbers) at minimum cost (COIN-OR CBC).
    ``templates`` are mappings (see :func:`shift_template`); ``traffic``
    (Erlangs per interval) gives each interval's service level; with
    ``under_cost`` > 0 shortages are allowed at that cost. Returns a
    :class:`Schedule`; raises Infeasible when an interval cannot be covered."""
    opts = {"under_cost": _real(under_cost, "under_cost")}
    for key, value in (("max_seconds", max_seconds), ("interval_s", interval_s),
                       ("aht_s", aht_s), ("target_s", target_s)):
        if value is not None:
            opts[key] = _real(value, "value")
    as_numpy = _is_numpy(required) or _is_numpy(traffic)
    d = capi.cc_sw_schedule_solve(opts, _array(required),
                                  None if traffic is None else _array(traffic),
                                  {"templates": [dict(t) for t in templates]})
    return Schedule(d, as_numpy)
