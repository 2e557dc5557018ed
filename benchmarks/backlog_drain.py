"""Backlog drain: how long workers take to clear a backlog queued in Kafka while they were down.

    python benchmarks/backlog_drain.py                                  # 100,000 records, 1 then 2 workers
    python benchmarks/backlog_drain.py --messages 1000000 --workers 2

The backlog (a surge from Vigie's generator: reposts, redeliveries and malformed records included) is written
first; then the workers start and the clock runs from their start — as after an outage, start-up and the
group join are part of the time to drain — until every record is accounted for in Redis. Prints a table and
writes ``benchmarks/results/backlog_drain.json``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to try, comma-separated")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--kafka-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()

    started = time.perf_counter()
    records = harness.generate(args.messages)
    print(f"generated {len(records)} records in {time.perf_counter() - started:.0f}s", flush=True)
    rows = []
    with harness.servers(args.kafka_url, args.redis_url) as base, \
            tempfile.TemporaryDirectory(prefix="vigie-drain-") as tmp:
        settings = harness.phase(base, partitions=args.partitions)
        produce_seconds = harness.preload(settings, records)
        print(f"backlog of {len(records)} records written in {produce_seconds:.0f}s", flush=True)
        for workers in (int(w) for w in args.workers.split(",")):
            own = settings.model_copy(update={"key_prefix": f"{settings.key_prefix}w{workers}",
                                              "group_id": f"{settings.group_id}w{workers}"})
            last = [0.0]

            def progress(n: int, last: list[float] = last, label: str = f"{workers} worker(s)") -> None:
                if time.monotonic() - last[0] > 30:
                    last[0] = time.monotonic()
                    print(f"  {label}: {n}/{len(records)}", flush=True)

            drain = harness.drain_with(own, f"{workers} worker(s)", len(records), workers=workers,
                                       logdir=Path(tmp), poll=0.5, timeout=3 * 3600, on_progress=progress)
            total = drain.startup + drain.seconds
            rows.append({**drain.row(), "workers": workers, "total_seconds": round(total, 1),
                         "total_per_second": round(len(records) / total, 1)})
            print(f"{workers} worker(s): drained {len(records)} in {total:.1f}s "
                  f"({drain.per_second:.0f}/s once consuming, start-up {drain.startup:.1f}s)", flush=True)
    print()
    print(harness.table([[r["workers"], r["records"], r["total_seconds"], round(r["total_seconds"] / 60, 2),
                          r["per_second"], r["startup_seconds"], r["rss_mb"], r["children_rss_mb"]] for r in rows],
                        ["workers", "records", "drain s", "drain min", "records/s", "start-up s", "RSS MB",
                         "children RSS MB"]))
    path = harness.write_result("backlog_drain", {"messages": len(records), "partitions": args.partitions,
                                                  "produce_seconds": round(produce_seconds, 1), "rows": rows})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
