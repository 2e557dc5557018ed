"""``vigie serve``: the desk API and console, the lease reaper and the audit forwarder in one process (uvicorn)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry
from redis.exceptions import RedisError

from streams.desk.app import create_desk_api
from streams.desk.audit import AuditForwarder
from streams.desk.auth import TokenStore
from streams.desk.metrics import DeskMetrics
from streams.desk.replies import ReplyStore
from streams.gateway.producer import KafkaSink
from streams.queues import QueueStore, connect
from streams.runtime import freeze_startup_heap, serve_http
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Desk:
    """The API app and what it runs on."""

    app: FastAPI
    store: QueueStore
    tokens: TokenStore
    replies: ReplyStore

    @property
    def metrics(self) -> DeskMetrics:
        metrics: DeskMetrics = self.app.state.metrics
        return metrics


async def build(settings: Settings, registry: CollectorRegistry | None = None) -> Desk:
    """Connect to Redis, seed the canned replies on first start, and create the app (fails if Redis is down)."""
    store = connect(settings)
    replies = ReplyStore(store.redis, settings.key_prefix, settings.igpn_report_url)
    await replies.seed()
    tokens = TokenStore(store.redis, settings.key_prefix)
    return Desk(create_desk_api(settings, store, tokens, replies, registry=registry), store, tokens, replies)


async def reap_forever(store: QueueStore, interval: float = 1.0) -> None:
    """Expired leases go back to their queue (counted, audited) even when nobody claims."""
    while True:
        try:
            await store.reap()
        except (RedisError, OSError) as exc:
            log.warning("reaper: %s", type(exc).__name__)
        await asyncio.sleep(interval)


async def forward_audit_forever(settings: Settings, desk: Desk) -> None:
    """Start a Kafka producer (retrying while the broker is away), then forward the audit stream until cancelled."""
    from streams.topics import ensure_topics

    delay = 1.0
    while True:
        sink = KafkaSink(settings)
        try:
            await asyncio.to_thread(ensure_topics, settings)
            await sink.start()
            break
        except Exception as exc:  # the desk works without Kafka; the audit waits in Redis
            log.warning("audit forwarder: Kafka unreachable (%s), retrying in %.0fs", type(exc).__name__, delay)
            with contextlib.suppress(Exception):
                await sink.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
    try:
        await AuditForwarder(desk.store.redis, settings.key_prefix, sink, settings.audit_topic, desk.metrics).run()
    finally:
        await sink.stop()


@contextlib.asynccontextmanager
async def serving(app: FastAPI, host: str, port: int, log_level: str = "warning") -> AsyncIterator[uvicorn.Server]:
    """Run ``app`` under uvicorn in this event loop until the block exits (tests, ``serve``)."""
    config = uvicorn.Config(app, host=host, port=port, lifespan="off", log_level=log_level, access_log=False,
                            server_header=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # a bind error, say
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        await task


async def serve(settings: Settings, *, log_level: str = "warning") -> None:
    """Run until SIGINT/SIGTERM."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    desk = await build(settings, REGISTRY)
    # The app and its schemas live as long as the process: out of the collector's full passes, which were the
    # API's latency tail under load (claim → resolve p99 ~90 → ~40 ms with 20 agents, benchmarks/desk_api.py).
    freeze_startup_heap()
    gc.set_threshold(5_000, 20, 20)  # and fewer young collections: a request allocates a few hundred objects
    tasks = [asyncio.create_task(reap_forever(desk.store), name="reaper"),
             asyncio.create_task(forward_audit_forever(settings, desk), name="audit-forwarder")]
    try:
        await serve_http(desk.app, host=settings.api_host, port=settings.api_port, log_level=log_level,
                         background=tasks)
    finally:
        await desk.store.redis.aclose()
