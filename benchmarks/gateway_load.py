"""Gateway load: an embedded Tansu broker, the gateway (uvicorn, one process) and an httpx client sending
signed deliveries concurrently over loopback. Prints requests/s and latency percentiles, writes
benchmarks/results/gateway_load.json. On a small machine the client competes with the gateway for CPU.

    python benchmarks/gateway_load.py --requests 5000 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from streams.embedded import EmbeddedKafka, die_with_parent, free_port, stop_process, wait_for_port
from streams.gateway.client import post_surge
from streams.settings import Settings
from streams.topics import ensure_topics

SECRET = "bench-ingest-key"
RESULTS = Path(__file__).parent / "results" / "gateway_load.json"


def pct(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2) if len(values) > 1 else 0.0


async def drive(url: str, n: int, concurrency: int, via: str) -> dict[str, object]:
    await post_surge(url, min(200, n), secret=SECRET, concurrency=concurrency, seed=1)  # warm-up
    report = await post_surge(url, n, secret=SECRET, via=via, concurrency=concurrency)  # type: ignore[arg-type]
    lat = report.latencies
    return {"requests": n, "concurrency": concurrency, "via": via, "seconds": round(report.seconds, 2),
            "requests_per_second": round(n / report.seconds, 1), "statuses": report.statuses,
            "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
            "target": {"requests_per_second": 1000, "p99_ms": 50}, "cpus": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--via", choices=["ingest", "network"], default="ingest")
    args = parser.parse_args()
    with EmbeddedKafka() as broker:
        settings = Settings(kafka_url=broker.url, topic_prefix="bench")
        ensure_topics(settings)
        port = free_port()
        env = {**os.environ, "VIGIE_KAFKA_URL": broker.url, "VIGIE_TOPIC_PREFIX": "bench",
               "VIGIE_INGEST_SECRETS": SECRET, "VIGIE_META_APP_SECRETS": SECRET, "VIGIE_X_CONSUMER_SECRETS": SECRET,
               "VIGIE_GATEWAY_PORT": str(port), "VIGIE_GATEWAY_RATE_PER_SECOND": "1000000",
               "VIGIE_GATEWAY_BURST": "1000000"}
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "gateway"], env=env,
                                preexec_fn=die_with_parent)
        try:
            wait_for_port(port, timeout=30, proc=proc)
            time.sleep(0.5)
            result = asyncio.run(drive(f"http://127.0.0.1:{port}", args.requests, args.concurrency, args.via))
        finally:
            stop_process(proc)
    result["met"] = result["requests_per_second"] >= 1000 and result["p99_ms"] <= 50  # type: ignore[operator]
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
