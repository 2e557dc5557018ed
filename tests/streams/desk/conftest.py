"""The desk API on a real uvicorn server (in the test's event loop) and a real redis-server, per test: its own
key prefix (the ``settings`` fixture), tokens minted in Redis, items enqueued through the real store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import httpx
import pytest
from prometheus_client import CollectorRegistry

from classifiers.message import Message, Network
from classifiers.routing import RoutingPolicy
from classifiers.triage import decide
from classifiers.urgency import Score
from streams.desk.server import Desk, build, serving
from streams.embedded import free_port
from streams.queues import Pending, QueueStore
from streams.settings import Settings

SECRET_TEXT = "on est caches au 2e etage rue de Charonne"  # must never reach a log line
AUTHOR = "author-7f3a9c"


@pytest.fixture
def desk_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"lease_seconds": 60, "max_lease_seconds": 600})


@pytest.fixture
async def desk(desk_settings: Settings) -> AsyncIterator[Desk]:
    d = await build(desk_settings, CollectorRegistry())
    yield d
    await d.store.redis.aclose()


@pytest.fixture
async def base_url(desk: Desk) -> AsyncIterator[str]:
    port = free_port()
    async with serving(desk.app, "127.0.0.1", port):
        yield f"http://127.0.0.1:{port}"


class Agents:
    """HTTP clients of the real server, one per agent, each with its own freshly minted token."""

    def __init__(self, desk: Desk, base_url: str) -> None:
        self.desk, self.base_url = desk, base_url
        self.clients: list[httpx.AsyncClient] = []

    async def client(self, agent: str, role: str = "agent") -> httpx.AsyncClient:
        token = await self.desk.tokens.create(agent, role)  # type: ignore[arg-type]
        c = httpx.AsyncClient(base_url=self.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self.clients.append(c)
        return c

    async def aclose(self) -> None:
        for c in self.clients:
            await c.aclose()


@pytest.fixture
async def agents(desk: Desk, base_url: str) -> AsyncIterator[Agents]:
    a = Agents(desk, base_url)
    yield a
    await a.aclose()


def pending(nid: str, priority: int = 2, category: str = "safety_question", *, text: str | None = None,
            received_at: float = 1000.0, network: Network = Network.X) -> Pending:
    m = Message(network=network, network_id=nid, author_id=AUTHOR, text=text or f"question {nid} sur le metro ce soir",
                created_at=received_at - 1, received_at=received_at)
    [d] = decide([m], [Score(priority, category, 0.7, ("« metro »",))], RoutingPolicy())
    return Pending(d, f"raw/0/{nid}", "test-model")


async def enqueue(store: QueueStore, items: Sequence[Pending]) -> list[str]:
    await store.enqueue(items)
    return [p.decision.message.identity for p in items]
