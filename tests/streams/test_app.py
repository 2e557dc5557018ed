"""Which batch failures the worker retries (infrastructure) and which stop it before the ack (bugs), and the
order in which the agent's batches are stored, published and acknowledged (the agent's own logic, with a
scripted pipeline standing in for Redis and Kafka: the real ones are in test_worker and test_crash), and the
output sink against the real broker."""

import asyncio
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from streams.app import _handle, _Turn, retryable


def test_unreachable_infrastructure_is_retried() -> None:
    assert retryable(RedisConnectionError("down"))
    assert retryable(RedisTimeoutError("slow"))
    assert retryable(KafkaTimeoutError())
    assert retryable(ConnectionRefusedError())


def test_bugs_and_poison_batches_stop_the_worker() -> None:
    assert not retryable(MessageSizeTooLargeError())
    assert not retryable(ValueError("bug"))
    assert not retryable(KeyError("bug"))


class _Scripted:
    """Batch ``i`` prepares in ``prepare[i]`` s and publishes in ``emit[i]`` s; storing takes 10 ms; every step
    is logged."""

    def __init__(self, prepare: list[float], emit: list[float]) -> None:
        self.prepare_s, self.emit_s, self.log = prepare, emit, []

    async def prepare(self, records: list[Any]) -> int:
        await asyncio.sleep(self.prepare_s[records[0]])
        return records[0]

    async def store_batch(self, records: list[Any], prepared: int) -> tuple[None, int]:
        self.log.append(("store start", prepared))
        await asyncio.sleep(0.01)
        self.log.append(("stored", prepared))
        return None, prepared

    async def emit(self, batch: int) -> None:
        await asyncio.sleep(self.emit_s[batch])
        self.log.append(("emitted", batch))


class _Stream:
    def __init__(self, log: list[tuple[str, int]]) -> None:
        self.log = log

    async def ack(self, event: Any) -> None:
        self.log.append(("ack", event.batch))


class _Event:
    def __init__(self, batch: int) -> None:
        self.batch = batch
        self.message = self

    topic, partition, offset, value, key, timestamp, headers = "t", 0, 0, b"", None, 0.0, ()


async def test_batches_are_stored_and_acknowledged_in_arrival_order_and_publish_while_the_next_is_stored(
        monkeypatch: Any) -> None:
    import streams.app as app

    monkeypatch.setattr(app, "_record", lambda event: event.batch)
    # batch 1 is prepared before batch 0, and batch 0 publishes slowly
    pipeline = _Scripted(prepare=[0.05, 0.0, 0.0], emit=[0.1, 0.0, 0.0])
    stream, slots, previous, tasks = _Stream(pipeline.log), asyncio.Semaphore(3), None, []
    for batch in range(3):
        await slots.acquire()
        turn = _Turn.new()
        tasks.append(asyncio.create_task(_handle(pipeline, stream, [_Event(batch)], previous, turn,  # type: ignore[arg-type]
                                                 slots)))
        previous = turn
    await asyncio.gather(*tasks)
    log = pipeline.log
    assert [b for step, b in log if step == "store start"] == [0, 1, 2]
    assert [b for step, b in log if step == "ack"] == [0, 1, 2]
    assert log.index(("stored", 0)) < log.index(("store start", 1))
    assert log.index(("stored", 1)) < log.index(("emitted", 0))  # batch 1 was stored while 0 was publishing
    assert all(log.index(("emitted", b)) < log.index(("ack", b)) for b in range(3))


def test_the_worker_leaves_the_log_level_as_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """faust's own worker sets the root logger to DEBUG for its terminal spinner, whatever the log level: every
    debug call then builds a record. Ours keeps the level it is given."""
    import logging

    from streams.app import create_app, create_worker
    from streams.settings import Settings

    worker = create_worker(create_app(Settings(worker_datadir=tmp_path)), "WARN")
    root = logging.Logger("root-like", logging.WARNING)
    root.addHandler(logging.NullHandler())
    worker.on_setup_root_logger(root, logging.WARNING)
    assert root.level == logging.WARNING and not root.isEnabledFor(logging.DEBUG)
    assert len(root.handlers) == 1


def test_faust_keeps_no_statistics_per_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """faust's monitor counts every message and event by topic, stream and task for its web pages, which the
    worker does not serve; the worker's monitor skips that per-message work (Vigie's metrics are its own)."""
    from faust.types import TP, Message

    from streams.app import create_app
    from streams.settings import Settings

    app = create_app(Settings(worker_datadir=tmp_path))
    app.sensors.add(app.monitor)  # as faust does when the app starts
    message = Message("vigie.raw.x", 0, 7, 0.0, 0, {}, b"k", b"v", None)
    app.sensors.on_message_in(TP("vigie.raw.x", 0), 7, message)
    app.sensors.on_message_out(TP("vigie.raw.x", 0), 7, message)
    assert (app.monitor.messages_received_total, app.monitor.messages_active, message.time_in) == (0, 0, None)


def test_the_stream_buffer_is_the_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from streams.app import create_app
    from streams.settings import Settings

    assert create_app(Settings(worker_datadir=tmp_path, stream_buffer=1234)).conf.stream_buffer_maxsize == 1234


@pytest.mark.integration
async def test_the_sink_sends_every_record_to_its_keys_partition(settings) -> None:  # type: ignore[no-untyped-def]
    """FaustSink fills a record batch per partition: every record arrives once, in the partition aiokafka's
    default partitioner gives its key, with its headers; a record larger than a batch goes out alone."""
    from aiokafka.partitioner import DefaultPartitioner
    from kafka import KafkaConsumer

    from streams.app import FaustSink, create_app
    from streams.pipeline import OutRecord
    from streams.topics import ensure_topics

    ensure_topics(settings)
    topic = settings.triaged_topic
    records = [OutRecord(topic, f"x:{i}".encode(), f"value {i}".encode(), [("h", str(i).encode())])
               for i in range(300)]
    records += [OutRecord(topic, None, b"unkeyed"), OutRecord(topic, b"big", b"b" * 60_000)]
    app = create_app(settings)
    await app.producer.start()
    try:
        await FaustSink(app).send(records)
    finally:
        await app.producer.stop()
    consumer = KafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest",
                             consumer_timeout_ms=5000, max_partition_fetch_bytes=4 * 1024 * 1024)
    got = [r for _, r in zip(range(len(records)), consumer, strict=False)]
    partitions = sorted(consumer.partitions_for_topic(topic) or ())
    consumer.close()
    assert sorted((r.key or b"", r.value) for r in got) == sorted((r.key or b"", r.value) for r in records)
    assert len(partitions) > 1 and len({r.partition for r in got}) == len(partitions)
    for r in got:
        if r.key is not None:
            assert r.partition == DefaultPartitioner()(r.key, partitions, partitions), r.key
        if r.key and r.key.startswith(b"x:"):
            assert dict(r.headers) == {"h": r.key[2:]}
