"""Duplicate clusters: which messages of a batch fold into an earlier one of the same batch, and when a
growing cluster raises its item's priority. Pure: the Redis adapter (``streams/dedupe.py``) applies both.

**Priority raise (the policy).** Many distinct people repeating the same rumour, question, sighting, appeal or
complaint means the desk's public answer is awaited by that many people, and the longer it waits the further the
rumour spreads. So when a cluster reaches :data:`RAISE_AT` distinct authors (25, then 250), its item moves up one
priority level per step — only for the categories in :data:`RAISABLE`, never above priority 1 (priority 0 means
a life in immediate danger, which popularity cannot tell), and never down. Thanks, solidarity, offers of help,
insults, spam and chatter do not rise however often they are repeated: volume there says nothing about urgency.
Counting *distinct authors* (not reposts) keeps one person posting fifty times from raising anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from classifiers.neardup import Sketch, compare
from classifiers.neardup_form import Form
from classifiers.taxonomy import Priority

RAISABLE: Final = frozenset({"rumor", "safety_question", "witness_tip", "missing_person", "complaint_police"})
RAISE_AT: Final = (25, 250)  # distinct authors at which the item moves up one level, then another
RAISE_CEILING: Final = Priority.HIGH
STRICT_BELOW: Final = Priority.MEDIUM  # priority 0 and 1 are compared strictly (classifiers.neardup.compare)
MAX_CANDIDATES: Final = 8  # earlier messages compared with each message (most shared bands first)
BUCKET_CAP: Final = 4  # messages kept per LSH bucket (the most recent): a bucket shared by a template's many
# look-alikes would otherwise make every lookup compare them all


def raised_priority(category: str, priority: int, authors: int) -> int:
    """The priority an item of ``category`` at ``priority`` should have once its cluster has ``authors``
    distinct authors (the same or a more urgent one; see the module docstring)."""
    if category not in RAISABLE or priority <= RAISE_CEILING:
        return priority
    levels = sum(1 for threshold in RAISE_AT if authors >= threshold)
    return max(int(RAISE_CEILING), priority - levels)


def is_strict(priority: int) -> bool:
    """Messages at priority 0 and 1 fold only without any word replaced (two people hiding in two places)."""
    return priority < STRICT_BELOW


@dataclass(frozen=True, slots=True)
class Member:
    """What batch planning needs to know of a message."""

    fingerprint: str | None
    sketch: Sketch | None
    priority: int


@dataclass(frozen=True, slots=True)
class Follow:
    """Message ``leader`` (an index in the batch, earlier) is the one this message folds with."""

    leader: int
    kind: str  # "exact" or "near"


def plan_batch(members: Sequence[Member]) -> list[Follow | None]:
    """For each message of a batch, in arrival order, the earlier message of the same batch it is a repost of
    (exact fingerprint first, then a near-duplicate sharing an LSH band key), or None.

    The store looks messages up in the window one by one, but a batch is looked up before any of it is
    written; planning the batch first keeps "the first message is the item" true inside a batch too."""
    return BatchPlan().extend(members)


class BatchPlan:
    """:func:`plan_batch`, a part of the batch at a time: ``extend`` plans the next messages against all the
    earlier ones (so the store can start on a batch's first chunk while the next is planned)."""

    def __init__(self) -> None:
        self.members: list[Member] = []
        self._by_fingerprint: dict[str, int] = {}
        self._by_band: dict[bytes, list[int]] = {}
        self._forms: dict[int, Form] = {}
        self._roots: list[int] = []  # the first message of each message's cluster, in the batch

    def extend(self, members: Sequence[Member]) -> list[Follow | None]:
        """The plan of ``members``, the batch's next messages (leaders are indices in the whole batch)."""
        plan: list[Follow | None] = []
        by_fingerprint, by_band, forms, roots = self._by_fingerprint, self._by_band, self._forms, self._roots
        for m in members:
            i = len(self.members)
            self.members.append(m)
            follow: Follow | None = None
            if m.fingerprint is not None and m.fingerprint in by_fingerprint:
                follow = Follow(by_fingerprint[m.fingerprint], "exact")
            elif m.sketch is not None:
                forms[i] = Form.decode(m.sketch.form)
                leader = _near_leader(i, self.members, forms, by_band, roots)
                follow = Follow(leader, "near") if leader is not None else None
            plan.append(follow)
            roots.append(roots[follow.leader] if follow is not None else i)
            if m.fingerprint is not None:
                by_fingerprint.setdefault(m.fingerprint, i)
            if m.sketch is not None:
                forms.setdefault(i, Form.decode(m.sketch.form))
                for band in m.sketch.bands:
                    bucket = by_band.setdefault(band, [])
                    bucket.append(i)
                    if len(bucket) > BUCKET_CAP:  # as in the store's window: the most recent few per bucket
                        del bucket[0]
        return plan


def _near_leader(i: int, members: Sequence[Member], forms: dict[int, Form],
                 by_band: dict[bytes, list[int]], roots: Sequence[int]) -> int | None:
    """The earlier message of the batch that message ``i`` is most similar to among those it matches (as
    :func:`classifiers.neardup.best_match`: one match per cluster is enough, its other members are skipped)."""
    m = members[i]
    assert m.sketch is not None
    hits: dict[int, int] = {}
    for band in m.sketch.bands:
        for j in by_band.get(band, ()):
            hits[j] = hits.get(j, 0) + 1
    best: tuple[float, int] | None = None
    matched: set[int] = set()
    # the most shared bands first, and as many as the store compares (the rest are look-alikes)
    for j in sorted(hits, key=lambda j: (-hits[j], j))[:MAX_CANDIDATES]:
        if roots[j] in matched:
            continue
        c = compare(forms[i], forms[j], strict=is_strict(m.priority) or is_strict(members[j].priority))
        if c.same:
            matched.add(roots[j])
            if best is None or c.score > best[0]:
                best = (c.score, j)
    return best[1] if best is not None else None
