#!/usr/bin/env python3
"""A small switch driving the libcallcore routing engine from Python.

The "switch" owns the media: customers call (Poisson arrivals per queue),
agents' phones ring, agents answer after a ring delay (or miss the call),
talk for an exponential handle time, and impatient customers hang up. The
engine decides who takes each call; it reaches the switch through a media
backend written in Python (offer / withdraw / bridge / hangup), and every
engine event feeds a KPI aggregator. Virtual time: a simulated hour runs in
about a second. The result is compared with Erlang A for the same load.

    PYTHONPATH=build/bindings/python /usr/bin/python3 examples/python/switch_sim.py
"""
import argparse
import heapq
import itertools
import random
import sys

import callcore
from callcore import Channel

MS = 1000


class Switch(callcore.Backend):
    """The media side. The engine calls these methods from inside its own
    calls, so they only schedule what the phones will do later."""

    def __init__(self, sim):
        self.sim = sim
        self.ringing = {}   # (contact, agent) -> token of the pending answer
        self.offers = 0

    def offer(self, offer, now_ms):
        self.offers += 1
        token = next(self.sim.tokens)
        self.ringing[(offer.contact_id, offer.agent)] = token
        if self.sim.rng.random() >= self.sim.args.no_answer:  # else it rings out
            delay = self.sim.rng.uniform(2, 6) * MS
            self.sim.at(now_ms + delay, "answer", offer.contact_id, offer.agent, token)

    def withdraw(self, contact_id, agent, now_ms):
        self.ringing.pop((contact_id, agent), None)

    def bridge(self, contact_id, agent, now_ms):
        self.ringing.pop((contact_id, agent), None)
        self.sim.connected.add(contact_id)
        talk = self.sim.rng.expovariate(1 / self.sim.args.aht_s) * MS
        self.sim.at(now_ms + talk, "hangup", contact_id, agent, None)

    def hangup(self, contact_id, reason, now_ms):
        self.sim.connected.discard(contact_id)
        self.sim.gone.add(contact_id)


class Simulation:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.heap = []
        self.seq = itertools.count()
        self.tokens = itertools.count(1)
        self.connected = set()
        self.gone = set()
        self.kpi = callcore.KpiAggregator(interval_min=60, sl_threshold_s=args.target_s)
        self.engine = callcore.Engine(kpi=self.kpi, seed=args.seed,
                                      rona_after=callcore.AgentAfter.READY)
        self.switch = self.engine.bind_backend(Channel.VOICE, Switch(self))

    def at(self, t_ms, kind, contact_id, agent, token):
        heapq.heappush(self.heap, (int(t_ms), next(self.seq), kind, contact_id, agent, token))

    def setup(self):
        eng = self.engine
        for q in self.args.queues:
            eng.add_queue(q, strategy="longest-idle", ring_timeout_ms=15 * MS,
                          wrapup_ms=int(self.args.wrapup_s * MS),
                          sl_threshold_ms=int(self.args.target_s * MS))
        for i in range(self.args.agents):
            # Everyone serves every queue; the first queue is their main one.
            name = f"agent{i:03d}"
            memberships = [{"queue": q, "tier": 0 if j == i % len(self.args.queues) else 1}
                           for j, q in enumerate(self.args.queues)]
            eng.add_agent(name, queues=memberships, now_ms=0).login(now_ms=0)
        rate = self.args.calls_per_hour / 3600 / len(self.args.queues)
        for q in self.args.queues:
            t = 0.0
            while True:
                t += self.rng.expovariate(rate)
                if t >= self.args.hours * 3600:
                    break
                self.at(t * MS, "arrive", None, q, None)

    def run(self):
        eng, contact_ids = self.engine, itertools.count(1)
        end_ms = int(self.args.hours * 3600 * MS)
        while self.heap:
            t, _, kind, cid, who, token = heapq.heappop(self.heap)
            deadline = eng.next_deadline
            if deadline is not None and deadline < t:  # engine timers first
                eng.advance(deadline)
                self.at(t, kind, cid, who, token)
                continue
            if kind == "arrive":
                cid = next(contact_ids)
                eng.add_contact(cid, who, customer_id=cid, now_ms=t)
                patience = self.rng.expovariate(1 / self.args.patience_s) * MS
                self.at(t + patience, "patience", cid, None, None)
            elif kind == "answer":
                if self.switch.ringing.get((cid, who)) == token:
                    eng.contact(cid).accept(who, now_ms=t)
            elif kind == "hangup":
                eng.contact(cid).end("done", now_ms=t)
            elif kind == "patience":
                if cid not in self.connected and cid not in self.gone:
                    eng.contact(cid).abandon(now_ms=t)
        eng.advance(max(end_ms, eng.now or 0) + 3600 * MS)  # let wrap-ups finish

    def report(self):
        a = self.args
        rep = self.kpi.report()
        t = rep["totals"]
        print(f"{a.hours:g} h, {a.agents} agents, {a.calls_per_hour:g} calls/h, AHT {a.aht_s:g} s, "
              f"patience {a.patience_s:g} s, {self.switch.offers} offers")
        print(f"{'queue':<10}{'offered':>8}{'answered':>9}{'abandoned':>10}{'SL':>8}{'ASA s':>8}")
        for q in rep["queues"] + [dict(t, queue="ALL")]:
            print(f"{q['queue']:<10}{q['offered']:>8}{q['answered']:>9}{q['abandoned']:>10}"
                  f"{q['service_level']:>8.1%}{q['asa_s']:>8.1f}")
        # An agent is occupied for the talk, the wrap-up and the ring (4 s on
        # average): that is the "handle time" Erlang A should be given.
        busy_s = a.aht_s + a.wrapup_s + 4
        traffic = a.calls_per_hour * busy_s / 3600
        m = callcore.erlang_a(a.agents, traffic, a.patience_s / busy_s, a.target_s / busy_s)
        print(f"Erlang A for the same load ({traffic:.1f} Erlangs): SL {m.sl_offered:.1%}, "
              f"P(abandon) {m.p_abandon:.1%}; simulated: SL {t['service_level']:.1%}, "
              f"abandon {t['abandon_rate']:.1%} (callers also hang up while a phone rings)")
        return rep

    def close(self):
        self.engine.close()
        self.kpi.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--agents", type=int, default=25)
    ap.add_argument("--queues", nargs="+", default=["sales", "support"])
    ap.add_argument("--calls-per-hour", type=float, default=400)
    ap.add_argument("--aht-s", type=float, default=180)
    ap.add_argument("--wrapup-s", type=float, default=10)
    ap.add_argument("--patience-s", type=float, default=120)
    ap.add_argument("--no-answer", type=float, default=0.02, help="share of missed offers")
    ap.add_argument("--target-s", type=float, default=20)
    ap.add_argument("--hours", type=float, default=8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    sim = Simulation(args)
    try:
        sim.setup()
        sim.run()
        sim.report()
    finally:
        sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
