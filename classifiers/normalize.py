"""Text normalisation shared by the duplicate fingerprints and the urgency model's features.

French social-media spelling varies (accents dropped, capitals, letters repeated, emoji, URLs), so both the
fingerprints and the model see a canonical form: lower case, no accents, URLs and @mentions replaced by
placeholders, runs of the same character shortened.
"""

from __future__ import annotations

import re
import unicodedata

URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|fr|ly|co|io|net|org|me)/\S*", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_RT_PREFIX = re.compile(r"^(?:\s*rt\b\s*(?:@\w+)?\s*:?\s*)+", re.IGNORECASE)  # "RT @x:", "RT:", "RT "
_REPEAT = re.compile(r"(\D)\1{2,}")  # never digits: "111" is not "11"
# Any character three times in a row: ~4 times cheaper to look for than a run of non-digits (no character
# class to test at each position), and most messages have none, so _REPEAT runs only where this finds one.
TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)
_SPACE = re.compile(r"\s+")
_TRAILING_TAGS = re.compile(r"(?:\s+#\w+)+\s*$")
_WORD = re.compile(r"\w+")

# Ligatures and letters that NFKD leaves alone but people type both ways.
_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"})


class _Unaccented(dict[int, str]):
    """``str.translate`` table, filled on first sight of each character: its NFKD decomposition without the
    combining marks (per character, which is what NFKD-then-drop-the-marks does to a whole string: the marks'
    canonical reordering cannot matter once they are all dropped). Bounded by the characters people type."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_FOLD))
        self[code] = out = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return out


_UNACCENTED = _Unaccented()


def strip_accents(text: str) -> str:
    """``"Hôpital Saint-Louis"`` → ``"Hopital Saint-Louis"``; non-Latin scripts are kept."""
    return text if text.isascii() else text.translate(_UNACCENTED)


def shorten_runs(text: str) -> str:
    """Runs of three or more of the same character cut to two (``"aidezzzz!!!!"`` → ``"aidezz!!"``), digits
    excepted (``"111"`` is not ``"11"``)."""
    return _REPEAT.sub(r"\1\1", text) if TRIPLE.search(text) else text


def without_urls(text: str, replacement: str) -> str:
    """``URL.sub(replacement, text)``, without the scan when the text cannot hold a link (every link has a
    ``/`` or ``www.``): the scan costs ~9 µs a message, a third of the rest of :func:`fold_for_dedupe`."""
    return URL.sub(replacement, text) if "/" in text or "www." in text.lower() else text


def normalize(text: str) -> str:
    """Canonical text for features: lower case, no accents, ``URL``/``@user`` placeholders.

    Emoji and punctuation are kept (they carry tone); runs of three or more equal characters are cut
    to two (``"aidezzzz!!!!"`` → ``"aidezz!!"``).
    """
    out = strip_accents(text.lower())
    out = without_urls(out, " URL ")
    out = _MENTION.sub("@user", out)
    out = shorten_runs(out)
    return _SPACE.sub(" ", out).strip()


def fold_for_dedupe(text: str) -> str:
    """Text with everything a repost changes removed: RT prefixes, URLs, mentions, trailing hashtags,
    emoji, punctuation and case. Two messages with the same folded text are exact reposts."""
    out = _RT_PREFIX.sub("", text)
    out = without_urls(out, " ")
    if "@" in out:
        out = _MENTION.sub(" ", out)
    if "#" in out:
        out = _TRAILING_TAGS.sub("", out)
    out = shorten_runs(strip_accents(out.lower()))
    return " ".join(_WORD.findall(out.replace("_", " ")))  # words, one space apart
