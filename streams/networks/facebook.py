"""Facebook Page webhooks → messages: Messenger ``messaging`` events and Page ``feed`` changes.

Checked against Meta's documentation: the Messenger Platform webhook event reference (``messages`` with
``mid``/``text``/``attachments``/``reply_to.mid``; ``message_echoes`` with ``is_echo``; ``message_reads``,
``message_deliveries`` and ``message_reactions`` carry ``read``/``delivery``/``reaction`` instead of
``message``; ``timestamp`` in milliseconds) and the Graph API webhook reference for the Page object (feed
values with ``from``, ``item``, ``verb``, ``comment_id``, ``post_id``, ``parent_id``, ``created_time``,
``message``; ``created_time`` is documented as an integer, i.e. epoch seconds).

Not verified (no first-party example found): the ``photo``/``video``/``link`` keys of feed values (taken from
community SDK typings); that ``from`` is always present — Meta may omit it when the app lacks the permission to
see who commented, and such a change is dead-lettered as ``missing_field``; the unit of ``entry.time`` on feed
deliveries (not read here). ``standby`` events (handover protocol) are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from classifiers.message import Message, Network
from streams.networks._common import (
    ParseError,
    as_obj,
    has_url,
    join,
    millis,
    missing,
    opt_id,
    opt_list,
    opt_obj,
    opt_str,
    req_epoch,
    req_id,
    req_list,
    req_obj,
    req_str,
)

DEMO_PAGE_ID: Final = "104000000000001"  # invented: the Page that render() pretends received the message
_KEPT_VERBS: Final = frozenset({"add", "edited"})
_POST_ITEMS: Final = frozenset({"post", "status", "photo", "video"})  # a post on the Page, with or without media
_MEDIA_KEYS: Final = ("photo", "photos", "video")


def entries(doc: Any, expected_object: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``(path, entry, owner id)`` for each entry of a Meta webhook delivery (``object`` must match)."""
    root = as_obj(doc, "payload")
    if req_str(root, "object", "") != expected_object:
        raise ParseError("invalid_field", f"object: expected {expected_object!r}")
    for i, entry in enumerate(req_list(root, "entry", "")):
        path = f"entry[{i}]"
        obj = as_obj(entry, path)
        yield path, obj, req_id(obj, "id", path)


# (change, its path, the entry's path, the entry, the page or account id, received_at) → a message or None
ChangeParser = Callable[[Any, str, str, dict[str, Any], str, float], Message | None]


def parse_meta(doc: Any, *, expected_object: str, network: Network, parse_change: ChangeParser,
               received_at: float) -> list[Message]:
    """A Meta webhook delivery (Facebook page or Instagram account): each entry's Messenger-style
    ``messaging`` events, then its ``changes`` through the network's own ``parse_change``."""
    out: list[Message] = []
    for path, entry, owner_id in entries(doc, expected_object):
        for i, event in enumerate(opt_list(entry, "messaging", path)):
            msg = parse_messaging(event, f"{path}.messaging[{i}]", network=network, owner_id=owner_id,
                                  received_at=received_at)
            if msg is not None:
                out.append(msg)
        for i, change in enumerate(opt_list(entry, "changes", path)):
            msg = parse_change(change, f"{path}.changes[{i}]", path, entry, owner_id, received_at)
            if msg is not None:
                out.append(msg)
    return out


def parse(doc: Any, *, received_at: float) -> list[Message]:
    return parse_meta(doc, expected_object="page", network=Network.FACEBOOK, received_at=received_at,
                      parse_change=lambda change, path, _entry_path, _entry, page_id, received:
                      _parse_feed_change(change, path, page_id=page_id, received_at=received))


# --- Messenger-style events, shared with Instagram Messaging ------------------------------------------------

def parse_messaging(event: Any, path: str, *, network: Network, owner_id: str, received_at: float) -> Message | None:
    """One ``messaging`` event → a message from the public, or None for receipts, reactions, echoes, etc."""
    ev = as_obj(event, path)
    msg = opt_obj(ev, "message", path)
    if msg is None:  # delivery / read / reaction / postback / optin / referral: not something someone wrote
        return None
    mpath = join(path, "message")
    if msg.get("is_echo") is True or msg.get("is_deleted") is True:  # the account's own message / unsent
        return None
    author = req_id(req_obj(ev, "sender", path), "id", join(path, "sender"))
    if author == owner_id:  # an echo without the flag
        return None
    mid = req_id(msg, "mid", mpath)
    created_at = req_epoch(ev, "timestamp", path, per_second=1000)
    text = opt_str(msg, "text", mpath)
    attachments = [as_obj(a, f"{mpath}.attachments[{i}]") for i, a in enumerate(opt_list(msg, "attachments", mpath))]
    if text is None and not attachments:
        raise missing(join(mpath, "text"))
    links = [a for a in attachments if a.get("type") == "fallback"]  # a shared URL arrives as a fallback
    return Message(
        network=network, network_id=mid, author_id=author, text=text or "", created_at=created_at,
        received_at=received_at, conversation_id=author, reply_to=_reply_to(msg, mpath), lang=None,
        kind="message", has_media=len(links) < len(attachments), has_url=has_url(text) or bool(links),
    )


def _reply_to(msg: dict[str, Any], mpath: str) -> str | None:
    reply = opt_obj(msg, "reply_to", mpath)
    if reply is None:
        return None
    rpath = join(mpath, "reply_to")
    story = opt_obj(reply, "story", rpath)  # Instagram: a reply to the account's story
    return opt_id(reply, "mid", rpath) or (opt_id(story, "id", join(rpath, "story")) if story else None)


def render_messaging(m: Message, owner_id: str) -> dict[str, Any]:
    """The Messenger-style event for ``m`` (its conversation is its sender's thread)."""
    msg: dict[str, Any] = {"mid": m.network_id}
    attachments: list[dict[str, Any]] = []
    if m.has_media:
        attachments.append({"type": "image", "payload": {"url": "https://lookaside.fbsbx.com/media/?asset_id=1"}})
    if m.has_url and not has_url(m.text):
        attachments.append({"type": "fallback", "payload": {"url": "https://www.example.org/"}, "title": "Lien"})
    if m.text or not attachments:
        msg["text"] = m.text
    if attachments:
        msg["attachments"] = attachments
    if m.reply_to is not None:
        msg["reply_to"] = {"mid": m.reply_to}
    return {"sender": {"id": m.author_id}, "recipient": {"id": owner_id}, "timestamp": millis(m.created_at),
            "message": msg}


def delivery(obj: str, owner_id: str, time: int, key: str, event: dict[str, Any]) -> dict[str, Any]:
    return {"object": obj, "entry": [{"id": owner_id, "time": time, key: [event]}]}


# --- Page feed ----------------------------------------------------------------------------------------------

def _parse_feed_change(change: Any, path: str, *, page_id: str, received_at: float) -> Message | None:
    ch = as_obj(change, path)
    if ch.get("field") != "feed":
        return None
    vpath = join(path, "value")
    value = req_obj(ch, "value", path)
    item, verb = req_str(value, "item", vpath), req_str(value, "verb", vpath)
    if verb not in _KEPT_VERBS or (item != "comment" and item not in _POST_ITEMS):
        return None  # reactions, likes, shares, removals, hides...
    author = req_id(req_obj(value, "from", vpath), "id", join(vpath, "from"))
    if author == page_id:  # the Page's own posts and replies
        return None
    post_id = req_id(value, "post_id", vpath)
    text = opt_str(value, "message", vpath)
    has_media = any(value.get(k) is not None for k in _MEDIA_KEYS)
    if text is None and not has_media:
        return None  # e.g. a sticker-only comment: nothing to read
    created_at = req_epoch(value, "created_time", vpath, per_second=1)
    if item == "comment":
        network_id, kind = req_id(value, "comment_id", vpath), "comment"
        parent = opt_id(value, "parent_id", vpath)
        reply_to = parent if parent != post_id else None
    else:
        network_id, kind, reply_to = post_id, "post", None
    link = opt_str(value, "link", vpath)
    return Message(
        network=Network.FACEBOOK, network_id=network_id, author_id=author, text=text or "", created_at=created_at,
        received_at=received_at, conversation_id=post_id, reply_to=reply_to, lang=None, kind=kind,
        has_media=has_media, has_url=has_url(text) or link is not None,
    )


def _render_feed(m: Message) -> dict[str, Any]:
    post_id = m.conversation_id or m.network_id
    value: dict[str, Any] = {"from": {"id": m.author_id, "name": "Utilisateur"}, "verb": "add", "post_id": post_id,
                             "created_time": int(m.created_at) if m.created_at.is_integer() else m.created_at}
    if m.kind == "comment":
        value |= {"item": "comment", "comment_id": m.network_id, "parent_id": m.reply_to or post_id}
    else:
        value["item"] = "photo" if m.has_media else "post"
    if m.text or not m.has_media:
        value["message"] = m.text
    if m.has_media:
        value["photo"] = "https://scontent.xx.fbcdn.net/v/photo.jpg"
    if m.has_url and not has_url(m.text):
        value["link"] = "https://www.example.org/"
    return delivery("page", DEMO_PAGE_ID, int(m.created_at), "changes", {"field": "feed", "value": value})


def render(m: Message) -> dict[str, Any]:
    """``m`` as the Page webhook delivery that carries it alone."""
    if m.kind == "message":
        event = render_messaging(m, DEMO_PAGE_ID)
        return delivery("page", DEMO_PAGE_ID, event["timestamp"], "messaging", event)
    if m.kind in ("comment", "post"):
        return _render_feed(m)
    raise ValueError(f"no Facebook payload for kind {m.kind!r}")
