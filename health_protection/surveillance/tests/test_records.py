"""What surveillance registers with audit: records kept 40 years from the last entry then retired by the sweep,
and the health surveillance section of a subject access export (results only for the holding service's
clinicians)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit import retention
from audit.models import AccessLogEntry, RetentionAction
from audit.subject_access import export_for
from health_protection.surveillance import services
from health_protection.surveillance.models import Enrolment, Outcome, ProgrammeKind, Result
from organisations.models import Membership
from organisations.roles import Role
from organisations.tests.factories import member

from .factories import enrolled, programme

pytestmark = pytest.mark.django_db


def _checked(by_admin, clinician, prog, **kwargs):
    enrolment = enrolled(by=by_admin, programme=prog, **kwargs)
    services.record_result(
        enrolment=enrolment,
        by=clinician,
        performed_on=timezone.localdate(),
        outcome=Outcome.FIT_WITH_RESTRICTIONS,
        category="Category 3: poor hearing",
        findings="zqfindingszq",
        restrictions="No work above 85 dB",
    )
    return enrolment


def test_records_are_kept_forty_years_from_the_last_entry(world, user_for):
    oh_admin, clinician = user_for(Role.OH_ADMIN), user_for(Role.CLINICIAN)
    start = timezone.now() - timedelta(days=round(365.25 * 41))
    with time_machine.travel(start, tick=False):
        noise = programme(by=oh_admin, organisation=world.trust_a, kind=ProgrammeKind.NOISE)
        old = _checked(oh_admin, clinician, noise)
        services.end_enrolment(enrolment=old, by=oh_admin, reason="Left the trust")
        still_checked = _checked(oh_admin, clinician, noise)
        services.end_enrolment(enrolment=still_checked, by=oh_admin, reason="Moved role")
        open_ = _checked(oh_admin, clinician, noise)
    # A later entry (a result recorded 20 years ago) keeps a record that ended long ago.
    with time_machine.travel(timezone.now() - timedelta(days=365 * 20), tick=False):
        Result.objects.create(
            enrolment=still_checked,
            performed_on=timezone.localdate(),
            recorded_by=clinician,
            outcome=Outcome.FIT,
            next_due_on=timezone.localdate() + timedelta(days=365),
        )
    result = retention.sweep()
    assert result.done["surveillance"] == 1 and not result.failed
    assert not Enrolment.objects.filter(pk=old.pk).exists()
    assert not Result.objects.filter(enrolment_id=old.pk).exists()
    assert set(Enrolment.objects.values_list("pk", flat=True)) == {still_checked.pk, open_.pk}
    assert RetentionAction.objects.get(record_type="surveillance").object_id == str(old.pk)
    assert retention.sweep().done["surveillance"] == 0  # idempotent


def test_anonymising_keeps_dates_and_outcomes(world, user_for, settings):
    settings.OHWB_RETENTION = {"surveillance": {"years": 40, "action": "anonymise"}}
    oh_admin, clinician = user_for(Role.OH_ADMIN), user_for(Role.CLINICIAN)
    with time_machine.travel(timezone.now() - timedelta(days=365 * 41), tick=False):
        noise = programme(by=oh_admin, organisation=world.trust_a)
        old = _checked(oh_admin, clinician, noise)
        services.end_enrolment(enrolment=old, by=oh_admin, reason="Left the trust")
    assert retention.sweep().done == {"surveillance": 1}
    result = Result.objects.get(enrolment=old)
    assert (result.findings, result.category, result.restrictions, result.outcome) == (
        "",
        "",
        "",
        Outcome.FIT_WITH_RESTRICTIONS,
    )
    assert retention.sweep().done == {"surveillance": 0}


def test_subject_access_shows_results_only_to_a_clinician_of_the_holding_service(world, user_for):
    oh_admin, clinician = user_for(Role.OH_ADMIN), user_for(Role.CLINICIAN)
    noise = programme(by=oh_admin, organisation=world.trust_a)
    enrolment = _checked(oh_admin, clinician, noise)
    employee = enrolment.employee

    trust_ig = member(Role.IG_LEAD, world.trust_a)
    document = export_for(user=trust_ig, employee=employee)
    (entry,) = document["health_surveillance"]
    assert entry["summary"]["Last outcome"] == "Fit with restrictions"
    assert entry["results"] == [] and "released only in an export made by a clinician" in entry["withheld"]
    assert "zqfindingszq" not in str(document)

    oh_ig = member(Role.IG_LEAD, world.oh_service)
    Membership.objects.create(user=oh_ig, organisation=world.oh_service, role=Role.CLINICIAN)
    before = AccessLogEntry.objects.filter(object_type="surveillance.enrolment").count()
    document = export_for(user=oh_ig, employee=employee)
    (entry,) = document["health_surveillance"]
    assert entry["results"][0]["Findings"] == "zqfindingszq"
    assert entry["results"][0]["Audiogram category (HSE)"] == "Category 3: poor hearing"
    assert AccessLogEntry.objects.filter(object_type="surveillance.enrolment").count() == before + 1

    other_ig = member(Role.IG_LEAD, world.other_oh_service)
    assert export_for(user=other_ig, employee=employee)["health_surveillance"] == []
