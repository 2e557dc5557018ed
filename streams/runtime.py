"""What the long-running services share: start-up heap freezing (worker, gateway, desk API), one thread per
math library (worker, scoring process), and serving an ASGI app with uvicorn beside background tasks (gateway,
desk API)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Sequence
from typing import Any

import uvicorn
from threadpoolctl import threadpool_limits

GC_THRESHOLDS = (50_000, 20, 100)  # gen0 allocations, then gen0 / gen1 collections between older ones


def freeze_startup_heap() -> None:
    """Move everything allocated so far (imported modules, the model, the app) out of the garbage
    collector's reach, and collect less often. Those objects live as long as the process, yet every full
    collection walked them: in the gateway that showed as ~100 ms pauses, p99 97 ms at 8 concurrent
    deliveries, 7.9 ms with the heap frozen (benchmarks/gateway_load.py, same run). The default thresholds
    (700, 10, 10) then still ran a young collection every 700 allocations, a few per message in the worker
    and its scoring process: ~20 µs a message in the scoring process; with :data:`GC_THRESHOLDS` one worker
    drained 2,102 records/s against 1,828 (benchmarks/worker_throughput.py setup, alternated runs). Call it
    once, when start-up is done."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def single_threaded_math() -> None:
    """One thread for OpenBLAS and OpenMP in this process. The model scores batches of a few hundred messages,
    too small for their thread pools to help, and their idle threads spin: in a scoring process they took
    413 µs of CPU a message for 286 µs of work (303 µs on one thread), CPU that the event loop, Redis and
    the broker on the same cores need. Call it once, at start-up."""
    threadpool_limits(limits=1)


async def serve_http(app: Any, *, host: str, port: int, log_level: str,
                     background: Sequence[asyncio.Task[Any]] = ()) -> None:
    """Serve ``app`` until SIGINT/SIGTERM, then cancel and await the ``background`` tasks. No access log
    (request lines would carry ids the logs must not hold) and no Server header."""
    try:
        config = uvicorn.Config(app, host=host, port=port, lifespan="off", log_level=log_level, access_log=False,
                                server_header=False)
        await uvicorn.Server(config).serve()
    finally:
        for task in background:
            task.cancel()
        for task in background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
