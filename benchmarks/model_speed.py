"""The urgency model alone, on one core: batch throughput and single-message latency.

    python benchmarks/model_speed.py                       # the default model, 3 runs
    python benchmarks/model_speed.py --model models/urgency-v3 --runs 5 --cpu 1

Texts are the synthetic attack-night surge of :mod:`streams.generator` (French first, some English and other
languages, reposts), so the benchmark needs no labelled data. The process is pinned to one CPU
(``sched_setaffinity``) and every BLAS / OpenMP pool to one thread before numpy is imported, so the figures are
per core. Each run:

- **batch**: ``UrgencyModel.score`` on consecutive batches of ``--batch`` (default 1,000) different messages;
  throughput = messages / median batch time;
- **single**: ``score([text])`` on ``--singles`` different messages one at a time; p50 / p99 of the latency;
- **stages** (once): where a batch's time goes (normalisation, features, heads, reasons).

Prints a table (medians over the runs, and each run) and writes ``benchmarks/results/model_speed.json``. The
machine's other processes share the cores: compare medians, and run again when the load average is high.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402 (the thread variables must be set before numpy is imported)
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import harness  # noqa: E402
import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from classifiers.urgency import UrgencyModel  # noqa: E402
from streams.generator import surge  # noqa: E402
from streams.settings import Settings  # noqa: E402


def texts_of(n: int, seed: int) -> list[str]:
    """``n`` message texts of a synthetic surge (reposts included, as a worker sees them)."""
    out: list[str] = []
    for generated in surge(n * 2, seed=seed, malformed_share=0.0, redelivery_share=0.0):
        if generated.message is not None:
            out.append(generated.message.text)
        if len(out) == n:
            break
    return out


def batch_run(model: UrgencyModel, texts: list[str], batch: int) -> dict[str, float]:
    times = []
    for i in range(0, len(texts) - batch + 1, batch):
        chunk = texts[i:i + batch]
        started = time.perf_counter()
        model.score(chunk)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {"batches": len(times), "median_ms": round(1e3 * median, 2), "msg_per_s": round(batch / median)}


def single_run(model: UrgencyModel, texts: list[str]) -> dict[str, float]:
    times = np.empty(len(texts))
    for i, text in enumerate(texts):
        started = time.perf_counter()
        model.score([text])
        times[i] = time.perf_counter() - started
    return {"n": len(texts), "p50_ms": round(1e3 * float(np.percentile(times, 50)), 3),
            "p99_ms": round(1e3 * float(np.percentile(times, 99)), 3)}


def stage_times(model: UrgencyModel, texts: list[str], batch: int) -> dict[str, float] | None:
    """µs per message in each stage, when the model exposes them (``UrgencyModel.stage_times``)."""
    timer = getattr(model, "stage_times", None)
    if timer is None:
        return None
    totals: dict[str, float] = {}
    n = 0
    for i in range(0, len(texts) - batch + 1, batch):
        for stage, seconds in timer(texts[i:i + batch]).items():
            totals[stage] = totals.get(stage, 0.0) + seconds
        n += batch
    return {stage: round(1e6 * seconds / n, 2) for stage, seconds in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="artifact folder [default: Settings().model_path]")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=20, help="batches per run")
    parser.add_argument("--singles", type=int, default=2000, help="single-message calls per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to [default: the last one allowed]")
    parser.add_argument("--name", default="model_speed", help="result file name (benchmarks/results/NAME.json)")
    args = parser.parse_args()

    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1] if args.cpu is None else args.cpu
    os.sched_setaffinity(0, {cpu})
    model_dir = args.model or Settings().model_path
    model = UrgencyModel.load(model_dir)
    texts = texts_of(args.batch * args.batches, seed=11)
    singles = texts_of(args.singles, seed=12)
    runs: list[dict[str, Any]] = []
    with threadpool_limits(limits=1):
        model.score(texts[: args.batch])  # warm caches (lazy imports, first allocation of the arrays)
        for _ in range(args.runs):
            runs.append({"batch": batch_run(model, texts, args.batch), "single": single_run(model, singles)})
        stages = stage_times(model, texts, args.batch)

    def med(kind: str, key: str) -> float:
        return float(statistics.median(r[kind][key] for r in runs))

    summary = {"msg_per_s": round(med("batch", "msg_per_s")), "batch_ms": med("batch", "median_ms"),
               "single_p50_ms": med("single", "p50_ms"), "single_p99_ms": med("single", "p99_ms")}
    rows = [["median", f"{summary['msg_per_s']:,}", summary["batch_ms"], summary["single_p50_ms"],
             summary["single_p99_ms"]]]
    rows += [[f"run {k}", f"{r['batch']['msg_per_s']:,}", r["batch"]["median_ms"], r["single"]["p50_ms"],
              r["single"]["p99_ms"]] for k, r in enumerate(runs, 1)]
    print(f"model {model.version} ({model_dir}), pinned to CPU {cpu}, one thread, batches of {args.batch}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(harness.table(rows, ["", "msg/s (batch)", "ms/batch", "single p50 ms", "single p99 ms"]))
    if stages:
        shown = ", ".join(f"{k} {v}" for k, v in stages.items())
        print(f"µs per message by stage (batches of {args.batch}): {shown}")
    path = harness.write_result(args.name, {
        "model": model.version, "model_dir": str(model_dir), "cpu": cpu, "batch": args.batch,
        "batches_per_run": args.batches, "singles_per_run": args.singles, "summary": summary,
        "stages_us_per_message": stages, "runs": runs})
    print(f"results: {path}")


if __name__ == "__main__":
    main()
