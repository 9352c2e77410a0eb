"""Suppliers, the framework admin, the ICS board and the IG lead in a real browser, under the real CSP, at 1280 px
and 320 px: every page checked with check_page (axe with every rule set, experimental included, no violation of
any impact; no sideways scroll), the charts' pixels looked at, and the PDFs read with poppler (tagged, in words).

Procurement's side of the DPS (directory, compare, raise, vary, sign) is browser_tests/test_call_offs.py, a trust
board's dashboard and report is test_board.py, and the access log's filters in detail are test_ig_and_checks.py."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from audit.models import AccessKind, AccessLogEntry
from audit.services import log_access
from browser_tests.conftest import (
    chart_is_drawn,
    check_page,
    follow,
    read_pdf,
    screenshot,
    sign_in,
    visit,
)
from metrics.periods import last_months
from organisations.models import Employee, Membership
from organisations.roles import TWO_FACTOR_ROLES, OrganisationKind, Role
from organisations.tests.factories import EmployeeFactory, OrganisationFactory, confirmed_totp_device, member
from referrals.models import Referral
from referrals.tests.factories import ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = pytest.mark.parametrize("width", [1280, 320])


def person(role, organisation, first="", last=""):  # type: ignore[no-untyped-def]
    user = member(role, organisation)
    if role in TWO_FACTOR_ROLES:
        confirmed_totp_device(user)
    if first:
        user.first_name, user.last_name = first, last
        user.save()
    return user


def go(page: Page, selector: str) -> None:
    """Click, wait for the next page, and check it as a person would meet it."""
    follow(page, selector, check=check_page)


def fill_date(page: Page, prefix: str, day: date) -> None:
    for part, value in enumerate((day.day, day.month, day.year)):
        page.fill(f"#id_{prefix}_{part}", str(value))


def error_links(page: Page) -> list[tuple[str, str]]:
    """The error summary's entries: (text, where its link goes)."""
    found = page.eval_on_selector_all(
        ".nhsuk-error-summary__list a", "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    return [(text, href) for text, href in found]


@WIDTH
def test_supplier_counter_signs_makes_a_return_and_asks_for_a_profile_change(page: Page, world, width):
    from suppliers import services
    from suppliers.models import CallOff, ServiceLevelMetric
    from suppliers.tests.conftest import Dps

    dps = Dps(world)
    supplier_user = dps.acme_user
    supplier_user.first_name, supplier_user.last_name = "Jo", "Reed"
    supplier_user.save()
    Membership.objects.filter(user=supplier_user).update(job_title="Commercial Director")
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # the first of last month
    agreement = services.raise_call_off(
        by=dps.procurement,
        supplier=dps.acme,
        lots=[dps.lots["management_referrals"]],
        start_date=start,
        end_date=start + timedelta(days=365),
        estimated_value=60000,
        client_signatory=dps.procurement,
        supplier_signatory=supplier_user,
        service_levels=[{"metric": ServiceLevelMetric.APPOINTMENT_WITHIN, "working_days": 10}],
    )
    services.send_for_signature(call_off=agreement, by=dps.procurement)
    services.sign(call_off=agreement, by=dps.procurement, declared=True)
    page.set_viewport_size({"width": width, "height": 900})

    # Counter-sign: the declaration first, then the agreement is active and says who signed.
    sign_in(page, supplier_user)
    visit(page, f"/suppliers/call-offs/{agreement.pk}/", check=check_page)
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Awaiting supplier signature")
    go(page, "button:has-text('Sign the agreement')")
    assert error_links(page) == [("Tick the box to confirm the declaration before you sign", "#id_declared")]
    page.check("#id_declared", force=True)
    go(page, "button:has-text('Sign the agreement')")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Active")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Signed by Jo Reed")
    screenshot(page, f"supplier-call-off-signed-{width}")

    # A monthly return: blank, then for a month before the agreement, each said on its field; then a good one.
    go(page, "a:has-text('Submit a monthly return')")
    go(page, "button:has-text('Submit return')")
    problems = dict(error_links(page))
    assert set(problems.values()) == {
        "#id_month_0",
        "#id_cases_handled",
        f"#{page.locator('input[id^=id_level_]').get_attribute('id')}",
    }
    assert "This field is required." not in page.locator("main").inner_text()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the month of the return")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter how many cases you handled in the month")
    before = start - timedelta(days=1)
    fill_date(page, "month", before)
    page.fill("#id_cases_handled", "14")
    page.locator("input[id^=id_level_]").fill("96")
    go(page, "button:has-text('Submit return')")
    outside = f"{before:%B %Y} is outside this agreement"
    assert [(text[: len(outside)], href) for text, href in error_links(page)] == [(outside, "#id_month_0")]
    expect(page.locator("#id_month-error, .nhsuk-form-group--error .nhsuk-error-message").first).to_contain_text(
        outside
    )
    screenshot(page, f"supplier-return-outside-{width}")
    fill_date(page, "month", start)
    go(page, "button:has-text('Submit return')")
    expect(page.locator(".nhsuk-notification-banner, .nhsuk-inset-text, main").first).to_contain_text(
        "Monthly return submitted"
    )
    expect(page.locator("main")).to_contain_text(f"{start:%B %Y}: 14 cases")
    assert CallOff.objects.get(pk=agreement.pk).monthly_returns.get().cases_handled == 14

    # The profile: what is missing is said in the supplier's words; a change of legal name waits for approval.
    visit(page, "/suppliers/my-profile/", check=check_page)
    page.fill("#id_legal_name", "")
    page.fill("#id_contact_email", "jo.reed")
    page.fill("#id_capacity_statement", "")
    go(page, "button:has-text('Save profile')")
    summary = page.locator(".nhsuk-error-summary").inner_text()
    for words in (
        "Enter your legal name",
        "Enter the contact's e-mail address in the right format, like name@example.com",
        "Say how much work you can take",
    ):
        assert words in summary, summary
    assert "This field is required" not in summary and "Enter a valid" not in summary
    screenshot(page, f"supplier-profile-errors-{width}")
    page.fill("#id_legal_name", "Acme Occupational Health Ltd")
    page.fill("#id_contact_email", "jo.reed@acme.example")
    page.fill("#id_contact_name", "Jo Reed")
    page.fill("#id_capacity_statement", "40 referrals a month")
    go(page, "button:has-text('Save profile')")
    expect(page.locator("main")).to_contain_text("waiting for the framework administrator")
    expect(page.locator("h1")).to_contain_text("Acme OH Ltd")  # the approved name until the change is decided
    visit(page, "/suppliers/my-profile/", check=check_page)
    expect(page.locator(".nhsuk-inset-text")).to_contain_text("Asked for: Acme Occupational Health Ltd")
    visit(page, "/suppliers/", check=check_page)
    expect(page.locator("table")).to_contain_text("Acme OH Ltd")
    expect(page.locator("table")).not_to_contain_text("Acme Occupational Health Ltd")
    row = page.locator("tr", has_text="Acme OH Ltd")
    expect(row.locator("td").first).to_contain_text("Compare")  # the tick-box's cell has its heading at 320 px
    screenshot(page, f"supplier-directory-{width}")


@WIDTH
def test_framework_admin_records_accreditation_admits_and_approves_a_change(page: Page, world, width):
    from suppliers import services
    from suppliers.models import Supplier, SupplierStatus
    from suppliers.tests.conftest import Dps

    dps = Dps(world)
    applicant = Supplier.objects.create(
        organisation=OrganisationFactory(name="Northern OH Partnership", kind=OrganisationKind.SUPPLIER),
        framework=dps.framework,
        legal_name="Northern OH Partnership Ltd",
        status=SupplierStatus.APPLIED,
        delivery_modes="video",
    )
    applicant.lots.set([dps.lots["vaccination"]])
    applicant.regions.set([dps.regions["north_west"]])
    services.save_profile(
        by=dps.beta_user,
        framework=dps.framework,
        regions=list(dps.beta.regions.all()),
        lots=list(dps.beta.lots.all()),
        legal_name="Beta Health Services Ltd",
    )
    admin = person(Role.FRAMEWORK_ADMIN, world.framework_operator, "Pat", "Morgan")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, admin)
    visit(page, "/suppliers/applications/", check=check_page)
    go(page, "a:has-text('Northern OH Partnership Ltd')")
    expect(page.locator("main")).to_contain_text("No accreditation recorded")

    # Admitting before an accreditation is recorded is refused, with the reason.
    page.check("#id_decision_0", force=True)
    go(page, "button:has-text('Save decision')")
    expect(page.locator("main")).to_contain_text("Record a current SEQOHS accreditation before admitting")

    # The accreditation: blank, then a date that is not one, each on its field; an expiry in the past shows expired.
    page.fill("#id_seqohs_number", "")
    go(page, "button:has-text('Record accreditation')")
    assert {href: text for text, href in error_links(page)} == {
        "#id_seqohs_number": "Enter the SEQOHS accreditation number",
        "#id_expires_0": "Enter the date the accreditation expires",
    }
    page.fill("#id_seqohs_number", "SEQOHS-2001")
    fill_date(page, "expires", timezone.localdate() - timedelta(days=3))
    go(page, "button:has-text('Record accreditation')")
    tag = page.locator(".nhsuk-summary-list")
    expect(tag).to_contain_text("Expired")
    expect(tag).not_to_contain_text("Valid")
    fill_date(page, "expires", timezone.localdate() + timedelta(days=400))
    go(page, "button:has-text('Record accreditation')")
    expect(tag).to_contain_text("Valid")
    expect(tag).to_contain_text("SEQOHS accreditation 2001")  # the number, not "SEQOHS SEQOHS-2001"
    page.check("#id_decision_0", force=True)
    go(page, "button:has-text('Save decision')")
    expect(page.locator("main")).to_contain_text("Northern OH Partnership Ltd: admitted to the DPS")
    assert Supplier.objects.get(pk=applicant.pk).status == SupplierStatus.ADMITTED
    screenshot(page, f"framework-admin-admitted-{width}")

    # Beta's change of legal name: seen beside the approved value, a rejection needs a reason, then approved.
    visit(page, "/suppliers/changes/", check=check_page)
    go(page, "a:has-text('Beta Health Ltd')")
    expect(page.locator("main")).to_contain_text("Beta Health Services Ltd")
    page.check("#id_decision_1", force=True)
    go(page, "button:has-text('Record decision')")
    assert error_links(page) == [("Give the reason for rejecting the change.", "#id_reason")]
    page.check("#id_decision_0", force=True)
    go(page, "button:has-text('Record decision')")
    expect(page.locator("main")).to_contain_text("approved")
    assert Supplier.objects.get(pk=dps.beta.pk).legal_name == "Beta Health Services Ltd"


@WIDTH
def test_ics_board_chooses_a_member_and_months_reads_definitions_and_the_tagged_report(page: Page, world, width):
    from metrics import tasks
    from metrics.models import BoardReport

    last_month = timezone.now().replace(day=1) - timedelta(days=5)
    for trust, count in ((world.trust_a, 7), (world.trust_b, 6)):
        for n in range(count):
            Referral.objects.create(
                organisation=trust,
                employee=EmployeeFactory(organisation=trust, staff_group="nursing_midwifery", age_band="25_34"),
                reason_category="long_covid" if n % 2 else "work_related_stress",
                oh_service=world.oh_service if trust == world.trust_a else world.other_oh_service,
                status="submitted",
                submitted_at=last_month,
            )
    # As in production, the nightly rollup has run: without it, each of the 13 months is counted live.
    call_command("rollup_kpis", stdout=StringIO())
    board = person(Role.BOARD, world.ics, "Ria", "Shah")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, board)
    visit(page, "/metrics/", check=check_page)
    expect(page.locator("h1")).to_contain_text("North Test ICS")
    expect(page.locator("main")).to_contain_text("Trust B")  # the benchmark of members side by side
    chart_is_drawn(page)

    # One member, three whole months.
    months = last_months(4)[:3]
    page.select_option("#scope", label="Trust B")
    page.fill("#id_from_month", str(months[0].month))
    page.fill("#id_from_year", str(months[0].year))
    page.fill("#id_to_month", months[-1].strftime("%B"))
    page.fill("#id_to_year", str(months[-1].year))
    go(page, "button:has-text('Show these months')")
    expect(page.locator("h1")).to_contain_text("Trust B")
    expect(page.locator(".nhsuk-caption-l")).to_have_text(f"{months[0]:%B %Y} to {months[-1]:%B %Y}")
    expect(page.locator("main")).not_to_contain_text("month to date")
    chart_is_drawn(page)
    screenshot(page, f"ics-board-trust-b-range-{width}")

    go(page, "a:has-text('What these measures mean')")
    definitions = page.locator("main")
    for words in ("Referrals received", "Wait to first appointment", "10 days or fewer", "Service-user satisfaction"):
        expect(definitions).to_contain_text(words)
    expect(definitions).not_to_contain_text("<= ")
    page.go_back()

    go(page, "a:has-text('Build the annual report for these months')")
    page.fill("#id_summary", "Faster first appointments across the ICS.")
    go(page, "button:has-text('Build the report')")
    tasks.build_board_report(BoardReport.objects.get().pk)  # the Celery worker's job, run here
    page.reload()
    check_page(page, "ics-board-reports")
    expect(page.locator("table:has-text('Asked for by')")).to_contain_text("Ria Shah")
    with page.expect_download() as download:
        page.click("a:has-text('Download PDF')")
    info, text = read_pdf(download.value, f"ics-board-report-{width}")
    assert info["Tagged"] == "yes", info
    assert "Annual wellbeing report" in info.get("Title", "") or "Annual wellbeing report" in text
    words = " ".join(text.split())
    for kpi in ("Referrals received", "Wait to first appointment", "Long COVID", "Work-related stress", "Trust B"):
        assert kpi in words, f"{kpi!r} not in the PDF"
    for code in ("long_covid", "Longcovid", "REFERRALS_RECEIVED", "<= 10"):
        assert code not in words, f"{code!r} in the PDF"


ESR_HEADINGS = "Employee Number,First Name,Last Name,Date of Birth,Staff Group,Job Role,Work Email Address\n"
BAD_ESR_FILE = ESR_HEADINGS + (
    "12345678,Ann,Lee,31/02/1980,Nursing and Midwifery Registered,Staff Nurse,ann.lee\n"  # line 2: date, e-mail
    "1234,Bob,Khan,01/03/1975,Porters,Porter,bob@nhs.net\n"  # line 3: ESR number, staff group
    "12345678,Cy,Moss,02/04/1990,Medical and Dental,Registrar,cy@nhs.net\n"  # line 4: ESR number on line 2
)
GOOD_ESR_FILE = ESR_HEADINGS + (
    "12345678,Ann,Lee,28/02/1980,Nursing and Midwifery Registered,Staff Nurse,ann.lee@nhs.net\n"
    "22345678,Bob,Khan,01/03/1975,Estates and Ancillary,Porter,bob@nhs.net\n"
)


@WIDTH
def test_ig_lead_reads_the_access_log_imports_staff_and_exports_a_subject_access_document(page: Page, world, width):
    clinician = person(Role.CLINICIAN, world.oh_service, "Chris", "Reader")
    ada = EmployeeFactory(organisation=world.trust_a, first_name="Ada", last_name="Okoro", esr_number="32345678")
    case = ReferralFactory(employee=ada, organisation=world.trust_a, oh_service=world.oh_service)
    log_access(
        user=clinician,
        kind=AccessKind.CLINICAL_RECORD,
        obj=case,
        reason="First assessment",
        employee=ada,
        oh_service=world.oh_service,
    )
    case_reference = AccessLogEntry.objects.get().case_reference
    ig_lead = person(Role.IG_LEAD, world.trust_a, "Ira", "Grant")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, ig_lead)

    # The access log, by case, and what it shows as CSV.
    visit(page, "/audit/access-log/", check=check_page)
    page.fill("#id_case", case_reference)
    go(page, "button:has-text('Apply filters')")
    expect(page.locator("table")).to_contain_text("Chris Reader")
    expect(page.locator("table")).to_contain_text("Clinician")
    with page.expect_download() as download:
        page.click("a:has-text('(CSV)')")
    rows = download.value.path().read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and case_reference in rows[1] and "First assessment" in rows[1]

    # A bad ESR file: every problem of the file at once, each linked to its line; nothing imported.
    visit(page, "/organisations/staff/import/", check=check_page)
    page.set_input_files(
        "#id_file", files=[{"name": "esr.csv", "mimeType": "text/csv", "buffer": BAD_ESR_FILE.encode()}]
    )
    go(page, "button:has-text('Import staff')")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Nothing was imported: 5 problems to fix")
    links = error_links(page)
    assert [text.split(":")[0] for text, _ in links] == [
        "Line 2, Date of Birth",
        "Line 2, Work Email Address",
        "Line 3, Employee Number",
        "Line 3, Staff Group",
        "Line 4, Employee Number",
    ], links
    assert "is also on line 2" in links[-1][0]
    for _, href in links:  # each link lands on its problem's row of the table
        expect(page.locator(href)).to_be_visible()
    page.click(f".nhsuk-error-summary__list a[href='{links[1][1]}']")
    expect(page.locator(links[1][1])).to_contain_text("name@nhs.net")
    assert not Employee.objects.filter(esr_number="22345678").exists()
    screenshot(page, f"ig-esr-import-problems-{width}")

    page.set_input_files(
        "#id_file", files=[{"name": "esr.csv", "mimeType": "text/csv", "buffer": GOOD_ESR_FILE.encode()}]
    )
    go(page, "button:has-text('Import staff')")
    expect(page.locator("main")).to_contain_text("Imported 2 new and updated 0 existing staff records")

    # Subject access: found by last name, read as a page, downloaded as a tagged PDF.
    visit(page, "/audit/subject-access/", check=check_page)
    page.fill("#q", "Okoro")
    go(page, "button:has-text('Find')")
    go(page, "button:has-text('Open the export')")
    document = page.locator("main")
    expect(document).to_contain_text("Ada Okoro")
    expect(document).to_contain_text(case.reference)
    screenshot(page, f"ig-subject-access-document-{width}")
    page.go_back()
    with page.expect_download() as download:
        page.click("button:has-text('Download as PDF')")
    info, text = read_pdf(download.value, f"subject-access-{width}")
    assert info["Tagged"] == "yes", info
    words = " ".join(text.split())
    assert "Ada Okoro" in words and "32345678" in words and case.reference in words
    assert AccessLogEntry.objects.filter(kind=AccessKind.EXPORT, user=ig_lead).count() == 1  # the CSV
    assert AccessLogEntry.objects.filter(kind=AccessKind.SUBJECT_ACCESS, user=ig_lead).count() == 2  # page, PDF
