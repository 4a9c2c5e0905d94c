"""Fixtures shared by the Python binding tests."""
import gc
import os

import pytest


@pytest.fixture(scope="session")
def data_dir():
    """The shared real-data folder, or a skip when it is absent."""
    d = os.environ.get("CALLCORE_DATA")
    if not d or not os.path.isdir(d):
        pytest.skip("CALLCORE_DATA is not set or missing: real-data tests skipped")
    return d


@pytest.fixture
def collect():
    """Forces a full garbage collection (the lifetime tests call it between steps)."""
    def run():
        for _ in range(3):
            gc.collect()
    return run


@pytest.fixture(scope="session")
def engine_available():
    """Skips engine tests when the routing engine is absent from the build."""
    import callcore
    try:
        callcore.Engine().close()
    except callcore.Unsupported as e:
        pytest.skip(f"routing engine not available in this build: {e}")
    return True
