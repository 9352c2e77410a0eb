"""The DPS: who sees rates, accreditation lapses, call-off signatures, variations, routing, reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import signed_in_client
from notifications.models import OutboxMessage
from organisations.models import ServiceAssignment
from organisations.roles import Role
from organisations.tests.factories import member
from suppliers import services
from suppliers.models import CallOff, CallOffStatus, RateCard, Supplier, SupplierStatus

pytestmark = pytest.mark.django_db


def raise_call_off(dps, supplier=None, **overrides):
    values = {
        "by": dps.procurement,
        "supplier": supplier or dps.acme,
        "lots": [dps.lots["management_referrals"]],
        "start_date": timezone.localdate(),
        "end_date": timezone.localdate() + timedelta(days=365),
        "estimated_value": Decimal("120000"),
        "client_signatory": dps.procurement,
        "supplier_signatory": dps.acme_user,
        "service_levels": [{"metric": "appointment_within", "working_days": 10}],
    }
    values.update(overrides)
    return services.raise_call_off(**values)


def signed_call_off(dps, **overrides):
    call_off = raise_call_off(dps, **overrides)
    services.send_for_signature(call_off=call_off, by=dps.procurement)
    services.sign(call_off=call_off, by=dps.procurement, declared=True)
    return services.sign(call_off=call_off, by=dps.acme_user, declared=True)


class TestRates:
    def test_supplier_sees_only_its_own_rates(self, dps):
        assert list(RateCard.objects.visible_to(dps.acme_user)) == list(dps.acme.rates.all())
        page = signed_in_client(dps.acme_user).get(f"/suppliers/{dps.beta.pk}/")
        assert page.status_code == 200 and "£150".encode() not in page.content
        api = signed_in_client(dps.acme_user).get("/api/v1/suppliers/").json()
        beta = next(row for row in api["results"] if row["legal_name"] == "Beta Health Ltd")
        acme = next(row for row in api["results"] if row["legal_name"] == "Acme OH Ltd")
        assert beta["rates"] == [] and acme["rates"][0]["price"] == "180.00"

    def test_procurement_and_board_see_rates(self, dps):
        for user in (dps.procurement, member(Role.BOARD, dps.world.trust_a), member(Role.BOARD, dps.world.ics)):
            assert RateCard.objects.visible_to(user).count() == 2

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.CLINICIAN, Role.EMPLOYEE, Role.RECRUITER])
    def test_other_roles_never_see_rates_or_the_directory(self, dps, role):
        user = member(role, dps.world.oh_service if role == Role.CLINICIAN else dps.world.trust_a)
        assert not RateCard.objects.visible_to(user).exists()
        client = signed_in_client(user)
        assert client.get("/suppliers/").status_code == 403
        assert client.get("/api/v1/suppliers/").json()["count"] == 0

    def test_compare_up_to_four(self, dps):
        client = signed_in_client(dps.procurement)
        page = client.get(f"/suppliers/compare/?supplier={dps.acme.pk}&supplier={dps.beta.pk}")
        assert "£180".encode() in page.content and "£150".encode() in page.content
        too_many = client.get("/suppliers/compare/?" + "&".join(f"supplier={n}" for n in range(1, 6)), follow=True)
        assert b"Compare up to 4 suppliers at a time" in too_many.content


class TestDirectory:
    def test_filters(self, dps):
        client = signed_in_client(dps.procurement)

        def names(query):
            return [r["legal_name"] for r in client.get(f"/api/v1/suppliers/?{query}").json()["results"]]

        assert names("lot=physiotherapy") == ["Acme OH Ltd"]
        assert names("region=north_west") == ["Beta Health Ltd"]
        assert names("mode=video") == ["Acme OH Ltd"]
        later = (timezone.localdate() + timedelta(days=60)).isoformat()
        assert names(f"accredited_on={later}") == ["Acme OH Ltd"]

    def test_directory_page_filters_and_hides_applications(self, dps):
        from organisations.tests.factories import OrganisationFactory

        Supplier.objects.create(
            organisation=OrganisationFactory(kind="supplier"),
            framework=dps.framework,
            legal_name="Pending Ltd",
            status=SupplierStatus.APPLIED,
        )
        page = signed_in_client(dps.procurement).get("/suppliers/?region=london")
        assert b"Acme OH Ltd" in page.content and b"Beta Health" not in page.content
        assert b"Pending Ltd" not in signed_in_client(dps.procurement).get("/suppliers/").content
        assert b"Pending Ltd" in signed_in_client(dps.admin).get("/suppliers/applications/").content


class TestAccreditation:
    def test_lapse_suspends_and_blocks_new_call_offs(self, dps):
        with time_machine.travel(timezone.now() + timedelta(days=25)):
            assert services.suspend_lapsed_suppliers() == 1
            dps.beta.refresh_from_db()
            assert dps.beta.status == SupplierStatus.SUSPENDED
            with pytest.raises(services.FrameworkError, match="SEQOHS"):
                raise_call_off(dps, supplier=dps.beta, lots=[dps.lots["management_referrals"]])

    def test_renewal_restores(self, dps):
        with time_machine.travel(timezone.now() + timedelta(days=25)):
            services.suspend_lapsed_suppliers()
            dps.beta.refresh_from_db()
            services.record_accreditation(
                supplier=dps.beta,
                by=dps.admin,
                seqohs_number="SEQ-NEW",
                expires=timezone.localdate() + timedelta(days=365),
            )
            assert Supplier.objects.get(pk=dps.beta.pk).status == SupplierStatus.ADMITTED

    def test_admission_needs_current_accreditation_and_reject_needs_reason(self, dps):
        from organisations.tests.factories import OrganisationFactory

        applicant = Supplier.objects.create(
            organisation=OrganisationFactory(kind="supplier"), framework=dps.framework, legal_name="New Ltd"
        )
        with pytest.raises(services.FrameworkError, match="SEQOHS"):
            services.decide_application(supplier=applicant, by=dps.admin, admit=True)
        with pytest.raises(services.FrameworkError, match="reason"):
            services.decide_application(supplier=applicant, by=dps.admin, admit=False)
        with pytest.raises(PermissionDenied):
            services.decide_application(supplier=applicant, by=dps.procurement, admit=False, reason="x")
        services.record_accreditation(
            supplier=applicant, by=dps.admin, seqohs_number="SEQ-1", expires=timezone.localdate() + timedelta(days=100)
        )
        services.decide_application(supplier=applicant, by=dps.admin, admit=True)
        assert Supplier.objects.get(pk=applicant.pk).status == SupplierStatus.ADMITTED


class TestCallOffs:
    def test_signatures_in_order_then_active_and_routes_referrals(self, dps):
        call_off = signed_call_off(dps)
        assert call_off.status == CallOffStatus.ACTIVE
        assert call_off.client_signed_by == dps.procurement and call_off.supplier_signed_by == dps.acme_user
        routed = ServiceAssignment.objects.get(client=dps.world.trust_a, service_line="general_oh")
        assert routed.oh_service == dps.acme.oh_service

    def test_only_named_signatory_then_only_the_supplier(self, dps):
        call_off = raise_call_off(dps)
        services.send_for_signature(call_off=call_off, by=dps.procurement)
        colleague = member(Role.PROCUREMENT, dps.world.trust_a)
        with pytest.raises(PermissionDenied):
            services.sign(call_off=call_off, by=colleague, declared=True)
        with pytest.raises(PermissionDenied):
            services.sign(call_off=call_off, by=dps.acme_user, declared=True)
        services.sign(call_off=call_off, by=dps.procurement, declared=True)
        with pytest.raises(PermissionDenied):
            services.sign(call_off=call_off, by=dps.beta_user, declared=True)

    def test_signed_call_off_is_immutable_and_changes_are_numbered_variations(self, dps):
        original = signed_call_off(dps)
        first = services.make_variation(call_off=original, by=dps.procurement, estimated_value=Decimal("150000"))
        assert (first.variation_of, first.variation_number, first.status) == (original, 1, "draft")
        assert CallOff.objects.get(pk=original.pk).estimated_value == Decimal("120000")
        services.send_for_signature(call_off=first, by=dps.procurement)
        services.sign(call_off=first, by=dps.procurement, declared=True)
        services.sign(call_off=first, by=dps.acme_user, declared=True)
        assert CallOff.objects.get(pk=original.pk).status == CallOffStatus.SUPERSEDED
        second = services.make_variation(call_off=CallOff.objects.get(pk=first.pk), by=dps.procurement)
        assert second.variation_number == 2 and second.reference.endswith("v2")

    def test_other_organisations_call_off_is_404(self, dps):
        call_off = raise_call_off(dps)
        assert (
            signed_in_client(member(Role.PROCUREMENT, dps.world.trust_b))
            .get(f"/suppliers/call-offs/{call_off.pk}/")
            .status_code
            == 404
        )
        assert signed_in_client(dps.beta_user).get(f"/api/v1/call-offs/{call_off.pk}/").status_code == 404
        assert signed_in_client(dps.acme_user).get(f"/api/v1/call-offs/{call_off.pk}/").status_code == 200

    def test_terminate_needs_reason(self, dps):
        call_off = signed_call_off(dps)
        with pytest.raises(services.FrameworkError):
            services.terminate(call_off=call_off, by=dps.procurement, reason="")
        services.terminate(call_off=call_off, by=dps.procurement, reason="Service failures")
        assert CallOff.objects.get(pk=call_off.pk).status == CallOffStatus.TERMINATED

    def test_monthly_return_once_per_month_by_the_supplier(self, dps):
        call_off = signed_call_off(dps)
        level = call_off.service_levels.get()
        month = timezone.localdate().replace(day=1)
        with pytest.raises(PermissionDenied):
            services.submit_monthly_return(
                call_off=call_off, by=dps.beta_user, month=month, cases_handled=3, levels_met={str(level.pk): 90}
            )
        services.submit_monthly_return(
            call_off=call_off, by=dps.acme_user, month=month, cases_handled=12, levels_met={str(level.pk): 92}
        )
        with pytest.raises(services.FrameworkError, match="already"):
            services.submit_monthly_return(
                call_off=call_off, by=dps.acme_user, month=month, cases_handled=12, levels_met={str(level.pk): 92}
            )

    def test_journey_through_pages(self, dps):
        procurement = signed_in_client(dps.procurement)
        start = timezone.localdate()
        response = procurement.post(
            f"/suppliers/{dps.acme.pk}/call-off/",
            {
                "lots": [dps.lots["management_referrals"].pk],
                "start_date_0": start.day,
                "start_date_1": start.month,
                "start_date_2": start.year,
                "end_date_0": start.day,
                "end_date_1": start.month,
                "end_date_2": start.year + 1,
                "estimated_value": "50000",
                "client_signatory": dps.procurement.pk,
                "supplier_signatory": dps.acme_user.pk,
                "appointment_within": "10",
                "report_within": "2",
            },
        )
        assert response.status_code == 302, response.content.decode()[:1500]
        call_off = CallOff.objects.get()
        procurement.post(f"/suppliers/call-offs/{call_off.pk}/send/")
        procurement.post(f"/suppliers/call-offs/{call_off.pk}/sign/", {"declared": "on"})
        page = signed_in_client(dps.acme_user).get(f"/suppliers/call-offs/{call_off.pk}/")
        assert b"Sign the agreement" in page.content
        signed_in_client(dps.acme_user).post(f"/suppliers/call-offs/{call_off.pk}/sign/", {"declared": "on"})
        assert CallOff.objects.get().status == CallOffStatus.ACTIVE
        page = procurement.get(f"/suppliers/call-offs/{call_off.pk}/")
        assert b"Service levels met, month by month" in page.content


def test_expiry_warnings_at_90_and_30_days_once(dps):
    signed_call_off(dps, end_date=timezone.localdate() + timedelta(days=80))
    first = services.expiry_warnings()
    assert first > 0 and services.expiry_warnings() == 0
    templates = set(OutboxMessage.objects.values_list("template", flat=True))
    assert templates >= {"suppliers_call_off_expiring", "suppliers_accreditation_expiring"}
    with time_machine.travel(timezone.now() + timedelta(days=55)):
        assert services.expiry_warnings() > 0  # the 30-day warning


class TestSupplierSelfService:
    def test_a_new_supplier_applies_through_its_profile(self, dps):
        from organisations.tests.factories import OrganisationFactory

        newcomer = member(Role.SUPPLIER, OrganisationFactory(name="Gamma OH", kind="supplier"))
        client = signed_in_client(newcomer)
        response = client.post(
            "/suppliers/my-profile/",
            {
                "legal_name": "Gamma OH Ltd",
                "seqohs_number": "SEQ-9",
                "regions": [dps.regions["london"].pk],
                "lots": [dps.lots["physiotherapy"].pk],
                "delivery_modes": ["video"],
                "capacity_statement": "40 a month",
                "contact_name": "Kim",
                "contact_email": "kim@gamma.example.com",
            },
        )
        assert response.status_code == 302
        supplier = Supplier.objects.get(legal_name="Gamma OH Ltd")
        assert supplier.status == SupplierStatus.APPLIED and supplier.delivery_modes == "video"
        assert b"Gamma OH Ltd" in signed_in_client(dps.admin).get("/suppliers/applications/").content
        assert b"Gamma OH Ltd" not in signed_in_client(dps.procurement).get("/suppliers/").content

    def test_supplier_adds_a_rate_seen_by_buyers_not_by_rivals(self, dps):
        client = signed_in_client(dps.acme_user)
        today = timezone.localdate()
        response = client.post(
            "/suppliers/my-rates/",
            {
                "lot": dps.lots["physiotherapy"].pk,
                "unit": "per session",
                "price": "55.50",
                "valid_from_0": today.day,
                "valid_from_1": today.month,
                "valid_from_2": today.year,
            },
        )
        assert response.status_code == 302
        assert RateCard.objects.visible_to(dps.procurement).filter(price=Decimal("55.50")).exists()
        assert not RateCard.objects.visible_to(dps.beta_user).filter(price=Decimal("55.50")).exists()
        refused = client.post(
            "/suppliers/my-rates/",
            {
                "lot": dps.lots["vaccination"].pk,
                "unit": "per dose",
                "price": "10",
                "valid_from_0": today.day,
                "valid_from_1": today.month,
                "valid_from_2": today.year,
            },
        )
        assert b"Choose one of your lots" in refused.content  # not one of Acme's lots
