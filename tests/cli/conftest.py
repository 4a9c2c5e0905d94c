"""Shared fixtures for the end-to-end tests of the `callcore` program."""
import json
import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def cli_path():
    path = os.environ.get("CALLCORE_CLI")
    if not path or not os.path.exists(path):
        pytest.fail("CALLCORE_CLI must point at the built callcore program")
    return path


@pytest.fixture(scope="session")
def data_dir():
    d = os.environ.get("CALLCORE_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                                     "shared", "data"))
    return d if os.path.isdir(d) else None


class Cli:
    def __init__(self, path):
        self.path = path

    def run(self, *args, check=None, timeout=300):
        r = subprocess.run([self.path, *map(str, args)], capture_output=True, text=True,
                           timeout=timeout)
        if check is not None:
            assert r.returncode == check, (r.returncode, r.stdout, r.stderr)
        return r

    def json(self, *args, timeout=300):
        r = self.run(*args, "--json", check=0, timeout=timeout)
        return json.loads(r.stdout)


@pytest.fixture(scope="session")
def cli(cli_path):
    return Cli(cli_path)
