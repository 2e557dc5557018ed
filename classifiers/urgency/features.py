"""The urgency model's features: TF-IDF character and word n-grams on normalised text, plus a few danger cues.

Columns, in order: ``char_wb`` 2–5-grams (spelling variants, typos, other languages), word 1–2-grams, then one
binary column per cue of :data:`CUES`. Texts go through :func:`classifiers.normalize.normalize` first, so the
fitted scikit-learn vectorisers hold plain state and no Python callables.

Training fits two scikit-learn ``TfidfVectorizer`` (:func:`fit_vectorizers`): the vocabulary is every n-gram seen
twice in the desk's French messages plus the most frequent ones of the (mostly English) crisis sets, so the
crisis data cannot crowd French out; idf comes from all training texts. The artifact keeps the vocabularies and
idf as arrays (:func:`vocabulary_arrays`), and :class:`Featurizer` computes the same matrix as
``TfidfVectorizer.transform``, much faster: the character n-grams of a whole batch are hashed at once with numpy
and looked up in a hash table of the vocabulary (tests check the result equals scikit-learn's).

The cue lexicon lives in code, not in the artifact: changing it, or anything else about how a text becomes a
vector, bumps :data:`FEATURE_SCHEMA_VERSION`, and artifacts trained with another version are refused. The cues are
multilingual on purpose: the crisis sets are mostly English, the desk's traffic mostly French, and a shared
"gunfire" column lets what one language teaches carry over to the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import repeat

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from classifiers.normalize import normalize
from classifiers.urgency.cues import CUE_NAMES, CUES, pattern_cues
from classifiers.urgency.ngrams import HashTable, code_points, term_hashes, window_hashes

FEATURE_SCHEMA_VERSION = 2

CHAR_NGRAMS = (2, 5)
CHAR_FROM_OTHER = 40_000  # most frequent character n-grams taken from the crisis sets
WORD_FROM_OTHER = 10_000

WORD_PATTERN = r"(?u)\b\w\w+\b"
_TOKEN = re.compile(WORD_PATTERN)

_SEPARATOR = "ZZVIGIESEPARATORZZ"  # upper case: normalize() lower-cases, so a text only has it if crafted


def prepare(texts: Sequence[str]) -> list[str]:
    """The normalised texts the features are computed on."""
    return [normalize(t) for t in texts]


def build_vectorizers(**params: object) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """Unfitted (char, word) vectorisers with the v1 settings."""
    common = {"lowercase": False, "sublinear_tf": True, "dtype": np.float32, **params}
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, **common)
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=WORD_PATTERN, **common)
    return char, word


def fit_vectorizers(desk: Sequence[str], other: Sequence[str]) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """Fit on prepared texts: vocabulary = desk n-grams seen in ≥ 2 messages ∪ the most frequent n-grams of
    ``other``; idf over all of them, computed as ``TfidfVectorizer.fit`` does (smoothed, float32) from the
    document frequencies of a :class:`Featurizer` pass, which is several times faster than a second fit."""
    vectorizers = build_vectorizers()
    vocabularies: list[list[str]] = []
    for vectorizer, limit in zip(vectorizers, (CHAR_FROM_OTHER, WORD_FROM_OTHER), strict=True):
        seen = set(clone(vectorizer).set_params(min_df=2).fit(desk).vocabulary_)
        if other:
            seen |= set(clone(vectorizer).set_params(max_features=limit).fit(other).vocabulary_)
        vocabularies.append(sorted(seen))
    texts = [*desk, *other]
    char_terms, word_terms = vocabularies
    probe = Featurizer(char_terms, np.ones(len(char_terms)), word_terms, np.ones(len(word_terms)), CHAR_NGRAMS)
    df = np.bincount(probe.transform(texts).indices, minlength=probe.n_features).astype(np.float32) + 1.0
    idf = np.log(np.float32(len(texts) + 1) / df) + np.float32(1.0)
    blocks = (idf[: len(char_terms)], idf[len(char_terms): len(char_terms) + len(word_terms)])
    for vectorizer, terms, block in zip(vectorizers, vocabularies, blocks, strict=True):
        vectorizer.set_params(vocabulary=terms)
        vectorizer.idf_ = block  # public setter: validates the fixed vocabulary and makes the vectoriser usable
    return vectorizers


def vocabulary_arrays(vectorizer: TfidfVectorizer) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float32]]:
    """(terms in column order, idf): what the artifact stores instead of a vocabulary dict."""
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return np.array(terms, dtype=np.str_), np.asarray(vectorizer.idf_, dtype=np.float32)


class Featurizer:
    """Fitted features: ``transform(prepared texts) → CSR float32``, identical to the scikit-learn vectorisers'
    output (plus the cue columns), in one pass over the whole batch."""

    def __init__(self, char_terms: Sequence[str] | npt.NDArray[np.str_], char_idf: npt.ArrayLike,
                 word_terms: Sequence[str] | npt.NDArray[np.str_], word_idf: npt.ArrayLike,
                 char_ngrams: tuple[int, int] = CHAR_NGRAMS) -> None:
        self.char_ngrams = (int(char_ngrams[0]), int(char_ngrams[1]))
        char_list = [str(t) for t in char_terms]
        self._table = HashTable(term_hashes(char_list), np.arange(len(char_list), dtype=np.int64))
        self._idf = np.concatenate([np.asarray(char_idf, dtype=np.float32), np.asarray(word_idf, dtype=np.float32),
                                    np.ones(len(CUE_NAMES), dtype=np.float32)])
        self.word_terms = [str(t) for t in word_terms]
        self.n_char, self.n_word, self.n_cue = len(char_list), len(self.word_terms), len(CUE_NAMES)
        self._words = _WordIndex(self.word_terms)

    @property
    def n_features(self) -> int:
        return self.n_char + self.n_word + self.n_cue

    @classmethod
    def from_vectorizers(cls, char: TfidfVectorizer, word: TfidfVectorizer) -> Featurizer:
        return cls(*vocabulary_arrays(char), *vocabulary_arrays(word), char.ngram_range)

    def transform(self, prepared: Sequence[str]) -> sp.csr_matrix:
        """CSR float32 (texts × n_features) with sorted indices: the three blocks built together."""
        n, first_cue = len(prepared), self.n_char + self.n_word
        char_rows, char_cols = self._char_counts(prepared)
        word_rows, word_cols, cue_rows, cue_cols = self._word_counts(prepared)
        pattern_rows, pattern_cols = pattern_cues(prepared)
        cue_rows = np.concatenate([cue_rows, pattern_rows])
        cue_cols = np.concatenate([cue_cols, pattern_cols + len(CUES)])
        # (row, column) pairs as one sortable key; equal keys are repeats of an n-gram in a text.
        key_type = np.uint32 if n * self.n_features < 2**32 else np.uint64
        keys = np.concatenate([char_rows * self.n_features + char_cols,
                               word_rows * self.n_features + (word_cols + self.n_char),
                               cue_rows * self.n_features + (cue_cols + first_cue)]).astype(key_type)
        keys.sort(kind="stable")
        first = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.diff(starts, append=len(keys)).astype(np.float32)
        rows = (keys[starts] // self.n_features).astype(np.int64)
        cols = (keys[starts] % self.n_features).astype(np.int32)
        # counts → sublinear tf × idf, L2-normalised per row within each n-gram block, as TfidfVectorizer does;
        # cues are binary.
        block = (cols >= self.n_char).astype(np.int64) + (cols >= first_cue)
        data = np.where(block == 2, np.float32(1.0), (np.log(counts) + np.float32(1.0)) * self._idf[cols])
        norms = np.sqrt(np.bincount(rows * 3 + block, weights=data.astype(np.float64) ** 2, minlength=3 * n))
        norms[2::3] = 1.0
        data /= norms[rows * 3 + block].astype(np.float32)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return sp.csr_matrix((data, cols, indptr), shape=(n, self.n_features))

    def _char_counts(self, prepared: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        # " w1  w2 " per text: each word padded with one space as char_wb does. A window spanning two words (or
        # two texts) contains "  ", which no vocabulary term does: such windows are dropped before the lookup.
        streams = [f" {t.replace(' ', '  ')} " for t in prepared]
        codes = code_points("".join(streams))
        row_of = np.repeat(np.arange(len(streams)), [len(s) for s in streams])
        doubles = np.zeros(len(codes) + 1, dtype=np.int32)
        np.cumsum((codes[:-1] == 32) & (codes[1:] == 32), out=doubles[2:])
        hashes, rows = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.int64)]
        for size in range(self.char_ngrams[0], min(self.char_ngrams[1], len(codes)) + 1):
            starts = np.flatnonzero(doubles[size:] == doubles[1: len(doubles) - size + 1])
            hashes.append(window_hashes(codes, size)[starts])
            rows.append(row_of[starts])
        found = self._table.lookup(np.concatenate(hashes))
        hit = found >= 0
        return np.concatenate(rows)[hit], found[hit]

    def _word_counts(self, prepared: Sequence[str]) -> tuple[npt.NDArray[np.int64], ...]:
        """(rows, columns) of word n-grams, then (rows, cue numbers); duplicates are summed later.

        The batch is tokenised in one pass, the texts joined by a separator word. A text that contains the
        separator gets it lower-cased first: both spellings are out of vocabulary, so its features do not change.
        """
        if any(_SEPARATOR in text for text in prepared):
            prepared = [text.replace(_SEPARATOR, _SEPARATOR.lower()) for text in prepared]
        joined = f" {_SEPARATOR} ".join(prepared)
        tokens = _TOKEN.findall(joined)
        boundary = np.zeros(len(tokens), dtype=np.int64)
        at = -1
        for _ in range(len(prepared) - 1):
            at = tokens.index(_SEPARATOR, at + 1)
            boundary[at] = 1
        row_of = np.cumsum(boundary)
        rows, cols, cue_rows, cues = self._words.lookup(tokens, row_of)
        offsets = np.cumsum([0] + [len(t) + len(_SEPARATOR) + 2 for t in prepared[:-1]])
        matches = [(m.start(), self._words.long_cue[m.group()]) for m in self._words.long_re.finditer(joined)]
        long_rows = np.searchsorted(offsets, [at for at, _ in matches], side="right") - 1
        long_cues = np.array([cue for _, cue in matches], dtype=np.int64)
        return rows, cols, np.concatenate([cue_rows, long_rows.astype(np.int64)]), np.concatenate([cues, long_cues])


class _WordIndex:
    """Word unigrams and bigrams → columns, and short cue phrases → cues, looked up a batch at a time.

    Each token gets an id (its column when it is a vocabulary unigram, a larger id when it only occurs in a
    vocabulary bigram or a cue phrase); a bigram is then the integer ``id(a) * n_ids + id(b)``, looked up in a
    sorted array, so no bigram string is built. Cue phrases of three tokens, and emoji, are found by one regex.
    """

    def __init__(self, word_terms: Sequence[str]) -> None:
        n_word = len(word_terms)
        self.ids: dict[str, int] = {t: i for i, t in enumerate(word_terms) if " " not in t}
        pairs: dict[tuple[str, str], tuple[int, int]] = {}  # (a, b) → (column or -1, cue or -1)
        for col, term in enumerate(word_terms):
            if " " in term:
                a, b = term.split(" ")
                pairs[a, b] = (col, -1)
        cue_of_token: dict[str, int] = {}
        long_phrases: list[tuple[str, int]] = []
        for cue, phrases in enumerate(CUES.values()):
            for phrase in phrases:
                tokens = phrase.split(" ")
                if len(tokens) == 1 and _TOKEN.fullmatch(phrase):
                    cue_of_token[phrase] = cue
                elif len(tokens) == 2 and all(_TOKEN.fullmatch(t) for t in tokens):
                    pairs[tokens[0], tokens[1]] = (pairs.get((tokens[0], tokens[1]), (-1, -1))[0], cue)
                else:
                    long_phrases.append((phrase, cue))
        next_id = n_word  # ids from n_word on are tokens that are not a unigram column
        for token in [*cue_of_token, *(t for pair in pairs for t in pair)]:
            if token not in self.ids:
                self.ids[token], next_id = next_id, next_id + 1
        self.n_word, self.n_ids = n_word, next_id
        self.cue_of_id = np.full(self.n_ids, -1, dtype=np.int64)
        for token, cue in cue_of_token.items():
            self.cue_of_id[self.ids[token]] = cue
        keys = np.array([self.ids[a] * self.n_ids + self.ids[b] for a, b in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self.pair_keys = keys[order]
        self.pair_cols = np.array([c for c, _ in pairs.values()], dtype=np.int64)[order]
        self.pair_cues = np.array([q for _, q in pairs.values()], dtype=np.int64)[order]
        self.long_cue = dict(long_phrases)
        words = [re.escape(p) for p, _ in long_phrases if _TOKEN.match(p)]
        others = [re.escape(p) for p, _ in long_phrases if not _TOKEN.match(p)]
        self.long_re = re.compile("|".join([rf"\b(?:{'|'.join(words)})\b", *others]))

    def lookup(self, tokens: list[str], row_of: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
        """(rows, columns) of unigrams and bigrams, then (rows, cues) of one- and two-token cue phrases."""
        ids = np.fromiter(map(self.ids.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        known = ids >= 0
        unigram = known & (ids < self.n_word)
        cue_of_token = np.where(known, self.cue_of_id[ids], -1)
        both = known[:-1] & known[1:]
        pair_rows = row_of[:-1][both]
        keys = ids[:-1][both] * self.n_ids + ids[1:][both]
        at = np.minimum(np.searchsorted(self.pair_keys, keys), max(len(self.pair_keys) - 1, 0))
        found = self.pair_keys[at] == keys if len(self.pair_keys) else np.zeros(len(keys), dtype=bool)
        pair_cols, pair_cues = self.pair_cols[at[found]], self.pair_cues[at[found]]
        pair_rows = pair_rows[found]
        rows = np.concatenate([row_of[unigram], pair_rows[pair_cols >= 0]])
        cols = np.concatenate([ids[unigram], pair_cols[pair_cols >= 0]])
        cue_rows = np.concatenate([row_of[cue_of_token >= 0], pair_rows[pair_cues >= 0]])
        cues = np.concatenate([cue_of_token[cue_of_token >= 0], pair_cues[pair_cues >= 0]])
        return rows, cols, cue_rows, cues
