"""Import staff records from an ESR staff export (CSV).

Every row is validated first; if any row is wrong nothing is imported and every problem is
reported by line and column. Otherwise records are upserted by ESR employee number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User

from .models import AgeBand, Disability, Employee, EthnicGroup, Organisation, Sex, StaffGroup, esr_number_validator

# Column headings of the ESR export, and the Employee field each fills.
COLUMNS = {
    "Employee Number": "esr_number",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Date of Birth": "date_of_birth",
    "Staff Group": "staff_group",
    "Job Role": "job_role",
    "Department": "department",
    "Work Email Address": "email",
    "Work Phone Number": "phone",
    "Line Manager Email": "line_manager_email",
    "Gender": "sex",
    "Ethnic Origin": "ethnic_group",
    "Disabled Flag": "disability",
}
REQUIRED_COLUMNS = ["Employee Number", "First Name", "Last Name", "Date of Birth", "Staff Group", "Job Role"]
FIELD_TO_COLUMN = {value: key for key, value in COLUMNS.items()}
UPDATABLE_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "staff_group",
    "job_role",
    "department",
    "email",
    "phone",
    "line_manager",
    "sex",
    "ethnic_group",
    "disability",
    "age_band",
]

# NHS ethnic category codes start with a letter that names the group (NHS Data Dictionary).
ETHNIC_CODE_GROUPS = {
    **dict.fromkeys("ABC", EthnicGroup.WHITE),
    **dict.fromkeys("DEFG", EthnicGroup.MIXED),
    **dict.fromkeys("HJKL", EthnicGroup.ASIAN),
    **dict.fromkeys("MNP", EthnicGroup.BLACK),
    **dict.fromkeys("RS", EthnicGroup.OTHER),
    "Z": EthnicGroup.NOT_STATED,
}


def _choice_by_label(
    choices: type[models.TextChoices], value: str, aliases: dict[str, str] | None = None
) -> str | None:
    text = value.strip().lower()
    if not text:
        return ""
    if aliases and text in aliases:
        return aliases[text]
    for choice_value, label in choices.choices:
        if text in (choice_value.lower(), label.lower()):
            return choice_value
    return None


def age_band_for(date_of_birth: date, on: date) -> str:
    age = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    bands = [(25, AgeBand.UNDER_25), (35, AgeBand.B25_34), (45, AgeBand.B35_44), (55, AgeBand.B45_54)]
    for limit, band in bands:
        if age < limit:
            return band
    return AgeBand.B55_64 if age < 65 else AgeBand.B65_PLUS


class EsrRowForm(forms.Form):
    """One row of the export. Messages say what is wrong in the importer's words."""

    esr_number = forms.CharField(validators=[esr_number_validator])
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date of birth as DD/MM/YYYY, for example 31/01/1980."},
    )
    staff_group = forms.CharField()
    job_role = forms.CharField(max_length=200)
    department = forms.CharField(required=False, max_length=200)
    email = forms.EmailField(required=False, error_messages={"invalid": "Enter an e-mail address like name@nhs.net."})
    phone = forms.CharField(required=False, max_length=30)
    line_manager_email = forms.EmailField(required=False)
    sex = forms.CharField(required=False)
    ethnic_group = forms.CharField(required=False)
    disability = forms.CharField(required=False)

    def clean_date_of_birth(self) -> date:
        value: date = self.cleaned_data["date_of_birth"]
        if value >= date.today():
            raise forms.ValidationError("The date of birth must be in the past.")
        return value

    def clean_staff_group(self) -> str:
        value = _choice_by_label(StaffGroup, self.cleaned_data["staff_group"])
        if not value:
            raise forms.ValidationError("Use an ESR staff group, for example 'Nursing and Midwifery Registered'.")
        return value

    def clean_sex(self) -> str:
        value = _choice_by_label(
            Sex, self.cleaned_data["sex"], {"not stated": Sex.NOT_STATED, "f": "female", "m": "male"}
        )
        if value is None:
            raise forms.ValidationError("Use Female, Male or Not stated.")
        return value

    def clean_ethnic_group(self) -> str:
        text = self.cleaned_data["ethnic_group"].strip()
        if not text:
            return ""
        group: str | None = ETHNIC_CODE_GROUPS.get(text[0].upper()) if (len(text) == 1 or text[1] in " -") else None
        group = group or _choice_by_label(EthnicGroup, text)
        if not group:
            raise forms.ValidationError("Use an NHS ethnic category, for example 'A White - British'.")
        return group

    def clean_disability(self) -> str:
        aliases = {"y": "yes", "n": "no", "not declared": Disability.NOT_STATED, "not stated": Disability.NOT_STATED}
        value = _choice_by_label(Disability, self.cleaned_data["disability"], aliases)
        if value is None:
            raise forms.ValidationError("Use Yes, No or Not declared.")
        return value


@dataclass
class RowProblem:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The heading row (stripped) and each non-empty row with its line number in the file (the heading is line 1)."""
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    # DictReader's line_num counts physical lines; the header is line 1.
    rows = [(reader.line_num, row) for row in reader if any((v or "").strip() for v in row.values())]
    return headers, rows


def _check_row(
    line: int, row: dict[str, str], managers: dict[str, User], first_line_of: dict[str, int]
) -> tuple[list[RowProblem], dict[str, Any]]:
    """Every rule on one row, each checked whatever the others found, so one upload reports the whole file.
    Returns the row's problems and its cleaned values (complete only when there are no problems)."""
    form = EsrRowForm({field: (row.get(column) or "").strip() for column, field in COLUMNS.items()})
    problems: list[RowProblem] = []
    if not form.is_valid():
        for field_name, errors in form.errors.items():
            problems.extend(RowProblem(line, FIELD_TO_COLUMN.get(field_name, field_name), str(m)) for m in errors)
    data = form.cleaned_data
    esr = form.data["esr_number"]  # as typed: a malformed number repeated is still a duplicate
    if esr in first_line_of:
        problems.append(RowProblem(line, "Employee Number", f"ESR number {esr} is also on line {first_line_of[esr]}."))
    elif esr:
        first_line_of[esr] = line
    manager_email = str(data.get("line_manager_email") or "").lower()
    if manager_email and manager_email not in managers:
        problems.append(
            RowProblem(line, "Line Manager Email", f"No portal user has the e-mail address {manager_email}.")
        )
    return problems, data


def import_staff_csv(*, organisation: Organisation, content: bytes | str, today: date | None = None) -> ImportResult:
    """Validate every row, then upsert by ESR number in one transaction, or import nothing."""
    today = today or date.today()
    result = ImportResult()
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    headers, rows = read_csv_rows(text)
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        result.problems.append(RowProblem(1, ", ".join(missing), "The file has no column with this heading."))
        return result
    if not rows:
        result.problems.append(RowProblem(2, "", "The file has no staff rows under its headings."))
        return result

    manager_emails = {(row.get("Line Manager Email") or "").strip().lower() for _, row in rows} - {""}
    managers = {u.email.lower(): u for u in User.objects.filter(email__in=manager_emails)} if manager_emails else {}
    cleaned: dict[str, dict[str, Any]] = {}
    first_line_of: dict[str, int] = {}
    for line, row in rows:
        problems, data = _check_row(line, row, managers, first_line_of)
        result.problems.extend(problems)
        if problems:
            continue
        data["line_manager"] = managers.get(data.pop("line_manager_email").lower())
        data["age_band"] = age_band_for(data["date_of_birth"], today)
        cleaned[data["esr_number"]] = data
    if result.problems:
        return result

    with transaction.atomic():
        existing = {e.esr_number: e for e in Employee.objects.select_for_update().filter(organisation=organisation)}
        to_create, to_update = [], []
        for esr, data in cleaned.items():
            employee = existing.get(esr)
            if employee is None:
                to_create.append(Employee(organisation=organisation, **data))
            else:
                for name in UPDATABLE_FIELDS:
                    setattr(employee, name, data[name])
                to_update.append(employee)
        if to_create:
            bulk_create_with_history(to_create, Employee, batch_size=1000)
        if to_update:
            bulk_update_with_history(to_update, Employee, UPDATABLE_FIELDS, batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    return result
