"""Duplicate fingerprints.

Layer 1 (here): an *exact repost* is a message whose text, folded by
:func:`classifiers.normalize.fold_for_dedupe` (RT prefix, URLs, mentions, trailing hashtags, emoji,
punctuation, case and accents removed), equals an earlier one's. Its fingerprint is a hash of the folded text.

Very short texts (fewer than :data:`MIN_WORDS` words once folded) are folded only when they are not urgent:
two people writing "aidez nous" are two people, and folding two cries for help into one item would hide a
person in danger; but two thousand people writing "merci ❤️" or "ACAB 1312" are one item ×2000 for the desk.
So a short text gets a fingerprint only when the model put it at priority 2 or 3, and never without a priority.

Near-duplicates (edited reposts, truncation) are layer 2, :mod:`classifiers.neardup`: LSH band keys next to
the exact fingerprint, looked up in the same atomic enqueue step.
"""

from __future__ import annotations

import hashlib

from classifiers.normalize import fold_for_dedupe

MIN_WORDS = 4
SHORT_FOLD_FROM = 2  # short texts fold only at this priority or a less urgent one


def fingerprint(text: str, priority: int | None = None) -> str | None:
    """Hex digest of the folded text, or ``None`` when it is empty, or too short to call a repost and not
    known to be a low-priority message (``priority`` ≥ 2)."""
    folded = fold_for_dedupe(text)
    words = len(folded.split())
    if not words or (words < MIN_WORDS and (priority is None or priority < SHORT_FOLD_FROM)):
        return None
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=16).hexdigest()
