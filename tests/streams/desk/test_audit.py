"""Audit completeness: every transition is in the item's trail, and reaches Kafka ``vigie.audit`` (real broker),
even when the broker was away for a while."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from streams.desk.audit import AuditForwarder
from streams.desk.server import Desk
from streams.gateway.producer import KafkaSink
from streams.gateway.testing import MemorySink
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.streams.desk.conftest import Agents, enqueue, pending
from tests.streams.gateway.conftest import read_topic

pytestmark = pytest.mark.integration

EVERY_EVENT = {"enqueued", "claimed", "extended", "resolved", "released", "expired", "escalated", "flagged"}


async def every_transition(desk: Desk, agents: Agents) -> list[str]:
    """Drive two items through every kind of state change over the API; returns their ids."""
    ids = await enqueue(desk.store, [pending("1", 2, "rumor", received_at=1.0),
                                     pending("2", 3, "spam", received_at=2.0)])
    alice, bob = await agents.client("alice"), await agents.client("bob")
    sam = await agents.client("sam", "supervisor")
    for who in (alice, bob):  # released twice ...
        item = (await who.post("/api/claim")).json()["item"]
        await who.post(f"/api/items/{item['id']}/release", json={"lease": item["lease"]})
    item = (await alice.post("/api/claim", json={"lease_seconds": 1})).json()["item"]
    await alice.post(f"/api/items/{item['id']}/extend", json={"lease": item["lease"], "lease_seconds": 1})
    await asyncio.sleep(1.1)
    await desk.store.reap()  # ... and expired once: flagged
    item = (await bob.post("/api/claim")).json()["item"]
    await bob.post(f"/api/items/{item['id']}/escalate", json={"lease": item["lease"], "priority": 1})
    await sam.post(f"/api/items/{ids[1]}/escalate", json={"desk": "emergencies"})
    for _ in ids:
        item = (await alice.post("/api/claim")).json()["item"]
        await alice.post(f"/api/items/{item['id']}/resolve", json={"lease": item["lease"], "reply": "Merci"})
    return ids


async def test_every_transition_reaches_vigie_audit(desk: Desk, agents: Agents, desk_settings: Settings) -> None:
    ids = await every_transition(desk, agents)
    trails = {i: await desk.store.history(i) for i in ids}
    assert {e["event"] for t in trails.values() for e in t} == EVERY_EVENT
    assert [e["event"] for e in trails[ids[0]]] == [
        "enqueued", "claimed", "released", "claimed", "released", "claimed", "extended", "expired", "flagged",
        "claimed", "escalated", "claimed", "resolved"]

    ensure_topics(desk_settings)
    sink = KafkaSink(desk_settings)
    await sink.start()
    try:
        forwarder = AuditForwarder(desk.store.redis, desk_settings.key_prefix, sink, desk_settings.audit_topic,
                                   desk.metrics, consumer="test")
        total = sum(len(t) for t in trails.values())
        assert await forwarder.drain() == total
    finally:
        await sink.stop()
    records = read_topic(desk_settings.kafka_bootstrap, desk_settings.audit_topic, total)
    in_kafka = [orjson.loads(v) for _, v in records]
    assert {k for k, _ in records} == {i.encode() for i in ids}  # keyed by item: one item's entries in order
    for item_id, trail in trails.items():
        mine = sorted((e for e in in_kafka if e["item"] == item_id), key=lambda e: e["id"])
        assert [(e["event"], e["agent"], e["at"]) for e in mine] == [(e["event"], e["agent"], e["at"]) for e in trail]
    assert await desk.store.redis.xlen(forwarder.stream) == 0  # forwarded entries leave the stream
    assert desk.metrics.audit_forwarded._value.get() == total


async def test_nothing_is_lost_while_kafka_is_away(desk: Desk, agents: Agents, desk_settings: Settings) -> None:
    ids = await enqueue(desk.store, [pending(str(i), received_at=float(i)) for i in range(3)])
    sink = MemorySink()
    sink.down = True
    forwarder = AuditForwarder(desk.store.redis, desk_settings.key_prefix, sink, desk_settings.audit_topic,
                               desk.metrics, consumer="a", block_ms=10)
    stop = asyncio.Event()
    task = asyncio.create_task(forwarder.run(stop))
    alice = await agents.client("alice")
    for _ in ids:
        item = (await alice.post("/api/claim")).json()["item"]
        await alice.post(f"/api/items/{item['id']}/resolve", json={"lease": item["lease"], "no_reply": True})
    await asyncio.sleep(1.0)
    assert sink.records == [] and desk.metrics.audit_forward_errors._value.get() >= 1
    assert desk.metrics.audit_backlog._value.get() == 9  # enqueued, claimed, resolved × 3, waiting in Redis
    sink.down = False  # the broker is back: the forwarder retries (backoff ≤ 1 s here)
    for _ in range(100):
        if len(sink.records) >= 9:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(task, 5)  # a step blocks 10 ms at most, a backoff is cut short
    events = sorted((r.key, orjson.loads(r.value)["event"]) for r in sink.records)
    assert events == sorted((i.encode(), e) for i in ids for e in ("enqueued", "claimed", "resolved"))
    assert await desk.store.redis.xlen(forwarder.stream) == 0 and desk.metrics.audit_backlog._value.get() == 0


async def test_a_dead_forwarders_entries_are_taken_over(desk: Desk, desk_settings: Settings) -> None:
    await enqueue(desk.store, [pending("1")])

    class Crash(MemorySink):
        async def send_all(self, records):  # type: ignore[no-untyped-def]
            raise SystemExit  # dies after reading, before the ack

    dead = AuditForwarder(desk.store.redis, desk_settings.key_prefix, Crash(), desk_settings.audit_topic,
                          desk.metrics, consumer="dead", block_ms=10)
    with pytest.raises(SystemExit):
        await dead.step()
    sink = MemorySink()
    heir = AuditForwarder(desk.store.redis, desk_settings.key_prefix, sink, desk_settings.audit_topic,
                          desk.metrics, consumer="heir", block_ms=10, claim_idle_ms=50)
    assert await heir.step() == 0  # not idle long enough yet: nothing new to read either
    await asyncio.sleep(0.1)
    assert await heir.step() == 1
    assert [orjson.loads(r.value)["event"] for r in sink.records] == ["enqueued"]
