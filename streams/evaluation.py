"""``vigie evaluate``: the urgency model's figures beside the plain baseline's, a report and PNG plots.

The figures come from :mod:`classifiers.urgency.evaluate` (pure); this module reads the labelled messages,
trains the baseline (:mod:`classifiers.urgency.baseline`) on the desk set's training part in the same run, and
writes into the output folder:

- ``report.json``: both sets of figures (model, baseline) and what was evaluated;
- ``report.md``: the same as tables, side by side;
- ``confusion_priority.png`` (model and baseline), ``confusion_category.png`` (model, when the messages have
  categories) and ``p0_precision_recall.png`` (both precision–recall curves of priority 0, each with its
  operating point).

matplotlib (Agg backend, no display needed) is imported here only, never by the core.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.taxonomy import CATEGORIES
from classifiers.urgency import UrgencyModel
from classifiers.urgency.baseline import DESCRIPTION as BASELINE_DESCRIPTION
from classifiers.urgency.baseline import Baseline, Predictions
from classifiers.urgency.data import DESK_DIR, Example, load_desk, split_description, split_desk
from classifiers.urgency.evaluate import figures, predictions

MAX_PROBLEMS_SHOWN = 5


class EvaluationError(Exception):
    """Nothing to evaluate (no data, no valid line): the message says what to do."""


@dataclass
class Evaluated:
    """What one ``vigie evaluate`` run measured."""

    source: str
    examples: list[Example]
    model: dict[str, Any]
    model_predictions: Predictions
    model_version: str
    baseline: dict[str, Any] | None = None
    baseline_predictions: Predictions | None = None
    baseline_note: str = ""
    skipped: list[str] = field(default_factory=list)
    skipped_count: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"data": self.source, "n": len(self.examples), "skipped_lines": self.skipped_count,
                "skipped_examples": self.skipped, "model_version": self.model_version, "model": self.model,
                "baseline": self.baseline, "baseline_description": BASELINE_DESCRIPTION,
                "baseline_note": self.baseline_note, "definitions": DEFINITIONS}


DEFINITIONS = {
    "macro_f1": "unweighted mean of the F1 of priorities 0, 1, 2 and 3",
    "trec_priority_f1": "TREC-IS-style: priorities binarised into actionable (0 critical or 1 high) vs. not (2, 3); "
                        "F1 of the actionable class",
    "p0_average_precision": "area under the precision–recall curve of priority 0, from p(0) before the threshold",
    "category_accuracy": "share of messages with a desk category whose category is predicted exactly",
}


def read_labelled(path: Path) -> tuple[list[Example], list[str], int]:
    """Examples from JSON lines with ``text`` and ``priority`` (0–3), optionally ``category`` (a taxonomy name),
    ``lang``, ``id``, ``dup_group``. Lines that are not such objects are skipped: (examples, the first few
    problems, how many lines were skipped)."""
    examples: list[Example] = []
    problems: list[str] = []
    skipped = 0
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            problem = None
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                row, problem = None, f"not JSON ({exc.msg})"
            if problem is None:
                problem = _label_problem(row)
            if problem is not None:
                skipped += 1
                if len(problems) < MAX_PROBLEMS_SHOWN:
                    problems.append(f"line {number}: {problem}")
                continue
            examples.append(Example(row["text"], int(row["priority"]), row.get("category"), path.name,
                                    row.get("lang") if isinstance(row.get("lang"), str) else None,
                                    str(row.get("dup_group") or row.get("id") or f"line-{number}")))
    return examples, problems, skipped


def _label_problem(row: Any) -> str | None:
    if not isinstance(row, dict):
        return "not a JSON object"
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        return "no text"
    priority = row.get("priority")
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 3:
        return "priority must be an integer 0–3"
    category = row.get("category")
    if category is not None and category not in CATEGORIES:
        return f"unknown category {category!r}"
    return None


def run_evaluation(model_dir: Path, data_dir: Path, data_file: Path | None = None) -> Evaluated:
    """Score the messages (``data_file``, or the desk set's held-out part) with the model and with the baseline
    trained on the desk set's training part (skipped, saying why, when the desk set is not in ``data_dir``)."""
    model = UrgencyModel.load(model_dir)
    seed = int(model.metadata.get("seed", 0)) or None
    desk_file = data_dir / DESK_DIR / "messages.jsonl"
    desk_train: list[Example] | None = None
    if desk_file.is_file():
        desk_train, held_out = split_desk(load_desk(data_dir), **({"seed": seed} if seed else {}))
    if data_file is None:
        if desk_train is None:
            raise EvaluationError(f"no labelled data: {desk_file} is missing (set --data-dir / VIGIE_DATA_DIR, "
                                  "or give --data FILE.jsonl)")
        examples, problems, skipped = held_out, list[str](), 0
        source = f"held-out part of {DESK_DIR} ({split_description(seed) if seed else split_description()})"
    else:
        examples, problems, skipped = read_labelled(data_file)
        source = str(data_file)
        if not examples:
            raise EvaluationError(f"no labelled message in {data_file} (each line needs text and priority 0–3)"
                                  + (": " + "; ".join(problems) if problems else ""))
    predicted = predictions(model, examples)
    result = Evaluated(source, list(examples), figures(examples, predicted), predicted, model.version,
                       skipped=problems, skipped_count=skipped)
    if desk_train is None:
        result.baseline_note = f"baseline not trained: {desk_file} is missing"
    else:
        baseline = Baseline.fit(desk_train)
        result.baseline_predictions = baseline.predict([e.text for e in examples])
        result.baseline = figures(examples, result.baseline_predictions)
        result.baseline_note = f"trained on the {len(desk_train)} messages of the {DESK_DIR} training part"
    return result


# --- the report ---------------------------------------------------------------------------------------------

_HEADLINE = [("p0_recall", "priority-0 recall"), ("p0_precision", "priority-0 precision"),
             ("macro_f1", "macro-F1 (4 priorities)"), ("category_accuracy", "category accuracy"),
             ("trec_priority_f1", "TREC-IS-style priority F1"),
             ("p0_average_precision", "priority-0 average precision"),
             ("category_macro_f1", "category macro-F1")]


def _value(figs: dict[str, Any] | None, key: str) -> str:
    if figs is None:
        return "—"
    value = figs.get(key)
    if isinstance(value, dict):
        value = value.get("f1")
    return "—" if value is None else f"{value:.3f}"


def headline_rows(result: Evaluated) -> list[tuple[str, str, str]]:
    return [(label, _value(result.model, key), _value(result.baseline, key)) for key, label in _HEADLINE]


def markdown(result: Evaluated, plots: Sequence[str] = ()) -> str:
    """The report: headline figures side by side, per priority, per category, confusion matrices."""
    lines = [f"# Urgency model evaluation — {result.model_version}", "",
             f"Data: {result.source}; {len(result.examples)} messages"
             + (f" ({result.skipped_count} lines skipped: {'; '.join(result.skipped)})" if result.skipped_count
                else "") + ".",
             f"Baseline: {BASELINE_DESCRIPTION}; {result.baseline_note}.", "",
             "| figure | model | baseline |", "|---|---|---|"]
    lines += [f"| {label} | {m} | {b} |" for label, m, b in headline_rows(result)]
    lines += ["", "Definitions: " + "; ".join(f"**{k}**: {v}" for k, v in DEFINITIONS.items()) + ".", "",
              "## Per priority (precision / recall / F1, support)", "",
              "| priority | model | baseline | support |", "|---|---|---|---|"]
    for prio, row in result.model["per_priority"].items():
        base = result.baseline["per_priority"][prio] if result.baseline else None
        lines.append(f"| {prio} | {_prf(row)} | {_prf(base)} | {row['support']} |")
    if "per_category" in result.model:
        lines += ["", "## Per category (precision / recall / F1, support)", "",
                  "| category | model | baseline | support |", "|---|---|---|---|"]
        for cat, row in result.model["per_category"].items():
            base = (result.baseline or {}).get("per_category", {}).get(cat)
            lines.append(f"| {cat} | {_prf(row)} | {_prf(base)} | {row['support']} |")
    lines += ["", "## Priority confusion matrices (rows: true 0–3, columns: predicted 0–3)", "",
              _matrix("model", result.model["confusion_matrix"])]
    if result.baseline:
        lines += ["", _matrix("baseline", result.baseline["confusion_matrix"])]
    if plots:
        lines += ["", "## Plots", "", *(f"![{name}]({name})" for name in plots)]
    return "\n".join(lines) + "\n"


def _prf(row: dict[str, Any] | None) -> str:
    return "—" if row is None else f"{row['precision']:.2f} / {row['recall']:.2f} / {row['f1']:.2f}"


def _matrix(name: str, matrix: list[list[int]]) -> str:
    rows = [f"| {name} | 0 | 1 | 2 | 3 |", "|---|---|---|---|---|"]
    rows += [f"| **{i}** | " + " | ".join(str(v) for v in row) + " |" for i, row in enumerate(matrix)]
    return "\n".join(rows)


def write_report(result: Evaluated, out_dir: Path) -> list[Path]:
    """``report.json``, ``report.md`` and the PNG plots in ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = plot(result, out_dir)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    json_path.write_text(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(result, [p.name for p in plots]), encoding="utf-8")
    return [json_path, md_path, *plots]


# --- plots --------------------------------------------------------------------------------------------------

def plot(result: Evaluated, out_dir: Path) -> list[Path]:
    """The PNG plots (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    panels = [("model", result.model)] + ([("baseline", result.baseline)] if result.baseline else [])
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.2), squeeze=False)
    for ax, (name, figs) in zip(axes[0], panels, strict=True):
        _heatmap(ax, np.array(figs["confusion_matrix"]), ["P0", "P1", "P2", "P3"],
                 f"{name}: macro-F1 {figs['macro_f1']:.2f}, P0 recall {figs['p0_recall']:.2f}")
    fig.suptitle(f"Priority confusion matrix (n = {len(result.examples)})")
    fig.tight_layout()
    written.append(_save(fig, out_dir / "confusion_priority.png"))
    if "category_confusion_matrix" in result.model:
        cm = result.model["category_confusion_matrix"]
        fig, ax = plt.subplots(figsize=(8.5, 7.5))
        _heatmap(ax, np.array(cm["matrix"]), cm["labels"],
                 f"model: category accuracy {result.model['category_accuracy']:.2f}")
        ax.tick_params(axis="x", labelrotation=60)
        fig.tight_layout()
        written.append(_save(fig, out_dir / "confusion_category.png"))
    written.append(_pr_curve(result, out_dir / "p0_precision_recall.png"))
    plt.close("all")
    return written


def _heatmap(ax: Any, matrix: np.ndarray, labels: Sequence[str], title: str) -> None:
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    top = matrix.max() or 1
    for (i, j), value in np.ndenumerate(matrix):
        if value:
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                    color="white" if value > top / 2 else "black")


def _pr_curve(result: Evaluated, path: Path) -> Path:
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    truth = np.array([e.priority == 0 for e in result.examples])
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    runs = [("model", result.model_predictions, result.model, "tab:blue")]
    if result.baseline_predictions is not None and result.baseline is not None:
        runs.append(("baseline", result.baseline_predictions, result.baseline, "tab:orange"))
    for name, predicted, figs, colour in runs:
        if truth.any():
            precision, recall, _ = precision_recall_curve(truth, predicted.p0)
            ax.plot(recall, precision, color=colour, drawstyle="steps-post",
                    label=f"{name} p(0) (AP {figs['p0_average_precision']:.2f})")
        ax.scatter([figs["p0_recall"]], [figs["p0_precision"]], color=colour, zorder=3,
                   label=f"{name} decision (R {figs['p0_recall']:.2f}, P {figs['p0_precision']:.2f})")
    ax.axvline(0.97, color="grey", linestyle=":", linewidth=1)
    ax.axhline(0.80, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("recall of priority 0")
    ax.set_ylabel("precision of priority 0")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Priority 0 precision–recall ({int(truth.sum())} of {len(truth)} messages are P0)", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return _save(fig, path)


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, dpi=110)
    return path
