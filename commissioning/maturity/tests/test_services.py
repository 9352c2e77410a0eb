from __future__ import annotations

import os
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from commissioning.maturity import services
from commissioning.maturity.models import Domain, DomainRating, EvidenceFile, MaturityAssessment, Status
from commissioning.maturity.rules import MaturityRefused
from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import member

from .factories import PDF, assessment_by, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def oh_admin(world, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    return member(Role.OH_ADMIN, world.oh_service)


def stored_files(root: str) -> list[str]:
    return [name for _, _, names in os.walk(root) for name in names]


def test_a_new_submission_supersedes_the_current_one_and_is_dated(oh_admin):
    first = assessment_by(oh_admin, "submitted", level="core")
    second = assessment_by(oh_admin, "submitted", level="enhanced")
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED and first.superseded_by == second
    assert second.status == Status.SUBMITTED and second.submitted_at and second.submitted_by == oh_admin
    assert list(MaturityAssessment.objects.submitted().values_list("pk", flat=True)) == [second.pk]


def test_a_new_draft_starts_from_the_last_submitted_levels_and_a_second_start_continues_it(oh_admin):
    assessment_by(oh_admin, "submitted", level="transformative")
    draft = services.start_assessment(by=oh_admin)
    assert set(draft.ratings.values_list("level", flat=True)) == {"transformative"}
    assert services.start_assessment(by=oh_admin) == draft


def test_submitting_with_a_domain_not_rated_is_refused_and_names_it(oh_admin):
    draft = assessment_by(oh_admin, "draft")
    with pytest.raises(MaturityRefused, match=Domain.PARTNERSHIP.label):
        services.submit(assessment=draft, by=oh_admin)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_submitted_assessment_cannot_be_changed_even_by_code_that_skips_the_services(oh_admin):
    submitted = assessment_by(oh_admin, "submitted")
    submitted.status = Status.DRAFT
    with pytest.raises(ValueError, match="cannot be changed"):
        submitted.save()
    rating = DomainRating.objects.filter(assessment=submitted).first()
    assert rating is not None
    rating.level = "exemplary"
    with pytest.raises(ValueError, match="cannot be changed"):
        rating.save()
    with pytest.raises(MaturityRefused):
        services.rate_domain(assessment=submitted, by=oh_admin, domain="data", level="core", evidence="")


def test_only_an_oh_administrator_or_a_supplier_starts_an_assessment(world):
    for role, home in [(Role.CLINICIAN, world.oh_service), (Role.BOARD, world.trust_a)]:
        with pytest.raises(PermissionDenied):
            services.start_assessment(by=member(role, home))
    assert not MaturityAssessment.objects.exists()


def test_a_file_that_is_not_a_document_is_refused_with_nothing_saved(oh_admin, tmp_path):
    draft = assessment_by(oh_admin, "draft")
    client = signed_in_client(oh_admin)
    program = ContentFile(b"MZ\x90\x00" + b"\x00" * 100, name="evidence.pdf")
    response = client.post(
        reverse("maturity:edit_domain", args=[draft.pk, "data"]),
        {"level": "exemplary", "evidence": "New", "documents": program},
    )
    assert response.status_code == 400
    assert "must be a PDF, Word document (DOCX), PNG or JPEG" in response.content.decode()
    assert draft.ratings.get(domain="data").level == "core"
    assert not EvidenceFile.objects.exists() and stored_files(str(tmp_path)) == []


def test_a_disk_that_fails_part_way_leaves_no_file_and_no_change(oh_admin, tmp_path):
    draft = assessment_by(oh_admin, "draft")
    client = signed_in_client(oh_admin)
    real_save = FileSystemStorage._save  # under the portal's storage, which cleans up after a failed write
    calls = []

    def second_write_fails(self, name, content):  # type: ignore[no-untyped-def]
        calls.append(name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_save(self, name, content)

    with mock.patch.object(FileSystemStorage, "_save", second_write_fails):
        response = client.post(
            reverse("maturity:edit_domain", args=[draft.pk, "data"]),
            {"level": "exemplary", "evidence": "New", "documents": [pdf("a.pdf"), pdf("b.pdf")]},
        )
    assert response.status_code == 400
    assert "could not store your file" in response.content.decode()
    assert draft.ratings.get(domain="data").level == "core"
    assert not EvidenceFile.objects.exists() and stored_files(str(tmp_path)) == []


def test_more_files_than_a_domain_takes_are_refused(oh_admin, tmp_path):
    draft = assessment_by(oh_admin, "draft")
    uploads = [(ContentFile(PDF, name=f"{n}.pdf"), "application/pdf") for n in range(6)]
    with pytest.raises(MaturityRefused, match="up to 5 evidence files"):
        services.rate_domain(assessment=draft, by=oh_admin, domain="data", level="core", evidence="", uploads=uploads)
    assert stored_files(str(tmp_path)) == []
