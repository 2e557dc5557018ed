"""The worker's batch core without Kafka or faust: where the time goes, stage by stage, and the whole.

    python benchmarks/pipeline_core.py --messages 10000 --batch 500
    python benchmarks/pipeline_core.py --py-spy          # also a flame graph of the whole core

Stages, each timed over the same batches: parse (bytes → messages), score (the urgency model), decide
(duplicate keys, routing and the batch's repost plan, pure: these three run in the worker's scoring process),
enqueue (the Redis scripts, pipelined per batch, into a real redis-server, and the near-duplicate comparisons
between rounds; "of which Lua" is the server's own time, from ``INFO commandstats``) and emit (the triaged
records' JSON). Then ``Triage.process`` end to end, as the worker runs
it, with a sink that drops the output. Prints µs per message per stage and writes
``benchmarks/results/pipeline_core.json`` (and ``pipeline_core.svg`` with ``--py-spy``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence

import harness
import redis
from prometheus_client import CollectorRegistry

from classifiers.routing import RoutingPolicy
from classifiers.triage import decide, plan
from classifiers.urgency import UrgencyModel
from streams.embedded import EmbeddedRedis
from streams.metrics import Metrics
from streams.networks import ParseError, parse_record
from streams.pipeline import OutRecord, Record, Triage
from streams.queues import Pending, connect
from streams.runtime import single_threaded_math
from streams.settings import Settings


class NullSink:
    async def send(self, records: Sequence[OutRecord]) -> None:
        return None


def records_of(messages: int, settings: Settings) -> list[Record]:
    now, encoded = time.time(), harness.generate(messages, seed=5, settings=settings)
    return [Record(topic, 0, offset, value, key, now, dict(headers))
            for offset, (topic, key, value, headers) in enumerate(encoded)]


async def stages(records: Sequence[Record], batch: int, settings: Settings, model: UrgencyModel) -> dict[str, float]:
    """Seconds spent in each stage over all ``records``."""
    policy = RoutingPolicy()
    store = connect(settings, policy)
    triage = Triage(model=model, store=store, sink=NullSink(), policy=policy,
                    metrics=Metrics.create(CollectorRegistry()), raw_topic_prefix=f"{settings.topic_prefix}.raw",
                    triaged_topic=settings.triaged_topic, deadletter_topic=settings.deadletter_topic,
                    max_payload_bytes=settings.max_payload_bytes)
    spent = dict.fromkeys(("parse", "score", "decide", "enqueue", "emit"), 0.0)
    clock = time.perf_counter
    for i in range(0, len(records), batch):
        chunk = records[i:i + batch]
        t0 = clock()
        parsed = []
        for r in chunk:
            with contextlib.suppress(ParseError):  # dead letters: counted by the worker, not timed here
                parsed.extend((r, m) for m in parse_record(triage.network_of(r), r.value, received_at=r.timestamp or 0,
                                                           max_bytes=settings.max_payload_bytes))
        t1 = clock()
        scores = model.score([m.text for _, m in parsed], [m.lang for _, m in parsed])
        t2 = clock()
        decisions = decide([m for _, m in parsed], scores, policy)
        batch_plan = plan(decisions)
        t3 = clock()
        pending = [Pending(d, r.coordinate, model.version) for (r, _), d in zip(parsed, decisions, strict=True)]
        outcomes = await store.enqueue(pending, batch_plan)
        t4 = clock()
        for p, outcome in zip(pending, outcomes, strict=True):
            triage._triaged(p, outcome)
        t5 = clock()
        for name, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            spent[name] += seconds
    await store.redis.aclose()
    return spent


async def end_to_end(records: Sequence[Record], batch: int, settings: Settings, model: UrgencyModel) -> float:
    store = connect(settings)
    triage = Triage(model=model, store=store, sink=NullSink(), policy=RoutingPolicy(),
                    metrics=Metrics.create(CollectorRegistry()), raw_topic_prefix=f"{settings.topic_prefix}.raw",
                    triaged_topic=settings.triaged_topic, deadletter_topic=settings.deadletter_topic,
                    max_payload_bytes=settings.max_payload_bytes)
    started = time.perf_counter()
    for i in range(0, len(records), batch):
        await triage.process(records[i:i + batch])
    seconds = time.perf_counter() - started
    await store.redis.aclose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--py-spy", action="store_true", help="re-run under py-spy and write a flame graph")
    args = parser.parse_args()
    if args.py_spy:
        if not shutil.which("py-spy"):
            sys.exit("py-spy is not installed: pip install py-spy")
        svg = harness.RESULTS / "pipeline_core.svg"
        harness.RESULTS.mkdir(exist_ok=True)
        subprocess.run(["py-spy", "record", "-o", str(svg), "-r", "250", "--", sys.executable, __file__,
                        "--messages", str(args.messages), "--batch", str(args.batch)], check=True)
        print(f"flame graph: {svg}")
        return

    single_threaded_math()  # as in the worker and its scoring process
    with EmbeddedRedis() as server:
        base = Settings(redis_url=server.url)
        model = UrgencyModel.load(base.model_path)
        records = records_of(args.messages, base)
        server = redis.Redis.from_url(base.redis_url)
        server.config_resetstat()
        spent = asyncio.run(stages(records, args.batch, base.model_copy(update={"key_prefix": "stages"}), model))
        lua = sum(v["usec"] for k, v in server.info("commandstats").items() if k.startswith("cmdstat_evalsha")) / 1e6
        server.close()
        whole = asyncio.run(end_to_end(records, args.batch, base.model_copy(update={"key_prefix": "core"}), model))
    n = len(records)
    total = sum(spent.values())
    rows = [[name, round(1e6 * s / n, 1), f"{100 * s / total:.0f}%"] for name, s in spent.items()]
    rows.append(["sum of stages", round(1e6 * total / n, 1), "100%"])
    rows.insert(4, ["  of which Lua", round(1e6 * lua / n, 1), "(Redis server)"])
    rows.append(["Triage.process", round(1e6 * whole / n, 1), f"{n / whole:,.0f} records/s"])
    print(f"{n} records in batches of {args.batch}, model {model.version}, one thread (pid {os.getpid()})")
    print(harness.table(rows, ["stage", "µs/record", "share"]))
    path = harness.write_result("pipeline_core", {
        "messages": n, "batch": args.batch, "model": model.version,
        "us_per_record": {name: round(1e6 * s / n, 2) for name, s in spent.items()},
        "enqueue_redis_server_us_per_record": round(1e6 * lua / n, 2),
        "records_per_second": round(n / whole, 1), "seconds": round(whole, 3)})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
