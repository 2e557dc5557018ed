"""Near-duplicate folding through real workers: twins arriving on different partitions, handled by two
workers at once, make one item; a restarted worker still folds into the items of the one before."""

from __future__ import annotations

import asyncio
import time
import urllib.request

import pytest
from kafka import KafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from classifiers.message import Message, Network
from streams.embedded import free_port
from streams.networks import render
from streams.queues import connect
from streams.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ACCOUNTED = ("enqueued", "duplicates_exact", "duplicates_near", "duplicates_redelivery", "dead_letters", "ignored")


def message(nid: str, text: str, author: str) -> Message:
    now = time.time()
    return Message(network=Network.X, network_id=nid, author_id=author, text=text, created_at=now - 1,
                   received_at=now, kind="post", lang="fr")


def twins(n: int) -> list[tuple[Message, Message]]:
    return [(message(f"{1000 + i}", f"colis suspect abandonné devant le numéro {i} rue Oberkampf, personne ne "
                                    f"le réclame, la police est prévenue ?", f"alice{i}"),
             message(f"{5000 + i}", f"URGENT colis suspect abandonné devant le numero {i} rue Oberkampf !! "
                                    f"personne le réclame, la police est prévenue ??? 😱", f"bob{i}"))
            for i in range(n)]


def produce(settings: Settings, placed: list[tuple[Message, int]]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for m, partition in placed:
        producer.send(settings.raw_topic("x"), key=m.identity.encode(), value=render(m), partition=partition)
    producer.flush()
    producer.close()


def consumed(port: int) -> float:
    """Records the worker on metrics ``port`` has consumed so far."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            families = text_string_to_metric_families(response.read().decode())
            return sum(s.value for f in families if f.name == "vigie_messages_consumed" for s in f.samples
                       if s.name.endswith("_total"))
    except OSError:
        return 0.0


def warm_up(settings: Settings, ports: list[int], timeout: float = 90) -> int:
    """Send one distinct message to each partition every second until every worker has consumed something
    (so both are in the group and own a partition); returns how many were sent."""
    sent, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        produce(settings, [(message(f"warm{sent + p}", f"message de test numéro {sent + p}, merci de l'ignorer "
                                                       f"complètement svp", "warm"), p) for p in (0, 1)])
        sent += 2
        time.sleep(1)
        if all(consumed(port) > 0 for port in ports):
            return sent
    raise AssertionError("the two workers did not both start consuming")


async def test_two_workers_on_two_partitions_fold_twins_into_one_item(settings: Settings, workers) -> None:  # type: ignore[no-untyped-def]
    ports = [free_port(), free_port()]
    for port in ports:
        workers.start(metrics_port=port)
    store = connect(settings)
    try:
        warm = warm_up(settings, ports)
        await workers.accounted(store, warm)
        before = await store.counters()
        pairs = twins(20)
        # each pair: the original on partition 0 (one worker), its twin on partition 1 (the other), together
        produce(settings, [(m, p) for pair in pairs for m, p in zip(pair, (0, 1), strict=True)])
        await workers.accounted(store, warm + 2 * len(pairs))
        await asyncio.sleep(1)  # anything arriving now would be a double
        counters = await store.counters()
        assert counters["enqueued"] - before["enqueued"] == len(pairs), (counters, workers.logs())
        folded = ("duplicates_near", "duplicates_exact")
        assert sum(counters.get(k, 0) - before.get(k, 0) for k in folded) == len(pairs)
        depth = sum(int(q["depth"]) for q in (await store.depths()).values())
        assert depth == len(pairs) + before["enqueued"]
        for original, twin in pairs:
            first = await store.item(original.identity) or await store.item(twin.identity)
            assert first is not None
            assert first["dup_count"] == 2 and first["authors"] == 2
    finally:
        await store.redis.aclose()


async def test_a_restarted_worker_folds_into_items_of_the_one_before(settings: Settings, workers) -> None:  # type: ignore[no-untyped-def]
    [(original, twin)] = twins(1)
    first = workers.start()
    produce(settings, [(original, 0)])
    store = connect(settings)
    try:
        await workers.accounted(store, 1)
        workers.stop_all()
        assert first.poll() is not None
        workers.start()
        produce(settings, [(twin, 1)])
        counters = await workers.accounted(store, 2)
        assert counters["enqueued"] == 1 and counters["duplicates_near"] == 1, workers.logs()
        item = await store.item(original.identity)
        assert item is not None and item["dup_count"] == 2 and item["samples"] == [twin.text]
    finally:
        await store.redis.aclose()
