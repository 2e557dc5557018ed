"""The JSON-lines poller and the poller runner (in-memory sink: the broker side is covered elsewhere)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import orjson

from classifiers.message import Message, Network
from streams.gateway.pollers import JsonLinesPoller, run_poller
from streams.gateway.testing import MemorySink
from streams.networks import render
from streams.settings import Settings


def payload(nid: str) -> bytes:
    return render(Message(network=Network.X, network_id=nid, author_id="42", text=f"le métro est fermé ? {nid}",
                          created_at=1_700_000_000.0, received_at=1_700_000_001.0, conversation_id=nid, lang="fr",
                          kind="post"))


async def test_jsonl_poller_returns_complete_lines_once(tmp_path: Path) -> None:
    path = tmp_path / "bridge.jsonl"
    poller = JsonLinesPoller(path, "x", interval=0.01)
    assert await poller.poll() == []  # no file yet
    path.write_bytes(payload("1") + b"\n" + payload("2")[:10])  # the second line is still being written
    assert await poller.poll() == [("x", payload("1"))]
    with path.open("ab") as f:
        f.write(payload("2")[10:] + b"\n")
    assert await poller.poll() == [("x", payload("2"))]
    assert await poller.poll() == []


async def test_runner_retries_a_refused_batch_and_skips_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bridge.jsonl"
    path.write_bytes(b"\n".join(payload(str(i)) for i in range(3)) + b"\n")
    sink = MemorySink()
    sink.down = True
    task = asyncio.create_task(run_poller(JsonLinesPoller(path, "x", interval=0.01), Settings(), sink))
    await asyncio.sleep(0.1)
    assert sink.records == []  # the broker is down: nothing acknowledged yet, nothing dropped either
    sink.down = False
    for _ in range(100):
        if len(sink.records) == 3:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert [orjson.loads(r.value)["data"]["id"] for r in sink.records] == ["0", "1", "2"]
    assert {r.topic for r in sink.records} == {"vigie.raw.x"}
