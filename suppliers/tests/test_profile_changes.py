"""Supplier profile review (PRODUCT.md section 5).

An admitted supplier changes its contacts, capacity and delivery modes at once; a change of legal name,
SEQOHS number or expiry, lots or regions is a request that a framework admin approves or rejects; until
then the directory, comparison, API and call-offs show the approved values.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import signed_in_client
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import OrganisationFactory, member
from suppliers import services
from suppliers.models import ChangeStatus, ProfileChangeRequest, Supplier

pytestmark = pytest.mark.django_db


def profile_form(dps, **overrides):
    values = {
        "legal_name": "Acme OH Ltd",
        "seqohs_number": "SEQ-Acm",
        "regions": [dps.regions["london"].pk, dps.regions["south_east"].pk],
        "lots": [dps.lots["management_referrals"].pk, dps.lots["physiotherapy"].pk],
        "delivery_modes": ["face_to_face", "video"],
        "capacity_statement": "60 referrals a month",
        "contact_name": "Pat Jones",
        "contact_email": "pat@acme.example.com",
    }
    values.update(overrides)
    return values


def request_change(dps, **changes):
    """The supplier saves its profile with these changes through the service, as the page does."""
    acme = Supplier.objects.get(pk=dps.acme.pk)
    values = {
        "legal_name": acme.legal_name,
        "seqohs_number": acme.seqohs_number,
        "accreditation_expires": acme.accreditation_expires,
        "regions": list(acme.regions.all()),
        "lots": list(acme.lots.all()),
        "delivery_modes": acme.delivery_modes,
        "capacity_statement": acme.capacity_statement,
        "contact_name": acme.contact_name,
        "contact_email": acme.contact_email,
    }
    values.update(changes)
    return services.save_profile(by=dps.acme_user, framework=dps.framework, **values)


def directory_names(user):
    page = signed_in_client(user).get("/suppliers/").content.decode()
    api = signed_in_client(user).get("/api/v1/suppliers/").json()
    rows = api["results"] if isinstance(api, dict) else api
    return page, {row["legal_name"] for row in rows}


class TestAttacker:
    def test_page_post_of_another_suppliers_legal_name_leaves_the_directory_unchanged(self, dps):
        response = signed_in_client(dps.acme_user).post(
            "/suppliers/my-profile/", profile_form(dps, legal_name="Beta Health Ltd", capacity_statement="80 a month")
        )
        assert response.status_code == 200 and b"Another supplier on the DPS has this legal name" in response.content
        self.assert_directory_unchanged(dps)
        assert not ProfileChangeRequest.objects.exists()

    def test_page_post_of_a_new_legal_name_waits_for_review(self, dps):
        response = signed_in_client(dps.acme_user).post(
            "/suppliers/my-profile/", profile_form(dps, legal_name="Acme Group Ltd", capacity_statement="80 a month")
        )
        assert response.status_code == 302
        acme = Supplier.objects.get(pk=dps.acme.pk)
        assert acme.capacity_statement == "80 a month"  # capacity changes at once ...
        self.assert_directory_unchanged(dps)  # ... the legal name does not
        change = ProfileChangeRequest.objects.get(supplier=dps.acme)
        assert (change.status, change.legal_name, change.requested_by) == ("pending", "Acme Group Ltd", dps.acme_user)

    def test_api_patch_of_another_suppliers_legal_name_is_refused(self, dps):
        client = signed_in_client(dps.acme_user)
        direct = client.patch(
            f"/api/v1/suppliers/{dps.acme.pk}/", {"legal_name": "Beta Health Ltd"}, content_type="application/json"
        )
        assert direct.status_code == 405
        response = client.patch(
            "/api/v1/supplier-profile/", {"legal_name": "Beta Health Ltd"}, content_type="application/json"
        )
        assert response.status_code == 409 and "Another supplier" in response.content.decode()
        self.assert_directory_unchanged(dps)

    @staticmethod
    def assert_directory_unchanged(dps):
        assert Supplier.objects.get(pk=dps.acme.pk).legal_name == "Acme OH Ltd"
        page, names = directory_names(dps.procurement)
        assert names == {"Acme OH Ltd", "Beta Health Ltd"}
        assert "Acme OH Ltd" in page
        compare = signed_in_client(dps.procurement).get(f"/suppliers/compare/?supplier={dps.acme.pk}").content
        assert b"Acme OH Ltd" in compare and b"Beta Health Ltd" not in compare
        detail = signed_in_client(dps.procurement).get(f"/api/v1/suppliers/{dps.acme.pk}/").json()
        assert detail["legal_name"] == "Acme OH Ltd"

    def test_api_patch_of_controlled_fields_is_a_request_not_a_change(self, dps):
        client = signed_in_client(dps.acme_user)
        response = client.patch(
            "/api/v1/supplier-profile/",
            {
                "legal_name": "Acme Group Ltd",
                "seqohs_number": "SEQ-FORGED",
                "accreditation_expires": "2099-12-31",
                "lots": ["vaccination"],
                "regions": ["north_west"],
                "contact_name": "Sam",
                # Never settable by the supplier: ignored.
                "status": "admitted",
                "decision_reason": "forged",
                "framework": 999,
                "oh_service": dps.world.oh_service.pk,
                "organisation": dps.world.trust_a.pk,
            },
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["profile"]["legal_name"] == "Acme OH Ltd"
        assert body["pending_change"]["legal_name"] == "Acme Group Ltd"
        acme = Supplier.objects.get(pk=dps.acme.pk)
        assert (acme.legal_name, acme.seqohs_number, acme.contact_name) == ("Acme OH Ltd", "SEQ-Acm", "Sam")
        assert acme.accreditation_expires == dps.acme.accreditation_expires and acme.decision_reason == ""
        assert acme.oh_service == dps.acme.oh_service and acme.organisation == dps.world.supplier
        assert set(acme.lots.values_list("code", flat=True)) == {"management_referrals", "physiotherapy"}
        assert set(acme.regions.values_list("code", flat=True)) == {"london", "south_east"}
        _, names = directory_names(dps.procurement)
        assert names == {"Acme OH Ltd", "Beta Health Ltd"}
        detail = signed_in_client(dps.procurement).get(f"/api/v1/suppliers/{dps.acme.pk}/").json()
        assert detail["legal_name"] == "Acme OH Ltd" and detail["seqohs_number"] == "SEQ-Acm"

    @pytest.mark.parametrize("role", [r for r in Role.values if r != Role.FRAMEWORK_ADMIN])
    def test_only_a_framework_admin_decides(self, dps, role):
        request_change(dps, legal_name="Acme Renamed Ltd")
        change = ProfileChangeRequest.objects.get()
        user = dps.acme_user if role == Role.SUPPLIER else member(role, dps.world.trust_a)
        client = signed_in_client(user)
        page = client.post(f"/suppliers/changes/{change.pk}/", {"decision": "approve"})
        api = client.post(
            f"/api/v1/supplier-changes/{change.pk}/decide/", {"decision": "approve"}, content_type="application/json"
        )
        assert page.status_code in (403, 404) and api.status_code in (403, 404)
        assert ProfileChangeRequest.objects.get().status == ChangeStatus.PENDING
        assert Supplier.objects.get(pk=dps.acme.pk).legal_name == "Acme OH Ltd"

    def test_another_frameworks_admin_cannot_decide(self, dps):
        request_change(dps, legal_name="Acme Renamed Ltd")
        change = ProfileChangeRequest.objects.get()
        other_admin = member(
            Role.FRAMEWORK_ADMIN, OrganisationFactory(name="Other operator", kind="framework_operator")
        )
        client = signed_in_client(other_admin)
        assert client.get(f"/suppliers/changes/{change.pk}/").status_code == 404
        assert client.post(f"/suppliers/changes/{change.pk}/", {"decision": "approve"}).status_code == 404
        assert client.get(f"/api/v1/supplier-changes/{change.pk}/").status_code == 404
        assert b"Acme Renamed" not in client.get("/suppliers/changes/").content

    @pytest.mark.parametrize("state", ["pending", "approved", "rejected"])
    def test_another_suppliers_request_is_invisible(self, dps, state):
        request_change(dps, legal_name="Acme Renamed Ltd")
        change = ProfileChangeRequest.objects.get()
        if state != "pending":
            services.decide_profile_change(change=change, by=dps.admin, approve=state == "approved", reason="Checked")
        rival = signed_in_client(dps.beta_user)
        assert rival.get(f"/suppliers/changes/{change.pk}/").status_code == 404
        assert rival.get(f"/api/v1/supplier-changes/{change.pk}/").status_code == 404
        assert rival.get("/api/v1/supplier-changes/").json()["results"] == []
        assert b"Acme Renamed" not in rival.get("/suppliers/my-profile/").content
        assert signed_in_client(dps.acme_user).get(f"/suppliers/changes/{change.pk}/").status_code == 200


class TestReview:
    def test_request_listed_notified_approved_and_shown_everywhere(self, dps, django_capture_on_commit_callbacks):
        supplier = signed_in_client(dps.acme_user)
        supplier.post(
            "/suppliers/my-profile/",
            profile_form(dps, legal_name="Acme Occupational Health Ltd", lots=[dps.lots["vaccination"].pk]),
        )
        change = ProfileChangeRequest.objects.get()
        own_page = supplier.get("/suppliers/my-profile/").content.decode()
        assert "waiting for the framework administrator" in own_page and "Acme Occupational Health Ltd" in own_page
        assert OutboxMessage.objects.filter(template="suppliers_profile_change_requested", recipient=dps.admin).exists()
        admin = signed_in_client(dps.admin)
        assert "Acme Occupational Health Ltd" in admin.get("/suppliers/changes/").content.decode()
        response = admin.post(f"/suppliers/changes/{change.pk}/", {"decision": "approve"}, follow=True)
        assert response.redirect_chain == [("/suppliers/changes/", 302)]
        assert "Change for Acme OH Ltd: approved." in response.content.decode()  # what was decided, not "waiting"
        acme = Supplier.objects.get(pk=dps.acme.pk)
        assert acme.legal_name == "Acme Occupational Health Ltd"
        assert list(acme.lots.values_list("code", flat=True)) == ["vaccination"]
        change.refresh_from_db()
        assert (change.status, change.decided_by, change.requested_by) == ("approved", dps.admin, dps.acme_user)
        _, names = directory_names(dps.procurement)
        assert "Acme Occupational Health Ltd" in names
        history = acme.history.first()
        assert history.legal_name == "Acme Occupational Health Ltd" and history.history_user == dps.admin
        assert OutboxMessage.objects.filter(
            template="suppliers_profile_change_decided", recipient=dps.acme_user
        ).exists()

    def test_reject_needs_a_reason_and_keeps_the_approved_values(self, dps):
        request_change(dps, legal_name="Acme Renamed Ltd")
        change = ProfileChangeRequest.objects.get()
        admin = signed_in_client(dps.admin)
        page = admin.post(f"/suppliers/changes/{change.pk}/", {"decision": "reject", "reason": ""})
        assert page.status_code == 200 and b"Give the reason" in page.content
        assert b'<a href="#id_reason">Give the reason for rejecting the change.</a>' in page.content  # on its field
        admin.post(f"/suppliers/changes/{change.pk}/", {"decision": "reject", "reason": "Companies House differs"})
        change.refresh_from_db()
        assert (change.status, change.decision_reason) == ("rejected", "Companies House differs")
        assert Supplier.objects.get(pk=dps.acme.pk).legal_name == "Acme OH Ltd"
        assert b"Companies House differs" in signed_in_client(dps.acme_user).get("/suppliers/my-profile/").content

    def test_a_name_another_supplier_has_is_refused(self, dps):
        response = signed_in_client(dps.acme_user).post(
            "/suppliers/my-profile/", profile_form(dps, legal_name="beta health ltd")
        )
        assert response.status_code == 200 and b"Another supplier on the DPS" in response.content
        assert b'value="beta health ltd"' in response.content  # what was typed is kept
        assert not ProfileChangeRequest.objects.exists()

    def test_call_offs_use_the_approved_lots_until_approval(self, dps):
        request_change(dps, lots=[dps.lots["vaccination"]])
        assert not Supplier.objects.get(pk=dps.acme.pk).lots.filter(code="vaccination").exists()
        form = signed_in_client(dps.procurement).get(f"/suppliers/{dps.acme.pk}/call-off/").content.decode()
        assert "Vaccination" not in form and "Management referrals" in form

    def test_an_applicant_edits_its_application_directly(self, dps):
        newcomer = member(Role.SUPPLIER, OrganisationFactory(name="Gamma OH", kind="supplier"))
        client = signed_in_client(newcomer)
        client.post("/suppliers/my-profile/", profile_form(dps, legal_name="Gamma OH Ltd"))
        client.post("/suppliers/my-profile/", profile_form(dps, legal_name="Gamma Health Ltd"))
        assert Supplier.objects.get(organisation__name="Gamma OH").legal_name == "Gamma Health Ltd"
        assert not ProfileChangeRequest.objects.exists()

    def test_a_renewed_expiry_is_a_request_too(self, dps):
        later = timezone.localdate() + timedelta(days=900)
        request_change(dps, accreditation_expires=later)
        assert Supplier.objects.get(pk=dps.acme.pk).accreditation_expires == dps.acme.accreditation_expires
        change = ProfileChangeRequest.objects.get()
        services.decide_profile_change(change=change, by=dps.admin, approve=True)
        assert Supplier.objects.get(pk=dps.acme.pk).accreditation_expires == later
