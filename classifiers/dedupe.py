"""Duplicate fingerprints.

Layer 1 (here): an *exact repost* is a message whose text, folded by
:func:`classifiers.normalize.fold_for_dedupe` (RT prefix, URLs, mentions, trailing hashtags, emoji,
punctuation, case and accents removed), equals an earlier one's. Its fingerprint is a hash of the folded text.

Very short texts ("aidez nous", "merci") get no fingerprint: two different people writing the same three
words are not a repost, and folding two cries for help into one item would hide a person in danger.

Near-duplicates (edited reposts, truncation) are a later layer: they will add candidate keys next to the
exact fingerprint, looked up in the same atomic enqueue step.
"""

from __future__ import annotations

import hashlib

from classifiers.normalize import fold_for_dedupe

MIN_WORDS = 4


def fingerprint(text: str) -> str | None:
    """Hex digest of the folded text, or ``None`` when it is too short to call a repost."""
    folded = fold_for_dedupe(text)
    if len(folded.split()) < MIN_WORDS:
        return None
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=16).hexdigest()
