"""The contact-center simulator: the real routing engine in virtual time.

A scenario (JSON, format in docs/sim.md, or the classic single queue) is run
through a simulated media backend; the result is the same KPI report as
``callcore kpi``::

    run = callcore.simulate_quick(agents=14, calls_per_hour=200, aht_s=180,
                                  patience_s=120, hours=8, seed=1)
    print(run.report["totals"]["service_level"], run.stats.arrivals)

    with callcore.Scenario.load("examples/scenarios/bank.json") as sc:
        run = callcore.simulate(sc, seed=7, event_sink=print)

A seed fully determines a run.
"""

import json
import operator
import os
import types

from . import capi
from .arguments import real as _real
from .events import Event
from .owned import OwnedHandle

__all__ = ["Scenario", "simulate", "simulate_quick"]


class Scenario(OwnedHandle):
    """A parsed, immutable scenario (``cc_sim_scenario``). Build it with
    :meth:`from_json` (a dict or JSON text), :meth:`load` (a file) or
    :meth:`quick`; runs may share it."""

    _free_c = staticmethod(capi.cc_sim_scenario_free)
    _what = "scenario"

    def __init__(self, ptr):
        self._ptr = ptr

    @classmethod
    def from_json(cls, scenario, base_dir=None):
        """From a dict or JSON text; ``base_dir`` resolves data file names."""
        text = scenario if isinstance(scenario, (str, bytes)) else json.dumps(scenario)
        if isinstance(text, str):
            text = text.encode()
        return cls(capi.cc_sim_scenario_parse(text, None if base_dir is None
                                              else os.fspath(base_dir)))

    @classmethod
    def load(cls, path):
        """From a JSON file (data files resolve beside it)."""
        return cls(capi.cc_sim_scenario_load(os.fspath(path)))

    @classmethod
    def quick(cls, *, agents, calls_per_hour, aht_s, hours, patience_s=0.0,
              sl_threshold_s=0.0, seed=0, interval_min=0.0):
        """The classic single queue: M/M/N, or M/M/N+M with patience_s > 0."""
        # operator.index, not int(): 14.7 agents are not 14, nor is seed "7" a seed
        return cls(capi.cc_sim_scenario_quick({
            "agents": operator.index(agents),
            "calls_per_hour": _real(calls_per_hour, "calls_per_hour"),
            "aht_s": _real(aht_s, "aht_s"), "hours": _real(hours, "hours"),
            "patience_s": _real(patience_s, "patience_s"),
            "sl_threshold_s": _real(sl_threshold_s, "sl_threshold_s"),
            "seed": operator.index(seed), "interval_min": _real(interval_min, "interval_min")}))

    @property
    def agents(self):
        """Agents in the scenario."""
        return self._in_call(capi.cc_sim_scenario_agents)

    @property
    def hours(self):
        """The arrival horizon in hours."""
        return self._in_call(capi.cc_sim_scenario_hours)

    def expected_arrivals(self, from_s=0.0, to_s=None):
        """Expected arrivals in [from_s, to_s) (default: the whole horizon)."""
        if to_s is None:
            to_s = self.hours * 3600
        return self._in_call(capi.cc_sim_scenario_expected_arrivals, _real(from_s, "from_s"),
                             _real(to_s, "to_s"))



def simulate(scenario, *, seed=0, event_sink=None, full=True):
    """Runs ``scenario`` (a :class:`Scenario`, a dict or JSON text) once and
    returns a namespace: ``report`` (the KPI report as a dict; ``full`` adds
    channels, interval x queue rows, Pareto and settings) and ``stats``
    (arrivals, finished, unfinished, offers, no_answers, ...). ``event_sink``
    receives every engine event as an :class:`Event`; an exception it raises
    is re-raised once the run is over."""
    owned = None
    if not isinstance(scenario, Scenario):
        scenario = owned = Scenario.from_json(scenario)
    pending = []
    sink = None
    if event_sink is not None:
        def sink(raw):
            if not pending:
                try:
                    event_sink(Event.from_dict(raw))
                except BaseException as exc:  # noqa: BLE001 - re-raised after the run
                    pending.append(exc)
    try:
        text, stats = scenario._in_call(capi.cc_sw_sim_run, operator.index(seed),
                                        capi.CC_KPI_JSON_FULL if full else 0, sink)
    finally:
        if owned is not None:
            owned.close()
    if pending:
        raise pending[0]
    return types.SimpleNamespace(report=json.loads(text), stats=types.SimpleNamespace(**stats))


def simulate_quick(*, agents, calls_per_hour, aht_s, hours, patience_s=0.0, sl_threshold_s=0.0,
                   seed=1, interval_min=0.0, event_sink=None):
    """Simulates the classic single queue (see :meth:`Scenario.quick`)."""
    with Scenario.quick(agents=agents, calls_per_hour=calls_per_hour, aht_s=aht_s, hours=hours,
                        patience_s=patience_s, sl_threshold_s=sl_threshold_s, seed=seed,
                        interval_min=interval_min) as sc:
        return simulate(sc, event_sink=event_sink)
