"""What each person may do to a call-off now: the page shows exactly what the services accept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import accepts, signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member
from suppliers import actions, services
from suppliers.models import CallOff, CallOffStatus
from suppliers.tests.test_framework import raise_call_off

pytestmark = pytest.mark.django_db


def _to(dps, state):
    # "signed": both sides signed before the start date (stored as active, shown "Signed, starts ...").
    start = timezone.localdate() + timedelta(days=40 if state == "signed" else 0)
    call_off = raise_call_off(dps, start_date=start, end_date=start + timedelta(days=365))
    if state == "draft":
        return call_off
    services.send_for_signature(call_off=call_off, by=dps.procurement)
    if state == "awaiting_client":
        return call_off
    services.sign(call_off=call_off, by=dps.procurement, declared=True)
    if state == "awaiting_supplier":
        return call_off
    services.sign(call_off=call_off, by=dps.acme_user, declared=True)
    if state == "terminated":
        services.terminate(call_off=CallOff.objects.get(pk=call_off.pk), by=dps.procurement, reason="Poor service")
    if state == "expired":
        CallOff.objects.filter(pk=call_off.pk).update(status=CallOffStatus.EXPIRED)
    return CallOff.objects.get(pk=call_off.pk)


def _attempt(action, call_off, user):
    calls = {
        "edit": lambda: services.change_draft(
            call_off=call_off,
            by=user,
            lots=list(call_off.lots.all()),
            start_date=call_off.start_date,
            end_date=call_off.end_date,
            estimated_value=call_off.estimated_value + 1,
            client_signatory=call_off.client_signatory,
            supplier_signatory=call_off.supplier_signatory,
            service_levels=[],
        ),
        "send_for_signature": lambda: services.send_for_signature(call_off=call_off, by=user),
        "sign": lambda: services.sign(call_off=call_off, by=user, declared=True),
        "vary": lambda: services.make_variation(call_off=call_off, by=user),
        "terminate": lambda: services.terminate(call_off=call_off, by=user, reason="Ended"),
        "monthly_return": lambda: services.submit_monthly_return(
            call_off=call_off, by=user, month=timezone.localdate().replace(day=1), cases_handled=3, levels_met={}
        ),
    }
    assert set(calls) == set(actions.ACTIONS)

    return accepts(calls[action], services.FrameworkError)


BUTTONS = {
    "edit": "Change the draft",
    "send_for_signature": "Send for signature",
    "sign": "Sign the agreement",
    "vary": "Make a variation",
    "terminate": "Terminate this call-off",
    "monthly_return": "Submit a monthly return",
}


STATES = ["draft", "awaiting_client", "awaiting_supplier", "signed", "active", "terminated", "expired"]


@pytest.mark.parametrize("state", STATES)
def test_call_off_page_offers_exactly_what_the_services_accept(dps, state):
    call_off = _to(dps, state)
    people = {
        "client procurement (signatory)": dps.procurement,
        "other procurement of the client": member(Role.PROCUREMENT, dps.world.trust_a),
        "supplier (named signatory)": dps.acme_user,
        "supplier colleague": member(Role.SUPPLIER, dps.world.supplier),
        "board of the client": member(Role.BOARD, dps.world.trust_a),
        "other supplier": dps.beta_user,
        "framework admin": dps.admin,
    }
    for who, user in people.items():
        fresh = CallOff.objects.get(pk=call_off.pk)
        allowed = actions.allowed_actions(user, fresh)
        accepted = {a for a in actions.ACTIONS if _attempt(a, CallOff.objects.get(pk=call_off.pk), user)}
        assert allowed == accepted, f"{state}, {who}: offered {sorted(allowed)}, services accept {sorted(accepted)}"
        page = signed_in_client(user).get(f"/suppliers/call-offs/{call_off.pk}/")
        if page.status_code == 404:
            assert not allowed, f"{state}, {who}"
            continue
        html = page.content.decode()
        for action, label in BUTTONS.items():
            assert (label in html) == (action in allowed), f"{state}, {who}: {action}"


# What the monthly return of the current month meets in each state: the action's state rule, then the term rule
# (a signed agreement that has not started has no month yet to report).
RETURN_REFUSALS = {
    "draft": "Returns are for call-offs that have been active.",
    "awaiting_client": "Returns are for call-offs that have been active.",
    "awaiting_supplier": "Returns are for call-offs that have been active.",
    "signed": "Returns start from the first month of the agreement",
}


@pytest.mark.parametrize("state", STATES)
def test_a_return_for_a_month_outside_the_term_is_refused_in_every_state(dps, state):
    call_off = _to(dps, state)
    before = call_off.start_date.replace(day=1) - timedelta(days=1)
    with pytest.raises(services.FrameworkError) as refused:
        services.submit_monthly_return(
            call_off=call_off, by=dps.acme_user, month=before, cases_handled=1, levels_met={}
        )
    assert RETURN_REFUSALS.get(state, "is outside this agreement") in str(refused.value)
