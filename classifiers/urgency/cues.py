"""The cue lexicon of the urgency model: what a desk officer looks for, as word lists and short phrases.

Each cue of :data:`LEXICON` is one binary feature column: it fires when the message holds one of its phrases.
A phrase is 1–5 tokens as :func:`classifiers.urgency.text.prepare` / ``tokenize`` see them, so it is written
as people write (``"j'ai aperçu"`` matches ``j ai apercu``); a final ``*`` makes a prefix (``"blessé*"``: blesse,
blessee, blessees…). Three special tokens stand for classes: ``<nombre>`` (any number),
``<annee>`` (19xx / 20xx), ``<arabe>`` (a word in Arabic script). :data:`COMBOS` are conjunctions a linear model
cannot form by itself ("someone I know" **and** "is writing to me" **and** "hiding or armed men or injured").

Matching is a dictionary look-up per token and a sorted-array look-up per 2–4-token window of the whole batch
(:class:`CueIndex`): no regular expression runs per message. The lexicon is general French / English (and a
little Spanish / German) usage written for this project, not strings of any data set; it covers the taxonomy's
hard cases (figurative alarm words, negated danger, second-hand relays and hearsay, past events) and crisis types
beyond attacks (floods, fires, collapses, gas, crowd crushes, domestic violence, medical emergencies).

Changing anything here changes the features: bump ``FEATURE_SCHEMA_VERSION`` and retrain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from classifiers.urgency.lexicon import COMBOS, LEXICON
from classifiers.urgency.text import TOKEN, prepare

CUE_NAMES: Final[tuple[str, ...]] = (*LEXICON, *COMBOS)
MAX_PHRASE = 5
_SPECIAL = {"<nombre>", "<annee>", "<arabe>"}
_YEAR = re.compile(r"(?:19|20)\d\d")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _phrase_tokens(phrase: str) -> list[str]:
    """``"j'ai vu"`` → ``["j", "ai", "vu"]``; ``"blessé*"`` → ``["blesse*"]``; ``"<nombre> degrés"`` kept."""
    tokens: list[str] = []
    for part in phrase.split(" "):
        if part in _SPECIAL:
            tokens.append(part)
            continue
        star = part.endswith("*") and len(part) > 1
        found = TOKEN.findall(prepare([part.rstrip("*") if star else part])[0])
        tokens.extend(found)
        if star and found:
            tokens[-1] += "*"
    return tokens


class CueIndex:
    """Finds every cue of a batch from its tokens: ``atoms`` (one per token, see :meth:`atom_of`) → hits."""

    def __init__(self) -> None:
        phrases: list[tuple[list[str], int]] = []
        for cue, spec in enumerate(LEXICON.values()):
            for phrase in spec.split("|"):
                tokens = _phrase_tokens(phrase)
                if not 1 <= len(tokens) <= MAX_PHRASE:
                    raise ValueError(f"cue phrase {phrase!r} has {len(tokens)} tokens (1–{MAX_PHRASE})")
                phrases.append((tokens, cue))
        atoms = sorted({t for tokens, _ in phrases for t in tokens})
        self.atom_id: dict[str, int] = {a: i + 1 for i, a in enumerate(atoms)}  # 0: no atom
        self.prefixes = {a[:-1]: self.atom_id[a] for a in atoms if a.endswith("*")}
        self.n_atoms = len(atoms) + 1
        if self.n_atoms ** MAX_PHRASE >= 2**63:
            raise ValueError(f"{self.n_atoms} cue atoms: phrase keys of {MAX_PHRASE} tokens would overflow int64")
        # A prefix atom also stands for every longer atom it covers ("bless*" covers "blesse" and "blesses*"), so
        # the token, which resolves to the most specific atom, still matches the phrases of the shorter prefix.
        covers: dict[str, list[str]] = {a: [a] for a in atoms}
        for prefix in (a for a in atoms if a.endswith("*")):
            covers[prefix] += [a for a in atoms if a != prefix and a.startswith(prefix[:-1])]
        keys: dict[int, set[int]] = {}
        for tokens, cue in phrases:
            variants: list[list[int]] = [[]]
            for token in tokens:
                variants = [[*v, self.atom_id[c]] for v in variants for c in covers[token]]
            for v in variants:
                keys.setdefault(self._key(v), set()).add(cue)
        ordered = sorted(keys)
        self.keys = np.array(ordered, dtype=np.int64)
        self.key_cues = [sorted(keys[k]) for k in ordered]
        self._key_rows = np.repeat(np.arange(len(ordered)), [len(c) for c in self.key_cues])
        self._key_cue_flat = np.array([c for cues in self.key_cues for c in cues], dtype=np.int64)
        self._key_starts = np.concatenate([[0], np.cumsum([len(c) for c in self.key_cues])]).astype(np.int64)
        self.lengths = sorted({len(tokens) for tokens, _ in phrases})
        # Combos as matrix products: lexicon hits × (cue → "any of" group) > 0 gives the groups a row satisfies;
        # groups × (group → combo) == the combo's group count means all of them; hits × (cue → combo veto) > 0
        # vetoes.
        names = list(LEXICON)
        groups = [(k, need) for k, (need_all, _) in enumerate(COMBOS.values()) for need in need_all]
        self._group_of = np.zeros((len(names), len(groups)), dtype=np.float32)
        for g, (_, need) in enumerate(groups):
            self._group_of[[names.index(c) for c in need.split("|")], g] = 1.0
        self._combo_of = np.zeros((len(groups), len(COMBOS)), dtype=np.float32)
        self._combo_of[np.arange(len(groups)), [k for k, _ in groups]] = 1.0
        self._combo_needs = self._combo_of.sum(axis=0)
        self._veto_of = np.zeros((len(names), len(COMBOS)), dtype=np.float32)
        for k, (_, veto) in enumerate(COMBOS.values()):
            self._veto_of[[names.index(c) for c in veto], k] = 1.0
        self.n_cues = len(CUE_NAMES)

    def _key(self, atoms: Sequence[int]) -> int:
        key = 0
        for a in atoms:
            key = key * self.n_atoms + a
        return key

    def atom_of(self, token: str) -> int:
        """The most specific atom a token matches: itself, its longest prefix atom, a special class, or 0."""
        exact = self.atom_id.get(token)
        if exact is not None:
            return exact
        for end in range(len(token), 1, -1):
            found = self.prefixes.get(token[:end])
            if found is not None:
                return found
        if token.isdigit():
            return self.atom_id.get("<annee>" if _YEAR.fullmatch(token) else "<nombre>", 0)
        if _ARABIC.search(token):
            return self.atom_id.get("<arabe>", 0)
        return 0

    def hits(self, atoms: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.bool_]:
        """(n × len(CUE_NAMES)) booleans: which cues each of the ``n`` rows holds, combos included."""
        found = np.zeros((n, self.n_cues), dtype=bool)
        key = np.zeros(len(atoms), dtype=np.int64)
        valid = np.ones(len(atoms), dtype=bool)
        for length in range(1, min(MAX_PHRASE, len(atoms)) + 1):
            if length > 1:  # extend each window by one token to its right
                key = key[:-1] * self.n_atoms + atoms[length - 1:]
                valid = valid[:-1] & (atoms[length - 1:] > 0) & (rows[length - 1:] == rows[: len(rows) - length + 1])
            else:
                key, valid = atoms.copy(), atoms > 0
            if length not in self.lengths or not len(key):
                continue
            at = np.searchsorted(self.keys, key)
            at[at == len(self.keys)] = 0
            match = valid & (self.keys[at] == key)
            idx = at[match]
            counts = self._key_starts[idx + 1] - self._key_starts[idx]
            flat = np.repeat(self._key_starts[idx], counts) + ranges(counts)
            found[np.repeat(rows[: len(match)][match], counts), self._key_cue_flat[flat]] = True
        lexicon = found[:, : len(LEXICON)].astype(np.float32)
        satisfied = ((lexicon @ self._group_of) > 0).astype(np.float32) @ self._combo_of
        found[:, len(LEXICON):] = (satisfied == self._combo_needs) & ((lexicon @ self._veto_of) == 0)
        return found


def ranges(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """[0..c0), [0..c1), … concatenated."""
    if not len(counts):
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - counts, counts)

