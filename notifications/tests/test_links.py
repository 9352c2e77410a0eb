"""Every link a message carries (e-mail, text message, in-portal) starts with the portal's configured public address."""

import pytest
from django.core import mail

from assessments import services as assessments
from notifications import delivery, tasks
from notifications.models import Notification, OutboxMessage
from notifications.services import queue_message
from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db

PUBLIC = "https://ohwb.trust.nhs.uk"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.OHWB_BASE_URL = PUBLIC + "/"  # a trailing slash must not double up


def test_candidate_email_links_to_the_public_address(world):
    started = assessments.start_check(
        recruiter=member(Role.RECRUITER, world.trust_a),
        candidate_name="Sam Candidate",
        candidate_email="sam@example.com",
        job_role="Theatre nurse",
        exposure_prone=False,
    )
    message = OutboxMessage.objects.get(template="assessments_questionnaire_link")
    assert tasks.deliver_message(message.pk) == "sent"
    assert PUBLIC + started.link_url in mail.outbox[0].body
    assert "127.0.0.1" not in mail.outbox[0].body


def test_in_portal_notification_shows_the_public_address_and_opens_in_the_portal(user_for):
    user = user_for(Role.MANAGER)
    queue_message(template="test_message", idempotency_key="n-1", to_user=user, link="/x/")
    notification = Notification.objects.get(user=user)
    assert notification.body.endswith(f"{PUBLIC}/x/")
    assert notification.link == "/x/"


def test_text_message_links_to_the_public_address(user_for, monkeypatch, settings):
    settings.GOVUK_NOTIFY_API_KEY = "test-key"
    sent = []

    class Notify:
        def send_sms_notification(self, **kwargs):
            sent.append(kwargs["personalisation"]["body"])

    monkeypatch.setattr(delivery, "notify_client", Notify)
    message = queue_message(
        template="test_message", idempotency_key="s-1", channel="sms", to_address="07700900123", link="/x/"
    )
    assert tasks.deliver_message(message.pk) == "sent"
    assert sent == [f"Something happened in the portal. Sign in to see it: {PUBLIC}/x/"]
