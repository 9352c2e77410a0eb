"""Every main page of every demo role, at 1280 and 320 px: nothing runs sideways, nothing is clipped, and axe
finds no violation of any impact (the moderate "region" rule included).

The demo data (seed_demo) fills the lists and tables, so a table that is too wide for a phone shows here. The
pages are the header's own sections for the role (so the sweep follows the navigation the role is given), its
home and notifications, the first object each list links to, and the form pages that object's page links to.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from accounts.models import User
from browser_tests.conftest import ANY_IMPACT, PASSWORD, axe_violations, csp_check, screenshot, sign_in
from organisations.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each role's demo user is named after the role (organisations/demo.py), so a new role is swept as soon as it is.
DEMO_USERS = tuple(Role.values)
WIDTHS = (1280, 320)
FORMS_PER_OBJECT = 4  # form pages visited from each object's page (book, report, close...)

# Anything wider than the screen at 320 px: a table running sideways inside its scrolling container does not
# widen the document, and a control cut off by the header's overflow does not either, so both are looked for.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('table, select, input, button, textarea, .nhsuk-header__account-item')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.outerHTML.slice(0, 120) + ' right=' + Math.round(e.getBoundingClientRect().right));
  return {scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def header_sections(page: Page) -> list[str]:
    return page.eval_on_selector_all(".nhsuk-header__navigation-link[href]", "links => links.map(a => a.pathname)")


def first_object_link(page: Page) -> str | None:
    """The first object a list page links to (the first link in a table, a summary list or a card)."""
    links = page.eval_on_selector_all(
        "main table a[href], main .nhsuk-summary-list a[href], main .nhsuk-card a[href]",
        "links => links.map(a => a.pathname)",
    )
    here = urlsplit(page.url).path
    return next((link for link in links if link != here and link.rstrip("/").split("/")[-1].isdigit()), None)


def form_links(page: Page) -> list[str]:
    """Links from an object's page to its own pages (/referrals/12/book/ from /referrals/12/), downloads aside."""
    here = urlsplit(page.url).path
    links = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)")
    found = []
    for link in links:
        if link.startswith(here) and link != here and link not in found and "/documents/" not in link:
            found.append(link)
    return found[:FORMS_PER_OBJECT]


def check(page: Page, path: str, problems: list[str], name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(path)
        if response is None or response.status != 200:
            problems.append(f"{name} {path} at {width}: HTTP {response.status if response else '?'}")
            return
        csp_check(page)
        bad = axe_violations(page, ANY_IMPACT)
        if bad:
            problems.append(f"{name} {path} at {width}: axe " + json.dumps(bad))
        if width == 320:
            measured = page.evaluate(TOO_WIDE)
            if measured["scroll"] > 320 or measured["wide"]:
                problems.append(f"{name} {path} at 320: scrollWidth {measured['scroll']}, too wide {measured['wide']}")
        screenshot(page, f"layout-{name}{path.replace('/', '_')}-{width}")


# One test per role, so a failure names the role, `-k clinician` runs one, and the roles share out among workers.
@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_main_page_of_the_role_fits_320_px_with_no_axe_violation(demo_data: None, page: Page, username: str):
    problems: list[str] = []
    user = User.objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, user)
    sections = header_sections(page)
    assert sections, f"{username} has no main navigation"
    pages = ["/", "/notifications/", *sections]
    for section in sections:
        page.goto(section)
        target = first_object_link(page)
        if target and target not in pages:
            pages.append(target)
            page.goto(target)
            pages.extend(link for link in form_links(page) if link not in pages)
    for path in pages:
        check(page, path, problems, username)
    assert not problems, "\n".join(problems)
