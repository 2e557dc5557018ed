"""``vigie check``: what is reachable and what is not."""

from __future__ import annotations

import contextlib
import socket

import redis
from kafka.admin import KafkaAdminClient

from streams.settings import Settings
from streams.topics import topic_names


def _tcp_reachable(bootstrap: str) -> bool:
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        with contextlib.suppress(OSError, ValueError), socket.create_connection((host, int(port)), timeout=3):
            return True
    return False


def check_kafka(settings: Settings) -> tuple[bool, str]:
    if not _tcp_reachable(settings.kafka_bootstrap):
        return False, f"{settings.kafka_bootstrap}: no bootstrap server accepts a connection"
    try:
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="vigie-check",
                                 request_timeout_ms=5000)
    except Exception as exc:
        return False, f"{settings.kafka_bootstrap}: {type(exc).__name__}: {exc}"
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topic_names(settings) if t not in existing]
        note = f"missing topics {missing} (the worker creates them)" if missing else "all topics present"
        return True, f"{settings.kafka_bootstrap}: {note}"
    finally:
        with contextlib.suppress(Exception):
            admin.close()


def check_redis(settings: Settings) -> tuple[bool, str]:
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        info = client.info("server")
        return True, f"{settings.redis_url}: redis {info.get('redis_version')}"
    except Exception as exc:
        return False, f"{settings.redis_url}: {type(exc).__name__}: {exc}"
    finally:
        client.close()


def check_model(settings: Settings) -> tuple[bool, str]:
    from classifiers.urgency import UrgencyModel

    try:
        model = UrgencyModel.load(settings.model_path)
    except Exception as exc:
        return False, f"{settings.model_path}: {type(exc).__name__}: {exc}"
    return True, f"{settings.model_path}: {model.version}"


def run_checks(settings: Settings) -> dict[str, tuple[bool, str]]:
    return {"kafka": check_kafka(settings), "redis": check_redis(settings), "model": check_model(settings)}
