"""Service maturity through the pages, at desktop and phone width (parametrised), under the real CSP with axe (every
rule set, any impact; no sideways scroll); screenshots go to test-artifacts/screenshots/.

Trust A's in-house OH service: its administrator starts an assessment, tries to submit it with no domain rated (told
which, in words), attaches a file that is not a PDF (the error summary says so, and the evidence typed and the level
chosen are kept), then a real PDF, rates every domain and submits; the next draft starts from those levels. A
framework admin comments; Trust A's board reads the levels, the comment and the levels over time, and is refused the
draft (a 404, as for anything it may not see). Procurement sees a supplier's levels beside its accreditation in the
directory and the comparison.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser_tests.conftest import check_page, follow, sign_in, sign_out, visit
from commissioning.maturity.models import Domain, Level, MaturityAssessment, Status
from commissioning.maturity.tests.factories import assessment_by
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import confirmed_totp_device, member
from suppliers.tests.conftest import Dps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(role, organisation):  # type: ignore[no-untyped-def]
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    return user


def evidence_pdf(folder: Path) -> Path:
    """A real one-page PDF, made as the board report is (WeasyPrint)."""
    from weasyprint import HTML

    path = folder / "seqohs-certificate.pdf"
    HTML(string="<html lang='en-GB'><title>SEQOHS</title><h1>SEQOHS accreditation</h1></html>").write_pdf(path)
    return path


@pytest.mark.parametrize("width", [1280, 320])
def test_the_service_assesses_itself_and_its_clients_and_the_framework_read_it(
    page: Page, world, settings, tmp_path, width
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    oh_admin = person(Role.OH_ADMIN, world.oh_service)
    board = person(Role.BOARD, world.trust_a)
    framework_admin = person(Role.FRAMEWORK_ADMIN, world.framework_operator)
    dps = Dps(world)
    assessment_by(dps.acme_user, "submitted", level=Level.ENHANCED)
    not_a_pdf = tmp_path / "minutes.pdf"
    not_a_pdf.write_text("Minutes of the OH governance meeting, typed as plain text")
    real_pdf = evidence_pdf(tmp_path)
    page.set_viewport_size({"width": width, "height": 900})
    main = page.locator("main")

    # The OH administrator: from the home page to a new draft.
    sign_in(page, oh_admin)
    follow(page, "main a:has-text('Service maturity')", check_page)
    follow(page, "button:has-text('Start a new assessment')")
    expect(main).to_contain_text("Not rated yet")
    check_page(page, "maturity-draft")
    draft = MaturityAssessment.objects.get(service=world.oh_service, status=Status.DRAFT)

    # A mistake first: submitting with no domain rated is refused, naming the domains.
    follow(page, "button:has-text('Submit assessment')")
    expect(main).to_contain_text("Choose a level for every domain before you submit. Not rated yet: Leadership")
    check_page(page, "maturity-submit-refused")

    # A second: a text file named .pdf. The summary says why; the level and the evidence typed are kept.
    follow(page, "a:has-text('Change Quality, outcomes and accreditation')")
    page.check("input[name='level'][value='transformative']", force=True)
    page.fill("#id_evidence", "SEQOHS reaccredited in March with no actions")
    page.set_input_files("#id_documents", str(not_a_pdf))
    follow(page, "button:has-text('Save domain')")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("minutes.pdf must be a PDF, Word document (DOCX), PNG or JPEG")
    expect(page.locator("#id_evidence")).to_have_value("SEQOHS reaccredited in March with no actions")
    expect(page.locator("input[name='level'][value='transformative']")).to_be_checked()
    expect(page).to_have_title(re.compile(r"^Error: Quality, outcomes and accreditation"))
    check_page(page, "maturity-domain-error")
    page.set_input_files("#id_documents", str(real_pdf))
    follow(page, "button:has-text('Save domain')")
    expect(main).to_contain_text("Quality, outcomes and accreditation saved.")
    expect(main).to_contain_text("seqohs-certificate.pdf")

    # The other domains, then the submission.
    for code, label in Domain.choices:
        if code == Domain.QUALITY:
            continue
        follow(page, f"a:has-text('Change {label}')")
        page.check("input[name='level'][value='enhanced']", force=True)
        page.fill("#id_evidence", f"Our evidence of the enhanced level: {label}")
        follow(page, "button:has-text('Save domain')")
    check_page(page, "maturity-rated")
    follow(page, "button:has-text('Submit assessment')")
    expect(main).to_contain_text("Assessment submitted")
    expect(page.locator("h1")).to_contain_text("Submitted")
    expect(page.locator("a:has-text('Change')")).to_have_count(0)
    check_page(page, "maturity-submitted")
    # The next assessment starts from these levels, and stays the service's own until it is submitted.
    visit(page, "/maturity/")
    follow(page, "button:has-text('Start a new assessment')")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Transformative")
    next_draft = MaturityAssessment.objects.get(service=world.oh_service, status=Status.DRAFT)
    sign_out(page)

    # A framework admin comments on the submitted assessment.
    sign_in(page, framework_admin)
    follow(page, "main a:has-text('Service maturity')", check_page)
    follow(page, f"a[href='/maturity/{draft.pk}/']")
    page.fill("#id_text", "A model of evidence for quality: please share the reaccreditation report.")
    follow(page, "button:has-text('Add comment')")
    expect(main).to_contain_text("Comment added.")
    check_page(page, "maturity-commented")
    sign_out(page)

    # Trust A's board: the levels, the comment and the levels over time; never the draft.
    sign_in(page, board)
    follow(page, "main a:has-text('Service maturity')", check_page)
    expect(main).not_to_contain_text("Draft")
    check_page(page, "maturity-board-list")
    follow(page, f"a[href='/maturity/{draft.pk}/']")
    rows = page.locator(".nhsuk-summary-list")
    expect(rows).to_contain_text("Transformative")
    expect(rows).to_contain_text("seqohs-certificate.pdf")
    expect(main).to_contain_text("please share the reaccreditation report")
    expect(page.locator("#id_text")).to_have_count(1)  # the board may comment too
    check_page(page, "maturity-board-reads")
    visit(page, "/maturity/")
    follow(page, "a:has-text('levels over time')")
    expect(page.locator("table")).to_contain_text("(current)")
    expect(page.locator("tr", has_text="Quality, outcomes and accreditation")).to_contain_text("Transformative")
    check_page(page, "maturity-board-history")
    response = page.goto(f"/maturity/{next_draft.pk}/")
    assert response is not None and response.status == 404
    expect(main).not_to_contain_text("Transformative")
    check_page(page)
    sign_out(page)

    # Procurement: a supplier's levels beside its accreditation, in the directory and the comparison.
    sign_in(page, dps.procurement)
    visit(page, "/suppliers/", check_page)
    acme = page.locator("tr", has_text="Acme OH Ltd")
    expect(acme).to_contain_text("Leadership, governance and culture: Enhanced")
    expect(acme).to_contain_text("Self-assessed")
    expect(page.locator("tr", has_text="Beta Health Ltd")).to_contain_text("No maturity assessment submitted")
    check_page(page, "maturity-directory")
    page.check(f"#cmp-{dps.acme.pk}", force=True)
    page.check(f"#cmp-{dps.beta.pk}", force=True)
    follow(page, "button:has-text('Compare selected')")
    expect(page.locator("tr", has_text="Service maturity")).to_contain_text(
        "Quality, outcomes and accreditation: Enhanced"
    )
    check_page(page, "maturity-compare")
