"""Batch planning (which message folds with an earlier one of its batch) and the priority-raise policy."""

from __future__ import annotations

import pytest

from classifiers.dedupe import fingerprint
from classifiers.neardup import sketch
from classifiers.neardup_cluster import Follow, Member, plan_batch, raised_priority


def member(text: str, priority: int = 2) -> Member:
    return Member(fingerprint(text, priority), sketch(text), priority)


def test_plan_batch_points_reposts_at_their_first_message() -> None:
    batch = [
        member("Fusillade en cours aux Halles. Évitez Châtelet."),
        member("colis suspect devant le lycée Voltaire, la police est prévenue ?"),
        member("RT @x: fusillade en cours aux Halles, évitez Châtelet"),  # exact once folded
        member("URGENT fusillade en cours aux Halles, évitez Châtelet !!!"),  # near
        member("colis suspect devant le lycée Turgot, la police est prévenue ?"),  # a look-alike
        member("aidez nous", priority=0),
        member("aidez nous", priority=0),  # short and urgent: two people
    ]
    assert plan_batch(batch) == [None, None, Follow(0, "exact"), Follow(0, "near"), None, None, None]


def test_urgent_messages_follow_only_without_a_replaced_word() -> None:
    bar = "on est cachés dans la réserve du bar, ils tirent encore, venez vite"
    resto = "on est caches dans la reserve du resto, ils tirent encore, venez vite"
    assert plan_batch([member(bar, 0), member(resto, 0)]) == [None, None]
    assert plan_batch([member(bar, 3), member(resto, 3)]) == [None, Follow(0, "near")]


@pytest.mark.parametrize(("category", "priority", "authors", "expected"), [
    ("rumor", 2, 24, 2),
    ("rumor", 2, 25, 1),
    ("rumor", 2, 10_000, 1),  # never above priority 1
    ("safety_question", 3, 25, 2),
    ("safety_question", 3, 250, 1),
    ("missing_person", 1, 5_000, 1),
    ("danger", 0, 5_000, 0),
    ("thanks_support", 3, 5_000, 3),  # volume says nothing about urgency there
    ("spam", 3, 5_000, 3),
    ("insult_troll", 3, 5_000, 3),
])
def test_priority_raise_policy(category: str, priority: int, authors: int, expected: int) -> None:
    assert raised_priority(category, priority, authors) == expected
