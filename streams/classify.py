"""``vigie classify``: score JSON lines with the urgency model, a batch at a time.

Each input line is a JSON object with at least ``text`` (optionally ``id``, ``lang``, ``network`` and anything
else, all kept). The output line is the same object with ``priority`` (int 0–3), ``category`` (a taxonomy name),
``urgency`` (float in [0, 1]) and ``reasons`` (list of strings) added, in input order. A line that cannot be
scored gets an ``error`` key instead and the run goes on: not JSON (``{"line": N, "error": ..., "input": ...}``),
not an object, no ``text`` or a ``text`` that is not a string. Blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from classifiers.urgency import UrgencyModel

BATCH = 1000
MAX_ECHO = 200  # characters of an unparseable line echoed back in its error object


def _problem(row: Any) -> str | None:
    if not isinstance(row, dict):
        return f"expected a JSON object, got {type(row).__name__}"
    if "text" not in row:
        return "no text"
    if not isinstance(row["text"], str):
        return f"text must be a string, got {type(row['text']).__name__}"
    if "lang" in row and row["lang"] is not None and not isinstance(row["lang"], str):
        return f"lang must be a string, got {type(row['lang']).__name__}"
    return None


def classify_lines(model: UrgencyModel, lines: Iterable[bytes | str], batch: int = BATCH) -> Iterator[bytes]:
    """Output lines (JSON, no newline) for the input lines, in order, scoring up to ``batch`` good lines per
    model call."""
    pending: list[tuple[dict[str, Any], bool]] = []  # (object, scorable?) in input order
    good = 0

    def flush() -> Iterator[bytes]:
        rows = [row for row, ok in pending if ok]
        scores = iter(model.score([r["text"] for r in rows], [r.get("lang") for r in rows]) if rows else [])
        for row, ok in pending:
            if ok:
                score = next(scores)
                row.update(priority=score.priority, category=score.category, urgency=round(score.urgency, 4),
                           reasons=list(score.reasons))
            yield orjson.dumps(row)
        pending.clear()

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raw = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
            pending.append(({"line": number, "error": f"not JSON: {exc}", "input": raw.rstrip()[:MAX_ECHO]}, False))
            continue
        problem = _problem(row)
        if problem is None:
            pending.append((row, True))
            good += 1
        elif isinstance(row, dict):
            pending.append(({**row, "line": number, "error": problem}, False))
        else:
            pending.append(({"line": number, "error": problem, "input": row}, False))
        if good >= batch or len(pending) >= 4 * batch:
            yield from flush()
            good = 0
    yield from flush()
