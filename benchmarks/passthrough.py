"""The bare faust pass-through agent: the worker's app and batching, with nothing done per batch but a
count in Redis. Run by the throughput benchmarks next to the real worker, configured by the same
``VIGIE_*`` variables, so the ratio between the two is the cost of Vigie's own work.

    VIGIE_KAFKA_URL=... VIGIE_REDIS_URL=... python benchmarks/passthrough.py
"""

from __future__ import annotations

from typing import Any

import faust
import redis.asyncio as aioredis

from streams.app import create_app, create_worker
from streams.networks import NETWORKS
from streams.settings import Settings


def build(settings: Settings) -> faust.App:
    app = create_app(settings)
    topics = [settings.raw_topic(n) for n in NETWORKS] + [f"{settings.topic_prefix}.raw"]
    source = app.topic(*topics, key_serializer="raw", value_serializer="raw")
    counter = f"{{{settings.key_prefix}}}:passthrough"

    @app.agent(source, name="passthrough")
    async def passthrough(stream: Any) -> None:
        client = aioredis.from_url(settings.redis_url)
        async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
            await client.incrby(counter, len(events))

    return app


if __name__ == "__main__":
    create_worker(build(Settings()), "WARN").execute_from_commandline()
