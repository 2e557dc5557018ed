"""Instagram webhooks → messages: ``comments``/``live_comments`` changes and Instagram Messaging events.

Checked against Meta's documentation: the Instagram webhook reference and examples (``object: "instagram"``;
comment values with ``id``, ``from.id``/``from.username``, ``media.id``/``media.media_product_type``,
``parent_id``, ``text``, and no timestamp of their own — ``entry.time`` is "the time Meta sent the
notification"), and the Messenger Platform event reference, which Instagram Messaging shares (``messaging``
events; for Instagram, echoes arrive with the ``messages`` subscription flagged ``is_echo``).

Not verified: the unit of ``entry.time`` (examples show seconds for comments, milliseconds for messaging; both
are accepted, values >= 1e11 are taken as milliseconds); that a comment whose ``from.id`` is the account's own
id is the account replying (we skip those); the ``reply_to.story`` shape of story replies (community typings).
Meta's example pages wrap a delivery in a JSON array; real deliveries are one object, and only that is accepted.
"""

from __future__ import annotations

from typing import Any, Final

from classifiers.message import Message, Network
from streams.networks._common import (
    as_obj,
    field,
    has_url,
    join,
    millis,
    opt_id,
    opt_obj,
    req_epoch,
    req_id,
    req_obj,
    req_str,
)
from streams.networks.facebook import delivery, parse_meta, render_messaging

DEMO_ACCOUNT_ID: Final = "17841400000000001"  # invented: the professional account render() pretends to be
_COMMENT_FIELDS: Final = frozenset({"comments", "live_comments"})
_MS_THRESHOLD: Final = 1e11  # 1e11 s is the year 5138; 1e11 ms is 1973


def _entry_time(entry: dict[str, Any], path: str) -> float:
    value = field(entry, "time", path)
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= _MS_THRESHOLD:
        return req_epoch(entry, "time", path, per_second=1000)
    return req_epoch(entry, "time", path, per_second=1)


def parse(doc: Any, *, received_at: float) -> list[Message]:
    return parse_meta(doc, expected_object="instagram", network=Network.INSTAGRAM, received_at=received_at,
                      parse_change=lambda change, path, entry_path, entry, account_id, received:
                      _parse_comment(change, path, entry=(entry_path, entry), account_id=account_id,
                                     received_at=received))


def _parse_comment(change: Any, path: str, *, entry: tuple[str, dict[str, Any]], account_id: str,
                   received_at: float) -> Message | None:
    ch = as_obj(change, path)
    if ch.get("field") not in _COMMENT_FIELDS:
        return None  # mentions, story insights, ...
    created_at = _entry_time(entry[1], entry[0])  # a comment has no time of its own
    vpath = join(path, "value")
    value = req_obj(ch, "value", path)
    author = req_id(req_obj(value, "from", vpath), "id", join(vpath, "from"))
    if author == account_id:  # the account answering on its own media
        return None
    text = req_str(value, "text", vpath)
    media = opt_obj(value, "media", vpath)
    return Message(
        network=Network.INSTAGRAM, network_id=req_id(value, "id", vpath), author_id=author, text=text,
        created_at=created_at, received_at=received_at,
        conversation_id=opt_id(media, "id", join(vpath, "media")) if media is not None else None,
        reply_to=opt_id(value, "parent_id", vpath), lang=None, kind="comment", has_media=False,
        has_url=has_url(text),
    )


def render(m: Message) -> dict[str, Any]:
    """``m`` as the Instagram webhook delivery that carries it alone."""
    if m.kind == "message":
        event = render_messaging(m, DEMO_ACCOUNT_ID)
        return delivery("instagram", DEMO_ACCOUNT_ID, event["timestamp"], "messaging", event)
    if m.kind != "comment":
        raise ValueError(f"no Instagram payload for kind {m.kind!r}")
    value: dict[str, Any] = {"from": {"id": m.author_id, "username": "temoin"}, "id": m.network_id, "text": m.text}
    if m.conversation_id is not None:
        value["media"] = {"id": m.conversation_id, "media_product_type": "FEED"}
    if m.reply_to is not None:
        value["parent_id"] = m.reply_to
    # Whole seconds as seconds, as Meta sends them; anything finer in milliseconds, which parse() detects.
    time = int(m.created_at) if m.created_at.is_integer() else millis(m.created_at)
    return delivery("instagram", DEMO_ACCOUNT_ID, time, "changes", {"field": "comments", "value": value})

