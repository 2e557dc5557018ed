"""Desk API under 20 concurrent agents: a real `vigie serve` process (uvicorn, its reaper and its audit forwarder to
an embedded Tansu broker) on an embedded redis-server; each agent loops claim → resolve (no think time) until the
queues are empty. Prints claim throughput and latency percentiles (per request, and claim → resolve end to end),
writes benchmarks/results/desk_api.json.

    python benchmarks/desk_api.py --agents 20 --items 4000 --runs 3
    python benchmarks/desk_api.py --no-kafka      # without the broker (the forwarder retries in the background)

The client (aiohttp, one process) shares the machine's cores with the server and Redis: on a 2-core machine the
figures include its cost and the scheduling noise of other processes. Report medians of several runs.
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
from contextlib import ExitStack
from pathlib import Path

import aiohttp

from classifiers.message import Message, Network
from classifiers.routing import RoutingPolicy
from classifiers.triage import decide
from classifiers.urgency import Score
from streams.desk.auth import TokenStore
from streams.embedded import EmbeddedKafka, EmbeddedRedis, die_with_parent, free_port, stop_process, wait_for_port
from streams.queues import Pending, connect
from streams.settings import Settings

RESULTS = Path(__file__).parent / "results" / "desk_api.json"
CATEGORIES = [("danger", 0), ("witness_tip", 1), ("rumor", 2), ("complaint_police", 2), ("thanks_support", 3),
              ("spam", 3)]


def pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2) if len(values) > 1 else 0.0


async def seed(settings: Settings, n: int, run: int) -> None:
    policy, store = RoutingPolicy(), connect(settings)
    now = time.time()
    try:
        for start in range(0, n, 500):
            messages, scores = [], []
            for i in range(start, min(n, start + 500)):
                category, priority = CATEGORIES[i % len(CATEGORIES)]
                messages.append(Message(network=Network.X, network_id=f"r{run}-{i}", author_id=f"a{i}",
                                        text=f"message {run} {i} numero unique {i * 7919 % 100003}",
                                        created_at=now, received_at=now - (n - i) * 0.01))
                scores.append(Score(priority, category, 0.5, ("bench",)))
            await store.enqueue([Pending(d, f"bench/{run}/{j}", "bench")
                                 for j, d in enumerate(decide(messages, scores, policy), start)])
    finally:
        await store.redis.aclose()


async def tokens(settings: Settings, agents: int) -> list[str]:
    store = connect(settings)
    try:
        t = TokenStore(store.redis, settings.key_prefix)
        return [await t.create(f"agent{i:02d}", "agent") for i in range(agents)]
    finally:
        await store.redis.aclose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(url: str, keys: list[str], think: float = 0.0) -> dict[str, object]:
    """Every agent claims and resolves until the queues are empty, ``think`` seconds between the two (reading
    and typing); returns the samples and the wall time."""
    claim_s: list[float] = []
    resolve_s: list[float] = []
    cycle_s: list[float] = []
    errors: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=len(keys) + 4)
    async with aiohttp.ClientSession(url, connector=connector) as session:
        async def agent(token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            while True:
                t0 = time.perf_counter()
                async with session.post("/api/claim", headers=headers) as r:
                    body = await r.json()
                    if r.status != 200:
                        errors[body.get("error", str(r.status))] = errors.get(body.get("error", str(r.status)), 0) + 1
                        continue
                t1 = time.perf_counter()
                item = body["item"]
                if item is None:
                    return
                resumed = t1
                if think:
                    await asyncio.sleep(think)
                    resumed = time.perf_counter()
                async with session.post(f"/api/items/{item['id']}/resolve", headers=headers,
                                        json={"lease": item["lease"], "reply_id": "thanks"}) as r:
                    await r.read()
                    if r.status != 200:
                        errors[str(r.status)] = errors.get(str(r.status), 0) + 1
                t2 = time.perf_counter()
                claim_s.append(t1 - t0)
                resolve_s.append(t2 - resumed)
                cycle_s.append((t1 - t0) + (t2 - resumed))  # the two requests, without the think time

        started = time.perf_counter()
        await asyncio.gather(*(agent(k) for k in keys))
        wall = time.perf_counter() - started
    return {"claim": claim_s, "resolve": resolve_s, "cycle": cycle_s, "wall": wall, "errors": errors}


def summarize(samples: dict[str, object]) -> dict[str, object]:
    cycles = samples["cycle"]
    assert isinstance(cycles, list)
    out: dict[str, object] = {"items": len(cycles), "seconds": round(float(samples["wall"]), 2),  # type: ignore[arg-type]
                              "claims_per_second": round(len(cycles) / float(samples["wall"]), 1),  # type: ignore[arg-type]
                              "errors": samples["errors"]}
    for name in ("claim", "resolve", "cycle"):
        values = samples[name]
        assert isinstance(values, list)
        out[f"{name}_p50_ms"], out[f"{name}_p99_ms"] = pct(values, 50), pct(values, 99)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--items", type=int, default=4000, help="items per measured run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--no-kafka", action="store_true", help="no broker: the audit forwarder only retries")
    parser.add_argument("--think-ms", type=float, default=0.0,
                        help="each agent's pause between claim and resolve (0: agents as fast as the server)")
    args = parser.parse_args()
    with ExitStack() as stack:
        redis = stack.enter_context(EmbeddedRedis())
        kafka_url = "kafka://127.0.0.1:1" if args.no_kafka else stack.enter_context(EmbeddedKafka()).url
        settings = Settings(redis_url=redis.url, kafka_url=kafka_url, key_prefix="bench", topic_prefix="bench",
                            partitions=1)
        port = free_port()
        env = {**os.environ, "VIGIE_REDIS_URL": redis.url, "VIGIE_KAFKA_URL": kafka_url, "VIGIE_KEY_PREFIX": "bench",
               "VIGIE_TOPIC_PREFIX": "bench", "VIGIE_API_PORT": str(port), "VIGIE_PARTITIONS": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "serve"], env=env, preexec_fn=die_with_parent)
        stack.callback(stop_process, proc)
        wait_for_port(port, timeout=30, proc=proc)
        url = f"http://127.0.0.1:{port}"
        keys = asyncio.run(tokens(settings, args.agents))
        asyncio.run(seed(settings, args.warmup, 0))
        asyncio.run(drive(url, keys))  # warm-up: connections, scripts loaded, code paths hot
        runs = []
        for run in range(1, args.runs + 1):
            asyncio.run(seed(settings, args.items, run))
            cpu = cpu_seconds(proc.pid)
            result = summarize(asyncio.run(drive(url, keys, args.think_ms / 1000)))
            result["server_cpu_ms_per_cycle"] = round((cpu_seconds(proc.pid) - cpu) * 1000 / args.items, 3)
            runs.append(result)
            print(f"run {run}: {result}", file=sys.stderr)
    keys_ = ("claims_per_second", "claim_p50_ms", "claim_p99_ms", "resolve_p50_ms", "resolve_p99_ms", "cycle_p50_ms",
             "cycle_p99_ms", "server_cpu_ms_per_cycle")
    median = {k: round(statistics.median(float(r[k]) for r in runs), 2) for k in keys_}  # type: ignore[arg-type]
    report = {"agents": args.agents, "items_per_run": args.items, "think_ms": args.think_ms, "runs": runs,
              "median": median, "load_average": os.getloadavg(),
              "kafka": not args.no_kafka, "cpus": os.cpu_count(), "target": {"cycle_p99_ms": 50},
              "met": median["cycle_p99_ms"] < 50}
    print(f"\n{args.agents} agents, claim → resolve, think {args.think_ms:g} ms, {args.items} items × {args.runs} runs "
          f"({'with' if not args.no_kafka else 'without'} Kafka audit forwarding), medians:")
    print(f"{'':<22}{'p50 ms':>8}{'p99 ms':>8}")
    for name in ("claim", "resolve", "cycle"):
        label = {"claim": "claim request", "resolve": "resolve request", "cycle": "claim → resolve"}[name]
        print(f"{label:<22}{median[f'{name}_p50_ms']:>8}{median[f'{name}_p99_ms']:>8}")
    print(f"claims per second: {median['claims_per_second']} (runs: "
          f"{', '.join(str(r['claims_per_second']) for r in runs)}); target p99 < 50 ms: "
          f"{'met' if report['met'] else 'NOT met'}")
    print(f"server CPU per claim → resolve: {median['server_cpu_ms_per_cycle']} ms; load average at the end: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
