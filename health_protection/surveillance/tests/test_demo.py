"""The demo's year of health surveillance: programmes with staff enrolled by the rules and by name, checks through
the year from the services, some staff overdue now, and a compliance figure that moves from month to month."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from health_protection.surveillance.models import Basis, Enrolment, Invitation, Programme, Result
from health_protection.surveillance.presenters import status_of
from health_protection.surveillance.status import Status
from metrics.models import MonthlyKpi
from notifications.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_surveillance_with_staff_overdue():
    call_command("seed_demo")
    call_command("seed_demo")  # runs once
    assert Programme.objects.count() == 3
    enrolments = list(Enrolment.objects.select_related("programme"))
    assert len(enrolments) > 30
    assert {e.basis for e in enrolments} == {Basis.JOB_ROLE, Basis.DEPARTMENT, Basis.NAMED}
    statuses = {status_of(e) for e in enrolments}
    assert {Status.OVERDUE, Status.UP_TO_DATE} <= statuses
    now = timezone.now()
    assert Result.objects.count() > 30 and not Result.objects.filter(recorded_at__gt=now).exists()
    assert Invitation.objects.filter(submitted_at__isnull=False).exists()
    assert not OutboxMessage.objects.filter(template__startswith="surveillance").exclude(status=OutboxStatus.SENT)
    values = set(
        MonthlyKpi.objects.filter(kpi="SURVEILLANCE_COMPLIANCE", scope__ods_code="RWA").values_list("value", flat=True)
    )
    assert len(values) >= 3, values  # a trend, not a flat line
