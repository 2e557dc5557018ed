"""The desk API over HTTP on a real uvicorn server and a real Redis: auth, validation, the lease rules as an agent
sees them, supervisors' views, canned replies, and what reaches the logs."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from streams.desk.server import Desk
from tests.streams.desk.conftest import AUTHOR, SECRET_TEXT, Agents, enqueue, pending

pytestmark = pytest.mark.integration


async def test_every_api_request_needs_a_valid_token(desk: Desk, base_url: str, agents: Agents) -> None:
    async with httpx.AsyncClient(base_url=base_url) as anon:
        for method, path in [("POST", "/api/claim"), ("GET", "/api/stats"), ("GET", "/api/holders"),
                             ("GET", "/api/items/x:1/history"), ("POST", "/api/items/x:1/resolve"),
                             ("GET", "/api/does-not-exist"), ("PUT", "/api/replies/igpn")]:
            r = await anon.request(method, path, content=b"{not json")
            assert r.status_code == 401, (method, path)
            assert r.json()["error"] == "unauthorized" and r.headers["www-authenticate"].startswith("Bearer")
        assert (await anon.get("/api/me", headers={"Authorization": "Basic YWxpY2U6eA=="})).status_code == 401
        assert (await anon.get("/api/me", headers={"Authorization": "Bearer vgd_forged"})).status_code == 401
        # open without a token: the console page (no data in it), health, metrics, the OpenAPI description
        for path in ("/", "/healthz", "/readyz", "/metrics", "/openapi.json"):
            assert (await anon.get(path)).status_code == 200, path
    alice = await agents.client("alice")
    assert (await alice.get("/api/me")).json()["agent"] == "alice"
    assert await desk.tokens.revoke(agent="alice") == 1
    assert (await alice.get("/api/me")).status_code == 401  # revoked: refused at the next request
    metrics = (await agents.clients[0].get("/metrics")).text
    assert 'vigie_desk_api_auth_failures_total{reason="missing"} 8.0' in metrics
    assert 'vigie_desk_api_auth_failures_total{reason="invalid"} 2.0' in metrics


async def test_supervisor_routes_refuse_agents(agents: Agents) -> None:
    alice, sup = await agents.client("alice"), await agents.client("sam", "supervisor")
    for method, path, body in [("GET", "/api/holders", None), ("GET", "/api/flagged", None),
                               ("PUT", "/api/replies/x", {"title": "t", "text": "t", "categories": ["spam"]}),
                               ("DELETE", "/api/replies/thanks", None)]:
        r = await alice.request(method, path, json=body)
        assert (r.status_code, r.json()["error"]) == (403, "forbidden"), path
    assert (await sup.get("/api/holders")).status_code == 200
    assert (await sup.get("/api/flagged")).status_code == 200


@pytest.mark.parametrize(("path", "body", "fragment"), [
    ("/api/claim", {"desk": "nope"}, "unknown desk 'nope'; desks are emergencies"),
    ("/api/claim", {"desk": "Not A Desk"}, "desk: String should match pattern"),
    ("/api/claim", {"lease_seconds": 100000}, "lease_seconds: at most 600"),
    ("/api/claim", {"lease_seconds": 0}, "lease_seconds: Input should be greater than or equal to 1"),
    ("/api/claim", {"agent": "bob"}, "agent: Extra inputs are not permitted"),
    ("/api/items/x:1/resolve", {"lease": "0123456789abcdef"}, "give exactly one of"),
    ("/api/items/x:1/resolve", {"lease": "0123456789abcdef", "reply": "ok", "reply_id": "thanks"},
     "give exactly one of"),
    ("/api/items/x:1/resolve", {"lease": "0123456789abcdef", "reply": "x" * 2001}, "at most 2000 characters"),
    ("/api/items/x:1/resolve", {"lease": "0123456789abcdef", "reply_id": "nope"}, "no canned reply 'nope'"),
    ("/api/items/x:1/release", {"lease": "'; DROP"}, "lease: String should match pattern"),
    ("/api/items/x:1/release", {}, "lease: Field required"),
    ("/api/items/x:1/escalate", {"lease": "0123456789abcdef"}, "give a desk, a priority, or both"),
    ("/api/items/x:1/escalate", {"lease": "0123456789abcdef", "priority": 7}, "less than or equal to 3"),
    ("/api/items/x:1/escalate", {"priority": 1}, "lease: required (only supervisors"),
])
async def test_bad_input_gets_a_clear_422(agents: Agents, path: str, body: dict, fragment: str) -> None:
    alice = await agents.client("alice")
    r = await alice.post(path, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request" and fragment in r.json()["message"], r.json()["message"]


async def test_malformed_json_is_a_clear_422(agents: Agents) -> None:
    alice = await agents.client("alice")
    r = await alice.post("/api/claim", content=b"{oops", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "invalid_request" and "JSON" in r.json()["message"]


async def test_claim_extend_resolve_with_a_canned_reply(desk: Desk, agents: Agents) -> None:
    [complaint, thanks] = await enqueue(desk.store, [
        pending("1", 2, "complaint_police", received_at=1.0), pending("2", 3, "thanks_support", received_at=2.0)])
    alice = await agents.client("alice")
    r = (await alice.post("/api/claim", json={"desk": "complaints", "lease_seconds": 30})).json()
    item = r["item"]
    assert (item["id"], item["owner"], item["priority"], item["category"]) == (complaint, "alice", 2,
                                                                              "complaint_police")
    assert item["dup_count"] == 1 and item["networks"] == ["x"] and item["reasons"] == ["« metro »"]
    [igpn] = r["replies"]
    assert igpn["id"] == "igpn" and desk.replies.igpn_url in igpn["text"] and "{igpn_url}" not in igpn["text"]
    ext = await alice.post(f"/api/items/{complaint}/extend", json={"lease": item["lease"], "lease_seconds": 120})
    assert ext.status_code == 200 and ext.json()["lease_deadline"] > item["lease_deadline"]
    done = await alice.post(f"/api/items/{complaint}/resolve", json={"lease": item["lease"], "reply_id": "igpn"})
    assert done.json() == {"id": complaint, "state": "resolved"}
    history = (await alice.get(f"/api/items/{complaint}/history")).json()["events"]
    assert [(e["event"], e["agent"]) for e in history] == [("enqueued", ""), ("claimed", "alice"),
                                                           ("extended", "alice"), ("resolved", "alice")]
    assert history[-1]["reply_id"] == "igpn"
    stats = (await alice.get("/api/stats")).json()
    assert stats["counters"]["resolved"] == 1 and stats["queues"]["general:p3"]["depth"] == 1
    assert stats["desks"]["general"]["depth"] == 1 and stats["leased"] == 0
    assert thanks in {i["id"] for i in (await desk.store.peek(5))}
    assert (await alice.get("/api/items/x:nope")).status_code == 404
    assert (await alice.get("/api/items/x:nope/history")).status_code == 404


async def test_stale_holders_are_refused_with_a_clear_error(desk: Desk, agents: Agents) -> None:
    [item_id] = await enqueue(desk.store, [pending("1")])
    alice, bob = await agents.client("alice"), await agents.client("bob")
    first = (await alice.post("/api/claim", json={"lease_seconds": 1})).json()["item"]
    await asyncio.sleep(1.1)  # alice's lease runs out while she types
    r = await alice.post(f"/api/items/{item_id}/resolve", json={"lease": first["lease"], "reply": "ok"})
    assert (r.status_code, r.json()["error"]) == (409, "lease_expired")
    second = (await bob.post("/api/claim")).json()["item"]  # reaps, then bob gets it
    assert second["id"] == item_id and second["lease"] != first["lease"]
    r = await alice.post(f"/api/items/{item_id}/resolve", json={"lease": first["lease"], "reply": "ok"})
    assert (r.status_code, r.json()["error"]) == (409, "not_holder")
    assert "leased to another agent" in r.json()["message"]
    r = await bob.post(f"/api/items/{item_id}/release", json={"lease": first["lease"]})  # bob, alice's old lease
    assert (r.status_code, r.json()["error"]) == (409, "stale_lease")
    assert (await bob.post(f"/api/items/{item_id}/release", json={"lease": second["lease"]})).status_code == 200
    r = await bob.post(f"/api/items/{item_id}/release", json={"lease": second["lease"]})
    assert (r.status_code, r.json()["error"]) == (409, "not_claimed")
    # the lease id is for its holder: others see the item without it
    third = (await alice.post("/api/claim")).json()["item"]
    seen_by_bob = (await bob.get(f"/api/items/{item_id}")).json()["item"]
    assert "lease" not in seen_by_bob and seen_by_bob["owner"] == "alice"
    assert (await alice.get(f"/api/items/{item_id}")).json()["item"]["lease"] == third["lease"]
    expired = [e for e in await desk.store.history(item_id) if e["event"] == "expired"]
    assert [e["agent"] for e in expired] == ["alice"]
    assert (await desk.store.counters())["lease_expired"] == 1


async def test_per_agent_cap(desk: Desk, agents: Agents) -> None:
    await enqueue(desk.store, [pending(str(i), received_at=i) for i in range(5)])
    alice, bob = await agents.client("alice"), await agents.client("bob")
    held = [(await alice.post("/api/claim")).json()["item"] for _ in range(3)]
    r = await alice.post("/api/claim")
    assert (r.status_code, r.json()["error"]) == (409, "cap_reached") and "at most 3" in r.json()["message"]
    assert (await bob.post("/api/claim")).json()["item"] is not None
    assert [e["item"]["id"] for e in (await alice.get("/api/mine")).json()["items"]] == [i["id"] for i in held]
    await alice.post(f"/api/items/{held[0]['id']}/resolve", json={"lease": held[0]["lease"], "no_reply": True})
    assert (await alice.post("/api/claim")).json()["item"] is not None


async def test_escalation_and_supervisor_views(desk: Desk, agents: Agents) -> None:
    [rumor, tip] = await enqueue(desk.store, [pending("1", 2, "rumor", received_at=1.0),
                                              pending("2", 1, "witness_tip", received_at=2.0)])
    alice, sam = await agents.client("alice"), await agents.client("sam", "supervisor")
    item = (await alice.post("/api/claim", json={"desk": "public_info"})).json()["item"]
    r = await alice.post(f"/api/items/{rumor}/escalate", json={"lease": item["lease"], "priority": 3})
    assert (r.status_code, r.json()["error"]) == (422, "invalid_escalation") and "cannot go down" in r.text
    r = await alice.post(f"/api/items/{rumor}/escalate", json={"lease": item["lease"], "priority": 0,
                                                               "reason": "quelqu'un est blessé"})
    assert r.json() == {"id": rumor, "state": "queued", "queue": "emergencies:p0", "desk": "emergencies",
                         "priority": 0}
    tip_item = (await alice.post("/api/claim", json={"desk": "emergencies"})).json()["item"]
    assert tip_item["id"] == rumor  # now P0: ahead of the older P1 tip
    holders = (await sam.get("/api/holders")).json()["holders"]
    assert [i["id"] for i in holders["alice"]] == [rumor]
    assert "text" not in holders["alice"][0] and "author_id" not in holders["alice"][0]
    # a supervisor moves work around without a lease: the holder's lease is revoked
    r = await sam.post(f"/api/items/{rumor}/escalate", json={"desk": "emergencies", "priority": 0})
    assert r.status_code == 422  # already there
    r = await sam.post(f"/api/items/{tip}/escalate", json={"desk": "public_info"})
    assert r.json()["queue"] == "public_info:p1"
    r = await sam.post(f"/api/items/{rumor}/escalate", json={"desk": "complaints", "priority": 0})
    assert "belong to the emergencies desk" in r.json()["message"]
    assert (await alice.post(f"/api/items/{tip}/escalate", json={"priority": 0})).status_code == 422


async def test_supervisors_edit_the_canned_replies(agents: Agents) -> None:
    alice, sam = await agents.client("alice"), await agents.client("sam", "supervisor")
    body = {"title": "Trafic RATP", "text": "Ligne 9 interrompue, voir {igpn_url}", "categories": ["safety_question"]}
    r = await sam.put("/api/replies/metro9", json=body)
    assert r.status_code == 200 and "{igpn_url}" not in r.json()["text"]
    assert (await sam.put("/api/replies/metro9", json={**body, "categories": ["nope"]})).status_code == 422
    assert (await sam.put("/api/replies/Bad Id", json=body)).status_code == 422
    ids = [x["id"] for x in (await alice.get("/api/replies", params={"category": "safety_question"})).json()["replies"]]
    assert ids == ["metro9", "transport"]
    assert (await sam.delete("/api/replies/metro9")).status_code == 200
    assert (await sam.delete("/api/replies/metro9")).status_code == 404


async def test_no_message_text_or_author_id_in_the_logs(desk: Desk, agents: Agents,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    [item_id] = await enqueue(desk.store, [pending("1", 0, "danger", text=SECRET_TEXT)])
    alice = await agents.client("alice")
    item = (await alice.post("/api/claim")).json()["item"]
    assert item["text"] == SECRET_TEXT and item["author_id"] == AUTHOR  # the agent sees them ...
    await alice.post(f"/api/items/{item_id}/resolve", json={"lease": item["lease"], "reply": "Appelez le 17"})
    await alice.post(f"/api/items/{item_id}/resolve", json={"lease": item["lease"], "reply": "again"})  # refused
    await alice.post("/api/claim", json={"desk": SECRET_TEXT[:20]})  # invalid input echoing nothing to logs
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "alice claimed" in logged and "alice resolved" in logged  # ... the logs say who did what, to which id
    assert SECRET_TEXT not in logged and SECRET_TEXT[:20] not in logged and AUTHOR not in logged


async def test_openapi_describes_the_api_and_its_bearer_auth(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as anon:
        spec = (await anon.get("/openapi.json")).json()
    paths = set(spec["paths"])
    assert {"/api/claim", "/api/items/{item_id}/extend", "/api/items/{item_id}/resolve",
            "/api/items/{item_id}/release", "/api/items/{item_id}/escalate", "/api/stats", "/api/holders",
            "/api/items/{item_id}/history", "/api/replies/{reply_id}"} <= paths
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert spec["paths"]["/api/items/{item_id}/resolve"]["post"]["requestBody"]
