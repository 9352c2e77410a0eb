"""The service fills in and submits; procurement sees the levels beside accreditation; boards see them over time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning.maturity import presenters, selectors
from commissioning.maturity.models import Domain, MaturityAssessment, Status
from conftest import signed_in_client
from organisations.roles import OrganisationKind, Role
from organisations.tests.factories import OrganisationFactory, member
from suppliers.tests.conftest import Dps

from .factories import assessment_by, pdf

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_oh_administrator_fills_in_and_submits_an_assessment_with_a_document(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = signed_in_client(member(Role.OH_ADMIN, world.oh_service))
    assert "Start a new assessment" in text(client.get(reverse("maturity:list")))
    started = client.post(reverse("maturity:start"))
    draft = MaturityAssessment.objects.get()
    assert started["Location"] == reverse("maturity:detail", args=[draft.pk])

    refused = client.post(reverse("maturity:submit", args=[draft.pk]), follow=True)
    assert "Choose a level for every domain before you submit" in text(refused)

    for domain in Domain.values:
        answer = {"level": "enhanced", "evidence": f"Our evidence on {domain}"}
        if domain == Domain.QUALITY:
            answer["documents"] = pdf("seqohs-report.pdf")
        saved = client.post(reverse("maturity:edit_domain", args=[draft.pk, domain]), answer)
        assert saved.status_code == 302, text(saved)
    page = text(client.post(reverse("maturity:submit", args=[draft.pk]), follow=True))
    assert "Assessment submitted" in page and "seqohs-report.pdf" in page
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    # Submitted: no change links, no submit button; a form for it answers with the reason.
    assert "Submit assessment" not in page and "Change" not in page
    again = client.get(reverse("maturity:edit_domain", args=[draft.pk, "data"]), follow=True)
    assert "can no longer be changed" in text(again)

    document = draft.ratings.get(domain=Domain.QUALITY).files.get()
    download = client.get(reverse("maturity:evidence_file", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_client_comments_and_the_service_reads_it(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    oh_admin = member(Role.OH_ADMIN, world.oh_service)
    submitted = assessment_by(oh_admin, "submitted")
    board = signed_in_client(member(Role.BOARD, world.trust_a))
    empty = board.post(reverse("maturity:comment", args=[submitted.pk]), {"text": ""})
    assert empty.status_code == 400 and "Enter your comment" in text(empty)
    board.post(reverse("maturity:comment", args=[submitted.pk]), {"text": "Please share the audit"})
    page = text(signed_in_client(oh_admin).get(reverse("maturity:detail", args=[submitted.pk])))
    assert "Please share the audit" in page and "Trust A" in page


def test_the_board_sees_its_service_levels_over_time(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    oh_admin = member(Role.OH_ADMIN, world.oh_service)
    assessment_by(oh_admin, "submitted", level="core")
    assessment_by(oh_admin, "submitted", level="transformative")
    board = signed_in_client(member(Role.BOARD, world.trust_a))
    listing = text(board.get(reverse("maturity:list")))
    assert "Trust A Occupational Health" in listing and "Other OH" not in listing
    page = board.get(reverse("maturity:history", args=[world.oh_service.pk]))
    rows = presenters.level_rows(page.context["assessments"])
    assert [row.levels for row in rows] == [["Core", "Transformative"]] * len(Domain.values)
    assert re.search(r"Leadership, governance and culture [\d\w ]*Core [\d\w ]*Transformative", text(page))
    assert board.get(reverse("maturity:history", args=[world.other_oh_service.pk])).status_code == 404


def test_the_annual_report_shows_each_serving_service_over_time(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    assessment_by(member(Role.OH_ADMIN, world.oh_service), "submitted", level="core")
    assessment_by(member(Role.OH_ADMIN, world.other_oh_service), "submitted", level="exemplary")
    for_trust_a = selectors.report_history(world.trust_a)
    assert [(service.name, len(made)) for service, made in for_trust_a] == [("Trust A Occupational Health", 1)]
    for_ics = selectors.report_history(world.ics)
    assert [service.name for service, _ in for_ics] == ["Other OH", "Trust A Occupational Health"]
    for_service = presenters.report_sections(selectors.report_history(world.oh_service))
    assert for_service[0].rows[0].levels == ["Core"]


@pytest.fixture
def dps(world):  # type: ignore[no-untyped-def]
    return Dps(world)


def test_procurement_sees_the_current_levels_beside_accreditation_in_the_directory_and_comparison(
    dps, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    supplier = member(Role.SUPPLIER, dps.world.supplier)
    assessment_by(supplier, "submitted", level="core")
    assessment_by(supplier, "submitted", level="exemplary")
    assessment_by(supplier, "draft", level="transformative")  # a draft is nobody else's business
    client = signed_in_client(dps.procurement)
    directory = text(client.get(reverse("suppliers:directory")))
    assert "Leadership, governance and culture: Exemplary" in directory
    assert "Transformative" not in directory and ": Core" not in directory
    assert "No maturity assessment submitted" in directory  # Beta has none
    compare = text(client.get(reverse("suppliers:compare"), {"supplier": [dps.acme.pk, dps.beta.pk]}))
    assert "Service maturity" in compare and "Data, insight and digital: Exemplary" in compare


def test_the_directory_reads_the_levels_in_a_fixed_number_of_queries(
    dps, settings, tmp_path, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = str(tmp_path)
    client = signed_in_client(dps.procurement)
    assessment_by(member(Role.SUPPLIER, dps.world.supplier), "submitted")
    client.get(reverse("suppliers:directory"))  # session and caches warm
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("suppliers:directory"))
    for n in range(6):
        organisation = OrganisationFactory(name=f"Supplier {n}", kind=OrganisationKind.SUPPLIER)
        dps.supplier(
            organisation,
            f"Supplier {n} Ltd",
            timezone.localdate() + timedelta(days=100),
            regions=["london"],
            lots=["vaccination"],
            modes="video",
            price="99.00",
        )
        assessment_by(member(Role.SUPPLIER, organisation), "superseded")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("suppliers:directory"))
    assert text(page).count("Self-assessed") == 7
