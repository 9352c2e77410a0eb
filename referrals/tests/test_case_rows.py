"""Case lists render rows worked out once (presenters.case_rows), and the case page draws its empty forms once per
process: each must show exactly what the per-row includes and crispy showed."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.template import Context, Template
from django.utils import dateformat, timezone
from django.utils.html import escape

from conftest import signed_in_client
from ohwb_portal.templatetags.blank_forms import crispy_blank
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals.forms import CaseMessageForm, MeasuresForm, NoteForm, OwnScoreForm
from referrals.models import Priority, ReasonCategory, Referral, Status
from referrals.presenters import case_rows
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

# The tag colours the lists and the case summary have always used.
COLOURS = {
    "closed": "grey",
    "withdrawn": "grey",
    "returned_to_manager": "orange",
    "dna": "orange",
    "withheld": "orange",
    "released": "green",
    "awaiting_consent": "yellow",
}


@pytest.mark.parametrize("status", Status.values)
def test_a_row_and_the_case_summary_show_a_status_in_words_with_its_colour(world, status):
    case = ReferralFactory(employee=EmployeeFactory(organisation=world.trust_a), status=status)
    [row] = case_rows([case])
    colour = COLOURS.get(status, "blue")
    assert (row.status, row.colour) == (Status(status).label, colour)
    summary = Template('{% include "referrals/_status_tag.html" %}').render(Context({"case": case}))
    assert summary.strip() == f'<strong class="nhsuk-tag nhsuk-tag--{colour}">{escape(Status(status).label)}</strong>'


def test_a_row_has_the_case_link_reason_urgency_and_date_as_the_templates_gave_them(world):
    submitted = timezone.now()
    case = ReferralFactory(
        employee=EmployeeFactory(organisation=world.trust_a, first_name="Ada", last_name="Lovelace"),
        oh_service=world.oh_service,
        status=Status.SUBMITTED,
        reason_category=ReasonCategory.LONG_COVID,
        urgent_requested=True,
        priority="",
        submitted_at=submitted,
    )
    [row] = case_rows(Referral.objects.filter(pk=case.pk).select_related("employee", "organisation"), organisation=True)
    assert row.url == f"/referrals/{case.pk}/"
    assert (row.employee, row.organisation, row.reason) == ("Ada Lovelace", world.trust_a.name, "Long COVID")
    assert row.urgent and row.submitted == dateformat.format(timezone.localtime(submitted), "j M Y")
    case.priority = Priority.ROUTINE
    assert not case_rows([case])[0].urgent  # triage decided: the request no longer counts
    case.submitted_at = None
    assert case_rows([case])[0].submitted == ""


def test_the_caseload_shows_each_case_as_a_row_with_its_tags(world):
    clinician = member(Role.CLINICIAN, world.oh_service)
    case = ReferralFactory(
        employee=EmployeeFactory(organisation=world.trust_a),
        oh_service=world.oh_service,
        status=Status.SUBMITTED,
        priority=Priority.URGENT,
        submitted_at=timezone.now(),
    )
    page = signed_in_client(clinician).get("/referrals/caseload/").content.decode()
    assert f'<a href="/referrals/{case.pk}/">{case.reference}</a>' in page
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Waiting for triage</strong>' in page
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Urgent</strong>' in page


@pytest.mark.parametrize("form_class", [NoteForm, MeasuresForm, CaseMessageForm, OwnScoreForm])
def test_an_empty_form_drawn_once_is_the_form_crispy_draws(form_class):
    assert crispy_blank(form_class()) == as_crispy_form(form_class())
    assert crispy_blank(form_class()) is crispy_blank(form_class())  # kept, not drawn again


def test_a_form_with_errors_is_drawn_with_them_not_from_the_kept_empty_one():
    crispy_blank(CaseMessageForm())
    bound = CaseMessageForm({"text": ""})
    assert not bound.is_valid()
    html = crispy_blank(bound)
    assert "Write your message before sending it" in html and html == as_crispy_form(bound)
