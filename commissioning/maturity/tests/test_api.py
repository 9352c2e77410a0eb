"""The API: list and retrieve (scoped), create a draft with its levels, submit; refusals as 409."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commissioning.maturity.models import Domain, MaturityAssessment
from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member

from .factories import assessment_by

pytestmark = pytest.mark.django_db

ALL_CORE = [{"domain": domain, "level": "core", "evidence": f"About {domain}"} for domain in Domain.values]


def test_the_service_creates_and_submits_through_the_api(world):
    client = signed_in_client(member(Role.OH_ADMIN, world.oh_service))
    created = client.post(
        reverse("maturity-assessment-list"), {"ratings": ALL_CORE[:2]}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft" and body["service_name"] == "Trust A Occupational Health"
    assert body["ratings"][0] == {"domain": "leadership", "level": "core", "evidence": "About leadership", "files": []}
    assert body["ratings"][2]["level"] == ""

    incomplete = client.post(reverse("maturity-assessment-submit", args=[body["id"]]))
    assert incomplete.status_code == 409 and "Not rated yet" in incomplete.json()["detail"]

    again = client.post(reverse("maturity-assessment-list"), {"ratings": ALL_CORE}, content_type="application/json")
    assert again.json()["id"] == body["id"]  # the open draft, continued
    submitted = client.post(reverse("maturity-assessment-submit", args=[body["id"]]))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"]

    closed = client.post(reverse("maturity-assessment-submit", args=[body["id"]]))
    assert closed.status_code == 409


def test_a_domain_twice_or_a_level_not_in_the_framework_is_a_400(world):
    client = signed_in_client(member(Role.OH_ADMIN, world.oh_service))
    twice = client.post(
        reverse("maturity-assessment-list"), {"ratings": [ALL_CORE[0], ALL_CORE[0]]}, content_type="application/json"
    )
    assert twice.status_code == 400
    wrong = client.post(
        reverse("maturity-assessment-list"),
        {"ratings": [{"domain": "leadership", "level": "outstanding"}]},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    assert not MaturityAssessment.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role.values if r not in (Role.OH_ADMIN, Role.SUPPLIER)])
def test_other_roles_cannot_create(world, role):
    from conftest import ROLE_HOME

    client = signed_in_client(member(role, getattr(world, ROLE_HOME[role])))
    response = client.post(reverse("maturity-assessment-list"), {"ratings": []}, content_type="application/json")
    assert response.status_code == 403
    assert not MaturityAssessment.objects.exists()


def test_anonymous_gets_nothing(world):
    from django.test import Client

    assert Client().get(reverse("maturity-assessment-list")).status_code in (401, 403)


def test_the_list_is_scoped(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    own = assessment_by(member(Role.OH_ADMIN, world.oh_service), "submitted")
    assessment_by(member(Role.OH_ADMIN, world.other_oh_service), "submitted")
    assessment_by(member(Role.OH_ADMIN, world.oh_service), "draft")
    board = signed_in_client(member(Role.BOARD, world.trust_a))
    listed = board.get(reverse("maturity-assessment-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [own.pk]
