"""What each person may do to a call-off now: the page shows exactly what the services accept."""

from datetime import date

import pytest

from conftest import accepts, signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member
from suppliers import actions, services
from suppliers.models import CallOff, CallOffStatus
from suppliers.tests.test_framework import raise_call_off

pytestmark = pytest.mark.django_db


def _to(dps, state):
    call_off = raise_call_off(dps)
    if state == "draft":
        return call_off
    services.send_for_signature(call_off=call_off, by=dps.procurement)
    if state == "awaiting_client":
        return call_off
    services.sign(call_off=call_off, by=dps.procurement)
    if state == "awaiting_supplier":
        return call_off
    services.sign(call_off=call_off, by=dps.acme_user)
    if state == "terminated":
        services.terminate(call_off=CallOff.objects.get(pk=call_off.pk), by=dps.procurement, reason="Poor service")
    if state == "expired":
        CallOff.objects.filter(pk=call_off.pk).update(status=CallOffStatus.EXPIRED)
    return CallOff.objects.get(pk=call_off.pk)


def _attempt(action, call_off, user):
    calls = {
        "send_for_signature": lambda: services.send_for_signature(call_off=call_off, by=user),
        "sign": lambda: services.sign(call_off=call_off, by=user),
        "vary": lambda: services.make_variation(call_off=call_off, by=user),
        "terminate": lambda: services.terminate(call_off=call_off, by=user, reason="Ended"),
        "monthly_return": lambda: services.submit_monthly_return(
            call_off=call_off, by=user, month=date.today().replace(day=1), cases_handled=3, levels_met={}
        ),
    }
    assert set(calls) == set(actions.ACTIONS)

    return accepts(calls[action], services.FrameworkError)


BUTTONS = {
    "send_for_signature": "Send for signature",
    "sign": "Sign the agreement",
    "vary": "Make a variation",
    "terminate": "Terminate this call-off",
    "monthly_return": "Submit a monthly return",
}


@pytest.mark.parametrize("state", ["draft", "awaiting_client", "awaiting_supplier", "active", "terminated", "expired"])
def test_call_off_page_offers_exactly_what_the_services_accept(dps, state):
    call_off = _to(dps, state)
    people = {
        "client procurement (signatory)": dps.procurement,
        "other procurement of the client": member(Role.PROCUREMENT, dps.world.trust_a),
        "supplier": dps.acme_user,
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
