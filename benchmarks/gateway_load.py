"""Gateway load: an embedded Tansu broker, the gateway (uvicorn, one process) and a client sending signed
deliveries concurrently over loopback. Prints requests/s and latency percentiles, writes
benchmarks/results/gateway_load.json.

    python benchmarks/gateway_load.py --requests 5000 --concurrency 32            # httpx client (Python)
    python benchmarks/gateway_load.py --client wrk --seconds 10 --concurrency 8  # wrk (apt-get install wrk)

The httpx client costs about as much CPU per request as the gateway, so on a 2-core machine it measures the
client. ``--client wrk`` replays one pre-signed delivery (valid for the 300 s timestamp tolerance) from C.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

from streams.embedded import EmbeddedKafka, die_with_parent, free_port, stop_process, wait_for_port
from streams.gateway.client import post_surge, signed
from streams.generator import surge
from streams.networks import render
from streams.settings import Settings
from streams.topics import ensure_topics

SECRET = "bench-ingest-key"


def pct(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2) if len(values) > 1 else 0.0


async def drive(url: str, n: int, concurrency: int, via: str) -> dict[str, object]:
    await post_surge(url, min(200, n), secret=SECRET, concurrency=concurrency, seed=1)  # warm-up
    report = await post_surge(url, n, secret=SECRET, via=via, concurrency=concurrency)  # type: ignore[arg-type]
    lat = report.latencies
    return {"requests": n, "concurrency": concurrency, "via": via, "seconds": round(report.seconds, 2),
            "requests_per_second": round(n / report.seconds, 1),
            "statuses": {str(k): v for k, v in report.statuses.items()},
            "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
            "target": {"requests_per_second": 1000, "p99_ms": 50}, "cpus": os.cpu_count()}


def drive_wrk(url: str, seconds: int, concurrency: int) -> dict[str, object]:
    """Replay one signed /ingest delivery with wrk; parse its latency distribution."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    message = next(g.message for g in surge(10) if g.message is not None)
    body = render(message)
    path, headers = signed(message.network.value, body, SECRET)
    script = Path(tempfile.mkdtemp()) / "signed.lua"
    script.write_text("wrk.method = 'POST'\nwrk.body = [==[" + body.decode() + "]==]\n"
                      + "".join(f"wrk.headers['{k}'] = '{v}'\n" for k, v in headers.items()))
    out = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", "-s", str(script),
                          url + path], capture_output=True, text=True, check=True).stdout
    def ms(label: str) -> float:
        value = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        assert value is not None, out
        return round(float(value[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[value[2]], 2)
    total = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"client": "wrk", "requests": total, "concurrency": concurrency, "seconds": seconds,
            "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
            "non_2xx": int(non_2xx[1]) if non_2xx else 0,
            "p50_ms": ms("50%"), "p95_ms": None, "p99_ms": ms("99%"),
            "target": {"requests_per_second": 1000, "p99_ms": 50}, "cpus": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--via", choices=["ingest", "network"], default="ingest")
    parser.add_argument("--client", choices=["httpx", "wrk"], default="httpx")
    parser.add_argument("--seconds", type=int, default=10, help="duration of a wrk run")
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
            url = f"http://127.0.0.1:{port}"
            if args.client == "wrk":
                result = drive_wrk(url, args.seconds, args.concurrency)
            else:
                result = asyncio.run(drive(url, args.requests, args.concurrency, args.via))
        finally:
            stop_process(proc)
    result["met"] = result["requests_per_second"] >= 1000 and result["p99_ms"] <= 50  # type: ignore[operator]
    print(json.dumps(result, indent=2))
    print(f"wrote {harness.write_result('gateway_load', result)}")


if __name__ == "__main__":
    main()
