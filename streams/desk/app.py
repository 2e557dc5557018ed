"""The desk API and console: ``create_desk_api(settings, store, tokens, replies) -> FastAPI`` (no module-level app).

Every ``/api/`` request needs ``Authorization: Bearer <token>`` (:mod:`streams.desk.auth`); the check happens in
one middleware before routing and body parsing, so nothing under ``/api/`` answers without a valid token (401),
and supervisor-only routes answer 403 to agents. Open without a token: the console page ``/`` (no data in it),
``/healthz``, ``/readyz``, ``/metrics`` and ``/openapi.json``. The agent is always the token's agent: no request
can act for someone else. Errors are ``{"error": code, "message": text}``. Logs name the agent, the action and
the item id only: never a message text, a reply text or an author id.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import time
from importlib import resources
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from classifiers.taxonomy import CATEGORIES
from streams.desk.auth import Identity, TokenStore
from streams.desk.metrics import DeskMetrics
from streams.desk.replies import ReplyStore, validate
from streams.desk.schemas import (
    ClaimOut,
    ClaimRequest,
    ErrorOut,
    EscalateRequest,
    ExtendRequest,
    LeaseRequest,
    ReplyBody,
    ResolveRequest,
)
from streams.queues import LeaseError, QueueStore
from streams.settings import Settings

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid bearer token"},
    409: {"model": ErrorOut, "description": "Refused: not_holder, stale_lease, lease_expired, not_claimed, "
                                            "cap_reached, moved"},
    422: {"model": ErrorOut, "description": "Invalid input (invalid_request)"},
}
_HIDDEN = ("lease", "audited")  # a lease id is shown to its holder only


class DeskError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json", headers=headers)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return json({"error": code, "message": message}, status, headers)


class DeskMiddleware:
    """Authentication of ``/api/`` (before routing) and the request metrics, as plain ASGI (cheap per request)."""

    def __init__(self, app: ASGIApp, tokens: TokenStore, metrics: DeskMetrics) -> None:
        self.app, self.tokens, self.metrics = app, tokens, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def send_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            if scope["path"].startswith("/api/"):
                identity, reason = await self.authenticate(scope)
                if identity is None:
                    self.metrics.auth_failures.labels(reason).inc()
                    text = "missing bearer token" if reason == "missing" else "invalid or revoked token"
                    await _error(401, "unauthorized", text, {"WWW-Authenticate": 'Bearer realm="vigie"'})(
                        scope, receive, send_recording)
                    return
                scope.setdefault("state", {})["identity"] = identity
            await self.app(scope, receive, send_recording)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or ("/api/*" if scope["path"].startswith("/api/") else "other")
            self.metrics.requests.labels(label, str(status[0])).inc()
            self.metrics.request_seconds.labels(label).observe(time.perf_counter() - started)

    async def authenticate(self, scope: Scope) -> tuple[Identity | None, str]:
        header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        if header is None or header[:7].lower() != b"bearer ":
            return None, "missing"
        identity = await self.tokens.identify(header[7:].strip().decode("latin-1"))
        return identity, "invalid"


async def _identity(request: Request) -> Identity:  # async: FastAPI would run a plain def in a thread
    ident: Identity = request.state.identity
    return ident


async def _supervisor(request: Request) -> Identity:
    ident = await _identity(request)
    if not ident.is_supervisor:
        request.app.state.metrics.auth_failures.labels("forbidden").inc()
        raise DeskError(403, "forbidden", "supervisors only")
    return ident


Agent = Annotated[Identity, Depends(_identity)]
Supervisor = Annotated[Identity, Depends(_supervisor)]


def _console() -> tuple[bytes, str]:
    """The console page and a Content-Security-Policy allowing exactly its inline script and style."""
    page = resources.files("streams.desk").joinpath("console.html").read_bytes()
    def hashes(tag: str) -> str:
        blocks = re.findall(rb"<%s>(.*?)</%s>" % (tag.encode(), tag.encode()), page, re.DOTALL)
        return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(b).digest()).decode()}'" for b in blocks)
    csp = (f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
           "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return page, csp


class _Desk:
    """What the routes share: settings, store, replies, metrics, and the small checks they all make."""

    def __init__(self, settings: Settings, store: QueueStore, replies: ReplyStore, metrics: DeskMetrics) -> None:
        self.settings, self.store, self.replies, self.metrics = settings, store, replies, metrics
        self.policy = store.policy

    def lease_seconds(self, asked: int | None) -> int:
        seconds = asked or self.settings.lease_seconds
        if seconds > self.settings.max_lease_seconds:
            raise DeskError(422, "invalid_request", f"lease_seconds: at most {self.settings.max_lease_seconds}")
        return seconds

    def check_desk(self, desk: str | None) -> None:
        if desk is not None and desk not in self.policy.desks:
            raise DeskError(422, "invalid_request",
                            f"desk: unknown desk {desk!r}; desks are {', '.join(self.policy.desks)}")

    async def with_replies(self, item: dict[str, Any], who: Identity) -> dict[str, Any]:
        hidden = ("audited",) if item.get("owner") == who.agent else _HIDDEN
        return {"item": {k: v for k, v in item.items() if k not in hidden},
                "replies": await self.replies.suggest(item.get("category"))}


def create_desk_api(settings: Settings, store: QueueStore, tokens: TokenStore, replies: ReplyStore, *,
                    registry: CollectorRegistry | None = None) -> FastAPI:
    """The desk app. The store's connection is the caller's to close; metrics go to ``registry``."""
    registry = registry if registry is not None else CollectorRegistry()
    metrics = DeskMetrics.create(registry)
    app = FastAPI(title="Vigie desk API", version="1", docs_url=None, redoc_url=None,
                  description="Claim, answer, never collide: the on-call agents' API. Bearer token on every /api/ "
                              "request (vigie desk token create).")
    app.state.metrics = metrics
    app.add_middleware(DeskMiddleware, tokens=tokens, metrics=metrics)
    desk = _Desk(settings, store, replies, metrics)
    _error_handlers(app, metrics)
    _lease_routes(app, desk)
    _view_routes(app, desk)
    _reply_routes(app, desk)
    _service_routes(app, desk, registry)
    return app


def _error_handlers(app: FastAPI, metrics: DeskMetrics) -> None:
    @app.exception_handler(DeskError)
    async def desk_error(_: Request, exc: DeskError) -> Response:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(LeaseError)
    async def lease_error(_: Request, exc: LeaseError) -> Response:
        metrics.refusals.labels(exc.code).inc()
        return _error(404 if exc.code == "not_found" else 409, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": [str(x) for x in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        message = "; ".join(f"{'.'.join(d['loc'][1:]) or d['loc'][0]}: {d['msg']}" for d in details)
        return json({"error": "invalid_request", "message": message, "details": details}, 422)

    @app.exception_handler(RedisError)
    async def redis_down(_: Request, exc: RedisError) -> Response:
        log.warning("redis error: %s", type(exc).__name__)
        return _error(503, "unavailable", "the queue store is unreachable; try again", {"Retry-After": "1"})


def _lease_routes(app: FastAPI, desk: _Desk) -> None:
    store = desk.store

    @app.post("/api/claim", tags=["agent"], responses={**ERRORS, 200: {"model": ClaimOut}})
    async def claim(who: Agent, body: ClaimRequest | None = None) -> Response:
        """Claim the most urgent item (of one desk, or of all) under a lease; ``item`` is null when all is done."""
        body = body or ClaimRequest.model_validate({})
        desk.check_desk(body.desk)
        item = await store.claim(who.agent, lease_seconds=desk.lease_seconds(body.lease_seconds), desk=body.desk)
        if item is None:
            return json({"item": None, "replies": []})
        log.info("%s claimed %s", who.agent, item["id"])
        return json(await desk.with_replies(item, who))

    @app.post("/api/items/{item_id:path}/extend", tags=["agent"], responses=ERRORS)
    async def extend(item_id: str, body: ExtendRequest, who: Agent) -> Response:
        """Heartbeat: push your lease's deadline to ``lease_seconds`` from now."""
        deadline = await store.extend(item_id, who.agent, lease=body.lease,
                                      lease_seconds=desk.lease_seconds(body.lease_seconds))
        return json({"id": item_id, "lease_deadline": deadline})

    @app.post("/api/items/{item_id:path}/resolve", tags=["agent"], responses=ERRORS)
    async def resolve(item_id: str, body: ResolveRequest, who: Agent) -> Response:
        """Mark the item answered, with the reply text or the canned reply sent (or ``no_reply``)."""
        if body.reply_id is not None and await desk.replies.get(body.reply_id) is None:
            raise DeskError(422, "invalid_request", f"reply_id: no canned reply {body.reply_id!r}")
        await store.resolve(item_id, who.agent, lease=body.lease, reply=body.reply, reply_id=body.reply_id)
        log.info("%s resolved %s", who.agent, item_id)
        return json({"id": item_id, "state": "resolved"})

    @app.post("/api/items/{item_id:path}/release", tags=["agent"], responses=ERRORS)
    async def release(item_id: str, body: LeaseRequest, who: Agent) -> Response:
        """Give the item back to its queue, at its original place."""
        await store.release(item_id, who.agent, lease=body.lease)
        log.info("%s released %s", who.agent, item_id)
        return json({"id": item_id, "state": "queued"})

    @app.post("/api/items/{item_id:path}/escalate", tags=["agent"], responses=ERRORS)
    async def escalate(item_id: str, body: EscalateRequest, who: Agent) -> Response:
        """Move the item to another desk and/or raise its priority. With your lease, the item you hold goes to
        its new queue; a supervisor without a lease may move any queued or claimed item (revoking the lease)."""
        desk.check_desk(body.desk)
        as_supervisor = body.lease is None and who.is_supervisor
        if body.lease is None and not as_supervisor:
            raise DeskError(422, "invalid_request", "lease: required (only supervisors escalate without a lease)")
        try:
            route = await store.escalate(item_id, who.agent, desk=body.desk, priority=body.priority,
                                         lease=body.lease, supervisor=as_supervisor, reason=body.reason)
        except ValueError as exc:
            raise DeskError(422, "invalid_escalation", str(exc)) from None
        log.info("%s escalated %s to %s", who.agent, item_id, route.queue)
        return json({"id": item_id, "state": "queued", "queue": route.queue, "desk": route.desk,
                     "priority": int(route.priority)})


def _view_routes(app: FastAPI, desk: _Desk) -> None:
    store, policy, settings = desk.store, desk.policy, desk.settings

    @app.get("/api/me", tags=["agent"], responses=ERRORS)
    async def me(who: Agent) -> Response:
        """Who the token belongs to, and what the console needs to draw its menus."""
        return json({"agent": who.agent, "role": who.role, "desks": {d: list(c) for d, c in policy.desks.items()},
                     "critical_desk": policy.critical_desk, "categories": list(CATEGORIES),
                     "lease_seconds": settings.lease_seconds, "max_lease_seconds": settings.max_lease_seconds,
                     "max_items": settings.agent_max_items})

    @app.get("/api/mine", tags=["agent"], responses=ERRORS)
    async def mine(who: Agent) -> Response:
        """The items you hold now (after a reload of the console, say), each with its suggested replies."""
        return json({"items": [await desk.with_replies(i, who) for i in await store.held_by(who.agent)]})

    @app.get("/api/items/{item_id:path}/history", tags=["agent"], responses=ERRORS)
    async def history(item_id: str, who: Agent) -> Response:
        """The item's audit trail: every state change with its time (epoch ms) and agent, oldest first."""
        events = await store.history(item_id)
        if not events and await store.item(item_id) is None:
            raise DeskError(404, "not_found", "no such item")
        return json({"item_id": item_id, "events": events})

    @app.get("/api/items/{item_id:path}", tags=["agent"], responses=ERRORS)
    async def item(item_id: str, who: Agent) -> Response:
        """One item as agents see it, with its suggested replies."""
        found = await store.item(item_id)
        if found is None:
            raise DeskError(404, "not_found", "no such item")
        return json(await desk.with_replies(found, who))

    @app.get("/api/stats", tags=["agent"], responses=ERRORS)
    async def stats(_: Agent) -> Response:
        """Queue depths and oldest waiting item per queue and per desk, leases, flagged items, counters."""
        queues = await store.depths()
        leased, agents = await store.lease_holders()
        desks: dict[str, dict[str, float]] = {d: {"depth": 0, "oldest_age_seconds": 0.0} for d in policy.desks}
        for name, q in queues.items():
            d = desks.setdefault(name.rpartition(":p")[0], {"depth": 0, "oldest_age_seconds": 0.0})
            d["depth"] += q["depth"]
            d["oldest_age_seconds"] = max(d["oldest_age_seconds"], q["oldest_age_seconds"])
        return json({"queues": queues, "desks": desks, "leased": leased, "agents": agents,
                     "flagged": await store.flagged_count(), "counters": await store.counters()})

    @app.get("/api/holders", tags=["supervisor"], responses=ERRORS)
    async def holders(_: Supervisor) -> Response:
        """Who holds what: per agent, the items under its leases (no text, no author)."""
        return json({"holders": await store.holders()})

    @app.get("/api/flagged", tags=["supervisor"], responses=ERRORS)
    async def flagged(_: Supervisor) -> Response:
        """Items released or expired VIGIE_FLAG_AFTER times and not resolved yet."""
        return json({"items": await store.flagged()})


def _reply_routes(app: FastAPI, desk: _Desk) -> None:
    replies = desk.replies

    @app.get("/api/replies", tags=["agent"], responses=ERRORS)
    async def list_replies(_: Agent, category: str | None = None) -> Response:
        """The canned replies (of one category)."""
        all_ = [r.to_json(replies.igpn_url) for r in (await replies.all()).values()]
        return json({"replies": [r for r in all_ if category is None or category in r["categories"]]})

    @app.put("/api/replies/{reply_id}", tags=["supervisor"], responses=ERRORS)
    async def put_reply(reply_id: str, body: ReplyBody, who: Supervisor) -> Response:
        """Create or replace a canned reply (``{igpn_url}`` in the text becomes VIGIE_IGPN_REPORT_URL)."""
        try:
            reply = validate(reply_id, body.title, body.text, body.categories)
        except ValueError as exc:
            raise DeskError(422, "invalid_request", str(exc)) from None
        await replies.put(reply)
        log.info("%s saved canned reply %s", who.agent, reply_id)
        return json(reply.to_json(replies.igpn_url))

    @app.delete("/api/replies/{reply_id}", tags=["supervisor"], responses=ERRORS)
    async def delete_reply(reply_id: str, who: Supervisor) -> Response:
        """Delete a canned reply."""
        if not await replies.delete(reply_id):
            raise DeskError(404, "not_found", f"no canned reply {reply_id!r}")
        log.info("%s deleted canned reply %s", who.agent, reply_id)
        return json({"id": reply_id, "deleted": True})


def _service_routes(app: FastAPI, desk: _Desk, registry: CollectorRegistry) -> None:
    page, csp = _console()

    @app.get("/", include_in_schema=False)
    async def console() -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers={
            "Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store"})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return Response(b"ok", media_type="text/plain")

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        try:
            ok = bool(await desk.store.redis.ping())
        except (RedisError, OSError):
            ok = False
        return Response(b"ready" if ok else b"redis unreachable", status_code=200 if ok else 503,
                        media_type="text/plain")

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "vigie desk token create"}}
            schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
