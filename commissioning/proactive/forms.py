from __future__ import annotations

from typing import Any

from django import forms

from organisations.forms import StaffImportForm


class AbsenceImportForm(StaffImportForm):
    """The staff file's upload form (organisation, size and type checks), for the absence extract."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].error_messages["required"] = "Choose the organisation whose absence this is"
        upload = self.fields["file"]
        upload.label = "ESR absence extract (CSV)"
        upload.help_text = "The CSV file of absence exported from ESR, with its heading row. Up to 20 MB."
        upload.error_messages["required"] = "Choose the ESR absence extract to import"


class NotNowForm(forms.Form):
    reason = forms.CharField(
        label="Why not now? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "For example, they are already getting support, or a return to work is planned. Kept with your decision."
        ),
    )
