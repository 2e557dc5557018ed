"""The asyncio Redis client Vigie uses: redis-py, packing commands with hiredis when it is installed.

redis-py's synchronous connections pack commands with ``hiredis.pack_command``; its asyncio connections
still pack them in Python, argument by argument. The enqueue script takes ~30 arguments per message, and
that packing was ~12% of a worker's event-loop time (py-spy). Same protocol bytes, done in C.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.connection import Connection, SSLConnection
from redis.connection import HiredisRespSerializer
from redis.utils import HIREDIS_AVAILABLE


class _HiredisPacking:
    _packer = HiredisRespSerializer()

    def pack_command(self, *args: Any) -> list[bytes]:
        packed: list[bytes] = self._packer.pack(*args)
        return packed


class _Tcp(_HiredisPacking, Connection):
    pass


class _Tls(_HiredisPacking, SSLConnection):
    pass


_BY_SCHEME = {"redis": _Tcp, "rediss": _Tls}  # unix:// URLs: redis-py imposes its own connection class


def from_url(url: str, **kwargs: Any) -> aioredis.Redis:
    """``redis.asyncio.from_url`` with the C packer (unchanged when hiredis is not installed)."""
    scheme = url.split("://", 1)[0]
    if HIREDIS_AVAILABLE and scheme in _BY_SCHEME:
        kwargs.setdefault("connection_class", _BY_SCHEME[scheme])
    return aioredis.from_url(url, **kwargs)
