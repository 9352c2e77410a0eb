"""A saved clinical note cannot be changed, even by code that skips the services (PRODUCT.md section 8):
refused by the model (save, queryset update, bulk_update) and by the database (a trigger on UPDATE).
Addenda remain the way to add; DELETE stays possible for the retention sweep."""

import pytest
from django.db import DatabaseError, connection, transaction

from referrals import services
from referrals.models import ClinicalNote

try:
    from referrals.models import NoteLocked
except ImportError:  # before the lock existed
    NoteLocked = Exception

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["note", "addendum", "note_with_addendum"])
def note(request, case):
    """A note in each of its states."""
    case.accept()
    first = services.add_clinical_note(referral=case.referral, author=case.clinician, text="Original text")
    if request.param == "note":
        return first
    addendum = services.add_clinical_note(
        referral=case.referral, author=case.clinician, text="Original text", addendum_to=first
    )
    return addendum if request.param == "addendum" else first


def test_orm_save_of_a_saved_note_is_refused(note):
    note.text = "Changed"
    with pytest.raises(NoteLocked, match="add an addendum"):
        note.save()
    assert ClinicalNote.objects.get(pk=note.pk).text == "Original text"


def test_queryset_update_and_bulk_update_are_refused(note):
    with pytest.raises(NoteLocked):
        ClinicalNote.objects.filter(pk=note.pk).update(text="Changed")
    note.text = "Changed"
    with pytest.raises(NoteLocked):
        ClinicalNote.objects.bulk_update([note], ["text"])
    assert ClinicalNote.objects.get(pk=note.pk).text == "Original text"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("column", ["text", "author_id", "addendum_to_id", "created_at"])
def test_raw_sql_update_is_refused_by_the_database(note, column):
    value = {"text": "'Changed'", "author_id": "author_id", "addendum_to_id": "NULL", "created_at": "now()"}[column]
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), connection.cursor() as cursor:
        # Safe: column names come from the test's own table, never from input.
        cursor.execute(f"UPDATE referrals_clinicalnote SET {column} = {value} WHERE id = %s", [note.pk])  # noqa: S608  # nosec B608
    assert ClinicalNote.objects.get(pk=note.pk).text == "Original text"


def test_addenda_are_the_way_to_add(case):
    case.accept()
    first = services.add_clinical_note(referral=case.referral, author=case.clinician, text="Seen today")
    services.add_clinical_note(referral=case.referral, author=case.clinician, text="Correction", addendum_to=first)
    assert [n.text for n in case.referral.notes.all()] == ["Seen today", "Correction"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_delete_stays_possible_and_the_retention_path_updates_only_inside_itself(case):
    case.accept()
    first = services.add_clinical_note(referral=case.referral, author=case.clinician, text="Seen today")
    second = services.add_clinical_note(referral=case.referral, author=case.clinician, text="x", addendum_to=first)
    with transaction.atomic():
        assert ClinicalNote.objects.filter(pk=second.pk).retention_update(addendum_to=None) == 1
        # The unlock ends with the statement: the same transaction is locked again afterwards.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE referrals_clinicalnote SET text = 'Changed' WHERE id = %s", [first.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM referrals_clinicalnote WHERE id = %s", [second.pk])
    ClinicalNote.objects.filter(pk=first.pk).delete()
    assert not ClinicalNote.objects.exists()
