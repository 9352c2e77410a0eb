"""Reads for surveillance, always starting from `visible_to` (one place decides who sees what). The member of
staff's own recall page has no user: it reads through the link's token (services.resolve_link)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from organisations.models import Employee, Organisation

from .models import Basis, Enrolment, EnrolmentRule, Invitation, Programme, Result
from .status import Status, status_filter


def _awaiting_review() -> Exists:
    """Screening answers sent back and not yet reviewed by a recorded result."""
    return Exists(
        Invitation.objects.filter(enrolment=OuterRef("pk"), submitted_at__isnull=False).exclude(
            Exists(Result.objects.filter(invitation=OuterRef("pk")))
        )
    )


def programmes(*, user: User, today: date | None = None) -> QuerySet[Programme]:
    """The programmes this user sees, each with counts of its open enrolments by status."""
    today = today or timezone.localdate()
    return (
        Programme.objects.visible_to(user)
        .select_related("organisation", "oh_service")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__ended_at__isnull=True)),
            overdue=Count("enrolments", filter=status_filter(Status.OVERDUE, today, "enrolments__")),
            due=Count("enrolments", filter=status_filter(Status.DUE, today, "enrolments__")),
            up_to_date=Count("enrolments", filter=status_filter(Status.UP_TO_DATE, today, "enrolments__")),
        )
    )


def enrolments(*, user: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.visible_to(user)
        .select_related("employee", "programme", "programme__organisation")
        .annotate(awaiting_review=_awaiting_review())
    )


def programme_enrolments(*, user: User, programme: Programme, status: str = "") -> QuerySet[Enrolment]:
    """A programme's enrolments as this user sees them, open ones first by date due; `status` filters."""
    found = enrolments(user=user).filter(programme=programme)
    chosen = status_filter(status, timezone.localdate()) if status else Q(ended_at__isnull=True)
    return found.filter(chosen).order_by("due_on", "employee__last_name", "pk")


def team(*, user: User, status: str = "") -> QuerySet[Enrolment]:
    """A manager's own staff under surveillance (their line reports), soonest due first; `status` filters."""
    found = enrolments(user=user).filter(ended_at__isnull=True)
    if status:
        found = found.filter(status_filter(status, timezone.localdate()))
    return found.order_by("due_on", "employee__last_name", "pk")


def review_queue(*, user: User) -> QuerySet[Enrolment]:
    """Open enrolments whose screening answers are back and wait for a result, longest waiting first."""
    return enrolments(user=user).filter(ended_at__isnull=True).filter(_awaiting_review()).order_by("due_on", "pk")


def overdue(*, user: User) -> QuerySet[Enrolment]:
    return enrolments(user=user).filter(status_filter(Status.OVERDUE, timezone.localdate())).order_by("due_on")


def results(*, user: User, enrolment: Enrolment) -> QuerySet[Result]:
    """Results are clinical: empty for anyone but the clinicians of the service (Result.visible_to)."""
    return Result.objects.visible_to(user).filter(enrolment=enrolment).select_related("recorded_by")


def screening_answers(*, user: User, enrolment: Enrolment) -> QuerySet[Invitation]:
    """The answers sent back through recall links, newest first: for the clinicians of the service only."""
    return Invitation.objects.visible_to(user).filter(enrolment=enrolment, submitted_at__isnull=False)


def unreviewed_answers(enrolment: Enrolment) -> Invitation | None:
    """The newest answers not yet reviewed by a result, which a result being recorded now reviews."""
    return (
        Invitation.objects.filter(enrolment=enrolment, submitted_at__isnull=False)
        .exclude(Exists(Result.objects.filter(invitation=OuterRef("pk"))))
        .order_by("-submitted_at")
        .first()
    )


def invitations_sent(enrolment: Enrolment) -> QuerySet[Invitation]:
    """When links went out and whether they were answered (no answers): what OH administrators see."""
    return Invitation.objects.filter(enrolment=enrolment).only(
        "pk", "purpose", "created_at", "expires_at", "used_at", "revoked_at", "submitted_at", "enrolment_id"
    )


def rules(programme: Programme) -> QuerySet[EnrolmentRule]:
    return programme.rules.all()


def staff_matching_rules(programme: Programme) -> QuerySet[Employee]:
    """The employer's staff whose ESR job role or department matches one of the programme's rules."""
    condition = Q(pk__in=[])
    for rule in programme.rules.all():
        if rule.basis == Basis.JOB_ROLE:
            condition |= Q(job_role__iexact=rule.value)
        else:
            condition |= Q(department__iexact=rule.value)
    return Employee.objects.filter(condition, organisation=programme.organisation)


def staff_to_enrol(*, user: User, programme: Programme) -> QuerySet[Employee]:
    """The employer's staff this user may see who are not under the programme now (for enrolling by name)."""
    already = Enrolment.objects.filter(programme=programme, ended_at__isnull=True).values("employee_id")
    return (
        Employee.objects.visible_to(user)
        .filter(organisation=programme.organisation)
        .exclude(pk__in=already)
        .order_by("last_name", "first_name")
    )


def employers(*, user: User) -> QuerySet[Organisation]:
    """The client organisations the user's OH service serves: those it can run a programme for."""
    membership = user.active_membership
    if membership is None:
        return Organisation.objects.none()
    return (
        Organisation.objects.visible_to(user)
        .filter(served_by__oh_service=membership.organisation)
        .distinct()
        .order_by("name")
    )
