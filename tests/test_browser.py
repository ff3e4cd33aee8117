"""Every published page opens in headless Chromium without console errors and without any
request that leaves the file (no CDN, no fonts, no tracking); a screenshot of each is saved.

Chromium comes from Debian's `chromium` package (.ci/run installs it); Playwright drives it
through `executable_path` and never downloads a browser of its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(
    os.environ.get(
        "SELFRELIANCE_SCREENSHOTS",
        Path(__file__).resolve().parents[1] / ".pytest_cache" / "screenshots",
    )
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium package (see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def test_every_page_is_clean_in_a_browser(browser, published_reports):
    pages = sorted(published_reports.parent.glob("*.html"))
    assert len(pages) >= 10
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for path in pages:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        errors, outside = [], []
        own = path.as_uri()
        page.on(
            "console",
            lambda m, errors=errors: (
                errors.append(m.text) if m.type in ("error", "warning") else None
            ),
        )
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.on(
            "request",
            lambda r, outside=outside, own=own: (
                outside.append(r.url) if not (r.url == own or r.url.startswith("data:")) else None
            ),
        )
        page.goto(path.as_uri(), wait_until="load")
        page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"), full_page=True)
        # The page must render real content: a heading and at least one table or list.
        assert page.locator("h1").count() >= 1, path.name
        assert page.locator("table, ul, ol").count() >= 1, path.name
        if errors or outside:
            problems.append((path.name, errors, outside))
        context.close()
    assert not problems, problems


def test_pages_print_to_a4(browser, published_reports):
    page = browser.new_page()
    page.goto((published_reports.parent / "management.html").as_uri())
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    page.close()
