"""A refused DPS action tells the person why: the API answers 409 with the message, a page shows it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import signed_in_client
from suppliers.models import CallOff, CallOffStatus, ChangeStatus, ProfileChangeRequest

from .test_framework import signed_call_off
from .test_profile_changes import request_change

pytestmark = pytest.mark.django_db

ENDS_FIRST = "The end date must be after the start date."
NO_CHANGE_REASON = "Give the reason for rejecting the change."


class TestCallOffs:
    def test_api_raise_with_dates_the_wrong_way_round_is_409_with_the_reason(self, dps):
        today = timezone.localdate()
        response = signed_in_client(dps.procurement).post(
            "/api/v1/call-offs/",
            {
                "supplier": dps.acme.pk,
                "lots": ["management_referrals"],
                "start_date": today.isoformat(),
                "end_date": (today - timedelta(days=1)).isoformat(),
                "estimated_value": "1000",
                "client_signatory": dps.procurement.pk,
                "supplier_signatory": dps.acme_user.pk,
            },
            content_type="application/json",
        )
        assert (response.status_code, response.json()) == (409, {"detail": ENDS_FIRST, "field": "end_date"})
        assert not CallOff.objects.exists()

    def test_page_raise_with_dates_the_wrong_way_round_shows_the_reason_on_the_form(self, dps):
        today = timezone.localdate()
        response = signed_in_client(dps.procurement).post(
            f"/suppliers/{dps.acme.pk}/call-off/",
            {
                "lots": [dps.lots["management_referrals"].pk],
                **{f"start_date_{i}": part for i, part in enumerate((today.day, today.month, today.year))},
                **{f"end_date_{i}": part for i, part in enumerate((today.day, today.month, today.year - 1))},
                "estimated_value": "1000",
                "client_signatory": dps.procurement.pk,
                "supplier_signatory": dps.acme_user.pk,
                "appointment_within": "10",
                "report_within": "2",
            },
        )
        assert response.status_code == 200 and ENDS_FIRST in response.content.decode()
        assert not CallOff.objects.exists()

    def test_page_button_on_a_signed_call_off_shows_the_reason_on_the_call_off(self, dps):
        call_off = signed_call_off(dps)
        response = signed_in_client(dps.procurement).post(f"/suppliers/call-offs/{call_off.pk}/send/", follow=True)
        assert response.redirect_chain == [(f"/suppliers/call-offs/{call_off.pk}/", 302)]
        assert "Only a draft can be sent for signature." in response.content.decode()
        assert CallOff.objects.get(pk=call_off.pk).status == CallOffStatus.ACTIVE

    def test_api_terminate_of_a_terminated_call_off_is_409(self, dps):
        call_off = signed_call_off(dps)
        client = signed_in_client(dps.procurement)
        first = client.post(
            f"/api/v1/call-offs/{call_off.pk}/terminate/", {"reason": "Failures"}, content_type="application/json"
        )
        again = client.post(
            f"/api/v1/call-offs/{call_off.pk}/terminate/", {"reason": "Failures"}, content_type="application/json"
        )
        assert first.status_code == 200
        assert again.status_code == 409 and again.json()["detail"]


class TestProfileChanges:
    def test_api_reject_without_a_reason_is_409_with_the_reason(self, dps):
        request_change(dps, legal_name="Acme Renamed Ltd")
        change = ProfileChangeRequest.objects.get()
        response = signed_in_client(dps.admin).post(
            f"/api/v1/supplier-changes/{change.pk}/decide/", {"decision": "reject"}, content_type="application/json"
        )
        assert (response.status_code, response.json()) == (409, {"detail": NO_CHANGE_REASON, "field": "reason"})
        assert ProfileChangeRequest.objects.get().status == ChangeStatus.PENDING

    def test_page_reject_without_a_reason_shows_the_reason_on_the_form(self, dps):
        request_change(dps, legal_name="Acme Renamed Ltd")
        change = ProfileChangeRequest.objects.get()
        response = signed_in_client(dps.admin).post(f"/suppliers/changes/{change.pk}/", {"decision": "reject"})
        assert response.status_code == 200 and NO_CHANGE_REASON in response.content.decode()
        assert ProfileChangeRequest.objects.get().status == ChangeStatus.PENDING

    def test_api_patch_refused_is_409_with_the_reason(self, dps):
        response = signed_in_client(dps.acme_user).patch(
            "/api/v1/supplier-profile/", {"legal_name": "Beta Health Ltd"}, content_type="application/json"
        )
        taken = "Another supplier on the DPS has this legal name. Enter your own legal name."
        assert (response.status_code, response.json()) == (409, {"detail": taken, "field": "legal_name"})
