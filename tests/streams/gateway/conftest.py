"""A gateway on the real broker for each test: its own topics (from the ``settings`` fixture), known secrets."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from kafka import KafkaConsumer, TopicPartition
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from streams.gateway.app import create_gateway
from streams.gateway.producer import KafkaSink
from streams.settings import Settings
from streams.topics import ensure_topics

META, META_OLD, X_SECRET, INGEST = "meta-new", "meta-old", "x-consumer", "ingest-key"


def with_secrets(settings: Settings, **update: object) -> Settings:
    return settings.model_copy(update={
        "meta_app_secrets": (SecretStr(META), SecretStr(META_OLD)), "meta_verify_token": SecretStr("verify-me"),
        "x_consumer_secrets": (SecretStr(X_SECRET),), "ingest_secrets": (SecretStr(INGEST),),
        "gateway_produce_timeout": 3.0, **update})


@pytest.fixture
def gw_settings(settings: Settings) -> Settings:
    ensure_topics(settings)
    return with_secrets(settings)


@pytest.fixture
async def sink(gw_settings: Settings) -> AsyncIterator[KafkaSink]:
    s = KafkaSink(gw_settings)
    await s.start()
    yield s
    await s.stop()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
async def client(gw_settings: Settings, sink: KafkaSink,
                 registry: CollectorRegistry) -> AsyncIterator[httpx.AsyncClient]:
    app = create_gateway(gw_settings, sink, registry=registry)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gw") as c:
        yield c


def read_topic(bootstrap: str, topic: str, expected: int, timeout: float = 10.0) -> list[tuple[bytes | None, bytes]]:
    """Every (key, value) of ``topic`` from the beginning, waiting for at least ``expected`` records."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        deadline = time.monotonic() + timeout
        parts = consumer.partitions_for_topic(topic)
        while not parts and time.monotonic() < deadline:
            time.sleep(0.1)
            parts = consumer.partitions_for_topic(topic)
        tps = [TopicPartition(topic, p) for p in sorted(parts or ())]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        out: list[tuple[bytes | None, bytes]] = []
        while len(out) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                out += [(r.key, r.value) for r in batch]
        return out
    finally:
        consumer.close()
