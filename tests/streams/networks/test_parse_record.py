"""parse_record: the dead-letter reasons, skipped events, and the render → parse round trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from classifiers.message import Message, Network
from streams.networks import NETWORKS, ParseError, parse_record, render

PAYLOADS = Path(__file__).resolve().parents[2] / "fixtures" / "payloads"
RECEIVED = 1719002000.25
SECRET_TEXT = "Fusillade rue de Charonne, on est cachés dans le resto aidez nous"
SECRET_AUTHOR = "6812345678901234"


def load(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def reason_of(network: str | None, raw: bytes, max_bytes: int = 64_000) -> ParseError:
    with pytest.raises(ParseError) as err:
        parse_record(network, raw, received_at=RECEIVED, max_bytes=max_bytes)
    return err.value


def test_networks_are_the_message_networks() -> None:
    assert NETWORKS == ("facebook", "x", "instagram")
    assert set(NETWORKS) == {n.value for n in Network}


def test_every_fixture_parses_under_its_network() -> None:
    for path in sorted(PAYLOADS.glob("*.json")):
        network = path.name.split("_", 1)[0]
        messages = parse_record(network, path.read_bytes(), received_at=RECEIVED)
        assert all(m.network == network and m.received_at == RECEIVED for m in messages), path.name


# --- dead-letter reasons, each with a real bad payload ------------------------------------------------------

def test_too_large_is_checked_before_anything_else() -> None:
    raw = load("facebook_message.json")
    assert reason_of("facebook", raw, max_bytes=len(raw) - 1).reason == "too_large"
    assert parse_record("facebook", raw, received_at=RECEIVED, max_bytes=len(raw))  # the limit is inclusive
    assert reason_of("nope", b"\xff" * 100, max_bytes=10).reason == "too_large"


@pytest.mark.parametrize("raw", [
    load("facebook_message.json").replace("cachés".encode(), "cach\xe9s".encode("latin-1")),  # Latin-1 é
    b'{"object": "page", "entry": [\xed\xa0\x80]}',  # an encoded surrogate
    b'{"text": "aidez nous \xf0\x9f\x98"}',  # an emoji cut in the middle
])
def test_invalid_utf8(raw: bytes) -> None:
    assert reason_of("facebook", raw).reason == "invalid_utf8"


@pytest.mark.parametrize("raw", [
    b"",
    b"{'object': 'page'}",
    load("facebook_message.json")[:-20],  # truncated
    b'{"entry": [1, 2,]}',
    b"NaN",
])
def test_invalid_json(raw: bytes) -> None:
    assert reason_of("facebook", raw).reason == "invalid_json"


@pytest.mark.parametrize("network", [None, "", "tiktok", "Facebook", "twitter", "x "])
def test_unknown_network(network: str | None) -> None:
    assert reason_of(network, load("facebook_message.json")).reason == "unknown_network"


@pytest.mark.parametrize(("network", "raw", "reason"), [
    ("facebook", b"[]", "invalid_field"),
    ("facebook", b'"page"', "invalid_field"),
    ("facebook", b'{"object": "page"}', "missing_field"),
    ("facebook", b'{"entry": []}', "missing_field"),
    ("instagram", load("facebook_message.json"), "invalid_field"),  # a Page delivery on the Instagram topic
    ("x", load("facebook_message.json"), "missing_field"),
    ("facebook", load("x_post.json"), "missing_field"),  # no "object"
])
def test_wrong_shapes(network: str, raw: bytes, reason: str) -> None:
    assert reason_of(network, raw).reason == reason


def _messenger(message: dict[str, object], **event: object) -> bytes:
    ev = {"sender": {"id": SECRET_AUTHOR}, "recipient": {"id": "1"}, "timestamp": 1719000845731,
          "message": message} | event
    return orjson.dumps({"object": "page", "entry": [{"id": "1", "time": 1, "messaging": [ev]}]})


@pytest.mark.parametrize(("raw", "reason", "path"), [
    (_messenger({"text": SECRET_TEXT}), "missing_field", "entry[0].messaging[0].message.mid"),
    (_messenger({"mid": "m_1"}), "missing_field", "entry[0].messaging[0].message.text"),
    (_messenger({"mid": "m_1", "text": SECRET_TEXT}, sender={}), "missing_field", "entry[0].messaging[0].sender.id"),
    (_messenger({"mid": "m_1", "text": SECRET_TEXT}, timestamp=None), "missing_field",
     "entry[0].messaging[0].timestamp"),
    (_messenger({"mid": "m_1", "text": SECRET_TEXT}, timestamp="2024-06-21T20:14:05Z"), "invalid_field",
     "entry[0].messaging[0].timestamp"),
    (_messenger({"mid": "m_1", "text": SECRET_TEXT}, timestamp=True), "invalid_field",
     "entry[0].messaging[0].timestamp"),
    (_messenger({"mid": "", "text": SECRET_TEXT}), "invalid_field", "entry[0].messaging[0].message.mid"),
    (_messenger({"mid": "m_1", "text": [SECRET_TEXT]}), "invalid_field", "entry[0].messaging[0].message.text"),
    (_messenger({"mid": "m_1", "text": SECRET_TEXT}, sender={"id": {"psid": SECRET_AUTHOR}}), "invalid_field",
     "entry[0].messaging[0].sender.id"),
    (_messenger({"mid": "m_1", "text": SECRET_TEXT, "attachments": "photo"}), "invalid_field",
     "entry[0].messaging[0].message.attachments"),
])
def test_field_errors_name_the_path_and_never_the_content(raw: bytes, reason: str, path: str) -> None:
    err = reason_of("facebook", raw)
    assert (err.reason, path in err.detail) == (reason, True), err.detail
    for secret in (SECRET_TEXT, SECRET_AUTHOR, "cachés"):
        assert secret not in err.detail and secret not in str(err) and secret not in repr(err)


def test_parse_error_is_an_exception_with_reason_and_detail() -> None:
    err = ParseError("missing_field", "entry is missing")
    assert isinstance(err, Exception)
    assert (err.reason, err.detail) == ("missing_field", "entry is missing")
    assert str(err) == "missing_field: entry is missing"


# --- nothing to triage --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("network", "name"), [
    ("facebook", "facebook_read_receipt.json"),
    ("facebook", "facebook_echo.json"),
    ("x", "x_not_found.json"),
])
def test_skipped_deliveries_return_an_empty_list(network: str, name: str) -> None:
    assert parse_record(network, load(name), received_at=RECEIVED) == []


def test_empty_entry_list_is_nothing_to_triage() -> None:
    assert parse_record("instagram", b'{"object": "instagram", "entry": []}', received_at=RECEIVED) == []


# --- render → parse ------------------------------------------------------------------------------------------

BASE = Message(network=Network.FACEBOOK, network_id="id-1", author_id="42", text=SECRET_TEXT,
               created_at=1719000845.731, received_at=1719000846.5)


def _m(network: Network, kind: str, **fields: Any) -> Message:
    return replace(BASE, network=network, kind=kind, **fields)


LONG = "On est coincés au sous-sol du parking. " * 10

ROUND_TRIPS = [
    # Facebook Messenger: the conversation is the sender's thread, no lang.
    _m(Network.FACEBOOK, "message", network_id="m_abc", conversation_id="42"),
    _m(Network.FACEBOOK, "message", network_id="m_def", conversation_id="42", reply_to="m_abc", has_media=True),
    _m(Network.FACEBOOK, "message", network_id="m_ghi", conversation_id="42", has_url=True),
    _m(Network.FACEBOOK, "message", network_id="m_jkl", conversation_id="42", text="", has_media=True),
    _m(Network.FACEBOOK, "message", network_id="m_mno", conversation_id="42", text="vidéo ici https://ex.fr/v",
       has_url=True, has_media=True),
    # Facebook feed.
    _m(Network.FACEBOOK, "comment", network_id="9_1", conversation_id="1_9", created_at=1719000941.0),
    _m(Network.FACEBOOK, "comment", network_id="9_2", conversation_id="1_9", reply_to="9_1", has_media=True,
       has_url=True, created_at=1719000941.5),
    _m(Network.FACEBOOK, "post", network_id="1_10", conversation_id="1_10", has_media=True, created_at=1719000941.0),
    _m(Network.FACEBOOK, "post", network_id="1_11", conversation_id="1_11", created_at=1719000941.0),
    # X.
    _m(Network.X, "post", network_id="1804", conversation_id="1804", lang="fr"),
    _m(Network.X, "post", network_id="1805", lang=None),
    _m(Network.X, "reply", network_id="1806", conversation_id="1800", reply_to="1800", lang="fr", has_media=True,
       has_url=True),
    _m(Network.X, "repost", network_id="1807", conversation_id="1807", reply_to="1804", lang="en"),
    _m(Network.X, "post", network_id="1808", text=LONG, lang="fr", has_url=False),
    _m(Network.X, "post", network_id="1809", text="live https://t.co/abc 😱", has_url=True, lang="fr"),
    # Instagram.
    _m(Network.INSTAGRAM, "comment", network_id="178901", conversation_id="179123", created_at=1719001400.0),
    _m(Network.INSTAGRAM, "comment", network_id="178902", conversation_id="179123", reply_to="178901"),
    _m(Network.INSTAGRAM, "comment", network_id="178903", conversation_id=None, text="regardez www.example.org/x",
       has_url=True),
    _m(Network.INSTAGRAM, "message", network_id="aWdf1", conversation_id="42", reply_to="aWdf0", has_media=True),
    _m(Network.INSTAGRAM, "message", network_id="aWdf2", conversation_id="42", text="On entend des tirs 😱\nrue X"),
]


@pytest.mark.parametrize("message", ROUND_TRIPS, ids=lambda m: f"{m.network.value}-{m.kind}-{m.network_id}")
def test_render_round_trips(message: Message) -> None:
    raw = render(message)
    assert isinstance(raw, bytes)
    assert parse_record(message.network.value, raw, received_at=message.received_at) == [message]


def test_render_is_a_single_entry_single_event_delivery() -> None:
    doc = orjson.loads(render(ROUND_TRIPS[0]))
    assert doc["object"] == "page" and len(doc["entry"]) == 1 and len(doc["entry"][0]["messaging"]) == 1
    doc = orjson.loads(render(ROUND_TRIPS[12]))  # an X repost
    assert doc["data"]["referenced_tweets"] == [{"type": "retweeted", "id": "1804"}]
    assert doc["includes"]["users"][0]["id"] == "42"


def test_render_long_x_post_cuts_text_and_carries_note_tweet() -> None:
    doc = orjson.loads(render(ROUND_TRIPS[13]))
    assert len(doc["data"]["text"]) == 280 and doc["data"]["note_tweet"]["text"] == LONG


@pytest.mark.parametrize("message", [
    _m(Network.X, "comment"),
    _m(Network.X, "reply", reply_to=None),
    _m(Network.FACEBOOK, "reply"),
    _m(Network.INSTAGRAM, "post"),
])
def test_render_refuses_kinds_the_network_cannot_carry(message: Message) -> None:
    with pytest.raises(ValueError, match=r"no \w+ payload"):
        render(message)
