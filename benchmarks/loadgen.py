"""Load generator: replay a surge profile into Kafka (kafka-python) or through the ingest gateway.

    python benchmarks/loadgen.py --profile attack_surge --compression 60          # 6 h of surge in 6 min
    python benchmarks/loadgen.py --profile calm_day --compression 3600            # a day in 24 s
    python benchmarks/loadgen.py --profile constant --rate 300 --seconds 60 --processes 2
    python benchmarks/loadgen.py --profile witness_appeal --compression 30 --gateway http://127.0.0.1:8080 \\
        --ingest-secret "$VIGIE_INGEST_SECRETS"
    python benchmarks/loadgen.py --profile attack_surge --plan          # the schedule only, nothing sent

Profiles are data: ``benchmarks/profiles/<name>.toml`` (or any path), a list of segments with a rate in
messages per hour (constant or a ``[from, to]`` ramp) and optional bursts, plus the generator's mix
(scenario, repost, redelivery and malformed shares). ``--compression C`` plays profile time C times faster,
so rates are multiplied by C. Messages come from Vigie's own generator (networks, languages, categories,
reposts, redeliveries, malformed payloads). Every Kafka record's timestamp is its send time, which the
worker stores as ``received_at``: arrival → claimable latency is measured from it (``latency.py``).

Writes ``benchmarks/results/loadgen.json`` (what was sent, and how late the sender ran behind its schedule).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing
import os
import time
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import harness

from streams.demo import encode
from streams.embedded import EmbeddedKafka
from streams.generator import Generated, calm_day, surge
from streams.settings import Settings

PROFILES = Path(__file__).resolve().parent / "profiles"


@dataclass(frozen=True)
class Segment:
    seconds: float
    rate_from: float  # messages per profile second
    rate_to: float
    burst_every: float = 0.0  # seconds between burst starts (0 = no bursts)
    burst_seconds: float = 0.0
    burst_rate: float = 0.0  # messages per profile second during a burst

    def rate(self, t: float) -> float:
        """Rate ``t`` seconds into the segment."""
        base = self.rate_from + (self.rate_to - self.rate_from) * (t / self.seconds)
        if self.burst_every and (t % self.burst_every) < self.burst_seconds:
            return self.burst_rate
        return base


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    scenario: str  # "attack" | "calm": which generator
    segments: tuple[Segment, ...]
    repost_share: float
    malformed_share: float
    redelivery_share: float

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.segments)

    def constant(self, rate: float, seconds: float) -> Profile:
        return replace(self, segments=(Segment(seconds, rate, rate),))

    def records(self, n: int, seed: int) -> Iterator[Generated]:
        make = surge if self.scenario == "attack" else calm_day
        return make(n, seed=seed, repost_share=self.repost_share, malformed_share=self.malformed_share,
                    redelivery_share=self.redelivery_share)


def load_profile(name: str) -> Profile:
    path = Path(name) if name.endswith(".toml") else PROFILES / f"{name}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    segments = []
    for seg in data["segment"]:
        rate = seg["per_hour"]
        lo, hi = (rate, rate) if isinstance(rate, int | float) else rate
        burst = seg.get("burst", {})
        segments.append(Segment(seg["hours"] * 3600, lo / 3600, hi / 3600, burst.get("every_minutes", 0) * 60,
                                burst.get("minutes", 0) * 60, burst.get("per_hour", 0) / 3600))
    if data["scenario"] not in ("attack", "calm"):
        raise ValueError(f"{path}: scenario must be attack or calm")
    return Profile(path.stem, data["description"], data["scenario"], tuple(segments), data["repost_share"],
                   data["malformed_share"], data["redelivery_share"])


def plan(profile: Profile, compression: float, step: float = 1.0) -> list[float]:
    """Send times (real seconds from the start) of every message: the integral of the profile's rate,
    walked ``step`` profile seconds at a time, one message each time it crosses k + ½."""
    times: list[float] = []
    cumulative, offset = 0.0, 0.0
    for seg in profile.segments:
        steps = max(1, math.ceil(seg.seconds / step))
        dt = seg.seconds / steps
        for i in range(steps):
            rate = seg.rate((i + 0.5) * dt)
            after = cumulative + rate * dt
            k = len(times)
            while k + 0.5 <= after:
                frac = (k + 0.5 - cumulative) / (rate * dt)
                times.append((offset + (i + frac) * dt) / compression)
                k += 1
            cumulative = after
        offset += seg.seconds
    return times


def send_kafka(settings: Settings, schedule: Sequence[float], records: Sequence[harness.Encoded]) -> list[float]:
    """Send ``records[i]`` (encoded for ``settings``) at ``schedule[i]`` seconds from now; returns how late
    each send was (seconds)."""
    producer = harness.producer(settings)
    late: list[float] = []
    try:
        start = time.monotonic()
        for due, (topic, key, value, headers) in zip(schedule, records, strict=True):
            wait = due - (time.monotonic() - start)
            if wait > 0.001:
                time.sleep(wait)
            late.append(max(0.0, time.monotonic() - start - due))
            producer.send(topic, value=value, key=key, headers=headers)
        producer.flush()
    finally:
        producer.close()
    return late


async def send_gateway(base_url: str, secret: str, schedule: Sequence[float], records: Sequence[Generated],
                       concurrency: int = 64) -> tuple[list[float], dict[int, int]]:
    """POST each record, signed, at its time through the gateway's generic ingest endpoint."""
    import httpx

    from streams.gateway.client import payload, signed

    late: list[float] = []
    statuses: dict[int, int] = {}
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        async def post(g: Generated) -> None:
            network, body = payload(g)
            path, headers = signed(network, body, secret)
            try:
                status = (await client.post(path, content=body, headers=headers)).status_code
            finally:
                gate.release()
            statuses[status] = statuses.get(status, 0) + 1

        start = time.monotonic()
        tasks = []
        for due, g in zip(schedule, records, strict=True):
            wait = due - (time.monotonic() - start)
            if wait > 0.001:
                await asyncio.sleep(wait)
            await gate.acquire()
            late.append(max(0.0, time.monotonic() - start - due))
            tasks.append(asyncio.create_task(post(g)))
        await asyncio.gather(*tasks)
    return late, statuses


@dataclass(frozen=True)
class Job:
    settings: Settings
    profile: Profile
    schedule: Sequence[float]
    seed: int
    gateway: str | None = None
    secret: str = ""


def run_job(job: Job) -> dict[str, Any]:
    """One sender process: generate its share up front (so generation never slows the schedule), then send."""
    generated = list(job.profile.records(len(job.schedule), job.seed))
    started = time.monotonic()
    statuses: dict[int, int] = {}
    if job.gateway:
        late, statuses = asyncio.run(send_gateway(job.gateway, job.secret, job.schedule, generated))
    else:
        late = send_kafka(job.settings, job.schedule, [encode(g, job.settings) for g in generated])
    return {"sent": len(late), "seconds": time.monotonic() - started, "late": late, "statuses": statuses}


def run(settings: Settings, profile: Profile, compression: float, *, processes: int = 1, seed: int = 13,
        gateway: str | None = None, secret: str = "") -> dict[str, Any]:
    """Send ``profile`` at ``compression``, split round-robin over ``processes`` sender processes."""
    schedule = plan(profile, compression)
    if not gateway:
        harness.ensure_topics(settings)
    jobs = [Job(settings, profile, schedule[i::processes], seed + i, gateway, secret) for i in range(processes)]
    if processes == 1:
        parts = [run_job(jobs[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            parts = pool.map(run_job, jobs)
    late = sorted(x for p in parts for x in p["late"])
    seconds = max(p["seconds"] for p in parts) if parts else 0.0
    statuses: dict[str, int] = {}
    for p in parts:
        for code, n in p["statuses"].items():
            statuses[str(code)] = statuses.get(str(code), 0) + n
    sent = sum(p["sent"] for p in parts)
    return {"profile": profile.name, "compression": compression, "processes": processes,
            "via": "gateway" if gateway else "kafka", "planned": len(schedule), "sent": sent,
            "profile_seconds": profile.seconds, "seconds": round(seconds, 2),
            "mean_rate_per_second": round(sent / seconds, 1) if seconds else None,
            "peak_rate_per_second": round(peak_rate(schedule), 1),
            "late_p50_ms": round(1000 * percentile(late, 50), 2), "late_p99_ms": round(1000 * percentile(late, 99), 2),
            "statuses": statuses}


def peak_rate(schedule: Sequence[float], window: float = 1.0) -> float:
    """Most messages planned in any ``window`` real seconds, per second."""
    best, j = 0, 0
    for i, t in enumerate(schedule):
        while schedule[j] < t - window:
            j += 1
        best = max(best, i - j + 1)
    return best / window


def percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="attack_surge", help="name in benchmarks/profiles/ or a .toml path")
    parser.add_argument("--compression", type=float, default=60.0, help="profile seconds per real second")
    parser.add_argument("--rate", type=float, help="constant rate, messages per real second (overrides segments)")
    parser.add_argument("--seconds", type=float, default=60.0, help="with --rate: how long, real seconds")
    parser.add_argument("--processes", type=int, default=1, help="sender processes (when one cannot keep up)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--kafka-url", help="default: VIGIE_KAFKA_URL, else an embedded broker for the run")
    parser.add_argument("--topic-prefix", default=None)
    parser.add_argument("--gateway", help="send through this gateway (e.g. http://127.0.0.1:8080) instead of Kafka")
    parser.add_argument("--ingest-secret", default="", help="HMAC key of the gateway's /ingest endpoint")
    parser.add_argument("--plan", action="store_true", help="print the schedule's figures and send nothing")
    args = parser.parse_args()

    profile = load_profile(args.profile)
    compression = args.compression
    if args.rate:
        profile, compression = profile.constant(args.rate, args.seconds), 1.0
    schedule = plan(profile, compression)
    print(f"profile {profile.name}: {profile.description}")
    print(f"{len(schedule)} messages over {profile.seconds / 3600:.2f} profile hours, played in "
          f"{profile.seconds / compression:.1f}s (x{compression:g}); mean "
          f"{len(schedule) / (profile.seconds / compression):.1f}/s, peak {peak_rate(schedule):.1f}/s")
    if args.plan:
        return
    overrides = {k: v for k, v in (("topic_prefix", args.topic_prefix), ("kafka_url", args.kafka_url)) if v}
    settings = Settings(**overrides)
    with contextlib.ExitStack() as stack:
        if not args.gateway and "kafka_url" not in overrides and "VIGIE_KAFKA_URL" not in os.environ:
            kafka = stack.enter_context(EmbeddedKafka())  # a smoke run: nothing consumes it
            settings = settings.model_copy(update={"kafka_url": kafka.url})
        result = run(settings, profile, compression, processes=args.processes, seed=args.seed,
                     gateway=args.gateway, secret=args.ingest_secret)
    print(harness.table([[result["profile"], result["via"], result["sent"], result["seconds"],
                          result["mean_rate_per_second"], result["peak_rate_per_second"], result["late_p50_ms"],
                          result["late_p99_ms"]]],
                        ["profile", "via", "sent", "seconds", "mean/s", "planned peak/s", "late p50 ms",
                         "late p99 ms"]))
    if result["statuses"]:
        print("gateway statuses:", result["statuses"])
    print(f"results: {harness.write_result('loadgen', result)}")


if __name__ == "__main__":
    main()
