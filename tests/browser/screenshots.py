"""Screenshot pages of a running server at desktop and phone sizes, to look at the UI.

Example (docs/screenshot.png is desktop-0.png of the bundled corpus, as `make serve` shows it):
    artsearch reindex corpus --index /tmp/bundled
    artsearch serve --index /tmp/bundled --port 8080 &
    PYTHONPATH=.:tests/browser python tests/browser/screenshots.py http://127.0.0.1:8080 /tmp/shots "/?q=syria"
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, MOBILE
from playwright.sync_api import sync_playwright


def main(base_url: str, out_dir: str, *paths: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for name, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
            context = browser.new_context(viewport=viewport, base_url=base_url)
            page = context.new_page()
            for number, path in enumerate(paths or ["/?q=vaccine"]):
                page.goto(path, wait_until="networkidle")
                page.screenshot(path=out / f"{name}-{number}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
