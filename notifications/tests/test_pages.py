"""In-portal notifications: each user sees only their own."""

import pytest

from notifications.models import Notification
from notifications.services import queue_message
from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db


def test_list_shows_own_notifications_and_unread_count(client_for, world):
    client = client_for(Role.MANAGER)
    user = client.session["_auth_user_id"]
    from accounts.models import User

    owner = User.objects.get(pk=user)
    queue_message(template="test_message", idempotency_key="mine", to_user=owner, link="/")
    other = member(Role.MANAGER, world.trust_b)
    queue_message(template="test_message", idempotency_key="theirs", to_user=other, link="/")
    page = client.get("/notifications/")
    assert page.content.count(b'<h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">') == 1
    assert b"(1 new)" in page.content


def test_open_marks_read_and_follows_internal_link_only(client_for, world):
    client = client_for(Role.MANAGER)
    from accounts.models import User

    owner = User.objects.get(pk=client.session["_auth_user_id"])
    mine = queue_message(template="test_message", idempotency_key="k1", to_user=owner, link="/organisations/staff/")
    notification = Notification.objects.get(idempotency_key="k1")
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/organisations/staff/"
    notification.refresh_from_db()
    assert notification.read_at is not None and mine is not None
    evil = Notification.objects.create(user=owner, idempotency_key="k2", title="x", link="https://evil.example/")
    assert client.post(f"/notifications/{evil.pk}/open/")["Location"] == "/notifications/"


def test_someone_elses_notification_is_404(client_for, world):
    other = member(Role.MANAGER, world.trust_b)
    queue_message(template="test_message", idempotency_key="theirs", to_user=other)
    theirs = Notification.objects.get()
    assert client_for(Role.MANAGER).post(f"/notifications/{theirs.pk}/open/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/notifications/").status_code == 302
