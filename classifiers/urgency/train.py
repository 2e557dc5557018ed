"""Train the urgency model (v3) and save it as an artifact folder.

    python -m classifiers.urgency.train --data-dir ../shared/data --out models/urgency-v3

Features: :mod:`classifiers.urgency.features` (character and word n-grams, cue lexicon). Heads (see
:mod:`classifiers.urgency.model`):

- **crisis head** (priorities 0–3): the real crisis sets only (CrisisLexT26 and Munro, labels mapped to desk
  priorities by :mod:`classifiers.urgency.data`). It never sees a desk message, so its probabilities can be
  stacked into the joint head without leaking desk labels.
- **joint head** ((category, priority) pairs): the desk set's training part and the project's own messages
  (``seed/``, :func:`seed_examples`: those too close to any desk message left out), balanced class weights,
  reading the features and the crisis head's probabilities × :data:`STACK_SCALE`.

The decision leans toward priority-0 recall: the predicted priority is the argmax after multiplying p(0) by a
threshold chosen by grouped 5-fold cross-validation on the desk **training part** (the joint head refitted on four
folds and all the own messages, scored on the fifth; :func:`tune_threshold`). The same out-of-fold predictions
give the cross-validated figures recorded beside the held-out ones. The held-out part
(:func:`classifiers.urgency.data.split_desk`) is used once, for the reported figures; hyper-parameters (C, cue
value, heads) were chosen by the same grouped CV on the training part, never on the held-out part.
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

from classifiers.urgency.baseline import DESCRIPTION as BASELINE_DESCRIPTION
from classifiers.urgency.baseline import Baseline, Predictions
from classifiers.urgency.card import LABEL_MAPPING, write_model_card
from classifiers.urgency.cues import CUE_NAMES
from classifiers.urgency.data import (
    CRISISLEX_DIR,
    MUNRO_DIR,
    SEED_DIR,
    SEED_MAX_OVERLAP,
    SEED_SOURCE,
    SPLIT_SEED,
    Example,
    load_crisislex,
    load_desk,
    load_munro,
    load_seed,
    shingle_overlap,
    split_description,
    split_desk,
    training_fingerprint,
)
from classifiers.urgency.evaluate import evaluate, figures, one_per_group
from classifiers.urgency.features import (
    CUE_VALUE,
    FEATURE_SCHEMA_VERSION,
    Featurizer,
    fit_vectorizers,
    prepare,
    vocabulary_arrays,
)
from classifiers.urgency.model import ARTIFACT_FILE, METADATA_FILE, UrgencyModel, file_sha256

__all__ = ["SPLIT_SEED", "main", "save", "to_artifact", "train", "training_fingerprint", "tune_threshold"]

MODEL_NAME = "urgency-v3"
JOINT_C = 15.0  # grouped CV with the own messages: 8 → 30 within noise (macro-F1 0.88–0.91), 15 best
CRISIS_C = 1.0
CV_FOLDS = 5
STACK_SCALE = 3.0  # the crisis head's probabilities enter the joint head as columns of this size
P0_RECALL_TARGET = 0.97  # the desk's target for the recall of priority 0
THRESHOLD_GRID = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)

Progress = Callable[[str], None]


def joint_head() -> LogisticRegression:
    return LogisticRegression(C=JOINT_C, class_weight="balanced", tol=1e-3, max_iter=10_000)


def crisis_head() -> LogisticRegression:
    return LogisticRegression(C=CRISIS_C, tol=1e-3, max_iter=5000)


def fit(head: LogisticRegression, x: sp.csr_matrix, y: npt.ArrayLike,
        sample_weight: npt.ArrayLike | None = None) -> LogisticRegression:
    """Fit, refusing a solver that did not converge (an error, not a warning nobody reads)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fitted: LogisticRegression = head.fit(x, y, sample_weight=sample_weight)
    return fitted


def joint_labels(examples: list[Example]) -> npt.NDArray[np.str_]:
    return np.array([f"{e.category}|{e.priority}" for e in examples])


def train(data_dir: Path, *, seed: int = SPLIT_SEED, own_dir: Path = SEED_DIR,
          progress: Progress | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit features and both heads; return ``(model objects, metrics)`` for :func:`save`.

    ``seed`` fixes the held-out split and the CV folds (the default is the documented split); ``own_dir`` holds
    the project's own messages (the shipped ``seed/`` folder by default)."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    desk = load_desk(data_dir)
    desk_train, held_out = split_desk(desk, seed=seed)
    own, too_close = seed_examples(desk, own_dir)
    crisis = load_crisislex(data_dir) + load_munro(data_dir)
    say(f"data: {len(desk_train)} desk messages to train on, {len(held_out)} held out, {len(own)} of the project's "
        f"own ({too_close} left out as too close to a desk message), {len(crisis)} crisis messages")
    desk_texts, crisis_texts = prepare([e.text for e in desk_train + own]), prepare([e.text for e in crisis])
    char, word = fit_vectorizers(desk_texts, crisis_texts)
    featurizer = Featurizer.from_vectorizers(char, word)
    x_desk, x_crisis = featurizer.transform(desk_texts), featurizer.transform(crisis_texts)
    say(f"features: {x_desk.shape[1]} columns ({len(char.vocabulary_)} char n-grams, {len(word.vocabulary_)} words, "
        f"{featurizer.n_cue} cues)")
    crisis_fitted = fit(crisis_head(), x_crisis, np.array([e.priority for e in crisis]))
    say("crisis head fitted (CrisisLexT26 + Munro, mapped priorities)")
    x = stacked(x_desk, crisis_fitted)
    y = joint_labels(desk_train + own)
    joint = fit(joint_head(), x, y)
    say("joint head fitted; out-of-fold predictions on the desk training part for the priority-0 threshold")
    groups = [e.group or e.text for e in desk_train]
    oof = out_of_fold(x, y, groups, seed, say)
    threshold, search = tune_threshold(oof, joint.classes_, np.array([e.priority for e in desk_train]))
    objects = {"char": char, "word": word, "joint": joint, "crisis": crisis_fitted, "p0_threshold": threshold}
    model = UrgencyModel(to_artifact(objects), {"model": MODEL_NAME})
    metrics: dict[str, Any] = {
        "held_out": evaluate(model, held_out),
        "held_out_one_per_dup_group": evaluate(model, one_per_group(held_out)),
        "cv_training_part": cv_figures(desk_train, oof, joint.classes_, threshold),
        "baseline_held_out": figures(held_out, Baseline.fit(desk_train).predict([e.text for e in held_out])),
        "baseline_description": BASELINE_DESCRIPTION,
        "threshold_search": search,
        "examples": {"desk_train": len(desk_train), "desk_held_out": len(held_out), SEED_SOURCE: len(own),
                     f"{SEED_SOURCE}_too_close": too_close,
                     CRISISLEX_DIR: sum(e.source == CRISISLEX_DIR for e in crisis),
                     MUNRO_DIR: sum(e.source == MUNRO_DIR for e in crisis),
                     "crisis_priorities": {str(k): v for k, v in sorted(Counter(e.priority for e in crisis).items())}},
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    held, cv = metrics["held_out"], metrics["cv_training_part"]
    say(f"cross-validated on the training part: p0 recall {cv['p0_recall']:.3f}, p0 precision "
        f"{cv['p0_precision']:.3f}, macro-F1 {cv['macro_f1']:.3f}, category accuracy {cv['category_accuracy']:.3f}")
    base = metrics["baseline_held_out"]
    say(f"baseline held out: p0 recall {base['p0_recall']:.3f}, p0 precision {base['p0_precision']:.3f}, "
        f"macro-F1 {base['macro_f1']:.3f}, category accuracy {base['category_accuracy']:.3f}")
    say(f"held out: p0 recall {held['p0_recall']:.3f}, p0 precision {held['p0_precision']:.3f}, "
        f"macro-F1 {held['macro_f1']:.3f}, category accuracy {held['category_accuracy']:.3f}")
    return objects, metrics


def seed_examples(desk: list[Example], own_dir: Path = SEED_DIR) -> tuple[list[Example], int]:
    """The project's own messages (:func:`classifiers.urgency.data.load_seed`) minus any within
    :data:`SEED_MAX_OVERLAP` of a desk message, held out or not, so that no paraphrase of a held-out message is
    trained on; returns them and how many were left out."""
    own = load_seed(own_dir)
    close = shingle_overlap([e.text for e in own], [e.text for e in desk]) >= SEED_MAX_OVERLAP
    return [e for e, c in zip(own, close, strict=True) if not c], int(close.sum())


def stacked(x: sp.csr_matrix, crisis: LogisticRegression) -> sp.csr_matrix:
    """The features with the crisis head's probabilities × :data:`STACK_SCALE` as 4 more columns (one per priority
    the crisis data holds)."""
    proba = crisis.predict_proba(x) * STACK_SCALE
    return sp.hstack([x, sp.csr_matrix(proba, dtype=np.float32)]).tocsr()


def out_of_fold(x: sp.csr_matrix, y: npt.NDArray[np.str_], groups: list[str], seed: int,
                say: Progress) -> npt.NDArray[np.float64]:
    """Joint probabilities of each desk training message from a head fitted without its fold (grouped, stratified
    by joint class; near-duplicate groups stay whole). The first ``len(groups)`` rows of ``x``/``y`` are the desk
    messages; the rows after them (the project's own messages) are in every fold's training part and never
    scored. Columns follow the sorted joint classes."""
    classes = np.unique(y)
    n_desk = len(groups)
    desk_y, extra = y[:n_desk], np.arange(n_desk, len(y))
    oof = np.zeros((n_desk, len(classes)))
    n_folds = max(2, min(CV_FOLDS, int(np.bincount(np.searchsorted(classes, desk_y)).max())))
    with warnings.catch_warnings():  # rare joint classes (e.g. a threat, insult_troll|1) have fewer members
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        folds = list(StratifiedGroupKFold(n_folds, shuffle=True, random_state=seed).split(np.zeros(n_desk), desk_y,
                                                                                          groups))
    for k, (fold_train, fold_val) in enumerate(folds, 1):
        rows = np.concatenate([fold_train, extra])
        head = fit(clone(joint_head()), x[rows], y[rows])
        oof[np.ix_(fold_val, np.searchsorted(classes, head.classes_))] = head.predict_proba(x[fold_val])
        say(f"  CV fold {k}/{n_folds}")
    return oof


def _marginals(joint: npt.NDArray[np.float64], classes: npt.ArrayLike) -> tuple[npt.NDArray[np.float64],
                                                                                 npt.NDArray[np.str_],
                                                                                 npt.NDArray[np.float64]]:
    """(priority probabilities n × 4, category names, category probabilities) from joint probabilities."""
    pairs = [str(c).split("|") for c in np.asarray(classes)]
    prio = np.array([int(p) for _, p in pairs])
    cats = np.array(sorted({c for c, _ in pairs}))
    cat_of = np.searchsorted(cats, [c for c, _ in pairs])
    priority = np.stack([joint[:, prio == k].sum(axis=1) for k in range(4)], axis=1)
    category = np.stack([joint[:, cat_of == j].sum(axis=1) for j in range(len(cats))], axis=1)
    return priority, cats, category


def tune_threshold(oof: npt.NDArray[np.float64], classes: npt.ArrayLike,
                   truth: npt.NDArray[np.int64]) -> tuple[float, dict[str, Any]]:
    """The p(0) multiplier of :data:`THRESHOLD_GRID`, recall first: the smallest one whose out-of-fold recall of
    priority 0 reaches :data:`P0_RECALL_TARGET` (a missed person in danger costs far more than an agent's few
    seconds on a false alarm); if none does, the one with the best F2 (recall weighted 4× precision)."""
    priority, _, _ = _marginals(oof, classes)
    table = []
    for t in THRESHOLD_GRID:
        predicted = (priority * np.array([t, 1.0, 1.0, 1.0])).argmax(axis=1)
        tp = int(np.sum((predicted == 0) & (truth == 0)))
        recall = tp / max(1, int(np.sum(truth == 0)))
        precision = tp / max(1, int(np.sum(predicted == 0)))
        f2 = 5 * precision * recall / (4 * precision + recall) if tp else 0.0
        table.append({"threshold": t, "p0_recall": round(recall, 4), "p0_precision": round(precision, 4),
                      "f2": round(f2, 4)})
    reaching = [row for row in table if row["p0_recall"] >= P0_RECALL_TARGET]
    best = reaching[0] if reaching else max(table, key=lambda row: (row["f2"], -row["threshold"]))
    return float(best["threshold"]), {
        "method": f"grouped {CV_FOLDS}-fold CV on the desk training part: the smallest multiplier whose "
                  f"out-of-fold priority-0 recall reaches {P0_RECALL_TARGET}, else the best F2 of priority 0",
        "grid": table, "chosen": best}


def cv_figures(examples: list[Example], oof: npt.NDArray[np.float64], classes: npt.ArrayLike,
               threshold: float) -> dict[str, Any]:
    """Evaluation figures of the out-of-fold predictions (the threshold was tuned on them, so p0 figures are a
    little optimistic)."""
    priority, cats, category = _marginals(oof, classes)
    predicted = Predictions((priority * np.array([threshold, 1.0, 1.0, 1.0])).argmax(axis=1),
                            cats[category.argmax(axis=1)], priority[:, 0])
    return figures(examples, predicted)


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
            "word_terms": word_terms, "word_idf": word_idf, "joint": _compact(objects["joint"]),
            "crisis": _compact(objects["crisis"]), "p0_threshold": float(objects["p0_threshold"]),
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
        "training": {"joint_C": JOINT_C, "joint_class_weight": "balanced", "crisis_C": CRISIS_C,
                     "stack_scale": STACK_SCALE, "cue_value": CUE_VALUE, "solver": "lbfgs, tol 1e-3",
                     "cv_folds": CV_FOLDS, "features": f"char_wb {tuple(model_objects['char'].ngram_range)} "
                     "+ word (1, 2) TF-IDF on prepared text (lower case, accents folded, links and mentions as "
                     f"placeholders) + {len(CUE_NAMES)} cue columns (multilingual lexicon and conjunctions); the "
                     "joint (category, priority) head also reads the crisis head's probabilities (stacked)"},
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
    parser.add_argument("--out", type=Path, required=True, help="artifact folder to write, e.g. models/urgency-v3")
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
