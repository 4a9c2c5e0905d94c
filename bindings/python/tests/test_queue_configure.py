"""Engine.configure_queue: a queue reconfigured in place through Python."""
import pytest

import callcore
pytestmark = pytest.mark.usefixtures("engine_available")


def two_agents():
    eng = callcore.Engine(seed=3)
    eng.add_queue("q", strategy="longest-idle")
    eng.add_agent("ann", queues=["q"], skills={"en": 5}, now_ms=0)
    eng.add_agent("bob", queues=["q"], now_ms=0)
    eng.agent("ann").login(now_ms=10)  # idles longest
    eng.agent("bob").login(now_ms=20)  # fewest skills
    return eng


def test_a_new_strategy_decides_the_next_offer():
    with two_agents() as same, two_agents() as eng:
        q = eng.configure_queue("q", strategy="least-skilled-first", ring_timeout_ms=4_000,
                                now_ms=30)
        assert q.name == "q"
        assert same.add_contact(1, "q", now_ms=40).status.agent == "ann"
        call = eng.add_contact(1, "q", now_ms=40)
        assert call.status.agent == "bob"
        assert eng.next_deadline == 40 + 4_000


def test_refusals_raise_and_change_nothing():
    with two_agents() as eng:
        eng.agent("ann").not_ready("break", now_ms=25)
        eng.agent("bob").not_ready("break", now_ms=25)
        eng.add_contact(1, "q", now_ms=30)
        before = eng.snapshot()
        with pytest.raises(callcore.NotFound):
            eng.configure_queue("nope", now_ms=40)
        with pytest.raises(callcore.InvalidArgument):
            eng.configure_queue("q", ring_timeout_ms=-1, now_ms=40)
        with pytest.raises(callcore.InvalidState):
            eng.configure_queue("q", skills={"en": 1}, now_ms=40)
        assert eng.snapshot() == before
        assert eng.queue("q").status.waiting == 1
        eng.configure_queue("q", max_wait_ms=1_000, now_ms=40)
        assert eng.next_deadline == 30 + 1_000
        eng.advance(1_030)
        assert eng.queue("q").status.waiting == 0  # left at its max wait
