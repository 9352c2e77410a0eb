"""Forms for surveillance pages. They parse input; the rules (what a result must hold, who may do what) are the
services' (services.py, actions.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from ohwb_portal.date_input import NhsDateField
from ohwb_portal.required_when import required_when
from organisations.models import Employee, Organisation

from .models import Basis, Outcome, Programme, ProgrammeKind, Recording
from .programmes import (
    categories_of,
    category_label,
    questions_of,
    records_category,
    records_spirometry,
    records_test_values_text,
)

YES_NO = [("no", "No"), ("yes", "Yes")]


class ProgrammeForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Employer",
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="The organisation whose staff are under the programme",
    )
    kind = forms.ChoiceField(
        label="Kind of surveillance",
        choices=ProgrammeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of surveillance"},
    )
    name = required_when(forms.CharField(label="Name", max_length=120, required=False), "Needed for another programme")
    recording = required_when(
        forms.ChoiceField(
            label="What a result records",
            choices=Recording.choices,
            widget=forms.RadioSelect,
            required=False,
        ),
        "Needed for another programme",
    )
    categories = required_when(
        forms.CharField(label="Categories", required=False, widget=forms.Textarea(attrs={"rows": 3})),
        "Needed for another programme that records a category: one a line",
    )
    interval_months = forms.IntegerField(
        label="Interval in months",
        min_value=1,
        max_value=60,
        required=False,
        help_text="Leave blank for the usual 12 months",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}),
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, employers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = employers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ProgrammeKind.CUSTOM:
            if not (data.get("name") or "").strip():
                self.add_error("name", "Give the programme a name")
            if not data.get("recording"):
                self.add_error("recording", "Say what a result of the programme records")
            elif data["recording"] == Recording.CATEGORY and not (data.get("categories") or "").strip():
                self.add_error("categories", "List the categories a result can take, one a line")
        return data


class RuleForm(forms.Form):
    basis = forms.ChoiceField(
        label="Enrol staff by",
        choices=[(Basis.JOB_ROLE, "Job role"), (Basis.DEPARTMENT, "Department")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose job role or department"},
    )
    value = forms.CharField(
        label="Job role or department, as in the ESR staff data",
        max_length=200,
        error_messages={"required": "Enter the job role or department"},
    )


class EnrolForm(forms.Form):
    employee = forms.ModelChoiceField(
        label="Member of staff",
        queryset=Employee.objects.none(),
        error_messages={"required": "Choose the member of staff"},
    )
    first_due_on = NhsDateField(
        label="First check due by", required=False, help_text="Leave blank for 4 weeks from today"
    )

    def __init__(self, *args: Any, staff: QuerySet[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = staff  # type: ignore[attr-defined]
        self.fields["employee"].label_from_instance = (  # type: ignore[attr-defined]
            lambda e: f"{e.full_name}, {e.job_role} (ESR {e.esr_number})"
        )


class EndForm(forms.Form):
    reason = forms.CharField(
        label="Why they leave the programme",
        max_length=200,
        help_text="For example, moved to a role without the exposure. Do not include health details.",
        error_messages={"required": "Say why they leave the programme"},
    )


class ResultForm(forms.Form):
    """What a result holds depends on the programme: spirometry values, test values as text, a category."""

    performed_on = NhsDateField(label="Date of the check", error_messages={"required": "Enter the date of the check"})
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    restrictions = required_when(
        forms.CharField(label="Restrictions", required=False, widget=forms.Textarea(attrs={"rows": 2})),
        "Needed if fit with restrictions",
    )
    findings = forms.CharField(label="Findings", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_due_on = NhsDateField(label="Next check due by", required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        fields: dict[str, forms.Field] = {}
        if records_spirometry(programme):
            for name, label in (("fev1", "FEV1 (litres)"), ("fvc", "FVC (litres)")):
                fields[name] = forms.DecimalField(
                    label=label,
                    min_value=Decimal("0.2"),
                    max_value=Decimal("10"),
                    decimal_places=2,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
                    error_messages={"required": f"Enter {label.split(' ')[0]} in litres"},
                )
        if records_test_values_text(programme):
            fields["test_values"] = forms.CharField(
                label="Test values",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": "Enter the test values"},
            )
        if records_category(programme):
            fields["category"] = forms.ChoiceField(
                label=category_label(programme),
                choices=[(c, c) for c in categories_of(programme)],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose the {category_label(programme).lower()}"},
            )
        self.fields = {"performed_on": self.fields.pop("performed_on"), **fields, **self.fields}
        months = programme.interval_months
        self.fields["next_due_on"].help_text = f"Leave blank for {months} months after the check"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Outcome.FIT_WITH_RESTRICTIONS and not (data.get("restrictions") or "").strip():
            self.add_error("restrictions", "Describe the restrictions")
        return data

    def result(self) -> dict[str, Any]:
        """The service's arguments from the cleaned data."""
        data = self.cleaned_data
        values: dict[str, Any] = {}
        if "fev1" in data:
            values = {"fev1": data["fev1"], "fvc": data["fvc"]}
        if "test_values" in data:
            values = {"text": data["test_values"]}
        return {
            "performed_on": data["performed_on"],
            "outcome": data["outcome"],
            "category": data.get("category", ""),
            "values": values,
            "findings": data.get("findings", ""),
            "restrictions": data.get("restrictions", ""),
            "next_due_on": data.get("next_due_on"),
        }


class ScreeningForm(forms.Form):
    """The programme's screening questions, answered through the recall link: yes or no, with details for yes."""

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions_of(programme)
        for q in self.questions:
            self.fields[q.name] = forms.ChoiceField(
                label=q.label,
                help_text=q.hint,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer the question: {q.label}"},
            )
            self.fields[f"{q.name}_details"] = required_when(
                forms.CharField(
                    label="Give details", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
                ),
                "Needed if you answer yes",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for q in self.questions:
            if data.get(q.name) == "yes" and not (data.get(f"{q.name}_details") or "").strip():
                self.add_error(f"{q.name}_details", "Give details, so the nurse can understand your answer")
        return data
