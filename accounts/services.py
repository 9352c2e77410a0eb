"""Writes for accounts: two-factor enrolment and role switching."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.services import queue_message
from organisations.models import Membership

from .models import User


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed device for the user to scan; reused until confirmed so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(*, request: object, user: User, code: str) -> bool:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    # A security notice: if the user did not do this, they need to know at once.
    queue_message(
        template="accounts_two_factor_enabled",
        idempotency_key=f"2fa-enabled-{device.pk}",
        to_user=user,
        link=reverse("home"),
    )
    return True


def switch_role(*, user: User, membership: Membership) -> None:
    if membership.user_id != user.pk:
        raise PermissionError("A user can only act in their own memberships.")
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
