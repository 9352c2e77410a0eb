"""Forms for the injury pages: what each step asks, in plain words, with an error summary linked to its fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from ohwb_portal.date_input import NhsDateField
from ohwb_portal.time_input import TimeOfDayField
from organisations.models import Employee

from .models import BbvStatus, HepBImmunity, InjuryKind, PepAdvice, Risk

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.full_name}, {obj.job_role} ({obj.organisation}, ESR {obj.esr_number})"


class _When(forms.Form):
    """A date and a time of day that become one moment, `at`."""

    date_label = "Date"
    time_label = "Time"

    def _moment(self, data: dict[str, Any]) -> datetime | None:
        if data.get("date") and data.get("time"):
            return timezone.make_aware(datetime.combine(data["date"], data["time"]))
        return None


class ReportForm(_When):
    employee = StaffChoiceField(
        label="Member of staff",
        queryset=Employee.objects.none(),
        empty_label="Choose the member of staff",
        error_messages={"required": "Choose the member of staff who was injured"},
    )
    kind = forms.ChoiceField(
        label="What happened?",
        choices=InjuryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    date = NhsDateField(
        label="Date it happened",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it happened"},
    )
    time = TimeOfDayField(
        label="Time it happened",
        help_text="For example, 9.30am or 14:30",
        error_messages={"invalid": "Enter the time like 9.30am or 14:30", "required": "Enter the time it happened"},
    )
    location = forms.CharField(
        label="Where did it happen?",
        help_text="For example, Ward 7 treatment room",
        max_length=200,
        error_messages={"required": "Enter where it happened"},
    )
    how_it_happened = forms.CharField(
        label="How did it happen?",
        help_text="What you were doing. Your manager sees this: do not include anyone's health details.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say how it happened"},
    )
    first_aid_given = forms.ChoiceField(
        label="Have you washed the wound and encouraged it to bleed (or rinsed your eyes or mouth)?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether first aid has been done"},
    )
    source_known = forms.ChoiceField(
        label="Do you know whose blood or body fluid it was (the source patient)?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the source patient is known"},
    )
    source_details = forms.CharField(
        label="Source patient's hospital number, or ward and bed",
        help_text="Only occupational health sees this.",
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is None:  # a member of staff reports their own
            del self.fields["employee"]
        else:
            field = self.fields["employee"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = staff

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        moment = self._moment(data)
        if moment is not None:
            if moment > timezone.now():
                self.add_error("date", "The date and time it happened must be in the past")
            data["occurred_at"] = moment
        return data

    def report_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "occurred_at": data["occurred_at"],
            "location": data["location"],
            "how_it_happened": data["how_it_happened"],
            "first_aid_given": _yes(data["first_aid_given"]),
            "source_known": _yes(data["source_known"]),
            "source_details": data.get("source_details", ""),
        }


class AssessForm(forms.Form):
    risk = forms.ChoiceField(
        label="Risk of the exposure",
        choices=Risk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the risk of the exposure"},
    )
    hep_b_immunity = forms.ChoiceField(
        label="Hepatitis B immunity",
        choices=HepBImmunity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the hepatitis B immunity"},
    )
    hep_b_booster_given = forms.ChoiceField(
        label="Hepatitis B booster or immunoglobulin given?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether a hepatitis B booster or immunoglobulin was given"},
    )
    pep_advice = forms.ChoiceField(
        label="HIV post-exposure prophylaxis",
        help_text="Advise it within the hour of the injury where indicated. The time you save this is recorded.",
        choices=PepAdvice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether post-exposure prophylaxis is indicated"},
    )
    riddor_reportable = forms.ChoiceField(
        label="Is it reportable under RIDDOR?",
        help_text=(
            "Yes if the source is known to carry a blood-borne virus (a dangerous occurrence), or if the member "
            "of staff is infected. The employer reports it to the HSE; the manager sees this answer."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it is reportable under RIDDOR"},
    )
    notes = forms.CharField(
        label="Assessment notes",
        help_text="Clinical: only occupational health clinicians see these.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def assessment(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "risk": data["risk"],
            "hep_b_immunity": data["hep_b_immunity"],
            "hep_b_booster_given": _yes(data["hep_b_booster_given"]),
            "pep_advice": data["pep_advice"],
            "riddor_reportable": _yes(data["riddor_reportable"]),
            "notes": data["notes"],
        }


class SourceRequestForm(forms.Form):
    asked = forms.CharField(
        label="Who have you asked?",
        help_text="For example, the consultant responsible for the source patient",
        max_length=200,
        error_messages={"required": "Say who you asked for the source patient's status"},
    )


def _bbv(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=BbvStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Choose the {label} result"},
    )


class SourceStatusForm(forms.Form):
    hbv = _bbv("Hepatitis B")
    hcv = _bbv("Hepatitis C")
    hiv = _bbv("HIV")
    details = forms.CharField(
        label="Source patient's hospital number, or ward and bed",
        help_text="Leave blank to keep what was reported",
        required=False,
        max_length=200,
    )


class BookTestForm(_When):
    date = NhsDateField(
        label="Date", help_text="For example, 27 3 2026", error_messages={"required": "Enter the date of the test"}
    )
    time = TimeOfDayField(
        label="Time",
        help_text="For example, 9.30am or 14:30",
        error_messages={"invalid": "Enter the time like 9.30am or 14:30", "required": "Enter the time of the test"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        moment = self._moment(data)
        if moment is not None:
            if moment <= timezone.now():
                self.add_error("date", "The appointment must be in the future")
            data["at"] = moment
        return data


class ResultForm(forms.Form):
    hbv = _bbv("Hepatitis B")
    hcv = _bbv("Hepatitis C")
    hiv = _bbv("HIV")
    notes = forms.CharField(label="Notes on the results", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    """A button that asks once more (nothing to fill in)."""
