"""faust's aiokafka transport with two changes faust offers no setting for.

- **The consumer's fetch wait.** faust builds its worker consumer with ``fetch_max_wait_ms=1500``. A broker that
  honours ``fetch_min_bytes=1`` answers a fetch as soon as a record arrives, so the wait only bounds idle polls;
  a broker that holds the fetch for most of the wait (Tansu does: measured p50 ≈ 380 ms from produce to consume
  at 1500 ms, 25 ms at 100 ms) adds that hold to every message's arrival → claimable latency.
- **The hand-over of each fetched message.** faust's consumer awaits ``wait_first(callback(message),
  suspend_flow.wait())`` for every message: the callback, which puts the message in the agents' streams, raced
  against a rebalance suspending the flow. mode's ``wait_first`` makes that four tasks (the two, and the
  service's stopped and crashed events), an ``asyncio.wait`` and three cancellations: ~29 µs a message here,
  a fifth of a worker's CPU. The callback only waits when a stream's buffer is full, so
  :func:`wait_first_eagerly` runs it inline first: when it ends without waiting, that is what the race would
  have returned; when it waits, the rest of it runs in a task that races the rest exactly as before.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Coroutine, Generator
from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver
from mode import Service
from mode.services import WaitResults


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # read by AIOKafkaConsumer.start() when it builds its fetcher, which happens after this returns
        consumer._fetch_max_wait_ms = int(transport.fetch_max_wait * 1000)
        return consumer


async def wait_first_eagerly(service: Service, *coros: Any, timeout: Any = None) -> WaitResults:
    """``service.wait_first(callback, other)`` (mode's), with the coroutine ``callback`` first run inline up to
    its first wait. Anything else (one awaitable or three, a timeout, a stopped service) goes to mode as is."""
    first = coros[0] if coros else None
    if (len(coros) != 2 or timeout is not None or not asyncio.iscoroutine(first)
            or service._stopped.is_set() or service._crashed.is_set()):
        return await Service.wait_first(service, *coros, timeout=timeout)
    try:
        waiting = first.send(None)
    except StopIteration as finished:  # the common case: done without waiting
        _close(coros[1])
        return WaitResults([first], [finished.value], False)
    except BaseException:
        _close(coros[1])
        raise
    # it waits on `waiting`: its task goes on from there, raced against the other awaitable as mode does
    return await Service.wait_first(service, asyncio.ensure_future(_resume(first, waiting)), coros[1])


def _close(awaitable: Awaitable[Any]) -> None:
    if asyncio.iscoroutine(awaitable):
        awaitable.close()  # never to be awaited


async def _resume(coro: Coroutine[Any, Any, Any], waiting: Any) -> Any:
    return await _carry_on(coro, waiting)


@types.coroutine
def _carry_on(coro: Coroutine[Any, Any, Any], waiting: Any) -> Generator[Any, Any, Any]:
    """Go on running ``coro``, stopped at an ``await`` that yielded ``waiting``, inside the caller's task just as
    its own task would have: what it yields goes up to the task, what the task sends or throws in goes down."""
    while True:
        try:
            sent = yield waiting
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as exc:  # cancellation included: passed on, as a task would
            try:
                waiting = coro.throw(exc)
            except StopIteration as finished:
                return finished.value
        else:
            try:
                waiting = coro.send(sent)
            except StopIteration as finished:
                return finished.value


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def wait_first(self, *coros: Any, timeout: Any = None) -> WaitResults:
        return await wait_first_eagerly(self, *coros, timeout=timeout)


class Transport(driver.Transport):
    Consumer = _Consumer
    fetch_max_wait = 1.5  # seconds, faust's own value


def install(app: faust.App, fetch_max_wait: float) -> None:
    """Give ``app`` this transport (call before the app starts)."""
    transport = Transport(app.conf.broker_consumer, app)
    transport.fetch_max_wait = fetch_max_wait
    app.transport = transport
