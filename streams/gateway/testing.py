"""An in-memory :class:`~streams.gateway.producer.RecordSink` for unit tests of the HTTP side."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from streams.gateway.producer import BrokerUnavailable, OutRecord


class MemorySink:
    """Keeps what it is sent. ``gate``: when set to an unset Event, sends wait for it; ``down``: sends fail."""

    def __init__(self) -> None:
        self.records: list[OutRecord] = []
        self.down = False
        self.gate: asyncio.Event | None = None

    async def send_all(self, records: Sequence[OutRecord]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.down:
            raise BrokerUnavailable("down")
        self.records.extend(records)

    async def ready(self) -> bool:
        return not self.down
