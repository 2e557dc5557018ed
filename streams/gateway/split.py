"""One webhook delivery → one Kafka record per event, keyed by conversation (pure; no I/O).

A Meta delivery with N entries × M events becomes N×M records, each a single-entry, single-event delivery of
the same shape (``{"object", "entry": [{"id", "time", "messaging"|"changes": [event]}]}``), so the worker's
adapters parse it unchanged. An X delivery with ``data: [...]`` becomes one ``{"data": post, "includes": ...}``
per post, with only the includes that post refers to; an Account Activity delivery one record per
``tweet_create_events`` item. Other content (receipts, ``standby``, other activity events) is forwarded as-is.

A body that is not JSON or not of the expected shape raises :class:`Unsplittable`; the gateway then
produces it whole, so the worker dead-letters it with its reason: a signed delivery is never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import orjson

Record = tuple[bytes | None, bytes]  # (key, value)

_META_EVENTS: Final = ("messaging", "changes")
_ENTRY_BASE: Final = ("id", "time")


class Unsplittable(ValueError):
    """The body cannot be split; it is forwarded whole."""


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Unsplittable(f"{what} is not an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise Unsplittable(f"{what} is not an array")
    return value


def _key(*candidates: Any) -> bytes | None:
    for c in candidates:
        if (isinstance(c, str) and c) or (isinstance(c, int) and not isinstance(c, bool)):
            return str(c).encode()
    return None


def _get(d: Any, *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict):
            return None
        d = d.get(p)
    return d


def _meta_key(entry_id: Any, kind: str, event: Any) -> bytes | None:
    if kind == "messaging":  # the conversation is the person's thread; an echo is sent *by* the account
        sender, recipient = _get(event, "sender", "id"), _get(event, "recipient", "id")
        return _key(recipient if sender == entry_id else sender, entry_id)
    value = _get(event, "value")  # Page feed: the post; Instagram comments: the media
    return _key(_get(value, "post_id"), _get(value, "media", "id"), _get(value, "id"), entry_id)


def split_meta(doc: Any) -> list[Record]:
    root = _obj(doc, "payload")
    obj = root.get("object")
    out: list[Record] = []
    for entry in _list(root.get("entry"), "entry"):
        e = _obj(entry, "entry[]")
        base = {k: e[k] for k in _ENTRY_BASE if k in e}
        for kind in _META_EVENTS:
            for event in _list(e.get(kind) or [], kind):
                one = {"object": obj, "entry": [base | {kind: [event]}]}
                out.append((_meta_key(e.get("id"), kind, event), orjson.dumps(one)))
        rest = {k: v for k, v in e.items() if k not in _META_EVENTS and k not in _ENTRY_BASE}
        if rest or not any(e.get(k) for k in _META_EVENTS):  # standby, unknown fields, empty entries: as-is
            out.append((_key(e.get("id")), orjson.dumps({"object": obj, "entry": [base | rest]})))
    if not out:
        raise Unsplittable("no entries")
    return out


def _post_key(post: Any) -> bytes | None:
    return _key(_get(post, "conversation_id"), _get(post, "id"))


def _includes_for(post: dict[str, Any], includes: dict[str, Any]) -> dict[str, Any]:
    """The expansions ``post`` refers to: its author, referenced posts and media; other kinds kept whole."""
    refs = {r.get("id") for r in post.get("referenced_tweets") or [] if isinstance(r, dict)}
    media = set(_get(post, "attachments", "media_keys") or [])
    wanted = {"users": ("id", {post.get("author_id")}), "tweets": ("id", refs), "media": ("media_key", media)}
    out: dict[str, Any] = {}
    for kind, items in includes.items():
        if kind in wanted and isinstance(items, list):
            field, ids = wanted[kind]
            kept = [i for i in items if isinstance(i, dict) and i.get(field) in ids]
            if kept:
                out[kind] = kept
        else:
            out[kind] = items
    return out


def split_x(doc: Any) -> list[Record]:
    root = _obj(doc, "payload")
    if isinstance(root.get("tweet_create_events"), list):
        owner = root.get("for_user_id")
        out: list[Record] = [
            (_key(_get(t, "id_str")), orjson.dumps({"for_user_id": owner, "tweet_create_events": [t]}))
            for t in root["tweet_create_events"]]
        rest = {k: v for k, v in root.items() if k not in ("for_user_id", "tweet_create_events")}
        if rest:
            out.append((_key(owner), orjson.dumps({"for_user_id": owner} | rest)))
        return out
    data = root.get("data")
    if not isinstance(data, list):  # one post (or a lookup error): the whole body is one record
        return [(_post_key(data), orjson.dumps(root))]
    includes = _obj(root.get("includes") or {}, "includes")
    others = {k: v for k, v in root.items() if k not in ("data", "includes")}
    return [(_post_key(p), orjson.dumps({"data": _obj(p, "data[]"), "includes": _includes_for(p, includes)}
                                        | others)) for p in data]


SPLITTERS: Final[dict[str, Callable[[Any], list[Record]]]] = {
    "facebook": split_meta, "instagram": split_meta, "x": split_x,
}


def split(network: str, body: bytes) -> list[Record]:
    """The records of one delivery to ``network``; raises :class:`Unsplittable`. A delivery that holds one
    event is forwarded byte for byte (nothing re-encoded)."""
    splitter = SPLITTERS.get(network)
    if splitter is None:
        raise Unsplittable(f"no splitter for {network!r}")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise Unsplittable("not JSON") from None
    records = splitter(doc)
    return [(records[0][0], body)] if len(records) == 1 else records
