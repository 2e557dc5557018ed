"""The gateway's endpoints against the real broker: handshakes, signatures, limits, and durability."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time

import httpx
import orjson
import pytest
from prometheus_client import CollectorRegistry

from streams.gateway.app import create_gateway
from streams.gateway.client import signed
from streams.gateway.testing import MemorySink
from streams.networks import parse_record
from streams.settings import Settings
from tests.streams.gateway.conftest import INGEST, META, META_OLD, X_SECRET, read_topic, with_secrets

pytestmark = pytest.mark.integration


def meta_sig(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def x_sig(secret: str, body: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event(sender: str, mid: str) -> dict[str, object]:
    return {"sender": {"id": sender}, "recipient": {"id": "P1"}, "timestamp": 1447446000000,
            "message": {"mid": mid, "text": "on est cachés au 2e étage"}}


FB_DELIVERY = orjson.dumps({"object": "page", "entry": [
    {"id": "P1", "time": 1, "messaging": [event("u1", "m1"), event("u2", "m2"), event("u3", "m3")]},
    {"id": "P1", "time": 2, "messaging": [event("u1", "m4"), event("u4", "m5")]},
]})


async def test_meta_handshake_echoes_the_challenge_only_with_our_token(client: httpx.AsyncClient) -> None:
    ok = await client.get("/webhooks/facebook", params={"hub.mode": "subscribe", "hub.verify_token": "verify-me",
                                                        "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text, ok.headers["content-type"].split(";")[0]) == (200, "1158201444", "text/plain")
    bad = await client.get("/webhooks/instagram", params={"hub.mode": "subscribe", "hub.verify_token": "nope",
                                                          "hub.challenge": "1"})
    assert bad.status_code == 403


async def test_x_crc_challenge(client: httpx.AsyncClient) -> None:
    r = await client.get("/webhooks/x", params={"crc_token": "abc"})
    assert r.status_code == 200
    assert r.json() == {"response_token": x_sig(X_SECRET, b"abc")}


@pytest.mark.parametrize(("secret", "status"), [(META, 200), (META_OLD, 200), ("rotated-out", 401), (None, 401)])
async def test_meta_signatures(client: httpx.AsyncClient, secret: str | None, status: int) -> None:
    headers = {"X-Hub-Signature-256": meta_sig(secret, FB_DELIVERY)} if secret else {}
    r = await client.post("/webhooks/facebook", content=FB_DELIVERY, headers=headers)
    assert r.status_code == status


async def test_x_and_ingest_signatures(client: httpx.AsyncClient) -> None:
    body = orjson.dumps({"data": {"id": "9", "text": "t", "author_id": "a", "created_at": "2015-11-13T21:20:00Z"}})
    assert (await client.post("/webhooks/x", content=body,
                              headers={"x-twitter-webhooks-signature": x_sig(X_SECRET, body)})).status_code == 200
    assert (await client.post("/webhooks/x", content=body,
                              headers={"x-twitter-webhooks-signature": x_sig("wrong", body)})).status_code == 401
    path, headers = signed("x", body, INGEST, via="ingest")
    assert (await client.post(path, content=body, headers=headers)).status_code == 200
    path, headers = signed("x", body, INGEST, via="ingest", now=time.time() - 3600)  # a replay, an hour late
    assert (await client.post(path, content=body, headers=headers)).status_code == 401
    assert (await client.post("/ingest/Not A Network", content=body, headers=headers)).status_code in (400, 404)


async def test_delivery_is_in_kafka_split_per_event_when_acknowledged(client: httpx.AsyncClient,
                                                                       gw_settings: Settings) -> None:
    r = await client.post("/webhooks/facebook", content=FB_DELIVERY,
                          headers={"X-Hub-Signature-256": meta_sig(META, FB_DELIVERY)})
    assert r.status_code == 200 and r.json() == {"records": 5}
    records = read_topic(gw_settings.kafka_bootstrap, gw_settings.raw_topic("facebook"), 5)
    found = {m.network_id: key for key, value in records
             for m in parse_record("facebook", value, received_at=0.0)}
    assert found == {"m1": b"u1", "m2": b"u2", "m3": b"u3", "m4": b"u1", "m5": b"u4"}


async def test_oversize_and_malformed_bodies(client: httpx.AsyncClient, gw_settings: Settings) -> None:
    big = b"{" + b" " * gw_settings.gateway_max_body_bytes + b"}"
    r = await client.post("/webhooks/facebook", content=big, headers={"X-Hub-Signature-256": meta_sig(META, big)})
    assert r.status_code == 413
    garbage = b"\xff not json"
    assert (await client.post("/webhooks/instagram", content=garbage)).status_code == 401  # unsigned: refused
    r = await client.post("/webhooks/instagram", content=garbage,
                          headers={"X-Hub-Signature-256": meta_sig(META, garbage)})
    assert r.status_code == 200  # signed: kept whole, for the worker to dead-letter with its reason
    assert read_topic(gw_settings.kafka_bootstrap, gw_settings.raw_topic("instagram"), 1) == [(None, garbage)]


async def test_rate_limit_answers_429_with_retry_after(settings: Settings) -> None:
    s = with_secrets(settings, gateway_rate_per_second=0.1, gateway_burst=2)
    app = create_gateway(s, MemorySink(), registry=CollectorRegistry())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gw") as c:
        headers = {"X-Hub-Signature-256": meta_sig(META, FB_DELIVERY)}
        statuses = [(await c.post("/webhooks/facebook", content=FB_DELIVERY, headers=headers)) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        assert int(statuses[-1].headers["Retry-After"]) >= 1
        other = await c.post("/webhooks/instagram", content=FB_DELIVERY, headers=headers)
        assert other.status_code == 200  # another source has its own bucket


async def test_in_flight_window_answers_503_when_full(settings: Settings) -> None:
    s = with_secrets(settings, gateway_max_in_flight=2)
    sink = MemorySink()
    sink.gate = asyncio.Event()  # produce blocks until the gate opens
    registry = CollectorRegistry()
    app = create_gateway(s, sink, registry=registry)
    headers = {"X-Hub-Signature-256": meta_sig(META, FB_DELIVERY)}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gw") as c:
        held = [asyncio.create_task(c.post("/webhooks/facebook", content=FB_DELIVERY, headers=headers))
                for _ in range(2)]
        while registry.get_sample_value("vigie_gateway_in_flight") != 2:
            await asyncio.sleep(0.01)
        r = await c.post("/webhooks/facebook", content=FB_DELIVERY, headers=headers)
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        sink.gate.set()
        assert [(await t).status_code for t in held] == [200, 200]
    assert registry.get_sample_value("vigie_gateway_rejections_total", {"reason": "overloaded"}) == 1


async def test_health_ready_and_metrics(client: httpx.AsyncClient, registry: CollectorRegistry) -> None:
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/readyz")).status_code == 200
    await client.post("/webhooks/facebook", content=FB_DELIVERY, headers={"X-Hub-Signature-256": "sha256=00"})
    await client.post("/webhooks/facebook", content=FB_DELIVERY,
                      headers={"X-Hub-Signature-256": meta_sig(META, FB_DELIVERY)})
    text = (await client.get("/metrics")).text
    assert 'vigie_gateway_rejections_total{reason="bad_signature"} 1.0' in text
    assert 'vigie_gateway_requests_total{endpoint="facebook",status="200"} 1.0' in text
    assert 'vigie_gateway_records_total{network="facebook"} 5.0' in text
    assert "vigie_gateway_produce_duration_seconds_count 1.0" in text
