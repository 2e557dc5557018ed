"""The exporter against a real broker, a real worker and a real Redis: lag rises during a surge, falls back to
zero once the worker has caught up, and the queue gauges match Redis."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from kafka import KafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from streams.demo import encode, worker_env
from streams.embedded import die_with_parent, free_port, stop_process
from streams.generator import surge
from streams.queues import connect
from streams.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def exporter(settings: Settings, tmp_path) -> Iterator[int]:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {**os.environ, **worker_env(settings), "VIGIE_EXPORTER_PORT": str(port), "VIGIE_EXPORTER_INTERVAL": "0.3"}
    with (tmp_path / "exporter.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "exporter"], env=env, stdout=log,
                                stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    yield port
    stop_process(proc)


def scrape(port: int) -> dict[str, list[tuple[dict[str, str], float]]]:
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                text = response.read().decode()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def total(samples: dict[str, list[tuple[dict[str, str], float]]], name: str) -> float:
    return sum(v for _, v in samples.get(name, []))


def up(samples: dict[str, list[tuple[dict[str, str], float]]]) -> dict[str, float]:
    return {labels["source"]: v for labels, v in samples.get("vigie_exporter_source_up", [])}


async def test_lag_rises_then_falls_to_zero_and_queue_gauges_match_redis(  # type: ignore[no-untyped-def]
        settings: Settings, workers, exporter: int) -> None:
    generated = list(surge(600, seed=99))
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5)
    for g in generated:
        topic, key, value, headers = encode(g, settings)
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()
    producer.close()
    await asyncio.sleep(1.2)

    # nothing consumes yet: every record is lag, and the oldest is over a second old
    deadline = time.monotonic() + 20
    while True:
        samples = scrape(exporter)
        lag_seconds = [v for _, v in samples.get("vigie_consumer_lag_seconds", [])]
        if up(samples) == {"kafka": 1.0, "redis": 1.0} and max(lag_seconds, default=0) >= 1.0 and \
                total(samples, "vigie_consumer_lag_messages") >= len(generated):
            break
        assert time.monotonic() < deadline, samples
        await asyncio.sleep(0.3)
    assert total(samples, "vigie_consumer_lag_messages") == len(generated)
    assert max(v for _, v in samples["vigie_consumer_lag_seconds"]) >= 1.0
    assert {labels["group"] for labels, _ in samples["vigie_consumer_lag_seconds"]} == {settings.group_id}

    workers.start()
    deadline = time.monotonic() + 90
    while True:
        samples = scrape(exporter)
        if total(samples, "vigie_consumer_lag_messages") == 0 and total(samples, "vigie_items_enqueued_total") > 0:
            break
        assert time.monotonic() < deadline, (samples.get("vigie_consumer_lag_messages"), workers.logs())
        await asyncio.sleep(0.3)
    assert max(v for _, v in samples["vigie_consumer_lag_seconds"]) == 0.0

    store = connect(settings)
    try:
        depths = await store.depths()
        counters = await store.counters()
    finally:
        await store.redis.aclose()
    gauges = {f"{labels['desk']}:p{labels['priority']}": v for labels, v in samples["vigie_queue_depth"]}
    assert gauges == {queue: q["depth"] for queue, q in depths.items()}
    assert total(samples, "vigie_items_enqueued_total") == counters["enqueued"] == sum(gauges.values())
