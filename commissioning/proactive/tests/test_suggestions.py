"""The line manager's suggestions: only they see one, in every state; starting a referral fills in a draft with the
absence facts (never a health reason); "not now" keeps its reason and a suggestion returns only after new absence;
the board sees counts only, with small numbers suppressed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commissioning.proactive import services
from commissioning.proactive.board import uptake_table
from commissioning.proactive.models import SupportSuggestion
from commissioning.proactive.services import SuggestionRefused
from metrics.periods import MonthRange
from metrics.scopes import scope_for
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services as referral_services
from referrals.models import Referral, Status

from .factories import absent_employee, add_spell, suggestion_for

pytestmark = pytest.mark.django_db

STATES = ["suggested", "referred", "not_now"]


@pytest.fixture
def manager(user_for):
    return user_for(Role.MANAGER)


def test_manager_sees_own_staff_and_starts_a_prefilled_draft(world, manager, client_for):
    employee = absent_employee(manager=manager, organisation=world.trust_a, days=30)
    ongoing = absent_employee(manager=manager, organisation=world.trust_a, days=2)
    spell = add_spell(ongoing, starts_on=timezone.localdate() - timedelta(days=29), days=0, ongoing=True)
    services.refresh_suggestions(organisation=world.trust_a)
    client = client_for(Role.MANAGER)
    client.force_login(manager)
    page = client.get(reverse("proactive:consider")).content.decode()
    assert employee.full_name in page and ongoing.full_name in page
    suggestion = SupportSuggestion.objects.get(employee=ongoing)
    response = client.post(reverse("proactive:start_referral", args=[suggestion.pk]))
    referral = Referral.objects.get(employee=ongoing)
    assert response["Location"] == reverse("referrals:edit_draft", args=[referral.pk])
    assert (referral.status, referral.referred_by, referral.reason_category) == (Status.DRAFT, manager, "")
    assert (referral.absent_at_referral, referral.absent_since) == (True, spell.starts_on)
    assert "The ESR absence record shows 32 days of absence in 2 spells" in referral.other_questions
    suggestion.refresh_from_db()
    assert (suggestion.decision, suggestion.referral) == ("referred", referral)
    # Clicking again carries on with the same draft.
    client.post(reverse("proactive:start_referral", args=[suggestion.pk]))
    assert Referral.objects.filter(employee=ongoing).count() == 1


def test_not_now_keeps_the_reason_and_returns_only_after_new_absence(world, manager):
    employee = absent_employee(manager=manager, organisation=world.trust_a, days=30)
    suggestion = suggestion_for(employee, "not_now")
    assert (suggestion.decision, suggestion.not_now_reason, suggestion.decided_by) == (
        "not_now",
        "Back next week",
        manager,
    )
    assert services.refresh_suggestions(organisation=world.trust_a) == 0  # the same absence: not again
    with pytest.raises(SuggestionRefused):
        services.decide_not_now(suggestion=suggestion, by=manager)
    # Decided yesterday; an absence begins today.
    SupportSuggestion.objects.filter(pk=suggestion.pk).update(decided_at=timezone.now() - timedelta(days=1))
    add_spell(employee, starts_on=timezone.localdate(), days=1)
    assert services.refresh_suggestions(organisation=world.trust_a) == 1
    assert SupportSuggestion.objects.filter(employee=employee).count() == 2


def test_an_ongoing_absence_qualifies_by_the_daily_refresh_without_a_new_extract(world, manager):
    from commissioning.proactive import tasks

    employee = EmployeeFactory(organisation=world.trust_a, line_manager=manager)
    add_spell(employee, starts_on=timezone.localdate() - timedelta(days=19), days=0, ongoing=True)  # 20 days so far
    assert tasks.refresh_support_suggestions() == 0
    with time_machine.travel(timezone.now() + timedelta(days=8)):  # 28 days, and no new extract
        assert tasks.refresh_support_suggestions() == 1
        assert tasks.refresh_support_suggestions() == 0  # the same suggestion, brought up to date
    suggestion = SupportSuggestion.objects.get(employee=employee)
    assert (suggestion.decision, suggestion.employee.line_manager) == ("", manager)


def test_no_suggestion_while_a_management_case_is_open(world, manager):
    employee = absent_employee(manager=manager, organisation=world.trust_a, days=30)
    referral_services.create_management_referral(
        manager=manager,
        employee=employee,
        submit=True,
        reason_category="musculoskeletal",
        absent_at_referral=False,
        manager_questions=["fit_for_role"],
        work_details="Porter",
        employee_agreed=True,
    )
    assert services.refresh_suggestions(organisation=world.trust_a) == 0


def test_no_suggestion_below_the_thresholds(world, manager):
    absent_employee(manager=manager, organisation=world.trust_a, days=27)
    assert services.refresh_suggestions(organisation=world.trust_a) == 0


@pytest.mark.parametrize("state", STATES)
def test_nobody_but_the_own_line_manager_gets_a_suggestion(state, world, manager):
    suggestion = suggestion_for(absent_employee(manager=manager, organisation=world.trust_a), state)
    employee_user = member(Role.EMPLOYEE, world.trust_a)
    suggestion.employee.user = employee_user
    suggestion.employee.save()
    others = {
        "another manager of the same trust": member(Role.MANAGER, world.trust_a),
        "the employee themselves": employee_user,
        "an OH clinician": member(Role.CLINICIAN, world.oh_service),
        "an OH administrator": member(Role.OH_ADMIN, world.oh_service),
        "the board": member(Role.BOARD, world.trust_a),
        "the IG lead": member(Role.IG_LEAD, world.trust_a),
        "a manager of another trust": member(Role.MANAGER, world.trust_b),
    }
    from conftest import signed_in_client

    for who, user in others.items():
        client = signed_in_client(user)
        api = client.get(reverse("proactive-suggestion-detail", args=[suggestion.pk]))
        listed = client.get(reverse("proactive-suggestion-list")).json()
        assert api.status_code == 404, who
        assert listed["count"] == 0 if "count" in listed else listed == [], who
        for name in ("proactive-suggestion-refer", "proactive-suggestion-not-now"):
            assert client.post(reverse(name, args=[suggestion.pk])).status_code == 404, (who, name)
        page_status = client.get(reverse("proactive:not_now", args=[suggestion.pk])).status_code
        assert page_status == (404 if user.active_membership.role == Role.MANAGER else 403), who
        with pytest.raises(SuggestionRefused):
            services.decide_not_now(suggestion=suggestion, by=user)
    own = signed_in_client(manager).get(reverse("proactive-suggestion-detail", args=[suggestion.pk]))
    assert own.status_code == 200 and own.json()["state"] == ("suggested" if state == "suggested" else state)
    suggestion.refresh_from_db()
    assert suggestion.decision == ("" if state == "suggested" else state)


def test_api_refer_then_not_now_refused(world, manager):
    from conftest import signed_in_client

    suggestion = suggestion_for(absent_employee(manager=manager, organisation=world.trust_a))
    client = signed_in_client(manager)
    started = client.post(reverse("proactive-suggestion-refer", args=[suggestion.pk]))
    assert started.status_code == 201
    body = started.json()
    assert body["suggestion"]["state"] == "referred" and Referral.objects.get(pk=body["referral"]).status == "draft"
    refused = client.post(
        reverse("proactive-suggestion-not-now", args=[suggestion.pk]), {}, content_type="application/json"
    )
    assert refused.status_code == 409


def test_board_counts_are_suppressed_and_in_the_report(world, manager, client_for):
    for n in range(7):
        employee = absent_employee(manager=manager, organisation=world.trust_a, days=30 + n)
        suggestion_for(employee, "not_now" if n < 2 else "suggested")
    table = uptake_table(scope_for(world.trust_a))
    this_month = table.months[-1][1]
    assert this_month == {"offered": 7, "taken_up": 0}
    assert table.totals == {"offered": 7, "taken_up": 0}
    # Two referrals sent this month: a small count, and its total would give it away.
    for suggestion in SupportSuggestion.objects.filter(decision="")[:2]:
        services.start_referral(suggestion=suggestion, by=manager)
        referral = Referral.objects.get(pk=SupportSuggestion.objects.get(pk=suggestion.pk).referral_id)
        Referral.objects.filter(pk=referral.pk).update(submitted_at=timezone.now(), status=Status.SUBMITTED)
    table = uptake_table(scope_for(world.trust_a))
    assert table.months[-1][1] == {"offered": 7, "taken_up": "<5"} and table.totals["taken_up"] == "<5"
    page = client_for(Role.BOARD).get(reverse("proactive:board")).content.decode()
    assert "&lt;5" in page and "Suggested to line managers" in page
    assert manager.display_name not in page and employee.full_name not in page
    html = render_to_string(
        "proactive/board_report_section.html", {"scope": scope_for(world.trust_a), "period": MonthRange.default()}
    )
    assert "Proactive support" in html and "&lt;5" in html and employee.full_name not in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CLINICIAN, Role.OH_ADMIN, Role.EMPLOYEE, Role.IG_LEAD])
def test_board_page_is_the_boards_only(role, client_for):
    assert client_for(role).get(reverse("proactive:board")).status_code == 403
