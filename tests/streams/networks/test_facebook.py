"""Facebook Page webhooks: Messenger messages and feed changes → Message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from classifiers.message import Message, Network
from streams.networks import ParseError, parse_record

PAYLOADS = Path(__file__).resolve().parents[2] / "fixtures" / "payloads"
RECEIVED = 1719002000.25
PAGE = "108512345678901"


def load(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def parse(raw: bytes) -> list[Message]:
    return parse_record("facebook", raw, received_at=RECEIVED)


def parse_doc(doc: Any) -> list[Message]:
    return parse(orjson.dumps(doc))


def test_messenger_text_message() -> None:
    assert parse(load("facebook_message.json")) == [Message(
        network=Network.FACEBOOK, network_id="m_Fq1x7VtKd0cPbS2m8aQeYzR3uL5nW9hJ", author_id="6812345678901234",
        text="Fusillade rue de Charonne, on est cachés dans le resto aidez nous", created_at=1719000845.731,
        received_at=RECEIVED, conversation_id="6812345678901234", reply_to=None, lang=None, kind="message",
        has_media=False, has_url=False,
    )]


def test_messenger_reply_with_video_and_shared_link() -> None:
    [m] = parse(load("facebook_message_attachments.json"))
    assert m.reply_to == "m_Fq1x7VtKd0cPbS2m8aQeYzR3uL5nW9hJ"
    assert m.has_media and m.has_url  # the video attachment; the link arrives as a "fallback" attachment
    assert m.text == "Voilà la vidéo, la voiture a foncé sur les gens devant la gare"
    assert m.created_at == 1719000962.118


def test_messenger_image_without_text_is_kept_with_empty_text() -> None:
    [m] = parse(load("facebook_message_image_only.json"))
    assert (m.text, m.has_media, m.has_url) == ("", True, False)


def test_feed_comment_reply_to_another_comment() -> None:
    assert parse(load("facebook_comment.json")) == [Message(
        network=Network.FACEBOOK, network_id="912345678901234_1187654321098765", author_id="5123456789012345",
        text="Mouvement de foule place de la République, une personne à terre ne respire plus !!",
        created_at=1719000941.0, received_at=RECEIVED, conversation_id="108512345678901_912345678901234",
        reply_to="912345678901234_1187650000000001", lang=None, kind="comment", has_media=False, has_url=False,
    )]


def test_visitor_photo_post() -> None:
    [m] = parse(load("facebook_visitor_post.json"))
    assert (m.kind, m.network_id, m.conversation_id, m.reply_to) == (
        "post", "108512345678901_1023456789012399", "108512345678901_1023456789012399", None)
    assert m.has_media and m.has_url  # the photo, and the "link" to it
    assert m.text.startswith("Mon fils de 8 ans a disparu")


def test_multi_entry_keeps_messages_in_order_and_skips_the_rest() -> None:
    messages = parse(load("facebook_multi_entry.json"))
    # 2 Messenger messages (a delivery receipt and a reaction between them), then of the 4 feed changes only
    # the visitor's comment: not the like, not the Page's own reply, not the removal.
    assert [(m.kind, m.network_id) for m in messages] == [
        ("message", "m_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
        ("message", "m_Cd5eFg7hIj0kLm3nOp6qRs9tUv2wXy5a"),
        ("comment", "912345678901234_1187654321099999"),
    ]
    assert messages[0].text == "On entend des tirs 😱\nrue Oberkampf, au niveau du métro"  # kept exactly
    assert messages[2].reply_to is None  # parent is the post itself: a top-level comment


@pytest.mark.parametrize("name", ["facebook_read_receipt.json", "facebook_echo.json"])
def test_receipts_and_echoes_carry_nothing_to_triage(name: str) -> None:
    assert parse(load(name)) == []


@pytest.mark.parametrize("flags", [{"is_echo": True}, {"is_deleted": True}])
def test_flagged_messenger_messages_are_skipped_whoever_the_sender(flags: dict[str, bool]) -> None:
    event = {"sender": {"id": "6812345678901234"}, "recipient": {"id": PAGE}, "timestamp": 1719000845731,
             "message": {"mid": "m_1", "text": "Restez cachés"} | flags}
    assert parse_doc({"object": "page", "entry": [{"id": PAGE, "time": 1, "messaging": [event]}]}) == []


def _comment(**value: Any) -> dict[str, Any]:
    base = {"from": {"id": "5123456789012345"}, "item": "comment", "verb": "add", "post_id": "1_2",
            "comment_id": "2_3", "created_time": 1719000941, "message": "Au secours"}
    return {"object": "page", "entry": [{"id": PAGE, "time": 1719000942,
                                         "changes": [{"field": "feed", "value": base | value}]}]}


@pytest.mark.parametrize("value", [
    {"verb": "edited"},
    {"item": "status"},
    {"item": "post"},
])
def test_edits_and_visitor_posts_are_kept(value: dict[str, Any]) -> None:
    assert len(parse_doc(_comment(**value))) == 1


@pytest.mark.parametrize("value", [
    {"verb": "remove"},
    {"verb": "hide"},
    {"item": "reaction"},
    {"item": "like"},
    {"item": "share"},
    {"from": {"id": PAGE, "name": "Police nationale"}},  # the Page's own comment
    {"message": None},  # a sticker-only comment: nothing to read
])
def test_feed_changes_that_are_not_messages_are_skipped(value: dict[str, Any]) -> None:
    assert parse_doc(_comment(**value)) == []


def test_other_page_fields_are_skipped() -> None:
    doc = {"object": "page", "entry": [{"id": PAGE, "time": 1, "changes": [{"field": "ratings", "value": {}}]}]}
    assert parse_doc(doc) == []


def test_comment_with_url_in_text() -> None:
    [m] = parse_doc(_comment(message="regardez www.example.org/live c'est en direct"))
    assert m.has_url and not m.has_media


@pytest.mark.parametrize(("value", "reason", "path"), [
    ({"from": None}, "missing_field", "entry[0].changes[0].value.from"),
    ({"comment_id": None}, "missing_field", "entry[0].changes[0].value.comment_id"),
    ({"created_time": "hier"}, "invalid_field", "entry[0].changes[0].value.created_time"),
    ({"created_time": -5}, "invalid_field", "entry[0].changes[0].value.created_time"),
    ({"message": 42}, "invalid_field", "entry[0].changes[0].value.message"),
    ({"item": None}, "missing_field", "entry[0].changes[0].value.item"),
])
def test_malformed_feed_changes(value: dict[str, Any], reason: str, path: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_doc(_comment(**value))
    assert err.value.reason == reason
    assert path in err.value.detail


def test_wrong_object_is_rejected() -> None:
    doc = orjson.loads(load("facebook_message.json")) | {"object": "instagram"}
    with pytest.raises(ParseError) as err:
        parse_doc(doc)
    assert err.value.reason == "invalid_field"
