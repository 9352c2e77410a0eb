"""Call-off rules as people meet them (PRODUCT.md section 5): where an agreement stands on a date, returns only for
months of its term, the named signatories and their declaration, drafts changed before they are sent, and the
client's new referrals handed back when an agreement ends."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import signed_in_client
from organisations.models import Membership, ServiceAssignment
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, ServiceAssignmentFactory, member
from referrals import services as referral_services
from suppliers import services
from suppliers.models import CallOff, CallOffStatus, MonthlyReturn
from suppliers.tests.test_framework import raise_call_off, signed_call_off

pytestmark = pytest.mark.django_db


def _future(dps, **overrides):
    """Signed by both sides on 1 Dec 2026, starting 1 Mar 2027."""
    return signed_call_off(dps, start_date=date(2027, 3, 1), end_date=date(2028, 2, 29), **overrides)


class TestSignedBeforeItStarts:
    @pytest.fixture(autouse=True)
    def _on_1_december_2026(self):
        with time_machine.travel(date(2026, 12, 1), tick=False):
            yield

    def test_page_list_and_api_say_signed_starts_not_active(self, dps):
        call_off = _future(dps)
        assert call_off.status_on(date(2026, 12, 1)).label == "Signed, starts 1 Mar 2027"
        client = signed_in_client(dps.procurement)
        page = client.get(f"/suppliers/call-offs/{call_off.pk}/").content.decode()
        assert "Signed, starts 1 Mar 2027" in page and ">Active<" not in page
        assert "Signed, starts 1 Mar 2027" in client.get("/suppliers/call-offs/").content.decode()
        answer = client.get(f"/api/v1/call-offs/{call_off.pk}/").json()
        assert answer["status_today"] == {"code": "signed", "text": "Signed, starts 1 Mar 2027"}

    def test_referrals_move_to_the_supplier_only_on_the_start_date(self, dps):
        call_off = _future(dps)
        routed = ServiceAssignment.objects.get(client=dps.world.trust_a, service_line="general_oh")
        assert routed.oh_service == dps.world.oh_service
        assert services.start_signed_call_offs(today=date(2027, 2, 28)) == 0
        assert services.start_signed_call_offs(today=date(2027, 3, 1)) == 1
        routed.refresh_from_db()
        assert (routed.oh_service, routed.previous_oh_service) == (dps.acme.oh_service, dps.world.oh_service)
        assert call_off.status_on(date(2027, 3, 1)).label == "Active"


class TestMonthlyReturnsWithinTheTerm:
    @pytest.fixture(autouse=True)
    def _on_15_june_2027(self):
        with time_machine.travel(date(2027, 6, 15), tick=False):
            yield

    @pytest.mark.parametrize(
        ("month", "accepted"),
        [(date(2027, 2, 1), False), (date(2027, 3, 1), True), (date(2027, 5, 20), True), (date(2027, 7, 1), False)],
    )
    def test_only_months_of_the_agreement(self, dps, month, accepted):
        call_off = signed_call_off(dps, start_date=date(2027, 3, 1), end_date=date(2027, 12, 31))
        level = call_off.service_levels.get()
        submit = {"call_off": call_off, "by": dps.acme_user, "month": month, "cases_handled": 4}
        if accepted:
            services.submit_monthly_return(**submit, levels_met={str(level.pk): 90})
            return
        with pytest.raises(services.FrameworkError, match="outside this agreement|future month"):
            services.submit_monthly_return(**submit, levels_met={str(level.pk): 90})

    def test_the_form_says_why_in_words(self, dps):
        call_off = signed_call_off(dps, start_date=date(2027, 3, 1), end_date=date(2027, 12, 31))
        level = call_off.service_levels.get()
        response = signed_in_client(dps.acme_user).post(
            f"/suppliers/call-offs/{call_off.pk}/return/",
            {"month_0": "1", "month_1": "2", "month_2": "2027", "cases_handled": "3", f"level_{level.pk}": "90"},
        )
        assert response.status_code == 200
        assert "February 2027 is outside this agreement, which runs from 1 March 2027" in response.content.decode()
        assert not MonthlyReturn.objects.exists()


class TestNamedSignatories:
    def test_only_the_named_supplier_signatory_counter_signs_and_is_the_one_shown(self, dps):
        named = member(Role.SUPPLIER, dps.world.supplier)
        named.first_name, named.last_name = "Priya", "Shah"
        named.save()
        Membership.objects.filter(user=named).update(job_title="Commercial Director")
        call_off = raise_call_off(dps, supplier_signatory=named)
        services.send_for_signature(call_off=call_off, by=dps.procurement)
        services.sign(call_off=call_off, by=dps.procurement, declared=True)
        with pytest.raises(PermissionDenied, match="Priya Shah"):
            services.sign(call_off=CallOff.objects.get(pk=call_off.pk), by=dps.acme_user, declared=True)
        page = signed_in_client(dps.acme_user).get(f"/suppliers/call-offs/{call_off.pk}/").content.decode()
        assert "Sign the agreement" not in page and "Priya Shah, Commercial Director" in page
        services.sign(call_off=CallOff.objects.get(pk=call_off.pk), by=named, declared=True)
        signed = CallOff.objects.get(pk=call_off.pk)
        assert (signed.status, signed.supplier_signed_by) == (CallOffStatus.ACTIVE, named)
        assert (
            "Signed by Priya Shah"
            in signed_in_client(dps.procurement).get(f"/suppliers/call-offs/{call_off.pk}/").content.decode()
        )

    def test_raising_refuses_a_supplier_signatory_from_elsewhere(self, dps):
        with pytest.raises(services.FrameworkError, match="supplier signatory"):
            raise_call_off(dps, supplier_signatory=dps.beta_user)
        with pytest.raises(services.FrameworkError, match="supplier signatory"):
            raise_call_off(dps, supplier_signatory=None)

    def test_signatory_lists_show_names_and_job_titles_not_usernames(self, dps):
        dps.procurement.first_name, dps.procurement.last_name = "Sam", "Okafor"
        dps.procurement.save()
        Membership.objects.filter(user=dps.procurement).update(job_title="Head of Procurement")
        dps.acme_user.first_name, dps.acme_user.last_name = "Jo", "Reed"
        dps.acme_user.save()
        Membership.objects.filter(user=dps.acme_user).update(job_title="Director")
        html = signed_in_client(dps.procurement).get(f"/suppliers/{dps.acme.pk}/call-off/").content.decode()
        assert "Sam Okafor, Head of Procurement" in html and "Jo Reed, Director" in html
        assert dps.procurement.username not in html and dps.acme_user.username not in html


class TestDeclaration:
    def test_signing_without_the_declaration_is_refused_in_words(self, dps):
        call_off = raise_call_off(dps)
        services.send_for_signature(call_off=call_off, by=dps.procurement)
        with pytest.raises(services.FrameworkError, match="declaration"):
            services.sign(call_off=call_off, by=dps.procurement, declared=False)
        response = signed_in_client(dps.procurement).post(f"/suppliers/call-offs/{call_off.pk}/sign/", {})
        assert response.status_code == 400
        assert "Tick the box to confirm the declaration before you sign" in response.content.decode()
        assert CallOff.objects.get(pk=call_off.pk).status == CallOffStatus.AWAITING_CLIENT

    def test_the_words_are_stored_with_who_and_when(self, dps):
        call_off = raise_call_off(dps)
        services.send_for_signature(call_off=call_off, by=dps.procurement)
        page = signed_in_client(dps.procurement).get(f"/suppliers/call-offs/{call_off.pk}/").content.decode()
        assert f"I am authorised to sign call-off {call_off.reference} for Trust A" in page
        response = signed_in_client(dps.procurement).post(
            f"/suppliers/call-offs/{call_off.pk}/sign/", {"declared": "on"}
        )
        assert response.status_code == 302
        signed = CallOff.objects.get(pk=call_off.pk)
        assert signed.client_signed_by == dps.procurement and signed.client_signed_at is not None
        words = f"I am authorised to sign call-off {call_off.reference} for Trust A"
        assert signed.client_declaration.startswith(words)

    def test_the_api_needs_the_declaration_too(self, dps):
        call_off = raise_call_off(dps)
        url = f"/api/v1/call-offs/{call_off.pk}/sign/"
        client = signed_in_client(dps.procurement)
        refused = client.post(url, {"declared": False}, content_type="application/json")
        assert refused.status_code == 409 and "declaration" in refused.content.decode()
        assert client.post(url, {"declared": True}, content_type="application/json").status_code == 200


class TestChangingADraft:
    def _form(self, dps, call_off, **changes):
        start, end = changes.pop("start", call_off.start_date), changes.pop("end", call_off.end_date)
        data = {
            "lots": [lot.pk for lot in call_off.lots.all()],
            **{f"start_date_{i}": p for i, p in enumerate((start.day, start.month, start.year))},
            **{f"end_date_{i}": p for i, p in enumerate((end.day, end.month, end.year))},
            "estimated_value": str(call_off.estimated_value),
            "client_signatory": call_off.client_signatory_id,
            "supplier_signatory": call_off.supplier_signatory_id,
            "appointment_within": "10",
            "report_within": "",
        }
        data.update(changes)
        return data

    def test_a_variation_is_changed_then_sent_and_signed(self, dps):
        original = signed_call_off(dps)
        procurement = signed_in_client(dps.procurement)
        response = procurement.post(f"/suppliers/call-offs/{original.pk}/vary/")
        variation = CallOff.objects.get(variation_of=original)
        assert response.url == f"/suppliers/call-offs/{variation.pk}/"
        page = procurement.get(response.url).content.decode()
        assert "Change the draft" in page
        form = procurement.get(f"/suppliers/call-offs/{variation.pk}/edit/").content.decode()
        assert 'value="120000.00"' in form
        new_end = original.end_date + timedelta(days=180)
        changed = procurement.post(
            f"/suppliers/call-offs/{variation.pk}/edit/",
            self._form(dps, variation, estimated_value="150000", end=new_end, report_within="3"),
        )
        assert changed.status_code == 302, changed.content.decode()[:2000]
        variation.refresh_from_db()
        assert (variation.estimated_value, variation.end_date) == (Decimal("150000"), new_end)
        assert sorted(variation.service_levels.values_list("metric", "working_days")) == [
            ("appointment_within", 10),
            ("report_within", 3),
        ]
        assert CallOff.objects.get(pk=original.pk).estimated_value == Decimal("120000")
        procurement.post(f"/suppliers/call-offs/{variation.pk}/send/")
        assert CallOff.objects.get(pk=variation.pk).status == CallOffStatus.AWAITING_CLIENT
        refused = procurement.post(
            f"/suppliers/call-offs/{variation.pk}/edit/", self._form(dps, variation, estimated_value="1"), follow=True
        )
        assert "Only a draft can be changed" in refused.content.decode()
        assert CallOff.objects.get(pk=variation.pk).estimated_value == Decimal("150000")

    def test_a_draft_change_keeps_what_was_typed_and_says_what_is_wrong(self, dps):
        call_off = raise_call_off(dps)
        response = signed_in_client(dps.procurement).post(
            f"/suppliers/call-offs/{call_off.pk}/edit/",
            self._form(dps, call_off, end=call_off.start_date - timedelta(days=1), estimated_value="99999"),
        )
        html = response.content.decode()
        assert response.status_code == 200 and "The end date must be after the start date." in html
        assert 'value="99999"' in html

    def test_only_the_clients_procurement_changes_a_draft(self, dps):
        call_off = raise_call_off(dps)
        for user in (dps.acme_user, dps.admin):
            with pytest.raises(PermissionDenied):
                services.change_draft(
                    call_off=call_off,
                    by=user,
                    lots=list(call_off.lots.all()),
                    start_date=call_off.start_date,
                    end_date=call_off.end_date,
                    estimated_value=Decimal(1),
                    client_signatory=dps.procurement,
                    supplier_signatory=dps.acme_user,
                    service_levels=[],
                )
        assert (
            signed_in_client(member(Role.PROCUREMENT, dps.world.trust_b))
            .get(f"/suppliers/call-offs/{call_off.pk}/edit/")
            .status_code
            == 404
        )


class TestEndingHandsReferralsBack:
    def _self_referral(self, world):
        employee = member(Role.EMPLOYEE, world.trust_a)
        EmployeeFactory(organisation=world.trust_a, user=employee, line_manager=member(Role.MANAGER, world.trust_a))
        return referral_services.self_refer(user=employee, service_line="physiotherapy", description="Sore back")

    def _physio_call_off(self, dps):
        world = dps.world
        ServiceAssignmentFactory(oh_service=world.oh_service, client=world.trust_a, service_line="physiotherapy")
        return signed_call_off(dps, lots=[dps.lots["physiotherapy"]])

    def test_after_termination_new_referrals_go_to_the_in_house_service(self, dps):
        call_off = self._physio_call_off(dps)
        assert self._self_referral(dps.world).oh_service == dps.acme.oh_service
        services.terminate(call_off=call_off, by=dps.procurement, reason="Service failures")
        assert self._self_referral(dps.world).oh_service == dps.world.oh_service

    def test_after_expiry_too(self, dps):
        call_off = self._physio_call_off(dps)
        assert services.expire_ended_call_offs(today=call_off.end_date + timedelta(days=1)) == 1
        assert CallOff.objects.get(pk=call_off.pk).status == CallOffStatus.EXPIRED
        assert self._self_referral(dps.world).oh_service == dps.world.oh_service

    def test_with_no_service_before_the_referral_says_so_rather_than_reaching_the_supplier(self, dps):
        call_off = signed_call_off(dps, lots=[dps.lots["physiotherapy"]])
        services.terminate(call_off=call_off, by=dps.procurement, reason="Ended")
        assert not ServiceAssignment.objects.filter(client=dps.world.trust_a, service_line="physiotherapy").exists()
        with pytest.raises(referral_services.TransitionError, match="No occupational health service"):
            self._self_referral(dps.world)

    def test_a_variation_in_force_keeps_the_supplier(self, dps):
        original = self._physio_call_off(dps)
        variation = services.make_variation(call_off=original, by=dps.procurement)
        services.send_for_signature(call_off=variation, by=dps.procurement)
        services.sign(call_off=variation, by=dps.procurement, declared=True)
        services.sign(call_off=variation, by=dps.acme_user, declared=True)
        assert CallOff.objects.get(pk=original.pk).status == CallOffStatus.SUPERSEDED
        assert self._self_referral(dps.world).oh_service == dps.acme.oh_service
        services.terminate(call_off=CallOff.objects.get(pk=variation.pk), by=dps.procurement, reason="Ended")
        assert self._self_referral(dps.world).oh_service == dps.world.oh_service


def test_status_on_a_date_for_each_state(dps):
    today = timezone.localdate()
    draft = raise_call_off(dps)
    assert draft.status_on(today).label == "Draft"
    active = signed_call_off(dps)
    assert active.status_on(today).label == "Active"
    assert active.status_on(active.end_date + timedelta(days=1)).label == "Expired"
