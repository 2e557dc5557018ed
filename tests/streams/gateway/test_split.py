"""Splitting deliveries into one record per event, each parsed by the worker's adapters."""

from __future__ import annotations

import orjson
import pytest

from streams.gateway.split import Unsplittable, split
from streams.networks import parse_record


def messaging(sender: str, mid: str, text: str = "au secours") -> dict[str, object]:
    return {"sender": {"id": sender}, "recipient": {"id": "P1"}, "timestamp": 1447446000000,
            "message": {"mid": mid, "text": text}}


def meta_delivery() -> dict[str, object]:
    return {"object": "page", "entry": [
        {"id": "P1", "time": 1, "messaging": [messaging("u1", "m1"), messaging("u2", "m2")]},
        {"id": "P1", "time": 2,
         "messaging": [messaging("u1", "m3"), {"sender": {"id": "u3"}, "read": {"watermark": 1}}],
         "changes": [{"field": "feed", "value": {"from": {"id": "u4"}, "item": "comment", "verb": "add",
                                                 "post_id": "P1_9", "comment_id": "c1", "created_time": 1447446000,
                                                 "message": "je suis blessé"}}]},
    ]}


def test_meta_delivery_becomes_one_single_event_record_per_event_keyed_by_conversation() -> None:
    records = split("facebook", orjson.dumps(meta_delivery()))
    assert [k for k, _ in records] == [b"u1", b"u2", b"u1", b"u3", b"P1_9"]
    ids = []
    for _, value in records:
        doc = orjson.loads(value)
        assert len(doc["entry"]) == 1 and sum(len(doc["entry"][0].get(k, [])) for k in ("messaging", "changes")) == 1
        ids += [m.network_id for m in parse_record("facebook", value, received_at=0.0)]
    assert ids == ["m1", "m2", "m3", "c1"]  # the read receipt is forwarded and parses to nothing


def test_x_data_array_becomes_one_record_per_post_with_its_own_includes() -> None:
    post = {"id": "2", "text": "t", "author_id": "a2", "created_at": "2015-11-13T21:20:00.000Z", "conversation_id": "1",
            "attachments": {"media_keys": ["3_2"]}}
    other = {"id": "3", "text": "u", "author_id": "a3", "created_at": "2015-11-13T21:21:00.000Z"}
    body = orjson.dumps({"data": [post, other], "includes": {
        "users": [{"id": "a2"}, {"id": "a3"}], "media": [{"media_key": "3_2", "type": "photo"}]}})
    (k1, v1), (k2, v2) = split("x", body)
    assert (k1, k2) == (b"1", b"3")
    assert orjson.loads(v1)["includes"] == {"users": [{"id": "a2"}], "media": [{"media_key": "3_2", "type": "photo"}]}
    assert orjson.loads(v2)["includes"] == {"users": [{"id": "a3"}]}
    assert [m.network_id for m in parse_record("x", v1, received_at=0.0)] == ["2"]


def test_a_single_event_is_forwarded_byte_for_byte() -> None:
    event = orjson.dumps(messaging("u9", "m9"))
    body = b'{"object":"page","entry":[{"id":"P1","time":1,"messaging":[' + event + b"]}]}"
    assert split("facebook", body) == [(b"u9", body)]


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"object":"page","entry":"x"}', b'{"object":"page"}'])
def test_unexpected_shapes_are_unsplittable(body: bytes) -> None:
    with pytest.raises(Unsplittable):
        split("facebook", body)
