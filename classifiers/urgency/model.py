"""The urgency model at run time: load a checked artifact, score a batch of texts with one matrix product.

Two logistic-regression heads over the same sparse features (:mod:`classifiers.urgency.features`):

- the **crisis head** (4 priorities), trained on the real crisis sets only (CrisisLexT26, Munro) with their
  labels mapped to desk priorities: what first-hand reports of danger look like beyond the desk's fiction;
- the **joint head**, trained on the desk set's training part, whose classes are the (category, priority) pairs
  of the taxonomy (``danger|0``, ``witness_tip|1``, ``procedure_question|2``, ``procedure_question|3``…). It
  reads the features and the crisis head's probabilities (stacked). Priority probabilities are the joint
  probabilities summed per priority, category probabilities summed per category, so the two always agree.

The priority is the argmax after multiplying p(0) by the threshold tuned by cross-validation at training time.
Both heads' weights sit in one (n_features × 20) matrix: one sparse × dense product per batch.

An artifact is a folder (``models/urgency-v3/``) holding ``model.skops`` (the fitted heads and the feature
vocabularies, see :func:`classifiers.urgency.train.save`), ``metadata.json`` and ``MODEL_CARD.md``. Loading refuses
an artifact whose feature schema, scikit-learn version or file hash does not match this code.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn

from classifiers.urgency.explain import Explainer
from classifiers.urgency.features import FEATURE_SCHEMA_VERSION, Featurizer, prepare

ARTIFACT_FILE = "model.skops"
METADATA_FILE = "metadata.json"

# Every type model.skops may contain. skops trusts all scikit-learn estimators by default, so load() first reads
# the artifact's schema and refuses any type outside this list, then hands the same list to skops.io.load.
TRUSTED_TYPES = [
    "builtins.dict",
    "builtins.list",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "numpy.ndarray",
    "sklearn.linear_model._logistic.LogisticRegression",
]
ARTIFACT_KEYS = frozenset({"char_terms", "char_idf", "char_ngram_range", "word_terms", "word_idf", "joint", "crisis",
                           "p0_threshold", "stack_scale"})

# Expected urgency of each priority: 0 → 1.0, 1 → 2/3, 2 → 1/3, 3 → 0.
_URGENCY_OF_PRIORITY = np.array([1.0, 2 / 3, 1 / 3, 0.0])


class ModelMismatchError(RuntimeError):
    """The artifact does not fit this code: other feature schema, other scikit-learn, or a modified file."""


@dataclass(frozen=True, slots=True)
class Score:
    """The model's verdict on one message.

    ``priority`` 0 (critical) … 3 (low); ``category`` one of :data:`classifiers.taxonomy.CATEGORIES`;
    ``urgency`` in [0, 1], the expected urgency Σ p_k (3 − k) / 3 over the calibrated priority probabilities
    (orders items within a queue); ``reasons`` up to 3 terms or cues that pushed the message up.
    """

    priority: int
    category: str
    urgency: float
    reasons: tuple[str, ...]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def artifact_types(path: Path) -> set[str]:
    """``module.Class`` of every object in a skops file, read from its schema without building anything."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    pending: list[Any] = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def sklearn_minor(version: str) -> str:
    """``"1.9.1"`` → ``"1.9"``."""
    return ".".join(version.split(".")[:2])


def check_metadata(metadata: Mapping[str, Any], artifact_sha256: str) -> list[str]:
    """What differs between an artifact and this code, one sentence per difference (empty when it fits)."""
    problems = []
    if metadata.get("schema_version") != FEATURE_SCHEMA_VERSION:
        problems.append(f"feature schema {metadata.get('schema_version')!r} in the artifact, "
                        f"{FEATURE_SCHEMA_VERSION} in this code")
    trained_with = str(metadata.get("sklearn_version", "unknown"))
    if sklearn_minor(trained_with) != sklearn_minor(sklearn.__version__):
        problems.append(f"trained with scikit-learn {trained_with}, running {sklearn.__version__}")
    if metadata.get("artifact_sha256") != artifact_sha256:
        problems.append(f"{ARTIFACT_FILE} has sha256 {artifact_sha256[:12]}…, metadata records "
                        f"{str(metadata.get('artifact_sha256'))[:12]}… (file modified or metadata from another run)")
    return problems


class UrgencyModel:
    """The crisis and joint heads over shared features; ``score`` is one vectorised pass per batch."""

    def __init__(self, artifact: Mapping[str, Any], metadata: Mapping[str, Any]) -> None:
        self.metadata: dict[str, Any] = dict(metadata)
        self._features = Featurizer(artifact["char_terms"], artifact["char_idf"], artifact["word_terms"],
                                    artifact["word_idf"], tuple(artifact["char_ngram_range"]))
        joint, crisis = artifact["joint"], artifact["crisis"]
        crisis_classes = [int(c) for c in crisis.classes_]
        if len(crisis_classes) < 3 or not set(crisis_classes) <= {0, 1, 2, 3}:
            raise ModelMismatchError(f"crisis head has classes {crisis_classes}, expected three or four of 0–3")
        n_crisis = len(crisis_classes)
        pairs = [str(c).split("|") for c in joint.classes_]
        if any(len(p) != 2 or p[1] not in "0123" for p in pairs):
            raise ModelMismatchError(f"joint head classes {list(joint.classes_)} are not category|priority pairs")
        self._categories = np.asarray(sorted({c for c, _ in pairs}))
        self._joint_priority = np.array([int(p) for _, p in pairs])
        self._joint_category = np.searchsorted(self._categories, [c for c, _ in pairs])
        n_features, k = self._features.n_features, len(pairs)
        if joint.coef_.shape[1] != n_features + n_crisis or crisis.coef_.shape[1] != n_features:
            raise ModelMismatchError(f"heads read {joint.coef_.shape[1]} / {crisis.coef_.shape[1]} columns, expected "
                                     f"{n_features} features (+ {n_crisis} crisis probabilities)")
        # summing matrices: joint probabilities → priority (k × 4) and category (k × n_categories) probabilities
        self._to_priority = np.zeros((k, 4))
        self._to_priority[np.arange(k), self._joint_priority] = 1.0
        self._to_category = np.zeros((k, len(self._categories)))
        self._to_category[np.arange(k), self._joint_category] = 1.0
        coef = np.asarray(joint.coef_, dtype=np.float32)
        self._weights = np.ascontiguousarray(np.hstack([np.asarray(crisis.coef_, dtype=np.float32).T,
                                                        coef[:, :n_features].T]), dtype=np.float32)
        self._stack = np.ascontiguousarray(coef[:, n_features:].T * float(artifact["stack_scale"]), dtype=np.float64)
        self._bias = np.concatenate([crisis.intercept_, joint.intercept_]).astype(np.float64)
        self._n_crisis = n_crisis
        self._p0_scale = np.array([float(artifact["p0_threshold"]), 1.0, 1.0, 1.0])
        self._explainer = Explainer(self._features, coef[:, :n_features], self._joint_priority)

    @classmethod
    def load(cls, path: Path) -> UrgencyModel:
        """Load ``path/model.skops`` after checking ``path/metadata.json`` against this code."""
        import skops.io

        artifact_path, metadata_path = path / ARTIFACT_FILE, path / METADATA_FILE
        for needed in (artifact_path, metadata_path):
            if not needed.is_file():
                raise FileNotFoundError(f"no urgency model at {path}: {needed.name} is missing "
                                        "(train one with `vigie train`, i.e. python -m classifiers.urgency.train)")
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        problems = check_metadata(metadata, file_sha256(artifact_path))
        if problems:
            raise ModelMismatchError(f"urgency model {path} does not fit this code: " + "; ".join(problems)
                                     + ". Retrain it with `vigie train` (python -m classifiers.urgency.train).")
        untrusted = sorted(artifact_types(artifact_path) - set(TRUSTED_TYPES))
        if untrusted:
            raise ModelMismatchError(f"{artifact_path} holds types outside the trusted list: {', '.join(untrusted)}. "
                                     "Retrain it with `vigie train` (python -m classifiers.urgency.train).")
        artifact = skops.io.load(artifact_path, trusted=TRUSTED_TYPES)
        missing = sorted(ARTIFACT_KEYS - set(artifact)) if isinstance(artifact, dict) else ["everything"]
        if missing:
            raise ModelMismatchError(f"{artifact_path} is not an urgency-model artifact (missing {', '.join(missing)})."
                                     " Retrain it with `vigie train`.")
        return cls(artifact, metadata)

    @property
    def version(self) -> str:
        """e.g. ``"urgency-v3+1a2b3c4d"``: model name and training-data fingerprint."""
        return f"{self.metadata.get('model', 'urgency')}+{str(self.metadata.get('data_fingerprint', ''))[:8]}"

    def score(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Score]:
        """Score a batch. ``langs`` (the networks' language tags) is accepted for the interface and checked; the
        features find the language from the text itself (the networks' tags are often missing or wrong)."""
        if langs is not None and len(langs) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(langs)} langs")
        if not texts:
            return []
        features = self._features.transform(prepare(texts))
        joint = self._joint_proba(features)
        proba = joint @ self._to_priority
        priorities = (proba * self._p0_scale).argmax(axis=1)
        categories = self._categories[(joint @ self._to_category).argmax(axis=1)]
        urgencies = np.clip(proba @ _URGENCY_OF_PRIORITY, 0.0, 1.0)
        reasons = self._explainer.reasons(features, priorities, joint, texts)
        return [Score(p, c, u, r)
                for p, c, u, r in zip(priorities.tolist(), categories.tolist(), urgencies.tolist(), reasons,
                                      strict=True)]

    def priority_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Calibrated priority probabilities (n × 4), before the priority-0 threshold."""
        out: npt.NDArray[np.float64] = self._joint_proba(self._features.transform(prepare(texts))) @ self._to_priority
        return out

    def stage_times(self, texts: Sequence[str]) -> dict[str, float]:
        """Seconds spent in each stage of :meth:`score` on ``texts`` (for ``benchmarks/model_speed.py``)."""
        clock = time.perf_counter
        t0 = clock()
        prepared = prepare(texts)
        t1 = clock()
        features = self._features.transform(prepared)
        t2 = clock()
        joint = self._joint_proba(features)
        proba = joint @ self._to_priority
        priorities = (proba * self._p0_scale).argmax(axis=1)
        t3 = clock()
        self._explainer.reasons(features, priorities, joint, texts)
        t4 = clock()
        return {"prepare": t1 - t0, "features": t2 - t1, "heads": t3 - t2, "reasons": t4 - t3}

    def _joint_proba(self, features: Any) -> npt.NDArray[np.float64]:
        """(n × k) joint (category, priority) probabilities; the crisis head's probabilities are stacked in."""
        logits = np.asarray(features @ self._weights, dtype=np.float64) + self._bias
        k = self._n_crisis
        return _softmax(logits[:, k:] + _softmax(logits[:, :k]) @ self._stack)


def _softmax(logits: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    z = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: npt.NDArray[np.float64] = e / e.sum(axis=1, keepdims=True)
    return out
