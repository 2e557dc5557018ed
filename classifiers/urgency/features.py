"""The urgency model's features: TF-IDF character and word n-grams on prepared text, plus the cue lexicon.

Columns, in order: ``char_wb`` 2–5-grams (spelling variants, typos, other languages), word 1–2-grams, then one
binary column per cue of :data:`classifiers.urgency.cues.CUE_NAMES`. Texts go through
:func:`classifiers.urgency.text.prepare` first, so the fitted scikit-learn vectorisers hold plain state and no
Python callables.

Training fits two scikit-learn ``TfidfVectorizer`` (:func:`fit_vectorizers`): the vocabulary is every n-gram seen
twice in the desk's French messages plus the most frequent ones of the (mostly English) crisis sets, so the
crisis data cannot crowd French out; idf comes from all training texts. The artifact keeps the vocabularies and
idf as arrays (:func:`vocabulary_arrays`), and :class:`Featurizer` computes the same matrix as
``TfidfVectorizer.transform``, much faster, a whole batch at a time: ``char_wb`` n-grams never cross a space, so
each distinct word's n-gram columns are computed once and cached, and a batch gathers them with numpy; the
batch is tokenised once, each token looked up once in a dictionary (word column, cue atom), and word bigrams
and cue phrases are integer keys looked up in sorted arrays (tests check the n-gram blocks equal scikit-learn's).

The cue lexicon lives in code, not in the artifact: changing it, or anything else about how a text becomes a
vector, bumps :data:`FEATURE_SCHEMA_VERSION`, and artifacts trained with another version are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from classifiers.urgency.cues import CUE_NAMES, CueIndex, ranges
from classifiers.urgency.text import prepare, tokenize

__all__ = ["CHAR_NGRAMS", "FEATURE_SCHEMA_VERSION", "Featurizer", "build_vectorizers", "fit_vectorizers",
           "prepare", "vocabulary_arrays"]

FEATURE_SCHEMA_VERSION = 3

CHAR_NGRAMS = (2, 5)
CHAR_FROM_OTHER = 40_000  # most frequent character n-grams taken from the crisis sets
WORD_FROM_OTHER = 10_000

WORD_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default: the tokens of 2+ word characters
CUE_VALUE = 0.5  # a cue column's value when it fires (cross-validated on the training part: 0.3–1.0 tried)
CACHE_LIMIT = 200_000  # tokens and words remembered between batches (then the caches start again)
SMALL_BATCH_ENTRIES = 5_000  # n-gram occurrences (~10 messages) below which duplicates are counted by sorting


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
        self._char_columns = {t: i for i, t in enumerate(char_list)}
        self._reset_word_cache()
        self._idf = np.concatenate([np.asarray(char_idf, dtype=np.float32), np.asarray(word_idf, dtype=np.float32),
                                    np.full(len(CUE_NAMES), CUE_VALUE, dtype=np.float32)])
        self.word_terms = [str(t) for t in word_terms]
        self.n_char, self.n_word, self.n_cue = len(char_list), len(self.word_terms), len(CUE_NAMES)
        self._cues = CueIndex()
        self._build_token_table()
        self._identity = sp.identity(self.n_features, dtype=np.float32, format="csr")

    def _build_token_table(self) -> None:
        """Token → entry: (unigram column, word id for bigrams, cue atom, is a 2+-character word). Entries are
        rows of ``self._entries``; tokens met later are added (see :meth:`_entry_of`)."""
        unigrams = {t: i for i, t in enumerate(self.word_terms) if " " not in t}
        bigram_words: dict[str, int] = dict(unigrams)
        pairs = []
        for col, term in enumerate(self.word_terms):
            if " " in term:
                a, b = term.split(" ")
                for w in (a, b):
                    bigram_words.setdefault(w, len(bigram_words) + self.n_word)
                pairs.append((bigram_words[a], bigram_words[b], col))
        self._n_ids = self.n_word + len(bigram_words) + 1
        keys = np.array([a * self._n_ids + b for a, b, _ in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self._pair_keys, self._pair_cols = keys[order], np.array([c for *_, c in pairs], dtype=np.int64)[order]
        self._entry_index: dict[tuple[int, int, int, int], int] = {}
        self._entry_rows: list[tuple[int, int, int, int]] = []
        self._base: dict[str, int] = {}
        for token in {*bigram_words, *self._cues.atom_id}:
            self._base[token] = self._entry_of(token, unigrams.get(token, -1), bigram_words.get(token, -1))
        self._unigram_ids, self._bigram_ids = unigrams, bigram_words
        self._cache = dict(self._base)
        self._refresh()

    def _entry_of(self, token: str, column: int, word_id: int) -> int:
        entry = (column, word_id, self._cues.atom_of(token), int(len(token) >= 2))  # tokens: \w+ or 1 char
        found = self._entry_index.get(entry)
        if found is None:
            found = self._entry_index[entry] = len(self._entry_rows)
            self._entry_rows.append(entry)
            self._stale = True
        return found

    def _refresh(self) -> None:
        self._entries = np.array(self._entry_rows, dtype=np.int64).reshape(-1, 4)
        self._stale = False

    @property
    def n_features(self) -> int:
        return self.n_char + self.n_word + self.n_cue

    @classmethod
    def from_vectorizers(cls, char: TfidfVectorizer, word: TfidfVectorizer) -> Featurizer:
        return cls(*vocabulary_arrays(char), *vocabulary_arrays(word), char.ngram_range)

    def transform(self, prepared: Sequence[str]) -> sp.csr_matrix:
        """CSR float32 (texts × n_features): the three blocks built together (columns within a row may be
        unsorted)."""
        n, first_cue = len(prepared), self.n_char + self.n_word
        char_rows, char_cols = self._char_counts(prepared)
        word_rows, word_cols, cue_hits = self._token_features(prepared)
        cue_rows, cue_cols = np.nonzero(cue_hits)
        rows = np.concatenate([char_rows, word_rows, cue_rows])
        cols = np.concatenate([char_cols, word_cols + self.n_char, cue_cols + first_cue])
        indptr = np.zeros(n + 1, dtype=np.int64)
        if len(rows) <= SMALL_BATCH_ENTRIES:
            # A few messages: sorting (row, column) keys is cheapest; counts are the repeats of each key.
            keys, counts = np.unique(rows * self.n_features + cols, return_counts=True)
            np.cumsum(np.bincount(keys // self.n_features, minlength=n), out=indptr[1:])
            matrix = sp.csr_matrix((counts.astype(np.float32), keys % self.n_features, indptr),
                                   shape=(n, self.n_features))
        else:
            # A batch: group the occurrences by row (the blocks are each sorted by row: a stable sort merges three
            # runs), then multiply by the identity: scipy's sparse product sums repeated (row, column) pairs into
            # counts without sorting the columns of each row (several times faster than sorting them).
            order = np.argsort(rows, kind="stable")
            np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
            occurrences = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), cols[order], indptr),
                                        shape=(n, self.n_features))
            matrix = occurrences @ self._identity
        cols = matrix.indices
        row_of = np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr))
        # counts → sublinear tf × idf, L2-normalised per row within each n-gram block, as TfidfVectorizer does.
        # A cue occurs once and its "idf" is CUE_VALUE, so the same arithmetic gives it CUE_VALUE; its block
        # is not normalised.
        data = matrix.data
        np.log(data, out=data)
        data += np.float32(1.0)
        data *= self._idf[cols]
        block = row_of * 3 + (cols >= self.n_char) + (cols >= first_cue)
        norms = np.sqrt(np.bincount(block, weights=data * data, minlength=3 * n)).astype(np.float32)
        norms[2::3] = 1.0
        norms[norms == 0] = 1.0
        data /= norms[block]
        return matrix

    def cue_hits(self, prepared: Sequence[str]) -> npt.NDArray[np.bool_]:
        """(texts × cues) booleans: which cues each text holds."""
        return self._token_features(prepared)[2]

    def _char_counts(self, prepared: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(rows, columns) of the character n-grams, one pair per occurrence. ``char_wb`` n-grams never cross a
        space, so a text's n-grams are those of its words: each distinct word's columns are computed once, kept
        in a cache across batches, and a batch gathers them with numpy."""
        per_text = [t.split() for t in prepared]
        counts = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
        words = list(chain.from_iterable(per_text))
        ids = np.fromiter(map(self._word_ids.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        missing = np.flatnonzero(ids < 0)
        if len(missing):
            if len(self._word_ids) + len(missing) > CACHE_LIMIT:
                self._reset_word_cache()
            for i in missing.tolist():
                ids[i] = self._add_word(words[i])
        lengths = self._word_len[ids]
        rows = np.repeat(np.repeat(np.arange(len(prepared), dtype=np.int64), counts), lengths)
        return rows, self._word_cols[np.repeat(self._word_start[ids], lengths) + ranges(lengths)]

    def _reset_word_cache(self) -> None:
        self._word_ids: dict[str, int] = {}
        self._word_start = np.zeros(1024, dtype=np.int64)
        self._word_len = np.zeros(1024, dtype=np.int64)
        self._word_cols = np.zeros(16384, dtype=np.int64)
        self._n_words_cached = self._n_cols_cached = 0

    def _add_word(self, word: str) -> int:
        """Cache the vocabulary columns of one word's n-grams (``TfidfVectorizer(analyzer="char_wb")``'s:
        the word padded with a space each side; a padded word no longer than n counts once, and ends the list)."""
        padded, found = f" {word} ", []
        for n in range(self.char_ngrams[0], self.char_ngrams[1] + 1):
            if len(padded) <= n:  # counted once, and no longer n-grams (scikit-learn's rule)
                found += [c for c in [self._char_columns.get(padded)] if c is not None]
                break
            grams = [padded[i:i + n] for i in range(len(padded) - n + 1)]
            found += [c for c in map(self._char_columns.get, grams) if c is not None]
        k, at = self._n_words_cached, self._n_cols_cached
        if k == len(self._word_start):
            self._word_start = np.resize(self._word_start, 2 * k)
            self._word_len = np.resize(self._word_len, 2 * k)
        while at + len(found) > len(self._word_cols):
            self._word_cols = np.resize(self._word_cols, 2 * len(self._word_cols))
        self._word_start[k], self._word_len[k] = at, len(found)
        self._word_cols[at: at + len(found)] = found
        self._word_ids[word] = k
        self._n_words_cached, self._n_cols_cached = k + 1, at + len(found)
        return k

    def _token_features(self, prepared: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64],
                                                                  npt.NDArray[np.bool_]]:
        """(rows, columns) of word unigrams and bigrams (duplicates summed later), and the cue hits."""
        tokens, row_of = tokenize(prepared)
        entry = np.fromiter(map(self._cache.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        missing = np.flatnonzero(entry < 0)
        if len(missing):
            if len(self._cache) > CACHE_LIMIT:
                self._cache = dict(self._base)
            for i in missing.tolist():
                token = tokens[i]
                entry[i] = self._cache[token] = self._entry_of(token, -1, -1)
            if self._stale:
                self._refresh()
        table = self._entries[entry]
        unigram = table[:, 0] >= 0
        rows, cols = [row_of[unigram]], [table[unigram, 0]]
        words = table[:, 3] == 1  # the token sequence scikit-learn forms bigrams over
        ids, word_rows = table[words, 1], row_of[words]
        if len(ids) > 1 and len(self._pair_keys):
            both = (ids[:-1] >= 0) & (ids[1:] >= 0) & (word_rows[:-1] == word_rows[1:])
            keys = ids[:-1][both] * self._n_ids + ids[1:][both]
            at = np.searchsorted(self._pair_keys, keys)
            at[at == len(self._pair_keys)] = 0
            found = self._pair_keys[at] == keys
            rows.append(word_rows[:-1][both][found])
            cols.append(self._pair_cols[at[found]])
        hits = self._cues.hits(table[:, 2], row_of, len(prepared))
        return np.concatenate(rows), np.concatenate(cols), hits


