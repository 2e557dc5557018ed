"""The desk side of the queue store against a real redis-server: stale leases, extend, the per-agent cap,
flagging, escalation, claim order with ageing, and the per-item audit trail."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from classifiers.message import Message, Network
from classifiers.routing import Route, RoutingPolicy
from classifiers.taxonomy import Priority
from classifiers.triage import decide
from classifiers.urgency import Score
from streams.queues import LeaseError, Pending, QueueStore, connect
from streams.settings import Settings

pytestmark = pytest.mark.integration


def pending(nid: str, priority: int = 2, category: str = "safety_question", *, received_at: float = 1000.0,
            policy: RoutingPolicy | None = None) -> Pending:
    m = Message(network=Network.X, network_id=nid, author_id=f"a{nid}", text=f"message numero {nid} sur le metro",
                created_at=received_at - 1, received_at=received_at)
    [d] = decide([m], [Score(priority, category, 0.5, ("test",))], policy or RoutingPolicy())
    return Pending(d, f"raw/0/{nid}", "test-model")


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[QueueStore]:
    s = connect(settings.model_copy(update={"agent_max_items": 2}))
    yield s
    await s.redis.aclose()


async def claim(store: QueueStore, agent: str, seconds: int = 60) -> dict:
    item = await store.claim(agent, lease_seconds=seconds)
    assert item is not None
    return item


async def test_a_stale_lease_is_refused_even_for_the_same_agent(store: QueueStore) -> None:
    await store.enqueue([pending("1")])
    first = await claim(store, "alice", 1)
    await asyncio.sleep(1.1)
    second = await claim(store, "alice")  # the old lease expired, was reaped, and alice claimed again
    assert second["id"] == first["id"] and second["lease"] != first["lease"]
    with pytest.raises(LeaseError) as refused:
        await store.resolve(first["id"], "alice", lease=first["lease"])
    assert refused.value.code == "stale_lease"
    with pytest.raises(LeaseError, match="not_holder"):
        await store.release(first["id"], "bob", lease=second["lease"])
    await store.resolve(second["id"], "alice", lease=second["lease"], reply_id="thanks")
    item = await store.item(first["id"])
    assert item is not None and item["state"] == "resolved" and item["reply_id"] == "thanks"


async def test_extend_keeps_the_lease_alive(store: QueueStore) -> None:
    await store.enqueue([pending("1")])
    item = await claim(store, "alice", 1)
    deadline = await store.extend(item["id"], "alice", lease=item["lease"], lease_seconds=30)
    assert deadline > item["lease_deadline"] + 25_000
    await asyncio.sleep(1.1)
    assert await store.reap() == 0
    with pytest.raises(LeaseError, match="not_holder"):
        await store.extend(item["id"], "bob", lease_seconds=30)
    await store.resolve(item["id"], "alice", lease=item["lease"], reply="Merci, c'est noté.")


async def test_expired_lease_is_refused_until_reaped_then_the_item_is_back(store: QueueStore) -> None:
    await store.enqueue([pending("1")])
    item = await claim(store, "alice", 1)
    await asyncio.sleep(1.1)
    with pytest.raises(LeaseError, match="lease_expired"):
        await store.extend(item["id"], "alice", lease=item["lease"], lease_seconds=30)
    assert await store.reap() == 1
    with pytest.raises(LeaseError, match="not_claimed: the item is queued"):
        await store.resolve(item["id"], "alice", lease=item["lease"])
    assert (await store.counters())["lease_expired"] == 1
    assert await store.held_by("alice") == []


async def test_per_agent_cap(store: QueueStore) -> None:
    await store.enqueue([pending(str(i), received_at=i) for i in range(4)])
    a, b = await claim(store, "alice"), await claim(store, "alice")
    with pytest.raises(LeaseError) as refused:
        await store.claim("alice", lease_seconds=60)
    assert refused.value.code == "cap_reached" and "at most 2" in str(refused.value)
    assert (await claim(store, "bob"))["id"] not in {a["id"], b["id"]}  # others are not capped by alice
    assert [i["id"] for i in await store.held_by("alice")] == [a["id"], b["id"]]
    await store.release(a["id"], "alice", lease=a["lease"])
    assert (await claim(store, "alice"))["id"] == a["id"]  # back at its place: the oldest queued item


async def test_released_or_expired_three_times_is_flagged(store: QueueStore) -> None:
    await store.enqueue([pending("1")])
    for agent in ("alice", "bob"):
        item = await claim(store, agent)
        await store.release(item["id"], agent, lease=item["lease"])
    assert await store.flagged() == []
    item = await claim(store, "carol", 1)
    await asyncio.sleep(1.1)
    await store.reap()
    [flagged] = await store.flagged()
    assert flagged["id"] == item["id"] and flagged["releases"] == 2 and flagged["expiries"] == 1
    assert "text" not in flagged and "author_id" not in flagged
    assert (await store.counters())["flagged"] == 1
    item = await claim(store, "dave")
    await store.resolve(item["id"], "dave", lease=item["lease"])
    assert await store.flagged() == []


async def test_escalation_by_the_holder_and_by_a_supervisor(store: QueueStore) -> None:
    await store.enqueue([pending("1", 2, "rumor", received_at=500.0)])
    item = await claim(store, "alice")
    with pytest.raises(ValueError, match="cannot go down"):
        await store.escalate(item["id"], "alice", lease=item["lease"], priority=3)
    with pytest.raises(LeaseError, match="not_holder"):
        await store.escalate(item["id"], "bob", desk="emergencies")
    new = await store.escalate(item["id"], "alice", lease=item["lease"], desk="emergencies", reason="vrai danger")
    assert new == Route("emergencies", Priority.MEDIUM)
    moved = await store.item(item["id"])
    assert moved is not None and (moved["state"], moved["queue"], moved["score"]) == ("queued", "emergencies:p2",
                                                                                       500_000)
    assert await store.held_by("alice") == []
    again = await claim(store, "bob")
    await store.escalate(again["id"], "sup", priority=0, supervisor=True)  # revokes bob's lease
    with pytest.raises(LeaseError, match="not_claimed"):
        await store.resolve(again["id"], "bob", lease=again["lease"])
    depths = await store.depths()
    assert depths["emergencies:p0"]["depth"] == 1 and depths["public_info:p2"]["depth"] == 0
    assert (await store.counters())["escalated"] == 2


async def test_claim_order_ages_low_priority_work_and_peek_agrees(settings: Settings) -> None:
    store = connect(settings.model_copy(update={"ageing_seconds": 60, "agent_max_items": 10}))
    try:
        await store.enqueue([
            pending("p1", 1, "witness_tip", received_at=1000.0),
            pending("p2-aged", 2, "rumor", received_at=1000.0 - 61),  # waited > 60 s more than the P1
            pending("p3-young", 3, "spam", received_at=1000.0 - 100),  # needs 120 s more
            pending("p0", 0, "danger", received_at=5000.0),  # the youngest, and first
        ])
        expected = ["x:p0", "x:p2-aged", "x:p1", "x:p3-young"]
        assert [i["id"] for i in await store.peek(10)] == expected
        assert [(await claim(store, "alice"))["id"] for _ in expected] == expected
    finally:
        await store.redis.aclose()


async def test_every_transition_is_in_the_item_history_and_the_global_stream(store: QueueStore) -> None:
    [p] = [pending("1", 2, "rumor")]
    await store.enqueue([p])
    await store.enqueue([p])  # a replay audits nothing twice
    item = await claim(store, "alice")
    await store.extend(item["id"], "alice", lease=item["lease"], lease_seconds=60)
    await store.release(item["id"], "alice", lease=item["lease"])
    item = await claim(store, "bob")
    await store.escalate(item["id"], "bob", lease=item["lease"], priority=1)
    item = await claim(store, "carol", 1)
    await asyncio.sleep(1.1)
    await store.reap()
    item = await claim(store, "dave")
    await store.resolve(item["id"], "dave", lease=item["lease"], reply_id="transport")
    history = await store.history(item["id"])
    assert [(h["event"], h["agent"]) for h in history] == [
        ("enqueued", ""), ("claimed", "alice"), ("extended", "alice"), ("released", "alice"), ("claimed", "bob"),
        ("escalated", "bob"), ("claimed", "carol"), ("expired", "carol"), ("claimed", "dave"), ("resolved", "dave")]
    assert history[5]["queue"] == "public_info:p1" and history[5]["from_queue"] == "public_info:p2"
    assert history[-1]["reply_id"] == "transport"
    assert all(h["at"] > 0 for h in history) and history == sorted(history, key=lambda h: h["id"])
    everything = await store.redis.xrange(store.p + "audit")
    assert [e[1][b"event"].decode() for e in everything] == [h["event"] for h in history]
    assert {e[1][b"item"] for e in everything} == {item["id"].encode()}


async def test_holders_says_who_holds_what(store: QueueStore) -> None:
    await store.enqueue([pending(str(i), received_at=i) for i in range(3)])
    a1, b1, a2 = await claim(store, "alice"), await claim(store, "bob"), await claim(store, "alice")
    holders = await store.holders()
    assert {agent: [i["id"] for i in items] for agent, items in holders.items()} == {
        "alice": [a1["id"], a2["id"]], "bob": [b1["id"]]}
    assert all("text" not in i and "author_id" not in i for items in holders.values() for i in items)
