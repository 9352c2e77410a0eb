"""Forms of the diary pages. The rules are the services' (and rules.clinic_errors, shown by field here)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from ohwb_portal.date_input import NhsDateField
from ohwb_portal.time_input import TimeOfDayField
from referrals.forms import ClinicianChoiceField
from referrals.models import Modality, PractitionerType

from .models import WEEKDAY_NAMES, ExceptionKind, Slot
from .rules import SLOT_MINUTES, clinic_errors


class ClinicForm(forms.Form):
    name = forms.CharField(
        label="Clinic name",
        help_text="For example, Physiotherapy, Outpatients building, Mondays",
        max_length=120,
        error_messages={"required": "Enter a name for the clinic"},
    )
    clinician = ClinicianChoiceField(
        queryset=None, empty_label="Choose a clinician", error_messages={"required": "Choose the clinician"}
    )
    practitioner_type = forms.ChoiceField(
        label="Practitioner type",
        choices=PractitionerType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the practitioner type"},
    )
    modality = forms.ChoiceField(
        label="How the employee is seen",
        choices=Modality.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose face to face, telephone or video"},
    )
    location = forms.CharField(
        label="Where, or how to join",
        help_text="The address and room, or how the video or telephone call is made",
        max_length=300,
        required=False,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days",
        coerce=int,
        choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the weekdays the clinic runs on"},
    )
    start_time = TimeOfDayField(
        label="Starts at",
        help_text="For example, 9am or 13:30",
        error_messages={"required": "Enter the time the clinic starts", "invalid": "Enter a time like 9am or 13:30"},
    )
    end_time = TimeOfDayField(
        label="Ends at",
        help_text="For example, 12:30pm or 17:00",
        error_messages={"required": "Enter the time the clinic ends", "invalid": "Enter a time like 12:30pm or 17:00"},
    )
    slot_minutes = forms.TypedChoiceField(
        label="Slot length",
        coerce=int,
        choices=[(m, f"{m} minutes") for m in SLOT_MINUTES],
        initial=30,
        error_messages={"required": "Choose the slot length"},
    )
    starts_on = NhsDateField(
        label="First day", help_text="For example, 7 12 2026", error_messages={"required": "Enter the first day"}
    )
    ends_on = NhsDateField(label="Last day (optional)", help_text="Leave empty if it carries on", required=False)

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clinician"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clinicians

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = ("weekdays", "start_time", "end_time", "slot_minutes", "starts_on")
        if all(data.get(name) not in (None, "", []) for name in needed):
            for name, message in clinic_errors(**{n: data[n] for n in needed}, ends_on=data.get("ends_on")).items():
                self.add_error(name, message)
        return data


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Why",
        choices=ExceptionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the clinic does not run"},
    )
    first_day = NhsDateField(
        label="First day", help_text="For example, 21 12 2026", error_messages={"required": "Enter the first day"}
    )
    last_day = NhsDateField(
        label="Last day",
        help_text="The same as the first day for one day",
        error_messages={"required": "Enter the last day"},
    )
    whole_diary = forms.BooleanField(
        label="All of the clinician's clinics (for leave), not only this one", required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last day must be on or after the first day")
        return data


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        start = timezone.localtime(obj.start)
        return (
            f"{start:%A %d %B, %H:%M} ({obj.length_minutes} minutes), {obj.clinic.get_modality_display().lower()}, "
            f"{obj.clinician.display_name}, {obj.clinic.name}"
        )


class SlotForm(forms.Form):
    """Choose one of the slots offered (the page lists them; the service checks the choice again)."""

    slot = SlotChoiceField(
        queryset=Slot.objects.none(),
        label="Choose a time",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose a time", "invalid_choice": "That time is no longer free: choose another"},
    )

    def __init__(self, *args: Any, slots: Any, **kwargs: Any) -> None:
        """`slots`: those shown (a list), or on a POST those that may be chosen (a queryset the caller scoped):
        a slot taken since the page was shown is then refused by the service, with its reason."""
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, forms.ModelChoiceField)
        if isinstance(slots, list):
            slots = Slot.objects.filter(pk__in=[s.pk for s in slots])
        field.queryset = slots.select_related("clinic", "clinician").order_by("start", "pk")


class MoveForm(SlotForm):
    reason = forms.CharField(
        label="Why is the appointment moving?",
        help_text="Kept in the case history. The employee is told the new time, not the reason.",
        max_length=300,
        error_messages={"required": "Say why the appointment is moving"},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the appointment cancelled?",
        help_text="Kept in the case history. The employee is told it is cancelled, not the reason.",
        max_length=300,
        error_messages={"required": "Say why the appointment is cancelled"},
    )


class SlotFilterForm(forms.Form):
    """Which free slots to list: practitioner type, how, and from which day."""

    practitioner_type = forms.ChoiceField(
        label="Practitioner type", choices=[("", "Any")] + list(PractitionerType.choices), required=False
    )
    modality = forms.ChoiceField(label="How", choices=[("", "Any")] + list(Modality.choices), required=False)
    from_day = NhsDateField(label="From", help_text="For example, 14 12 2026", required=False)

    def after(self) -> datetime | None:
        day = self.cleaned_data.get("from_day") if self.is_valid() else None
        return timezone.make_aware(datetime.combine(day, time.min)) if day else None


class ModalityForm(forms.Form):
    modality = forms.ChoiceField(
        label="How would you like to be seen?", choices=[("", "Any way")] + list(Modality.choices), required=False
    )


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label="Did the candidate attend?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Attended"), ("no", "Did not attend")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose attended or did not attend"},
    )


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
