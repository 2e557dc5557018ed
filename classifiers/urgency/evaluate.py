"""Evaluation figures for an urgency model on labelled examples (the held-out part of the desk set)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from classifiers.taxonomy import PRIORITIES
from classifiers.urgency.data import Example
from classifiers.urgency.model import UrgencyModel


def evaluate(model: UrgencyModel, examples: Sequence[Example]) -> dict[str, Any]:
    """Per-priority precision / recall / F1 / support, macro-F1 over priorities, priority-0 recall and precision,
    category accuracy (on examples that have a category), and the priority confusion matrix (rows = true
    priority 0–3, columns = predicted)."""
    if not examples:
        raise ValueError("no examples to evaluate on")
    scores = model.score([e.text for e in examples], [e.lang for e in examples])
    truth = [e.priority for e in examples]
    predicted = [s.priority for s in scores]
    labels = [int(p) for p in PRIORITIES]
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels,
                                                                     zero_division=0)
    with_category = [(e.category, s.category) for e, s in zip(examples, scores, strict=True) if e.category]
    return {
        "n": len(examples),
        "per_priority": {
            str(p): {"precision": round(float(precision[i]), 4), "recall": round(float(recall[i]), 4),
                     "f1": round(float(f1[i]), 4), "support": int(support[i])}
            for i, p in enumerate(labels)
        },
        "macro_f1": round(float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4),
        "p0_recall": round(float(recall[0]), 4),
        "p0_precision": round(float(precision[0]), 4),
        "category_accuracy": (round(float(accuracy_score(*zip(*with_category, strict=True))), 4)
                              if with_category else None),
        "confusion_matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
    }


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
