"""Per-agent bearer tokens, stored hashed in Redis, with two roles: ``agent`` and ``supervisor``.

A token is 32 random bytes (``secrets.token_urlsafe``) behind a ``vgd_`` prefix, shown once when minted
(``vigie desk token create --agent alice --role agent``). Redis keeps only ``sha256(token)`` in the hash
``{p}:tokens`` (hash → ``{"agent", "role", "created_at"}``), shared by every API replica, so a token can be
minted or revoked without a restart. A plain SHA-256 is enough here, unlike for passwords: with 256 random bits
there is nothing to guess or to look up in a dictionary, and a slow hash would only slow every request.
A request is authenticated by hashing the presented token and looking the hash up: the token itself is never
compared, stored or logged. Each API process remembers a looked-up token for ``cache_seconds`` (2 s), which saves
a Redis round trip per request: a revoked token is refused within that time on every replica.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import orjson
import redis.asyncio as aioredis

Role = Literal["agent", "supervisor"]
ROLES: tuple[Role, ...] = ("agent", "supervisor")
PREFIX = "vgd_"
AGENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True, slots=True)
class Identity:
    agent: str
    role: Role

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_agent_name(agent: str) -> str:
    if not AGENT_NAME.fullmatch(agent):
        raise ValueError(f"invalid agent name {agent!r}: 1-64 letters, digits, '.', '_' or '-'")
    return agent


class TokenStore:
    def __init__(self, client: aioredis.Redis, key_prefix: str, *, cache_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis = client
        self.key = "{" + key_prefix + "}:tokens"
        self.cache_seconds, self.clock = cache_seconds, clock
        self._cache: dict[str, tuple[float, Identity | None]] = {}

    async def create(self, agent: str, role: Role) -> str:
        """Mint a token for ``agent``; returns it (the only time it is ever visible)."""
        if role not in ROLES:
            raise ValueError(f"invalid role {role!r}; roles are {', '.join(ROLES)}")
        token = PREFIX + secrets.token_urlsafe(32)
        record = {"agent": check_agent_name(agent), "role": role, "created_at": int(time.time())}
        await self.redis.hset(self.key, token_hash(token), orjson.dumps(record))
        return token

    async def identify(self, token: str) -> Identity | None:
        """The identity behind a presented token, or None."""
        if not token.startswith(PREFIX) or len(token) > 100:
            return None
        digest, now = token_hash(token), self.clock()
        cached = self._cache.get(digest)
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        raw = await self.redis.hget(self.key, digest)
        identity = None
        if raw is not None:
            record = orjson.loads(raw)
            identity = Identity(record["agent"], record["role"])
        if len(self._cache) > 10_000:  # forged tokens must not grow it without bound
            self._cache = {k: v for k, v in self._cache.items() if now - v[0] < self.cache_seconds}
        self._cache[digest] = (now, identity)
        return identity

    async def list(self) -> list[dict[str, Any]]:
        """Every token's agent, role, creation time and the first 12 hex digits of its hash (never the token)."""
        rows = [{**orjson.loads(v), "hash": (k.decode() if isinstance(k, bytes) else k)[:12]}
                for k, v in (await self.redis.hgetall(self.key)).items()]
        return sorted(rows, key=lambda r: (r["agent"], r["created_at"]))

    async def revoke(self, *, agent: str | None = None, hash_prefix: str | None = None) -> int:
        """Delete the tokens of ``agent`` or whose hash starts with ``hash_prefix``; returns how many."""
        if not agent and not hash_prefix:
            raise ValueError("say which tokens to revoke: an agent or a hash prefix")
        doomed = []
        for k, v in (await self.redis.hgetall(self.key)).items():
            key = k.decode() if isinstance(k, bytes) else k
            if (agent and orjson.loads(v)["agent"] == agent) or (hash_prefix and key.startswith(hash_prefix)):
                doomed.append(key)
        self._cache.clear()
        return int(await self.redis.hdel(self.key, *doomed)) if doomed else 0
