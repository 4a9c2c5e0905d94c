"""Fixtures for the socket tests of `callcore serve` (loopback and Unix sockets only)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from ccwire import Server  # noqa: E402


@pytest.fixture(scope="session")
def cli_path():
    path = os.environ.get("CALLCORE_CLI")
    if not path or not os.path.exists(path):
        pytest.fail("CALLCORE_CLI must point at the built callcore program")
    return path


@pytest.fixture
def serve(cli_path):
    """serve(*args, listen=...) starts a server; every one is stopped at teardown."""
    started = []

    def start(*args, listen="tcp://127.0.0.1:0"):
        s = Server(cli_path, *args, listen=listen).start()
        started.append(s)
        return s

    yield start
    codes = []
    for s in started:
        codes.append((s.stop(), s.proc.stderr.read() if s.proc.stderr else ""))
        s.kill()
    # SIGTERM is a clean shutdown: exit 0 (and, under ASan, no leak report).
    for rc, err in codes:
        assert rc == 0, f"callcore serve exited with {rc}: {err[-2000:]}"

