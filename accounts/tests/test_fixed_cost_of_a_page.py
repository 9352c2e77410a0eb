"""What every signed-in page costs before it reads anything of its own: at most two queries.

The user with their acting membership and its organisation in one, their memberships (the role switcher and the
two-factor rule) in the other. The session, the verified authenticator and the unread count come from the cache,
and each is forgotten there when it changes, which the tests below check from the outside.
"""

import pytest

from conftest import signed_in_client
from notifications.models import Notification
from notifications.services import queue_message
from organisations.roles import Role
from organisations.tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db

PLAIN_PAGE = "/accounts/two-factor/"  # the header, the role switcher and a form: nothing of its own to read


@pytest.fixture
def warmed(world):  # type: ignore[no-untyped-def]
    """A signed-in client per kind of user, after a first page (which fills the cache)."""

    def make(role: str, organisation_name: str, second_role: str | None = None):  # type: ignore[no-untyped-def]
        user = member(role, getattr(world, organisation_name))
        if second_role:
            MembershipFactory(user=user, organisation=getattr(world, organisation_name), role=second_role)
        client = signed_in_client(user)
        assert client.get(PLAIN_PAGE).status_code == 200
        return user, client

    return make


@pytest.mark.parametrize(
    ("role", "organisation", "second_role"),
    [
        (Role.CLINICIAN, "oh_service", None),  # two-factor verified
        (Role.MANAGER, "trust_a", Role.RECRUITER),  # two roles: the switcher lists the other
        (Role.EMPLOYEE, "trust_a", None),
    ],
)
def test_a_signed_in_page_costs_at_most_two_queries(
    warmed, role, organisation, second_role, django_assert_max_num_queries
):
    _, client = warmed(role, organisation, second_role)
    with django_assert_max_num_queries(2):
        response = client.get(PLAIN_PAGE)
    assert response.status_code == 200
    assert response.context["current_membership"].organisation.name
    if second_role:
        assert [m.role for m in response.context["other_memberships"]] == [second_role]


def test_the_unread_count_in_the_header_follows_new_and_read_notifications(warmed):
    user, client = warmed(Role.MANAGER, "trust_a")
    assert client.get(PLAIN_PAGE).context["unread_notification_count"] == 0
    queue_message(template="accounts_two_factor_enabled", idempotency_key="k1", to_user=user, link="/referrals/")
    assert client.get(PLAIN_PAGE).context["unread_notification_count"] == 1
    client.post("/notifications/read-all/")
    assert client.get(PLAIN_PAGE).context["unread_notification_count"] == 0
    Notification.objects.create(user=user, title="Hello", body="", link="", idempotency_key="k2")
    assert client.get(PLAIN_PAGE).context["unread_notification_count"] == 1
    Notification.objects.filter(user=user).update(read_at=None)
    notification = Notification.objects.get(idempotency_key="k2")
    client.post(f"/notifications/{notification.pk}/open/")
    assert client.get(PLAIN_PAGE).context["unread_notification_count"] == 1  # k1 is unread again, k2 read


def test_an_authenticator_removed_ends_two_factor_on_the_next_page(warmed):
    user, client = warmed(Role.CLINICIAN, "oh_service")
    assert client.get("/").status_code == 200
    user.totpdevice_set.all().delete()  # an administrator's logged reset
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/two-factor/set-up/" in response["Location"]


def test_a_role_given_since_sign_in_asks_for_two_factor_on_the_next_page(warmed):
    user, client = warmed(Role.MANAGER, "trust_a")
    assert client.get("/").status_code == 200
    MembershipFactory(user=user, organisation=user.active_membership.organisation, role=Role.IG_LEAD)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


def test_signing_out_ends_the_session_although_it_was_cached(warmed):
    _, client = warmed(Role.MANAGER, "trust_a")
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/sign-out/")
    client.cookies["sessionid"] = cookie  # an attacker replays the old cookie
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
