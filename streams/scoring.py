"""A scoring process beside the worker's event loop: :func:`streams.pipeline.prepare` (parse, score,
decide) runs there while faust keeps fetching and buffering the next batch.

faust's per-event work and the urgency model are both CPU-bound Python; in one process they take turns on
one core. With the pure step in a child process they overlap on two. The child loads the model once
(``initializer``), dies with its parent, and a crash in it breaks the pool: the batch fails, is not
acknowledged, and the worker stops (``streams.app``), so nothing is lost. ``VIGIE_SCORING_PROCESSES=0``
keeps everything in the worker's process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from classifiers.routing import RoutingPolicy
from classifiers.triage import Decision
from classifiers.urgency import UrgencyModel
from streams.embedded import die_with_parent
from streams.networks import ParseError
from streams.pipeline import Raw, prepare
from streams.settings import Settings

_child: dict[str, object] = {}


def _start(settings: Settings) -> None:
    from streams.queues import routing_policy  # the child builds the policy the worker built, from Settings

    die_with_parent()
    _child["model"], _child["policy"] = UrgencyModel.load(settings.model_path), routing_policy(settings)


def _prepare(raw: Sequence[Raw], max_bytes: int) -> list[ParseError | list[Decision]]:
    model, policy = _child["model"], _child["policy"]
    assert isinstance(model, UrgencyModel) and isinstance(policy, RoutingPolicy)
    return prepare(model, policy, raw, max_bytes)


def _version() -> str:
    model = _child["model"]
    assert isinstance(model, UrgencyModel)
    return model.version


class ScoringPool:
    """``settings.scoring_processes`` processes (one is enough to overlap with the event loop on two cores)."""

    def __init__(self, settings: Settings) -> None:
        self.executor = ProcessPoolExecutor(settings.scoring_processes, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_start, initargs=(settings,))

    def warm_up(self, timeout: float = 120) -> str:
        """Start the process and load its model now, before the worker joins its group; returns the
        model version the child loaded."""
        return self.executor.submit(_version).result(timeout=timeout)

    async def prepare(self, raw: Sequence[Raw], max_bytes: int) -> list[ParseError | list[Decision]]:
        return await asyncio.get_running_loop().run_in_executor(self.executor, _prepare, list(raw), max_bytes)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
