"""What a user may do to a call-off now: the one rule the services refuse with and the call-off page lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ohwb_portal.refusals import ActionRefused
from organisations.models import active_membership
from organisations.roles import CLIENT_KINDS, Role

from .models import CALL_OFF_RAISERS, CallOff, CallOffStatus, Supplier

C = CallOffStatus
# action -> statuses it may start from
STATUSES: dict[str, frozenset[str]] = {
    "edit": frozenset({C.DRAFT}),
    "send_for_signature": frozenset({C.DRAFT}),
    "sign": frozenset({C.AWAITING_CLIENT, C.AWAITING_SUPPLIER}),
    "vary": frozenset({C.ACTIVE}),
    "terminate": frozenset({C.ACTIVE}),
    "monthly_return": frozenset({C.ACTIVE, C.EXPIRED, C.TERMINATED}),
}
STATE_REFUSED = {
    "edit": "Only a draft can be changed. Once it is sent, a change is a variation of the signed agreement.",
    "send_for_signature": "Only a draft can be sent for signature.",
    "sign": "This call-off is not waiting for a signature.",
    "vary": "Only an active call-off can be varied.",
    "terminate": "Only an active call-off can be terminated.",
    "monthly_return": "Returns are for call-offs that have been active.",
}
ACTIONS = tuple(STATUSES)


class FrameworkError(ActionRefused):
    """A framework rule stops this change; the message says why in the user's words."""


def _who(user: Any, call_off: CallOff, action: str) -> str:
    """Why this user may not take this action ("" when they may)."""
    m = active_membership(user)
    role, org = (m.role, m.organisation_id) if m else (None, None)
    client_procurement = role == Role.PROCUREMENT and org == call_off.client_id
    if action == "send_for_signature":
        return "" if client_procurement else "Only the client's procurement lead can send this for signature."
    if action == "edit":
        return "" if client_procurement else "Only the client can change this draft."
    if action == "vary":
        return "" if client_procurement else "Only the client can vary this call-off."
    if action == "terminate":
        allowed = client_procurement or role == Role.FRAMEWORK_ADMIN
        return "" if allowed else "Only the client can terminate this call-off."
    supplier = role == Role.SUPPLIER and org == call_off.supplier.organisation_id
    if action == "monthly_return":
        return "" if supplier else "Only the supplier submits returns for this call-off."
    # sign: the client's named signatory first, then the supplier's named signatory
    if call_off.status == C.AWAITING_SUPPLIER:
        named = call_off.supplier_signatory_id is None or user.pk == call_off.supplier_signatory_id
        if supplier and named:
            return ""
        if call_off.supplier_signatory is None:
            return "Only the supplier can counter-sign now."
        return f"Only {call_off.supplier_signatory.display_name}, the supplier's named signatory, can counter-sign."
    signatory = role == Role.PROCUREMENT and user.pk == call_off.client_signatory_id
    return "" if signatory or call_off.status != C.AWAITING_CLIENT else "Only the named client signatory can sign now."


def check_who(user: Any, call_off: CallOff, action: str) -> None:
    reason = _who(user, call_off, action) if user is not None and user.is_authenticated else "Sign in first."
    if reason:
        raise PermissionDenied(reason)


def check_state(call_off: CallOff, action: str) -> None:
    if call_off.status not in STATUSES[action]:
        raise FrameworkError(STATE_REFUSED[action])
    if action == "monthly_return" and call_off.status_on(timezone.localdate()).code == "signed":
        raise FrameworkError(f"Returns start from the first month of the agreement, {call_off.start_date:%B %Y}.")


def check(user: Any, call_off: CallOff, action: str) -> None:
    check_who(user, call_off, action)
    check_state(call_off, action)


def allowed_actions(user: Any, call_off: CallOff) -> frozenset[str]:
    allowed = set()
    for action in ACTIONS:
        try:
            check(user, call_off, action)
        except (PermissionDenied, FrameworkError):
            continue
        allowed.add(action)
    return frozenset(allowed)


def may_raise_call_off(user: Any, supplier: Supplier, today: date) -> bool:
    """Whether to offer "Raise a call-off" with this supplier (services.raise_call_off enforces the same)."""
    m = active_membership(user)
    return (
        m is not None
        and m.role in CALL_OFF_RAISERS
        and m.organisation.kind in CLIENT_KINDS
        and supplier.accredited_on(today)
    )
