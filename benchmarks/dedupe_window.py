"""Near-duplicate folding at surge scale: lookup + insert throughput and memory per message in the window, at
window sizes of 10k, 100k and 1M messages, next to brute-force exact Jaccard; and the accuracy of both on the
labelled duplicate groups of police_fr_dev.

    python benchmarks/dedupe_window.py                                  # 10k, 100k, 1M; 3 runs each
    python benchmarks/dedupe_window.py --windows 10000,100000 --measure 5000 --runs 3

For each window size W: W messages of the project's synthetic surge (``streams.generator``; reposts, look-alikes
from the same templates, and near-duplicate edits added here: "URGENT", "partagez", emoji, truncation) are
enqueued through the worker's own path (``QueueStore.enqueue`` → ``lua/enqueue.lua`` against a real
redis-server) to fill the window; then ``--runs`` times ``--measure`` further messages are timed in batches of
``--batch`` (the worker's batch size). The window's messages arrive over 90 % of its time (``--fill spread``:
the store's clock set back), so they lie in all its time slots, as in production, and each lookup reads them
all; the benchmark's clock is put in the middle of a time slot (:class:`Clock`). The timed messages are the
same at every window size (another night of the generator, so only the window changes; ``--measured
continued`` times what follows the window in the same night instead, where a bigger window also means more
exact reposts, which are cheap). *Lookup + insert* is that
enqueue step, as the worker runs it (sketches are computed beforehand, as the worker's scoring process does;
their cost is reported on its own line; the batch plan is made in the timed step, chunk by chunk). Memory:
the window's own keys (LSH buckets, forms, fingerprints: ``MEMORY USAGE``) per message in the window, and
Redis's whole ``used_memory`` growth per message (items and queues included).

*Per lookup* is measured directly too (``--lookups`` messages a run, from a third night of the generator): only
messages that are no exact repost of the window or of each other, so that every one goes through the
near-duplicate lookup and is then filed (or folded), enqueued against the window; then the same messages
without sketches in a fresh key space. The difference is the near-duplicate step, as a rate per message.

Brute force: exact Jaccard over character 4-shingles of the folded text (``fold_for_dedupe``) between each new
message and every message in the window, folding into the best one above its threshold — vectorised (the
window is a few sparse shingle matrices, one sparse product each per lookup), so it is the fast version of the
obvious approach. Above 10k it is timed on a sample of ``--brute-sample`` new messages (lookups against the whole
window), and above ``--brute-max`` (default 100k) on lookups only, once; the output says so. Its threshold is the
one that does best on police_fr_dev (the best F1, chosen there, in its favour).

Prints a table and writes ``benchmarks/results/dedupe_window.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import random
import statistics
import time
from collections.abc import Sequence
from typing import Any

import harness
import orjson
import redis
from brute_jaccard import BruteForce, shingle_ids
from dedupe_accuracy import accuracy

from classifiers.message import Message, Network
from classifiers.routing import RoutingPolicy
from classifiers.triage import Decision, decide
from classifiers.urgency import Score
from streams.dedupe import SLOTS
from streams.embedded import EmbeddedRedis
from streams.generator import surge
from streams.queues import Pending, connect
from streams.runtime import freeze_startup_heap
from streams.settings import Settings

NEAR_EDITS = (
    lambda t, r: "URGENT " + t,
    lambda t, r: t + " partagez svp 🙏",
    lambda t, r: t.rstrip(".!? ") + " !!! 😱😱",
    lambda t, r: t[: max(30, int(len(t) * 0.8))].rsplit(" ", 1)[0] + "…",  # truncated
    lambda t, r: "⚠️ " + t.upper(),
)
# --- data ---------------------------------------------------------------------------------------------------

def messages(n: int, seed: int) -> list[tuple[Message, int, str]]:
    """``n`` surge messages (new and reposted; a third of the reposts edited into near-duplicates), with the
    template's priority and category."""
    rng = random.Random(seed)
    out: list[tuple[Message, int, str]] = []
    for chunk in itertools.count():
        for g in surge(harness.CHUNK, seed=seed + chunk):
            if g.message is None or g.kind not in ("new", "repost"):
                continue
            m = g.message
            if g.kind == "repost" and rng.random() < 0.33:
                m = Message(**{**{f: getattr(m, f) for f in m.__dataclass_fields__},
                               "text": rng.choice(NEAR_EDITS)(m.text, rng)})
            out.append((m, int(g.priority or 3), g.category or "other"))
            if len(out) == n:
                return out
    raise AssertionError("unreachable")


def crisis_tweets(settings: Settings) -> list[tuple[Message, int, str]]:
    """The CrisisLexT26 tweets in ``VIGIE_DATA_DIR`` (22k real tweets from 26 crises, many retweets), event by
    event: priority 2 when labelled "Related and informative", else 3."""
    import csv

    out: list[tuple[Message, int, str]] = []
    now = time.time()
    for path in sorted((settings.data_dir / "crisislex_t26").glob("*-tweets_labeled.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, skipinitialspace=True):
                text, tid = row.get("Tweet Text") or "", row.get("Tweet ID") or ""
                priority = 2 if row.get("Informativeness") == "Related and informative" else 3
                out.append((Message(network=Network.X, network_id=tid.strip('"'), author_id="", text=text,
                                    created_at=now, received_at=now), priority, "other"))
    return out


def decisions(batch: Sequence[tuple[Message, int, str]]) -> list[Decision]:
    scores = [Score(p, c, 0.5, ()) for _m, p, c in batch]
    return decide([m for m, _p, _c in batch], scores, RoutingPolicy())


# --- Vigie: the worker's enqueue path -------------------------------------------------------------------------

async def enqueue_all(settings: Settings, ds: Sequence[Decision], batch: int, offset: int,
                      clock: Clock | None = None, spread: float = 0.0) -> list[str]:
    """Enqueue ``ds`` in batches, at the current time, or at ``clock``'s; with ``spread`` > 0, the batches
    arrive evenly over the ``spread`` seconds before the clock's now."""
    store = connect(settings, clock=clock.time if clock is not None else time.time)
    outcomes: list[str] = []
    try:
        for i in range(0, len(ds), batch):
            if clock is not None:
                clock.back = spread * (1 - i / len(ds))
            outcomes += await store.enqueue([Pending(d, f"bench/0/{offset + i + j}", "bench")
                                             for j, d in enumerate(ds[i:i + batch])])
    finally:
        if clock is not None:
            clock.back = 0.0
        await store.redis.aclose()
    return outcomes


class Clock:
    """The benchmark's time, for a window filled as in production: in the middle of one of the window's time
    slots (``streams.dedupe.SLOTS``), so that a lookup finds the window split between the current slot and
    the earlier ones as at an average moment, whatever the hour the benchmark runs. It is ahead of the real
    time (never behind: the window's keys expire at times it gives), and ``back`` seconds earlier while the
    window is filled."""

    def __init__(self, window_seconds: int) -> None:
        slot = window_seconds / SLOTS
        now = time.time()
        self.offset = (now // slot + 1.5) * slot - now
        self.back = 0.0

    def time(self) -> float:
        return time.time() + self.offset - self.back


def window_bytes(client: redis.Redis, prefix: str) -> tuple[int, int]:
    """(bytes of the window's own keys, number of fingerprint keys): LSH buckets and forms measured whole,
    fingerprints from a sample of 2,000."""
    p = "{" + prefix + "}:"
    total = 0
    for key in client.scan_iter(match=p + "nd:*", count=1000):
        total += int(client.memory_usage(key, samples=0) or 0)
    fps = list(client.scan_iter(match=p + "fp:*", count=10_000))
    sample = fps[:2000]
    if sample:
        total += int(sum(int(client.memory_usage(k) or 0) for k in sample) / len(sample) * len(fps))
    return total, len(fps)


def used_memory(client: redis.Redis) -> int:
    return int(client.info("memory")["used_memory"])


# --- one window size -----------------------------------------------------------------------------------------

def run_window(settings: Settings, window: int, measure: int, runs: int, batch: int, brute_max: int,
               brute_sample: int, brute_threshold: float, data: Sequence[tuple[Message, int, str]],
               measured: Sequence[tuple[Message, int, str]], pool: Sequence[tuple[Message, int, str]] = (),
               lookups: int = 0, spread: float = 0.9) -> dict[str, Any]:
    """Fill the window with ``data[:window]`` (arriving over ``spread`` of the window's time), then time
    ``measured`` (``2 * runs * measure`` messages), and ``runs`` times ``lookups`` messages of ``pool`` that are
    no exact repost (every one a near-duplicate lookup)."""
    s = harness.phase(settings)
    client = redis.Redis.from_url(s.redis_url)
    before = used_memory(client)
    t0 = time.perf_counter()
    fill = decisions(data[:window])
    sketch_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    # over less than the whole window's time: its oldest messages are still in it when the timing ends
    # (in at least 100 batches: each one arrives at its own time)
    clock = Clock(s.dedupe_window_seconds) if spread else None
    asyncio.run(enqueue_all(s, fill, min(2000, max(1, window // 100)), 0, clock, spread * s.dedupe_window_seconds))
    fill_s = time.perf_counter() - t0
    seen = {d.fingerprint for d in fill}
    del fill
    after = used_memory(client)
    win_bytes, fps = window_bytes(client, s.key_prefix)
    slots = sum(1 for _ in client.scan_iter(match="{" + s.key_prefix + "}:nd:b2:*", count=1000))
    rates, exact_rates, outcome_counts = [], [], {}
    for r in range(runs):
        start = 2 * r * measure
        part = decisions(measured[start: start + measure])
        t0 = time.perf_counter()
        outcomes = asyncio.run(enqueue_all(s, part, batch, window + start, clock))
        rates.append(len(part) / (time.perf_counter() - t0))
        for o in outcomes:
            outcome_counts[o] = outcome_counts.get(o, 0) + 1
        # the same path without near-duplicate sketches: identity and exact reposts only (enqueue before)
        part = [dataclasses.replace(d, sketch=None) for d in decisions(measured[start + measure: start + 2 * measure])]
        t0 = time.perf_counter()
        asyncio.run(enqueue_all(s, part, batch, window + start + measure, clock))
        exact_rates.append(len(part) / (time.perf_counter() - t0))
    client.close()
    # what near-duplicate lookup + insert adds per timed message, as a rate: 1 / (1/full - 1/exact only)
    step_rate = 1 / max(1e-9, 1 / statistics.median(rates) - 1 / statistics.median(exact_rates))
    # the share of timed messages that went past the exact-repost check to a near-duplicate lookup (enqueued or
    # folded near; short texts without a sketch are counted in, so the per-lookup rate errs low)
    looked_up = (outcome_counts.get("enqueued", 0) + outcome_counts.get("folded_near", 0)) / max(
        1, sum(outcome_counts.values()))
    result: dict[str, Any] = {
        "window": window, "fill_spread": spread, "slots_filled": slots,
        "fill_seconds": round(fill_s, 1), "fill_rate": round(window / fill_s),
        "sketch_us_per_message": round(sketch_s / window * 1e6, 1),
        "enqueue_per_second": round(statistics.median(rates)), "runs": [round(x) for x in rates],
        "exact_only_enqueue_per_second": round(statistics.median(exact_rates)),
        "exact_only_runs": [round(x) for x in exact_rates],
        "lookup_insert_per_second": round(step_rate),
        # the same time per looked-up message: a bigger window folds more arrivals as exact reposts, which cost
        # nothing here
        "looked_up_share": round(looked_up, 3), "per_lookup_per_second": round(step_rate * looked_up),
        "window_bytes_per_message": round(win_bytes / window), "fingerprint_keys": fps,
        "redis_bytes_per_message": round((after - before) / window), "outcomes": outcome_counts,
    }
    if lookups and pool:
        result["lookups"] = _lookup_series(s, window, seen, pool, lookups, runs, batch, clock)
    # brute force on the same messages
    bf = BruteForce(brute_threshold)
    t0 = time.perf_counter()
    for m, _p, _c in data[:window]:
        bf.pending.append(shingle_ids(m.text))
        bf.cluster.append(len(bf.cluster))
        if len(bf.pending) >= 10_000:
            bf._compact()
    bf._compact()
    brute_fill_s = time.perf_counter() - t0
    # brute force lookups are slow: all --measure of them up to --brute-max, a sample above (still against the
    # whole window); above --brute-max the window is not grown (the lookup is the cost)
    full = window <= brute_max
    n = min(measure, brute_sample) if window > 10_000 else measure
    queries = [shingle_ids(m.text) for m, _p, _c in measured[:n]]
    brute_rates = []
    for _ in range(runs if full else 1):
        t0 = time.perf_counter()
        for ids in queries:
            if full:
                bf.add(ids)
            else:
                bf.lookup(ids)
        brute_rates.append(len(queries) / (time.perf_counter() - t0))
    sampled = n < measure
    result["brute_force"] = {
        "lookup_insert_per_second": round(statistics.median(brute_rates), 1),
        "runs": [round(x, 1) for x in brute_rates],
        "sampled": sampled, "grown": full, "lookups_timed": len(queries), "build_seconds": round(brute_fill_s, 1),
        "bytes_per_message": round(sum(c.data.nbytes + c.indices.nbytes + c.indptr.nbytes for c in bf.chunks)
                                   / max(1, bf.rows)),
    }
    return result


def _lookup_series(s: Settings, window: int, seen: set[str | None], pool: Sequence[tuple[Message, int, str]],
                   lookups: int, runs: int, batch: int, clock: Clock | None) -> dict[str, Any]:
    """Near-duplicate lookup + insert measured directly: messages that are no exact repost of the window or
    of each other (so every one is looked up among the near-duplicates, then filed), enqueued with their
    sketches against the window, and the same messages without sketches in a fresh key space (identity and
    exact reposts only); the near-duplicate step per message is the difference."""
    unique: list[Decision] = []
    for d in decisions(pool):
        if d.sketch is None or d.fingerprint in seen:
            continue
        seen.add(d.fingerprint)
        unique.append(d)
    n = min(lookups, len(unique) // runs)
    if not n:
        return {"messages": 0}
    full, bare = [], []
    for r in range(runs):
        part = unique[r * n:(r + 1) * n]
        t0 = time.perf_counter()
        asyncio.run(enqueue_all(s, part, batch, 10 * window + r * n, clock))
        full.append(n / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        asyncio.run(enqueue_all(harness.phase(s), [dataclasses.replace(d, sketch=None) for d in part], batch, 0,
                                clock))
        bare.append(n / (time.perf_counter() - t0))
    step = 1 / max(1e-9, 1 / statistics.median(full) - 1 / statistics.median(bare))
    return {"messages": n, "enqueue_per_second": round(statistics.median(full)), "runs": [round(x) for x in full],
            "exact_only_per_second": round(statistics.median(bare)), "exact_only_runs": [round(x) for x in bare],
            "per_lookup_per_second": round(step)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--windows", default="10000,100000,1000000")
    parser.add_argument("--measure", type=int, default=10_000, help="messages timed per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500, help="messages per enqueue batch (the worker's)")
    parser.add_argument("--brute-max", type=int, default=100_000,
                        help="largest window where brute force also inserts (above: lookups only, one run)")
    parser.add_argument("--brute-sample", type=int, default=300, help="brute-force lookups timed above 10k")
    parser.add_argument("--orders", type=int, default=4, help="arrival orders of police_fr_dev for accuracy")
    parser.add_argument("--measured", choices=("separate", "continued"), default="separate",
                        help="timed messages: the same at every window size, from another night of the generator "
                             "(default), or the ones that follow the window in the same night")
    parser.add_argument("--lookups", type=int, default=5000,
                        help="messages timed per run that are no exact repost (every one a near-duplicate lookup)")
    parser.add_argument("--fill", choices=("spread", "now"), default="spread",
                        help="the window's messages arrive over 90%% of its time, in all its time slots, as in "
                             "production (default); or all now, within the minutes the fill takes (fewer slots "
                             "to read per lookup: flatters the lookup)")
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--name", default=None, help="results file name [default: dedupe_window]")
    parser.add_argument("--corpus", choices=("surge", "crisislex"), default="surge",
                        help="the synthetic surge (default), or the real CrisisLexT26 tweets (windows ≤ ~15k)")
    args = parser.parse_args()
    windows = [int(w) for w in args.windows.split(",")]
    with EmbeddedRedis() if args.redis_url is None else _External(args.redis_url) as server:
        settings = Settings(redis_url=server.url, metrics_port=0)
        acc = accuracy(settings, args.orders)
        print("accuracy on police_fr_dev:", orjson.dumps(acc).decode())
        t0 = time.perf_counter()
        timed = 2 * args.runs * args.measure
        wanted = max(windows) + timed
        data = messages(wanted, seed=11) if args.corpus == "surge" else crisis_tweets(settings)[:wanted]
        if len(data) < wanted:
            raise SystemExit(f"only {len(data)} messages in the corpus, {wanted} needed")
        # the same timed messages at every window size (another night of the generator), or what follows
        # the window in the same night (--measured continued: a bigger window then also means more reposts)
        separate = args.measured == "separate" and args.corpus == "surge"
        # the direct lookup series draws from another night: most of its new messages are no exact repost
        pool = messages(4 * args.runs * args.lookups, seed=131) if args.lookups and args.corpus == "surge" else []
        print(f"{len(data) + len(pool)} messages generated in {time.perf_counter() - t0:.0f}s")
        freeze_startup_heap()  # as a worker does after start-up: the corpus stays out of full collections
        threshold = float(acc.get("brute_force", {}).get("threshold", 0.4))
        results = []
        for w in windows:
            measured = messages(timed, seed=97) if separate else data[w:w + timed]
            res = run_window(settings, w, args.measure, args.runs, args.batch, args.brute_max, args.brute_sample,
                             threshold, data, measured, pool, args.lookups,
                             0.9 if args.fill == "spread" else 0.0)
            print(orjson.dumps(res).decode())
            results.append(res)
    rows = [(f"{r['window']:,}", f"{r['enqueue_per_second']:,}", f"{r['exact_only_enqueue_per_second']:,}",
             f"{r['lookup_insert_per_second']:,}",
             f"{r['lookups'].get('per_lookup_per_second', 0):,}" if "lookups" in r else "-",
             f"{r['lookups'].get('enqueue_per_second', 0):,}" if "lookups" in r else "-", r["window_bytes_per_message"],
             r["redis_bytes_per_message"],
             f"{r['brute_force']['lookup_insert_per_second']:,}"
             + (" (sampled)" if r["brute_force"]["sampled"] else ""), r["brute_force"]["bytes_per_message"],
             f"{r['enqueue_per_second'] / max(r['brute_force']['lookup_insert_per_second'], 0.1):,.0f}×")
            for r in results]
    print(harness.table(rows, ["window", "enqueue msg/s", "exact-only msg/s", "near-dup step msg/s",
                               "per lookup/s", "no-repost enqueue msg/s", "window B/msg", "redis B/msg",
                               "brute msg/s", "brute B/msg", "enqueue vs brute"]))
    name = args.name or ("dedupe_window" if args.corpus == "surge" else f"dedupe_window_{args.corpus}")
    path = harness.write_result(name, {"args": vars(args), "accuracy": acc, "windows": results})
    print(f"wrote {path}")


class _External:
    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> _External:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    main()
