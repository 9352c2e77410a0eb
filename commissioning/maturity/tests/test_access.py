"""Who sees and does what, for every role and every state (draft, submitted, superseded): the pages, the API and
`allowed_actions` agree. Another organisation's assessment is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commissioning.maturity.models import MaturityAssessment
from commissioning.maturity.rules import Action, allowed_actions
from conftest import ROLE_HOME, signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member

from .factories import assessment_by

pytestmark = pytest.mark.django_db

R = Role
STATES = ["draft", "submitted", "superseded"]
SERVICE_PEOPLE = {R.OH_ADMIN, R.CLINICIAN}
CLIENTS_AND_FRAMEWORK = {R.BOARD, R.PROCUREMENT, R.FRAMEWORK_ADMIN}

# Who reads the test OH service's assessment in each state (its clients are trust A's board and procurement).
READERS = {
    "draft": SERVICE_PEOPLE,
    "submitted": SERVICE_PEOPLE | CLIENTS_AND_FRAMEWORK,
    "superseded": SERVICE_PEOPLE | CLIENTS_AND_FRAMEWORK,
}
# What each role may do in each state; every role and state not listed may do nothing.
ACTIONS = {
    ("draft", R.OH_ADMIN): {Action.EDIT, Action.SUBMIT},
    ("submitted", R.BOARD): {Action.COMMENT},
    ("submitted", R.PROCUREMENT): {Action.COMMENT},
    ("submitted", R.FRAMEWORK_ADMIN): {Action.COMMENT},
}


@pytest.fixture(params=STATES)
def state(request):  # type: ignore[no-untyped-def]
    return request.param


@pytest.fixture
def own(world, state, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    return assessment_by(member(R.OH_ADMIN, world.oh_service), state, with_file=True)


@pytest.fixture
def other(world, state):  # type: ignore[no-untyped-def]
    """The same state, for the OH service serving trust B: nobody here is its client."""
    return assessment_by(member(R.OH_ADMIN, world.other_oh_service), state)


@pytest.mark.parametrize("role", Role.values)
def test_every_role_sees_and_does_what_the_table_says(world, state, own, other, role):
    user = member(role, getattr(world, ROLE_HOME[role]))
    client = signed_in_client(user)
    seen = MaturityAssessment.objects.visible_to(user)
    reads = role in READERS[state]

    assert seen.filter(pk=own.pk).exists() is reads
    page = client.get(reverse("maturity:detail", args=[own.pk]))
    assert page.status_code == (200 if reads else 403 if role not in READERS["submitted"] | {R.SUPPLIER} else 404)
    api = client.get(reverse("maturity-assessment-detail", args=[own.pk]))
    assert api.status_code == (200 if reads else 404)
    if reads:
        assert allowed_actions(user, own) == ACTIONS.get((state, role), set())
        assert page.context["actions"] == {a.value for a in ACTIONS.get((state, role), set())}

    # Another organisation's: 404 for everyone the page lets in, except a framework admin on a submitted one.
    framework_sees = role == R.FRAMEWORK_ADMIN and state != "draft"
    assert seen.filter(pk=other.pk).exists() is framework_sees
    other_api = client.get(reverse("maturity-assessment-detail", args=[other.pk]))
    assert other_api.status_code == (200 if framework_sees else 404)


@pytest.mark.parametrize("role", Role.values)
def test_only_the_service_changes_its_draft_and_nothing_changes_a_submitted_one(world, state, own, role):
    client = signed_in_client(member(role, getattr(world, ROLE_HOME[role])))
    before = list(own.ratings.values_list("level", "evidence"))
    response = client.post(
        reverse("maturity:edit_domain", args=[own.pk, "leadership"]), {"level": "exemplary", "evidence": "Changed"}
    )
    submit = client.post(reverse("maturity:submit", args=[own.pk]))
    may_edit = (state, role) == ("draft", R.OH_ADMIN)
    if may_edit:
        assert response.status_code == 302
        assert own.ratings.get(domain="leadership").level == "exemplary"
        return
    assert response.status_code in (302, 403, 404)  # 302: back to the page, with the reason
    assert submit.status_code in (302, 403, 404)
    own.refresh_from_db()
    assert own.status == state
    assert list(own.ratings.values_list("level", "evidence")) == before


@pytest.mark.parametrize("role", Role.values)
def test_only_clients_and_framework_admins_comment_and_only_on_the_current_assessment(world, state, own, role):
    client = signed_in_client(member(role, getattr(world, ROLE_HOME[role])))
    response = client.post(reverse("maturity:comment", args=[own.pk]), {"text": "Good progress"})
    if (state, role) in ACTIONS and Action.COMMENT in ACTIONS[(state, role)]:
        assert response.status_code == 302
        assert own.comments.get().text == "Good progress"
    else:  # 400: the page again, with the reason on the form
        assert response.status_code in (400, 403, 404)
        assert not own.comments.exists()


def test_a_supplier_reads_its_own_assessment_and_not_an_oh_services(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    supplier = member(R.SUPPLIER, world.supplier)
    mine = assessment_by(supplier, "draft")
    theirs = assessment_by(member(R.OH_ADMIN, world.oh_service), "submitted")
    client = signed_in_client(supplier)
    assert client.get(reverse("maturity:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("maturity:detail", args=[theirs.pk])).status_code == 404
