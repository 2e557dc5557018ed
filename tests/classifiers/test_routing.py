import pytest

from classifiers.routing import DEFAULT_DESKS, Route, RoutingPolicy, parse_desks
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


def test_parse_desks_reads_the_documented_format() -> None:
    assert parse_desks("") is DEFAULT_DESKS
    spec = ("urgences=danger,witness_tip,missing_person,safety_question,rumor;"
            "reste=complaint_police,procedure_question,thanks_support,offer_help,insult_troll,spam,other")
    policy = RoutingPolicy(parse_desks(spec), critical_desk="urgences")
    assert list(policy.desks) == ["urgences", "reste"]
    assert policy.route("rumor", 2).queue == "urgences:p2"
    assert policy.route("spam", 0).queue == "urgences:p0"
    with pytest.raises(ValueError, match="invalid desk"):
        parse_desks("Bad Name=danger")
    with pytest.raises(ValueError, match="invalid desk"):
        parse_desks("a=danger;a=spam")
    with pytest.raises(ValueError, match="critical_desk"):
        RoutingPolicy(parse_desks(spec))  # "emergencies" is not one of these desks


def order(policy: RoutingPolicy, items: list[tuple[str, int, float]]) -> list[str]:
    """Names of (name, priority, arrival seconds) items in claim order: smallest claim key, ties by plan order."""
    return [name for _, name in sorted((policy.claim_key(p, t * 1000), name) for name, p, t in items)]


def test_priority_first_then_age_with_ageing() -> None:
    policy = RoutingPolicy(ageing_seconds=600)
    # a P2 item that has waited more than 10 min longer than a P1 item goes first; a P3 needs 20 min
    assert order(policy, [("p1", 1, 1000), ("p2", 2, 1000 - 601)]) == ["p2", "p1"]
    assert order(policy, [("p1", 1, 1000), ("p2", 2, 1000 - 599)]) == ["p1", "p2"]
    assert order(policy, [("p1", 1, 1000), ("p3", 3, 1000 - 1199)]) == ["p1", "p3"]
    assert order(policy, [("p1", 1, 1000), ("p3", 3, 1000 - 1201)]) == ["p3", "p1"]
    # within a priority: oldest first
    assert order(policy, [("late", 2, 50), ("early", 2, 10)]) == ["early", "late"]


def test_priority_zero_is_never_behind_anything() -> None:
    for ageing in (0, 1, 1800):
        policy = RoutingPolicy(ageing_seconds=ageing)
        ancient = [(f"old-p{p}", p, 0.0) for p in (1, 2, 3)]
        assert order(policy, [*ancient, ("p0", 0, 2e9)])[0] == "p0"  # 60 years younger, still first


def test_ageing_off_is_strict_priority() -> None:
    policy = RoutingPolicy(ageing_seconds=0)
    assert order(policy, [("p3", 3, 0.0), ("p2", 2, 1e6), ("p1", 1, 2e9)]) == ["p1", "p2", "p3"]


def test_claim_plan_lists_every_queue_with_its_handicap() -> None:
    plan = RoutingPolicy().claim_plan("complaints")
    assert [q.route.queue for q in plan] == [f"complaints:p{p}" for p in range(4)]
    assert plan[0].handicap_ms < 0 == plan[1].handicap_ms < plan[2].handicap_ms < plan[3].handicap_ms


def test_escalation_rules() -> None:
    policy = RoutingPolicy()
    rumor = Route("public_info", Priority.MEDIUM)
    assert policy.escalate(rumor, desk="emergencies") == Route("emergencies", Priority.MEDIUM)
    assert policy.escalate(rumor, priority=1) == Route("public_info", Priority.HIGH)
    assert policy.escalate(rumor, priority=0) == Route("emergencies", Priority.CRITICAL)  # P0 → critical desk
    with pytest.raises(ValueError, match="cannot go down"):
        policy.escalate(rumor, priority=3)
    with pytest.raises(ValueError, match="belong to the emergencies desk"):
        policy.escalate(rumor, desk="complaints", priority=0)
    with pytest.raises(ValueError, match="already in"):
        policy.escalate(rumor, desk="public_info")
    with pytest.raises(ValueError, match="unknown desk"):
        policy.escalate(rumor, desk="nope")
    with pytest.raises(ValueError, match="needs a desk"):
        policy.escalate(rumor)
