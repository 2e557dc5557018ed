"""``vigie gateway``: the producer, the app and the pollers in one process, served by uvicorn."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from prometheus_client import REGISTRY

from streams.gateway.app import create_gateway
from streams.gateway.pollers import Poller, run_poller
from streams.gateway.producer import KafkaSink
from streams.runtime import freeze_startup_heap, serve_http
from streams.settings import Settings


async def serve(settings: Settings, pollers: Sequence[Poller] = (), *, log_level: str = "warning") -> None:
    """Run until SIGINT/SIGTERM. Fails at start if the broker cannot be reached (let the supervisor retry)."""
    sink = KafkaSink(settings)
    await sink.start()
    try:
        app = create_gateway(settings, sink, registry=REGISTRY)
        freeze_startup_heap()
        tasks = [asyncio.create_task(run_poller(p, settings, sink), name=p.name) for p in pollers]
        await serve_http(app, host=settings.gateway_host, port=settings.gateway_port, log_level=log_level,
                         background=tasks)
    finally:
        await sink.stop()
