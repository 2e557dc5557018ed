"""The synthetic surge: deterministic, with the mix it promises and records that are what their kind says."""

from __future__ import annotations

import collections
import re
from collections.abc import Callable

import orjson
import pytest

from classifiers.dedupe import fingerprint
from classifiers.message import Network
from classifiers.normalize import fold_for_dedupe
from classifiers.taxonomy import CATEGORIES
from streams import corpus
from streams.generator import (
    MADE_UP_SLOTS,
    MAX_PAYLOAD_BYTES,
    REASONS,
    TEMPLATES,
    UNKNOWN_NETWORK,
    Generated,
    calm_day,
    surge,
)
from streams.networks import ParseError, parse_record, render

N = 5000


@pytest.fixture(scope="module")
def night() -> list[Generated]:
    return list(surge(N))


@pytest.fixture(scope="module")
def calm() -> list[Generated]:
    return list(calm_day(2000))


def share(items: list[Generated], pred: Callable[[Generated], bool]) -> float:
    return sum(1 for g in items if pred(g)) / len(items)


def test_same_seed_same_sequence_other_seed_other_sequence(night: list[Generated]) -> None:
    assert list(surge(N)) == night
    assert list(surge(300, seed=14)) != night[:300]
    assert list(calm_day(500, seed=3)) == list(calm_day(500, seed=3))


def test_kind_shares_on_5000(night: list[Generated]) -> None:
    kinds = collections.Counter(g.kind for g in night)
    assert abs(kinds["malformed"] / N - 0.01) < 0.005
    assert abs(kinds["redelivery"] / N - 0.02) < 0.007
    assert abs(kinds["repost"] / N - 0.15) < 0.025
    assert set(kinds) == {"new", "repost", "redelivery", "malformed"}
    # malformed records of every reason
    assert {g.reason for g in night if g.kind == "malformed"} == set(REASONS)


def test_priority_network_and_language_mix_of_an_attack_night(night: list[Generated]) -> None:
    new = [g for g in night if g.kind == "new"]
    assert 0.05 <= share(new, lambda g: g.priority == 0) <= 0.08
    assert 0.08 <= share(new, lambda g: g.priority == 1) <= 0.12
    assert 0.26 <= share(new, lambda g: g.priority == 2) <= 0.34
    assert 0.48 <= share(new, lambda g: g.priority == 3) <= 0.60
    messages = [g for g in night if g.kind in ("new", "repost")]
    networks = collections.Counter(g.network for g in messages)
    for network, expected in (("x", 0.45), ("facebook", 0.35), ("instagram", 0.20)):
        assert abs(networks[network] / len(messages) - expected) < 0.03, network
    x_langs = collections.Counter(g.message.lang for g in messages if g.message and g.network == "x")
    x_total = sum(x_langs.values())
    assert 0.10 <= x_langs["en"] / x_total <= 0.22
    assert 0 < x_langs["es"] + x_langs["de"] <= 0.08 * x_total


def test_calm_day_is_mostly_procedure_thanks_and_spam(calm: list[Generated]) -> None:
    new = [g for g in calm if g.kind == "new"]
    assert share(new, lambda g: g.category in ("procedure_question", "thanks_support", "spam")) > 0.5
    assert share(new, lambda g: g.priority is not None and g.priority <= 1) < 0.07
    assert share(new, lambda g: g.priority == 0) > 0  # a calm day still has emergencies
    assert share(new, lambda g: g.priority == 3) > 0.6


@pytest.mark.parametrize("stream", ["night", "calm"])
def test_each_record_is_what_its_kind_says(stream: str, request: pytest.FixtureRequest) -> None:
    records: list[Generated] = request.getfixturevalue(stream)
    identities: dict[str, object] = {}
    folded: dict[str, tuple[int | None, str | None]] = {}  # folded text → labels of its first message
    for g in records:
        if g.kind == "malformed":
            assert g.message is None and g.raw is not None and g.reason in REASONS
            continue
        m = g.message
        assert m is not None and g.network == m.network.value and g.raw is None and g.reason is None
        if g.kind == "redelivery":
            assert identities[m.identity] is m  # the very same message, already seen
            assert g.priority is None and g.category is None
            continue
        assert m.identity not in identities
        identities[m.identity] = m
        fold = fold_for_dedupe(m.text)
        if g.kind == "repost":
            assert folded[fold] == (g.priority, g.category)  # an earlier message folds the same, same labels
        else:
            assert g.kind == "new"
            assert fingerprint(m.text) is None or fold not in folded  # the pipeline must enqueue it
        folded.setdefault(fold, (g.priority, g.category))
    assert {g.kind for g in records} >= {"new", "repost", "redelivery"}


def test_reposts_change_only_what_folding_removes(night: list[Generated]) -> None:
    reposts = [g.message for g in night if g.kind == "repost" and g.message is not None]
    assert all(fingerprint(m.text) is not None for m in reposts)  # long enough for the pipeline to fold
    assert sum(m.text.startswith("RT @") for m in reposts) > 0.1 * len(reposts)
    originals = {fold_for_dedupe(g.message.text): g.message.text for g in night if g.kind == "new" and g.message}
    edited = [m for m in reposts if m.text != originals.get(fold_for_dedupe(m.text))]
    assert len(edited) > len(reposts) / 2


def test_a_few_messages_are_reposted_many_times(night: list[Generated]) -> None:
    per_original = collections.Counter(fold_for_dedupe(g.message.text) for g in night
                                       if g.kind == "repost" and g.message is not None)
    counts = sorted(per_original.values(), reverse=True)
    assert counts[0] >= 30  # a witness appeal storm
    assert counts[len(counts) // 2] <= 2  # most reposted messages are reposted once or twice
    assert sum(counts[:10]) > 0.15 * sum(counts)


def test_labels_are_from_the_taxonomy(night: list[Generated], calm: list[Generated]) -> None:
    for g in night + calm:
        if g.kind in ("new", "repost"):
            assert g.priority in (0, 1, 2, 3) and g.category in CATEGORIES
        else:
            assert g.priority is None and g.category is None


@pytest.mark.parametrize("stream", ["night", "calm"])
def test_times_increase_and_messages_look_like_their_network(stream: str, request: pytest.FixtureRequest) -> None:
    records: list[Generated] = request.getfixturevalue(stream)
    fresh = [g.message for g in records if g.kind in ("new", "repost") and g.message is not None]
    times = [m.created_at for m in fresh]
    assert times == sorted(times) and times[0] > (1447446000.0 if stream == "night" else 1447052400.0)
    id_style = {
        ("x", "post"): r"\d{19}", ("x", "reply"): r"\d{19}", ("x", "repost"): r"\d{19}",
        ("facebook", "message"): r"m_[\w-]{20,}", ("facebook", "comment"): r"\d{15,16}_\d{15,16}",
        ("instagram", "message"): r"aWdf[\w-]{20,}", ("instagram", "comment"): r"\d{17}",
    }
    for m in fresh:
        assert m.received_at >= m.created_at and round(m.created_at, 3) == m.created_at
        assert re.fullmatch(id_style[(m.network.value, m.kind)], m.network_id), m
        assert m.author_id.isdigit() and m.text.strip()
        assert (m.lang is None) if m.network is not Network.X else (m.lang in (None, *corpus.LANGS))
        assert m.has_url == bool(re.search(r"https?://|bit\.ly/", m.text))
        if m.kind in ("reply", "repost") or (m.kind == "comment" and m.reply_to):
            assert m.reply_to and m.conversation_id
        if m.kind == "message":
            assert m.conversation_id == m.author_id  # a Messenger conversation is the sender's thread
    assert any(m.has_media for m in fresh)


def test_every_message_renders_and_parses_back(night: list[Generated], calm: list[Generated]) -> None:
    """What the demo does: each message through its network's payload and the pipeline's parser."""
    for g in night[:2000] + calm:
        if g.message is not None:
            m = g.message
            assert parse_record(m.network.value, render(m), received_at=m.received_at) == [m]


def test_malformed_records_fail_for_the_stated_reason(night: list[Generated]) -> None:
    malformed = [g for g in night if g.kind == "malformed"]
    for g in malformed:
        assert g.raw is not None and g.reason is not None
        if g.reason == "too_large":
            assert len(g.raw) > MAX_PAYLOAD_BYTES
            orjson.loads(g.raw)  # valid JSON all the same
            continue
        assert len(g.raw) <= MAX_PAYLOAD_BYTES
        if g.reason == "invalid_utf8":
            with pytest.raises(UnicodeDecodeError):
                g.raw.decode("utf-8")
            continue
        g.raw.decode("utf-8")
        if g.reason == "invalid_json":
            with pytest.raises(orjson.JSONDecodeError):
                orjson.loads(g.raw)
            continue
        doc = orjson.loads(g.raw)
        if g.reason == "unknown_network":
            assert g.network == UNKNOWN_NETWORK == doc["network"]
        else:
            assert g.reason == "missing_field" and g.network in ("x", "facebook", "instagram")
    for g in malformed:  # and the pipeline's parser agrees
        assert g.raw is not None
        with pytest.raises(ParseError) as err:
            parse_record(g.network, g.raw, received_at=0.0, max_bytes=MAX_PAYLOAD_BYTES)
        assert err.value.reason == g.reason


def test_corpus_is_complete() -> None:
    """Every template's slots can be filled and every (category, priority) of a mix has templates in French
    for every network, so no draw can fail."""
    known = set(corpus.SLOTS) | set(corpus.NUMBERS) | set(MADE_UP_SLOTS)
    for t in TEMPLATES:
        assert set(re.findall(r"\{(\w+)\}", t.text)) <= known, t.text
        assert t.category in CATEGORIES and t.priority in (0, 1, 2, 3) and t.lang in corpus.LANGS
        assert t.scenario in ("attack", "calm", "any")
    for scenario, mix in corpus.MIXES.items():
        for category, priority in mix:
            for network in Network:
                assert any(t.category == category and t.priority == priority and t.lang == "fr"
                           and t.scenario in (scenario, "any") and network in t.networks
                           for t in TEMPLATES), (scenario, category, priority, network)
    per_category = collections.Counter(t.category for t in TEMPLATES)
    assert min(per_category[c] for c in ("danger", "witness_tip", "missing_person", "safety_question", "rumor")) >= 12
    assert min(per_category.values()) >= 6 and set(per_category) == set(CATEGORIES)
