"""The KPI engine through Python: events in, KPIs out; log importers."""
import csv
import io
import os
import pathlib

import numpy as np
import pytest

import callcore
from callcore import Channel, Event, EventType


def queued_call(kpi, cid, t0, wait_s, answered, queue="sales", agent="ann"):
    """Feeds the events of one voice call that waited wait_s seconds."""
    base = dict(contact_id=cid, customer_id=cid, channel=Channel.VOICE, queue=queue)
    kpi.add(Event(type=EventType.CONTACT_ARRIVED, time_ms=t0, **base))
    kpi.add(Event(type=EventType.CONTACT_QUEUED, time_ms=t0, virtual_start_ms=t0, **base))
    t1 = t0 + wait_s * 1000
    if answered:
        kpi.add(Event(type=EventType.CONTACT_CONNECTED, time_ms=t1, agent=agent,
                      wait_ms=wait_s * 1000, **base))
        kpi.add(Event(type=EventType.CONTACT_ENDED, time_ms=t1 + 120_000, agent=agent,
                      duration_ms=120_000, **base))
    else:
        kpi.add(Event(type=EventType.CONTACT_ABANDONED, time_ms=t1, wait_ms=wait_s * 1000,
                      **base))


def test_service_level_variants_from_hand_made_events():
    # 2 answered within 20 s, 1 answered late, 1 abandon within 20 s (not short),
    # 1 short abandon (3 s): Ans=3, AnsT=2, Ab=2, AbT=2, AbS=1.
    with callcore.KpiAggregator(sl_threshold_s=20, short_abandon_s=5) as kpi:
        queued_call(kpi, 1, 0, 10, True)
        queued_call(kpi, 2, 1000, 15, True)
        queued_call(kpi, 3, 2000, 60, True)
        queued_call(kpi, 4, 3000, 12, False)
        queued_call(kpi, 5, 4000, 3, False)
        t = kpi.totals
        assert (t.offered, t.answered, t.abandoned, t.short_abandoned) == (5, 3, 2, 1)
        assert t.service_level == pytest.approx(2 / 5)  # V2: AnsT / (Ans + Ab)
        assert t.asa_s == pytest.approx((10 + 15 + 60) / 3)
        assert t.aht_s == pytest.approx(120)
        assert t.occupancy is None  # undefined without agent states: None, not NaN
        sl = kpi.report()["totals"]
        assert sl["service_level"] == pytest.approx(0.4)
    with callcore.KpiAggregator(sl_threshold_s=20, sl_variant="V1") as v1:
        for i, (w, a) in enumerate([(10, True), (15, True), (60, True), (12, False)]):
            queued_call(v1, i + 1, i * 1000, w, a)
        assert v1.totals.service_level == pytest.approx(2 / 3)  # AnsT / Ans


def test_reports_as_dicts_json_and_csv():
    kpi = callcore.KpiAggregator(interval_min=15)
    queued_call(kpi, 1, 0, 10, True, queue="sales")
    queued_call(kpi, 2, 0, 30, True, queue="support", agent="bob")
    rep = kpi.report()
    assert [q["queue"] for q in rep["queues"]] == ["sales", "support"]
    assert rep["settings"]["interval_ms"] == 15 * 60_000
    assert '"totals"' in kpi.json()
    rows = list(csv.DictReader(io.StringIO(kpi.csv(callcore.KpiTable.QUEUES))))
    assert [r["queue"] for r in rows][:2] == ["sales", "support"]
    assert rows[0]["answered"] == "1"
    kpi.close()
    with pytest.raises(callcore.Closed):
        kpi.totals  # noqa: B018


def test_bad_events_and_options_are_refused():
    with callcore.KpiAggregator() as kpi:
        with pytest.raises(callcore.InvalidArgument):
            kpi.add({"type": 999, "time_ms": 0})
        assert kpi.report()["events"]["rejected"] == 1
    with pytest.raises(TypeError, match="unknown service-level variant 'V9'"):
        callcore.KpiAggregator(sl_variant="V9")
    with pytest.raises(callcore.InvalidArgument):
        callcore.KpiAggregator(interval_min=0.5)  # intervals are at least a minute
    with pytest.raises(TypeError, match="cx: unknown key 'mood'"):
        callcore.KpiAggregator(cx={"mood": 1.0})


def test_durations_refuse_strings_and_bools_and_variants_fractions():
    # int(x * 1000) repeated a str ("0" * 1000 is a threshold of 0, "20" * 1000 an overflow
    # naming sl_threshold_ms), took True for 1 s and sl_variant 2.7 for V2.
    for name in ("interval_min", "sl_threshold_s", "short_abandon_s", "repeat_window_h",
                 "cx_grace_s"):
        for bad in ("0", "20", True):
            with pytest.raises(TypeError, match=name):
                callcore.KpiAggregator(**{name: bad})
    with pytest.raises(TypeError):
        callcore.KpiAggregator(sl_variant=2.7)
    with callcore.KpiAggregator(sl_threshold_s=2.5, interval_min=np.int64(15),
                                sl_variant=np.int32(3)) as kpi:  # fractions of a unit are fine
        settings = kpi.report()["settings"]
    assert settings["sl_threshold_ms"] == 2500 and settings["interval_ms"] == 900_000
    assert settings["sl_variant"] == "V3"


QUEUE_LOG = """\
1000|1.1|sales|NONE|ENTERQUEUE||5551234|1
1008|1.1|sales|Agent/ann|CONNECT|8|1.1.1|2
1130|1.1|sales|Agent/ann|COMPLETECALLER|8|122|1
1010|2.1|sales|NONE|ENTERQUEUE||5559876|1
1050|2.1|sales|NONE|ABANDON|1|1|40
this line is not a queue_log line
"""


def test_queue_log_import_from_bytes_and_events_to_python():
    with callcore.KpiAggregator() as kpi, callcore.Importer("queue_log") as imp:
        seen = []
        imp.feed("inline.log", QUEUE_LOG, seen.append)
        assert any(e.type is EventType.CONTACT_CONNECTED for e in seen)
        assert all(e.flags & callcore.EVENT_F_IMPORTED for e in seen)
        for e in seen:
            kpi.add(e)
        t = kpi.totals
        assert (t.offered, t.answered, t.abandoned) == (2, 1, 1)
        st = imp.stats
        assert st.lines_rejected == 1 and st.first_error.startswith("inline.log:6:")


def test_an_import_that_fails_after_a_sink_raised_raises_it_then_and_only_then(tmp_path,
                                                                            monkeypatch):
    # A read error after some events (cc_import_file gives CC_EIO from the file's second
    # chunk on; simulated here: the real import, then its failure) skipped collecting what
    # the target or on_contact had raised: it surfaced from the next, unrelated, import.
    path = tmp_path / "queue_log"
    path.write_text(QUEUE_LOG)
    real = callcore.capi.cc_import_file

    def read_error(imp, name, sink):
        real(imp, name, sink)
        raise callcore.IOError_(callcore.capi.CC_EIO, f"import: reading '{name}' failed")

    def refuse(what):
        raise LookupError(f"crm has no customer for {what}")

    with callcore.Importer("queue_log") as imp, \
            callcore.KpiAggregator(cx_grace_s=-1, on_contact=refuse) as kpi:
        for target in (refuse, kpi):
            monkeypatch.setattr(callcore.capi, "cc_import_file", read_error)
            with pytest.raises(LookupError) as raised:
                imp.import_file(path, target)
            assert isinstance(raised.value.__cause__, callcore.IOError_)
            monkeypatch.setattr(callcore.capi, "cc_import_file", real)
            imp.import_file(os.devnull, target)  # no events: nothing to raise
            kpi.flush()


def test_importer_errors():
    with pytest.raises(callcore.InvalidArgument):
        callcore.Importer("syslog")
    with callcore.KpiAggregator() as kpi:
        with pytest.raises(callcore.IOError_):
            kpi.import_files("/nonexistent/queue_log", format="queue_log")
    with callcore.Importer("queue_log") as imp:
        def boom(ev):
            raise KeyError("sink failed")
        with pytest.raises(KeyError):
            imp.feed("x", QUEUE_LOG, boom)


def test_files_are_opened_by_the_bytes_of_their_name(tmp_path):
    # A file name that is not UTF-8 (Latin-1 'é' as one byte) comes from os.listdir as a
    # str with a surrogate escape: it raised UnicodeEncodeError, and bytes paths were
    # refused, so such a file could not be imported at all. Paths go to C as
    # os.fsencode() gives them, as open() does.
    raw = os.path.join(os.fsencode(tmp_path), b"janvier-\xe9.log")
    with open(raw, "w") as f:
        f.write(QUEUE_LOG)
    for path in (os.fsdecode(raw), raw, pathlib.Path(os.fsdecode(raw))):
        with callcore.KpiAggregator() as kpi:
            stats = kpi.import_files(path, format="queue_log")
            assert (stats.files, kpi.totals.offered) == (1, 2)
    with pytest.raises(ValueError, match="null"):
        callcore.KpiAggregator().import_files(b"bad\0name", format="queue_log")


def independent_bank_counts(path):
    """Offered / answered / abandoned of an Anonymous Bank month, computed
    straight from the raw file (not through libcallcore)."""
    off = ans = ab = 0
    with open(path) as f:
        next(f)
        for line in f:
            fields = line.split()
            if len(fields) != 17 or fields[12] == "PHANTOM":
                continue
            if fields[12] == "AGENT":
                off, ans = off + 1, ans + 1
            elif fields[12] == "HANG" and fields[9] != "0:00:00":
                off, ab = off + 1, ab + 1
    return off, ans, ab


def test_anonymous_bank_month_matches_an_independent_count(data_dir):
    path = os.path.join(data_dir, "anonymous-bank", "january.txt")
    with callcore.KpiAggregator(interval_min=60) as kpi:
        stats = kpi.import_files([path], format="anonymous-bank")
        assert stats.lines_rejected == 0 and stats.events > 0
        t = kpi.totals
        assert (t.offered, t.answered, t.abandoned) == independent_bank_counts(path)
        rep = kpi.report()
        assert sum(q["offered"] for q in rep["queues"]) == t.offered


def test_engine_events_feed_an_aggregator(engine_available):
    with callcore.KpiAggregator() as kpi, callcore.Engine(kpi=kpi) as eng:
        eng.add_queue("sales")
        ann = eng.add_agent("ann", queues=["sales"], now_ms=0)
        ann.login(now_ms=0)
        c = eng.add_contact(1, "sales", now_ms=1_000)
        c.accept(ann, now_ms=4_000)
        c.end(now_ms=64_000)
        eng.add_contact(2, "sales", now_ms=65_000).abandon(now_ms=69_000)
        t = kpi.totals
        assert (t.offered, t.answered, t.abandoned) == (2, 1, 1)
        assert t.asa_s == pytest.approx(3.0)


def test_each_finished_contact_reports_its_experience_line():
    lines = []
    with callcore.KpiAggregator(cx_grace_s=-1, on_contact=lines.append) as kpi:
        queued_call(kpi, 1, 0, 10, True)      # answered quickly: resolved lifts the line
        queued_call(kpi, 2, 0, 300, False)    # waited 5 min and abandoned
        kpi.flush()
    by_id = {c.contact_id: c for c in lines}
    assert set(by_id) == {1, 2}
    assert by_id[1].outcome is EventType.CONTACT_ENDED and by_id[1].cx_end > 0
    assert by_id[2].outcome is EventType.CONTACT_ABANDONED and by_id[2].cx_end < 0
    assert by_id[2].cx_peak < 0 and by_id[2].cx_moves >= 2  # the long wait, then the abandon


def test_on_contact_exceptions_are_reraised():
    def boom(line):
        raise LookupError(f"crm has no customer {line.customer_id}")

    with callcore.KpiAggregator(cx_grace_s=-1, on_contact=boom) as kpi:
        with pytest.raises(LookupError, match="crm has no customer 7"):
            queued_call(kpi, 7, 0, 10, False)


def test_an_event_added_from_on_contact_does_not_raise_another_lines_error():
    # Line 1's exception waits for the flush to finish. kpi.add from on_contact (a call
    # nested in the flush) re-raised it inside the callback of line 2, which stopped there.
    seen = []

    def crm(line):
        if line.contact_id == 1:
            raise LookupError("crm has no customer 1")
        kpi.add(Event(type=EventType.CONTACT_ARRIVED, time_ms=600_000, contact_id=100,
                      customer_id=100, channel=Channel.VOICE, queue="sales"))
        seen.append(line.contact_id)

    with callcore.KpiAggregator(on_contact=crm) as kpi:
        queued_call(kpi, 1, 0, 10, False)
        queued_call(kpi, 2, 0, 10, False)
        with pytest.raises(LookupError, match="crm has no customer 1"):
            kpi.flush()
        assert seen == [2]
        assert kpi.report()["events"]["added"] == 7  # 2 calls of 3 events, 1 added


def test_an_engine_feeds_its_aggregator_in_c_and_survives_its_close(engine_available):
    kpi = callcore.KpiAggregator()
    eng = callcore.Engine(kpi=kpi)
    eng.add_queue("q")
    eng.add_contact(1, "q", now_ms=0).abandon(now_ms=10_000)
    assert kpi.totals.abandoned == 1
    kpi.close()  # the engine stops feeding it: no use after free
    eng.add_contact(2, "q", now_ms=20_000).abandon(now_ms=30_000)
    late = []
    eng.subscribe(late.append)
    eng.add_contact(3, "q", now_ms=40_000)
    assert [e.contact_id for e in late] == [3, 3]  # arrived, queued
    eng.unsubscribe(late.append)
    eng.contact(3).abandon(now_ms=50_000)
    assert len(late) == 2
    eng.close()


def test_on_contact_errors_surface_through_the_engine_call(engine_available):
    def crm(line):
        raise RuntimeError(f"crm down for contact {line.contact_id}")

    with callcore.KpiAggregator(cx_grace_s=-1, on_contact=crm) as kpi, \
            callcore.Engine(kpi=kpi) as eng:
        eng.add_queue("q")
        c = eng.add_contact(9, "q", now_ms=0)
        with pytest.raises(RuntimeError, match="crm down for contact 9"):
            c.abandon(now_ms=1_000)


def test_close_from_inside_a_call_that_uses_the_object_is_refused_with_busy(engine_available):
    # on_contact runs inside the aggregator's C code: closing it there freed it under that code.
    def close_kpi(line):
        kpi.close()
    kpi = callcore.KpiAggregator(cx_grace_s=-1, on_contact=close_kpi)
    with pytest.raises(callcore.Busy):
        queued_call(kpi, 1, 0, 10, True)  # through add()
    eng = callcore.Engine(kpi=kpi)  # through an engine's hub, in C
    eng.add_queue("q")
    eng.add_agent("a", queues=["q"], now_ms=0).login(now_ms=0)
    call = eng.add_contact(2, "q", now_ms=10)
    call.accept("a", now_ms=20)
    with pytest.raises(callcore.Busy):
        call.end("done", now_ms=30)
    with callcore.Importer("queue_log") as imp:  # through an importer feeding it
        with pytest.raises(callcore.Busy):
            imp.feed("inline.log", QUEUE_LOG, kpi)
    assert kpi.totals.answered == 3  # still open, every contact counted
    eng.close()
    kpi.close()

    with callcore.Importer("queue_log") as imp:  # an importer from its own target
        with pytest.raises(callcore.Busy):
            imp.feed("inline.log", QUEUE_LOG, lambda ev: imp.close())
        assert imp.stats.lines_read > 0
