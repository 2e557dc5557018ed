"""Network → gateway → Kafka → worker → Redis, all real processes: ``vigie gateway`` (with ``--follow``), a
``vigie worker``, the load generator sending signed deliveries through the gateway, and a bridge appending JSON
lines to a followed file. Every message must reach a queue (or fold as a repost) exactly once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from classifiers.message import Message, Network
from streams.demo import ACCOUNTED
from streams.embedded import die_with_parent, free_port, stop_process, wait_for_port
from streams.networks import render
from streams.queues import connect
from streams.settings import REPO_ROOT, Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SECRET = "e2e-ingest-key"


def start_gateway(settings: Settings, port: int, follow: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "VIGIE_KAFKA_URL": settings.kafka_url, "VIGIE_TOPIC_PREFIX": settings.topic_prefix,
           "VIGIE_INGEST_SECRETS": SECRET}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "streams.cli", "gateway", "--port", str(port),
                                 "--follow", f"x:{follow}"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)


async def wait_for(store, n: int, timeout: float = 90) -> dict[str, int]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        counters = await store.counters()
        if sum(counters.get(k, 0) for k in ACCOUNTED) >= n or time.monotonic() > deadline:
            return counters
        await asyncio.sleep(0.2)


async def test_deliveries_through_the_gateway_reach_the_desk_once(settings: Settings, workers, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO_ROOT / "benchmarks"))
    import loadgen

    port = free_port()
    bridge = tmp_path / "sms.jsonl"
    gateway = start_gateway(settings, port, bridge, tmp_path / "gateway.log")
    workers.start()
    store = connect(settings)
    try:
        wait_for_port(port, timeout=30, proc=gateway)
        # 200 deliveries of a witness-appeal storm, signed, through /ingest/<network>
        profile = loadgen.load_profile("witness_appeal").constant(100, 2)
        sent = await asyncio.to_thread(loadgen.run, settings, profile, 1.0, seed=21,
                                       gateway=f"http://127.0.0.1:{port}", secret=SECRET)
        assert sent["sent"] == 200 and sent["statuses"] == {"200": 200}, sent
        # and 3 messages from an SMS bridge appended to the followed file
        sms = [render(Message(network=Network.X, network_id=f"sms{i}", author_id=f"+3360000000{i}",
                              text=f"On est bloqués au {i}e étage, la porte est fermée, aidez nous",
                              created_at=time.time(), received_at=time.time(), conversation_id=f"sms{i}",
                              lang="fr", kind="post")) for i in range(3)]
        bridge.write_bytes(b"\n".join(sms) + b"\n")

        counters = await wait_for(store, 203)
        accounted = sum(counters.get(k, 0) for k in ACCOUNTED)
        assert accounted == 203, f"{counters}\n{(tmp_path / 'gateway.log').read_text()[-2000:]}\n{workers.logs()}"
        assert counters.get("enqueued", 0) + counters.get("duplicates_exact", 0) > 150  # the rest: dead letters
        for i in range(3):
            item = await store.item(f"x:sms{i}")
            assert item is not None and item["state"] == "queued"
    finally:
        stop_process(gateway)
        await store.redis.aclose()
