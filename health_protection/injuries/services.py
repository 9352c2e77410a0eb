"""Writes for inoculation injuries: report, risk assessment, the source patient's status, the follow-up blood tests
and closing. Each checks the rule (actions.py), writes the change and queues its messages through the outbox, in one
transaction. Messages say that something happened and link to the portal; no result or risk is ever in one."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import queue_message
from organisations.models import Employee, Membership, ServiceAssignment, active_membership
from organisations.roles import Role, ServiceLine

from .actions import InjuryError, check_state, check_test, check_who
from .models import (
    FOLLOW_UP_WEEKS,
    BloodTestStatus,
    FollowUpTest,
    InjuryStatus,
    InoculationInjury,
    PepAdvice,
    ReportedVia,
    Risk,
)

REPORTERS = "Only the member of staff who was injured, or their occupational health service, can report an injury."
NOT_YOURS = "You can report only your own injury. Occupational health can record one for anyone they serve."
NO_SERVICE = "No occupational health service looks after {organisation}. Ask your manager who to call now."
IN_THE_FUTURE = "The injury cannot have happened in the future: check the date and time."
PEP_NEEDS_INDICATION = "Say whether post-exposure prophylaxis was started or declined, or that it is not indicated."


def _link(injury: InoculationInjury) -> str:
    return reverse("injuries:detail", args=[injury.pk])


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}"


def _oh_people(injury: InoculationInjury, roles: tuple[str, ...] = (Role.OH_ADMIN, Role.CLINICIAN)) -> list[User]:
    memberships = Membership.objects.filter(organisation=injury.oh_service, role__in=roles).select_related("user")
    return [m.user for m in memberships.order_by("user_id")]


def tell_employee(injury: InoculationInjury, *, template: str, key: str, **context: object) -> bool:
    """To the member of staff: in the portal if they have an account, else to the e-mail address on their record.
    Whether a message was queued (False: queued before under this key, or nowhere to send it)."""
    employee = injury.employee
    context = {"reference": injury.reference, **context}
    if employee.user_id:
        message = queue_message(
            template=template, idempotency_key=key, to_user=employee.user, context=context, link=_link(injury)
        )
    elif employee.email:
        message = queue_message(
            template=template,
            idempotency_key=key,
            to_address=employee.email,
            context=context,
            link=_link(injury),
            in_portal=False,
        )
    else:
        return False
    return message is not None


def tell_manager(injury: InoculationInjury, *, template: str, key: str) -> None:
    manager = injury.employee.line_manager
    if manager is None:
        return
    queue_message(
        template=template,
        idempotency_key=f"{key}-{manager.pk}",
        to_user=manager,
        context={"reference": injury.reference, "reported": _when(injury.reported_at)},
        link=_link(injury),
    )


def tell_oh(
    injury: InoculationInjury, *, template: str, key: str, roles: tuple[str, ...] | None = None, **context: object
) -> int:
    queued = 0
    for user in _oh_people(injury, roles or (Role.OH_ADMIN, Role.CLINICIAN)):
        message = queue_message(
            template=template,
            idempotency_key=f"{key}-{user.pk}",
            to_user=user,
            context={"reference": injury.reference, **context},
            link=_link(injury),
        )
        queued += message is not None
    return queued


def _reporter_may_report(by: User, employee: Employee) -> str:
    """The route the report takes ("self" or "oh"); refuses anyone else."""
    membership = active_membership(by)
    if membership is None:
        raise PermissionDenied(REPORTERS)
    if membership.role == Role.EMPLOYEE:
        if employee.user_id != by.pk or employee.organisation_id != membership.organisation_id:
            raise PermissionDenied(NOT_YOURS)
        return ReportedVia.SELF
    if membership.role in (Role.OH_ADMIN, Role.CLINICIAN):
        if not Employee.objects.visible_to(by).filter(pk=employee.pk).exists():
            raise PermissionDenied(REPORTERS)
        return ReportedVia.OH
    raise PermissionDenied(REPORTERS)


@transaction.atomic
def report_injury(
    *,
    by: User,
    employee: Employee,
    kind: str,
    occurred_at: datetime,
    location: str,
    how_it_happened: str,
    first_aid_given: bool = False,
    source_known: bool = False,
    source_details: str = "",
) -> InoculationInjury:
    """The member of staff reports their own injury (the same day, the page asks), or OH records it. Routed to the
    OH service that serves the employer for general occupational health; OH is alerted at once, urgently, and the
    line manager is told of the incident."""
    via = _reporter_may_report(by, employee)
    now = timezone.now()
    if occurred_at > now:
        raise InjuryError(IN_THE_FUTURE)
    assignment = ServiceAssignment.objects.filter(
        client=employee.organisation, service_line=ServiceLine.GENERAL_OH
    ).first()
    if assignment is None:
        raise InjuryError(NO_SERVICE.format(organisation=employee.organisation))
    injury = InoculationInjury.objects.create(
        organisation=employee.organisation,
        oh_service=assignment.oh_service,
        employee=employee,
        reported_by=by,
        reported_via=via,
        kind=kind,
        occurred_at=occurred_at,
        reported_at=now,
        location=location,
        how_it_happened=how_it_happened,
        first_aid_given=first_aid_given,
        source_known=source_known,
        source_details=source_details if source_known else "",
    )
    tell_oh(injury, template="injuries_reported", key=f"injury-reported-{injury.pk}", reported=_when(now))
    tell_manager(injury, template="injuries_incident_for_manager", key=f"injury-incident-{injury.pk}")
    return injury


def _locked(injury: InoculationInjury) -> InoculationInjury:
    """The injury's row, locked and as it is now: two changes at once cannot both start from the same state."""
    return InoculationInjury.objects.select_for_update().get(pk=injury.pk)


@transaction.atomic
def assess(
    *,
    injury: InoculationInjury,
    by: User,
    risk: str,
    hep_b_immunity: str,
    pep_advice: str,
    hep_b_booster_given: bool = False,
    riddor_reportable: bool,
    notes: str = "",
) -> InoculationInjury:
    """The clinician's risk assessment. A significant exposure starts the follow-up plan (blood tests at 6, 12 and
    24 weeks from the injury, to book); one that is not significant closes the injury. The manager and the member
    of staff are told the plan is ready, never the risk."""
    check_who(by, injury, "assess")
    injury = _locked(injury)
    check_state(injury, "assess")
    if risk == Risk.NOT_SIGNIFICANT and pep_advice != PepAdvice.NOT_INDICATED:
        raise InjuryError("Post-exposure prophylaxis is not indicated for an exposure that is not significant.")
    if not pep_advice:
        raise InjuryError(PEP_NEEDS_INDICATION)
    now = timezone.now()
    injury.risk = risk
    injury.hep_b_immunity = hep_b_immunity
    injury.pep_advice = pep_advice
    injury.pep_advised_at = now if pep_advice != PepAdvice.NOT_INDICATED else None
    injury.hep_b_booster_given = hep_b_booster_given
    injury.riddor_reportable = riddor_reportable
    injury.assessment_notes = notes
    injury.assessed_at = now
    injury.assessed_by = by
    if risk == Risk.NOT_SIGNIFICANT:
        injury.status = InjuryStatus.CLOSED
        injury.closed_at, injury.closed_by = now, by
    else:
        injury.status = InjuryStatus.FOLLOW_UP
        injured_on = timezone.localdate(injury.occurred_at)
        FollowUpTest.objects.bulk_create(
            FollowUpTest(injury=injury, week=week, due_on=injured_on + timedelta(weeks=week))
            for week in FOLLOW_UP_WEEKS
        )
    injury.save()
    if injury.status == InjuryStatus.FOLLOW_UP:
        tell_manager(injury, template="injuries_plan_for_manager", key=f"injury-plan-{injury.pk}")
        tell_employee(injury, template="injuries_plan_for_employee", key=f"injury-plan-employee-{injury.pk}")
    else:
        tell_manager(injury, template="injuries_closed_for_manager", key=f"injury-closed-{injury.pk}")
    return injury


@transaction.atomic
def request_source_status(*, injury: InoculationInjury, by: User, asked: str) -> InoculationInjury:
    """OH asks whoever looks after the source patient for their blood-borne virus status (asked again, the time
    is the latest ask)."""
    check_who(by, injury, "request_source")
    injury = _locked(injury)
    check_state(injury, "request_source")
    injury.source_requested_at = timezone.now()
    injury.source_requested_from = asked
    injury.save(update_fields=["source_requested_at", "source_requested_from"])
    return injury


@transaction.atomic
def record_source_status(
    *, injury: InoculationInjury, by: User, hbv: str, hcv: str, hiv: str, details: str = ""
) -> InoculationInjury:
    check_who(by, injury, "record_source")
    injury = _locked(injury)
    check_state(injury, "record_source")
    injury.source_hbv, injury.source_hcv, injury.source_hiv = hbv, hcv, hiv
    if details:
        injury.source_details = details
    injury.source_recorded_at = timezone.now()
    injury.save()
    return injury


def _locked_test(test: FollowUpTest, injury: InoculationInjury) -> FollowUpTest:
    return FollowUpTest.objects.select_for_update().get(pk=test.pk, injury=injury)


@transaction.atomic
def book_test(*, test: FollowUpTest, by: User, at: datetime) -> FollowUpTest:
    """Book (or move) one follow-up blood test; the member of staff is told when, not what for."""
    injury = test.injury
    check_who(by, injury, "book_test")
    injury = _locked(injury)
    check_state(injury, "book_test")
    test = _locked_test(test, injury)
    check_test(test, "book_test")
    if at <= timezone.now():
        raise InjuryError("The appointment must be in the future.")
    test.booked_for, test.booked_by, test.status = at, by, BloodTestStatus.BOOKED
    test.save(update_fields=["booked_for", "booked_by", "status"])
    tell_employee(
        injury,
        template="injuries_test_booked",
        key=f"injury-test-booked-{test.pk}-{at:%Y%m%d%H%M}",
        when=_when(at),
    )
    return test


@transaction.atomic
def record_result(*, test: FollowUpTest, by: User, hbv: str, hcv: str, hiv: str, notes: str = "") -> FollowUpTest:
    injury = test.injury
    check_who(by, injury, "record_result")
    injury = _locked(injury)
    check_state(injury, "record_result")
    test = _locked_test(test, injury)
    check_test(test, "record_result")
    test.hbv_result, test.hcv_result, test.hiv_result, test.result_notes = hbv, hcv, hiv, notes
    test.results_recorded_at, test.results_recorded_by = timezone.now(), by
    test.status = BloodTestStatus.DONE
    test.save()
    return test


@transaction.atomic
def close(*, injury: InoculationInjury, by: User) -> InoculationInjury:
    """The clinician ends the follow-up; any test not yet done is no longer needed. The manager is told it has
    finished, not why."""
    check_who(by, injury, "close")
    injury = _locked(injury)
    check_state(injury, "close")
    now = timezone.now()
    FollowUpTest.objects.filter(injury=injury).outstanding().update(status=BloodTestStatus.NOT_NEEDED)
    injury.status, injury.closed_at, injury.closed_by = InjuryStatus.CLOSED, now, by
    injury.save(update_fields=["status", "closed_at", "closed_by"])
    tell_manager(injury, template="injuries_closed_for_manager", key=f"injury-closed-{injury.pk}")
    return injury
