"""Read and check an ESR absence extract (CSV), every row and every rule, before anything is stored.

The layout, the row report and the all-or-nothing rule are those of the staff file (organisations.esr_import):
one upload lists every problem of the file by line and column, and a file with any problem imports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from organisations.esr_import import RowProblem, read_csv_rows
from organisations.models import Employee, Organisation, esr_number_validator

# Column headings of the ESR absence extract, and the field each fills.
COLUMNS = {
    "Employee Number": "esr_number",
    "Assignment Number": "assignment_number",
    "Absence Start Date": "starts_on",
    "Absence End Date": "ends_on",
    "Days Lost": "days_lost",
    "Hours Lost": "hours_lost",
    "Absence Reason": "reason_code",
}
REQUIRED_COLUMNS = ["Employee Number", "Absence Start Date"]
FIELD_TO_COLUMN = {value: key for key, value in COLUMNS.items()}
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y"]


class AbsenceRowForm(forms.Form):
    """One row of the extract. Messages say what is wrong in the importer's words."""

    esr_number = forms.CharField(
        validators=[esr_number_validator], error_messages={"required": "Enter the ESR employee number."}
    )
    assignment_number = forms.CharField(required=False, max_length=20)
    starts_on = forms.DateField(
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date the absence started.",
            "invalid": "Enter the start date as DD/MM/YYYY, for example 03/11/2026.",
        },
    )
    ends_on = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the end date as DD/MM/YYYY, or leave it empty while the absence goes on."},
    )
    days_lost = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=9999,
        decimal_places=2,
        error_messages={"invalid": "Enter the days lost as a number, for example 4 or 2.5."},
    )
    hours_lost = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=99999,
        decimal_places=2,
        error_messages={"invalid": "Enter the hours lost as a number, for example 30 or 7.5."},
    )
    reason_code = forms.CharField(required=False, max_length=100)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_starts_on(self) -> date:
        value: date = self.cleaned_data["starts_on"]
        if value > self.today:
            raise forms.ValidationError("The absence start date is in the future: the extract records past absence.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The absence end date is before its start date.")
        return data


@dataclass
class CheckedFile:
    problems: list[RowProblem]
    spells: list[dict[str, Any]]  # cleaned rows, each with its `employee`: complete only when there are no problems


def check_absence_file(*, organisation: Organisation, text: str, today: date) -> CheckedFile:
    headers, rows = read_csv_rows(text)
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        return CheckedFile([RowProblem(1, ", ".join(missing), "The file has no column with this heading.")], [])
    if not rows:
        return CheckedFile([RowProblem(2, "", "The file has no absence rows under its headings.")], [])
    numbers = {(row.get("Employee Number") or "").strip() for _, row in rows} - {""}
    staff = {e.esr_number: e for e in Employee.objects.filter(organisation=organisation, esr_number__in=numbers)}
    problems: list[RowProblem] = []
    spells: list[dict[str, Any]] = []
    first_line_of: dict[tuple[str, str], int] = {}
    for line, row in rows:
        form = AbsenceRowForm({f: (row.get(c) or "").strip() for c, f in COLUMNS.items()}, today=today)
        row_problems = []
        if not form.is_valid():
            for name, errors in form.errors.items():
                row_problems += [RowProblem(line, FIELD_TO_COLUMN.get(name, ""), str(m)) for m in errors]
        esr = form.data["esr_number"]
        if esr and "esr_number" not in form.errors and esr not in staff:
            row_problems.append(
                RowProblem(
                    line,
                    "Employee Number",
                    f"No staff record of {organisation.name} has ESR number {esr}: import the staff file first.",
                )
            )
        key = (esr, form.data["starts_on"])
        if esr and key in first_line_of:
            row_problems.append(
                RowProblem(line, "Absence Start Date", f"The same absence is also on line {first_line_of[key]}.")
            )
        elif esr:
            first_line_of[key] = line
        problems += row_problems
        if not row_problems:
            data = dict(form.cleaned_data)
            data["employee"] = staff[data.pop("esr_number")]
            spells.append(data)
    return CheckedFile(problems, spells)
