"""Create Vigie's topics before anything produces to or consumes from them (real Kafka may not auto-create)."""

from __future__ import annotations

import contextlib

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from streams.networks import NETWORKS
from streams.settings import Settings


def topic_names(settings: Settings) -> list[str]:
    raw = [settings.raw_topic(n) for n in NETWORKS] + [f"{settings.topic_prefix}.raw"]
    return [*raw, settings.triaged_topic, settings.deadletter_topic, settings.audit_topic]


def ensure_topics(settings: Settings, timeout_ms: int = 10_000) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="vigie-admin",
                             request_timeout_ms=timeout_ms)
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topic_names(settings) if t not in existing]
        for name in missing:  # one by one: an "already exists" race on one must not hide the others
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(name, settings.partitions, settings.replication_factor)],
                                    timeout_ms=timeout_ms)
        return missing
    finally:
        admin.close()
