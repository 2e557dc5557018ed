"""One batch of raw Kafka records through the pipeline: parse → score → decide → enqueue → emit.

This is the body of the worker's agent, kept free of faust so it can be driven directly in tests against a
real Redis. Order matters for the invariants: the Redis write and the emitted records complete before
:meth:`Triage.process` returns, and only then does the agent let faust acknowledge the offsets.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import orjson

from classifiers.message import Message
from classifiers.routing import RoutingPolicy
from classifiers.triage import decide
from classifiers.urgency import UrgencyModel
from streams.metrics import Metrics
from streams.networks import ParseError, parse_record
from streams.queues import Pending, QueueStore

NETWORK_HEADER = "network"


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


class Triage:
    def __init__(self, *, model: UrgencyModel, store: QueueStore, sink: Sink, policy: RoutingPolicy,
                 metrics: Metrics, raw_topic_prefix: str, triaged_topic: str, deadletter_topic: str,
                 max_payload_bytes: int) -> None:
        self.model, self.store, self.sink, self.policy, self.metrics = model, store, sink, policy, metrics
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
        started = time.perf_counter()
        report = BatchReport(records=len(records))
        parsed: list[tuple[Record, Message]] = []
        uncounted: list[tuple[str, list[str]]] = []
        out: list[OutRecord] = []
        for record in records:
            network = self.network_of(record)
            self.metrics.consumed.labels(network if network in {"facebook", "x", "instagram"} else "other").inc()
            try:
                messages = parse_record(network, record.value, received_at=record.timestamp or time.time(),
                                        max_bytes=self.max_payload_bytes)
            except ParseError as err:
                uncounted.append((record.coordinate, ["dead_letters", f"dead_letters:{err.reason}"]))
                out.append(self._dead_letter(record, err))
                self.metrics.dead_letters.labels(err.reason).inc()
                report.add("dead_letter")
                continue
            if not messages:
                uncounted.append((record.coordinate, ["ignored"]))
                report.add("ignored")
            parsed.extend((record, m) for m in messages)

        scores = self.model.score([m.text for _, m in parsed], [m.lang for _, m in parsed]) if parsed else []
        decisions = decide([m for _, m in parsed], scores, self.policy)
        pending = [Pending(d, r.coordinate, self.model.version) for (r, _), d in zip(parsed, decisions, strict=True)]
        outcomes = await self.store.enqueue(pending)
        await self.store.count_records(uncounted)

        done = time.time()
        for p, outcome in zip(pending, outcomes, strict=True):
            report.add(outcome)
            self._observe(p, outcome, done)
            out.append(self._triaged(p, outcome))
        await self.sink.send(out)
        self.metrics.batch_seconds.observe(time.perf_counter() - started)
        return report

    def _observe(self, pending: Pending, outcome: str, now: float) -> None:
        d = pending.decision
        if outcome == "enqueued":
            self.metrics.triaged.labels(str(int(d.route.priority)), d.score.category).inc()
            self.metrics.triage_latency.observe(max(0.0, now - d.message.received_at))
        elif outcome in ("folded", "redelivery"):
            self.metrics.duplicates.labels("exact" if outcome == "folded" else "redelivery").inc()
        else:
            self.metrics.replays.inc()

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
