"""Routing policy: which desk and which priority queue a scored message goes to, in which order the queues are
claimed, and where an escalated item goes. Pure: the Redis side (``streams/lua/claim.lua``) only applies it.

The default desks follow how the team works during a surge (``VIGIE_DESKS`` replaces them, see
:func:`parse_desks`):

========== ==========================================================
desk        categories
========== ==========================================================
emergencies danger, witness_tip, missing_person (and every priority-0 item)
public_info safety_question, rumor
complaints  complaint_police (answered with the IGPN reporting pointer)
general     procedure_question, thanks_support, offer_help, insult_troll, spam, other
========== ==========================================================

A priority-0 message always goes to the critical desk (emergencies), whatever its category: critical work is
never queued behind a desk that might be staffed for routine work.

Claim order ("priority first, then age, with ageing"): every queued item has a *claim key*
``arrival + handicap(priority)``; the smallest key is claimed first. ``handicap(0)`` is minus infinity, so a
priority-0 item is never behind anything. For priorities 1–3 the handicap is ``(p - 1) * ageing_seconds``: with
the default 1800 s, a P2 item that has waited 30 minutes longer than a fresh P1 item goes before it, a P3 item
needs 60 minutes more than the P1 (30 more than a P2). The key of an item never changes while it waits, and every
future P1–P3 arrival gets a key of at least "now", so an item waits at most ``(p - 1) * ageing_seconds`` plus the
time to work the items whose keys are smaller than its own: nothing starves (except behind an endless stream of
priority-0 work, which is the point). ``ageing_seconds = 0`` turns ageing off: strict priority, then age.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
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
DEFAULT_AGEING_SECONDS = 1800
# "Infinitely" ahead or behind, in milliseconds, and still exact in a Lua number (double) once added to an
# epoch-milliseconds arrival time: 1e14 ms is about 3,000 years, 3e14 + 2e12 < 2**53.
_FAR_MS = 10**14
_DESK_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


@dataclass(frozen=True, slots=True)
class Route:
    desk: str
    priority: Priority

    @property
    def queue(self) -> str:
        """Queue name, e.g. ``emergencies:p0``."""
        return f"{self.desk}:p{int(self.priority)}"


@dataclass(frozen=True, slots=True)
class ClaimQueue:
    """One queue of a claim, with the handicap (ms) added to its items' arrival times to order them."""

    route: Route
    handicap_ms: int


def parse_desks(spec: str) -> Mapping[str, tuple[str, ...]]:
    """``"emergencies=danger,witness_tip;general=other,…"`` → desks in that order (empty → the default)."""
    if not spec.strip():
        return DEFAULT_DESKS
    desks: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        name, sep, cats = part.partition("=")
        name = name.strip()
        if not sep or not _DESK_NAME.fullmatch(name) or name in desks:
            raise ValueError(f"invalid desk {part!r}: expected name=category,category with a unique lowercase "
                             f"name (letters, digits, _)")
        desks[name] = tuple(c.strip() for c in cats.split(",") if c.strip())
    return MappingProxyType(desks)


@dataclass(frozen=True)
class RoutingPolicy:
    """Maps a category to a desk; every category of the taxonomy must have exactly one desk."""

    desks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_DESKS)
    critical_desk: str = "emergencies"
    ageing_seconds: int = DEFAULT_AGEING_SECONDS

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
        bad_names = [d for d in self.desks if not _DESK_NAME.fullmatch(d)]
        if bad_names:
            raise ValueError(f"invalid desk names {bad_names}: lowercase letters, digits and _")
        if self.ageing_seconds < 0:
            raise ValueError("ageing_seconds must be >= 0 (0 = strict priority)")

    @cached_property
    def desk_of(self) -> Mapping[str, str]:
        return MappingProxyType({c: desk for desk, cats in self.desks.items() for c in cats})

    def route(self, category: str, priority: int) -> Route:
        level = Priority(priority)
        desk = self.critical_desk if level is Priority.CRITICAL else self.desk_of.get(category, "general")
        return Route(desk, level)

    def check_desk(self, desk: str) -> str:
        if desk not in self.desks:
            raise ValueError(f"unknown desk {desk!r}; desks are {', '.join(self.desks)}")
        return desk

    def queues(self, desk: str | None = None) -> list[Route]:
        """Every queue of ``desk`` (or of all desks): priority first, then desks in their configured order."""
        desks = [self.check_desk(desk)] if desk is not None else list(self.desks)
        return [Route(d, p) for p in PRIORITIES for d in desks]

    def handicap_ms(self, priority: int) -> int:
        """What is added to an item's arrival time (ms) to get its claim key; smaller keys are claimed first."""
        level = Priority(priority)
        if level is Priority.CRITICAL:
            return -_FAR_MS
        if self.ageing_seconds == 0:
            return int(level) * _FAR_MS
        return (int(level) - 1) * self.ageing_seconds * 1000

    def claim_plan(self, desk: str | None = None) -> list[ClaimQueue]:
        """The queues a claim looks at, in tie-break order, each with its handicap."""
        return [ClaimQueue(r, self.handicap_ms(r.priority)) for r in self.queues(desk)]

    def claim_key(self, priority: int, arrival_ms: float) -> float:
        return arrival_ms + self.handicap_ms(priority)

    def escalate(self, current: Route, desk: str | None = None, priority: int | None = None) -> Route:
        """Where an escalated item goes: another desk, a higher priority (a smaller number), or both.

        Priority can only be raised; priority 0 always belongs to the critical desk. Raises ValueError with the
        reason when the escalation is not allowed or changes nothing.
        """
        if desk is None and priority is None:
            raise ValueError("escalate needs a desk, a priority, or both")
        level = current.priority if priority is None else Priority(priority)
        if level > current.priority:
            raise ValueError(f"escalation raises priority: P{int(current.priority)} cannot go down to P{int(level)}")
        target = current.desk if desk is None else self.check_desk(desk)
        if level is Priority.CRITICAL:
            if desk is not None and desk != self.critical_desk:
                raise ValueError(f"priority 0 items belong to the {self.critical_desk} desk, not {desk}")
            target = self.critical_desk
        new = Route(target, level)
        if new == current:
            raise ValueError(f"the item is already in {current.queue}")
        return new
