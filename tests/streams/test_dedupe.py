"""Duplicate folding against a real redis-server: near-duplicates, look-alikes, the window, resolved clusters,
two writers racing on the same twins, priority raise."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from classifiers.lsh import BANDS
from classifiers.message import Message, Network
from classifiers.neardup_cluster import BUCKET_CAP
from classifiers.routing import RoutingPolicy
from classifiers.triage import decide
from classifiers.urgency import Score
from streams.dedupe import SLOTS, Window, _scripts, enqueue_items
from streams.generator import surge
from streams.queues import Pending, QueueStore, connect
from streams.settings import Settings

pytestmark = pytest.mark.integration

APPEAL = "Fusillade en cours aux Halles. Évitez Châtelet. Partagez."
APPEAL_REPOSTS = [
    "URGENT fusillade en cours aux Halles, évitez Châtelet !!!",
    "⚠️⚠️ fusillade en cours aux halles evitez chatelet ⚠️⚠️",
    "RT @lea_75: Fusillade en cours aux Halles. Évitez Châtelet #Paris #13novembre",
]

_offsets = iter(range(1, 10**9))


def pending(nid: str, text: str, *, priority: int = 2, category: str = "rumor", network: Network = Network.X,
            author: str | None = None, received_at: float = 1000.0) -> Pending:
    m = Message(network=network, network_id=nid, author_id=author or f"a{nid}", text=text,
                created_at=received_at - 1, received_at=received_at)
    [d] = decide([m], [Score(priority, category, 0.5, ())], RoutingPolicy())
    return Pending(d, f"raw/0/{next(_offsets)}", "test-model")


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[QueueStore]:
    s = connect(settings)
    yield s
    await s.redis.aclose()


def spy_replies(store: QueueStore, monkeypatch: pytest.MonkeyPatch) -> list[list[bytes]]:
    """The enqueue script's replies, message by message, from now on (cleared by the caller as it likes)."""
    replies: list[list[bytes]] = []
    script = store._enqueue

    async def spy(**kwargs: object) -> list[list[bytes]]:
        out = await script(**kwargs)
        replies.extend(out)
        return out

    monkeypatch.setattr(store, "_enqueue", spy)
    return replies


async def test_edited_reposts_fold_into_the_first_item(store: QueueStore) -> None:
    batch = [pending("1", APPEAL, network=Network.FACEBOOK)]
    batch += [pending(str(i + 2), t) for i, t in enumerate(APPEAL_REPOSTS)]
    outcomes = await store.enqueue(batch[:2])  # the first repost in the same batch as the original
    outcomes += await store.enqueue(batch[2:])  # the others later
    # the last one is an exact repost of the second (same text once folded): exact from then on
    assert outcomes == ["enqueued", "folded_near", "folded_near", "folded"]
    item = await store.item("facebook:1")
    assert item is not None
    assert item["dup_count"] == 4 and item["authors"] == 4 and item["networks"] == ["facebook", "x"]
    assert item["samples"] == APPEAL_REPOSTS[:2]  # the first near-duplicates, as written
    assert item["first_seen"] <= item["last_seen"]
    assert sum(int(q["depth"]) for q in (await store.depths()).values()) == 1
    counters = await store.counters()
    assert counters["enqueued"] == 1 and counters["duplicates_near"] == 2 and counters["duplicates_exact"] == 1


async def test_look_alikes_stay_apart(store: QueueStore) -> None:
    texts = [
        "fusillade en cours rue de Charonne, restez chez vous",
        "fusillade en cours rue de la Roquette, restez chez vous",
        "on est 15 cachés dans la réserve du Carillon, venez vite",
        "on est 5 cachés dans la réserve du Carillon, venez vite",
        "URGENT on recherche Camille vue à Bastille vers 22h, robe verte",
        "URGENT on recherche Léa vue à Bastille vers 22h, robe verte",
    ]
    outcomes = await store.enqueue([pending(str(i), t, priority=1, category="witness_tip")
                                    for i, t in enumerate(texts)])
    assert outcomes == ["enqueued"] * len(texts)


async def test_a_cry_for_help_is_never_folded_into_another_place(store: QueueStore) -> None:
    """At priority 0 and 1 one replaced word keeps two messages apart; lower, it is the same request."""
    bar = "on est cachés dans la réserve du bar, ils tirent encore, on est 6 venez vite"
    resto = "on est caches dans la reserve du resto, ils tirent encore, on est 6 venez vite"
    assert await store.enqueue([pending("p0-a", bar, priority=0, category="danger"),
                                pending("p0-b", resto, priority=0, category="danger")]) == ["enqueued", "enqueued"]
    lost = "nos sacs sont restés au bar quand on est sortis en courant, on les récupère où ?"
    lost2 = "nos sacs sont restés au resto quand on est sortis en courant, on les récupère où ?"
    assert await store.enqueue([pending("p2-a", lost, category="procedure_question"),
                                pending("p2-b", lost2, category="procedure_question")]) == ["enqueued",
                                                                                            "folded_near"]


async def test_short_texts_fold_only_when_identical_and_not_urgent(store: QueueStore) -> None:
    outcomes = await store.enqueue([
        pending("1", "aidez nous svp", priority=0, category="danger"),
        pending("2", "AIDEZ NOUS SVP", priority=0, category="danger"),
        pending("3", "ACAB 1312 🔥", priority=3, category="insult_troll"),
        pending("4", "RT acab 1312", priority=3, category="insult_troll"),
        pending("5", "acab 1313", priority=3, category="insult_troll"),
    ])
    assert outcomes == ["enqueued", "enqueued", "enqueued", "folded", "enqueued"]


async def test_a_repost_after_resolution_counts_against_the_resolved_cluster(store: QueueStore) -> None:
    assert await store.enqueue([pending("1", APPEAL)]) == ["enqueued"]
    claimed = await store.claim("alice", lease_seconds=60)
    assert claimed is not None and claimed["id"] == "x:1"
    await store.resolve("x:1", "alice", reply="Information non confirmée, suivez les comptes officiels.")
    outcomes = await store.enqueue([pending("2", APPEAL_REPOSTS[0]), pending("3", APPEAL + " 🙏")])
    assert outcomes == ["folded_near", "folded"]
    item = await store.item("x:1")
    assert item is not None and item["state"] == "resolved"
    assert item["dup_count"] == 3 and item["after_resolve"] == 2
    assert sum(int(q["depth"]) for q in (await store.depths()).values()) == 0  # nothing queued again
    assert await store.claim("bob", lease_seconds=60) is None


async def test_the_window_forgets(settings: Settings) -> None:
    store = connect(settings.model_copy(update={"dedupe_window_seconds": 1}))
    try:
        assert await store.enqueue([pending("1", APPEAL)]) == ["enqueued"]
        assert await store.enqueue([pending("2", APPEAL_REPOSTS[0])]) == ["folded_near"]
        await asyncio.sleep(1 + 1 / SLOTS + 0.3)  # window (1 s) + one slot, and a margin
        # the first item is still queued, but out of the window: a repost starts a new item
        assert await store.enqueue([pending("3", APPEAL_REPOSTS[1]), pending("4", APPEAL)]) == ["enqueued",
                                                                                                "folded_near"]
        assert (await store.item("x:4")) is None and (await store.item("x:1")) is not None
        assert len(await store.redis.keys(store.p + "nd:[bf]2:*")) >= 2  # buckets and forms of a slot
        await asyncio.sleep(1 + 1 / SLOTS + 0.3)
        # nothing of the window is left once it has passed: its memory is bounded
        assert await store.redis.keys(store.p + "nd:[bf]2:*") == []
        assert await store.redis.keys(store.p + "fp:*") == []
    finally:
        await store.redis.aclose()


async def test_a_message_is_found_for_the_whole_window_and_at_most_one_slot_more(settings: Settings) -> None:
    """The window's bounds, on the store's clock: a message filed at t is still a candidate at t + window, and
    no longer at t + window + one slot (as ``lua/enqueue.lua`` keeps it: in time slots)."""
    window = 3600
    now = [time.time()]
    store = connect(settings.model_copy(update={"dedupe_window_seconds": window}), clock=lambda: now[0])
    slot = window / Window.of(store).slots
    start = now[0]
    metro = "le métro ligne 9 est fermé à Oberkampf ce soir ? je dois rentrer à Mairie de Montreuil"
    try:
        assert await store.enqueue([pending("1", APPEAL), pending("2", metro)]) == ["enqueued", "enqueued"]
        now[0] = start + window - 0.001
        assert await store.enqueue([pending("3", APPEAL_REPOSTS[0])]) == ["folded_near"]
        now[0] = start + window + slot + 0.001
        assert await store.enqueue([pending("4", "URGENT " + metro)]) == ["enqueued"]
        assert (await store.item("x:2")) is not None  # still queued: only the window forgot it
        # and these two texts do fold, when in the window
        assert await enqueue_items(store, [pending("5", metro + " partagez svp")]) == [("folded_near", "x:4")]
    finally:
        await store.redis.aclose()


async def test_a_bucket_keeps_the_most_recent_refs(store: QueueStore) -> None:
    """Reposts with the same form share all their band keys: each bucket keeps the last BUCKET_CAP refs, end to
    end in fixed width, so the window's memory per band key is bounded however big the cluster grows."""
    texts = [APPEAL] + [f"{APPEAL} {w}" for w in ("partagez", "svp", "stp", "pls", "please", "share")]
    outcomes = []
    for i, text in enumerate(texts):  # one batch each: every one is looked up in the window, then filed
        outcomes += await store.enqueue([pending(str(i + 1), text)])
    assert outcomes == ["enqueued"] + ["folded_near"] * 6
    (key,) = await store.redis.keys(store.p + "nd:b2:*")
    buckets = await store.redis.hgetall(key)
    assert len(buckets) == BANDS
    seq = int(await store.redis.get(store.p + "nd:seq"))
    assert seq == len(texts)
    newest = b"".join(b"%010x" % n for n in range(seq - BUCKET_CAP + 1, seq + 1))
    assert set(buckets.values()) == {newest}


async def test_candidates_whose_numbers_contradict_are_settled_by_the_script(store: QueueStore,
                                                                             monkeypatch: pytest.MonkeyPatch,
                                                                             ) -> None:
    """"On est 5" is another group than "on est 15" (classifiers.neardup.compare rejects it first thing): the
    script drops such a candidate itself, so the message is enqueued in its first step, with no comparison
    round; a candidate whose numbers are nested in the message's ("à 21h" added) is still returned."""
    hiding = "on est 15 cachés dans la réserve au fond du couloir, ils tirent encore"
    assert await store.enqueue([pending("1", hiding)]) == ["enqueued"]
    replies = spy_replies(store, monkeypatch)
    assert await store.enqueue([pending("2", hiding.replace("15", "5"))]) == ["enqueued"]
    assert [r[0] for r in replies] == [b"enqueued"]
    replies.clear()
    assert await store.enqueue([pending("3", hiding.replace("couloir", "couloir depuis 21h"))]) == ["folded_near"]
    assert [r[0] for r in replies] == [b"verify", b"folded_near"]
    assert replies[0][3].startswith(b"x:1\t")  # the one candidate returned: the first message


async def test_a_new_connection_finds_the_window_of_the_old_one(settings: Settings) -> None:
    """The window lives in Redis: a restarted worker (here: a new store) still folds into earlier items."""
    first = connect(settings)
    try:
        assert await first.enqueue([pending("1", APPEAL)]) == ["enqueued"]
    finally:
        await first.redis.aclose()
    second = connect(settings)
    try:
        assert await second.enqueue([pending("2", APPEAL_REPOSTS[0])]) == ["folded_near"]
    finally:
        await second.redis.aclose()


async def test_two_writers_racing_on_twins_make_one_item(settings: Settings) -> None:
    """Two workers (two connections) enqueue near-duplicates of each other at the same moment, many times:
    each pair ends as one item, never two."""
    stores = [connect(settings), connect(settings)]
    try:
        for round_no in range(30):
            text = f"colis suspect abandonné devant le numéro {round_no} rue Oberkampf, personne ne le réclame"
            twin = f"URGENT colis suspect abandonné devant le numero {round_no} rue Oberkampf !! personne le réclame"
            a, b = await asyncio.gather(stores[0].enqueue([pending(f"a{round_no}", text, priority=1)]),
                                        stores[1].enqueue([pending(f"b{round_no}", twin, priority=1)]))
            assert sorted(a + b) == ["enqueued", "folded_near"], (round_no, a, b)
        assert (await stores[0].counters())["enqueued"] == 30
    finally:
        for s in stores:
            await s.redis.aclose()


async def test_a_growing_rumour_moves_up_one_priority(store: QueueStore) -> None:
    rumour = "L'hôpital Saint-Louis est attaqué, des hommes armés sont entrés aux urgences"
    batch = [pending(str(i), rumour + " 😱" * (i % 3) + (" #Paris" if i % 2 else ""), author=f"user{i}")
             for i in range(24)]
    batch += [pending("again", rumour + " !!!", author="user3")]  # the same author again: not a new voice
    await store.enqueue(batch)
    item = await store.item("x:0")
    assert item is not None and item["priority"] == 2 and item["authors"] == 24
    await store.enqueue([pending("25th", "RT " + rumour, author="user24")])
    item = await store.item("x:0")
    assert item is not None
    assert item["authors"] == 25 and item["priority"] == 1 and item["raised_from"] == 2
    assert item["queue"] == "public_info:p1"
    assert (await store.depths())["public_info:p1"]["depth"] == 1
    assert [e["event"] for e in await store.history("x:0")] == ["enqueued", "raised"]


@pytest.mark.parametrize("planned", [True, False], ids=["plan-made-beforehand", "planned-here"])
async def test_reposts_in_later_chunks_of_a_batch_fold_into_the_first_chunk(store: QueueStore, planned: bool,
                                                                            ) -> None:
    # the chunks of a batch go through their rounds side by side: a repost in a later chunk waits for its
    # first message, in the first chunk, and folds into it
    from classifiers.triage import plan
    from streams.dedupe import CHUNK, enqueue

    n = 2 * CHUNK + 20
    texts = [f"colis numéro {i} livré au guichet {i * 7 + 3}, merci de venir le chercher" for i in range(n)]
    texts[0] = APPEAL
    texts[CHUNK + 5] = APPEAL_REPOSTS[0]  # near, second chunk
    texts[2 * CHUNK + 7] = APPEAL  # exact, third chunk
    texts[2 * CHUNK + 9] = APPEAL_REPOSTS[0]  # exact repost of a near one, third chunk
    batch = [pending(f"c{i}", t) for i, t in enumerate(texts)]
    outcomes = await enqueue(store, batch, plan([p.decision for p in batch]) if planned else None)
    folded = {CHUNK + 5: "folded_near", 2 * CHUNK + 7: "folded", 2 * CHUNK + 9: "folded"}
    assert outcomes == [folded.get(i, "enqueued") for i in range(n)]
    item = await store.item("x:c0")
    assert item is not None and item["dup_count"] == 4 and item["authors"] == 4
    assert (await store.counters())["enqueued"] == n - 3


async def test_a_message_failing_in_a_chunk_keeps_the_counts_of_those_before_it(store: QueueStore) -> None:
    # a bug path: the arguments of the second message are broken; the first stays applied and counted, and the
    # error says where the chunk stopped
    import redis.exceptions

    from streams.dedupe import _args, _scripts, _State

    batch = [pending("ok", "colis suspect devant la gare du Nord"), pending("bad", "et celui-ci ne passe pas")]
    args = [store.p, 1_000_000, _scripts(store).window.settings(store), "tok"]
    for p in batch:
        args += _args(p, _State(None))
    args[-1] = b"[not json"
    with pytest.raises(redis.exceptions.ResponseError, match=r"message 2 \(x:bad\) of the chunk, after 1 applied"):
        await store._enqueue(keys=[store.stats_key], args=args)
    assert (await store.counters())["enqueued"] == 1
    assert await store.item("x:ok") is not None


async def test_look_alikes_naming_another_place_are_settled_by_the_script(store: QueueStore,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """"Rue de la Roquette" is another street than "rue de Charonne" (compare keeps them apart on their
    anchors): the script drops that candidate itself. A spelling variant of the place ("Charonnes") is not
    surely another place: it is returned, compared, and folds."""
    charonne = "fusillade en cours rue de Charonne, restez chez vous et fermez les volets"
    assert await store.enqueue([pending("1", charonne)]) == ["enqueued"]
    replies = spy_replies(store, monkeypatch)
    assert await store.enqueue([pending("2", charonne.replace("Charonne", "la Roquette"))]) == ["enqueued"]
    assert [r[0] for r in replies] == [b"enqueued"]
    replies.clear()
    assert await store.enqueue([pending("3", charonne.replace("Charonne", "Charonnes") + " svp")]) == ["folded_near"]
    assert [r[0] for r in replies] == [b"verify", b"folded_near"]


async def test_the_script_drops_only_candidates_the_comparison_rejects(settings: Settings) -> None:
    """The same surge (look-alikes from the same templates, reposts, edited reposts), one message at a time,
    with and without the script's prefilter: the same outcome and item for every message, with fewer
    comparison rounds."""
    stream = [g for g in surge(1500, seed=29, malformed_share=0, redelivery_share=0)
              if g.message is not None and g.kind in ("new", "repost")][:600]
    results, verified = [], []
    for prefilter in (True, False):
        store = connect(settings.model_copy(update={"key_prefix": f"{settings.key_prefix}-{prefilter}"}))
        _scripts(store).window = dataclasses.replace(_scripts(store).window, prefilter=prefilter)
        script, rounds = store._enqueue, [0]

        async def spy(script: Any = script, rounds: list[int] = rounds, **kwargs: Any) -> Any:
            out = await script(**kwargs)
            rounds[0] += sum(r[0] == b"verify" for r in out)
            return out

        store._enqueue = spy  # type: ignore[method-assign]
        out = []
        try:
            for i, g in enumerate(stream):
                assert g.message is not None
                text = _edit(g.message.text, i) if g.kind == "repost" else g.message.text
                out += await enqueue_items(store, [pending(str(i), text, priority=int(g.priority or 3),
                                                           category=g.category or "other")])
        finally:
            await store.redis.aclose()
        results.append(out)
        verified.append(rounds[0])
    assert results[0] == results[1]
    folded = sum(o == "folded_near" for o, _item in results[0])
    assert folded >= 20 and verified[0] < verified[1] / 2, (folded, verified)


def _edit(text: str, i: int) -> str:
    """A repost as edited: a word added in front; names and places spelt with an "s" more (a spelling variant,
    still the same place); a place added, or a name or place left out (one side has an anchor the other lacks:
    not enough to keep them apart); or as it was."""
    words = text.split()
    if i % 5 == 0:
        return "URGENT " + text
    if i % 5 == 1:
        return " ".join(w + "s" if w[:1].isupper() and w.isalpha() and len(w) >= 5 else w for w in words)
    if i % 5 == 2:
        return text + " vers Montparnasse"
    if i % 5 == 3:
        named = [j for j, w in enumerate(words) if j and w[:1].isupper()]
        return " ".join(w for j, w in enumerate(words) if not named or j != named[-1])
    return text
