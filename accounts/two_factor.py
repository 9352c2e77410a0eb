"""Who must pass TOTP two-factor authentication."""

from __future__ import annotations

from typing import Any

from organisations.roles import TWO_FACTOR_ROLES

from .acting import memberships_of


def role_needs_two_factor(user: Any) -> bool:
    """A user holding any clinician, oh_admin, ig_lead or framework_admin membership needs 2FA.

    Any membership, not only the active one, so that switching role cannot skip the check.
    """
    return any(membership.role in TWO_FACTOR_ROLES for membership in memberships_of(user))


def needs_verification(user: Any) -> bool:
    """Signed in, in a role that needs 2FA, and not yet verified with a code this session."""
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return role_needs_two_factor(user)


def request_needs_verification(request: Any) -> bool:
    """As needs_verification, but a single sign-on through a strong-auth provider (CIS2) counts as verified."""
    from .oidc import SSO_SESSION_KEY

    session = getattr(request, "session", None)
    if session is not None and session.get(SSO_SESSION_KEY):
        return False
    return needs_verification(request.user)


def has_confirmed_device(user: Any) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


def may_enrol_authenticator(user: Any) -> bool:
    """The one rule for enrolling a new authenticator (PRODUCT.md section 8).

    Allowed for a user with no confirmed device (first sign-in, or after an administrator's logged reset), or in
    a session already verified with the user's existing device. A password alone never adds a device to an
    account that has one, and neither does a single sign-on session: it did not prove the authenticator.
    """
    if not user.is_authenticated:
        return False
    if not has_confirmed_device(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())
