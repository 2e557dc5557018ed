"""A scoring process beside the worker's event loop: :func:`streams.pipeline.prepare` (parse, score,
decide, plan the batch's reposts) runs there while faust keeps fetching and buffering the next batch.

faust's per-event work and the urgency model are both CPU-bound Python; in one process they take turns on
one core. With the pure step in a child process they overlap on two. The child loads the model once
(``initializer``) and freezes its start-up heap as the worker does (:func:`streams.runtime.freeze_startup_heap`),
dies with its parent, and a crash in it breaks the pool: the batch fails, is not acknowledged, and the worker
stops (``streams.app``), so nothing is lost. ``VIGIE_SCORING_PROCESSES=0``
keeps everything in the worker's process.

Results come back as flat tuples of plain values (:func:`to_wire` / :func:`from_wire`), not pickled
dataclasses: pickle rebuilds a slotted dataclass field by field through its ``__setstate__``, which measured
~100 µs a message on the worker's side (the event loop's process), against ~25 µs for tuples turned back into
objects by their constructors.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from typing import Any

from classifiers.message import Message
from classifiers.neardup import Sketch
from classifiers.neardup_cluster import Follow
from classifiers.routing import Route, RoutingPolicy
from classifiers.triage import Decision
from classifiers.urgency import Score, UrgencyModel
from streams.embedded import die_with_parent
from streams.networks import ParseError
from streams.pipeline import Prepared, Raw, prepare
from streams.runtime import freeze_startup_heap, single_threaded_math
from streams.settings import Settings

_child: dict[str, object] = {}


def _start(settings: Settings) -> None:
    from streams.queues import routing_policy  # the child builds the policy the worker built, from Settings

    die_with_parent()
    single_threaded_math()
    _child["model"], _child["policy"] = UrgencyModel.load(settings.model_path), routing_policy(settings)
    freeze_startup_heap()


_MESSAGE, _SCORE, _ROUTE = (tuple(f.name for f in fields(c)) for c in (Message, Score, Route))
Wire = tuple[Any, ...]


def to_wire(d: Decision) -> Wire:
    """A decision as one flat tuple of plain values (see the module docstring)."""
    m, s, r, k = d.message, d.score, d.route, d.sketch
    return (*(getattr(m, f) for f in _MESSAGE), *(getattr(s, f) for f in _SCORE), *(getattr(r, f) for f in _ROUTE),
            d.fingerprint, k.form if k is not None else None, k.bands if k is not None else None)


_S0 = len(_MESSAGE)
_R0 = _S0 + len(_SCORE)
_D0 = _R0 + len(_ROUTE)


def from_wire(t: Wire) -> Decision:
    sketch = Sketch(t[_D0 + 1], t[_D0 + 2]) if t[_D0 + 1] is not None else None
    return Decision(Message(*t[:_S0]), Score(*t[_S0:_R0]), Route(*t[_R0:_D0]), t[_D0], sketch)


def _prepare(raw: Sequence[Raw], max_bytes: int) -> tuple[list[ParseError | list[Wire]], list[Wire | None]]:
    model, policy = _child["model"], _child["policy"]
    assert isinstance(model, UrgencyModel) and isinstance(policy, RoutingPolicy)
    prepared = prepare(model, policy, raw, max_bytes)
    return ([r if isinstance(r, ParseError) else [to_wire(d) for d in r] for r in prepared.results],
            [(f.leader, f.kind) if f is not None else None for f in prepared.plan])


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

    async def prepare(self, raw: Sequence[Raw], max_bytes: int) -> Prepared:
        results, plan = await asyncio.get_running_loop().run_in_executor(self.executor, _prepare, list(raw),
                                                                         max_bytes)
        return Prepared([r if isinstance(r, ParseError) else [from_wire(t) for t in r] for r in results],
                        [Follow(*f) if f is not None else None for f in plan])

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
