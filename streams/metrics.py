"""Prometheus metrics of a worker process, created on an injected registry (never at import time)."""

from __future__ import annotations

from typing import NamedTuple

from prometheus_client import CollectorRegistry, Counter, Histogram, Info

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class Metrics(NamedTuple):
    consumed: Counter
    dead_letters: Counter
    duplicates: Counter
    triaged: Counter
    replays: Counter
    batch_seconds: Histogram
    prepare_seconds: Histogram
    triage_latency: Histogram
    model: Info

    @classmethod
    def create(cls, registry: CollectorRegistry) -> Metrics:
        return cls(
            consumed=Counter("vigie_messages_consumed", "Raw records consumed, by network",
                             ["network"], registry=registry),
            dead_letters=Counter("vigie_dead_letters", "Records sent to the dead-letter topic, by reason",
                                 ["reason"], registry=registry),
            duplicates=Counter("vigie_duplicates", "Messages folded as duplicates, by kind",
                               ["kind"], registry=registry),
            triaged=Counter("vigie_triaged", "Messages enqueued as new items, by priority and category",
                            ["priority", "category"], registry=registry),
            replays=Counter("vigie_replayed_messages", "Messages seen again after a restart (no effect)",
                            registry=registry),
            batch_seconds=Histogram("vigie_batch_duration_seconds",
                                    "Time to write one batch to Redis (enqueue, duplicate folding)", registry=registry),
            prepare_seconds=Histogram("vigie_batch_prepare_seconds", "Time to parse, score and decide one batch, "
                                      "waiting for the scoring process included", registry=registry),
            triage_latency=Histogram("vigie_triage_latency_seconds",
                                     "Arrival in Kafka to claimable in Redis", buckets=LATENCY_BUCKETS,
                                     registry=registry),
            model=Info("vigie_model", "The urgency model loaded by this process", registry=registry),
        )
