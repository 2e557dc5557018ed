"""The Redis queue store against a real redis-server: idempotent enqueue, folding, leases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from classifiers.message import Message, Network
from classifiers.routing import RoutingPolicy
from classifiers.triage import decide
from classifiers.urgency import Score
from streams.queues import LeaseError, Pending, QueueStore, connect
from streams.settings import Settings

pytestmark = pytest.mark.integration


def message(nid: str, text: str, *, network: Network = Network.X, received_at: float = 1000.0) -> Message:
    return Message(network=network, network_id=nid, author_id=f"a{nid}", text=text, created_at=received_at - 1,
                   received_at=received_at)


def pending(m: Message, priority: int = 2, category: str = "safety_question", offset: int = 0) -> Pending:
    [d] = decide([m], [Score(priority, category, 0.5, ("« test »",))], RoutingPolicy())
    return Pending(d, f"raw/0/{offset}", "test-model")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """These tests are about order and leases: one agent may hold many items (the cap has its own tests)."""
    return settings.model_copy(update={"agent_max_items": 10_000})


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[QueueStore]:
    s = connect(settings)
    yield s
    await s.redis.aclose()


async def test_enqueue_is_idempotent_on_replay_and_redelivery(store: QueueStore) -> None:
    m = message("1", "le métro est fermé à République ce soir ?")
    assert await store.enqueue([pending(m, offset=7)]) == ["enqueued"]
    # the same record again (worker restart): no effect at all
    assert await store.enqueue([pending(m, offset=7)]) == ["replay"]
    # the same network message in another record (webhook retry): counted, not queued
    assert await store.enqueue([pending(m, offset=9)]) == ["redelivery"]
    depths = await store.depths()
    assert depths["public_info:p2"]["depth"] == 1
    assert await store.counters() == {"enqueued": 1, "duplicates_redelivery": 1}


async def test_exact_reposts_fold_into_the_first_item(store: QueueStore) -> None:
    first = message("1", "URGENT on recherche Camille vue à Bastille vers 22h", network=Network.FACEBOOK)
    repost = message("2", "RT @lea: urgent on recherche camille vue a bastille vers 22h 😢 #Paris")
    other_street = message("3", "URGENT on recherche Camille vue à République vers 22h")
    outcomes = await store.enqueue([pending(first, 1, "missing_person", 1), pending(repost, 1, "missing_person", 2),
                                    pending(other_street, 1, "missing_person", 3)])
    assert outcomes == ["enqueued", "folded", "enqueued"]
    item = await store.item(first.identity)
    assert item is not None
    assert item["dup_count"] == 2 and item["networks"] == ["facebook", "x"]
    assert (await store.depths())["emergencies:p1"]["depth"] == 2


async def test_claim_order_priority_then_arrival(store: QueueStore) -> None:
    batch = [
        pending(message("low", "merci pour tout ce que vous faites", received_at=1.0), 3, "thanks_support", 1),
        pending(message("p1-late", "sac abandonné devant la gare du nord", received_at=5.0), 1, "witness_tip", 2),
        pending(message("p1-early", "voiture noire suspecte rue Oberkampf", received_at=3.0), 1, "witness_tip", 3),
        pending(message("p0", "on est cachés dans la réserve ils tirent", received_at=9.0), 0, "danger", 4),
    ]
    await store.enqueue(batch)
    claimed = [await store.claim("agent", lease_seconds=60) for _ in range(5)]
    assert [c["id"] if c else None for c in claimed] == ["x:p0", "x:p1-early", "x:p1-late", "x:low", None]


async def test_concurrent_claims_never_share_an_item(store: QueueStore, settings: Settings) -> None:
    await store.enqueue([pending(message(str(i), f"question numero {i} sur le metro ce soir", received_at=i), 2,
                                 "safety_question", i) for i in range(200)])
    agents = [connect(settings) for _ in range(8)]

    async def work(s: QueueStore, name: str) -> list[str]:
        got = []
        while (item := await s.claim(name, lease_seconds=60)) is not None:
            got.append(item["id"])
        return got

    try:
        results = await asyncio.gather(*(work(s, f"agent{i}") for i, s in enumerate(agents)))
    finally:
        for s in agents:
            await s.redis.aclose()
    claimed = [i for r in results for i in r]
    assert len(claimed) == 200 and len(set(claimed)) == 200
    assert sum(1 for r in results if r) > 1  # the agents really did race


async def test_only_the_lease_holder_may_resolve_or_release(store: QueueStore) -> None:
    await store.enqueue([pending(message("1", "plainte contre un controle de police hier soir"), 2,
                                 "complaint_police")])
    item = await store.claim("alice", lease_seconds=60)
    assert item is not None and item["owner"] == "alice"
    with pytest.raises(LeaseError) as refused:
        await store.resolve(item["id"], "bob")
    assert refused.value.code == "not_holder"
    await store.release(item["id"], "alice")
    again = await store.claim("bob", lease_seconds=60)
    assert again is not None and again["id"] == item["id"] and again["claims"] == 2
    await store.resolve(item["id"], "bob")
    resolved = await store.item(item["id"])
    assert resolved is not None and resolved["state"] == "resolved" and resolved["resolved_by"] == "bob"
    with pytest.raises(LeaseError, match="not_claimed"):
        await store.release(item["id"], "bob")


async def test_an_expired_lease_puts_the_item_back(store: QueueStore) -> None:
    await store.enqueue([pending(message("1", "ou deposer une pre plainte en ligne svp"), 3,
                                 "procedure_question")])
    item = await store.claim("alice", lease_seconds=1)
    assert item is not None
    assert await store.claim("bob", lease_seconds=60) is None
    await asyncio.sleep(1.1)
    with pytest.raises(LeaseError, match="lease_expired"):
        await store.resolve(item["id"], "alice")
    again = await store.claim("bob", lease_seconds=60)
    assert again is not None and again["id"] == item["id"] and again["expiries"] == 1
    assert (await store.counters())["lease_expired"] == 1


async def test_records_without_items_are_counted_once(store: QueueStore) -> None:
    fields = ["dead_letters", "dead_letters:invalid_json"]
    assert await store.count_records([("raw/0/1", fields), ("raw/0/2", fields)]) == [True, True]
    assert await store.count_records([("raw/0/1", fields)]) == [False]
    assert await store.counters() == {"dead_letters": 2, "dead_letters:invalid_json": 2}


async def test_replaying_a_redelivery_counts_it_once(store: QueueStore) -> None:
    m = message("1", "le métro est fermé à République ce soir ?")
    await store.enqueue([pending(m, offset=1)])
    assert await store.enqueue([pending(m, offset=2)]) == ["redelivery"]
    # a worker restart replays both records
    assert await store.enqueue([pending(m, offset=1), pending(m, offset=2)]) == ["replay", "replay"]
    assert await store.counters() == {"enqueued": 1, "duplicates_redelivery": 1}
