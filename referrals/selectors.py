"""Reads for cases, always through `Referral.objects.visible_to` (one place decides who sees what)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from organisations.models import Employee, Organisation, active_membership
from organisations.roles import Role

from . import service_levels
from .models import (
    OPEN_STATUSES,
    AdjustmentFollowUp,
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    Attachment,
    CaseMessage,
    CaseMessagesRead,
    CaseReturn,
    ClinicalNote,
    Kind,
    Measures,
    MeasureStage,
    OutcomeReport,
    Referral,
    Status,
)


def _cases(user: User) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).select_related("employee", "organisation")


def manager_referrals(*, user: User) -> QuerySet[Referral]:
    """The referrals a manager has sent (newest first); their drafts are listed apart (`manager_drafts`)."""
    return _cases(user).exclude(status=Status.DRAFT).order_by("-submitted_at", "-created_at", "-pk")


def manager_drafts(*, user: User) -> QuerySet[Referral]:
    """A manager's unsent drafts, last changed first. Nobody else sees them (`Referral.objects.visible_to`)."""
    return _cases(user).filter(status=Status.DRAFT).order_by("-created_at", "-pk")


def case_returns(*, user: User, referral: Referral) -> QuerySet[CaseReturn]:
    """Each return of the case to its manager and the reply, for the manager and the OH service."""
    return CaseReturn.objects.visible_to(user).filter(referral=referral).select_related("returned_by", "replied_by")


def employee_cases(*, user: User) -> QuerySet[Referral]:
    return _cases(user).order_by("-created_at")


def triage_queue(*, user: User) -> QuerySet[Referral]:
    """Waiting for triage, each with its overdue flags; the order is the filter's (referrals.filters)."""
    return service_levels.with_overdue(_cases(user).filter(status=Status.SUBMITTED))


def caseload(*, user: User) -> QuerySet[Referral]:
    """Open cases, each with its overdue flags; the order is the filter's (referrals.filters)."""
    return service_levels.with_overdue(_cases(user).filter(status__in=OPEN_STATUSES))


def client_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose cases an OH admin or clinician sees: those their OH service serves."""
    membership = active_membership(user)
    if membership is None or membership.role not in (Role.OH_ADMIN, Role.CLINICIAN):
        return Organisation.objects.none()
    return Organisation.objects.served_by(membership.organisation).order_by("name")


def service_clinicians(*, user: User) -> QuerySet[User]:
    """The clinicians of the OH service a user acts for (none outside an OH role)."""
    membership = active_membership(user)
    if membership is None or membership.role not in (Role.OH_ADMIN, Role.CLINICIAN):
        return User.objects.none()
    return User.objects.filter(
        memberships__organisation=membership.organisation, memberships__role=Role.CLINICIAN
    ).order_by("last_name", "first_name")


def attendance_to_record() -> QuerySet[Appointment]:
    """Appointments that have started with no attendance recorded (narrow by cases the user sees)."""
    return Appointment.objects.filter(status=AppointmentStatus.BOOKED, start__lte=timezone.now())


def returned_referrals(*, user: User) -> QuerySet[Referral]:
    """A manager's referrals returned to them by triage or after two missed appointments."""
    return _cases(user).filter(status=Status.RETURNED_TO_MANAGER)


def adjustments_to_record(*, user: User) -> QuerySet[AdjustmentFollowUp]:
    """Recommended adjustments the manager has not yet said were put in place or not."""
    return AdjustmentFollowUp.objects.filter(
        report__in=OutcomeReport.objects.visible_to(user).latest_released(), status=AdjustmentStatus.PENDING
    )


def reports_to_decide(*, user: User) -> QuerySet[OutcomeReport]:
    """Report versions waiting for this employee's decision on release."""
    return OutcomeReport.objects.visible_to(user).awaiting_decision()


def end_measures_to_give(*, user: User) -> QuerySet[Referral]:
    """The employee's closed cases with no work-ability score at closure yet."""
    return _cases(user).filter(status=Status.CLOSED).exclude(measures__stage=MeasureStage.CLOSURE)


def referable_staff(*, user: User) -> QuerySet[Employee]:
    return Employee.objects.visible_to(user).order_by("last_name", "first_name")


def report_versions(*, user: User, referral: Referral) -> QuerySet[OutcomeReport]:
    """The versions of a case's report this user may read, newest first, each with `is_earlier`."""
    return (
        OutcomeReport.objects.visible_to(user)
        .filter(referral=referral)
        .with_is_earlier()
        .prefetch_related("consent_decisions")
        .order_by("-version")
    )


def shown_report(*, user: User, referral: Referral) -> OutcomeReport | None:
    """The version a user is shown on the case: the newest they may read. For the manager that is the newest
    released version; while a later one is being written or decided, or was withheld, it is marked earlier."""
    return report_versions(user=user, referral=referral).first()


def awaiting_decision(*, user: User, referral: Referral) -> QuerySet[OutcomeReport]:
    """The version waiting for the employee's decision (empty when none is)."""
    return OutcomeReport.objects.visible_to(user).awaiting_decision().filter(referral=referral)


def followed_up_report(*, user: User, referral: Referral) -> QuerySet[OutcomeReport]:
    """The released version whose adjustments the manager records: the newest one released to them."""
    return OutcomeReport.objects.visible_to(user).latest_released().filter(referral=referral)


def shows_adjustment_answers(user: User) -> bool:
    """Who reads the manager's answers on adjustments: that manager and the clinicians of the service
    (PRODUCT section 3); OH admins and the employee do not."""
    membership = active_membership(user)
    return membership is not None and membership.role in (Role.MANAGER, Role.CLINICIAN)


def adjustment_answers(*, user: User, referral: Referral) -> QuerySet[AdjustmentFollowUp]:
    """The answers on the adjustments of the report the manager follows up, for a user who reads them."""
    if not shows_adjustment_answers(user):
        return AdjustmentFollowUp.objects.none()
    return AdjustmentFollowUp.objects.filter(
        report__in=followed_up_report(user=user, referral=referral)
    ).select_related("answered_by")


def reads_clinical_record(*, user: User, referral: Referral) -> bool:
    """Whether this user may read the case's clinical notes and measures."""
    return Referral.objects.clinical_record_visible_to(user).filter(pk=referral.pk).exists()


def clinical_notes(*, user: User, referral: Referral) -> QuerySet[ClinicalNote]:
    """The case's clinical notes this user may read (none unless `reads_clinical_record`)."""
    return ClinicalNote.objects.visible_to(user).filter(referral=referral)


def note_threads(*, user: User, referral: Referral) -> QuerySet[ClinicalNote]:
    """The case's notes as the page shows them: each original note with its addenda (and their authors)."""
    return (
        clinical_notes(user=user, referral=referral)
        .filter(addendum_to__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("addenda", queryset=ClinicalNote.objects.select_related("author")))
    )


def reads_case_messages(*, user: User, referral: Referral) -> bool:
    """Whether this user is one of the two sides of the case's messages (the referring manager, or an OH admin
    or clinician of the service handling it). The employee is not; nor is anyone on a self-referral."""
    return (
        referral.kind == Kind.MANAGEMENT
        and _message_reader(user)
        and Referral.objects.visible_to(user).filter(pk=referral.pk).exists()
    )


def _message_reader(user: User) -> bool:
    membership = active_membership(user)
    return membership is not None and membership.role in (Role.MANAGER, Role.OH_ADMIN, Role.CLINICIAN)


def case_messages(*, user: User, referral: Referral) -> list[CaseMessage]:
    """The case's messages this user may read, oldest first; `unread`: sent by someone else since this user
    last read the thread."""
    thread = list(CaseMessage.objects.visible_to(user).filter(referral=referral).select_related("author"))
    mark = CaseMessagesRead.objects.filter(referral=referral, user=user).values_list("read_at", flat=True).first()
    for message in thread:
        message.unread = message.author_id != user.pk and (mark is None or message.created_at > mark)  # type: ignore[attr-defined]
    return thread


def measures(*, user: User, referral: Referral) -> QuerySet[Measures]:
    return Measures.objects.visible_to(user).filter(referral=referral)


def attachments(*, user: User, referral: Referral) -> QuerySet[Attachment]:
    return Attachment.objects.visible_to(user).filter(referral=referral)


def appointments(*, user: User, referral: Referral | None = None) -> QuerySet[Appointment]:
    visible = Appointment.objects.visible_to(user)
    return visible if referral is None else visible.filter(referral=referral)


def clinicians_of(referral: Referral) -> QuerySet[User]:
    """Who an appointment on this case can be booked with: the clinicians of its OH service."""
    return User.objects.filter(
        memberships__organisation=referral.oh_service, memberships__role=Role.CLINICIAN
    ).order_by("last_name")


def users() -> QuerySet[User]:
    """Any user, for an API request that names one by id; whether they fit is the service's rule."""
    return User.objects.all()


def stored_attachments(referral: Referral) -> tuple[int, int]:
    """How many documents the referral has, and their bytes: what its limits count from."""
    stored = referral.attachments.aggregate(count=Count("pk"), size=Sum("size"))
    return stored["count"], stored["size"] or 0
