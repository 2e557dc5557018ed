"""``vigie desk``: on-call agents claim, resolve and release items; anyone can see the queues."""

from __future__ import annotations

import sys
from typing import Any

import click

from streams.cliutil import echo_json, make_settings, run, settings_options
from streams.queues import LeaseError, QueueStore, connect

agent_option = click.option("--agent", required=True, envvar="VIGIE_AGENT", show_envvar=True,
                            help="Your agent name (who holds the lease).")


async def _with_store(overrides: dict[str, Any], action: Any) -> Any:
    store = connect(make_settings(**overrides))
    try:
        return await action(store)
    finally:
        await store.redis.aclose()


@click.group()
def desk() -> None:
    """Work the priority queues: next, resolve, release, stats."""


@desk.command("next")
@settings_options
@agent_option
@click.option("--desk", "desk_name", default=None, help="Only this desk (emergencies, public_info, …).")
@click.option("--lease-seconds", type=int, default=None, envvar="VIGIE_LEASE_SECONDS", show_envvar=True,
              help="Lease length [default: 300].")
@click.option("--json", "as_json", is_flag=True)
def next_item(agent: str, desk_name: str | None, lease_seconds: int | None, as_json: bool,
              **overrides: Any) -> None:
    """Claim the most urgent item (priority first, then age) under a lease."""
    settings = make_settings(**overrides, lease_seconds=lease_seconds)

    async def claim(store: QueueStore) -> dict[str, Any] | None:
        try:
            return await store.claim(agent, lease_seconds=settings.lease_seconds, desk=desk_name)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None

    item = run(_with_store(overrides, claim))
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
        click.echo(f"  leased to {agent} for {settings.lease_seconds}s: "
                   f"vigie desk resolve {item['id']} --agent {agent}")


def _settle(action: str) -> Any:
    @settings_options
    @agent_option
    @click.argument("item_id")
    def command(item_id: str, agent: str, **overrides: Any) -> None:
        async def go(store: QueueStore) -> None:
            await (store.resolve if action == "resolve" else store.release)(item_id, agent)

        try:
            run(_with_store(overrides, go))
        except LeaseError as exc:
            click.echo(f"refused: {exc}", err=True)
            sys.exit(2)
        click.echo(f"{item_id} {action}d")

    command.__doc__ = {"resolve": "Mark a claimed item answered (you must hold its lease).",
                       "release": "Give a claimed item back to its queue (you must hold its lease)."}[action]
    return desk.command(action)(command)


_settle("resolve")
_settle("release")


@desk.command()
@settings_options
@click.option("--json", "as_json", is_flag=True)
def stats(as_json: bool, **overrides: Any) -> None:
    """Queue depths, oldest waiting item per queue, leases held, pipeline counters."""

    async def gather(store: QueueStore) -> dict[str, Any]:
        await store.reap()
        return {"queues": await store.depths(), "leased": await store.leased(),
                "counters": await store.counters()}

    result = run(_with_store(overrides, gather))
    if as_json:
        echo_json(result)
        return
    click.echo("queue                  depth  oldest (s)")
    for queue, q in result["queues"].items():
        click.echo(f"{queue:<22} {q['depth']:>5}  {q['oldest_age_seconds']:>9.1f}")
    click.echo(f"leased: {result['leased']}")
    click.echo("counters: " + ", ".join(f"{k}={v}" for k, v in sorted(result["counters"].items())))
