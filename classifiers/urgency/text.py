"""The urgency model's own text normalisation and tokenisation, done a whole batch at a time.

:func:`prepare` gives the text every feature is computed on: lower case, accents folded (``é`` → ``e``, ``œ`` →
``oe``), links → ``url``, ``@mentions`` → ``@user``, apostrophes and hyphens → spaces (``j'ai`` → ``j ai``,
``pré-plainte`` → ``pre plainte``), runs of 3+ equal non-digit characters cut to two (``aidezzzz`` → ``aidezz``),
whitespace collapsed. Emoji, punctuation and other scripts are kept. It is the same idea as
:func:`classifiers.normalize.normalize` (which the duplicate fingerprints use), but computed on the batch joined
into one string, each step one C-level pass over it: a few µs a message instead of ~25.

:func:`tokenize` splits prepared texts into tokens: runs of word characters, and every other non-space character
on its own (``?``, ``!``, each emoji), which is what the word n-grams and the cue lexicon read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import chain

import numpy as np
import numpy.typing as npt

from classifiers.normalize import TRIPLE, URL

TOKEN = re.compile(r"\w+|[^\w\s]")
_MENTION = re.compile(r"@\w+")
_COMBINING = re.compile(r"[\u0300-\u036f]+")
_REPEAT = re.compile(r"([^\d\n])\1{2,}")
SEPARATOR = "\n"  # joins the texts of a batch (their own line breaks become spaces first); no pattern crosses it
# After NFKD: letters NFKD leaves alone, apostrophes and hyphens (→ space: "j'ai" → "j ai").
_REPLACE = (("œ", "oe"), ("æ", "ae"), ("ß", "ss"), ("ø", "o"), ("ł", "l"), ("đ", "d"),
            *((c, " ") for c in "'’ʼ`´‘-‐‑–—"))


def prepare(texts: Sequence[str]) -> list[str]:
    """The normalised texts the features are computed on (module docstring), one per input text.

    The batch is joined into one string and each step runs once over it in C (``str.lower``, NFKD, regular
    expressions, ``str.replace``); links are only looked for in the texts that hold a ``/`` or ``www.``."""
    if not texts:
        return []
    joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1:
        joined = SEPARATOR.join(t.replace(SEPARATOR, " ") for t in texts)
    joined = joined.lower()
    if "/" in joined or "www." in joined:
        joined = SEPARATOR.join(URL.sub(" url ", t) if "/" in t or "www." in t else t
                                for t in joined.split(SEPARATOR))
    if "@" in joined:
        joined = _MENTION.sub(" @user ", joined)
    if not joined.isascii():
        joined = _COMBINING.sub("", unicodedata.normalize("NFKD", joined))
    for old, new in _REPLACE:
        if old in joined:
            joined = joined.replace(old, new)
    # runs never cross a text's end (the class excludes the separator): each text with a run is shortened alone
    return [" ".join((_REPEAT.sub(r"\1\1", t) if TRIPLE.search(t) else t).split()) for t in joined.split(SEPARATOR)]


ROW_MARK = "\ue000"  # a private-use character between two texts in :func:`tokenize`: a token of its own


def tokenize(prepared: Sequence[str]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """(every token of the batch in order, the row each token belongs to), in one regex pass over the batch.

    Between two texts stands a :data:`ROW_MARK` token (it belongs to the next row and matches no feature)."""
    joined = f" {ROW_MARK} ".join(prepared)
    if joined.count(ROW_MARK) != max(len(prepared) - 1, 0):  # a text holds the mark: one pass per text
        per_text = [TOKEN.findall(t) for t in prepared]
        lengths = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
        return list(chain.from_iterable(per_text)), np.repeat(np.arange(len(per_text), dtype=np.int64), lengths)
    tokens = TOKEN.findall(joined)
    boundary = np.zeros(len(tokens), dtype=np.int64)
    at = -1
    for _ in range(len(prepared) - 1):
        at = tokens.index(ROW_MARK, at + 1)
        boundary[at] = 1
    return tokens, np.cumsum(boundary)
