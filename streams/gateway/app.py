"""The gateway's HTTP side: ``create_gateway(settings, sink) -> FastAPI`` (no module-level app).

Each POST goes: body size (413) → signature (401) → rate limit per source (429 + Retry-After) → in-flight
window (503 + Retry-After) → split into records → produce, acks=all (503 + Retry-After if the broker does not
acknowledge in time) → 200. A 200 therefore means "every record of this delivery is in Kafka". Logs name the
endpoint and the reason only: never a body, a text or an author id.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Final

import orjson
from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from streams.gateway import signatures as sig
from streams.gateway.limits import InFlight, RateLimiter
from streams.gateway.metrics import GatewayMetrics
from streams.gateway.producer import BrokerUnavailable, OutRecord, RecordSink
from streams.gateway.split import Unsplittable, split
from streams.networks import NETWORKS
from streams.pipeline import NETWORK_HEADER
from streams.settings import Settings

log = logging.getLogger(__name__)

_NETWORK_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
Verify = Callable[[bytes, Request], bool]


def records_for(settings: Settings, network: str, body: bytes) -> list[OutRecord]:
    """A verified delivery → its Kafka records: split per event for the three networks (or whole, when it
    cannot be split, for the worker to dead-letter); other sources whole on ``<prefix>.raw`` + header."""
    if network not in NETWORKS:
        return [OutRecord(f"{settings.topic_prefix}.raw", None, body, [(NETWORK_HEADER, network.encode())])]
    topic = settings.raw_topic(network)
    try:
        return [OutRecord(topic, key, value) for key, value in split(network, body)]
    except Unsplittable as err:
        log.info("forwarding an unsplittable %s delivery whole: %s", network, err)
        return [OutRecord(topic, None, body)]


class _Gateway:
    def __init__(self, settings: Settings, sink: RecordSink, metrics: GatewayMetrics,
                 clock: Callable[[], float], monotonic: Callable[[], float]) -> None:
        self.settings, self.sink, self.metrics, self.clock = settings, sink, metrics, clock
        self.limiter = RateLimiter(settings.gateway_rate_per_second, settings.gateway_burst, monotonic)
        self.window = InFlight(settings.gateway_max_in_flight)
        self.retry_after = max(1, round(settings.gateway_produce_timeout))

    def answer(self, endpoint: str, status: int, content: bytes = b"", media_type: str = "application/json",
               headers: dict[str, str] | None = None) -> Response:
        self.metrics.requests.labels(endpoint, str(status)).inc()
        return Response(content, status_code=status, media_type=media_type, headers=headers)

    def reject(self, endpoint: str, status: int, reason: str, retry_after: int | None = None) -> Response:
        self.metrics.rejections.labels(reason).inc()
        log.info("refused a delivery to %s: %s", endpoint, reason)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return self.answer(endpoint, status, orjson.dumps({"error": reason}), headers=headers)

    async def read_body(self, request: Request) -> bytes | None:
        """The body, or None as soon as it is known to exceed the limit (never buffered past it)."""
        limit = self.settings.gateway_max_body_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return None
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def deliver(self, request: Request, endpoint: str, network: str, source: str, verify: Verify) -> Response:
        body = await self.read_body(request)
        if body is None:
            return self.reject(endpoint, 413, "too_large")
        if not verify(body, request):
            return self.reject(endpoint, 401, "bad_signature")
        wait = self.limiter.retry_after(source)
        if wait:
            return self.reject(endpoint, 429, "rate_limited", wait)
        if not self.window.try_acquire():
            return self.reject(endpoint, 503, "overloaded", 1)
        self.metrics.in_flight.inc()
        try:
            records = records_for(self.settings, network, body)
            started = time.perf_counter()
            await self.sink.send_all(records)
            self.metrics.produce_seconds.observe(time.perf_counter() - started)
        except BrokerUnavailable as err:
            log.warning("broker did not acknowledge a delivery to %s: %s", endpoint, err)
            return self.reject(endpoint, 503, "broker_unavailable", self.retry_after)
        finally:
            self.window.release()
            self.metrics.in_flight.dec()
        self.metrics.records.labels(network).inc(len(records))
        return self.answer(endpoint, 200, b'{"records":%d}' % len(records))


def create_gateway(settings: Settings, sink: RecordSink, *, registry: CollectorRegistry | None = None,
                   clock: Callable[[], float] = time.time,
                   monotonic: Callable[[], float] = time.monotonic) -> FastAPI:
    """The gateway app. ``sink`` must be started by the caller; metrics go to ``registry`` (a fresh one if None)."""
    registry = registry if registry is not None else CollectorRegistry()
    gw = _Gateway(settings, sink, GatewayMetrics.create(registry), clock, monotonic)
    app = FastAPI(title="Vigie ingest gateway", version="1", docs_url=None, redoc_url=None)
    _meta_routes(app, gw, "facebook")
    _meta_routes(app, gw, "instagram")
    _x_routes(app, gw)

    @app.post("/ingest/{network}")
    async def ingest(network: str, request: Request) -> Response:
        if not _NETWORK_NAME.fullmatch(network):
            return gw.reject("ingest", 400, "bad_request")

        def verify(body: bytes, req: Request) -> bool:
            return sig.verify_ingest(body, req.headers.get("x-vigie-signature"), req.headers.get("x-vigie-timestamp"),
                                     settings.ingest_secrets, now=gw.clock(),
                                     tolerance=settings.ingest_timestamp_tolerance)

        return await gw.deliver(request, "ingest", network, f"ingest:{network}", verify)

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(b"ok", media_type="text/plain")

    @app.get("/readyz")
    async def readyz() -> Response:
        ok = await sink.ready()
        return Response(b"ready" if ok else b"broker unreachable", status_code=200 if ok else 503,
                        media_type="text/plain")

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app


def _meta_routes(app: FastAPI, gw: _Gateway, network: str) -> None:
    path, secrets = f"/webhooks/{network}", gw.settings.meta_app_secrets

    @app.get(path, name=f"{network}_handshake")
    async def handshake(request: Request) -> Response:
        q = request.query_params
        challenge = q.get("hub.challenge")
        if challenge is None or not sig.verify_meta_handshake(q.get("hub.mode"), q.get("hub.verify_token"),
                                                              gw.settings.meta_verify_token):
            return gw.reject(network, 403, "bad_signature")
        return gw.answer(network, 200, challenge.encode(), media_type="text/plain")

    @app.post(path, name=f"{network}_delivery")
    async def delivery(request: Request) -> Response:
        def verify(body: bytes, req: Request) -> bool:
            return sig.verify_meta(body, req.headers.get("x-hub-signature-256"), secrets)

        return await gw.deliver(request, network, network, network, verify)


def _x_routes(app: FastAPI, gw: _Gateway) -> None:
    secrets = gw.settings.x_consumer_secrets

    @app.get("/webhooks/x", name="x_crc")
    async def crc(request: Request) -> Response:
        token = request.query_params.get("crc_token")
        if not token or not secrets:
            return gw.reject("x", 400, "bad_request")
        # X computes the CRC with the app's current consumer secret: the first one listed.
        return gw.answer("x", 200, orjson.dumps({"response_token": sig.x_crc_response(secrets[0], token)}))

    @app.post("/webhooks/x", name="x_delivery")
    async def delivery(request: Request) -> Response:
        def verify(body: bytes, req: Request) -> bool:
            return sig.verify_x(body, req.headers.get("x-twitter-webhooks-signature"), secrets)

        return await gw.deliver(request, "x", "x", "x", verify)
