"""Subject access export (PRODUCT.md section 8): everything the portal holds about one employee, for an IG
lead to send on, as one document that the page (printable HTML), the PDF (tagged for assistive technology, as the
board report) and the JSON download all show.

What goes in depends on who holds it:
- an IG lead of the employer gets what the employer holds: the staff record, its management referrals
  (never self-referrals), their history, appointments, documents, the report versions released to the
  manager with the manager's adjustment answers, and pre-employment check outcomes;
- an IG lead of the OH service gets what the OH service holds: its cases with every report version,
  consent decisions, measures, adjustment answers, surveys and questionnaire answers. Clinical note
  content is included only when the exporter is also a clinician of that OH service; otherwise the export
  says how many notes are held and who can release them.
Labels are in words. The export writes a subject-access row and a row per record it shows.

Each domain holding records about staff registers its section (audit.registry, e.g. referrals/records.py) and
builds it with the helpers here, so every section says dates, choices and people the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from organisations.models import Employee
from organisations.roles import OrganisationKind, Role

from .models import AccessKind, AccessLogEntry
from .registry import Exporting, ExportSection, export_sections
from .services import log_access, log_shown

NOT_RECORDED = "Not recorded"
STAFF_FIELDS = [
    "esr_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "staff_group",
    "job_role",
    "email",
    "phone",
    "sex",
    "ethnic_group",
    "disability",
    "age_band",
]


def words(value: Any) -> str:
    if value is None or value == "":
        return NOT_RECORDED
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%-d %B %Y, %H:%M}"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) if value else "None"
    return str(value)


def _field(obj: models.Model, name: str) -> tuple[str, str]:
    """(the field's label, its value in words): choices by their label, never their code."""
    model_field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if getattr(model_field, "choices", None) and value not in (None, ""):
        value = dict(model_field.flatchoices).get(value, value)  # type: ignore[union-attr]
    label = str(getattr(model_field, "verbose_name", name))
    return label[:1].upper() + label[1:], words(value)


def fields_in_words(obj: models.Model, names: list[str]) -> dict[str, str]:
    return dict(_field(obj, name) for name in names)


def person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else NOT_RECORDED


class _Export:
    def __init__(self, *, user: User, employee: Employee) -> None:
        membership = user.active_membership
        assert membership is not None  # the view lets in only an IG lead acting as one
        organisation = membership.organisation
        self.exporting = Exporting(
            user=user,
            employee=employee,
            membership=membership,
            organisation=organisation,
            oh_side=organisation.kind == OrganisationKind.OH_SERVICE,
        )

    def not_included(self, sections: list[ExportSection]) -> list[str]:
        held_elsewhere = (
            [
                "What the employer holds (for example HR records outside this portal): ask the employer's IG lead.",
            ]
            if self.exporting.oh_side
            else [
                "Clinical notes, measures, consent decisions, report versions not released to the manager, "
                "questionnaire answers, surveys and self-referrals are held by the occupational health service: "
                "ask its IG lead.",
            ]
        )
        for section in sections:
            held_elsewhere.extend(section.not_included(self.exporting))
        return held_elsewhere

    # --- the document ----------------------------------------------------------------------------------------------
    def build(self) -> dict[str, Any]:
        exporting = self.exporting
        employee, org = exporting.employee, exporting.organisation
        document: dict[str, Any] = {
            "title": f"Subject access export: {employee.full_name}",
            "export": {
                "Exported by": person(exporting.user),
                "Acting as": f"{exporting.membership.get_role_display()}, {org.name}",
                "Exported at": words(timezone.now()),
            },
            "staff_record": {"Organisation": employee.organisation.name, **fields_in_words(employee, STAFF_FIELDS)},
        }
        sections = export_sections()
        for section in sections:
            document[section.key] = section.build(exporting)
        document["not_included"] = self.not_included(sections)
        log_access(
            user=exporting.user,
            kind=AccessKind.SUBJECT_ACCESS,
            obj=employee,
            reason="Subject access export",
            employee=employee,
            oh_service=org if exporting.oh_side else None,
        )
        log_shown(user=exporting.user, objects=exporting.shown, reason="Subject access export")
        # Who has read the record, this export included.
        views = AccessLogEntry.objects.filter(employee=employee).select_related("user", "organisation")
        document["access_log"] = [
            {
                "When": words(v.at),
                "Who": person(v.user),
                "Role": dict(Role.choices).get(v.role, v.role) or NOT_RECORDED,
                "Organisation": v.organisation.name if v.organisation else NOT_RECORDED,
                "What": v.get_kind_display(),
                "Reason": v.reason,
            }
            for v in views
        ]
        return document


@transaction.atomic
def export_for(*, user: User, employee: Employee) -> dict[str, Any]:
    """The export document; its access-log rows are written in the same transaction."""
    return _Export(user=user, employee=employee).build()


def export_pdf(document: dict[str, Any]) -> bytes:
    """The export document as a PDF tagged for assistive technology (PDF/UA-1, as the board report is): its
    headings, lists and tables are in the PDF's structure tree, so a screen reader can read it as a document."""
    from weasyprint import HTML  # the board report's PDF engine; imported only when asked for

    html = render_to_string("audit/subject_access_pdf.html", {"document": document})
    pdf: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


ENCODER = DjangoJSONEncoder
