"""X API payloads → messages: v2 post objects with ``includes``, and Account Activity ``tweet_create_events``.

Checked against X's documentation: the v2 data dictionary and "fields and expansions" guide (``data`` is one
post or an array; ``includes.users``/``tweets``/``media`` hold expanded objects; post fields ``id``, ``text``,
``author_id``, ``created_at`` ISO 8601, ``conversation_id``, ``lang`` as BCP 47 with ``und`` for undetermined,
``referenced_tweets`` of type ``replied_to``/``quoted``/``retweeted``, ``attachments.media_keys``,
``entities.urls``; ``note_tweet.text`` carries the full text of long posts, ``text`` being cut), and the v1.1
example payloads (``id_str``, ``user.id_str``, ``full_text``, ``in_reply_to_status_id_str``, ``entities``).

Not verified: the Account Activity envelope (``for_user_id`` + ``tweet_create_events`` of v1.1 tweets, the
subscribed user's own posts included — we skip those) and ``extended_tweet.full_text``; that v2 media links
appear in ``entities.urls`` with a ``media_key`` (we do not count those as URLs); X's pseudo-language codes
(``qme``, ``qht``... for media-, hashtag-only posts), read as "no language". Referenced posts in
``includes.tweets`` are context, never messages of their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from classifiers.message import Message, Network
from streams.networks._common import (
    ParseError,
    as_obj,
    find_url,
    invalid,
    join,
    millis,
    missing,
    opt_id,
    opt_list,
    opt_obj,
    opt_str,
    req_id,
    req_obj,
    req_str,
)

_NO_LANG: Final = frozenset({"und", "zxx", "qam", "qct", "qht", "qme", "qst"})
_MONTHS: Final = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_REFERENCE_KINDS: Final = (("retweeted", "repost"), ("replied_to", "reply"))  # first match wins
_MAX_TEXT: Final = 280


def parse(doc: Any, *, received_at: float) -> list[Message]:
    root = as_obj(doc, "payload")
    if "tweet_create_events" in root or "for_user_id" in root:
        return _parse_activity(root, received_at)
    data = root.get("data")
    if data is None:
        if root.get("errors") is not None:  # a lookup that found nothing (deleted, protected): no post to read
            return []
        raise missing("data")
    if isinstance(data, list):
        return [_parse_post(p, f"data[{i}]", received_at) for i, p in enumerate(data)]
    return [_parse_post(data, "data", received_at)]


def _parse_post(post: Any, path: str, received_at: float) -> Message:
    p = as_obj(post, path)
    note = opt_obj(p, "note_tweet", path)
    text = req_str(note, "text", join(path, "note_tweet")) if note is not None else req_str(p, "text", path)
    kind, reply_to = _kind(p, path)
    entities = [e for e in (opt_obj(p, "entities", path),
                            opt_obj(note, "entities", join(path, "note_tweet")) if note else None) if e]
    attachments = opt_obj(p, "attachments", path)
    return Message(
        network=Network.X, network_id=req_id(p, "id", path), author_id=req_id(p, "author_id", path), text=text,
        created_at=_iso_date(req_str(p, "created_at", path), join(path, "created_at")), received_at=received_at,
        conversation_id=opt_id(p, "conversation_id", path), reply_to=reply_to, lang=_lang(p, path), kind=kind,
        has_media=bool(attachments and opt_list(attachments, "media_keys", join(path, "attachments"))),
        has_url=any(_links(e, join(path, "entities")) for e in entities),
    )


def _kind(p: dict[str, Any], path: str) -> tuple[str, str | None]:
    refs: dict[str, str] = {}
    for i, ref in enumerate(opt_list(p, "referenced_tweets", path)):
        rpath = f"{path}.referenced_tweets[{i}]"
        r = as_obj(ref, rpath)
        refs.setdefault(req_str(r, "type", rpath), req_id(r, "id", rpath))
    for ref_type, kind in _REFERENCE_KINDS:
        if ref_type in refs:
            return kind, refs[ref_type]
    return "post", None  # a quote is a post of its own


def _links(entities: dict[str, Any], path: str) -> bool:
    urls = opt_list(entities, "urls", path)
    return any(as_obj(u, f"{path}.urls[{i}]").get("media_key") is None for i, u in enumerate(urls))


def _lang(p: dict[str, Any], path: str) -> str | None:
    lang = opt_str(p, "lang", path)
    return None if lang is None or lang in _NO_LANG else lang


def _iso_date(value: str, path: str) -> float:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise ParseError("invalid_field", f"{path}: expected an ISO 8601 date") from None
    return (dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)).timestamp()


# --- Account Activity API (v1.1 tweet objects) --------------------------------------------------------------

def _parse_activity(root: dict[str, Any], received_at: float) -> list[Message]:
    owner = opt_id(root, "for_user_id", "")
    out: list[Message] = []
    for i, tweet in enumerate(opt_list(root, "tweet_create_events", "")):  # other event kinds: nothing to read
        msg = _parse_v1(tweet, f"tweet_create_events[{i}]", owner, received_at)
        if msg is not None:
            out.append(msg)
    return out


def _parse_v1(tweet: Any, path: str, owner: str | None, received_at: float) -> Message | None:
    t = as_obj(tweet, path)
    author = req_id(req_obj(t, "user", path), "id_str", join(path, "user"))
    if author == owner:  # the subscribed account's own posts
        return None
    ext = opt_obj(t, "extended_tweet", path)
    if ext is not None:
        text = req_str(ext, "full_text", join(path, "extended_tweet"))
    else:
        text = opt_str(t, "full_text", path) or req_str(t, "text", path)
    retweeted = opt_obj(t, "retweeted_status", path)
    reply_to = opt_id(t, "in_reply_to_status_id_str", path)
    kind = "reply" if reply_to is not None else "post"
    if retweeted is not None:
        kind, reply_to = "repost", req_id(retweeted, "id_str", join(path, "retweeted_status"))
    entities = [e for e in (opt_obj(t, "entities", path), opt_obj(t, "extended_entities", path),
                            opt_obj(ext, "entities", join(path, "extended_tweet")) if ext else None) if e]
    return Message(
        network=Network.X, network_id=req_id(t, "id_str", path), author_id=author, text=text,
        created_at=_v1_date(req_str(t, "created_at", path), join(path, "created_at")), received_at=received_at,
        conversation_id=None, reply_to=reply_to, lang=_lang(t, path), kind=kind,
        has_media=any(opt_list(e, "media", path) for e in entities),
        has_url=any(opt_list(e, "urls", path) for e in entities),
    )


def _v1_date(value: str, path: str) -> float:
    """``"Wed Oct 10 20:19:24 +0000 2018"``, parsed without strptime's locale-dependent month names."""
    try:
        _, month, day, hms, offset, year = value.split()
        iso = f"{int(year):04d}-{_MONTHS[month]:02d}-{int(day):02d}T{hms}{offset[:3]}:{offset[3:]}"
        return datetime.fromisoformat(iso).timestamp()
    except (ValueError, KeyError):
        raise invalid(path, "a date like 'Wed Oct 10 20:19:24 +0000 2018'", value) from None


# --- render (v2 only) ---------------------------------------------------------------------------------------

def _iso_z(seconds: float) -> str:
    whole, ms = divmod(millis(seconds), 1000)
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms:03d}Z"


def render(m: Message) -> dict[str, Any]:
    """``m`` as a v2 post lookup response with its author expanded (a long text goes in ``note_tweet``)."""
    if m.kind not in ("post", "reply", "repost") or (m.kind != "post" and m.reply_to is None):
        raise ValueError(f"no X payload for kind {m.kind!r} with reply_to={m.reply_to!r}")
    post: dict[str, Any] = {
        "id": m.network_id, "text": m.text if len(m.text) <= _MAX_TEXT else m.text[:_MAX_TEXT - 1] + "…",
        "author_id": m.author_id, "created_at": _iso_z(m.created_at), "lang": m.lang or "und",
        "edit_history_tweet_ids": [m.network_id],
    }
    includes: dict[str, Any] = {"users": [{"id": m.author_id, "name": "Témoin", "username": "temoin"}]}
    if len(m.text) > _MAX_TEXT:
        post["note_tweet"] = {"text": m.text}
    if m.conversation_id is not None:
        post["conversation_id"] = m.conversation_id
    if m.kind != "post":
        post["referenced_tweets"] = [{"type": "retweeted" if m.kind == "repost" else "replied_to", "id": m.reply_to}]
    if m.has_media:
        key = f"3_{m.network_id}"
        post["attachments"] = {"media_keys": [key]}
        includes["media"] = [{"media_key": key, "type": "photo"}]
    if m.has_url:  # the entity points at the URL in the text, or at an invented link after it
        found = find_url(m.text)
        url = found.group() if found else "https://t.co/vigie"
        start, end = found.span() if found else (len(m.text), len(m.text))
        post["entities"] = {"urls": [{"start": start, "end": end, "url": url, "expanded_url": url}]}
    return {"data": post, "includes": includes}
