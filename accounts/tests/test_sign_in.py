"""Sign-in, lockout with cool-off, two-factor for clinical and admin roles, role switching."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp

from organisations.roles import Role
from organisations.tests.factories import MembershipFactory, confirmed_totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/sign-in/", {"username": username, "password": password})


def current_code(device):
    """The code an authenticator app would show now (django-otp's own TOTP implementation)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(user_for):
    user = user_for(Role.MANAGER)
    user.set_password("another-long-password")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_manager_signs_in_and_lands_on_their_home(user_for):
    user = user_for(Role.MANAGER)
    client = Client()
    assert sign_in(client, user.username).status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b"Trust A" in home.content and b"Staff records" in home.content


def test_wrong_password_and_unknown_user_get_the_same_message(user_for):
    user = user_for(Role.MANAGER)
    wrong = sign_in(Client(), user.username, "nope-nope-nope").content
    unknown = sign_in(Client(), "nobody-here", "nope-nope-nope").content
    message = b"Enter a correct username and password"
    assert message in wrong and message in unknown


def test_lockout_after_five_failures_then_cool_off(user_for):
    user = user_for(Role.MANAGER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            sign_in(Client(), user.username, "wrong-password-1")
        locked = sign_in(Client(), user.username)
        assert locked.status_code == 429
        assert b"locked" in locked.content
        traveller.shift(timedelta(minutes=16))
        assert sign_in(Client(), user.username).status_code == 302


def test_anonymous_user_is_sent_to_sign_in():
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


class TestTwoFactor:
    @pytest.mark.parametrize("role", [Role.CLINICIAN, Role.OH_ADMIN, Role.IG_LEAD, Role.FRAMEWORK_ADMIN])
    def test_roles_needing_2fa_must_set_it_up_first(self, user_for, role):
        client = Client()
        sign_in(client, user_for(role).username)
        response = client.get("/organisations/staff/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/set-up/")

    def test_set_up_with_a_real_code_then_pages_open(self, user_for):
        user = user_for(Role.CLINICIAN)
        client = Client()
        sign_in(client, user.username)
        page = client.get("/accounts/two-factor/set-up/")
        assert b"<svg" in page.content  # the QR code
        device = user.totpdevice_set.get(confirmed=False)
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            wrong = client.post("/accounts/two-factor/set-up/", {"code": "000000"})
            assert wrong.status_code == 200 and b"did not match" in wrong.content
            traveller.shift(timedelta(seconds=3))  # django-otp throttles retries after a failure
            response = client.post("/accounts/two-factor/set-up/", {"code": current_code(device)})
        assert response.status_code == 302
        assert client.get("/organisations/staff/").status_code == 200

    def test_enrolled_user_enters_code_and_a_code_cannot_be_replayed(self, user_for):
        user = user_for(Role.CLINICIAN)
        device = confirmed_totp_device(user)
        first = Client()
        sign_in(first, user.username)
        assert first.get("/")["Location"].startswith("/accounts/two-factor/?next=")
        code = current_code(device)
        assert first.post("/accounts/two-factor/", {"code": code, "next": "/"}).status_code == 302
        assert first.get("/").status_code == 200
        second = Client()
        sign_in(second, user.username)
        replay = second.post("/accounts/two-factor/", {"code": code, "next": "/"})
        assert replay.status_code == 200 and b"did not match" in replay.content

    def test_unsafe_next_is_ignored(self, user_for):
        user = user_for(Role.CLINICIAN)
        device = confirmed_totp_device(user)
        client = Client()
        sign_in(client, user.username)
        response = client.post("/accounts/two-factor/", {"code": current_code(device), "next": "https://evil.example"})
        assert response["Location"] == "/"

    def test_manager_needs_no_second_factor(self, user_for):
        client = Client()
        sign_in(client, user_for(Role.MANAGER).username)
        assert client.get("/organisations/staff/").status_code == 200

    def test_manager_who_is_also_clinician_needs_2fa_in_either_role(self, user_for, world):
        user = user_for(Role.MANAGER)
        MembershipFactory(user=user, organisation=world.oh_service, role=Role.CLINICIAN)
        client = Client()
        sign_in(client, user.username)
        assert client.get("/organisations/staff/").status_code == 302

    def test_api_session_without_2fa_is_refused(self, user_for):
        client = Client()
        sign_in(client, user_for(Role.CLINICIAN).username)
        assert client.get("/api/v1/employees/").status_code == 403


class TestRoleSwitcher:
    def test_switch_to_own_other_role(self, user_for, world):
        user = user_for(Role.MANAGER)
        board = MembershipFactory(user=user, organisation=world.trust_a, role=Role.BOARD)
        client = Client()
        sign_in(client, user.username)
        assert b"Switch role" in client.get("/").content
        client.post("/accounts/switch-role/", {"membership": board.pk})
        assert b'<h1 class="nhsuk-heading-l">Board member</h1>' in client.get("/").content
        # The switch belongs to this session (accounts/tests/test_acting_role.py); the stored default stays.
        user.refresh_from_db()
        assert user.active_membership.role == Role.MANAGER

    def test_cannot_switch_into_someone_elses_membership(self, user_for, world):
        user = user_for(Role.MANAGER)
        other = user_for(Role.BOARD, world.trust_b)
        client = Client()
        sign_in(client, user.username)
        client.post("/accounts/switch-role/", {"membership": other.active_membership_id})
        user.refresh_from_db()
        assert user.active_membership.role == Role.MANAGER

    def test_no_switcher_with_one_role(self, user_for):
        client = Client()
        sign_in(client, user_for(Role.MANAGER).username)
        assert b"Switch role" not in client.get("/").content


def test_user_without_role_is_told_so():
    from organisations.tests.factories import UserFactory

    user = UserFactory()
    client = Client()
    sign_in(client, user.username)
    assert b"You do not have a role yet" in client.get("/").content
