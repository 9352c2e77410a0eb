"""Real-browser tests: Playwright drives Debian's Chromium against the portal on a live server with the
real database, under the portal's real Content Security Policy. axe-core checks every page visited, and a page
that logs a CSP violation fails; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, sync_playwright

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


def axe_violations(page: Page, impacts: tuple[str, ...] = SERIOUS_IMPACTS) -> list[dict]:
    """The current page's axe-core violations of these impacts, each as rule id, impact, help and a few nodes."""
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> tag would be).
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
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


def follow(page: Page, selector: str) -> None:
    """Click a link or submit button, wait for the page it leads to, then check that page.

    Without the wait, axe can run while the old document is being torn down ("document is null").
    """
    with page.expect_navigation():
        page.click(selector)
    axe_check(page)


def visit(page: Page, path: str) -> None:
    page.goto(path)
    axe_check(page)


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


__all__ = [
    "ANY_IMPACT",
    "axe_check",
    "axe_check_all",
    "axe_violations",
    "csp_check",
    "fits_the_screen",
    "follow",
    "screenshot",
    "sign_in",
    "sign_out",
    "tempfile",
    "visit",
]
