"""The faust application: built by a factory, agents registered explicitly, no module-level app.

``create_app(settings)`` returns a configured ``faust.App``; ``register_agents(app, deps)`` adds the triage
agent (raw topics → :class:`streams.pipeline.Triage`) and the lease reaper. The agent is thin: it takes
batches without acknowledging them (``noack_take``), prepares up to ``batches_in_flight`` of them at once
(parse and score, in the scoring process), stores them in Redis one after the other in arrival order,
publishes each batch's output records while the next one is being stored, and acknowledges the batches in
order, each only after its own write — so faust commits no offset before its record is written.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import faust
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError
from faust.sensors import Monitor
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from streams import kafka_transport
from streams.networks import NETWORKS
from streams.partitioner import partitions_for
from streams.pipeline import OutRecord, Record, Triage
from streams.queues import QueueStore
from streams.settings import Settings

log = logging.getLogger("vigie.worker")

RETRYABLE = (RedisConnectionError, RedisTimeoutError, KafkaTimeoutError, KafkaConnectionError, ConnectionError, OSError)


def retryable(exc: BaseException) -> bool:
    """Infrastructure that may come back (Redis or the broker unreachable): retry the idempotent batch.
    Anything else, a non-retriable Kafka error included, is a bug or a poison batch: fail-stop."""
    return isinstance(exc, RETRYABLE) or (isinstance(exc, KafkaError) and bool(getattr(exc, "retriable", False)))
EXIT_UNEXPECTED = 70
T = TypeVar("T")


class _Monitor(Monitor):
    """faust's monitor sensor without its per-message statistics (counters by topic, stream and task, and a
    clock read or two per message and per event, for faust's web pages: Vigie's metrics are its own,
    :mod:`streams.metrics`). Its other duties (end offsets, commits, which faust's consumer calls directly)
    stay faust's."""

    def on_message_in(self, tp: Any, offset: int, message: Any) -> None:
        return None

    def on_stream_event_in(self, tp: Any, offset: int, stream: Any, event: Any) -> None:
        return None

    def on_stream_event_out(self, tp: Any, offset: int, stream: Any, event: Any, state: Any = None) -> None:
        return None

    def on_message_out(self, tp: Any, offset: int, message: Any) -> None:
        return None


def create_app(settings: Settings) -> faust.App:
    datadir = settings.worker_datadir or Path(tempfile.gettempdir()) / f"vigie-{settings.group_id}"
    app = faust.App(
        settings.group_id,
        broker=settings.kafka_url,
        key_serializer="raw",
        value_serializer="raw",
        # Tansu and aiokafka do not manage Kafka transactions together; Vigie's Redis writes are
        # idempotent, so at-least-once delivery gives exactly-once effects.
        processing_guarantee="at_least_once",
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_disable_leader=True,
        producer_acks=-1,
        web_enabled=False,
        store="memory://",
        datadir=str(datadir),
        monitor=_Monitor(),
        # fetched records handed over per stream before faust stops fetching their partitions (at 80 %) until
        # the stream has read most of them: faust's 4,096 paused the partitions over and over in a backlog
        stream_buffer_maxsize=settings.stream_buffer,
    )
    kafka_transport.install(app, settings.fetch_max_wait)
    return app


def create_worker(app: faust.App, loglevel: str = "WARN") -> faust.Worker:
    """The faust worker that runs ``app``, without faust's terminal spinner. To turn the spinner on every log
    record, faust sets the root logger to DEBUG whatever ``loglevel`` says (``faust.Worker.on_setup_root_logger``),
    so every debug call of faust, mode and aiokafka (one per record the producer sends) builds a record that
    no handler writes. Used by the worker and by the benchmarks' bare pass-through agent alike."""
    worker = faust.Worker(app, loglevel=loglevel, quiet=True)
    worker.spinner = None
    return worker


@dataclass
class WorkerDeps:
    """What the agents need, built by the ``vigie worker`` command (or a test) and passed in."""

    settings: Settings
    make_triage: Callable[[Any], Triage]  # sink → Triage, called once inside the event loop
    store: QueueStore


class FaustSink:
    """Publishes the pipeline's output through the app's producer and waits until the broker has it.

    It fills one aiokafka record batch per partition and sends the batches (``create_batch`` /
    ``send_batch``), rather than ``Topic.send`` or a producer ``send`` per record: the topic path builds
    channel messages, sensor state and a debug log record per message (~10% of a worker's time, measured),
    and a ``send`` per record waits on the topic's metadata, picks the partition and queues the record, one
    record at a time. faust offers no batch call: the aiokafka producer is its transport producer's. A key's
    partition is the one aiokafka's default partitioner gives (faust's too), computed for the whole batch
    (:mod:`streams.partitioner`)."""

    def __init__(self, app: faust.App) -> None:
        self.app = app

    async def send(self, records: Sequence[OutRecord]) -> None:
        transport: Any = self.app.producer  # faust's aiokafka driver
        producer = transport._ensure_producer()
        by_topic: dict[str, list[OutRecord]] = {}
        for r in records:
            by_topic.setdefault(r.topic, []).append(r)
        sent = []
        for topic, rs in by_topic.items():
            ids = sorted(await producer.partitions_for(topic))
            batches: dict[int, Any] = {}
            for r, partition in zip(rs, partitions_for([r.key for r in rs], ids), strict=True):
                batch = batches.get(partition)
                if batch is None:
                    batch = batches[partition] = producer.create_batch()
                if batch.append(key=r.key, value=r.value, timestamp=None, headers=list(r.headers)) is None:  # full
                    sent.append(await producer.send_batch(batch, topic, partition=partition))
                    batch = batches[partition] = producer.create_batch()
                    batch.append(key=r.key, value=r.value, timestamp=None, headers=list(r.headers))  # the first fits
            for partition, batch in batches.items():
                sent.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*sent)


def _record(event: Any) -> Record:
    msg = event.message
    return Record(topic=msg.topic, partition=msg.partition, offset=msg.offset, value=msg.value or b"",
                  key=msg.key, timestamp=msg.timestamp, headers=dict(msg.headers or ()))


def register_agents(app: faust.App, deps: WorkerDeps) -> None:
    settings = deps.settings
    raw_topics = [settings.raw_topic(n) for n in NETWORKS] + [f"{settings.topic_prefix}.raw"]
    source = app.topic(*raw_topics, key_serializer="raw", value_serializer="raw")

    @app.agent(source, name="triage")
    async def triage(stream: Any) -> None:
        pipeline = deps.make_triage(FaustSink(app))
        slots = asyncio.Semaphore(settings.batches_in_flight)
        previous: _Turn | None = None
        tasks: set[asyncio.Task[None]] = set()  # held until done (the loop keeps only weak references)
        async for events in stream.noack_take(settings.batch_size, within=settings.batch_within):
            await slots.acquire()
            turn = _Turn.new()
            task = asyncio.create_task(_handle(pipeline, stream, list(events), previous, turn, slots))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            previous = turn

    @app.timer(interval=1.0, name="reap_leases")  # type: ignore[untyped-decorator]
    async def reap_leases() -> None:
        try:
            await deps.store.reap()
        except RETRYABLE as exc:
            log.warning("lease reaper: redis unavailable (%s)", type(exc).__name__)


@dataclass
class _Turn:
    """A batch's place in line: ``stored`` once it is in Redis, ``done`` once it is acknowledged."""

    stored: asyncio.Future[None]
    done: asyncio.Future[None]

    @classmethod
    def new(cls) -> _Turn:
        loop = asyncio.get_running_loop()
        return cls(loop.create_future(), loop.create_future())

    def abandon(self) -> None:
        """The batch did not finish (cancelled at shutdown): those waiting on it stop too."""
        for step in (self.stored, self.done):
            if not step.done():
                step.cancel()


async def _handle(pipeline: Triage, stream: Any, events: list[Any], previous: _Turn | None, turn: _Turn,
                  slots: asyncio.Semaphore) -> None:
    """One batch: prepare it (possibly while the previous batch is being written), store it in Redis strictly
    after the previous one (Redis sees batches in arrival order), publish its output records (possibly while
    the next batch is being stored), and acknowledge it after the previous one, so an offset is committed only
    once its record, and every record before it, is written."""
    try:
        records = [_record(e) for e in events]
        try:
            prepared = await pipeline.prepare(records)
        except Exception:
            _fail_stop(len(records))
        if previous is not None:
            await previous.stored
        _report, out = await _until_done(lambda: pipeline.store_batch(records, prepared), len(records))
        turn.stored.set_result(None)
        await _until_done(lambda: pipeline.emit(out), len(records))
        if previous is not None:
            await previous.done
        for event in events:
            await stream.ack(event)
        turn.done.set_result(None)
    finally:
        turn.abandon()
        slots.release()


async def _until_done(step: Callable[[], Awaitable[T]], n: int) -> T:
    """Retry an idempotent step of a batch's write while Redis or Kafka is unreachable; on any other error stop
    the process at once, before faust can acknowledge the batch — it will be replayed by the next worker."""
    delay = 0.5
    while True:
        try:
            return await step()
        except Exception as exc:
            if not retryable(exc):
                _fail_stop(n)
            log.warning("batch of %d not written (%s); retrying in %.1fs", n, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def _fail_stop(n: int) -> NoReturn:
    log.exception("unexpected error in a batch of %d records; exiting without committing", n)
    logging.shutdown()
    os._exit(EXIT_UNEXPECTED)
