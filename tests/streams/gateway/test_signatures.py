"""The signature functions against values derived independently here, with hmac/hashlib/base64."""

from __future__ import annotations

import base64
import hashlib
import hmac

from pydantic import SecretStr

from streams.gateway import signatures as sig

SECRET, TOKEN = "consumer-secret-123", "crc-token-abc"


def test_x_crc_response_matches_the_documented_algorithm() -> None:
    digest = hmac.new(SECRET.encode(), TOKEN.encode(), hashlib.sha256).digest()
    expected = "sha256=" + base64.b64encode(digest).decode()
    assert sig.x_crc_response(SECRET, TOKEN) == expected
    assert sig.x_crc_response(SecretStr(SECRET), TOKEN) == expected
    # A fixed vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") (RFC 4231-style check).
    fox = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert sig.x_crc_response("key", "The quick brown fox jumps over the lazy dog") == (
        "sha256=" + base64.b64encode(bytes.fromhex(fox)).decode())
    assert sig.meta_signature("key", b"The quick brown fox jumps over the lazy dog") == "sha256=" + fox


def test_meta_signature_is_hex_hmac_of_the_raw_body_and_rotation_accepts_any_active_secret() -> None:
    body = b'{"object":"page","entry":[]}'
    header = "sha256=" + hmac.new(b"old", body, hashlib.sha256).hexdigest()
    assert sig.verify_meta(body, header, [SecretStr("new"), SecretStr("old")])
    assert not sig.verify_meta(body, header, [SecretStr("new")])
    assert not sig.verify_meta(body + b" ", header, [SecretStr("old")])
    assert not sig.verify_meta(body, header.removeprefix("sha256="), [SecretStr("old")])
    assert not sig.verify_meta(body, None, [SecretStr("old")])
    assert not sig.verify_meta(body, header, [])


def test_x_signature_is_base64_and_hex_is_refused() -> None:
    body = b'{"for_user_id":"1"}'
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    assert sig.verify_x(body, "sha256=" + base64.b64encode(digest).decode(), [SecretStr(SECRET)])
    assert not sig.verify_x(body, "sha256=" + digest.hex(), [SecretStr(SECRET)])


def test_ingest_signature_covers_the_timestamp_and_old_requests_are_refused() -> None:
    body, ts = b'{"a":1}', "1700000000"
    header = "sha256=" + hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    keys = [SecretStr("k")]
    assert sig.ingest_signature("k", body, ts) == header
    assert sig.verify_ingest(body, header, ts, keys, now=1700000100, tolerance=300)
    assert not sig.verify_ingest(body, header, ts, keys, now=1700000400, tolerance=300)  # replayed too late
    assert not sig.verify_ingest(body, header, "1700000001", keys, now=1700000100, tolerance=300)
    assert not sig.verify_ingest(body, header, None, keys, now=1700000100, tolerance=300)


def test_meta_handshake() -> None:
    assert sig.verify_meta_handshake("subscribe", "tok", SecretStr("tok"))
    assert not sig.verify_meta_handshake("subscribe", "nope", SecretStr("tok"))
    assert not sig.verify_meta_handshake("unsubscribe", "tok", SecretStr("tok"))
    assert not sig.verify_meta_handshake("subscribe", "tok", None)
