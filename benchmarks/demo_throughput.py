"""End-to-end throughput of the embedded demo (Tansu → one worker → redis-server), repeated runs.

    python benchmarks/demo_throughput.py --messages 5000 --runs 3

Prints one line per run and the medians, and writes ``benchmarks/results/demo_throughput.json``.
Each run starts fresh servers and a fresh worker, so the figure includes the worker's start-up and the
consumer-group join; ``drain_per_second`` counts from the first accounted record to the last.
"""

from __future__ import annotations

import argparse
import statistics

import harness

from streams.demo import run_demo
from streams.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for i in range(args.runs):
        summary = run_demo(Settings(), messages=args.messages, seed=13 + i, say=lambda _text: None).summary()
        runs.append(summary)
        print(f"run {i + 1}: {summary['produced']} records, {summary['seconds']}s, "
              f"{summary['throughput_per_second']}/s end to end, {summary['drain_per_second']}/s drain, "
              f"worker RSS {summary['worker_rss_mb']} MB")
    result = {
        "messages": args.messages, "runs": runs,
        "median_throughput_per_second": statistics.median(r["throughput_per_second"] for r in runs),
        "median_drain_per_second": statistics.median(r["drain_per_second"] for r in runs),
        "median_worker_rss_mb": statistics.median(r["worker_rss_mb"] or 0 for r in runs),
    }
    print(f"median: {result['median_throughput_per_second']}/s end to end, "
          f"{result['median_drain_per_second']}/s drain, worker RSS {result['median_worker_rss_mb']} MB")
    print(f"wrote {harness.write_result('demo_throughput', result)}")


if __name__ == "__main__":
    main()
