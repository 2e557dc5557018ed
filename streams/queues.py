"""The Redis queue store: idempotent enqueue, claim under a lease, resolve, release, reap, stats.

Every key of a deployment starts with ``{<key_prefix>}:`` — the braces are a Redis Cluster hash tag, so the
Lua scripts, which build item keys from ids, stay on one slot. Layout:

================================ ============================================================
``{p}:q:<desk>:p<n>``             sorted set of queued item ids, score = arrival time (ms)
``{p}:item:<id>``                 hash: the item an agent sees, its state and its duplicate cluster
``{p}:id:<network>:<network id>`` "record coordinate|item id": makes enqueue idempotent
``{p}:fp:<fingerprint>``          first item with this folded text, for the dedupe window
``{p}:rec:<coordinate>[|<id>]``   marks a record already counted (dead letter, nothing to triage, or
                                  a redelivery), so a replay of that record counts nothing again
``{p}:leases``                    sorted set of claimed item ids, score = lease deadline (ms)
``{p}:stats``                     counters: enqueued, duplicates_*, dead_letters*, claimed, ...
================================ ============================================================
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from classifiers.routing import RoutingPolicy
from streams.settings import Settings

if TYPE_CHECKING:
    from classifiers.triage import Decision

Outcome = str  # "enqueued" | "folded" | "redelivery" | "replay"


def _script(name: str) -> str:
    return resources.files("streams").joinpath("lua", f"{name}.lua").read_text(encoding="utf-8")


def _now_ms() -> int:
    return int(time.time() * 1000)


class LeaseError(Exception):
    """Resolve or release refused: ``code`` is not_found, not_claimed, not_holder or lease_expired."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.code = message.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class Ttls:
    identity: int
    fingerprint: int
    resolved: int
    record: int


@dataclass(frozen=True, slots=True)
class Pending:
    """A triaged message and the Kafka record it came from (``topic/partition/offset``)."""

    decision: Decision
    coordinate: str
    model_version: str


def connect(settings: Settings, policy: RoutingPolicy | None = None) -> QueueStore:
    """A store on ``settings.redis_url`` (the connection opens lazily, in the caller's event loop)."""
    ttls = Ttls(identity=settings.identity_ttl_seconds, fingerprint=settings.dedupe_window_seconds,
                resolved=settings.resolved_ttl_seconds, record=settings.identity_ttl_seconds)
    return QueueStore(aioredis.from_url(settings.redis_url), settings.key_prefix, policy or RoutingPolicy(), ttls)


class QueueStore:
    def __init__(self, client: aioredis.Redis, prefix: str, policy: RoutingPolicy, ttls: Ttls) -> None:
        self.redis = client
        self.policy = policy
        self.ttls = ttls
        self.p = "{" + prefix + "}:"
        self._enqueue = client.register_script(_script("enqueue"))
        self._record = client.register_script(_script("record"))
        self._claim = client.register_script(_script("claim"))
        self._settle = client.register_script(_script("settle"))
        self._reap = client.register_script(_script("reap"))

    @property
    def stats_key(self) -> str:
        return self.p + "stats"

    @property
    def leases_key(self) -> str:
        return self.p + "leases"

    async def enqueue(self, batch: Sequence[Pending]) -> list[Outcome]:
        """Enqueue a batch in one round trip; each message is one atomic, idempotent script call."""
        if not batch:
            return []
        now = _now_ms()
        pipe = self.redis.pipeline(transaction=False)
        for pending in batch:
            d, m = pending.decision, pending.decision.message
            fields = _item_fields(pending)
            await self._enqueue(
                keys=[self.p + "id:" + m.identity, self.p + "item:" + m.identity,
                      self.p + "q:" + d.route.queue, self.stats_key],
                args=[self.p, m.identity, pending.coordinate, d.fingerprint or "", now,
                      int(m.received_at * 1000), self.ttls.identity, self.ttls.fingerprint, m.network.value,
                      *fields],
                client=pipe,
            )
        replies = await pipe.execute()
        return [_text(r[0]) for r in replies]

    async def count_records(self, records: Sequence[tuple[str, Sequence[str]]]) -> list[bool]:
        """Count records that made no item (``(coordinate, stats fields)``), once per record."""
        if not records:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for coordinate, fields in records:
            await self._record(keys=[self.p + "rec:" + coordinate, self.stats_key],
                               args=[self.ttls.record, *fields], client=pipe)
        return [bool(r) for r in await pipe.execute()]

    async def claim(self, agent: str, *, lease_seconds: int, desk: str | None = None) -> dict[str, Any] | None:
        """Lease the most urgent queued item to ``agent``; expired leases are reaped first."""
        await self.reap()
        args: list[Any] = [self.p, agent, _now_ms(), lease_seconds * 1000]
        for route in self.policy.queues(desk):
            args += [int(route.priority), route.queue]
        flat = await self._claim(keys=[self.leases_key, self.stats_key], args=args)
        return _item(flat) if flat else None

    async def resolve(self, item_id: str, agent: str) -> None:
        await self._settle_item(item_id, agent, "resolve")

    async def release(self, item_id: str, agent: str) -> None:
        await self._settle_item(item_id, agent, "release")

    async def _settle_item(self, item_id: str, agent: str, action: str) -> None:
        try:
            await self._settle(keys=[self.leases_key, self.p + "item:" + item_id, self.stats_key],
                               args=[self.p, item_id, agent, _now_ms(), action, self.ttls.resolved])
        except ResponseError as exc:
            raise LeaseError(str(exc)) from None

    async def reap(self, limit: int = 500) -> int:
        """Put items whose lease expired back in their queue; returns how many."""
        return len(await self._reap(keys=[self.leases_key, self.stats_key], args=[self.p, _now_ms(), limit]))

    async def peek(self, n: int, desk: str | None = None) -> list[dict[str, Any]]:
        """The next ``n`` items in claim order (priority, then arrival), without claiming them."""
        routes = self.policy.queues(desk)
        pipe = self.redis.pipeline(transaction=False)
        for route in routes:
            pipe.zrange(self.p + "q:" + route.queue, 0, n - 1, withscores=True)
        heads = await pipe.execute()
        ordered = sorted((int(route.priority), score, _text(member))
                         for route, head in zip(routes, heads, strict=True) for member, score in head)
        items = [await self.item(item_id) for _, _, item_id in ordered[:n]]
        return [i for i in items if i is not None]

    async def item(self, item_id: str) -> dict[str, Any] | None:
        flat = await self.redis.hgetall(self.p + "item:" + item_id)
        return _item([x for kv in flat.items() for x in kv]) if flat else None

    async def counters(self) -> dict[str, int]:
        raw = await self.redis.hgetall(self.stats_key)
        return {_text(k): int(v) for k, v in raw.items()}

    async def depths(self) -> dict[str, dict[str, float]]:
        """Per queue: ``depth`` and ``oldest_age_seconds`` (0 when empty)."""
        routes = self.policy.queues()
        pipe = self.redis.pipeline(transaction=False)
        for route in routes:
            pipe.zcard(self.p + "q:" + route.queue)
            pipe.zrange(self.p + "q:" + route.queue, 0, 0, withscores=True)
        replies = await pipe.execute()
        now = time.time()
        out: dict[str, dict[str, float]] = {}
        for i, route in enumerate(routes):
            depth, head = replies[2 * i], replies[2 * i + 1]
            age = max(0.0, now - head[0][1] / 1000) if head else 0.0
            out[route.queue] = {"depth": int(depth), "oldest_age_seconds": round(age, 3)}
        return out

    async def leased(self) -> int:
        return int(await self.redis.zcard(self.leases_key))

    async def lease_holders(self) -> tuple[int, int]:
        """(items under lease, distinct agents holding them)."""
        ids = await self.redis.zrange(self.leases_key, 0, -1)
        if not ids:
            return 0, 0
        pipe = self.redis.pipeline(transaction=False)
        for item_id in ids:
            pipe.hget(self.p + "item:" + _text(item_id), "owner")
        owners = {o for o in await pipe.execute() if o is not None}
        return len(ids), len(owners)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _item_fields(pending: Pending) -> list[Any]:
    d, m, s = pending.decision, pending.decision.message, pending.decision.score
    fields: dict[str, Any] = {
        "id": m.identity, "network": m.network.value, "network_id": m.network_id, "author_id": m.author_id,
        "text": m.text, "kind": m.kind, "created_at": m.created_at, "received_at": m.received_at,
        "conversation_id": m.conversation_id or "", "reply_to": m.reply_to or "", "lang": m.lang or "",
        "has_media": int(m.has_media), "has_url": int(m.has_url),
        "priority": int(s.priority), "category": s.category, "urgency": round(s.urgency, 4),
        "reasons": orjson.dumps(list(s.reasons)), "desk": d.route.desk, "queue": d.route.queue,
        "model": pending.model_version,
    }
    return [x for kv in fields.items() for x in kv]


_INTS = {"priority", "dup_count", "has_media", "has_url", "claims", "releases", "expiries", "lease_deadline",
         "score", "first_seen", "last_seen", "claimed_at", "resolved_at"}
_FLOATS = {"urgency", "created_at", "received_at"}


def _item(flat: Sequence[Any]) -> dict[str, Any]:
    """Flat ``HGETALL`` reply → typed dict."""
    item: dict[str, Any] = {}
    for key, value in zip(flat[::2], flat[1::2], strict=True):
        k, v = _text(key), _text(value)
        if k in _INTS:
            item[k] = int(float(v))
        elif k in _FLOATS:
            item[k] = float(v)
        elif k == "reasons":
            item[k] = orjson.loads(v)
        elif k == "networks":
            item[k] = v.split(",")
        else:
            item[k] = v
    return item
