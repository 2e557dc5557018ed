"""``vigie desk``: the on-call agents' commands (the same operations as the HTTP API of ``vigie serve``), the
supervisors' views, and the admin of tokens and canned replies. It talks to Redis directly: whoever can run it
with the deployment's VIGIE_REDIS_URL is trusted (the API is where per-agent tokens apply)."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import click

from streams.cliutil import echo_json, make_settings, run, settings_options
from streams.desk.auth import ROLES, Role, TokenStore, check_agent_name
from streams.desk.replies import ReplyStore, validate
from streams.queues import LeaseError, QueueStore, connect
from streams.settings import Settings

T = TypeVar("T")

agent_option = click.option("--agent", required=True, envvar="VIGIE_AGENT", show_envvar=True,
                            help="Your agent name (who holds the lease).")
lease_option = click.option("--lease", default=None, help="The lease id from `next` [default: your current lease].")
lease_seconds_option = click.option("--lease-seconds", type=int, default=None, envvar="VIGIE_LEASE_SECONDS",
                                    show_envvar=True, help="Lease length [default: 300].")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _with_store(settings: Settings, action: Callable[[QueueStore], Awaitable[T]]) -> T:
    async def go() -> T:
        store = connect(settings)
        try:
            return await action(store)
        finally:
            await store.redis.aclose()

    try:
        return run(go())
    except LeaseError as exc:
        click.echo(f"refused: {exc}", err=True)
        sys.exit(2)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _lease_seconds(settings: Settings) -> int:
    if settings.lease_seconds > settings.max_lease_seconds:
        raise click.UsageError(f"--lease-seconds: at most {settings.max_lease_seconds} (VIGIE_MAX_LEASE_SECONDS)")
    return settings.lease_seconds


def _when(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H:%M:%S") if ms else "-"


@click.group()
def desk() -> None:
    """Work the priority queues: next, extend, resolve, release, escalate; see stats, holders, history."""


@desk.command("next")
@settings_options
@agent_option
@click.option("--desk", "desk_name", default=None, help="Only this desk (emergencies, public_info, …).")
@lease_seconds_option
@json_option
def next_item(agent: str, desk_name: str | None, lease_seconds: int | None, as_json: bool,
              **overrides: Any) -> None:
    """Claim the most urgent item (priority first, then age, with ageing) under a lease."""
    settings = make_settings(**overrides, lease_seconds=lease_seconds)
    seconds = _lease_seconds(settings)
    item = _with_store(settings, lambda s: s.claim(agent, lease_seconds=seconds, desk=desk_name))
    if as_json:
        echo_json(item)
    elif item is None:
        click.echo("nothing to do: every queue is empty")
    else:
        click.echo(f"{item['id']}  P{item['priority']} {item['category']}  desk {item['desk']}  "
                   f"urgency {item['urgency']:.2f}  ×{item['dup_count']} on {','.join(item['networks'])}")
        if item.get("reasons"):
            click.echo(f"  why: {', '.join(item['reasons'])}")
        click.echo(f"  {item['text']}")
        click.echo(f"  leased to {agent} for {seconds}s (lease {item['lease']}): "
                   f"vigie desk resolve {item['id']} --agent {agent} --lease {item['lease']}")


@desk.command()
@settings_options
@agent_option
@lease_option
@click.argument("item_id")
@click.option("--reply", default=None, help="The reply text you sent.")
@click.option("--reply-id", default=None, help="The canned reply you sent (vigie desk replies list).")
def resolve(item_id: str, agent: str, lease: str | None, reply: str | None, reply_id: str | None,
            **overrides: Any) -> None:
    """Mark a claimed item answered (you must hold its current lease)."""
    if reply and reply_id:
        raise click.UsageError("give --reply or --reply-id, not both")
    _with_store(make_settings(**overrides),
                lambda s: s.resolve(item_id, agent, lease=lease, reply=reply, reply_id=reply_id))
    click.echo(f"{item_id} resolved")


@desk.command()
@settings_options
@agent_option
@lease_option
@click.argument("item_id")
def release(item_id: str, agent: str, lease: str | None, **overrides: Any) -> None:
    """Give a claimed item back to its queue (you must hold its current lease)."""
    _with_store(make_settings(**overrides), lambda s: s.release(item_id, agent, lease=lease))
    click.echo(f"{item_id} released")


@desk.command()
@settings_options
@agent_option
@lease_option
@lease_seconds_option
@click.argument("item_id")
def extend(item_id: str, agent: str, lease: str | None, lease_seconds: int | None, **overrides: Any) -> None:
    """Heartbeat: push your lease's deadline to --lease-seconds from now."""
    settings = make_settings(**overrides, lease_seconds=lease_seconds)
    seconds = _lease_seconds(settings)
    deadline = _with_store(settings, lambda s: s.extend(item_id, agent, lease=lease, lease_seconds=seconds))
    click.echo(f"{item_id} leased to {agent} until {_when(deadline)} UTC")


@desk.command()
@settings_options
@agent_option
@lease_option
@click.argument("item_id")
@click.option("--desk", "to_desk", default=None, help="Move it to this desk.")
@click.option("--priority", type=click.IntRange(0, 3), default=None, help="Raise it to this priority.")
@click.option("--reason", default="", help="Why (kept in the audit trail).")
@click.option("--supervisor", is_flag=True, help="Move an item you do not hold (revokes its lease, if any).")
def escalate(item_id: str, agent: str, lease: str | None, to_desk: str | None, priority: int | None, reason: str,
             supervisor: bool, **overrides: Any) -> None:
    """Move an item to another desk and/or raise its priority; it waits in its new queue."""
    route = _with_store(make_settings(**overrides), lambda s: s.escalate(
        item_id, agent, desk=to_desk, priority=priority, lease=lease, supervisor=supervisor, reason=reason))
    click.echo(f"{item_id} escalated to {route.queue}")


@desk.command()
@settings_options
@agent_option
@json_option
def mine(agent: str, as_json: bool, **overrides: Any) -> None:
    """The items you hold now."""
    items = _with_store(make_settings(**overrides), lambda s: s.held_by(agent))
    if as_json:
        echo_json(items)
        return
    for i in items:
        until = _when(i["lease_deadline"])
        click.echo(f"{i['id']}  P{i['priority']} {i['category']}  lease {i['lease']} until {until} UTC")


@desk.command()
@settings_options
@json_option
def holders(as_json: bool, **overrides: Any) -> None:
    """Who holds what (supervisors): per agent, the items under its leases."""
    result = _with_store(make_settings(**overrides), lambda s: s.holders())
    if as_json:
        echo_json(result)
        return
    for agent, items in result.items():
        click.echo(f"{agent}: " + ", ".join(f"P{i['priority']} {i['id']} (until {_when(i['lease_deadline'])})"
                                            for i in items))
    if not result:
        click.echo("nobody holds anything")


@desk.command()
@settings_options
@json_option
def flagged(as_json: bool, **overrides: Any) -> None:
    """Items released or expired VIGIE_FLAG_AFTER times and not resolved yet (supervisors)."""
    items = _with_store(make_settings(**overrides), lambda s: s.flagged())
    if as_json:
        echo_json(items)
        return
    for i in items:
        click.echo(f"{i['id']}  P{i['priority']} {i['category']}  released {i.get('releases', 0)}×, "
                   f"expired {i.get('expiries', 0)}×  {i['state']}")


@desk.command()
@settings_options
@click.argument("item_id")
@json_option
def history(item_id: str, as_json: bool, **overrides: Any) -> None:
    """An item's audit trail: every state change, with its time and agent."""
    events = _with_store(make_settings(**overrides), lambda s: s.history(item_id))
    if as_json:
        echo_json(events)
        return
    skip = {"id", "event", "at", "agent", "item", "reply"}
    for e in events:
        extra = " ".join(f"{k}={v}" for k, v in e.items() if k not in skip and v not in ("", None))
        click.echo(f"{_when(e['at'])}  {e['event']:<9} {e['agent'] or '-':<12} {extra}")


@desk.command()
@settings_options
@json_option
def stats(as_json: bool, **overrides: Any) -> None:
    """Queue depths, oldest waiting item per queue, leases held, flagged items, pipeline counters."""

    async def gather(store: QueueStore) -> dict[str, Any]:
        await store.reap()
        return {"queues": await store.depths(), "leased": await store.leased(),
                "flagged": await store.flagged_count(), "counters": await store.counters()}

    result = _with_store(make_settings(**overrides), gather)
    if as_json:
        echo_json(result)
        return
    click.echo("queue                  depth  oldest (s)")
    for queue, q in result["queues"].items():
        click.echo(f"{queue:<22} {q['depth']:>5}  {q['oldest_age_seconds']:>9.1f}")
    click.echo(f"leased: {result['leased']}  flagged: {result['flagged']}")
    click.echo("counters: " + ", ".join(f"{k}={v}" for k, v in sorted(result["counters"].items())))


# --- tokens and canned replies (admin) ---------------------------------------------------------------------------

@desk.group()
def token() -> None:
    """Bearer tokens of the HTTP API (stored as SHA-256 hashes in Redis)."""


@token.command("create")
@settings_options
@click.option("--agent", required=True, help="The agent the token identifies.")
@click.option("--role", type=click.Choice(ROLES), default="agent", show_default=True)
def token_create(agent: str, role: str, **overrides: Any) -> None:
    """Mint a token and print it, once: only its hash is kept."""
    try:
        check_agent_name(agent)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = make_settings(**overrides)
    value = _with_store(settings, lambda s: TokenStore(s.redis, settings.key_prefix).create(agent, cast(Role, role)))
    click.echo(value)
    click.echo(f"token for {agent} ({role}); give it to them privately, it cannot be shown again", err=True)


@token.command("list")
@settings_options
@json_option
def token_list(as_json: bool, **overrides: Any) -> None:
    """Tokens by agent and role (hash prefixes, never the tokens)."""
    settings = make_settings(**overrides)
    rows = _with_store(settings, lambda s: TokenStore(s.redis, settings.key_prefix).list())
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        created = datetime.fromtimestamp(r["created_at"], UTC).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{r['agent']:<20} {r['role']:<10} {created} UTC  {r['hash']}")


@token.command("revoke")
@settings_options
@click.option("--agent", default=None, help="Revoke every token of this agent.")
@click.option("--hash", "hash_prefix", default=None, help="Revoke the token whose hash starts with this.")
def token_revoke(agent: str | None, hash_prefix: str | None, **overrides: Any) -> None:
    """Revoke tokens (effective at the next request)."""
    settings = make_settings(**overrides)
    n = _with_store(settings, lambda s: TokenStore(s.redis, settings.key_prefix).revoke(agent=agent,
                                                                                        hash_prefix=hash_prefix))
    click.echo(f"{n} token(s) revoked")


@desk.group()
def replies() -> None:
    """Canned replies suggested to agents, per category."""


def _replies(settings: Settings, store: QueueStore) -> ReplyStore:
    return ReplyStore(store.redis, settings.key_prefix, settings.igpn_report_url, cache_seconds=0)


@replies.command("list")
@settings_options
@click.option("--category", default=None)
@json_option
def replies_list(category: str | None, as_json: bool, **overrides: Any) -> None:
    """The library (seeded with the defaults the first time)."""
    settings = make_settings(**overrides)

    async def go(store: QueueStore) -> list[dict[str, Any]]:
        library = _replies(settings, store)
        await library.seed()
        return [r.to_json(library.igpn_url) for r in (await library.all()).values()
                if category is None or category in r.categories]

    rows = _with_store(settings, go)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']:<20} [{','.join(r['categories'])}] {r['title']}\n    {r['text']}")


@replies.command("set")
@settings_options
@click.argument("reply_id")
@click.option("--title", required=True)
@click.option("--text", required=True, help="May contain {igpn_url}.")
@click.option("--category", "categories", multiple=True, required=True, help="Repeatable.")
def replies_set(reply_id: str, title: str, text: str, categories: tuple[str, ...], **overrides: Any) -> None:
    """Create or replace a canned reply."""
    settings = make_settings(**overrides)
    try:
        reply = validate(reply_id, title, text, categories)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None

    async def go(store: QueueStore) -> None:
        library = _replies(settings, store)
        await library.seed()
        await library.put(reply)

    _with_store(settings, go)
    click.echo(f"reply {reply_id} saved")


@replies.command("delete")
@settings_options
@click.argument("reply_id")
def replies_delete(reply_id: str, **overrides: Any) -> None:
    settings = make_settings(**overrides)
    if not _with_store(settings, lambda s: _replies(settings, s).delete(reply_id)):
        raise click.UsageError(f"no canned reply {reply_id!r}")
    click.echo(f"reply {reply_id} deleted")
