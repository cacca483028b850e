"""Debian's headless Chromium driven by Playwright (``executable_path=/usr/bin/chromium``; Playwright's own
browser download is never used), with every console error and uncaught page error collected so that a test
can fail on them. ``scripts/setup-browser`` installs Chromium; the browser tests fail with that hint when it is
missing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.gateway import GatewrightProcess

CHROMIUM = os.environ.get("GATEWRIGHT_TEST_CHROMIUM", "/usr/bin/chromium")
# The flags this machine needs (docs of the machine): no sandbox as root, no GPU, and no background traffic
# (Chromium's own connections would be refused by the closed network).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions of one page, plus requests that left 127.0.0.1."""

    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    # Console errors a test provokes on purpose (Chromium logs every HTTP error answer to fetch as one).
    expected: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("request", self._request)

    def expect_error(self, words: str) -> None:
        """Allow one console error containing ``words`` (a refusal the test asks for)."""
        self.expected.append(words)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = f"console.{message.type}: {message.text}"
        for i, words in enumerate(self.expected):
            if words in text:
                del self.expected[i]
                return
        self.errors.append(text)

    def _request(self, request: Any) -> None:
        url: str = request.url
        if not url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            self.foreign.append(url)


def launch(playwright: Any) -> Any:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/setup-browser (as root) first")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)


def browser_session() -> Iterator[Any]:
    """For a fixture: ``yield from browser_session()`` gives a launched browser, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


class Shots:
    """Screenshots of the steps: into $GATEWRIGHT_CONSOLE_SCREENSHOTS (docs/console refreshes the committed
    ones) when set, else into the test's temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Any, name: str, *, full_page: bool = True) -> None:
        page.screenshot(path=str(self.folder / f"{name}.png"), full_page=full_page, animations="disabled")


def log_in(page: Any, server: GatewrightProcess, shots: Shots | None = None) -> None:
    """With the keyboard only: the admin key pair, then Enter."""
    from playwright.sync_api import expect

    creds = server.credentials()
    page.goto("/console")
    expect(page.get_by_role("heading", name="Log in to gatewright")).to_be_visible()
    page.get_by_label("Access key ID").focus()
    page.keyboard.type(creds["accessKeyId"])
    page.keyboard.press("Tab")
    page.keyboard.type(creds["secretAccessKey"])
    if shots:
        shots(page, "01-login")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Gateways")).to_be_visible()
