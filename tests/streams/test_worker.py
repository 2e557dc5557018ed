"""The worker end to end on real parts: Tansu broker → faust worker process → redis-server."""

from __future__ import annotations

import time
import urllib.request

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from classifiers.message import Message, Network
from classifiers.routing import RoutingPolicy
from streams.embedded import free_port
from streams.networks import render
from streams.queues import connect
from streams.settings import Settings

pytestmark = pytest.mark.integration

ACCOUNTED = ("enqueued", "duplicates_exact", "duplicates_near", "duplicates_redelivery", "dead_letters", "ignored")


def msg(network: Network, nid: str, text: str) -> Message:
    now = time.time()
    return Message(network=network, network_id=nid, author_id=f"author-{nid}", text=text, created_at=now - 5,
                   received_at=now, conversation_id=f"conv-{nid}", kind="comment" if network != Network.X else "post",
                   lang="fr" if network == Network.X else None)


MESSAGES = [
    msg(Network.INSTAGRAM, "17900000000000001",
        "on est cachés dans la réserve du resto rue de charonne ils tirent encore aidez nous"),
    msg(Network.FACEBOOK, "111_222", "Merci à tous les policiers pour votre travail cette nuit, courage ❤️"),
    msg(Network.X, "1665432100000000001", "le métro ligne 9 est fermé ce soir ? je dois rentrer à Oberkampf"),
    msg(Network.FACEBOOK, "m_abcdef123", "Bonjour comment faire une pré-plainte en ligne pour un vol de vélo ?"),
]


def produce(settings: Settings, records: list[tuple[str, bytes | None, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for topic, key, value in records:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()


def records_for(settings: Settings, messages: list[Message]) -> list[tuple[str, bytes | None, bytes]]:
    return [(settings.raw_topic(m.network.value), m.identity.encode(), render(m)) for m in messages]


async def test_messages_from_all_networks_reach_their_queues(settings: Settings, workers) -> None:  # type: ignore[no-untyped-def]
    metrics_port = free_port()
    workers.start(metrics_port=metrics_port)
    produce(settings, records_for(settings, MESSAGES))
    store = connect(settings)
    try:
        counters = await workers.accounted(store, len(MESSAGES))
        assert counters.get("enqueued") == len(MESSAGES)
        policy = RoutingPolicy()
        for m in MESSAGES:
            item = await store.item(m.identity)
            assert item is not None, m.identity
            assert item["network"] == m.network.value and item["text"] == m.text
            route = policy.route(item["category"], item["priority"])
            assert item["queue"] == route.queue
            assert await store.redis.zscore(store.p + "q:" + route.queue, m.identity) is not None
        danger = await store.item(MESSAGES[0].identity)
        assert danger is not None and danger["queue"] == "emergencies:p0"
        thanks = await store.item(MESSAGES[1].identity)
        assert thanks is not None and thanks["priority"] == 3

        # the same records delivered again (a webhook retry) add nothing to the queues
        before = await store.depths()
        produce(settings, records_for(settings, MESSAGES))
        counters = await workers.accounted(store, 2 * len(MESSAGES))
        assert counters.get("duplicates_redelivery") == len(MESSAGES)
        assert counters.get("enqueued") == len(MESSAGES)
        after = await store.depths()
        assert {q: v["depth"] for q, v in after.items()} == {q: v["depth"] for q, v in before.items()}

        # the worker's /metrics says the same
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as response:
            families = {f.name: f for f in text_string_to_metric_families(response.read().decode())}
        consumed = {s.labels["network"]: s.value for s in families["vigie_messages_consumed"].samples
                    if s.name.endswith("_total")}
        assert consumed == {"instagram": 2.0, "facebook": 4.0, "x": 2.0}
        redelivered = [s.value for s in families["vigie_duplicates"].samples
                       if s.name.endswith("_total") and s.labels["kind"] == "redelivery"]
        assert redelivered == [float(len(MESSAGES))]
        assert sum(s.value for s in families["vigie_triaged"].samples if s.name.endswith("_total")) == len(MESSAGES)

        # one triaged record per message and delivery, keyed by the message's identity
        consumer = KafkaConsumer(settings.triaged_topic, bootstrap_servers=settings.kafka_bootstrap,
                                 auto_offset_reset="earliest", consumer_timeout_ms=5000)
        triaged = [r for _, r in zip(range(2 * len(MESSAGES)), consumer, strict=False)]
        consumer.close()
        assert sorted(r.key.decode() for r in triaged) == sorted(2 * [m.identity for m in MESSAGES])
        outcomes = sorted(orjson.loads(r.value)["outcome"] for r in triaged)
        assert outcomes == len(MESSAGES) * ["enqueued"] + len(MESSAGES) * ["redelivery"]
    finally:
        await store.redis.aclose()


async def test_malformed_payloads_become_dead_letters(settings: Settings, workers) -> None:  # type: ignore[no-untyped-def]
    bad = [
        (settings.raw_topic("facebook"), b"k1", b'{"object": "page", "entry": ['),  # truncated JSON
        (settings.raw_topic("x"), b"k2", b'{"data": {"id": "1", "text": "\xff\xfe"}}'),  # invalid UTF-8
        (settings.raw_topic("instagram"), b"k3", b"x" * (settings.max_payload_bytes + 1)),  # too large
    ]
    workers.start()
    produce(settings, [*bad, *records_for(settings, MESSAGES[:1])])
    store = connect(settings)
    try:
        counters = await workers.accounted(store, len(bad) + 1)
    finally:
        await store.redis.aclose()
    assert counters["dead_letters"] == 3 and counters["enqueued"] == 1
    assert {k: v for k, v in counters.items() if k.startswith("dead_letters:")} == {
        "dead_letters:invalid_json": 1, "dead_letters:invalid_utf8": 1, "dead_letters:too_large": 1}

    consumer = KafkaConsumer(settings.deadletter_topic, bootstrap_servers=settings.kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=5000)
    letters = {}
    for record in consumer:
        headers = dict(record.headers)
        letters[record.key] = (headers["vigie.error.reason"].decode(), record.value, headers)
        if len(letters) == len(bad):
            break
    consumer.close()
    assert {k: v[0] for k, v in letters.items()} == {b"k1": "invalid_json", b"k2": "invalid_utf8",
                                                       b"k3": "too_large"}
    for topic, key, value in bad:
        _reason, original, headers = letters[key]
        assert original == value  # the original bytes, untouched
        assert headers["vigie.source.topic"].decode() == topic
