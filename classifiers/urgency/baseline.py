"""The plain baseline the urgency model must beat: what anyone would try first, on the desk set only.

TF-IDF of character n-grams (``char_wb`` 2–5) and word n-grams (1–2) of the raw text (scikit-learn's default
lower-casing, nothing else), then ``LogisticRegression(class_weight="balanced")``: one for the priority, one
for the category. Trained on the training part of ``police_fr_dev`` (the same split as the model), no crisis
data, no cues, no threshold: the priority is the argmax. ``vigie evaluate`` trains it in the same run and reports
it beside the model, so the comparison is always on the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from classifiers.urgency.data import Example

DESCRIPTION = ("TF-IDF char_wb 2–5 + word 1–2 n-grams of the raw text, LogisticRegression(class_weight=\"balanced\") "
               "for priority and for category, desk training part only, argmax")


def _pipeline() -> Pipeline:
    features = make_union(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
                          TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True))
    return make_pipeline(features, LogisticRegression(class_weight="balanced", max_iter=5000))


@dataclass(frozen=True, slots=True)
class Predictions:
    """Per message: predicted priority, category, and the probability of priority 0 (for precision–recall)."""

    priorities: npt.NDArray[np.int64]
    categories: npt.NDArray[np.str_]
    p0: npt.NDArray[np.float64]


class Baseline:
    """Two fitted pipelines (priority, category)."""

    def __init__(self, priority: Pipeline, category: Pipeline) -> None:
        self.priority, self.category = priority, category

    @classmethod
    def fit(cls, examples: Sequence[Example]) -> Baseline:
        texts = [e.text for e in examples]
        with_category = [e for e in examples if e.category]
        if not with_category:
            raise ValueError("the baseline needs examples with a desk category")
        priority = _pipeline().fit(texts, np.array([e.priority for e in examples]))
        category = _pipeline().fit([e.text for e in with_category], np.array([str(e.category) for e in with_category]))
        return cls(priority, category)

    def predict(self, texts: Sequence[str]) -> Predictions:
        proba = np.asarray(self.priority.predict_proba(list(texts)), dtype=np.float64)
        classes = np.asarray(self.priority.classes_, dtype=np.int64)
        p0 = proba[:, int(np.flatnonzero(classes == 0)[0])] if 0 in classes else np.zeros(len(texts))
        return Predictions(classes[proba.argmax(axis=1)], np.asarray(self.category.predict(list(texts)), dtype=np.str_),
                           p0)
