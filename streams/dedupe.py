"""Enqueue with duplicate folding: the Redis side of ``classifiers/neardup.py``.

A batch goes through ``lua/enqueue.lua`` in as few round trips as it needs (one script call per :data:`CHUNK`
messages; each message is its own atomic step inside the call; the comparisons happen here, in Python, between
round trips). The chunks of a batch go through their rounds side by side, each on its own connection, so that
the comparisons of one chunk overlap Redis running another's step:

1. :func:`classifiers.neardup_cluster.plan_batch` finds the messages that repost an earlier message of the same
   batch (beforehand, in the worker's scoring process; or here, chunk by chunk); they wait for it (``follow``).
2. Every other message is looked up (``first``): redelivery, exact repost (folded at once), or near-duplicate
   candidates in the shared window. The script drops candidates whose numbers, or names and places, surely
   contradict the message's (tests the comparison would reject them on); a message with no candidate left is
   enqueued in that same call.
3. Candidates are compared (:func:`classifiers.neardup.best_match`, strictly when either message is priority 0
   or 1) and the decision is committed (``commit``): fold into the best match's cluster, or enqueue. The
   script checks that no new candidate appeared meanwhile — two workers on two partitions filing twins at the
   same moment — and returns those instead of changing anything; they are compared and committed again.
4. Followers fold into their leader's cluster, whatever it turned out to be.

Then a cluster that grew past a threshold of distinct authors gets its item's priority raised
(:func:`classifiers.neardup_cluster.raised_priority`, ``lua/raise.lua``) while it waits in its queue.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import orjson
from redis.commands.core import AsyncScript

from classifiers.neardup import best_match
from classifiers.neardup_cluster import BUCKET_CAP, MAX_CANDIDATES, BatchPlan, Follow, is_strict, raised_priority
from classifiers.neardup_form import Form
from classifiers.triage import members as triage_members

if TYPE_CHECKING:
    from streams.queues import Pending, QueueStore

# The window is kept in time slots of window / SLOTS; a slot's keys expire together, and a lookup reads every
# slot that may hold part of the window (SLOTS + 1 of them): a message stays findable for at least the window,
# at most one slot longer. One slot (two generations, the current and the last, read per lookup) is the
# fastest: at a 1M-message window 5,383 lookups/s, against 5,320 with two slots and 2,474 with six (one run
# each, benchmarks/README.md). The window then holds up to twice its length's messages, 1.5 times on average.
SLOTS = 1
MAX_SAMPLES = 3  # sample texts kept on an item (its first near-duplicates)
MAX_ROUNDS = 8  # commit rounds before a message is enqueued without waiting for more candidates
CHUNK = 100  # messages per script call: the per-call cost is paid once per chunk, and Redis is never held
# for long (a chunk of first lookups runs in a few milliseconds)

FOLDED = ("folded", "folded_near")


@dataclass(frozen=True, slots=True)
class Window:
    """How the near-duplicate window is kept: ``seconds`` is ``VIGIE_DEDUPE_WINDOW_SECONDS`` (the store's
    fingerprint ttl); the cluster's authors are kept as long as a resolved item, plus the window."""

    seconds: int
    authors_ttl: int
    slots: int = SLOTS
    bucket_cap: int = BUCKET_CAP
    max_candidates: int = MAX_CANDIDATES
    max_samples: int = MAX_SAMPLES
    # the script drops candidates whose numbers or names and places surely contradict the message's (what
    # compare rejects first); off only to check that the outcomes are the same
    prefilter: bool = True

    @classmethod
    def of(cls, store: QueueStore) -> Window:
        return cls(store.ttls.fingerprint, store.ttls.resolved + store.ttls.fingerprint)

    def settings(self, store: QueueStore) -> str:
        """The script's settings argument (see ``lua/enqueue.lua``)."""
        return ",".join(str(v) for v in (
            store.ttls.identity, self.seconds, self.slots, self.bucket_cap, self.max_candidates, self.max_samples,
            self.authors_ttl, store.limits.audit_item_maxlen, store.limits.audit_maxlen, int(self.prefilter)))


class _Scripts:
    def __init__(self, store: QueueStore) -> None:
        lua = resources.files("streams").joinpath("lua")
        desk = lua.joinpath("desk.lua").read_text(encoding="utf-8")
        self.raise_: AsyncScript = store.redis.register_script(
            desk + "\n" + lua.joinpath("raise.lua").read_text(encoding="utf-8"))
        self.window = Window.of(store)


_SCRIPTS: WeakKeyDictionary[QueueStore, _Scripts] = WeakKeyDictionary()


def _scripts(store: QueueStore) -> _Scripts:
    if store not in _SCRIPTS:
        _SCRIPTS[store] = _Scripts(store)
    return _SCRIPTS[store]


@dataclass(slots=True)
class _State:
    """One message's progress through the rounds."""

    follow: Follow | None
    leader: str = ""  # identity of the message followed
    outcome: str | None = None
    reply: list[Any] = field(default_factory=list)
    last_ref: str = "0:0:0"  # where the window was when candidates were last read (see lua/enqueue.lua)
    target: str = ""  # the cluster item chosen among them ("" = none matched)
    best: float = -1.0
    rounds: int = 0
    fixed: tuple[Any, ...] = ()  # the script's arguments that do not change from round to round (made once)


async def enqueue(store: QueueStore, batch: Sequence[Pending], plan: Sequence[Follow | None] | None = None,
                  ) -> list[str]:
    """Enqueue ``batch`` (see the module docstring); one outcome per message: ``enqueued``, ``folded`` (exact
    repost), ``folded_near`` (near-duplicate), ``redelivery`` or ``replay``. ``plan``: the batch's
    :func:`classifiers.triage.plan`, when it was made beforehand (in the scoring process)."""
    return [outcome for outcome, _item in await enqueue_items(store, batch, plan)]


async def enqueue_items(store: QueueStore, batch: Sequence[Pending], plan: Sequence[Follow | None] | None = None,
                        ) -> list[tuple[str, str]]:
    """:func:`enqueue`, with the id of the item each message ended in (its own, or its cluster's)."""
    if not batch:
        return []
    if plan is not None and len(plan) != len(batch):
        raise ValueError(f"a plan of {len(plan)} for a batch of {len(batch)}")
    planner = BatchPlan() if plan is None else None
    ahead: Sequence[Follow | None] = plan or ()
    states: list[_State] = []
    run = _Run(store, batch, states)
    # the chunks go their own ways, each on its own connection: while Redis runs one chunk's step, the
    # candidates another chunk brought back are compared here (and the next chunk is planned, when the plan
    # was not made beforehand)
    calls: list[asyncio.Future[None]] = []
    try:
        for start in range(0, len(batch), CHUNK):
            part = range(start, min(start + CHUNK, len(batch)))
            follows = (planner.extend(triage_members([batch[i].decision for i in part])) if planner is not None
                       else ahead[start:part.stop])
            states += [_State(f, batch[f.leader].decision.message.identity if f else "") for f in follows]
            calls.append(asyncio.ensure_future(run.chunk(part)))
            await asyncio.sleep(0)  # the chunk's first step goes out before the next chunk is planned
        await asyncio.gather(*calls)
    finally:
        for call in calls:
            call.cancel()  # only when one failed: the others are stopped (the batch is written again on replay)
    await _raise_grown(store, batch, states)
    return [(s.outcome or "", s.reply[1] if len(s.reply) > 1 else "") for s in states]


class _Run:
    """One batch on its way through the rounds (see the module docstring), chunk by chunk."""

    def __init__(self, store: QueueStore, batch: Sequence[Pending], states: Sequence[_State]) -> None:
        self.store, self.batch, self.states = store, batch, states
        self.token = secrets.token_hex(6)
        self.settings = _scripts(store).window.settings(store)
        self._settled = asyncio.Event()  # set (and replaced) whenever messages settle

    async def chunk(self, members: range) -> None:
        """Take the messages ``members`` of the batch through their rounds. A message that follows one of an
        earlier chunk waits until that one has settled (its item exists then)."""
        rounds = 0
        while todo := [i for i in members if self.states[i].outcome is None]:
            ready = [i for i in todo if self._ready(i, members)]
            if not ready:
                await self._settled.wait()
                continue
            rounds += 1
            if rounds > len(members) + MAX_ROUNDS + 1:  # each round settles the earliest waiting message at least
                raise RuntimeError("near-duplicate folding did not converge")
            args: list[Any] = [self.store.p, self.store.now_ms(), self.settings, self.token]
            for i in ready:
                args += _args(self.batch[i], self.states[i])
            replies = await self.store._enqueue(keys=[self.store.stats_key], args=args)
            for i, reply in zip(ready, replies, strict=True):
                _settle(self.batch[i], self.states[i], [r.decode() if r.__class__ is bytes else str(r) for r in reply])
            self._settled.set()
            self._settled = asyncio.Event()

    def _ready(self, i: int, members: range) -> bool:
        follow = self.states[i].follow
        return follow is None or follow.leader in members or self.states[follow.leader].outcome is not None


def _args(pending: Pending, state: _State) -> list[Any]:
    """The message's 13 arguments of ``lua/enqueue.lua`` for this round (all but the mode's three are made in
    the first round and kept)."""
    if state.follow is not None:
        mode, arg, seen = "follow", state.leader, state.follow.kind
    elif not state.reply:
        mode, arg, seen = "first", "", ""
    else:
        # after MAX_ROUNDS (workers racing on the same twins for that long), commit what was compared
        mode = "commit" if state.rounds < MAX_ROUNDS else "force"
        arg, seen = state.target, state.last_ref
    if not state.fixed:
        d, m, sketch = pending.decision, pending.decision.message, pending.decision.sketch
        state.fixed = (m.identity, pending.coordinate, d.fingerprint or "", int(m.received_at * 1000), d.route.queue,
                       m.network.value, m.author_id,
                       f"{int(d.score.priority)}\t{sketch.form}" if sketch is not None else "",
                       b"".join(sketch.bands) if sketch is not None else b"", _fields_json(pending))
    return [*state.fixed[:7], mode, arg, seen, *state.fixed[7:]]


def _fields_json(pending: Pending) -> bytes:
    """A new item's fields as ``lua/enqueue.lua`` takes them: a JSON array of strings [field, value, ...]."""
    d, m, s = pending.decision, pending.decision.message, pending.decision.score
    return orjson.dumps([
        "id", m.identity, "network", m.network.value, "network_id", str(m.network_id), "author_id", str(m.author_id),
        "text", m.text, "kind", str(m.kind), "created_at", str(m.created_at), "received_at", str(m.received_at),
        "conversation_id", str(m.conversation_id or ""), "reply_to", str(m.reply_to or ""), "lang", str(m.lang or ""),
        "has_media", "1" if m.has_media else "0", "has_url", "1" if m.has_url else "0",
        "priority", str(int(s.priority)), "category", str(s.category), "urgency", str(round(s.urgency, 4)),
        "reasons", orjson.dumps(list(s.reasons)).decode(), "desk", str(d.route.desk), "queue", str(d.route.queue),
        "model", str(pending.model_version),
    ])


def _settle(pending: Pending, state: _State, reply: list[str]) -> None:
    outcome = reply[0]
    if outcome == "pending":
        return  # its leader is being compared again; next round
    if outcome != "verify":
        state.outcome, state.reply = outcome, reply
        return
    state.reply = reply
    state.rounds += 1
    d = pending.decision
    assert d.sketch is not None  # only a message with a sketch has candidates
    # the reply lists ref, "item<TAB>priority<TAB>form<TAB>batch token", ...: [item, priority, form] each
    found = [value.rsplit("\t", 1)[0].split("\t", 2) for value in reply[3::2]]
    items = [f[0] for f in found]
    forms = [Form.decode(f[2]) for f in found]
    own = is_strict(int(d.score.priority))
    strict = [own or is_strict(int(f[1])) for f in found]
    best = best_match(Form.decode(d.sketch.form), forms, strict, items)
    if best is not None and best[1].score > state.best:
        state.best, state.target = best[1].score, items[best[0]]
    state.last_ref = reply[1]


async def _raise_grown(store: QueueStore, batch: Sequence[Pending], states: Sequence[_State]) -> None:
    """Raise the priority of queued items whose cluster grew past the policy's thresholds (one round trip,
    only when there is something to raise)."""
    targets: dict[str, tuple[int, str]] = {}
    for state in states:
        if state.outcome not in FOLDED or len(state.reply) < 8:
            continue
        item, _count, authors, priority, category, item_state = state.reply[1:7]
        if item_state != "queued" or not priority:
            continue
        new = raised_priority(category, int(priority), int(authors))
        if new < int(priority) and (item not in targets or new < targets[item][0]):
            targets[item] = (new, category)
    if not targets:
        return
    scripts = _scripts(store)
    pipe = store.redis.pipeline(transaction=False)
    now = store.now_ms()
    for item, (priority, category) in targets.items():
        route = store.policy.route(category, priority)
        await scripts.raise_(keys=[store.p + "item:" + item, store.stats_key], args=[
            store.p, item, now, priority, route.desk, route.queue, store.limits.audit_item_maxlen,
            store.limits.audit_maxlen], client=pipe)
    await pipe.execute()
