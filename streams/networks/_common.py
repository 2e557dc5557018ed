"""What the network adapters share: the error type and strict, path-reporting field access.

Every accessor takes the JSON path of the object it reads from, so an error can say *where* a payload is
wrong (``entry[0].messaging[1].message.mid is missing``) without ever quoting what it contains: details
are logged and written to the dead-letter topic, and message text or author ids must not leak there.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from classifiers.normalize import URL

Reason = Literal["too_large", "invalid_utf8", "invalid_json", "unknown_network", "missing_field", "invalid_field"]

# The core normaliser's notion of "a URL", so has_url agrees with the features and the fingerprints.
_URL = URL


class ParseError(Exception):
    """A record that cannot become messages; the pipeline dead-letters it under ``reason``.

    ``reason`` is machine-readable (a metric label); ``detail`` names field paths and JSON types only.
    """

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(reason, detail)  # both in args: the exception pickles and reprs faithfully
        self.reason: str = reason
        self.detail: str = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


def find_url(text: str) -> re.Match[str] | None:
    return _URL.search(text)


def has_url(text: str | None) -> bool:
    return text is not None and _URL.search(text) is not None


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def missing(path: str) -> ParseError:
    return ParseError("missing_field", f"{path} is missing")


def invalid(path: str, expected: str, value: Any) -> ParseError:
    return ParseError("invalid_field", f"{path}: expected {expected}, got {json_type(value)}")


def field(d: dict[str, Any], key: str, path: str) -> Any:
    """``d[key]``; absent and ``null`` both count as missing."""
    value = d.get(key)
    if value is None:
        raise missing(join(path, key))
    return value


def as_obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(path, "object", value)
    return value


def req_obj(d: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    return as_obj(field(d, key, path), join(path, key))


def opt_obj(d: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
    return None if d.get(key) is None else req_obj(d, key, path)


def req_list(d: dict[str, Any], key: str, path: str) -> list[Any]:
    value = field(d, key, path)
    if not isinstance(value, list):
        raise invalid(join(path, key), "array", value)
    return value


def opt_list(d: dict[str, Any], key: str, path: str) -> list[Any]:
    return [] if d.get(key) is None else req_list(d, key, path)


def req_str(d: dict[str, Any], key: str, path: str) -> str:
    value = field(d, key, path)
    if not isinstance(value, str):
        raise invalid(join(path, key), "string", value)
    return value


def opt_str(d: dict[str, Any], key: str, path: str) -> str | None:
    return None if d.get(key) is None else req_str(d, key, path)


def req_id(d: dict[str, Any], key: str, path: str) -> str:
    """A non-empty id string; integer ids (some older payloads) are accepted and turned into strings."""
    value = field(d, key, path)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if not isinstance(value, str) or not value:
        raise invalid(join(path, key), "non-empty id string", value)
    return value


def opt_id(d: dict[str, Any], key: str, path: str) -> str | None:
    return None if d.get(key) is None else req_id(d, key, path)


def req_epoch(d: dict[str, Any], key: str, path: str, *, per_second: int) -> float:
    """An epoch timestamp counted in ``1/per_second`` seconds (1: seconds, 1000: milliseconds) → seconds."""
    value = field(d, key, path)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise invalid(join(path, key), "epoch number", value)
    return value / per_second if per_second != 1 else float(value)


def millis(seconds: float) -> int:
    return round(seconds * 1000)
