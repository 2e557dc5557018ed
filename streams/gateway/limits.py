"""Backpressure: a token bucket per source (429 + Retry-After) and a bounded in-flight window (503).

Both are plain objects driven by an injected monotonic clock, used from one event loop (no locks needed).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, float(burst), clock
        self._tokens, self._at = float(burst), clock()

    def take(self) -> float:
        """0.0 if a token was taken, else the seconds until one will be there."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate


class RateLimiter:
    """One :class:`TokenBucket` per source (an endpoint: ``facebook``, ``x``, ``ingest:sms``...)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._buckets: dict[str, TokenBucket] = {}

    def retry_after(self, source: str) -> int:
        """0 when the request may go on, else whole seconds to put in ``Retry-After`` (at least 1)."""
        bucket = self._buckets.get(source)
        if bucket is None:
            bucket = self._buckets[source] = TokenBucket(self.rate, self.burst, self._clock)
        wait = bucket.take()
        return 0 if wait == 0.0 else max(1, math.ceil(wait))


class InFlight:
    """At most ``limit`` deliveries between "signature checked" and "answered"."""

    def __init__(self, limit: int) -> None:
        self.limit, self.current = limit, 0

    def try_acquire(self) -> bool:
        if self.current >= self.limit:
            return False
        self.current += 1
        return True

    def release(self) -> None:
        self.current -= 1
