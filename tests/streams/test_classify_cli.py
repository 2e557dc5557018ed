"""`vigie classify`: JSON lines in, the same objects with the model's verdict out; bad lines get an error."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from classifiers.taxonomy import CATEGORIES
from streams.cli import main

GOOD = [
    {"id": "m1", "text": "on est cachés dans la réserve du magasin, ils tirent encore, aidez nous", "lang": "fr",
     "network": "x"},
    {"id": "m2", "text": "merci pour votre travail 🙏"},
    {"text": "", "extra": {"kept": True}},
]
BAD = ["{not json", json.dumps({"id": "m3"}), json.dumps({"id": "m4", "text": 12}), json.dumps([1, 2]),
       json.dumps({"text": "ok", "lang": 3})]


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


def test_classify_adds_the_verdict_and_flags_bad_lines_in_order() -> None:
    stdin = "\n".join([json.dumps(GOOD[0], ensure_ascii=False), BAD[0], json.dumps(GOOD[1], ensure_ascii=False),
                       "", *BAD[1:], json.dumps(GOOD[2])]) + "\n"
    result = CliRunner().invoke(main, ["classify"], input=stdin)
    assert result.exit_code == 0, result.output
    out = _lines(result.stdout)
    assert len(out) == 8  # the blank line is skipped
    good, bad = [out[0], out[2], out[7]], [out[1], *out[3:7]]
    for original, row in zip(GOOD, good, strict=True):
        assert {k: row[k] for k in original} == original  # every input key kept as it was
        assert row["priority"] in (0, 1, 2, 3) and row["category"] in CATEGORIES
        assert isinstance(row["urgency"], float) and 0.0 <= row["urgency"] <= 1.0
        assert isinstance(row["reasons"], list) and all(isinstance(r, str) for r in row["reasons"])
        assert "error" not in row
    assert good[0]["priority"] <= 1 and good[0]["urgency"] > good[1]["urgency"]
    assert good[1]["priority"] == 3
    for row in bad:
        assert "error" in row and "priority" not in row
    assert bad[0]["line"] == 2 and "not JSON" in bad[0]["error"] and bad[0]["input"] == "{not json"
    assert bad[1] == {"id": "m3", "line": 5, "error": "no text"}
    assert "string" in bad[2]["error"] and bad[2]["id"] == "m4"
    assert "object" in bad[3]["error"] and bad[3]["input"] == [1, 2]
    assert "lang" in bad[4]["error"]


def test_classify_files_in_batches(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    texts = [f"message {i} : le métro ligne {i % 14} roule ce soir ?" for i in range(2500)]
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "--input", str(source), "--output", str(target)])
    assert result.exit_code == 0, result.output
    out = _lines(target.read_text(encoding="utf-8"))
    assert [row["id"] for row in out] == list(range(2500))
    assert all("priority" in row for row in out)


def test_classify_with_a_missing_model_says_how_to_fix(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["classify", "--model", str(tmp_path)], input="{}\n")
    assert result.exit_code == 1
    assert "vigie train" in result.output
