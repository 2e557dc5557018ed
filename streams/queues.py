"""The Redis queue store: idempotent enqueue, claim under a lease, extend, resolve, release, escalate, reap, stats.

Every key of a deployment starts with ``{<key_prefix>}:`` — the braces are a Redis Cluster hash tag, so the
Lua scripts, which build item keys from ids, stay on one slot. Layout:

================================ ============================================================
``{p}:q:<desk>:p<n>``             sorted set of queued item ids, score = arrival time (ms)
``{p}:item:<id>``                 hash: the item an agent sees, its state and its duplicate cluster
``{p}:id:<network>:<network id>`` "record coordinate|item id": makes enqueue idempotent
``{p}:fp:<fingerprint>``          first item with this folded text, for the dedupe window
``{p}:nd:b2|f2:<slot>``, ``{p}:nd:seq`` the near-duplicate window (LSH buckets, forms; ``lua/enqueue.lua``)
``{p}:authors:<id>``              HyperLogLog of an item's cluster's distinct authors
``{p}:rec:<coordinate>[|<id>]``   marks a record already counted (dead letter, nothing to triage, or
                                  a redelivery), so a replay of that record counts nothing again
``{p}:leases``                    sorted set of claimed item ids, score = lease deadline (ms)
``{p}:held:<agent>``              set of the item ids an agent holds (the per-agent cap)
``{p}:flagged``                   items released or expired ``flag_after`` times, for supervisors
``{p}:audit:<id>``                the item's audit trail (stream, bounded)
``{p}:audit``                     every audit entry, until forwarded to Kafka (stream, bounded)
``{p}:stats``                     counters: enqueued, duplicates_*, dead_letters*, claimed, ...
================================ ============================================================

Every state change of an item (enqueued, claimed, extended, resolved, released, expired, escalated, flagged) is
appended to both audit streams by the same Lua call that makes the change (``lua/desk.lua``), so the trail
cannot miss a transition; ``streams/desk/audit.py`` forwards the global stream to Kafka.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from classifiers.routing import Route, RoutingPolicy, parse_desks
from classifiers.taxonomy import Priority
from streams import redis_client
from streams.settings import Settings

if TYPE_CHECKING:
    from classifiers.neardup_cluster import Follow
    from classifiers.triage import Decision

Outcome = str  # "enqueued" | "folded" | "folded_near" | "redelivery" | "replay"


def _script(name: str) -> str:
    return resources.files("streams").joinpath("lua", f"{name}.lua").read_text(encoding="utf-8")


def _desk_script(name: str) -> str:
    """A desk script with the shared prelude (audit, lease checks) in front of it."""
    return _script("desk") + "\n" + _script(name)


class LeaseError(Exception):
    """A desk action refused. ``code``: not_found, not_claimed, not_holder, stale_lease, lease_expired (the
    caller does not hold the item's current lease), cap_reached (claim), moved (escalate raced another change)."""

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
class DeskLimits:
    """The desk's rules that the scripts apply (defaults as in Settings)."""

    agent_max_items: int = 3
    flag_after: int = 3
    audit_item_maxlen: int = 200
    audit_maxlen: int = 1_000_000

    @classmethod
    def from_settings(cls, settings: Settings) -> DeskLimits:
        return cls(settings.agent_max_items, settings.flag_after, settings.audit_item_maxlen, settings.audit_maxlen)


@dataclass(frozen=True, slots=True)
class Pending:
    """A triaged message and the Kafka record it came from (``topic/partition/offset``)."""

    decision: Decision
    coordinate: str
    model_version: str


def routing_policy(settings: Settings) -> RoutingPolicy:
    """The routing policy configured by ``VIGIE_DESKS``, ``VIGIE_CRITICAL_DESK`` and ``VIGIE_AGEING_SECONDS``."""
    return RoutingPolicy(parse_desks(settings.desks), settings.critical_desk, settings.ageing_seconds)


def connect(settings: Settings, policy: RoutingPolicy | None = None,
            clock: Callable[[], float] = time.time) -> QueueStore:
    """A store on ``settings.redis_url`` (the connection opens lazily, in the caller's event loop). ``clock``:
    the time the scripts are given (epoch seconds); a benchmark spreads a window's fill over hours with it."""
    ttls = Ttls(identity=settings.identity_ttl_seconds, fingerprint=settings.dedupe_window_seconds,
                resolved=settings.resolved_ttl_seconds, record=settings.identity_ttl_seconds)
    return QueueStore(redis_client.from_url(settings.redis_url), settings.key_prefix,
                      policy or routing_policy(settings), ttls, DeskLimits.from_settings(settings), clock)


class QueueStore:
    def __init__(self, client: aioredis.Redis, prefix: str, policy: RoutingPolicy, ttls: Ttls,
                 limits: DeskLimits | None = None, clock: Callable[[], float] = time.time) -> None:
        self.redis = client
        self.clock = clock
        self.policy = policy
        self.ttls = ttls
        self.limits = limits or DeskLimits()
        self._plans: dict[str | None, list[Any]] = {}
        self.p = "{" + prefix + "}:"
        self._enqueue = client.register_script(_desk_script("enqueue"))  # audits the new item itself
        self._record = client.register_script(_script("record"))
        self._claim = client.register_script(_desk_script("claim"))
        self._settle = client.register_script(_desk_script("settle"))
        self._extend = client.register_script(_desk_script("extend"))
        self._escalate = client.register_script(_desk_script("escalate"))
        self._reap = client.register_script(_desk_script("reap"))

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    @property
    def stats_key(self) -> str:
        return self.p + "stats"

    @property
    def leases_key(self) -> str:
        return self.p + "leases"

    async def enqueue(self, batch: Sequence[Pending], plan: Sequence[Follow | None] | None = None) -> list[Outcome]:
        """Enqueue a batch, folding exact and near-duplicate reposts into their first item's cluster: one
        atomic, idempotent step per message and round, one round trip per round (``streams/dedupe.py``:
        usually one round, two when near-duplicate candidates need comparing). ``plan``: which messages
        repost an earlier one of the batch, when :func:`classifiers.triage.plan` was run beforehand."""
        from streams import dedupe

        return await dedupe.enqueue(self, batch, plan)

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
        """Lease the most urgent item (the claim order of ``classifiers/routing.py``) to ``agent``, or None when
        every queue is empty. Expired leases are reaped first, in the same atomic script. The item carries its
        ``lease`` id (pass it back to extend / resolve / release). Raises ValueError for an unknown desk and
        :class:`LeaseError` ``cap_reached`` when the agent already holds ``agent_max_items`` items."""
        args: list[Any] = [self.p, agent, self.now_ms(), lease_seconds * 1000, secrets.token_hex(8),
                           self.limits.agent_max_items, self.limits.audit_item_maxlen, self.limits.audit_maxlen,
                           self.limits.flag_after, 100]
        args += self._plan(desk)
        try:
            flat = await self._claim(keys=[self.leases_key, self.stats_key], args=args)
        except ResponseError as exc:
            raise _refusal(exc) from None
        return _item(flat) if flat else None

    async def extend(self, item_id: str, agent: str, *, lease_seconds: int, lease: str | None = None) -> int:
        """A new deadline, ``lease_seconds`` from now, for the agent's current lease; returns it (epoch ms)."""
        try:
            return int(await self._extend(keys=[self.leases_key, self._key(item_id)], args=[
                self.p, item_id, agent, self.now_ms(), lease or "", lease_seconds * 1000,
                self.limits.audit_item_maxlen, self.limits.audit_maxlen]))
        except ResponseError as exc:
            raise _refusal(exc) from None

    async def resolve(self, item_id: str, agent: str, *, lease: str | None = None, reply: str | None = None,
                      reply_id: str | None = None) -> None:
        """Mark the item answered (with the reply text or the canned reply used, if any)."""
        await self._settle_item(item_id, agent, "resolve", lease, reply_id or "", reply or "")

    async def release(self, item_id: str, agent: str, *, lease: str | None = None) -> None:
        """Give the item back to its queue, at its original place."""
        await self._settle_item(item_id, agent, "release", lease, "", "")

    async def _settle_item(self, item_id: str, agent: str, action: str, lease: str | None, reply_id: str,
                           reply: str) -> None:
        try:
            await self._settle(keys=[self.leases_key, self._key(item_id), self.stats_key], args=[
                self.p, item_id, agent, self.now_ms(), action, self.ttls.resolved, lease or "",
                self.limits.audit_item_maxlen, self.limits.audit_maxlen, self.limits.flag_after, reply_id, reply])
        except ResponseError as exc:
            raise _refusal(exc) from None

    async def escalate(self, item_id: str, actor: str, *, desk: str | None = None, priority: int | None = None,
                       lease: str | None = None, supervisor: bool = False, reason: str = "") -> Route:
        """Move the item to another desk and/or a higher priority (the policy says where; ValueError if not
        allowed). The holder escalates an item it holds (its lease ends); a ``supervisor`` may escalate any
        queued or claimed item, revoking the lease of a claimed one. Returns the new route."""
        current = await self.redis.hmget(self._key(item_id), "desk", "priority", "queue")
        if current[0] is None:
            raise LeaseError("not_found: no such item")
        route = Route(_text(current[0]), Priority(int(_text(current[1]))))
        new = self.policy.escalate(route, desk, priority)
        try:
            await self._escalate(keys=[self.leases_key, self._key(item_id), self.stats_key], args=[
                self.p, item_id, actor, self.now_ms(), "supervisor" if supervisor else "holder", lease or "",
                _text(current[2]), new.desk, int(new.priority), new.queue, reason,
                self.limits.audit_item_maxlen, self.limits.audit_maxlen])
        except ResponseError as exc:
            raise _refusal(exc) from None
        return new

    def _plan(self, desk: str | None) -> list[Any]:
        """The claim script's "handicap queue" pairs for a desk (or all), computed once per desk."""
        if desk not in self._plans:
            self._plans[desk] = [x for q in self.policy.claim_plan(desk) for x in (q.handicap_ms, q.route.queue)]
        return self._plans[desk]

    def _reap_args(self, now: int, limit: int) -> list[Any]:
        return [self.p, now, limit, self.limits.audit_item_maxlen, self.limits.audit_maxlen, self.limits.flag_after]

    async def reap(self, limit: int = 500) -> int:
        """Put items whose lease expired back in their queue (counted, audited); returns how many."""
        return len(await self._reap(keys=[self.leases_key, self.stats_key], args=self._reap_args(self.now_ms(), limit)))

    async def peek(self, n: int, desk: str | None = None) -> list[dict[str, Any]]:
        """The next ``n`` items in claim order (the same keys as claim.lua), without claiming them."""
        plan = self.policy.claim_plan(desk)
        pipe = self.redis.pipeline(transaction=False)
        for q in plan:
            pipe.zrange(self.p + "q:" + q.route.queue, 0, n - 1, withscores=True)
        heads = await pipe.execute()
        ordered = sorted((score + q.handicap_ms, i, _text(member))
                         for i, (q, head) in enumerate(zip(plan, heads, strict=True)) for member, score in head)
        return await self.items([item_id for _, _, item_id in ordered[:n]])

    async def item(self, item_id: str) -> dict[str, Any] | None:
        flat = await self.redis.hgetall(self._key(item_id))
        return _item([x for kv in flat.items() for x in kv]) if flat else None

    async def items(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The items that still exist, in the order asked, in one round trip."""
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for item_id in ids:
            pipe.hgetall(self._key(item_id))
        return [_item([x for kv in flat.items() for x in kv]) for flat in await pipe.execute() if flat]

    async def held_by(self, agent: str) -> list[dict[str, Any]]:
        """The items ``agent`` holds now, oldest claim first."""
        ids = sorted(_text(i) for i in await self.redis.smembers(self.p + "held:" + agent))
        return sorted(await self.items(ids), key=lambda i: i.get("claimed_at", 0))

    async def holders(self) -> dict[str, list[dict[str, Any]]]:
        """Who holds what: agent → summaries (no text, no author) of the items under its leases."""
        ids = [_text(i) for i in await self.redis.zrange(self.leases_key, 0, -1)]
        out: dict[str, list[dict[str, Any]]] = {}
        for item in await self._summaries(ids):
            if item.get("state") == "claimed":
                out.setdefault(item["owner"], []).append(item)
        return dict(sorted(out.items()))

    async def flagged(self, limit: int = 200) -> list[dict[str, Any]]:
        """Items released or expired ``flag_after`` times and not resolved yet, most recently flagged first."""
        ids = [_text(i) for i in await self.redis.zrevrange(self.p + "flagged", 0, limit - 1)]
        return await self._summaries(ids)

    async def _summaries(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for item_id in ids:
            pipe.hmget(self._key(item_id), *_SUMMARY)
        rows = await pipe.execute()
        return [_item([x for kv in zip(_SUMMARY, row, strict=True) if kv[1] is not None for x in kv])
                for row in rows if row[0] is not None]

    async def history(self, item_id: str) -> list[dict[str, Any]]:
        """The item's audit trail, oldest first: ``event``, ``at`` (epoch ms), ``agent`` and the event's details."""
        entries: list[tuple[Any, dict[Any, Any]]] = await self.redis.xrange(self.p + "audit:" + item_id)  # type: ignore[assignment]
        return [audit_entry(entry_id, fields) for entry_id, fields in entries]

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
        now = self.clock()
        out: dict[str, dict[str, float]] = {}
        for i, route in enumerate(routes):
            depth, head = replies[2 * i], replies[2 * i + 1]
            age = max(0.0, now - head[0][1] / 1000) if head else 0.0
            out[route.queue] = {"depth": int(depth), "oldest_age_seconds": round(age, 3)}
        return out

    async def leased(self) -> int:
        return int(await self.redis.zcard(self.leases_key))

    async def flagged_count(self) -> int:
        return int(await self.redis.zcard(self.p + "flagged"))

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

    def _key(self, item_id: str) -> str:
        return self.p + "item:" + item_id


_SUMMARY = ("id", "state", "owner", "desk", "queue", "priority", "category", "claimed_at", "lease_deadline",
            "claims", "releases", "expiries", "escalations", "dup_count", "flagged", "first_seen")


def _refusal(exc: ResponseError) -> LeaseError:
    return LeaseError(str(exc))


def audit_entry(entry_id: Any, fields: dict[Any, Any]) -> dict[str, Any]:
    """A stream entry of an audit stream → dict (``id`` is the stream entry id, unique per deployment)."""
    entry: dict[str, Any] = {"id": _text(entry_id)}
    for k, v in fields.items():
        key, value = _text(k), _text(v)
        entry[key] = int(value) if key in ("at", "lease_deadline", "priority", "returned") and value else value
    return entry


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


_INTS = {"priority", "dup_count", "authors", "after_resolve", "raised_from",
         "has_media", "has_url", "claims", "releases", "expiries", "lease_deadline",
         "score", "first_seen", "last_seen", "claimed_at", "resolved_at", "escalations", "flagged", "audited"}
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
        elif k in ("reasons", "samples"):
            item[k] = orjson.loads(v)
        elif k == "networks":
            item[k] = v.split(",")
        else:
            item[k] = v
    return item
