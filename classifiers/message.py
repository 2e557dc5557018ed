"""The canonical message every network payload is turned into."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Network(StrEnum):
    """The networks Vigie reads. The value is used in topic names (``vigie.raw.<value>``)."""

    FACEBOOK = "facebook"
    X = "x"
    INSTAGRAM = "instagram"


@dataclass(frozen=True, slots=True)
class Message:
    """One message as the desk sees it, whatever network it came from.

    Times are UTC epoch seconds. ``network_id`` is the network's own id for the message
    (a Messenger ``mid``, a comment id, a post id); together with ``network`` it is the
    message's identity, on which enqueue is idempotent.
    """

    network: Network
    network_id: str
    author_id: str
    text: str
    created_at: float
    received_at: float
    conversation_id: str | None = None
    reply_to: str | None = None
    lang: str | None = None
    kind: str = "message"
    has_media: bool = False
    has_url: bool = False

    @property
    def identity(self) -> str:
        """``network:network_id``, unique across networks."""
        return f"{self.network.value}:{self.network_id}"
