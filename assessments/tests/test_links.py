"""The recruiter (or the OH service's administrator) extends a candidate's link or sends a new one, and sees when
it expires; both are refused once the questionnaire is answered or the check closed. The recruiter's list finds
checks by name or reference, status, and sorts them."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentStatus, QuestionnaireLink
from conftest import clear_this_runs_cache, signed_in_client
from notifications.messages import render_message
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import member

from .conftest import Check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    clear_this_runs_cache()


def _expiry(check):
    return QuestionnaireLink.objects.get(assessment=check.assessment, revoked_at__isnull=True).expires_at


def _when(at):
    return f"{timezone.localtime(at):%-d %B %Y, %H:%M}"


class TestExtend:
    def test_recruiter_gives_a_week_more_and_sees_the_new_expiry(self, check):
        before = _expiry(check)
        response = signed_in_client(check.recruiter).post(
            f"/assessments/{check.assessment.pk}/link/extend/", follow=True
        )
        after = _expiry(check)
        assert after == before + timedelta(days=7)
        html = response.content.decode()
        assert f"The candidate&#x27;s link now works until {_when(after)}" in html
        assert f"Works until {_when(after)}" in html
        message = OutboxMessage.objects.get(template="assessments_questionnaire_extended")
        assert message.to_address == "sam@example.com"
        body = render_message(message.template, message.context)
        assert f"{after:%d %B %Y}" in body.body and "Theatre nurse" not in body.body + body.subject
        with time_machine.travel(before + timedelta(days=1)):
            assert Client().get(check.url).status_code == 200  # the same link, still working

    def test_an_expired_link_works_again_for_a_week_from_now(self, check):
        with time_machine.travel(timezone.now() + timedelta(days=20), tick=False):
            assert Client().get(check.url).status_code == 410
            services.extend_link(assessment=check.assessment, by=check.recruiter)
            assert _expiry(check) == timezone.now() + timedelta(days=7)
            assert Client().get(check.url).status_code == 200

    def test_not_more_than_four_weeks_ahead(self, check):
        client = signed_in_client(check.recruiter)
        url = f"/assessments/{check.assessment.pk}/link/extend/"
        client.post(url)
        client.post(url)
        at_limit = _expiry(check)
        response = client.post(url, follow=True)
        assert _expiry(check) == at_limit
        assert "A link cannot work for more than 28 days from today." in response.content.decode()
        assert "link/extend/" not in response.content.decode()  # no longer offered

    def test_oh_admin_of_the_service_may_extend(self, check, world):
        oh_admin = member(Role.OH_ADMIN, world.oh_service)
        assert signed_in_client(oh_admin).post(f"/assessments/{check.assessment.pk}/link/extend/").status_code == 302
        assert OutboxMessage.objects.filter(template="assessments_questionnaire_extended").count() == 1


class TestResend:
    def test_new_link_replaces_the_old_and_keeps_saved_answers(self, check):
        services.save_answers(raw_token=check.token, answers=check.answers(conditions="yes"), submit=False)
        response = signed_in_client(check.recruiter).post(
            f"/assessments/{check.assessment.pk}/link/resend/", follow=True
        )
        html = response.content.decode()
        assert "A new link has been sent to sam@example.com. The old link no longer works." in html
        assert Client().get(check.url).status_code == 404
        message = OutboxMessage.objects.filter(template="assessments_questionnaire_link").latest("pk")
        new_url = message.context["link"]
        assert new_url != check.url and message.to_address == "sam@example.com"
        page = Client().get(re.sub(r"^https?://[^/]+", "", new_url))
        assert page.status_code == 200 and b'value="yes" checked' in page.content.replace(b"\n", b"")
        new_expiry = _expiry(check)
        assert f"The new link works until {_when(new_expiry)}" in html


REFUSED_STATES = {
    "answered": lambda c: c.submit(),
    "cleared": lambda c: (c.submit(), services.clear_nothing_declared(assessment=c.assessment, by=c.clinician)),
    "cancelled": lambda c: Assessment.objects.filter(pk=c.assessment.pk).update(status=AssessmentStatus.CANCELLED),
}


@pytest.mark.parametrize("action", ["extend", "resend"])
@pytest.mark.parametrize("state", list(REFUSED_STATES))
def test_refused_once_answered_or_closed_with_the_reason(world, state, action):
    check = Check(world)
    REFUSED_STATES[state](check)
    links = list(QuestionnaireLink.objects.values_list("pk", "expires_at", "revoked_at"))
    messages = OutboxMessage.objects.count()
    response = signed_in_client(check.recruiter).post(f"/assessments/{check.assessment.pk}/link/{action}/", follow=True)
    html = response.content.decode()
    assert "can be sent again or extended only while the check is waiting for the candidate" in html
    assert list(QuestionnaireLink.objects.values_list("pk", "expires_at", "revoked_at")) == links
    assert OutboxMessage.objects.count() == messages
    assert "link/extend/" not in html and "link/resend/" not in html
    assert "Questionnaire link" not in html  # the link no longer matters


@pytest.mark.parametrize("action", ["extend", "resend"])
def test_other_people_are_refused(check, world, action):
    url = f"/assessments/{check.assessment.pk}/link/{action}/"
    assert signed_in_client(member(Role.RECRUITER, world.trust_b)).post(url).status_code == 404
    assert signed_in_client(member(Role.OH_ADMIN, world.other_oh_service)).post(url).status_code == 404
    for role, organisation in [(Role.CLINICIAN, world.oh_service), (Role.MANAGER, world.trust_a)]:
        assert signed_in_client(member(role, organisation)).post(url).status_code == 403
    assert signed_in_client(check.recruiter).get(url).status_code == 405
    assert QuestionnaireLink.objects.get().revoked_at is None
    assert not OutboxMessage.objects.filter(template="assessments_questionnaire_extended").exists()


class TestRecruiterList:
    def _checks(self, world):
        recruiter = member(Role.RECRUITER, world.trust_a)
        made = {}
        for name in ("Sam Jones", "Ann Lee", "Sam Patel"):
            made[name] = services.start_check(
                recruiter=recruiter,
                candidate_name=name,
                candidate_email="c@example.com",
                job_role="Porter",
                exposure_prone=False,
            ).assessment
        return recruiter, made

    def _names(self, response):
        html = response.content.decode()
        return list(re.findall(r'/">([^<]+)</a><br>', html))

    def test_shows_when_each_link_expires_and_expired_plainly(self, world):
        recruiter, made = self._checks(world)
        QuestionnaireLink.objects.filter(assessment=made["Ann Lee"]).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        html = signed_in_client(recruiter).get("/assessments/").content.decode()
        expires = timezone.localtime(QuestionnaireLink.objects.get(assessment=made["Sam Jones"]).expires_at)
        assert f"Expires {expires:%-d %b %Y}" in html
        assert html.count('nhsuk-tag--red">Expired</strong>') == 1

    def test_search_by_name_or_reference(self, world):
        recruiter, made = self._checks(world)
        client = signed_in_client(recruiter)
        assert sorted(self._names(client.get("/assessments/", {"q": "sam"}))) == ["Sam Jones", "Sam Patel"]
        ref = made["Ann Lee"].reference
        assert self._names(client.get("/assessments/", {"q": ref.lower()})) == ["Ann Lee"]
        assert "No checks match your search." in client.get("/assessments/", {"q": "zed"}).content.decode()

    def test_filter_by_status_including_expired_links(self, world):
        recruiter, made = self._checks(world)
        QuestionnaireLink.objects.filter(assessment=made["Ann Lee"]).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        Assessment.objects.filter(pk=made["Sam Patel"].pk).update(status=AssessmentStatus.AWAITING_REVIEW)
        client = signed_in_client(recruiter)
        assert self._names(client.get("/assessments/", {"status": "awaiting_review"})) == ["Sam Patel"]
        assert self._names(client.get("/assessments/", {"status": "link_expired"})) == ["Ann Lee"]

    def test_sorts(self, world):
        recruiter, made = self._checks(world)
        client = signed_in_client(recruiter)
        assert self._names(client.get("/assessments/")) == ["Sam Patel", "Ann Lee", "Sam Jones"]
        assert self._names(client.get("/assessments/", {"sort": "created_at"})) == ["Sam Jones", "Ann Lee", "Sam Patel"]
        assert self._names(client.get("/assessments/", {"sort": "candidate_name"})) == [
            "Ann Lee",
            "Sam Jones",
            "Sam Patel",
        ]
        QuestionnaireLink.objects.filter(assessment=made["Sam Jones"]).update(expires_at=timezone.now())
        assert self._names(client.get("/assessments/", {"sort": "link_expires_at"}))[0] == "Sam Jones"

    def test_pages_keep_the_search(self, world):
        recruiter = member(Role.RECRUITER, world.trust_a)
        for n in range(27):
            services.start_check(
                recruiter=recruiter,
                candidate_name=f"Sam {n}",
                candidate_email="c@example.com",
                job_role="Porter",
                exposure_prone=False,
            )
        html = signed_in_client(recruiter).get("/assessments/", {"q": "sam", "sort": "candidate_name"}).content.decode()
        assert "27 checks found" in html and "?q=sam&amp;sort=candidate_name&amp;page=2" in html

    def test_other_trusts_checks_never_listed(self, world):
        _, made = self._checks(world)
        other = member(Role.RECRUITER, world.trust_b)
        html = signed_in_client(other).get("/assessments/", {"q": made["Ann Lee"].reference}).content.decode()
        assert "Ann Lee" not in html
