from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import User
from ohwb_portal.date_input import NhsDateField
from ohwb_portal.form_choices import offer
from ohwb_portal.required_when import required_when
from ohwb_portal.time_input import TimeOfDayField
from ohwb_portal.working_days import is_working_day
from organisations.models import Employee
from organisations.roles import ServiceLine

from .attachment_rules import AttachmentRefused, check_limits, file_type, limits_in_words
from .models import (
    CASE_MESSAGE_MAX_LENGTH,
    MANAGER_QUESTIONS,
    AdjustmentFollowUp,
    AdjustmentStatus,
    ClosureOutcome,
    ConsentChoice,
    EqualityActLikely,
    Fitness,
    Modality,
    PractitionerType,
    Priority,
    ReasonCategory,
)
from .referral_rules import MESSAGES, referral_errors
from .report_rules import answer_errors


def check_upload(upload: Any) -> str:
    """The file's real type, or a ValidationError in the user's words."""
    try:
        return file_type(upload)
    except AttachmentRefused as exc:
        raise forms.ValidationError(str(exc)) from exc


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class EmployeeChoiceField(forms.ModelChoiceField):
    """Staff chosen by name or ESR number: each option says enough to tell two people of one name apart.
    The staff group stands for the department, which the ESR export we load does not carry."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, ESR {obj.esr_number}, {obj.job_role}, {obj.get_staff_group_display()}"


class ManagementReferralForm(forms.Form):
    employee = EmployeeChoiceField(
        queryset=Employee.objects.none(),
        label="Employee",
        empty_label="Choose the employee",
        help_text="Type their name or ESR number",
        # static/js/employee_picker.js turns the list into a search box; without script it stays a list.
        widget=forms.Select(attrs={"data-module": "employee-picker"}),
        error_messages={
            "required": "Choose the employee you are referring",
            "invalid_choice": "Choose an employee from the list",
        },
    )
    reason_category = forms.ChoiceField(
        label="Main reason for the referral",
        choices=ReasonCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the main reason for the referral"},
    )
    absent = forms.ChoiceField(
        label="Is the employee at work?",
        widget=forms.RadioSelect,
        choices=[("at_work", "At work"), ("absent", "Absent from work")],
        error_messages={"required": "Say whether the employee is at work or absent"},
    )
    absent_since = required_when(
        NhsDateField(label="Absent since", required=False, help_text="For example, 27 3 2026"),
        "Needed if the employee is absent",
    )
    manager_questions = required_when(
        forms.MultipleChoiceField(
            label="Which questions do you want answered?",
            choices=list(MANAGER_QUESTIONS.items()),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        ),
        "Choose at least one, or write your own below",
    )
    other_questions = forms.CharField(
        label="Any other questions", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    work_details = forms.CharField(
        label="About the role and the work",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Duties, hours, shift pattern and anything in the work that may affect health",
        error_messages={"required": "Describe the role and the work"},
    )
    urgent_requested = forms.BooleanField(label="Ask for this referral to be treated as urgent", required=False)
    attachments = MultipleFileField(
        label="Risk assessment and other documents",
        required=False,
    )
    employee_agreed = forms.BooleanField(
        label="I have discussed this referral with the employee and they agreed to it",
        error_messages={"required": "Confirm that you discussed the referral with the employee and they agreed to it"},
    )

    def __init__(
        self, *args: Any, employees: Any, sending: bool = True, stored: tuple[int, int] = (0, 0), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = employees
        self.fields["attachments"].help_text = limits_in_words()
        self.sending = sending
        self.stored = stored  # documents the referral already has, which its limits count
        if not sending:  # a draft keeps whatever was typed: only the employee is needed
            for name, form_field in self.fields.items():
                if name != "employee" and form_field.required:
                    form_field.required = False
                    required_when(form_field)  # still needed to send it, so not labelled "(optional)"

    @staticmethod
    def initial_from(referral: Any) -> dict[str, Any]:
        """What a saved draft or returned referral puts back into the form."""
        absent = {True: "absent", False: "at_work"}.get(referral.absent_at_referral, "")
        return {
            "employee": referral.employee_id,
            "reason_category": referral.reason_category,
            "absent": absent,
            "absent_since": referral.absent_since,
            "manager_questions": referral.manager_questions,
            "other_questions": referral.other_questions,
            "work_details": referral.work_details,
            "urgent_requested": referral.urgent_requested,
            "employee_agreed": referral.employee_agreed,
        }

    def clean_attachments(self) -> list[tuple[Any, str]]:
        uploads = self.cleaned_data["attachments"]
        checked = [(upload, check_upload(upload)) for upload in uploads]
        count, size = self.stored
        try:  # the service checks again against what is stored, under the case's lock
            check_limits(existing_count=count, existing_bytes=size, new_sizes=[u.size for u in uploads])
        except AttachmentRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return checked

    def referral_fields(self) -> dict[str, Any]:
        """The cleaned answers as the referral's fields (`absent_at_referral` None while unanswered)."""
        data = self.cleaned_data
        absent = {"absent": True, "at_work": False}.get(data.get("absent") or "")
        return {
            "reason_category": data.get("reason_category") or "",
            "absent_at_referral": absent,
            "absent_since": data.get("absent_since") if absent else None,
            "manager_questions": data.get("manager_questions") or [],
            "other_questions": data.get("other_questions") or "",
            "work_details": data.get("work_details") or "",
            "urgent_requested": bool(data.get("urgent_requested")),
            "employee_agreed": bool(data.get("employee_agreed")),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since = data.get("absent_since")
        if data.get("absent") == "absent" and since and since > timezone.localdate():
            self.add_error("absent_since", MESSAGES["absent_since_future"])
        if self.sending:  # the rule the service applies on sending, so both say the same
            for name, message in referral_errors(self.referral_fields()).items():
                field = "absent" if name == "absent_at_referral" else name
                if field not in self.errors:
                    self.add_error(field, message)
        return data


def _reply_field() -> forms.CharField:
    return forms.CharField(
        label="Your reply to occupational health",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Answer what they asked. They see your reply with the referral.",
        error_messages={"required": "Reply to occupational health's question before sending the referral again"},
    )


class ResendReferralForm(ManagementReferralForm):
    """A returned referral: what the manager changes, their reply (needed to send it again) and further
    documents, with the same checks as sending a new one."""

    reply = _reply_field()

    field_order = ["reply"]


class ConfirmForm(forms.Form):
    """A button that asks once more (nothing to fill in)."""


class ReplyForm(forms.Form):
    """A returned self-referral is sent again with the employee's reply only."""

    reply = _reply_field()


class SelfReferralForm(forms.Form):
    service_line = forms.ChoiceField(
        label="Which service do you need?",
        widget=forms.RadioSelect,
        choices=[
            (v, ServiceLine(v).label)
            for v in (
                ServiceLine.PHYSIOTHERAPY,
                ServiceLine.MENTAL_HEALTH,
                ServiceLine.MENOPAUSE,
                ServiceLine.GENERAL_OH,
            )
        ],
        error_messages={"required": "Choose the service you need"},
    )
    description = forms.CharField(
        label="Tell us briefly what you need help with",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="Your manager is not told about a self-referral.",
        error_messages={"required": "Tell us briefly what you need help with"},
    )


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label="Triage decision",
        widget=forms.RadioSelect,
        choices=[("accept", "Accept the referral"), ("return", "Return it to the manager for more information")],
        error_messages={"required": "Choose whether to accept or return the referral"},
    )
    priority = required_when(
        forms.ChoiceField(label="Priority", choices=Priority.choices, widget=forms.RadioSelect, required=False),
        "Needed to accept",
    )
    practitioner_type = required_when(
        forms.ChoiceField(label="Practitioner", choices=[("", "Choose"), *PractitionerType.choices], required=False),
        "Needed to accept",
    )
    reason = required_when(
        forms.CharField(
            label="What the manager needs to add", widget=forms.Textarea(attrs={"rows": 3}), required=False
        ),
        "Needed to return the referral",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "accept":
            if not data.get("priority"):
                self.add_error("priority", "Choose a priority")
            if not data.get("practitioner_type"):
                self.add_error("practitioner_type", "Choose the type of practitioner")
        elif data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say what information the manager needs to add")
        return data


class WarnsOfNonWorkingDay:
    cleaned_data: dict[str, Any]

    def non_working_day(self) -> str:
        """A warning, not a refusal: the date chosen is a weekend day or a bank holiday."""
        day = self.cleaned_data.get("date")
        if day is None or is_working_day(day):
            return ""
        kind = "a weekend day" if day.weekday() >= 5 else "a bank holiday"
        return f"{day:%A %-d %B %Y} is {kind}. Check that the clinician and the employee can make it."


class ClinicianChoiceField(forms.ModelChoiceField):
    """Each clinician with their profession, so the one the triage asked for can be chosen."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.profession or 'Clinician'})"


class AppointmentForm(WarnsOfNonWorkingDay, forms.Form):
    clinician = ClinicianChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a clinician",
        error_messages={"required": "Choose a clinician"},
    )
    date = NhsDateField(
        label="Date",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the appointment"},
    )
    time = TimeOfDayField(
        label="Start time",
        help_text="For example, 9.30am or 14:30",
        error_messages={"invalid": "Enter the start time like 9.30am or 14:30", "required": "Enter a start time"},
    )
    length_minutes = forms.TypedChoiceField(
        label="Length",
        coerce=int,
        initial=45,
        choices=[(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour")],
        error_messages={"required": "Choose how long the appointment is"},
    )
    modality = forms.ChoiceField(
        label="How",
        choices=Modality.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose face to face, telephone or video"},
    )
    location = forms.CharField(label="Where, or the video link or phone number", required=False, max_length=300)

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clinician"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clinicians

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("time"):
            start = timezone.make_aware(datetime.combine(data["date"], data["time"]))
            if start <= timezone.now():
                self.add_error("date", "The appointment must be in the future")
            data["start"] = start
        return data


class RescheduleForm(WarnsOfNonWorkingDay, forms.Form):
    date = NhsDateField(
        label="New date", help_text="For example, 27 3 2026", error_messages={"required": "Enter the new date"}
    )
    time = TimeOfDayField(
        label="New start time",
        help_text="For example, 9.30am or 14:30",
        error_messages={"invalid": "Enter the start time like 9.30am or 14:30", "required": "Enter a start time"},
    )
    reason = forms.CharField(
        label="Why is the appointment moving?",
        help_text="Kept in the case history. The employee is told the new time, not the reason.",
        max_length=300,
        error_messages={"required": "Say why the appointment is moving"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("time"):
            data["start"] = timezone.make_aware(datetime.combine(data["date"], data["time"]))
            if data["start"] <= timezone.now():
                self.add_error("date", "The new time must be in the future")
        return data


class CancelAppointmentForm(forms.Form):
    reason = forms.CharField(
        label="Why is the appointment cancelled?",
        help_text="Kept in the case history. The employee is told it is cancelled, not the reason.",
        max_length=300,
        error_messages={"required": "Say why the appointment is cancelled"},
    )


class AttendanceCorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why are you correcting the attendance record?",
        help_text="Kept in the case history.",
        max_length=300,
        error_messages={"required": "Say why you are correcting the attendance record"},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Clinical note",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Notes are locked once saved. Correct a note by adding an addendum.",
        error_messages={"required": "Write the note before saving it"},
    )
    addendum_to = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what you are correcting or adding. The original note stays as it was written.",
        error_messages={"required": "Write the addendum before saving it"},
    )


class CaseMessageForm(forms.Form):
    text = forms.CharField(
        label="Your message",
        max_length=CASE_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "For questions and practical updates only. Do not write clinical details or health information here: "
            "the manager and the occupational health team both see every message."
        ),
        error_messages={
            "required": "Write your message before sending it",
            "max_length": f"Keep the message to {CASE_MESSAGE_MAX_LENGTH} characters or fewer",
        },
    )


class MeasuresForm(forms.Form):
    work_ability = forms.TypedChoiceField(
        label="Work ability score",
        coerce=int,
        # Starts empty: a form sent untouched must not record 0 out of 10.
        choices=[("", "Choose a score")] + [(str(n), str(n)) for n in range(11)],
        help_text="0 means cannot work at all, 10 means work ability at its lifetime best",
        error_messages={"required": "Choose a work ability score from 0 to 10"},
    )
    wellbeing = forms.TypedChoiceField(
        label="Wellbeing score",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Not recorded")] + [(str(n), str(n)) for n in range(11)],
    )


class OwnScoreForm(forms.Form):
    """The employee's own work ability score (end measures), on their case page or through a single-use link."""

    work_ability = forms.TypedChoiceField(
        label="How well are you able to work now?",
        coerce=int,
        choices=[(str(n), str(n)) for n in range(11)],
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text="Choose a number from 0 to 10. 0 means you cannot work at all now, 10 means your ability to work "
        "is at its lifetime best.",
        error_messages={
            "required": "Choose a number from 0 to 10 for how well you are able to work now",
            "invalid_choice": "Choose a number from 0 to 10 for how well you are able to work now",
        },
    )


class ReportForm(forms.Form):
    fitness = forms.ChoiceField(
        label="Fitness for work",
        choices=Fitness.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the employee's fitness for work"},
    )
    adjustments = forms.CharField(
        label="Recommended adjustments",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One adjustment per line. The manager records whether each was put in place.",
    )
    likely_return_date = NhsDateField(label="Likely return to work or full duties", required=False)
    equality_act = forms.ChoiceField(
        label="Are the disability provisions of the Equality Act likely to apply?",
        choices=EqualityActLikely.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the Equality Act is likely to apply"},
    )
    follow_up_plan = forms.CharField(label="Follow-up plan", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    diagnosis_consented = forms.BooleanField(label="The employee agreed that the diagnosis is included", required=False)
    diagnosis = forms.CharField(
        label="Diagnosis",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Only with the employee's agreement",
    )

    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, question in enumerate(questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=question,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": f"Answer the manager's question: {question}"},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("diagnosis") or "").strip() and not data.get("diagnosis_consented"):
            self.add_error("diagnosis", "Leave the diagnosis out unless the employee agreed to include it")
        answers = {q: data.get(f"answer_{i}", "") for i, q in enumerate(self.questions)}
        errors = answer_errors(self.questions, answers)
        for index, question in enumerate(self.questions):
            if question in errors and f"answer_{index}" not in self.errors:
                self.add_error(f"answer_{index}", errors[question])
        return data

    def report_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "fitness": data["fitness"],
            "adjustments": [line.strip() for line in data["adjustments"].splitlines() if line.strip()],
            "likely_return_date": data["likely_return_date"],
            "answers": {q: data[f"answer_{i}"] for i, q in enumerate(self.questions)},
            "equality_act": data["equality_act"],
            "follow_up_plan": data["follow_up_plan"],
            "diagnosis": data["diagnosis"],
            "diagnosis_consented": data["diagnosis_consented"],
        }


class ConsentForm(forms.Form):
    choice = forms.ChoiceField(
        label="What would you like to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you would like to do with the report"},
    )
    # Shown under the corrections choice (a conditional reveal; without JavaScript it is always shown there).
    comment = required_when(
        forms.CharField(
            label="Which facts are wrong?",
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            help_text="Say what is wrong and what is right. The clinician corrects factual errors. Their "
            "professional opinion is not changed; you can withhold the report instead.",
        )
    )

    def __init__(self, *args: Any, seen_report: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page shows the report, so "show me first" is not offered: these are the choices after reading it
        # (release, ask for factual corrections, withhold). Releasing is "approve" if they asked to see it first
        # elsewhere (the API), "release now" otherwise.
        release = ConsentChoice.APPROVE if seen_report else ConsentChoice.RELEASE_NOW
        choices = [release, ConsentChoice.CORRECTIONS, ConsentChoice.WITHHOLD]
        offer(self, "choice", [(c.value, c.label) for c in choices])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == ConsentChoice.CORRECTIONS and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say which facts in the report are wrong, so the clinician can correct them")
        return data


class AdjustmentAnswerForm(forms.Form):
    """One adjustment's row on the manager's page: starts from the saved answer; a row left blank is skipped."""

    status = forms.ChoiceField(
        label="Was it put in place?",
        widget=forms.RadioSelect,
        choices=[(s.value, s.label) for s in AdjustmentStatus if s != AdjustmentStatus.PENDING],
        error_messages={"required": "Say whether the adjustment was put in place"},
    )
    reason = required_when(
        forms.CharField(
            label="Why not, or what was done instead", required=False, widget=forms.Textarea(attrs={"rows": 2})
        ),
        "Needed if it was only partly put in place or was not possible",
    )

    def __init__(self, data: Any = None, *, follow_up: AdjustmentFollowUp, prefix: str) -> None:
        answered = follow_up.status != AdjustmentStatus.PENDING
        initial = {"status": follow_up.status, "reason": follow_up.reason} if answered else {}
        # An unanswered row the manager leaves blank is not an error: they may answer the others first.
        super().__init__(
            data, prefix=prefix, initial=initial, empty_permitted=not answered, use_required_attribute=False
        )
        self.fields["status"].label = f"Was it put in place? ({follow_up.adjustment})"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") in (AdjustmentStatus.PARTLY, AdjustmentStatus.NOT_POSSIBLE)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why it was only partly put in place or was not possible")
        return data


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ClosureOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the case"},
    )
    work_ability = forms.TypedChoiceField(
        label="Work ability score at closure",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Not recorded: ask the employee")] + [(str(n), str(n)) for n in range(11)],
        help_text="Cases closed without end measures count against the outcome-capture measure",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the referral being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the referral is being withdrawn"},
    )
