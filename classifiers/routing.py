"""Routing policy: which desk and which priority queue a scored message goes to.

The default desks follow how the team works during a surge:

========== ==========================================================
desk        categories
========== ==========================================================
emergencies danger, witness_tip, missing_person (and every priority-0 item)
public_info safety_question, rumor
complaints  complaint_police (answered with the IGPN reporting pointer)
general     procedure_question, thanks_support, offer_help, insult_troll, spam, other
========== ==========================================================

A priority-0 message always goes to the emergencies desk, whatever its category: critical work is never
queued behind a desk that might be staffed for routine work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from classifiers.taxonomy import CATEGORIES, PRIORITIES, Priority

DEFAULT_DESKS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "emergencies": ("danger", "witness_tip", "missing_person"),
        "public_info": ("safety_question", "rumor"),
        "complaints": ("complaint_police",),
        "general": ("procedure_question", "thanks_support", "offer_help", "insult_troll", "spam", "other"),
    }
)


@dataclass(frozen=True, slots=True)
class Route:
    desk: str
    priority: Priority

    @property
    def queue(self) -> str:
        """Queue name, e.g. ``emergencies:p0``."""
        return f"{self.desk}:p{int(self.priority)}"


@dataclass(frozen=True)
class RoutingPolicy:
    """Maps a category to a desk; every category of the taxonomy must have exactly one desk."""

    desks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_DESKS)
    critical_desk: str = "emergencies"

    def __post_init__(self) -> None:
        seen = [c for cats in self.desks.values() for c in cats]
        missing = sorted(set(CATEGORIES) - set(seen))
        doubled = sorted({c for c in seen if seen.count(c) > 1})
        unknown = sorted(set(seen) - set(CATEGORIES))
        if missing or doubled or unknown or self.critical_desk not in self.desks:
            raise ValueError(
                f"invalid desks: missing={missing} doubled={doubled} unknown={unknown} "
                f"critical_desk={self.critical_desk!r} in desks={self.critical_desk in self.desks}"
            )

    @property
    def desk_of(self) -> Mapping[str, str]:
        return {c: desk for desk, cats in self.desks.items() for c in cats}

    def route(self, category: str, priority: int) -> Route:
        level = Priority(priority)
        desk = self.critical_desk if level is Priority.CRITICAL else self.desk_of.get(category, "general")
        return Route(desk, level)

    def queues(self, desk: str | None = None) -> list[Route]:
        """Queues in claim order: priority first, then desks in their configured order."""
        desks = [desk] if desk is not None else list(self.desks)
        unknown = [d for d in desks if d not in self.desks]
        if unknown:
            raise ValueError(f"unknown desk {unknown[0]!r}; desks are {', '.join(self.desks)}")
        return [Route(d, p) for p in PRIORITIES for d in desks]
