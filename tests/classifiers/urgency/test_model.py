"""The shipped urgency model (the default, models/urgency-v3): it loads, and its scores make sense to a desk
officer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from classifiers.taxonomy import CATEGORIES
from classifiers.urgency import Score, UrgencyModel
from classifiers.urgency.features import FEATURE_SCHEMA_VERSION
from streams.settings import Settings

MODEL_DIR: Path = Settings.model_fields["model_path"].default

# Invented for these tests.
CRITICAL = [
    "on est cachés dans la réserve du bataclan ils tirent encore aidez nous",
    "ils tirent sur les terrasses rue de charonne, il y a des blessés partout, venez vite",
    "mon voisin frappe sa femme, elle hurle, il a un couteau, 14 rue des Lilas 3e étage",
    "otages dans l'épicerie porte de vincennes, on est enfermés dans la chambre froide",
    "we are hiding in the toilets of the concert hall, gunmen still shooting, please help",
    # other crisis types than attacks (no attack vocabulary)
    "inondation, on est sur le toit avec les enfants, l'eau monte vite, aidez nous",
    "mouvement de foule à la sortie du stade, des gens écrasés contre les grilles porte B, venez vite",
]
THANKS = "merci à la police pour votre travail"
VARIED = [
    THANKS, "comment faire une pré-plainte en ligne ?", "le métro ligne 9 roule ce soir ?", "ACAB", "",
    "😂😂😂", "RT @quelquun: gagnez 1000€ en crypto https://bit.ly/xyz", "a" * 2000, "شكرا للشرطة",
    "ZZVIGIESEPARATORZZ texte piégé", "deux\nlignes", "\ue000", "ok", "a b", *CRITICAL,
]
# Invented hard cases: alarming words used figuratively, negated or past danger, official reposts.
NOT_URGENT = [
    "ce concert c'était une tuerie mdr 😂",
    "pas de blessés de notre côté, c'était des pétards, tout va bien",
    "il y a dix ans l'attentat, on n'oublie pas, hommage aux victimes",
    "je suis mort de rire devant ta vidéo",
]


@pytest.fixture(scope="module")
def model() -> UrgencyModel:
    return UrgencyModel.load(MODEL_DIR)


def test_shipped_artifact_loads_with_its_metadata(model: UrgencyModel) -> None:
    assert model.version.startswith(f"{MODEL_DIR.name}+")
    assert model.metadata["schema_version"] == FEATURE_SCHEMA_VERSION
    assert model.metadata["metrics"]["held_out"]["n"] > 0
    assert (MODEL_DIR / "MODEL_CARD.md").is_file()
    assert (MODEL_DIR / "model.skops").stat().st_size < 20_000_000


def test_scores_are_well_formed(model: UrgencyModel) -> None:
    scores = model.score(VARIED, ["fr"] * (len(VARIED) - 1) + [None])
    assert len(scores) == len(VARIED)
    for score in scores:
        assert isinstance(score, Score)
        assert score.priority in (0, 1, 2, 3)
        assert score.category in CATEGORIES
        assert 0.0 <= score.urgency <= 1.0
        assert isinstance(score.reasons, tuple) and len(score.reasons) <= 3
        assert all(isinstance(r, str) and r for r in score.reasons)


def test_obviously_critical_messages_outrank_thanks(model: UrgencyModel) -> None:
    *critical, thanks = model.score([*CRITICAL, THANKS])
    assert thanks.priority == 3
    for text, score in zip(CRITICAL, critical, strict=True):
        assert score.priority <= 1, (text, score)
        assert score.urgency > thanks.urgency, (text, score)


def test_figurative_negated_and_past_danger_is_not_critical(model: UrgencyModel) -> None:
    for text, score in zip(NOT_URGENT, model.score(NOT_URGENT), strict=True):
        assert score.priority >= 2, (text, score)


def test_reasons_point_at_the_danger(model: UrgencyModel) -> None:
    [score] = model.score([CRITICAL[0]])
    assert score.reasons
    for reason in score.reasons:  # a cue, or a word of the message as it was written
        assert reason.startswith("indice : ") or reason.strip("« »") in CRITICAL[0]


def test_a_batch_scores_each_message_as_if_alone(model: UrgencyModel) -> None:
    together = model.score(VARIED)
    alone = [model.score([text])[0] for text in VARIED]
    for a, b in zip(together, alone, strict=True):
        assert (a.priority, a.category, a.reasons) == (b.priority, b.category, b.reasons)
        assert a.urgency == pytest.approx(b.urgency, abs=1e-5)


def test_empty_batch_and_mismatched_langs(model: UrgencyModel) -> None:
    assert model.score([]) == []
    with pytest.raises(ValueError, match="langs"):
        model.score(["a", "b"], ["fr"])


def test_a_surge_batch_is_fast(model: UrgencyModel) -> None:
    """A guard against accidental per-message work, far looser than the target (benchmarks/model_speed.py: 1,000
    messages in ~60 ms on one core of a shared machine; one message in under 1 ms)."""
    batch = (VARIED * 60)[:1000]
    model.score(batch)
    best = min(_timed(model, batch) for _ in range(3))
    assert best < 0.4, f"1000 messages took {best * 1000:.0f} ms"
    single = min(_timed(model, [CRITICAL[0]]) for _ in range(20))
    assert single < 0.01, f"one message took {single * 1000:.1f} ms"


def _timed(model: UrgencyModel, batch: list[str]) -> float:
    started = time.perf_counter()
    model.score(batch)
    return time.perf_counter() - started
