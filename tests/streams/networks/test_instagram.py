"""Instagram: comments / live comments and Instagram Messaging → Message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from classifiers.message import Message, Network
from streams.networks import ParseError, parse_record

PAYLOADS = Path(__file__).resolve().parents[2] / "fixtures" / "payloads"
RECEIVED = 1719002000.25
ACCOUNT = "17841412345678901"


def load(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def parse(raw: bytes) -> list[Message]:
    return parse_record("instagram", raw, received_at=RECEIVED)


def comment(time: Any = 1719001400, **value: Any) -> dict[str, Any]:
    base = {"from": {"id": "1234567890123456", "username": "julie.p_75"}, "id": "17890123456789012",
            "media": {"id": "17912345678901234", "media_product_type": "FEED"}, "text": "Au secours"}
    return {"object": "instagram", "entry": [{"id": ACCOUNT, "time": time,
                                              "changes": [{"field": "comments", "value": base | value}]}]}


def parse_doc(doc: Any) -> list[Message]:
    return parse(orjson.dumps(doc))


def test_comment_takes_its_time_from_the_entry() -> None:
    assert parse(load("instagram_comment.json")) == [Message(
        network=Network.INSTAGRAM, network_id="17890123456789012", author_id="1234567890123456",
        text="Y'a un colis suspect abandonné devant l'école Jules Ferry depuis 1h, personne ne bouge",
        created_at=1719001400.0, received_at=RECEIVED, conversation_id="17912345678901234", reply_to=None,
        lang=None, kind="comment", has_media=False, has_url=False,
    )]


def test_live_comment_reply_with_entry_time_in_milliseconds() -> None:
    # The account's own reply and the mention notification in the same entry are skipped.
    [m] = parse(load("instagram_live_comment.json"))
    assert (m.network_id, m.reply_to, m.conversation_id) == (
        "17890123456789099", "17890123456789012", "17923456789012345")
    assert m.created_at == 1719001405.377


@pytest.mark.parametrize(("time", "expected"), [(1719001400, 1719001400.0), (1719001400123, 1719001400.123)])
def test_entry_time_seconds_or_milliseconds(time: int, expected: float) -> None:
    assert parse_doc(comment(time=time))[0].created_at == expected


def test_direct_message() -> None:
    [m] = parse(load("instagram_message.json"))
    assert (m.network, m.kind, m.author_id, m.conversation_id) == (
        Network.INSTAGRAM, "message", "3456789012345678", "3456789012345678")
    assert m.created_at == 1719001500.087
    assert m.text.startswith("Bonjour je suis victime de harcèlement")


def test_story_reply_with_image_among_echo_read_and_reaction() -> None:
    [m] = parse(load("instagram_messaging_mixed.json"))
    assert (m.reply_to, m.has_media, m.text) == (
        "17950000000000001", True, "c'est exactement là, devant chez moi, venez vite")


def test_entry_time_is_only_required_for_comments() -> None:
    doc = {"object": "instagram", "entry": [{"id": ACCOUNT, "changes": [
        {"field": "mentions", "value": {"media_id": "17934567890123456", "comment_id": "17890123456789200"}}]}]}
    assert parse_doc(doc) == []


def test_comment_without_media_has_no_conversation() -> None:
    assert parse_doc(comment(media=None))[0].conversation_id is None


@pytest.mark.parametrize(("doc", "reason", "path"), [
    (comment(text=None), "missing_field", "entry[0].changes[0].value.text"),
    (comment(id=None), "missing_field", "entry[0].changes[0].value.id"),
    (comment(**{"from": {"username": "x"}}), "missing_field", "entry[0].changes[0].value.from.id"),
    (comment(text={"fr": "x"}), "invalid_field", "entry[0].changes[0].value.text"),
    (comment(time=None), "missing_field", "entry[0].time"),
    (comment(time="2024-06-21"), "invalid_field", "entry[0].time"),
    ({"object": "instagram"}, "missing_field", "entry"),
    ({"object": "instagram", "entry": {"id": ACCOUNT}}, "invalid_field", "entry"),
    ({"object": "instagram", "entry": [{"time": 1}]}, "missing_field", "entry[0].id"),
])
def test_malformed_payloads(doc: Any, reason: str, path: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_doc(doc)
    assert err.value.reason == reason
    assert path in err.value.detail


def test_message_without_text_or_attachments_is_malformed() -> None:
    doc = {"object": "instagram", "entry": [{"id": ACCOUNT, "time": 1719001500210, "messaging": [
        {"sender": {"id": "3456789012345678"}, "recipient": {"id": ACCOUNT}, "timestamp": 1719001500087,
         "message": {"mid": "aWdf"}}]}]}
    with pytest.raises(ParseError, match=r"entry\[0\]\.messaging\[0\]\.message\.text") as err:
        parse_doc(doc)
    assert err.value.reason == "missing_field"
