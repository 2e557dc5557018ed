"""The desk's taxonomy: categories and priorities (see ../shared/data/police_fr_dev/README.md)."""

from __future__ import annotations

from enum import IntEnum


class Priority(IntEnum):
    """0 is the most urgent: a life in immediate danger or an attack in progress."""

    CRITICAL = 0
    HIGH = 1
    MEDIUM = 2
    LOW = 3


PRIORITIES: tuple[Priority, ...] = tuple(Priority)

CATEGORIES: tuple[str, ...] = (
    "danger",
    "witness_tip",
    "missing_person",
    "safety_question",
    "rumor",
    "complaint_police",
    "procedure_question",
    "thanks_support",
    "offer_help",
    "insult_troll",
    "spam",
    "other",
)
