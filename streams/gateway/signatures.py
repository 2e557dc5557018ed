"""The networks' webhook signatures and handshakes, as pure functions (no I/O, no clock).

- Meta (Facebook Pages, Instagram): ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``.
- X (Account Activity): ``x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>``,
  and the CRC check answers ``{"response_token": "sha256=" + base64(HMAC-SHA256(consumer secret, crc_token))}``.
- Vigie's own ``/ingest/{network}``: ``X-Vigie-Signature: sha256=<hex HMAC-SHA256(key, "<timestamp>." + body)>``
  with ``X-Vigie-Timestamp`` (epoch seconds) inside the signed bytes, so an old request cannot be replayed
  once it is older than the tolerance.

Every check takes several secrets (rotation: any active one passes) and compares with
:func:`hmac.compare_digest`, trying all of them whatever matches first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from pydantic import SecretStr

PREFIX = "sha256="


def _mac(secret: str | SecretStr, data: bytes) -> bytes:
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    return hmac.new(key.encode(), data, hashlib.sha256).digest()


def meta_signature(secret: str | SecretStr, body: bytes) -> str:
    return PREFIX + _mac(secret, body).hex()


def x_signature(secret: str | SecretStr, body: bytes) -> str:
    return PREFIX + base64.b64encode(_mac(secret, body)).decode()


def x_crc_response(secret: str | SecretStr, crc_token: str) -> str:
    """The ``response_token`` X expects for a CRC challenge."""
    return x_signature(secret, crc_token.encode())


def ingest_signature(secret: str | SecretStr, body: bytes, timestamp: str) -> str:
    return meta_signature(secret, timestamp.encode() + b"." + body)


def _matches(header: str | None, expected: Iterable[str]) -> bool:
    if not header or not header.startswith(PREFIX):
        return False
    given = header.encode()
    ok = False
    for candidate in expected:
        ok |= hmac.compare_digest(given, candidate.encode())
    return ok


def verify_meta(body: bytes, header: str | None, secrets: Iterable[SecretStr]) -> bool:
    return _matches(header, (meta_signature(s, body) for s in secrets))


def verify_x(body: bytes, header: str | None, secrets: Iterable[SecretStr]) -> bool:
    return _matches(header, (x_signature(s, body) for s in secrets))


def verify_ingest(body: bytes, header: str | None, timestamp: str | None, secrets: Iterable[SecretStr], *,
                  now: float, tolerance: float) -> bool:
    """Signature over ``timestamp.body``, and the timestamp within ``tolerance`` seconds of ``now``."""
    if timestamp is None or not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return _matches(header, (ingest_signature(s, body, timestamp) for s in secrets))


def verify_meta_handshake(mode: str | None, token: str | None, expected: SecretStr | None) -> bool:
    """Meta's GET subscription check: ``hub.mode=subscribe`` and ``hub.verify_token`` equal to ours."""
    if mode != "subscribe" or token is None or expected is None:
        return False
    return hmac.compare_digest(token.encode(), expected.get_secret_value().encode())
