"""Synthetic message streams for the demo and the load tests: an attack-night surge and a calm day.

Pure and deterministic for a seed (one ``random.Random``; no clock, I/O or set iteration). Each record is
a :class:`Generated`: a new message labelled by its template (:mod:`streams.corpus`), a repost (equal to an
earlier text once folded by :func:`classifiers.normalize.fold_for_dedupe`), a redelivery (the same ``Message``
again) or malformed bytes with their dead-letter reason. Reposts favour a few originals, more with each repost
(a witness appeal storm); a new message never folds to an earlier text, so kinds are what the pipeline counts.
"""

from __future__ import annotations

import base64
import bisect
import random
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import orjson

from classifiers.dedupe import fingerprint
from classifiers.message import Message, Network
from classifiers.normalize import fold_for_dedupe, strip_accents
from streams import corpus

K = TypeVar("K")

NETWORK_SHARES: Final = {Network.X: 0.45, Network.FACEBOOK: 0.35, Network.INSTAGRAM: 0.20}
KIND_SHARES: Final = {Network.X: {"reply": 0.55, "post": 0.45}, Network.FACEBOOK: {"comment": 0.55, "message": 0.45},
                      Network.INSTAGRAM: {"comment": 0.75, "message": 0.25}}
REASONS: Final = ("invalid_json", "invalid_utf8", "missing_field", "unknown_network", "too_large")
UNKNOWN_NETWORK: Final = "myspace"
MAX_PAYLOAD_BYTES: Final = 64_000
MADE_UP_SLOTS: Final = ("time", "plate", "url", "bitly", "handle")  # besides corpus.SLOTS and corpus.NUMBERS
REPOST_WINDOW: Final = 5 * 3600.0  # the pipeline folds reposts for 6 h
REDELIVERY_WINDOW: Final = 3600.0  # webhook retries come within the hour; identities are kept 48 h
REINFORCE: Final = 0.3  # each repost adds this share of its original's weight to the original's weight
SURGE_START, CALM_START = 1447446000.0, 1447052400.0  # Fri 13 Nov 2015 21:20 and Mon 9 Nov 08:00, Paris
CALM_RATE: Final = 100 / 86400  # about a hundred messages a day
FB_PAGE, IG_ACCOUNT = "104000000000001", "17841400000000001"  # the desk's accounts, as in streams.networks

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|fr|ly|co|io|net|org|me)/\S*", re.IGNORECASE)
_SLOT = re.compile(r"\{(\w+)\}")
_ALNUM = string.ascii_letters + string.digits
_PLATE = "ABCDEFGHJKLMNPRSTVWXYZ"
_IG_IDS = (17_850 * 10**12, 18_150 * 10**12)  # 17-digit Instagram comment and media ids


@dataclass(frozen=True, slots=True)
class Generated:
    """One record of a synthetic stream, with what the pipeline should make of it.

    ``kind``: ``"new"``, ``"repost"`` (another id, text equal once folded), ``"redelivery"`` (the same
    ``Message`` object again) or ``"malformed"`` (``message`` is None, ``raw`` the bytes, ``reason`` the
    dead-letter reason). ``priority`` and ``category`` are the template's labels, for new messages and reposts.
    """

    message: Message | None
    kind: str
    network: str
    raw: bytes | None = None
    reason: str | None = None
    priority: int | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Template:
    category: str
    priority: int
    lang: str
    scenario: str
    text: str
    networks: tuple[Network, ...]


def _networks(text: str) -> tuple[Network, ...]:
    """``RT @…`` only on X, "lien en bio" only on Instagram."""
    bio = "lien en bio" in text or "link in bio" in text
    return (Network.X,) if text.startswith("RT @") else (Network.INSTAGRAM,) if bio else tuple(Network)


TEMPLATES: Final = tuple(Template(category, p, lang, scenario, text, _networks(text))
                         for category, entries in corpus.TEMPLATES.items() for p, lang, scenario, text in entries)


@dataclass(frozen=True, slots=True)
class _Original:
    message: Message
    priority: int
    category: str
    lang: str
    weight: float  # how readily people repost it


def _pick(rng: random.Random, shares: Mapping[K, float]) -> K:
    return rng.choices(list(shares), list(shares.values()))[0]


def _code(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(k))


# What a repost may change, applied in this order; none changes the folded text (checked anyway).
_EDITS: tuple[Callable[[str, random.Random], str], ...] = (
    lambda t, r: strip_accents(t),
    lambda t, r: t.upper() if r.random() < 0.5 else t.lower(),
    lambda t, r: t.rstrip(" .!?") + r.choice(("!!!", " !!", "!!!!!", "...")),
    lambda t, r: f"{t} {r.choice(corpus.REPOST_EMOJI)}",
    lambda t, r: f"{t} https://t.co/{_code(r, 10)}",
    lambda t, r: f"{t} {r.choice(corpus.REPOST_TAGS)}",
)


class _Stream:
    def __init__(self, scenario: str, seed: int, start: float, rate: float) -> None:
        self.rng = rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
        self.clock, self.rate, self.mix = start, rate, corpus.MIXES[scenario]
        self.hours = (21, 22, 23, 0) if scenario == "attack" else tuple(range(7, 24))
        self.pools: dict[tuple[tuple[str, int], Network], dict[str, list[Template]]] = {}
        for t in TEMPLATES:
            if (t.category, t.priority) in self.mix and t.scenario in (scenario, "any"):
                for net in t.networks:
                    self.pools.setdefault(((t.category, t.priority), net), {}).setdefault(t.lang, []).append(t)
        self.used: dict[Network, set[str]] = {net: set() for net in Network}
        self.authors: dict[Network, list[str]] = {net: [] for net in Network}
        self.roots = {Network.X: [str(rng.randrange(10**18, 10**19)) for _ in range(4)],  # the desk's posts
                      Network.FACEBOOK: [f"{FB_PAGE}_{rng.randrange(10**15, 10**16)}" for _ in range(4)],
                      Network.INSTAGRAM: [str(rng.randrange(*_IG_IDS)) for _ in range(3)]}
        self.comments: dict[str, list[str]] = {}  # root → comment ids, for nested replies
        self.recent_x: list[Message] = []
        self.seen: dict[str, int] = {}  # fingerprint → index in originals
        self.originals: list[_Original] = []
        self.entries: tuple[list[float], list[float], list[int]] = ([], [], [])  # time, cumulative weight, original
        self.sent: tuple[list[float], list[Message]] = ([], [])

    def tick(self) -> float:
        self.clock += self.rng.expovariate(self.rate)
        return round(self.clock, 3)  # the networks give milliseconds

    def slot(self, name: str, net: Network, taken: list[str]) -> str:
        rng = self.rng
        if name in corpus.SLOTS:
            value = rng.choice(corpus.SLOTS[name])
            value = rng.choice(corpus.SLOTS[name]) if value in taken else value  # "{name} et {name}": two people
            taken.append(value)
            return value
        if name in corpus.NUMBERS:
            return str(rng.randint(*corpus.NUMBERS[name]))
        made_up = {
            "time": lambda: f"{rng.choice(self.hours)}h{rng.randrange(60):02d}",
            "plate": lambda: f"{rng.choice(_PLATE)}{rng.choice(_PLATE)}-{rng.randrange(100, 1000)}",
            "url": lambda: f"https://t.co/{_code(rng, 10)}" if net is Network.X else f"https://bit.ly/{_code(rng, 7)}",
            "bitly": lambda: f"bit.ly/{_code(rng, 7)}",
            "handle": lambda: f"@{strip_accents(rng.choice(corpus.SLOTS['name'])).lower()}_{rng.randrange(100)}",
        }
        return made_up[name]()

    def draw(self, bucket: tuple[str, int], net: Network) -> tuple[Template, str]:
        rng, pool = self.rng, self.pools[(bucket, net)]
        template = rng.choice(pool[_pick(rng, {lang: w for lang, w in corpus.LANGS.items() if lang in pool})])
        taken: list[str] = []
        text = _SLOT.sub(lambda m: self.slot(m.group(1), net, taken), template.text)
        if template.lang == "fr" and rng.random() < 0.2:
            return template, strip_accents(text)  # typed on a phone
        return template, text.upper() if template.priority <= 1 and rng.random() < 0.05 else text

    def repost_text(self, text: str, net: Network) -> str:
        rng, out = self.rng, text
        for i in sorted(rng.sample(range(len(_EDITS)), rng.choice((0, 1, 1, 2, 2, 3)))):
            out = _EDITS[i](out, rng)
        if net is Network.X and rng.random() < 0.6:
            out = f"RT @{strip_accents(rng.choice(corpus.SLOTS['name'])).lower()}{rng.randrange(10, 99)}: {out}"
        return out if fold_for_dedupe(out) == fold_for_dedupe(text) and len(out) <= 280 else text

    def new_id(self, net: Network, kind: str, root: str | None) -> str:
        rng = self.rng
        while True:
            if net is Network.X:
                nid = str(rng.randrange(10**18, 10**19))
            elif kind == "message":  # Messenger "m_…"; Instagram mids are base64 of "ig_…", so start "aWdf"
                nid = ("m_" + base64.urlsafe_b64encode(rng.randbytes(48)).decode() if net is Network.FACEBOOK
                       else base64.urlsafe_b64encode(b"ig_" + rng.randbytes(48)).decode())
            elif net is Network.FACEBOOK:
                nid = f"{str(root).split('_')[1]}_{rng.randrange(10**15, 10**16)}"  # POSTID_COMMENTID
            else:
                nid = str(rng.randrange(*_IG_IDS))
            if nid not in self.used[net]:
                self.used[net].add(nid)
                return nid

    def author(self, net: Network) -> str:
        rng, known = self.rng, self.authors[net]
        if known and rng.random() < 0.15:  # someone writing again
            return rng.choice(known[-300:])
        x_range = (10**7, 5 * 10**9) if rng.random() < 0.6 else (10**18, 10**19)  # old and new X accounts
        lo, hi = {Network.X: x_range, Network.FACEBOOK: (10**15, 10**16), Network.INSTAGRAM: (10**16, 10**17)}[net]
        known.append(str(rng.randrange(lo, hi)))
        return known[-1]

    def thread(self, net: Network, kind: str) -> tuple[str | None, str | None]:
        """(conversation_id, reply_to) of a new reply or comment: mostly under one of the desk's posts."""
        rng = self.rng
        if net is Network.X and kind == "reply":
            if self.recent_x and rng.random() < 0.3:
                parent = rng.choice(self.recent_x[-200:])
                return parent.conversation_id or parent.network_id, parent.network_id
            root = rng.choice(self.roots[net])
            return root, root
        if kind == "comment":
            root = rng.choice(self.roots[net])
            siblings = self.comments.setdefault(root, [])
            return root, rng.choice(siblings[-50:]) if siblings and rng.random() < 0.15 else None
        return None, None

    def message(self, net: Network, text: str, t: float, lang: str, *, kind: str | None = None,
                reply_to: str | None = None) -> Message:
        rng = self.rng
        kind = kind or _pick(rng, KIND_SHARES[net])
        conversation, parent = (None, reply_to) if reply_to else self.thread(net, kind)
        nid = self.new_id(net, kind, conversation)
        author = self.author(net)
        if net is Network.X and kind != "reply":
            conversation = nid
        elif kind == "message":
            conversation = author  # a Messenger conversation is the sender's thread
        elif kind == "comment" and conversation is not None:
            self.comments[conversation].append(nid)
        words = len(fold_for_dedupe(text).split())
        m = Message(
            network=net, network_id=nid, author_id=author, text=text, created_at=t,
            received_at=round(t + 0.15 + rng.expovariate(1.2), 3), conversation_id=conversation, reply_to=parent,
            lang=lang if net is Network.X and words >= 3 else None, kind=kind,  # X says "und" for 1-2 words
            has_media=(net, kind) != (Network.INSTAGRAM, "comment") and any(
                w in text.lower() for w in corpus.MEDIA_WORDS),
            has_url=_URL.search(text) is not None,
        )
        if net is Network.X:
            self.recent_x.append(m)
        self.sent[0].append(t)
        self.sent[1].append(m)
        return m

    def add_entry(self, index: int, t: float, share: float) -> None:
        times, cumulative, originals = self.entries
        times.append(t)
        cumulative.append((cumulative[-1] if cumulative else 0.0) + share * self.originals[index].weight)
        originals.append(index)

    def new(self, t: float) -> Generated:
        rng, net = self.rng, _pick(self.rng, NETWORK_SHARES)
        bucket = _pick(rng, self.mix)
        for _ in range(40):
            template, text = self.draw(bucket, net)
            fp = fingerprint(text)
            if fp is None or fp not in self.seen:
                break
        else:  # every draw folds to an earlier text: that is a repost, say so
            return self.repost(t, self.seen[str(fp)], text, net)
        official = template.text.startswith(corpus.OFFICIAL_PREFIXES)  # a retweet of the desk's own post
        m = self.message(net, text, t, template.lang, kind="repost" if official else None,
                         reply_to=rng.choice(self.roots[Network.X]) if official else None)
        if fp is not None:
            weight = corpus.REPOST_APPEAL[template.category] * min(rng.paretovariate(1.2), 50.0)
            self.seen[fp] = len(self.originals)
            self.originals.append(_Original(m, template.priority, template.category, template.lang,
                                            weight * (corpus.OFFICIAL_BOOST if official else 1.0)))
            self.add_entry(len(self.originals) - 1, t, 1.0)
        return Generated(m, "new", net.value, priority=template.priority, category=template.category)

    def pick_original(self, t: float) -> int | None:
        times, cumulative, originals = self.entries
        lo = bisect.bisect_left(times, t - REPOST_WINDOW)
        for _ in range(3 if lo < len(times) else 0):
            j = bisect.bisect_right(cumulative, self.rng.uniform(cumulative[lo - 1] if lo else 0.0, cumulative[-1]), lo)
            index = originals[min(j, len(originals) - 1)]
            if self.originals[index].message.created_at >= t - REPOST_WINDOW:
                return index
        return None

    def repost(self, t: float, index: int, text: str | None = None, net: Network | None = None) -> Generated:
        original = self.originals[index]
        net = net or _pick(self.rng, NETWORK_SHARES)
        text = self.repost_text(original.message.text, net) if text is None else text
        native = net is original.message.network is Network.X and text.startswith("RT @")  # a real retweet
        m = self.message(net, text, t, original.lang, kind="repost" if native else None,
                         reply_to=original.message.network_id if native else None)
        self.add_entry(index, t, REINFORCE)  # the more it is reposted, the more it will be
        return Generated(m, "repost", net.value, priority=original.priority, category=original.category)

    def redelivery(self) -> Generated | None:
        times, messages = self.sent
        lo = max(bisect.bisect_left(times, self.clock - REDELIVERY_WINDOW), len(messages) - 500)
        if lo >= len(messages):
            return None
        m = messages[self.rng.randrange(lo, len(messages))]
        return Generated(m, "redelivery", m.network.value)

    def malformed(self) -> Generated:
        rng, reason = self.rng, self.rng.choice(REASONS)
        net = _pick(rng, NETWORK_SHARES)
        text = self.draw(_pick(rng, self.mix), net)[1]
        if reason == "unknown_network":
            doc = {"network": UNKNOWN_NETWORK, "id": str(rng.randrange(10**9)), "text": text}
            return Generated(None, "malformed", UNKNOWN_NETWORK, raw=orjson.dumps(doc), reason=reason)
        if reason == "too_large":
            text = " ".join([text] * (MAX_PAYLOAD_BYTES // len(text.encode()) + 2))
        raw = orjson.dumps(self.envelope(net, text + " @@BAD@@" * (reason == "invalid_utf8"),
                                         with_id=reason != "missing_field"))
        if reason == "invalid_utf8":  # two bytes that are never UTF-8, inside the text string
            raw = raw.replace(b"@@BAD@@", b"\xff\xfe")
        elif reason == "invalid_json":  # cut short, on a character boundary so that it stays UTF-8
            whole = raw.decode()
            raw = whole[: rng.randrange(len(whole) // 3, len(whole) - 1)].encode()
        return Generated(None, "malformed", net.value, raw=raw, reason=reason)

    def envelope(self, net: Network, text: str, *, with_id: bool) -> dict[str, Any]:
        """A one-message webhook delivery of ``net``, without the message's id when ``with_id`` is false."""
        rng, ms = self.rng, round(self.clock * 1000)
        if net is Network.X:  # a v2 post
            post = {"id": str(rng.randrange(10**18, 10**19)), "text": text, "author_id": self.author(net),
                    "created_at": datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")}
            return {"data": post if with_id else {k: v for k, v in post.items() if k != "id"}}
        if net is Network.FACEBOOK:  # a Messenger message event; without its "mid"
            message = {"mid": "m_" + _code(rng, 40), "text": text} if with_id else {"text": text}
            event = {"sender": {"id": self.author(net)}, "recipient": {"id": FB_PAGE}, "timestamp": ms,
                     "message": message}
            return {"object": "page", "entry": [{"id": FB_PAGE, "time": ms, "messaging": [event]}]}
        value: dict[str, Any] = {"from": {"id": self.author(net), "username": "temoin"}, "text": text,
                                 "media": {"id": self.roots[net][0], "media_product_type": "FEED"}}
        if with_id:  # a comment change; without the comment's "id"
            value["id"] = str(rng.randrange(*_IG_IDS))
        change = {"field": "comments", "value": value}
        return {"object": "instagram", "entry": [{"id": IG_ACCOUNT, "time": ms // 1000, "changes": [change]}]}


def _stream(scenario: str, n: int, seed: int, start: float, rate: float, malformed_share: float,
            repost_share: float, redelivery_share: float) -> Iterator[Generated]:
    s = _Stream(scenario, seed, start, rate)
    for _ in range(n):
        r = s.rng.random()
        if r < malformed_share:
            yield s.malformed()
            continue
        r -= malformed_share
        g = s.redelivery() if r < redelivery_share else None
        if g is None:
            t = s.tick()
            index = s.pick_original(t) if redelivery_share <= r < redelivery_share + repost_share else None
            g = s.new(t) if index is None else s.repost(t, index)
        yield g


def surge(n: int, *, seed: int = 13, start: float = SURGE_START, rate: float = 50.0,
          malformed_share: float = 0.01, repost_share: float = 0.15,
          redelivery_share: float = 0.02) -> Iterator[Generated]:
    """``n`` records of an attack night, ~``rate`` messages a second from ``start``. Of the new messages,
    6.5% are priority 0, 10% priority 1 and 30% priority 2 (:data:`streams.corpus.MIXES`)."""
    return _stream("attack", n, seed, start, rate, malformed_share, repost_share, redelivery_share)


def calm_day(n: int, *, seed: int = 7, start: float = CALM_START, rate: float = CALM_RATE,
             malformed_share: float = 0.01, repost_share: float = 0.05,
             redelivery_share: float = 0.02) -> Iterator[Generated]:
    """``n`` records of ordinary days (~``rate`` messages a second; by default about a hundred a day):
    mostly procedure questions, thanks and spam; 1% priority 0 and 3% priority 1."""
    return _stream("calm", n, seed, start, rate, malformed_share, repost_share, redelivery_share)
