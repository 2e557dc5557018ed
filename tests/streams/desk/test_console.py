"""The web console in a real headless browser: Debian's chromium driven by Playwright (never `playwright install`),
against the real API server and Redis. Skips, saying why, where /usr/bin/chromium or Playwright is absent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from classifiers.message import Network
from streams.desk.server import Desk
from tests.streams.desk.conftest import enqueue, pending

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (Debian: apt-get install chromium); "
                                                     "the console's browser tests are skipped"),
]
pw = pytest.importorskip("playwright.async_api", reason="playwright is not installed (pip install -e '.[test]')")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with pw.async_playwright() as p:
        b = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        await b.close()


class Console:
    """One agent's console in its own browser context (its own sessionStorage), collecting page errors."""

    def __init__(self, page: Any) -> None:
        self.page, self.errors = page, []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        # console errors count (a CSP refusal, say), except the browser's note on each refused request (4xx),
        # which these tests provoke on purpose and check through what the page shows
        page.on("console", lambda m: self.errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource") else None)

    @classmethod
    async def open(cls, browser: Any, base_url: str, token: str, who: str) -> Console:
        context = await browser.new_context()
        console = cls(await context.new_page())
        await console.page.goto(base_url + "/")
        await console.page.fill("#token", token)
        await console.page.click("#login-button")
        await pw.expect(console.page.locator("#who")).to_have_text(who)
        return console

    async def claim(self) -> str | None:
        """Click "next item"; the id shown, or None when the console says everything is done."""
        page = self.page
        await page.click("#claim")
        await pw.expect(page.locator("#claim")).to_be_enabled()
        if await page.locator("#item").is_visible():
            return await page.locator("#item-id").text_content()
        await pw.expect(page.locator("#notice")).to_contain_text("Rien à traiter")
        return None


async def test_an_agent_works_an_item_in_the_console(browser: Any, desk: Desk, base_url: str) -> None:
    text = "URGENT on recherche Camille vue à Bastille vers 22h"
    first, _, tip = await enqueue(desk.store, [
        pending("1", 1, "missing_person", text=text, received_at=1.0),
        pending("2", 1, "missing_person", text="RT @lea: urgent on recherche camille vue a bastille vers 22h 😢",
                received_at=2.0, network=Network.FACEBOOK),  # a repost: folded into the first item
        pending("3", 1, "witness_tip", text="voiture noire suspecte rue Oberkampf", received_at=3.0)])
    alice = await Console.open(browser, base_url, await desk.tokens.create("alice", "agent"), "alice · agent")
    page = alice.page
    queue_cell = page.locator('#depths td[data-queue="emergencies:p1"]')
    await pw.expect(queue_cell).to_have_text("2")

    assert await alice.claim() == first
    await pw.expect(page.locator("#item-priority")).to_have_text("P1")
    await pw.expect(page.locator("#item-category")).to_have_text("missing_person")
    await pw.expect(page.locator("#item-dups")).to_have_text("×2")
    await pw.expect(page.locator("#item-networks")).to_have_text("x, facebook")
    await pw.expect(page.locator("#item-reasons")).to_have_text("« metro »")
    await pw.expect(page.locator("#item-text")).to_have_text(text)
    await pw.expect(queue_cell).to_have_text("1")  # depths update live (polling)
    await page.click('#replies button[data-reply-id="missing_person"]')
    await page.click("#resolve")
    await pw.expect(page.locator("#notice")).to_contain_text("répondu")
    assert (await desk.store.item(first) or {})["reply_id"] == "missing_person"

    # a new critical item shows up in the depths without reloading
    await enqueue(desk.store, [pending("4", 0, "danger", text="ils tirent dans la salle on est caches")])
    await pw.expect(page.locator('#depths td[data-queue="emergencies:p0"]')).to_have_text("1")

    assert await alice.claim() == "x:4"  # P0 first
    await page.select_option("#esc-desk", "emergencies")  # already there: the API says why not
    await page.click("#escalate")
    await pw.expect(page.locator("#notice")).to_contain_text("invalid_escalation")
    await page.click("#release")
    await pw.expect(page.locator("#notice")).to_contain_text("rendu à la file")

    assert await alice.claim() == "x:4"
    await page.click("#resolve-noreply")
    assert await alice.claim() == tip
    await page.select_option("#esc-priority", "0")
    await page.fill("#esc-reason", "arme visible")
    await page.click("#escalate")
    await pw.expect(page.locator("#notice")).to_contain_text("escaladé")
    assert (await desk.store.item(tip) or {})["queue"] == "emergencies:p0"
    assert alice.errors == []


async def test_two_agents_in_two_browsers_never_get_the_same_item(browser: Any, desk: Desk, base_url: str) -> None:
    ids = await enqueue(desk.store, [pending(str(i), i % 3, ("danger", "witness_tip", "rumor")[i % 3],
                                             received_at=float(i)) for i in range(10)])
    alice = await Console.open(browser, base_url, await desk.tokens.create("alice", "agent"), "alice · agent")
    bob = await Console.open(browser, base_url, await desk.tokens.create("bob", "agent"), "bob · agent")
    got: dict[str, list[str]] = {"alice": [], "bob": []}
    while True:  # both click "next item" at the same moment, answer, and again
        claimed = await asyncio.gather(alice.claim(), bob.claim())
        for name, console, item_id in (("alice", alice, claimed[0]), ("bob", bob, claimed[1])):
            if item_id is not None:
                got[name].append(item_id)
                await console.page.fill("#reply", f"Réponse de {name}")
                await console.page.click("#resolve")
                await pw.expect(console.page.locator("#notice")).to_contain_text("répondu")
        if claimed == [None, None]:
            break
    assert not set(got["alice"]) & set(got["bob"])
    assert sorted(got["alice"] + got["bob"]) == sorted(ids) and got["alice"] and got["bob"]
    for item_id in ids:
        item = await desk.store.item(item_id) or {}
        assert item["state"] == "resolved" and item["reply"] == f"Réponse de {item['resolved_by']}"
    assert alice.errors == [] and bob.errors == []


async def test_a_supervisor_sees_who_holds_what(browser: Any, desk: Desk, base_url: str) -> None:
    [item_id] = await enqueue(desk.store, [pending("1", 2, "rumor")])
    alice = await Console.open(browser, base_url, await desk.tokens.create("alice", "agent"), "alice · agent")
    sam = await Console.open(browser, base_url, await desk.tokens.create("sam", "supervisor"), "sam · supervisor")
    await pw.expect(alice.page.locator("#supervisor")).to_be_hidden()
    assert await alice.claim() == item_id
    await pw.expect(sam.page.locator("#holders")).to_contain_text(f"alice : P2 {item_id}")
    await sam.page.fill("#reply-edit-id", "rumeur-metro")
    await sam.page.fill("#reply-edit-title", "Rumeur métro")
    await sam.page.fill("#reply-edit-text", "Le métro fonctionne normalement.")
    await sam.page.fill("#reply-edit-categories", "rumor")
    await sam.page.click("#reply-save")
    await pw.expect(sam.page.locator("#notice")).to_contain_text("enregistrée")
    assert (await desk.replies.get("rumeur-metro")) is not None
    assert alice.errors == [] and sam.errors == []
