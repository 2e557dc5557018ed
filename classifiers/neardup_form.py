"""A message as near-duplicate detection sees it: its :class:`Form`, the tokens once what reposts add is undone
(accents, case, URLs, mentions, ``RT`` prefixes, trailing hashtags, emoji, repeated punctuation, repost words
such as "partagez" or "svp"), with **anchors** marked: numbers, capitalised words (names, places) and the word
after a place cue ("rue de X", "gare de X", "lycée X"). What is compared and hashed is in
:mod:`classifiers.neardup`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Final

import numpy as np

from classifiers.normalize import shorten_runs, strip_accents, without_urls

ANCHOR_WEIGHT: Final = 3.0  # shingles of anchors weigh this much in comparisons (classifiers.neardup) ...
STOP_WEIGHT: Final = 0.5  # ... and those of stop words this much; measured with its thresholds
STEM: Final = 5  # letters of a word that its LSH element keeps ("nouvelle" ~ "nouvelles")

_RT_PREFIX = re.compile(r"^(?:\s*rt\b\s*(?:@\w+)?\s*:?\s*)+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_TRAILING_TAG = re.compile(r"#\w+$")
_GAP_TOKEN = re.compile(r"([\W_]*)(\d+|[^\W\d_]+)")  # (what precedes a token since the last one, the token)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words reposters add around the same text; they say nothing about the event.
DECORATION: Final = _wordset(
    "rt partagez partage partager svp stp pls plz please share urgent important attention retweet diffusez")
# Function words (French, English): they glue a text together but weigh half as much as content words.
STOP: Final = _wordset("""
    le la les l un une des de du d a au aux en et ou est sont ce c ca cette ces cet qu que qui quoi il ils elle
    elles on nous vous je j me m te t se s y pour par sur sous dans avec sans pas ne n plus tres tout tous toute
    toutes mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs si mais donc car lui eux ici la-bas
    the an of to in on at is are and or for with it this that be was were i you we he she they my your his her
    its our their from by as me him them not no
""")
# Words after which the next content word names a place: "rue de la Roquette", "gare du Nord", "lycée Voltaire".
PLACE_CUES: Final = _wordset(
    "rue avenue boulevard place gare station metro porte quai pont allee impasse square parc stade lycee "
    "college ecole hopital eglise ligne cite quartier arrondissement street road tribune batiment escalier salle "
    "terminal gate hall voie secteur bloc")
_ABBREVIATIONS: Final = {"st": "saint", "ste": "sainte", "bd": "boulevard", "bld": "boulevard", "av": "avenue"}
_ORDINAL_SUFFIXES: Final = frozenset({"e", "eme", "er", "ere", "nd", "nde", "st", "th", "rd", "h", "m"})


class Form:
    """A message as near-duplicate detection sees it: tokens, and which of them are anchors; plus what
    comparisons reuse (content words, their stems, numbers, anchors), computed once."""

    __slots__ = ("_anchor_set", "_content", "_has", "_number_set", "_numbers", "_shingles", "_stems",
                 "_word_anchors", "_words", "anchors", "tokens")

    def __init__(self, tokens: Sequence[str], anchors: Sequence[bool]) -> None:
        if len(tokens) != len(anchors):
            raise ValueError("one anchor flag per token")
        self.tokens: tuple[str, ...] = tuple(tokens)
        self.anchors: tuple[bool, ...] = tuple(anchors)
        # what comparisons reuse is computed the first time one asks (most candidate forms are rejected after
        # a look at their numbers or stems: decoding them whole would cost more than comparing them)
        self._content: tuple[str, ...] | None = None
        self._stems: frozenset[str] | None = None
        self._numbers: tuple[str, ...] | None = None
        self._number_set: frozenset[str] | None = None
        self._anchor_set: frozenset[str] | None = None
        self._word_anchors: frozenset[str] | None = None
        self._words: frozenset[str] | None = None
        self._has: dict[str, bool] = {}  # has_word's answers: a cached form meets the same anchors again and again
        self._shingles: dict[str, float] | None = None

    @property
    def content(self) -> tuple[str, ...]:
        """Content words (not stop words; numbers, or 3 letters and more)."""
        if self._content is None:
            self._content = tuple(t for t in self.tokens if is_content(t))
        return self._content

    @property
    def stems(self) -> frozenset[str]:
        """The content words' first :data:`STEM` letters."""
        if self._stems is None:
            self._stems = frozenset(t[:STEM] for t in self.content)
        return self._stems

    @property
    def numbers(self) -> tuple[str, ...]:
        """The numbers, sorted (a multiset)."""
        if self._numbers is None:
            self._numbers = tuple(sorted(t for t in self.tokens if t.isdigit()))
        return self._numbers

    @property
    def number_set(self) -> frozenset[str]:
        if self._number_set is None:
            self._number_set = frozenset(self.numbers)
        return self._number_set

    @property
    def anchor_set(self) -> frozenset[str]:
        """Tokens marked as anchors: numbers, names, places."""
        if self._anchor_set is None:
            self._anchor_set = frozenset(t for t, a in zip(self.tokens, self.anchors, strict=True) if a)
        return self._anchor_set

    @property
    def word_anchors(self) -> frozenset[str]:
        """Anchors that are not numbers: names and places."""
        if self._word_anchors is None:
            self._word_anchors = frozenset(t for t in self.anchor_set if not t.isdigit())
        return self._word_anchors

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = frozenset(self.tokens)
        return self._words

    def shingles(self, anchors: frozenset[str]) -> dict[str, float]:
        """Weighted 4-shingles with ``anchors`` (a superset of the form's own); cached for its own anchors."""
        if anchors & self.words <= self.anchor_set:  # nothing more is an anchor here
            if self._shingles is None:
                self._shingles = weighted_shingles(self.tokens, self.anchor_set)
            return self._shingles
        return weighted_shingles(self.tokens, anchors)

    def has_word(self, word: str) -> bool:
        """Does the form contain ``word`` or a spelling variant of it (see :func:`same_word`)?"""
        if word in self.words:
            return True
        if word.isdigit() or len(word) < 4:
            return False
        found = self._has.get(word)
        if found is None:
            found = self._has[word] = self._variant(word)
        return found

    def _variant(self, word: str) -> bool:
        head = word[:4]  # every variant shares the first four letters: only those words are looked at
        return any(_variants(word, t) for t in self.words if t.startswith(head))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Form) and (self.tokens, self.anchors) == (other.tokens, other.anchors)

    def __hash__(self) -> int:
        return hash((self.tokens, self.anchors))

    def __repr__(self) -> str:
        return f"Form({self.encode()!r})"

    def encode(self) -> str:
        """Compact text kept in the dedupe window: tokens separated by spaces, anchors prefixed with ``^``."""
        return " ".join("^" + t if a else t for t, a in zip(self.tokens, self.anchors, strict=True))

    @staticmethod
    def decode(text: str) -> Form:
        """The form :meth:`encode` wrote (cached: the same candidates come back for many messages, and a
        message's own form, encoded by :func:`sketch`, is decoded again to plan its batch)."""
        f = _FORMS.get(text)
        if f is None:
            parts = text.split()
            f = remember(text, Form([p.lstrip("^") for p in parts], [p.startswith("^") for p in parts]))
        return f

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _variants(word: str, t: str) -> bool:
    """Is ``t``, a word of a form, a spelling variant of ``word`` (4+ letters, not in the form)? ``word`` is a
    shorter start of ``t``, ``t`` (4+ letters) a shorter start of ``word``, or both have 5+ letters and share
    the first five, ``t`` longer than five (a 5-letter ``t`` is then a start of ``word``)."""
    if len(word) < len(t):
        return t.startswith(word) or (len(word) >= 5 and t[:5] == word[:5])
    if len(t) >= 4 and word.startswith(t):
        return True
    return len(word) >= 5 and len(t) >= 6 and t[:5] == word[:5]


_FORMS: dict[str, Form] = {}  # encoded form → Form, the oldest quarter dropped when it reaches _FORMS_MAX
# A compared form holds its shingles, stems and words: ~7.5 KB. At 32,768 forms the cache grew the worker to
# ~580 MiB of anonymous memory and its scoring process to ~300 in a 200,000-record drain (the pod's limit is
# 1 GiB); at 4,096, 297 and 204 MiB, and one worker drained as fast (3,966 against 3,815 records/s, medians of
# three alternated runs). The scoring process needs the forms of the batches in flight (~1,500), the worker
# those of the window's recent candidates.
_FORMS_MAX: Final = 1 << 12


def remember(encoded: str, f: Form) -> Form:
    if len(_FORMS) >= _FORMS_MAX:  # the candidates LSH brings back are mostly recent: keep the newest
        for key in list(itertools.islice(_FORMS, _FORMS_MAX // 4)):
            del _FORMS[key]
    _FORMS[encoded] = f
    return f


def is_content(token: str) -> bool:
    return token not in STOP and (len(token) >= 3 or token.isdigit())


_UPPER: Final = bytes(range(65, 91))
_LOWER: Final = bytes(range(97, 123))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _is_shouting(text: str) -> bool:
    """Mostly capitals, among the letters that have a case. (ASCII letters are counted by ``bytes.translate``,
    the others one by one: ~1 µs a message instead of ~7 counting every character in Python.)"""
    ascii_part = text.encode("ascii", "ignore")
    size = len(ascii_part)
    upper = size - len(ascii_part.translate(None, _UPPER))
    lower = size - len(ascii_part.translate(None, _LOWER))
    if not text.isascii():
        others = "".join(_NON_ASCII.findall(text))
        upper += sum(map(str.isupper, others))
        lower += sum(map(str.islower, others))
    cased = upper + lower
    return cased > 0 and upper > 0.6 * cased


def _strip_trailing_tags(text: str) -> str:
    """Hashtags (and emoji, punctuation) at the end: ``"... vite 🙏 #Paris #13novembre ❤️"`` → ``"... vite"``."""
    end = len(text)
    while True:
        while end and not (text[end - 1].isalnum() or text[end - 1] in "#_"):
            end -= 1
        tag = _TRAILING_TAG.search(text, 0, end)
        if tag is None or tag.start() == 0:
            return text[:end]
        end = tag.start()


# What form() needs to know of a token, by flag; :func:`_token` computes them once per spelling.
_DECORATION, _DIGIT, _STOP, _CUE, _CAPITALISED, _CAPITAL_LETTER, _ORDINAL, _CONTENT = (1 << i for i in range(8))
_TOKENS: dict[str, tuple[str, int]] = {}  # token as written → (word, flags)
_TOKENS_MAX: Final = 100_000


def _token(raw: str) -> tuple[str, int]:
    """The word a token stands for (lower case, abbreviations spelled out) and its flags."""
    if len(_TOKENS) >= _TOKENS_MAX:
        _TOKENS.clear()
    word = raw.lower()
    word = _ABBREVIATIONS.get(word, word)
    stop = word in STOP
    flags = ((_DECORATION if word in DECORATION else 0) | (_DIGIT if word.isdigit() else 0)
             | (_STOP if stop else 0) | (_CUE if word in PLACE_CUES else 0)
             | (_ORDINAL if word in _ORDINAL_SUFFIXES else 0) | (_CONTENT if is_content(word) else 0)
             | (_CAPITAL_LETTER if len(raw) == 1 and raw.isupper() else 0)
             | (_CAPITALISED if len(raw) > 1 and raw[0].isupper() and not raw.isupper() and not stop else 0))
    _TOKENS[raw] = out = (word, flags)
    return out


_PIECES: dict[str, tuple[tuple[str, int, bool], ...]] = {}  # text between spaces → its tokens (word, flags, glued)
_PIECES_MAX: Final = 100_000


def _piece(piece: str) -> tuple[tuple[str, int, bool], ...]:
    """The tokens of a piece of text without spaces, each with :func:`_token`'s word and flags and whether it
    is glued to the token before it ("21h30"; never the first of a piece: a space or the text's start is
    before it)."""
    if len(_PIECES) >= _PIECES_MAX:
        _PIECES.clear()
    known = _TOKENS
    _PIECES[piece] = out = tuple((*(known.get(raw) or _token(raw)), i > 0 and not gap)
                                 for i, (gap, raw) in enumerate(_GAP_TOKEN.findall(piece)))
    return out


def form(text: str) -> Form:
    """The :class:`Form` of a message (see the module docstring for what is removed and what is an anchor)."""
    out = _RT_PREFIX.sub("", text)
    out = without_urls(out, " . ")
    if "@" in out:
        out = _MENTION.sub(" ", out)
    out = _strip_trailing_tags(out)
    out = shorten_runs(strip_accents(out))
    cased = not _is_shouting(out)  # in an all-caps message, capitals say nothing about names
    tokens: list[str] = []
    anchors: list[bool] = []
    content: list[str] = []
    numbers: list[str] = []
    after_cue, last_digit = False, False
    pieces = _PIECES
    # tokens never hold a space: the text is read a piece between spaces at a time, each piece's tokens cached
    for piece in out.split():
        for word, flags, glued in pieces.get(piece) or _piece(piece):
            if glued and last_digit and flags & _ORDINAL:
                continue  # "11e", "11ème", "21h30", "1m60": the numbers are what count
            if flags & _DECORATION:
                continue
            # after a place cue: the next content word, or a capital letter ("porte C", "tribune E")
            anchor = bool(flags & _DIGIT) or (after_cue and (not flags & _STOP or bool(flags & _CAPITAL_LETTER)))
            # a capital at the start of a sentence counts too: names often open a post ("Camille, 27 ans, ...")
            if cased and flags & _CAPITALISED:
                anchor = True
            if flags & _CUE:
                after_cue = True
            elif not flags & _STOP:
                after_cue = False
            last_digit = bool(flags & _DIGIT)
            tokens.append(word)
            anchors.append(anchor)
            if flags & _CONTENT:
                content.append(word)
            if last_digit:
                numbers.append(word)
    f = Form(tuple(tokens), tuple(anchors))
    f._content, f._numbers = tuple(content), tuple(sorted(numbers))  # what sketch() asks for next
    return f


def _weight(token: str, anchors: frozenset[str]) -> float:
    if token in anchors or token.isdigit():
        return ANCHOR_WEIGHT
    return STOP_WEIGHT if token in STOP else 1.0


def weighted_shingles(tokens: Sequence[str], anchors: frozenset[str]) -> dict[str, float]:
    """Character 4-shingles of the joined tokens, each weighing as much as the heaviest token it touches."""
    text = " " + " ".join(tokens) + " "
    weights = [STOP_WEIGHT]  # one per character: its token's weight (spaces weigh least)
    for t in tokens:
        weights += [_weight(t, anchors)] * len(t)
        weights.append(STOP_WEIGHT)
    if len(text) < 4:
        return {text: max(weights)}
    grams = [text[i:i + 4] for i in range(len(text) - 3)]
    w = np.array(weights)
    heaviest = np.maximum(np.maximum(w[:-3], w[1:-2]), np.maximum(w[2:-1], w[3:])).tolist()  # of 4 characters
    out = dict(zip(grams, heaviest, strict=True))
    if len(out) < len(grams):  # a shingle seen twice keeps its heaviest weight
        for g, weight in zip(grams, heaviest, strict=True):
            if weight > out[g]:
                out[g] = weight
    return out
