"""Labelled data for the urgency model: loaders, label mappings, the held-out split and the data fingerprint.

``data_dir`` is the folder holding ``police_fr_dev/``, ``crisislex_t26/`` and ``disaster_response_messages/``
(see each folder's README for origin, licence and label meanings). Only the French desk set has the desk's
categories; the two crisis sets only contribute priorities, mapped from their own labels as their READMEs suggest.

Held-out split of the French set (:func:`split_desk`): 25% of the messages, stratified by priority, seed
20261128. Each near-duplicate group (``dup_group``) counts as one unit and goes wholly to one side, so no repost
of a held-out appeal is trained on. The held-out part is never trained on, tuned on or used for the threshold.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classifiers.normalize import normalize

DESK_DIR = "police_fr_dev"
CRISISLEX_DIR = "crisislex_t26"
MUNRO_DIR = "disaster_response_messages"
SEED_SOURCE = "vigie_seed_fr"
SEED_DIR = Path(__file__).with_name("seed")  # the project's own labelled messages (see seed/README.md)

SPLIT_SEED = 20261128
HELD_OUT_FRACTION = 0.25
SEED_MAX_OVERLAP = 0.25  # a seed message this close to any desk message (shingle Jaccard) is not trained on


def split_description(seed: int = SPLIT_SEED) -> str:
    return (f"police_fr_dev: {HELD_OUT_FRACTION:.0%} held out, stratified by priority, seed {seed}, each dup_group "
            "wholly on one side; the held-out part is never trained or tuned on. Crisis sets: training only.")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text. ``category`` is ``None`` for the crisis sets (they have no desk categories)."""

    text: str
    priority: int
    category: str | None
    source: str
    lang: str | None = None
    group: str | None = None


def load_desk(data_dir: Path) -> list[Example]:
    """The invented French desk set (``police_fr_dev/messages.jsonl``), labels as given, in file order."""
    examples = []
    path = data_dir / DESK_DIR / "messages.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            group = row.get("dup_group") or row["id"]
            examples.append(Example(row["text"], int(row["priority"]), row["category"], DESK_DIR, row["lang"], group))
    return examples


def load_seed(seed_dir: Path = SEED_DIR) -> list[Example]:
    """The project's own desk messages (``seed/*.jsonl``, same keys and labels as ``police_fr_dev``), written from
    the taxonomy's README only, never from the desk set: training data for the joint head, never evaluated on.
    Each message is its own group."""
    examples = []
    for path in sorted(seed_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    examples.append(Example(row["text"], int(row["priority"]), row["category"], SEED_SOURCE,
                                            row["lang"], row["id"]))
    return examples


def shingle_overlap(texts: Sequence[str], others: Sequence[str], k: int = 4) -> npt.NDArray[np.float64]:
    """For each of ``texts``, the highest Jaccard similarity between its character ``k``-shingles and those of
    any of ``others`` (on :func:`classifiers.normalize.normalize` text): 1.0 is a copy; a short message reworded
    but recognisably the same scores 0.3–0.6."""
    vocabulary: dict[str, int] = {}

    def occurrences(batch: Sequence[str]) -> tuple[list[int], list[int]]:
        rows, cols = [], []
        for row, text in enumerate(batch):
            norm = normalize(text)
            for gram in {norm[i:i + k] for i in range(max(1, len(norm) - k + 1))}:
                rows.append(row)
                cols.append(vocabulary.setdefault(gram, len(vocabulary)))
        return rows, cols

    if not len(texts) or not len(others):
        return np.zeros(len(texts))
    (a_rows, a_cols), (b_rows, b_cols) = occurrences(texts), occurrences(others)
    a = sp.csr_matrix((np.ones(len(a_rows)), (a_rows, a_cols)), shape=(len(texts), len(vocabulary)))
    b = sp.csr_matrix((np.ones(len(b_rows)), (b_rows, b_cols)), shape=(len(others), len(vocabulary)))
    inter = (a @ b.T).toarray()
    union = np.asarray(a.sum(axis=1)) + np.asarray(b.sum(axis=1)).T - inter
    best: npt.NDArray[np.float64] = (inter / np.maximum(union, 1)).max(axis=1)
    return best


def crisislex_priority(informativeness: str, info_type: str, source: str) -> int:
    """CrisisLexT26 labels → desk priority, read with the desk's taxonomy in mind (README suggestion, adjusted).

    - 0: "Related and informative" + "Affected individuals" + source "Eyewitness" (first-hand: injured, trapped,
      missing people where the writer is) — the desk's ``danger``;
    - 1: any other informative "Eyewitness" tweet (first-hand sightings and damage: the desk's ``witness_tip``);
    - 2: informative "Affected individuals" relayed by others (reports of casualties or missing people that are
      not first-hand: the desk's rumours and relays), "Infrastructure and utilities" and "Caution and advice"
      (closures, what to avoid: the desk's safety questions and answers);
    - 3: "Donations and volunteering" (offers of help: the desk's ``offer_help``), "Other Useful Information"
      (news and chatter: ``other``), "Sympathy and support", "Related - but not informative", "Not related",
      "Not applicable".
    """
    if informativeness != "Related and informative" or info_type == "Sympathy and support":
        return 3
    if source == "Eyewitness":
        return 0 if info_type == "Affected individuals" else 1
    if info_type in ("Affected individuals", "Infrastructure and utilities", "Caution and advice"):
        return 2
    return 3


def load_crisislex(data_dir: Path) -> list[Example]:
    """CrisisLexT26 (``*-tweets_labeled.csv``), headers and values stripped; priorities by
    :func:`crisislex_priority`."""
    examples = []
    for path in crisislex_files(data_dir):
        event = path.name.removesuffix("-tweets_labeled.csv")
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader)]
            for values in reader:
                row = dict(zip(header, (v.strip() for v in values), strict=False))
                text = row.get("Tweet Text", "")
                if text:
                    prio = crisislex_priority(row["Informativeness"], row["Information Type"],
                                              row["Information Source"])
                    examples.append(Example(text, prio, None, CRISISLEX_DIR, None, event))
    return examples


_MUNRO_CRITICAL = ("search_and_rescue", "medical_help", "security", "fire")


def munro_priority(row: dict[str, str]) -> int:
    """Munro disaster-message labels → desk priority (README suggestion, adjusted to the desk's taxonomy).

    - 0: ``actionable_haiti == 1``, or search_and_rescue, medical_help, security or fire in a first-hand message
      (``direct_report == 1`` or ``request == 1``): someone in danger now, where the writer is;
    - 1: other first-hand requests and reports (water, food, shelter, a missing relative, the dead, collapsed
      buildings): credible and for responders, but not a life at stake this minute;
    - 2: every ``genre == "news"`` headline and any other related message (information about the event);
    - 3: ``offer == 1`` (offers of help: the desk's ``offer_help``), ``related`` 0 or 2 (unrelated, unsure).
    """
    def flag(name: str) -> bool:
        return row.get(name, "").strip() == "1"

    if row.get("related", "").strip() != "1" or (flag("offer") and not flag("request")):
        return 3
    if row.get("genre", "").strip() == "news":
        return 2
    first_hand = flag("direct_report") or flag("request")
    if flag("actionable_haiti") or (first_hand and any(flag(c) for c in _MUNRO_CRITICAL)):
        return 0
    if first_hand:
        return 1
    return 2


def load_munro(data_dir: Path) -> list[Example]:
    """Munro disaster messages: the ``message`` column (English, or the English translation of ``original``,
    which is not used); rows whose text is a spreadsheet error (``#NAME?``) are skipped."""
    examples = []
    for path in munro_files(data_dir):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = (row.get("message") or "").strip()
                if text and text != "#NAME?":  # a spreadsheet error left in the source
                    examples.append(Example(text, munro_priority(row), None, MUNRO_DIR, "en", row.get("genre")))
    return examples


def crisislex_files(data_dir: Path) -> list[Path]:
    return _files(data_dir / CRISISLEX_DIR, "*-tweets_labeled.csv")


def munro_files(data_dir: Path) -> list[Path]:
    return _files(data_dir / MUNRO_DIR, "disaster_response_*.csv")


def _files(folder: Path, pattern: str) -> list[Path]:
    found = sorted(folder.glob(pattern))
    if not found:
        raise FileNotFoundError(f"no {pattern} in {folder} (is --data-dir the folder holding {folder.name}/?)")
    return found


def data_files(data_dir: Path) -> list[Path]:
    """Every file the training reads, in a fixed order."""
    return [data_dir / DESK_DIR / "messages.jsonl", *crisislex_files(data_dir), *munro_files(data_dir)]


def fingerprint(files: Iterable[Path], root: Path) -> str:
    """sha256 over the files' relative paths and bytes: changes when any training file changes."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def split_desk(examples: Sequence[Example], *, seed: int = SPLIT_SEED,
               fraction: float = HELD_OUT_FRACTION) -> tuple[list[Example], list[Example]]:
    """(train, held_out): per priority, whole dup groups (a message without one is its own group) are drawn in a
    seeded random order until the held-out side reaches ``round(fraction × stratum size)`` messages; a group that
    would overshoot by more than one message is passed over. Deterministic for a given file and seed."""
    groups: dict[str, list[Example]] = {}
    for ex in examples:
        groups.setdefault(ex.group or ex.text, []).append(ex)
    rng = np.random.default_rng(seed)
    held: set[str] = set()
    for prio in sorted({ex.priority for ex in examples}):
        names = sorted(g for g, members in groups.items() if members[0].priority == prio)
        target = round(fraction * sum(len(groups[g]) for g in names))
        taken = 0
        for i in rng.permutation(len(names)):
            if taken >= target:
                break
            if taken + len(groups[names[i]]) <= target + 1:
                held.add(names[i])
                taken += len(groups[names[i]])
    train = [ex for ex in examples if (ex.group or ex.text) not in held]
    held_out = [ex for ex in examples if (ex.group or ex.text) in held]
    return train, held_out


def training_fingerprint(data_dir: Path, own_dir: Path = SEED_DIR) -> str:
    """The fingerprint of everything :func:`classifiers.urgency.train.train` reads: the files of ``data_dir`` and
    the project's own messages (``own_dir/*.jsonl``)."""
    data = fingerprint(data_files(data_dir), data_dir)
    own = fingerprint(sorted(own_dir.glob("*.jsonl")), own_dir.parent)
    return hashlib.sha256(f"{data}:{own}".encode()).hexdigest()
