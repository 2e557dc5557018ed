"""Artifact round trip and refusal, on a tiny model trained on invented messages (no real data needed)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import skops.io
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from classifiers.urgency import ModelMismatchError, UrgencyModel
from classifiers.urgency.data import (
    Example,
    load_crisislex,
    load_desk,
    load_munro,
    split_desk,
    training_fingerprint,
)
from classifiers.urgency.features import Featurizer, prepare
from classifiers.urgency.model import ARTIFACT_FILE, METADATA_FILE, file_sha256
from classifiers.urgency.train import save, seed_examples, to_artifact, train

PLACES = ["la gare de l'Est", "la rue de Charonne", "le cinéma du boulevard", "la place de la République",
          "le stade", "la médiathèque", "le marché couvert", "la rue Oberkampf", "le parking Indigo",
          "la station Nation", "le lycée Voltaire", "le centre commercial"]
TEMPLATES = [  # (priority, category, text): every message invented for this test
    (0, "danger", "on est cachés dans {}, ils tirent encore, aidez nous"),
    (1, "witness_tip", "j'ai vu deux hommes armés monter dans une voiture noire près de {}"),
    (2, "safety_question", "est ce que {} est fermé ce soir ? on peut passer à pied ?"),
    (3, "thanks_support", "merci à la police pour votre travail à {} 🙏"),
]


def write_tiny_data(root: Path) -> Path:
    """The three data sets' formats, with invented rows."""
    (root / "police_fr_dev").mkdir(parents=True)
    with (root / "police_fr_dev" / "messages.jsonl").open("w", encoding="utf-8") as fh:
        rows = [(priority, category, text.format(place)) for place in PLACES for priority, category, text in TEMPLATES]
        for i, (priority, category, text) in enumerate(rows):
            row: dict[str, Any] = {"id": f"t-{i:03d}", "network": "x", "lang": "fr", "scenario": "attack",
                                   "text": text, "category": category, "priority": priority}
            if i < 8:
                row["dup_group"] = f"g{i % 4}"  # the same template at two places: same priority
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (root / "crisislex_t26").mkdir()
    with (root / "crisislex_t26" / "2099_Test_flood-tweets_labeled.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write("Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n")
        writer = csv.writer(fh)
        writer.writerow(["1", "trapped on the roof, water rising, send help", " Eyewitness",
                         "Affected individuals", "Related and informative "])
        writer.writerow(["2", "praying for everyone tonight", "Outsiders", "Sympathy and support",
                         "Related - but not informative"])
        writer.writerow(["3", "roads closed near the river", "Government", "Caution and advice",
                         "Related and informative"])
    (root / "disaster_response_messages").mkdir()
    with (root / "disaster_response_messages" / "disaster_response_test.csv").open("w", encoding="utf-8",
                                                                                  newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "message", "genre", "related", "request", "direct_report", "medical_help",
                         "search_and_rescue", "actionable_haiti"])
        writer.writerow(["1", "we need a doctor, my brother is bleeding", "direct", "1", "1", "1", "1", "0", ""])
        writer.writerow(["2", "the weather is nice today", "direct", "0", "0", "0", "0", "0", ""])
        writer.writerow(["3", "rescue teams searched collapsed buildings", "news", "1", "0", "1", "0", "1", ""])
    (root / "seed").mkdir()  # the project's own messages: two new ones, and the templates again (too close)
    own = [(0, "danger", "mon voisin hurle au secours, ça cogne contre les murs depuis 10 min"),
           (3, "procedure_question", "vous recrutez des adjoints de sécurité cette année ?"),
           *((priority, category, text.format("la gare")) for priority, category, text in TEMPLATES)]
    with (root / "seed" / "tiny.jsonl").open("w", encoding="utf-8") as fh:
        for i, (priority, category, text) in enumerate(own):
            fh.write(json.dumps({"id": f"s-{i}", "lang": "fr", "scenario": "attack", "text": text,
                                 "category": category, "priority": priority}, ensure_ascii=False) + "\n")
    return root


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, Any], Path]:
    data = write_tiny_data(tmp_path_factory.mktemp("data"))
    objects, metrics = train(data, own_dir=data / "seed")
    out = tmp_path_factory.mktemp("model") / "urgency-tiny"
    save(objects, metrics, out, training_fingerprint(data, data / "seed"))
    return data, objects, metrics, out


def copy_artifact(src: Path, dst: Path, **metadata_changes: Any) -> Path:
    dst.mkdir()
    (dst / ARTIFACT_FILE).write_bytes((src / ARTIFACT_FILE).read_bytes())
    metadata = json.loads((src / METADATA_FILE).read_text(encoding="utf-8"))
    (dst / METADATA_FILE).write_text(json.dumps({**metadata, **metadata_changes}), encoding="utf-8")
    return dst


def test_crisis_loaders_strip_headers_and_map_priorities(tiny: tuple[Path, Any, Any, Path]) -> None:
    data = tiny[0]
    assert [(e.text, e.priority) for e in load_crisislex(data)] == [
        ("trapped on the roof, water rising, send help", 0), ("praying for everyone tonight", 3),
        ("roads closed near the river", 2)]  # advice relayed by authorities: like a safety answer, not a tip
    # first-hand + medical → 0; unrelated → 3; news is capped at 2 even with rescue flags
    assert [e.priority for e in load_munro(data)] == [0, 3, 2]


def test_own_messages_are_trained_on_unless_they_paraphrase_a_desk_message(
        tiny: tuple[Path, dict[str, Any], dict[str, Any], Path]) -> None:
    examples = tiny[2]["examples"]
    assert (examples["vigie_seed_fr"], examples["vigie_seed_fr_too_close"]) == (2, 4)


def test_round_trip_scores_like_the_trained_objects(tiny: tuple[Path, dict[str, Any], Any, Path]) -> None:
    _, objects, _, out = tiny
    loaded = UrgencyModel.load(out)
    in_memory = UrgencyModel(to_artifact(objects), loaded.metadata)
    texts = ["on est cachés dans la cave, ils tirent", "merci pour tout", "", "le métro est fermé ?"]
    assert loaded.score(texts) == in_memory.score(texts)
    assert loaded.version.startswith("urgency-v3+")
    assert {"created_at", "sklearn_version", "python_version", "schema_version", "data_fingerprint",
            "artifact_sha256", "seed", "split", "p0_threshold", "metrics"} <= set(loaded.metadata)
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    for needed in ("CC BY 4.0", "MIT", "Olteanu", "Munro", "invented", "Held-out", "failure modes"):
        assert needed in card


def test_idf_is_what_scikit_learn_would_fit(tiny: tuple[Path, dict[str, Any], Any, Path]) -> None:
    data, objects = tiny[0], tiny[1]
    desk_train, _ = split_desk(load_desk(data))
    own, _ = seed_examples(load_desk(data), data / "seed")  # the kept own messages count as documents too
    texts = prepare([e.text for e in [*desk_train, *own, *load_crisislex(data), *load_munro(data)]])
    for fitted in (objects["char"], objects["word"]):
        reference = clone(fitted).set_params(vocabulary=sorted(fitted.vocabulary_)).fit(texts)
        assert np.array_equal(fitted.idf_, reference.idf_)


def test_featurizer_matches_scikit_learn(tiny: tuple[Path, dict[str, Any], Any, Path]) -> None:
    objects = tiny[1]
    char, word = objects["char"], objects["word"]
    texts = prepare(["on est cachés dans la réserve", "", "a", "😂😂 mdr", "RT @x: tirs à la gare https://t.co/abc",
                     "ZZVIGIESEPARATORZZ ils tirent", "x" * 400, "  espaces   multiples  ", "deux\nlignes",
                     "marque \ue000 privée", "l'œuf-dur ÉTÉ ﬁn 12/11 www.exemple.fr @Quelqu_un"])
    featurizer = Featurizer.from_vectorizers(char, word)
    ours = featurizer.transform(texts)[:, : featurizer.n_char + featurizer.n_word]
    reference = sp.hstack([char.transform(texts), word.transform(texts)]).tocsr()
    assert np.allclose(ours.toarray(), reference.toarray(), atol=1e-6)
    one_by_one = sp.vstack([featurizer.transform([t]) for t in texts]).toarray()
    assert np.allclose(featurizer.transform(texts).toarray(), one_by_one, atol=1e-6)
    fresh = Featurizer.from_vectorizers(char, word)  # an empty word cache gives the same matrix as a warm one
    assert np.allclose(fresh.transform(texts).toarray(), one_by_one, atol=1e-6)


@pytest.mark.parametrize(
    ("change", "mentions"),
    [
        ({"schema_version": 999}, "feature schema"),
        ({"schema_version": 2}, "feature schema"),  # urgency-v1's features
        ({"sklearn_version": "0.24.2"}, "scikit-learn 0.24.2"),
        ({"artifact_sha256": "0" * 64}, "sha256"),
    ],
)
def test_refuses_a_mismatched_artifact(tiny: tuple[Path, Any, Any, Path], tmp_path: Path, change: dict[str, Any],
                                       mentions: str) -> None:
    bad = copy_artifact(tiny[3], tmp_path / "bad", **change)
    with pytest.raises(ModelMismatchError, match="vigie train") as caught:
        UrgencyModel.load(bad)
    assert mentions in str(caught.value)


def test_refuses_a_modified_artifact_file(tiny: tuple[Path, Any, Any, Path], tmp_path: Path) -> None:
    bad = copy_artifact(tiny[3], tmp_path / "bad")
    with (bad / ARTIFACT_FILE).open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelMismatchError, match="sha256"):
        UrgencyModel.load(bad)


def test_refuses_types_outside_the_trusted_list(tiny: tuple[Path, Any, Any, Path], tmp_path: Path) -> None:
    bad = copy_artifact(tiny[3], tmp_path / "bad")
    skops.io.dump({"priority": make_pipeline(StandardScaler())}, bad / ARTIFACT_FILE)
    metadata = json.loads((bad / METADATA_FILE).read_text(encoding="utf-8"))
    metadata["artifact_sha256"] = file_sha256(bad / ARTIFACT_FILE)
    (bad / METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(Exception, match="Pipeline"):
        UrgencyModel.load(bad)


def test_missing_artifact_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="vigie train"):
        UrgencyModel.load(tmp_path)


def test_split_keeps_groups_whole_and_is_deterministic() -> None:
    # groups of 3 sharing a priority (i, i + 4, i + 8), as near-duplicates do in the desk set
    examples = [Example(f"message {i}", i % 4, "other", "test", "fr", f"g{i % 4}-{i // 12}" if i < 60 else None)
                for i in range(200)]
    train_part, held_out = split_desk(examples)
    assert (train_part, held_out) == split_desk(examples)
    assert not {e.group for e in train_part if e.group} & {e.group for e in held_out if e.group}
    assert {e.group for e in held_out if e.group}  # some groups were held out, whole
    for priority in range(4):
        share = sum(e.priority == priority for e in held_out) / sum(e.priority == priority for e in examples)
        assert 0.2 <= share <= 0.3
