"""Real-browser tests: Playwright drives Debian's Chromium against the portal on a live server with the
real database, under the portal's real Content Security Policy. axe-core checks every page visited, and a page
that logs a CSP violation fails; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import Download, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# What Chromium logs when the page's policy refuses something (a script, a style, a font, a frame...).
CSP_VIOLATION = "Content Security Policy"


@pytest.fixture
def page(browser, live_server):
    # No bypass_csp: it would switch the policy off for the whole page, and hide what it blocks.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    # This machine cannot reach the NHS font server; refuse at once rather than wait for DNS on every page.
    context.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15000)
    page.csp_violations = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: CSP_VIOLATION in message.text and page.csp_violations.append(message.text),  # type: ignore[attr-defined]
    )
    yield page
    context.close()


def csp_check(page: Page) -> None:
    """Fail if the current page, or any before it in this test, broke the Content Security Policy."""
    violations = page.csp_violations  # type: ignore[attr-defined]
    assert not violations, f"{page.url}: CSP violations:\n" + "\n".join(violations)


SERIOUS_IMPACTS = ("serious", "critical")
ANY_IMPACT = ("minor", "moderate", "serious", "critical")
# Every rule set axe has, the experimental rules (off by default) included: what check_page runs.
EVERY_RULE_SET = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice", "experimental"]
WIDTHS = (1280, 320)


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS_IMPACTS, *, every_rule: bool = False) -> list[dict]:
    """The current page's axe-core violations of these impacts, each as rule id, impact, help and a few nodes;
    with `every_rule`, from every rule set, experimental rules included (axe's default leaves those out)."""
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> tag would be).
    page.evaluate(AXE.read_text())
    options: dict = {"resultTypes": ["violations"]}
    if every_rule:
        options["runOnly"] = {"type": "tag", "values": EVERY_RULE_SET}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"][:160] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def axe_check(page: Page, impacts: tuple[str, ...] = SERIOUS_IMPACTS) -> None:
    """Fail on any serious or critical accessibility violation on the current page (or, with
    `impacts=ANY_IMPACT`, on any violation at all), or a CSP violation."""
    csp_check(page)
    bad = axe_violations(page, impacts)
    assert not bad, f"{page.url}:\n" + json.dumps(bad, indent=2)


def axe_check_all(page: Page) -> None:
    """axe_check failing on violations of any impact, minor and moderate included (the "region" rule too)."""
    axe_check(page, ANY_IMPACT)


def fits_the_screen(page: Page) -> None:
    """Fail if the current page scrolls sideways at the viewport's width (320 px is the narrowest phone)."""
    width = page.viewport_size["width"] if page.viewport_size else 1280
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px: it scrolls sideways"


def check_page(page: Page, name: str | None = None) -> None:
    """The one check of a page in a journey: no CSP violation so far, axe finds nothing (every rule set,
    experimental included, any impact), and nothing scrolls sideways at the viewport's width. With a name, a
    screenshot too (the width is added to the name)."""
    csp_check(page)
    bad = axe_violations(page, ANY_IMPACT, every_rule=True)
    assert not bad, f"{page.url}:\n" + json.dumps(bad, indent=2)
    fits_the_screen(page)
    if name:
        width = page.viewport_size["width"] if page.viewport_size else 1280
        screenshot(page, f"{name}-{width}")


def at_each_width(page: Page, name: str | None = None, widths: tuple[int, ...] = WIDTHS) -> None:
    """check_page on the current page at each width (desktop and the narrowest phone), then back to the first."""
    height = page.viewport_size["height"] if page.viewport_size else 900
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        check_page(page, name)
    page.set_viewport_size({"width": widths[0], "height": height})


def follow(page: Page, selector: str, check: Callable[[Page], None] = axe_check) -> None:
    """Click a link or submit button, wait for the page it leads to, then check that page (`check`).

    Without the wait, axe can run while the old document is being torn down ("document is null").
    """
    with page.expect_navigation():
        page.click(selector)
    check(page)


def visit(page: Page, path: str, check: Callable[[Page], None] = axe_check) -> None:
    page.goto(path)
    check(page)


def sign_in(page: Page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/")
    axe_check(page)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    if "/accounts/two-factor/" in page.url:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise AssertionError("this test user needs a confirmed TOTP device")
        # A code is good once: a second sign-in within the same 30 seconds uses the next step's code, which the
        # device's tolerance accepts.
        drift = 1 if device.last_t >= (int(time.time()) - device.t0) // device.step else 0
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
        page.fill("#id_code", f"{code:06d}")
        page.click("button:has-text('Continue')")
    page.wait_for_url("**/")


def sign_out(page: Page) -> None:
    page.click("button:has-text('Sign out')")


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def chart_is_drawn(page: Page) -> None:
    """The first chart's pixels: a white plot with the NHS blue line, not a black (or blank, one-colour) box."""
    chart = page.locator("figure.ohwb-chart svg").first
    pixels = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    colours = Counter({colour: n for n, colour in pixels.getcolors(maxcolors=pixels.width * pixels.height)})
    total = pixels.width * pixels.height
    assert len(colours) > 10, colours.most_common(3)
    assert colours[(255, 255, 255)] > total / 2, colours.most_common(3)
    assert sum(n for (r, g, b), n in colours.items() if r + g + b < 60) < total / 20, colours.most_common(3)
    assert any(abs(r - 0x00) + abs(g - 0x5E) + abs(b - 0xB8) < 40 for (r, g, b) in colours), "no NHS blue series"


def read_pdf(download: Download, name: str) -> tuple[dict[str, str], str]:
    """Save a downloaded PDF under test-artifacts/ (to look at) and read it as poppler does: `pdfinfo`'s fields
    (Tagged: yes for a PDF in the accessibility structure) and `pdftotext`'s text."""
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    saved = SCREENSHOTS.parent / f"{name}.pdf"
    download.save_as(saved)
    tools = "pdfinfo and pdftotext (poppler-utils, installed by scripts/setup_browser.sh)"
    assert shutil.which("pdfinfo") and shutil.which("pdftotext"), f"the browser tests need {tools}"
    info_text = subprocess.run(["pdfinfo", str(saved)], capture_output=True, text=True, check=True).stdout  # noqa: S603,S607
    info = dict(line.split(":", 1) for line in info_text.splitlines() if ":" in line)
    text = subprocess.run(["pdftotext", "-layout", str(saved), "-"], capture_output=True, text=True, check=True)  # noqa: S603,S607
    return {key.strip(): value.strip() for key, value in info.items()}, text.stdout


__all__ = [
    "ANY_IMPACT",
    "WIDTHS",
    "at_each_width",
    "axe_check",
    "axe_check_all",
    "axe_violations",
    "chart_is_drawn",
    "check_page",
    "csp_check",
    "fits_the_screen",
    "follow",
    "read_pdf",
    "screenshot",
    "sign_in",
    "sign_out",
    "tempfile",
    "visit",
]
