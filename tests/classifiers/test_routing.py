import pytest

from classifiers.routing import DEFAULT_DESKS, Route, RoutingPolicy
from classifiers.taxonomy import CATEGORIES, Priority


def test_default_desks_cover_the_taxonomy_once() -> None:
    policy = RoutingPolicy()
    assert sorted(policy.desk_of) == sorted(CATEGORIES)
    assert set(policy.desk_of.values()) == set(DEFAULT_DESKS)


@pytest.mark.parametrize(
    ("category", "priority", "queue"),
    [
        ("danger", 0, "emergencies:p0"),
        ("witness_tip", 1, "emergencies:p1"),
        ("rumor", 2, "public_info:p2"),
        ("complaint_police", 2, "complaints:p2"),
        ("spam", 3, "general:p3"),
        # critical work always goes to the emergencies desk, whatever the category
        ("safety_question", 0, "emergencies:p0"),
    ],
)
def test_route(category: str, priority: int, queue: str) -> None:
    assert RoutingPolicy().route(category, priority).queue == queue


def test_claim_order_is_priority_first() -> None:
    queues = RoutingPolicy().queues()
    priorities = [r.priority for r in queues]
    assert priorities == sorted(priorities)
    assert queues[0] == Route("emergencies", Priority.CRITICAL)
    assert [r.queue for r in RoutingPolicy().queues("complaints")] == [f"complaints:p{p}" for p in range(4)]


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError, match="missing"):
        RoutingPolicy(desks={"emergencies": ("danger",)})
    with pytest.raises(ValueError, match="doubled"):
        RoutingPolicy(desks={**DEFAULT_DESKS, "extra": ("spam",)})
    with pytest.raises(ValueError, match="unknown desk"):
        RoutingPolicy().queues("nope")
