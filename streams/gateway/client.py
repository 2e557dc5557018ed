"""Send generated messages through a running gateway, signed as the networks (or Vigie's bridges) sign them.

Used by the benchmark and the tests; the same records :func:`streams.demo.produce` writes straight to Kafka.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import httpx

from streams.gateway import signatures as sig
from streams.generator import Generated, surge
from streams.networks import NETWORKS, render

Via = Literal["ingest", "network"]


def signed(network: str, body: bytes, secret: str, *, via: Via = "ingest",
           now: float | None = None) -> tuple[str, dict[str, str]]:
    """(path, headers) of a signed POST of ``body``: ``/ingest/<network>`` or the network's own webhook."""
    if via == "ingest" or network not in NETWORKS:
        ts = str(int(time.time() if now is None else now))
        return f"/ingest/{network}", {"X-Vigie-Timestamp": ts, "Content-Type": "application/json",
                                      "X-Vigie-Signature": sig.ingest_signature(secret, body, ts)}
    if network == "x":
        return "/webhooks/x", {"x-twitter-webhooks-signature": sig.x_signature(secret, body),
                               "Content-Type": "application/json"}
    return f"/webhooks/{network}", {"X-Hub-Signature-256": sig.meta_signature(secret, body),
                                    "Content-Type": "application/json"}


def payload(g: Generated) -> tuple[str, bytes]:
    """(network, body) of a generated record: a rendered message, or the malformed bytes as they are."""
    if g.message is None:
        assert g.raw is not None
        return g.network, g.raw
    return g.message.network.value, render(g.message)


@dataclass
class SendReport:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, one per request
    seconds: float = 0.0


async def post_all(client: httpx.AsyncClient, records: Iterable[Generated], *, secret: str, via: Via = "ingest",
                   concurrency: int = 32) -> SendReport:
    """POST every record (``concurrency`` at a time) to the gateway ``client`` points at; no retries."""
    report = SendReport()
    queue: asyncio.Queue[Generated | None] = asyncio.Queue()
    for g in records:
        queue.put_nowait(g)

    async def worker() -> None:
        while (g := queue.get_nowait() if not queue.empty() else None) is not None:
            network, body = payload(g)
            path, headers = signed(network, body, secret, via=via)
            started = time.perf_counter()
            response = await client.post(path, content=body, headers=headers)
            report.latencies.append(time.perf_counter() - started)
            report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    report.seconds = time.perf_counter() - started
    return report


async def post_surge(base_url: str, n: int, *, secret: str, via: Via = "ingest", concurrency: int = 32,
                     seed: int = 13, malformed_share: float = 0.0) -> SendReport:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        return await post_all(client, surge(n, seed=seed, malformed_share=malformed_share), secret=secret, via=via,
                              concurrency=concurrency)
