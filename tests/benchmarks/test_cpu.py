"""CPU accounting of the benchmarks (``benchmarks/cpu.py``), against this process and a real child."""

from __future__ import annotations

import subprocess
import sys
import time
from types import ModuleType

import pytest

from streams.settings import REPO_ROOT


@pytest.fixture
def cpu(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO_ROOT / "benchmarks"))
    import cpu as module  # a script folder, not a package

    return module


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_a_process_cpu_time_grows_with_its_work(cpu: ModuleType) -> None:
    import os

    before = cpu.process_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    after = cpu.process_seconds(os.getpid())
    assert before is not None and after is not None and after - before >= 0.1


def test_children_finds_a_child_and_nothing_for_a_missing_process(cpu: ModuleType) -> None:
    import os

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert child.pid in cpu.children(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert cpu.process_seconds(child.pid) is None  # reaped: gone from /proc


def test_per_record_divides_each_role_and_reports_cores_busy(cpu: ModuleType) -> None:
    before = {"consumer": 10.0, "scoring": 5.0, "machine": 100.0, "at": 50.0}
    after = {"consumer": 10.3, "scoring": 5.2, "machine": 103.6, "at": 52.0}
    assert cpu.per_record(before, after, 1000) == {"consumer": 300.0, "scoring": 200.0, "cores_busy": 1.8}
    assert cpu.per_record(before, {"at": 52.0}, 1000) == {}  # nothing readable after: nothing said


def test_the_ceiling_is_the_cores_over_the_cpu_of_every_process_per_record(cpu: ModuleType) -> None:
    usage = {"consumer": 100.0, "scoring": 150.0, "redis-server": 150.0, "cores_busy": 1.8}
    assert cpu.ceiling(usage, cores=2) == 5000.0  # 2 s of CPU a second / 400 µs a record
    assert cpu.ceiling(usage, cores=4) == 10000.0
    assert cpu.ceiling({"cores_busy": 1.0}, cores=2) is None  # no process read: no bound
