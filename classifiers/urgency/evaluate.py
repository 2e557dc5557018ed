"""Evaluation figures for an urgency model (or the baseline) on labelled examples — pure: no files, no plots.

Figures (:func:`figures`), all on the messages given (by default the held-out part of the desk set):

- per priority 0–3: precision, recall, F1, support; **macro-F1** over the four priorities; priority-0 recall
  and precision; the priority confusion matrix (rows = true, columns = predicted);
- **TREC-IS-style priority F1**: TREC-IS (the TREC Incident Streams track, 2018–2021) grades posts Critical /
  High / Medium / Low and scores priority as the F1 of the *actionable* levels. Here: priorities binarised into
  actionable (0 critical or 1 high) vs. not (2, 3), F1 of the actionable class (``trec_priority_f1``, with its
  precision and recall), so a critical message called high still counts as found;
- per category: precision, recall, F1, support; category accuracy and macro-F1; the category confusion matrix
  (only on messages that have a category: the crisis sets have none);
- **average precision of priority 0** from the model's p(0) before its threshold (the area under the
  precision–recall curve ``vigie evaluate`` plots).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from classifiers.taxonomy import CATEGORIES, PRIORITIES
from classifiers.urgency.baseline import Predictions
from classifiers.urgency.data import Example
from classifiers.urgency.model import UrgencyModel

_LEVELS = [int(p) for p in PRIORITIES]


def predictions(model: UrgencyModel, examples: Sequence[Example]) -> Predictions:
    """The model's priority, category and p(0) (calibrated, before the priority-0 threshold) for each example."""
    texts, langs = [e.text for e in examples], [e.lang for e in examples]
    scores = model.score(texts, langs)
    return Predictions(np.array([s.priority for s in scores], dtype=np.int64),
                       np.array([s.category for s in scores], dtype=np.str_),
                       model.priority_proba(texts)[:, 0])


def evaluate(model: UrgencyModel, examples: Sequence[Example]) -> dict[str, Any]:
    """:func:`figures` of ``model`` on ``examples``."""
    if not examples:
        raise ValueError("no examples to evaluate on")
    return figures(examples, predictions(model, examples))


def _r(x: float) -> float:
    return round(float(x), 4)


def _table(truth: npt.ArrayLike, predicted: npt.ArrayLike, labels: Sequence[Any]) -> dict[str, dict[str, Any]]:
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=list(labels),
                                                                     zero_division=0)
    return {str(label): {"precision": _r(precision[i]), "recall": _r(recall[i]), "f1": _r(f1[i]),
                         "support": int(support[i])} for i, label in enumerate(labels)}


def trec_priority_f1(truth: npt.ArrayLike, predicted: npt.ArrayLike) -> dict[str, float]:
    """Precision, recall and F1 of "actionable" (priority 0 or 1) against priorities 2–3."""
    t, p = np.asarray(truth) <= 1, np.asarray(predicted) <= 1
    tp = int(np.sum(t & p))
    precision, recall = tp / max(1, int(p.sum())), tp / max(1, int(t.sum()))
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"precision": _r(precision), "recall": _r(recall), "f1": _r(f1)}


def figures(examples: Sequence[Example], predicted: Predictions) -> dict[str, Any]:
    """Every figure of the module docstring, JSON-ready (floats rounded to 4 places)."""
    if not examples:
        raise ValueError("no examples to evaluate on")
    truth = np.array([e.priority for e in examples], dtype=np.int64)
    guess = predicted.priorities
    per_priority = _table(truth, guess, _LEVELS)
    out: dict[str, Any] = {
        "n": len(examples),
        "per_priority": per_priority,
        "macro_f1": _r(f1_score(truth, guess, labels=_LEVELS, average="macro", zero_division=0)),
        "p0_recall": per_priority["0"]["recall"],
        "p0_precision": per_priority["0"]["precision"],
        "p0_average_precision": (_r(average_precision_score(truth == 0, predicted.p0)) if (truth == 0).any()
                                 else None),
        "trec_priority_f1": trec_priority_f1(truth, guess),
        "confusion_matrix": confusion_matrix(truth, guess, labels=_LEVELS).tolist(),
        "category_accuracy": None,
    }
    rows = [i for i, e in enumerate(examples) if e.category]
    if rows:
        true_cat = [str(examples[i].category) for i in rows]
        guess_cat = [str(predicted.categories[i]) for i in rows]
        labels = [c for c in CATEGORIES if c in set(true_cat) | set(guess_cat)]
        out["category_accuracy"] = _r(accuracy_score(true_cat, guess_cat))
        out["category_macro_f1"] = _r(f1_score(true_cat, guess_cat, labels=labels, average="macro",
                                               zero_division=0))
        out["per_category"] = _table(true_cat, guess_cat, labels)
        out["category_confusion_matrix"] = {"labels": labels,
                                            "matrix": confusion_matrix(true_cat, guess_cat, labels=labels).tolist()}
    return out


def one_per_group(examples: Sequence[Example]) -> list[Example]:
    """The first example of each near-duplicate group: figures without reposts counted several times."""
    seen: set[str] = set()
    out = []
    for ex in examples:
        key = ex.group or ex.text
        if key not in seen:
            seen.add(key)
            out.append(ex)
    return out
