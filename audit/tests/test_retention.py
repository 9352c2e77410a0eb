"""Retention: records past their period are anonymised, logged, and a second sweep changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit import retention
from audit.models import RetentionAction
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_closed_case_anonymised_after_six_years_once(case, settings):
    from referrals import services

    case.accept().book().attend().report().release()
    services.add_clinical_note(referral=case.referral, author=case.clinician, text="Private detail")
    services.close_case(referral=case.referral, by=case.clinician, outcome="remained_in_work", work_ability=7)
    assert retention.sweep() == {"referral": 0, "pre_employment": 0}
    with time_machine.travel(timezone.now() + timedelta(days=365 * 6 + 5)):
        assert retention.sweep()["referral"] == 1
        assert retention.sweep()["referral"] == 0  # idempotent
    referral = Referral.objects.get(pk=case.referral.pk)
    assert referral.anonymised_at is not None and referral.work_details == ""
    assert not referral.notes.exists()
    report = referral.reports.get()
    assert report.answers == {} and report.adjustments == ["Adjustment 1", "Adjustment 2"]
    assert not referral.history.exists()
    # What the measures need stays: dates, outcome, work ability.
    assert referral.closure_outcome == "remained_in_work" and referral.measures.count() == 2
    action = RetentionAction.objects.get()
    assert (action.record_type, action.object_id, action.action, action.rule_years) == (
        "referral",
        str(referral.pk),
        "anonymise",
        6,
    )


def test_open_cases_are_never_swept(case):
    with time_machine.travel(timezone.now() + timedelta(days=365 * 10)):
        assert retention.sweep()["referral"] == 0


def test_period_is_configurable_and_delete_is_logged(case, settings):
    from referrals import services

    settings.OHWB_RETENTION = {"referral": {"years": 1, "action": "delete"}}
    case.accept().book().attend()
    services.close_case(referral=case.referral, by=case.clinician, outcome="remained_in_work")
    pk = case.referral.pk
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert retention.sweep() == {"referral": 1}
    assert not Referral.objects.filter(pk=pk).exists()
    assert RetentionAction.objects.get().action == "delete"
