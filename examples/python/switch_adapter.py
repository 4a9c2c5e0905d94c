#!/usr/bin/env python3
"""An example switch adapter for `callcore serve` (python3-msgpack).

It connects to the daemon, registers as the media backend of the voice channel
and plays a simple phone system: each `media.offer` rings the agent's phone,
which answers after --answer-ms (or declines, with probability --reject);
a connected call lasts --talk-ms and is then hung up by the customer
(`contact.end`). It prints every media command it receives.

    callcore serve --listen unix:/tmp/cc.sock &
    examples/python/switch_adapter.py --connect unix:/tmp/cc.sock --calls 5

With --calls N it also creates N calls itself (queue 'support', agents
'alice' and 'bob'), waits until they are all ended and exits; without it, it
serves offers until interrupted. Protocol: docs/protocol.md.
"""
import argparse
import heapq
import random
import select
import socket
import sys
import time

import msgpack


class Switch:
    def __init__(self, address, token=None):
        if address.startswith("unix:"):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(address[5:])
        elif address.startswith("tcp://"):
            host, port = address[6:].rsplit(":", 1)
            self.sock = socket.create_connection((host.strip("[]"), int(port)))
        else:
            raise SystemExit(f"bad address {address!r}: want unix:PATH or tcp://HOST:PORT")
        self.unpacker = msgpack.Unpacker(raw=False)
        self.next_id = 1
        self.pending = {}     # msgid -> method, for error reports
        self.results = {}     # msgid -> (error, result)
        self.timers = []      # (due, seq, action, args)
        self.seq = 0
        self.ended = set()
        if token:
            self.call("auth", {"token": token})

    # -- messaging ---------------------------------------------------------
    def send(self, method, params):
        msgid = self.next_id
        self.next_id += 1
        self.pending[msgid] = method
        self.sock.sendall(msgpack.packb([0, msgid, method, [params]]))
        return msgid

    def call(self, method, params):
        msgid = self.send(method, params)
        while msgid not in self.results:
            self.pump(1.0)
        err, result = self.results.pop(msgid)
        if err:
            raise RuntimeError(f"{method}: {err['name']}: {err['message']}")
        return result

    def pump(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return
        data = self.sock.recv(65536)
        if not data:
            raise SystemExit("switch_adapter: the server closed the connection")
        self.unpacker.feed(data)
        for msg in self.unpacker:
            if msg[0] == 1:
                method = self.pending.pop(msg[1], "?")
                if msg[2] and msg[1] not in self.results:
                    print(f"  ! {method}: {msg[2]['name']}: {msg[2]['message']}")
                self.results[msg[1]] = (msg[2], msg[3])
            elif msg[0] == 2:
                self.on_notification(msg[1], msg[2][0] if msg[2] else {})

    def later(self, delay_ms, action, args):
        self.seq += 1
        heapq.heappush(self.timers, (time.monotonic() + delay_ms / 1000.0, self.seq, action, args))

    def run_timers(self):
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            _, _, action, args = heapq.heappop(self.timers)
            self.send(action, args)
            if action in ("contact.end", "contact.abandon"):
                self.ended.add(args["contact_id"])

    # -- the phone system ------------------------------------------------------
    def on_notification(self, method, a):
        print(f"  <- {method} {a}")
        if method == "media.offer":
            ids = {"contact_id": a["contact_id"], "agent": a["agent"]}
            if random.random() < self.reject:
                self.later(self.answer_ms, "contact.reject", ids)
            else:
                self.later(self.answer_ms, "contact.accept", ids)
        elif method == "media.bridge":
            self.later(self.talk_ms, "contact.end", {"contact_id": a["contact_id"],
                                                     "disposition": "done"})
        elif method == "media.dial":
            self.later(self.answer_ms, "callback.result", {"contact_id": a["contact_id"],
                                                           "result": "answered"})


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--connect", required=True, help="unix:PATH or tcp://127.0.0.1:PORT")
    p.add_argument("--token")
    p.add_argument("--answer-ms", type=int, default=200)
    p.add_argument("--talk-ms", type=int, default=500)
    p.add_argument("--reject", type=float, default=0.0)
    p.add_argument("--calls", type=int, default=0, help="create N demo calls, then exit")
    p.add_argument("--timeout-s", type=float, default=60.0)
    args = p.parse_args()
    sw = Switch(args.connect, args.token)
    sw.answer_ms, sw.talk_ms, sw.reject = args.answer_ms, args.talk_ms, args.reject
    sw.call("backend.register", {"channels": ["voice"]})
    print("registered as the voice backend")
    if args.calls:
        sw.call("queue.create", {"name": "support", "ring_timeout_ms": 10000})
        for agent in ("alice", "bob"):
            sw.call("agent.login", {"agent": agent, "queues": ["support"]})
        for i in range(1, args.calls + 1):
            sw.call("contact.create", {"contact_id": i, "queue": "support", "customer_id": 100 + i})
    deadline = time.monotonic() + args.timeout_s
    try:
        while time.monotonic() < deadline:
            if args.calls and len(sw.ended) >= args.calls and not sw.pending:
                break
            wait = sw.timers[0][0] - time.monotonic() if sw.timers else 0.2
            sw.pump(min(max(wait, 0.0), 0.2))
            sw.run_timers()
    except KeyboardInterrupt:
        pass
    if args.calls:
        q = sw.call("queue.status", {"name": "support"})
        print(f"done: {len(sw.ended)} call(s) ended; queue: answered {q['answered']}, "
              f"waiting {q['waiting']}")
        return 0 if len(sw.ended) >= args.calls else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
