"""The README's first command, as a user runs it: ``vigie demo --json`` on the embedded default."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import orjson
import pytest

from streams.demo import wait_accounted
from streams.queues import connect
from streams.settings import Settings

pytestmark = pytest.mark.integration


@pytest.mark.timeout(180)
def test_demo_accounts_for_every_record_and_cleans_up() -> None:
    out = subprocess.run([sys.executable, "-m", "streams.cli", "demo", "--messages", "400", "--json"],
                         capture_output=True, timeout=170, check=False)
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-3000:]
    summary = orjson.loads(out.stdout)  # stdout is one JSON object and nothing else
    for key in ("produced", "enqueued", "duplicates", "dead_letters", "queues"):
        assert key in summary
    assert summary["produced"] == 400
    assert summary["produced"] == (summary["enqueued"] + summary["duplicates"] + summary["dead_letters"]
                                   + summary["ignored"])
    assert summary["duplicates"] > 0 and summary["dead_letters"] > 0
    assert sum(summary["queues"].values()) == summary["enqueued"]  # nobody claimed: every item is queued
    assert summary["queues"]["emergencies:p0"] > 0
    # the consumer lag rose while the worker caught up, and fell back to zero
    assert summary["lag"]["max_messages"] > 0 and summary["lag"]["final_messages"] == 0
    # every process the demo started is gone
    leftovers = subprocess.run(["pgrep", "-f", "tansu broker|streams.cli worker"], capture_output=True, text=True)
    own = [pid for pid in leftovers.stdout.split() if _parent_is_demo(pid)]
    assert own == []


def _parent_is_demo(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.startswith("PPid:") and line.split()[1] == "1" for line in status)
    except OSError:
        return False


async def test_the_drain_is_timed_from_the_last_poll_that_found_nothing(settings: Settings) -> None:
    store = connect(settings)
    worker = subprocess.Popen(["sleep", "30"])
    try:
        async def finish_later() -> None:
            await asyncio.sleep(0.35)
            await store.redis.hset(store.stats_key, mapping={"enqueued": 60, "dead_letters": 40})

        task = asyncio.ensure_future(finish_later())
        counters, drain = await wait_accounted(store, 100, 10, worker, lambda done: None)
        await task
        assert counters["enqueued"] == 60
        assert drain is not None and 0.05 < drain < 5  # from the poll before the write to the one after it
        # all counted before the first poll: when the drain began is unknown, so no figure (not 10^7/s)
        assert (await wait_accounted(store, 100, 10, worker, lambda done: None))[1] is None
    finally:
        worker.kill()
        worker.wait()
        await store.redis.aclose()
