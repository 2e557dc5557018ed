"""The load benchmarks: the profiles' arithmetic, the generator against the real broker, and each benchmark
script once in a tiny smoke mode (benchmarks are not tests: these only show the scripts work)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from streams.embedded import EmbeddedKafka, EmbeddedRedis
from streams.settings import REPO_ROOT, Settings

BENCHMARKS = REPO_ROOT / "benchmarks"


@pytest.fixture
def loadgen(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import loadgen as module  # a script folder, not a package

    return module


def test_attack_surge_averages_11000_an_hour_with_bursts_at_ten_times(loadgen: ModuleType) -> None:
    profile = loadgen.load_profile("attack_surge")
    ramp, surge, _decline = profile.segments
    schedule = loadgen.plan(profile, compression=1.0)
    in_surge = [t for t in schedule if ramp.seconds <= t < ramp.seconds + surge.seconds]
    assert len(in_surge) / (surge.seconds / 3600) == pytest.approx(11_000, rel=0.01)
    # a one-minute burst at 110,000/h: ~30 messages in its busiest second, against ~1 a second between bursts
    assert loadgen.peak_rate(schedule) == pytest.approx(110_000 / 3600, abs=2)


def test_compression_plays_the_same_messages_faster(loadgen: ModuleType) -> None:
    profile = loadgen.load_profile("calm_day")
    slow, fast = loadgen.plan(profile, 1.0), loadgen.plan(profile, 3600.0)
    assert 90 <= len(slow) <= 110  # about a hundred messages a day
    assert len(fast) == len(slow)
    assert fast[-1] == pytest.approx(slow[-1] / 3600)
    assert slow == sorted(slow)


def test_constant_rate_is_evenly_spaced(loadgen: ModuleType) -> None:
    schedule = loadgen.plan(loadgen.load_profile("constant").constant(300, 10), 1.0)
    assert len(schedule) == 3000
    gaps = {round(b - a, 6) for a, b in itertools.pairwise(schedule)}
    assert gaps == {round(1 / 300, 6)}


def test_every_shipped_profile_loads_and_plans(loadgen: ModuleType) -> None:
    for path in sorted((BENCHMARKS / "profiles").glob("*.toml")):
        profile = loadgen.load_profile(path.stem)
        assert profile.description and profile.segments
        assert loadgen.plan(profile, compression=600.0), path.name


@pytest.mark.integration
def test_loadgen_writes_every_planned_message_to_kafka(loadgen: ModuleType, settings: Settings) -> None:
    import asyncio

    import harness

    profile = loadgen.load_profile("witness_appeal").constant(400, 1.5)
    result = loadgen.run(settings, profile, 1.0, seed=3)
    assert result["sent"] == result["planned"] == 600
    drained = asyncio.run(harness.bare_aiokafka(settings, 600, timeout=60))
    assert drained.records == 600


def _script(name: str, *args: str, tmp_path: Path, servers: tuple[EmbeddedKafka, EmbeddedRedis] | None = None,
            timeout: int = 110) -> dict:
    extra = ["--kafka-url", servers[0].url, "--redis-url", servers[1].url] if servers else []
    env = {**os.environ, "VIGIE_BENCH_RESULTS": str(tmp_path)}
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), *args, *extra], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads((tmp_path / f"{name}.json").read_text())


@pytest.mark.integration
@pytest.mark.slow
def test_worker_throughput_smoke(kafka: EmbeddedKafka, redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    # 2,000 records: 300 could all be counted at the first poll, leaving no interval to measure CPU over
    result = _script("worker_throughput", "--messages", "2000", "--runs", "1", "--no-two-workers",
                     tmp_path=tmp_path, servers=(kafka, redis_server))
    names = {row["name"]: row for row in result["runs"][0]}
    assert set(names) == {"bare aiokafka consumer", "faust pass-through", "vigie worker x1"}
    assert all(row["records"] == 2000 and row["per_second"] > 0 for row in names.values())
    assert names["faust pass-through"]["vs_passthrough"] == 1.0
    # CPU per record by process: the worker's own and its scoring process's (the servers here are the tests')
    assert {"consumer", "scoring"} <= set(names["vigie worker x1"]["cpu_us_per_record"])
    assert "scoring" not in names["faust pass-through"]["cpu_us_per_record"]
    worker = names["vigie worker x1"]
    assert worker["cpu_ceiling_per_second"] > 0
    # memory of the worker and of its scoring process, which a pod holds together; the pass-through has no child
    assert worker["rss_mb"] > 0 and worker["children_rss_mb"] > 0
    assert names["faust pass-through"]["children_rss_mb"] == 0
    assert result["medians"]["vigie worker x1"]["cpu_ceiling_per_second"] == worker["cpu_ceiling_per_second"]


@pytest.mark.integration
@pytest.mark.slow
def test_latency_smoke(kafka: EmbeddedKafka, redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    result = _script("latency", "--rates", "50", "--seconds", "2", tmp_path=tmp_path, servers=(kafka, redis_server))
    (row,) = result["rows"]
    assert row["sent"] == 100 and 0 < row["items"] <= 100  # reposts and malformed records make no item
    assert 0 <= row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"]


@pytest.mark.integration
@pytest.mark.slow
def test_backlog_drain_smoke(kafka: EmbeddedKafka, redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    result = _script("backlog_drain", "--messages", "300", "--workers", "1", tmp_path=tmp_path,
                     servers=(kafka, redis_server))
    (row,) = result["rows"]
    assert row["workers"] == 1 and row["records"] == 300 and row["total_seconds"] > 0


@pytest.mark.integration
def test_pipeline_core_smoke(tmp_path: Path) -> None:
    result = _script("pipeline_core", "--messages", "200", "--batch", "50", tmp_path=tmp_path)
    assert set(result["us_per_record"]) == {"parse", "score", "decide", "enqueue", "emit"}
    assert result["records_per_second"] > 0


@pytest.mark.integration
def test_dedupe_window_smoke(redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    result = _script("dedupe_window", "--windows", "300", "--measure", "100", "--runs", "1", "--orders", "1",
                     "--lookups", "50", "--redis-url", redis_server.url, tmp_path=tmp_path)
    (row,) = result["windows"]
    assert row["window"] == 300 and sum(row["outcomes"].values()) == 100
    assert row["slots_filled"] >= 2  # by default, filled over the window's time: in more than one time slot
    assert row["enqueue_per_second"] > 0 and row["lookup_insert_per_second"] > 0
    assert row["lookups"]["messages"] == 50 and row["lookups"]["per_lookup_per_second"] > 0
    assert row["window_bytes_per_message"] > 0 and row["brute_force"]["lookups_timed"] == 100
    accuracy = result["accuracy"]
    assert "skipped" in accuracy or accuracy["vigie"]["look_alikes_apart"] == accuracy["look_alikes"]


@pytest.mark.integration
@pytest.mark.slow
def test_gateway_load_smoke(tmp_path: Path) -> None:
    result = _script("gateway_load", "--requests", "40", "--concurrency", "4", tmp_path=tmp_path)
    assert result["requests"] == 40 and result["requests_per_second"] > 0
    assert 0 <= result["p50_ms"] <= result["p99_ms"]


@pytest.mark.integration
@pytest.mark.slow
def test_demo_throughput_smoke(tmp_path: Path) -> None:
    result = _script("demo_throughput", "--messages", "100", "--runs", "1", tmp_path=tmp_path)
    (run,) = result["runs"]
    assert run["produced"] == 100 and result["median_throughput_per_second"] > 0
