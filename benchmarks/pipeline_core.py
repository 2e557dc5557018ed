"""Throughput of the worker's batch core alone: parse → score → decide → enqueue into a real redis-server,
with a sink that drops the output records (no Kafka, no faust), over a synthetic surge.

    python benchmarks/pipeline_core.py --messages 10000 --batch 500

Prints records/s and writes ``benchmarks/results/pipeline_core.json``. Compare with ``demo_throughput.py``
(the same core inside a faust worker) to see what the stream framework costs.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

import orjson
from prometheus_client import CollectorRegistry

from classifiers.routing import RoutingPolicy
from classifiers.urgency import UrgencyModel
from streams.demo import encode
from streams.embedded import EmbeddedRedis
from streams.generator import surge
from streams.metrics import Metrics
from streams.pipeline import OutRecord, Record, Triage
from streams.queues import connect
from streams.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"


class NullSink:
    async def send(self, records: Sequence[OutRecord]) -> None:
        return None


async def run(messages: int, batch: int) -> dict[str, float]:
    with EmbeddedRedis() as server:
        settings = Settings(redis_url=server.url, key_prefix="bench")
        store = connect(settings)
        triage = Triage(model=UrgencyModel.load(settings.model_path), store=store, sink=NullSink(),
                        policy=RoutingPolicy(), metrics=Metrics.create(CollectorRegistry()),
                        raw_topic_prefix=f"{settings.topic_prefix}.raw", triaged_topic=settings.triaged_topic,
                        deadletter_topic=settings.deadletter_topic, max_payload_bytes=settings.max_payload_bytes)
        records = []
        for offset, g in enumerate(surge(messages, seed=5)):
            topic, key, value, headers = encode(g, settings)
            records.append(Record(topic, 0, offset, value, key, time.time(), dict(headers)))
        started = time.perf_counter()
        for i in range(0, len(records), batch):
            await triage.process(records[i:i + batch])
        seconds = time.perf_counter() - started
        await store.redis.aclose()
    return {"messages": messages, "batch": batch, "seconds": round(seconds, 3),
            "records_per_second": round(messages / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    result = asyncio.run(run(args.messages, args.batch))
    print(f"{result['records_per_second']} records/s ({result['messages']} records in {result['seconds']}s, "
          f"batches of {result['batch']})")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pipeline_core.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
