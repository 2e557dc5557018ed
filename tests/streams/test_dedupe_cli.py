"""``vigie dedupe`` on good and bad lines, and the quality gate on police_fr_dev's labelled duplicate groups."""

from __future__ import annotations

import asyncio
import itertools
import random
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.dedupe_cli import dedupe_lines, read_lines
from streams.embedded import EmbeddedRedis
from streams.settings import Settings

pytestmark = pytest.mark.integration

LINES = [
    {"id": "a1", "text": "Fusillade en cours aux Halles. Évitez Châtelet. Partagez.", "priority": 2, "extra": [1]},
    {"id": "a2", "text": "URGENT fusillade en cours aux Halles, évitez Châtelet !!!", "priority": 2},
    {"id": 3, "text": "fusillade en cours rue de la Roquette, restez chez vous", "priority": 0},
    {"id": "a4", "text": "RT @x: Fusillade en cours aux Halles. Évitez Châtelet. Partagez.", "priority": 2},
    {"id": "a5", "text": "fusillade en cours rue de Charonne, restez chez vous", "priority": 0},
]


def jsonl(rows: list[object]) -> bytes:
    return b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in rows)


def test_clusters_are_the_first_messages_ids(redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(LINES))
    result = CliRunner().invoke(main, ["dedupe", "--input", str(source), "--output", str(out),
                                       "--redis-url", redis_server.url])
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["cluster"] for r in rows] == ["a1", "a1", "3", "a1", "a5"]
    assert rows[0] == {**LINES[0], "cluster": "a1"}  # every key kept as it was
    assert rows[2]["id"] == 3
    assert "5 messages clustered, 0 bad lines skipped" in result.output


def test_bad_lines_are_reported_with_their_number_and_skipped(redis_server: EmbeddedRedis, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl([LINES[0], b"{not json", {"id": "x"}, {"text": "no id"}, [1, 2],
                              {"id": "p", "text": "bonjour", "priority": 7}, b"", LINES[1]]))
    result = CliRunner().invoke(main, ["dedupe", "--input", str(source), "--redis-url", redis_server.url])
    assert result.exit_code == 0, result.output
    out = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["cluster"]) for r in out] == [("a1", "a1"), ("a2", "a1")]
    errors = result.stderr
    assert "line 2: not JSON" in errors
    assert "line 3: missing or invalid 'text'" in errors
    assert "line 4: missing or invalid 'id'" in errors
    assert "line 5: not a JSON object" in errors
    assert "line 6: invalid 'priority'" in errors
    assert "2 messages clustered, 5 bad lines skipped" in errors


def test_stdin_to_stdout_with_its_own_redis_and_the_model() -> None:
    """The defaults: stdin → stdout, an embedded redis-server for the run, and lines without a priority
    scored by the urgency model, as the worker does."""
    rows = [{"id": i, "text": t} for i, t in enumerate([
        "Le métro ligne 9 est fermé ce soir ? je dois rentrer à Oberkampf",
        "le metro ligne 9 est ferme ce soir ??? je dois rentrer a Oberkampf 🙏",
        "Le métro ligne 4 est fermé ce soir ? je dois rentrer à Oberkampf",
    ])]
    done = subprocess.run([sys.executable, "-m", "streams.cli", "dedupe"], input=jsonl(rows),
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    out = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert [r["cluster"] for r in out] == ["0", "0", "2"]


@pytest.mark.data
def test_labelled_duplicate_groups(redis_server: EmbeddedRedis, data_dir: Path) -> None:
    """Pairwise precision and recall over police_fr_dev's 40 duplicate groups (143 pairs), in three arrival
    orders, through the worker's path. Measured: precision 1.0, recall 0.972; the gate is the issue's targets."""
    raw = (data_dir / "police_fr_dev" / "messages.jsonl").read_bytes().splitlines()
    for order_seed in range(3):
        order = list(raw)
        if order_seed:
            random.Random(order_seed).shuffle(order)
        lines = list(read_lines(order, time.time(), pytest.fail))
        settings = Settings(redis_url=redis_server.url, key_prefix=f"gate{order_seed}{time.monotonic_ns()}")
        clusters = asyncio.run(dedupe_lines(lines, settings))
        groups = [line.obj.get("dup_group") for line in lines]
        pred = {(i, j) for i, j in itertools.combinations(range(len(lines)), 2) if clusters[i] == clusters[j]}
        gold = {(i, j) for i, j in itertools.combinations(range(len(lines)), 2)
                if groups[i] is not None and groups[i] == groups[j]}
        precision, recall = len(pred & gold) / len(pred), len(pred & gold) / len(gold)
        assert len(gold) == 143
        assert precision >= 0.99, (order_seed, precision, sorted(pred - gold)[:5])
        assert recall >= 0.95, (order_seed, recall)
