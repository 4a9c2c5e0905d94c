"""Leak check: 100,000 create/free cycles of engine objects and callbacks keep
the process's resident memory flat (a generous bound on growth, not a
timing)."""
import gc
import os

import pytest

import callcore
from callcore import Channel

pytestmark = [
    pytest.mark.usefixtures("engine_available"),
    # AddressSanitizer keeps freed memory in quarantine, so RSS says nothing there.
    pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                       reason="RSS is not meaningful under AddressSanitizer (quarantine)"),
]

CYCLES = 100_000
# Growth allowed over the measured cycles. A leak of one small block per
# cycle (a sink reference, an adapter, a config array: >= 64 bytes) would
# grow RSS by >= 6 MB; allocator noise stays well under 4 MB.
MAX_GROWTH_BYTES = 4 * 1024 * 1024


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Quiet(callcore.Backend):
    def offer(self, offer, now_ms):
        self.last = offer.contact_id


def one_cycle(i):
    seen = []
    with callcore.Engine(event_sink=seen.append, seed=i) as eng:
        eng.bind_backend(Channel.VOICE, Quiet())
        eng.add_queue("q", skills={"s": 1})
        agent = eng.add_agent("a", queues=[{"queue": "q", "tier": 0}], skills={"s": 2}, now_ms=0)
        agent.login(now_ms=0)
        eng.add_contact(1, "q", now_ms=1)  # an offer through the Python backend
    assert seen  # the callback ran


def test_engine_create_free_cycles_keep_rss_flat():
    for i in range(2_000):  # warm up caches, pymalloc arenas, interned strings
        one_cycle(i)
    gc.collect()
    before = rss_bytes()
    for i in range(CYCLES):
        one_cycle(i)
    gc.collect()
    growth = rss_bytes() - before
    print(f"RSS growth over {CYCLES} cycles: {growth / 1024:.0f} KiB")
    assert growth < MAX_GROWTH_BYTES, f"RSS grew {growth} bytes over {CYCLES} cycles"


def test_a_long_lived_aggregator_does_not_keep_the_engines_it_fed():
    # One aggregator, many short-lived engines (one per day, per test...): each engine's
    # event hub must go with the engine, closed or collected, not stay on the aggregator.
    with callcore.KpiAggregator() as kpi:
        def day(i):
            eng = callcore.Engine(kpi=kpi)
            eng.add_queue("q")
            if i % 2:
                eng.close()
            # else: dropped unclosed, freed when collected
        for i in range(2_000):
            day(i)
        gc.collect()
        before = rss_bytes()
        for i in range(CYCLES):
            day(i)
        gc.collect()
        growth = rss_bytes() - before
        print(f"RSS growth over {CYCLES} engines fed to one aggregator: {growth / 1024:.0f} KiB")
        assert growth < MAX_GROWTH_BYTES, f"RSS grew {growth} bytes over {CYCLES} engines"
