"""What a user may do to a case now: the page, the API and the services answer from one rule."""

import pytest

from conftest import signed_in_client
from referrals.models import Status

pytestmark = pytest.mark.django_db


def _second_dna(case):
    from referrals import services

    case.accept().book()
    services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
    case.book()
    services.record_attendance(appointment=case.appointment, by=case.oh_admin, attended=False)
    assert case.reload().status == Status.RETURNED_TO_MANAGER and case.referral.dna_count == 2
    return case


class TestReturnedAfterTwoDNAs:
    """The attacker's request: the page offers no 'send again', so a hand-made POST must not send it either."""

    def test_manager_post_to_submit_is_refused(self, case):
        _second_dna(case)
        response = signed_in_client(case.manager).post(f"/referrals/{case.referral.pk}/submit/", follow=True)
        assert case.reload().status == Status.RETURNED_TO_MANAGER
        assert "two appointments" in response.content.decode()

    def test_manager_api_submit_is_refused(self, case):
        _second_dna(case)
        response = signed_in_client(case.manager).post(f"/api/v1/referrals/{case.referral.pk}/submit/")
        assert response.status_code == 409 and "two appointments" in response.json()["detail"]
        assert case.reload().status == Status.RETURNED_TO_MANAGER
