"""Procurement compares suppliers, raises a call-off from the comparison, changes a variation before sending it,
and the supplier's named signatory counter-signs with the declaration: at desktop and phone widths."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import check_page, follow, screenshot, sign_in, sign_out, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page: Page, prefix: str, day) -> None:  # type: ignore[no-untyped-def]
    page.fill(f"#id_{prefix}_0", str(day.day))
    page.fill(f"#id_{prefix}_1", str(day.month))
    page.fill(f"#id_{prefix}_2", str(day.year))


@pytest.mark.parametrize("width", [1280, 320])
def test_procurement_raises_from_compare_varies_and_the_named_signatory_signs(page: Page, world, width):
    from organisations.models import Membership
    from suppliers import services
    from suppliers.models import CallOff
    from suppliers.tests.conftest import Dps

    dps = Dps(world)
    procurement, supplier_user = dps.procurement, dps.acme_user
    for user, (first, last, title) in (
        (procurement, ("Sam", "Okafor", "Head of Procurement")),
        (supplier_user, ("Jo", "Reed", "Commercial Director")),
    ):
        user.first_name, user.last_name = first, last
        user.save()
        Membership.objects.filter(user=user).update(job_title=title)
    page.set_viewport_size({"width": width, "height": 900})

    sign_in(page, procurement)
    visit(page, "/suppliers/")
    check_page(page)
    page.check(f"#cmp-{dps.acme.pk}", force=True)
    page.check(f"#cmp-{dps.beta.pk}", force=True)
    follow(page, "button:has-text('Compare selected')")
    expect(page.locator("table")).to_contain_text("Not offered")
    check_page(page)
    screenshot(page, f"call-offs-compare-{width}")
    follow(page, f"a[href^='/suppliers/{dps.acme.pk}/call-off/']")
    expect(page.locator("h1")).to_contain_text("Raise a call-off agreement")
    expect(page.locator("#id_supplier_signatory")).to_contain_text("Jo Reed, Commercial Director")
    today = timezone.localdate()
    _fill_date(page, "start_date", today)
    _fill_date(page, "end_date", today + timedelta(days=365))
    page.fill("#id_estimated_value", "75000")
    page.select_option("#id_client_signatory", str(procurement.pk))
    page.select_option("#id_supplier_signatory", str(supplier_user.pk))
    check_page(page)
    follow(page, "button:has-text('Save as draft')")
    follow(page, "button:has-text('Send for signature')")
    expect(page.locator("form[action$='/sign/']")).to_contain_text("I am authorised to sign")
    follow(page, "button:has-text('Sign the agreement')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Tick the box to confirm the declaration")
    page.check("#id_declared", force=True)
    follow(page, "button:has-text('Sign the agreement')")
    expect(page.locator("body")).to_contain_text("Awaiting supplier signature")
    call_off_url = page.url
    sign_out(page)

    sign_in(page, supplier_user)
    visit(page, call_off_url)
    expect(page.locator("body")).to_contain_text("Jo Reed, Commercial Director")
    page.check("#id_declared", force=True)
    follow(page, "button:has-text('Sign the agreement')")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Active")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Signed by Jo Reed")
    check_page(page)
    sign_out(page)

    sign_in(page, procurement)
    visit(page, call_off_url)
    follow(page, "button:has-text('Make a variation')")
    follow(page, "a:has-text('Change the draft')")
    page.fill("#id_estimated_value", "90000")
    check_page(page)
    follow(page, "button:has-text('Save changes')")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("£90,000")
    follow(page, "button:has-text('Send for signature')")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Awaiting client signature")
    variation = CallOff.objects.get(variation_number=1)
    assert variation.estimated_value == 90000
    services.sign(call_off=variation, by=procurement, declared=True)
    sign_out(page)

    sign_in(page, supplier_user)
    visit(page, f"/suppliers/call-offs/{variation.pk}/")
    page.check("#id_declared", force=True)
    follow(page, "button:has-text('Sign the agreement')")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Active")
    check_page(page)
    screenshot(page, f"call-offs-variation-signed-{width}")
