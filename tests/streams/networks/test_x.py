"""X: API v2 posts with includes, and Account Activity tweet_create_events → Message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from classifiers.message import Message, Network
from streams.networks import ParseError, parse_record

PAYLOADS = Path(__file__).resolve().parents[2] / "fixtures" / "payloads"
RECEIVED = 1719002000.25


def load(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def parse(raw: bytes) -> list[Message]:
    return parse_record("x", raw, received_at=RECEIVED)


def post(**fields: Any) -> dict[str, Any]:
    base = {"id": "1804234567890123456", "text": "Au secours", "author_id": "1456789012345678901",
            "created_at": "2024-06-21T20:14:05.000Z"}
    return {"data": {k: v for k, v in (base | fields).items() if v is not None}}


def parse_doc(doc: Any) -> list[Message]:
    return parse(orjson.dumps(doc))


def test_single_post() -> None:
    assert parse(load("x_post.json")) == [Message(
        network=Network.X, network_id="1804234567890123456", author_id="1456789012345678901",
        text="Incendie au 3e étage 12 rue des Lilas, des enfants coincés !!! @PoliceNationale @pompiersparis #Paris20",
        created_at=1719000845.0, received_at=RECEIVED, conversation_id="1804234567890123456", reply_to=None,
        lang="fr", kind="post", has_media=False, has_url=False,
    )]


def test_reply_with_includes() -> None:
    [m] = parse(load("x_reply_with_includes.json"))  # the referenced post in includes.tweets is context only
    assert (m.kind, m.reply_to, m.conversation_id) == ("reply", "1804230000000000001", "1804230000000000001")
    assert m.created_at == 1719000962.417
    assert m.has_media and m.has_url
    assert m.author_id == "98765432"


def test_multi_long_post_repost_and_quote() -> None:
    long, repost, quote = parse(load("x_multi.json"))
    assert len(long.text) > 280 and long.text.endswith("#urgence")  # note_tweet, not the cut text
    assert (repost.kind, repost.reply_to) == ("repost", "1804234567890123456")
    assert (quote.kind, quote.reply_to, quote.lang) == ("post", None, None)  # "und" → None
    assert quote.has_url  # the link to the quoted post


def test_media_links_are_not_urls() -> None:
    entities = {"urls": [{"start": 0, "end": 23, "url": "https://t.co/x", "media_key": "3_1"}]}
    [m] = parse_doc(post(attachments={"media_keys": ["3_1"]}, entities=entities))
    assert m.has_media and not m.has_url


@pytest.mark.parametrize(("lang", "expected"), [("fr", "fr"), ("en", "en"), ("und", None), ("qme", None), (None, None)])
def test_lang(lang: str | None, expected: str | None) -> None:
    assert parse_doc(post(lang=lang))[0].lang == expected


def test_naive_and_offset_dates() -> None:
    assert parse_doc(post(created_at="2024-06-21T20:14:05"))[0].created_at == 1719000845.0
    assert parse_doc(post(created_at="2024-06-21T22:14:05+02:00"))[0].created_at == 1719000845.0


def test_account_activity_skips_own_posts() -> None:
    [m] = parse(load("x_account_activity.json"))
    assert m == Message(
        network=Network.X, network_id="1804235555550000001", author_id="1600000000000000021",
        text="@PoliceNationale un homme armé d'un couteau menace les passants devant le Monoprix de Belleville",
        created_at=1719001330.0, received_at=RECEIVED, conversation_id=None, reply_to=None, lang="fr",
        kind="post", has_media=False, has_url=False,
    )


def test_account_activity_v1_retweet_and_extended_text() -> None:
    tweet = {"id_str": "5", "text": "cut…", "extended_tweet": {"full_text": "texte entier", "entities": {"urls": [{}]}},
             "user": {"id_str": "7"}, "created_at": "Fri Jun 21 20:22:10 +0000 2024",
             "retweeted_status": {"id_str": "4"}, "extended_entities": {"media": [{"type": "photo"}]}}
    [m] = parse_doc({"for_user_id": "1", "tweet_create_events": [tweet]})
    assert (m.text, m.kind, m.reply_to, m.has_media, m.has_url) == ("texte entier", "repost", "4", True, True)


def test_account_activity_other_events_carry_nothing() -> None:
    assert parse_doc({"for_user_id": "1", "favorite_events": [{"id": "x"}]}) == []


def test_lookup_without_result_carries_nothing() -> None:
    assert parse(load("x_not_found.json")) == []


@pytest.mark.parametrize(("doc", "reason", "path"), [
    ({"includes": {}}, "missing_field", "data"),
    (post(text=None), "missing_field", "data.text"),
    (post(author_id=None), "missing_field", "data.author_id"),
    (post(id=None), "missing_field", "data.id"),
    (post(created_at=None), "missing_field", "data.created_at"),
    (post(created_at="13/11/2015 21:40"), "invalid_field", "data.created_at"),
    (post(text=["Au", "secours"]), "invalid_field", "data.text"),
    (post(referenced_tweets=[{"type": "replied_to"}]), "missing_field", "data.referenced_tweets[0].id"),
    ({"data": "1804234567890123456"}, "invalid_field", "data"),
    ({"for_user_id": "1", "tweet_create_events": [{"id_str": "5", "text": "x", "user": {"id_str": "7"},
                                                   "created_at": "Fri Jun 31 20:22:10 +0000 2024"}]},
     "invalid_field", "tweet_create_events[0].created_at"),
])
def test_malformed_posts(doc: Any, reason: str, path: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_doc(doc)
    assert err.value.reason == reason
    assert path in err.value.detail


def test_one_bad_post_in_an_array_fails_the_record_with_its_index() -> None:
    doc = {"data": [post()["data"], post(author_id=None)["data"]]}
    with pytest.raises(ParseError, match=r"data\[1\]\.author_id"):
        parse_doc(doc)
