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

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("request", self._request)

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
