"""The KPI engine: streaming KPIs from events, log importers, reports.

A :class:`KpiAggregator` consumes events (live from an :class:`Engine`, or
replayed from real logs by :meth:`KpiAggregator.import_files`) and reports
every KPI named after its formula (service level V1..V6, ASA, AHT, FCR...)::

    with callcore.KpiAggregator(interval_min=30, sl_threshold_s=20) as kpi:
        stats = kpi.import_files(["january.txt"], format="anonymous-bank")
        print(kpi.totals.service_level, stats.lines_rejected)
        report = kpi.report()               # dict: totals, queues, agents, intervals...

Pass ``kpi=aggregator`` to :class:`Engine` to feed it every engine event.
Importers feed the aggregator in C (no Python round trip per event).
"""

import enum
import json
import math
import numbers
import operator
import os
import types
import weakref

from . import capi
from .arguments import real as _real
from .errors import Closed, Error
from .events import Event, EventType
from .owned import OwnedHandle

__all__ = ["KpiAggregator", "Importer", "KpiTable", "IMPORT_FORMATS"]

IMPORT_FORMATS = ("queue_log", "csv", "anonymous-bank")


class KpiTable(enum.IntEnum):
    """Tables of :meth:`KpiAggregator.csv`."""
    QUEUES = capi.CC_KPI_TABLE_QUEUES
    AGENTS = capi.CC_KPI_TABLE_AGENTS
    INTERVALS = capi.CC_KPI_TABLE_INTERVALS
    CHANNELS = capi.CC_KPI_TABLE_CHANNELS
    PARETO = capi.CC_KPI_TABLE_PARETO


def _ms(value, unit_ms, name):
    """A duration option in ms: any real number of its unit (2.5 s is 2500 ms), never a
    str or a bool: int(value * 1000) repeated a str ("0" * 1000 is 0) and took True for 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return int(value * unit_ms)


def _nan_to_none(d):
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


class Importer(OwnedHandle):
    """A log importer (``cc_import``) for one format: "queue_log", "csv"
    (with ``csv_map={field: column}`` and ``csv_delimiter``) or
    "anonymous-bank". Events go to a :class:`KpiAggregator` (in C) or to any
    Python callable (as :class:`Event` objects)."""

    _free_c = staticmethod(capi.cc_import_free)
    _what = "importer"

    def __init__(self, format, *, csv_map=None, csv_delimiter=None, max_errors=0):  # noqa: A002
        opts = {"format": format, "max_errors": max_errors}
        if csv_map is not None:
            opts["csv_map"] = dict(csv_map)
        if csv_delimiter is not None:
            opts["csv_delimiter"] = csv_delimiter
        self._ptr = None
        self._pending = None
        self._ptr = capi.cc_import_new(opts)

    def _sink(self, target):
        if isinstance(target, KpiAggregator):
            return target._handle()
        if callable(target):
            def deliver(raw):
                try:
                    target(Event.from_dict(raw))
                except BaseException as exc:  # noqa: BLE001 - re-raised after the C call
                    if self._pending is None:
                        self._pending = exc
            return deliver
        raise TypeError("target must be a KpiAggregator or a callable")

    def _call(self, fn, target, *args):
        """Runs ``fn(importer, *args)`` with this importer in use, and the target
        aggregator too (its on_contact runs inside), then re-raises what a Python
        target or the aggregator's on_contact raised during it. A failing call raises
        that first too (from its Error), as the engine does: left pending, it surfaced
        from a later, unrelated call."""
        try:
            if isinstance(target, KpiAggregator):
                target._in_call(lambda _aggregator: self._in_call(fn, *args))
            else:
                self._in_call(fn, *args)
        except Error as err:
            self._raise_pending(target, err)
            raise
        self._raise_pending(target)

    def _raise_pending(self, target, cause=None):
        if isinstance(target, KpiAggregator):
            target._check(cause)
        exc, self._pending = self._pending, None
        if exc is not None:
            raise exc from cause

    def import_file(self, path, target):
        """Reads a whole file, sending its events to ``target``."""
        self._call(capi.cc_import_file, target, os.fspath(path), self._sink(target))

    def feed(self, name, data, target):
        """Imports bytes (or str) labelled ``name`` as one input."""
        sink = self._sink(target)
        if isinstance(data, str):
            data = data.encode()
        self._call(capi.cc_import_begin_file, target, name, sink)
        self._call(capi.cc_import_feed, target, data, sink)
        self._call(capi.cc_import_end_file, target, sink)

    def finish(self, target):
        """Ends the import (formats that sort across files send events now)."""
        self._call(capi.cc_import_finish, target, self._sink(target))

    @property
    def stats(self):
        """Counters: files, lines_read, lines_rejected, lines_skipped, events,
        first_error ("file:line: message", when any)."""
        d = self._in_call(capi.cc_sw_import_stats)
        d.setdefault("first_error", None)
        return types.SimpleNamespace(**d)



class KpiAggregator(OwnedHandle):
    """A streaming KPI aggregator (``cc_kpi``).

    Options (all optional): ``interval_min`` (report interval, default 30),
    ``sl_threshold_s`` (T, default 20), ``sl_variant`` ("V1".."V6", default
    "V2"), ``short_abandon_s`` (S, below T; default 5 when T > 5, else no short
    abandons), ``repeat_window_h`` (default
    168), ``repeat_same_reason``, ``pareto_share`` (default 0.8),
    ``cx_grace_s`` (how long a finished contact waits for a survey before its
    experience line is closed; default 900, negative: not at all),
    ``cx`` (customer-experience weights), ``cost`` ({agent_hourly,
    telco_per_min, fixed}), ``on_contact`` (a callable receiving each
    finished contact's experience line: a namespace with contact_id,
    customer_id, queue, agent, reason, outcome (:class:`EventType`), wait_ms,
    cx_start, cx_peak, cx_end, cx_moves; an exception it raises is re-raised
    by the call that finished the contact). The aggregator is callable, so it
    can be used as any event sink: ``engine.subscribe(kpi)``.
    """

    _free_c = staticmethod(capi.cc_kpi_free)

    def __init__(self, *, interval_min=None, sl_threshold_s=None, sl_variant=None,
                 short_abandon_s=None, repeat_window_h=None, repeat_same_reason=False,
                 pareto_share=None, cx=None, cost=None, on_contact=None, cx_grace_s=None):
        self._ptr = None
        self._pending = None
        # Engine -> its event hub, for the engines that feed this aggregator in C. Weak
        # keys: an engine that is closed (it detaches itself) or collected drops out, so
        # a long-lived aggregator fed by many short-lived engines does not keep their hubs.
        self._hubs = weakref.WeakKeyDictionary()
        opts = {"repeat_same_reason": int(bool(repeat_same_reason))}
        if interval_min is not None:
            opts["interval_ms"] = _ms(interval_min, 60_000, "interval_min")
        if sl_threshold_s is not None:
            opts["sl_threshold_ms"] = _ms(sl_threshold_s, 1000, "sl_threshold_s")
        if sl_variant is not None:
            opts["sl_variant"] = (sl_variant if isinstance(sl_variant, str)
                                  else operator.index(sl_variant))  # 2.7 is no variant
        if short_abandon_s is not None:
            opts["short_abandon_ms"] = _ms(short_abandon_s, 1000, "short_abandon_s")
        if repeat_window_h is not None:
            opts["repeat_window_ms"] = _ms(repeat_window_h, 3_600_000, "repeat_window_h")
        if pareto_share is not None:
            opts["pareto_share"] = _real(pareto_share, "pareto_share")
        if cx_grace_s is not None:
            opts["cx_grace_ms"] = _ms(cx_grace_s, 1000, "cx_grace_s")
        if cx is not None:
            opts["cx"] = dict(cx)
        if cost is not None:
            opts["cost"] = dict(cost)
        if on_contact is not None:
            if not callable(on_contact):
                raise TypeError("on_contact must be callable")
            user = on_contact

            def deliver(raw):
                try:
                    raw["outcome"] = EventType(raw["outcome"])
                    user(types.SimpleNamespace(**raw))
                except BaseException as exc:  # noqa: BLE001 - re-raised after the C call
                    if self._pending is None:
                        self._pending = exc
            # C borrows the callable: it lives as long as this aggregator.
            self._on_contact = deliver
            opts["on_contact"] = deliver
        self._ptr = capi.cc_kpi_new(opts)

    def _check(self, cause=None):
        """Re-raises what on_contact raised, from the outermost call only: a call made
        inside another one using this aggregator (kpi.add from on_contact, or from a sink
        of the engine feeding it) raised an earlier line's exception into that callback,
        which then stopped there; the outer call (or the engine's) takes it."""
        if self._in_use():
            return
        exc, self._pending = self._pending, None
        if exc is not None:
            raise exc from cause

    def _handle(self):
        if self._ptr is None:
            raise Closed(capi.CC_ECLOSED, "KPI aggregator is closed")
        return self._ptr

    # -- feeding ----------------------------------------------------------
    def add(self, event):
        """Adds one :class:`Event` (or a dict of its fields). An event that
        makes no sense raises InvalidArgument and is counted as rejected."""
        raw = event.to_dict() if isinstance(event, Event) else event
        self._in_call(capi.cc_kpi_add, raw)
        self._check()

    __call__ = add

    def _attach(self, engine, hub):
        """``engine``'s event hub feeds this aggregator in C; close() detaches
        it so that a closed aggregator is never fed."""
        self._hubs[engine] = hub

    def _detach(self, engine):
        """``engine`` is closed: its hub will never run again."""
        self._hubs.pop(engine, None)

    def import_files(self, paths, format, **importer_options):  # noqa: A002
        """Imports log files of one format into this aggregator (in C) and
        returns the importer's counters (see :attr:`Importer.stats`)."""
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        with Importer(format, **importer_options) as imp:
            for p in paths:
                imp.import_file(p, self)
            imp.finish(self)
            self._check()
            return imp.stats

    def flush(self):
        """Ends the period: finishes contact lines waiting for a survey."""
        self._in_call(capi.cc_kpi_flush)
        self._check()

    # -- reports ----------------------------------------------------------
    def report(self, full=True):
        """A fresh report as a dict (parsed from the library's JSON): keys
        totals, queues, agents, intervals, and with ``full`` also channels,
        interval_queues, pareto, settings, events. Undefined figures are None."""
        flags = capi.CC_KPI_JSON_FULL if full else 0
        return json.loads(self._in_call(capi.cc_sw_kpi_json, None, flags))

    def json(self, pretty=False, full=False):
        """The report as JSON text (doubles with 17 significant digits)."""
        flags = (capi.CC_KPI_JSON_PRETTY if pretty else 0) | (capi.CC_KPI_JSON_FULL if full else 0)
        return self._in_call(capi.cc_sw_kpi_json, None, flags)

    def csv(self, table=KpiTable.QUEUES):
        """One table of the report as CSV text (:class:`KpiTable`)."""
        return self._in_call(capi.cc_sw_kpi_csv, int(table))

    @property
    def totals(self):
        """The totals' main figures as a namespace (None where undefined)."""
        return types.SimpleNamespace(**_nan_to_none(self._in_call(capi.cc_sw_kpi_totals)))

    # -- lifetime ---------------------------------------------------------
    def _in_use(self):
        # An engine call in progress may be inside this aggregator (its hub feeds it
        # in C, and on_contact runs there).
        return self._calls > 0 or any(engine._calls for engine in self._hubs)

    def _before_free(self):
        # Engines feeding this aggregator stop doing so before it is freed.
        for hub in list(self._hubs.values()):
            capi.cc_py_hub_set_kpi(hub, None)
        self._hubs.clear()

