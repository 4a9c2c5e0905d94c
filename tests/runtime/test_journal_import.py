"""The KPI engine imports the journal that `callcore serve --journal` wrote."""
import json
import subprocess

from ccwire import Client


def test_kpi_import_of_a_served_journal(serve, tmp_path, cli_path):
    journal = tmp_path / "journal"
    s = serve("--journal", str(journal), "--fsync", "batch")
    c = Client(s.address)
    c.call("queue.create", {"name": "sales"})
    c.call("agent.login", {"agent": "ann", "queues": ["sales"]})
    for i in range(1, 4):
        c.call("contact.create", {"contact_id": i, "queue": "sales"})
        c.call("contact.accept", {"contact_id": i, "agent": "ann"})
        c.call("contact.end", {"contact_id": i})
    c.call("contact.create", {"contact_id": 9, "queue": "sales"})
    c.call("contact.abandon", {"contact_id": 9})
    live = json.loads(c.call("kpi.snapshot")["report"])["totals"]
    assert s.stop() == 0
    segments = sorted(str(p) for p in journal.glob("journal-*.ccj"))
    args = [cli_path, "kpi", "--format", "journal", "--json"]
    for seg in segments:
        args += ["--input", seg]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    imported = json.loads(r.stdout)["totals"]
    assert imported["offered"] == 4 and imported["answered"] == 3 and imported["abandoned"] == 1
    # The import sees exactly what the live aggregator saw.
    for key in ("offered", "answered", "abandoned", "service_level", "abandon_rate"):
        assert imported[key] == live[key], key
    # A restart refills the live KPIs from the journal too.
    s2 = serve("--journal", str(journal))
    again = json.loads(Client(s2.address).call("kpi.snapshot")["report"])["totals"]
    assert again["answered"] == 3 and again["abandoned"] == 1
