"""``vigie desk`` and ``vigie check`` against a real Redis (and broker)."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from click.testing import CliRunner

from classifiers.message import Message, Network
from classifiers.routing import RoutingPolicy
from classifiers.triage import decide
from classifiers.urgency import Score
from streams.cli import main
from streams.queues import Pending, connect
from streams.settings import Settings

pytestmark = pytest.mark.integration


def seed(settings: Settings) -> None:
    texts = [("1", "on est cachés dans la réserve ils sont encore devant", 0, "danger"),
             ("2", "Merci à la police nationale pour cette nuit", 3, "thanks_support")]
    messages = [Message(network=Network.FACEBOOK, network_id=nid, author_id="a", text=text, created_at=1.0,
                        received_at=float(nid)) for nid, text, _, _ in texts]
    decisions = decide(messages, [Score(p, c, 0.9, ("« cachés »",)) for _, _, p, c in texts], RoutingPolicy())

    async def go() -> None:
        store = connect(settings)
        await store.enqueue([Pending(d, f"raw/0/{i}", "test") for i, d in enumerate(decisions)])
        await store.redis.aclose()

    asyncio.run(go())


def invoke(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"VIGIE_REDIS_URL": settings.redis_url, "VIGIE_KEY_PREFIX": settings.key_prefix,
           "VIGIE_KAFKA_URL": settings.kafka_url, "VIGIE_TOPIC_PREFIX": settings.topic_prefix}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_next_resolve_release_stats(settings: Settings) -> None:
    seed(settings)
    code, out = invoke(settings, "desk", "next", "--agent", "alice", "--json")
    assert code == 0
    item = orjson.loads(out)
    assert item["id"] == "facebook:1" and item["priority"] == 0 and item["owner"] == "alice"
    assert item["reasons"] == ["« cachés »"]

    code, out = invoke(settings, "desk", "resolve", "facebook:1", "--agent", "bob")
    assert code == 2 and "not_holder" in out
    code, out = invoke(settings, "desk", "release", "facebook:1", "--agent", "alice")
    assert code == 0 and "released" in out

    code, out = invoke(settings, "desk", "next", "--agent", "bob")  # human-readable form
    assert code == 0 and "facebook:1" in out and "P0 danger" in out
    code, out = invoke(settings, "desk", "resolve", "facebook:1", "--agent", "bob")
    assert code == 0 and "resolved" in out

    code, out = invoke(settings, "desk", "stats", "--json")
    stats = orjson.loads(out)
    assert stats["queues"]["general:p3"]["depth"] == 1 and stats["queues"]["emergencies:p0"]["depth"] == 0
    assert stats["counters"]["resolved"] == 1 and stats["counters"]["released"] == 1
    assert stats["leased"] == 0

    code, out = invoke(settings, "desk", "next", "--agent", "carol", "--desk", "emergencies")
    assert code == 0 and "nothing to do" in out
    code, out = invoke(settings, "desk", "next", "--agent", "carol", "--desk", "nope")
    assert code == 2 and "unknown desk" in out


def test_check_reports_reachable_and_unreachable(settings: Settings) -> None:
    code, out = invoke(settings, "check", "--json")
    report = orjson.loads(out)
    assert report["kafka"][0] is True and report["redis"][0] is True
    assert code == (0 if report["model"][0] else 1)

    code, out = invoke(settings, "check", "--redis-url", "redis://127.0.0.1:1/0", "--kafka-url", "kafka://127.0.0.1:1")
    assert code == 1
    assert "NO  redis" in out and "NO  kafka" in out


def test_tokens_extend_escalate_history_holders(settings: Settings) -> None:
    seed(settings)
    code, out = invoke(settings, "desk", "token", "create", "--agent", "alice", "--role", "supervisor")
    token = out.splitlines()[0]
    assert code == 0 and token.startswith("vgd_") and "cannot be shown again" in out
    code, out = invoke(settings, "desk", "token", "list", "--json")
    [row] = orjson.loads(out)
    assert (row["agent"], row["role"]) == ("alice", "supervisor") and token not in out
    code, out = invoke(settings, "desk", "token", "create", "--agent", "bad name")
    assert code == 2 and "invalid agent name" in out
    code, out = invoke(settings, "desk", "token", "revoke", "--agent", "alice")
    assert code == 0 and "1 token(s) revoked" in out

    code, out = invoke(settings, "desk", "next", "--agent", "alice", "--json")
    item = orjson.loads(out)
    code, out = invoke(settings, "desk", "extend", item["id"], "--agent", "alice", "--lease", item["lease"],
                       "--lease-seconds", "120")
    assert code == 0 and "leased to alice until" in out
    code, out = invoke(settings, "desk", "extend", item["id"], "--agent", "alice", "--lease-seconds", "99999")
    assert code == 2 and "at most 1800" in out
    code, out = invoke(settings, "desk", "holders")
    assert code == 0 and out.startswith(f"alice: P0 {item['id']}")
    code, out = invoke(settings, "desk", "mine", "--agent", "alice")
    assert item["lease"] in out
    code, out = invoke(settings, "desk", "release", item["id"], "--agent", "alice", "--lease", "0000000000000000")
    assert code == 2 and "stale_lease" in out

    code, out = invoke(settings, "desk", "next", "--agent", "bob", "--desk", "general", "--json")
    thanks = orjson.loads(out)
    code, out = invoke(settings, "desk", "escalate", thanks["id"], "--agent", "bob", "--priority", "3")
    assert code == 2 and "already in general:p3" in out
    code, out = invoke(settings, "desk", "escalate", thanks["id"], "--agent", "bob", "--desk", "public_info",
                       "--reason", "question de sécurité")
    assert code == 0 and "escalated to public_info:p3" in out
    code, out = invoke(settings, "desk", "escalate", item["id"], "--agent", "carol", "--supervisor",
                       "--desk", "emergencies")
    assert code == 2 and "already in emergencies:p0" in out

    code, out = invoke(settings, "desk", "history", thanks["id"])
    lines = out.splitlines()
    assert [line.split()[1] for line in lines] == ["enqueued", "claimed", "escalated"]
    assert "from_queue=general:p3" in lines[2] and "reason=question de sécurité" in lines[2]
    code, out = invoke(settings, "desk", "flagged")
    assert code == 0 and out == ""


def test_canned_replies(settings: Settings) -> None:
    code, out = invoke(settings, "desk", "replies", "list", "--category", "complaint_police")
    assert code == 0 and out.startswith("igpn") and "https://www.police-nationale.interieur.gouv.fr/" in out
    code, out = invoke(settings, "desk", "replies", "set", "metro", "--title", "Métro", "--text", "Ligne 1 fermée",
                       "--category", "safety_question", "--category", "rumor")
    assert code == 0
    code, out = invoke(settings, "desk", "replies", "list", "--json", "--category", "rumor")
    assert [r["id"] for r in orjson.loads(out)] == ["metro", "rumor_unconfirmed"]
    code, out = invoke(settings, "desk", "replies", "set", "x", "--title", "t", "--text", "t", "--category", "nope")
    assert code == 2 and "unknown categories" in out
    assert invoke(settings, "desk", "replies", "delete", "metro")[0] == 0
    code, out = invoke(settings, "desk", "replies", "delete", "metro")
    assert code == 2 and "no canned reply" in out
