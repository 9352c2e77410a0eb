"""What staff immunisation tells audit (audit.registry): how its records are retired when their retention period ends,
and its section of a subject access export. Registered from ImmunisationConfig.ready.

- An immunisation record is kept until the person's 75th birthday (settings.OHWB_RETENTION "immunisation_record",
  counted from the date of birth), then anonymised: its entries, statuses and history go; the empty record stays so
  that the retention log names something.
- A campaign's outcomes are deleted 6 years after the campaign ends ("campaign_vaccination"): the national returns
  were made long before, and the weekly figures are of a season long past.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from audit.registry import Exporting, ExportSection, Retention, register_export_section, register_retention
from audit.subject_access import fields_in_words, person, words

from .models import AntigenStatus, ImmunisationEntry, ImmunisationRecord, Vaccination


def _records_due(cutoff: datetime) -> QuerySet[ImmunisationRecord]:
    return ImmunisationRecord.objects.filter(
        employee__date_of_birth__lt=cutoff.date(), anonymised_at__isnull=True
    ).order_by("pk")


def _retire_record(record: ImmunisationRecord, action: str) -> None:
    ImmunisationEntry.history.filter(record_id=record.pk).delete()
    record.entries.all().delete()
    record.statuses.all().delete()
    record.pre_employment_check = None
    record.anonymised_at = timezone.now()
    record.save(update_fields=["pre_employment_check", "anonymised_at"])
    record.history.all().delete()


def _vaccinations_due(cutoff: datetime) -> QuerySet[Vaccination]:
    return Vaccination.objects.filter(campaign__ends_on__lt=cutoff.date()).order_by("pk")


def _retire_vaccination(vaccination: Vaccination, action: str) -> None:
    vaccination.history.all().delete()
    vaccination.delete()


ENTRY_FIELDS = ["antigen", "kind", "on", "antibody_level", "screening_result", "product", "batch_number"]


def _section(exporting: Exporting) -> dict[str, Any]:
    """What the OH service holds: the record's statuses and entries, and each campaign's outcome. The employer holds
    none of it (the not-included list says where it is)."""
    if not exporting.oh_side:
        return {}
    employee, service = exporting.employee, exporting.organisation
    section: dict[str, Any] = {"statuses": [], "entries": [], "campaigns": []}
    record = ImmunisationRecord.objects.filter(employee=employee, oh_service=service).first()
    if record is not None:
        exporting.shown.append(record)
        section["record"] = {
            "Reference": record.reference,
            **fields_in_words(record, ["maternity_role", "created_at"]),
            "Pre-employment check": record.pre_employment_check.reference if record.pre_employment_check else "None",
        }
        for status in AntigenStatus.objects.filter(record=record).order_by("antigen"):
            section["statuses"].append(
                {
                    **fields_in_words(status, ["antigen", "state", "next_step", "next_due_on", "source"]),
                }
            )
        for entry in ImmunisationEntry.objects.filter(record=record).select_related("recorded_by").order_by("on"):
            section["entries"].append(
                {**fields_in_words(entry, ENTRY_FIELDS), "Recorded by": person(entry.recorded_by)}
            )
    vaccinations = Vaccination.objects.filter(employee=employee, campaign__oh_service=service).select_related(
        "campaign", "batch__product", "recorded_by"
    )
    for vaccination in vaccinations.order_by("given_on"):
        exporting.shown.append(vaccination)
        section["campaigns"].append(
            {
                "Campaign": str(vaccination.campaign),
                **fields_in_words(vaccination, ["outcome", "consent_given", "decline_reason", "elsewhere", "given_on"]),
                "Vaccine": str(vaccination.batch) if vaccination.batch else words(None),
                "Recorded by": person(vaccination.recorded_by),
            }
        )
    return section


def _not_included(exporting: Exporting) -> list[str]:
    if exporting.oh_side:
        return []
    return [
        "Immunisation records and seasonal vaccination outcomes are held by the occupational health service: "
        "ask its IG lead."
    ]


register_retention(Retention("immunisation_record", due=_records_due, retire=_retire_record))
register_retention(Retention("campaign_vaccination", due=_vaccinations_due, retire=_retire_vaccination))
register_export_section(ExportSection("immunisation", position=25, build=_section, not_included=_not_included))
