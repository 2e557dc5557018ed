"""``vigie demo``: the whole pipeline on the embedded default, from a fresh machine, in one command.

Starts Tansu and redis-server as child processes, creates the topics, starts one ``vigie worker`` process,
replays a synthetic surge (:mod:`streams.generator`) with kafka-python, waits until every produced record
is accounted for in Redis, prints what landed where, and stops everything it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka import KafkaProducer

from streams.embedded import EmbeddedKafka, EmbeddedRedis, die_with_parent, free_port, stop_process
from streams.exporter import Exporter, SnapshotCollector
from streams.generator import Generated, surge
from streams.networks import NETWORKS, render
from streams.pipeline import NETWORK_HEADER
from streams.queues import QueueStore, connect
from streams.settings import Settings
from streams.topics import ensure_topics


class DemoError(Exception):
    """The demo could not finish; the message includes the end of the worker's log."""


ACCOUNTED = ("enqueued", "duplicates_exact", "duplicates_near", "duplicates_redelivery", "dead_letters", "ignored")


@dataclass
class DemoResult:
    produced: int
    counters: dict[str, int]
    queues: dict[str, int]
    seconds: float
    drain_seconds: float | None  # None: drained before it could be watched
    worker_rss_mb: float | None
    next_up: list[dict[str, Any]]
    lag: dict[str, float]

    def summary(self) -> dict[str, Any]:
        c = self.counters
        return {
            "produced": self.produced,
            "enqueued": c.get("enqueued", 0),
            "duplicates": c.get("duplicates_exact", 0) + c.get("duplicates_near", 0)
            + c.get("duplicates_redelivery", 0),
            "dead_letters": c.get("dead_letters", 0),
            "ignored": c.get("ignored", 0),
            "duplicates_by_kind": {"exact": c.get("duplicates_exact", 0), "near": c.get("duplicates_near", 0),
                                   "redelivery": c.get("duplicates_redelivery", 0)},
            "dead_letters_by_reason": {k.split(":", 1)[1]: v for k, v in sorted(c.items())
                                       if k.startswith("dead_letters:")},
            "queues": self.queues,
            "seconds": round(self.seconds, 2),
            "throughput_per_second": round(self.produced / self.seconds, 1) if self.seconds else None,
            "drain_per_second": round(self.produced / self.drain_seconds, 1) if self.drain_seconds else None,
            "worker_rss_mb": self.worker_rss_mb,
            "lag": self.lag,
        }


def encode(g: Generated, settings: Settings) -> tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]:
    """A generated message → (topic, key, value, headers) as a network gateway would produce it."""
    if g.message is None:  # malformed on purpose
        assert g.raw is not None
        if g.network in NETWORKS:
            return settings.raw_topic(g.network), None, g.raw, []
        return f"{settings.topic_prefix}.raw", None, g.raw, [(NETWORK_HEADER, g.network.encode())]
    m = g.message
    key = (m.conversation_id or m.author_id).encode()
    return settings.raw_topic(m.network.value), key, render(m), []


def produce(settings: Settings, records: Iterator[Generated], on_progress: Callable[[int], None]) -> int:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=10,
                             batch_size=256 * 1024, max_request_size=2 * 1024 * 1024)
    n = 0
    try:
        for g in records:
            topic, key, value, headers = encode(g, settings)
            producer.send(topic, value=value, key=key, headers=headers)
            n += 1
            if n % 500 == 0:
                on_progress(n)
        producer.flush()
    finally:
        producer.close()
    on_progress(n)
    return n


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def start_worker(settings: Settings, env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"], env={**os.environ, **env}, stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent,
        )


def worker_env(settings: Settings) -> dict[str, str]:
    return {
        "VIGIE_KAFKA_URL": settings.kafka_url, "VIGIE_REDIS_URL": settings.redis_url,
        "VIGIE_TOPIC_PREFIX": settings.topic_prefix, "VIGIE_KEY_PREFIX": settings.key_prefix,
        "VIGIE_GROUP_ID": settings.group_id, "VIGIE_PARTITIONS": str(settings.partitions),
        "VIGIE_MODEL_PATH": str(settings.model_path), "VIGIE_METRICS_PORT": str(settings.metrics_port),
        "VIGIE_SESSION_TIMEOUT": str(settings.session_timeout),
        "VIGIE_HEARTBEAT_INTERVAL": str(settings.heartbeat_interval),
    }


async def wait_accounted(store: QueueStore, produced: int, timeout: float, worker: subprocess.Popen[bytes],
                         on_progress: Callable[[int], None]) -> tuple[dict[str, int], float | None]:
    """Wait until every produced record is counted; returns the counters and the drain time, without the
    worker's start-up: from the last poll that found nothing counted yet to the one that found everything
    (at most one poll, 100 ms, too long), or None when the first poll found everything counted already."""
    deadline = time.monotonic() + timeout
    empty_at: float | None = None
    while True:
        polled = time.monotonic()
        counters = await store.counters()
        done = sum(counters.get(k, 0) for k in ACCOUNTED)
        if not done:
            empty_at = polled
        on_progress(done)
        if done >= produced:
            return counters, None if empty_at is None else time.monotonic() - empty_at
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with code {worker.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {done} of {produced} records accounted for after {timeout:.0f}s")
        await asyncio.sleep(0.1)


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def run_demo(base: Settings, *, messages: int, seed: int, say: Callable[[str], None],
             progress: Progress = lambda stage, done, total: None) -> DemoResult:
    with contextlib.ExitStack() as stack:
        say("starting the embedded broker (Tansu) and Redis …")
        kafka = stack.enter_context(EmbeddedKafka())
        redis_server = stack.enter_context(EmbeddedRedis())
        settings = base.model_copy(update={"kafka_url": kafka.url, "redis_url": redis_server.url,
                                           "metrics_port": free_port()})
        ensure_topics(settings)
        logdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="vigie-demo-")))
        worker = start_worker(settings, worker_env(settings), logdir / "worker.log")
        stack.callback(stop_process, worker)
        say(f"worker pid {worker.pid} started; metrics on http://127.0.0.1:{settings.metrics_port}/metrics")
        try:
            return asyncio.run(_drive(settings, worker, messages, seed, say, progress))
        except (RuntimeError, TimeoutError, OSError) as exc:
            tail = (logdir / "worker.log").read_text(errors="replace").splitlines()[-30:]
            raise DemoError(f"{exc}\nworker log (last lines):\n" + "\n".join(tail)) from exc


class LagWatch:
    """Reads the consumer lag with the exporter's code while the demo runs; keeps the maxima."""

    def __init__(self, settings: Settings) -> None:
        self.exporter = Exporter(settings, SnapshotCollector())
        self.max_messages, self.max_seconds, self.last_messages = 0, 0.0, 0

    async def sample(self) -> int:
        lags = (await self.exporter.refresh()).lags
        self.last_messages = sum(lag.messages for lag in lags)
        self.max_messages = max(self.max_messages, self.last_messages)
        self.max_seconds = max([self.max_seconds, *(lag.seconds for lag in lags)])
        return self.last_messages

    async def watch(self, interval: float = 0.5) -> None:
        while True:
            await self.sample()
            await asyncio.sleep(interval)

    async def until_zero(self, timeout: float) -> None:
        """Offsets are committed every few seconds: wait for the lag to reach zero after the drain."""
        deadline = time.monotonic() + timeout
        while await self.sample() and time.monotonic() < deadline:
            await asyncio.sleep(0.5)

    def summary(self) -> dict[str, float]:
        return {"max_messages": self.max_messages, "max_seconds": round(self.max_seconds, 2),
                "final_messages": self.last_messages}


async def _drive(settings: Settings, worker: subprocess.Popen[bytes], messages: int, seed: int,
                 say: Callable[[str], None], progress: Progress) -> DemoResult:
    store = connect(settings)
    lag = LagWatch(settings)
    watcher = asyncio.create_task(lag.watch())
    try:
        started = time.monotonic()
        produced = await asyncio.to_thread(
            produce, settings, surge(messages, seed=seed), lambda n: progress("produced", n, messages))
        say(f"produced {produced} records in {time.monotonic() - started:.1f}s; waiting for the worker …")
        counters, drain = await wait_accounted(store, produced, 120 + produced / 100, worker,
                                               lambda n: progress("accounted for", n, produced))
        seconds = time.monotonic() - started
        watcher.cancel()
        await lag.until_zero(timeout=15)
        depths = await store.depths()
        return DemoResult(produced, counters, {q: int(v["depth"]) for q, v in depths.items()}, seconds, drain,
                          rss_mb(worker.pid), await store.peek(3), lag.summary())
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await lag.exporter.aclose()
        await store.redis.aclose()
