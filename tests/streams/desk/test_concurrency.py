"""Many agents at once over HTTP (a real uvicorn server, a real Redis): every item is claimed exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from streams.desk.server import Desk
from tests.streams.desk.conftest import Agents, enqueue, pending

pytestmark = pytest.mark.integration

AGENTS, ITEMS = 20, 300


async def test_twenty_agents_working_the_queues_claim_every_item_exactly_once(desk: Desk, agents: Agents) -> None:
    ids = await enqueue(desk.store, [pending(str(i), i % 4, ("danger", "witness_tip", "rumor", "spam")[i % 4],
                                             received_at=float(i)) for i in range(ITEMS)])
    clients = [await agents.client(f"agent{i:02d}") for i in range(AGENTS)]
    start = asyncio.Event()

    async def work(client: httpx.AsyncClient) -> list[str]:
        await start.wait()
        got = []
        while True:
            r = await client.post("/api/claim")
            assert r.status_code == 200, r.text
            item = r.json()["item"]
            if item is None:
                return got
            got.append(item["id"])
            done = await client.post(f"/api/items/{item['id']}/resolve", json={"lease": item["lease"],
                                                                                 "no_reply": True})
            assert done.status_code == 200, done.text

    tasks = [asyncio.create_task(work(c)) for c in clients]
    start.set()
    results = await asyncio.gather(*tasks)
    claimed = [i for r in results for i in r]
    assert sorted(claimed) == sorted(ids)  # every item, each exactly once
    assert sum(1 for r in results if r) >= AGENTS // 2  # the agents really did share the work
    counters = await desk.store.counters()
    assert counters["claimed"] == ITEMS and counters["resolved"] == ITEMS
    # and the audit trail agrees: one "claimed" per item, by the agent that got it
    owner = {i: f"agent{n:02d}" for n, r in enumerate(results) for i in r}
    for item_id in ids[:: ITEMS // 30]:
        events = Counter((e["event"], e["agent"]) for e in await desk.store.history(item_id))
        assert events == Counter({("enqueued", ""): 1, ("claimed", owner[item_id]): 1,
                                  ("resolved", owner[item_id]): 1})


async def test_a_burst_of_simultaneous_claims_never_shares_an_item(desk: Desk, agents: Agents) -> None:
    ids = await enqueue(desk.store, [pending(str(i), 0, "danger", received_at=float(i)) for i in range(7)])
    clients = [await agents.client(f"agent{i:02d}") for i in range(AGENTS)]
    replies = await asyncio.gather(*(c.post("/api/claim") for c in clients))
    got = [r.json()["item"]["id"] for r in replies if r.json()["item"] is not None]
    assert sorted(got) == sorted(ids)  # 7 winners, 13 told "nothing to do", nobody shares
    holders = await desk.store.holders()
    assert sorted(i["id"] for items in holders.values() for i in items) == sorted(ids)
    assert all(len(items) == 1 for items in holders.values())
