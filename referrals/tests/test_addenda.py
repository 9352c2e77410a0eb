"""Addenda to clinical notes: a saved note is never edited; a clinician of the serving service adds an addendum
from the case page, shown under its note with who and when; each view of the clinical part is logged."""

import re

import pytest

from audit.models import AccessLogEntry
from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member
from referrals import services
from referrals.models import ClinicalNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted(case):
    case.accept().book().attend()
    case.note = services.add_clinical_note(referral=case.referral, author=case.clinician, text="Lower back pain")
    return case


def _addendum_url(case, note=None):
    return f"/referrals/{case.referral.pk}/notes/{(note or case.note).pk}/addendum/"


def test_clinician_adds_an_addendum_from_the_case_page(noted):
    client = signed_in_client(noted.clinician)
    page = client.get(f"/referrals/{noted.referral.pk}/").content.decode()
    assert f'href="{_addendum_url(noted)}"' in page and "Add an addendum" in page

    form = client.get(_addendum_url(noted))
    assert form.status_code == 200 and "Lower back pain" in form.content.decode()
    response = client.post(_addendum_url(noted), {"text": "Pain is in the upper back, not the lower."})
    assert response.status_code == 302 and response["Location"].endswith(f"#note-{noted.note.pk}")

    addendum = ClinicalNote.objects.get(addendum_to=noted.note)
    assert addendum.author == noted.clinician and addendum.text == "Pain is in the upper back, not the lower."
    assert ClinicalNote.objects.get(pk=noted.note.pk).text == "Lower back pain"  # the note itself as written
    page = client.get(f"/referrals/{noted.referral.pk}/").content.decode()
    card = re.search(rf'id="note-{noted.note.pk}">(.*?)</div></div>\s*(?:<div class="nhsuk-card"|{{|<)', page, re.S)
    assert card and f'id="addendum-{addendum.pk}"' in card.group(1)
    assert "Pain is in the upper back" in card.group(1) and noted.clinician.display_name in card.group(1)


def test_an_empty_addendum_is_refused_in_the_users_words(noted):
    response = signed_in_client(noted.clinician).post(_addendum_url(noted), {"text": ""})
    assert response.status_code == 200 and "Write the addendum before saving it" in response.content.decode()
    assert not ClinicalNote.objects.filter(addendum_to=noted.note).exists()


def test_every_view_of_the_note_is_logged(noted):
    before = AccessLogEntry.objects.count()
    signed_in_client(noted.clinician).get(_addendum_url(noted))
    row = AccessLogEntry.objects.order_by("-pk").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert row.object_id == str(noted.referral.pk) and row.kind == "clinical_record"


def test_only_clinicians_of_the_serving_service(noted):
    assert signed_in_client(noted.oh_admin).get(_addendum_url(noted)).status_code == 403
    assert signed_in_client(noted.manager).post(_addendum_url(noted), {"text": "x"}).status_code == 403
    elsewhere = signed_in_client(member(Role.CLINICIAN, noted.world.other_oh_service))
    assert elsewhere.get(_addendum_url(noted)).status_code == 404
    assert elsewhere.post(_addendum_url(noted), {"text": "x"}).status_code == 404
    assert (
        "Add an addendum"
        not in signed_in_client(noted.oh_admin).get(f"/referrals/{noted.referral.pk}/").content.decode()
    )
    assert not ClinicalNote.objects.filter(addendum_to=noted.note).exists()


def test_an_addendum_after_the_case_is_closed(noted):
    noted.report().release()
    services.close_case(referral=noted.reload(), by=noted.clinician, outcome="returned_full")
    client = signed_in_client(noted.clinician)
    page = client.get(f"/referrals/{noted.referral.pk}/").content.decode()
    assert "Add an addendum" in page and f'action="/referrals/{noted.referral.pk}/notes/"' not in page
    assert client.post(_addendum_url(noted), {"text": "Late correction"}).status_code == 302
    assert ClinicalNote.objects.filter(addendum_to=noted.note, text="Late correction").exists()


def test_the_page_offers_addenda_on_original_notes_only(noted):
    addendum = services.add_clinical_note(
        referral=noted.referral, author=noted.clinician, text="First correction", addendum_to=noted.note
    )
    client = signed_in_client(noted.clinician)
    assert client.get(_addendum_url(noted, addendum)).status_code == 404  # only original notes have the control
    page = client.get(f"/referrals/{noted.referral.pk}/").content.decode()
    assert page.count("Add an addendum<") == 1


def test_the_api_adds_an_addendum(noted):
    response = signed_in_client(noted.clinician).post(
        f"/api/v1/referrals/{noted.referral.pk}/notes/",
        {"text": "Correction", "addendum_to": noted.note.pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["addendum_to"] == noted.note.pk
