"""The model's batch normalisation, tokenisation and cue lexicon (pure: no data, no artifact)."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.urgency.cues import CUE_NAMES, CueIndex
from classifiers.urgency.features import Featurizer
from classifiers.urgency.text import ROW_MARK, prepare, tokenize


def test_prepare_folds_what_people_vary_and_keeps_tone() -> None:
    texts = ["J'ai VU un Homme armé!!!!  https://t.co/Ab-c rue de l'Église", "", "  Œuvre — fin  ",
             "deux\nlignes", "@Alice aidezzzz 😂😂😂😂", "pré-plainte 1111"]
    assert prepare(texts) == ["j ai vu un homme arme!! url rue de l eglise", "", "oeuvre fin", "deux lignes",
                              "@user aidezz 😂😂", "pre plainte 1111"]
    assert prepare([]) == []
    assert prepare(texts) == [prepare([t])[0] for t in texts]  # a batch is each text alone


def test_tokenize_keeps_rows_apart_even_with_the_marker_in_a_text() -> None:
    tokens, rows = tokenize(["on est la ?", "", "ok"])
    assert [t for t in tokens if t != ROW_MARK] == ["on", "est", "la", "?", "ok"]
    assert rows[tokens.index("ok")] == 2 and rows[tokens.index("?")] == 0
    tokens, rows = tokenize([f"a {ROW_MARK} b", "c"])
    assert rows.tolist()[-1] == 1 and tokens[-1] == "c"


@pytest.fixture(scope="module")
def featurizer() -> Featurizer:
    return Featurizer([], [], [], [])  # no n-gram vocabulary: cues only


def cues(featurizer: Featurizer, text: str) -> set[str]:
    [row] = featurizer.cue_hits(prepare([text]))
    return {CUE_NAMES[i] for i in np.flatnonzero(row)}


@pytest.mark.parametrize(("text", "present", "absent"), [
    # invented hard cases: each cue named is one a desk officer would look for
    ("on est cachés dans la réserve, ils sont encore devant", {"présence + caché", "caché + menace présente"}, set()),
    ("ma soeur m'écrit, elle est coincée dans les toilettes de la salle",
     {"relais précis d un proche"}, set()),
    ("c'était une tuerie ce concert mdr", {"plaisanterie / figuré"}, {"présence + arme", "arme + maintenant"}),
    ("pas de blessés, c'était des pétards", {"négation du danger"}, {"arme + maintenant"}),
    ("il paraît qu'il y a des tirs à Châtelet ?", {"arme + ouï-dire", "arme + question"}, {"arme + maintenant"}),
    ("il y a 10 ans, l'attentat. on n'oublie pas", {"arme + passé"}, {"arme + maintenant"}),
    ("inondation, on est sur le toit avec les enfants, l'eau monte", {"catastrophe + piégé"}, set()),
    ("bébé enfermé dans une voiture en plein soleil", {"enfant + voiture au chaud"}, set()),
    ("RT @PoliceNationale: appel à témoins, contactez le 197", {"RT + consigne"}, set()),
    ("shots fired, we are hiding in the kitchen", {"présence + caché", "présence + arme"}, set()),
])
def test_cues_fire_on_the_hard_cases(featurizer: Featurizer, text: str, present: set[str], absent: set[str]) -> None:
    found = cues(featurizer, text)
    assert present <= found, (text, found)
    assert not absent & found, (text, found)


def test_prefix_phrases_match_every_ending(featurizer: Featurizer) -> None:
    for text in ("il est blessé", "elles sont blessées", "BLESSÉS"):
        assert "blessure / détresse physique" in cues(featurizer, text)
    assert "nombre" in cues(featurizer, "au 12") and "passé / mémoire" in cues(featurizer, "en 2015")


def test_a_batch_finds_the_cues_of_each_text_alone(featurizer: Featurizer) -> None:
    texts = ["on est cachés", "ils tirent encore", "", "mdr", "au secours on est coincés sous les décombres"]
    together = featurizer.cue_hits(prepare(texts))
    alone = np.vstack([featurizer.cue_hits(prepare([t])) for t in texts])
    assert (together == alone).all()
    assert not together[2].any()


def test_lexicon_compiles_with_one_column_per_cue() -> None:
    index = CueIndex()
    assert index.n_cues == len(CUE_NAMES) == len(set(CUE_NAMES))
    assert len(index.keys) == len(set(index.keys.tolist()))
