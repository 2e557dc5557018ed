"""The audit trail's way to Kafka: drain the global audit stream ``{p}:audit`` into the ``vigie.audit`` topic.

Every state change appends its entry to ``{p}:audit`` in the same Lua call as the change itself, so an entry
exists exactly when the change happened. The forwarder reads the stream through a consumer group
(``vigie-audit``; each ``vigie serve`` process is one consumer), produces the entries with acks=all, and only
then acknowledges and deletes them from the stream. Hence nothing is lost:

- Kafka down or slow: the entries stay in the stream (and in this consumer's pending list) and are produced
  again, in order, until Kafka acknowledges them; the desk keeps working meanwhile.
- a forwarder that dies between produce and ack: its pending entries are taken over by another consumer after
  ``claim_idle_ms`` (XAUTOCLAIM), or re-read by itself. Delivery is therefore at least once: a record's ``id``
  (the stream entry id, unique and increasing per deployment) lets a consumer drop repeats and order entries.
- the stream is capped at ``VIGIE_AUDIT_MAXLEN`` entries (MAXLEN ~) so Redis memory stays bounded: only a
  Kafka outage long enough to pile up that many unforwarded entries (a million by default, days of surge) would
  trim the oldest. ``vigie_audit_backlog`` / ``vigie_audit_backlog_seconds`` show the backlog; alert on them.

Records: key = item id, value = JSON ``{"id", "item", "event", "at" (epoch ms), "agent", ...details}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from streams.desk.metrics import DeskMetrics
from streams.gateway.producer import BrokerUnavailable, OutRecord, RecordSink
from streams.queues import audit_entry

log = logging.getLogger(__name__)
GROUP = "vigie-audit"


def record_of(entry_id: Any, fields: dict[Any, Any], topic: str) -> OutRecord:
    entry = audit_entry(entry_id, fields)
    return OutRecord(topic, entry["item"].encode(), orjson.dumps(entry))


class AuditForwarder:
    def __init__(self, client: aioredis.Redis, key_prefix: str, sink: RecordSink, topic: str,
                 metrics: DeskMetrics, *, consumer: str | None = None, batch: int = 500, block_ms: int = 1000,
                 claim_idle_ms: int = 30_000) -> None:
        self.redis, self.sink, self.topic, self.metrics = client, sink, topic, metrics
        self.stream = "{" + key_prefix + "}:audit"
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.batch, self.block_ms, self.claim_idle_ms = batch, block_ms, claim_idle_ms
        self._group_ready = False

    async def ensure_group(self) -> None:
        if self._group_ready:
            return
        try:  # from 0: entries appended before the first forwarder started are forwarded too
            await self.redis.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def _next_batch(self, block: bool) -> list[tuple[Any, dict[Any, Any]]]:
        """Own pending entries first (a failed produce), then entries stuck with a dead consumer, then new ones."""
        mine: Any = await self.redis.xreadgroup(GROUP, self.consumer, {self.stream: "0"}, count=self.batch)
        if mine and mine[0][1]:
            return list(mine[0][1])
        claimed: Any = await self.redis.xautoclaim(self.stream, GROUP, self.consumer, self.claim_idle_ms, "0-0",
                                              count=self.batch)
        if claimed[1]:
            return [e for e in claimed[1] if e[1]]
        new: Any = await self.redis.xreadgroup(GROUP, self.consumer, {self.stream: ">"}, count=self.batch,
                                          block=self.block_ms if block else None)
        return list(new[0][1]) if new else []

    async def step(self, block: bool = True) -> int:
        """Forward one batch; returns how many entries Kafka acknowledged. Raises BrokerUnavailable."""
        await self.ensure_group()
        entries = await self._next_batch(block)
        if entries:
            await self.sink.send_all([record_of(i, f, self.topic) for i, f in entries])
            ids = [i for i, _ in entries]
            pipe = self.redis.pipeline(transaction=False)
            pipe.xack(self.stream, GROUP, *ids)
            pipe.xdel(self.stream, *ids)
            await pipe.execute()
            self.metrics.audit_forwarded.inc(len(ids))
        await self.update_backlog()
        return len(entries)

    async def update_backlog(self) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.xlen(self.stream)
        pipe.xrange(self.stream, count=1)
        length, first = await pipe.execute()  # RESP2 replies
        self.metrics.audit_backlog.set(length)
        age = 0.0
        if first:
            first_id = first[0][0].decode() if isinstance(first[0][0], bytes) else first[0][0]
            age = max(0.0, time.time() - int(first_id.split("-")[0]) / 1000)
        self.metrics.audit_backlog_seconds.set(round(age, 3))

    async def drain(self, timeout: float = 10.0) -> int:
        """Forward until the stream is empty (tests, shutdown); returns how many were forwarded."""
        total, deadline = 0, time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = await self.step(block=False)
            total += n
            if n == 0 and not await self.redis.xlen(self.stream):
                break
        return total

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Forward until ``stop`` is set (between two steps, so no Redis command is interrupted: redis-py has lost
        a cancellation in the middle of a blocking read before) or until cancelled. Kafka or Redis errors are
        counted, logged and retried with backoff."""
        stop = stop or asyncio.Event()
        backoff = 0.5
        while not stop.is_set():
            try:
                await self.step()
                backoff = 0.5
            except (BrokerUnavailable, RedisError, OSError) as exc:
                self.metrics.audit_forward_errors.inc()
                log.warning("audit forwarding failed (%s), retrying in %.1fs", type(exc).__name__, backoff)
                with contextlib.suppress(RedisError, OSError):
                    await self.update_backlog()
                with contextlib.suppress(TimeoutError):  # the backoff, cut short by stop
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 10.0)
