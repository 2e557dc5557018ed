"""Helpers shared by the ``vigie`` subcommands: Settings from options with VIGIE_* fallbacks, JSON output."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson
from pydantic import ValidationError

from streams.settings import Settings

T = TypeVar("T")

_COMMON = [
    ("--kafka-url", "kafka_url", str), ("--redis-url", "redis_url", str),
    ("--topic-prefix", "topic_prefix", str), ("--key-prefix", "key_prefix", str),
    ("--model-path", "model_path", click.Path(path_type=Path)),
]


def settings_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add the common connection options; each falls back to its VIGIE_* variable, then the default."""
    for flag, name, kind in reversed(_COMMON):
        desc = Settings.model_fields[name].description
        f = click.option(flag, name, type=kind, default=None, envvar=f"VIGIE_{name.upper()}",
                         show_envvar=True, help=f"{desc} [default: {Settings.model_fields[name].default}]")(f)
    return f


def make_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        raise click.UsageError(f"invalid settings:\n{exc}") from None


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def echo_json(obj: Any) -> None:
    click.echo(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())
