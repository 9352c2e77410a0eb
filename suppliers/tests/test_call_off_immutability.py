"""A call-off signed by both sides cannot be changed, even by code that skips the services (PRODUCT.md s5, s8).

The terms are frozen in the model (save, lots, service levels) and in PostgreSQL (a trigger), so a raw
UPDATE is refused too; the status changes the services make (expiry, termination, a variation taking
over) still work.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from organisations.roles import Role
from organisations.tests.factories import member
from suppliers import services
from suppliers.models import CallOff, CallOffStatus, ServiceLevel, SignedCallOffError

from .test_framework import raise_call_off, signed_call_off

pytestmark = pytest.mark.django_db

TERM_CHANGES = {
    "start_date": lambda c: c.start_date - timedelta(days=1),
    "end_date": lambda c: c.end_date + timedelta(days=365),
    "estimated_value": lambda c: c.estimated_value * 10,
    "supplier_signatory_id": lambda c: member(Role.SUPPLIER, c.supplier.organisation).pk,
    "supplier_declaration": lambda c: "Something else",
    "client_id": lambda c: c.client.ics_id,
    "client_signatory_id": lambda c: member(Role.PROCUREMENT, c.client).pk,
    "supplier_signed_at": lambda c: c.supplier_signed_at - timedelta(days=30),
    "variation_number": lambda c: 7,
}

COLUMNS = {
    "start_date": ("start_date", "%s::date", lambda c: c.start_date - timedelta(days=1)),
    "end_date": ("end_date", "%s::date", lambda c: c.end_date + timedelta(days=365)),
    "estimated_value": ("estimated_value", "%s", lambda c: Decimal("1")),
    "supplier_signatory": ("supplier_signatory_id", "%s", lambda c: c.client_signatory_id),
    "client_declaration": ("client_declaration", "%s", lambda c: "Something else"),
    "client": ("client_id", "%s", lambda c: c.client.ics_id),
    "supplier_signed_by": ("supplier_signed_by_id", "%s", lambda c: c.client_signatory_id),
}


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("field", TERM_CHANGES)
def test_orm_save_of_a_changed_term_raises(dps, field):
    call_off = signed_call_off(dps)
    before = getattr(CallOff.objects.get(pk=call_off.pk), field)
    setattr(call_off, field, TERM_CHANGES[field](call_off))
    with pytest.raises(SignedCallOffError):
        call_off.save()
    assert getattr(CallOff.objects.get(pk=call_off.pk), field) == before


@pytest.mark.parametrize("column", COLUMNS)
def test_raw_sql_update_of_a_term_raises(dps, column):
    call_off = signed_call_off(dps)
    name, placeholder, value = COLUMNS[column]
    with pytest.raises(DatabaseError, match="signed call-off"):
        # Safe: table and column names come from the test's own table, never from input.
        raw(f"UPDATE suppliers_calloff SET {name} = {placeholder} WHERE id = %s", [value(call_off), call_off.pk])  # noqa: S608  # nosec B608
    assert CallOff.objects.get(pk=call_off.pk).estimated_value == Decimal("120000")


def test_queryset_update_skipping_save_is_refused_by_the_database(dps):
    call_off = signed_call_off(dps)
    with pytest.raises(DatabaseError), transaction.atomic():
        CallOff.objects.filter(pk=call_off.pk).update(estimated_value=Decimal("1"))


def test_lots_of_a_signed_call_off_cannot_change(dps):
    call_off = signed_call_off(dps)
    with pytest.raises(SignedCallOffError), transaction.atomic():
        call_off.lots.add(dps.lots["physiotherapy"])
    with pytest.raises(SignedCallOffError), transaction.atomic():
        call_off.lots.clear()
    with pytest.raises(SignedCallOffError), transaction.atomic():
        dps.lots["management_referrals"].call_offs.remove(call_off)
    through = CallOff.lots.through._meta.db_table
    with pytest.raises(DatabaseError, match="signed call-off"):
        # Safe: table and column names come from the test's own table, never from input.
        raw(f"INSERT INTO {through} (calloff_id, lot_id) VALUES (%s, %s)", [call_off.pk, dps.lots["physiotherapy"].pk])  # noqa: S608  # nosec B608
    with pytest.raises(DatabaseError, match="signed call-off"):
        # Safe: table and column names come from the test's own table, never from input.
        raw(f"DELETE FROM {through} WHERE calloff_id = %s", [call_off.pk])  # noqa: S608  # nosec B608
    assert list(call_off.lots.values_list("code", flat=True)) == ["management_referrals"]


def test_service_levels_of_a_signed_call_off_cannot_change(dps):
    call_off = signed_call_off(dps)
    level = call_off.service_levels.get()
    level.working_days = 30
    with pytest.raises(SignedCallOffError):
        level.save()
    with pytest.raises(SignedCallOffError):
        level.delete()
    with pytest.raises(SignedCallOffError):
        ServiceLevel.objects.create(call_off=call_off, metric="report_within", working_days=2)
    with pytest.raises(DatabaseError, match="signed call-off"):
        raw("UPDATE suppliers_servicelevel SET working_days = 30 WHERE id = %s", [level.pk])
    with pytest.raises(DatabaseError, match="signed call-off"):
        raw("DELETE FROM suppliers_servicelevel WHERE id = %s", [level.pk])
    with pytest.raises(DatabaseError, match="signed call-off"):
        raw(
            "INSERT INTO suppliers_servicelevel (call_off_id, metric, working_days, target_percent)"
            " VALUES (%s, 'report_within', 2, 95)",
            [call_off.pk],
        )
    assert ServiceLevel.objects.get(call_off=call_off).working_days == 10


def test_a_signed_call_off_cannot_be_deleted(dps):
    call_off = signed_call_off(dps)
    with pytest.raises(DatabaseError, match="signed call-off"):
        raw("DELETE FROM suppliers_calloff WHERE id = %s", [call_off.pk])
    assert CallOff.objects.filter(pk=call_off.pk).exists()


def test_status_cannot_go_back_to_a_draft_or_from_an_ended_agreement(dps):
    call_off = signed_call_off(dps)
    with pytest.raises(DatabaseError, match="signed call-off"):
        raw("UPDATE suppliers_calloff SET status = 'draft' WHERE id = %s", [call_off.pk])
    services.terminate(call_off=call_off, by=dps.procurement, reason="Service failures")
    with pytest.raises(DatabaseError, match="signed call-off"):
        raw("UPDATE suppliers_calloff SET status = 'active' WHERE id = %s", [call_off.pk])


def test_terminate_still_works(dps):
    call_off = signed_call_off(dps)
    services.terminate(call_off=call_off, by=dps.procurement, reason="Service failures")
    ended = CallOff.objects.get(pk=call_off.pk)
    assert (ended.status, ended.termination_reason) == (CallOffStatus.TERMINATED, "Service failures")


def test_expiry_and_a_variation_taking_over_still_work(dps):
    call_off = signed_call_off(dps)
    variation = services.make_variation(call_off=call_off, by=dps.procurement, estimated_value=Decimal("150000"))
    services.send_for_signature(call_off=variation, by=dps.procurement)
    services.sign(call_off=variation, by=dps.procurement, declared=True)
    services.sign(call_off=variation, by=dps.acme_user, declared=True)
    assert CallOff.objects.get(pk=call_off.pk).status == CallOffStatus.SUPERSEDED
    assert services.expire_ended_call_offs(today=variation.end_date + timedelta(days=1)) == 1
    assert CallOff.objects.get(pk=variation.pk).status == CallOffStatus.EXPIRED


def test_until_both_sides_sign_a_draft_can_still_be_changed(dps):
    call_off = raise_call_off(dps)
    call_off.estimated_value = Decimal("99000")
    call_off.save()
    call_off.lots.add(dps.lots["physiotherapy"])
    ServiceLevel.objects.create(call_off=call_off, metric="report_within", working_days=2)
    assert CallOff.objects.get(pk=call_off.pk).estimated_value == Decimal("99000")
    assert timezone.localdate() <= call_off.start_date
