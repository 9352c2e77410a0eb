"""Two-factor enrolment (PRODUCT.md section 8), tried from the attacker's side.

A new authenticator may be enrolled only (a) by a user with no confirmed device, (b) from a session already
verified with the existing device, or (c) after a logged reset by an administrator. An attacker who knows only
the password of a user with a confirmed device must get nothing from the set-up page: no new device, no secret,
no verified session, on the pages and on the API alike.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import models as account_models
from accounts.models import User
from accounts.oidc import SSO_SESSION_KEY
from conftest import signed_in_client
from notifications.models import OutboxMessage
from organisations.roles import TWO_FACTOR_ROLES, Role
from organisations.tests.factories import UserFactory, confirmed_totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
SET_UP = "/accounts/two-factor/set-up/"
TWO_FACTOR_ROLE_LIST = sorted(TWO_FACTOR_ROLES)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_only_session(user: User) -> Client:
    client = Client()
    assert client.post("/accounts/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def is_verified(client: Client) -> bool:
    """A protected page opens only in a session that passed two-factor."""
    return client.get("/organisations/staff/").status_code == 200


def secrets_of(user: User) -> list[bytes]:
    """Every form in which a device's secret could reach the page: hex key, base32 key, otpauth URL."""
    import base64

    found = []
    for device in TOTPDevice.objects.filter(user=user):
        found += [device.key.encode(), base64.b32encode(device.bin_key).rstrip(b"="), device.config_url.encode()]
    return found + [b"otpauth://"]


class TestPasswordOnlySessionCannotEnrol:
    """Roles needing 2FA, each with a confirmed device; the attacker has the password only."""

    @pytest.mark.parametrize("role", TWO_FACTOR_ROLE_LIST)
    def test_get_set_up_is_refused_and_shows_no_secret(self, user_for, role):
        user = user_for(role)
        confirmed_totp_device(user)
        client = password_only_session(user)
        response = client.get(SET_UP)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/?next=")
        assert TOTPDevice.objects.filter(user=user).count() == 1
        followed = client.get(SET_UP, follow=True)
        assert all(secret not in followed.content for secret in secrets_of(user))
        assert not is_verified(client)

    @pytest.mark.parametrize("role", TWO_FACTOR_ROLE_LIST)
    def test_post_set_up_is_refused_and_does_not_verify(self, user_for, role):
        user = user_for(role)
        existing = confirmed_totp_device(user)
        client = password_only_session(user)
        client.get(SET_UP)
        # Whatever device the page may have made, the attacker would know its secret: try its code.
        for device in TOTPDevice.objects.filter(user=user, confirmed=False):
            response = client.post(SET_UP, {"code": code_of(device)})
            assert response.status_code == 302 and "/accounts/two-factor/?next=" in response["Location"]
        response = client.post(SET_UP, {"code": "123456"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")
        assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [existing]
        assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
        assert not OutboxMessage.objects.filter(template="accounts_two_factor_enabled").exists()
        assert not is_verified(client)

    @pytest.mark.parametrize("role", TWO_FACTOR_ROLE_LIST)
    def test_api_stays_closed_after_trying_set_up(self, user_for, role):
        user = user_for(role)
        confirmed_totp_device(user)
        client = password_only_session(user)
        client.get(SET_UP)
        for device in TOTPDevice.objects.filter(user=user, confirmed=False):
            client.post(SET_UP, {"code": code_of(device)})
        for path in ("/api/v1/employees/", "/api/v1/referrals/", "/api/v1/suppliers/", "/api/schema/"):
            assert client.get(path).status_code == 403, path
        assert client.post("/api/v1/referrals/", {}, content_type="application/json").status_code == 403

    def test_manager_with_a_device_cannot_add_another_with_password_only(self, user_for):
        """The rule is about the device, not the role: a second device is never enrolled on a password."""
        user = user_for(Role.MANAGER)
        confirmed_totp_device(user)
        client = password_only_session(user)
        assert client.get(SET_UP).status_code == 302
        assert TOTPDevice.objects.filter(user=user).count() == 1

    def test_sso_session_does_not_count_as_verified_with_the_device(self, user_for):
        """A CIS2 session needs no TOTP, but it has not proved the existing authenticator either."""
        user = user_for(Role.CLINICIAN)
        confirmed_totp_device(user)
        client = Client()
        client.force_login(user)
        session = client.session
        session[SSO_SESSION_KEY] = True
        session.save()
        assert is_verified(client)  # the provider's strong authentication stands in for TOTP
        assert client.get(SET_UP).status_code == 302
        assert TOTPDevice.objects.filter(user=user).count() == 1


class TestFirstEnrolment:
    def test_device_made_in_one_session_is_not_shown_to_another(self, user_for):
        user = user_for(Role.CLINICIAN)
        attacker = password_only_session(user)
        attacker.get(SET_UP)
        attackers_device = TOTPDevice.objects.get(user=user, confirmed=False)
        owner = password_only_session(user)
        page = owner.get(SET_UP)
        assert page.status_code == 200
        owners_device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert owners_device.pk != attackers_device.pk
        assert attackers_device.config_url.encode() not in page.content

    def test_once_enrolled_another_password_only_session_cannot_confirm(self, user_for):
        user = user_for(Role.CLINICIAN)
        attacker = password_only_session(user)
        attacker.get(SET_UP)
        attackers_device = TOTPDevice.objects.get(user=user, confirmed=False)
        attackers_code = code_of(attackers_device)
        owner = password_only_session(user)
        owner.get(SET_UP)
        owner_device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert owner.post(SET_UP, {"code": code_of(owner_device)}).status_code == 302
        assert is_verified(owner)
        response = attacker.post(SET_UP, {"code": attackers_code})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
        assert not is_verified(attacker)
        assert list(TOTPDevice.objects.filter(user=user)) == [owner_device]


class TestVerifiedSessionReplacesAuthenticator:
    def test_verified_session_enrols_a_new_device_which_replaces_the_old(self, user_for):
        user = user_for(Role.CLINICIAN)
        client = signed_in_client(user)  # verified with its confirmed device
        old = TOTPDevice.objects.get(user=user, confirmed=True)
        page = client.get(SET_UP)
        assert page.status_code == 200 and b"<svg" in page.content
        new = TOTPDevice.objects.get(user=user, confirmed=False)
        with time_machine.travel(timezone.now() + timedelta(seconds=60), tick=False):
            assert client.post(SET_UP, {"code": code_of(new)}).status_code == 302
        assert list(TOTPDevice.objects.filter(user=user)) == [new]
        new.refresh_from_db()
        assert new.confirmed and not TOTPDevice.objects.filter(pk=old.pk).exists()
        assert OutboxMessage.objects.filter(template="accounts_two_factor_enabled", recipient=user).count() == 1
        assert is_verified(client)


@pytest.fixture
def operator(db):
    return UserFactory(username="it-service-desk", is_staff=True, is_superuser=True)


class TestAdministratorReset:
    def test_reset_deletes_devices_logs_who_and_tells_the_user(self, user_for, operator):
        from accounts.services import reset_two_factor

        user = user_for(Role.IG_LEAD)
        confirmed_totp_device(user)
        reset = reset_two_factor(user=user, by=operator, reason="Lost phone, ticket 4711")
        assert not TOTPDevice.objects.filter(user=user).exists()
        row = account_models.TwoFactorReset.objects.get()
        assert row == reset and (row.user, row.reset_by, row.reason) == (user, operator, "Lost phone, ticket 4711")
        assert timezone.now() - row.at < timedelta(minutes=1)
        message = OutboxMessage.objects.get(template="accounts_two_factor_reset")
        assert message.recipient == user

    def test_after_reset_the_user_enrols_again_at_sign_in(self, user_for, operator):
        from accounts.services import reset_two_factor

        user = user_for(Role.CLINICIAN)
        confirmed_totp_device(user)
        reset_two_factor(user=user, by=operator, reason="New phone")
        client = password_only_session(user)
        assert client.get(SET_UP).status_code == 200
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert client.post(SET_UP, {"code": code_of(device)}).status_code == 302
        assert is_verified(client)

    def test_admin_action_resets_and_logs_the_admin(self, user_for, operator):
        user = user_for(Role.OH_ADMIN)
        confirmed_totp_device(user)
        client = Client()
        client.force_login(operator)
        response = client.post(
            "/admin/accounts/user/",
            {"action": "reset_two_factor", admin.helpers.ACTION_CHECKBOX_NAME: [user.pk]},
        )
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=user).exists()
        row = account_models.TwoFactorReset.objects.get(user=user)
        assert row.reset_by == operator
        assert OutboxMessage.objects.filter(template="accounts_two_factor_reset", recipient=user).exists()

    def test_management_command_resets_and_logs_the_operator(self, user_for, operator):
        user = user_for(Role.FRAMEWORK_ADMIN)
        confirmed_totp_device(user)
        call_command("reset_two_factor", user.username, "--by", operator.username, "--reason", "Ticket 99")
        row = account_models.TwoFactorReset.objects.get(user=user)
        assert (row.reset_by, row.reason) == (operator, "Ticket 99")
        assert not TOTPDevice.objects.filter(user=user).exists()

    def test_management_command_refuses_an_operator_who_is_not_staff(self, user_for):
        user = user_for(Role.CLINICIAN)
        confirmed_totp_device(user)
        nobody = UserFactory(username="not-staff")
        with pytest.raises(CommandError, match="staff"):
            call_command("reset_two_factor", user.username, "--by", nobody.username, "--reason", "x")
        assert TOTPDevice.objects.filter(user=user).count() == 1
        assert not account_models.TwoFactorReset.objects.exists()


def test_stale_unconfirmed_device_cannot_be_confirmed_by_a_password_only_session(user_for):
    """A half-finished enrolment left from before (or made by an attacker earlier) gives a password nothing."""
    user = user_for(Role.CLINICIAN)
    existing = confirmed_totp_device(user)
    stale = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    client = password_only_session(user)
    session = client.session
    session["ohwb_enrolling_device_id"] = stale.pk  # even if the session names it
    session.save()
    response = client.post(SET_UP, {"code": code_of(stale)})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [existing]
    assert not is_verified(client)
