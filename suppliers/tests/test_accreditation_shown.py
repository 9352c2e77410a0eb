"""An accreditation whose expiry is past is shown as expired everywhere and suspends the supplier at once;
numbers, statuses and money read as words a person would write."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import signed_in_client
from organisations.tests.factories import OrganisationFactory
from suppliers import services
from suppliers.models import ProfileChangeRequest, Supplier, SupplierStatus
from suppliers.tests.test_framework import raise_call_off

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def accreditation_pages(dps, supplier, user):
    client = signed_in_client(user)
    return {
        "directory": client.get("/suppliers/"),
        "compare": client.get(f"/suppliers/compare/?supplier={supplier.pk}"),
        "profile": client.get(f"/suppliers/{supplier.pk}/"),
    }


def test_recording_an_expiry_in_the_past_suspends_the_supplier_at_once(dps):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = signed_in_client(dps.admin).post(
        f"/suppliers/{dps.acme.pk}/accreditation/",
        {
            "seqohs_number": "1006",
            "expires_0": yesterday.day,
            "expires_1": yesterday.month,
            "expires_2": yesterday.year,
        },
    )
    assert response.status_code == 302
    assert Supplier.objects.get(pk=dps.acme.pk).status == SupplierStatus.SUSPENDED
    with pytest.raises(services.FrameworkError, match="SEQOHS"):
        raise_call_off(dps, supplier=Supplier.objects.get(pk=dps.acme.pk))


def test_profile_change_approved_with_a_past_expiry_suspends_too(dps):
    from suppliers.tests.test_profile_changes import request_change

    request_change(dps, accreditation_expires=timezone.localdate() - timedelta(days=3))
    change = ProfileChangeRequest.objects.get(supplier=dps.acme)
    services.decide_profile_change(change=change, by=dps.admin, approve=True)
    assert Supplier.objects.get(pk=dps.acme.pk).status == SupplierStatus.SUSPENDED


@pytest.mark.parametrize("page", ["directory", "compare", "profile"])
def test_a_lapsed_accreditation_shows_as_expired_with_its_date_before_the_nightly_task_runs(dps, page):
    lapsed = timezone.localdate() - timedelta(days=5)
    Supplier.objects.filter(pk=dps.beta.pk).update(accreditation_expires=lapsed, seqohs_number="SEQOHS-1006")
    response = accreditation_pages(dps, dps.beta, dps.procurement)[page]
    shown = text(response)
    assert response.status_code == 200
    assert f"Expired on {lapsed:%-d %b %Y}" in shown
    assert "SEQOHS accreditation 1006" in shown and "SEQOHS-1006" not in shown
    tag = re.search(r'<strong class="nhsuk-tag nhsuk-tag--(\w+)">Expired', response.content.decode())
    assert tag and tag.group(1) == "red"


@pytest.mark.parametrize("page", ["directory", "compare", "profile"])
def test_a_current_accreditation_shows_valid_with_its_number_once(dps, page):
    Supplier.objects.filter(pk=dps.acme.pk).update(seqohs_number="SEQOHS-1003")
    shown = text(accreditation_pages(dps, dps.acme, dps.procurement)[page])
    assert f"SEQOHS accreditation 1003 Valid until {dps.acme.accreditation_expires:%-d %b %Y}" in shown
    assert "SEQOHS SEQOHS" not in shown


def test_admission_message_names_the_dps_in_capitals_without_a_stray_full_stop(dps):
    applicant = Supplier.objects.create(
        organisation=OrganisationFactory(kind="supplier"),
        framework=dps.framework,
        legal_name="New Co Ltd",
        seqohs_number="1010",
        accreditation_expires=timezone.localdate() + timedelta(days=90),
    )
    admin = signed_in_client(dps.admin)
    response = admin.post(f"/suppliers/{applicant.pk}/decide/", {"decision": "admit"}, follow=True)
    shown = text(response)
    assert "New Co Ltd: admitted to the DPS" in shown
    assert "the DPS." not in shown and "the dps" not in shown


def test_money_reads_as_pounds_with_thousands_separators(dps):
    call_off = raise_call_off(dps, estimated_value=Decimal("85000.00"))
    client = signed_in_client(dps.procurement)
    assert "£85,000" in text(client.get(f"/suppliers/call-offs/{call_off.pk}/"))
    assert "£85000" not in text(client.get(f"/suppliers/call-offs/{call_off.pk}/"))
    profile = text(client.get(f"/suppliers/{dps.acme.pk}/"))
    assert "£180 " in profile and "£180.00" not in profile


def test_demo_supplier_names_are_not_doubled(demo_data):
    names = list(Supplier.objects.values_list("legal_name", flat=True))
    assert names and not [name for name in names if "Ltd Ltd" in name]
