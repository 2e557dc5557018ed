"""Sources that cannot push: a :class:`Poller` returns (network, raw payload) pairs, and :func:`run_poller`
sends them through the same path as the webhooks (split, produce, acks=all).

A batch the broker does not acknowledge is retried, never skipped, before the poller is asked again.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Protocol

from streams.gateway.app import records_for
from streams.gateway.producer import BrokerUnavailable, RecordSink
from streams.settings import Settings

log = logging.getLogger(__name__)


class Poller(Protocol):
    name: str
    interval: float

    async def poll(self) -> list[tuple[str, bytes]]:
        """New (network, raw payload) pairs since the last call."""


class JsonLinesPoller:
    """Follows a file that someone appends JSON lines to (one payload a line): a bridge, or a test."""

    def __init__(self, path: Path, network: str, *, interval: float = 1.0) -> None:
        self.path, self.network, self.interval = path, network, interval
        self.name = f"jsonl:{path.name}"
        self._offset = 0

    async def poll(self) -> list[tuple[str, bytes]]:
        return await asyncio.to_thread(self._read)

    def _read(self) -> list[tuple[str, bytes]]:
        try:
            with self.path.open("rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return []
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written waits for the next poll
        self._offset += len(complete)
        return [(self.network, line) for line in complete.splitlines() if line.strip()]


async def run_poller(poller: Poller, settings: Settings, sink: RecordSink) -> None:
    """Poll forever (until cancelled), producing what the poller returns."""
    while True:
        items = await poller.poll()
        records = [r for network, raw in items for r in records_for(settings, network, raw)]
        while records:
            try:
                await sink.send_all(records)
                break
            except BrokerUnavailable as err:
                log.warning("poller %s: broker unavailable (%s), retrying", poller.name, err)
                await asyncio.sleep(poller.interval)
        await asyncio.sleep(poller.interval)
