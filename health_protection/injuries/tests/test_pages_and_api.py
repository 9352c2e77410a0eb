"""The pages and the API, from the outside: who is let in, in every state of an injury; what each role is shown (the
manager never a result); every read of results written to the access log; the OH home flags a new injury urgent."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from conftest import signed_in_client
from health_protection.injuries.models import InjuryStatus, InoculationInjury
from ohwb_portal.route_policy import ROUTES
from organisations.roles import Role
from organisations.tests.factories import member

from .factories import STAGES, injury_at, people_of

pytestmark = pytest.mark.django_db

INJURY_PEOPLE = {Role.EMPLOYEE, Role.MANAGER, Role.OH_ADMIN, Role.CLINICIAN}
# Strings only the risk assessment, the source patient or a result holds (factories.injury_at writes them).
RESULT_TEXT = ("All clear at six weeks", "Deep puncture", "Bed 4", "Negative", "high-risk")


def _pages(injury):
    test = injury.tests.first()
    pages = [
        ("injuries:detail", {"pk": injury.pk}),
        ("injuries:assess", {"pk": injury.pk}),
        ("injuries:request_source", {"pk": injury.pk}),
        ("injuries:record_source", {"pk": injury.pk}),
        ("injuries:close", {"pk": injury.pk}),
        ("injury-detail", {"pk": injury.pk}),
    ]
    if test:
        pages += [
            ("injuries:book_test", {"pk": injury.pk, "test_pk": test.pk}),
            ("injuries:record_result", {"pk": injury.pk, "test_pk": test.pk}),
        ]
    return pages


def _posts(injury):
    test = injury.tests.first()
    posts = [
        (
            "injury-assess",
            {"pk": injury.pk},
            {"risk": "low", "hep_b_immunity": "immune", "pep_advice": "not_indicated"},
        ),
        ("injury-source-request", {"pk": injury.pk}, {"asked": "Ward"}),
        ("injury-source-status", {"pk": injury.pk}, {"hbv": "negative", "hcv": "negative", "hiv": "negative"}),
        ("injury-close", {"pk": injury.pk}, {}),
        ("injuries:assess", {"pk": injury.pk}, {"risk": "low"}),
        ("injuries:close", {"pk": injury.pk}, {}),
    ]
    if test:
        posts += [
            ("injury-test-booking", {"pk": injury.pk, "test_pk": test.pk}, {"at": "2099-01-01T10:00:00Z"}),
            ("injury-test-results", {"pk": injury.pk, "test_pk": test.pk}, {"hbv": "negative"}),
        ]
    return posts


@pytest.mark.parametrize("stage", STAGES)
def test_everyone_else_and_every_other_organisation_is_refused_in_every_state(world, stage):
    """The board, an IG lead, a recruiter, procurement, a supplier, the framework admin (and any role added later, such
    as the vaccinator) never reach an injury; trust B's people and its OH service get 404 on trust A's."""
    injury = injury_at(people_of(world), stage)
    assert injury.status == {"reported": "reported", "closed": "closed"}.get(stage, "follow_up")
    outsiders = {role: member(role, world.trust_a) for role in Role.values if role not in INJURY_PEOPLE}
    outsiders[Role.SUPPLIER] = member(Role.SUPPLIER, world.supplier)
    outsiders[Role.FRAMEWORK_ADMIN] = member(Role.FRAMEWORK_ADMIN, world.framework_operator)
    outsiders["board of the ICS"] = member(Role.BOARD, world.ics)
    other = people_of(world, "other")
    other_side = {
        "other manager": other.manager,
        "other employee": other.employee_user,
        "other OH admin": other.oh_admin,
        "other clinician": other.clinician,
        "another manager of trust A": member(Role.MANAGER, world.trust_a),
    }
    wrong = []

    def expected(who: str, user, name: str) -> set[int]:
        policy = ROUTES[name]
        if policy.kind == "roles" and user.active_membership.role not in policy.roles:
            return {403}  # refused before any lookup
        return {404} if who in other_side else {403, 404}

    for who, user in {**outsiders, **other_side}.items():
        client = signed_in_client(user)
        for name, kwargs in _pages(injury):
            status = client.get(reverse(name, kwargs=kwargs)).status_code
            if status not in expected(who, user, name):
                wrong.append(f"{who} GET {name}: {status}")
        for name, kwargs, body in _posts(injury):
            url = reverse(name, kwargs=kwargs)
            status = (
                client.post(url, body, content_type="application/json") if "/api/" in url else client.post(url, body)
            ).status_code
            if status not in expected(who, user, name):
                wrong.append(f"{who} POST {name}: {status}")
        listed = client.get("/api/v1/injuries/")
        if listed.status_code == 200 and listed.json()["count"]:
            wrong.append(f"{who} lists injuries")
    assert wrong == []
    injury.refresh_from_db()
    assert injury.status == {"reported": "reported", "closed": "closed"}.get(stage, "follow_up")  # nothing changed


def test_the_manager_is_told_of_the_incident_and_the_plan_never_of_results(world, people):
    injury = injury_at(people, "resulted")
    manager = signed_in_client(people.manager)
    page = manager.get(reverse("injuries:detail", args=[injury.pk])).content.decode()
    assert "Needle slipped while resheathing" in page and "Ward 7, treatment room" in page
    assert "RIDDOR reportable" in page and "6 weeks" in page and "24 weeks" in page
    for text in RESULT_TEXT:
        assert text not in page, text
    payload = manager.get(f"/api/v1/injuries/{injury.pk}/").json()
    assert set(payload) == {
        "id",
        "reference",
        "employee",
        "organisation",
        "status",
        "kind",
        "occurred_at",
        "reported_at",
        "reported_via",
        "location",
        "how_it_happened",
        "riddor_reportable",
        "closed_at",
        "tests",
        "allowed_actions",
    }
    assert [set(t) for t in payload["tests"]] == [{"id", "week", "due_on", "status", "booked_for"}] * 3
    assert payload["allowed_actions"] == []
    assert not AccessLogEntry.objects.exists()  # nothing clinical was read


def test_the_oh_administrator_books_and_chases_without_seeing_results(world, people):
    injury = injury_at(people, "resulted")
    admin = signed_in_client(people.oh_admin)
    page = admin.get(reverse("injuries:detail", args=[injury.pk])).content.decode()
    for text in RESULT_TEXT:
        assert text not in page, text
    assert "Book<span" in page  # the 12- and 24-week tests are still to book
    payload = admin.get(f"/api/v1/injuries/{injury.pk}/").json()
    assert "risk" not in payload and "hbv_result" not in payload["tests"][0]
    assert payload["allowed_actions"] == ["request_source", "book_test"]
    assert not AccessLogEntry.objects.exists()


def test_every_read_of_results_is_logged_once(world, people):
    injury = injury_at(people, "resulted")
    clinician = signed_in_client(people.clinician)
    page = clinician.get(reverse("injuries:detail", args=[injury.pk])).content.decode()
    assert all(text in page for text in ("All clear at six weeks", "Deep puncture", "Bed 4"))
    listed = clinician.get("/api/v1/injuries/").json()
    assert listed["results"][0]["tests"][0]["result_notes"] == "All clear at six weeks"
    rows = list(AccessLogEntry.objects.order_by("pk"))
    assert [(r.object_type, r.object_id, r.role, r.case_reference) for r in rows] == [
        ("injuries.inoculationinjury", str(injury.pk), "clinician", injury.reference),
        ("injuries.inoculationinjury", str(injury.pk), "clinician", injury.reference),
    ]
    assert rows[0].employee_id == people.employee.pk and rows[0].oh_service_id == world.oh_service.pk


def test_the_member_of_staff_sees_their_own_results_but_not_the_source_patients(world, people):
    injury = injury_at(people, "resulted")
    employee = signed_in_client(people.employee_user)
    page = employee.get(reverse("injuries:detail", args=[injury.pk])).content.decode()
    assert "All clear at six weeks" in page and "Advised and started" in page
    assert "Bed 4" not in page and "Deep puncture" not in page
    payload = employee.get(f"/api/v1/injuries/{injury.pk}/").json()
    assert "source_hbv" not in payload and "assessment_notes" not in payload
    assert AccessLogEntry.objects.filter(role="employee", object_id=str(injury.pk)).count() == 2


def test_a_member_of_staff_reports_through_the_page_and_oh_home_flags_it_urgent_first(world, people):
    employee = signed_in_client(people.employee_user)
    form = employee.get(reverse("injuries:report")).content.decode()
    assert "Act now, do not wait" in form
    when = timezone.localtime() - timedelta(minutes=10)
    response = employee.post(
        reverse("injuries:report"),
        {
            "kind": "sharps",
            "date_0": when.day,
            "date_1": when.month,
            "date_2": when.year,
            "time": f"{when:%H:%M}",
            "location": "Ward 7",
            "how_it_happened": "Needle slipped",
            "first_aid_given": "yes",
            "source_known": "no",
        },
    )
    injury = InoculationInjury.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("injuries:detail", args=[injury.pk])
    assert injury.status == InjuryStatus.REPORTED and injury.employee == people.employee
    home = signed_in_client(people.clinician).get("/").content.decode()
    waiting = home.split("Waiting for you")[1].split("Your work")[0]
    first = waiting.split("<li>")[1]
    assert "1 inoculation injury waiting for its risk assessment" in first and "Urgent" in first
    queue = signed_in_client(people.clinician).get(reverse("injuries:list")).content.decode()
    assert injury.reference in queue and "Urgent" in queue


def test_a_report_in_the_future_is_refused_on_the_page(people):
    later = timezone.localtime() + timedelta(days=1)
    response = signed_in_client(people.employee_user).post(
        reverse("injuries:report"),
        {
            "kind": "bite",
            "date_0": later.day,
            "date_1": later.month,
            "date_2": later.year,
            "time": "10:00",
            "location": "Ward",
            "how_it_happened": "Bitten",
            "first_aid_given": "yes",
            "source_known": "no",
        },
    )
    assert response.status_code == 200 and "must be in the past" in response.content.decode()
    assert not InoculationInjury.objects.exists()


def test_the_api_takes_an_injury_through_its_pathway(world, people):
    clinician, admin = signed_in_client(people.clinician), signed_in_client(people.oh_admin)
    created = signed_in_client(people.employee_user).post(
        "/api/v1/injuries/",
        {
            "kind": "splash",
            "occurred_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            "location": "Theatre 2",
            "how_it_happened": "Splash to the eye",
            "source_known": True,
            "source_details": "Theatre list, patient 3",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assessed = clinician.post(
        f"/api/v1/injuries/{pk}/assess/",
        {"risk": "high", "hep_b_immunity": "immune", "pep_advice": "started", "riddor_reportable": True},
        content_type="application/json",
    )
    assert assessed.status_code == 200 and assessed.json()["status"] == "follow_up"
    again = clinician.post(
        f"/api/v1/injuries/{pk}/assess/",
        {"risk": "high", "hep_b_immunity": "immune", "pep_advice": "started", "riddor_reportable": True},
        content_type="application/json",
    )
    assert again.status_code == 409 and "already been risk assessed" in again.json()["detail"]
    test_pk = assessed.json()["tests"][0]["id"]
    booked = admin.post(
        f"/api/v1/injuries/{pk}/tests/{test_pk}/booking/",
        {"at": (timezone.now() + timedelta(days=3)).isoformat()},
        content_type="application/json",
    )
    assert booked.status_code == 200 and booked.json()["tests"][0]["status"] == "booked"
    resulted = clinician.post(
        f"/api/v1/injuries/{pk}/tests/{test_pk}/results/",
        {"hbv": "negative", "hcv": "negative", "hiv": "negative"},
        content_type="application/json",
    )
    assert resulted.status_code == 200 and resulted.json()["tests"][0]["hiv_result"] == "negative"
    closed = clinician.post(f"/api/v1/injuries/{pk}/close/", content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    # The answers to the clinician's own writes are not reads: nothing logged.
    assert not AccessLogEntry.objects.exists()


def test_the_header_offers_the_injury_pages_and_form_pages_lead_back_to_the_injury(world, people):
    from ohwb_portal.tests.test_navigation import nav_links

    injury = injury_at(people)
    employee = [label for label, _ in nav_links(signed_in_client(people.employee_user).get("/").content.decode())]
    assert "Report an injury" in employee and "Injuries" in employee
    clinician_client = signed_in_client(people.clinician)
    clinician = [label for label, _ in nav_links(clinician_client.get("/").content.decode())]
    assert "Injuries" in clinician and "Report an injury" not in clinician
    board = [
        label for label, _ in nav_links(signed_in_client(member(Role.BOARD, world.trust_a)).get("/").content.decode())
    ]
    assert "Injuries" not in board
    page = clinician_client.get(reverse("injuries:assess", args=[injury.pk])).content.decode()
    assert f'<a class="nhsuk-back-link" href="/injuries/{injury.pk}/">Back to the injury</a>' in page
    page = clinician_client.get(reverse("injuries:detail", args=[injury.pk])).content.decode()
    assert '<a class="nhsuk-back-link" href="/injuries/">Back to injuries</a>' in page
