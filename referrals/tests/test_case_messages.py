"""Case messages (PRODUCT.md section 3): the referring manager and the OH service write to each other on a case;
the other side is told through the outbox (never what was written); the employee does not see them; a withdrawn
or closed case keeps its thread, read only."""

import json
import re

import pytest
from django.core import mail

from audit.models import AccessLogEntry
from conftest import accepts, signed_in_client
from notifications.models import Notification, OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import member
from referrals import actions, services
from referrals.models import CaseMessage, Referral, Status
from referrals.tests.test_actions import STATES

pytestmark = pytest.mark.django_db

MESSAGE = "Could the appointment be on a Tuesday? She works nights on Mondays."


def _page(user, referral):
    return signed_in_client(user).get(f"/referrals/{referral.pk}/")


def _post(user, referral, text=MESSAGE):
    return signed_in_client(user).post(f"/referrals/{referral.pk}/messages/", {"text": text})


def _thread(html):
    """The thread's messages as shown: (new?, text) per message, in page order."""
    found = re.findall(r'<li class="nhsuk-card[^"]*" id="message-\d+">(.*?)</li>', html, re.S)
    texts = [re.sub(r"<[^>]+>", "", item.split('nhsuk-card__description">')[1]).strip() for item in found]
    return [("nhsuk-tag--blue" in item, text) for item, text in zip(found, texts, strict=True)]


class TestConversation:
    def test_manager_writes_oh_admin_is_told_and_replies_manager_reads_the_reply(self, case):
        referral = case.referral
        response = _post(case.manager, referral)
        assert response.status_code == 302 and response["Location"].endswith(f"/referrals/{referral.pk}/#case-messages")

        # The OH admin is told there is a message, not what it says: in the e-mail and in the portal.
        notice = OutboxMessage.objects.get(template="referrals_case_message", recipient=case.oh_admin)
        assert referral.reference in notice.context["reference"]
        assert "Tuesday" not in json.dumps(notice.context)
        in_portal = Notification.objects.get(user=case.oh_admin, link=f"/referrals/{referral.pk}/#case-messages")
        assert "Tuesday" not in in_portal.title + in_portal.body and in_portal.read_at is None
        assert f"New message on case {referral.reference}" == in_portal.title
        # The writer is not told of their own message.
        assert not OutboxMessage.objects.filter(template="referrals_case_message", recipient=case.manager).exists()

        html = _page(case.oh_admin, referral).content.decode()
        assert _thread(html) == [(True, MESSAGE)]
        in_portal.refresh_from_db()
        assert in_portal.read_at is not None  # opening the case page read the notice too
        assert _thread(_page(case.oh_admin, referral).content.decode()) == [(False, MESSAGE)]

        assert _post(case.oh_admin, referral, "Tuesday 10am is booked.").status_code == 302
        assert OutboxMessage.objects.filter(template="referrals_case_message", recipient=case.manager).count() == 1
        html = _page(case.manager, referral).content.decode()
        assert _thread(html) == [(False, MESSAGE), (True, "Tuesday 10am is booked.")]  # newest last
        assert "Occupational health" in html and "Do not write clinical details" in html

    def test_no_message_text_goes_out_by_email(self, case, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
        from notifications.tasks import deliver_message

        for message in OutboxMessage.objects.filter(template="referrals_case_message"):
            deliver_message(message.pk)
        assert mail.outbox and all("Tuesday" not in m.subject + m.body for m in mail.outbox)
        assert all(case.referral.reference in m.body for m in mail.outbox)

    def test_clinicians_on_the_case_are_told_other_clinicians_are_not(self, case):
        case.accept().book()
        bystander = member(Role.CLINICIAN, case.world.oh_service)
        services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
        told = set(OutboxMessage.objects.filter(template="referrals_case_message").values_list("recipient", flat=True))
        assert told == {case.oh_admin.pk, case.clinician.pk}
        assert bystander.pk not in told

    def test_an_empty_or_long_message_is_refused_in_the_users_words_and_keeps_what_was_typed(self, case):
        response = _post(case.manager, case.referral, "   ")
        assert response.status_code == 200 and "Write your message before sending it" in response.content.decode()
        response = _post(case.manager, case.referral, "x" * 2001)
        html = response.content.decode()
        assert "Keep the message to 2000 characters or fewer" in html and "x" * 2001 in html
        assert not CaseMessage.objects.exists()


class TestWhoSeesTheThread:
    def test_the_employee_sees_no_messages_on_their_pages_nor_through_the_api(self, case):
        services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
        html = _page(case.employee_user, case.referral).content.decode()
        assert "Tuesday" not in html and "case-messages" not in html
        api = signed_in_client(case.employee_user).get(f"/api/v1/referrals/{case.referral.pk}/messages/")
        assert api.status_code == 403
        assert _post(case.employee_user, case.referral).status_code == 403

    def test_other_organisations_get_404(self, case):
        services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
        strangers = [
            member(Role.MANAGER, case.world.trust_b),
            member(Role.OH_ADMIN, case.world.other_oh_service),
            member(Role.CLINICIAN, case.world.other_oh_service),
            member(Role.MANAGER, case.world.trust_a),  # same trust, not the referrer
        ]
        for user in strangers:
            client = signed_in_client(user)
            assert client.get(f"/referrals/{case.referral.pk}/messages/").status_code == 404
            assert client.post(f"/referrals/{case.referral.pk}/messages/", {"text": "Hello"}).status_code == 404
            assert client.get(f"/api/v1/referrals/{case.referral.pk}/messages/").status_code == 404
            assert (
                client.post(
                    f"/api/v1/referrals/{case.referral.pk}/messages/", {"text": "Hi"}, content_type="application/json"
                ).status_code
                == 404
            )
        assert CaseMessage.objects.count() == 1

    def test_a_self_referral_has_no_thread(self, case):
        referral = services.self_refer(user=case.employee_user, service_line="general_oh", description="Back pain")
        html = _page(case.oh_admin, referral).content.decode()
        assert "case-messages" not in html
        assert _post(case.oh_admin, referral).status_code == 403
        assert not accepts(
            lambda: services.send_case_message(referral=referral, by=case.oh_admin, text="Hi"), actions.TransitionError
        )


def _writers(case):
    return {
        "referring manager": case.manager,
        "another manager": member(Role.MANAGER, case.world.trust_a),
        "employee": case.employee_user,
        "oh_admin": case.oh_admin,
        "clinician": case.clinician,
        "oh_admin elsewhere": member(Role.OH_ADMIN, case.world.other_oh_service),
        "ig_lead": member(Role.IG_LEAD, case.world.trust_a),
    }


SIDES = {"referring manager", "oh_admin", "clinician"}
READ_ONLY = {Status.CLOSED, Status.WITHDRAWN}


@pytest.mark.parametrize("state", list(STATES))
def test_each_role_in_each_state_reads_and_writes_as_the_rule_says(case, state):
    """Every person x every state: the page shows the thread to the two sides only (drafts: the manager's own),
    the form only while the case is open, and the service, the page and the API accept exactly that."""
    STATES[state](case)
    referral = Referral.objects.get(pk=case.referral.pk)
    open_case = referral.status not in READ_ONLY | {Status.DRAFT}
    if open_case:  # a message already on the thread, to read
        services.send_case_message(
            referral=referral, by=case.oh_admin if state != "draft" else case.manager, text="First"
        )
    for who, user in _writers(case).items():
        referral = Referral.objects.get(pk=case.referral.pk)
        may_write = who in SIDES and open_case
        assert ("message" in actions.allowed_actions(user, referral)) == may_write, (state, who)
        call = lambda: services.send_case_message(referral=referral, by=user, text="Hello")  # noqa: B023, E731
        assert accepts(call, actions.TransitionError) == may_write, (state, who)
        page = _page(user, referral)
        if page.status_code == 404:
            assert who not in SIDES or referral.status == Status.DRAFT, (state, who)
            continue
        html = page.content.decode()
        reads = who in SIDES
        assert ('id="case-messages"' in html) == reads, (state, who)
        assert (f'action="/referrals/{referral.pk}/messages/"' in html) == may_write, (state, who)
        if reads and not may_write:
            assert 'id="messages-read-only"' in html
        before = CaseMessage.objects.count()
        posted = _post(user, referral, "Hello by hand")
        assert (CaseMessage.objects.count() == before + 1) == may_write, (state, who, posted.status_code)
        api = signed_in_client(user).post(
            f"/api/v1/referrals/{referral.pk}/messages/", {"text": "Hello API"}, content_type="application/json"
        )
        assert api.status_code == (201 if may_write else 409 if reads else 403), (state, who, api.status_code)


@pytest.mark.parametrize("state", ["closed", "withdrawn"])
def test_a_closed_or_withdrawn_case_keeps_its_thread_read_only(case, state):
    services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
    STATES[state](case)
    for user in (case.manager, case.oh_admin):
        html = _page(user, case.referral).content.decode()
        assert MESSAGE in html.replace("&#x27;", "'") and 'id="messages-read-only"' in html
        response = _post(user, case.referral, "One more thing")
        assert response.status_code == 200 and "no new messages can be sent" in response.content.decode()
        api = signed_in_client(user).post(
            f"/api/v1/referrals/{case.referral.pk}/messages/", {"text": "Hi"}, content_type="application/json"
        )
        assert api.status_code == 409 and "no new messages can be sent" in api.json()["detail"]
    assert CaseMessage.objects.count() == 1


def test_api_lists_the_thread_oldest_first_with_unread(case):
    services.send_case_message(referral=case.referral, by=case.manager, text="One")
    services.send_case_message(referral=case.referral, by=case.oh_admin, text="Two")
    answer = signed_in_client(case.manager).get(f"/api/v1/referrals/{case.referral.pk}/messages/")
    assert answer.status_code == 200
    body = answer.json()
    assert [(m["text"], m["side"], m["unread"], m["author_name"]) for m in body] == [
        ("One", "manager", False, case.manager.display_name),
        ("Two", "oh_service", True, case.oh_admin.display_name),
    ]
    created = signed_in_client(case.manager).post(
        f"/api/v1/referrals/{case.referral.pk}/messages/", {"text": "Three"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["text"] == "Three" and created.json()["side"] == "manager"
    blank = signed_in_client(case.manager).post(
        f"/api/v1/referrals/{case.referral.pk}/messages/", {"text": ""}, content_type="application/json"
    )
    assert blank.status_code == 400 and blank.json() == {"text": ["Write your message before sending it."]}


def test_messages_are_not_clinical_reads(case):
    services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
    before = AccessLogEntry.objects.count()
    signed_in_client(case.oh_admin).get(f"/api/v1/referrals/{case.referral.pk}/messages/")
    assert AccessLogEntry.objects.count() == before


class TestSubjectAccessExport:
    def _export(self, user, employee):
        response = signed_in_client(user).post("/audit/subject-access/", {"employee": employee.pk, "format": "json"})
        assert response.status_code == 200
        return json.loads(response.content)

    def test_both_sides_exports_hold_the_messages(self, case):
        services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
        services.send_case_message(referral=case.referral, by=case.oh_admin, text="Booked for Tuesday.")
        for ig_lead in (member(Role.IG_LEAD, case.world.trust_a), member(Role.IG_LEAD, case.world.oh_service)):
            document = self._export(ig_lead, case.employee)
            rows = document["case_messages"]
            assert [(r["Case"], r["Message"]) for r in rows] == [
                (case.referral.reference, MESSAGE),
                (case.referral.reference, "Booked for Tuesday."),
            ]
            assert rows[0]["From"].endswith("(Referring manager)") and rows[1]["From"].endswith("(Occupational health)")

    def test_the_html_export_shows_them(self, case):
        services.send_case_message(referral=case.referral, by=case.manager, text=MESSAGE)
        response = signed_in_client(member(Role.IG_LEAD, case.world.trust_a)).post(
            "/audit/subject-access/", {"employee": case.employee.pk, "format": "html"}
        )
        html = response.content.decode()
        assert "Messages between the manager and occupational health" in html and "Tuesday" in html
