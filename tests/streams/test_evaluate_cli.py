"""`vigie evaluate`: the model's figures beside the baseline's, report files and PNG plots (smoke: small invented
data, the shipped model, so it runs without the labelled data sets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main

# Invented for this test: (priority, category, text); each template is filled with a few places.
TEMPLATES = [
    (0, "danger", "on est cachés dans {}, ils tirent encore, aidez nous"),
    (1, "witness_tip", "j'ai vu deux hommes armés monter dans une voiture noire près de {}"),
    (2, "safety_question", "est ce que {} est fermé ce soir ? on peut passer à pied ?"),
    (3, "thanks_support", "merci à la police pour votre travail à {} 🙏"),
]
PLACES = ["la gare de l'Est", "la rue de Charonne", "le stade", "la médiathèque", "le marché couvert",
          "la rue Oberkampf", "la station Nation", "le lycée Voltaire"]
PNG = b"\x89PNG\r\n\x1a\n"


def write_desk(root: Path) -> Path:
    (root / "police_fr_dev").mkdir(parents=True)
    with (root / "police_fr_dev" / "messages.jsonl").open("w", encoding="utf-8") as fh:
        for i, (place, (priority, category, text)) in enumerate((p, t) for p in PLACES for t in TEMPLATES):
            fh.write(json.dumps({"id": f"t-{i}", "lang": "fr", "text": text.format(place), "category": category,
                                 "priority": priority}, ensure_ascii=False) + "\n")
    return root


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "eval.jsonl"
    rows = [json.dumps({"text": t.format("la place Clichy"), "priority": p, "category": c}, ensure_ascii=False)
            for p, c, t in TEMPLATES]
    rows += [json.dumps({"text": "ils tirent rue de Bagnolet, on est sous les tables", "priority": 0}),
             "not json", json.dumps({"text": "sans priorité"}), json.dumps({"text": "x", "priority": 7})]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_evaluate_writes_report_plots_and_baseline(tmp_path: Path, data_file: Path) -> None:
    data_dir, out = write_desk(tmp_path / "data"), tmp_path / "out"
    result = CliRunner().invoke(main, ["evaluate", "--data", str(data_file), "--data-dir", str(data_dir),
                                       "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report == json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["n"] == 5 and report["skipped_lines"] == 3
    assert any("line 6" in problem and "not JSON" in problem for problem in report["skipped_examples"])
    for figures in (report["model"], report["baseline"]):
        assert set(figures["per_priority"]) == {"0", "1", "2", "3"}
        assert 0.0 <= figures["p0_recall"] <= 1.0 and 0.0 <= figures["macro_f1"] <= 1.0
        assert set(figures["trec_priority_f1"]) == {"precision", "recall", "f1"}
        assert sum(map(sum, figures["confusion_matrix"])) == 5
        assert figures["category_accuracy"] is not None  # 4 of the 5 messages have a category
        assert "danger" in figures["per_category"]
    assert "trained on the" in report["baseline_note"]
    for name in ("confusion_priority.png", "confusion_category.png", "p0_precision_recall.png"):
        assert (out / name).read_bytes().startswith(PNG), name
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| figure | model | baseline |" in markdown and "priority-0 recall" in markdown
    assert "![p0_precision_recall.png](p0_precision_recall.png)" in markdown


def test_evaluate_defaults_to_the_held_out_split(tmp_path: Path) -> None:
    data_dir, out = write_desk(tmp_path / "data"), tmp_path / "out"
    result = CliRunner().invoke(main, ["evaluate", "--data-dir", str(data_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "held-out part of police_fr_dev" in result.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert 0 < report["n"] < len(PLACES) * len(TEMPLATES)
    assert report["baseline"] is not None


def test_evaluate_without_data_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["evaluate", "--data-dir", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "VIGIE_DATA_DIR" in result.output and "--data" in result.output


def test_evaluate_a_file_without_the_desk_set_reports_no_baseline(tmp_path: Path, data_file: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["evaluate", "--data", str(data_file), "--data-dir", str(tmp_path / "none"),
                                       "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["baseline"] is None and "missing" in report["baseline_note"]
    assert (out / "p0_precision_recall.png").read_bytes().startswith(PNG)
