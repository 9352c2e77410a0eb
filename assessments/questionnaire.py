"""The candidate's health questionnaire: yes/no questions, each with details when the answer is yes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from ohwb_portal.required_when import required_when

# Per address, for the page and the API alike: enough for a candidate filling the form in, far too few to
# guess tokens.
QUESTIONNAIRE_RATE_LIMIT = "30/10m"


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    hint: str = ""
    epp_only: bool = False


QUESTIONS = [
    Question(
        "conditions",
        "Do you have any health condition that might affect your work?",
        "Physical or mental health, including conditions that are well controlled",
    ),
    Question("medication", "Do you take any regular medication?"),
    Question("absence", "Have you had more than 2 weeks off sick in the last 2 years?"),
    Question("adjustments", "Do you think you will need any adjustments or support at work?"),
    Question("infections", "Have you had, or been exposed to, tuberculosis, hepatitis or HIV?"),
    Question(
        "bbv_tested",
        "Have you had blood tests for blood-borne viruses for an EPP role before?",
        "Hepatitis B, hepatitis C and HIV",
        epp_only=True,
    ),
]
YES_NO = [("no", "No"), ("yes", "Yes")]


class QuestionnaireForm(forms.Form):
    """Built from QUESTIONS; `require_all` is off while saving a draft to finish later."""

    immunisation_history = forms.CharField(
        label="Which vaccinations have you had?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example MMR, chickenpox (varicella), hepatitis B, BCG, with dates if you know them",
    )

    def __init__(self, *args: Any, exposure_prone: bool, require_all: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_all = require_all
        self.questions = [q for q in QUESTIONS if exposure_prone or not q.epp_only]
        for q in self.questions:
            # Every question is needed to submit, even while a draft may leave some unanswered.
            self.fields[q.name] = required_when(
                forms.ChoiceField(
                    label=q.label,
                    help_text=q.hint,
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    required=require_all,
                    error_messages={"required": f"Answer the question: {q.label}"},
                )
            )
            self.fields[f"{q.name}_details"] = required_when(
                forms.CharField(
                    label="Give details",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    max_length=2000,
                ),
                "Needed if you answer yes",
            )
        self.order_fields([name for q in self.questions for name in (q.name, f"{q.name}_details")])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.require_all:
            return data
        for q in self.questions:
            if data.get(q.name) == "yes" and not (data.get(f"{q.name}_details") or "").strip():
                self.add_error(f"{q.name}_details", "Give details, so the nurse can understand your answer")
        return data
