"""The role a user acts in belongs to the session (PRODUCT.md section 8), not to the user.

Two browsers of one user act in two roles; switching in one changes nothing in the other, nor for the user's
token clients, which choose with the X-OHWB-Membership header or act in the user's default membership.
"""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.middleware import ACTING_MEMBERSHIP_SESSION_KEY
from organisations.models import Membership
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, MembershipFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
HEADER = "HTTP_X_OHWB_MEMBERSHIP"


@pytest.fixture
def manager_and_board(user_for, world):
    """A manager of trust A who is also its board member; trust A has staff a manager sees and a board does not."""
    user = user_for(Role.MANAGER)
    board = MembershipFactory(user=user, organisation=world.trust_a, role=Role.BOARD)
    EmployeeFactory.create_batch(2, organisation=world.trust_a)
    return user, user.active_membership, board


def browser(user) -> Client:
    client = Client()
    assert client.post("/accounts/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def staff_seen(client: Client, **headers) -> int:
    response = client.get("/api/v1/employees/", **headers)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def acting_role_on_home(client: Client) -> str:
    """The role named in the home page's heading."""
    content = client.get("/").content.decode()
    return content.split('<h1 class="nhsuk-heading-l">', 1)[1].split("</h1>", 1)[0]


class TestTwoSessions:
    def test_switching_in_one_browser_leaves_the_other_alone(self, manager_and_board):
        user, manager, board = manager_and_board
        first, second = browser(user), browser(user)
        assert first.post("/accounts/switch-role/", {"membership": board.pk}).status_code == 302
        assert acting_role_on_home(first) == "Board member"
        assert staff_seen(first) == 0  # a board member sees no person-level data
        assert staff_seen(second) == 2  # still the manager
        assert acting_role_on_home(second) == "Manager"
        user.refresh_from_db()
        assert user.active_membership == manager  # the default for new sessions and tokens is unchanged

    def test_each_session_switches_on_its_own(self, manager_and_board):
        user, manager, board = manager_and_board
        first, second = browser(user), browser(user)
        first.post("/accounts/switch-role/", {"membership": board.pk})
        second.post("/accounts/switch-role/", {"membership": board.pk})
        second.post("/accounts/switch-role/", {"membership": manager.pk})
        assert (staff_seen(first), staff_seen(second)) == (0, 2)

    def test_a_new_session_starts_in_the_default_role(self, manager_and_board):
        user, _manager, board = manager_and_board
        first = browser(user)
        first.post("/accounts/switch-role/", {"membership": board.pk})
        assert staff_seen(browser(user)) == 2

    def test_session_naming_someone_elses_membership_is_ignored(self, manager_and_board, user_for, world):
        """Even a session value the switcher would never write falls back to the user's own default."""
        user, _manager, _board = manager_and_board
        other = user_for(Role.MANAGER, world.trust_b).active_membership
        client = browser(user)
        session = client.session
        session[ACTING_MEMBERSHIP_SESSION_KEY] = other.pk
        session.save()
        assert staff_seen(client) == 2
        assert acting_role_on_home(client) == "Manager"
        assert b"Trust B" not in client.get("/").content

    def test_removed_membership_falls_back_to_the_default(self, manager_and_board):
        user, _manager, board = manager_and_board
        client = browser(user)
        client.post("/accounts/switch-role/", {"membership": board.pk})
        Membership.objects.filter(pk=board.pk).delete()
        assert staff_seen(client) == 2

    def test_switching_to_someone_elses_membership_is_refused(self, manager_and_board, user_for, world):
        user, _manager, _board = manager_and_board
        other = user_for(Role.MANAGER, world.trust_b).active_membership
        client = browser(user)
        client.post("/accounts/switch-role/", {"membership": other.pk})
        assert ACTING_MEMBERSHIP_SESSION_KEY not in client.session
        assert staff_seen(client) == 2


class TestTokenClients:
    def token_client(self, user) -> Client:
        token = Token.objects.create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    def test_token_acts_in_the_default_whatever_a_browser_switched_to(self, manager_and_board):
        user, _manager, board = manager_and_board
        api = self.token_client(user)
        browser(user).post("/accounts/switch-role/", {"membership": board.pk})
        assert staff_seen(api) == 2

    def test_header_chooses_one_of_the_users_own_memberships(self, manager_and_board):
        user, manager, board = manager_and_board
        api = self.token_client(user)
        assert staff_seen(api, **{HEADER: str(board.pk)}) == 0
        assert staff_seen(api, **{HEADER: str(manager.pk)}) == 2
        assert staff_seen(api) == 2  # nothing remembered between requests
        user.refresh_from_db()
        assert user.active_membership == manager

    @pytest.mark.parametrize("value", ["other-user", "999999999", "abc", "", " 1"])
    def test_header_naming_anything_else_is_refused(self, manager_and_board, user_for, world, value):
        user, _manager, _board = manager_and_board
        if value == "other-user":
            value = str(user_for(Role.MANAGER, world.trust_b).active_membership_id)
        response = self.token_client(user).get("/api/v1/employees/", **{HEADER: value})
        assert response.status_code == 403
        assert "X-OHWB-Membership" in response.json()["detail"]

    def test_header_is_documented_in_the_schema(self, client_for):
        schema = client_for(Role.MANAGER).get("/api/schema/?format=json").json()
        assert "X-OHWB-Membership" in str(schema["components"]["securitySchemes"])


def test_saving_a_user_while_acting_in_another_role_keeps_the_stored_default(manager_and_board):
    """E.g. a password change in a browser acting as board must not move the user's other sessions."""
    from accounts.acting import act_in

    user, manager, board = manager_and_board
    act_in(user, board)
    user.set_password("another-long-password-2")
    user.save()
    assert user.active_membership == board  # this request still acts as board
    user.refresh_from_db()
    assert user.active_membership == manager and user.check_password("another-long-password-2")
