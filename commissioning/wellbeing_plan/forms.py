from __future__ import annotations

from typing import Any

from django import forms

from ohwb_portal.date_input import NhsDateField

from .models import ActionStatus


class PlanActionForm(forms.Form):
    action = forms.CharField(
        label="Action",
        max_length=200,
        help_text="What the board will do, in a sentence: for example, “Offer every manager a wellbeing conversation”",
        error_messages={"required": "Enter the action"},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=120,
        help_text="The person or role who answers for it to the board",
        error_messages={"required": "Enter who owns the action"},
    )
    due_on = NhsDateField(label="Due date", help_text="For example, 31 3 2027")
    status = forms.ChoiceField(
        label="Progress",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        initial=ActionStatus.NOT_STARTED,
        error_messages={"required": "Select how the action is going"},
    )
    progress = forms.CharField(
        label="Progress so far",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has been done, and what is in the way",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].error_messages["required"] = "Enter the due date"

    def fields_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("action", "owner", "due_on", "status", "progress")}
