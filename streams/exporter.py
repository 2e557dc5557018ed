"""``vigie exporter``: the gauges that no single worker can see — consumer lag per partition (in messages and in
seconds) and the Redis queues (depth, oldest item, leases, agents, desk counters).

One process per deployment is enough (its numbers are global); it refreshes a snapshot every few seconds and a
custom collector serves the last snapshot, so a scrape never waits on Kafka or Redis.

Lag is computed the way that is right on Apache Kafka and on Tansu (whose ListOffsets(latest) is wrong): for each
partition, fetch the record at the group's committed offset; the fetch response's high watermark gives the lag in
messages, and that record's own Kafka timestamp gives the lag in seconds (the age of the oldest record not yet
processed — exact, not interpolated). A caught-up partition has lag 0 and 0 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from streams.queues import connect
from streams.settings import Settings

log = logging.getLogger("vigie.exporter")

# Redis stats-hash field → exported counter (name without _total, help).
DESK_COUNTERS = {
    "claimed": ("vigie_claims", "Items claimed by agents"),
    "resolved": ("vigie_resolves", "Items resolved by agents"),
    "released": ("vigie_releases", "Items released back to their queue by agents"),
    "lease_expired": ("vigie_lease_expiries", "Leases that expired and put their item back"),
    "escalated": ("vigie_escalations", "Items moved to another desk or a higher priority"),
    "flagged": ("vigie_items_flagged", "Items flagged to supervisors after VIGIE_FLAG_AFTER releases + expiries"),
    "enqueued": ("vigie_items_enqueued", "New items put in a queue (all workers)"),
}


@dataclass(frozen=True, slots=True)
class PartitionLag:
    topic: str
    partition: int
    messages: int
    seconds: float


@dataclass
class Snapshot:
    """What the exporter last read; ``ok`` per source says whether the read succeeded."""

    group: str = ""
    lags: list[PartitionLag] = field(default_factory=list)
    queues: dict[str, dict[str, float]] = field(default_factory=dict)  # "desk:pN" → depth, oldest_age_seconds
    leases: int = 0
    agents: int = 0
    counters: dict[str, int] = field(default_factory=dict)
    ok: dict[str, bool] = field(default_factory=lambda: {"kafka": False, "redis": False})
    taken_at: float = 0.0


class SnapshotCollector(Collector):
    """Serves the latest :class:`Snapshot`; every family is always present, even before the first read."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        lag_messages = GaugeMetricFamily("vigie_consumer_lag_messages",
                                         "Records not yet processed by the consumer group, per partition",
                                         labels=["topic", "partition", "group"])
        lag_seconds = GaugeMetricFamily("vigie_consumer_lag_seconds",
                                        "Age of the oldest record not yet processed (its Kafka timestamp), "
                                        "per partition; 0 when caught up", labels=["topic", "partition", "group"])
        for lag in s.lags:
            labels = [lag.topic, str(lag.partition), s.group]
            lag_messages.add_metric(labels, lag.messages)
            lag_seconds.add_metric(labels, lag.seconds)
        depth = GaugeMetricFamily("vigie_queue_depth", "Items waiting in a queue", labels=["desk", "priority"])
        oldest = GaugeMetricFamily("vigie_queue_oldest_age_seconds", "Age of the oldest item waiting in a queue",
                                   labels=["desk", "priority"])
        for queue, q in s.queues.items():
            desk, _, level = queue.rpartition(":p")
            depth.add_metric([desk, level], q["depth"])
            oldest.add_metric([desk, level], q["oldest_age_seconds"])
        yield from (lag_messages, lag_seconds, depth, oldest)
        yield GaugeMetricFamily("vigie_leases_active", "Items currently claimed under a lease", value=s.leases)
        yield GaugeMetricFamily("vigie_agents_active", "Agents holding at least one lease", value=s.agents)
        for key, (name, doc) in DESK_COUNTERS.items():
            yield CounterMetricFamily(name, doc, value=s.counters.get(key, 0))
        up = GaugeMetricFamily("vigie_exporter_source_up", "1 if the last read of the source succeeded",
                               labels=["source"])
        for source, ok in sorted(s.ok.items()):
            up.add_metric([source], 1.0 if ok else 0.0)
        yield up
        yield GaugeMetricFamily("vigie_exporter_snapshot_age_seconds", "Seconds since the last complete refresh",
                                value=max(0.0, time.time() - s.taken_at) if s.taken_at else 0.0)


class LagReader:
    """Per-partition lag of one consumer group, from the high watermark and the record at the committed offset."""

    def __init__(self, bootstrap: str, group: str, topics: list[str], timeout: float = 2.0) -> None:
        from kafka import KafkaConsumer
        from kafka.admin import KafkaAdminClient

        self.group, self.topics, self.timeout = group, topics, timeout
        self.admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="vigie-exporter")
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                      max_partition_fetch_bytes=64 * 1024, fetch_max_wait_ms=100,
                                      client_id="vigie-exporter")

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()

    def _committed(self) -> dict[Any, Any]:
        if hasattr(self.admin, "list_group_offsets"):  # kafka-python 3
            return dict(self.admin.list_group_offsets({self.group: None}).get(self.group, {}))
        return dict(self.admin.list_consumer_group_offsets(self.group))  # kafka-python 2

    def _caught_up(self, tp: Any, position: int) -> bool:
        high = self.consumer.highwater(tp)
        return high is not None and high <= position

    def read(self) -> list[PartitionLag]:
        from kafka import TopicPartition

        partitions = [TopicPartition(t, p) for t in self.topics
                      for p in sorted(self.consumer.partitions_for_topic(t) or ())]
        if not partitions:
            return []
        committed = {tp: meta.offset for tp, meta in self._committed().items()
                     if tp in set(partitions) and meta.offset >= 0}
        start = self.consumer.beginning_offsets([tp for tp in partitions if tp not in committed])
        position = {tp: committed.get(tp, start.get(tp, 0)) for tp in partitions}
        self.consumer.assign(partitions)
        for tp, offset in position.items():
            self.consumer.seek(tp, offset)
        oldest: dict[TopicPartition, float] = {}
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for tp, records in self.consumer.poll(timeout_ms=100).items():
                if records and tp not in oldest:
                    oldest[tp] = records[0].timestamp / 1000
                    self.consumer.pause(tp)
            if all(tp in oldest or self._caught_up(tp, position[tp]) for tp in partitions):
                break
        self.consumer.resume(*partitions)
        now = time.time()
        lags = []
        for tp in partitions:
            high = self.consumer.highwater(tp)
            behind = max(0, high - position[tp]) if high is not None else 0
            age = max(0.0, now - oldest[tp]) if behind and tp in oldest else 0.0
            lags.append(PartitionLag(tp.topic, tp.partition, behind, round(age, 3)))
        return lags


class Exporter:
    """Refreshes a :class:`SnapshotCollector` from Kafka and Redis; ``run`` loops until cancelled."""

    def __init__(self, settings: Settings, collector: SnapshotCollector) -> None:
        from streams.networks import NETWORKS

        self.settings, self.collector = settings, collector
        self.topics = [settings.raw_topic(n) for n in NETWORKS] + [f"{settings.topic_prefix}.raw"]
        self.store = connect(settings)
        self._lag: LagReader | None = None

    async def refresh(self) -> Snapshot:
        snap = Snapshot(group=self.settings.group_id)
        try:
            if self._lag is None:
                self._lag = await asyncio.to_thread(LagReader, self.settings.kafka_bootstrap, self.settings.group_id,
                                                    self.topics)
            snap.lags = await asyncio.to_thread(self._lag.read)
            snap.ok["kafka"] = True
        except Exception as exc:  # report and retry next time; the exporter must outlive the broker
            log.warning("exporter: kafka read failed: %s: %s", type(exc).__name__, exc)
            self._close_lag()
        try:
            await self.store.reap()
            snap.queues = await self.store.depths()
            snap.leases, snap.agents = await self.store.lease_holders()
            snap.counters = await self.store.counters()
            snap.ok["redis"] = True
        except Exception as exc:
            log.warning("exporter: redis read failed: %s: %s", type(exc).__name__, exc)
        snap.taken_at = time.time()
        self.collector.snapshot = snap
        return snap

    async def run(self, interval: float) -> None:
        try:
            while True:
                await self.refresh()
                await asyncio.sleep(interval)
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        self._close_lag()
        await self.store.redis.aclose()

    def _close_lag(self) -> None:
        if self._lag is not None:
            with contextlib.suppress(Exception):
                self._lag.close()
            self._lag = None


def run_exporter(settings: Settings) -> None:
    """``vigie exporter``: serve /metrics on ``exporter_port`` and refresh every ``exporter_interval`` seconds."""
    from prometheus_client import CollectorRegistry, start_http_server

    logging.basicConfig(level="WARNING", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    registry = CollectorRegistry()
    collector = SnapshotCollector()
    registry.register(collector)
    start_http_server(settings.exporter_port, addr=settings.metrics_host, registry=registry)
    asyncio.run(Exporter(settings, collector).run(settings.exporter_interval))
