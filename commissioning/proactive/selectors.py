"""Reads: the line manager's suggestions (through `visible_to`, the one rule), and the counts the board sees."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import User
from referrals.models import OPEN_STATUSES, Kind, Referral, Status

from .models import AbsenceImport, Decision, SupportSuggestion


def suggestions(*, user: User) -> QuerySet[SupportSuggestion]:
    """Every suggestion this user may see, in any state."""
    return SupportSuggestion.objects.visible_to(user).select_related("employee", "referral")


def to_consider(*, user: User) -> QuerySet[SupportSuggestion]:
    """What the line manager is asked to consider now: undecided, for staff with no open management referral."""
    open_cases = Referral.objects.filter(kind=Kind.MANAGEMENT, status__in=OPEN_STATUSES).values("employee_id")
    undecided = suggestions(user=user).filter(decision="").exclude(employee__in=open_cases)
    return undecided.order_by("-days_lost", "offered_at")


def started(*, user: User) -> QuerySet[SupportSuggestion]:
    """Taken up, with the referral still a draft: the manager carries on with it."""
    return suggestions(user=user).filter(decision=Decision.REFERRED, referral__status=Status.DRAFT)


def suggestion(*, user: User, pk: int) -> SupportSuggestion | None:
    return suggestions(user=user).filter(pk=pk).first()


def recent_imports(*, organisation_ids: Iterable[int]) -> QuerySet[AbsenceImport]:
    return AbsenceImport.objects.filter(organisation_id__in=list(organisation_ids)).select_related(
        "organisation", "imported_by"
    )[:5]


def uptake_by_month(*, organisation_ids: Iterable[int], first: date, last: date) -> dict[date, dict[str, int]]:
    """Raw counts by the month the suggestion was made: offered, taken up (the referral was sent), not now.
    Board pages show them only through disclosure control (board.py)."""
    rows = (
        SupportSuggestion.objects.filter(
            organisation_id__in=list(organisation_ids), offered_at__date__gte=first, offered_at__date__lte=last
        )
        .annotate(month=TruncMonth("offered_at"))
        .values("month")
        .annotate(
            offered=Count("pk"),
            taken_up=Count("pk", filter=Q(decision=Decision.REFERRED, referral__submitted_at__isnull=False)),
            not_now=Count("pk", filter=Q(decision=Decision.NOT_NOW)),
        )
    )
    result: dict[date, dict[str, int]] = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        result[month] = {"offered": row["offered"], "taken_up": row["taken_up"], "not_now": row["not_now"]}
    return result
