"""The README's first command, as a user runs it: ``vigie demo --json`` on the embedded default."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

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
