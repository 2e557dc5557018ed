"""The Kafka side of the gateway: produce a delivery's records and wait until the broker has all of them.

``acks="all"``: a record counts once every in-sync replica has it. ``enable_idempotence`` is a setting
(``VIGIE_GATEWAY_IDEMPOTENT_PRODUCER``), off by default because Tansu, the embedded broker, answers aiokafka's
InitProducerId with an unknown error; turn it on against Apache Kafka. Without it, a retried produce may write a
record twice; the worker folds that as a redelivery (same network id), so nothing is doubled on the desk.

Waiting is bounded by ``gateway_produce_timeout``: when the broker is unreachable or slow, :meth:`send_all`
raises :class:`BrokerUnavailable` and the gateway answers 503, so nothing piles up in memory beyond the
in-flight window. Records left in the producer's buffer expire after the same timeout.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from streams.settings import Settings


class BrokerUnavailable(Exception):
    """The records could not all be acknowledged in time; the caller should be told to retry."""


@dataclass(frozen=True, slots=True)
class OutRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]] = field(default_factory=list)


class RecordSink(Protocol):
    async def send_all(self, records: Sequence[OutRecord]) -> None:
        """Return once the broker has every record; raise :class:`BrokerUnavailable` otherwise."""

    async def ready(self) -> bool:
        """Whether the broker is reachable now (fresh metadata)."""


def _consume_outcome(fut: asyncio.Future[object]) -> None:
    if not fut.cancelled():
        fut.exception()  # retrieved, so a late failure after a 503 is not reported as "never retrieved"


class KafkaSink:
    """:class:`RecordSink` on an aiokafka producer (``start()`` before use, ``stop()`` after)."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.gateway_produce_timeout
        self._producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap, client_id="vigie-gateway", acks="all",
            enable_idempotence=settings.gateway_idempotent_producer, linger_ms=1,
            request_timeout_ms=int(self.timeout * 1000), retry_backoff_ms=100,
            max_request_size=max(1_048_576, 2 * settings.gateway_max_body_bytes),
        )
        self.last_ok = 0.0

    async def start(self) -> None:
        await self._producer.start()
        self.last_ok = time.monotonic()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send_all(self, records: Sequence[OutRecord]) -> None:
        deadline = time.monotonic() + self.timeout
        futures: list[asyncio.Future[object]] = []
        try:
            async with asyncio.timeout(self.timeout):  # send() itself may wait for metadata
                for r in records:
                    fut = await self._producer.send(r.topic, r.value, key=r.key, headers=r.headers or None)
                    fut.add_done_callback(_consume_outcome)
                    futures.append(fut)
            # asyncio.wait does not cancel what is still pending: aiokafka completes those futures later.
            done, pending = await asyncio.wait(futures, timeout=max(0.0, deadline - time.monotonic()))
        except (TimeoutError, KafkaError) as err:
            raise BrokerUnavailable(type(err).__name__) from None
        if pending:
            raise BrokerUnavailable(f"{len(pending)} of {len(futures)} records not acknowledged in time")
        failed = [f.exception() for f in done if f.exception() is not None]
        if failed:
            raise BrokerUnavailable(type(failed[0]).__name__)
        self.last_ok = time.monotonic()

    async def ready(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self._producer.client.force_metadata_update(), 2.0))
        except (TimeoutError, KafkaError):
            return False
