"""The referral forms in the user's words: the employee picker, required fields and their messages."""

import re

import pytest
from django import forms

from conftest import signed_in_client
from organisations.models import Employee
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import forms as referral_forms
from referrals.models import AdjustmentFollowUp, AdjustmentStatus, Referral
from referrals.tests.test_pages import referral_form

pytestmark = pytest.mark.django_db

DEFAULT_MESSAGES = {str(m) for m in forms.Field.default_error_messages.values()}


def referral_form_instances():
    """One instance of each referral form, built as its view builds it."""
    employees = Employee.objects.all()
    for name, cls in vars(referral_forms).items():
        if not (isinstance(cls, type) and issubclass(cls, forms.Form)) or cls.__module__ != referral_forms.__name__:
            continue
        kwargs = {
            "ManagementReferralForm": {"employees": employees},
            "ResendReferralForm": {"employees": employees},
            "AppointmentForm": {"clinicians": employees.none()},
            "ReportForm": {"questions": ["Is the employee fit for their role?"]},
            "ConsentForm": {"seen_report": True},
            "AdjustmentAnswerForm": {
                "follow_up": AdjustmentFollowUp(adjustment="Lighter duties", status=AdjustmentStatus.IN_PLACE),
                "prefix": "adjustment-1",
            },
        }.get(name, {})
        yield cls(**kwargs)


class TestEmployeePicker:
    def test_each_option_tells_people_with_the_same_name_apart(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        EmployeeFactory(
            organisation=world.trust_a, first_name="Sam", last_name="Jones", esr_number="20000001", job_role="Porter"
        )
        EmployeeFactory(
            organisation=world.trust_a,
            first_name="Sam",
            last_name="Jones",
            esr_number="20000002",
            job_role="Ward Sister",
        )
        html = signed_in_client(manager).get("/referrals/new/").content.decode()
        options = re.findall(r"<option value=\"\d+\">([^<]*)</option>", html)
        assert "Sam Jones, ESR 20000001, Porter, Nursing and Midwifery Registered" in options
        assert "Sam Jones, ESR 20000002, Ward Sister, Nursing and Midwifery Registered" in options

    def test_the_picker_is_enhanced_by_our_own_script_and_works_without_it(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        html = signed_in_client(manager).get("/referrals/new/").content.decode()
        assert re.search(r'<select name="employee"[^>]*data-module="employee-picker"', html)
        assert re.search(r'<script type="module" src="/static/js/employee_picker[^"]*\.js"></script>', html)
        assert re.search(r'<link rel="stylesheet" href="/static/accessible-autocomplete/[^"]*\.css">', html)

    def test_another_organisations_staff_are_neither_offered_nor_accepted(self, world):
        manager = member(Role.MANAGER, world.trust_a)
        member(Role.OH_ADMIN, world.oh_service)
        outsider = EmployeeFactory(organisation=world.trust_b, esr_number="30000009", last_name="Outsider")
        EmployeeFactory(organisation=world.trust_a)
        client = signed_in_client(manager)
        page = client.get("/referrals/new/").content.decode()
        assert "30000009" not in page and "Outsider" not in page
        response = client.post("/referrals/new/", referral_form(outsider))
        assert response.status_code == 200 and not Referral.objects.exists()
        assert "Choose an employee from the list" in response.content.decode()
        api = client.post(
            "/api/v1/referrals/",
            {"employee": outsider.pk, "reason_category": "mental_health", "work_details": "x", "employee_agreed": True},
            content_type="application/json",
        )
        assert api.status_code == 400 and not Referral.objects.exists()
        assert "Outsider" not in api.content.decode() and "30000009" not in api.content.decode()


class TestRequiredFields:
    def test_no_referral_form_is_left_with_a_default_message(self, world):
        EmployeeFactory(organisation=world.trust_a)
        for form in referral_form_instances():
            for name, field in form.fields.items():
                if field.required:  # one needed only sometimes is checked in clean(), in its own words
                    message = str(field.error_messages["required"])
                    assert message not in DEFAULT_MESSAGES, f"{type(form).__name__}.{name}: {message}"

    def test_an_untouched_intake_form_records_no_score(self, world):
        html = str(referral_forms.MeasuresForm()["work_ability"])
        assert re.search(r'<option value="" selected>', html)
        form = referral_forms.MeasuresForm({"wellbeing": ""})
        assert not form.is_valid()
        assert form.errors["work_ability"] == ["Choose a work ability score from 0 to 10"]
