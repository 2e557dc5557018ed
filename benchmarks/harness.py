"""What the load benchmarks share: servers, preloading a backlog, workers, and the two bare baselines.

Every benchmark starts its own embedded broker (Tansu) and redis-server, or uses the ones given with
``--kafka-url`` / ``--redis-url`` (an Apache Kafka cluster and Redis 7 on an operator's own hardware).
Runs never share state: each phase gets its own topic prefix, key prefix and consumer group.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cpu
import orjson
import redis
from aiokafka import AIOKafkaConsumer
from kafka import KafkaProducer

from streams.demo import ACCOUNTED, encode, rss_mb, worker_env
from streams.embedded import EmbeddedKafka, EmbeddedRedis, die_with_parent, stop_process
from streams.generator import surge
from streams.networks import NETWORKS
from streams.settings import Settings
from streams.topics import ensure_topics

HERE = Path(__file__).resolve().parent
RESULTS = Path(os.environ.get("VIGIE_BENCH_RESULTS", HERE / "results"))  # the smoke tests write elsewhere
Encoded = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]
SERVER_PIDS: dict[str, int] = {}  # the embedded servers of :func:`servers`, for CPU accounting (role → pid)


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_start": os.getloadavg()}


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_bytes(orjson.dumps({"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                   "machine": machine(), **result}, option=orjson.OPT_INDENT_2))
    return path


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@contextlib.contextmanager
def servers(kafka_url: str | None, redis_url: str | None) -> Iterator[Settings]:
    """Base settings on the given servers, or on fresh embedded ones (stopped on exit)."""
    with contextlib.ExitStack() as stack:
        stack.callback(SERVER_PIDS.clear)
        if kafka_url is None:
            kafka = stack.enter_context(EmbeddedKafka())
            kafka_url, SERVER_PIDS["broker"] = kafka.url, kafka.proc.pid if kafka.proc else 0
        if redis_url is None:
            server = stack.enter_context(EmbeddedRedis())
            redis_url, SERVER_PIDS["redis-server"] = server.url, server.proc.pid if server.proc else 0
        yield Settings(kafka_url=kafka_url, redis_url=redis_url, metrics_port=0)


def phase(base: Settings, **update: Any) -> Settings:
    """Settings of one isolated phase: its own topics, Redis keys and consumer group."""
    tag = uuid.uuid4().hex[:8]
    return base.model_copy(update={"topic_prefix": f"bench{tag}", "key_prefix": f"bench{tag}",
                                   "group_id": f"bench{tag}", **update})


CHUNK = 50_000  # the generator's repost choice slows as its history grows: long backlogs are made in chunks


def generate(n: int, seed: int = 13, settings: Settings | None = None) -> list[Encoded]:
    """``n`` surge records, encoded for ``settings``'s topics; past :data:`CHUNK` records, consecutive chunks
    of ``CHUNK`` from seeds ``seed``, ``seed + 1``, … (each its own stretch of the night)."""
    settings = settings or Settings()
    out: list[Encoded] = []
    for i, start in enumerate(range(0, n, CHUNK)):
        out.extend(encode(g, settings) for g in surge(min(CHUNK, n - start), seed=seed + i))
    return out


def retarget(topic: str, settings: Settings) -> str:
    """``vigie.raw.x`` (as generated with the default prefix) → ``<prefix>.raw.x``."""
    return settings.topic_prefix + topic[len("vigie"):]


def producer(settings: Settings) -> KafkaProducer:
    return KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5,
                         batch_size=512 * 1024, max_request_size=4 * 1024 * 1024)


def preload(settings: Settings, records: Sequence[Encoded]) -> float:
    """Write ``records`` into ``settings``'s raw topics; returns the seconds it took (acks=all)."""
    ensure_topics(settings)
    started = time.perf_counter()
    p = producer(settings)
    try:
        for topic, key, value, headers in records:
            p.send(retarget(topic, settings), value=value, key=key, headers=headers)
        p.flush()
    finally:
        p.close()
    return time.perf_counter() - started


# --- consumers under test ---------------------------------------------------------------------------------

@dataclass
class Drain:
    """How fast a consumer went through ``records``: from its first record to its last."""

    name: str
    records: int
    seconds: float  # first → last record
    startup: float  # process start → first record (group join, model load)
    rss_mb: float | None = None  # at the end, the largest consumer process's
    children_rss_mb: float | None = None  # and its children's (a worker's scoring process): a pod holds both
    cpu_us: dict[str, float] = field(default_factory=dict)  # per record, by process (cpu.per_record)

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else float("nan")

    def row(self) -> dict[str, Any]:
        return {"name": self.name, "records": self.records, "seconds": round(self.seconds, 3),
                "startup_seconds": round(self.startup, 2), "per_second": round(self.per_second, 1),
                "rss_mb": self.rss_mb, "children_rss_mb": self.children_rss_mb, "cpu_us_per_record": self.cpu_us,
                "cpu_ceiling_per_second": cpu.ceiling(self.cpu_us)}


def raw_topics(settings: Settings) -> list[str]:
    return [settings.raw_topic(n) for n in NETWORKS] + [f"{settings.topic_prefix}.raw"]


async def bare_aiokafka(settings: Settings, expected: int, timeout: float = 300) -> Drain:
    """The floor under any Python consumer: aiokafka ``getmany`` batches, nothing done with them."""
    consumer = AIOKafkaConsumer(*raw_topics(settings), bootstrap_servers=settings.kafka_bootstrap,
                                group_id=settings.group_id + "-aiokafka", auto_offset_reset="earliest",
                                enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=1000,
                                max_partition_fetch_bytes=4 * 1024 * 1024)
    started = time.monotonic()
    first: float | None = None
    seen = 0
    await consumer.start()
    try:
        while seen < expected:
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"bare aiokafka: {seen} of {expected} after {timeout}s")
            batches = await consumer.getmany(timeout_ms=500, max_records=settings.batch_size)
            for batch in batches.values():
                if batch and first is None:
                    first = time.monotonic()
                seen += len(batch)
        last = time.monotonic()
    finally:
        await consumer.stop()
    assert first is not None
    return Drain("bare aiokafka consumer", seen, last - first, first - started)


def spawn(args: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, *args], env={**os.environ, **env}, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)


def passthrough_env(settings: Settings) -> dict[str, str]:
    return {**worker_env(settings), "VIGIE_BATCH_SIZE": str(settings.batch_size),
            "VIGIE_BATCH_WITHIN": str(settings.batch_within)}


def counted(settings: Settings, client: redis.Redis, *, passthrough: bool) -> int:
    if passthrough:
        return int(client.get(f"{{{settings.key_prefix}}}:passthrough") or 0)
    stats = client.hgetall(f"{{{settings.key_prefix}}}:stats")
    return sum(int(stats.get(k.encode(), 0)) for k in ACCOUNTED)


def drain_with(settings: Settings, name: str, expected: int, *, workers: int = 1, passthrough: bool = False,
               timeout: float = 1800, logdir: Path, poll: float = 0.05,
               on_progress: Callable[[int], None] = lambda n: None) -> Drain:
    """Start ``workers`` processes (Vigie workers, or the bare faust pass-through agent) on a preloaded
    backlog and time them from the first accounted record to the last."""
    script = [str(HERE / "passthrough.py")] if passthrough else ["-m", "streams.cli", "worker"]
    client = redis.Redis.from_url(settings.redis_url)
    procs = []
    started = time.monotonic()
    first: float | None = None
    rss: list[tuple[float, float]] = []
    roles: dict[str, list[int]] = {}
    before: cpu.Snapshot = {}
    counted_from = 0
    usage: dict[str, float] = {}
    try:
        for i in range(workers):
            env = passthrough_env(settings)
            procs.append(spawn(script, env, logdir / f"{name.replace(' ', '_')}-{i}.log"))
        while True:
            done = counted(settings, client, passthrough=passthrough)
            now = time.monotonic()
            if done and first is None:
                first, counted_from = now, done
                roles = _roles(procs)
                before = cpu.snapshot(roles)
            on_progress(done)
            if done >= expected:
                usage = cpu.per_record(before, cpu.snapshot(roles), done - counted_from)
                break
            for p in procs:
                if p.poll() is not None:
                    raise RuntimeError(f"{name}: a process exited with {p.returncode}; see {logdir}")
            if now - started > timeout:
                raise TimeoutError(f"{name}: {done} of {expected} after {timeout}s")
            time.sleep(poll)
        rss = [(r, round(sum(rss_mb(c) or 0.0 for c in cpu.children(p.pid)), 1)) for p in procs
               if (r := rss_mb(p.pid)) is not None]
    finally:
        for p in procs:
            stop_process(p)
        client.close()
    assert first is not None
    biggest = max(rss, key=sum) if rss else (None, None)
    return Drain(name, expected, time.monotonic() - first, first - started, *biggest, cpu_us=usage)


def _roles(procs: Sequence[subprocess.Popen[bytes]]) -> dict[str, list[int]]:
    """The processes of a drain by role: the consumers, their children (a worker's scoring process) and the
    embedded servers."""
    return {"consumer": [p.pid for p in procs], "scoring": [c for p in procs for c in cpu.children(p.pid)],
            **{role: [pid] for role, pid in SERVER_PIDS.items()}}
