"""Stored XSS in the suppliers and metrics apps: every free-text field a user can fill in is entered through the
page (or API) a real user would use, then every page that shows it back is rendered and must show it as text.
Also the HTML the board report PDF is made from. Each field carries a payload naming it, so a page is shown to
carry that very field as text (or, where it must not show it, not at all); the last test fails when a form or input
serializer of these apps gains a text field no test tries. (Cases and staff names: test_input_safety.py.)"""

import pytest
from django.utils import timezone

from conftest import signed_in_client
from metrics import services as metrics_services
from metrics.forms import NARRATIVE_SECTIONS
from metrics.models import BoardReport, BoardReportStatus, SatisfactionSurvey
from organisations.models import Organisation
from organisations.roles import OrganisationKind, Role
from organisations.tests.factories import OrganisationFactory, UserFactory, member
from suppliers import services as supplier_services
from suppliers.models import CallOff, CallOffStatus, LotCode, ProfileChangeRequest, RateCard, Supplier, SupplierStatus
from suppliers.tests.conftest import Dps

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"  # 25 characters
XSS = SCRIPT + '"><img src=x onerror=alert(2)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def marked(tag: str) -> str:
    """A payload that names its field, so a page is shown to carry that very field (and carry it as text)."""
    return f'<script>alert("{tag}")</script>"><img src=x onerror=alert("{tag}")>'


def short(tag: str) -> str:
    """For the 30-character fields (SEQOHS number): 26 characters plus the tag."""
    return f'<script>alert("{tag}")</script>'


def escaped(tag: str) -> str:
    return f"&lt;script&gt;alert(&quot;{tag}&quot;)&lt;/script&gt;"


# A valid address (a quoted local part may hold < > and quotes), so the e-mail field is tried too.
EMAIL = "\"<script>alert('ce')</script>\"@example.com"
EMAIL_ESCAPED = "&quot;&lt;script&gt;alert(&#x27;ce&#x27;)&lt;/script&gt;&quot;@example.com"

# Free-text fields of suppliers/ and metrics/ forms and API serializers, each with where it is shown back.
FIELDS = {
    "ln": "Supplier.legal_name (profile form)",
    "sq": "Supplier.seqohs_number (profile form)",
    "sa": "Supplier.seqohs_number (accreditation form)",
    "cap": "Supplier.capacity_statement (profile form)",
    "cn": "Supplier.contact_name (profile form)",
    "ce": "Supplier.contact_email (profile form)",
    "unit": "RateCard.unit (rates form)",
    "dr": "Supplier.decision_reason (decision form; stored, shown on no page)",
    "ssn": "the supplier signatory's name (User.first_name), named on a call-off by the form and the API",
    "tr": "CallOff.termination_reason (terminate form)",
    "tra": "CallOff.termination_reason (API TerminateInput)",
    "sum": "BoardReport.narrative summary (board report form)",
    "ww": "BoardReport.narrative went well (board report form)",
    "imp": "BoardReport.narrative improve (board report form)",
    "nar": "BoardReport.narrative (API BoardReportInput)",
    "aln": "ProfileChangeRequest.legal_name (API ProfileInput)",
    "asq": "ProfileChangeRequest.seqohs_number (API ProfileInput)",
    "acap": "Supplier.capacity_statement (API ProfileInput)",
    "acn": "Supplier.contact_name (API ProfileInput)",
    "cdr": "ProfileChangeRequest.decision_reason (change decision form)",
    "cdra": "ProfileChangeRequest.decision_reason (API ChangeDecisionInput)",
    "com": "SatisfactionSurvey.comment (survey form; shown back only to its writer)",
    "title": "BoardReport.narrative section title (API; unknown titles dropped)",
    "org": "Organisation.name (ODS import and admin; dashboards, benchmarks, reports)",
    "rfm": "Dashboard range, first month (query string; shown back in its box)",
    "rfy": "Dashboard range, first year (query string; shown back in its box)",
    "rtm": "Dashboard range, last month (query string; shown back in its box)",
    "rty": "Dashboard range, last year (query string; shown back in its box)",
}


def assert_escaped(html: str, where: str, *tags: str, shown: bool = True, hidden: tuple[str, ...] = ()) -> None:
    """No payload runs; each tagged field is shown as escaped text (so the page really had it), and the `hidden`
    ones are not shown at all. With no tags, the old unnamed payload is looked for when `shown`."""
    assert "<script>alert" not in html, f"{where}: raw <script>"
    assert "<img src=x onerror" not in html, f"{where}: raw <img onerror>"
    assert "onerror=alert(2)>" not in html.replace("onerror=alert(2)&gt;", ""), f"{where}: attribute breakout"
    for tag in tags:
        wanted = EMAIL_ESCAPED if tag == "ce" else escaped(tag)
        assert wanted in html, f"{where}: {FIELDS[tag]} is not shown"
    for tag in hidden:
        assert f"alert(&quot;{tag}&quot;)" not in html and f'alert("{tag}")' not in html, f"{where}: {tag} shown"
    if shown and not tags and not hidden:
        assert ESCAPED in html, f"{where}: the text is not shown at all"


def page(user, url: str, status: int = 200) -> str:
    response = signed_in_client(user).get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def dps(world):
    return Dps(world)


def test_supplier_profile_rates_and_application_text_is_escaped(dps, world):
    supplier_user, procurement, board = dps.acme_user, dps.procurement, member(Role.BOARD, world.trust_a)
    profile = {
        "legal_name": marked("ln"),
        "seqohs_number": short("sq"),
        "regions": [dps.regions["london"].pk],
        "lots": [dps.lots[LotCode.MANAGEMENT_REFERRALS].pk],
        "delivery_modes": ["video"],
        "capacity_statement": f"Line one\n{marked('cap')}",
        "contact_name": marked("cn"),
        "contact_email": EMAIL,
    }
    assert signed_in_client(supplier_user).post("/suppliers/my-profile/", profile).status_code == 302
    # Legal name and SEQOHS number wait for the framework admin: the change is shown escaped on the review pages.
    change = ProfileChangeRequest.objects.get(supplier=dps.acme, status="pending")
    assert_escaped(page(dps.admin, "/suppliers/changes/"), "profile changes list", "ln")
    assert_escaped(page(dps.admin, f"/suppliers/changes/{change.pk}/"), "profile change (admin)", "ln", "sq")
    assert_escaped(page(supplier_user, f"/suppliers/changes/{change.pk}/"), "profile change (supplier)", "ln", "sq")
    assert_escaped(page(supplier_user, "/suppliers/my-profile/"), "own profile, change waiting", "ln", "sq", "cap")
    approve = {"decision": "approve"}
    assert signed_in_client(dps.admin).post(f"/suppliers/changes/{change.pk}/", approve).status_code == 302
    rate = {
        "lot": dps.lots[LotCode.MANAGEMENT_REFERRALS].pk,
        "unit": marked("unit"),
        "price": "99.00",
        "valid_from_0": "1",
        "valid_from_1": "1",
        "valid_from_2": str(timezone.localdate().year),
    }
    response = signed_in_client(supplier_user).post("/suppliers/my-rates/", rate)
    assert response.status_code == 302, response.content.decode()[:2000]
    acme = Supplier.objects.get(pk=dps.acme.pk)
    assert (acme.legal_name, acme.seqohs_number, acme.capacity_statement, acme.contact_name, acme.contact_email) == (
        marked("ln"),
        short("sq"),
        f"Line one\n{marked('cap')}",
        marked("cn"),
        EMAIL,
    )
    assert acme.status == SupplierStatus.ADMITTED
    assert RateCard.objects.filter(supplier=acme, unit=marked("unit")).exists()

    # Every role of the directory: the profile as text; the rates only where the role may see them.
    profile_tags = ("ln", "sq", "cap", "cn", "ce")
    compare = f"/suppliers/compare/?supplier={acme.pk}&supplier={dps.beta.pk}"
    for user, sees_rates in ((procurement, True), (board, True), (dps.admin, True), (supplier_user, True)):
        role = user.active_membership.role
        rates = ("unit",) if sees_rates else ()
        assert_escaped(page(user, "/suppliers/"), f"directory ({role})", "ln", "sq")
        assert_escaped(page(user, f"/suppliers/{acme.pk}/"), f"supplier page ({role})", *profile_tags, *rates)
        assert_escaped(page(user, compare), f"compare ({role})", "ln", *rates)
    # Another supplier sees the profile, never the rates.
    assert_escaped(page(dps.beta_user, f"/suppliers/{acme.pk}/"), "supplier page (beta)", "ln", hidden=("unit",))
    assert_escaped(page(dps.beta_user, compare), "compare (beta)", "ln", hidden=("unit",))
    assert_escaped(page(supplier_user, "/suppliers/my-profile/"), "own profile form", *profile_tags)
    assert_escaped(page(supplier_user, "/suppliers/my-rates/"), "own rates", "unit")
    assert_escaped(page(procurement, f"/suppliers/{acme.pk}/call-off/"), "new call-off form", "ln")

    # The framework admin records a new SEQOHS number through the accreditation form.
    accreditation = {"seqohs_number": short("sa"), "expires_0": "1", "expires_1": "1", "expires_2": "2099"}
    assert signed_in_client(dps.admin).post(f"/suppliers/{acme.pk}/accreditation/", accreditation).status_code == 302
    assert Supplier.objects.get(pk=acme.pk).seqohs_number == short("sa")
    for user in (procurement, dps.admin, supplier_user):
        assert_escaped(page(user, f"/suppliers/{acme.pk}/"), "supplier page after accreditation", "sa")
        assert_escaped(page(user, "/suppliers/"), "directory after accreditation", "sa")

    # A new supplier applies with script in its name; the framework admin rejects it giving script as the reason.
    applicant_org = OrganisationFactory(name="Applicant", kind=OrganisationKind.SUPPLIER)
    applicant_user = member(Role.SUPPLIER, applicant_org)
    # (a name of its own: two suppliers on one DPS never share a legal name)
    application = {**profile, "legal_name": marked("ln") + " Two", "seqohs_number": short("sq")}
    assert signed_in_client(applicant_user).post("/suppliers/my-profile/", application).status_code == 302
    applicant = Supplier.objects.get(organisation=applicant_org)
    assert applicant.status == SupplierStatus.APPLIED
    assert_escaped(page(dps.admin, "/suppliers/applications/"), "applications", "ln", "sq")
    assert_escaped(page(dps.admin, f"/suppliers/{applicant.pk}/"), "application detail", *profile_tags)
    decision = {"decision": "reject", "reason": marked("dr")}
    assert signed_in_client(dps.admin).post(f"/suppliers/{applicant.pk}/decide/", decision).status_code == 302
    assert Supplier.objects.get(pk=applicant.pk).decision_reason == marked("dr")
    # The reason is kept for the record (and the admin site); no page shows it, and none may run it.
    assert_escaped(page(dps.admin, f"/suppliers/{applicant.pk}/"), "rejected application", "ln", hidden=("dr",))
    assert_escaped(page(dps.admin, "/suppliers/applications/"), "applications after", hidden=("dr",))
    own = page(applicant_user, "/suppliers/my-profile/")
    assert_escaped(own, "applicant's own profile form", "ln", hidden=("dr",))


def test_profile_change_text_from_the_api_and_decision_reasons_are_escaped(dps):
    """Profile changes sent through the API, and the reasons a framework admin gives (page and API) for rejecting."""
    supplier, admin = signed_in_client(dps.acme_user), signed_in_client(dps.admin)
    body = {
        "legal_name": marked("aln"),
        "seqohs_number": short("asq"),
        "capacity_statement": marked("acap"),
        "contact_name": marked("acn"),
        "contact_email": EMAIL,
    }
    response = supplier.patch("/api/v1/supplier-profile/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    change = ProfileChangeRequest.objects.get(status="pending")
    assert change.legal_name == marked("aln") and change.seqohs_number == short("asq")
    assert_escaped(page(dps.admin, "/suppliers/changes/"), "profile changes list (API change)", "aln")
    assert_escaped(page(dps.admin, f"/suppliers/changes/{change.pk}/"), "profile change (API)", "aln", "asq")
    own = page(dps.acme_user, "/suppliers/my-profile/")
    assert_escaped(own, "own profile after the API change", "aln", "asq", "acap", "acn", "ce")
    assert_escaped(page(dps.procurement, f"/suppliers/{dps.acme.pk}/"), "supplier page", "acap", "acn", "ce")
    rejected = admin.post(f"/suppliers/changes/{change.pk}/", {"decision": "reject", "reason": marked("cdr")})
    assert rejected.status_code == 302
    assert_escaped(page(dps.acme_user, "/suppliers/my-profile/"), "own profile after rejection", "cdr")
    assert_escaped(page(dps.admin, f"/suppliers/changes/{change.pk}/"), "rejected change", "cdr")
    supplier.patch("/api/v1/supplier-profile/", {"legal_name": "Acme Two Ltd"}, content_type="application/json")
    second = ProfileChangeRequest.objects.get(status="pending")
    decided = admin.post(
        f"/api/v1/supplier-changes/{second.pk}/decide/",
        {"decision": "reject", "reason": marked("cdra")},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["decision_reason"] == marked("cdra")
    assert_escaped(page(dps.acme_user, f"/suppliers/changes/{second.pk}/"), "rejected change (API)", "cdra")


def test_call_off_text_is_escaped(dps, world):
    """Signatory names (typed in the form or the API, and the client signatory's account name), the termination
    reason (form and API), and the client organisation's name, on the call-off list and page for each party."""
    world.trust_a.name = XSS
    world.trust_a.save()
    signatory = dps.procurement
    signatory.first_name, signatory.last_name = SCRIPT, XSS
    signatory.save()
    dps.acme_user.first_name = marked("ssn")
    dps.acme_user.save()
    form = {
        "lots": [dps.lots[LotCode.MANAGEMENT_REFERRALS].pk],
        "start_date_0": "1",
        "start_date_1": "1",
        "start_date_2": str(timezone.localdate().year + 1),
        "end_date_0": "31",
        "end_date_1": "12",
        "end_date_2": str(timezone.localdate().year + 2),
        "estimated_value": "1000",
        "client_signatory": signatory.pk,
        "supplier_signatory": dps.acme_user.pk,
        "appointment_within": "10",
        "report_within": "2",
    }
    response = signed_in_client(signatory).post(f"/suppliers/{dps.acme.pk}/call-off/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    call_off = CallOff.objects.get()
    assert call_off.supplier_signatory == dps.acme_user
    body = {
        "supplier": dps.acme.pk,
        "lots": [LotCode.MANAGEMENT_REFERRALS],
        "start_date": f"{timezone.localdate().year + 1}-02-01",
        "end_date": f"{timezone.localdate().year + 2}-01-31",
        "estimated_value": "2000.00",
        "client_signatory": signatory.pk,
        "supplier_signatory": dps.acme_user.pk,
    }
    response = signed_in_client(signatory).post("/api/v1/call-offs/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    by_api = CallOff.objects.get(pk=response.json()["id"])
    assert by_api.supplier_signatory == dps.acme_user

    board = member(Role.BOARD, world.trust_a)
    readers = (signatory, board, dps.admin, dps.acme_user)
    for user in readers:
        role = user.active_membership.role
        assert_escaped(page(user, f"/suppliers/call-offs/{call_off.pk}/"), f"draft call-off ({role})", "ssn")
        assert_escaped(page(user, f"/suppliers/call-offs/{by_api.pk}/"), f"API call-off ({role})", "ssn")
        assert_escaped(page(user, "/suppliers/call-offs/"), f"call-off list ({role})")
    assert_escaped(page(dps.beta_user, "/suppliers/call-offs/"), "call-off list (beta)", hidden=("ssn",))

    for agreement in (call_off, by_api):
        supplier_services.send_for_signature(call_off=agreement, by=signatory)
        supplier_services.sign(call_off=agreement, by=signatory, declared=True)
        supplier_services.sign(call_off=agreement, by=dps.acme_user, declared=True)
    url = f"/suppliers/call-offs/{call_off.pk}/terminate/"
    assert signed_in_client(signatory).post(url, {"reason": marked("tr")}).status_code == 302
    url = f"/api/v1/call-offs/{by_api.pk}/terminate/"
    response = signed_in_client(dps.admin).post(url, {"reason": marked("tra")}, content_type="application/json")
    assert response.status_code == 200, response.content
    call_off.refresh_from_db()
    by_api.refresh_from_db()
    assert (call_off.status, call_off.termination_reason) == (CallOffStatus.TERMINATED, marked("tr"))
    assert (by_api.status, by_api.termination_reason) == (CallOffStatus.TERMINATED, marked("tra"))
    for user in readers:
        role = user.active_membership.role
        assert_escaped(page(user, f"/suppliers/call-offs/{call_off.pk}/"), f"terminated call-off ({role})", "tr")
        assert_escaped(page(user, f"/suppliers/call-offs/{by_api.pk}/"), f"terminated API call-off ({role})", "tra")
    assert_escaped(page(dps.acme_user, f"/suppliers/call-offs/{call_off.pk}/return/"), "monthly return", shown=False)


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each board report PDF is made from (weasyprint is replaced by a stand-in that keeps it)."""
    rendered: list[str] = []

    class CapturingHtml:
        def __init__(self, *, string: str) -> None:
            rendered.append(string)

        def write_pdf(self, **options: object) -> bytes:  # the report asks for a tagged PDF (pdf_variant)
            return b"%PDF-1.4\n%%EOF"

    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", CapturingHtml)
    return rendered


def test_board_report_narrative_is_escaped_in_the_pdf_html(world, pdf_html, django_capture_on_commit_callbacks):
    """The narrative is typed on the board reports page; the PDF is made from HTML that must escape it."""
    world.trust_a.name = XSS
    world.trust_a.save()
    board = member(Role.BOARD, world.trust_a)
    typed = [f"First line\n{marked('sum')}", marked("ww"), marked("imp")]
    narrative = dict(zip(["summary", "went_well", "improve"], typed, strict=True))
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in_client(board).post("/metrics/board-reports/", narrative)
    assert response.status_code == 302
    report = BoardReport.objects.get()
    assert report.narrative == dict(zip(NARRATIVE_SECTIONS, typed, strict=True))
    assert_escaped(page(board, "/metrics/board-reports/"), "board reports page")  # the organisation's name

    metrics_services.build_board_report_pdf(report)
    assert BoardReport.objects.get().status == BoardReportStatus.READY
    (html,) = pdf_html
    assert_escaped(html, "board report PDF HTML", "sum", "ww", "imp")
    assert ESCAPED in html  # the organisation's name
    assert "First line<br>" in html  # line breaks kept, as markup of our own


def test_board_report_narrative_sent_through_the_api_is_escaped(world, pdf_html, django_capture_on_commit_callbacks):
    """The API keeps only the known section titles; a title or text carrying script reaches the PDF as text."""
    board = member(Role.BOARD, world.trust_a)
    body = {"narrative": {"Summary from the OH lead": marked("nar"), marked("title"): "sneaky title"}}
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in_client(board).post("/api/v1/reports/board/", body, content_type="application/json")
    assert response.status_code == 202
    report = BoardReport.objects.get()
    assert report.narrative == {"Summary from the OH lead": marked("nar")}
    metrics_services.build_board_report_pdf(report)
    assert_escaped(pdf_html[0], "board report PDF HTML (API)", "nar", hidden=("title",))
    # A title with script in it (as an older row or an admin edit might hold) is escaped too.
    BoardReport.objects.filter(pk=report.pk).update(narrative={marked("title"): marked("nar")}, status="queued")
    metrics_services.build_board_report_pdf(BoardReport.objects.get(pk=report.pk))
    assert_escaped(pdf_html[1], "board report PDF HTML (odd title)", "title", "nar")


def test_survey_comment_is_escaped_when_shown_back_and_never_shown_elsewhere(world, case):
    """The comment is only ever shown back to the person typing it (the form again when the score is missing);
    it is stored, and no staff page shows it."""
    raw = metrics_services.create_survey_for_case(case.referral)
    assert raw is not None
    response = signed_in_client(UserFactory()).post(raw, {"comment": marked("com")})  # no score: the form again
    assert response.status_code == 200
    assert_escaped(response.content.decode(), "survey form shown again", "com")
    response = signed_in_client(UserFactory()).post(raw, {"score": "5", "comment": marked("com")})
    assert response.status_code == 200
    assert_escaped(response.content.decode(), "survey thank-you page", hidden=("com",))
    assert SatisfactionSurvey.objects.get().comment == marked("com")
    clinician = member(Role.CLINICIAN, world.oh_service)
    board = member(Role.BOARD, world.trust_a)
    for user, url in [
        (clinician, "/metrics/"),
        (board, "/metrics/"),
        (clinician, f"/referrals/{case.referral.pk}/"),
        (case.manager, f"/referrals/{case.referral.pk}/"),
    ]:
        assert_escaped(page(user, url), url, hidden=("com",))


def test_organisation_names_are_escaped_on_dashboards_benchmarks_and_the_ics_report(world, pdf_html):
    """Organisation names come from the ODS import and the admin; an ICS board sees its members side by side,
    on the dashboard and in the ICS's annual report."""
    world.trust_b.name = marked("org")
    world.trust_b.save()
    Organisation.objects.filter(pk=world.ics.pk).update(name=SCRIPT)
    ics_board = member(Role.BOARD, world.ics)
    assert_escaped(page(ics_board, "/metrics/"), "ICS dashboard", "org")
    assert_escaped(page(ics_board, f"/metrics/?scope={world.trust_b.pk}"), "member dashboard", "org")
    assert_escaped(page(ics_board, f"/metrics/board-reports/?scope={world.trust_b.pk}"), "board reports page", "org")
    report = BoardReport.objects.create(
        scope=Organisation.objects.get(pk=world.ics.pk), year_ending=timezone.localdate(), requested_by=ics_board
    )
    metrics_services.build_board_report_pdf(report)
    assert_escaped(pdf_html[0], "ICS board report PDF HTML", "org")
    assert ESCAPED in pdf_html[0]  # the ICS's own name


# --- Every free-text input of suppliers/ and metrics/ is tried above --------------------------------------------

TRIED_FIELDS = {
    "suppliers.forms.ProfileForm.legal_name": "ln",
    "suppliers.forms.ProfileForm.seqohs_number": "sq",
    "suppliers.forms.ProfileForm.capacity_statement": "cap",
    "suppliers.forms.ProfileForm.contact_name": "cn",
    "suppliers.forms.ProfileForm.contact_email": "ce",
    "suppliers.forms.ChangeDecisionForm.reason": "cdr",
    "suppliers.api.serializers.ProfileInput.legal_name": "aln",
    "suppliers.api.serializers.ProfileInput.seqohs_number": "asq",
    "suppliers.api.serializers.ProfileInput.capacity_statement": "acap",
    "suppliers.api.serializers.ProfileInput.contact_name": "acn",
    "suppliers.api.serializers.ProfileInput.contact_email": "ce",
    "suppliers.api.serializers.ChangeDecisionInput.reason": "cdra",
    "suppliers.forms.RateForm.unit": "unit",
    "suppliers.forms.AccreditationForm.seqohs_number": "sa",
    "suppliers.forms.DecisionForm.reason": "dr",
    "suppliers.forms.TerminateForm.reason": "tr",
    "suppliers.api.serializers.TerminateInput.reason": "tra",
    "metrics.forms.BoardReportForm.summary": "sum",
    "metrics.forms.BoardReportForm.went_well": "ww",
    "metrics.forms.BoardReportForm.improve": "imp",
    "metrics.forms.SurveyForm.comment": "com",
    "metrics.forms.DateRangeForm.from_month": "rfm",
    "metrics.forms.DateRangeForm.from_year": "rfy",
    "metrics.forms.DateRangeForm.to_month": "rtm",
    "metrics.forms.DateRangeForm.to_year": "rty",
    "metrics.api.views.BoardReportInput.narrative": "nar",
}


def free_text_inputs() -> list[str]:
    """Every text input of the forms and input serializers of suppliers/ and metrics/ (choices excluded)."""
    import inspect

    from django import forms
    from rest_framework import serializers

    import metrics.api.views
    import metrics.forms
    import suppliers.api.serializers
    import suppliers.forms

    found = []
    for module in (suppliers.forms, metrics.forms):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found += [
                    f"{module.__name__}.{name}.{field}"
                    for field, f in cls.base_fields.items()
                    if isinstance(f, forms.CharField)
                ]
    for module in (suppliers.api.serializers, metrics.api.views):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            # Request bodies are the *Input serializers (the *Output ones and KpiRow, MonthValue only answer).
            if issubclass(cls, serializers.Serializer) and cls.__module__ == module.__name__ and name.endswith("Input"):
                for field, f in cls().fields.items():
                    text = isinstance(f, serializers.CharField) or (
                        isinstance(f, serializers.DictField | serializers.ListField)
                        and isinstance(f.child, serializers.CharField)
                    )
                    if text and not f.read_only and not isinstance(f, serializers.ChoiceField):
                        found.append(f"{module.__name__}.{name}.{field}")
    return sorted(found)


def test_the_dashboard_range_typed_is_shown_back_escaped(world):
    from urllib.parse import urlencode

    typed = {"from_month": "rfm", "from_year": "rfy", "to_month": "rtm", "to_year": "rty"}
    html = page(member(Role.BOARD, world.trust_a), "/metrics/?" + urlencode({k: marked(t) for k, t in typed.items()}))
    assert_escaped(html, "dashboard range form", *typed.values())


def test_every_free_text_input_of_suppliers_and_metrics_is_tried():
    """A new text field in a form or input serializer of these apps fails here until a test above tries it."""
    found = free_text_inputs()
    assert set(found) == set(TRIED_FIELDS), (sorted(set(found) - set(TRIED_FIELDS)), set(TRIED_FIELDS) - set(found))
    assert set(TRIED_FIELDS.values()) <= set(FIELDS)
    print(f"\nStored XSS: {len(found)} free-text inputs of suppliers/ and metrics/ tried, {len(FIELDS)} field tags")
