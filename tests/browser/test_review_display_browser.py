"""In Debian's Chromium, against a real ``keyturn serve --demo``: kiro submits an understood
delete with a summary of its own ("read the logs"), markup, and characters that would hide or
reorder text (a bidi override, zero-width space, escape). The page alice reads leads with
keyturn's headline, shows the agent's words only labelled, runs no script, and shows each hidden
character spelled out and marked."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.browser.test_review_pages import ARGS, CHROMIUM, SHOTS
from tests.browser.test_review_pages import demo as demo  # the fixture, by name

from keyturn.model import Target
from keyturn.understand.shell import understand_shell

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HIDDEN = "\u202e\u200b\x1b[8m"
CLAIM = "read the logs<img src=x onerror=alert(1)>" + HIDDEN


def test_the_page_shows_keyturns_headline_and_spells_out_hidden_characters(
    demo: tuple[str, dict[str, str]],
) -> None:
    from playwright.sync_api import Dialog, expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run 'make system-deps'")
    url, tokens = demo
    action = understand_shell(
        f"rm -rf '/srv/app/data{HIDDEN}'", cwd="/srv/app", target=Target(environment="production")
    )
    answer = httpx.post(
        url + "/v1/decisions",
        headers={"Authorization": f"Bearer {tokens['kiro']}"},
        json={
            "action": action.canonical(),
            "summary": CLAIM,
            "actor": {"agent": "kiro", "operator": "bob"},
        },
        timeout=30,
    ).json()
    assert answer["verdict"] == "ask", answer
    request_id = answer["request_id"]

    SHOTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def on_dialog(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url + "/")
        page.fill("#token", tokens["alice"])
        page.click("button[type=submit]")
        expect(page.locator("header .who")).to_contain_text("alice")
        row = page.locator(f'td.summary a[href="/requests/{request_id}"]')
        expect(row).to_contain_text("shell: delete file:/srv/app/data")
        assert "read the logs" not in row.inner_text()

        page.goto(f"{url}/requests/{request_id}")
        headline = page.locator("#headline").inner_text()
        assert headline.startswith("shell: delete file:/srv/app/data"), headline
        assert "read the logs" not in headline
        assert "\\u202e" in headline and "\u202e" not in headline
        submitted = page.locator("#submitted").inner_text()
        assert "agent's description (unverified)" in submitted and "read the logs" in submitted
        expect(page.locator("span.esc").first).to_be_visible()
        body = page.locator("main").inner_text()
        assert "\u202e" not in body and "\u200b" not in body and "\x1b" not in body
        assert page.locator("main img").count() == 0
        page.screenshot(path=str(SHOTS / "10-hidden-characters.png"), full_page=True)
        browser.close()
    assert dialogs == []
