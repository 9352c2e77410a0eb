"""Retention: records past their period are anonymised, logged, and a second sweep changes nothing."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit import retention
from audit.models import RetentionAction
from referrals.models import ClinicalNote, Referral

# The other record types each domain registers, with nothing due in these tests.
NOTHING_ELSE = {
    "pre_employment": 0,
    "surveillance": 0,
    "inoculation_injury": 0,
    "immunisation_record": 0,
    "campaign_vaccination": 0,
}

pytestmark = pytest.mark.django_db


def test_closed_case_anonymised_after_six_years_once(case, settings):
    from referrals import services

    case.accept().book().attend().report().release()
    services.add_clinical_note(referral=case.referral, author=case.clinician, text="Private detail")
    services.close_case(referral=case.referral, by=case.clinician, outcome="remained_in_work", work_ability=7)
    assert retention.sweep().done == {"referral": 0, **NOTHING_ELSE}
    with time_machine.travel(timezone.now() + timedelta(days=365 * 6 + 5)):
        assert retention.sweep().done["referral"] == 1
        assert retention.sweep().done["referral"] == 0  # idempotent
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
        assert retention.sweep().done["referral"] == 0


def test_period_is_configurable_and_delete_is_logged(case, settings):
    from referrals import services

    settings.OHWB_RETENTION = {"referral": {"years": 1, "action": "delete"}}
    case.accept().book().attend()
    services.close_case(referral=case.referral, by=case.clinician, outcome="remained_in_work")
    pk = case.referral.pk
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert retention.sweep().done == {"referral": 1}
    assert not Referral.objects.filter(pk=pk).exists()
    assert RetentionAction.objects.get().action == "delete"


def _closed_case_with_addenda(world, note_text="Private detail"):
    """A closed case whose notes have an addendum, and an addendum to that addendum."""
    from referrals import services
    from referrals.tests.conftest import Case

    made = Case(world)
    made.accept().book().attend()
    note = services.add_clinical_note(referral=made.referral, author=made.clinician, text=note_text)
    addendum = services.add_clinical_note(
        referral=made.referral, author=made.clinician, text="Correction", addendum_to=note
    )
    services.add_clinical_note(referral=made.referral, author=made.clinician, text="Again", addendum_to=addendum)
    services.close_case(referral=made.referral, by=made.clinician, outcome="remained_in_work", work_ability=7)
    return made


SIX_YEARS_ON = timedelta(days=365 * 6 + 5)


@pytest.mark.parametrize("action", ["anonymise", "delete"])
def test_case_with_addenda_is_swept(world, settings, action):
    settings.OHWB_RETENTION = {"referral": {"years": 6, "action": action}}
    made = _closed_case_with_addenda(world)
    with time_machine.travel(timezone.now() + SIX_YEARS_ON):
        result = retention.sweep()
    assert (result.done, result.failed) == ({"referral": 1}, [])
    assert not ClinicalNote.objects.filter(referral_id=made.referral.pk).exists()
    assert RetentionAction.objects.get().action == action


def test_sweep_goes_on_past_a_record_it_cannot_process(world, caplog):
    from referrals.tests.conftest import Case

    first = _closed_case_with_addenda(world, note_text="First private detail")
    stuck = _closed_case_with_addenda(world, note_text="Stuck private detail")
    last = _closed_case_with_addenda(world, note_text="Last private detail")
    # A note of an open case points at a note of `stuck` (made behind the services' back): that
    # protected relation makes `stuck` impossible to anonymise.
    other = Case(world).accept()
    ClinicalNote.objects.create(
        referral=other.referral,
        author=other.clinician,
        text="Cross-case addendum",
        addendum_to=stuck.referral.notes.first(),
    )
    with (
        caplog.at_level(logging.ERROR, logger="audit.retention"),
        time_machine.travel(timezone.now() + SIX_YEARS_ON),
    ):
        result = retention.sweep()
        again = retention.sweep()  # the next night: the others stay done, the stuck one is reported again
    assert result.done == {"referral": 2, **NOTHING_ELSE}
    assert [(f.record_type, f.object_id, f.error) for f in result.failed] == [
        ("referral", str(stuck.referral.pk), "ProtectedError")
    ]
    assert again.done == {"referral": 0, **NOTHING_ELSE} and len(again.failed) == 1
    for swept in (first, last):
        assert Referral.objects.get(pk=swept.referral.pk).anonymised_at is not None
        assert not swept.referral.notes.exists()
    # The stuck case is untouched (its savepoint rolled back), not half-anonymised.
    stuck_now = Referral.objects.get(pk=stuck.referral.pk)
    assert stuck_now.anonymised_at is None and stuck_now.work_details == "Ward nurse"
    assert stuck_now.notes.count() == 3
    # Logged by id, never by content; recorded for the IG lead as a failed action.
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 2 and all(str(stuck.referral.pk) in line for line in logged)
    assert not any("private detail" in line.lower() for line in logged)
    failed = RetentionAction.objects.filter(action="failed")
    assert [(a.record_type, a.object_id) for a in failed] == [("referral", str(stuck.referral.pk))] * 2
    # What the Celery task returns is JSON.
    assert result.summary()["failed"] == [
        {"record_type": "referral", "id": str(stuck.referral.pk), "error": "ProtectedError"}
    ]
