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
   :data:`~classifiers.neardup_form.ANCHOR_WEIGHT` times those of common words and stop words half (so an
   added place name costs a lot), reaches :data:`MIN_SIMILARITY`; or the shorter one is a shortened repost: at least
   :data:`SHORT_MIN_SHARED` of its content words, and :data:`SHORT_MIN_COVERED` of them, appear in the other.

The thresholds were chosen on ``police_fr_dev`` (40 labelled groups, 143 duplicate pairs), clustering its 700
messages in 8 arrival orders: pairwise precision 1.0, recall 0.972 (the brute-force ceiling of this comparison),
and precision ≥ 0.99, recall ≥ 0.95 over the whole grid MIN_SIMILARITY 0.45–0.55, SHORT_MIN_SHARED 4–6,
SHORT_MIN_COVERED 0.65–0.75, MIN_ORDER 0.40–0.45. MIN_ORDER is the sensitive one — at 0.35 paraphrases by
different people get in (precision 0.979), at 0.5 recall falls to 0.92 — so it sits between, at 0.42 (README,
"Duplicates folded"; ``benchmarks/dedupe_window.py`` measures it again next to brute-force Jaccard). The misses
are paraphrases more than reposts ("Yanis, 25 ans, Petit Cambodge… sa famille le cherche") and two-word texts.

Candidates are found with MinHash LSH (:func:`sketch`): the form's content-word stems (numbers counted three
times, so that look-alikes differing by a number collide less) are min-hashed by :mod:`classifiers.lsh` into
bands; each band is one key in the dedupe window. Only candidates are compared exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Final

from classifiers.lsh import band_keys, minhashes
from classifiers.neardup_form import Form, form, is_content, remember

# --- thresholds (measured on police_fr_dev, see the module docstring) --------------------------------------
MIN_TOKENS: Final = 4  # shorter forms are never near-folded (classifiers.dedupe.MIN_WORDS, same reason)
MIN_ORDER: Final = 0.42
MIN_SIMILARITY: Final = 0.5
SHORT_MIN_SHARED: Final = 5
SHORT_MIN_COVERED: Final = 0.7
MIN_STEMS_SHARED: Final = 0.5  # prefilter: share of the smaller form's word stems found in the other

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


def _unmatched_anchor(a: Form, b: Form) -> bool:
    """Has ``a`` a name or place that ``b`` lacks? (``streams/lua/enqueue.lua``'s ``surely_apart`` drops the
    window's candidates that this test and :func:`_nested` reject, in a conservative copy: change both.)"""
    missing = a.word_anchors - b.words  # the common case, set arithmetic; then spelling variants
    return bool(missing) and any(not b.has_word(t) for t in missing)


def _nested(a: Form, b: Form) -> bool:
    """Is one multiset of numbers contained in the other?"""
    small, large = (a, b) if len(a.numbers) <= len(b.numbers) else (b, a)
    if not small.number_set <= large.number_set:  # the common answer, without counting
        return False
    counts = Counter(large.numbers)
    counts.subtract(small.numbers)
    return min(counts.values(), default=0) >= 0


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
            ua = [i for i in range(i1, i2) if is_content(a.tokens[i]) and not b.has_word(a.tokens[i])]
            ub = [j for j in range(j1, j2) if is_content(b.tokens[j]) and not a.has_word(b.tokens[j])]
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


_APART: Final = {why: Comparison(False, 0.0, why) for why in ("short", "distant", "numbers", "anchors")}


def compare(a: Form, b: Form, *, strict: bool = False) -> Comparison:
    """Are ``a`` and ``b`` the same story (a repost, edited or shortened)? Cheapest tests first.

    ``strict`` (when either message is priority 0 or 1): a word replaced by another also keeps them apart,
    so two people hiding "dans la réserve du bar" and "du resto" are never one item."""
    if len(a.tokens) < MIN_TOKENS or len(b.tokens) < MIN_TOKENS:
        return _APART["short"]
    # numbers first: most candidates LSH brings back are look-alikes from one template with other numbers, and
    # a candidate's numbers are all that is computed of it then (a Form computes the rest when asked)
    if a.numbers != b.numbers and not _nested(a, b):
        return _APART["numbers"]
    small = min(len(a.stems), len(b.stems))
    if not small or len(a.stems & b.stems) < MIN_STEMS_SHARED * small:
        return _APART["distant"]  # cheap: every pair measured the same shares ≥ 2/3 of stems
    if _unmatched_anchor(a, b) and _unmatched_anchor(b, a):
        return _APART["anchors"]
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
    return sketches([text])[0]


def sketches(texts: Sequence[str]) -> list[Sketch | None]:
    """:func:`sketch` of each text, the min-hashes of all of them computed together."""
    forms = [form(t) for t in texts]
    items = [elements(f) if len(f.tokens) >= MIN_TOKENS else set() for f in forms]
    hashed = [i for i, e in enumerate(items) if e]
    signatures = minhashes([items[i] for i in hashed]) if hashed else None
    out: list[Sketch | None] = [None] * len(texts)
    for row, i in enumerate(hashed):
        encoded = forms[i].encode()
        remember(encoded, forms[i])
        out[i] = Sketch(encoded, band_keys(signatures[row]))  # type: ignore[index]
    return out
