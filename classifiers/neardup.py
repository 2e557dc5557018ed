"""Near-duplicate detection: is this message a repost of one seen earlier, or only a look-alike?

Layer 2 of duplicate folding (layer 1, exact reposts, is :mod:`classifiers.dedupe`). Reposts in a surge are
edited: an ``RT`` in front, emoji and hashtags added, "partagez" and "URGENT" sprinkled in, a shortened version
that keeps the who / where / when. Look-alikes must stay apart: the same wording with another street, station,
name or number is another event ("fusillade rue de Charonne" ≠ "fusillade rue de la Roquette").

Each message becomes a :class:`Form`: its tokens once decorated reposts are undone (accents, case, URLs,
mentions, ``RT`` prefixes, trailing hashtags, emoji, punctuation, repost words such as "partagez" or "svp"),
with **anchors** marked: numbers, capitalised words (names, places) and the word after a place cue ("rue de X",
"gare de X", "lycée X"). Two forms are the same story (:func:`compare`) when

1. nothing contradicts them: their numbers are nested (one may drop "21h30", neither may say 15 where the
   other says 5), it is not the case that both have an anchor the other lacks, and no anchor was replaced
   ("rue de Charonne" → "rue de la Roquette"; at priority 0 and 1, no word at all: "réserve du bar" →
   "réserve du resto" are two places where people hide);
2. their words come in the same order (a repost is copied, not rewritten: an ordered token ratio of at least
   :data:`MIN_ORDER`); and
3. they are close: the Jaccard similarity of their character 4-shingles, where shingles of anchors weigh
   :data:`ANCHOR_WEIGHT` times those of common words and stop words half (so an added place name costs a lot),
   reaches :data:`MIN_SIMILARITY`; or the shorter one is a shortened repost: at least
   :data:`SHORT_MIN_SHARED` of its content words, and :data:`SHORT_MIN_COVERED` of them, appear in the other.

The thresholds were chosen on ``police_fr_dev`` (40 labelled groups, 143 duplicate pairs), clustering its 700
messages in 8 arrival orders: pairwise precision 1.0, recall 0.972 (the brute-force ceiling of this comparison),
and precision ≥ 0.99, recall ≥ 0.95 over the whole grid MIN_SIMILARITY 0.45–0.55, SHORT_MIN_SHARED 4–6,
SHORT_MIN_COVERED 0.65–0.75, MIN_ORDER 0.40–0.45. MIN_ORDER is the sensitive one — at 0.35 paraphrases by
different people get in (precision 0.979), at 0.5 recall falls to 0.92 — so it sits between, at 0.42 (README,
"Duplicate folding"; ``benchmarks/dedupe_window.py`` measures it again next to brute-force Jaccard). The misses
are paraphrases more than reposts ("Yanis, 25 ans, Petit Cambodge… sa famille le cherche") and two-word texts.

Candidates are found with MinHash LSH (:func:`sketch`): the form's content-word stems (numbers counted three
times, so that look-alikes differing by a number collide less) are min-hashed by :mod:`classifiers.lsh` into
bands; each band is one key in the dedupe window. Only candidates are compared exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Final

from classifiers.lsh import band_keys, minhash
from classifiers.normalize import URL, strip_accents

# --- thresholds (measured on police_fr_dev, see the module docstring) --------------------------------------
MIN_TOKENS: Final = 4  # shorter forms are never near-folded (classifiers.dedupe.MIN_WORDS, same reason)
MIN_ORDER: Final = 0.42
MIN_SIMILARITY: Final = 0.5
SHORT_MIN_SHARED: Final = 5
SHORT_MIN_COVERED: Final = 0.7
ANCHOR_WEIGHT: Final = 3.0
MIN_STEMS_SHARED: Final = 0.5  # prefilter: share of the smaller form's word stems found in the other
STOP_WEIGHT: Final = 0.5

STEM: Final = 5  # letters of a word that its LSH element keeps ("nouvelle" ~ "nouvelles")

_RT_PREFIX = re.compile(r"^(?:\s*rt\b\s*(?:@\w+)?\s*:?\s*)+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_TRAILING_TAG = re.compile(r"#\w+$")
_REPEAT = re.compile(r"(\D)\1{2,}")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")


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

    __slots__ = ("_prefixes", "_shingles", "_words", "anchor_set", "anchors", "content", "numbers", "stems",
                 "tokens")

    def __init__(self, tokens: Sequence[str], anchors: Sequence[bool]) -> None:
        if len(tokens) != len(anchors):
            raise ValueError("one anchor flag per token")
        self.tokens: tuple[str, ...] = tuple(tokens)
        self.anchors: tuple[bool, ...] = tuple(anchors)
        self.content: tuple[str, ...] = tuple(t for t in self.tokens if _is_content(t))
        self.stems: frozenset[str] = frozenset(t[:STEM] for t in self.content)
        self.numbers: tuple[str, ...] = tuple(sorted(t for t in self.tokens if t.isdigit()))
        self.anchor_set: frozenset[str] = frozenset(t for t, a in zip(self.tokens, self.anchors, strict=True) if a)
        self._words = frozenset(self.tokens)
        self._prefixes: frozenset[str] | None = None  # built by has_word(), the first time it needs them
        self._shingles: dict[str, float] | None = None

    def shingles(self, anchors: frozenset[str]) -> dict[str, float]:
        """Weighted 4-shingles with ``anchors`` (a superset of the form's own); cached for its own anchors."""
        if anchors & self._words <= self.anchor_set:  # nothing more is an anchor here
            if self._shingles is None:
                self._shingles = _weighted_shingles(self.tokens, self.anchor_set)
            return self._shingles
        return _weighted_shingles(self.tokens, anchors)

    def has_word(self, word: str) -> bool:
        """Does the form contain ``word`` or a spelling variant of it (see :func:`same_word`)?"""
        if word in self._words:
            return True
        if word.isdigit() or len(word) < 4:
            return False
        prefixes = self._prefixes
        if prefixes is None:  # every prefix of 4+ letters of a word, the 5-letter stems included
            prefixes = self._prefixes = frozenset(
                t[:k] for t in self._words if not t.isdigit() for k in range(4, len(t)))
        if word in prefixes:  # a longer word starts with it ("pers" → "personnes")
            return True
        if any(word[:k] in self._words for k in range(4, len(word))):  # it starts with a word of ours
            return True
        return len(word) >= 5 and word[:5] in prefixes  # five letters in common at the start

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
            f = _remember(text, Form([p.lstrip("^") for p in parts], [p.startswith("^") for p in parts]))
        return f

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


_FORMS: dict[str, Form] = {}  # encoded form → Form, emptied when it reaches _FORMS_MAX
_FORMS_MAX: Final = 1 << 15


def _remember(encoded: str, f: Form) -> Form:
    if len(_FORMS) >= _FORMS_MAX:
        _FORMS.clear()
    _FORMS[encoded] = f
    return f


def _is_content(token: str) -> bool:
    return token not in STOP and (len(token) >= 3 or token.isdigit())


def _is_shouting(text: str) -> bool:
    """Mostly capitals, among the letters that have a case."""
    upper = sum(map(str.isupper, text))
    cased = upper + sum(map(str.islower, text))
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


def form(text: str) -> Form:
    """The :class:`Form` of a message (see the module docstring for what is removed and what is an anchor)."""
    out = _RT_PREFIX.sub("", text)
    out = URL.sub(" . ", out)
    out = _MENTION.sub(" ", out)
    out = _strip_trailing_tags(out)
    out = _REPEAT.sub(r"\1\1", strip_accents(out))
    cased = not _is_shouting(out)  # in an all-caps message, capitals say nothing about names
    tokens: list[str] = []
    anchors: list[bool] = []
    after_cue, last_end = False, -1
    for match in _TOKEN.finditer(out):
        raw = match.group()
        word = raw.lower()
        word = _ABBREVIATIONS.get(word, word)
        glued = match.start() == last_end
        last_end = match.end()
        if glued and tokens and tokens[-1].isdigit() and word in _ORDINAL_SUFFIXES:
            continue  # "11e", "11ème", "21h30", "1m60": the numbers are what count
        if word in DECORATION:
            continue
        # after a place cue: the next content word, or a capital letter ("porte C", "tribune E")
        anchor = word.isdigit() or (after_cue and (word not in STOP or (len(raw) == 1 and raw.isupper())))
        # a capital at the start of a sentence counts too: names often open a post ("Camille, 27 ans, ...")
        if cased and len(raw) > 1 and raw[0].isupper() and not raw.isupper() and word not in STOP:
            anchor = True
        if word in PLACE_CUES:
            after_cue = True
        elif word not in STOP:
            after_cue = False
        tokens.append(word)
        anchors.append(anchor)
    return Form(tuple(tokens), tuple(anchors))


# --- comparison -------------------------------------------------------------------------------------------

def same_word(a: str, b: str) -> bool:
    """Equal, or spelling variants of one word: a prefix of the other ("pers" / "personnes"), or five
    letters in common at the start ("nouvelle" / "nouvelles", "conduisez" / "conduite")."""
    if a == b:
        return True
    if a.isdigit() or b.isdigit():
        return False
    if min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return True
    return len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5]


def _unmatched_anchors(a: Form, b: Form) -> list[str]:
    return [t for t in a.anchor_set if not t.isdigit() and not b.has_word(t)]


def _nested(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Is one multiset of numbers contained in the other?"""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    counts = Counter(large)
    counts.subtract(small)
    return min(counts.values(), default=0) >= 0


def conflict(a: Form, b: Form) -> str | None:
    """Why ``a`` and ``b`` cannot be the same story, or None: ``"numbers"`` when each has a number the other
    lacks, ``"anchors"`` when each has a name or place the other lacks."""
    if a.numbers != b.numbers and not _nested(a.numbers, b.numbers):
        return "numbers"
    if _unmatched_anchors(a, b) and _unmatched_anchors(b, a):
        return "anchors"
    return None


def _weight(token: str, anchors: frozenset[str]) -> float:
    if token in anchors or token.isdigit():
        return ANCHOR_WEIGHT
    return STOP_WEIGHT if token in STOP else 1.0


def _weighted_shingles(tokens: Sequence[str], anchors: frozenset[str]) -> dict[str, float]:
    """Character 4-shingles of the joined tokens, each weighing as much as the heaviest token it touches."""
    text = " " + " ".join(tokens) + " "
    weights = [STOP_WEIGHT] * len(text)
    pos = 1
    for t in tokens:
        w = _weight(t, anchors)
        weights[pos:pos + len(t)] = [w] * len(t)
        pos += len(t) + 1
    out: dict[str, float] = {}
    for i in range(max(1, len(text) - 3)):
        g, w = text[i:i + 4], max(weights[i:i + 4])
        if w > out.get(g, 0.0):
            out[g] = w
    return out


def weighted_similarity(a: Form, b: Form) -> float:
    """Weighted Jaccard of the two forms' character 4-shingles (anchors of either form weigh in both)."""
    anchors = a.anchor_set | b.anchor_set
    sa, sb = a.shingles(anchors), b.shingles(anchors)
    inter = sum(min(w, sb[g]) for g, w in sa.items() if g in sb)
    total = sum(sa.values()) + sum(sb.values()) - inter
    return inter / total if total else 0.0


def alignment(a: Form, b: Form) -> tuple[float, str | None]:
    """Token order (difflib) of two forms: the ordered ratio 2·M / (|a| + |b|), M the tokens matched in order
    (high for copies, low for rewrites), and the kind of the first substitution found, if any: a block of one
    to three content words of ``a`` replaced by one to three of ``b`` that appear nowhere in the other form,
    one of them an anchor: ``"anchor"`` (Charonne → la Roquette, Bataclan → restaurant japonais); or one or two
    common words replaced by one or two: ``"word"`` (bar → resto)."""
    matcher = SequenceMatcher(None, a.tokens, b.tokens, autojunk=False)
    matched = 0
    found: str | None = None
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            matched += i2 - i1
        elif op == "replace" and found != "anchor":
            ua = [i for i in range(i1, i2) if _is_content(a.tokens[i]) and not b.has_word(a.tokens[i])]
            ub = [j for j in range(j1, j2) if _is_content(b.tokens[j]) and not a.has_word(b.tokens[j])]
            if ua and ub and len(ua) <= 3 and len(ub) <= 3:
                if any(a.anchors[i] for i in ua) or any(b.anchors[j] for j in ub):
                    found = "anchor"
                elif len(ua) <= 2 and len(ub) <= 2:
                    found = "word"
    return 2 * matched / (len(a.tokens) + len(b.tokens)), found


def shortened(a: Form, b: Form) -> tuple[int, float]:
    """(shared content words, share of the shorter form's content words found in the longer one)."""
    if len(a.content) > len(b.content):
        a, b = b, a
    ca = a.content
    shared = sum(1 for t in ca if b.has_word(t))
    return shared, shared / len(ca) if ca else 0.0


@dataclass(frozen=True, slots=True)
class Comparison:
    same: bool
    score: float  # weighted similarity: the best candidate is the one with the highest
    reason: str  # "similar", "shortened", or why not: "short", "numbers", "anchors", "distant", "substitution",
    # "order"


def compare(a: Form, b: Form, *, strict: bool = False) -> Comparison:
    """Are ``a`` and ``b`` the same story (a repost, edited or shortened)? Cheapest tests first.

    ``strict`` (when either message is priority 0 or 1): a word replaced by another also keeps them apart,
    so two people hiding "dans la réserve du bar" and "du resto" are never one item."""
    if len(a.tokens) < MIN_TOKENS or len(b.tokens) < MIN_TOKENS:
        return Comparison(False, 0.0, "short")
    small = min(len(a.stems), len(b.stems))
    if not small or len(a.stems & b.stems) < MIN_STEMS_SHARED * small:
        return Comparison(False, 0.0, "distant")  # cheap: every pair measured the same shares ≥ 2/3 of stems
    why = conflict(a, b)
    if why:
        return Comparison(False, 0.0, why)
    score = weighted_similarity(a, b)
    if score >= MIN_SIMILARITY:
        reason = "similar"
    else:
        shared, covered = shortened(a, b)
        if shared < SHORT_MIN_SHARED or covered < SHORT_MIN_COVERED:
            return Comparison(False, score, "distant")
        reason = "shortened"
    ratio, substitution = alignment(a, b)
    if substitution == "anchor" or (substitution == "word" and strict):
        return Comparison(False, score, "substitution")
    if ratio < MIN_ORDER:
        return Comparison(False, score, "order")
    return Comparison(True, score, reason)


def best_match(target: Form, candidates: Sequence[Form], strict: Sequence[bool] | None = None,
               clusters: Sequence[str] | None = None) -> tuple[int, Comparison] | None:
    """Index and comparison of the candidate ``target`` is most similar to among those it matches
    (``strict[i]``: compare with candidate ``i`` strictly).

    ``clusters[i]``: the cluster candidate ``i`` belongs to. A repost folds into a cluster, not into one of its
    members, so once a member of a cluster matched, the cluster's other members are not compared: in a surge
    the candidates are mostly reposts of one appeal, and this spares most comparisons. Among clusters, the one
    whose first matching member is the most similar wins."""
    best: tuple[int, Comparison] | None = None
    matched: set[str] = set()
    for i, candidate in enumerate(candidates):
        if clusters is not None and clusters[i] in matched:
            continue
        c = compare(target, candidate, strict=bool(strict and strict[i]))
        if c.same:
            if clusters is not None:
                matched.add(clusters[i])
            if best is None or c.score > best[1].score:
                best = (i, c)
    return best


# --- LSH candidates ---------------------------------------------------------------------------------------

def elements(f: Form) -> set[str]:
    """What LSH min-hashes: stems of content words; numbers three times (``#1``, ``#2`` copies), so that
    "on est 15" and "on est 5" collide less. (Capitalised anchors are not weighted here: reposts often
    change the case, and a lower-case repost would then collide less with its original.)"""
    out = set(f.stems)
    out.update(n + suffix for n in f.numbers for suffix in ("#1", "#2"))
    return out


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the dedupe window keeps of a message (``form``, encoded) and where LSH files it (``bands``)."""

    form: str
    bands: tuple[bytes, ...]


def sketch(text: str) -> Sketch | None:
    """The message's sketch, or None when it is too short to be near-folded (:data:`MIN_TOKENS`) or has no
    content word to hash."""
    f = form(text)
    items = elements(f)
    if len(f.tokens) < MIN_TOKENS or not items:
        return None
    encoded = f.encode()
    _remember(encoded, f)
    return Sketch(encoded, band_keys(minhash(items)))
