"""Reads for inoculation injuries, always through `InoculationInjury.objects.visible_to` (one place decides who sees
what)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, IntegerField, Min, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from organisations.models import Employee

from .models import BloodTestStatus, FollowUpTest, InjuryStatus, InoculationInjury

# How far ahead a follow-up test counts as "to book now" on the OH lists and in the chasers.
BOOK_AHEAD = timedelta(days=14)


def injuries(*, user: User) -> QuerySet[InoculationInjury]:
    return InoculationInjury.objects.visible_to(user).select_related("employee", "organisation", "oh_service")


def injury_list(*, user: User) -> QuerySet[InoculationInjury]:
    """Waiting for assessment first (the longest waiting first), then open follow-ups, then closed ones; each with
    `next_due`: the earliest outstanding test's due date."""
    waiting_first = Case(
        When(status=InjuryStatus.REPORTED, then=Value(0)),
        When(status=InjuryStatus.FOLLOW_UP, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    outstanding = Q(tests__status__in=[BloodTestStatus.TO_BOOK, BloodTestStatus.BOOKED])
    return (
        injuries(user=user)
        .annotate(waiting_first=waiting_first, next_due=Min("tests__due_on", filter=outstanding))
        .order_by("waiting_first", "reported_at")
    )


def awaiting_assessment(*, user: User) -> QuerySet[InoculationInjury]:
    return injuries(user=user).filter(status=InjuryStatus.REPORTED)


def blood_tests_to_book(*, user: User) -> QuerySet[FollowUpTest]:
    """Follow-up tests not booked and due within two weeks (or overdue), of injuries in follow-up."""
    return FollowUpTest.objects.visible_to(user).filter(
        status=BloodTestStatus.TO_BOOK,
        injury__status=InjuryStatus.FOLLOW_UP,
        due_on__lte=timezone.localdate() + BOOK_AHEAD,
    )


def results_to_record(*, user: User) -> QuerySet[FollowUpTest]:
    """Booked tests whose appointment has passed with no result recorded."""
    return FollowUpTest.objects.visible_to(user).filter(
        status=BloodTestStatus.BOOKED, injury__status=InjuryStatus.FOLLOW_UP, booked_for__lt=timezone.now()
    )


def shows_results(*, user: User, injury: InoculationInjury) -> bool:
    """Whether this user is given the injury's risk assessment and results (presenters decide which of them)."""
    return InoculationInjury.objects.results_visible_to(user).filter(pk=injury.pk).exists()


def own_staff_record(*, user: User) -> Employee | None:
    """The acting employee's own staff record, for reporting their own injury."""
    return Employee.objects.visible_to(user).filter(user=user).first()


def reportable_staff(*, user: User) -> QuerySet[Employee]:
    """Whom OH may record an injury for: the staff of the organisations it serves."""
    return Employee.objects.visible_to(user).select_related("organisation").order_by("last_name", "first_name")
