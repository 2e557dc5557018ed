"""Triage of a batch: scored messages → decisions (route, fingerprint, the item the agent will see)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from classifiers.dedupe import fingerprint
from classifiers.message import Message
from classifiers.neardup import Sketch, sketches
from classifiers.neardup_cluster import Follow, Member, plan_batch
from classifiers.routing import Route, RoutingPolicy

if TYPE_CHECKING:
    from classifiers.urgency import Score


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one message: where it goes and how to recognise its reposts (exact ``fingerprint``,
    near-duplicate ``sketch``)."""

    message: Message
    score: Score
    route: Route
    fingerprint: str | None
    sketch: Sketch | None = None


def decide(messages: Sequence[Message], scores: Sequence[Score], policy: RoutingPolicy) -> list[Decision]:
    """Pair each message with its score, route it, and fingerprint and sketch it for duplicate folding."""
    if len(messages) != len(scores):
        raise ValueError(f"{len(messages)} messages but {len(scores)} scores")
    sketched = sketches([m.text for m in messages])
    return [
        Decision(m, s, policy.route(s.category, s.priority), fingerprint(m.text, s.priority), k)
        for m, s, k in zip(messages, scores, sketched, strict=True)
    ]


def plan(decisions: Sequence[Decision]) -> list[Follow | None]:
    """For each decision of a batch, in order, the earlier one of the batch it reposts, if any
    (:func:`classifiers.neardup_cluster.plan_batch`)."""
    return plan_batch(members(decisions))


def members(decisions: Sequence[Decision]) -> list[Member]:
    """What batch planning needs of each decision."""
    return [Member(d.fingerprint, d.sketch, int(d.score.priority)) for d in decisions]
