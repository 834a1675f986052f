"""The reviewers' pages in Debian's Chromium, against a real ``keyturn serve --demo`` process:
alice and carol approve kiro's delete-and-recreate of production; bob, the operator, is
refused on the page. Screenshots are kept under ``artifacts/screenshots/``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def demo(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env["KEYTURN_HOME"] = str(tmp_path / "home")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "keyturn",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            proc.kill()
            pytest.fail(
                "keyturn serve --demo did not start: " + (proc.stdout.read() if proc.stdout else "")
            )
        tokens = json.loads((tmp_path / "home" / "demo-tokens.json").read_text())
        yield url, tokens
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_two_reviewers_approve_and_the_operator_is_refused(
    demo: tuple[str, dict[str, str]],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run 'make system-deps'")
    url, tokens = demo
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def sign_in(who: str) -> None:
            page.goto(url + "/")
            expect(page.locator("h1")).to_have_text("Sign in")
            page.fill("#token", tokens[who])
            page.click("button[type=submit]")
            expect(page.locator("header .who")).to_contain_text(who)

        def sign_out() -> None:
            page.click("header .who button")
            expect(page.locator("h1")).to_have_text("Sign in")

        def vote(who: str, reason: str) -> None:
            page.click("td.summary a")
            expect(page.locator("h1")).to_contain_text("Request")
            page.fill("#approve-reason", reason)
            page.click("#approve")

        sign_in("alice")
        expect(page.locator("table.list tbody tr")).to_have_count(1)
        expect(page.locator("table.list")).to_contain_text("kiro")
        expect(page.locator("table.list")).to_contain_text("production")
        page.screenshot(path=str(SHOTS / "01-queue.png"))
        assert tokens["alice"] not in page.content()
        page.click("td.summary a")
        expect(page.locator("table.effects")).to_contain_text("aws_vpc.main")
        expect(page.locator("details.diff").first).to_contain_text("depend on it")
        # Each effect's badge reads as one word: "replace" broken into "replac/e" in the
        # narrow first column was the page's own misprint of what will happen.
        for badge in page.locator("table.effects .effect").all():
            box = badge.bounding_box()
            assert box is not None and box["height"] < 2 * 12 * 1.2 + 2, badge.inner_text()
        page.screenshot(path=str(SHOTS / "02-request.png"), full_page=True)
        page.fill("#approve-reason", "checked the plan with the team")
        page.click("#approve")
        expect(page.locator(".flash.ok")).to_contain_text("pending")
        expect(page.locator("#still")).to_contain_text("1 more approval")
        page.screenshot(path=str(SHOTS / "03-alice-approved.png"))
        sign_out()

        sign_in("bob")
        vote("bob", "it is my change")
        expect(page.locator(".flash.error")).to_contain_text("operator")
        expect(page.locator("#state")).to_have_text("pending")
        page.screenshot(path=str(SHOTS / "04-bob-refused.png"))
        sign_out()

        sign_in("carol")
        vote("carol", "second pair of eyes")
        expect(page.locator("#state")).to_have_text("approved")
        page.screenshot(path=str(SHOTS / "05-carol-approved.png"))
        page.goto(url + "/history")
        expect(page.locator("table.list")).to_contain_text("approved")
        page.goto(url + "/audit")
        expect(page.locator("#verify")).to_contain_text("audit log verifies")
        page.screenshot(path=str(SHOTS / "06-audit.png"))
        browser.close()
