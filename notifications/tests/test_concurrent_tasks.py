"""Two copies of a periodic task at once (two beats, a manual run, a redelivery) do no harm: every e-mailed link
still works and no message is sent twice. Two threads, each with its own PostgreSQL connection, start together.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from assessments import services as assessment_services
from assessments import tasks as assessment_tasks
from assessments.models import Assessment, QuestionnaireLink, hash_token
from audit import tasks as audit_tasks
from audit.models import RetentionAction
from metrics import services as metrics_services
from metrics import tasks as metrics_tasks
from metrics.models import SatisfactionSurvey
from notifications.models import Notification, OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import tasks as referral_tasks
from referrals.models import Status
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)

COPIES = 40


def twice_at_once(task):
    """Run `task` in two threads released together; returns both results."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(task())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return results


def no_duplicates(template):
    keys = list(OutboxMessage.objects.filter(template=template).values_list("idempotency_key", flat=True))
    return len(keys) - len(set(keys))


@pytest.fixture
def quiet_broker(throwaway_redis):
    """Deliveries are published to a Redis of the test's own, not the shared one."""
    return throwaway_redis


def test_two_survey_chasers_at_once_leave_every_emailed_link_working(world, quiet_broker):
    for _ in range(COPIES):
        employee = EmployeeFactory(organisation=world.trust_a, user=member(Role.EMPLOYEE, world.trust_a))
        referral = ReferralFactory(employee=employee, status=Status.CLOSED, closed_at=timezone.now())
        metrics_services.create_survey_for_case(referral)
    SatisfactionSurvey.objects.update(sent_at=timezone.now() - timedelta(days=8))
    results = twice_at_once(metrics_tasks.chase_surveys)
    chasers = OutboxMessage.objects.filter(template="referrals_survey_request", idempotency_key__startswith="survey-")
    hashes = set(SatisfactionSurvey.objects.values_list("token_hash", flat=True))
    working = sum(
        hashlib.sha256(re.search(r"/survey/([^/]+)/", m.context["link"]).group(1).encode()).hexdigest() in hashes
        for m in chasers
    )
    print(
        f"\nTwo survey chasers at once over {COPIES} surveys: chased {results}; e-mails queued {chasers.count()}; "
        f"links that work {working}; duplicated {no_duplicates('referrals_survey_request')}"
    )
    assert sum(results) == COPIES and chasers.count() == COPIES
    assert working == COPIES


def test_two_candidate_chasers_at_once_leave_every_emailed_link_working(world, quiet_broker):
    recruiter = member(Role.RECRUITER, world.trust_a)
    for n in range(COPIES):
        assessment_services.start_check(
            recruiter=recruiter,
            candidate_name=f"Candidate {n}",
            candidate_email=f"candidate{n}@example.com",
            job_role="Theatre nurse",
            exposure_prone=False,
        )
    Assessment.objects.update(created_at=timezone.now() - timedelta(days=6))
    first = set(OutboxMessage.objects.values_list("pk", flat=True))
    results = twice_at_once(assessment_tasks.chase_candidates)
    chasers = OutboxMessage.objects.filter(template="assessments_questionnaire_link").exclude(pk__in=first)
    live = set(
        QuestionnaireLink.objects.filter(revoked_at__isnull=True, used_at__isnull=True).values_list(
            "token_hash", flat=True
        )
    )
    working = sum(hash_token(re.search(r"/q/([^/]+)/", m.context["link"]).group(1)) in live for m in chasers)
    per_candidate = set(chasers.values_list("to_address", flat=True))
    print(
        f"\nTwo candidate chasers at once over {COPIES} checks: chased {results}; e-mails queued {chasers.count()} "
        f"to {len(per_candidate)} candidates; links that work {working}"
    )
    assert sum(results) == COPIES and chasers.count() == COPIES and len(per_candidate) == COPIES
    assert working == COPIES


def test_two_end_measure_chasers_and_two_triage_alerts_at_once_send_each_message_once(world, quiet_broker):
    admins = [member(Role.OH_ADMIN, world.oh_service) for _ in range(2)]
    long_ago = timezone.now() - timedelta(days=14)
    for _ in range(COPIES):
        employee = EmployeeFactory(organisation=world.trust_a, user=member(Role.EMPLOYEE, world.trust_a))
        ReferralFactory(employee=employee, status=Status.CLOSED, closed_at=long_ago, oh_service=world.oh_service)
        ReferralFactory(employee=employee, status=Status.SUBMITTED, submitted_at=long_ago, oh_service=world.oh_service)
    measures = twice_at_once(referral_tasks.chase_end_measures)
    triage = twice_at_once(referral_tasks.alert_overdue_triage)
    end_messages = OutboxMessage.objects.filter(template="referrals_end_measures_request").count()
    triage_messages = OutboxMessage.objects.filter(template="referrals_triage_overdue").count()
    print(
        f"\nTwo end-measure chasers at once: queued {measures}, messages {end_messages}; two triage alerts at once: "
        f"queued {triage}, messages {triage_messages}; in-portal notifications {Notification.objects.count()}"
    )
    assert sum(measures) == end_messages == COPIES
    assert sum(triage) == triage_messages == COPIES * len(admins)
    assert Notification.objects.count() == COPIES + COPIES * len(admins)


def test_two_retention_sweeps_at_once_anonymise_and_log_each_record_once(world, settings):
    settings.OHWB_RETENTION = {"referral": {"years": 6, "action": "anonymise"}}
    employee = EmployeeFactory(organisation=world.trust_a)
    closed = timezone.now() - timedelta(days=365 * 7)
    for _ in range(COPIES):
        ReferralFactory(employee=employee, status=Status.CLOSED, closed_at=closed, oh_service=world.oh_service)
    results = twice_at_once(audit_tasks.retention_sweep)
    logged = RetentionAction.objects.filter(record_type="referral").count()
    print(f"\nTwo retention sweeps at once over {COPIES} old cases: results {results}; actions logged {logged}")
    assert logged == COPIES


def test_two_reminder_consent_and_adjustment_chasers_at_once_send_each_message_once(world, quiet_broker):
    from referrals.models import Appointment, OutcomeReport
    from referrals.tests.conftest import Case

    cases = 8
    for _ in range(cases):
        Case(world).accept().book()  # booked: due a reminder
        Case(world).accept().book().attend().report()  # waiting for the employee's consent
        Case(world).accept().book().attend().report().release()  # released with adjustments to follow up
    Appointment.objects.filter(status="booked").update(start=timezone.now() + timedelta(hours=1))
    OutcomeReport.objects.update(sent_for_consent_at=timezone.now() - timedelta(days=6))
    OutcomeReport.objects.filter(released_at__isnull=False).update(released_at=timezone.now() - timedelta(weeks=5))
    figures = {}
    for task, template in [
        (referral_tasks.send_appointment_reminders, "referrals_appointment_reminder"),
        (referral_tasks.chase_consent, "referrals_consent_chaser"),
        (referral_tasks.chase_adjustments, "referrals_adjustment_chaser"),
    ]:
        results = twice_at_once(task)
        figures[template] = (sum(results), OutboxMessage.objects.filter(template=template).count())
    print(f"\nTwo copies at once over {cases} cases each, (queued by both, messages): {figures}")
    assert figures == {
        "referrals_appointment_reminder": (2 * cases, 2 * cases),  # the 2-day and the 2-hour reminder
        "referrals_consent_chaser": (cases, cases),
        "referrals_adjustment_chaser": (cases, cases),
    }
