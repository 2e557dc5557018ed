"""Reasons: the words and cues that pushed a message up, read off the linear joint head.

For a message predicted at priority p < 3, the target is its most probable (category, priority) class of priority
p, and the contribution of a word n-gram or cue column j is ``x_j · (w[target, j] − mean of w[c, j] over the
priority-3 classes c)``: how much that feature moved the message from "low" toward what it got. The (up to) three
largest positive contributions become the reasons. A priority-3 message (target: its most probable urgent class)
only gets reasons when a feature pushed it strongly toward urgency anyway (contribution above
:data:`LOW_PRIORITY_FLOOR`), which tells the agent what the model hesitated about. Character n-grams are left
out: "ache" explains nothing to a person.

A word is shown as the message wrote it (``« cachés »``, not the normalised ``caches``) when it can be found
again in the original text; cues are shown by name (``indice : tirs / armes``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classifiers.normalize import strip_accents
from classifiers.urgency.cues import CUE_NAMES
from classifiers.urgency.features import Featurizer

MAX_REASONS = 3
LOW_PRIORITY_FLOOR = 0.75  # logit units
_PLACEHOLDERS = {"URL", "user"}  # normalize()'s stand-ins for links and @mentions
# Function words (normalised): a reason naming "elle" or "the" explains nothing, nor does a bigram holding one.
_FUNCTION_WORDS = """
    le la les un une des du de au aux et ou en dans sur sous par pour avec sans ce cet cette ces son sa ses mon ma
    mes ton ta tes notre nos votre vos leur leurs je tu il elle on nous vous ils elles me te se moi toi lui qui que
    quoi dont est sont suis es etre ete ai as avons avez ont avait etait ca cela ne pas plus tres tout tous si mais
    donc car comme quand the an of to in on at for with and or is are was were be been you he she it we they my our
    your his her their this that there here from by as not no do
"""
_STOPWORDS = frozenset(_FUNCTION_WORDS.split())



def _accent_variants() -> dict[str, str]:
    """Normalised letter → itself and the accented letters that fold to it (``"e"`` → ``"eéèêë…"``)."""
    variants: dict[str, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code).lower()
        base = strip_accents(char)
        if len(base) == 1 and base != char and base.isascii():
            variants[base] = variants.get(base, base) + char
    return variants


_VARIANTS = _accent_variants()


@lru_cache(maxsize=4096)
def _pattern(term: str) -> re.Pattern[str]:
    """A regex finding ``term`` (normalised, maybe two words) in original text: any accents, any case, letters
    repeated (``aidezz`` finds ``aidezzzz``), and a one-letter word or elision between two words (``l'``)."""
    words = []
    for word in term.split(" "):
        words.append("".join(f"[{re.escape(_VARIANTS[c])}]+" if c in _VARIANTS else f"{re.escape(c)}+"
                             for c in word))
    return re.compile(r"\b" + r"\W+(?:\w\W+)?".join(words) + r"\b", re.IGNORECASE)


def show(term: str, text: str) -> str:
    """``« term »`` as written in ``text`` (falls back to the normalised form)."""
    lowered = text.lower()
    at = lowered.find(term)
    if at >= 0 and len(lowered) == len(text):  # written without accents: only the case may differ
        return f"« {text[at: at + len(term)]} »"
    found = _pattern(term).search(text)
    return f"« {found.group() if found else term} »"


class Explainer:
    """Up to :data:`MAX_REASONS` reasons per message, computed for a whole batch from its feature matrix."""

    def __init__(self, features: Featurizer, joint_coef: npt.NDArray[np.float32],
                 joint_priority: npt.NDArray[np.int64]) -> None:
        self._first = features.n_char
        names = [*features.word_terms, *CUE_NAMES]
        self._is_cue = np.arange(len(names)) >= features.n_word
        self._names = names
        # push[k] = w[k] − mean of the priority-3 classes' w, over the word and cue columns, for each joint class k.
        low = joint_priority == 3
        words = joint_coef[:, self._first:]
        push = words - (words[low].mean(axis=0) if low.any() else 0.0)
        self._urgent = np.where(joint_priority < 3, 0.0, -np.inf)  # masks: classes of each priority
        self._by_priority = np.array([np.where(joint_priority == p, 0.0, -np.inf) for p in range(4)])
        silent = [not self._is_cue[i] and bool((_PLACEHOLDERS | _STOPWORDS) & set(n.split(" ")))
                  for i, n in enumerate(names)]
        push[:, np.asarray(silent, dtype=bool)] = 0.0
        self._push = np.ascontiguousarray(push, dtype=np.float32)

    def reasons(self, features: sp.csr_matrix, priorities: npt.NDArray[np.int64], joint: npt.NDArray[np.float64],
                texts: Sequence[str]) -> list[tuple[str, ...]]:
        n = len(texts)
        masks = np.where((priorities < 3)[:, None], self._by_priority[np.minimum(priorities, 3)], self._urgent)
        target = (joint + masks).argmax(axis=1)
        floor = np.where(priorities < 3, 0.0, LOW_PRIORITY_FLOOR)
        rows = np.repeat(np.arange(n), np.diff(features.indptr))
        mine = features.indices >= self._first
        rows, cols = rows[mine], features.indices[mine] - self._first
        contrib = features.data[mine] * self._push[target[rows], cols]
        keep = contrib > floor[rows]
        rows, cols, contrib = rows[keep], cols[keep], contrib[keep]
        order = np.lexsort((-contrib, rows))
        out: list[list[str]] = [[] for _ in range(n)]
        words_shown: list[set[str]] = [set() for _ in range(n)]
        for row, col in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
            if len(out[row]) == MAX_REASONS:
                continue
            name = self._names[col]
            if self._is_cue[col]:
                out[row].append(f"indice : {name}")
            elif not set(words := name.split(" ")) <= words_shown[row]:  # "porte de" after "porte": no news
                out[row].append(show(name, texts[row]))
                words_shown[row].update(words)
        return [tuple(r) for r in out]
