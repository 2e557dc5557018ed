"""faust's aiokafka transport with one knob faust does not expose: the consumer's fetch wait.

faust builds its worker consumer with ``fetch_max_wait_ms=1500``. A broker that honours
``fetch_min_bytes=1`` answers a fetch as soon as a record arrives, so the wait only bounds idle polls; a broker
that holds the fetch for most of the wait (Tansu does: measured p50 ≈ 380 ms from produce to consume at
1500 ms, 25 ms at 100 ms) adds that hold to every message's arrival → claimable latency.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # read by AIOKafkaConsumer.start() when it builds its fetcher, which happens after this returns
        consumer._fetch_max_wait_ms = int(transport.fetch_max_wait * 1000)
        return consumer


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(driver.Transport):
    Consumer = _Consumer
    fetch_max_wait = 1.5  # seconds, faust's own value


def install(app: faust.App, fetch_max_wait: float) -> None:
    """Give ``app`` this transport (call before the app starts)."""
    transport = Transport(app.conf.broker_consumer, app)
    transport.fetch_max_wait = fetch_max_wait
    app.transport = transport
