"""Train the urgency model (v1) and save it as an artifact folder.

    python -m classifiers.urgency.train --data-dir ../shared/data --out models/urgency-v1

Two logistic-regression heads over the same features (:mod:`classifiers.urgency.features`):

- **category** (12 desk categories): the desk set's training part only — the crisis sets have no desk categories.
- **priority** (0–3, calibrated probabilities): the desk set's training part (each message weighted
  :data:`DESK_WEIGHT`) plus the crisis sets mapped to priorities (:mod:`classifiers.urgency.data`, each
  weighted :data:`CRISIS_WEIGHT`), so French desk messages dominate and the crisis data adds vocabulary and
  cross-lingual cues.

The decision leans toward priority-0 recall: the predicted priority is the argmax after multiplying p(0) by a
threshold chosen by grouped 5-fold cross-validation on the **training part** (F2 of priority 0, recall weighted
4×). The held-out part (:func:`classifiers.urgency.data.split_desk`) is used once, for the reported figures.
Hyper-parameters were chosen the same way (grouped CV on the training part), not on the held-out part.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import sys
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from classifiers.urgency.card import LABEL_MAPPING, write_model_card
from classifiers.urgency.data import (
    CRISISLEX_DIR,
    MUNRO_DIR,
    SPLIT_SEED,
    load_crisislex,
    load_desk,
    load_munro,
    split_description,
    split_desk,
    training_fingerprint,
)
from classifiers.urgency.evaluate import evaluate, one_per_group
from classifiers.urgency.features import (
    FEATURE_SCHEMA_VERSION,
    Featurizer,
    fit_vectorizers,
    prepare,
    vocabulary_arrays,
)
from classifiers.urgency.model import ARTIFACT_FILE, METADATA_FILE, UrgencyModel, file_sha256

__all__ = ["SPLIT_SEED", "main", "save", "to_artifact", "train", "training_fingerprint", "tune_threshold"]

MODEL_NAME = "urgency-v1"
DESK_WEIGHT = 20.0
CRISIS_WEIGHT = 0.25
PRIORITY_C = 10.0
CATEGORY_C = 10.0
CV_FOLDS = 5
STACK_SCALE = 3.0  # category probabilities enter the priority head as columns of this size (see category_features)
THRESHOLD_GRID = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)

Progress = Callable[[str], None]


def priority_head() -> LogisticRegression:
    return LogisticRegression(C=PRIORITY_C, tol=1e-3, max_iter=5000)


def category_head() -> LogisticRegression:
    return LogisticRegression(C=CATEGORY_C, class_weight="balanced", tol=1e-3, max_iter=5000)


def fit(head: LogisticRegression, x: sp.csr_matrix, y: npt.ArrayLike,
        sample_weight: npt.ArrayLike | None = None) -> LogisticRegression:
    """Fit, refusing a solver that did not converge (an error, not a warning nobody reads)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fitted: LogisticRegression = head.fit(x, y, sample_weight=sample_weight)
    return fitted


def train(data_dir: Path, *, seed: int = SPLIT_SEED,
          progress: Progress | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit features and both heads; return ``(model objects, metrics)`` for :func:`save`.

    ``seed`` fixes the held-out split and the CV folds (the default is the documented split)."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    desk_train, held_out = split_desk(load_desk(data_dir), seed=seed)
    crisis = load_crisislex(data_dir) + load_munro(data_dir)
    say(f"data: {len(desk_train)} desk messages to train on, {len(held_out)} held out, {len(crisis)} crisis messages")
    desk_texts, crisis_texts = prepare([e.text for e in desk_train]), prepare([e.text for e in crisis])
    char, word = fit_vectorizers(desk_texts, crisis_texts)
    x = Featurizer.from_vectorizers(char, word).transform([*desk_texts, *crisis_texts])
    say(f"features: {x.shape[1]} columns ({len(char.vocabulary_)} char n-grams, {len(word.vocabulary_)} words)")
    n = len(desk_train)
    y = np.array([e.priority for e in desk_train] + [e.priority for e in crisis])
    weight = np.r_[np.full(n, DESK_WEIGHT), np.full(len(crisis), CRISIS_WEIGHT)]
    groups = [e.group or e.text for e in desk_train]
    categories = np.array([str(e.category) for e in desk_train])
    category = fit(category_head(), x[:n], categories)
    say("category head fitted; out-of-fold category probabilities for the priority head")
    x = sp.hstack([x, category_features(x, category, categories, groups, seed)]).tocsr()
    priority = fit(priority_head(), x, y, weight)
    say("heads fitted; tuning the priority-0 threshold by cross-validation on the training part")
    threshold, search = tune_threshold(x, y, weight, n, groups, seed, say)
    objects = {"char": char, "word": word, "priority": priority, "category": category, "p0_threshold": threshold}
    model = UrgencyModel(to_artifact(objects), {"model": MODEL_NAME})
    metrics: dict[str, Any] = {
        "held_out": evaluate(model, held_out),
        "held_out_one_per_dup_group": evaluate(model, one_per_group(held_out)),
        "threshold_search": search,
        "examples": {"desk_train": n, "desk_held_out": len(held_out),
                     CRISISLEX_DIR: sum(e.source == CRISISLEX_DIR for e in crisis),
                     MUNRO_DIR: sum(e.source == MUNRO_DIR for e in crisis),
                     "crisis_priorities": {str(k): v for k, v in sorted(Counter(e.priority for e in crisis).items())}},
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    held = metrics["held_out"]
    say(f"held out: p0 recall {held['p0_recall']:.3f}, p0 precision {held['p0_precision']:.3f}, "
        f"macro-F1 {held['macro_f1']:.3f}, category accuracy {held['category_accuracy']:.3f}")
    return objects, metrics


def category_features(x: sp.csr_matrix, category: LogisticRegression, labels: npt.NDArray[np.str_],
                      groups: list[str], seed: int) -> sp.csr_matrix:
    """The category head's probabilities × :data:`STACK_SCALE`, as extra columns for the priority head (stacking):
    out-of-fold (grouped CV) for the desk training messages, so the priority head learns how far to trust the
    category head on messages it has not seen; the full head's for the crisis messages (never trained on)."""
    n = len(labels)
    proba = np.zeros((x.shape[0], len(category.classes_)))
    proba[n:] = category.predict_proba(x[n:])
    folds = StratifiedGroupKFold(CV_FOLDS, shuffle=True, random_state=seed).split(np.zeros(n), labels, groups)
    for fold_train, fold_val in folds:
        head = fit(clone(category_head()), x[fold_train], labels[fold_train])
        columns = np.searchsorted(category.classes_, head.classes_)
        proba[np.ix_(fold_val, columns)] = head.predict_proba(x[fold_val])
    return sp.csr_matrix(proba * STACK_SCALE, dtype=np.float32)


def tune_threshold(x: sp.csr_matrix, y: npt.NDArray[np.int64], weight: npt.NDArray[np.float64], n_desk: int,
                   groups: list[str], seed: int, say: Progress) -> tuple[float, dict[str, Any]]:
    """Out-of-fold priority probabilities for the desk training messages (each fold trained on the other desk
    folds + all crisis data), then the p(0) multiplier in :data:`THRESHOLD_GRID` with the best F2 of priority 0."""
    oof = np.zeros((n_desk, 4))
    crisis = np.arange(n_desk, x.shape[0])
    folds = StratifiedGroupKFold(CV_FOLDS, shuffle=True, random_state=seed).split(np.zeros(n_desk), y[:n_desk],
                                                                                   groups)
    for k, (fold_train, fold_val) in enumerate(folds, 1):
        rows = np.r_[fold_train, crisis]
        oof[fold_val] = fit(clone(priority_head()), x[rows], y[rows], weight[rows]).predict_proba(x[fold_val])
        say(f"  threshold CV fold {k}/{CV_FOLDS}")
    truth = y[:n_desk]
    table = []
    for t in THRESHOLD_GRID:
        predicted = (oof * np.array([t, 1.0, 1.0, 1.0])).argmax(axis=1)
        tp = int(np.sum((predicted == 0) & (truth == 0)))
        recall = tp / max(1, int(np.sum(truth == 0)))
        precision = tp / max(1, int(np.sum(predicted == 0)))
        f2 = 5 * precision * recall / (4 * precision + recall) if tp else 0.0
        table.append({"threshold": t, "p0_recall": round(recall, 4), "p0_precision": round(precision, 4),
                      "f2": round(f2, 4)})
    best = max(table, key=lambda row: (row["f2"], -row["threshold"]))
    return float(best["threshold"]), {"method": f"grouped {CV_FOLDS}-fold CV on the desk training part, "
                                                "maximise F2 of priority 0", "grid": table, "chosen": best}


def _compact(head: LogisticRegression) -> LogisticRegression:
    """A copy with float32 coefficients and plain-string classes: half the artifact, no object arrays."""
    small = copy.copy(head)
    small.coef_ = np.asarray(head.coef_, dtype=np.float32)
    small.classes_ = np.asarray(head.classes_).astype(str if head.classes_.dtype == object else head.classes_.dtype)
    return small


def to_artifact(objects: dict[str, Any]) -> dict[str, Any]:
    """What model.skops holds: vocabularies as arrays (skops would store an 80k-entry dict as 80k files),
    the two heads, the priority-0 threshold."""
    char_terms, char_idf = vocabulary_arrays(objects["char"])
    word_terms, word_idf = vocabulary_arrays(objects["word"])
    return {"char_terms": char_terms, "char_idf": char_idf, "char_ngram_range": list(objects["char"].ngram_range),
            "word_terms": word_terms, "word_idf": word_idf, "priority": _compact(objects["priority"]),
            "category": _compact(objects["category"]), "p0_threshold": float(objects["p0_threshold"]),
            "stack_scale": STACK_SCALE}


def save(model_objects: dict[str, Any], metrics: dict[str, Any], out_dir: Path, data_fingerprint: str,
         *, seed: int = SPLIT_SEED) -> dict[str, Any]:
    """Write ``model.skops``, ``metadata.json`` and ``MODEL_CARD.md`` into ``out_dir``; return the metadata.
    Files are written beside their final name and renamed, so a reader never sees half an artifact."""
    import skops.io

    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{ARTIFACT_FILE}.tmp"
    skops.io.dump(to_artifact(model_objects), tmp, compression=zipfile.ZIP_DEFLATED)
    metadata = {
        "model": MODEL_NAME,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_version": FEATURE_SCHEMA_VERSION,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "skops_version": skops.__version__,
        "python_version": platform.python_version(),
        "data_fingerprint": data_fingerprint,
        "artifact_sha256": file_sha256(tmp),
        "artifact_bytes": tmp.stat().st_size,
        "seed": seed,
        "split": split_description(seed),
        "p0_threshold": float(model_objects["p0_threshold"]),
        "training": {"desk_weight": DESK_WEIGHT, "crisis_weight": CRISIS_WEIGHT, "priority_C": PRIORITY_C,
                     "category_C": CATEGORY_C, "category_class_weight": "balanced", "stack_scale": STACK_SCALE,
                     "solver": "lbfgs, tol 1e-3",
                     "cv_folds": CV_FOLDS, "features": f"char_wb {tuple(model_objects['char'].ngram_range)} "
                     "+ word (1, 2) TF-IDF on normalize()d text + multilingual cue lexicon and patterns; "
                     "priority head also reads the category head's probabilities (stacked, out-of-fold)"},
        "label_mapping": LABEL_MAPPING,
        "metrics": metrics,
    }
    meta_tmp = out_dir / f".{METADATA_FILE}.tmp"
    meta_tmp.write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / ARTIFACT_FILE)
    os.replace(meta_tmp, out_dir / METADATA_FILE)
    write_model_card(out_dir, metadata)
    return metadata


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifiers.urgency.train", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="folder holding police_fr_dev/ etc.")
    parser.add_argument("--out", type=Path, required=True, help="artifact folder to write, e.g. models/urgency-v1")
    parser.add_argument("--seed", type=int, default=SPLIT_SEED, help=f"split and CV seed (default {SPLIT_SEED})")
    args = parser.parse_args(argv)

    def progress(message: str) -> None:
        print(message, flush=True)

    fingerprint = training_fingerprint(args.data_dir)
    objects, metrics = train(args.data_dir, seed=args.seed, progress=progress)
    metadata = save(objects, metrics, args.out, fingerprint, seed=args.seed)
    print(f"wrote {args.out} ({metadata['artifact_bytes'] / 1e6:.1f} MB, {metrics['train_seconds']} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
