"""Browser fixtures: a real ``artsearch serve`` on a free port, driven by headless Chromium.

The server is built and started exactly as a user would (``artsearch reindex`` then
``artsearch serve`` as subprocesses), so these tests cover the CLI, waitress and the
templates together. Without Chromium or Playwright the tests skip, unless
``ARTSEARCH_REQUIRE_BROWSER=1`` (set in CI), where a skip would hide a broken setup.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import running_server

CHROMIUM = Path(os.environ.get("ARTSEARCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXTURE_CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "articles.jsonl"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 800}

# Wraps window.alert/confirm/prompt before any page script runs, so an injected call is
# recorded even if something swallowed the dialog event.
RECORD_DIALOGS = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt"]) {
  const original = window[name];
  window[name] = function (message) {
    window.__dialogs.push(name + ":" + String(message));
    return original.apply(window, arguments);
  };
}
"""


def unavailable(reason: str):
    """Skip for a missing browser, or fail when CI says the browser must be there."""
    if os.environ.get("ARTSEARCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (ARTSEARCH_REQUIRE_BROWSER=1, so this is an error, not a skip)")
    pytest.skip(reason)


def artsearch_command() -> list[str]:
    """The installed ``artsearch`` script of this interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "artsearch"
    found = str(beside) if beside.exists() else shutil.which("artsearch")
    if not found:
        pytest.fail("the artsearch command is not installed (pip install -e .)")
    return [found]


@pytest.fixture(scope="session")
def browser_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("browser-index")
    subprocess.run(
        [*artsearch_command(), "reindex", str(FIXTURE_CORPUS), "--index", str(index_dir), "--quiet"],
        check=True, capture_output=True, text=True, timeout=120,
    )
    return index_dir


@pytest.fixture(scope="session")
def server(browser_index) -> Iterator[str]:
    """Base URL (no trailing slash) of a live ``artsearch serve`` over the fixture corpus."""
    with running_server(browser_index, command=artsearch_command()) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did that it should not: dialogs opened and requests to other hosts."""

    def __init__(self, server: str):
        self.origin = server
        self.dialogs: list[str] = []
        self.requests: list[str] = []

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests
                if not (url.startswith(self.origin + "/") or url.startswith(("data:", "about:")))]

    def recorded_dialogs(self, page) -> list[str]:
        return self.dialogs + page.evaluate("window.__dialogs || []")


@pytest.fixture
def watch(server) -> Watch:
    return Watch(server)


@pytest.fixture
def open_page(browser, server, watch):
    """Open a fresh context (own cookies, viewport, JS switch) and return its page."""
    contexts = []

    def open_page(*, viewport=DESKTOP, javascript: bool = True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript, base_url=server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(RECORD_DIALOGS)

        def on_dialog(dialog):
            watch.dialogs.append(f"{dialog.type}:{dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("request", lambda request: watch.requests.append(request.url))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()
