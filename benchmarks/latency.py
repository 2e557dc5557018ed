"""Arrival → claimable latency (p50/p95/p99) of one worker at constant rates, up to its saturation point.

    python benchmarks/latency.py                         # 3, 30, 300, 1000, 2000 and 3000 messages/s
    python benchmarks/latency.py --rates 300 --seconds 60

For each rate: a fresh worker on fresh topics and keys, warmed up (group joined, model loaded), then the
load generator sends at that rate for ``--seconds``. A message's latency is the time from its Kafka record's
timestamp (set when the generator sent it) to its enqueue in Redis (``first_seen``, the moment an agent can
claim it), read back from every queued item. A rate is *saturated* when the worker's throughput falls short
of it (the backlog grows while the generator sends). Prints a table and writes
``benchmarks/results/latency.json`` (and ``latency.png`` when matplotlib is installed).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import harness
import loadgen
import redis

from streams.settings import Settings


def item_latencies(settings: Settings, client: redis.Redis, since: float) -> list[float]:
    """Seconds from record timestamp to enqueue, for every item of this phase received after ``since``."""
    keys = list(client.scan_iter(match=f"{{{settings.key_prefix}}}:item:*", count=1000))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hmget(key, "received_at", "first_seen")
    out = []
    for received, first_seen in pipe.execute():
        if received and first_seen and float(received) >= since:
            out.append(max(0.0, int(first_seen) / 1000 - float(received)))
    return sorted(out)


def warm_up(settings: Settings, client: redis.Redis, timeout: float = 60) -> None:
    """One record through the worker, so start-up and the group join are not measured."""
    loadgen.run(settings, loadgen.load_profile("constant").constant(1, 1), 1.0, seed=99)
    deadline = time.monotonic() + timeout
    while harness.counted(settings, client, passthrough=False) < 1:
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not process the warm-up record")
        time.sleep(0.05)


def at_rate(base: Settings, rate: float, seconds: float, logdir: Path) -> dict[str, Any]:
    settings = harness.phase(base)
    harness.ensure_topics(settings)
    client = redis.Redis.from_url(settings.redis_url)
    worker = harness.spawn(["-m", "streams.cli", "worker"], harness.passthrough_env(settings),
                           logdir / f"worker-{rate:g}.log")
    try:
        warm_up(settings, client)
        already = harness.counted(settings, client, passthrough=False)
        profile = loadgen.load_profile("constant").constant(rate, seconds)
        started, since = time.monotonic(), time.time()
        sent = loadgen.run(settings, profile, 1.0, seed=int(rate))
        send_seconds = time.monotonic() - started
        while harness.counted(settings, client, passthrough=False) < already + sent["sent"]:
            if worker.poll() is not None:
                raise RuntimeError(f"worker exited with {worker.returncode}; see {logdir}")
            if time.monotonic() - started > seconds * 20 + 120:
                raise TimeoutError(f"rate {rate}: not drained")
            time.sleep(0.02)
        total_seconds = time.monotonic() - started
        lat = item_latencies(settings, client, since)
    finally:
        harness.stop_process(worker)
        client.close()
    throughput = sent["sent"] / total_seconds
    return {"rate": rate, "sent": sent["sent"], "items": len(lat), "send_seconds": round(send_seconds, 2),
            "drain_seconds": round(total_seconds, 2), "throughput_per_second": round(throughput, 1),
            # the backlog left when the sender stopped took more than a second (or 10%) to clear
            "saturated": total_seconds - send_seconds > max(1.0, 0.1 * send_seconds),
            "sender_late_p99_ms": sent["late_p99_ms"],
            **{f"p{p}_ms": round(1000 * loadgen.percentile(lat, p), 1) for p in (50, 95, 99)},
            "max_ms": round(1000 * lat[-1], 1) if lat else None}


def plot(rows: list[dict[str, Any]], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    rates = [r["rate"] for r in rows]
    for p in (50, 95, 99):
        ax.plot(rates, [r[f"p{p}_ms"] for r in rows], marker="o", label=f"p{p}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("offered rate (messages/s)")
    ax.set_ylabel("arrival → claimable (ms)")
    ax.axhline(500, color="grey", linestyle=":", label="500 ms target at 300/s")
    ax.legend()
    ax.set_title("Vigie: one worker, latency by load")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="3,30,300,1000,2000,3000", help="messages per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to send at each rate")
    parser.add_argument("--kafka-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()
    rows = []
    with harness.servers(args.kafka_url, args.redis_url) as base, \
            tempfile.TemporaryDirectory(prefix="vigie-latency-") as tmp:
        for rate in (float(r) for r in args.rates.split(",")):
            row = at_rate(base, rate, args.seconds, Path(tmp))
            rows.append(row)
            print(f"{rate:g}/s: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms, "
                  f"throughput {row['throughput_per_second']}/s{' (saturated)' if row['saturated'] else ''}",
                  flush=True)
    print()
    print(harness.table([[r["rate"], r["sent"], r["throughput_per_second"], r["p50_ms"], r["p95_ms"], r["p99_ms"],
                          r["max_ms"], "yes" if r["saturated"] else "no"] for r in rows],
                        ["rate/s", "sent", "done/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "saturated"]))
    picture = plot(rows, harness.RESULTS / "latency.png")
    path = harness.write_result("latency", {"seconds_per_rate": args.seconds, "rows": rows,
                                            "plot": str(picture) if picture else None})
    print(f"results: {path}" + (f", {picture}" if picture else ""))


if __name__ == "__main__":
    main()
