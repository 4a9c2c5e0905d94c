"""The example switch adapter registers as the voice backend and answers offers."""
import os
import subprocess
import sys

ADAPTER = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python",
                       "switch_adapter.py")


def test_adapter_serves_calls_end_to_end(serve):
    s = serve()
    r = subprocess.run([sys.executable, ADAPTER, "--connect", s.address, "--calls", "4",
                        "--answer-ms", "20", "--talk-ms", "30", "--timeout-s", "20"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "registered as the voice backend" in r.stdout
    assert r.stdout.count("<- media.offer") >= 4
    assert r.stdout.count("<- media.bridge") == 4
    assert "done: 4 call(s) ended; queue: answered 4, waiting 0" in r.stdout
