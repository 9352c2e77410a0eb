"""The manager's answers on adjustments: saved together, changeable, and seen by the clinician on the case."""

import pytest

from audit.models import AccessLogEntry
from conftest import signed_in_client
from referrals.models import AdjustmentFollowUp

pytestmark = pytest.mark.django_db


def answer_both(manager, pk, hours, lifting):
    first, second = AdjustmentFollowUp.objects.order_by("pk")
    return manager.post(
        f"/referrals/{pk}/adjustments/",
        {
            f"adj{first.pk}-status": hours[0],
            f"adj{first.pk}-reason": hours[1],
            f"adj{second.pk}-status": lifting[0],
            f"adj{second.pk}-reason": lifting[1],
        },
    )


def test_manager_saves_several_answers_at_once_and_the_clinician_sees_them(case):
    case.accept().book().attend().report().release()
    pk = case.referral.pk
    manager = signed_in_client(case.manager)
    response = answer_both(manager, pk, ("partly", "Rota allows two weeks"), ("in_place", ""))
    assert response.status_code == 302
    assert sorted(AdjustmentFollowUp.objects.values_list("status", flat=True)) == ["in_place", "partly"]

    clinician = signed_in_client(case.clinician)
    page = clinician.get(f"/referrals/{pk}/").content.decode()
    assert "Adjustments: the manager's answers" in page
    assert "Reduced hours for 4 weeks" in page and "Partly put in place" in page and "Rota allows two weeks" in page
    api = clinician.get(f"/api/v1/referrals/{pk}/adjustments/")
    assert api.status_code == 200
    assert [(a["adjustment"], a["status"], a["reason"]) for a in api.json()] == [
        ("Reduced hours for 4 weeks", "partly", "Rota allows two weeks"),
        ("No heavy lifting", "in_place", ""),
    ]
    assert AccessLogEntry.objects.filter(user=case.clinician, reason="API: adjustment answers").count() == 1


def test_one_wrong_answer_saves_none_and_says_why(case):
    case.accept().book().attend().report().release()
    pk = case.referral.pk
    response = answer_both(signed_in_client(case.manager), pk, ("partly", ""), ("in_place", ""))
    assert response.status_code == 200
    assert "Say why it was only partly put in place or was not possible" in response.content.decode()
    assert set(AdjustmentFollowUp.objects.values_list("status", flat=True)) == {"pending"}


def test_manager_changes_an_answer(case):
    case.accept().book().attend().report().release()
    pk = case.referral.pk
    manager = signed_in_client(case.manager)
    answer_both(manager, pk, ("in_place", ""), ("in_place", ""))
    assert b"Change your answers" in manager.get(f"/referrals/{pk}/adjustments/").content
    answer_both(manager, pk, ("not_possible", "No light duties on this ward"), ("in_place", ""))
    first = AdjustmentFollowUp.objects.order_by("pk").first()
    assert (first.status, first.reason) == ("not_possible", "No light duties on this ward")


def test_oh_admin_and_employee_do_not_see_the_answers(case):
    case.accept().book().attend().report().release()
    pk = case.referral.pk
    answer_both(signed_in_client(case.manager), pk, ("partly", "Rota allows two weeks"), ("in_place", ""))
    for user in (case.oh_admin, case.employee_user):
        client = signed_in_client(user)
        assert b"Rota allows two weeks" not in client.get(f"/referrals/{pk}/").content
        assert client.get(f"/api/v1/referrals/{pk}/adjustments/").status_code == 404
