"""One batch through :class:`streams.pipeline.Triage` against a real Redis: the outcomes, the output records
and the worker's metrics, which are tallied per batch."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from prometheus_client import CollectorRegistry

from classifiers.message import Message, Network
from classifiers.routing import RoutingPolicy
from classifiers.urgency import UrgencyModel
from streams.metrics import Metrics
from streams.networks import render
from streams.pipeline import OutRecord, Record, Triage
from streams.queues import connect
from streams.settings import Settings

TEXTS = [
    (Network.X, "on est cachés dans la réserve du resto rue de charonne ils tirent encore aidez nous"),
    (Network.FACEBOOK, "Merci à tous les policiers pour votre travail cette nuit, courage ❤️"),
    (Network.INSTAGRAM, "le métro ligne 9 est fermé ce soir ? je dois rentrer à Oberkampf"),
    (Network.X, "Merci à tous les policiers pour votre travail cette nuit, courage ❤️ #Paris"),  # an exact repost
]


class Collected:
    def __init__(self) -> None:
        self.records: list[OutRecord] = []

    async def send(self, records: Sequence[OutRecord]) -> None:
        self.records.extend(records)


@pytest.fixture(scope="module")
def model() -> UrgencyModel:
    return UrgencyModel.load(Settings().model_path)


def _records(settings: Settings, start: int) -> list[Record]:
    out = []
    for i, (network, text) in enumerate(TEXTS):
        m = Message(network=network, network_id=f"{i}00{i}", author_id=f"u{i}", text=text, created_at=1447450200.0 + i,
                    received_at=1447450200.0 + i, conversation_id=f"c{i}",
                    kind="post" if network == Network.X else "comment")
        out.append(Record(settings.raw_topic(network.value), 0, start + i, render(m), timestamp=1447450200.0 + i))
    out.append(Record(settings.raw_topic("x"), 0, start + len(TEXTS), b"{not json"))
    unknown = {"network": b"mastodon"}  # no such network
    out.append(Record(f"{settings.topic_prefix}.raw", 0, start + len(TEXTS) + 1, b"{}", headers=unknown))
    return out


def _counts(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in registry.collect() for s in f.samples
            if s.name.endswith("_total")}


async def test_a_batch_is_counted_once_per_outcome_and_label(settings: Settings, model: UrgencyModel) -> None:
    store = connect(settings)
    registry = CollectorRegistry()
    sink = Collected()
    triage = Triage(model=model, store=store, sink=sink, policy=RoutingPolicy(), metrics=Metrics.create(registry),
                    raw_topic_prefix=f"{settings.topic_prefix}.raw", triaged_topic=settings.triaged_topic,
                    deadletter_topic=settings.deadletter_topic, max_payload_bytes=settings.max_payload_bytes)
    try:
        first = await triage.process(_records(settings, 0))
        again = await triage.process(_records(settings, 0))  # the same records: a restart replays them
        moved = await triage.process(_records(settings, 100))  # the same messages in other records
    finally:
        await store.redis.aclose()
    assert first.outcomes == {"enqueued": 3, "folded": 1, "dead_letter": 2}
    assert again.outcomes == {"replay": 4, "dead_letter": 2}
    assert moved.outcomes == {"redelivery": 4, "dead_letter": 2}
    counts = _counts(registry)
    assert counts[("vigie_messages_consumed_total", (("network", "x"),))] == 9
    assert counts[("vigie_messages_consumed_total", (("network", "facebook"),))] == 3
    assert counts[("vigie_messages_consumed_total", (("network", "instagram"),))] == 3
    assert counts[("vigie_messages_consumed_total", (("network", "other"),))] == 3
    assert sum(v for (name, _), v in counts.items() if name == "vigie_dead_letters_total") == 6
    assert sum(v for (name, _), v in counts.items() if name == "vigie_triaged_total") == 3
    assert counts[("vigie_duplicates_total", (("kind", "exact"),))] == 1
    assert counts[("vigie_duplicates_total", (("kind", "redelivery"),))] == 4
    assert counts[("vigie_replayed_messages_total", ())] == 4
    latency = registry.get_sample_value("vigie_triage_latency_seconds_count")
    assert latency == 3
    # each batch's two stages timed once: parse and score (prepare), then the Redis write
    assert registry.get_sample_value("vigie_batch_prepare_seconds_count") == 3
    assert registry.get_sample_value("vigie_batch_duration_seconds_count") == 3
    assert len(sink.records) == 3 * 6  # a triaged record per message, a dead letter per bad record
