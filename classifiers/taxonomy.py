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

# The priorities each category can take under the desk's labelling rules (police_fr_dev/README.md): a witness tip is
# 2 when it is a calm-day tip that can wait, a question 3 on a calm day or for everyday paperwork, and an insult 1
# when it is a threat of mass violence made by the writer.
CATEGORY_PRIORITIES: dict[str, frozenset[int]] = {
    "danger": frozenset({0}),
    "witness_tip": frozenset({1, 2}),
    "missing_person": frozenset({1}),
    "safety_question": frozenset({2, 3}),
    "rumor": frozenset({2}),
    "complaint_police": frozenset({2}),
    "procedure_question": frozenset({2, 3}),
    "thanks_support": frozenset({3}),
    "offer_help": frozenset({3}),
    "insult_troll": frozenset({1, 3}),
    "spam": frozenset({3}),
    "other": frozenset({3}),
}
