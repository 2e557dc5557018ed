"""Tokens in Redis: only hashes stored, roles, revocation, and the short per-process cache."""

from __future__ import annotations

import pytest

from streams.desk.auth import Identity, TokenStore, token_hash
from streams.queues import connect
from streams.settings import Settings

pytestmark = pytest.mark.integration


async def test_tokens_are_stored_hashed_and_revocation_reaches_other_replicas(settings: Settings) -> None:
    store = connect(settings)
    now = [0.0]
    try:
        mint = TokenStore(store.redis, settings.key_prefix)
        replica = TokenStore(store.redis, settings.key_prefix, cache_seconds=2.0, clock=lambda: now[0])
        token = await mint.create("alice", "supervisor")
        stored = await store.redis.hgetall(mint.key)
        assert list(stored) == [token_hash(token).encode()] and token.encode() not in b"".join(stored.values())
        assert await replica.identify(token) == Identity("alice", "supervisor")
        assert await replica.identify(token[:-1]) is None and await replica.identify("nope") is None
        assert await mint.revoke(agent="alice") == 1
        assert await mint.identify(token) is None  # at once where it was revoked
        assert await replica.identify(token) == Identity("alice", "supervisor")  # cached on another replica ...
        now[0] = 2.5
        assert await replica.identify(token) is None  # ... for at most cache_seconds
        with pytest.raises(ValueError, match="invalid role"):
            await mint.create("bob", "admin")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="invalid agent name"):
            await mint.create("bob smith", "agent")
        with pytest.raises(ValueError, match="say which tokens"):
            await mint.revoke()
    finally:
        await store.redis.aclose()
