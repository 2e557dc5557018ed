"""One batch of raw Kafka records through the pipeline: parse → score → decide → enqueue → emit.

This is the body of the worker's agent, kept free of faust so it can be driven directly in tests against a
real Redis. Order matters for the invariants: the Redis write and the emitted records complete before
:meth:`Triage.process` returns, and only then does the agent let faust acknowledge the offsets.
"""

from __future__ import annotations

import time
from collections import Counter as Tally
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import orjson

from classifiers.message import Message
from classifiers.neardup_cluster import Follow
from classifiers.routing import RoutingPolicy
from classifiers.triage import Decision, decide, plan
from classifiers.urgency import UrgencyModel
from streams.metrics import Metrics
from streams.networks import ParseError, parse_record
from streams.queues import Pending, QueueStore

NETWORK_HEADER = "network"
_DUPLICATE_KINDS = {"folded": "exact", "folded_near": "near", "redelivery": "redelivery"}  # outcome → metric kind
_NETWORKS = frozenset({"facebook", "x", "instagram"})  # consumed records by network; any other is "other"


@dataclass(frozen=True, slots=True)
class Record:
    """A consumed Kafka record, as far as the pipeline cares."""

    topic: str
    partition: int
    offset: int
    value: bytes
    key: bytes | None = None
    timestamp: float | None = None
    headers: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def coordinate(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"


@dataclass(frozen=True, slots=True)
class OutRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: Sequence[tuple[str, bytes]] = ()


class Sink(Protocol):
    """Where the pipeline's output records go; ``send`` returns once the broker has them all."""

    async def send(self, records: Sequence[OutRecord]) -> None: ...


@dataclass
class BatchReport:
    records: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str, n: int = 1) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n


Raw = tuple[str | None, bytes, float]  # (network, payload, received at)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A batch ready to be written: per record, its decisions (``[]``: nothing to triage) or the
    :class:`ParseError` that sends it to the dead letters; and the batch's duplicate ``plan``, one entry per
    decision in that order (:func:`classifiers.triage.plan`)."""

    results: list[ParseError | list[Decision]]
    plan: list[Follow | None]


def prepare(model: UrgencyModel, policy: RoutingPolicy, raw: Sequence[Raw], max_bytes: int) -> Prepared:
    """The CPU-bound, I/O-free part of a batch: parse every payload, score all the messages in one model
    call, decide their routes and duplicate keys, and plan which repost an earlier one of the batch."""
    results: list[ParseError | list[Message]] = []
    messages: list[Message] = []
    for network, value, received_at in raw:
        try:
            parsed = parse_record(network, value, received_at=received_at, max_bytes=max_bytes)
        except ParseError as err:
            results.append(err)
            continue
        results.append(parsed)
        messages.extend(parsed)
    scores = model.score([m.text for m in messages], [m.lang for m in messages]) if messages else []
    decided = decide(messages, scores, policy)
    decisions = iter(decided)
    return Prepared([r if isinstance(r, ParseError) else [next(decisions) for _ in r] for r in results],
                    plan(decided))


class Scoring(Protocol):
    """Runs :func:`prepare` elsewhere (a scoring process, :mod:`streams.scoring`) while the event loop goes on."""

    async def prepare(self, raw: Sequence[Raw], max_bytes: int) -> Prepared: ...


class Triage:
    def __init__(self, *, model: UrgencyModel, store: QueueStore, sink: Sink, policy: RoutingPolicy,
                 metrics: Metrics, raw_topic_prefix: str, triaged_topic: str, deadletter_topic: str,
                 max_payload_bytes: int, scoring: Scoring | None = None) -> None:
        self.model, self.store, self.sink, self.policy, self.metrics = model, store, sink, policy, metrics
        self.scoring = scoring
        self.raw_topic_prefix = raw_topic_prefix
        self.triaged_topic, self.deadletter_topic = triaged_topic, deadletter_topic
        self.max_payload_bytes = max_payload_bytes

    def network_of(self, record: Record) -> str | None:
        """``vigie.raw.x`` → ``x``; on the shared ``vigie.raw`` topic, the ``network`` header."""
        if record.topic.startswith(self.raw_topic_prefix + "."):
            return record.topic[len(self.raw_topic_prefix) + 1:]
        header = record.headers.get(NETWORK_HEADER)
        return header.decode("utf-8", "replace") if header is not None else None

    async def process(self, records: Sequence[Record]) -> BatchReport:
        """The whole batch: :meth:`prepare` then :meth:`write`."""
        return await self.write(records, await self.prepare(records))

    async def prepare(self, records: Sequence[Record]) -> Prepared:
        """The pure part (parse, score, decide), in the scoring process when there is one. Nothing is
        written: batches may be prepared ahead while an earlier batch is being written."""
        started = time.perf_counter()
        raw = [(self.network_of(r), r.value, r.timestamp or time.time()) for r in records]
        if self.scoring is None:
            prepared = prepare(self.model, self.policy, raw, self.max_payload_bytes)
        else:
            prepared = await self.scoring.prepare(raw, self.max_payload_bytes)
        self.metrics.prepare_seconds.observe(time.perf_counter() - started)
        return prepared

    async def write(self, records: Sequence[Record], prepared: Prepared) -> BatchReport:
        """Redis, then the output records; returns once both are durable (idempotent: safe to repeat)."""
        report, out = await self.store_batch(records, prepared)
        await self.emit(out)
        return report

    async def store_batch(self, records: Sequence[Record], prepared: Prepared,
                          ) -> tuple[BatchReport, list[OutRecord]]:
        """The Redis part of :meth:`write` (idempotent): enqueue the batch's messages and count the records
        that made no item; returns the report and the output records still to :meth:`emit`."""
        started = time.perf_counter()
        report = BatchReport(records=len(records))
        networks = [self.network_of(r) for r in records]
        pending: list[Pending] = []
        uncounted: list[tuple[str, list[str]]] = []
        out: list[OutRecord] = []
        # the batch's metrics are tallied by labels here, then added once per label set
        consumed: Tally[tuple[str, ...]] = Tally()
        dead: Tally[tuple[str, ...]] = Tally()
        for record, network, result in zip(records, networks, prepared.results, strict=True):
            consumed[network if network in _NETWORKS else "other",] += 1
            if isinstance(result, ParseError):
                uncounted.append((record.coordinate, ["dead_letters", f"dead_letters:{result.reason}"]))
                out.append(self._dead_letter(record, result))
                dead[result.reason,] += 1
                report.add("dead_letter")
                continue
            if not result:
                uncounted.append((record.coordinate, ["ignored"]))
                report.add("ignored")
            pending.extend(Pending(d, record.coordinate, self.model.version) for d in result)

        outcomes = await self.store.enqueue(pending, prepared.plan)
        await self.store.count_records(uncounted)

        done = time.time()
        triaged: Tally[tuple[str, ...]] = Tally()
        duplicates: Tally[tuple[str, ...]] = Tally()
        replays = 0
        for p, outcome in zip(pending, outcomes, strict=True):
            report.add(outcome)
            d = p.decision
            if outcome == "enqueued":
                triaged[str(int(d.route.priority)), d.score.category] += 1
                self.metrics.triage_latency.observe(max(0.0, done - d.message.received_at))
            elif outcome in _DUPLICATE_KINDS:
                duplicates[_DUPLICATE_KINDS[outcome],] += 1
            else:
                replays += 1
            out.append(self._triaged(p, outcome))
        m = self.metrics
        for counter, tally in ((m.consumed, consumed), (m.dead_letters, dead), (m.triaged, triaged),
                               (m.duplicates, duplicates)):
            for labels, n in tally.items():
                counter.labels(*labels).inc(n)
        if replays:
            m.replays.inc(replays)
        m.batch_seconds.observe(time.perf_counter() - started)
        return report, out

    async def emit(self, out: Sequence[OutRecord]) -> None:
        """The output records (triaged, dead letters); returns once the broker has them all."""
        await self.sink.send(out)

    def _dead_letter(self, record: Record, err: ParseError) -> OutRecord:
        """The original bytes, untouched, with the reason and the source coordinates in headers
        (the Kafka Connect dead-letter convention)."""
        headers = [
            ("vigie.error.reason", err.reason.encode()),
            ("vigie.error.detail", err.detail.encode()),
            ("vigie.source.topic", record.topic.encode()),
            ("vigie.source.partition", str(record.partition).encode()),
            ("vigie.source.offset", str(record.offset).encode()),
        ]
        return OutRecord(self.deadletter_topic, record.key, record.value, headers)

    def _triaged(self, pending: Pending, outcome: str) -> OutRecord:
        """Audit / analytics record: what was decided, without the text or the author."""
        d, m = pending.decision, pending.decision.message
        value = orjson.dumps({
            "identity": m.identity, "outcome": outcome, "network": m.network.value, "desk": d.route.desk,
            "queue": d.route.queue, "priority": int(d.route.priority), "category": d.score.category,
            "urgency": round(d.score.urgency, 4), "source": pending.coordinate, "model": pending.model_version,
            "received_at": m.received_at,
        })
        return OutRecord(self.triaged_topic, m.identity.encode(), value)
