"""The scoring process's wire format, and the pool end to end (a real child process, the shipped model)."""

from __future__ import annotations

import pickle

import orjson
import pytest

from classifiers.neardup_cluster import Follow
from classifiers.routing import RoutingPolicy
from classifiers.urgency import UrgencyModel
from streams.networks import ParseError
from streams.pipeline import prepare
from streams.scoring import ScoringPool, from_wire, to_wire
from streams.settings import Settings

TEXTS = [
    "on est cachés dans la réserve du Bataclan, ils tirent encore, venez vite",
    "RT @x: URGENT fusillade rue de Charonne, restez chez vous 🙏 #Paris",
    "merci ❤️",  # too short for a sketch
    "le métro est fermé ce soir ?? ligne 9",
]


def _raw(texts: list[str]) -> list[tuple[str | None, bytes, float]]:
    out: list[tuple[str | None, bytes, float]] = []
    for i, text in enumerate(texts):
        tweet = {"data": {"id": str(1000 + i), "text": text, "author_id": f"u{i}",
                          "created_at": "2015-11-13T21:30:00Z"}}
        out.append(("x", orjson.dumps(tweet), 1447450200.0 + i))
    out.append(("x", b"{not json", 1447450300.0))
    return out


@pytest.fixture(scope="module")
def model() -> UrgencyModel:
    return UrgencyModel.load(Settings().model_path)


def test_a_decision_crosses_the_wire_unchanged(model: UrgencyModel) -> None:
    results = prepare(model, RoutingPolicy(), _raw(TEXTS), 65536).results
    decisions = [d for r in results if not isinstance(r, ParseError) for d in r]
    assert len(decisions) == len(TEXTS)
    assert any(d.sketch is None for d in decisions) and any(d.sketch is not None for d in decisions)
    for d in decisions:
        assert from_wire(pickle.loads(pickle.dumps(to_wire(d)))) == d


def test_the_pool_returns_what_prepare_returns_inline(model: UrgencyModel) -> None:
    import asyncio

    raw = _raw([*TEXTS, TEXTS[1]])  # the last message reposts the second: the plan says so
    pool = ScoringPool(Settings(scoring_processes=1))
    try:
        assert pool.warm_up() == model.version
        remote = asyncio.run(pool.prepare(raw, 65536))
    finally:
        pool.close()
    inline = prepare(model, RoutingPolicy(), raw, 65536)
    assert [r.reason if isinstance(r, ParseError) else r for r in remote.results] == \
        [r.reason if isinstance(r, ParseError) else r for r in inline.results]
    assert remote.plan == inline.plan
    assert remote.plan[-1] == Follow(1, "exact") and remote.plan[:-1] == [None] * len(TEXTS)
    assert isinstance(remote.results[-1], ParseError) and remote.results[-1].reason == "invalid_json"


def test_the_scoring_process_freezes_its_start_up_heap_and_collects_less_often() -> None:
    import gc

    from streams.runtime import GC_THRESHOLDS

    pool = ScoringPool(Settings(scoring_processes=1))
    try:
        pool.warm_up()
        assert pool.executor.submit(gc.get_freeze_count).result(timeout=60) > 0  # the model is out of reach
        assert pool.executor.submit(gc.get_threshold).result(timeout=60) == GC_THRESHOLDS
    finally:
        pool.close()
