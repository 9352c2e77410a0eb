"""Once the employee has decided, "ready for your decision" no longer shows as new."""

import pytest
from django.urls import reverse

from conftest import signed_in_client
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def consent_notifications(case):
    link = reverse("referrals:consent", args=[case.referral.pk])
    return Notification.objects.filter(user=case.employee_user, link=link)


@pytest.mark.parametrize("choice", ["release_now", "withhold"])
def test_the_decision_marks_the_request_read(case, choice):
    case.accept().book().attend().report()
    assert consent_notifications(case).unread().count() == 1
    employee = signed_in_client(case.employee_user)
    assert employee.post(f"/referrals/{case.referral.pk}/consent/", {"choice": choice}).status_code == 302
    assert consent_notifications(case).count() == 1 and consent_notifications(case).unread().count() == 0


def test_show_me_first_leaves_the_request_new_until_the_decision(case):
    case.accept().book().attend().report()
    employee = signed_in_client(case.employee_user)
    # Asked for through the API (the page shows the report, so it does not offer this choice).
    assert employee.post(
        f"/api/v1/referrals/{case.referral.pk}/report/consent/", {"choice": "show_me_first"}, "application/json"
    ).status_code in (200, 201)
    assert consent_notifications(case).unread().count() == 1
    employee.post(f"/referrals/{case.referral.pk}/consent/", {"choice": "approve"})
    assert consent_notifications(case).unread().count() == 0
