from typing import Any

from django import forms

from ohwb_portal.date_input import NhsDateField

from .models import ClearanceOutcome, ImmunisationState


class StartCheckForm(forms.Form):
    candidate_name = forms.CharField(
        label="Candidate's full name", max_length=200, error_messages={"required": "Enter the candidate's full name"}
    )
    candidate_email = forms.EmailField(
        label="Candidate's e-mail address",
        help_text="The questionnaire link is sent here",
        error_messages={
            "required": "Enter the candidate's e-mail address",
            "invalid": "Enter an e-mail address like name@example.com",
        },
    )
    job_role = forms.CharField(label="Job role", max_length=200, error_messages={"required": "Enter the job role"})
    exposure_prone = forms.ChoiceField(
        label="Does the role involve exposure-prone procedures (EPP)?",
        widget=forms.RadioSelect,
        choices=[("no", "No"), ("yes", "Yes")],
        error_messages={"required": "Say whether the role involves EPP"},
    )
    start_date = NhsDateField(label="Planned start date", required=False)


class ImmunisationsForm(forms.Form):
    mmr = forms.ChoiceField(label="MMR", choices=ImmunisationState.choices, widget=forms.RadioSelect)
    varicella = forms.ChoiceField(label="Varicella", choices=ImmunisationState.choices, widget=forms.RadioSelect)
    hepatitis_b = forms.ChoiceField(label="Hepatitis B", choices=ImmunisationState.choices, widget=forms.RadioSelect)
    tb_screening = forms.ChoiceField(label="TB screening", choices=ImmunisationState.choices, widget=forms.RadioSelect)
    bbv_clearance = forms.ChoiceField(
        label="Blood-borne virus clearance (EPP roles)",
        choices=ImmunisationState.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, exposure_prone: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not exposure_prone:
            del self.fields["bbv_clearance"]
        else:
            self.fields["bbv_clearance"].required = True


class ClearanceForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ClearanceOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    adjustments = forms.CharField(
        label="Adjustments for the recruiting manager",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What to put in place. Do not include health details.",
    )
