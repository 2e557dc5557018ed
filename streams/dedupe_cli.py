"""``vigie dedupe``: cluster a JSON-lines file of messages the way the worker folds them.

Each input line is a JSON object with at least ``id`` and ``text``, in arrival order; ``network``
(facebook, x / twitter, instagram; default x), ``author`` (or ``author_id``), ``priority`` (0–3) and
``category`` are used when present. Messages without a ``priority`` are scored by the urgency model, as the
worker does (the priority decides how strictly a message is compared, and whether a short text may fold).
Every message then goes through the worker's own enqueue path (:func:`streams.dedupe.enqueue_items`, the same
Lua script and comparisons) against a throwaway embedded redis-server, or ``--redis-url`` under a fresh key
prefix. Each good line is written back with a ``cluster`` key: the ``id`` of its cluster's first message (its
own id when it starts one). A bad line is reported on stderr with its number and reason, and skipped.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from classifiers.message import Message, Network
from classifiers.triage import decide
from classifiers.urgency import Score
from streams.queues import Pending, connect, routing_policy
from streams.settings import Settings

NETWORKS = {"facebook": Network.FACEBOOK, "x": Network.X, "twitter": Network.X, "instagram": Network.INSTAGRAM}


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    obj: dict[str, Any]
    message: Message
    priority: int | None
    category: str


class BadLine(ValueError):
    pass


class DedupeError(Exception):
    """The run cannot go on (the urgency model is needed and cannot be loaded)."""


def parse_line(number: int, raw: bytes, now: float) -> Line:
    """One input line → :class:`Line`, or :class:`BadLine` with the reason."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadLine(f"not JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise BadLine("not a JSON object")
    ident, text = obj.get("id"), obj.get("text")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or str(ident) == "":
        raise BadLine("missing or invalid 'id' (a non-empty string or an integer)")
    if not isinstance(text, str):
        raise BadLine("missing or invalid 'text' (a string)")
    priority = obj.get("priority")
    if priority is not None and (isinstance(priority, bool) or priority not in (0, 1, 2, 3)):
        raise BadLine("invalid 'priority' (0, 1, 2 or 3)")
    network = NETWORKS.get(str(obj.get("network", "x")).lower(), Network.X)
    author = obj.get("author", obj.get("author_id"))
    message = Message(network=network, network_id=str(ident), author_id=str(author) if author is not None else "",
                      text=text, created_at=now, received_at=now)
    return Line(number, obj, message, priority, str(obj.get("category") or "other"))


def read_lines(stream: Iterable[bytes], now: float, warn: Callable[[str], None]) -> Iterator[Line]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            yield parse_line(number, raw, now)
        except BadLine as exc:
            warn(f"line {number}: {exc}")


def _scores(lines: list[Line], settings: Settings) -> list[Score]:
    """The line's own priority (and category), else the urgency model's score."""
    missing = [line for line in lines if line.priority is None]
    scored: dict[int, Score] = {}
    if missing:
        from classifiers.urgency import UrgencyModel

        try:
            model = UrgencyModel.load(settings.model_path)
        except Exception as exc:  # a missing or mismatched artifact: say what, not a traceback
            raise DedupeError(f"{len(missing)} lines have no 'priority', so the urgency model must score them, "
                              f"but it cannot be loaded: {exc}") from None
        for line, score in zip(missing, model.score([x.message.text for x in missing],
                                                     [x.obj.get("lang") for x in missing]), strict=True):
            scored[line.number] = score
    return [scored.get(line.number) or Score(int(line.priority or 0), line.category, 0.0, ())
            for line in lines]


async def dedupe_lines(lines: list[Line], settings: Settings, *, batch_size: int | None = None) -> list[str]:
    """The cluster (first message's id) of each line, in order, through the worker's enqueue path."""
    from streams import dedupe

    policy = routing_policy(settings)
    scores = _scores(lines, settings)
    decisions = decide([x.message for x in lines], scores, policy)
    ids = {line.message.identity: str(line.obj["id"]) for line in reversed(lines)}  # first line wins
    store = connect(settings, policy)
    clusters: list[str] = []
    size = batch_size or settings.batch_size
    try:
        for start in range(0, len(lines), size):
            batch = [Pending(d, f"dedupe/0/{start + i}", "dedupe")
                     for i, d in enumerate(decisions[start:start + size])]
            clusters += [ids.get(item, item) for _outcome, item in await dedupe.enqueue_items(store, batch)]
    finally:
        await store.redis.aclose()
    return clusters


def run_dedupe(source: IO[bytes], sink: IO[bytes], settings: Settings, warn: Callable[[str], None], *,
               redis_url: str | None = None) -> tuple[int, int]:
    """Read ``source``, write ``sink``; returns (lines written, bad lines). Uses a fresh key prefix on
    ``redis_url``, or an embedded redis-server started for this run."""
    import asyncio
    import time

    from streams.embedded import EmbeddedRedis

    bad = 0

    def count_bad(text: str) -> None:
        nonlocal bad
        bad += 1
        warn(text)

    lines = list(read_lines(source, time.time(), count_bad))
    if not lines:
        return 0, bad
    settings = settings.model_copy(update={"key_prefix": f"dedupe-{uuid.uuid4().hex[:12]}"})
    if redis_url:
        clusters = asyncio.run(dedupe_lines(lines, settings.model_copy(update={"redis_url": redis_url})))
    else:
        with EmbeddedRedis() as server:
            clusters = asyncio.run(dedupe_lines(lines, settings.model_copy(update={"redis_url": server.url})))
    for line, cluster in zip(lines, clusters, strict=True):
        sink.write(orjson.dumps({**line.obj, "cluster": cluster}) + b"\n")
    sink.flush()
    return len(lines), bad


def open_input(path: Path | None) -> IO[bytes]:
    return sys.stdin.buffer if path is None or str(path) == "-" else path.open("rb")
