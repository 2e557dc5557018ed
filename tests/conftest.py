"""Session fixtures: a real Kafka-protocol broker (Tansu) and a real Redis server, started once per session,
and factories that give each test its own topics, consumer group and Redis key prefix."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.embedded import EmbeddedKafka, EmbeddedRedis, stop_process
from streams.queues import QueueStore
from streams.settings import REPO_ROOT, Settings

DATA_DIR = Path(os.environ.get("VIGIE_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def kafka() -> Iterator[EmbeddedKafka]:
    with EmbeddedKafka() as broker:
        yield broker


@pytest.fixture(scope="session")
def redis_server() -> Iterator[EmbeddedRedis]:
    with EmbeddedRedis() as server:
        yield server


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture
def settings(kafka: EmbeddedKafka, redis_server: EmbeddedRedis, unique: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own topics, consumer group and Redis key prefix on the shared servers."""
    return Settings(kafka_url=kafka.url, redis_url=redis_server.url, topic_prefix=f"t{unique}",
                    key_prefix=f"t{unique}", group_id=f"g{unique}", partitions=2, metrics_port=0,
                    worker_datadir=tmp_path / "faust", batch_within=0.1)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA_DIR / "police_fr_dev" / "messages.jsonl").exists():
        pytest.skip(f"labelled data not found in {DATA_DIR} (set VIGIE_DATA_DIR to the shared/data folder)")
    return DATA_DIR


class Workers:
    """Starts ``vigie worker`` processes for a test and always stops them."""

    def __init__(self, settings: Settings, tmp_path: Path) -> None:
        self.settings, self.tmp_path = settings, tmp_path
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, **overrides: object) -> subprocess.Popen[bytes]:
        from streams.demo import start_worker, worker_env

        settings = self.settings.model_copy(update=overrides)
        proc = start_worker(settings, worker_env(settings), self.tmp_path / f"worker{len(self.procs)}.log")
        self.procs.append(proc)
        return proc

    async def accounted(self, store: QueueStore, n: int, timeout: float = 90) -> dict[str, int]:
        """Wait until ``n`` records are accounted for in ``store``'s counters (an item, a fold, a dead letter...);
        fails with the counters and the workers' logs otherwise."""
        from streams.demo import ACCOUNTED

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counters = await store.counters()
            if sum(counters.get(k, 0) for k in ACCOUNTED) >= n:
                return counters
            await asyncio.sleep(0.1)
        raise AssertionError(f"not all {n} records accounted for: {await store.counters()}\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp_path.glob("worker*.log")))

    def stop_all(self) -> None:
        for proc in self.procs:
            stop_process(proc)


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    from streams.topics import ensure_topics

    ensure_topics(settings)
    w = Workers(settings, tmp_path)
    yield w
    w.stop_all()
