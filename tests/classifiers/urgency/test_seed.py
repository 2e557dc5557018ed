"""The project's own labelled messages (classifiers/urgency/seed/): well-formed, labelled within the taxonomy, and
kept apart from the desk set they must not leak into."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.taxonomy import CATEGORIES, CATEGORY_PRIORITIES
from classifiers.urgency.data import SEED_DIR, SEED_MAX_OVERLAP, Example, load_desk, load_seed, shingle_overlap
from classifiers.urgency.train import seed_examples

KEYS = {"id", "lang", "scenario", "text", "category", "priority"}
SCENARIOS = {"calm", "attack", "manhunt", "flood", "fire", "explosion", "crowd_crush", "storm", "collapse", "riot"}


def rows() -> list[dict[str, object]]:
    return [json.loads(line) for path in sorted(SEED_DIR.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_message_is_well_formed_and_labelled_within_the_taxonomy() -> None:
    found = rows()
    assert len(found) > 1000
    for row in found:
        assert set(row) == KEYS, row
        assert row["lang"] in {"fr", "en", "es", "de", "ar"} and row["scenario"] in SCENARIOS, row
        assert isinstance(row["text"], str) and 3 <= len(row["text"]) <= 280, row
        assert row["category"] in CATEGORIES, row
        assert row["priority"] in CATEGORY_PRIORITIES[str(row["category"])], row
    assert len({r["id"] for r in found}) == len(found)
    assert len({r["text"] for r in found}) == len(found)
    assert {r["category"] for r in found} == set(CATEGORIES)


def test_load_seed_reads_every_file_as_its_own_groups() -> None:
    examples = load_seed()
    assert len(examples) == len(rows())
    assert len({e.group for e in examples}) == len(examples)
    assert all(e.source == "vigie_seed_fr" and e.category for e in examples)


def test_shingle_overlap_scores_copies_paraphrases_and_strangers() -> None:
    texts = ["Fusillade en cours rue de Charonne, on est cachés !!", "merci à vous", "le métro est fermé ?"]
    others = ["fusillade en cours rue de charonne on est caches", "Le metro est ferme ce soir ?"]
    overlap = shingle_overlap(texts, others)
    assert overlap[0] > 0.7  # case, accents and punctuation do not hide a copy
    assert overlap[1] < 0.1
    assert 0.4 < overlap[2] < 0.9
    assert list(shingle_overlap(texts, [])) == [0.0, 0.0, 0.0]


def test_a_message_close_to_a_desk_message_is_not_trained_on(tmp_path: Path) -> None:
    own = load_seed()
    desk = [Example(own[3].text + " !!", 0, "danger", "police_fr_dev"), Example("rien à voir", 3, "other", "x")]
    kept, left_out = seed_examples(desk)
    assert left_out >= 1 and own[3] not in kept
    assert len(kept) + left_out == len(own)


@pytest.mark.data
def test_no_trained_message_is_a_paraphrase_of_a_desk_message(data_dir: Path) -> None:
    desk = load_desk(data_dir)
    kept, left_out = seed_examples(desk)
    assert left_out < 0.1 * (len(kept) + left_out), "the seed data has drifted toward the desk set"
    assert shingle_overlap([e.text for e in kept], [e.text for e in desk]).max() < SEED_MAX_OVERLAP
