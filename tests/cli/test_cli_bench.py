"""`callcore bench routing`: the routing benchmark's output contract."""


def test_bench_routing_json_with_baseline(cli):
    out = cli.json("bench", "routing", "--agents", 300, "--queues", 10, "--skills", 5,
                   "--seconds", 0.2, "--baseline", "linear")
    for key in ("decisions", "decisions_per_s", "p50_ns", "p99_ns", "bytes_per_agent",
                "bytes_per_contact", "baseline_decisions_per_s", "speedup"):
        assert key in out, key
    assert out["agents"] == 300
    assert out["decisions"] > 1000
    assert out["decisions_per_s"] > 0 and out["baseline_decisions_per_s"] > 0
    assert 0 < out["p50_ns"] <= out["p99_ns"]
    assert out["bytes_per_agent"] > 0 and out["bytes_per_contact"] > 0
    assert abs(out["speedup"] - out["decisions_per_s"] / out["baseline_decisions_per_s"]) < 1e-6


def test_bench_routing_json_has_both_definitions(cli):
    """Lifecycle keys (existing) and deciding-call keys (decide_*), for both sides.
    The two definitions are timed in separate passes, so their figures are not
    compared here: on a shared machine either pass may be the slower one (the
    close baseline pair flipped in CI); only what holds by construction is."""
    out = cli.json("bench", "routing", "--agents", 300, "--queues", 10, "--skills", 5,
                   "--seconds", 0.2, "--baseline", "linear")
    for side in ("", "baseline_"):
        rate, p50, p99 = (out[side + k] for k in (
            "decide_decisions_per_s", "decide_p50_ns", "decide_p99_ns"))
        assert rate > 0 and out[side + "decisions_per_s"] > 0
        assert 0 < p50 <= p99
        assert 0 < out[side + "p50_ns"] <= out[side + "p99_ns"]
    assert abs(out["decide_speedup"] - out["decide_decisions_per_s"]
               / out["baseline_decide_decisions_per_s"]) < 1e-6


def test_bench_routing_without_baseline_has_no_speedup(cli):
    out = cli.json("bench", "routing", "--agents", 100, "--queues", 5, "--skills", 3,
                   "--seconds", 0.1)
    assert "speedup" not in out and "decide_speedup" not in out
    assert out["decide_decisions_per_s"] > 0 and out["decisions_per_s"] > 0
    assert out["decisions"] > 0


def test_bench_usage_errors(cli):
    assert "routing" in cli.run("bench", check=2).stderr
    assert "--agents" in cli.run("bench", "routing", "--agents", 0, check=2).stderr
    assert "linear" in cli.run("bench", "routing", "--baseline", "smart", check=2).stderr
    assert "--seconds" in cli.run("bench", "routing", "--seconds", "-1", check=2).stderr
    # Seeds are 0..2^53 in every subcommand (cli.h); -1 ran seed 2^64 - 1.
    for seed in (-1, 2 ** 53 + 1):
        r = cli.run("bench", "routing", "--seed", seed, "--seconds", "0.01", check=2)
        assert "--seed must be in 0..2^53" in r.stderr
