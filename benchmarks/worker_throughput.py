"""Throughput of one Vigie worker end to end (Kafka → parse → dedupe → score → Redis), next to a bare
faust pass-through agent and a bare aiokafka consumer on the same broker in the same run; one vs two workers.

    python benchmarks/worker_throughput.py --messages 30000 --runs 3
    python benchmarks/worker_throughput.py --kafka-url kafka://broker:9092 --redis-url redis://redis:6379/0

Each consumer drains the same preloaded backlog under its own consumer group (and its own Redis keys), so
every figure counts from its first record to its last: start-up and the group join are reported apart.
Prints a table per run (records/s, and the CPU each process spent per record meanwhile: the consumer, its
scoring process, redis-server and the broker when embedded) and the medians, and writes
``benchmarks/results/worker_throughput.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path
from typing import Any

import harness

BASELINE = "faust pass-through"


def one_run(base, records, *, partitions: int, two_workers: bool, logdir: Path) -> list[harness.Drain]:
    settings = harness.phase(base, partitions=partitions)
    harness.preload(settings, records)
    n = len(records)
    drains = [asyncio.run(harness.bare_aiokafka(settings, n)),
              harness.drain_with(settings, BASELINE, n, passthrough=True, logdir=logdir)]
    # each worker phase needs its own Redis keys (and group), on the same topics
    for workers in (1, 2) if two_workers else (1,):
        own = settings.model_copy(update={"key_prefix": f"{settings.key_prefix}w{workers}",
                                          "group_id": f"{settings.group_id}w{workers}"})
        drains.append(harness.drain_with(own, f"vigie worker x{workers}", n, workers=workers, logdir=logdir))
    return drains


def cpu_table(rows: list[dict[str, Any]]) -> str:
    """CPU µs per record of each process while the consumers drained (``benchmarks/cpu.py``), how many of the
    machine's cores were busy, and the ceiling that CPU sets: where the time goes when the processes share the
    cores, and how far the machine could go at that cost (``cpu.ceiling``)."""
    roles = ["consumer", "scoring", "redis-server", "broker"]
    return harness.table([[r["name"], *(r["cpu_us_per_record"].get(k, "") for k in roles),
                           r["cpu_us_per_record"].get("cores_busy", ""), r["cpu_ceiling_per_second"] or ""]
                          for r in rows if r["cpu_us_per_record"]],
                         ["consumer", *(f"{k} µs/rec" for k in roles), "cores busy", "CPU ceiling rec/s"])


def median_of(rows: list[dict[str, Any]]) -> dict[str, float]:
    """One consumer's medians over the runs (the CPU ceiling over the runs that could read it)."""
    out = {key: statistics.median(r[key] for r in rows) for key in ("per_second", "vs_passthrough")}
    ceilings = [r["cpu_ceiling_per_second"] for r in rows if r.get("cpu_ceiling_per_second")]
    if ceilings:
        out["cpu_ceiling_per_second"] = statistics.median(ceilings)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--no-two-workers", dest="two_workers", action="store_false")
    parser.add_argument("--kafka-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()

    records = harness.generate(args.messages)
    runs: list[list[dict]] = []
    with harness.servers(args.kafka_url, args.redis_url) as base, \
            tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        for i in range(args.runs):
            drains = one_run(base, records, partitions=args.partitions, two_workers=args.two_workers,
                             logdir=Path(tmp))
            baseline = next(d for d in drains if d.name == BASELINE).per_second
            rows = [{**d.row(), "vs_passthrough": round(d.per_second / baseline, 3)} for d in drains]
            runs.append(rows)
            print(f"run {i + 1}/{args.runs}, {len(records)} records, {args.partitions} partitions per topic")
            print(harness.table([[r["name"], r["per_second"], r["vs_passthrough"], r["startup_seconds"],
                                  r["rss_mb"] or "", r["children_rss_mb"] or ""] for r in rows],
                                ["consumer", "records/s", "x pass-through", "start-up s", "RSS MB",
                                 "children RSS MB"]))
            print(cpu_table(rows))
    names = [r["name"] for r in runs[0]]
    medians = {name: median_of([r for run in runs for r in run if r["name"] == name]) for name in names}
    print(f"\nmedians over {len(runs)} runs")
    print(harness.table([[n, round(m["per_second"], 1), round(m["vs_passthrough"], 3),
                          m.get("cpu_ceiling_per_second", "")] for n, m in medians.items()],
                        ["consumer", "records/s", "x pass-through", "CPU ceiling rec/s"]))
    path = harness.write_result("worker_throughput", {"messages": len(records), "partitions": args.partitions,
                                                      "runs": runs, "medians": medians})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
