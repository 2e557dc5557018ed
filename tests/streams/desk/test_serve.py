"""``vigie serve`` as an operator runs it: a real process configured by VIGIE_* variables, tokens minted with the
CLI, the console and API on one port, and the audit trail reaching Kafka through the process's own forwarder."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.embedded import free_port, stop_process, wait_for_port
from streams.queues import connect
from streams.settings import Settings
from tests.streams.desk.conftest import enqueue, pending
from tests.streams.gateway.conftest import read_topic

pytestmark = pytest.mark.integration


def env_of(settings: Settings, port: int) -> dict[str, str]:
    return {**os.environ, "VIGIE_REDIS_URL": settings.redis_url, "VIGIE_KEY_PREFIX": settings.key_prefix,
            "VIGIE_KAFKA_URL": settings.kafka_url, "VIGIE_TOPIC_PREFIX": settings.topic_prefix,
            "VIGIE_API_PORT": str(port), "VIGIE_PARTITIONS": "1"}


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "serve"], env=env_of(settings, port),
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, timeout=30, proc=proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)
        log.close()


def test_vigie_serve_end_to_end(settings: Settings, served: str) -> None:
    async def seed() -> list[str]:
        store = connect(settings)
        try:
            return await enqueue(store, [pending("1", 0, "danger"), pending("2", 2, "complaint_police")])
        finally:
            await store.redis.aclose()

    ids = asyncio.run(seed())
    cli = CliRunner().invoke(main, ["desk", "token", "create", "--agent", "alice"],
                             env=env_of(settings, 0), catch_exceptions=False)
    token = cli.output.splitlines()[0]
    with httpx.Client(base_url=served, headers={"Authorization": f"Bearer {token}"}, timeout=10) as c:
        assert "<title>Vigie — desk</title>" in c.get("/").text
        assert c.get("/api/me").json()["role"] == "agent"
        for _ in ids:
            item = c.post("/api/claim").json()["item"]
            assert c.post(f"/api/items/{item['id']}/resolve", json={"lease": item["lease"],
                                                                    "no_reply": True}).status_code == 200
        assert 'vigie_desk_api_requests_total{route="/api/claim",status="200"} 2.0' in c.get("/metrics").text
    records = read_topic(settings.kafka_bootstrap, settings.audit_topic, 6, timeout=30)
    events = sorted((orjson.loads(v)["item"], orjson.loads(v)["event"]) for _, v in records)
    assert events == sorted((i, e) for i in ids for e in ("enqueued", "claimed", "resolved"))


def test_vigie_serve_says_why_it_cannot_start(settings: Settings) -> None:
    env = {**env_of(settings, free_port()), "VIGIE_REDIS_URL": "redis://127.0.0.1:1/0"}
    proc = subprocess.run([sys.executable, "-m", "streams.cli", "serve"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1 and "cannot serve: ConnectionError" in proc.stderr
