"""Writes for accounts: two-factor enrolment and reset, and role switching."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.services import queue_message
from organisations.models import Membership

from .acting import ACTING_MEMBERSHIP_SESSION_KEY, act_in
from .models import TwoFactorReset, User
from .two_factor import may_enrol_authenticator

# The unconfirmed device this session is enrolling. Bound to the session so that a key shown to one session
# (perhaps an attacker's, at a user's first sign-in) is never shown to, or confirmed by, another.
ENROLMENT_SESSION_KEY = "ohwb_enrolling_device_id"


class EnrolmentRefused(Exception):
    """This session may not enrol an authenticator now (see two_factor.may_enrol_authenticator)."""


def start_totp_enrolment(*, user: User, session: Any) -> TOTPDevice:
    """An unconfirmed device for this session to scan; reused in this session so the QR code stays the same."""
    if not may_enrol_authenticator(user):
        raise EnrolmentRefused
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=session.get(ENROLMENT_SESSION_KEY)).first()
    if device is None:
        # Any other session's half-finished enrolment stops working: its key may have been seen by someone else.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        session[ENROLMENT_SESSION_KEY] = device.pk
    return device


@transaction.atomic
def confirm_totp_enrolment(*, request: Any, user: User, code: str) -> bool:
    """Confirm this session's device with a code from it. It replaces any authenticator the user had before."""
    # Lock the user so that two sessions racing through a first enrolment are decided one after the other.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if not may_enrol_authenticator(user):
        raise EnrolmentRefused
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False, pk=request.session.get(ENROLMENT_SESSION_KEY))
        .first()
    )
    if device is None or not device.verify_token(code):
        return False
    for old in devices_for_user(user, confirmed=True):
        old.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    otp_login(request, device)
    # A security notice: if the user did not do this, they need to know at once.
    queue_message(
        template="accounts_two_factor_enabled",
        idempotency_key=f"2fa-enabled-{device.pk}",
        to_user=user,
        link=reverse("home"),
    )
    return True


@transaction.atomic
def reset_two_factor(*, user: User, by: User, reason: str) -> TwoFactorReset:
    """An administrator removes every authenticator of `user`, who then enrols again at their next sign-in.

    Writes who reset whose two-factor, when and why, and tells the user through the outbox.
    """
    if not (by.is_active and by.is_staff):
        raise PermissionError("Only an active administrator (staff) can reset two-factor authentication.")
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    reset = TwoFactorReset.objects.create(user=user, reset_by=by, reason=reason[:200], devices_removed=removed)
    queue_message(
        template="accounts_two_factor_reset",
        idempotency_key=f"2fa-reset-{reset.pk}",
        to_user=user,
        link=reverse("home"),
    )
    return reset


def switch_role(*, request: Any, membership: Membership) -> None:
    """This session acts in `membership` from now on; the user's other sessions and token clients do not change."""
    user = request.user
    if membership.user_id != user.pk:
        raise PermissionError("A user can only act in their own memberships.")
    request.session[ACTING_MEMBERSHIP_SESSION_KEY] = membership.pk
    act_in(user, membership)
