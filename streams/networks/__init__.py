"""Network payloads ⇄ :class:`~classifiers.message.Message`: pure functions, no I/O, no clock.

:func:`parse_record` turns one raw Kafka record into the messages it carries (a webhook delivery may batch
several; receipts, echoes and reactions carry none) or raises :class:`ParseError`, whose ``reason`` the pipeline
uses to dead-letter it. :func:`render` is the inverse for one message, used by the demo's load generator.

Text is kept exactly as sent; normalisation belongs to the core. ``received_at`` is always passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Protocol

import orjson

from classifiers.message import Message, Network
from streams.networks import facebook, instagram, x
from streams.networks._common import ParseError

__all__ = ["NETWORKS", "ParseError", "parse_record", "render"]

NETWORKS: Final[tuple[str, ...]] = ("facebook", "x", "instagram")



class _Parser(Protocol):
    def __call__(self, doc: Any, *, received_at: float) -> list[Message]: ...

_PARSERS: Final[dict[str, _Parser]] = {"facebook": facebook.parse, "x": x.parse, "instagram": instagram.parse}
_RENDERERS: Final[dict[Network, Callable[[Message], dict[str, Any]]]] = {
    Network.FACEBOOK: facebook.render, Network.X: x.render, Network.INSTAGRAM: instagram.render,
}


def parse_record(network: str | None, raw: bytes, *, received_at: float, max_bytes: int = 64_000) -> list[Message]:
    """The messages from the public in one raw payload of ``network`` (``[]``: nothing to triage).

    Checks, in order: size (``too_large``), UTF-8 (``invalid_utf8``), JSON (``invalid_json``), the network
    (``unknown_network``), then the payload's shape (``missing_field``, ``invalid_field``).
    """
    if len(raw) > max_bytes:
        raise ParseError("too_large", f"{len(raw)} bytes, limit {max_bytes}")
    try:
        raw.decode("utf-8")  # orjson rejects bad UTF-8 too, but as invalid_json: check first for the right reason
    except UnicodeDecodeError as err:
        raise ParseError("invalid_utf8", f"invalid UTF-8 at byte {err.start}") from None
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise ParseError("invalid_json", f"{err.msg} at char {err.pos}") from None
    parser = _PARSERS.get(network) if network is not None else None
    if parser is None:
        shown = "none" if network is None else repr(network[:40])
        raise ParseError("unknown_network", f"no adapter for network {shown}")
    return parser(doc, received_at=received_at)


def render(message: Message) -> bytes:
    """``message`` as its network's payload, alone in a delivery: ``parse_record`` gives back ``[message]``.

    Exact for what the network can carry: times to the millisecond (Facebook comments and posts: any float,
    sent as ``created_time``); Facebook and Instagram have no ``lang``; a Messenger conversation is the sender's
    thread; a Facebook visitor post is its own conversation; an Instagram comment has no media, and a URL only
    in its text; ``has_url`` must be true when the text holds a URL; an X reply or repost needs ``reply_to``.
    Raises ValueError for a kind the network has no payload for.
    """
    return orjson.dumps(_RENDERERS[message.network](message))
