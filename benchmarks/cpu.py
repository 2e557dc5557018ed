"""CPU time of the processes under test while they share the cores, from ``/proc`` (Linux; ``None`` elsewhere).

A drain's figures say how fast; these say what each process spent per record meanwhile — the worker's event
loop, its scoring process, redis-server, the broker — and how busy the machine's cores were. On a machine
whose cores are all busy, a record's cost is the sum over processes, and so is what saving CPU anywhere buys.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` (all its threads)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state is field 3 of the man page
        return (int(fields[11]) + int(fields[12])) / _TICK
    return None


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (a worker's scoring process)."""
    out = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    stat = Path(entry.path, "stat").read_text()
                    if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                        out.append(int(entry.name))
    return out


def busy_seconds() -> float | None:
    """CPU seconds the whole machine spent not idle, all cores together."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return (sum(values) - values[3] - values[4]) / _TICK  # minus idle and iowait
    return None


Snapshot = dict[str, float]


def snapshot(roles: Mapping[str, Sequence[int]]) -> Snapshot:
    """CPU seconds so far of each role's processes (roles whose processes cannot be read are left out), the
    machine's busy seconds (``"machine"``) and the time (``"at"``)."""
    out: Snapshot = {}
    for role, pids in roles.items():
        seconds = [s for pid in pids if (s := process_seconds(pid)) is not None]
        if seconds:
            out[role] = sum(seconds)
    if (busy := busy_seconds()) is not None:
        out["machine"] = busy
    out["at"] = time.monotonic()
    return out


def per_record(before: Snapshot, after: Snapshot, records: int) -> dict[str, float]:
    """µs of CPU per record of each role between two snapshots, and ``cores_busy``: how many of the machine's
    cores were busy on average (e.g. 1.8 of 2)."""
    out = {role: round(1e6 * (after[role] - before[role]) / records, 1)
           for role in before if role in after and role not in ("machine", "at") and records}
    if "machine" in before and "machine" in after and after["at"] > before["at"]:
        out["cores_busy"] = round((after["machine"] - before["machine"]) / (after["at"] - before["at"]), 2)
    return out


def ceiling(usage: Mapping[str, float], cores: int | None = None) -> float | None:
    """Records/s the machine's ``cores`` could do at the CPU per record of ``usage`` (:func:`per_record`) if
    they did nothing else and none of them ever waited: the bound a consumer meets once every core is busy,
    whatever runs where. Only the processes read count: with servers on other hosts (``--kafka-url``,
    ``--redis-url``) it is the bound of the consumers' host. ``None`` when no process's CPU was read."""
    spent = sum(v for role, v in usage.items() if role != "cores_busy")
    cores = cores or os.cpu_count() or 1
    return round(cores * 1e6 / spent, 1) if spent > 0 else None
